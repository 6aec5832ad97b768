"""Turning HTML into a :class:`Page` with one lxml parse and one walk over the tree.

The walk runs in C (``_cwalk``, built from ``_cwalk.pyx`` at install) where the extension
could be built, else in Python (:func:`walk_python`); both give the same blocks and anchors.
A lexbor (selectolax) front end was measured against this one and lost on speed and on
agreement; see ``bench/lexbor_front.py`` for the prototype and its figures.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import lxml.etree as etree

from ..settings import MAX_BLOCKS, MAX_PARSE_CHARS
from . import dates, layout
from .markup import BLOCK_TAGS, INLINE_TAGS, SKIP_TAGS, Head, clean
from .page import Block, Link, Page

try:
    from ._cwalk import walk as walk_c
except ImportError:  # not built on this install: the Python walk gives the same result
    walk_c = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


def parse_html(html: str, url: str | None = None, headers: Mapping[str, str] | None = None) -> Page:
    """Parse an HTML string into a :class:`Page` (never raises on malformed HTML)."""
    truncated = len(html) > MAX_PARSE_CHARS
    source = _XML_DECL.sub("", html[:MAX_PARSE_CHARS], count=1)
    head, blocks, links = read_html(source)
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
        buttons=tuple(head.buttons),
        dates=claims,
        headers=headers,
        truncated=truncated,
    )


def read_html(source: str) -> tuple[Head, tuple[Block, ...], tuple[Link, ...]]:
    """Head fields, visible blocks and anchors through one libxml2 parse and one walk."""
    root = _document(source)
    return (_head(root), *_walk(root))


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


def _head(root: etree._Element) -> Head:
    """Read the head-like parts of the whole document (sites put meta tags in the body too)."""
    head = Head()
    ld: list[Mapping[str, object]] = []
    for el in root.iter("title", "meta", "link", "script", "button"):
        tag = el.tag
        text = _text_of(el) if tag in ("title", "button") else (el.text or "") if tag == "script" else ""
        head.add(tag, el.attrib, text, ld)
    head.jsonld = tuple(ld)
    return head


def _walk(root: etree._Element) -> tuple[tuple[Block, ...], tuple[Link, ...]]:
    """Visible blocks with link density, and every anchor, from one walk over the tree."""
    # Work libxml2 can do in C first: drop invisible subtrees (keeping their tails) and
    # merge inline formatting into the surrounding text, so the walk sees far fewer nodes.
    etree.strip_elements(root, *SKIP_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_tags(root, *INLINE_TAGS)
    return walk_c(root) if walk_c is not None else walk_python(root)


def walk_python(root: etree._Element) -> tuple[tuple[Block, ...], tuple[Link, ...]]:
    """The walk in Python, over a root already stripped by :func:`_walk` (the fallback of ``_cwalk``).

    This is the hottest loop of newsqual, so its state lives in local variables rather than in
    a helper object: text pieces of the open block, whether they hold more than white space,
    how many of their characters sit inside links, and the anchors still open.
    """
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
        text = clean("".join(pieces))
        if text and len(blocks) < MAX_BLOCKS:
            blocks.append(Block.cleaned(text, link_chars, block_tag))
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
                anchor_text = clean("".join(pieces[first_piece:]) if same_block else _text_of(el))
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
