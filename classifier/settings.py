"""Typed defaults shared by the API, the CLI and the service."""

from __future__ import annotations

from pathlib import Path
from typing import Final

#: Version of the package; also recorded in model bundles.
USER_AGENT: Final = "newsqual/0.1 (+https://github.com/newsqual/newsqual; news-quality scorer)"

#: Largest response body or file we read, in bytes (5 MB).
MAX_BYTES: Final = 5 * 1024 * 1024
#: Connect and read timeouts for fetching, in seconds.
CONNECT_TIMEOUT: Final = 5.0
READ_TIMEOUT: Final = 10.0
#: Wall-clock budget for one whole fetch (stalling servers trickle bytes), in seconds.
FETCH_BUDGET: Final = 20.0
MAX_REDIRECTS: Final = 5

#: Pages longer than this many characters are cut before parsing (keeps one huge page cheap).
MAX_PARSE_CHARS: Final = 2_000_000
#: Visible-text blocks kept per page; the rest are ignored.
MAX_BLOCKS: Final = 20_000
#: Per-page time budget for signal computation, in seconds.
PAGE_TIME_BUDGET: Final = 2.0

#: File suffixes read as pages when a folder is scored.
PAGE_SUFFIXES: Final = (".html", ".htm", ".html.gz", ".htm.gz", ".txt", ".txt.gz")
WARC_SUFFIXES: Final = (".warc", ".warc.gz")

#: Where the bundled model lives.
MODELS_DIR: Final = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL: Final = MODELS_DIR / "newsqual.npz"

#: Training defaults (the bundled model uses them): the highest false-positive rate on originals
#: allowed when choosing the threshold, and how many scraper-style pages to generate.
MAX_FPR: Final = 0.005
SYNTHETIC_PAGES: Final = 200
