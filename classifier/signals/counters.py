"""Page furniture that scraper templates leave around a copied story: vote counters and breadcrumbs.

A counter row is a run of "label (n)" / "label! n" / "👍 231" items, in the visible blocks or on the
page's <button> labels. It counts as a reaction counter when its labels are reaction words (like,
love, haha, thumbs up, veryGood!, Gefällt mir, 顶, いいね) rather than the "Comments (12)" / "Share 5" /
category-count lists that legitimate pages show, or a post's "Reply 4 · Like 96" action bar. A
breadcrumb counts when its trail is glued into the title line ("Current:Home > NewsBlinken meets…")
or sits on its own line right above the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..page.page import Page
from .base import Measure

#: Words that name a reaction or a vote, in the forms counter widgets print.
REACTION = (
    r"(?:very\s?)?(?:good|bad)|likes?|liked|love[ds]?|haha|ha-?ha|lol|wow|sad|angry|care|cares|"
    r"thumbs?[\s-]?(?:up|down)|up-?votes?|down-?votes?|votes?|dislikes?|helpful|not helpful|useful|funny|"
    r"cool|awesome|amazing|interesting|informative|inspired|inspiring|happy|surprised|shocked|excited|"
    r"boring|agree|disagree|hearts?|yay|meh|nice|great|touched|moved|upset|scary|fail|win|omg|lmao|"
    r"support|oppose|gefällt mir|wütend|traurig|me gusta|me encanta|me divierte|me entristece|me enoja|"
    r"j'aime|j'adore|lubię to|mi piace|gostei|curtir|класс|нравится|лайк|супер|"
    r"赞|顶|踩|好评|差评|点赞|支持|反对|いいね"
)
#: Pictographs used as reaction buttons (👍, ❤, 😂, 🔥 …).
EMOJI = r"[\U0001F300-\U0001FAFF\u2764\u2665\u263A\u2639\u2B50](?:\uFE0F)?"
_NUMBER = r"\d{1,3}(?:[,.]\d{3})+|\d{1,7}(?:[.,]\d[kKmM])?[kKmM]?"
#: One counter item: a label, an optional "!", then a count in brackets or bare.
ITEM = re.compile(
    rf"(?P<label>(?P<emoji>{EMOJI})|[^\W\d_][\w'’ -]{{0,24}}?)\s*(?P<bang>[!！])?\s*[:：]?\s*"
    rf"(?:[(（\[]\s*(?P<n1>{_NUMBER})\s*[)）\]]|(?P<n2>{_NUMBER})(?![\w%/:.,-]))"
)
_REACTION_WORD = re.compile(rf"(?:{REACTION})", re.I)
_CAMEL = re.compile(r"^[a-z]{2,}[A-Z][a-z]+$")  # "veryGood", "soSad"
#: Short blocks are joined into rows: widgets print one item per element.
ROW_BLOCK_CHARS = 40
ROW_MAX_CHARS = 160
#: A reaction word or pictograph right before a count: every counter row holds one (matched on lower-cased text).
HIT = re.compile(rf"(?<![^\W\d_])(?:{REACTION})\s*[!！]?\s*[:：]?\s*[(（\[]?\s*\d|{EMOJI}\s*\d")
#: Blocks on either side of a hit that a row of one-item elements may span.
ROW_SPAN = 6
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
#: Actions that a post's action bar or a share bar counts, beside its likes: the row is not a vote widget.
_EMBED_ACTION = re.compile(r"(?:reply|replies|retweets?|retweeted|reposts?|quote|shares?|comments?|kommentare?|"
                           r"comentarios?|commentaires?|комментари[йи]|评论|回复|转发|分享)\b", re.I)


def _hit_blocks(page: Page) -> list[int]:
    """Indices of short blocks with a reaction word or pictograph right before a count, in it or in the next block."""
    blocks = page.blocks
    hits = []
    for i, b in enumerate(blocks):
        text = b.text
        if len(text) > ROW_MAX_CHARS:
            continue
        if _DIGIT.search(text):
            if HIT.search(text.lower()):
                hits.append(i)
        elif len(text) <= 25 and i + 1 < len(blocks) and _DIGIT.match(blocks[i + 1].text.lstrip("([（ ")):
            if HIT.search(text.lower() + " " + blocks[i + 1].text):  # "Like" | "12" in separate elements
                hits.append(i)
    return hits


def _rows(page: Page) -> Iterator[str]:
    """Candidate counter rows around each reaction hit: its block and the run of very short blocks around
    it, and the page's button labels that hold a count."""
    blocks = page.blocks
    seen: set[int] = set()
    for i in _hit_blocks(page):
        if i in seen:
            continue
        seen.add(i)
        if len(blocks[i].text) > ROW_BLOCK_CHARS:
            yield blocks[i].text
            continue
        lo, hi = i, i + 1
        while lo > max(0, i - ROW_SPAN) and len(blocks[lo - 1].text) <= ROW_BLOCK_CHARS:
            lo -= 1
        while hi < min(len(blocks), i + ROW_SPAN + 1) and len(blocks[hi].text) <= ROW_BLOCK_CHARS:
            hi += 1
        seen.update(range(lo, hi))
        yield _join(b.text for b in blocks[lo:hi])
    # Vote buttons ("👍 1.2K", "👎 38") are not visible blocks, so they are not in a row above. One button
    # per label: a forum's "Like (3)" on every post is many widgets, not a row. An embedded post's action
    # bar ("Reply 33", "Retweet 42", "Like 96") is someone else's widget, not the page's.
    counted: dict[str, str] = {}
    for label in page.buttons:
        if _DIGIT.search(label):
            counted.setdefault(_DIGITS.sub("", label).lower(), label)
    labels = list(counted.values())
    if any(HIT.search(label.lower()) for label in labels) and not any(_EMBED_ACTION.match(label) for label in labels):
        yield " · ".join(labels)


_BARE_COUNT = re.compile(rf"^[(（\[]?\s*(?:{_NUMBER})\s*[)）\]]?$")


def _join(texts: Iterator[str]) -> str:
    """One row from one-item elements: a bare count stays with its label ("Like" + "12" -> "Like 12")."""
    row = ""
    for text in texts:
        row += (" " if _BARE_COUNT.match(text) else " · ") + text if row else text
    return row


def _items(row: str) -> list[tuple[str, bool]]:
    """(label, strong) of every counter item in ``row`` whose label starts an item slot."""
    out: list[tuple[str, bool]] = []
    last_end = 0
    for m in ITEM.finditer(row):
        label = m.group("label").strip()
        gap = row[last_end : m.start()]
        last_end = m.end()
        if gap.strip(" ·|•,;/-–—\t"):
            label = ""  # the label continues earlier words ("Shot of Love (1981)"): not an item slot
        out.append((label, _strong(m, label)))
    return out


def _is_reaction(label: str) -> bool:
    """True when the whole label is a reaction word (emoji included)."""
    return bool(label) and (bool(re.fullmatch(EMOJI, label)) or _REACTION_WORD.fullmatch(label) is not None
                            or (_CAMEL.match(label) is not None and _REACTION_WORD.search(label) is not None))


def _strong(m: re.Match[str], label: str) -> bool:
    """A reaction item that no legitimate widget prints alone: "veryGood! (6745)", "Thumbs up (1041)", "👍 231"."""
    if not _is_reaction(label):
        return False
    lower = label.lower()
    return bool(m.group("emoji") or m.group("bang") or _CAMEL.match(label) or "thumb" in lower or "vote" in lower
                or lower.startswith("very"))


def counter_row(row: str) -> list[str]:
    """The reaction items of ``row`` when it reads as a reaction counter, else []."""
    items = _items(row)
    if not items:
        return []
    reactions = [label for label, _ in items if _is_reaction(label)]
    if not reactions or any(_EMBED_ACTION.fullmatch(label) for label, _ in items):
        return []  # no reaction, or a post's action bar or share bar ("Reply 4 · Like 96", "评论 90 赞 77")
    covered = sum(len(label) for label, _ in items if label) + 4 * len(items)
    if covered < 0.4 * len(row.replace(" · ", "").replace(" ", "")):
        return []  # counters are a small part of a longer line: prose or a menu, not a counter row
    if len(reactions) >= 2 and 2 * len(reactions) >= len(items):
        return reactions
    if any(strong for _, strong in items) and len(items) <= 3:
        return reactions
    return []


def reaction_counter(page: Page) -> Measure:
    """Rows of reaction or vote counters ("veryGood! (6745)", "Like 12 Love 3", "👍 231"), items counted (0–5)."""
    found: list[str] = []
    evidence = ""
    for row in _rows(page):
        hits = counter_row(row)
        if hits:
            found.extend(hits)
            evidence = evidence or " · ".join(part for part in row.split(" · ") if _DIGIT.search(part))[:80]
    return Measure(float(min(len(found), 5)), evidence)


#: A breadcrumb trail: an optional label, then two or more crumbs joined by ">", "»", "›", "/" or "→".
_LABEL = (r"(?:current(?:\s+(?:location|position|page))?|you are here|location|position|path|sie sind hier|"
          r"sie befinden sich hier|vous êtes ici|usted está aquí|estás en|você está aqui|ti trovi in|jesteś tutaj|"
          r"вы здесь|当前位置|您的位置|您现在的位置|现在的位置|现在位置|所在位置|位置|現在位置)\s*[:：]\s*")
_SEP = r"(?:\s*(?:>|»|›|→|::|>>|＞)\s*|\s+/\s+)"
_CRUMB = r"[^\s>»›→/＞|][^>»›→/＞|]{0,40}?"
TRAIL = re.compile(rf"^(?:{_LABEL})?(?:{_CRUMB}{_SEP}){{1,6}}", re.I)
_LABELLED = re.compile(_LABEL, re.I)
_HOME = re.compile(r"^(?:" + _LABEL + r")?(?:home|homepage|index|start|startseite|inicio|portada|accueil|главная|strona główna|"
                   r"página inicial|pagina iniziale|首页|主页|网站首页|ホーム|トップ)\b", re.I)


def _trail(text: str) -> str:
    """The breadcrumb trail at the start of ``text`` ("Current:Home > News > "), or "".

    It starts at the home crumb, or at a label ("Position: Index >> Tech"), which names the trail
    whatever its first crumb is."""
    if not (_HOME.match(text) or _LABELLED.match(text)):
        return ""
    m = TRAIL.match(text)
    return m.group(0) if m else ""


#: Value of a trail on its own line above the title: legitimate sites print those too (0.6% of originals).
ABOVE_TITLE = 0.5
_GLUED = re.compile(r"^[^\W\d_]{2,}[a-z][A-Z][a-z]")  # "NewsBlinken": the last crumb runs into the title


def _story_key(page: Page) -> str:
    """The first 30 characters of the story's title line: the first non-breadcrumb line (text), else the h1."""
    if page.kind == "text":
        line = next((b.text for b in page.blocks[:4] if not _trail(b.text)), "")
    else:
        line = next((b.text for b in page.blocks[:40] if b.tag == "h1"), "")
        if not line:
            title = page.title.strip()
            title = title[len(_trail(title)):]
            line = re.split(r"\s+[-|–—:]\s+|\s-(?=\S)|_", title, maxsplit=1)[0]  # "_": Chinese CMS titles
    return line[:30].strip()


def _glued(text: str, trail: str, key: str, camel: bool = False) -> bool:
    """True when the title runs on from the last crumb with no separator ("NewsBlinken meets…")."""
    after = text[len(trail):]
    pos = after.find(key[:20]) if len(key) >= 12 else -1
    return (pos > 0 and after[pos - 1].isalnum()) or (camel and _GLUED.match(after) is not None)


def breadcrumb_title(page: Page) -> Measure:
    """A breadcrumb trail glued into the title line (1), or on its own line just above the title (0.5)."""
    key = _story_key(page)
    if trail := _trail(page.title):
        if _glued(page.title, trail, key, camel=True) or _LABELLED.match(trail):
            return Measure(1.0, page.title[:90])
        return Measure(ABOVE_TITLE, page.title[:90])
    blocks = page.blocks[:12]
    for i, block in enumerate(blocks):
        trail = _trail(block.text)
        if not trail:
            continue
        if _glued(block.text, trail, key):
            return Measure(1.0, block.text[:90])
        nxt = next((b.text for b in blocks[i + 1 : i + 3] if len(b.text) > 3), "")
        if len(block.text) <= 120 and ((len(key) >= 12 and nxt.startswith(key))
                                       or (page.kind == "text" and _headline_like(nxt))):
            return Measure(ABOVE_TITLE, f"{block.text[:60]} (above the title {nxt[:30]!r})")
    return Measure(0.0)


def _headline_like(line: str) -> bool:
    """A line that reads as a headline: 4 to 20 words, a capital first, no closing full stop (text dumps
    carry no markup that names the title, and site furniture may come before it)."""
    n = len(line.split())
    return 4 <= n <= 20 and len(line) <= 160 and line[:1].isupper() and not line.endswith((".", ",", ";", ":"))
