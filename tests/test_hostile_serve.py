"""Hostile clients of ``newsqual serve``, over real sockets on 127.0.0.1: slowloris, idle, floods, bad text.

The service runs in uvicorn in a thread with short limits, so each timeout is seen within
a second or two; raw sockets send exactly the bytes each attack needs.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from classifier.options import ScoreOptions
from classifier.scorer import Scorer
from classifier.serve import ServeLimits, create_app, server_config

from .hostile import bounded  # noqa: F401 - autouse time and memory bound

pytestmark = pytest.mark.timeout(30)

LIMITS = ServeLimits(max_body=256 * 1024, max_concurrent=2, max_connections=40, header_timeout=0.5,
                     body_timeout=1.0, keep_alive=1)
PAGE = "<html><head><title>Council votes</title></head><body><p>The council voted on the budget.</p></body></html>"


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    """The service with short limits on a free 127.0.0.1 port."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    app = create_app(Scorer.load(options=ScoreOptions(page_budget=60.0)), limits=LIMITS)
    server = uvicorn.Server(server_config(app, LIMITS, log_level="warning", lifespan="off", log_config=None))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(10)
    sock.close()


def connect(port: int) -> socket.socket:
    """A raw connection to the service."""
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def read_all(sock: socket.socket, limit: float = 5.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and the seconds that took."""
    started = time.monotonic()
    sock.settimeout(limit)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data, time.monotonic() - started


def post(body: bytes, content_type: str = "application/json", length: int | None = None) -> bytes:
    """The bytes of a POST /score request head plus ``body``."""
    size = len(body) if length is None else length
    return (f"POST /score HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\nContent-Length: {size}\r\n\r\n"
            .encode() + body)


def status(response: bytes) -> int:
    """The status code of a raw HTTP response."""
    return int(response.split(b" ", 2)[1])


def json_body(response: bytes) -> object:
    """The JSON body of a raw HTTP response."""
    return json.loads(response.split(b"\r\n\r\n", 1)[1])


class TestTimeouts:
    """Headers, bodies and idle connections cannot hold the server."""

    def test_a_silent_connection_is_closed(self, port: int) -> None:
        with connect(port) as sock:
            data, took = read_all(sock)
        assert data.startswith(b"HTTP/1.1 408 Request Timeout") and 0.4 < took < 2.0

    def test_headers_trickled_forever_are_cut(self, port: int) -> None:
        with connect(port) as sock:
            started = time.monotonic()
            for byte in b"POST /score HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"s" * 100:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    break
                time.sleep(0.05)
                if time.monotonic() - started > 3:
                    break
            data, _ = read_all(sock)
        assert data.startswith(b"HTTP/1.1 408 Request Timeout")
        assert time.monotonic() - started < 3

    def test_trickled_headers_of_a_second_request_are_cut(self, port: int) -> None:
        with connect(port) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            time.sleep(0.2)
            assert status(sock.recv(65536)) == 200
            started = time.monotonic()
            for byte in b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"s" * 60:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    break
                time.sleep(0.05)
            data, _ = read_all(sock)
        assert data.startswith(b"HTTP/1.1 408 Request Timeout") and time.monotonic() - started < 3

    def test_a_slow_body_gets_408(self, port: int) -> None:
        with connect(port) as sock:
            sock.sendall(post(b'{"text": "', length=1000))
            data, took = read_all(sock)
        assert status(data) == 408
        assert json_body(data) == {"error": "request body not received within 1 s"}
        assert took < 3

    def test_an_idle_keep_alive_connection_is_closed(self, port: int) -> None:
        with connect(port) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            time.sleep(0.2)
            first = sock.recv(65536)
            data, took = read_all(sock)
        assert status(first) == 200 and data == b"" and 0.5 < took < 3


class TestBounds:
    """Concurrent requests, connections, headers and bodies are capped."""

    def test_requests_past_the_cap_get_503(self, port: int) -> None:
        holders = [connect(port) for _ in range(LIMITS.max_concurrent)]
        try:
            for sock in holders:
                sock.sendall(post(b'{"text": "x', length=10_000))
            time.sleep(0.2)
            with connect(port) as sock:
                sock.sendall(post(json.dumps({"html": PAGE}).encode()))
                data, _ = read_all(sock, 3)
        finally:
            for sock in holders:
                sock.close()
        assert status(data) == 503 and b"retry-after: 1" in data.lower()
        assert json_body(data) == {"error": "busy: 2 requests in progress; retry shortly"}

    @pytest.mark.memory_mb(60)
    def test_many_unfinished_uploads_do_not_grow_memory(self, port: int) -> None:
        chunk = b"a" * (200 * 1024)
        socks = []
        try:
            for _ in range(30):
                sock = connect(port)
                sock.sendall(post(b'{"text": "' + chunk, length=LIMITS.max_body))
                socks.append(sock)
            time.sleep(0.5)
            started = time.monotonic()
            answers = [read_all(s, 3)[0] for s in socks]
            took = time.monotonic() - started
        finally:
            for sock in socks:
                sock.close()
        assert sorted(status(a) for a in answers) == [408] * LIMITS.max_concurrent + [503] * (30 - LIMITS.max_concurrent)
        assert took < 3  # every connection was answered and closed, none held open

    def test_a_body_over_the_limit_gets_413(self, port: int) -> None:
        with connect(port) as sock:
            sock.sendall(post(b"x" * 10, length=LIMITS.max_body + 1))
            data, _ = read_all(sock, 3)
        assert status(data) == 413

    def test_an_oversized_header_is_refused(self, port: int) -> None:
        with connect(port) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * 40_000 + b"\r\n\r\n")
            data, took = read_all(sock, 3)
        assert status(data) == 431 and took < 2

    def test_connections_past_the_cap_get_503(self, port: int) -> None:
        idle = [connect(port) for _ in range(LIMITS.max_connections)]
        try:
            time.sleep(0.1)
            with connect(port) as sock:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                data, _ = read_all(sock, 3)
        finally:
            for sock in idle:
                sock.close()
        assert status(data) == 503


class TestBadRequests:
    """Malformed text and vanished clients get clean answers and no tracebacks."""

    @pytest.mark.parametrize(("body", "message"), [
        ('{"text": "abc \\ud800 def"}', "'text' holds a lone surrogate (U+D800 at character 4), which is not Unicode text"),
        ('{"html": "<p>x</p>", "url": "http://a/\\udfff"}',
         "'url' holds a lone surrogate (U+DFFF at character 9), which is not Unicode text"),
    ])
    def test_lone_surrogates_get_400(self, port: int, body: str, message: str) -> None:
        with connect(port) as sock:
            sock.sendall(post(body.encode()).replace(b"Host: t", b"Host: t\r\nConnection: close"))
            data, _ = read_all(sock)
        assert status(data) == 400 and json_body(data) == {"error": message}

    def test_an_aborted_upload_logs_no_traceback(self, port: int, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO):
            for _ in range(5):
                with connect(port) as sock:
                    sock.sendall(post(b'{"text": "abc', length=5000))
                    time.sleep(0.05)
            time.sleep(0.3)
        assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
