"""Site verdicts: pages grouped by registered domain, with shares flagged and copied and evidence.

A site's score is the larger of its pages' mean score and its share of uncredited copies, so a
site that copies most of its articles is flagged even when each page on its own looks clean. A
site is flagged when that score reaches the threshold (default 0.5).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..page.page import host_of
from .domains import site_of_host

UNCREDITED, CREDITED, ORIGINAL = "crawl_uncredited_copy", "crawl_credited_copy", "crawl_original"
WIDGET_SIGNALS = ("related_offtopic_share", "related_offtopic_density")
_SIMILAR_TO = re.compile(r"similar to (\S+) \(")
MAX_EVIDENCE = 5


@dataclass(frozen=True, slots=True)
class SiteVerdict:
    """One registered domain's figures, verdict and evidence links."""

    site: str
    pages: int
    errors: int
    flagged_share: float
    uncredited_share: float
    credited_share: float
    originals: int
    widget_share: float  # pages carrying off-topic link widgets
    repeated_widget: str  # the widget evidence seen on most of its pages, with the count
    mean_score: float
    score: float
    flagged: bool
    evidence: tuple[str, ...]  # originals its uncredited copies copy, and sample flagged pages

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out = asdict(self)
        out["evidence"] = list(self.evidence)
        return out


def load_results(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Result rows from JSON Lines files (non-result lines are skipped; unreadable files raise InputError)."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise InputError(f"{path}: cannot read results ({exc.strerror or exc})") from None
        for line in lines:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and "source" in row and "label" in row:
                rows.append(row)
    if not rows:
        raise InputError("no result lines found (write them with `newsqual score --crawl --json` or --output x.jsonl)")
    return rows


def site_key(row: Mapping[str, Any]) -> str:
    """The registered domain a result belongs to ("(no URL)" when it has none)."""
    for field in ("final_url", "source"):
        value = row.get(field)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            host = host_of(value)
            if host:
                return site_of_host(host)
    return "(no URL)"


def _reasons(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A row's reasons (tolerating odd rows)."""
    reasons = row.get("reasons") or []
    return [r for r in reasons if isinstance(r, Mapping)]


def _has(row: Mapping[str, Any], signal: str) -> bool:
    """True when the row has a reason from ``signal``."""
    return any(r.get("signal") == signal for r in _reasons(row))


def _widget(rows: Sequence[Mapping[str, Any]]) -> tuple[float, str]:
    """Share of pages with off-topic widgets, and the widget evidence repeated most."""
    with_widgets = [r for r in rows if any((r.get("signals") or {}).get(s, 0) > 0 for s in WIDGET_SIGNALS)]
    seen = Counter(str(x.get("evidence"))[:80] for r in rows for x in _reasons(r)
                   if x.get("signal") in WIDGET_SIGNALS and x.get("evidence"))
    top = seen.most_common(1)
    repeated = f"{top[0][0]} (on {top[0][1]} pages)" if top and top[0][1] > 1 else ""
    return len(with_widgets) / len(rows), repeated


def _evidence(rows: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Up to MAX_EVIDENCE links: originals copied without credit, then flagged pages."""
    out: dict[str, None] = {}
    for r in rows:
        for x in _reasons(r):
            m = _SIMILAR_TO.search(str(x.get("evidence", ""))) if x.get("signal") == UNCREDITED else None
            if m:
                out.setdefault(f"copies {m.group(1)} uncredited: {r.get('final_url') or r.get('source')}", None)
    for r in rows:
        if r.get("label") == "low_quality":
            out.setdefault(f"flagged {r.get('final_url') or r.get('source')} ({r.get('score')})", None)
    return tuple(list(out)[:MAX_EVIDENCE])


def verdict_of(site: str, rows: Sequence[Mapping[str, Any]], threshold: float) -> SiteVerdict:
    """The verdict for one site's result rows."""
    ok = [r for r in rows if r.get("error") is None and isinstance(r.get("score"), int | float)]
    n = len(ok) or 1
    mean = sum(float(r["score"]) for r in ok) / n
    uncredited = sum(_has(r, UNCREDITED) for r in ok) / n
    widget_share, repeated = _widget(ok) if ok else (0.0, "")
    score = max(mean, uncredited)
    return SiteVerdict(
        site=site, pages=len(rows), errors=len(rows) - len(ok),
        flagged_share=round(sum(r.get("label") == "low_quality" for r in ok) / n, 4),
        uncredited_share=round(uncredited, 4), credited_share=round(sum(_has(r, CREDITED) for r in ok) / n, 4),
        originals=sum(_has(r, ORIGINAL) for r in ok), widget_share=round(widget_share, 4),
        repeated_widget=repeated, mean_score=round(mean, 4), score=round(score, 4),
        flagged=bool(ok) and score >= threshold, evidence=_evidence(ok),
    )


def site_verdicts(rows: Iterable[Mapping[str, Any]], threshold: float = 0.5) -> list[SiteVerdict]:
    """One verdict per registered domain, highest score first."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[site_key(row)].append(row)
    verdicts = [verdict_of(site, group, threshold) for site, group in groups.items()]
    return sorted(verdicts, key=lambda v: (-v.score, -v.pages, v.site))


def render_table(verdicts: Sequence[SiteVerdict]) -> str:
    """A fixed-width text table of site verdicts."""
    head = f"{'score':>6}  {'verdict':<8} {'pages':>5} {'flagged':>7} {'uncred':>6} {'credit':>6} {'widgets':>7}  site"
    lines = [head]
    for v in verdicts:
        lines.append(f"{v.score:6.3f}  {'FLAGGED' if v.flagged else 'ok':<8} {v.pages:5d} {v.flagged_share:7.0%} "
                     f"{v.uncredited_share:6.0%} {v.credited_share:6.0%} {v.widget_share:7.0%}  {v.site}")
        lines.extend(f"{'':16}{e[:140]}" for e in v.evidence[:2])
    return "\n".join(lines)


def write_report(verdicts: Sequence[SiteVerdict], out: Path) -> list[Path]:
    """Write sites.jsonl, sites.html and sites.png into ``out``; returns their paths."""
    from .sites_report import write_html  # noqa: PLC0415 - matplotlib is only needed here

    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "sites.jsonl"
    jsonl.write_text("".join(json.dumps(v.to_dict(), ensure_ascii=False) + "\n" for v in verdicts), encoding="utf-8")
    return [jsonl, *write_html(verdicts, out)]
