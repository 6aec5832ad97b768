"""End to end: `newsqual train` then `newsqual evaluate` on small pages written for the test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from classifier.cli import app
from classifier.training.recipe import Recipe, TrainData, fit, site_folds, text_tail

from .pages import original_page, scraper_page

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out as original/ and low_quality/ with pages written by the tests."""
    root = tmp_path_factory.mktemp("labelled")
    (root / "original").mkdir()
    (root / "low_quality").mkdir()
    for i in range(24):
        (root / "original" / f"o{i}.html").write_text(original_page(i, seed=1))
    for i in range(12):
        (root / "low_quality" / f"s{i}.html").write_text(scraper_page(i, seed=1))
    return root


@pytest.fixture(scope="module")
def trained(labelled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "small.npz"
    result = CliRunner().invoke(app, ["train", str(labelled), "--out", str(out), "--synthetic", "0", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_train_writes_bundle_and_card(trained: Path) -> None:
    assert trained.is_file()
    card = json.loads((trained.parent / "model_card.json").read_text())
    assert card["data"]["by_label"] == {"original": 24, "low_quality": 12}
    assert (trained.parent / "MODEL.md").read_text().startswith("# Model card")


def test_evaluate_reports_and_plots(trained: Path, labelled: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["evaluate", str(labelled), "--model", str(trained), "--report-dir", str(tmp_path), "--json", "--n-boot", "50"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["roc_auc"]["value"] > 0.9
    assert set(report["confusion"]) == {"tp", "fp", "tn", "fn"}
    assert report["seen_in_training"] == 36  # evaluated on its own training pages: flagged as optimistic
    for name in ("roc", "pr", "reliability", "histogram"):
        png = next(tmp_path.glob(f"*{name}*.png"))
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<img" in (tmp_path / "report.html").read_text()
    from classifier import Scorer

    scorer = Scorer.load(trained)
    assert report["model"]["model_id"] == scorer.model_id and report["model"]["model_digest"] == scorer.model_digest
    assert scorer.model_digest in (tmp_path / "report.html").read_text()


def test_train_reports_every_data_problem(tmp_path: Path) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"id": "a", "file": "missing.html", "label": "original"}\nnot json\n{"id": "b", "text": "x", "label": "spam"}\n')
    result = CliRunner().invoke(app, ["train", str(manifest), "--out", str(tmp_path / "x.npz")])
    assert result.exit_code == 2
    assert "m.jsonl:1" in result.output and "m.jsonl:2" in result.output and "m.jsonl:3" in result.output


def test_grouped_folds_keep_sites_apart() -> None:
    rng = np.random.default_rng(0)
    groups = np.array([f"site{i % 40}" for i in range(400)])
    y = np.array([1 if int(g[4:]) % 5 == 0 else 0 for g in groups])
    data = TrainData(rng.normal(size=(400, 3)), sp.csr_matrix((400, 8)), y, groups, np.zeros(400, bool),
                     np.zeros(400, bool))
    folds = site_folds(data, 5, seed=0)
    assert len(folds) == 5
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
        assert y[test].any()  # sites with low-quality pages are dealt to every fold


def _text_data(n: int = 400) -> TrainData:
    """Rows whose one n-gram bucket tells the classes apart, plus a noise signal."""
    rng = np.random.default_rng(1)
    y = (np.arange(n) % 4 == 0).astype(int)
    T = sp.csr_matrix(np.column_stack([y + rng.normal(0, 0.5, n), rng.random(n)]))
    return TrainData(rng.normal(size=(n, 1)), T, y, np.array([f"s{i % 80}" for i in range(n)]), np.zeros(n, bool),
                     np.zeros(n, bool))


def test_text_tail_raises_weak_text_evidence_to_the_originals_quantile() -> None:
    data = _text_data()
    text = np.linspace(-3, 3, len(data.y))
    clipped = text_tail(text, data, 0.9)
    q = np.quantile(text[data.y == 0], 0.9)
    assert clipped.min() == pytest.approx(q)
    assert np.array_equal(clipped[text > q], text[text > q])
    assert np.array_equal(text_tail(text, data, 0.0), text)


def test_fitted_text_step_function_is_flat_below_the_tail() -> None:
    from classifier.signals import SIGNALS  # noqa: PLC0415

    base = _text_data()
    data = TrainData(np.zeros((len(base.y), len(SIGNALS))), base.T, base.y, base.groups, base.old, base.generated)
    model = fit(data, Recipe(text_tail=0.9, era_drop=0, max_iter=50))
    text = model.text_weights @ data.T.toarray().T + model.text_intercept
    q = np.quantile(text[data.y == 0], 0.9)
    edges, values = model.edges[-1], model.values[-1]
    below = values[np.searchsorted(edges, np.linspace(text.min() - 5, q - 0.3, 50), side="left")]
    assert np.ptp(below) == 0, "the text channel moves scores below its tail"
    assert values.max() > below[0], "strong text evidence still counts"
