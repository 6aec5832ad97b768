# cython: language_level=3
"""The block walk of ``classifier.page.html_parser._walk``, over libxml2's nodes in C.

Same input (an lxml root after the invisible subtrees and inline tags are stripped), same
output, piece for piece: ``tests/test_fast_walk.py`` compares the two on every corpus page.
It reads the node structs through lxml's public C API and calls no libxml2 function, so it
builds against the headers that lxml ships and needs no libxml2 of its own.
"""

from libc.string cimport strcmp, strlen
from cpython.unicode cimport PyUnicode_DecodeUTF8

from lxml.includes cimport etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode

cetree.import_lxml__etree()

from .markup import BLOCK_TAGS, SKIP_TAGS, clean
from .page import Block, Link
from ..settings import MAX_BLOCKS

# What a tag is to the walk.
cdef enum Kind:
    PLAIN = 0
    BLOCK = 1
    ANCHOR = 2
    SKIP = 3

cdef dict _KIND = {tag.encode(): BLOCK for tag in BLOCK_TAGS}
_KIND.update({tag.encode(): SKIP for tag in SKIP_TAGS})
_KIND[b"a"] = ANCHOR
# The block tags as the str objects the Python walk stores, so both give equal (and shared) tags.
cdef dict _TAG_STR = {tag.encode(): tag for tag in BLOCK_TAGS}


cdef inline bint _is_text(xmlNode* node) noexcept:
    return node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE


cdef inline bint _walked(xmlNode* node) noexcept:
    """The nodes that lxml's iterwalk reports with start and end events: elements only."""
    return node.type == tree.XML_ELEMENT_NODE


cdef object _run_text(xmlNode* node):
    """The text of a run of text nodes starting at ``node`` (lxml's ``.text``/``.tail``), or None."""
    cdef xmlNode* cur = node
    cdef int count = 0
    while cur is not NULL and (_is_text(cur) or cur.type == tree.XML_XINCLUDE_START
                               or cur.type == tree.XML_XINCLUDE_END):
        if _is_text(cur):
            count += 1
        cur = cur.next
    if count == 0:
        return None
    cdef bytes joined = b""
    cur = node
    while cur is not NULL and (_is_text(cur) or cur.type == tree.XML_XINCLUDE_START
                               or cur.type == tree.XML_XINCLUDE_END):
        if _is_text(cur) and cur.content is not NULL:
            if count == 1:
                return PyUnicode_DecodeUTF8(<char*>cur.content, strlen(<char*>cur.content), NULL)
            joined += <bytes>(<char*>cur.content)
        cur = cur.next
    return joined.decode("utf-8")


cdef int _kind(xmlNode* node) noexcept:
    """PLAIN, BLOCK, ANCHOR or SKIP for an element."""
    if node.name is NULL:
        return SKIP
    name = <bytes>(<char*>node.name)
    return _KIND.get(name, PLAIN)


cdef class _Blocks:
    """The walk's open block: its text pieces, whether they hold more than white space, how many of
    their characters sit inside links, and its tag; and the blocks closed so far."""

    cdef list blocks, pieces
    cdef bint has_text
    cdef Py_ssize_t link_chars
    cdef str tag
    cdef int max_blocks

    def __cinit__(self, int max_blocks):
        self.blocks, self.pieces = [], []
        self.has_text, self.link_chars, self.tag, self.max_blocks = False, 0, "body", max_blocks

    cdef void add(self, object text, bint in_anchor) except *:
        """Take in the text of a run of text nodes (``.text`` or ``.tail``), None for none."""
        if not text:
            return
        self.pieces.append(text)
        if not text.isspace():
            self.has_text = True
            if in_anchor:
                self.link_chars += len(text.strip())

    cdef void boundary(self, str next_tag) except *:
        """A block element starts or ends: close the open block, or drop its white space."""
        if self.has_text:
            text = clean("".join(self.pieces))
            if text and len(self.blocks) < self.max_blocks:
                self.blocks.append(Block.cleaned(text, self.link_chars, self.tag))
            self.link_chars = 0
            self.has_text = False
        self.pieces.clear()
        self.tag = next_tag


cdef inline xmlNode* _next_walked(xmlNode* node) noexcept:
    """``node`` or its first following sibling that the walk visits, or NULL."""
    while node is not NULL and not _walked(node):
        node = node.next
    return node


def walk(cetree._Element root):
    """Visible blocks with link density, and every anchor: ``(blocks, links)`` as tuples."""
    cdef cetree._Document doc = root._doc
    cdef xmlNode* top = root._c_node
    cdef xmlNode* node = top
    cdef xmlNode* child
    cdef _Blocks out = _Blocks(MAX_BLOCKS)
    cdef list links = []
    cdef list anchors = []  # open <a>: (node address, block count, piece index)
    cdef int kind
    while True:
        # the "start" event of node
        kind = _kind(node)
        if kind == BLOCK:
            out.boundary(_TAG_STR[<bytes>(<char*>node.name)])
        elif kind == ANCHOR:
            anchors.append((<size_t>node, len(out.blocks), len(out.pieces)))
        if kind != SKIP:
            out.add(_run_text(node.children), len(anchors) > 0)
        # next: the first walked child, else this node's "end" event, then a sibling's or parent's
        child = _next_walked(node.children) if kind != SKIP else NULL
        if child is not NULL:
            node = child
            continue
        while True:
            kind = _kind(node)
            if kind == ANCHOR and anchors and anchors[len(anchors) - 1][0] == <size_t>node:
                _, n_blocks, first_piece = anchors.pop()
                # Inside one block the anchor's text is the pieces added since it opened.
                if n_blocks == len(out.blocks) and first_piece <= len(out.pieces):
                    anchor_text = clean("".join(out.pieces[first_piece:]))
                else:
                    anchor_text = clean("".join(cetree.elementFactory(doc, node).itertext()))
                href = (cetree.elementFactory(doc, node).get("href") or "").strip()
                if anchor_text or href:
                    links.append(Link(anchor_text[:300], href[:1000], len(out.blocks)))
            elif kind == BLOCK:
                out.boundary("body")
            out.add(_run_text(node.next), len(anchors) > 0)
            if node == top:
                out.boundary("body")
                return tuple(out.blocks), tuple(links)
            child = _next_walked(node.next)
            if child is not NULL:
                node = child
                break
            node = node.parent
