"""The public Python API: its surface, the bundled model's checks, and scoring without I/O."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import classifier
from classifier import ModelError, Scorer
from classifier.model.bundle import load_bundle, save_bundle
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
    """A copy of the bundled model in tmp_path."""
    dst = tmp_path / "m.npz"
    shutil.copy(DEFAULT_MODEL, dst)
    return dst


def _arrays(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a bundle file."""
    with np.load(path, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def _header(arrays: dict[str, np.ndarray]) -> dict[str, object]:
    """The decoded JSON header of a bundle's arrays."""
    return json.loads(arrays["header"].tobytes())


def _write(path: Path, arrays: dict[str, np.ndarray], header: dict[str, object] | None = None) -> None:
    """Write ``arrays`` (with ``header`` re-encoded when given) as a bundle file."""
    if header is not None:
        arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with path.open("wb") as fh:
        np.savez(fh, **arrays)


def test_bundle_loads(model_copy: Path) -> None:
    bundle = load_bundle(model_copy)
    assert 0 < bundle.threshold < 1
    assert bundle.id.startswith("newsqual-") and len(bundle.digest) == 64


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("feature_names", ["a", "b"], "other features"),
        ("signal_versions", {"x": 9}, "signal versions"),
        ("threshold", 1.5, "threshold"),
        ("threshold", "0.5", "threshold"),
        ("calib_a", -1.0, "slope"),
        ("format", 99, "format"),
        ("intercept", None, "intercept"),
    ],
)
def test_mismatched_header_refused(model_copy: Path, field: str, value: object, message: str) -> None:
    arrays = _arrays(model_copy)
    header = _header(arrays)
    header[field] = value
    _write(model_copy, arrays, header)
    with pytest.raises(ModelError, match=message):
        load_bundle(model_copy)


def test_non_finite_header_number_refused(model_copy: Path) -> None:
    arrays = _arrays(model_copy)
    text = arrays["header"].tobytes().decode()
    header = _header(arrays)
    text = text.replace(f'"intercept": {json.dumps(header["intercept"])}', '"intercept": NaN')
    arrays["header"] = np.frombuffer(text.encode(), dtype=np.uint8)
    _write(model_copy, arrays)
    with pytest.raises(ModelError, match="finite"):
        load_bundle(model_copy)


@pytest.mark.parametrize(
    ("key", "change", "message"),
    [
        ("values", lambda a: np.where(np.arange(len(a)) == 0, np.nan, a), "finite"),
        ("text_weights", lambda a: a[:-1], "text_weights"),
        ("text_weights", lambda a: np.where(np.arange(len(a)) == 3, np.inf, a).astype(np.float32), "text_weights"),
        ("edges", lambda a: a[::-1].copy() if len(a) > 1 else np.array([1.0, 0.0]), "increasing|offsets|one more"),
        ("offsets", lambda a: a[:-1], "offsets"),
        ("values", lambda a: a.astype(np.int64), "float"),
    ],
)
def test_malformed_arrays_refused(model_copy: Path, key: str, change: object, message: str) -> None:
    arrays = _arrays(model_copy)
    arrays[key] = change(arrays[key])  # type: ignore[operator]
    _write(model_copy, arrays)
    with pytest.raises(ModelError, match=message):
        load_bundle(model_copy)


def test_missing_key_refused(model_copy: Path) -> None:
    arrays = _arrays(model_copy)
    del arrays["text_weights"]
    _write(model_copy, arrays)
    with pytest.raises(ModelError, match="lacks text_weights"):
        load_bundle(model_copy)


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04 truncated"])
def test_not_a_bundle_refused(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "m.npz").write_bytes(content)
    with pytest.raises(ModelError, match="not a newsqual model bundle"):
        Scorer.load(tmp_path / "m.npz")


def test_pickled_object_array_is_never_unpickled(model_copy: Path, tmp_path: Path) -> None:
    """A bundle whose arrays hold pickled objects is refused before any of its code can run."""
    marker = tmp_path / "ran"
    arrays = _arrays(model_copy)
    arrays["header"] = np.array([_Evil(str(marker))], dtype=object)
    with model_copy.open("wb") as fh:
        np.savez(fh, allow_pickle=True, **arrays)
    with pytest.raises(ModelError):
        load_bundle(model_copy)
    assert not marker.exists()


class _Evil:
    """An object whose unpickling would create a file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.path), "x"))  # type: ignore[return-value]


def test_save_then_load_roundtrip(model_copy: Path, tmp_path: Path) -> None:
    bundle = load_bundle(model_copy)
    save_bundle(bundle, tmp_path / "again.npz")
    again = load_bundle(tmp_path / "again.npz")
    assert again.threshold == bundle.threshold
    x = np.zeros(len(bundle.feature_names))
    assert again.score(x) == pytest.approx(bundle.score(x), abs=1e-12)


def test_contributions_add_up_to_the_score() -> None:
    """Reasons are exact: intercept plus every feature's contribution is the calibrated log-odds."""
    scorer = Scorer.load()
    _, reasons = scorer.explain(scraper_page(0), "x", kind="html")
    b = scorer.bundle
    total = b.calib_a * b.intercept + b.calib_b + sum(r.contribution for r in reasons)
    assert 1 / (1 + np.exp(-total)) == pytest.approx(scorer.score_html(scraper_page(0)).score, abs=2e-3)


def test_scoring_imports_no_scikit_learn() -> None:
    """Loading the model and scoring a page needs numpy alone (no scikit-learn, scipy or joblib)."""
    code = (
        "import sys; from classifier import Scorer; s = Scorer.load(); "
        "r = s.score_html('<html><body>' + '<p>Words of a real article go here in a sentence.</p>' * 20 + '</body></html>'); "
        "assert r.ok, r; bad = [m for m in ('sklearn', 'scipy', 'joblib') if m in sys.modules]; "
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


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
