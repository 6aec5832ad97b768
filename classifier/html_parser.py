"""Turning HTML into a :class:`Page` with one lxml parse and one walk over the tree."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

import lxml.etree as etree

from . import dates, layout
from .page import Block, Link, Page
from .settings import MAX_BLOCKS, MAX_PARSE_CHARS

log = logging.getLogger(__name__)

#: Elements whose content is never visible text.
SKIP_TAGS = frozenset(
    "script style noscript template svg math iframe object embed canvas head select option button "
    "textarea input video audio picture source".split()
)
#: Elements that start a new visible block.
BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 td th tr ul ol dl dd dt section article header footer nav aside main "
    "blockquote pre br hr figure figcaption form table tbody thead address center body "
    "summary details caption".split()
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


def parse_html(html: str, url: str | None = None, headers: Mapping[str, str] | None = None) -> Page:
    """Parse an HTML string into a :class:`Page` (never raises on malformed HTML)."""
    truncated = len(html) > MAX_PARSE_CHARS
    source = _XML_DECL.sub("", html[:MAX_PARSE_CHARS], count=1)
    root = _document(source)
    head = _Head.read(root)
    blocks, links = _walk(root)
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    page_url = url or head.canonical
    lists = layout.link_lists(blocks, text_page=False)
    body = layout.body_blocks(blocks, lists)
    claims = (
        *dates.meta_dates(head.meta),
        *dates.jsonld_dates(head.jsonld),
        *dates.url_date(page_url),
        *dates.text_dates(b.text for b in blocks),
        *dates.header_dates(headers),
    )
    return Page(
        kind="html",
        url=page_url,
        title=head.title,
        blocks=blocks,
        body=body,
        links=links,
        link_lists=lists,
        meta=head.meta,
        jsonld=head.jsonld,
        canonical=head.canonical,
        dates=claims,
        headers=headers,
        truncated=truncated,
    )


def _document(source: str) -> etree._Element:
    """The root element of ``source``; an empty ``<html>`` when nothing parses."""
    # huge_tree lifts libxml2's nesting limit from 256 to 2048 elements; past the limit it silently
    # drops the rest of the document, and spam pages pile up hundreds of unclosed tags. The other
    # limits it lifts do not matter: input is capped at MAX_PARSE_CHARS. One parser per call
    # (about a microsecond) so threads never share one.
    # Parsing UTF-8 bytes is about 1.6x faster than parsing a str; the explicit encoding
    # overrides any <meta charset> left in the already decoded text.
    # A plain etree parser, not lxml.html's: its elements need no Python class lookup per node.
    parser = etree.HTMLParser(recover=True, huge_tree=True, encoding="utf-8")
    try:
        # "replace" turns lone surrogates (possible in str input) into "?": left in, libxml2
        # would drop everything after them. The common path costs nothing extra.
        data = source.encode("utf-8", "replace") or b"<html></html>"
        root = etree.fromstring(data, parser=parser)
        if root is None:
            raise etree.ParserError("empty document")
        return root
    except (etree.ParserError, ValueError) as exc:
        log.debug("unparseable HTML (%s); treating as empty", exc)
        return etree.fromstring(b"<html></html>", parser=etree.HTMLParser())


class _Head:
    """Title, meta tags, canonical link and JSON-LD objects of a document."""

    def __init__(self) -> None:
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.jsonld: tuple[Mapping[str, object], ...] = ()

    @classmethod
    def read(cls, root: etree._Element) -> _Head:
        """Read the head-like parts of the whole document (sites put meta tags in the body too)."""
        head = cls()
        ld: list[Mapping[str, object]] = []
        for el in root.iter("title", "meta", "link", "script"):
            tag = el.tag
            if tag == "title" and not head.title:
                head.title = _clean(_text_of(el))
            elif tag == "meta":
                key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
                content = el.get("content")
                if key and content and key not in head.meta:
                    head.meta[key] = _clean(content)[:500]
            elif tag == "link" and head.canonical is None and "canonical" in (el.get("rel") or "").lower():
                head.canonical = (el.get("href") or "").strip() or None
            elif tag == "script" and _media_type(el.get("type")) == "application/ld+json":
                ld.extend(_jsonld_objects(el.text or ""))
        head.jsonld = tuple(ld)
        return head


def _media_type(value: str | None) -> str:
    """A ``type`` attribute without parameters or padding ("application/ld+json; charset=utf-8")."""
    return (value or "").split(";", 1)[0].strip().lower()


def _jsonld_objects(raw: str) -> Iterator[Mapping[str, object]]:
    """Every object in a JSON-LD script, flattening lists and ``@graph``; bad JSON yields nothing."""
    try:
        data: Any = json.loads(raw.strip().rstrip(";"))
    except (ValueError, RecursionError):
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(reversed(graph))


#: Inline elements merged into their parent's text before the walk (done in C, keeps the text).
INLINE_TAGS = (
    "span b i em strong font small u abbr time label sup sub cite mark bdi code q s strike big tt ins del var kbd"
).split()


def _walk(root: etree._Element) -> tuple[tuple[Block, ...], tuple[Link, ...]]:
    """One iterative walk: visible blocks with link density, and every anchor.

    This is the hottest loop of newsqual, so its state lives in local variables rather than in
    a helper object: text pieces of the open block, whether they hold more than white space,
    how many of their characters sit inside links, and the anchors still open.
    """
    # Work libxml2 can do in C first: drop invisible subtrees (keeping their tails) and
    # merge inline formatting into the surrounding text, so the Python walk sees far fewer nodes.
    etree.strip_elements(root, *SKIP_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_tags(root, *INLINE_TAGS)
    blocks: list[Block] = []
    links: list[Link] = []
    pieces: list[str] = []
    has_text = False
    link_chars = 0
    block_tag = "body"  # the element that opened the current block
    anchors: list[tuple[etree._Element, int, int]] = []  # open <a>: element, block count, piece index

    def close_block() -> None:
        """Turn the collected pieces into a block."""
        nonlocal link_chars
        text = _clean("".join(pieces))
        if text and len(blocks) < MAX_BLOCKS:
            blocks.append(Block(text, min(link_chars, len(text)), block_tag))
        pieces.clear()
        link_chars = 0

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                if has_text:
                    close_block()
                    has_text = False
                else:
                    pieces.clear()
                block_tag = tag
            if tag == "a":
                anchors.append((el, len(blocks), len(pieces)))
            text = el.text
        else:
            if tag == "a" and anchors and anchors[-1][0] is el:
                _, n_blocks, first_piece = anchors.pop()
                # Inside one block the anchor's text is the pieces added since it opened.
                same_block = n_blocks == len(blocks) and first_piece <= len(pieces)
                anchor_text = _clean("".join(pieces[first_piece:]) if same_block else _text_of(el))
                href = (el.get("href") or "").strip()
                if anchor_text or href:
                    links.append(Link(anchor_text[:300], href[:1000], len(blocks)))
            if tag in BLOCK_TAGS:
                if has_text:
                    close_block()
                    has_text = False
                else:
                    pieces.clear()
                block_tag = "body"
            text = el.tail
        if text:
            pieces.append(text)
            if not text.isspace():
                has_text = True
                if anchors:
                    link_chars += len(text.strip())
    if has_text:
        close_block()
    return tuple(blocks), tuple(links)


def _text_of(el: etree._Element) -> str:
    """All text inside an element (what lxml.html's ``text_content`` gives)."""
    return "".join(el.itertext())


def _clean(text: str) -> str:
    """Collapse white space (str.split is several times faster than a regex here)."""
    return " ".join(text.split())
