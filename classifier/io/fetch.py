"""Fetch one page over HTTP(S) with hard limits on size, time, redirects and type.

Everything a hostile or broken server can do ends in a :class:`FetchError` with a
short human reason: refused connections, stalls, bodies trickled one byte at a
time (a wall-clock ``budget`` covers the whole fetch, not just each read), huge
bodies (``max_bytes`` is enforced while streaming, also on the *decoded* size, so
a 30-byte brotli "bomb" cannot expand into gigabytes), redirect loops and
non-HTML content types. Running out of the budget is always an error, also when
the cut-off body looks complete. Only public addresses are connected to unless
``allow_private`` (see :mod:`classifier.io.addresses`), on every redirect hop.

Redirects are followed here rather than inside httpx so that the bodies of
redirect responses are never read, and content decoding (gzip, deflate, br, zstd)
is done by :mod:`classifier.page.decompress` with bounded output for the same reason;
httpx 0.28 would decode a whole network chunk at once.
"""

from __future__ import annotations

import errno
import logging
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import urlsplit

import httpcore
import httpx

from ..errors import FetchError
from ..page.decompress import CODINGS, CorruptData, UnsupportedCoding, chain_for, feed_chain
from ..settings import (
    CONNECT_TIMEOUT,
    FETCH_BUDGET,
    MAX_BYTES,
    MAX_REDIRECTS,
    READ_TIMEOUT,
    USER_AGENT,
)
from .addresses import AddressRefused, GuardedBackend, Resolver

logger = logging.getLogger(__name__)

#: Media types we score; a missing Content-Type is accepted too.
HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml", "text/plain"})


ACCEPT_ENCODING: Final = ", ".join(CODINGS)
ACCEPT: Final = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page: final URL, status, decoded body bytes and response headers."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content: bytes  # decoded from Content-Encoding (gzip/deflate/br)
    headers: Mapping[str, str]  # lower-cased keys, read-only
    charset: str | None  # from the Content-Type header, if any


# --------------------------------------------------------------------------- client


def make_client(
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
    user_agent: str = USER_AGENT,
    max_connections: int = 32,
    allow_private: bool = False,
    resolver: Resolver | None = None,
    network_backend: httpcore.NetworkBackend | None = None,
) -> httpx.Client:
    """Build a thread-safe, pooled client; ``fetch(url, client=...)`` uses its settings.

    Connections go through :class:`~classifier.io.addresses.GuardedBackend`: only public
    addresses unless ``allow_private``. ``resolver`` and ``network_backend`` replace name
    resolution and the sockets (tests use stubs). Proxy variables are ignored
    (``trust_env=False``): through a proxy the address policy could not see the target.
    """
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    transport = httpx.HTTPTransport(limits=limits, trust_env=False)
    backend = GuardedBackend(allow_private=allow_private, resolver=resolver, inner=network_backend)
    transport._pool = httpcore.ConnectionPool(  # the same pool httpx builds, with our backend
        ssl_context=transport._pool._ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return httpx.Client(
        headers={
            "User-Agent": user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        timeout=httpx.Timeout(
            connect=connect_timeout,
            read=read_timeout,
            write=read_timeout,
            pool=connect_timeout,
        ),
        follow_redirects=True,
        max_redirects=max_redirects,
        transport=transport,
        trust_env=False,
    )


def fetch(
    url: str,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = MAX_BYTES,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    budget: float = FETCH_BUDGET,
    max_redirects: int = MAX_REDIRECTS,
    user_agent: str = USER_AGENT,
    allow_private: bool = False,
) -> Fetched:
    """Fetch an HTML page or raise FetchError saying why not.

    With ``client`` given, its timeouts, redirect limit, User-Agent and address policy apply
    (see :func:`make_client`); ``max_bytes`` and ``budget`` always come from here. Without
    it, private, loopback and link-local addresses are refused unless ``allow_private``.
    """
    _check_url(url)
    if client is not None:
        return _fetch_with(client, url, max_bytes, budget, client.max_redirects)
    with make_client(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_redirects=max_redirects,
        user_agent=user_agent,
        max_connections=1,
        allow_private=allow_private,
    ) as own:
        return _fetch_with(own, url, max_bytes, budget, max_redirects)


def _check_url(url: str) -> None:
    """Raise FetchError unless ``url`` is an absolute http(s) URL with a host."""
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise FetchError(url.encode("unicode_escape").decode("ascii"), "invalid URL (white space or a control character)")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise FetchError(url, f"invalid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme!r}" if scheme else "missing"
        raise FetchError(url, f"unsupported URL scheme ({shown}; only http and https)")
    if not host:
        raise FetchError(url, "invalid URL (no host)")


def _fetch_with(
    client: httpx.Client, url: str, max_bytes: int, budget: float, max_redirects: int
) -> Fetched:
    """Run one fetch under a wall-clock deadline and turn transport errors into FetchError."""
    started = time.monotonic()
    deadline = _Deadline(budget)
    try:
        fetched = _fetch_inner(client, url, max_bytes, max_redirects, deadline)
    except FetchError as exc:
        logger.debug("fetch failed: %s", exc)
        raise
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        reason = _error_reason(exc, client.timeout, deadline)
        logger.debug("fetch failed: %s: %s (%r)", url, reason, exc)
        raise FetchError(url, reason) from exc
    finally:
        deadline.finish()
    logger.debug(
        "fetched %s -> %s (%d, %d bytes, %.2f s)",
        url,
        fetched.final_url,
        fetched.status,
        len(fetched.content),
        time.monotonic() - started,
    )
    return fetched


def _fetch_inner(
    client: httpx.Client,
    url: str,
    max_bytes: int,
    max_redirects: int,
    deadline: _Deadline,
) -> Fetched:
    """Send the request, follow redirects by hand, check the response and read the body."""
    request = client.build_request("GET", url, extensions={"trace": deadline.trace})
    response = client.send(request, stream=True, follow_redirects=False)
    try:
        hops = 0
        while response.next_request is not None:
            hops += 1
            if hops > max_redirects:
                plural = "" if max_redirects == 1 else "s"
                raise FetchError(url, f"more than {max_redirects} redirect{plural}")
            nxt = response.next_request
            if nxt.url.scheme not in ("http", "https"):
                raise FetchError(
                    url, f"unsupported URL scheme ({nxt.url.scheme!r}) in redirect"
                )
            deadline.check(url)
            logger.debug(
                "redirect %d: %s -> %s", response.status_code, response.url, nxt.url
            )
            deadline.release()
            response.close()  # the redirect body is never read
            response = client.send(nxt, stream=True, follow_redirects=False)
        deadline.watch(response)
        _check_response(url, response, max_bytes)
        content = _read_body(url, response, max_bytes, deadline)
        return Fetched(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            content=content,
            headers=MappingProxyType(
                {k.lower(): v for k, v in response.headers.items()}
            ),
            charset=response.charset_encoding,
        )
    finally:
        deadline.release()
        response.close()


def _check_response(url: str, response: httpx.Response, max_bytes: int) -> None:
    """Reject error statuses, non-HTML content types and declared oversize bodies."""
    status = response.status_code
    if not 200 <= status < 300:
        phrase = httpx.codes.get_reason_phrase(status) or response.reason_phrase
        reason = f"HTTP {status} {phrase}".rstrip()
        if 300 <= status < 400:
            reason += " (redirect without a usable Location header)"
        raise FetchError(url, reason, status=status, retry_after=response.headers.get("retry-after"))
    media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media and media not in HTML_TYPES:
        raise FetchError(url, f"not an HTML page (content-type {media})")
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(url, _too_large(max_bytes))


def _read_body(
    url: str, response: httpx.Response, max_bytes: int, deadline: _Deadline
) -> bytes:
    """Stream and decode the body, enforcing ``max_bytes`` (raw and decoded) and the deadline.

    A body that ends because the budget ran out (the deadline shuts the socket, which a
    close-delimited body cannot tell from its end) is an error, never a short page.
    """
    try:
        chain = chain_for(response.headers.get("content-encoding", ""))
    except UnsupportedCoding as exc:
        raise FetchError(url, str(exc)) from None
    body = bytearray()
    received = 0
    for raw in response.iter_raw():
        received += len(raw)
        if received > max_bytes:
            raise FetchError(url, _too_large(max_bytes))
        try:
            for piece in feed_chain(chain, raw):
                body += piece
                if len(body) > max_bytes:
                    raise FetchError(url, _too_large(max_bytes))
        except CorruptData as exc:
            raise FetchError(url, f"could not decode the {exc.coding} body ({exc})") from None
        deadline.check(url)
    deadline.check(url)
    if chain and not chain[0].complete and not body:
        raise FetchError(url, f"could not decode the {chain[0].name} body (it is cut short)")
    return bytes(body)


def _too_large(max_bytes: int) -> str:
    """Say the response is over the size limit, in MB or KB."""
    if max_bytes >= 1024 * 1024:
        return f"response larger than {max_bytes / (1024 * 1024):.1f} MB limit"
    return f"response larger than {max_bytes / 1024:.1f} KB limit"


# --------------------------------------------------------------------------- deadline


class _Deadline:
    """Wall-clock budget for one fetch; at expiry it shuts the socket so blocked reads end.

    The socket is learnt from httpcore's trace hook when a connection is opened, and
    from the response once headers arrive. A keep-alive connection reused from the
    pool is only known after its headers, so headers trickled on such a connection
    are bounded by the read timeout per read, not by the budget. DNS lookups are
    not interruptible either.
    """

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self._expires = time.monotonic() + budget
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._fired = False
        self._finished = False
        self._timer = threading.Timer(budget, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def expired(self) -> bool:
        """Return True once the budget is used up."""
        return self._fired or time.monotonic() >= self._expires

    def check(self, url: str) -> None:
        """Raise FetchError if the budget is used up."""
        if self.expired():
            raise FetchError(url, self.message())

    def message(self) -> str:
        """Return the human reason for running out of time."""
        return f"timed out after {self.budget:g} s"

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore trace hook: remember the socket of each new (TLS) connection."""
        if event in (
            "connection.connect_tcp.complete",
            "connection.start_tls.complete",
        ):
            self._remember(info.get("return_value"))

    def watch(self, response: httpx.Response) -> None:
        """Remember the socket behind ``response`` (covers reused pooled connections)."""
        self._remember(response.extensions.get("network_stream"))

    def release(self) -> None:
        """Forget the socket before its connection goes back to the pool."""
        with self._lock:
            self._sock = None

    def finish(self) -> None:
        """Stop the timer; after this the deadline never touches a socket."""
        with self._lock:
            self._finished = True
            self._sock = None
        self._timer.cancel()

    def _remember(self, stream: object) -> None:
        """Store the socket of an httpcore network stream, cutting it at once if late."""
        get_extra_info = getattr(stream, "get_extra_info", None)
        sock = get_extra_info("socket") if callable(get_extra_info) else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self._finished:
                return
            self._sock = sock
            if self._fired:
                _shutdown(sock)

    def _fire(self) -> None:
        """Timer callback: mark the deadline passed and unblock any pending read."""
        with self._lock:
            if self._finished:
                return
            self._fired = True
            if self._sock is not None:
                logger.debug(
                    "fetch budget of %g s used up; closing the connection", self.budget
                )
                _shutdown(self._sock)


def _shutdown(sock: socket.socket) -> None:
    """Shut a socket down for both directions, ignoring sockets already closed."""
    try:
        # socket.socket.shutdown, not SSLSocket.shutdown: cut the TCP stream under TLS
        # without touching the SSL object another thread is reading from.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


# --------------------------------------------------------------------------- errors


def _error_reason(exc: Exception, timeout: httpx.Timeout, deadline: _Deadline) -> str:
    """Turn an httpx exception into a short human reason."""
    if deadline.expired():
        return deadline.message()
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out (connect) after {_seconds(timeout.connect)}"
    if isinstance(exc, httpx.ReadTimeout):
        return f"timed out (read) after {_seconds(timeout.read)}"
    if isinstance(exc, httpx.WriteTimeout):
        return f"timed out (write) after {_seconds(timeout.write)}"
    if isinstance(exc, httpx.PoolTimeout):
        return f"timed out waiting for a free connection after {_seconds(timeout.pool)}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "unsupported URL scheme"
    if isinstance(exc, httpx.ConnectError):
        return _connect_reason(exc)
    if isinstance(exc, httpx.RemoteProtocolError):
        if "location header" in str(exc).lower():
            return "redirect to an invalid URL"
        return "server closed the connection or sent an invalid HTTP response"
    if isinstance(exc, httpx.ReadError):
        return "connection lost while reading the response"
    if isinstance(exc, httpx.InvalidURL):
        return f"invalid URL ({exc})"
    return f"request failed ({type(exc).__name__}: {exc})"


def _seconds(value: float | None) -> str:
    """Format a timeout like "10 s" or "0.5 s"."""
    return "no limit" if value is None else f"{value:g} s"


_ERRNO_REASONS: Final = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by the server",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "timed out (connect)",
}
_TEXT_REASONS: Final = (
    ("connection refused", "connection refused"),
    ("name or service not known", "could not resolve the host name"),
    ("temporary failure in name resolution", "could not resolve the host name"),
    ("nodename nor servname", "could not resolve the host name"),
    ("getaddrinfo failed", "could not resolve the host name"),
    ("no address associated", "could not resolve the host name"),
    ("certificate verify failed", "TLS certificate verification failed"),
    ("network is unreachable", "network unreachable"),
    ("no route to host", "host unreachable"),
)


def _connect_reason(exc: BaseException) -> str:
    """Find the OS-level cause of a connect error (refused, DNS, TLS...) and name it."""
    seen: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in seen and len(seen) < 10:
        seen.append(cause)
        if isinstance(cause, AddressRefused):
            return cause.reason
        if isinstance(cause, socket.gaierror):
            return "could not resolve the host name"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "TLS certificate verification failed"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed ({cause.reason or cause})"
        if isinstance(cause, OSError) and cause.errno in _ERRNO_REASONS:
            return _ERRNO_REASONS[cause.errno]
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(e) for e in seen).lower()
    for needle, reason in _TEXT_REASONS:
        if needle in text:
            return reason
    return f"could not connect ({exc})" if str(exc) else "could not connect"
