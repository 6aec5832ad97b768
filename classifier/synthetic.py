"""Scraper-style training pages made from real pages, the way real scraper sites make them.

Real scrapers copy an article into *another site's* page chrome. So does this generator: it
takes the article text of one real page and transplants it into the HTML of a different real
page (its navigation, lists, footers and scripts stay as that site served them), then adds a
random subset of the markers scrapers leave. Which markers, how many (often none or one),
how much of the article is kept and the wording of every marker vary from page to page, so
no single template, class name or attribute separates generated pages from real ones.

``markers=False`` gives the same transplant with no intended marker: training uses it for the
adversarial check that the generator leaves no artefact of its own.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.etree as etree
import lxml.html

from .dates import PUBLISHED_META
from .page import Page

_BRANDS_A = "daily news world today global usa metro city info hub wire post times star prime fresh top".split()
_BRANDS_B = "Link Asset Press Feed Buzz Report Wire Journal Digest Insider Beat Point Now Spot Media".split()
_TLDS = ("com", "net", "org", "info", "news", "co", "us", "online", "xyz")
_LIST_HEADINGS = (
    "Related", "Ranking", "Recommendation", "You may also like", "Trending", "Hot News", "Popular Posts",
    "More News", "Latest", "Read also", "Top Stories", "Related posts", "Most Viewed",
)
_COUNTER_WORDS = ("veryGood!", "good!", "Like", "wow!", "Love", "Useful", "Haha", "Angry", "sad!")
_SOURCE_LINES = (
    "Source link", "See original here", "Source: {brand}", "Read more at {brand}",
    "The post {title} appeared first on {brand}.", "This article originally appeared on {brand}.",
    "Originally published at {brand}",
)
_CHATBOT = (
    "Certainly! Here is the rewritten article:", "Sure! Here is a news article based on the text:",
    "As an AI language model, I cannot verify this information.",
)
_CRUMBS = ("Current:Home > News", "Home > News > ", "You are here: Home » World » ", "Location: Home > ")
_GENERIC_AUTHORS = ("admin", "Staff Writer", "newsfeed", "Editor", "webmaster")
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LLM_OPENERS = (
    "In today's fast-paced world, ", "It's important to note that ", "In conclusion, ", "Notably, ",
    "As we delve into the details, ", "This serves as a testament to the fact that ", "Moreover, ",
)
_MONTHS = "January February March April May June July August September October November December".split()


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated page, its URL, and the markers it carries."""

    html: str
    url: str
    markers: tuple[str, ...]


def fake_site(rng: random.Random) -> tuple[str, str]:
    """A made-up scraper brand and its domain."""
    brand = rng.choice(_BRANDS_A).title() + rng.choice(_BRANDS_B)
    domain = re.sub(r"\W", "", brand.lower()) + rng.choice(("", "24", "hub", "-news", "now")) + "." + rng.choice(_TLDS)
    return brand, domain


def make_scraper_page(
    article: Page,
    host_html: str,
    other_headlines: Sequence[str],
    rng: random.Random,
    markers: bool = True,
) -> Generated:
    """Transplant ``article``'s text into the host page's HTML and add random scraper markers."""
    root = lxml.html.document_fromstring(host_html)
    brand, domain = fake_site(rng)
    keep = max(2, int(len(article.body) * rng.uniform(0.4, 1.0)))
    paragraphs = [_XML_UNSAFE.sub("", p) for p in article.body[:keep]]
    headline = _XML_UNSAFE.sub("", _headline(article.title))
    added: list[str] = []
    if markers:
        added = _pick_markers(rng)
        if "chatbot" in added:
            paragraphs.insert(0, rng.choice(_CHATBOT))
        if "wire_uncredited" in added:
            paragraphs = [re.sub(r"Associated Press|Reuters|AFP", "", p) for p in paragraphs]
        if "llm_style" in added:
            paragraphs = _llm_rewrite(paragraphs, rng)
        if "mojibake" in added:
            paragraphs = [_mis_decode(p) for p in paragraphs]
        if "repeat" in added:
            paragraphs = paragraphs + paragraphs
    anchor = _replace_body(root, paragraphs, rng, with_ads="adverts" in added)
    if not markers:
        _borrow_lists(root, article)
    title = _title(headline, article.title, brand, added, rng)
    _set_title(root, title, headline)
    extras = _marker_elements(added, article, other_headlines, brand, headline, rng)
    for el in reversed(extras):
        anchor.addnext(el)
    _set_meta(root, added, rng, article)
    if article.dates:
        _redate(root, article.dates[0].day)
    url = _fake_url(domain, headline, article, rng)
    _set_canonical(root, url, rng)
    return Generated(lxml.html.tostring(root, encoding="unicode"), url, tuple(added))


def _fake_url(domain: str, headline: str, article: Page, rng: random.Random) -> str:
    """The scraper's URL: a slug of the headline, often under a WordPress-style date path."""
    slug = re.sub(r"\W+", "-", headline.lower()).strip("-")[:60] or "news"
    section = rng.choice(("news", "post", "archives", "world", "", "blog"))
    if article.dates and rng.random() < 0.3:
        section = article.dates[0].day.replace("-", "/")
    return f"https://{rng.choice(('', 'www.'))}{domain}/{section}/{slug}".replace("//" + slug, "/" + slug)


def _set_canonical(root: etree._Element, url: str, rng: random.Random) -> None:
    """Drop the host's canonical and og:url; usually point the canonical at the scraper's own URL."""
    for el in list(root.iter("link", "meta")):
        if "canonical" in (el.get("rel") or "") or el.get("property") == "og:url":
            el.getparent().remove(el)
    head = root.find(".//head")
    if head is not None and rng.random() < 0.7:
        etree.SubElement(head, "link", rel="canonical", href=url)


def _pick_markers(rng: random.Random) -> list[str]:
    """A random subset of markers; about a third of pages ask for none or one."""
    pool = ["breadcrumb", "brand_suffix", "counter", "related", "related", "fake_date", "source_line",
            "wire_uncredited", "generic_author", "chatbot", "adverts", "repeat", "drop_schema", "mojibake", "llm_style"]
    weights = [0.3, 0.35, 0.3, 0.5, 0.3, 0.4, 0.35, 0.3, 0.25, 0.05, 0.2, 0.05, 0.4, 0.1, 0.1]
    n = rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 6))
    candidates = list(zip(pool, weights, strict=True))
    rng.shuffle(candidates)  # no marker is favoured by its place in the pool
    chosen: list[str] = []
    for name, w in candidates:
        if len(chosen) < n and rng.random() < w:
            chosen.append(name)
    return chosen  # "related" may appear twice: two story lists


def _llm_rewrite(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Paragraphs with a few stock openers of machine-rewritten text."""
    out = list(paragraphs)
    for i in rng.sample(range(len(out)), k=min(len(out), rng.randint(1, 3))):
        text = out[i]
        out[i] = rng.choice(_LLM_OPENERS) + (text[:1].lower() + text[1:] if text[:2].istitle() else text)
    return out


def _mis_decode(text: str) -> str:
    """``text`` as a broken pipeline leaves it: UTF-8 bytes read as Windows-1252."""
    typographic = text.replace("'", "\u2019").replace(' "', " \u201c").replace('" ', "\u201d ")
    return _XML_UNSAFE.sub("", typographic.encode("utf-8").decode("cp1252", errors="replace"))


def _headline(title: str) -> str:
    """The title without a trailing " - Site" / " | Site" part."""
    return re.split(r"\s+[-|–—:]\s+(?=[^-|–—:]{2,40}$)", title, maxsplit=1)[0].strip() or title


def _title(headline: str, original: str, brand: str, added: list[str], rng: random.Random) -> str:
    """The scraper's title: the source's full title, or the headline with its own suffix and crumbs."""
    title = original if rng.random() < 0.4 else headline
    if "brand_suffix" in added:
        title = f"{headline} {rng.choice(('-', '- ', '| ', '–'))}{brand}"
    if "breadcrumb" in added:
        title = rng.choice(_CRUMBS) + title
    return title


def _content_parent(root: etree._Element) -> tuple[etree._Element, list[etree._Element]]:
    """The element holding most long paragraphs, and those paragraphs."""
    best: tuple[int, etree._Element | None] = (0, None)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        n = sum(1 for c in el if c.tag == "p" and len(c.text_content()) > 60)
        if n > best[0]:
            best = (n, el)
    parent = best[1]
    if parent is None:
        body = root.find(".//body")
        parent = body if body is not None else root
        return parent, []
    return parent, [c for c in parent if c.tag == "p" and len(c.text_content()) > 60]


def _replace_body(root: etree._Element, paragraphs: list[str], rng: random.Random, with_ads: bool) -> etree._Element:
    """Swap the host's article paragraphs for the copied ones; returns the last inserted element."""
    parent, old = _content_parent(root)
    index = parent.index(old[0]) if old else len(parent)
    for el in old:
        parent.remove(el)
    last = None
    for i, text in enumerate(paragraphs):
        p = etree.Element("p")
        p.text = text
        parent.insert(index + i, p)
        last = p
        if with_ads and rng.random() < 0.3:
            ad = etree.Element("div")
            ad.text = "Advertisement"
            p.addnext(ad)
    return last if last is not None else parent


def _borrow_lists(root: etree._Element, article: Page) -> None:
    """Give the host's headline links the source page's own list headlines.

    Off-topic lists are an intended marker; without markers, the transplant's lists should be
    as on-topic as the source page's own were.
    """
    items = [_XML_UNSAFE.sub("", item) for lst in article.link_lists for item in lst.items]
    if not items:
        return
    for a in root.iter("a"):
        text = "".join(a.itertext()).strip()
        if 3 <= len(text.split()) <= 22:
            if not items:
                return
            for child in list(a):
                a.remove(child)
            a.text = items.pop(0)


def _set_title(root: etree._Element, title: str, headline: str) -> None:
    """Set ``<title>`` and the first ``<h1>`` (creating the title if missing)."""
    el = root.find(".//title")
    if el is None:
        head = root.find(".//head")
        if head is None:
            head = etree.Element("head")
            root.insert(0, head)
        el = etree.SubElement(head, "title")
    el.text = title
    h1 = root.find(".//h1")
    if h1 is not None:
        for child in list(h1):
            h1.remove(child)
        h1.text = headline


def _marker_elements(
    added: list[str], article: Page, headlines: Sequence[str], brand: str, headline: str, rng: random.Random
) -> list[etree._Element]:
    """Elements placed after the copied article: dates, counters, source lines, story lists."""
    out: list[etree._Element] = []
    if "fake_date" in added:
        out.append(_div(_fake_date_line(article, rng)))
    if "counter" in added:
        out.append(_div(f"{rng.choice(_COUNTER_WORDS)} ({rng.randint(12, 9999)})"))
    if "source_line" in added:
        out.append(_div(rng.choice(_SOURCE_LINES).format(brand=brand, title=headline)))
    for _ in range(added.count("related")):
        out.extend(_story_list(headlines, rng))
    rng.shuffle(out)
    return out


def _div(text: str) -> etree._Element:
    """A ``<div>`` holding ``text``."""
    el = etree.Element("div")
    el.text = text
    return el


def _story_list(headlines: Sequence[str], rng: random.Random) -> list[etree._Element]:
    """A heading and a list of other stories' headlines as links."""
    heading = etree.Element(rng.choice(("h3", "h4", "div", "strong")))
    heading.text = rng.choice(_LIST_HEADINGS)
    ul = etree.Element("ul")
    for text in rng.sample(list(headlines), k=min(len(headlines), rng.randint(4, 12))):
        li = etree.SubElement(ul, "li")
        a = etree.SubElement(li, "a", href="/" + re.sub(r"\W+", "-", text.lower())[:50])
        a.text = text
    return [heading, ul]


def _claimed_year(article: Page) -> int:
    """The year the source article was published, from its claims or the years it mentions."""
    if article.dates:
        return int(article.dates[0].day[:4])
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", article.body_text)]
    return max(years) if years else 2015


def _fake_date_line(article: Page, rng: random.Random) -> str:
    """A visible date years after the story's real date."""
    year = _claimed_year(article) + rng.randint(1, 4)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice((
        f"Date:{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        f"Posted on {_MONTHS[month - 1]} {day}, {year}",
        f"Published: {day:02d}.{month:02d}.{year}",
    ))


def _set_meta(root: etree._Element, added: list[str], rng: random.Random, article: Page) -> None:
    """Author and schema changes: a placeholder author, dropped JSON-LD and og tags."""
    head = root.find(".//head")
    if head is None:
        return
    if "drop_schema" in added:
        for el in list(head.iter("script", "meta")):
            if el.get("type") == "application/ld+json" or (el.get("property") or "").startswith("article:"):
                el.getparent().remove(el)
    if "generic_author" in added:
        for el in list(head.iter("meta")):
            if (el.get("name") or "").lower() == "author":
                el.getparent().remove(el)
        etree.SubElement(head, "meta", name="author", content=rng.choice(_GENERIC_AUTHORS))
    if "fake_date" in added and rng.random() < 0.5:
        year = _claimed_year(article) + rng.randint(1, 3)
        etree.SubElement(head, "meta", property="article:published_time", content=f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T08:00:00Z")


def _redate(root: etree._Element, day: str) -> None:
    """Give the host's date meta tags and JSON-LD the copied article's own date."""
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in PUBLISHED_META:
            el.set("content", day)
    for el in root.iter("script"):
        if el.get("type") == "application/ld+json" and el.text:
            el.text = re.sub(r'("date(Published|Created|Modified)"\s*:\s*)"[^"]*"', rf'\1"{day}"', el.text)
