"""What naming the original needs to know about a page, taken once from its parsed :class:`Page`.

Facts are small and picklable, so they travel to Dask workers and into the index without the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..page.page import DateClaim, Page
from ..signals.syndication import attribution_lines, author_missing
from . import settings
from .domains import site_of

#: Days by which two dates of one page may differ before the page contradicts itself.
DATE_SLACK = 2
_SQUASH = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class PageFacts:
    """A page's URL, site, credible date, canonical link, link targets, credits and byline."""

    source: str
    url: str | None = None
    site: str | None = None
    day: str | None = None  # the credible publication day (ISO), None when unknown
    day_note: str = ""  # why the page's own dates are not believed, when they are not
    canonical: str | None = None
    canonical_site: str | None = None
    link_sites: tuple[str, ...] = ()
    credit_lines: tuple[str, ...] = ()  # short lines that credit someone, lower-cased
    wire: str | None = None  # the wire agency the page credits, if any
    attribution: str = ""  # an attribution line ("Source: …", "Originally published at …"), if any
    byline: bool = False
    names: tuple[str, ...] = ()  # what the site calls itself, squashed (domain label, og:site_name)

    @property
    def is_wire_site(self) -> bool:
        """True when the page is on a wire agency's own site."""
        return self.site in settings.WIRE_SITES


def squash(text: str) -> str:
    """Lower-case letters and digits only ("The Mercury News" -> "themercurynews")."""
    return _SQUASH.sub("", text.lower())


def _days(claims: tuple[DateClaim, ...]) -> list[tuple[date, DateClaim]]:
    """Publication-date claims as dates (HTTP Last-Modified is not one)."""
    out = []
    for claim in claims:
        if claim.source.startswith("http:"):
            continue
        try:
            out.append((date.fromisoformat(claim.day), claim))
        except ValueError:
            continue
    return out


def credible_day(claims: tuple[DateClaim, ...]) -> tuple[str | None, str]:
    """The page's publication day and, when its own dates disagree, a note (the later date is then kept).

    The day is the earliest meta or JSON-LD date, else the URL's, else the visible text's. The page
    contradicts it when its URL date, or every visible date, is more than DATE_SLACK days later."""
    days = _days(claims)
    if not days:
        return None, ""
    declared = [d for d in days if d[1].source.startswith(("meta:", "jsonld:"))]
    in_url = [d for d in days if d[1].source == "url"]
    in_text = [d for d in days if d[1].source == "text"]
    first = min(declared or in_url or in_text, key=lambda d: d[0])
    against = in_url or in_text
    if declared and against and all((d[0] - first[0]).days > DATE_SLACK for d in against):
        last = max(against, key=lambda d: d[0])
        return last[0].isoformat(), f"claims {first[0]} ({first[1].source}) but also {last[0]} ({last[1].source})"
    return first[0].isoformat(), ""


def _credit_lines(page: Page) -> tuple[str, ...]:
    """Short visible lines that credit a source, lower-cased."""
    out = []
    for block in page.blocks:
        text = block.text.lower().strip()
        if text and len(text) < 250 and any(h in text for h in settings.CREDIT_HINTS):
            out.append(text)
            if len(out) >= settings.MAX_CREDIT_LINES:
                break
    return tuple(out)


def names_in(name: str, line: str) -> bool:
    """True when a site name occurs in a credit line: squashed for long names, as a whole word for short ones."""
    if len(name) >= 4:
        return name in squash(line)
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", line) is not None


def wire_credit(page: Page) -> str | None:
    """The wire agency a page credits in its byline, a dateline or a credit line, if any."""
    head = " ".join(page.body[:3]).lower()[:1500]
    lines = [b.text.lower() for b in page.blocks if len(b.text) < 250]
    authors = " ".join(page.meta.get(k, "") for k in ("author", "article:author", "dc.creator", "byl")).lower()
    text = " \n".join([head, authors, *lines])
    for needle, agency in settings.WIRE_CREDITS.items():
        if needle.isascii() and needle[0].isalpha():
            if re.search(rf"\b{re.escape(needle)}\b", text):
                return agency
        elif needle in text:
            return agency
    return None


def _link_sites(page: Page) -> tuple[str, ...]:
    """Registered domains that the page links to, other than its own."""
    own = site_of(page.url)
    seen: dict[str, None] = {}
    for link in page.links:
        if link.href.startswith(("http://", "https://", "//")):
            site = site_of(link.href if not link.href.startswith("//") else "http:" + link.href)
            if site and site != own:
                seen.setdefault(site, None)
                if len(seen) >= settings.MAX_LINK_SITES:
                    break
    return tuple(seen)


def _names(page: Page, site: str | None) -> tuple[str, ...]:
    """What the page's site calls itself: the registered domain's first label and og:site_name."""
    names = [site.split(".")[0] if site else "", page.meta.get("og:site_name", "")]
    return tuple(dict.fromkeys(n for n in map(squash, names) if len(n) >= 2))


def page_facts(page: Page, source: str) -> PageFacts:
    """The facts of one parsed page."""
    day, note = credible_day(page.dates)
    site = site_of(page.url)
    return PageFacts(
        source=source, url=page.url, site=site, day=day, day_note=note, canonical=page.canonical,
        canonical_site=site_of(page.canonical), link_sites=_link_sites(page), credit_lines=_credit_lines(page),
        wire=wire_credit(page), attribution=attribution_lines(page).evidence, byline=page.kind == "html" and author_missing(page).value == 0.0,
        names=_names(page, site),
    )
