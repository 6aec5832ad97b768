"""Rendering an evaluation report: PNG plots, one self-contained HTML page and a terminal summary.

Plots are drawn on ``matplotlib.figure.Figure`` with the Agg canvas, never through pyplot, so no
global figure state is touched and rendering is safe in threads. Every piece of page-derived text
(ids, sources, categories, evidence) is escaped in HTML and stripped of control characters in text.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import precision_recall_curve, roc_curve

from .evaluation import (
    BORDERLINE,
    LOW_QUALITY,
    ORIGINAL,
    ScoredItem,
    headline_arrays,
    select,
)

log = logging.getLogger(__name__)

#: Plot file names, by the key ``write_plots`` returns them under.
PLOT_FILES: Final = {"roc": "roc.png", "pr": "pr.png", "reliability": "reliability.png", "histogram": "histogram.png"}
#: 8 x 5.5 inches at 100 dpi: 800 px wide.
FIG_SIZE: Final = (8.0, 5.5)
FIG_DPI: Final = 100
LABEL_COLORS: Final = {ORIGINAL: "#2b7bba", LOW_QUALITY: "#d7301f", BORDERLINE: "#999999"}
#: Longest evidence string shown, in characters.
MAX_EVIDENCE: Final = 160
#: Borderline pages listed in the terminal summary.
TEXT_BORDERLINE: Final = 10

METRIC_NAMES: Final = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC (avg precision)",
    "precision": "Precision",
    "recall": "Recall",
    "fpr": "False-positive rate",
    "f1": "F1",
}


# ---------------------------------------------------------------- formatting


def fmt(value: Any, digits: int = 3) -> str:
    """A number for display: floats to ``digits`` places, None as "n/a"."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def fmt_metric(metric: dict[str, Any]) -> str:
    """A metric as "value [lo, hi]"; the interval is left out when undefined."""
    lo, hi = metric.get("ci95") or [None, None]
    interval = f"  [{fmt(lo)}, {fmt(hi)}]" if lo is not None and hi is not None else ""
    return fmt(metric.get("value")) + interval


def clean(text: str, limit: int = MAX_EVIDENCE) -> str:
    """Page-derived text made safe for a terminal: control characters replaced, long text cut."""
    safe = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


# ---------------------------------------------------------------- plots


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


# ---------------------------------------------------------------- HTML


class Raw(str):
    """HTML that is already escaped and goes into a table cell as is."""


def _cell(value: Any) -> str:
    """One table cell's content, escaped unless it is Raw."""
    return value if isinstance(value, Raw) else html.escape(fmt(value))


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An HTML table with every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="none">none</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _reasons_html(reasons: Sequence[dict[str, str]]) -> Raw:
    """Reasons as an escaped list of "signal: evidence"."""
    items = "".join(
        f"<li><b>{html.escape(r['signal'])}</b>: {html.escape(clean(r['evidence']))}</li>" for r in reasons
    )
    return Raw(f"<ul>{items}</ul>" if items else "")


def _img(key: str, plots: dict[str, Path], base: Path) -> str:
    """An <img> for one plot, its path relative to the HTML file's folder."""
    if key not in plots:
        return ""
    rel = Path(os.path.relpath(plots[key], base)).as_posix()
    return f'<img src="{html.escape(quote(rel))}" alt="{html.escape(key)} plot" width="800">'


def _metrics_rows(block: dict[str, Any]) -> list[list[Any]]:
    """Rows of metric name, value and 95% interval."""
    rows: list[list[Any]] = []
    for key, name in METRIC_NAMES.items():
        lo, hi = block[key]["ci95"]
        rows.append([name, block[key]["value"], f"[{fmt(lo)}, {fmt(hi)}]" if lo is not None else "n/a"])
    return rows


def _confusion_rows(c: dict[str, int]) -> list[list[Any]]:
    """The confusion matrix as rows: true label against flagged or not."""
    return [["low_quality", c["tp"], c["fn"]], ["original", c["fp"], c["tn"]]]


def _category_rows(per_cat: dict[str, dict[str, Any]]) -> list[list[Any]]:
    """One row per category."""
    return [[cat, v["label"], v["n"], v["recall"], v["flagged_share"], v["mean_score"]] for cat, v in per_cat.items()]


def _mistake_rows(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """One row per page of a worst-mistakes list."""
    return [[r["score"], "yes" if r["flagged"] else "no", r["id"], r["source"], r["category"],
             _reasons_html(r["reasons"])] for r in rows]


def _section(title: str, *parts: str) -> str:
    """A titled section of the page."""
    return f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}</section>"


def _side(img: str, *tables: str) -> str:
    """A plot with tables next to it."""
    return f'<div class="row"><div>{img}</div><div>{"".join(tables)}</div></div>'


CSS: Final = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1700px}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 1em 1em 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.none{color:#888}
.row{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}
img{max-width:100%;border:1px solid #eee}ul{margin:0;padding-left:1.1em}
.meta{color:#555}
"""


def _summary_line(report: dict[str, Any]) -> str:
    """The counts of pages as one escaped paragraph."""
    c = report["counts"]
    labels = ", ".join(f"{k} {v}" for k, v in c["by_label"].items())
    text = (f"threshold {report['threshold']:.3f} · {c['total']} pages ({labels}) · real {c['real']}, "
            f"generated {c['generated']} · failed {c['failed']} · bootstrap {report['n_boot']} resamples")
    warning = "".join(f"<p class=\"warn\"><strong>{html.escape(line.strip())}</strong></p>" for line in _seen_warning(report))
    return f'<p class="meta">{html.escape(text)}</p>{warning}'


def _generated_html(gen: dict[str, Any] | None) -> str:
    """The generated-pages section, or an empty string."""
    if gen is None:
        return ""
    return _section(
        f"Generated pages (kept out of the headline, n={gen['support']['n']})",
        _table(["metric", "value", "95% CI"], _metrics_rows(gen)),
        _table(["true label", "flagged", "not flagged"], _confusion_rows(gen["confusion"])),
        _table(["category", "label", "n", "recall", "flagged share", "mean score"], _category_rows(gen["per_category"])),
    )


def render_html(report: dict[str, Any], plots: dict[str, Path], base: Path, title: str) -> str:
    """The whole HTML page as a string; image paths relative to ``base``."""
    sup, bl, cal, worst = report["support"], report["borderline"], report["calibration"], report["worst"]
    body = [
        f"<h1>{html.escape(title)}</h1>",
        _summary_line(report),
        _section(
            f"Headline: real pages (n={sup['n']}: {sup['low_quality']} low_quality, {sup['original']} original)",
            _side(_img("roc", plots, base),
                  _table(["metric", "value", "95% CI"], _metrics_rows(report)),
                  "<h3>Confusion matrix at the threshold</h3>",
                  _table(["true label", "flagged", "not flagged"], _confusion_rows(report["confusion"]))),
            _side(_img("pr", plots, base)),
        ),
        _section("Score distribution and calibration",
                 _side(_img("histogram", plots, base)),
                 _side(_img("reliability", plots, base),
                       _table(["bin", "mean predicted", "observed rate", "n"],
                              [[f"{b['lo']:.1f}–{b['hi']:.1f}", b["mean_predicted"], b["observed_rate"], b["n"]]
                               for b in cal["bins"]]),
                       f"<p>Brier score: {html.escape(fmt(cal['brier']))}</p>")),
        _section("Per category",
                 _table(["category", "label", "n", "recall", "flagged share", "mean score"],
                        _category_rows(report["per_category"]))),
        _section("Per language",
                 _table(["language", "n", "originals", "low_quality", "FPR on originals", "recall"],
                        [[k, v["n"], v["n_original"], v["n_low_quality"], v["fpr"], v["recall"]]
                         for k, v in report["per_language"].items()])),
        _section("Recall by labelling confidence (low_quality pages)",
                 _table(["confidence", "n", "recall"],
                        [[k, v["n"], v["recall"]] for k, v in report["per_confidence"].items()])),
        _section(f"Borderline pages (n={bl['n']}, flagged share {fmt(bl['flagged_share'])})",
                 _table(["score", "id", "source", "category"],
                        [[r["score"], r["id"], r["source"], r["category"]] for r in bl["items"]])),
        _section("Worst mistakes: highest-scored originals",
                 _table(["score", "flagged", "id", "source", "category", "reasons"],
                        _mistake_rows(worst["highest_originals"]))),
        _section("Worst mistakes: lowest-scored low_quality pages",
                 _table(["score", "flagged", "id", "source", "category", "reasons"],
                        _mistake_rows(worst["lowest_low_quality"]))),
        _generated_html(report["generated"]),
    ]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_html(report: dict[str, Any], plots: dict[str, Path], out_path: Path,
               title: str = "newsqual evaluation") -> Path:
    """Write the report as one self-contained HTML file next to (or above) its plots."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(render_html(report, plots, out_path.parent, title), encoding="utf-8")
    log.debug("wrote %s", out_path)
    return out_path


# ---------------------------------------------------------------- text


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "  ") -> list[str]:
    """Rows aligned in columns, first column left-aligned and the rest right-aligned."""
    cells = [list(headers)] + [[clean(fmt(c), 40) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return [indent + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
            for r in cells]


def _text_metrics(block: dict[str, Any], title: str) -> list[str]:
    """A metrics block with CIs and its confusion matrix."""
    sup, c = block["support"], block["confusion"]
    lines = [f"{title} (n={sup['n']}: {sup['low_quality']} low_quality, {sup['original']} original)"]
    width = max(len(n) for n in METRIC_NAMES.values())
    lines += [f"  {name.ljust(width)}  {fmt_metric(block[key])}" for key, name in METRIC_NAMES.items()]
    lines += ["", "  Confusion matrix"]
    lines += _text_table(["true label", "flagged", "not flagged"], _confusion_rows(c), indent="    ")
    return lines


def _text_mistakes(title: str, rows: Sequence[dict[str, Any]]) -> list[str]:
    """One worst-mistakes list with its reasons, one reason per line."""
    lines = [f"  {title}"] if rows else [f"  {title}: none"]
    for r in rows:
        mark = "flagged" if r["flagged"] else "passed "
        lines.append(f"    {fmt(r['score'])}  {mark}  {clean(r['id'], 60)}  {clean(r['source'], 40)}  "
                     f"[{clean(r['category'], 30)}]")
        lines += [f"        - {clean(x['signal'], 40)}: {clean(x['evidence'])}" for x in r["reasons"]]
    return lines


def _seen_warning(report: dict[str, Any]) -> list[str]:
    """A warning line when the model was trained on some of the evaluated pages."""
    seen = report.get("seen_in_training") or 0
    if not seen:
        return []
    return [f"WARNING: {seen} of these pages were in the model's training data; these figures are optimistic.",
            "         Use held-out pages, or the cross-validated figures in the model card."]


def render_text(report: dict[str, Any]) -> str:
    """A readable multi-line summary of the report for the terminal."""
    c, bl = report["counts"], report["borderline"]
    labels = ", ".join(f"{k} {v}" for k, v in c["by_label"].items())
    lines = [
        f"newsqual evaluation at threshold {report['threshold']:.3f}",
        f"pages: {c['total']} ({labels}); real {c['real']}, generated {c['generated']}; failed {c['failed']}",
        *_seen_warning(report),
        "",
        *_text_metrics(report, "Headline, real pages"),
        f"  Brier score {fmt(report['calibration']['brier'])}",
        "",
        "Per category",
        *_text_table(["category", "label", "n", "recall", "flagged", "mean score"],
                     _category_rows(report["per_category"])),
        "",
        "Per language",
        *_text_table(["lang", "n", "originals", "low_quality", "FPR", "recall"],
                     [[k, v["n"], v["n_original"], v["n_low_quality"], v["fpr"], v["recall"]]
                      for k, v in report["per_language"].items()]),
        "",
        "Recall by labelling confidence (low_quality)",
        *_text_table(["confidence", "n", "recall"], [[k, v["n"], v["recall"]]
                                                      for k, v in report["per_confidence"].items()]),
        "",
        f"Borderline pages: {bl['n']}, flagged share {fmt(bl['flagged_share'])}",
        *_text_table(["id", "score", "source", "category"],
                     [[r["id"], r["score"], r["source"], r["category"]] for r in bl["items"][:TEXT_BORDERLINE]]),
        *([f"  ... and {bl['n'] - TEXT_BORDERLINE} more"] if bl["n"] > TEXT_BORDERLINE else []),
        "",
        "Worst mistakes",
        *_text_mistakes("highest-scored originals", report["worst"]["highest_originals"]),
        *_text_mistakes("lowest-scored low_quality pages", report["worst"]["lowest_low_quality"]),
    ]
    if report["generated"] is not None:
        lines += ["", *_text_metrics(report["generated"], "Generated pages (not in the headline)")]
    return "\n".join(lines) + "\n"
