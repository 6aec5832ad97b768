"""Turning a plain-text page (a crawler's text dump, a copied page) into a :class:`Page`."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..settings import MAX_BLOCKS, MAX_PARSE_CHARS
from . import dates, layout
from .page import Block, Page

_SPACE = re.compile(r"[ \t\f\v\u00a0]+")


def parse_text(text: str, url: str | None = None, headers: Mapping[str, str] | None = None) -> Page:
    """Parse plain text into a :class:`Page`: each non-empty line is a block."""
    truncated = len(text) > MAX_PARSE_CHARS
    lines = [_SPACE.sub(" ", line).strip() for line in text[:MAX_PARSE_CHARS].splitlines()]
    blocks = tuple(Block(line) for line in lines if line)[:MAX_BLOCKS]
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    lists = layout.link_lists(blocks, text_page=True)
    claims = (
        *dates.url_date(url),
        *dates.text_dates(b.text for b in blocks),
        *dates.header_dates(headers),
    )
    return Page(
        kind="text",
        url=url,
        title=blocks[0].text[:300] if blocks else "",
        blocks=blocks,
        body=layout.body_blocks(blocks, lists),
        link_lists=lists,
        dates=claims,
        headers=headers,
        truncated=truncated,
    )
