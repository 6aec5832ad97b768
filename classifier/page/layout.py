"""Reading a page's layout from its blocks: the article body and its link lists."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .page import Block, LinkList

#: Headings that introduce lists of other stories, in the languages of the corpus and beyond.
LIST_HEADING = re.compile(
    r"related|recommend|ranking|trending|popular|most (read|viewed|shared|emailed)|"
    r"you (may|might) (also )?like|more (from|stories|news|on)|read (also|more|next)|"
    r"latest|top stories|hot|see also|don'?t miss|also read|"
    r"weitere|meistgelesen|empfohlen|auch interessant|mehr zum thema|"
    r"relacionad|más leíd|lo más|à lire|les plus lus|articles? similaires|"
    r"相关|推荐|排行|関連|ランキング|人気",
    re.I,
)

_SENTENCE_END = re.compile(r"[.!?。！？…][\"”»')]?\s*$")
#: A list bullet: a symbol, or a number with "." or ")" ("1. Title"); not a headline's own number.
_LIST_BULLET = re.compile(r"^\s*(?:[-*•·▪►>]+\s*|\d{1,3}[.)]\s+)")

#: A body block is prose: enough words, few of them in links.
BODY_MIN_WORDS = 12
BODY_MAX_LINK_DENSITY = 0.35
#: A list item is a headline-like line: a few words, no final period.
ITEM_MIN_WORDS = 3
ITEM_MAX_WORDS = 22
LIST_MIN_ITEMS = 3


def is_prose(block: Block) -> bool:
    """True for a paragraph-like block: many words and few links."""
    return block.link_density <= BODY_MAX_LINK_DENSITY and block.n_words >= BODY_MIN_WORDS


def body_blocks(blocks: Sequence[Block], lists: Sequence[LinkList] = ()) -> tuple[str, ...]:
    """The article body: prose blocks outside link lists, deduplicated, in page order."""
    in_lists = {i for lst in lists for i in range(lst.first_block, lst.end_block)}
    seen: set[str] = set()
    body: list[str] = []
    for i, block in enumerate(blocks):
        if i not in in_lists and is_prose(block) and block.text not in seen:
            seen.add(block.text)
            body.append(block.text)
    return tuple(body)


def is_list_item(block: Block, text_page: bool) -> bool:
    """True for a headline-like link (HTML) or line (text)."""
    n = block.n_words
    if not ITEM_MIN_WORDS <= n <= ITEM_MAX_WORDS or len(block.text) > 200:
        return False
    if text_page:
        return not _SENTENCE_END.search(block.text) or block.text.endswith("?")
    return block.link_density >= 0.6


def is_heading(block: Block) -> bool:
    """True for a short block that names a list of stories ("Related", "Most read")."""
    return len(block.text) <= 60 and bool(LIST_HEADING.search(block.text))


def link_lists(blocks: Sequence[Block], text_page: bool) -> tuple[LinkList, ...]:
    """Runs of headline-like items; a named heading just before the run is kept with it."""
    found: list[LinkList] = []
    item = [is_list_item(b, text_page) for b in blocks]
    i, n = 0, len(blocks)
    while i < n:
        if not item[i]:
            i += 1
            continue
        j = i
        while j < n and (item[j] or _is_filler(blocks[j])):
            j += 1
        items = tuple(_LIST_BULLET.sub("", blocks[k].text) for k in range(i, j) if item[k])
        heading = _heading_before(blocks, i)
        # Text pages need a named heading: runs of short lines also occur in prose.
        if len(items) >= LIST_MIN_ITEMS and (heading or not text_page):
            found.append(LinkList(heading, items, i, j))
        i = j
    return tuple(found)


def _is_filler(block: Block) -> bool:
    """Short blocks inside a list (dates, counters, "View") that do not break the run."""
    return len(block.text) <= 25 and not is_heading(block)


def _heading_before(blocks: Sequence[Block], start: int) -> str:
    """The list heading among the three blocks before ``start``, or ""."""
    for k in range(start - 1, max(-1, start - 4), -1):
        if is_heading(blocks[k]):
            return blocks[k].text.strip()
    return ""
