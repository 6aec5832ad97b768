"""fetch_many against real servers on 127.0.0.1 and 127.0.0.2: pooling, concurrency caps, retries, robots.txt."""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from classifier.errors import FetchError
from classifier.io.fetch_many import CrawlOptions, FetchSettings, fetch_many, retry_delay

pytestmark = pytest.mark.timeout(60)

PAGE = b"<html><head><title>t</title></head><body><p>The council voted on the budget.</p></body></html>"
ALLOW = FetchSettings(allow_private=True, budget=10.0)


class _State:
    """What the servers saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: collections.Counter[str] = collections.Counter()
        self.peak: collections.Counter[str] = collections.Counter()
        self.total_peak = 0
        self.hits: collections.Counter[str] = collections.Counter()
        self.peers: set[tuple[str, int]] = set()


STATE = _State()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _send(self, status: int, body: bytes = PAGE, headers: dict[str, str] | None = None,
              ctype: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Routes: /slow/N, /flaky/N, /limited, /down, /robots.txt, /private/N."""
        host = self.headers.get("Host", "")
        with STATE.lock:
            STATE.hits[self.path] += 1
            hits = STATE.hits[self.path]
            STATE.peers.add(self.client_address)
        if self.path.startswith("/slow/"):
            with STATE.lock:
                STATE.in_flight[host] += 1
                STATE.peak[host] = max(STATE.peak[host], STATE.in_flight[host])
                STATE.total_peak = max(STATE.total_peak, sum(STATE.in_flight.values()))
            time.sleep(0.05)
            with STATE.lock:
                STATE.in_flight[host] -= 1
            self._send(200)
        elif self.path.startswith("/flaky/"):
            self._send(503, b"busy", {"Retry-After": "0"}) if hits <= 2 else self._send(200)
        elif self.path == "/limited":
            self._send(429, b"slow down", {"Retry-After": "1"}) if hits == 1 else self._send(200)
        elif self.path == "/too-long":
            self._send(429, b"slow down", {"Retry-After": "3600"})
        elif self.path == "/down":
            self._send(500, b"down")
        elif self.path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private\n", ctype="text/plain")
        else:
            self._send(200)


def _serve(host: str) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer((host, 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


@pytest.fixture(scope="module")
def bases() -> Iterator[list[str]]:
    """Two servers on two loopback addresses (two hosts for the per-host caps)."""
    servers = [_serve("127.0.0.1"), _serve("127.0.0.2")]
    yield [base for _, base in servers]
    for server, _ in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    """Each test counts from zero."""
    STATE.__init__()  # type: ignore[misc]


def test_results_come_in_input_order_with_bounded_concurrency(bases: list[str]) -> None:
    urls = [f"{bases[i % 2]}/slow/{i}" for i in range(40)]
    crawl = CrawlOptions(concurrency=4, per_host=2)
    got = list(fetch_many(urls, crawl, ALLOW))
    assert [u for u, _ in got] == urls
    assert all(not isinstance(r, FetchError) and r.content == PAGE for _, r in got)
    assert max(STATE.peak.values()) == 2  # per host
    assert STATE.total_peak <= 4
    assert len(STATE.peers) <= 4  # one pooled client: connections are reused


def test_per_host_cap_of_one(bases: list[str]) -> None:
    list(fetch_many([f"{bases[0]}/slow/{i}" for i in range(10)], CrawlOptions(concurrency=8, per_host=1), ALLOW))
    assert STATE.peak[bases[0].removeprefix("http://")] == 1


def test_503_is_retried_until_it_succeeds(bases: list[str]) -> None:
    [(_, got)] = list(fetch_many([f"{bases[0]}/flaky/1"], CrawlOptions(retries=2, backoff=0.01), ALLOW))
    assert not isinstance(got, FetchError) and STATE.hits["/flaky/1"] == 3


def test_retries_run_out_with_a_clear_error(bases: list[str]) -> None:
    [(_, got)] = list(fetch_many([f"{bases[0]}/down"], CrawlOptions(retries=2, backoff=0.01), ALLOW))
    assert isinstance(got, FetchError) and got.reason == "HTTP 500 Internal Server Error (after 3 attempts)"
    assert STATE.hits["/down"] == 3


def test_retry_after_is_honoured(bases: list[str]) -> None:
    started = time.monotonic()
    [(_, got)] = list(fetch_many([f"{bases[0]}/limited"], CrawlOptions(retries=1, backoff=0.0), ALLOW))
    assert not isinstance(got, FetchError) and time.monotonic() - started >= 0.95


def test_a_retry_after_over_the_limit_is_not_waited_for(bases: list[str]) -> None:
    started = time.monotonic()
    [(_, got)] = list(fetch_many([f"{bases[0]}/too-long"], CrawlOptions(retries=3, max_retry_after=5), ALLOW))
    assert isinstance(got, FetchError) and "Retry-After 3600 s is over the 5 s limit" in got.reason
    assert time.monotonic() - started < 2


def test_connection_errors_are_not_retried() -> None:
    started = time.monotonic()
    [(_, got)] = list(fetch_many(["http://127.0.0.1:9/x"], CrawlOptions(retries=3, backoff=1.0), ALLOW))
    assert time.monotonic() - started < 1
    assert isinstance(got, FetchError) and got.reason == "connection refused"


def test_robots_txt_is_honoured_when_asked(bases: list[str]) -> None:
    urls = [f"{bases[0]}/private/1", f"{bases[0]}/public/1", f"{bases[0]}/private/2"]
    got = dict(fetch_many(urls, CrawlOptions(respect_robots=True), ALLOW))
    assert [isinstance(got[u], FetchError) for u in urls] == [True, False, True]
    assert got[urls[0]].reason == "disallowed by robots.txt"  # type: ignore[union-attr]
    assert STATE.hits["/robots.txt"] == 1 and STATE.hits["/private/1"] == 0
    assert not any(isinstance(r, FetchError) for r in dict(fetch_many(urls, CrawlOptions(), ALLOW)).values())


def test_unreachable_robots_txt_disallows_the_host() -> None:
    [(_, got)] = list(fetch_many(["http://127.0.0.1:9/a"], CrawlOptions(respect_robots=True), ALLOW))
    assert isinstance(got, FetchError)
    assert got.reason == "robots.txt could not be read (connection refused); not fetching from this host"


def test_private_addresses_are_refused_by_default(bases: list[str]) -> None:
    [(_, got)] = list(fetch_many([f"{bases[0]}/page"]))
    assert isinstance(got, FetchError) and "refused to connect to 127.0.0.1 (loopback)" in got.reason


@pytest.mark.parametrize(("header", "expected"), [("5", 5.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_delay_reads_retry_after(header: str, expected: float) -> None:
    assert retry_delay(header, 0, 1.0) == expected


def test_retry_delay_backs_off_with_jitter() -> None:
    delays = [retry_delay(None, 3, 0.5) for _ in range(50)]
    assert all(2.0 <= d <= 4.0 for d in delays) and len(set(delays)) > 1


def test_score_many_reuses_one_client_for_its_urls(bases: list[str]) -> None:
    from classifier import ScoreOptions, Scorer

    scorer = Scorer.load(options=ScoreOptions(allow_private_addresses=True))
    results = list(scorer.score_many([f"{bases[0]}/page/{i}" for i in range(5)]))
    assert all(r.ok for r in results)
    assert len(STATE.peers) == 1  # one kept-alive connection, not one client (and connection) per URL


def test_the_cli_fetches_url_lists_with_retries_and_robots(bases: list[str]) -> None:
    import json

    from typer.testing import CliRunner

    from classifier.cli import app

    urls = [f"{bases[0]}/flaky/9", f"{bases[1]}/private/1", f"{bases[0]}/page/1"]
    out = CliRunner().invoke(app, ["score", "--json", "--allow-private-addresses", "--retries", "2", "--respect-robots",
                                   "--concurrency", "2", *urls])
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.exit_code == 1
    assert [r["source"] for r in rows] == urls
    assert [r["error"] for r in rows] == [None, f"{urls[1]}: disallowed by robots.txt", None]
    assert STATE.hits["/flaky/9"] == 3
