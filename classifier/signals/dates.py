"""Mismatched dates: claims that disagree, lie in the future, or postdate everything the text cites."""

from __future__ import annotations

import math
from datetime import date
from email.utils import parsedate

from ..dates import mentioned_years
from ..page import DateClaim, Page
from .base import Measure


def _published(page: Page) -> list[DateClaim]:
    """Publication-date claims (not ``Last-Modified``)."""
    return [c for c in page.dates if not c.source.startswith("http:")]


def _today(page: Page) -> date:
    """The reference day: the HTTP ``Date`` header when present, else today."""
    parsed = parsedate(page.headers.get("date", "")) if page.headers.get("date") else None
    if parsed:
        try:
            return date(parsed[0], parsed[1], parsed[2])
        except ValueError:
            pass
    return date.today()


def claims_disagree(page: Page) -> Measure:
    """log(1 + days) between the earliest and latest publication dates the page claims."""
    claims = sorted(_published(page), key=lambda c: c.day)
    if len(claims) < 2:
        return Measure(0.0)
    first, last = claims[0], claims[-1]
    days = (date.fromisoformat(last.day) - date.fromisoformat(first.day)).days
    if days == 0:
        return Measure(0.0)
    return Measure(math.log1p(days), f"{first.source} says {first.day}, {last.source} says {last.day} ({days} days apart)")


def future_date(page: Page) -> Measure:
    """log(1 + days) that the latest claimed date lies after today (or the HTTP Date)."""
    claims = _published(page)
    if not claims:
        return Measure(0.0)
    latest = max(claims, key=lambda c: c.day)
    days = (date.fromisoformat(latest.day) - _today(page)).days
    return Measure(math.log1p(days), f"{latest.evidence!r} is {days} days in the future") if days > 1 else Measure(0.0)


def date_after_text(page: Page) -> Measure:
    """Years by which the claimed date postdates the latest year the body and lists mention (0–10)."""
    claims = _published(page)
    lists = " ".join(item for lst in page.link_lists for item in lst.items)
    years = mentioned_years(page.body_text + " " + lists)
    if not claims or not years:
        return Measure(0.0)
    claim = max(claims, key=lambda c: c.day)
    gap = int(claim.day[:4]) - max(years)
    if gap < 1:
        return Measure(0.0)
    return Measure(float(min(gap, 10)), f"{claim.evidence!r} claims {claim.day[:4]}, the text mentions no year after {max(years)}")


def date_missing(page: Page) -> Measure:
    """1 when the page claims no publication date anywhere."""
    if _published(page):
        return Measure(0.0)
    return Measure(1.0, "no publication date in meta tags, JSON-LD, the URL or a dated line")
