"""Off-topic related-link lists: "Related", "Ranking", "Recommended" lists about other stories."""

from __future__ import annotations

import re
import threading

from ..page.page import Page, host_of
from ..page.textstats import content_terms, topic_terms
from ..page.tokens import words
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


#: Celebrity, shopping and click-bait words: the stuff of recommendation widgets, not of a site's own beat.
BAIT = re.compile(
    r"\b(?:celebrit\w*|stars?|actress|actor|singer|rapper|kardashians?|housewives|bachelor(?:ette)?|royals?|"
    r"pregnan\w*|baby news|bikini|divorc\w*|engaged|engagement|wedding|romance|dating|boyfriend|girlfriend|"
    r"ex-?(?:wife|husband)|ex's|split|reacts?|claps back|slams|stuns|shocking|won'?t believe|what now|"
    r"here'?s (?:what|why|how)|see (?:the )?(?:photos|pics|list)|photos|pics|viral|shop|deals?|sells? out|"
    r"limited-edition|recall(?:ed|s)?|horoscope|zodiac|tiktok|booktok|net worth|weight loss|diet|trick|"
    r"gorgeous|sexy|jaw-?dropping|unrecognizable|winners, losers|spicy)\b",
    re.I,
)
#: Off-topic items a list needs before its share counts in full (a 3-item box proves little).
FULL_WEIGHT_ITEMS = 6


_ABSOLUTE = re.compile(r"(?:https?:)?//(?:[^/?#@]*@)?([^/?#:]+)", re.I)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "gv"})


def _site_key(host: str) -> str:
    """The registrable part of a host ("money.cnn.com" -> "cnn.com", "news.bbc.co.uk" -> "bbc.co.uk")."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _list_links_same_site(page: Page) -> float | None:
    """Share of the links inside link lists that stay on the page's site (None when unknown)."""
    if not page.links or not page.link_lists:
        return None
    own_host = page.domain or host_of(page.canonical)
    own = _site_key(own_host) if own_host else None
    in_lists = {i for lst in page.link_lists for i in range(lst.first_block, lst.end_block)}
    same = other = 0
    for link in page.links:
        if link.block not in in_lists:
            continue
        m = _ABSOLUTE.match(link.href)
        host = m.group(1).lower().removeprefix("www.") if m else None
        if host is None:
            same += link.href[:11].lower() not in ("javascript:", "mailto:")
        elif own is not None:
            if _site_key(host) == own:
                same += 1
            else:
                other += 1
    return same / (same + other) if same + other else None


#: Words a list item needs to read as a headline rather than a menu entry ("Find a Job", "E-Paper lesen").
HEADLINE_MIN_WORDS = 5


def _is_headline(item: str) -> bool:
    """True for a list item long enough to be a headline (cheap space count first, CJK-aware tokens after)."""
    return item.count(" ") + 1 >= HEADLINE_MIN_WORDS or len(words(item)) >= HEADLINE_MIN_WORDS


def offtopic_lists(page: Page) -> Measure:
    """How strongly the link lists read as a scraper's off-topic feed: off-topic share, size, bait words, off-site links (0–1)."""
    off, total = _offtopic_items(page)
    if not off:
        return Measure(0.0)
    long = {item for lst in page.link_lists for item in lst.items if _is_headline(item)}
    headlines = sum(1 for lst in page.link_lists for item in lst.items if item in long)
    off = [item for item in off if item in long]
    if not off:
        return Measure(0.0)
    share = len(off) / headlines
    size = min(1.0, len(off) / FULL_WEIGHT_ITEMS)
    baity = [item for item in off if BAIT.search(item)]
    bait = 0.75 + 0.25 * min(1.0, 2 * len(baity) / len(off))
    same_site = _list_links_same_site(page)
    site = 1.0 - 0.5 * same_site if same_site is not None else 1.0
    value = share * size * bait * site
    where = f"{same_site:.0%} of links same-site" if same_site is not None else "unlinked"
    example = (baity or off)[0][:60]
    return Measure(round(value, 4), f"{len(off)}/{headlines} listed headlines off-topic ({len(baity)} celebrity/"
                                    f"click-bait, {where}), e.g. {example!r}")
