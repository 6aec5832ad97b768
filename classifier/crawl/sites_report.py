"""The HTML report of site verdicts, with a scatter plot of copying against flagging (matplotlib, Agg)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from ..extras import require
from .sites import SiteVerdict

_STYLE = ("body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
          "tr.flagged td{background:#fde8e4}small{color:#555}")


def write_plot(verdicts: Sequence[SiteVerdict], path: Path) -> Path:
    """A scatter of sites: share of uncredited copies (x) against mean page score (y), size by pages."""
    require("the sites report plot", "matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(8.0, 5.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for flagged, color, label in ((False, "#2b7bba", "ok"), (True, "#d7301f", "flagged")):
        group = [v for v in verdicts if v.flagged == flagged]
        ax.scatter([v.uncredited_share for v in group], [v.mean_score for v in group],
                   s=[20 + 8 * min(v.pages, 40) for v in group], c=color, alpha=0.6, label=f"{label} ({len(group)})")
    for v in sorted((v for v in verdicts if v.flagged), key=lambda v: -v.score)[:8]:  # name the flagged ones
        ax.annotate(v.site, (v.uncredited_share, v.mean_score), fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax.set(xlim=(-0.05, 1.05), ylim=(-0.05, 1.05), xlabel="share of pages that are uncredited copies",
           ylabel="mean page score",
           title="Sites: copying and page scores (marker size: pages)")
    ax.legend(loc="lower right")
    fig.savefig(path)
    return path


def _row(v: SiteVerdict) -> str:
    """One table row."""
    cells = [v.site, f"{v.score:.3f}", "FLAGGED" if v.flagged else "ok", str(v.pages), f"{v.flagged_share:.0%}",
             f"{v.uncredited_share:.0%}", f"{v.credited_share:.0%}", str(v.originals), f"{v.widget_share:.0%}"]
    tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
    ev = "<br>".join(html.escape(e) for e in v.evidence) or "&nbsp;"
    widget = f"<br><small>repeated widget: {html.escape(v.repeated_widget)}</small>" if v.repeated_widget else ""
    return f"<tr class='{'flagged' if v.flagged else 'ok'}'>{tds}<td><small>{ev}</small>{widget}</td></tr>"


def write_html(verdicts: Sequence[SiteVerdict], out: Path) -> list[Path]:
    """Write sites.png and sites.html (table and plot) into ``out``."""
    plot = write_plot(verdicts, out / "sites.png")
    heads = ["site", "score", "verdict", "pages", "flagged", "uncredited copies", "credited copies", "originals",
             "off-topic widgets", "evidence"]
    flagged = sum(v.flagged for v in verdicts)
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>newsqual: site verdicts</title>"
            f"<style>{_STYLE}</style></head><body><h1>Site verdicts</h1>"
            f"<p>{len(verdicts)} sites, {flagged} flagged. A site's score is the larger of its pages' mean score and "
            f"its share of uncredited copies.</p><img src='{plot.name}' alt='sites plot' width='800'>"
            f"<table><tr>{''.join(f'<th>{h}</th>' for h in heads)}</tr>{''.join(map(_row, verdicts))}</table>"
            f"</body></html>")
    path = out / "sites.html"
    path.write_text(page, encoding="utf-8")
    return [path, plot]
