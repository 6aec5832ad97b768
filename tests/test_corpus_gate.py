"""Accuracy gate on the real corpus, from leave-one-collection-out scores (never a model that saw the collection).

Floors only go up. The figures are measured, not pinned: the test recomputes them with the bundled
model's recipe, and each floor sits a little below what was measured when it was set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.training.dataset import load_labelled
from classifier.training.trainer import TrainConfig, Validation, validate

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

# Set on 2026-12-02 (third time) from the measured figures (models/MODEL.md, newsqual-0796403063bb):
# ROC-AUC 0.704, recall 0.035, FPR 0.006, worst large collection 0.026, clean-text FPR 0.003, era 0.589
# (HTML; 0.570 text, 0.574 clean). Floors only go up (and ceilings only come down); the targets
# (0.85, 40%, 1%, 2%, 2%, 0.60) are not all met yet.
MIN_ROC_AUC = 0.69
MIN_RECALL = 0.02
MAX_FPR = 0.01
MAX_LARGE_COLLECTION_FPR = 0.03
MAX_CLEAN_TEXT_FPR = 0.02
MAX_ERA_AUC = 0.61


@pytest.fixture(scope="module")
def loco(corpus_dir: Path) -> Validation:
    """Leave-one-collection-out validation of the bundled model's recipe on the shared corpus."""
    dataset = load_labelled([corpus_dir / "manifest.jsonl"])
    real = [p for p in dataset.pages if p.label != "borderline"]
    return validate(real, TrainConfig(n_boot=50), check_generator=False)  # tests/test_generator.py gates it


def test_ranking_on_unseen_collections(loco: Validation) -> None:
    auc = loco.report["headline"]["roc_auc"]["value"]
    assert auc >= MIN_ROC_AUC, f"ROC-AUC {auc} on real pages of unseen collections"


def test_recall_at_the_threshold(loco: Validation) -> None:
    recall = loco.report["headline"]["recall"]["value"]
    assert recall >= MIN_RECALL, f"recall {recall} at threshold {loco.threshold:.3f}"


def test_originals_rarely_flagged(loco: Validation) -> None:
    fpr = loco.report["headline"]["fpr"]["value"]
    assert fpr <= MAX_FPR, f"{fpr:.1%} of real originals flagged"


def test_no_large_collection_flagged_often(loco: Validation) -> None:
    worst = loco.report["worst_large_collection_fpr"]
    assert worst <= MAX_LARGE_COLLECTION_FPR, f"a collection with 100+ originals has FPR {worst}: {loco.report['collections']}"


def test_clean_text_originals_rarely_flagged(loco: Validation) -> None:
    fpr = loco.report["views"]["clean"]["fpr"]["value"]
    assert fpr <= MAX_CLEAN_TEXT_FPR, f"{fpr:.1%} of originals' clean main text flagged"


def test_score_does_not_know_the_decade(loco: Validation) -> None:
    eras = {view: block["era_auc"]["value"] for view, block in loco.report["views"].items()}
    assert max(eras.values()) <= MAX_ERA_AUC, f"the score tells pre-2013 originals from modern ones: {eras}"
