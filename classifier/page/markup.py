"""What both HTML front ends share: which tags are invisible, block or inline, and the head fields."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

#: Elements whose content is never visible text.
SKIP_TAGS = frozenset(
    "script style noscript template svg math iframe object embed canvas head select option button "
    "textarea input video audio picture source".split()
)
#: Elements that start a new visible block.
BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 td th tr ul ol dl dd dt section article header footer nav aside main "
    "blockquote pre br hr figure figcaption form table tbody thead address center body "
    "summary details caption".split()
)
#: Inline elements merged into their parent's text before the walk (keeps the text).
INLINE_TAGS = (
    "span b i em strong font small u abbr time label sup sub cite mark bdi code q s strike big tt ins del var kbd"
).split()


#: Button labels kept per page, and their length: enough for a row of vote buttons.
MAX_BUTTONS, MAX_BUTTON_CHARS = 60, 60


class Head:
    """Title, meta tags, canonical link, JSON-LD objects and button labels of a document."""

    def __init__(self) -> None:
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.jsonld: tuple[Mapping[str, object], ...] = ()
        self.buttons: list[str] = []  # <button> text, which the walk skips with the other controls

    def add(self, tag: str, attrs: Mapping[str, str | None], text: str, ld: list[Mapping[str, object]]) -> None:
        """Take in one title, meta, link, script or button element, met in document order."""
        if tag == "button":
            label = clean(text)
            if label and len(label) <= MAX_BUTTON_CHARS and len(self.buttons) < MAX_BUTTONS:
                self.buttons.append(label)
        elif tag == "title":
            if not self.title:
                self.title = clean(text)
        elif tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
            content = attrs.get("content")
            if key and content and key not in self.meta:
                self.meta[key] = clean(content)[:500]
        elif tag == "link":
            if self.canonical is None and "canonical" in (attrs.get("rel") or "").lower():
                self.canonical = (attrs.get("href") or "").strip() or None
        elif tag == "script" and media_type(attrs.get("type")) == "application/ld+json":
            ld.extend(jsonld_objects(text))


def media_type(value: str | None) -> str:
    """A ``type`` attribute without parameters or padding ("application/ld+json; charset=utf-8")."""
    return (value or "").split(";", 1)[0].strip().lower()


def jsonld_objects(raw: str) -> Iterator[Mapping[str, object]]:
    """Every object in a JSON-LD script, flattening lists and ``@graph``; bad JSON yields nothing."""
    try:
        data: Any = json.loads(raw.strip().rstrip(";"))
    except (ValueError, RecursionError):
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(reversed(graph))


def clean(text: str) -> str:
    """Collapse white space (str.split is several times faster than a regex here)."""
    return " ".join(text.split())
