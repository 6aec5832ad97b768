"""Junk tokens: vote counters, breadcrumbs glued to titles, template leftovers, chatbot phrases."""

from __future__ import annotations

import re

from ..page import Page
from .base import Measure

#: A reaction or vote counter such as "veryGood! (6745)" or "Like (12)".
COUNTER = re.compile(
    r"(?<!\w)([A-Za-z]{2,15}!|(very ?)?(good|bad|like|likes|love|wow|haha|sad|angry|useful|helpful|votes?|dislike))"
    r"\s*[(（]\s*\d{1,7}\s*[)）]",
    re.I,
)
#: A breadcrumb trail: "Current:Home > News", "You are here: Home » World".
BREADCRUMB = re.compile(
    r"(current|you are here|location|position|当前位置)\s*[:：]|\bhome\s*[>»›/]\s*\w", re.I
)
#: Leftovers of templates and page generators.
TEMPLATE = re.compile(
    r"\[\s*(insert|your|add|enter|keyword|product|company|city)\b[^\]]{0,40}\]|\{\{[^}]{1,40}\}\}|"
    r"\blorem ipsum\b|\$\{[A-Za-z_]{2,30}\}|%%[A-Z_]{2,30}%%",
    re.I,
)
#: Phrases that leak from chatbot output into published text.
CHATBOT = re.compile(
    r"as an ai language model|as an ai\b|i (cannot|can't) (browse|access) the internet|"
    r"please provide the (text|article|content)|certainly! here (is|are)|sure! here (is|are)|"
    r"i hope this (article|helps)|my knowledge cutoff|regenerate response|"
    r"here is the rewritten|rewritten article|in this article, we will (explore|delve)|\bdelve into\b",
    re.I,
)
#: Phrases that article spinners produce by swapping synonyms into fixed expressions.
SPUN = re.compile(
    r"synthetic intelligence|profound studying|laptop imaginative and prescient|giant information|"
    r"the us of america|prime minister of britain boris|coronavirus illness|well being care|"
    r"social media platforms like fb|on-line|regulation enforcement officers mentioned|"
    r"stated in a press release|mentioned in an announcement|in line with the report",
    re.I,
)
#: A line that only says "Advertisement" (or its translations).
ADVERT_LINE = re.compile(r"^(advertisement|advertising|sponsored|anzeige|publicidad|publicité|werbung|ad)$", re.I)


#: Cheap substrings one of which every match of a pattern contains (skips the regex on clean pages).
HINTS = {
    TEMPLATE: ("[", "{{", "lorem", "${", "%%"),
    CHATBOT: ("as an ai", "browse", "access the internet", "please provide", "certainly!", "sure!", "hope this",
              "cutoff", "regenerate", "rewritten", "delve"),
    SPUN: ("synthetic", "profound", "imaginative", "giant info", "the us of", "boris", "illness", "well being", " fb",
           "on-line", "officers mentioned", "stated in a press", "mentioned in an", "in line with"),
}


def _count(pattern: re.Pattern[str], text: str, lower: str | None = None) -> Measure:
    """How often ``pattern`` occurs in ``text`` (``lower``: the same lower-cased, if at hand)."""
    hints = HINTS.get(pattern)
    if hints is not None:
        lower = text.lower() if lower is None else lower
        if not any(h in lower for h in hints):
            return Measure(0.0)
    matches = [m.group(0) for m in pattern.finditer(text)]
    return Measure(float(len(matches)), matches[0].strip()[:80] if matches else "")


def reaction_counter(page: Page) -> Measure:
    """Reaction or vote counters on short lines, such as "veryGood! (6745)"."""
    short = "\n".join(b.text for b in page.blocks if len(b.text) <= 40 and ("(" in b.text or "（" in b.text))
    return _count(COUNTER, short)


def breadcrumb_title(page: Page) -> Measure:
    """A breadcrumb trail glued into the title or first line ("Current:Home > News…")."""
    head = [page.title, *(b.text for b in page.blocks[:2])]
    for text in head:
        m = BREADCRUMB.search(text[:200])
        if m and (text is page.title or len(text) > 60):
            return Measure(1.0, text[:90])
    return Measure(0.0)


def template_leftover(page: Page) -> Measure:
    """Template leftovers: "[Insert …]", "{{…}}", "Lorem ipsum", "${var}"."""
    return _count(TEMPLATE, page.visible_text)


def chatbot_phrase(page: Page) -> Measure:
    """Phrases leaked from chatbot output ("As an AI language model", "Certainly! Here is")."""
    return _count(CHATBOT, page.body_text, page.body_lower)


def spun_phrase(page: Page) -> Measure:
    """Synonym-swap artefacts of article spinners ("synthetic intelligence", "profound studying")."""
    return _count(SPUN, page.body_text, page.body_lower)


def advert_lines(page: Page) -> Measure:
    """Lines that only say "Advertisement", per ten body paragraphs (capped at 10)."""
    n = sum(1 for b in page.blocks if ADVERT_LINE.match(b.text))
    return Measure(min(10.0, 10 * n / max(len(page.body), 1)), f"{n} 'Advertisement' lines" if n else "")


#: UTF-8 read as Windows-1252/Latin-1 ("isnâ€™t", "cafÃ©"), the mark of text copied through a broken pipeline.
MOJIBAKE = re.compile(r"â€[™œ“”˜¦¢]|â€|Ã[©¨¤¶¼¡³±§ª­ºÂ]|Â[ ·»«©®°]|ï»¿")
#: Headline formulas of click-bait and made-for-advertising pages.
CLICKBAIT = re.compile(
    r"you won'?t believe|what happen(s|ed) next|will (blow|rock) your (mind|world)|here'?s what|"
    r"(this|these) (one|simple|weird) (trick|thing)|doctors (hate|say)|take your breath away|"
    r"^\d{1,3} (things|ways|reasons|photos|pictures|facts|signs|secrets|tips|celebrities|times)\b|"
    r"\(with pictures\)|^how to\b|shocking|jaw-?dropping|melt (your|hearts)|goes viral|is going to\b",
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


#: Stock phrases of machine-written filler text; one is normal, a cluster is not. Literal,
#: lower-case phrases: counting substrings is many times faster than one large re.I regex.
LLM_PHRASES = (
    "delve into", "delves into", "delved into", "in today's fast-paced", "in today's digital", "in today's ever-",
    "it's important to note", "it is important to note", "it's worth noting", "it is worth noting", "in conclusion,",
    "plays a crucial role", "play a crucial role", "plays a pivotal role", "plays a vital role", "a testament to",
    "navigating the complex", "navigate the complex", "ever-evolving", "rich tapestry", "seamlessly",
    "unlock the potential", "unlocking the potential", "unlock the power", "embark on a journey",
    "embarking on a journey", "game-changer", "game changer", "harness the power", "harnessing the power",
    "in the realm of", "foster a sense", "fostering a sense", "bustling", "ever-changing landscape",
    "whether you're a", "whether you are a",
)


def llm_style(page: Page) -> Measure:
    """Stock phrases of machine-written filler ("delve into", "a testament to") per 1,000 body words (capped at 20)."""
    n_words = len(page.body_words)
    if n_words < 50:
        return Measure(0.0)
    lower = page.body_lower.replace("\u2019", "'")
    counts = {p: n for p in LLM_PHRASES if (n := lower.count(p))}
    if not counts:
        return Measure(0.0)
    total = sum(counts.values())
    return Measure(min(20.0, 1000 * total / n_words), f"{total} stock phrases, e.g. {next(iter(counts))!r}")
