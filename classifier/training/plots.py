"""PNG plots of an evaluation: ROC, precision-recall, reliability diagram and score histograms.

Plots are drawn on ``matplotlib.figure.Figure`` with the Agg canvas, never through pyplot, so no
global figure state is touched and rendering is safe in threads. matplotlib is the ``plots``
extra; only this module imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import precision_recall_curve, roc_curve

from .evaluation import BORDERLINE, LOW_QUALITY, ORIGINAL, ScoredItem, headline_arrays, select
from .report import fmt, fmt_metric

log = logging.getLogger(__name__)

#: Plot file names, by the key ``write_plots`` returns them under.
PLOT_FILES: Final = {"roc": "roc.png", "pr": "pr.png", "reliability": "reliability.png", "histogram": "histogram.png"}
#: 8 x 5.5 inches at 100 dpi: 800 px wide.
FIG_SIZE: Final = (8.0, 5.5)
FIG_DPI: Final = 100
LABEL_COLORS: Final = {ORIGINAL: "#2b7bba", LOW_QUALITY: "#d7301f", BORDERLINE: "#999999"}



def _new_axes() -> tuple[Figure, Axes]:
    """A fresh 800-px-wide figure with one axes, detached from pyplot."""
    fig = Figure(figsize=FIG_SIZE, dpi=FIG_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.tick_params(labelsize=11)
    return fig, ax


def _save(fig: Figure, path: Path) -> Path:
    """Write the figure as PNG and release it."""
    fig.savefig(path, format="png")
    fig.clear()
    return path


def _no_data(ax: Axes, message: str) -> None:
    """Say on the axes why there is no curve."""
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=13, transform=ax.transAxes)


def _plot_roc(ax: Axes, y: np.ndarray, s: np.ndarray, report: dict[str, Any]) -> None:
    """ROC curve with AUC in the legend and the threshold's operating point."""
    ax.plot([0, 1], [0, 1], ls="--", color="#aaaaaa", lw=1, label="chance")
    if report["roc_auc"]["value"] is None:
        _no_data(ax, "ROC undefined: needs both original and low_quality pages")
    else:
        fprs, tprs, _ = roc_curve(y, s)
        ax.plot(fprs, tprs, lw=2, color="#1f5f99", label=f"ROC, AUC {fmt_metric(report['roc_auc'])}")
        op_x, op_y = report["fpr"]["value"], report["recall"]["value"]
        ax.plot([op_x], [op_y], "o", ms=9, color="#d7301f", label=f"threshold {report['threshold']:.3f}")
    ax.set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01))
    ax.set_xlabel("False-positive rate (originals flagged)", fontsize=12)
    ax.set_ylabel("Recall (low_quality flagged)", fontsize=12)
    ax.set_title(f"ROC curve, real pages (n={report['support']['n']})", fontsize=14)
    ax.legend(loc="lower right", fontsize=11)
    ax.grid(alpha=0.3)


def _plot_pr(ax: Axes, y: np.ndarray, s: np.ndarray, report: dict[str, Any]) -> None:
    """Precision-recall curve with the prevalence baseline and the operating point."""
    if not y.any():
        _no_data(ax, "PR curve undefined: no low_quality pages")
    else:
        precisions, recalls, _ = precision_recall_curve(y, s)
        ax.step(recalls, precisions, where="post", lw=2, color="#1f5f99", label=f"AP {fmt_metric(report['pr_auc'])}")
        ax.axhline(float(y.mean()), ls="--", color="#aaaaaa", lw=1, label=f"prevalence {y.mean():.3f}")
        op_x, op_y = report["recall"]["value"], report["precision"]["value"]
        if op_x is not None and op_y is not None:
            ax.plot([op_x], [op_y], "o", ms=9, color="#d7301f", label=f"threshold {report['threshold']:.3f}")
    ax.set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01))
    ax.set_xlabel("Recall (low_quality flagged)", fontsize=12)
    ax.set_ylabel("Precision (flagged that are low_quality)", fontsize=12)
    ax.set_title(f"Precision-recall curve, real pages (n={report['support']['n']})", fontsize=14)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower left", fontsize=11)
    ax.grid(alpha=0.3)


def _plot_reliability(ax: Axes, report: dict[str, Any]) -> None:
    """Reliability diagram: observed rate against mean predicted score, with bin counts as bars."""
    cal = report["calibration"]
    bins = [b for b in cal["bins"] if b["n"]]
    counts = ax.twinx()
    counts.bar([(b["lo"] + b["hi"]) / 2 for b in cal["bins"]], [b["n"] for b in cal["bins"]],
               width=0.09, color="#cccccc", alpha=0.6, label="pages per bin")
    counts.set_ylim(0, 3 * max([b["n"] for b in cal["bins"]] + [1]))  # bars stay in the lower third
    counts.set_ylabel("Pages per bin", fontsize=12, color="#777777")
    counts.tick_params(labelsize=10, colors="#777777")
    ax.set_zorder(counts.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.plot([0, 1], [0, 1], ls="--", color="#888888", lw=1, label="perfect calibration")
    ax.plot([b["mean_predicted"] for b in bins], [b["observed_rate"] for b in bins], "o-", lw=2, ms=7,
            color="#1f5f99", label=f"observed (Brier {fmt(cal['brier'])})")
    for b in bins:
        ax.annotate(f"n={b['n']}", (b["mean_predicted"], b["observed_rate"]), textcoords="offset points",
                    xytext=(0, 8), ha="center", fontsize=9)
    ax.set(xlim=(0, 1), ylim=(-0.02, 1.05))
    ax.set_xlabel("Mean predicted probability of low_quality", fontsize=12)
    ax.set_ylabel("Observed share low_quality", fontsize=12)
    ax.set_title("Reliability diagram, real pages", fontsize=14)
    ax.legend(loc="upper left", fontsize=11)
    ax.grid(alpha=0.3)


def _plot_histogram(ax: Axes, items: Sequence[ScoredItem], threshold: float) -> None:
    """Score histograms of real pages by label, with the threshold as a vertical line."""
    edges = [b / 20 for b in range(21)]
    real = select(items, borderline=True)
    for label in (ORIGINAL, LOW_QUALITY, BORDERLINE):
        scores = [float(it.score) for it in real if it.label == label and it.score is not None]
        if scores:  # each label as a share of its own pages, so 47 pages show beside 783
            ax.hist(scores, bins=edges, weights=[1 / len(scores)] * len(scores), histtype="stepfilled", alpha=0.35,
                    color=LABEL_COLORS[label], edgecolor=LABEL_COLORS[label], lw=1.5,
                    label=f"{label} (n={len(scores)})")
    ax.axvline(threshold, color="black", ls="--", lw=1.5, label=f"threshold {threshold:.3f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.25)  # headroom for the legend
    ax.set_xlabel("Score (probability of low_quality)", fontsize=12)
    ax.set_ylabel("Share of the label's pages", fontsize=12)
    ax.set_title("Score distribution by label, real pages", fontsize=14)
    ax.legend(loc="upper center", fontsize=11, ncols=2)
    ax.grid(alpha=0.3)


def write_plots(items: Sequence[ScoredItem], report: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Draw the ROC, PR, reliability and histogram plots as PNG files in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    y, s = headline_arrays(items)
    drawers: dict[str, Callable[[Axes], None]] = {
        "roc": lambda ax: _plot_roc(ax, y, s, report),
        "pr": lambda ax: _plot_pr(ax, y, s, report),
        "reliability": lambda ax: _plot_reliability(ax, report),
        "histogram": lambda ax: _plot_histogram(ax, items, report["threshold"]),
    }
    paths: dict[str, Path] = {}
    for key, draw in drawers.items():
        fig, ax = _new_axes()
        draw(ax)
        paths[key] = _save(fig, out_dir / PLOT_FILES[key])
        log.debug("wrote %s", paths[key])
    return paths


