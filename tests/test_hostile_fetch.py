"""Hostile servers and URLs: the address policy (stubbed, no packets), budgets and bombs (127.0.0.1).

The policy cases never send traffic to a private address: names resolve through a stub
resolver and connections go to :class:`hostile.StubBackend`, which replays canned
responses. The budget and bomb cases use a real server on 127.0.0.1 with
``allow_private=True``, as the other fetch tests do.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
from backports import zstd

from classifier.errors import FetchError
from classifier.io.addresses import address_kind
from classifier.io.fetch import fetch, make_client
from classifier.options import ScoreOptions
from classifier.scorer import Scorer

from .hostile import StubBackend, bounded, http_response, stub_resolver  # noqa: F401 - bounded is autouse

pytestmark = pytest.mark.timeout(30)

PUBLIC = "93.184.215.14"  # only ever "connected" to through the stub
PAGE = b"<html><head><title>Council votes</title></head><body><p>The council voted on the budget.</p></body></html>"
HINT = "not a public address; pass --allow-private-addresses (allow_private=True) to allow it"


def stub_client(table: dict[str, list[str]], responses: dict[str, bytes], peer: str | None = None,
                allow_private: bool = False) -> tuple[object, StubBackend]:
    """A fetch client resolving through ``table`` and connecting to a stub backend."""
    backend = StubBackend(responses, peer)
    client = make_client(resolver=stub_resolver(table), network_backend=backend, allow_private=allow_private)
    return client, backend


class TestAddressPolicy:
    """Private, loopback, link-local and reserved addresses are refused by default, at connect time."""

    @pytest.mark.parametrize(("host", "kind"), [
        ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.9", "private"), ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"), ("100.64.0.1", "carrier-grade NAT"), ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"), ("240.0.0.1", "private"), ("[::1]", "loopback"), ("[fe80::1]", "link-local"),
        ("[fd00::1]", "private"), ("[::ffff:127.0.0.1]", "loopback"), ("192.0.2.7", "private"),
    ])
    def test_ip_literals_are_refused_before_connecting(self, host: str, kind: str) -> None:
        client, backend = stub_client({}, {})
        with client, pytest.raises(FetchError) as info:  # type: ignore[attr-defined]
            fetch(f"http://{host}/latest/meta-data", client=client)  # type: ignore[arg-type]
        assert info.value.reason == f"refused to connect to {host.strip('[]')} ({kind}): {HINT}"
        assert backend.connects == []

    def test_a_name_resolving_to_private_addresses_is_refused(self) -> None:
        client, backend = stub_client({"intranet.example": ["10.0.0.5", "fd00::5"]}, {})
        with client, pytest.raises(FetchError) as info:  # type: ignore[attr-defined]
            fetch("http://intranet.example/admin", client=client)  # type: ignore[arg-type]
        assert info.value.reason == f"refused to connect to intranet.example (10.0.0.5 (private), fd00::5 (private)): {HINT}"
        assert backend.connects == []

    def test_only_the_public_address_of_a_mixed_answer_is_used(self) -> None:
        client, backend = stub_client({"news.example": ["10.0.0.5", PUBLIC]}, {PUBLIC: http_response(200, PAGE)})
        with client:  # type: ignore[attr-defined]
            got = fetch("http://news.example/story", client=client)  # type: ignore[arg-type]
        assert got.content == PAGE
        assert backend.connects == [(PUBLIC, 80)]

    def test_a_redirect_to_the_metadata_service_is_refused(self) -> None:
        moved = http_response(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
        client, backend = stub_client({"news.example": [PUBLIC]}, {PUBLIC: moved})
        with client, pytest.raises(FetchError) as info:  # type: ignore[attr-defined]
            fetch("http://news.example/story", client=client)  # type: ignore[arg-type]
        assert info.value.reason == f"refused to connect to 169.254.169.254 (link-local): {HINT}"
        assert backend.connects == [(PUBLIC, 80)]

    def test_a_redirect_to_a_name_that_resolves_privately_is_refused(self) -> None:
        moved = http_response(301, b"", {"Location": "http://rebind.example/"})
        client, backend = stub_client({"news.example": [PUBLIC], "rebind.example": ["127.0.0.1"]}, {PUBLIC: moved})
        with client, pytest.raises(FetchError) as info:  # type: ignore[attr-defined]
            fetch("http://news.example/", client=client)  # type: ignore[arg-type]
        assert info.value.reason == f"refused to connect to rebind.example (127.0.0.1 (loopback)): {HINT}"
        assert backend.connects == [(PUBLIC, 80)]

    def test_the_address_actually_connected_to_is_checked(self) -> None:
        client, backend = stub_client({"news.example": [PUBLIC]}, {PUBLIC: http_response(200, PAGE)}, peer="10.9.9.9")
        with client, pytest.raises(FetchError) as info:  # type: ignore[attr-defined]
            fetch("http://news.example/", client=client)  # type: ignore[arg-type]
        assert info.value.reason == "refused: news.example connected to 10.9.9.9 (private); pass --allow-private-addresses (allow_private=True) to allow it"

    def test_the_option_allows_private_addresses(self) -> None:
        client, backend = stub_client({"intranet.example": ["10.0.0.5"]}, {"10.0.0.5": http_response(200, PAGE)},
                                      allow_private=True)
        with client:  # type: ignore[attr-defined]
            assert fetch("http://intranet.example/", client=client).content == PAGE  # type: ignore[arg-type]
        assert backend.connects == [("10.0.0.5", 80)]

    def test_default_fetch_and_score_url_refuse_loopback(self) -> None:
        # Refused before any connection is attempted, so no packet goes to 127.0.0.1.
        with pytest.raises(FetchError, match="refused to connect to 127.0.0.1 \\(loopback\\)"):
            fetch("http://127.0.0.1:9/")
        result = Scorer.load().score_url("http://[::1]:9/")
        assert result.label == "error" and result.error == f"http://[::1]:9/: refused to connect to ::1 (loopback): {HINT}"

    def test_a_manifest_url_row_is_refused(self) -> None:
        from classifier.training.dataset import LabelledPage, read_page

        page = LabelledPage(id="p", label="original", category="original", group="g", lang=None, confidence=None,
                            url="http://169.254.169.254/latest/", published=None, origin="m.jsonl:1", path=None,
                            html=None, text=None)
        with pytest.raises(FetchError, match="link-local"):
            read_page(page)

    @pytest.mark.parametrize(("ip", "kind"), [("8.8.8.8", None), ("2606:4700::1111", None), ("::", "unspecified"),
                                              ("2001:db8::1", "private"), ("not-an-ip", "unparsable")])
    def test_address_kinds(self, ip: str, kind: str | None) -> None:
        assert address_kind(ip) == kind


# --- a real server on 127.0.0.1 --------------------------------------------------------------

_STOP = threading.Event()
GZIP_BOMB = gzip.compress(b"\0" * 200_000_000, compresslevel=1)
BR_BOMB = brotli.compress(b"a" * 200_000_000, quality=1)
ZSTD_BOMB = zstd.compress(b"a" * 200_000_000)
STACKED = brotli.compress(gzip.compress(b"\0" * 100_000_000, compresslevel=1), quality=1)
DEFLATE_BOMB = zlib.compress(b"\0" * 200_000_000, 1)
BOMBS = {"/gzip": (GZIP_BOMB, "gzip"), "/br": (BR_BOMB, "br"), "/zstd": (ZSTD_BOMB, "zstd"),
         "/stacked": (STACKED, "gzip, br"), "/deflate": (DEFLATE_BOMB, "deflate")}


class _Handler(BaseHTTPRequestHandler):
    """Hostile routes: trickles and decompression bombs."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """Dispatch on the path."""
        if self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for byte in PAGE:
                if _STOP.wait(0.3):
                    break
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    break
            self.close_connection = True
            return
        body, coding = BOMBS[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    """Threaded, and quiet when a client hangs up early (which is the point of these tests)."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore clients that went away."""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """A hostile server on a free 127.0.0.1 port."""
    _STOP.clear()
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _STOP.set()
    server.shutdown()
    server.server_close()


class TestBudgetAndBombs:
    """Running out of the fetch budget is an error; bombs stop at the cap."""

    def test_a_trickled_body_cut_by_the_budget_is_an_error(self, base: str) -> None:
        started = time.monotonic()
        with pytest.raises(FetchError) as info:
            fetch(f"{base}/trickle", budget=1.0, allow_private=True)
        assert info.value.reason == "timed out after 1 s"
        assert time.monotonic() - started < 4

    def test_score_url_reports_the_budget_not_a_score(self, base: str) -> None:
        scorer = Scorer.load(options=ScoreOptions(fetch_budget=1.0, allow_private_addresses=True))
        result = scorer.score_url(f"{base}/trickle")
        assert (result.label, result.score, result.error) == ("error", None, f"{base}/trickle: timed out after 1 s")

    @pytest.mark.memory_mb(40)  # each bomb expands to 100-200 MB
    @pytest.mark.parametrize("route", ["/gzip", "/br", "/zstd", "/stacked", "/deflate"])
    def test_decompression_bombs_stop_at_the_cap(self, base: str, route: str) -> None:
        with pytest.raises(FetchError) as info:
            fetch(f"{base}{route}", max_bytes=1_000_000, allow_private=True)
        assert info.value.reason == "response larger than 976.6 KB limit"
