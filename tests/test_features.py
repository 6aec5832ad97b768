"""Feature extraction: vectors, the on-disk cache, failures recorded per page, parallel runs."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from classifier.page.loader import load_page
from classifier.signals import SIGNALS
from classifier.training import features
from classifier.training.dataset import LabelledPage, load_labelled
from classifier.training.features import (
    FeatureTable,
    cache_key,
    default_cache_dir,
    extract_features,
    page_features,
    view_page,
)


def article(n: int) -> str:
    """A small, unique HTML article written for these tests."""
    return (
        f"<html><head><title>Harbour report {n}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Harbour report {n}</h1><p>Fishing boats returned early on day {n} as the storm "
        "reached the coast. The harbour master said all crews were safe and accounted for.</p>"
        "<p>Repairs to the pier will start next week, the council confirmed.</p></article></body></html>"
    )


def make_pages(folder: Path, n: int = 4, extra: list[dict[str, Any]] | None = None) -> list[LabelledPage]:
    """``n`` pages per class: inline HTML, an HTML file, a gzipped file and a text file among them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "file.html").write_text(article(100), encoding="utf-8")
    (folder / "packed.html.gz").write_bytes(gzip.compress(article(101).encode()))
    (folder / "plain.txt").write_text("A plain text dump.\nSecond line of the dump.\n", encoding="utf-8")
    lines: list[dict[str, Any]] = [
        {"id": "file", "label": "original", "file": "file.html", "url": "https://harbour.example/a"},
        {"id": "packed", "label": "original", "file": "packed.html.gz"},
        {"id": "plain", "label": "low_quality", "file": "plain.txt"},
    ]
    lines += [{"id": f"o{i}", "label": "original", "html": article(i)} for i in range(n)]
    lines += [{"id": f"l{i}", "label": "low_quality", "html": article(50 + i)} for i in range(n)]
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in lines + (extra or [])), encoding="utf-8")
    return load_labelled([manifest], min_per_class=1).pages


@pytest.fixture
def pages(tmp_path: Path) -> list[LabelledPage]:
    """A small mixed set of labelled pages."""
    return make_pages(tmp_path / "data")


@pytest.fixture
def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls of the loader made by the feature module (in this process)."""
    calls = [0]

    def counting(*args: Any, **kw: Any) -> Any:
        calls[0] += 1
        return load_page(*args, **kw)

    monkeypatch.setattr(features, "load_page", counting)
    return calls


def page_vector(data: str, url: str, kind: str, view: str = "html") -> np.ndarray:
    """The signal vector of a page in a view."""
    return page_features(view_page(data, url, kind, view)).signals  # type: ignore[arg-type]


def test_page_features_have_one_finite_value_per_signal_and_ngrams() -> None:
    feats = page_features(view_page(article(1), "https://harbour.example/a", "html"))
    assert feats.signals.shape == (len(SIGNALS),) and feats.signals.dtype == float and np.isfinite(feats.signals).all()
    assert len(feats.idx) == len(feats.val) > 0 and np.isfinite(feats.val).all()


def test_text_view_measures_the_visible_text_as_a_text_page() -> None:
    page = load_page(article(1), kind="html")
    dump = "\n".join(b.text for b in page.blocks)
    as_text = page_vector(article(1), "https://h.example/", "html", view="text")
    assert np.array_equal(as_text, page_vector(dump, "https://h.example/", "text"))
    assert not np.array_equal(as_text, page_vector(article(1), "https://h.example/", "html"))


def test_clean_view_reads_the_main_text_alone() -> None:
    clean = view_page(article(1), "https://h.example/", "html", "clean")
    assert clean.kind == "text" and clean.body and "Related" not in clean.body_text


def test_extract_scores_every_page_in_input_order(pages: list[LabelledPage], tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    table = extract_features(pages, cache_dir=tmp_path / "cache", jobs=1, progress=lambda d, n: seen.append((d, n)))
    assert table.ids == [p.id for p in pages] and table.failed == {}
    assert table.X.shape == (len(pages), len(SIGNALS))
    assert seen == [(i, len(pages)) for i in range(1, len(pages) + 1)]
    assert np.array_equal(table.X[0], page_vector(article(100), "https://harbour.example/a", "html"))


def test_cache_hit_avoids_parsing(pages: list[LabelledPage], tmp_path: Path, count_parses: list[int]) -> None:
    cold = extract_features(pages, cache_dir=tmp_path / "cache", jobs=1)
    assert count_parses[0] == len(pages)
    warm = extract_features(pages, cache_dir=tmp_path / "cache", jobs=1)
    assert count_parses[0] == len(pages) and np.array_equal(cold.X, warm.X)
    extract_features(pages, cache_dir=tmp_path / "cache", jobs=1, view="text")  # another view: new keys
    assert count_parses[0] == 3 * len(pages)
    extract_features(pages, cache_dir=None, jobs=1)  # no cache at all
    assert count_parses[0] == 4 * len(pages)


def test_cache_files_are_sharded_npz(pages: list[LabelledPage], tmp_path: Path) -> None:
    extract_features(pages[:1], cache_dir=tmp_path / "cache", jobs=1)
    (stored,) = (tmp_path / "cache").rglob("*.npz")
    assert stored.parent.name == stored.stem[:2] and len(stored.stem) == 64
    assert not list((tmp_path / "cache").rglob("*.tmp"))


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage, not numpy", b"\x93NUMPY\x01\x00truncated"],
    ids=["empty", "garbage", "truncated"],
)
def test_corrupt_cache_file_is_recomputed(pages: list[LabelledPage], tmp_path: Path, damage: bytes) -> None:
    cache = tmp_path / "cache"
    good = extract_features(pages[:3], cache_dir=cache, jobs=1)
    for path in cache.rglob("*.npz"):
        path.write_bytes(damage)
    again = extract_features(pages[:3], cache_dir=cache, jobs=1)
    assert again.failed == {} and np.array_equal(good.X, again.X)
    assert all(np.load(p)["signals"].shape == (len(SIGNALS),) for p in cache.rglob("*.npz"))


def test_cache_file_of_the_wrong_shape_is_recomputed(pages: list[LabelledPage], tmp_path: Path, count_parses: list[int]) -> None:
    cache = tmp_path / "cache"
    good = extract_features(pages[:1], cache_dir=cache, jobs=1)
    (stored,) = cache.rglob("*.npz")
    np.savez(stored, signals=np.zeros(3), idx=np.zeros(0, dtype=np.int64), val=np.zeros(0))
    again = extract_features(pages[:1], cache_dir=cache, jobs=1)
    assert count_parses[0] == 2 and np.array_equal(good.X, again.X)


def test_unusable_cache_dir_still_scores(pages: list[LabelledPage], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    table = extract_features(pages[:2], cache_dir=blocker / "cache", jobs=1)
    assert table.failed == {} and len(table.ids) == 2


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pages: list[LabelledPage]) -> None:
    monkeypatch.setenv("NEWSQUAL_CACHE", str(tmp_path / "env-cache"))
    assert default_cache_dir() == tmp_path / "env-cache"
    extract_features(pages[:1], jobs=1)
    assert list((tmp_path / "env-cache").rglob("*.npz"))
    monkeypatch.delenv("NEWSQUAL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "newsqual" / "features"


def test_cache_key_covers_content_url_kind_view_and_signal_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    base = cache_key(b"<p>x</p>", "https://a.example/", "html", False)
    others = [
        cache_key(b"<p>y</p>", "https://a.example/", "html", False),
        cache_key("<p>x</p>", "https://a.example/", "html", False),
        cache_key(b"<p>x</p>", "https://b.example/", "html", False),
        cache_key(b"<p>x</p>", None, "html", False),
        cache_key(b"<p>x</p>", "https://a.example/", "auto", False),
        cache_key(b"<p>x</p>", "https://a.example/", "html", True),
    ]
    assert len({base, *others}) == 7
    bumped = {**features.signal_versions(), SIGNALS[0].name: SIGNALS[0].version + 1}
    monkeypatch.setattr(features, "signal_versions", lambda: bumped)
    assert cache_key(b"<p>x</p>", "https://a.example/", "html", False) != base


def test_feature_code_is_the_parser_and_the_signals() -> None:
    modules = features.feature_modules()
    for name in ("page.loader", "page.decode", "page.html_parser", "page.text_parser", "page.page", "signals",
                 "signals.base", "model.textchannel"):
        assert f"classifier.{name}" in modules
    for name in ("training.features", "training.dataset", "model.bundle", "scorer"):
        assert f"classifier.{name}" not in modules


def failing_pages(tmp_path: Path) -> list[LabelledPage]:
    """The mixed page set plus an empty file and a binary one."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "empty.html").write_bytes(b"")
    (tmp_path / "data" / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    extra = [
        {"id": "empty", "label": "original", "file": "empty.html"},
        {"id": "image", "label": "low_quality", "file": "image.html"},
    ]
    return make_pages(tmp_path / "data", extra=extra)


def test_failing_pages_are_recorded_and_the_rest_scored(tmp_path: Path) -> None:
    pages = failing_pages(tmp_path)
    table = extract_features(pages, cache_dir=tmp_path / "cache", jobs=1)
    assert set(table.failed) == {"empty", "image"}
    assert "empty" in table.failed["empty"] and "binary" in table.failed["image"]
    assert table.ids == [p.id for p in pages if p.id not in ("empty", "image")]
    assert table.X.shape == (len(pages) - 2, len(SIGNALS))


def test_unexpected_exceptions_are_recorded_too(pages: list[LabelledPage], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real: Callable[..., Any] = features.view_page

    def flaky(data: bytes | str, url: str | None, kind: str, view: str = "html", cache: Any = None) -> Any:
        if isinstance(data, str) and "report 2<" in data:
            raise RuntimeError("parser blew up")
        return real(data, url, kind, view, cache)

    monkeypatch.setattr(features, "view_page", flaky)
    table = extract_features(pages, cache_dir=None, jobs=1)
    assert table.failed == {"o2": "could not measure page: RuntimeError: parser blew up"}
    assert len(table.ids) == len(pages) - 1


def test_a_page_that_vanished_is_recorded(pages: list[LabelledPage], tmp_path: Path) -> None:
    assert pages[0].path is not None
    pages[0].path.unlink()
    table = extract_features(pages, cache_dir=None, jobs=1)
    assert list(table.failed) == ["file"] and "no such file" in table.failed["file"]


def test_two_jobs_give_the_same_table_as_one(tmp_path: Path) -> None:
    pages = failing_pages(tmp_path)
    one = extract_features(pages, cache_dir=None, jobs=1)
    done: list[int] = []
    two = extract_features(pages, cache_dir=tmp_path / "cache", jobs=2, progress=lambda d, n: done.append(d))
    assert two.ids == one.ids and two.failed == one.failed and np.array_equal(two.X, one.X)
    assert done == list(range(1, len(pages) + 1))
    warm = extract_features(pages, cache_dir=tmp_path / "cache", jobs=2)
    assert np.array_equal(warm.X, one.X)


def test_no_pages_give_an_empty_table() -> None:
    table = extract_features([], cache_dir=None, jobs=2)
    assert isinstance(table, FeatureTable) and table.X.shape == (0, len(SIGNALS)) and table.ids == []


def test_jobs_must_be_positive(pages: list[LabelledPage]) -> None:
    with pytest.raises(ValueError, match="jobs"):
        extract_features(pages, cache_dir=None, jobs=0)


def test_corpus_pages_measure_without_failures(corpus_dir: Path, tmp_path: Path) -> None:
    pages = load_labelled([corpus_dir / "manifest.jsonl"]).pages[::40]
    table = extract_features(pages, cache_dir=tmp_path / "cache", jobs=2)
    assert table.failed == {} and table.X.shape == (len(pages), len(SIGNALS)) and np.isfinite(table.X).all()
