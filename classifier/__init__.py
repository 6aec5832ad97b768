"""newsqual: tell original news reporting from low-quality syndication, scrapers and spam.

    >>> from classifier import Scorer
    >>> scorer = Scorer.load()
    >>> result = scorer.score_html(html, url="https://example.com/story")
    >>> result.score, result.label, result.reasons

The scorer (and numpy with it) loads on first use of ``Scorer``, ``Result`` or ``Reason``, so the
console script can set up the process before numpy starts (see :mod:`classifier.entry`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import DataError, FetchError, InputError, ModelError, NewsqualError
from .options import ScoreOptions

if TYPE_CHECKING:
    from .scorer import Reason, Result, Scorer

__all__ = [
    "DataError",
    "FetchError",
    "InputError",
    "ModelError",
    "NewsqualError",
    "Reason",
    "Result",
    "ScoreOptions",
    "Scorer",
]
__version__ = "0.1.0"

_FROM_SCORER = frozenset({"Reason", "Result", "Scorer"})


def __getattr__(name: str) -> Any:
    """``Scorer``, ``Result`` and ``Reason``, imported from :mod:`classifier.scorer` on first use."""
    if name in _FROM_SCORER:
        from . import scorer  # noqa: PLC0415

        value = globals()[name] = getattr(scorer, name)  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
