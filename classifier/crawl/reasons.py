"""Cross-page evidence as ``crawl_`` reasons, and the rule that folds it into a page's score.

The rule (defended with figures in ``bench/crawl_eval.py`` and ``notes``): an uncredited copy adds
``COPY_LOGIT * similarity * clip((margin - MIN_MARGIN) / (FULL_MARGIN - MIN_MARGIN), 0, 1)`` to the
page's log-odds of low quality, where ``margin`` is how many more points of evidence the original has
than the copy
(:mod:`classifier.crawl.original`). Credited copies, same-site duplicates and originals get a reason
with contribution 0: being copied, or running credited syndication, is not a fault.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..scorer import LOW_QUALITY, ORIGINAL, Reason, Result
from . import settings
from .facts import PageFacts
from .original import CREDITED, SAME_SITE, UNCREDITED, Verdict, months_phrase


def _name(f: PageFacts) -> str:
    """The URL of a page, else its source."""
    return f.url or f.source


def copy_weight(verdict: Verdict) -> float:
    """The log-odds an uncredited copy adds to its page's score."""
    if verdict.role != UNCREDITED:
        return 0.0
    sure = (verdict.margin - settings.MIN_MARGIN) / (settings.FULL_MARGIN - settings.MIN_MARGIN)
    return settings.COPY_LOGIT * verdict.similarity * min(1.0, max(sure, 0.0))


def verdict_reason(verdict: Verdict, facts: PageFacts) -> Reason:
    """The ``crawl_`` reason for one page's verdict, evidence naming the original's URL."""
    o = verdict.original
    pct = f"body {round(verdict.similarity * 100)}% similar to {_name(o)} ({months_phrase(facts, o)})"
    if verdict.role == UNCREDITED:
        unclear = "" if verdict.margin >= settings.FULL_MARGIN else f"; the original is uncertain (margin {verdict.margin:g})"
        why = f"; original because: {verdict.why}" if verdict.why else ""
        return Reason("crawl_uncredited_copy", round(verdict.similarity, 4),
                      f"{pct}; this page credits no one{unclear}{why}", round(copy_weight(verdict), 4))
    if verdict.role == CREDITED:
        return Reason("crawl_credited_copy", round(verdict.similarity, 4), f"{pct}; credited: {verdict.credit}", 0.0)
    if verdict.role == SAME_SITE:
        return Reason("crawl_same_site_copy", round(verdict.similarity, 4), f"{pct}; same site", 0.0)
    return Reason("crawl_original", float(verdict.copies),
                  f"original of {verdict.copies} cop{'y' if verdict.copies == 1 else 'ies'} on other sites "
                  f"({verdict.uncredited} uncredited), e.g. {verdict.example}; {verdict.why}", 0.0)


def skip_reason(why: str) -> Reason:
    """The reason shown for a page that got no signature."""
    return Reason("crawl_skipped", 0.0, why, 0.0)


def _logit(p: float) -> float:
    """Log-odds of a probability, clipped away from 0 and 1."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def combine(result: Result, reason: Reason, threshold: float) -> Result:
    """The result with a crawl reason added and its contribution folded into score and label."""
    if not result.ok or result.score is None:
        return result
    score = result.score
    if reason.contribution:
        score = round(1 / (1 + math.exp(-(_logit(score) + reason.contribution))), 4)
    reasons = tuple(sorted((*result.reasons, reason), key=lambda r: -r.contribution))
    signals = {**result.signals, reason.signal: reason.value}
    label = LOW_QUALITY if score >= threshold else ORIGINAL
    return replace(result, score=score, label=label, reasons=reasons, signals=signals)
