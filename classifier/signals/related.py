"""Off-topic related-link lists: "Related", "Ranking", "Recommended" lists about other stories."""

from __future__ import annotations

import threading

from ..page import Page
from ..textstats import content_terms, topic_terms
from .base import Measure

_last = threading.local()  # one-page memo: two signals need the same off-topic items


def _offtopic_items(page: Page) -> tuple[list[str], int]:
    """List items sharing no topic term with the article, and the number of items checked."""
    if getattr(_last, "page", None) is not page:
        _last.value = _find_offtopic(page)
        _last.page = page
    result: tuple[list[str], int] = _last.value
    return result


def _find_offtopic(page: Page) -> tuple[list[str], int]:
    """Compute :func:`_offtopic_items` for one page."""
    if not page.link_lists:
        return [], 0
    body_terms = topic_terms(page.title, page.body_words)
    if not body_terms:
        return [], 0
    items = [item for lst in page.link_lists for item in lst.items]
    off = [item for item in items if (terms := content_terms(item)) and not terms & body_terms]
    return off, len(items)


def offtopic_share(page: Page) -> Measure:
    """Share of link-list items that share no topic word with the article."""
    off, total = _offtopic_items(page)
    if total == 0:
        return Measure(0.0)
    return Measure(len(off) / total, f"{len(off)}/{total} listed headlines off-topic, e.g. {off[0][:70]!r}" if off else "")


def offtopic_density(page: Page) -> Measure:
    """Characters of off-topic list headlines per character of article body (capped at 3)."""
    off, _ = _offtopic_items(page)
    body_chars = len(page.body_text)
    if not off:
        return Measure(0.0)
    ratio = sum(len(item) for item in off) / max(body_chars, 200)
    return Measure(min(ratio, 3.0), f"{sum(len(i) for i in off)} chars of off-topic headlines vs {body_chars} of body")


def named_lists(page: Page) -> Measure:
    """Number of story lists under a named heading ("Related", "Ranking", "Most read"), capped at 5."""
    named = [lst.heading for lst in page.link_lists if lst.heading]
    return Measure(float(min(len(named), 5)), ", ".join(named[:5]))
