"""One entry point from bytes or text to a :class:`Page`: detect HTML or text, decode, parse."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from ..errors import InputError
from ..settings import MAX_BYTES
from .decode import decode_bytes, maybe_gunzip
from .html_parser import parse_html
from .page import Page
from .text_parser import parse_text

InputKind = Literal["auto", "html", "text"]

_HTML_TAGS = re.compile(r"<(!doctype html|html|head|body|div|p|meta|title|a|span|article|script|br)[\s>/]", re.I)


def looks_like_html(text: str) -> bool:
    """True when the start of ``text`` has at least two common HTML tags."""
    return len(_HTML_TAGS.findall(text[:8192], 0)) >= 2


def load_page(
    data: bytes | str,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    kind: InputKind = "auto",
    max_bytes: int = MAX_BYTES,
) -> Page:
    """Decode and parse one page; raises :class:`InputError` for empty or binary input."""
    lower = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    text = data if isinstance(data, str) else decode_page(data, lower, max_bytes)
    if "\x00" in text[:4096]:
        raise InputError("input looks binary (NUL characters in text)")
    if not text or text.isspace():
        raise InputError("empty page: no text to score")
    if kind == "html" or (kind == "auto" and looks_like_html(text)):
        return parse_html(text, url, lower)
    return parse_text(text, url, lower)


def decode_page(data: bytes, headers: Mapping[str, str], max_bytes: int) -> str:
    """Bytes to text: gunzip if gzipped, refuse binary, charset from headers/meta/detection."""
    # decode_bytes checks byte-order marks before sniffing for binary data: UTF-16/32
    # text with a BOM is full of NUL and control bytes and must not be refused here.
    data = maybe_gunzip(data, max_bytes)
    declared = _charset(headers.get("content-type", ""))
    return decode_bytes(data[:max_bytes], declared)[0]


def _charset(content_type: str) -> str | None:
    """The ``charset=`` parameter of a Content-Type value."""
    m = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
    return m.group(1) if m else None
