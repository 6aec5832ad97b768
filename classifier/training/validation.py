"""Leave-one-collection-out figures: the headline, per view, per collection, and the era check.

Every score here comes from a model that never saw the page's collection. Figures are on real
pages only (generated pages are for fitting). Intervals are 95% stratified bootstrap intervals.
The era check is the ROC-AUC of the score for telling originals crawled before 2013 from modern
ones: 0.5 means the score does not know the decade.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .evaluation import ScoredItem, metrics_with_ci, roc_auc

if TYPE_CHECKING:
    from .trainer import Rows

#: A collection needs this many originals for its own FPR to be a target (smaller ones are listed).
MIN_COLLECTION_ORIGINALS = 100


def _pick(values: dict[str, Any], keys: Sequence[str] = ("roc_auc", "pr_auc", "recall", "fpr", "precision")) -> dict[str, Any]:
    """The named metrics, rounded, each as {value, ci95}."""
    out = {}
    for k in keys:
        v = values[k]
        out[k] = {"value": _r(v["value"]), "ci95": [_r(x) for x in v["ci95"]]}
    return out


def _r(x: float | None) -> float | None:
    """``x`` rounded to 4 places (None stays None)."""
    return None if x is None else round(float(x), 4)


def era_auc(s: np.ndarray, old: np.ndarray, n_boot: int, seed: int = 0) -> dict[str, Any]:
    """ROC-AUC of ``s`` for telling old originals (``old``) from modern ones, with a bootstrap interval."""
    value = roc_auc(old, s)
    if value is None:
        return {"value": None, "ci95": [None, None]}
    rng = np.random.default_rng(seed)
    idx_old, idx_new = np.flatnonzero(old), np.flatnonzero(~old)
    boot = []
    for _ in range(n_boot):
        idx = np.r_[rng.choice(idx_old, len(idx_old)), rng.choice(idx_new, len(idx_new))]
        b = roc_auc(old[idx], s[idx])
        if b is not None:
            boot.append(b)
    ci = np.percentile(boot, [2.5, 97.5]).tolist() if boot else [None, None]
    return {"value": _r(value), "ci95": [_r(x) for x in ci]}


def loco_report(items: list[ScoredItem], rows: Rows, threshold: float, n_boot: int) -> dict[str, Any]:
    """Headline (HTML view), per view, per collection and era figures from out-of-collection scores."""
    real = ~rows.data.generated
    views = np.array(rows.views)
    y = rows.data.y.astype(bool)
    s = np.array([it.score for it in items], dtype=float)
    report: dict[str, Any] = {"threshold": _r(threshold), "views": {}, "collections": {}}
    for view in sorted(set(rows.views)):
        m = real & (views == view)
        if not m.any():
            continue
        block = _pick(metrics_with_ci(y[m], s[m], threshold, n_boot, 0))
        block["n_original"], block["n_low_quality"] = int((~y[m]).sum()), int(y[m].sum())
        orig = m & ~y
        block["era_auc"] = era_auc(s[orig], rows.data.old[orig], n_boot)
        report["views"][view] = block
    report["headline"] = report["views"].get("html", {})
    html = real & (views == "html")
    for name in sorted(set(rows.collections[html])):
        m = html & (rows.collections == name)
        report["collections"][str(name)] = collection_figures(y[m], s[m], threshold)
    big = [c for c, f in report["collections"].items() if f["n_original"] >= MIN_COLLECTION_ORIGINALS]
    report["worst_large_collection_fpr"] = max((report["collections"][c]["fpr"] or 0.0 for c in big), default=None)
    return report


def collection_figures(y: np.ndarray, s: np.ndarray, threshold: float) -> dict[str, Any]:
    """One collection's counts, FPR on originals, recall on low quality and ROC-AUC where it has both."""
    flagged = s >= threshold
    return {
        "n_original": int((~y).sum()), "n_low_quality": int(y.sum()),
        "fpr": _r(flagged[~y].mean()) if (~y).any() else None,
        "recall": _r(flagged[y].mean()) if y.any() else None,
        "roc_auc": _r(roc_auc(y, s)),
    }


def _fmt(metric: dict[str, Any] | None) -> str:
    """'0.853 [0.80, 0.90]' or 'n/a'."""
    if not metric or metric.get("value") is None:
        return "n/a"
    lo, hi = metric["ci95"]
    return f"{metric['value']:.3f} [{lo:.3f}, {hi:.3f}]" if lo is not None else f"{metric['value']:.3f}"


def render_markdown(card: dict[str, Any], bundle_name: str) -> str:
    """The model card as Markdown: data, recipe, leave-one-collection-out figures, era check."""
    loco = card["loco"]
    lines = [
        f"# Model card: {bundle_name}",
        "",
        f"Bundle id `{card['bundle']['id']}` (SHA-256 `{card['bundle']['sha256']}`), threshold {card['bundle']['threshold']:.4f}.",
        "",
        "An additive model: one monotone step function per signal plus a hashed n-gram text channel,",
        "Platt-calibrated. Every figure below is **leave-one-collection-out**: each collection is scored by a",
        "model trained on all the others, on real pages only (generated pages are used for fitting, never counted).",
        "Intervals are 95% stratified bootstrap intervals.",
        "",
        "## Figures by view",
        "",
        "| view | originals | low quality | ROC-AUC | recall | FPR | era ROC-AUC (originals, pre-2013 vs modern) |",
        "|---|---|---|---|---|---|---|",
    ]
    for view, b in loco["views"].items():
        lines.append(f"| {view} | {b['n_original']} | {b['n_low_quality']} | {_fmt(b['roc_auc'])} | {_fmt(b['recall'])} | "
                     f"{_fmt(b['fpr'])} | {_fmt(b['era_auc'])} |")
    lines += ["", "Views: `html` as served; `text` a full-page text dump with boilerplate; `clean` the main text alone (trafilatura).",
              "", "## Per collection (HTML view)", "",
              "| collection | originals | low quality | FPR | recall | ROC-AUC |", "|---|---|---|---|---|---|"]
    for name, f in loco["collections"].items():
        cells = [f"{f[k]:.3f}" if f[k] is not None else "-" for k in ("fpr", "recall", "roc_auc")]
        lines.append(f"| {name} | {f['n_original']} | {f['n_low_quality']} | {' | '.join(cells)} |")
    data = card["data"]
    lines += [
        "", f"Worst FPR among collections with at least {MIN_COLLECTION_ORIGINALS} originals: {loco['worst_large_collection_fpr']}",
        "", "## Data and recipe", "",
        f"- Pages by label: {data['by_label']}",
        f"- Training rows by view: {data['rows_by_view']}; generated scraper-style pages: {data['generated_pages']}",
        f"- Site groups: {data['groups']}; pages that failed to read: {len(data['failed_pages'])}",
        f"- Recipe: {card['config']['recipe']}",
        f"- Generator artefact check (marker-free generated vs real originals, ROC-AUC; 0.5 = indistinguishable): {card['adversarial_auc']}",
        f"- Decisive markers {', '.join(card['config']['recipe']['decisive'])}: the final model raises each one's step "
        "function so that one alone flags all but the cleanest tenth of originals; the figures above come from fold "
        "models without that floor (tests/test_marker_flags.py checks it on real originals).",
        f"- Borderline pages (never trained on): {card['borderline']['flagged']} of {card['borderline']['n']} flagged "
        f"({card['borderline']['flagged_categories']})",
        "",
    ]
    return "\n".join(lines)


def render_summary(card: dict[str, Any]) -> str:
    """A few plain lines for the terminal: the leave-one-collection-out figures with intervals."""
    loco = card["loco"]
    lines = [f"leave-one-collection-out, real pages only, threshold {loco['threshold']:.3f}:"]
    for view, b in loco["views"].items():
        lines.append(f"  {view:5}  ROC-AUC {_fmt(b['roc_auc'])}  recall {_fmt(b['recall'])}  FPR {_fmt(b['fpr'])}  "
                     f"era ROC-AUC {_fmt(b['era_auc'])}")
    lines.append(f"  worst FPR among collections with >= {MIN_COLLECTION_ORIGINALS} originals: "
                 f"{loco['worst_large_collection_fpr']}")
    lines.append(f"  generator artefact check (ROC-AUC, 0.5 is best): {card['adversarial_auc']}")
    return "\n".join(lines)
