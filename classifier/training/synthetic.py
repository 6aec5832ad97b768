"""Scraper-style training pages made from real pages, the way real scraper sites make them.

Real scrapers copy an article into *another site's* page chrome. So does this generator: it
copies the article elements of one real page (inline links and markup included) into the HTML
of a different real page, whose navigation, lists, footers, class names and scripts stay as
that site served them. A template *family* (a WordPress autoblog, a news-portal clone, a
Chinese-style scraper like the seed, an MFA page with ad slots, a bare text dump) then decides
which markers are likely and how they look; every marker is present only with some
probability, in one of many spellings and places (:mod:`classifier.training.synthetic_forms`), and about
one page in ten gets none at all.

``markers=False`` gives the same transplant with no intended marker: the adversarial check
(:mod:`classifier.training.adversarial`) uses it to show that the generator leaves no artefact of its own.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import lxml.etree as etree
import lxml.html

from ..page.page import Page
from . import synthetic_forms as forms
from .synthetic_dates import article_day, redate_meta
from .synthetic_host import (
    XML_UNSAFE,
    borrow_lists,
    clean,
    content_parent,
    fake_url,
    headline_of,
    host_classes,
    host_story,
    host_style_url,
    host_suffix,
    parsed,
    redate_visible,
    rename_story,
    replace_body,
    retitle_meta,
    set_canonical,
    set_headline,
    set_title,
    slug,
    story_links,
)

_XML_UNSAFE = XML_UNSAFE  # trainer.py imports it from here

#: For each template family, the chance that each marker is drawn for a page of that family.
FAMILIES: dict[str, dict[str, float]] = {
    "wordpress": {"source_line": 0.6, "generic_author": 0.5, "related": 0.5, "brand_suffix": 0.5, "fake_date": 0.4,
                  "brand_domain": 0.5, "excerpt": 0.25, "wire_uncredited": 0.3, "drop_schema": 0.3, "counter": 0.2,
                  "breadcrumb": 0.15, "adverts": 0.15, "llm_style": 0.1, "view_count": 0.1, "chatbot": 0.05,
                  "mojibake": 0.05, "repeat": 0.03, "pagination": 0.05},
    "portal": {"breadcrumb": 0.5, "related": 0.6, "fake_date": 0.45, "counter": 0.3, "view_count": 0.3,
               "brand_suffix": 0.4, "wire_uncredited": 0.4, "adverts": 0.25, "brand_domain": 0.4, "source_line": 0.2,
               "generic_author": 0.2, "drop_schema": 0.3, "excerpt": 0.05, "llm_style": 0.05, "chatbot": 0.03,
               "mojibake": 0.05, "repeat": 0.03, "pagination": 0.05},
    "cn_scraper": {"breadcrumb": 0.7, "counter": 0.6, "view_count": 0.5, "fake_date": 0.6, "related": 0.7,
                   "brand_suffix": 0.5, "wire_uncredited": 0.4, "brand_domain": 0.5, "source_line": 0.2,
                   "generic_author": 0.2, "drop_schema": 0.4, "adverts": 0.1, "mojibake": 0.1, "repeat": 0.05,
                   "chatbot": 0.03, "llm_style": 0.03, "excerpt": 0.03, "pagination": 0.03},
    "mfa": {"adverts": 0.85, "pagination": 0.4, "related": 0.6, "counter": 0.3, "brand_suffix": 0.3,
            "brand_domain": 0.5, "excerpt": 0.15, "llm_style": 0.15, "fake_date": 0.2, "breadcrumb": 0.15,
            "generic_author": 0.2, "view_count": 0.2, "source_line": 0.1, "drop_schema": 0.2, "chatbot": 0.05,
            "wire_uncredited": 0.1, "repeat": 0.05, "mojibake": 0.05},
    "text": {"breadcrumb": 0.6, "counter": 0.5, "view_count": 0.4, "fake_date": 0.5, "related": 0.7,
             "wire_uncredited": 0.4, "source_line": 0.3, "generic_author": 0.2, "adverts": 0.2, "brand_domain": 0.3,
             "chatbot": 0.05, "llm_style": 0.05, "excerpt": 0.1, "pagination": 0.05, "repeat": 0.05,
             "mojibake": 0.05, "brand_suffix": 0.1, "drop_schema": 0.1},
}
_FAMILY_WEIGHTS = {"wordpress": 0.25, "portal": 0.25, "cn_scraper": 0.2, "mfa": 0.15, "text": 0.15}
#: Every marker the generator knows.
MARKERS: tuple[str, ...] = tuple(sorted({m for chances in FAMILIES.values() for m in chances}))
_BODY_MARKERS = ("chatbot", "wire_uncredited", "llm_style", "mojibake", "repeat", "excerpt", "pagination")


class _Row(Protocol):
    """What :func:`pick_host` reads of a host's row."""

    @property
    def lang(self) -> str | None:
        """The page's language code."""


_H = TypeVar("_H", bound=tuple[_Row, str, Page])


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated page: its HTML, URL, markers, family, and for the text family its text dump."""

    html: str
    url: str | None
    markers: tuple[str, ...]
    family: str = "portal"
    text: str | None = None  # set for the "text" family: train on this plain-text dump, not the HTML


@dataclass
class _Draft:
    """A page being built: the host tree, the copied article, and what the markers need."""

    root: etree._Element
    elements: list[etree._Element]
    added: list[str]
    headline: str
    brand: str
    source: str
    classes: list[str]
    rng: random.Random
    lang: str

    def cls(self) -> str | None:
        """Half the time, a class attribute borrowed from the host page (no class of our own)."""
        return self.rng.choice(self.classes) if self.classes and self.rng.random() < 0.5 else None


def make_scraper_page(
    article: Page,
    host_html: str,
    other_headlines: Sequence[str],
    rng: random.Random,
    markers: bool = True,
    *,
    article_html: str | None = None,
    host_url: str | None = None,
    family: str | None = None,
    chosen: Sequence[str] | None = None,
) -> Generated:
    """Copy ``article`` into the host page's HTML and add a random subset of scraper markers.

    ``article_html`` (the article's own HTML) lets its paragraphs keep their inline markup;
    ``host_url`` gives marker-free pages a URL on the host's site; ``chosen`` fixes the markers.
    """
    fam = family or rng.choices(list(_FAMILY_WEIGHTS), weights=list(_FAMILY_WEIGHTS.values()))[0]
    added = [] if not markers else list(chosen) if chosen is not None else pick_markers(fam, rng)
    root = lxml.html.document_fromstring(host_html)
    brand, domain = forms.fake_site(rng)
    headline = clean(headline_of(article.title)) or clean(article.body[0][:80])
    draft = _Draft(root, _article_elements(article, article_html), added, headline, brand,
                   _source_name(article), host_classes(root), rng, forms.guess_lang(article.body_text))
    _mutate_body(draft, article)
    host_page = parsed(host_html)
    host, suffix, host_days = host_story(root), host_suffix(root), {c.day for c in host_page.dates}
    first, last = replace_body(root, draft.elements)
    if "adverts" in added:
        _insert_ads(draft)
    rename_story(root, host, headline, set(map(id, draft.elements)))
    if "related" not in added:
        borrow_lists(root, article, rng)
    h1 = set_headline(root, headline, first)
    set_title(root, _title(draft, suffix))
    _place_markers(draft, other_headlines, h1 if h1 is not None else first, last)
    _set_meta(draft, article, host_days)
    url = fake_url(domain, headline, article, rng) if "brand_domain" in added else host_style_url(host_url, headline, article, rng)
    set_canonical(root, url)
    html = lxml.html.tostring(root, encoding="unicode")
    return Generated(html, url, tuple(added), fam, text_dump(html, url) if fam == "text" else None)


def pick_markers(family: str, rng: random.Random) -> list[str]:
    """A random subset of the family's markers; about one page in ten gets none."""
    n = rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 6))
    candidates = list(FAMILIES[family].items())
    rng.shuffle(candidates)  # no marker is favoured by its place in the table
    chosen = [name for name, chance in candidates if rng.random() < chance][:n]
    if "related" in chosen and rng.random() < 0.3:
        chosen.append("related")  # two story lists, as the seed has
    return chosen


def pick_host(article: Page, lang: str | None, hosts: Sequence[_H], rng: random.Random) -> _H:
    """A host for ``article``: same language where possible, with about as many listed stories.

    ``hosts`` are (row with ``lang``, html, parsed page) triples; a host whose lists hold many
    more stories than the article's own would leave its own off-topic headlines behind.
    """
    pool = [h for h in hosts if h[2] is not article and h[0].lang == lang] or [h for h in hosts if h[2] is not article]
    if not pool:
        raise ValueError("no host page to copy into")
    want = story_links(article)
    near = sorted(rng.sample(pool, k=min(len(pool), 8)), key=lambda h: abs(story_links(h[2]) - want))
    return near[0]


def text_dump(html: str, url: str | None) -> str:
    """The page as a plain-text dump: its visible blocks, one a line (as the text view reads pages)."""
    from ..page.loader import load_page  # noqa: PLC0415 - loader imports the parser stack

    return "\n".join(b.text for b in load_page(html, url=url, kind="html").blocks)


# --- the article -----------------------------------------------------------------------------


def _article_elements(article: Page, article_html: str | None) -> list[etree._Element]:
    """Copies of the article's own paragraphs and what lies between them; else its body as ``<p>``s."""
    if article_html:
        try:
            parent, paras = content_parent(lxml.html.document_fromstring(article_html))
        except (ValueError, etree.ParserError):
            paras = []
        if len(paras) >= 2:
            start, end = parent.index(paras[0]), parent.index(paras[-1])
            out = [copy.deepcopy(c) for c in parent[start : end + 1] if isinstance(c.tag, str)]
            out[-1].tail = None
            return out
    return [forms.element("p", clean(text)) for text in article.body]


def _mutate_body(draft: _Draft, article: Page) -> None:
    """Apply the body markers: chatbot lines, removed wire credits, rewrites, mojibake, repeats, cuts."""
    rng, els = draft.rng, draft.elements
    if "wire_uncredited" in draft.added:
        els[:] = [e for e in els if not forms.is_credit("".join(e.itertext()))] or els[:1]
        if not any(forms.has_dateline("".join(e.itertext())) for e in els[:3]):
            _prefix(els, forms.wire_dateline(rng, draft.lang))
    if "llm_style" in draft.added:
        for e in rng.sample(els, k=min(len(els), rng.randint(1, 3))):
            e.text = forms.llm_opener(rng) + (e.text or "")
    if "mojibake" in draft.added:
        for e in els:
            _map_text(e, _mis_decode)
    if "repeat" in draft.added:
        els.extend(copy.deepcopy(e) for e in list(els))
    if "chatbot" in draft.added:
        els.insert(0 if rng.random() < 0.8 else len(els), forms.element("p", forms.chatbot_line(rng, draft.lang)))
    if "excerpt" in draft.added:
        del els[rng.randint(1, 3):]
        els.append(_link_line(forms.read_more(rng, draft.lang, draft.source), draft.cls()))
    if "pagination" in draft.added:
        del els[max(2, len(els) // 2):]
        els.append(forms.element(rng.choice(("div", "p", "nav")), forms.pager(rng, draft.lang), draft.cls()))


def _prefix(els: list[etree._Element], dateline: str) -> None:
    """Put ``dateline`` before the first paragraph's text."""
    target = next((e for e in els if e.tag == "p"), els[0])
    target.text = dateline + (target.text or "").lstrip()


def _map_text(el: etree._Element, fn: object) -> None:
    """Apply ``fn`` to every text and tail under ``el``."""
    for node in el.iter():
        if node.text:
            node.text = fn(node.text)  # type: ignore[operator]
        if node.tail and node is not el:
            node.tail = fn(node.tail)  # type: ignore[operator]


def _mis_decode(text: str) -> str:
    """``text`` as a broken pipeline leaves it: UTF-8 bytes read as Windows-1252."""
    typographic = text.replace("'", "\u2019").replace(' "', " \u201c").replace('" ', "\u201d ")
    return clean(typographic.encode("utf-8").decode("cp1252", errors="replace"))


def _source_name(article: Page) -> str:
    """The name of the site the article came from: its og:site_name, else its host."""
    name = article.meta.get("og:site_name") or article.domain or "the original site"
    return clean(name)[:60]


# --- the host page ---------------------------------------------------------------------------


def _insert_ads(draft: _Draft) -> None:
    """Ad slots between the copied paragraphs, as sparse or as dense as MFA pages put them."""
    chance = draft.rng.uniform(0.3, 1.0)
    for el in draft.elements[:-1]:
        if draft.rng.random() < chance:
            el.addnext(forms.ad_slot(draft.rng, draft.lang, draft.cls()))


def _title(draft: _Draft, host_suffix: str) -> str:
    """The page title: the headline with the host's own site suffix, or the scraper's suffix and crumbs."""
    rng, title = draft.rng, draft.headline + host_suffix
    if "brand_suffix" in draft.added:
        title = f"{draft.headline}{rng.choice((' -', '-', ' - ', ' | ', ' – ', '_', '——'))}{draft.brand}"
    if "breadcrumb" in draft.added and rng.random() < 0.5:
        title = forms.breadcrumb(rng, draft.lang, trailing=True) + title
    return title


# --- visible markers -------------------------------------------------------------------------


def _place_markers(draft: _Draft, headlines: Sequence[str], top: etree._Element, bottom: etree._Element) -> None:
    """Put the visible markers above the article, below it, or at the end of the page."""
    rng, added = draft.rng, draft.added
    above: list[etree._Element] = []
    below: list[etree._Element] = []
    end: list[etree._Element] = []
    (above if rng.random() < 0.75 else below).extend(_meta_line(draft))
    if "breadcrumb" in added:
        _breadcrumb(draft, top)
    if "counter" in added:
        rng.choices((below, above, end), weights=(0.6, 0.25, 0.15))[0].extend(forms.counter_elements(rng, draft.lang, draft.cls()))
    if "source_line" in added:
        line = forms.source_line(rng, draft.lang, draft.source, draft.headline)
        (below if rng.random() < 0.8 else above).append(_link_line(line, draft.cls()) if rng.random() < 0.4 else forms.element("p", line, draft.cls()))
    for _ in range(added.count("related")):
        lists = [h for h in headlines if h] or [draft.headline]
        rng.choices((below, end, above), weights=(0.5, 0.35, 0.15))[0].extend(
            forms.story_list([headline_of(h) if rng.random() < 0.7 else h for h in lists], rng, draft.lang, draft.cls()))
    for el in reversed(above):
        top.addnext(el)
    for el in reversed(below):
        bottom.addnext(el)
    body = draft.root.find(".//body")
    for el in end:
        (body if body is not None else draft.root).append(el)


def _meta_line(draft: _Draft) -> list[etree._Element]:
    """Date, view count and byline: one line ("2019年09月11日 admin 1665"), or one element each."""
    rng, parts = draft.rng, []
    if "fake_date" in draft.added:
        parts.append(forms.date_text(*_later_day(draft.elements, rng), rng, draft.lang))
    if "view_count" in draft.added:
        parts.append(forms.view_count(rng, draft.lang))
    if "generic_author" in draft.added and rng.random() < 0.6:
        parts.append(forms.byline(rng, draft.lang)[1])
    rng.shuffle(parts)
    if len(parts) > 1 and rng.random() < 0.5:
        return [forms.element(rng.choice(("div", "p", "span", "h6")), rng.choice((" ", "  ", " | ", " · ")).join(parts), draft.cls())]
    return [forms.element(rng.choice(("div", "p", "span")), part, draft.cls()) for part in parts]


def _breadcrumb(draft: _Draft, top: etree._Element) -> None:
    """A breadcrumb glued to the headline, or on its own line above it (as text or links)."""
    rng = draft.rng
    crumb = forms.breadcrumb(rng, draft.lang, trailing=True)
    if top.tag in ("h1", "h2", "h3") and rng.random() < 0.35:
        top.text = crumb + (top.text or "")
        return
    line = forms.element(rng.choice(("div", "p", "nav", "span")), None, draft.cls())
    if rng.random() < 0.5:
        line.text = crumb + (draft.headline if rng.random() < 0.5 else "")
    else:
        parts = re.split(r"(\s*[>»/›|→:]+\s*)", crumb)
        line.text = None
        for i, part in enumerate(parts):
            if i % 2 == 0 and part.strip():
                a = etree.SubElement(line, "a", href="/" if i == 0 else "/" + slug(part) + "/")
                a.text = part
            elif part:
                (line[-1] if len(line) else line).tail = part
    top.addprevious(line)


def _link_line(text: str, cls: str | None) -> etree._Element:
    """A paragraph holding one link with ``text``."""
    p = forms.element("p", None, cls)
    a = etree.SubElement(p, "a", href="#")
    a.text = text
    return p


def _later_day(elements: Sequence[etree._Element], rng: random.Random) -> tuple[int, int, int]:
    """A day one to four years after the latest year the article mentions (2015 when none)."""
    text = " ".join("".join(e.itertext()) for e in elements)
    years = [int(y) for y in re.findall(r"\b(?:19[6-9]\d|20[0-2]\d)\b", text)]
    return (max(years) if years else 2015) + rng.randint(1, 4), rng.randint(1, 12), rng.randint(1, 28)


# --- head, URL -------------------------------------------------------------------------------


def _set_meta(draft: _Draft, article: Page, host_days: set[str]) -> None:
    """The head describes the copied article: its date, headline and summary; then the head markers."""
    root, rng = draft.root, draft.rng
    day = article_day(article)
    if day is not None:
        redate_meta(root, day.isoformat())
        redate_visible(root, day, host_days, set(map(id, draft.elements)))
    retitle_meta(root, draft.headline, article)
    head = root.find(".//head")
    if head is None:
        return
    if "drop_schema" in draft.added:
        for el in list(head.iter("script", "meta")):
            if el.get("type") == "application/ld+json" or (el.get("property") or "").startswith("article:"):
                el.getparent().remove(el)
    if "generic_author" in draft.added:
        for el in list(head.iter("meta")):
            if (el.get("name") or "").lower() == "author":
                el.getparent().remove(el)
        etree.SubElement(head, "meta", name="author", content=forms.byline(rng, draft.lang)[0])
    if "fake_date" in draft.added and rng.random() < 0.5:
        y, m, d = _later_day(draft.elements, rng)
        etree.SubElement(head, "meta", property="article:published_time", content=f"{y}-{m:02d}-{d:02d}T08:00:00Z")


