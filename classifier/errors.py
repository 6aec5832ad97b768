"""The exception tree of newsqual.

    NewsqualError            base of everything we raise on purpose
    ├── InputError           a page we cannot read: empty, binary, unknown file type
    ├── FetchError           a URL we could not fetch: network, HTTP status, type, size, timeout
    ├── PageBudgetError      a page whose signals did not finish within the page time budget
    ├── ModelError           a model bundle that is missing, tampered with or incompatible
    ├── DataError            labelled data with problems (every one listed in ``problems``)
    └── MissingDependency    an optional feature whose extra is not installed

A batch records a failed item with ``str(error)`` as its reason and goes on.
"""

from __future__ import annotations


class NewsqualError(Exception):
    """Base class of every error newsqual raises on purpose."""


class InputError(NewsqualError):
    """The input is not a page we can score (empty, binary, unreadable)."""


class FetchError(NewsqualError):
    """A URL could not be fetched; the message says why."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, retry_after: str | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status  # the HTTP status when the server answered with an error
        self.retry_after = retry_after  # the server's Retry-After header, if any


class PageBudgetError(NewsqualError):
    """The page time budget ran out before every signal was measured: the page is not scored."""


class ModelError(NewsqualError):
    """A model bundle is missing, tampered with, or does not fit this code."""


class DataError(NewsqualError):
    """Labelled data failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        head = f"{len(problems)} problem(s) in labelled data"
        super().__init__(head + ":\n  " + "\n  ".join(problems))
        self.problems = problems


class MissingDependency(NewsqualError):
    """An optional feature needs a package that is not installed; the message names the extra."""
