"""Aggregator and syndication markers: foreign title suffixes, bare wire datelines, attribution lines."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ..page.page import Page, host_of
from ..page.textstats import lines_with
from .base import Measure

#: Separators before a site name at the end of a title; a hyphen glued to the name counts too.
TITLE_SUFFIX = re.compile(r"(?:\s[-|–—:·»]+\s*|\s-(?=\S)|\|)\s*([^-|–—·»]{2,40})$")
DOMAIN_LIKE = re.compile(r"[\w-]+\.(com|net|org|info|co|news|biz|us|uk|de|in)", re.I)
#: A wire dateline: "NEW YORK (AP) —", "(Reuters) -", "Berlin (dpa/lno) –", "PARIS, 3 mai 2024 (AFP) -".
WIRE_DATELINE = re.compile(
    r"\((AP|Reuters|AFP|dpa|IANS|ANI|PTI|UPI|Xinhua|Bloomberg|WENN|KNA|epd|APA|SDA|ANSA|EFE|Kyodo|Yonhap)"
    r"(?:/[\w-]{1,12})?\)\s*(?:--|[-—–:])"
)
WIRE_NAMES = {
    "AP": ("associated press",),
    "Reuters": ("reuters",),
    "AFP": ("agence france", "afp"),
    "dpa": ("deutsche presse", "deutschen presse", "presse-agentur", "dpa"),
    "IANS": ("indo-asian", "ians"),
    "ANI": ("asian news international",),
    "PTI": ("press trust",),
    "UPI": ("united press",),
    "Xinhua": ("xinhua",),
    "Bloomberg": ("bloomberg",),
    "WENN": ("world entertainment news", "wenn"),
    "KNA": ("katholische nachrichten", "kna"),
    "epd": ("evangelische pressedienst", "evangelischen pressedienst", "epd"),
    "APA": ("austria presse",),
    "SDA": ("schweizerische depeschenagentur", "keystone-sda"),
    "ANSA": ("ansa",),
    "EFE": ("agencia efe", "efe"),
    "Kyodo": ("kyodo",),
    "Yonhap": ("yonhap",),
}
WIRE_DOMAINS = ("apnews.com", "ap.org", "reuters.com", "afp.com", "dpa.de", "dpa.com", "upi.com", "xinhuanet.com",
                "bloomberg.com", "efe.com", "ansa.it", "kyodonews.net", "yna.co.kr")
#: The agency's short tag used as a credit outside the dateline: "AP Photo", "© dpa", "AP Golf Writer", "Foto: …/dpa".
_TAG_CREDIT = r"(?:©|\(c\)|copyright|quelle|source|fuente|foto|photo|bild|by|von|mit material von)[\s:]*(?:[\w.-]+[ /]){{0,3}}{tag}\b|\b{tag}(?:[ -](?:photo|foto|writer|\w+ writer|correspondent|contributed|-infocom|/\w+)|\s+\d{{4}})"
#: Licence lines that credit copy to its origin ("Copyright 2023 The Associated Press", "originally published by").
LICENCE = re.compile(
    r"originally published (?:by|in|on|at)|"
    r"(?:reprinted|republished|used|distributed) (?:with permission|under licen[cs]e)|licensed from|"
    r"(?:this|the) (?:story|article|report) (?:was|is) (?:originally )?(?:published|provided|distributed) by",
    re.I,
)
ATTRIBUTION = re.compile(  # re.M: matched over short blocks joined by newlines, on lower-cased text
    r"^(?:source|quelle|fuente|via)\s*:\s*(?:[\w.-]+\.(?:com|net|org|info|co|news|biz|us|uk|de|in|io|me)\b|"
    r"https?://|[^\n]{0,40}\b(?:news|times|post|daily|herald|tribune|gazette|journal|online|network|wire)\s*\.?$)|"
    r"originally (?:published|appeared) (?:on|at) (?!this)|first appeared (?:on|in) (?!this)|appeared first on|"
    r"read (?:more|the (?:full|original) (?:article|story)) (?:at|on) (?!our|this|these|the )|^source link$|"
    r"see original (?:here|article)|visit source|copyright,? (?:belongs to )?(?:the |their )?respective|"
    r"respective authors? or|"
    r"copyrighted by .{2,40} and published by|all rights (?:belong|reserved) to (?:their|the) "
    r"(?:respective|original)|no copyright infringement",
    re.M,
)
#: A bare "Source: X" line; it credits the story only where it closes the article, and X is no data provider.
SOURCE_LINE = re.compile(r"^(?:source|quelle|fuente|via)\s*:\s*(.{2,60})$", re.I)
DATA_PROVIDER = re.compile(
    r"\b(?:statisti\w*|data|daten|datos|survey|census|eurostat|oecd|imf|world bank|bureau|office|amt|institut\w*|"
    r"ministry|ministerium|department|agency|bank|university|poll|report|study|chart|graphic|photo|image|foto|"
    r"bild|getty|wikimedia|shutterstock|flickr|unsplash|reuters graphic|own calculation|eigene)\b",
    re.I,
)
#: Blocks after the last body paragraph in which a closing "Source: X" line still counts.
SOURCE_CLOSING_BLOCKS = 3
#: Substrings one of which every ATTRIBUTION match contains (skips the regex on most pages).
ATTRIBUTION_HINTS = ("source", "quelle", "fuente", "via", "original", "appeared", "read ", "respective", "copyright",
                     "all rights")
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


def _wire_credited(page: Page, tag: str, dateline_end: int) -> str:
    """The credit the page gives wire ``tag`` (a name, a tagged credit, a licence line or a canonical), or ""."""
    text = page.visible_text
    raw = page.title + "\n" + text + "\n" + " ".join(_authors(page)) + " " + page.meta.get("og:site_name", "")
    lower = WIRE_DATELINE.sub(" ", raw).lower()  # the dateline itself is no credit
    for name in WIRE_NAMES[tag]:
        if len(name) > 5 and name in lower:
            return name
    credit = re.compile(_TAG_CREDIT.format(tag=re.escape(tag.lower())))
    if m := credit.search(lower):
        return m.group(0)
    if any((host_of(page.canonical) or "").endswith(w) for w in WIRE_DOMAINS):
        return f"canonical {page.canonical}"
    if m := LICENCE.search(text[dateline_end:]):
        return m.group(0)
    return ""


def wire_dateline_unattributed(page: Page) -> Measure:
    """A wire dateline ("(AP) —", "(Reuters) -", "(dpa) –") with no credit, licence line, wire byline or canonical."""
    body = page.body_text
    m = WIRE_DATELINE.search(body)
    domain = page.domain or ""
    if not m or any(domain.endswith(w) for w in WIRE_DOMAINS):
        return Measure(0.0)
    tag = m.group(1)
    end = page.visible_text.find(m.group(0))
    if _wire_credited(page, tag, max(end, 0)):
        return Measure(0.0)
    return Measure(1.0, f"{m.group(0)} with no credit to {WIRE_NAMES[tag][0].title()}")


def _closing_source(page: Page) -> str:
    """A "Source: X" line just after the last body paragraph that names no data provider, or ""."""
    if not page.body:
        return ""
    last = page.body[-1]
    idx = next((i for i in range(len(page.blocks) - 1, -1, -1) if page.blocks[i].text == last), None)
    if idx is None:
        return ""
    for block in page.blocks[idx + 1 : idx + 1 + SOURCE_CLOSING_BLOCKS]:
        m = SOURCE_LINE.match(block.text)
        if m and not DATA_PROVIDER.search(m.group(1)):
            return block.text
    return ""


def attribution_lines(page: Page) -> Measure:
    """Lines crediting another site: a closing "Source: X", "Originally published at", "appeared first on" (0–2)."""
    short = [b.text for b in page.blocks if len(b.text) < 300]
    lower = "\n".join(short).lower()
    hits = [line for line in lines_with(lower, ATTRIBUTION_HINTS) if ATTRIBUTION.search(line)]
    if hits:
        original = {t.lower(): t for t in short}
        hits = [original.get(line, line) for line in hits]
    closing = _closing_source(page)
    if closing and closing not in hits:
        hits.append(closing)
    if not hits:
        return Measure(0.0)
    return Measure(float(min(len(hits), 2)), hits[0][:80])


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


