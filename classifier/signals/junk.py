"""Junk tokens: template leftovers, chatbot and spinner phrases, advert lines, mojibake, click-bait titles.

Counters and breadcrumbs live in :mod:`.counters`; the phrase families are matched in one pass by
:mod:`.phrases`.
"""

from __future__ import annotations

import re

from ..page.page import Page
from .base import Measure
from .phrases import phrase_hits


def _family(page: Page, family: str) -> Measure:
    """How many phrases of ``family`` the page holds, with the first as evidence."""
    hits = phrase_hits(page).get(family, [])
    return Measure(float(len(hits)), hits[0].strip()[:80] if hits else "")


def template_leftover(page: Page) -> Measure:
    """Unfilled template slots: "{{title}}", "%%BODY%%", "[insert keyword]", "Lorem ipsum dolor"."""
    return _family(page, "template")


def chatbot_phrase(page: Page) -> Measure:
    """Chatbot leftovers ("As an AI language model", "I cannot browse", "Certainly! Here is", "Regenerate response")."""
    return _family(page, "chatbot")


def spun_phrase(page: Page) -> Measure:
    """Synonym-swap artefacts of article spinners in the body ("synthetic intelligence", "profound studying")."""
    return _family(page, "spun")


#: A line that only says "Advertisement" (or its translations).
ADVERT_LINE = re.compile(r"^(advertisement|advertising|sponsored|anzeige|publicidad|publicité|werbung|ad)$", re.I)


def advert_lines(page: Page) -> Measure:
    """Lines that only say "Advertisement", per ten body paragraphs (capped at 10)."""
    n = sum(1 for b in page.blocks if len(b.text) <= 13 and ADVERT_LINE.match(b.text))
    return Measure(min(10.0, 10 * n / max(len(page.body), 1)), f"{n} 'Advertisement' lines" if n else "")


#: UTF-8 read as Windows-1252/Latin-1 ("isnâ€™t", "cafÃ©"), the mark of text copied through a broken pipeline.
MOJIBAKE = re.compile(r"â€[™œ“”˜¦¢]|â€|Ã[©¨¤¶¼¡³±§ª­ºÂ]|Â[ ·»«©®°]|ï»¿")
#: Headline formulas of click-bait and made-for-advertising pages ("how to" titles are ordinary guides).
CLICKBAIT = re.compile(
    r"you won'?t believe|what happen(s|ed) next|will (blow|rock) your (mind|world)|here'?s what|"
    r"(this|these) (one|simple|weird) (trick|thing)|doctors (hate|say)|take your breath away|"
    r"^\d{1,3} (things|reasons|photos|pictures|facts|signs|secrets|celebrities|times)\b.{0,60}"
    r"(will|you|never|believe|need|know|won't|shock|amaz)|\(with pictures\)|jaw-?dropping|melt (your|hearts)|"
    r"goes viral|(the|what) (internet|twitter) (is|can't)|number \d+ will|can'?t stop (laughing|watching)",
    re.I,
)


def mojibake(page: Page) -> Measure:
    """Mis-decoded characters ("â€™", "Ã©") per 1,000 body characters (capped at 20)."""
    text = page.body_text
    if not text:
        return Measure(0.0)
    found = MOJIBAKE.findall(text)
    if not found:
        return Measure(0.0)
    return Measure(min(20.0, 1000 * len(found) / len(text)), f"{len(found)} mis-decoded characters, e.g. {found[0]!r}")


def clickbait_title(page: Page) -> Measure:
    """1 when the title follows a click-bait formula ("You Won't Believe…", "17 Things…")."""
    m = CLICKBAIT.search(page.title.strip())
    return Measure(1.0, page.title[:90]) if m else Measure(0.0)


def llm_style(page: Page) -> Measure:
    """Stock phrases of machine-written filler ("delve into", "a testament to") per 1,000 body words (capped at 20)."""
    n_words = len(page.body_words)
    hits = phrase_hits(page).get("stock", []) if n_words >= 50 else []
    if not hits:
        return Measure(0.0)
    return Measure(min(20.0, 1000 * len(hits) / n_words), f"{len(hits)} stock phrases, e.g. {hits[0]!r}")
