"""One frozen options object shared by the CLI, the Python API and the service."""

from __future__ import annotations

from dataclasses import dataclass

from . import settings


@dataclass(frozen=True, slots=True)
class ScoreOptions:
    """How pages are read, fetched and scored; every field has a safe default."""

    threshold: float | None = None  # None: the bundle's threshold
    top_reasons: int = 3
    max_bytes: int = settings.MAX_BYTES
    page_budget: float = settings.PAGE_TIME_BUDGET
    connect_timeout: float = settings.CONNECT_TIMEOUT
    read_timeout: float = settings.READ_TIMEOUT
    fetch_budget: float = settings.FETCH_BUDGET
    max_redirects: int = settings.MAX_REDIRECTS
    user_agent: str = settings.USER_AGENT
    allow_private_addresses: bool = False  # fetch loopback/private/link-local addresses too

    def __post_init__(self) -> None:
        """Reject values that cannot work, with a message naming the field."""
        if self.threshold is not None and not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if self.top_reasons < 0 or self.max_bytes <= 0 or self.page_budget <= 0:
            raise ValueError("top_reasons must be >= 0; max_bytes and page_budget must be positive")
