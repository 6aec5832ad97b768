"""Reading and validating labelled data: manifests, folders, every validation problem, the corpus."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from classifier.errors import DataError, FetchError
from classifier.page.loader import load_page
from classifier.training import dataset
from classifier.training.dataset import LABELS, Dataset, LabelledPage, load_labelled, read_page


def article(n: int, title: str = "Council report") -> str:
    """A small, unique HTML article written for these tests."""
    return (
        f"<html><head><title>{title} {n}</title></head><body><article>"
        f"<h1>{title} {n}</h1><p>The town council met on Monday to discuss road repair number {n}. "
        "Members agreed to fund the work from next year's budget after a long debate.</p>"
        "</article></body></html>"
    )


def rows(n: int = 5) -> list[dict[str, Any]]:
    """``n`` original and ``n`` low-quality rows with inline HTML."""
    return [
        {"id": f"{label}-{i}", "label": label, "html": article(i, label), "domain": f"{label}{i}.example"}
        for label in ("original", "low_quality")
        for i in range(n)
    ]


def write_manifest(folder: Path, lines: Sequence[dict[str, Any] | str], name: str = "manifest.jsonl") -> Path:
    """Write ``lines`` (objects as JSON, strings as they are) as a manifest; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines), encoding="utf-8")
    return path


def problems_of(sources: list[Path], **kw: Any) -> list[str]:
    """The problems a DataError lists for ``sources``."""
    with pytest.raises(DataError) as info:
        load_labelled(sources, **kw)
    return info.value.problems


def by_id(data: Dataset) -> dict[str, LabelledPage]:
    """Pages of a dataset keyed by id."""
    return {p.id: p for p in data.pages}


# --- manifests -------------------------------------------------------------------------------


def test_inline_rows_load_with_kinds_and_defaults(tmp_path: Path) -> None:
    extra = [{"label": "original", "text": "A plain text page.\nWith two lines."}]
    data = load_labelled([write_manifest(tmp_path, rows() + extra)])
    pages = by_id(data)
    assert len(data.pages) == 11 and data.by_label() == {"original": 6, "low_quality": 5, "borderline": 0}
    assert pages["original-0"].kind == "html" and pages["original-0"].html is not None
    text_page = pages["manifest:11"]  # missing id: manifest stem and line number
    assert text_page.kind == "text" and text_page.text is not None and text_page.path is None
    assert text_page.category == "original" and text_page.origin.endswith("manifest.jsonl:11")
    assert read_page(text_page) == (text_page.text, "text")
    assert read_page(pages["original-0"]) == (pages["original-0"].html, "html")


def test_optional_fields_are_kept(tmp_path: Path) -> None:
    row = {"id": "x", "label": "low_quality", "html": article(99), "category": "spam", "lang": "en",
           "confidence": "high", "url": "https://spam.example/a", "published": "2020-01-02", "generated": True}
    page = by_id(load_labelled([write_manifest(tmp_path, [*rows(), row])]))["x"]
    assert (page.category, page.lang, page.confidence, page.url, page.published, page.generated) == (
        "spam", "en", "high", "https://spam.example/a", "2020-01-02", True)



def test_only_crawls_before_the_era_year_count_as_old(tmp_path: Path) -> None:
    years = {"original-0": 2007, "original-1": 2012, "original-2": 2013, "original-3": 2024}
    lines = [dict(r, crawl_year=years[r["id"]]) if r["id"] in years else r for r in rows()]
    pages = by_id(load_labelled([write_manifest(tmp_path, lines)]))
    assert [pages[f"original-{i}"].old_crawl for i in range(5)] == [True, True, False, False, False]

def test_file_rows_are_relative_to_the_manifest(tmp_path: Path) -> None:
    pages_dir = tmp_path / "data" / "pages"
    pages_dir.mkdir(parents=True)
    (pages_dir / "a.html").write_text(article(1), encoding="utf-8")
    (pages_dir / "b.htm").write_text(article(2), encoding="utf-8")
    (pages_dir / "c.html.gz").write_bytes(gzip.compress(article(3, "Gzipped").encode()))
    (pages_dir / "d.txt").write_text("Plain text page.\nSecond line.", encoding="utf-8")
    files = [{"id": n, "label": "original", "file": f"pages/{n}"} for n in ("a.html", "b.htm", "c.html.gz", "d.txt")]
    data = load_labelled([write_manifest(tmp_path / "data", files + rows())])
    pages = by_id(data)
    assert [pages[n].kind for n in ("a.html", "b.htm", "c.html.gz", "d.txt")] == ["html", "html", "html", "text"]
    assert pages["c.html.gz"].path == (pages_dir / "c.html.gz").resolve()
    raw, kind = read_page(pages["c.html.gz"])
    assert isinstance(raw, bytes) and load_page(raw, kind=kind).title.startswith("Gzipped 3")


def test_url_rows_are_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import classifier.io.fetch

    class Got:
        content = b"<html><body><p>fetched</p></body></html>"

    calls: list[tuple[str, int]] = []

    def fake_fetch(url: str, max_bytes: int) -> Got:
        calls.append((url, max_bytes))
        return Got()

    monkeypatch.setattr(classifier.io.fetch, "fetch", fake_fetch)
    row = {"id": "u", "label": "original", "url": "https://news.example/story"}
    page = by_id(load_labelled([write_manifest(tmp_path, [*rows(), row])]))["u"]
    assert page.kind == "auto" and page.group == "news.example"
    assert read_page(page, max_bytes=1000) == (Got.content, "auto") and calls == [("https://news.example/story", 1000)]


def test_url_fetch_failure_is_a_newsqual_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import classifier.io.fetch

    def refuse(url: str, max_bytes: int) -> None:
        raise FetchError(url, "HTTP 404")

    monkeypatch.setattr(classifier.io.fetch, "fetch", refuse)
    page = by_id(load_labelled([write_manifest(tmp_path, [*rows(), {"id": "u", "label": "original", "url": "https://x.example/"}])]))["u"]
    with pytest.raises(FetchError, match="404"):
        read_page(page)


@pytest.mark.parametrize(
    ("extra", "group"),
    [
        ({"domain": "www.News.example", "url": "https://other.example/a"}, "news.example"),
        ({"url": "https://www.host.example:8080/a"}, "host.example"),
        ({"domain": "a.example", "network": "Fake Local Network"}, "network:Fake Local Network"),
        ({"domain": None, "network": None}, "g"),
    ],
    ids=["domain", "url-host", "network-first", "id"],
)
def test_group_is_network_else_domain_else_id(tmp_path: Path, extra: dict[str, Any], group: str) -> None:
    row = {"id": "g", "label": "low_quality", "html": article(42), **extra}
    assert by_id(load_labelled([write_manifest(tmp_path, [*rows(), row])]))["g"].group == group


def test_borderline_rows_are_kept_and_noted(tmp_path: Path) -> None:
    row = {"id": "b", "label": "borderline", "html": article(7), "category": "aggregator"}
    data = load_labelled([write_manifest(tmp_path, [*rows(), row])])
    assert by_id(data)["b"].label == "borderline" and data.by_label()["borderline"] == 1
    assert any("1 borderline" in w for w in data.warnings)


def test_blank_lines_and_bom_are_fine(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, rows())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\n\n", 3))
    assert len(load_labelled([path]).pages) == 10


# --- validation ------------------------------------------------------------------------------

#: (the 11th line of a manifest whose first ten lines are valid, the problem it must give)
BAD_LINES = [
    ("{not json", "not valid JSON"),
    ('["a", "list"]', "not a JSON object (got list)"),
    ({"id": "x", "html": article(50)}, "missing 'label'"),
    ({"id": "x", "label": "spam", "html": article(50)}, "unknown label 'spam'"),
    ({"id": "x", "label": "original"}, "no page: give one of 'file', 'html', 'text' or 'url'"),
    ({"id": "x", "label": "original", "file": "pages/missing.html"}, "file 'pages/missing.html' does not exist"),
    ({"id": "x", "label": "original", "file": "notes.pdf"}, "is not a page file"),
    ({"id": "x", "label": "original", "html": article(50), "text": "t"}, "give only one of"),
    ({"id": "x", "label": ["original"], "html": article(50)}, "field 'label' must be a string"),
    ({"id": "x", "label": "original", "html": article(50), "generated": "no"}, "field 'generated' must be true or false"),
    ({"id": "original-0", "label": "original", "html": article(50)}, "duplicate id 'original-0' (first at"),
    ({"id": "x", "label": "original", "html": article(0, "original")}, "same page as"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES, ids=[m.split(" (")[0] for _, m in BAD_LINES])
def test_each_bad_row_is_reported_with_its_line(tmp_path: Path, line: dict[str, Any] | str, message: str) -> None:
    path = write_manifest(tmp_path, [*rows(), line])
    problems = problems_of([path])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:11: ") and message in problems[0]


def test_duplicate_files_and_sha256_are_found(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(article(1), encoding="utf-8")
    (tmp_path / "q.html").write_text(article(2), encoding="utf-8")
    lines: list[dict[str, Any] | str] = [
        *rows(),
        {"id": "f1", "label": "original", "file": "p.html"},
        {"id": "f2", "label": "original", "file": "./p.html"},
        {"id": "s1", "label": "original", "file": "q.html", "sha256": "AB" * 32},
        {"id": "s2", "label": "original", "html": article(3), "sha256": "ab" * 32},
        {"id": "u1", "label": "original", "url": "https://a.example/x"},
        {"id": "u2", "label": "original", "url": "https://a.example/x"},
    ]
    path = write_manifest(tmp_path, lines)
    problems = problems_of([path])
    assert problems == [
        f"{path}:12: same page as {path}:11 (same file {(tmp_path / 'p.html').resolve()})",
        f"{path}:14: same page as {path}:13 (same sha256 {'ab' * 32})",
        f"{path}:16: same page as {path}:15 (same url https://a.example/x)",
    ]


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    lines: list[dict[str, Any] | str] = [
        {"id": "o1", "label": "original", "html": article(1)},
        "{broken",
        {"id": "o2", "html": article(2)},
        {"id": "o1", "label": "original", "html": article(3)},
        {"id": "l1", "label": "low_quality", "file": "gone.html"},
        {"id": "l2", "label": "low_quality", "html": article(1)},
    ]
    path = write_manifest(tmp_path, lines)
    problems = problems_of([path, tmp_path / "nowhere.jsonl"], min_per_class=2)
    assert [p.split(" (")[0] for p in problems] == [
        f"{path}:2: not valid JSON",
        f"{path}:3: missing 'label'",
        f"{path}:5: file 'gone.html' does not exist",
        f"{tmp_path / 'nowhere.jsonl'}: no such file or folder",
        f"{path}:4: duplicate id 'o1'",
        f"{path}:6: same page as {path}:1",
        "too few 'low_quality' pages: 1 over all sources",
    ]


def test_too_few_pages_per_class_counts_all_sources(tmp_path: Path) -> None:
    originals = [r for r in rows(3) if r["label"] == "original"]
    low = [r for r in rows(3) if r["label"] == "low_quality"]
    one = write_manifest(tmp_path / "one", originals)
    two = write_manifest(tmp_path / "two", low)
    assert problems_of([one, two]) == [
        "too few 'original' pages: 3 over all sources (need at least 5)",
        "too few 'low_quality' pages: 3 over all sources (need at least 5)",
    ]
    assert len(load_labelled([one, two], min_per_class=3).pages) == 6


def test_bad_sources(tmp_path: Path) -> None:
    empty = write_manifest(tmp_path, [], name="empty.jsonl")
    (tmp_path / "table.csv").write_text("id,label\n", encoding="utf-8")
    (tmp_path / "nothing").mkdir()
    good = write_manifest(tmp_path / "good", rows())
    problems = problems_of([empty, tmp_path / "table.csv", tmp_path / "nothing", tmp_path / "missing", good, good])
    assert problems == [
        f"{empty}: empty source: the manifest has no rows",
        f"{tmp_path / 'table.csv'}: not a labelled-data source (expected a .jsonl manifest or a folder)",
        f"{tmp_path / 'nothing'}: empty source: no original/, low_quality/, borderline/ folder inside",
        f"{tmp_path / 'missing'}: no such file or folder",
        f"{good}: source given twice",
    ]
    assert problems_of([]) == [
        "no labelled data given: pass a manifest (.jsonl) or a folder",
        "too few 'original' pages: 0 over all sources (need at least 5)",
        "too few 'low_quality' pages: 0 over all sources (need at least 5)",
    ]


def test_data_error_message_lists_every_problem(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, ["{", "[]"])
    with pytest.raises(DataError) as info:
        load_labelled([path], min_per_class=0)
    assert str(info.value).startswith("2 problem(s) in labelled data:")
    assert f"{path}:1: not valid JSON" in str(info.value) and f"{path}:2: not a JSON object" in str(info.value)


# --- folders ---------------------------------------------------------------------------------


def make_folder(root: Path, n: int = 5) -> Path:
    """A folder source with ``n`` pages per class in mixed file types."""
    for label in ("original", "low_quality"):
        (root / label).mkdir(parents=True)
        for i in range(n):
            (root / label / f"{label}{i}.html").write_text(article(i, label), encoding="utf-8")
    return root


def test_folder_layout(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "mine")
    (root / "original" / "plain.txt").write_text("Just text.\nTwo lines.", encoding="utf-8")
    (root / "low_quality" / "packed.html.gz").write_bytes(gzip.compress(article(9, "Packed").encode()))
    (root / "borderline").mkdir()
    (root / "borderline" / "portal.htm").write_text(article(8, "Portal"), encoding="utf-8")
    (root / "original" / ".DS_Store").write_bytes(b"\x00\x01")
    (root / "README.md").write_text("notes", encoding="utf-8")
    (root / "drafts").mkdir()
    data = load_labelled([root])
    pages = by_id(data)
    assert data.by_label() == {"original": 6, "low_quality": 6, "borderline": 1}
    plain = pages["mine/original/plain.txt"]
    assert (plain.label, plain.kind, plain.group, plain.category) == ("original", "text", "plain", "original")
    packed = pages["mine/low_quality/packed.html.gz"]
    assert (packed.kind, packed.group, packed.path) == ("html", "packed", (root / "low_quality" / "packed.html.gz").resolve())
    assert pages["mine/borderline/portal.htm"].label == "borderline"
    assert any("drafts" in w and "ignored" in w for w in data.warnings)
    assert isinstance(read_page(packed)[0], bytes)


def test_folder_problems(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "mine", n=2)
    (root / "original" / "scan.pdf").write_bytes(b"%PDF-1.4")
    problems = problems_of([root])
    assert problems == [
        f"{root / 'original' / 'scan.pdf'}: not a page file (expected {', '.join(dataset.PAGE_SUFFIXES)})",
        "too few 'original' pages: 2 over all sources (need at least 5)",
        "too few 'low_quality' pages: 2 over all sources (need at least 5)",
    ]
    (tmp_path / "bare" / "original").mkdir(parents=True)
    assert f"{tmp_path / 'bare'}: empty source: no page files in its label folders" in problems_of([tmp_path / "bare"])


def test_folder_and_manifest_naming_the_same_file_is_a_duplicate(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "mine")
    manifest = write_manifest(tmp_path, [{"id": "again", "label": "original", "file": "mine/original/original0.html"}])
    problems = problems_of([root, manifest])
    assert problems == [f"{manifest}:1: same page as {root / 'original' / 'original0.html'} (same file {(root / 'original' / 'original0.html').resolve()})"]


def test_pages_pickle_for_worker_processes(tmp_path: Path) -> None:
    import pickle

    page = load_labelled([write_manifest(tmp_path, rows())]).pages[0]
    assert pickle.loads(pickle.dumps(page)) == page


# --- the shared corpus -----------------------------------------------------------------------


def test_corpus_manifest_loads_cleanly(corpus_dir: Path) -> None:
    data = load_labelled([corpus_dir / "manifest.jsonl"])
    n_rows = sum(1 for line in (corpus_dir / "manifest.jsonl").open() if line.strip())
    assert len(data.pages) == n_rows
    assert data.by_label() == {"original": 3276, "low_quality": 85, "borderline": 100}  # CORPUS.md
    assert set(LABELS) == {p.label for p in data.pages}
    assert all(p.path is not None and p.path.is_file() and p.kind == "html" for p in data.pages)
    assert all(p.collection for p in data.pages)
    assert len({p.id for p in data.pages}) == n_rows


def test_corpus_groups_follow_network_domain_id(corpus_dir: Path) -> None:
    rows_by_id = {r["id"]: r for r in map(json.loads, (corpus_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines())}
    pages = by_id(load_labelled([corpus_dir / "manifest.jsonl"]))
    for pid, r in rows_by_id.items():
        if r.get("network"):
            expected = "network:" + r["network"]
        elif r.get("domain"):
            expected = r["domain"].removeprefix("www.")
        else:
            expected = pid
        assert pages[pid].group == expected
    networks = {pages[pid].group for pid, r in rows_by_id.items() if r.get("network") == "Path Publishing Group"}
    assert len(networks) == 1, "one template network must stay in one fold"
