"""Fetching URL lists the way crawlers do: one pooled client, bounded concurrency, retries, robots.txt.

:func:`fetch_many` fetches many URLs through one shared :func:`~classifier.io.fetch.make_client`
client (connections are pooled and kept alive), with at most ``concurrency`` fetches in
flight overall and ``per_host`` per host. A 429 or 5xx answer is retried up to ``retries``
times, waiting the server's ``Retry-After`` (seconds or an HTTP date, capped at
``max_retry_after``) or else an exponential back-off with jitter; the slot is released while
waiting. With ``respect_robots`` each host's ``/robots.txt`` is fetched once (with the same
limits and address policy) and disallowed URLs are not fetched: a missing robots.txt (4xx)
allows everything, an unreachable one (5xx, network) disallows the host, as RFC 9309 says.

Results come back in input order, at most ``concurrency * 4`` fetches ahead of the consumer,
so a list of a million URLs never holds a million futures. Every failure is a
:class:`~classifier.errors.FetchError` in place of the page; nothing is raised.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from ..errors import FetchError
from ..settings import CONNECT_TIMEOUT, FETCH_BUDGET, MAX_BYTES, MAX_REDIRECTS, READ_TIMEOUT, USER_AGENT
from .fetch import Fetched, fetch, make_client

log = logging.getLogger(__name__)

#: Statuses worth retrying: rate limiting and server-side failures.
RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
#: Largest robots.txt read.
ROBOTS_BYTES: Final = 512 * 1024


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """How a URL list is fetched."""

    concurrency: int = 8
    per_host: int = 2
    retries: int = 2
    backoff: float = 0.5  # first back-off, doubled per attempt
    max_retry_after: float = 60.0  # longer Retry-After values end the retries
    respect_robots: bool = False

    def __post_init__(self) -> None:
        """Reject values that cannot work."""
        if self.concurrency < 1 or self.per_host < 1 or self.retries < 0 or self.backoff < 0:
            raise ValueError("concurrency and per_host must be >= 1; retries and backoff must be >= 0")


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """The per-fetch limits (as in :func:`classifier.fetch.fetch`)."""

    max_bytes: int = MAX_BYTES
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    budget: float = FETCH_BUDGET
    max_redirects: int = MAX_REDIRECTS
    user_agent: str = USER_AGENT
    allow_private: bool = False


def retry_delay(retry_after: str | None, attempt: int, backoff: float, now: float | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): the Retry-After value, else back-off with jitter."""
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
        if when is not None:
            return max(0.0, when - (time.time() if now is None else now))
    return backoff * (2**attempt) * (0.5 + random.random() / 2)


class _HostSlots:
    """One semaphore per host, created on first use."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}

    def get(self, host: str) -> threading.Semaphore:
        """The semaphore of ``host``."""
        with self._lock:
            return self._slots.setdefault(host, threading.Semaphore(self._per_host))


class _Robots:
    """robots.txt rules per origin, fetched once each (the first caller fetches, others wait)."""

    def __init__(self, fetch_one: Any, user_agent: str) -> None:
        self._fetch = fetch_one
        self._agent = user_agent.split("/", 1)[0]
        self._lock = threading.Lock()
        self._rules: dict[str, Future[RobotFileParser | str]] = {}

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids ``url``, or None if it may be fetched."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            future = self._rules.get(origin)
            mine = future is None
            if mine:
                future = self._rules[origin] = Future()
        assert future is not None
        if mine:
            future.set_result(self._load(origin))
        rules = future.result()
        if isinstance(rules, str):
            return rules
        return None if rules.can_fetch(self._agent, url) else "disallowed by robots.txt"

    def _load(self, origin: str) -> RobotFileParser | str:
        """The parsed rules of ``origin``, or the reason the whole host is off limits."""
        parser = RobotFileParser()
        try:
            got: Fetched = self._fetch(f"{origin}/robots.txt", ROBOTS_BYTES)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                parser.parse([])  # no robots.txt: everything allowed
                return parser
            if exc.reason.startswith("not an HTML page"):  # served with a wrong type: treated as missing
                log.warning("%s/robots.txt: %s; treating it as absent", origin, exc.reason)
                parser.parse([])
                return parser
            return f"robots.txt could not be read ({exc.reason}); not fetching from this host"
        parser.parse(got.content.decode("utf-8", "replace").splitlines())
        return parser


def fetch_many(
    urls: Iterable[str], crawl: CrawlOptions | None = None, limits: FetchSettings | None = None, *, client: Any = None,
) -> Iterator[tuple[str, Fetched | FetchError]]:
    """Fetch every URL (see the module docstring); yields (url, page or error) in input order."""
    crawl = crawl or CrawlOptions()
    limits = limits or FetchSettings()
    own = client is None
    client = client or make_client(
        connect_timeout=limits.connect_timeout, read_timeout=limits.read_timeout, max_redirects=limits.max_redirects,
        user_agent=limits.user_agent, max_connections=crawl.concurrency, allow_private=limits.allow_private,
    )
    hosts = _HostSlots(crawl.per_host)

    def fetch_one(url: str, max_bytes: int) -> Fetched:
        return fetch(url, client=client, max_bytes=max_bytes, budget=limits.budget)

    robots = _Robots(fetch_one, limits.user_agent) if crawl.respect_robots else None
    pool = ThreadPoolExecutor(crawl.concurrency, thread_name_prefix="newsqual-fetch")
    try:
        yield from _in_order(pool, urls, crawl.concurrency * 4,
                             lambda url: _fetch_with_retries(url, fetch_one, limits.max_bytes, crawl, hosts, robots))
    finally:  # also when the consumer stops early (Ctrl-C): queued fetches are dropped, not waited for
        pool.shutdown(wait=False, cancel_futures=True)
        if own:
            client.close()


def _in_order(pool: ThreadPoolExecutor, urls: Iterable[str], window: int, work: Any) -> Iterator[tuple[str, Any]]:
    """Run ``work(url)`` on the pool at most ``window`` ahead; yield (url, outcome) in input order."""
    pending: deque[tuple[str, Future[Any]]] = deque()
    for url in urls:
        pending.append((url, pool.submit(work, url)))
        if len(pending) >= window:
            done_url, future = pending.popleft()
            yield done_url, future.result()
    while pending:
        done_url, future = pending.popleft()
        yield done_url, future.result()


def _fetch_with_retries(
    url: str, fetch_one: Any, max_bytes: int, crawl: CrawlOptions, hosts: _HostSlots, robots: _Robots | None,
) -> Fetched | FetchError:
    """One URL: robots check, then fetch under its host's slot, retrying 429/5xx."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    try:
        if robots is not None and host:
            refusal = robots.refusal(url)
            if refusal is not None:
                return FetchError(url, refusal)
        for attempt in range(crawl.retries + 1):
            try:
                with hosts.get(host):
                    return fetch_one(url, max_bytes)
            except FetchError as exc:
                if exc.status not in RETRY_STATUSES or attempt == crawl.retries:
                    if attempt and exc.status in RETRY_STATUSES:
                        return FetchError(url, f"{exc.reason} (after {attempt + 1} attempts)", status=exc.status)
                    return exc
                delay = retry_delay(exc.retry_after, attempt, crawl.backoff)
                if delay > crawl.max_retry_after:
                    return FetchError(url, f"{exc.reason} (Retry-After {delay:.0f} s is over the "
                                           f"{crawl.max_retry_after:g} s limit)", status=exc.status)
                log.debug("%s: %s; retrying in %.2f s", url, exc.reason, delay)
                time.sleep(delay)
    except FetchError as exc:  # robots.txt or the URL itself
        return exc
    raise AssertionError("unreachable")  # pragma: no cover


def limits_of(options: Any) -> FetchSettings:
    """The fetch limits of a ``ScoreOptions``."""
    o = options
    return FetchSettings(max_bytes=o.max_bytes, connect_timeout=o.connect_timeout, read_timeout=o.read_timeout,
                         budget=o.fetch_budget, max_redirects=o.max_redirects, user_agent=o.user_agent,
                         allow_private=o.allow_private_addresses)


def score_fetched(scorer: Any, url: str, got: Fetched | FetchError) -> Any:
    """The Result for one fetched URL (an error result for a failed fetch)."""
    from dataclasses import replace  # noqa: PLC0415

    from ..scorer import Result  # noqa: PLC0415 - the scorer does not import this module

    if isinstance(got, FetchError):
        return Result.failed(url, str(got))
    result = scorer.score_bytes(got.content, url, got.final_url, got.headers)
    return replace(result, final_url=got.final_url)


def score_urls(scorer: Any, urls: Iterable[str], crawl: CrawlOptions | None = None) -> Iterator[Any]:
    """Fetch ``urls`` with :func:`fetch_many` under ``scorer.options`` and score each; Results in input order."""
    for url, got in fetch_many(urls, crawl, limits_of(scorer.options)):
        yield score_fetched(scorer, url, got)
