"""Aggregator and syndication markers: foreign title suffixes, bare wire datelines, attribution lines."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ..page import Page, host_of
from .base import Measure

#: Separators before a site name at the end of a title; a hyphen glued to the name counts too.
TITLE_SUFFIX = re.compile(r"(?:\s[-|–—:·»]+\s*|\s-(?=\S)|\|)\s*([^-|–—·»]{2,40})$")
DOMAIN_LIKE = re.compile(r"[\w-]+\.(com|net|org|info|co|news|biz|us|uk|de|in)", re.I)
WIRE_DATELINE = re.compile(r"\((AP|Reuters|AFP|dpa|IANS|ANI|PTI|UPI|Xinhua|Bloomberg|WENN)\)\s*[-—–:]")
WIRE_NAMES = {
    "AP": "associated press",
    "Reuters": "reuters",
    "AFP": "agence france",
    "dpa": "deutsche presse",
    "IANS": "indo-asian",
    "ANI": "asian news international",
    "PTI": "press trust",
    "UPI": "united press",
    "Xinhua": "xinhua",
    "Bloomberg": "bloomberg",
    "WENN": "world entertainment news",
}
WIRE_DOMAINS = ("apnews.com", "ap.org", "reuters.com", "afp.com", "dpa.de", "upi.com", "xinhuanet.com", "bloomberg.com")
ATTRIBUTION = re.compile(  # re.M: matched over short blocks joined by newlines
    r"^(source|quelle|fuente|via)\s*:\s*(?!.*\b(photo|image|foto|bild|getty|wikimedia|shutterstock|flickr|unsplash|"
    r"chart|graphic|data|statistics|survey|census)\b)[^\n]{2,60}$|originally (published|appeared)|first appeared (on|in)|"
    r"appeared first on|read (more|the (full|original) (article|story)) (at|on)|source link|"
    r"see original (here|article)|visit source|this (post|article|story) (was )?(first )?(published|appeared)|"
    r"respective (author|owner)s?|copyrighted by .{2,40} and published by|all rights (belong|reserved) to (their|the) "
    r"(respective|original)|no copyright infringement",
    re.M,  # matched on lower-cased text: much faster than re.I
)
#: Substrings one of which every ATTRIBUTION match contains (skips the regex on most pages).
ATTRIBUTION_HINTS = ("source", "sources", "quelle", "fuente", "via", "original", "appeared", "read ", "see original",
                     "this post", "this article", "this story", "respective", "copyright", "all rights")
GENERIC_AUTHORS = re.compile(
    r"^(by\s+)?(admin|administrator|staff|staff writer|editor|editorial (team|staff)|newsfeed|"
    r"news desk|webmaster|guest|author|team|user\d*|redaktion)$",
    re.I,
)
ARTICLE_TYPES = ("NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle")


def _squash(text: str) -> str:
    """Lower-case letters and digits only ("The Washington Post" -> "thewashingtonpost")."""
    return re.sub(r"[\W_]+", "", text.lower()).removeprefix("the")


def _site_names(page: Page) -> list[str]:
    """Names the page gives its own site: the domain's labels and ``og:site_name``."""
    names = [page.meta.get("og:site_name", ""), page.meta.get("application-name", "")]
    host = page.domain or ""
    names.extend(label for label in host.split(".") if len(label) > 3)
    return [_squash(n) for n in names if _squash(n)]


def _same_site(suffix: str, names: list[str]) -> bool:
    """True when a title suffix plausibly names one of ``names`` (containment, or initials)."""
    s = _squash(suffix)
    if not s:
        return True
    initials = "".join(w[0] for w in re.findall(r"\w+", suffix.lower()))
    return any(s in n or n in s or (len(initials) > 1 and n.startswith(initials)) for n in names)


def title_suffix_foreign(page: Page) -> Measure:
    """A title suffix naming a site other than the page's own ("…summit -AssetLink")."""
    m = TITLE_SUFFIX.search(page.title)
    if not m or len(m.group(1).split()) > 4:
        return Measure(0.0)
    suffix = m.group(1).strip()
    names = _site_names(page)
    glued = m.group(0).startswith(" -") and not m.group(0).startswith(" - ")
    domain_like = DOMAIN_LIKE.fullmatch(suffix) is not None
    if (glued or domain_like) and not (names and _same_site(suffix, names)):
        return Measure(1.0, f"title ends with {m.group(0).strip()!r}, site is {page.domain or 'unknown'}")
    return Measure(0.0)


def wire_dateline_unattributed(page: Page) -> Measure:
    """A wire dateline such as "(AP) —" on a non-wire site that never credits the agency."""
    body = page.body_text
    m = WIRE_DATELINE.search(body)
    domain = page.domain or ""
    if not m or any(domain.endswith(w) for w in WIRE_DOMAINS):
        return Measure(0.0)
    credit = WIRE_NAMES[m.group(1)]
    rest = (page.visible_text + " " + " ".join(_authors(page))).lower()
    if credit in rest:
        return Measure(0.0)
    return Measure(1.0, f"{m.group(0)} with no credit to {credit.title()}")


def attribution_lines(page: Page) -> Measure:
    """Lines crediting another site: "Source: X", "Originally published", "appeared first on" (0–2)."""
    short = "\n".join(b.text for b in page.blocks if len(b.text) < 300)
    lower = short.lower()
    if not any(hint in lower for hint in ATTRIBUTION_HINTS):
        return Measure(0.0)
    lines = {lower.count("\n", 0, m.start()) for m in ATTRIBUTION.finditer(lower)}  # one count per line
    if not lines:
        return Measure(0.0)
    return Measure(float(min(len(lines), 2)), short.split("\n")[min(lines)][:80])


def _authors(page: Page) -> Iterator[str]:
    """Author names from meta tags and JSON-LD."""
    for key in ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author"):
        if page.meta.get(key):
            yield page.meta[key]
    for obj in page.jsonld:
        yield from _names(obj.get("author"))


def _names(value: object, depth: int = 3) -> Iterator[str]:
    """Names inside a JSON-LD ``author`` value (string, object or list, nested at most ``depth`` deep)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        name = value.get("name")
        if isinstance(name, str):
            yield name
    elif isinstance(value, list) and depth > 0:
        for item in value[:10]:
            yield from _names(item, depth - 1)


def author_generic(page: Page) -> Measure:
    """The declared author is a placeholder ("admin", "Staff Writer", "newsfeed")."""
    for name in _authors(page):
        if GENERIC_AUTHORS.match(name.strip()):
            return Measure(1.0, f"author: {name.strip()[:40]!r}")
    return Measure(0.0)


#: A visible byline: "By Jane Doe", "Von Max Muster", "Por Ana Ruiz", "Par Jean Dupont", "Author: …".
BYLINE = re.compile(r"^(by|von|por|par|di|door|autor|author|written by)\s*:?\s+[A-ZÀ-Þ]", re.I)


def author_missing(page: Page) -> Measure:
    """An HTML page with no author in meta tags, JSON-LD or a visible byline (0 for text pages)."""
    if page.kind != "html" or any(_authors(page)):
        return Measure(0.0)
    if any(len(b.text) < 120 and BYLINE.match(b.text) for b in page.blocks[:150]):
        return Measure(0.0)
    return Measure(1.0, "no author in meta tags, JSON-LD or a byline")


def canonical_elsewhere(page: Page) -> Measure:
    """A canonical link to another domain (weak: partner copies do this legitimately)."""
    target, own = host_of(page.canonical), page.domain
    if target and own and target != own and not (target.endswith("." + own) or own.endswith("." + target)):
        return Measure(1.0, f"canonical points to {target}")
    return Measure(0.0)


def article_schema_missing(page: Page) -> Measure:
    """An HTML page with neither schema.org Article data nor ``og:type=article`` (0 for text)."""
    if page.kind != "html":
        return Measure(0.0)
    types = {t for obj in page.jsonld for t in _as_list(obj.get("@type")) if isinstance(t, str)}
    if types & set(ARTICLE_TYPES) or page.meta.get("og:type", "").lower() == "article":
        return Measure(0.0)
    return Measure(1.0, "no Article/NewsArticle JSON-LD and no og:type=article")


def _as_list(value: object) -> list[object]:
    """``value`` as a list (JSON-LD allows one value or many)."""
    return value if isinstance(value, list) else [value]


