"""``newsqual evaluate``: score a labelled set with a bundle and write figures, plots and a report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..scorer import Scorer
from .dataset import load_labelled, page_digest
from .evaluation import ScoredItem, evaluate
from .features import extract_features
from .plots import write_plots
from .report import write_html


def run_evaluation(
    sources: Sequence[Path],
    scorer: Scorer,
    report_dir: Path,
    *,
    jobs: int | None = None,
    n_boot: int = 1000,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, Any], Path]:
    """Evaluate ``scorer`` on labelled pages; returns the report dict and the HTML report path."""
    dataset = load_labelled(sources, min_per_class=1)
    table = extract_features(
        dataset.pages, jobs=jobs, progress=(lambda d, n: progress("scoring pages", d, n)) if progress else None
    )
    by_id = {p.id: p for p in dataset.pages}
    scores = scorer.bundle.score_rows(table.X, table.T)
    items = [_item(scorer, by_id[pid], x, t, s)
             for pid, x, t, s in zip(table.ids, table.X, scorer.bundle.text_logodds(table.T), scores, strict=True)]
    items += [
        ScoredItem(id=pid, label=by_id[pid].label, score=None, category=by_id[pid].category, lang=by_id[pid].lang,
                   source=by_id[pid].origin, error=reason)
        for pid, reason in table.failed.items()
    ]
    report = evaluate(items, scorer.threshold, n_boot=n_boot)
    report["model"] = {"model_id": scorer.model_id, "model_digest": scorer.model_digest,
                       "data_digest": scorer.bundle.data_digest[:12], "threshold": scorer.threshold}
    seen = set(scorer.bundle.metrics.get("train_pages", ()))
    report["seen_in_training"] = sum(page_digest(p) in seen for p in dataset.pages if p.label != "borderline")
    report_dir.mkdir(parents=True, exist_ok=True)
    plots = write_plots(items, report, report_dir)
    html = write_html(report, plots, report_dir / "report.html")
    return report, html


def _item(scorer: Scorer, page: Any, signals: Any, text: float, score: float) -> ScoredItem:
    """A scored item whose reasons are the top features by contribution."""
    x = np.append(signals, text)
    contrib = scorer.bundle.contributions(x)
    names = scorer.bundle.feature_names
    top = sorted(range(len(x)), key=lambda i: -contrib[i])[:3]
    reasons = tuple((names[i], f"value {x[i]:.3g}, +{contrib[i]:.2f} log-odds") for i in top if contrib[i] > 0)
    return ScoredItem(id=page.id, label=page.label, score=float(score), category=page.category,
                      lang=page.lang, confidence=page.confidence, source=page.url or page.origin,
                      generated=page.generated, reasons=reasons)
