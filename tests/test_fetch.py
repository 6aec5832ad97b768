"""Tests for classifier.io.fetch against a real HTTP server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import gzip
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import brotli
import httpx
import pytest

from classifier.errors import FetchError
from classifier.io.fetch import Fetched, _connect_reason, fetch, make_client
from classifier.page.decode import decode_bytes

pytestmark = pytest.mark.timeout(60)

PAGE = (
    b"<!doctype html><html><head><title>Test page</title></head>"
    b"<body><p>Original reporting from the town council meeting.</p></body></html>"
)
CP1252_TEXT = "Café – “quoted” naïve €5"
CP1252_PAGE = f"<html><body><p>{CP1252_TEXT}</p></body></html>".encode("cp1252")
CP1252_META_PAGE = (
    '<html><head><meta charset="windows-1252"></head>'
    f"<body><p>{CP1252_TEXT}</p></body></html>"
).encode("cp1252")
BIG = b"<p>" + b"x" * 50_000 + b"</p>"

# Short limits used by the slow-server tests.
READ_TIMEOUT = 0.5
BUDGET = 1.5

_STOP = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    """Serves the test routes; HTTP/1.1 so keep-alive and chunked bodies are exercised."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        """Dispatch on the path."""
        path = urlsplit(self.path).path
        if path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, b"", headers={"Location": f"/loop/{n + 1}"})
            return
        route = ROUTES.get(path)
        if route is None:
            self._send(404, b"<h1>not found</h1>")
            return
        route(self)

    # helpers ---------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send a complete response with Content-Length."""
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _chunked(self, pieces: list[bytes], ctype: str = "text/html") -> None:
        """Send a chunked response with no Content-Length."""
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for piece in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def _wait(self, seconds: float) -> None:
        """Sleep, but wake up when the server shuts down."""
        _STOP.wait(seconds)

    def _drip(self, data: bytes, interval: float, limit: float = 10.0) -> None:
        """Write ``data`` one byte at a time until the client goes away."""
        end = time.monotonic() + limit
        try:
            for i in range(len(data)):
                if _STOP.is_set() or time.monotonic() > end:
                    break
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                self._wait(interval)
        except OSError:
            pass
        self.close_connection = True


def _page(h: _Handler) -> None:
    h._send(200, PAGE, headers={"Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"})


def _echo(h: _Handler) -> None:
    body = (
        f"<p>ua={h.headers.get('User-Agent')}</p>"
        f"<p>ae={h.headers.get('Accept-Encoding')}</p>"
    ).encode()
    h._send(200, body)


def _close_delimited(h: _Handler) -> None:
    """HTTP/1.0-style body: no length, ends when the connection closes."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    h.close_connection = True
    try:
        for _ in range(50):
            h.wfile.write(b"y" * 1000)
    except OSError:
        pass


def _stall_headers(h: _Handler) -> None:
    h._wait(10)
    h.close_connection = True


def _stall_body(h: _Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b"<p>start")
    h.wfile.flush()
    h._wait(10)
    h.close_connection = True


def _trickle_body(h: _Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.flush()
    h._drip(b"z" * 100_000, interval=0.1)


def _trickle_headers(h: _Handler) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"s" * 1000
    h._drip(head, interval=0.1)


def _gzip_bomb(h: _Handler) -> None:
    h._send(200, GZIP_BOMB, headers={"Content-Encoding": "gzip"})


def _br_bomb(h: _Handler) -> None:
    h._send(200, BR_BOMB, headers={"Content-Encoding": "br"})


_raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
RAW_DEFLATE_PAGE = _raw_deflate.compress(PAGE) + _raw_deflate.flush()
_bomb = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
GZIP_BOMB = _bomb.compress(b"\0" * 20_000_000) + _bomb.flush()
BR_BOMB = brotli.compress(b"a" * 100_000_000, quality=1)

ROUTES: dict[str, Callable[[_Handler], None]] = {
    "/page": _page,
    "/echo": _echo,
    "/r1": lambda h: h._send(301, b"", headers={"Location": "/r2"}),
    "/r2": lambda h: h._send(302, b"moved", headers={"Location": "/page"}),
    "/redirect-ftp": lambda h: h._send(
        302, b"", headers={"Location": "ftp://example.com/"}
    ),
    "/redirect-nowhere": lambda h: h._send(301, b"<p>moved</p>"),
    "/gzip": lambda h: h._send(
        200, gzip.compress(PAGE), headers={"Content-Encoding": "gzip"}
    ),
    "/br": lambda h: h._send(
        200, brotli.compress(PAGE), headers={"Content-Encoding": "br"}
    ),
    "/deflate": lambda h: h._send(
        200, zlib.compress(PAGE), headers={"Content-Encoding": "deflate"}
    ),
    "/deflate-raw": lambda h: h._send(
        200, RAW_DEFLATE_PAGE, headers={"Content-Encoding": "deflate"}
    ),
    "/bad-gzip": lambda h: h._send(
        200, b"\x1f\x8b\x08\x00garbagegarbage", headers={"Content-Encoding": "gzip"}
    ),
    "/zstd-cut": lambda h: h._send(
        200, b"(\xb5/\xfd", headers={"Content-Encoding": "zstd"}
    ),
    "/compress": lambda h: h._send(
        200, b"\x1f\x9d\x90", headers={"Content-Encoding": "compress"}
    ),
    "/gzip-bomb": _gzip_bomb,
    "/br-bomb": _br_bomb,
    "/cp1252-wrong": lambda h: h._send(
        200, CP1252_PAGE, ctype="text/html; charset=utf-8"
    ),
    "/cp1252-meta": lambda h: h._send(200, CP1252_META_PAGE, ctype="text/html"),
    "/pdf": lambda h: h._send(200, b"%PDF-1.7\n...", ctype="application/pdf"),
    "/json": lambda h: h._send(200, b"{}", ctype="application/json"),
    "/png": lambda h: h._send(200, b"\x89PNG\r\n\x1a\n", ctype="image/png"),
    "/plain": lambda h: h._send(
        200, b"just text", ctype="text/plain; charset=us-ascii"
    ),
    "/xhtml": lambda h: h._send(200, PAGE, ctype="application/xhtml+xml"),
    "/no-type": lambda h: h._send(200, PAGE, ctype=None),
    "/server-error": lambda h: h._send(503, b"<h1>busy</h1>"),
    "/big": lambda h: h._send(200, BIG),
    "/big-chunked": lambda h: h._chunked(
        [BIG[i : i + 1000] for i in range(0, len(BIG), 1000)]
    ),
    "/big-close": _close_delimited,
    "/stall-headers": _stall_headers,
    "/stall-body": _stall_body,
    "/trickle-body": _trickle_body,
    "/trickle-headers": _trickle_headers,
}


class _Server(ThreadingHTTPServer):
    """Threaded test server that stays quiet when a client hangs up early."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore clients that went away (size limits, timeouts); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """Start the test server on an ephemeral port; yield its base URL."""
    _STOP.clear()
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _STOP.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def _fails(url: str, **kwargs: object) -> tuple[FetchError, float]:
    """Fetch ``url`` expecting FetchError; return it and the seconds it took."""
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(url, **{"allow_private": True, **kwargs})  # type: ignore[arg-type]
    return info.value, time.monotonic() - started


# --------------------------------------------------------------------------- success


def test_fetch_page(base: str) -> None:
    got = fetch(f"{base}/page", allow_private=True)
    assert isinstance(got, Fetched)
    assert got.status == 200
    assert got.content == PAGE
    assert got.url == got.final_url == f"{base}/page"
    assert got.charset == "utf-8"
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    assert "date" in got.headers
    assert got.headers["last-modified"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert all(key == key.lower() for key in got.headers)


def test_fetched_is_read_only(base: str) -> None:
    got = fetch(f"{base}/page", allow_private=True)
    with pytest.raises(AttributeError):
        got.status = 500  # type: ignore[misc]
    with pytest.raises(TypeError):
        got.headers["x"] = "y"  # type: ignore[index]


def test_sends_user_agent_and_accept_encoding(base: str) -> None:
    text = fetch(f"{base}/echo", allow_private=True).content.decode()
    assert "ua=newsqual/" in text
    assert "gzip" in text and "deflate" in text and "br" in text
    assert "ua=probe/1" in fetch(f"{base}/echo", user_agent="probe/1", allow_private=True).content.decode()


def test_redirect_chain_reports_final_url(base: str) -> None:
    got = fetch(f"{base}/r1", allow_private=True)
    assert got.url == f"{base}/r1"
    assert got.final_url == f"{base}/page"
    assert got.status == 200
    assert got.content == PAGE


@pytest.mark.parametrize("route", ["/gzip", "/br", "/deflate", "/deflate-raw"])
def test_content_encoding_is_decoded(base: str, route: str) -> None:
    got = fetch(f"{base}{route}", allow_private=True)
    assert got.content == PAGE
    assert "content-encoding" in got.headers


@pytest.mark.parametrize("route", ["/plain", "/xhtml", "/no-type"])
def test_accepted_content_types(base: str, route: str) -> None:
    assert fetch(f"{base}{route}", allow_private=True).status == 200


def test_wrong_utf8_header_on_cp1252_body_decodes_as_cp1252(base: str) -> None:
    got = fetch(f"{base}/cp1252-wrong", allow_private=True)
    assert got.charset == "utf-8"
    text, encoding = decode_bytes(got.content, got.charset)
    assert CP1252_TEXT in text
    assert encoding == "cp1252"


def test_meta_charset_without_header_charset(base: str) -> None:
    got = fetch(f"{base}/cp1252-meta", allow_private=True)
    assert got.charset is None
    text, encoding = decode_bytes(got.content, got.charset)
    assert CP1252_TEXT in text
    assert encoding == "cp1252"


def test_shared_client_is_thread_safe(base: str) -> None:
    routes = ["/page", "/gzip", "/r1", "/br"] * 10
    with make_client(allow_private=True) as client, ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda r: fetch(f"{base}{r}", client=client), routes))
    assert all(r.content == PAGE for r in results)


def test_shared_client_survives_a_budget_kill(base: str) -> None:
    with make_client(read_timeout=READ_TIMEOUT, allow_private=True) as client:
        error, _ = _fails(f"{base}/trickle-body", client=client, budget=1.0)
        assert "timed out" in str(error)
        assert fetch(f"{base}/page", client=client).content == PAGE


# --------------------------------------------------------------------------- errors


def test_404_is_an_error(base: str) -> None:
    error, _ = _fails(f"{base}/missing")
    assert error.reason == "HTTP 404 Not Found"
    assert str(error) == f"{base}/missing: HTTP 404 Not Found"
    assert error.url == f"{base}/missing"


def test_5xx_is_an_error(base: str) -> None:
    error, _ = _fails(f"{base}/server-error")
    assert "HTTP 503" in error.reason


def test_redirect_loop(base: str) -> None:
    error, elapsed = _fails(f"{base}/loop/0")
    assert error.reason == "more than 5 redirects"
    assert elapsed < 5


def test_max_redirects_is_honoured(base: str) -> None:
    error, _ = _fails(f"{base}/r1", max_redirects=1)
    assert error.reason == "more than 1 redirect"
    with make_client(max_redirects=1, allow_private=True) as client:
        error, _ = _fails(f"{base}/r1", client=client)
    assert error.reason == "more than 1 redirect"


def test_redirect_to_other_scheme(base: str) -> None:
    error, _ = _fails(f"{base}/redirect-ftp")
    assert "unsupported URL scheme" in error.reason


def test_redirect_without_location(base: str) -> None:
    error, _ = _fails(f"{base}/redirect-nowhere")
    assert error.reason.startswith("HTTP 301")


@pytest.mark.parametrize(
    ("route", "ctype"),
    [("/pdf", "application/pdf"), ("/json", "application/json"), ("/png", "image/png")],
)
def test_non_html_content_type(base: str, route: str, ctype: str) -> None:
    error, _ = _fails(f"{base}{route}")
    assert error.reason == f"not an HTML page (content-type {ctype})"


@pytest.mark.parametrize("route", ["/big", "/big-chunked", "/big-close"])
def test_oversize_body(base: str, route: str) -> None:
    error, _ = _fails(f"{base}{route}", max_bytes=10_000)
    assert "larger than" in error.reason
    assert "9.8 KB" in error.reason


def test_default_size_limit_message(base: str) -> None:
    # The message names the real limit (5.0 MB by default).
    error, _ = _fails(f"{base}/gzip-bomb")
    assert error.reason == "response larger than 5.0 MB limit"


@pytest.mark.parametrize("route", ["/gzip-bomb", "/br-bomb"])
def test_decompression_bomb_stops_at_limit(base: str, route: str) -> None:
    error, elapsed = _fails(f"{base}{route}", max_bytes=10_000)
    assert "larger than" in error.reason
    assert elapsed < 5


def test_body_that_fits_just_under_limit(base: str) -> None:
    assert len(fetch(f"{base}/big", max_bytes=len(BIG), allow_private=True).content) == len(BIG)


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("/bad-gzip", "could not decode the gzip body"),
        ("/zstd-cut", "could not decode the zstd body"),
        ("/compress", "unsupported content-encoding"),
    ],
)
def test_bad_content_encoding(base: str, route: str, reason: str) -> None:
    error, _ = _fails(f"{base}{route}")
    assert reason in error.reason


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("/stall-headers", "timed out (read) after 0.5 s"),
        ("/stall-body", "timed out (read) after 0.5 s"),
        ("/trickle-body", "timed out after 1.5 s"),
        ("/trickle-headers", "timed out after 1.5 s"),
    ],
)
def test_slow_servers_time_out(base: str, route: str, expected: str) -> None:
    error, elapsed = _fails(f"{base}{route}", read_timeout=READ_TIMEOUT, budget=BUDGET)
    assert error.reason == expected
    assert elapsed < BUDGET + 2
    if "after 1.5 s" in expected:
        assert elapsed >= BUDGET - 0.1  # the trickle was read until the budget ran out


def test_budget_smaller_than_read_timeout(base: str) -> None:
    error, elapsed = _fails(f"{base}/stall-headers", read_timeout=10, budget=1.0)
    assert error.reason == "timed out after 1 s"
    assert elapsed < 3


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error, elapsed = _fails(f"http://127.0.0.1:{port}/", connect_timeout=2)
    assert error.reason == "connection refused"
    assert elapsed < 3


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "example.com/page",
        "mailto:a@b.c",
    ],
)
def test_unsupported_scheme(url: str) -> None:
    error, _ = _fails(url)
    assert "unsupported URL scheme" in error.reason


@pytest.mark.parametrize("url", ["http://", "https:///path", "http://[::1/"])
def test_invalid_url(url: str) -> None:
    error, _ = _fails(url)
    assert "invalid URL" in error.reason


def test_dns_failure_reason() -> None:
    # No resolver in tests: build the exception chain httpx produces for a DNS failure.
    try:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as low:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from low
    except httpx.ConnectError as exc:
        assert _connect_reason(exc) == "could not resolve the host name"


# --------------------------------------------------------------------------- through the scorer and the CLI


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    """The bundled model with short network timeouts."""
    from classifier import ScoreOptions, Scorer

    return Scorer.load(options=ScoreOptions(read_timeout=READ_TIMEOUT, fetch_budget=BUDGET, max_bytes=50_000, allow_private_addresses=True))


@pytest.mark.parametrize("route", ["/page", "/r1", "/gzip", "/cp1252-wrong", "/cp1252-meta", "/no-type"])
def test_score_url_scores_pages(base: str, scorer, route: str) -> None:  # type: ignore[no-untyped-def]
    result = scorer.score_url(f"{base}{route}")
    assert result.error is None  # fetched and judged: a score, or too little text for one
    assert result.label == "too_little_text" if result.score is None else 0.0 <= result.score <= 1.0
    assert result.final_url == f"{base}/page" if route == "/r1" else result.final_url == f"{base}{route}"


@pytest.mark.parametrize(
    ("route", "expected"),
    [("/missing", "404"), ("/pdf", "content-type"), ("/big", "larger than"), ("/stall-body", "timed out")],
)
def test_score_url_failures_are_results(base: str, scorer, route: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = scorer.score_url(f"{base}{route}")
    assert result.label == "error" and expected in (result.error or "")
    assert time.monotonic() - started < BUDGET + 2


def test_cli_scores_urls_and_goes_on_past_failures(base: str) -> None:
    import json

    from typer.testing import CliRunner

    from classifier.cli import app

    out = CliRunner().invoke(app, ["score", "--json", "--allow-private-addresses", f"{base}/missing", f"{base}/r1"])
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.exit_code == 1
    assert "404" in rows[0]["error"] and rows[1]["error"] is None and rows[1]["final_url"].endswith("/page")
