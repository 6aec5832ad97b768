"""The public Python API: its surface, the bundled model's checks, and scoring without I/O."""

from __future__ import annotations

import shutil
from pathlib import Path

import joblib
import pytest

import classifier
from classifier import ModelError, Scorer
from classifier.model import load_bundle, save_bundle
from classifier.settings import DEFAULT_MODEL

from .pages import original_page, scraper_page


def test_public_surface() -> None:
    assert set(classifier.__all__) == {
        "DataError", "FetchError", "InputError", "ModelError", "NewsqualError", "Reason", "Result", "ScoreOptions", "Scorer",
    }


def test_scraper_scores_above_original() -> None:
    scorer = Scorer.load()
    orig = [scorer.score_html(original_page(i)).score for i in range(4)]
    scraped = [scorer.score_html(scraper_page(i)).score for i in range(4)]
    assert min(scraped) > max(orig)
    assert all(r == "low_quality" for r in (scorer.score_html(scraper_page(i)).label for i in range(4)))


def test_result_json_fields() -> None:
    d = Scorer.load().score_html(scraper_page(1), url="https://trendhub.example/a").to_dict()
    assert set(d) == {"source", "final_url", "score", "label", "reasons", "signals", "error"}
    assert d["reasons"] and set(d["reasons"][0]) == {"signal", "value", "evidence", "contribution"}


def test_score_html_does_no_io(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*a: object, **k: object) -> None:
        raise AssertionError("score_html tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    assert Scorer.load().score_html(original_page(0), url="https://valleytimes.example/x").ok


def test_accepts_beautifulsoup() -> None:
    from bs4 import BeautifulSoup

    scorer = Scorer.load()
    soup = BeautifulSoup(scraper_page(2), "lxml")
    assert scorer.score_html(soup).score == scorer.score_html(str(soup)).score


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    """A copy of the bundled model and its checksum in tmp_path."""
    dst = tmp_path / "m.joblib"
    shutil.copy(DEFAULT_MODEL, dst)
    shutil.copy(DEFAULT_MODEL.with_name(DEFAULT_MODEL.name + ".sha256"), tmp_path / "m.joblib.sha256")
    (tmp_path / "m.joblib.sha256").write_text((tmp_path / "m.joblib.sha256").read_text().replace(DEFAULT_MODEL.name, "m.joblib"))
    return dst


def test_bundle_loads(model_copy: Path) -> None:
    assert 0 < load_bundle(model_copy).threshold < 1


def test_tampered_bundle_refused(model_copy: Path) -> None:
    with model_copy.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelError, match="checksum"):
        Scorer.load(model_copy)


def test_missing_checksum_refused(model_copy: Path) -> None:
    model_copy.with_name("m.joblib.sha256").unlink()
    with pytest.raises(ModelError, match="checksum"):
        Scorer.load(model_copy)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("feature_names", ["a", "b"], "other features"),
        ("signal_versions", {"x": 9}, "signal versions"),
        ("library_versions", {"scikit-learn": "0.1.0"}, "scikit-learn"),
        ("threshold", 1.5, "threshold"),
        ("format", 99, "format"),
    ],
)
def test_mismatched_bundle_refused(model_copy: Path, field: str, value: object, message: str) -> None:
    data = joblib.load(model_copy)
    data[field] = value
    joblib.dump(data, model_copy)
    bundle_sum = __import__("classifier.model", fromlist=["sha256_file"]).sha256_file(model_copy)
    model_copy.with_name("m.joblib.sha256").write_text(f"{bundle_sum}  m.joblib\n")
    with pytest.raises(ModelError, match=message):
        load_bundle(model_copy)


def test_save_then_load_roundtrip(model_copy: Path, tmp_path: Path) -> None:
    bundle = load_bundle(model_copy)
    save_bundle(bundle, tmp_path / "again.joblib")
    assert load_bundle(tmp_path / "again.joblib").threshold == bundle.threshold


def _with(page: str, before: str, after: str) -> str:
    """``page`` with one substring replaced (asserting it was there)."""
    assert before in page
    return page.replace(before, after, 1)


def test_credited_wire_copy_is_not_flagged() -> None:
    """Licensed wire copy that credits the agency is legitimate (CORPUS.md)."""
    scorer = Scorer.load()
    for i in range(4):
        page = _with(original_page(i), "<p>Officials said", "<p>SPRINGFIELD (AP) — Officials said")
        page = _with(page, "<footer>", "<p>Copyright 2024 The Associated Press. All rights reserved.</p><footer>")
        assert scorer.score_html(page).label == "original"


def test_off_topic_trending_list_alone_is_not_flagged() -> None:
    """Legitimate pages carry "Trending" lists of unrelated stories too."""
    from .pages import CELEB

    scorer = Scorer.load()
    items = "".join(f"<li><a href='/t{k}'>{t}</a></li>" for k, t in enumerate(CELEB))
    for i in range(4):
        page = _with(original_page(i), "<footer>", f"<h3>Trending</h3><ul>{items}</ul><footer>")
        assert scorer.score_html(page).label == "original"
