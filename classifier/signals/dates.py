"""Mismatched dates: claims that disagree, lie in the future, or postdate everything the text cites."""

from __future__ import annotations

import math
import re
from datetime import date

from ..page.dates import mentioned_years, parse_http_date
from ..page.page import DateClaim, Page
from .base import Measure


def _published(page: Page) -> list[DateClaim]:
    """Publication-date claims (not ``Last-Modified``)."""
    return [c for c in page.dates if not c.source.startswith("http:")]


def _today(page: Page) -> date:
    """The reference day: the HTTP ``Date`` header when present, else today."""
    parsed = parse_http_date(page.headers.get("date", "")) if page.headers.get("date") else None
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


#: Numbered events whose year follows from the number: "COP29" (the UN climate conference) was held in 2024.
COP = re.compile(r"\bCOP ?(\d{1,2})\b")


def _cop_year(n: int) -> int:
    """The year of the n-th UN climate conference (COP1 in 1995; none in 2020, so COP26 was in 2021)."""
    return 1994 + n if n <= 25 else 1995 + n


def event_years(text: str) -> list[int]:
    """Years of numbered events the text names (COP n)."""
    return [_cop_year(int(n)) for n in COP.findall(text) if 0 < int(n) < 80]


def date_after_text(page: Page) -> Measure:
    """Years by which the claimed date postdates the latest year or event the body and lists mention (0–10)."""
    claims = _published(page)
    if not claims:
        return Measure(0.0)
    lists = " ".join(item for lst in page.link_lists for item in lst.items)
    text = page.body_text + " " + lists
    years = mentioned_years(text) + event_years(text)
    if not years:
        return Measure(0.0)
    claim = max(claims, key=lambda c: c.day)
    gap = int(claim.day[:4]) - max(years)
    if gap < 1:
        return Measure(0.0)
    return Measure(float(min(gap, 10)), f"{claim.evidence!r} claims {claim.day[:4]}, the text mentions no year after {max(years)}")


#: Office-holders by title and surname, with their terms: an article that calls them by the title outside
#: the term (in the present tense) was written at another time than it claims.
OFFICES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("President", "Clinton"): (("1993-01-20", "2001-01-20"),),
    ("President", "Bush"): (("2001-01-20", "2009-01-20"),),
    ("President", "Obama"): (("2009-01-20", "2017-01-20"),),
    ("President", "Trump"): (("2017-01-20", "2021-01-20"), ("2025-01-20", "2100-01-01")),
    ("President", "Biden"): (("2021-01-20", "2025-01-20"),),
    ("Vice President", "Biden"): (("2009-01-20", "2017-01-20"),),
    ("Vice President", "Pence"): (("2017-01-20", "2021-01-20"),),
    ("Vice President", "Harris"): (("2021-01-20", "2025-01-20"),),
    ("Secretary of State", "Clinton"): (("2009-01-21", "2013-02-01"),),
    ("Secretary of State", "Kerry"): (("2013-02-01", "2017-01-20"),),
    ("Secretary of State", "Pompeo"): (("2018-04-26", "2021-01-20"),),
    ("Secretary of State", "Blinken"): (("2021-01-26", "2025-01-20"),),
    ("Prime Minister", "Cameron"): (("2010-05-11", "2016-07-13"),),
    ("Prime Minister", "May"): (("2016-07-13", "2019-07-24"),),
    ("Prime Minister", "Johnson"): (("2019-07-24", "2022-09-06"),),
    ("Prime Minister", "Sunak"): (("2022-10-25", "2024-07-05"),),
    ("Chancellor", "Merkel"): (("2005-11-22", "2021-12-08"),),
    ("Chancellor", "Scholz"): (("2021-12-08", "2025-05-06"),),
    ("Pope", "Benedict"): (("2005-04-19", "2013-02-28"),),
    ("Pope", "Francis"): (("2013-03-13", "2025-04-21"),),
}
#: A present- or future-tense verb right after the name: the text speaks of the term as current.
_PRESENT = r",?\s+(?:\w+\s+){0,2}?(?:is|are|will|may|might|plans?|wants?|says|has|can|could|would|hopes?|meets?)\b"
#: Days of grace around a term (transitions, late copy-edits).
TERM_GRACE_DAYS = 45
_TITLES = "|".join(sorted({t for t, _ in OFFICES}, key=len, reverse=True))
_SURNAMES = "|".join(sorted({n for _, n in OFFICES}))
OFFICE_HOLDER = re.compile(
    rf"(?<!\w)(?<!former )(?<!Former )(?<!ex-)(?<!Ex-)(?<!then-)(?<!then )(?<!Vice )(?<!vice )(?<!late )"
    rf"({_TITLES}) (?:[A-Z][\w.]*\s){{0,2}}?({_SURNAMES})\b(?={_PRESENT})"
)


def _office_clash(text: str, claimed: date) -> tuple[int, str]:
    """Days between the claimed date and the nearest term of an office-holder named in the present tense."""
    best, evidence = 0, ""
    for m in OFFICE_HOLDER.finditer(text):
        terms = OFFICES.get((m.group(1), m.group(2)))
        if not terms:
            continue
        spans = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in terms]
        gap = min(max((a - claimed).days, (claimed - b).days, 0) for a, b in spans)
        if gap > TERM_GRACE_DAYS and gap > best:
            ended = [b for _, b in spans if b <= claimed]
            held = f"left office {max(ended)}" if ended else f"took office {min(a for a, _ in spans)}"
            best, evidence = gap, f"{m.group(0)!r} speaks of a term that {held}"
    return best, evidence


def anachronism(page: Page) -> Measure:
    """log(1 + days) between the claimed date and the term of an office-holder the body names as current."""
    claims = _published(page)
    body = page.body_text
    if not claims or not body or not any(t in body for t in ("President", "Secretary", "Minister", "Chancellor", "Pope")):
        return Measure(0.0)
    claim = max(claims, key=lambda c: c.day)
    days, evidence = _office_clash(body, date.fromisoformat(claim.day))
    if not days:
        return Measure(0.0)
    return Measure(math.log1p(days), f"{evidence}; the page claims {claim.day}")


def date_missing(page: Page) -> Measure:
    """1 when the page claims no publication date anywhere."""
    if _published(page):
        return Measure(0.0)
    return Measure(1.0, "no publication date in meta tags, JSON-LD, the URL or a dated line")
