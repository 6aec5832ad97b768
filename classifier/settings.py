"""Typed defaults shared by the API, the CLI and the service."""

from __future__ import annotations

import importlib.util
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

#: File name of the bundled model inside the bundled models folder (the one place to change it).
MODEL_FILE: Final = "newsqual.npz"


def bundled_models_dir() -> Path:
    """The bundled models folder: the package ``classifier.models``, which pyproject maps to ``models/``.

    A source checkout imported without installing (``PYTHONPATH=.``) has no such package, and a
    shared environment may map it to another checkout, so the ``models/`` folder beside this
    package wins when it holds the model; in an editable install that is the same folder."""
    checkout = Path(__file__).resolve().parent.parent / "models"
    if (checkout / "__init__.py").is_file() and (checkout / MODEL_FILE).is_file():
        return checkout
    spec = importlib.util.find_spec("classifier.models")
    if spec is None or not spec.submodule_search_locations:
        return checkout  # not installed as a package: Scorer.load then reports the missing file
    return Path(next(iter(spec.submodule_search_locations)))


#: Where the bundled model lives.
MODELS_DIR: Final = bundled_models_dir()
DEFAULT_MODEL: Final = MODELS_DIR / MODEL_FILE

#: Training defaults (the bundled model uses them): the highest false-positive rate on originals
#: allowed when choosing the threshold, and how many scraper-style pages to generate.
MAX_FPR: Final = 0.005
SYNTHETIC_PAGES: Final = 200
