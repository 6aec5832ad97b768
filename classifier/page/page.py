"""The parsed page that every signal reads: built once from HTML or plain text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from .tokens import words

Kind = Literal["html", "text"]


class Block:
    """One visible text block (an HTML block element, or a line of a text page).

    A plain slotted class rather than a frozen dataclass: pages have hundreds of blocks, and a
    frozen dataclass pays an ``object.__setattr__`` call per field. Treat it as immutable.
    """

    __slots__ = ("link_chars", "n_words", "tag", "text")

    def __init__(self, text: str, link_chars: int = 0, tag: str = "line", spaced_words: int | None = None) -> None:
        """``spaced_words``: the count of space-separated words, where the caller knows it (see :meth:`cleaned`)."""
        self.text = text
        self.link_chars = link_chars
        self.tag = tag
        n = len(text.split()) if spaced_words is None else spaced_words
        if n * 15 < len(text):  # long "words": unspaced script (CJK, Thai), so tokenize properly
            n = len(words(text))
        self.n_words = n  # counted once: layout rules ask for it repeatedly

    @classmethod
    def cleaned(cls, text: str, link_chars: int, tag: str) -> Block:
        """A block of text that ``markup.clean`` made: single spaces between words, so its words are
        counted by its spaces; link characters are capped at the text's length."""
        return cls(text, min(link_chars, len(text)), tag, text.count(" ") + 1)

    @property
    def link_density(self) -> float:
        """Share of the block's characters that sit inside links."""
        return self.link_chars / len(self.text) if self.text else 0.0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Block) and (self.text, self.link_chars, self.tag) == (
            other.text, other.link_chars, other.tag)

    def __hash__(self) -> int:
        return hash((self.text, self.link_chars, self.tag))

    def __repr__(self) -> str:
        return f"Block({self.text[:60]!r}, link_chars={self.link_chars}, tag={self.tag!r})"


class Link(NamedTuple):
    """An anchor: its visible text, its target and the block it sits in (lists' off-site share, the crawl's out-links).

    A named tuple, not a frozen dataclass: a page has a hundred or more anchors, and a tuple is
    built about four times faster.
    """

    text: str
    href: str
    block: int


@dataclass(frozen=True, slots=True)
class LinkList:
    """A run of headline-like links or lines, such as a "Related" or "Most read" list."""

    heading: str
    items: tuple[str, ...]
    first_block: int
    end_block: int  # one past the last block of the run


@dataclass(frozen=True, slots=True)
class DateClaim:
    """A publication date the page claims, where it claims it, and the raw text."""

    source: str
    day: str  # ISO YYYY-MM-DD
    evidence: str


@dataclass(frozen=True, slots=True)
class Page:
    """Everything signals need to know about a page, parsed once."""

    kind: Kind
    url: str | None
    title: str
    blocks: tuple[Block, ...]
    body: tuple[str, ...]
    links: tuple[Link, ...] = ()
    link_lists: tuple[LinkList, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)
    jsonld: tuple[Mapping[str, object], ...] = ()
    canonical: str | None = None
    buttons: tuple[str, ...] = ()  # labels of <button> elements (vote widgets print counts on them)
    dates: tuple[DateClaim, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    truncated: bool = False
    # Derived once at construction, since many signals read them:
    domain: str | None = field(init=False)
    body_text: str = field(init=False)  # the article body, one paragraph a line
    body_lower: str = field(init=False)  # the same, lower-cased (for cheap substring tests)
    visible_text: str = field(init=False)  # all visible text, one block a line
    body_words: tuple[str, ...] = field(init=False)  # lower-cased word tokens of the body
    body_line_words: tuple[list[str], ...] = field(init=False)  # the same tokens, paragraph by paragraph

    def __post_init__(self) -> None:
        """Fill in the derived fields."""
        body_text = "\n".join(self.body)
        object.__setattr__(self, "domain", host_of(self.url))
        object.__setattr__(self, "body_text", body_text)
        object.__setattr__(self, "visible_text", "\n".join(b.text for b in self.blocks))
        body_lower = body_text.lower()
        object.__setattr__(self, "body_lower", body_lower)
        # Tokens never span a line break, so the body's tokens are its paragraphs' tokens end to end.
        line_words = tuple(words(line) for line in body_lower.split("\n")) if body_text else ()
        object.__setattr__(self, "body_line_words", line_words)
        object.__setattr__(self, "body_words", tuple(chain.from_iterable(line_words)))


_HOST_PORT = re.compile(r":\d+$")


def host_of(url: str | None) -> str | None:
    """Lower-cased host of ``url`` without ``www.`` and port, or None."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).netloc.lower()
    except ValueError:
        return None
    host = _HOST_PORT.sub("", host.rsplit("@", 1)[-1])
    return host.removeprefix("www.") or None
