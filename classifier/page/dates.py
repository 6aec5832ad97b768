"""Finding the dates a page claims: meta tags, JSON-LD, the URL, visible text and HTTP headers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from .page import DateClaim

#: Dates outside this window are not publication dates (typos, placeholders, epoch zero).
MIN_YEAR = 1995
MAX_YEAR = 2100

#: Meta names and properties that carry a publication date, most specific first.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
    "cxenseparse:recs:publishtime",
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january januar janvier enero gennaio",
            "feb february februar fevrier février febrero febbraio",
            "mar march märz maerz mars marzo",
            "apr april avril abril aprile",
            "may mai mayo maggio",
            "jun june juni juin junio giugno",
            "jul july juli juillet julio luglio",
            "aug august août aout agosto",
            "sep sept september septembre septiembre settembre",
            "oct october oktober octobre octubre ottobre",
            "nov november novembre noviembre",
            "dec december dezember décembre decembre diciembre dicembre",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d\d)(?!\d)")
_MDY_NAMED = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I)
_DMY_NAMED = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH_RE})\.?,?\s+((?:19|20)\d\d)\b", re.I)
_CJK = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)|/((?:19|20)\d\d)(\d\d)(\d\d)(?:/|-|_|\.|$)")
_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/-])")
_DATE_LABEL = re.compile(
    r"^\W*(date|published|posted|posted on|updated|veröffentlicht|publicado|publié|datum|stand)\s*[:：]?",
    re.I,
)


def make_day(year: int, month: int, day: int) -> str | None:
    """An ISO day string if the parts form a plausible date, else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_day(text: str) -> str | None:
    """The first plausible calendar date written in ``text``, as ISO, or None."""
    for pattern, order in ((_ISO, "ymd"), (_CJK, "ymd"), (_MDY_NAMED, "mdy"), (_DMY_NAMED, "dmy"), (_DMY, "dmy")):
        for m in pattern.finditer(text):
            parts = dict(zip(order, m.groups(), strict=True))
            month = _MONTHS.get(parts["m"].lower().rstrip("."), 0) if not parts["m"].isdigit() else int(parts["m"])
            day = make_day(int(parts["y"]), month, int(parts["d"]))
            if day:
                return day
    return None


def meta_dates(meta: Mapping[str, str]) -> Iterator[DateClaim]:
    """Publication dates from ``<meta>`` tags."""
    for name in PUBLISHED_META:
        value = meta.get(name)
        day = find_day(value) if value else None
        if value and day:
            yield DateClaim(f"meta:{name}", day, f'<meta {name}="{value[:40]}">')


def jsonld_dates(objects: Iterable[Mapping[str, object]]) -> Iterator[DateClaim]:
    """``datePublished`` values from JSON-LD objects (including ``@graph`` members)."""
    for obj in objects:
        value = obj.get("datePublished")
        if isinstance(value, str) and (day := find_day(value)):
            yield DateClaim("jsonld:datePublished", day, f'"datePublished": "{value[:40]}"')


def url_date(url: str | None) -> Iterator[DateClaim]:
    """A date written in the URL path (``/2016/12/09/`` or ``/20161209/``)."""
    if not url:
        return
    m = _URL_DATE.search(url)
    if m:
        y, mo, d = (g for g in m.groups() if g is not None)
        day = make_day(int(y), int(mo), int(d))
        if day:
            yield DateClaim("url", day, m.group(0).strip("/-_."))


def text_dates(lines: Iterable[str], limit: int = 40) -> Iterator[DateClaim]:
    """Dates on short labelled lines ("Date: …", "Published …") near the top of the text."""
    for i, line in enumerate(lines):
        if i >= limit:
            break
        if len(line) > 120 or not _DATE_LABEL.match(line):
            continue
        day = find_day(line)
        if day:
            yield DateClaim("text", day, line.strip()[:80])


def parse_http_date(value: str) -> tuple[int, ...] | None:
    """The time tuple of an HTTP (RFC 2822) date, or None; ``email.utils`` (socket, calendar) loads on first use."""
    from email.utils import parsedate  # noqa: PLC0415

    return parsedate(value)


def header_dates(headers: Mapping[str, str]) -> Iterator[DateClaim]:
    """``Last-Modified`` from HTTP headers (the server's ``Date`` is fetch time, not a claim)."""
    value = headers.get("last-modified")
    parsed = parse_http_date(value) if value else None
    if value and parsed:
        day = make_day(parsed[0], parsed[1], parsed[2])
        if day:
            yield DateClaim("http:last-modified", day, f"Last-Modified: {value}")


def mentioned_years(text: str) -> list[int]:
    """Every plausible year mentioned in ``text``, in order."""
    return [int(y) for y in _YEAR.findall(text) if MIN_YEAR <= int(y) <= MAX_YEAR]
