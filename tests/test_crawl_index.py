"""The reference index (SQLite + band keys) and the crawl CLI commands: index build, score --index/--crawl, sites."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("rensa", reason="crawl mode needs the 'crawl' extra (rensa)")
pytest.importorskip("tldextract", reason="crawl mode needs the 'crawl' extra (tldextract)")

from typer.testing import CliRunner  # noqa: E402

from classifier.cli import app  # noqa: E402
from classifier.crawl.index import FILE, IndexFileError, ReferenceIndex, build_index  # noqa: E402
from classifier.crawl.signatures import sign_text  # noqa: E402

from .crawl_pages import OTHER, STORY, article  # noqa: E402

ORIG = "https://www.citypost.com/2023/09/18/bus-lanes"
BAKERY = "https://www.bakerynews.org/prize"
COPY = "https://dailyscrape.net/bus"


@pytest.fixture
def trusted(tmp_path: Path) -> Path:
    """A folder of two trusted originals."""
    folder = tmp_path / "trusted"
    folder.mkdir()
    (folder / "bus.html").write_text(article(ORIG, canonical=ORIG))
    (folder / "bakery.html").write_text(article(BAKERY, paragraphs=OTHER, canonical=BAKERY))
    (folder / "empty.html").write_text("<html><body><p>Too short.</p></body></html>")
    return folder


def test_build_is_incremental_and_a_query_finds_the_original(trusted: Path, tmp_path: Path) -> None:
    first = build_index(tmp_path / "idx", [str(p) for p in sorted(trusted.iterdir())])
    assert (first.added, first.known, first.skipped, first.failed, first.total) == (2, 0, 1, 0, 2)
    again = build_index(tmp_path / "idx", [str(p) for p in sorted(trusted.iterdir())])
    assert (again.added, again.known, again.total) == (0, 2, 2)
    sig = sign_text(" ".join(STORY[:3]) + " Shared by our staff.")
    with ReferenceIndex.open(tmp_path / "idx") as index:
        hits = index.query(sig)  # type: ignore[arg-type]
        assert [h.facts.url for h in hits] == [ORIG]
        assert hits[0].similarity > 0.6 and hits[0].facts.byline
        assert index.query(sign_text(" ".join(OTHER)[::-1] * 3)) == []  # type: ignore[arg-type]
    later = trusted / "later.html"
    later.write_text(article("https://www.later.com/x", paragraphs=(STORY[3], *OTHER), canonical="https://www.later.com/x"))
    third = build_index(tmp_path / "idx", [str(later)])
    assert (third.added, third.total) == (1, 3)
    with ReferenceIndex.open(tmp_path / "idx") as index:
        hits = index.query(sign_text(" ".join((STORY[3], *OTHER))))  # type: ignore[arg-type]
        assert [h.facts.url for h in hits][:1] == ["https://www.later.com/x"]


def test_an_index_with_other_settings_or_a_broken_file_is_refused(trusted: Path, tmp_path: Path) -> None:
    build_index(tmp_path / "idx", [str(trusted / "bus.html")])
    with sqlite3.connect(tmp_path / "idx" / FILE) as conn:
        conn.execute("UPDATE meta SET value = '64' WHERE key = 'num_perm'")
    with pytest.raises(IndexFileError, match="rebuild"):
        ReferenceIndex.open(tmp_path / "idx")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / FILE).write_bytes(b"not a database at all" * 100)
    with pytest.raises(IndexFileError, match="not a readable"):
        ReferenceIndex.open(tmp_path / "bad")
    with pytest.raises(IndexFileError, match="no reference index"):
        ReferenceIndex.open(tmp_path / "none")


def test_cli_index_build_then_score_index_names_the_original(trusted: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    built = runner.invoke(app, ["index", "build", str(trusted), "--out", str(tmp_path / "idx")])
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["added"] == 2
    copy = tmp_path / "copy.html"
    copy.write_text(article(COPY, day="2024-06-01", byline=None, canonical=COPY))
    got = runner.invoke(app, ["score", str(copy), "--index", str(tmp_path / "idx"), "--json"])
    assert got.exit_code == 0, got.output
    row = json.loads(got.stdout)
    crawl = [r for r in row["reasons"] if r["signal"].startswith("crawl_")]
    assert [r["signal"] for r in crawl] == ["crawl_uncredited_copy"]
    assert ORIG in crawl[0]["evidence"] and "8 months earlier" in crawl[0]["evidence"]
    missing = runner.invoke(app, ["score", str(copy), "--index", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "no reference index" in missing.output


def test_cli_score_crawl_then_sites_report(tmp_path: Path) -> None:
    pages = tmp_path / "crawl"
    pages.mkdir()
    (pages / "orig.html").write_text(article(ORIG, canonical=ORIG))
    (pages / "bakery.html").write_text(article(BAKERY, paragraphs=OTHER, canonical=BAKERY))
    for k, (paras, day) in enumerate(((STORY, "2024-01-05"), (OTHER, "2024-01-06"))):
        url = f"https://dailyscrape.net/story-{k}"
        (pages / f"copy{k}.html").write_text(article(url, paragraphs=paras, day=day, byline=None, canonical=url))
    runner = CliRunner()
    scored = runner.invoke(app, ["score", str(pages), "--crawl", "--output", str(tmp_path / "r.jsonl")])
    assert scored.exit_code == 0, scored.output
    assert scored.stdout.count("crawl_uncredited_copy") == 2 and scored.stdout.count("crawl_original") == 2
    sites = runner.invoke(app, ["sites", str(tmp_path / "r.jsonl"), "--out", str(tmp_path / "report"), "--json"])
    assert sites.exit_code == 0, sites.output
    verdicts = {v["site"]: v for v in map(json.loads, sites.stdout.splitlines())}
    assert verdicts["dailyscrape.net"]["uncredited_share"] == 1.0 and verdicts["dailyscrape.net"]["flagged"]
    assert verdicts["citypost.com"]["originals"] == 1 and not verdicts["citypost.com"]["flagged"]
    assert any(ORIG in e for e in verdicts["dailyscrape.net"]["evidence"])
    html = (tmp_path / "report" / "sites.html").read_text()
    assert "dailyscrape.net" in html and "sites.png" in html
    assert (tmp_path / "report" / "sites.png").read_bytes()[:4] == b"\x89PNG"
    assert len((tmp_path / "report" / "sites.jsonl").read_text().splitlines()) == 3


def test_cli_sites_without_result_lines_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text("not json\n")
    got = CliRunner().invoke(app, ["sites", str(tmp_path / "x.jsonl")])
    assert got.exit_code == 2 and "no result lines" in got.output


def test_cli_crawl_and_index_together_use_both(trusted: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["index", "build", str(trusted / "bus.html"), "--out", str(tmp_path / "idx")]).exit_code == 0
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "bakery.html").write_text(article(BAKERY, paragraphs=OTHER, canonical=BAKERY))
    for name, paras in (("bus", STORY), ("bakery", OTHER)):
        url = f"{COPY}/{name}"
        (batch / f"copy-{name}.html").write_text(article(url, paragraphs=paras, day="2024-06-01", byline=None, canonical=url))
    got = runner.invoke(app, ["score", str(batch), "--crawl", "--index", str(tmp_path / "idx"), "--json"])
    assert got.exit_code == 0, got.output
    rows = {Path(r["source"]).name: r for r in map(json.loads, got.stdout.splitlines())}
    evidence = {n: [x["evidence"] for x in r["reasons"] if x["signal"] == "crawl_uncredited_copy"] for n, r in rows.items()}
    assert ORIG in evidence["copy-bus.html"][0] and BAKERY in evidence["copy-bakery.html"][0]
    assert evidence["bakery.html"] == []
