"""Accuracy gate on the real corpus, from grouped cross-validation (never the model that saw the pages).

Floors only go up. The numbers are measured, not pinned: the test recomputes them.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from classifier.dataset import load_labelled
from classifier.trainer import TrainConfig, _measure, adversarial_auc, make_generated
from classifier.training import cross_validate

pytestmark = pytest.mark.timeout(900)

MAX_ORIGINAL_FLAGGED = 0.02
MIN_ROC_AUC = 0.72  # measured 0.749 (0.749-0.780 over generator seeds) on 2026-11-28; floors only go up
MAX_ADVERSARIAL_AUC = 0.75


@pytest.fixture(scope="module")
def cv(corpus_dir: Path):  # type: ignore[no-untyped-def]
    """Nested grouped CV on the corpus with the bundled model's recipe (fewer generated pages)."""
    dataset = load_labelled([corpus_dir / "manifest.jsonl"])
    real = [p for p in dataset.pages if p.label != "borderline"]
    config = TrainConfig()  # the bundled model's recipe
    generated, stripped = make_generated(real, config.synthetic, random.Random(0))
    views = _measure(real, generated, config, lambda *a: None)
    data, rows = views.train_data()
    result = cross_validate(data, config.max_fpr)
    html = np.array([view == "html" for _, view in rows])
    return data, result, html, adversarial_auc(views, stripped, config)


def test_originals_rarely_flagged(cv) -> None:  # type: ignore[no-untyped-def]
    data, result, html, _ = cv
    originals = html & (data.y == 0)
    share = result.flagged()[originals].mean()
    assert share <= MAX_ORIGINAL_FLAGGED, f"{share:.1%} of real originals flagged in grouped CV"


def test_ranking_on_real_pages(cv) -> None:  # type: ignore[no-untyped-def]
    data, result, html, _ = cv
    assert roc_auc_score(data.y[html], result.scores[html]) >= MIN_ROC_AUC


def test_generator_leaves_no_artefact(cv) -> None:  # type: ignore[no-untyped-def]
    *_, auc = cv
    assert auc <= MAX_ADVERSARIAL_AUC, f"marker-free generated pages are separable from real ones (AUC {auc})"
