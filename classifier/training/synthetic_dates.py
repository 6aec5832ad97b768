"""Dates of generated pages: the copied article's day, written into the host page in the host's own formats.

A transplant must not look re-dated by accident: the host's meta tags, JSON-LD, URL and the
short dated lines of its chrome that gave the host's own day are rewritten to the article's day,
keeping each one's format (ISO, ``2019年09月11日``, ``14.04.2025``, ``April 14, 2025``).
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial

import lxml.etree as etree

from ..page.dates import PUBLISHED_META
from ..page.page import Page

_NAMED_MONTHS = "January February March April May June July August September October November December".split()
_NUMERIC_DATES = (
    (re.compile(r"\b(\d{4})([-/.])(\d{1,2})\2(\d{1,2})\b"), "y-m-d"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), "y年m月d日"),
    (re.compile(r"\b(\d{1,2})([./])(\d{1,2})\2(\d{4})\b"), "d.m.y"),
    (re.compile(r"\b(\d{4})(\d{2})(\d{2})\b"), "ymd"),
    (re.compile(r"/(\d{4})/(\d{1,2})(?=/|$)"), "/y/m"),
)
_NAMED = re.compile(r"\b(" + "|".join(m[:3] for m in _NAMED_MONTHS) + r")[a-z]*\.?(\s+)(\d{1,2})(\w{0,2},?\s+)(\d{4})\b"
                    r"|\b(\d{1,2})(\.?\s+)(" + "|".join(m[:3] for m in _NAMED_MONTHS) + r")[a-z]*\.?(\s+)(\d{4})\b")


def _width(old: str, new: int) -> str:
    """``new`` zero-padded to the width of ``old``."""
    return str(new).zfill(len(old))


def redate_text(text: str, day: date) -> str:
    """``text`` with the dates it writes (numeric, CJK, URL path or English month names) set to ``day``."""
    for pattern, form in _NUMERIC_DATES:
        text = pattern.sub(partial(_numeric, form=form, day=day), text)
    return _NAMED.sub(lambda m: _named(m, day), text)


def _numeric(m: re.Match[str], form: str, day: date) -> str:
    """A numeric date of the given ``form`` rewritten to ``day``, keeping separators and padding."""
    g = m.groups()
    if form == "y-m-d":
        return f"{day.year}{g[1]}{_width(g[2], day.month)}{g[1]}{_width(g[3], day.day)}"
    if form == "y年m月d日":
        return f"{day.year}年{_width(g[1], day.month)}月{_width(g[2], day.day)}日"
    if form == "d.m.y":
        return f"{_width(g[0], day.day)}{g[1]}{_width(g[2], day.month)}{g[1]}{day.year}"
    if form == "ymd":
        return f"{day.year}{day.month:02d}{day.day:02d}" if 1 <= int(g[1]) <= 12 and 1900 < int(g[0]) < 2100 else m.group()
    return f"/{day.year}/{_width(g[1], day.month)}"


def _named(m: re.Match[str], day: date) -> str:
    """A month-name date rewritten to ``day`` in the same style (full or short name)."""
    month_old = m.group(1) or m.group(8)
    full = len(m.group().split()[0 if m.group(1) else 1].rstrip(".,")) > 3
    name = _NAMED_MONTHS[day.month - 1] if full else _NAMED_MONTHS[day.month - 1][:3]
    name = name if month_old[:1].isupper() else name.lower()
    if m.group(1):
        return f"{name}{m.group(2)}{day.day}{m.group(4)}{day.year}"
    return f"{day.day}{m.group(7)}{name}{m.group(9)}{day.year}"


def article_day(article: Page) -> date | None:
    """The copied article's day: the first it claims, else mid-year of the latest year its text names."""
    if article.dates:
        return date.fromisoformat(article.dates[0].day)
    years = [int(y) for y in re.findall(r"\b(?:19[6-9]\d|20[0-2]\d)\b", article.body_text)]
    return date(max(years), 6, 15) if years else None


def redate_meta(root: etree._Element, day: str) -> None:
    """Give the host's date meta tags and JSON-LD the copied article's own date."""
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in PUBLISHED_META:
            el.set("content", day)
    for el in root.iter("script"):
        if el.get("type") == "application/ld+json" and el.text:
            el.text = re.sub(r'("date(Published|Created|Modified)"\s*:\s*)"[^"]*"', rf'\1"{day}"', el.text)
