"""newsqual: tell original news reporting from low-quality syndication, scrapers and spam.

    >>> from classifier import Scorer
    >>> scorer = Scorer.load()
    >>> result = scorer.score_html(html, url="https://example.com/story")
    >>> result.score, result.label, result.reasons
"""

from .errors import DataError, FetchError, InputError, ModelError, NewsqualError
from .options import ScoreOptions
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
