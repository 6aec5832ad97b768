"""Rendering an evaluation report: one self-contained HTML page and a terminal summary.

The PNG plots it shows are drawn by :mod:`classifier.training.plots`. Every piece of page-derived text
(ids, sources, categories, evidence) is escaped in HTML and stripped of control characters in text.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

log = logging.getLogger(__name__)

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
    text = (f"{_model_line(report)} · threshold {report['threshold']:.3f} · {c['total']} pages ({labels}) · real {c['real']}, "
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


def _model_line(report: dict[str, Any]) -> str:
    """Which model made the figures: its id and digest."""
    model = report.get("model") or {}
    return f"model {model.get('model_id', '?')} (sha256 {model.get('model_digest', '?')})"


def render_text(report: dict[str, Any]) -> str:
    """A readable multi-line summary of the report for the terminal."""
    c, bl = report["counts"], report["borderline"]
    labels = ", ".join(f"{k} {v}" for k, v in c["by_label"].items())
    lines = [
        f"newsqual evaluation at threshold {report['threshold']:.3f}",
        _model_line(report),
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
