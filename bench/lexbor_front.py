"""A prototype front end on lexbor (selectolax): same job as ``classifier.page.html_parser.read_html``.

Kept as a benchmark arm, not used by newsqual: measured in ``bench/throughput.py`` it is
slower than the lxml front end it would replace, and it reads some pages differently.

How it works, with selectolax's own calls only: invisible elements are removed in one call;
a marker text node goes before and after every block element and every anchor (and around
the non-inline elements inside anchors, where lxml's walk starts a new piece of text); one
``text()`` call returns the whole document as one string; splitting it at the markers gives
the blocks and their link characters. Lexbor parses and extracts text about 3x faster than
libxml2 parses, but the per-element Python calls (two inserts per block element and per
anchor, each making a node object) cost more than that saves: whole-page scoring is 0.90x
the lxml front end's speed. And lexbor is an HTML5 parser where libxml2 is not: on
malformed markup (a ``<title>`` after body content, a ``<div>`` or ``<br>`` that closes a
``<p>``, a ``<form>`` inside a table) the two build different trees, so about 6% of the corpus
pages get different blocks (part 5 of ``bench/throughput.py`` counts them).

The markers are private-use characters; a page that already holds one is declined
(:class:`Unsupported`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from selectolax.lexbor import LexborHTMLParser

from classifier.page.markup import BLOCK_TAGS, INLINE_TAGS, SKIP_TAGS, Head, clean
from classifier.page.page import Block
from classifier.settings import MAX_BLOCKS

#: Separator between text nodes, and the markers of block and anchor boundaries.
SEP, OPEN_A, CLOSE_A, BLOCK = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKERS = re.compile("[\ue000-\ue0ff]")
#: Block tags by index: a block boundary is BLOCK + chr(0xe010 + index); index 0 is an end.
_TAGS = ("body", *sorted(BLOCK_TAGS))
_END = BLOCK + chr(0xE010)
_START = {tag: BLOCK + chr(0xE010 + i) for i, tag in enumerate(_TAGS) if i}
_BOUNDARY = re.compile("\ue003([\ue010-\ue0ff])")
_BLOCK_SELECTOR = ",".join(sorted(BLOCK_TAGS))
_SKIP = sorted(SKIP_TAGS)
_NO_PIECE_MARK = BLOCK_TAGS | set(INLINE_TAGS)


class Unsupported(Exception):
    """This page is left to the lxml path."""


def read_html(source: str) -> tuple[Head, tuple[Block, ...]]:
    """Head fields and visible blocks of ``source``; raises :class:`Unsupported`."""
    if _MARKERS.search(source):
        raise Unsupported("page holds private-use marker characters")
    tree = LexborHTMLParser(source)
    root = tree.root
    if root is None:
        raise Unsupported("nothing parsed")
    head = _head(tree)
    tree.strip_tags(_SKIP)
    for node in tree.css(_BLOCK_SELECTOR):
        node.insert_before(_START[node.tag])
        node.insert_after(_END)
    anchors = tree.css("a")
    if anchors:
        for node in anchors:
            node.insert_before(OPEN_A)
            node.insert_after(CLOSE_A)
        # Inside anchors, link characters are counted per piece of text (as lxml's text and
        # tail), so mark where pieces end: at every element that is neither inline nor a block.
        for node in tree.css("a *"):
            if node.tag not in _NO_PIECE_MARK:
                node.insert_before(SEP)
                node.insert_after(SEP)
    return head, tuple(_blocks(root.text(deep=True)))


def _head(tree: LexborHTMLParser) -> Head:
    """Title, meta tags, canonical link and JSON-LD, each tag in document order (as the lxml path)."""
    head = Head()
    ld: list[Mapping[str, object]] = []
    for tag in ("title", "meta", "link", "script"):
        for el in tree.tags(tag):
            head.add(tag, el.attributes, el.text(deep=True) if tag in ("title", "script") else "", ld)
    head.jsonld = tuple(ld)
    return head


def _blocks(stream: str) -> Iterator[Block]:
    """Blocks of the marked text stream: split at block boundaries, links counted per piece."""
    parts = _BOUNDARY.split(stream)
    segments = parts[0::2]
    tags = ["body", *(_TAGS[ord(code) - 0xE010] for code in parts[1::2])]
    if OPEN_A not in stream:
        texts = [clean(s) for s in segments]
        links = [0] * len(segments)
    else:
        texts = [clean(s) for s in _BOUNDARY.split(_strip_markers(stream))[0::2]]  # the segments without markers
        links = _link_chars(segments)
    count = 0
    for text, link_chars, tag in zip(texts, links, tags, strict=True):
        if text and count < MAX_BLOCKS:
            count += 1
            yield Block(text, min(link_chars, len(text)), tag)


def _strip_markers(stream: str) -> str:
    """The stream without anchor and piece markers (block boundaries stay)."""
    return stream.replace(OPEN_A, "").replace(CLOSE_A, "").replace(SEP, "")


_PIECES = re.compile("([\ue000-\ue002])")


def _link_chars(segments: list[str]) -> list[int]:
    """Characters of each segment's pieces that sit inside anchors (anchors may span segments)."""
    depth = 0
    out = []
    for segment in segments:
        chars = 0
        if depth or OPEN_A in segment:
            for piece in _PIECES.split(segment):
                if piece == OPEN_A:
                    depth += 1
                elif piece == CLOSE_A:
                    depth = max(depth - 1, 0)
                elif depth and piece != SEP:
                    chars += len(piece.strip())
        out.append(chars)
    return out
