"""Evaluation metrics for scored, labelled pages: pure functions, no I/O.

``evaluate`` turns scored items into one JSON-ready report (builtins only, ``None`` for NaN):

    threshold, n_boot, seed
    counts          total, by_label, real, generated, scored, failed, failed_by_label
    support         n, low_quality, original: the pages behind the headline metrics
    roc_auc, pr_auc, precision, recall, fpr, f1     {"value": v, "ci95": [lo, hi]}
    confusion       {"tp", "fp", "tn", "fn"} at the threshold (plain counts)
    generated       None, or the same block (support, metrics, confusion, per_category)
                    computed on generated pages alone
    per_category    category -> {n, label, recall, flagged_share, mean_score}
    per_language    lang -> {n, n_original, n_low_quality, fpr, recall}
    per_confidence  confidence -> {n, recall}  (low_quality pages only)
    borderline      {n, flagged_share, items: [{id, source, category, score}] by score desc}
    worst           {highest_originals, lowest_low_quality}: up to 10 each, with reasons
    calibration     {bins: [{lo, hi, mean_predicted, observed_rate, n}], brier}

Everything outside ``generated`` is computed on real (non-generated) scored pages only, and the
headline metrics and breakdowns also leave out borderline pages. The positive class is
``low_quality``; a page is flagged when ``score >= threshold`` (the scorer's rule). Confidence
intervals come from a bootstrap that resamples each label separately (stratified), so every
resample keeps the class sizes of the data. A value that is undefined (one class only, an empty
denominator) is ``None``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from scipy.stats import rankdata

from ..errors import DataError

log = logging.getLogger(__name__)

ORIGINAL: Final = "original"
LOW_QUALITY: Final = "low_quality"
BORDERLINE: Final = "borderline"
LABELS: Final = (ORIGINAL, LOW_QUALITY, BORDERLINE)

#: Bootstrapped headline metrics, in report order.
METRICS: Final = ("roc_auc", "pr_auc", "precision", "recall", "fpr", "f1")
#: How many pages each list of worst mistakes keeps.
WORST_N: Final = 10
#: Bins of the reliability table.
CALIBRATION_BINS: Final = 10
#: Name used for a missing category, language or confidence.
UNKNOWN: Final = "unknown"

Metric = Callable[[np.ndarray, np.ndarray, float], float | None]


@dataclass(frozen=True)
class ScoredItem:
    """One labelled page and what the scorer made of it (``score`` is None when it failed)."""

    id: str
    label: str  # "original" | "low_quality" | "borderline"
    score: float | None
    category: str = ""
    lang: str | None = None
    confidence: str | None = None
    source: str = ""
    generated: bool = False
    reasons: tuple[tuple[str, str], ...] = ()  # top reasons: (signal name, evidence)
    error: str | None = None


# ---------------------------------------------------------------- item selection


def is_scored(item: ScoredItem) -> bool:
    """Whether the item has a usable (finite) score."""
    return item.score is not None and math.isfinite(item.score)


def select(items: Iterable[ScoredItem], *, generated: bool = False, borderline: bool = False) -> list[ScoredItem]:
    """Scored items of one origin (real or generated), with or without borderline pages."""
    return [
        it
        for it in items
        if is_scored(it) and it.generated == generated and (borderline or it.label != BORDERLINE)
    ]


def headline_arrays(items: Iterable[ScoredItem], *, generated: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(y, scores) of the metric set: y is True for low_quality; borderline and failed left out."""
    chosen = select(items, generated=generated)
    y = np.array([it.label == LOW_QUALITY for it in chosen], dtype=bool)
    s = np.array([it.score for it in chosen], dtype=float)
    return y, s


def _check_labels(items: Sequence[ScoredItem]) -> None:
    """Raise DataError listing every item whose label is not one we know."""
    problems = [f"{it.id}: unknown label {it.label!r}" for it in items if it.label not in LABELS]
    if problems:
        raise DataError(problems)


# ---------------------------------------------------------------- metrics on arrays


def _ratio(num: float, den: float) -> float | None:
    """num / den, or None when the denominator is zero."""
    return float(num) / float(den) if den else None


def confusion(y: np.ndarray, s: np.ndarray, threshold: float) -> dict[str, int]:
    """Counts of tp, fp, tn, fn when pages with score >= threshold are flagged."""
    flagged = s >= threshold
    return {
        "tp": int(np.sum(flagged & y)),
        "fp": int(np.sum(flagged & ~y)),
        "tn": int(np.sum(~flagged & ~y)),
        "fn": int(np.sum(~flagged & y)),
    }


def roc_auc(y: np.ndarray, s: np.ndarray, threshold: float = 0.5) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties count half); None with a single class."""
    y = np.asarray(y, dtype=bool)  # 0/1 labels would index ranks by position, not select them
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(s)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def pr_auc(y: np.ndarray, s: np.ndarray, threshold: float = 0.5) -> float | None:
    """Average precision (as scikit-learn defines it); None with a single class (it would be trivial)."""
    if y.all() or not y.any():
        return None
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), len(s_sorted) - 1]  # end of each tie group
    tps = np.cumsum(y_sorted)[last]
    precision = tps / (last + 1)
    recall = tps / tps[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def precision(y: np.ndarray, s: np.ndarray, threshold: float) -> float | None:
    """Share of flagged pages that are low_quality; None when nothing is flagged."""
    c = confusion(y, s, threshold)
    return _ratio(c["tp"], c["tp"] + c["fp"])


def recall(y: np.ndarray, s: np.ndarray, threshold: float) -> float | None:
    """Share of low_quality pages flagged; None without low_quality pages."""
    c = confusion(y, s, threshold)
    return _ratio(c["tp"], c["tp"] + c["fn"])


def fpr(y: np.ndarray, s: np.ndarray, threshold: float) -> float | None:
    """Share of original pages flagged; None without originals."""
    c = confusion(y, s, threshold)
    return _ratio(c["fp"], c["fp"] + c["tn"])


def f1(y: np.ndarray, s: np.ndarray, threshold: float) -> float | None:
    """Harmonic mean of precision and recall; None when undefined (no positives, nothing flagged)."""
    c = confusion(y, s, threshold)
    return _ratio(2 * c["tp"], 2 * c["tp"] + c["fp"] + c["fn"])


METRIC_FUNCS: Final[dict[str, Metric]] = {
    "roc_auc": roc_auc,
    "pr_auc": pr_auc,
    "precision": precision,
    "recall": recall,
    "fpr": fpr,
    "f1": f1,
}


def brier(y: np.ndarray, s: np.ndarray) -> float | None:
    """Mean squared difference between score and outcome; None when empty."""
    return float(np.mean((s - y) ** 2)) if len(y) else None


# ---------------------------------------------------------------- bootstrap


def _bootstrap_samples(y: np.ndarray, n_boot: int, seed: int) -> Iterable[np.ndarray]:
    """Index arrays of stratified resamples: each label resampled with replacement to its own size."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    strata = [group for group in (pos, neg) if len(group)]
    for _ in range(n_boot):
        yield np.concatenate([rng.choice(group, len(group)) for group in strata])


def _percentile_ci(values: list[float]) -> list[float | None]:
    """The 2.5 and 97.5 percentiles of the defined bootstrap values, or [None, None]."""
    if not values:
        return [None, None]
    lo, hi = np.percentile(values, [2.5, 97.5])
    return [float(lo), float(hi)]


def metrics_with_ci(y: np.ndarray, s: np.ndarray, threshold: float, n_boot: int, seed: int) -> dict[str, Any]:
    """Every headline metric as {"value", "ci95"} from a stratified bootstrap."""
    boot: dict[str, list[float]] = {name: [] for name in METRIC_FUNCS}
    if len(y):
        for idx in _bootstrap_samples(y, n_boot, seed):
            yb, sb = y[idx], s[idx]
            for name, func in METRIC_FUNCS.items():
                v = func(yb, sb, threshold)
                if v is not None:
                    boot[name].append(v)
    out: dict[str, Any] = {}
    for name, func in METRIC_FUNCS.items():
        value = func(y, s, threshold) if len(y) else None
        out[name] = {"value": value, "ci95": _percentile_ci(boot[name]) if value is not None else [None, None]}
    return out


# ---------------------------------------------------------------- breakdowns


def _flag_rate(items: Sequence[ScoredItem], threshold: float) -> float | None:
    """Share of the items with score >= threshold; None when there are none."""
    return _ratio(sum(1 for it in items if (it.score or 0.0) >= threshold), len(items))


def _group(items: Iterable[ScoredItem], key: Callable[[ScoredItem], str]) -> dict[str, list[ScoredItem]]:
    """Items grouped by a key, groups in sorted key order."""
    groups: dict[str, list[ScoredItem]] = {}
    for it in items:
        groups.setdefault(key(it), []).append(it)
    return dict(sorted(groups.items()))


def _of(items: Sequence[ScoredItem], label: str) -> list[ScoredItem]:
    """The items with one label."""
    return [it for it in items if it.label == label]


def per_category(items: Sequence[ScoredItem], threshold: float) -> dict[str, dict[str, Any]]:
    """Per category: n, its label (or "mixed"), recall on low_quality, flagged share of originals, mean score."""
    out: dict[str, dict[str, Any]] = {}
    for cat, group in _group(items, lambda it: it.category or UNKNOWN).items():
        labels = {it.label for it in group}
        lq, orig = _of(group, LOW_QUALITY), _of(group, ORIGINAL)
        out[cat] = {
            "n": len(group),
            "label": labels.pop() if len(labels) == 1 else "mixed",
            "recall": _flag_rate(lq, threshold),
            "flagged_share": _flag_rate(orig, threshold),
            "mean_score": float(np.mean([it.score for it in group])),
        }
    return out


def per_language(items: Sequence[ScoredItem], threshold: float) -> dict[str, dict[str, Any]]:
    """Per language: n, class sizes, false-positive rate on originals and recall on low_quality."""
    out: dict[str, dict[str, Any]] = {}
    for lang, group in _group(items, lambda it: it.lang or UNKNOWN).items():
        lq, orig = _of(group, LOW_QUALITY), _of(group, ORIGINAL)
        out[lang] = {
            "n": len(group),
            "n_original": len(orig),
            "n_low_quality": len(lq),
            "fpr": _flag_rate(orig, threshold),
            "recall": _flag_rate(lq, threshold),
        }
    return out


def per_confidence(items: Sequence[ScoredItem], threshold: float) -> dict[str, dict[str, Any]]:
    """Recall on low_quality pages for each labelling-confidence value."""
    lq = _of(items, LOW_QUALITY)
    return {
        conf: {"n": len(group), "recall": _flag_rate(group, threshold)}
        for conf, group in _group(lq, lambda it: it.confidence or UNKNOWN).items()
    }


def _score(item: ScoredItem) -> float:
    """The item's score (callers only pass scored items)."""
    return float(item.score) if item.score is not None else math.nan


def borderline(items: Sequence[ScoredItem], threshold: float) -> dict[str, Any]:
    """Borderline pages by score, highest first, and the share of them flagged."""
    chosen = sorted(_of(items, BORDERLINE), key=lambda it: (-_score(it), it.id))
    return {
        "n": len(chosen),
        "flagged_share": _flag_rate(chosen, threshold),
        "items": [{"id": it.id, "source": it.source, "category": it.category, "score": _score(it)} for it in chosen],
    }


def _mistake_row(item: ScoredItem, threshold: float) -> dict[str, Any]:
    """One page of a worst-mistakes list, with its reasons."""
    return {
        "id": item.id,
        "source": item.source,
        "score": _score(item),
        "category": item.category,
        "label": item.label,
        "flagged": _score(item) >= threshold,
        "reasons": [{"signal": name, "evidence": evidence} for name, evidence in item.reasons],
    }


def worst(items: Sequence[ScoredItem], threshold: float, n: int = WORST_N) -> dict[str, list[dict[str, Any]]]:
    """The highest-scored originals (false positives first) and the lowest-scored low_quality pages."""
    orig = sorted(_of(items, ORIGINAL), key=lambda it: (-_score(it), it.id))[:n]
    lq = sorted(_of(items, LOW_QUALITY), key=lambda it: (_score(it), it.id))[:n]
    return {
        "highest_originals": [_mistake_row(it, threshold) for it in orig],
        "lowest_low_quality": [_mistake_row(it, threshold) for it in lq],
    }


def calibration(y: np.ndarray, s: np.ndarray, n_bins: int = CALIBRATION_BINS) -> dict[str, Any]:
    """Reliability table in equal-width score bins (empty bins kept, n=0) and the Brier score."""
    which = np.clip(np.floor(s * n_bins).astype(int), 0, n_bins - 1)  # bin b holds [b/n, (b+1)/n); 1.0 in the last
    bins = []
    for b in range(n_bins):
        inside = which == b
        k = int(inside.sum())
        bins.append({
            "lo": b / n_bins,
            "hi": (b + 1) / n_bins,
            "mean_predicted": float(s[inside].mean()) if k else None,
            "observed_rate": float(y[inside].mean()) if k else None,
            "n": k,
        })
    return {"bins": bins, "brier": brier(y, s)}


# ---------------------------------------------------------------- the report


def counts(items: Sequence[ScoredItem]) -> dict[str, Any]:
    """How many items there are by label and origin, and how many failed."""
    failed = [it for it in items if not is_scored(it)]
    return {
        "total": len(items),
        "by_label": {label: sum(1 for it in items if it.label == label) for label in LABELS},
        "real": sum(1 for it in items if not it.generated),
        "generated": sum(1 for it in items if it.generated),
        "scored": len(items) - len(failed),
        "failed": len(failed),
        "failed_by_label": {label: sum(1 for it in failed if it.label == label) for label in LABELS},
    }


def metric_block(items: Sequence[ScoredItem], threshold: float, n_boot: int, seed: int, *, generated: bool) -> dict[str, Any]:
    """Support, headline metrics with CIs and the confusion matrix on real or generated pages."""
    y, s = headline_arrays(items, generated=generated)
    n_pos = int(y.sum())
    block: dict[str, Any] = {"support": {"n": len(y), "low_quality": n_pos, "original": len(y) - n_pos}}
    block.update(metrics_with_ci(y, s, threshold, n_boot, seed))
    block["confusion"] = confusion(y, s, threshold)
    return block


def _generated_block(items: Sequence[ScoredItem], threshold: float, n_boot: int, seed: int) -> dict[str, Any] | None:
    """Metrics and per-category numbers on generated pages alone, or None when none were scored."""
    chosen = select(items, generated=True)
    if not chosen:
        return None
    block = metric_block(chosen, threshold, n_boot, seed, generated=True)
    block["per_category"] = per_category(chosen, threshold)
    return block


def to_builtins(obj: Any) -> Any:
    """A copy with numpy scalars as builtins, tuples as lists and NaN/inf as None."""
    if isinstance(obj, dict):
        return {str(k): to_builtins(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_builtins(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    return obj


def evaluate(items: Sequence[ScoredItem], threshold: float, *, n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """The whole evaluation report as one JSON-ready dict (see the module docstring for its keys)."""
    _check_labels(items)
    real_all = select(items, borderline=True)
    real = select(items)
    y, s = headline_arrays(items)
    log.info("evaluating %d items (%d in headline), threshold %.3f, %d resamples", len(items), len(y), threshold, n_boot)
    report: dict[str, Any] = {"threshold": float(threshold), "n_boot": n_boot, "seed": seed, "counts": counts(items)}
    report.update(metric_block(items, threshold, n_boot, seed, generated=False))
    report["generated"] = _generated_block(items, threshold, n_boot, seed)
    report["per_category"] = per_category(real, threshold)
    report["per_language"] = per_language(real, threshold)
    report["per_confidence"] = per_confidence(real, threshold)
    report["borderline"] = borderline(real_all, threshold)
    report["worst"] = worst(real, threshold)
    report["calibration"] = calibration(y, s)
    return dict(to_builtins(report))
