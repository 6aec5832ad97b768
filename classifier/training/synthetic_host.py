"""Surgery on the host page of a generated page: where its article sits, and what must follow the copy.

The host's own article is cut out and the copied one put in its place; its headline, title,
lists, meta descriptions, canonical link and URL are then made to describe the copied article,
so that nothing but the intended markers tells the page from a real one.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date
from urllib.parse import urlsplit

import lxml.etree as etree

from ..page.dates import find_day
from ..page.page import Page
from .synthetic_dates import article_day, redate_text

XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LONG_P = 60  # characters: a host paragraph this long is article text


def clean(text: str) -> str:
    """``text`` without characters that XML cannot hold."""
    return XML_UNSAFE.sub("", text)


def headline_of(title: str) -> str:
    """The title without a trailing " - Site" / " | Site" part."""
    return re.split(r"\s+[-|–—:]\s+(?=[^-|–—:]{2,40}$)", title, maxsplit=1)[0].strip() or title


def content_parent(root: etree._Element) -> tuple[etree._Element, list[etree._Element]]:
    """The element holding most long paragraphs, and those paragraphs."""
    best: tuple[int, etree._Element | None] = (0, None)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        n = sum(1 for c in el if c.tag == "p" and len(c.text_content()) > LONG_P)
        if n > best[0]:
            best = (n, el)
    parent = best[1]
    if parent is None:
        body = root.find(".//body")
        return (body if body is not None else root), []
    return parent, [c for c in parent if c.tag == "p" and len(c.text_content()) > LONG_P]


def replace_body(root: etree._Element, elements: list[etree._Element]) -> tuple[etree._Element, etree._Element]:
    """Swap the host's article (first to last long paragraph) for ``elements``; returns the first and last."""
    parent, old = content_parent(root)
    if len(old) < 2:
        parent = _text_holder(root)
        index = len(parent)
    else:
        index = parent.index(old[0])
        tail = old[-1].tail
        for el in list(parent[index : parent.index(old[-1]) + 1]):
            parent.remove(el)
        elements[-1].tail = tail
    for i, el in enumerate(elements):
        parent.insert(index + i, el)
    return elements[0], elements[-1]


def _text_holder(root: etree._Element) -> etree._Element:
    """For hosts without ``<p>`` paragraphs: the element with most loose text, emptied of it."""
    def loose(el: etree._Element) -> int:
        return len((el.text or "").strip()) + sum(len((c.tail or "").strip()) for c in el)

    best = max((el for el in root.iter() if isinstance(el.tag, str)), key=loose)
    if loose(best) < 200:
        raise ValueError("host page has no article text to replace")
    best.text = None
    for child in list(best):
        if child.tag == "br":
            best.remove(child)
        else:
            child.tail = None
    return best


def host_classes(root: etree._Element) -> list[str]:
    """Class attribute values the host page already uses in its body."""
    body = root.find(".//body")
    return [v for el in (body if body is not None else root).iter() if isinstance(el.tag, str) and (v := el.get("class"))]


def headline_like(text: str) -> bool:
    """True for link text that reads like a story headline (not a menu item)."""
    n = len(text.split())
    return 20 <= len(text) <= 160 and (4 <= n <= 22 or (n <= 2 and len(text) <= 60))  # n <= 2: unspaced scripts


def borrow_lists(root: etree._Element, article: Page, rng: random.Random) -> None:
    """Give the host's headline links the source page's own list headlines (a few repeated).

    Off-topic lists are an intended marker; without it, the transplant's lists should be as
    on-topic as the source page's own were. So host headlines past the source's own are cut
    out with their list item (the adversarial check found that keeping them made marker-free
    pages' lists more off-topic than real ones: ROC-AUC 0.61 on that signal alone).
    """
    items = [clean(item) for lst in article.link_lists for item in lst.items if headline_like(item)]
    links = [a for a in root.iter("a") if headline_like("".join(a.itertext()).strip())]
    for i, a in enumerate(links):
        if i >= len(items) and (not items or rng.random() < 0.85):
            _cut_link(a)  # past the source's own headlines; now and then one repeats a story
            continue
        for child in list(a):
            a.remove(child)
        a.text = items[i % len(items)]


def _cut_link(a: etree._Element) -> None:
    """Remove link ``a``, with its list item when the item holds nothing else; its tail text stays."""
    parent = a.getparent()
    if parent is None:
        return
    item = parent if parent.tag == "li" and len(parent) == 1 and not (parent.text or "").strip() else a
    holder = item.getparent()
    if holder is None:
        return
    tail = (item.tail or "") if item is parent else (a.tail or "")
    prev = item.getprevious()
    if tail.strip():
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            holder.text = (holder.text or "") + tail
    holder.remove(item)


def outside(el: etree._Element, copied: set[int]) -> bool:
    """True for a host element, not one of (or inside) the copied article's elements.

    ``copied`` holds ``id()`` of elements the caller keeps referenced, so lxml hands back the
    same proxy objects for them.
    """
    return isinstance(el.tag, str) and id(el) not in copied and not any(id(a) in copied for a in el.iterancestors())


def host_story(root: etree._Element) -> list[str]:
    """The host article's own headline, as its ``<h1>`` and ``<title>`` give it."""
    h1 = root.find(".//h1")
    title = root.find(".//title")
    names = [h1.text_content().strip() if h1 is not None else "",
             headline_of(title.text_content().strip()) if title is not None else ""]
    return sorted({n for n in names if len(n) >= 15}, key=len, reverse=True)


def rename_story(root: etree._Element, old: list[str], headline: str, skip: set[int]) -> None:
    """Where the host repeats its own headline (crumbs, share links, alt text), name the copied one."""
    if not old:
        return
    for el in root.iter():
        if not outside(el, skip):
            continue
        for name in old:
            if el.text and name in el.text:
                el.text = el.text.replace(name, headline)
            if el.tail and name in el.tail:
                el.tail = el.tail.replace(name, headline)
            for key in ("alt", "title", "content"):
                if name in (el.get(key) or ""):
                    el.set(key, el.get(key, "").replace(name, headline))


def set_headline(root: etree._Element, headline: str, first: etree._Element) -> etree._Element | None:
    """Put the headline in the host's ``<h1>`` (else its first heading before the article)."""
    h1 = root.find(".//h1")
    if h1 is None:
        before = [el for el in first.itersiblings(preceding=True) if el.tag in ("h2", "h3")]
        h1 = before[0] if before else None
    if h1 is not None:
        for child in list(h1):
            h1.remove(child)
        h1.text = headline
    return h1


def set_title(root: etree._Element, title: str) -> None:
    """Set ``<title>``, creating it (and ``<head>``) if missing."""
    el = root.find(".//title")
    if el is None:
        head = root.find(".//head")
        if head is None:
            head = etree.Element("head")
            root.insert(0, head)
        el = etree.SubElement(head, "title")
    el.text = title


def host_suffix(root: etree._Element) -> str:
    """The site part of the host's title (" - Site", " | Site"), or ''."""
    el = root.find(".//title")
    title = el.text_content().strip() if el is not None else ""
    return clean(title[len(headline_of(title)):])


def retitle_meta(root: etree._Element, headline: str, article: Page) -> None:
    """The host's og/twitter titles, descriptions and JSON-LD headline now name the copied article."""
    summary = clean(article.meta.get("description") or article.body[0][:200])
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        if key in ("og:title", "twitter:title"):
            el.set("content", headline)
        elif key in ("description", "og:description", "twitter:description"):
            el.set("content", summary)
    safe = json_string(headline)
    for el in root.iter("script"):
        if el.get("type") == "application/ld+json" and el.text:
            el.text = re.sub(r'("headline"\s*:\s*)"(?:[^"\\]|\\.)*"', lambda m: m.group(1) + safe, el.text)


def json_string(text: str) -> str:
    """``text`` as a JSON string literal."""

    return json.dumps(text, ensure_ascii=False)


def slug(headline: str) -> str:
    """A URL slug of the headline."""
    return re.sub(r"\W+", "-", headline.lower()).strip("-")[:60] or "news"


def fake_url(domain: str, headline: str, article: Page, rng: random.Random) -> str:
    """The scraper's URL: a slug of the headline, often under a WordPress-style date path."""
    section = rng.choice(("news", "post", "archives", "world", "", "blog", "html/news"))
    if article.dates and rng.random() < 0.3:
        section = article.dates[0].day.replace("-", "/")
    path = "/".join(p for p in (section, slug(headline)) if p)
    if rng.random() < 0.3:
        path = f"{section or 'post'}/{rng.randint(100, 99999)}.html"
    return f"https://{rng.choice(('', 'www.'))}{domain}/{path}"


def host_style_url(host_url: str | None, headline: str, article: Page, rng: random.Random) -> str | None:
    """A URL on the host's site shaped like the host's own article URL, or None when it had none."""
    if not host_url:
        return None
    parts = urlsplit(host_url)
    folder, _, last = parts.path.rpartition("/")
    day = article_day(article)
    if day is not None:
        folder = redate_text(folder, day)
    ext = re.search(r"\.\w{2,5}$", last)
    leaf = re.sub(r"\d+", lambda m: str(rng.randint(10 ** (len(m.group()) - 1), 10 ** len(m.group()) - 1)), last) \
        if re.fullmatch(r"[\d_./-]*\w{0,5}", last) and any(c.isdigit() for c in last) else slug(headline) + (ext.group() if ext else "")
    return f"{parts.scheme or 'https'}://{parts.netloc}{folder}/{leaf}"


def set_canonical(root: etree._Element, url: str | None) -> None:
    """Point the host's canonical link and og:url (where it had them) at the page's own URL."""
    for el in list(root.iter("link", "meta")):
        if "canonical" in (el.get("rel") or "") or el.get("property") == "og:url":
            if url is None:
                el.getparent().remove(el)
            else:
                el.set("href" if el.tag == "link" else "content", url)


def parsed(html: str) -> Page:
    """``html`` parsed as the scorer parses it."""
    from ..page.loader import load_page  # noqa: PLC0415 - loader imports the parser stack

    return load_page(html, kind="html")


def story_links(page: Page) -> int:
    """How many headline-like items the page's link lists hold (hosts are matched on it)."""
    return sum(headline_like(item) for lst in page.link_lists for item in lst.items)


def redate_visible(root: etree._Element, day: date, host_days: set[str], skip: set[int]) -> None:
    """Short lines of the host's chrome that give the host's own day ("Posted on …") now give the article's."""
    def fix(text: str | None) -> str | None:
        if text and len(text) <= 120 and find_day(text) in host_days:
            return redate_text(text, day)
        return text

    for el in root.iter():
        if outside(el, skip) and el.tag not in ("script", "style"):
            el.text, el.tail = fix(el.text), fix(el.tail)
            if el.tag == "time" and el.get("datetime"):
                el.set("datetime", fix(el.get("datetime")) or "")
