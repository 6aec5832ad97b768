"""Text quality in the style of the Gopher and FineWeb rules."""

from __future__ import annotations

import math
import zlib

from ..layout import is_prose, words
from ..page import Page
from ..textstats import STOP_WORDS
from .base import Measure

SHORT_LINE_CHARS = 30
COMPRESS_SAMPLE = 20_000


def word_count(page: Page) -> Measure:
    """log10(1 + words in the article body)."""
    n = len(words(page.body_text))
    return Measure(math.log10(1 + n), f"{n} body words")


def mean_word_length(page: Page) -> Measure:
    """Mean length of body words in characters (capped at 15)."""
    toks = words(page.body_text)
    return Measure(min(15.0, sum(map(len, toks)) / len(toks)) if toks else 0.0)


def stopword_share(page: Page) -> Measure:
    """Share of body words that are common function words (low for keyword stuffing)."""
    toks = words(page.body_text)
    if not toks:
        return Measure(0.0)
    return Measure(sum(1 for t in toks if t.lower() in STOP_WORDS) / len(toks))


def punctuated_line_share(page: Page) -> Measure:
    """Share of visible blocks that end in sentence punctuation."""
    if not page.blocks:
        return Measure(0.0)
    ends = sum(1 for b in page.blocks if b.text[-1] in ".!?。！？…\"”»'")
    return Measure(ends / len(page.blocks))


def duplicate_line_share(page: Page) -> Measure:
    """Share of visible blocks longer than 30 characters that repeat an earlier block."""
    long = [b.text for b in page.blocks if len(b.text) > SHORT_LINE_CHARS]
    if not long:
        return Measure(0.0)
    dup = len(long) - len(set(long))
    return Measure(dup / len(long), f"{dup} repeated blocks" if dup else "")


def body_repeated(page: Page) -> Measure:
    """Share of prose paragraphs that appear more than once (articles pasted twice)."""
    prose = [b.text for b in page.blocks if is_prose(b)]
    if not prose:
        return Measure(0.0)
    dup = len(prose) - len(set(prose))
    return Measure(dup / len(prose), f"{dup} of {len(prose)} paragraphs repeated" if dup else "")


def short_line_share(page: Page) -> Measure:
    """Share of visible blocks shorter than 30 characters (menus, counters, fragments)."""
    if not page.blocks:
        return Measure(0.0)
    return Measure(sum(1 for b in page.blocks if len(b.text) < SHORT_LINE_CHARS) / len(page.blocks))


def compression_ratio(page: Page) -> Measure:
    """Compressed/raw size of the visible text (low for repetitive boilerplate)."""
    raw = page.visible_text[:COMPRESS_SAMPLE].encode("utf-8", "replace")
    return Measure(len(zlib.compress(raw, 6)) / len(raw) if len(raw) > 100 else 1.0)


def link_text_share(page: Page) -> Measure:
    """Share of visible characters that are link text (0 for text pages)."""
    total = sum(len(b.text) for b in page.blocks)
    return Measure(sum(b.link_chars for b in page.blocks) / total if total else 0.0)


def body_share(page: Page) -> Measure:
    """Share of visible characters that belong to the article body."""
    total = sum(len(b.text) for b in page.blocks)
    return Measure(len(page.body_text) / total if total else 0.0)


def is_text_page(page: Page) -> Measure:
    """1 when the input was plain text, so HTML-only signals are absent by nature."""
    return Measure(1.0 if page.kind == "text" else 0.0)
