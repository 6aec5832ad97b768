"""Registered domains from URLs with the public-suffix list bundled in tldextract (never fetched)."""

from __future__ import annotations

import functools
from typing import Any

from ..page.page import host_of


@functools.lru_cache(maxsize=1)
def _extractor() -> Any:
    """A tldextract extractor that only reads its bundled snapshot (no network, no cache folder)."""
    import tldextract  # noqa: PLC0415 - optional extra 'crawl'

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@functools.lru_cache(maxsize=65536)
def site_of_host(host: str) -> str:
    """The registered domain of a host ("news.bbc.co.uk" -> "bbc.co.uk"); the host itself when it has none."""
    parts = _extractor()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def site_of(url: str | None) -> str | None:
    """The registered domain of ``url``, or None for a URL without a host."""
    host = host_of(url)
    return site_of_host(host) if host else None
