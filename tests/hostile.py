"""Support for the hostile-input tests (``tests/test_hostile_*.py``): time and memory bounds, stubs.

Every hostile test runs under :func:`bounded` (autouse where imported): an address-space
limit (``RLIMIT_AS``, the process's size at the start plus :data:`HARD_LIMIT`) so a
regression fails with MemoryError instead of taking the machine down, and an RSS sampler
that fails the test when resident memory grew by more than its ``memory_mb`` mark (default
:data:`MEMORY_MB`). Time bounds come from ``pytest.mark.timeout`` in each module. With
``NEWSQUAL_HOSTILE_LOG=file`` each test appends one JSON line (test, outcome, seconds, peak
MB) for the totals in the hardening note.

The network stubs let the address-policy tests run without sending a packet:
:class:`StubBackend` is an httpcore network backend whose connections replay canned HTTP
responses and report whatever peer address the test asks for.
"""

from __future__ import annotations

import json
import os
import resource
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpcore
import psutil
import pytest

#: Default bound on resident-memory growth during one hostile test, in MB.
MEMORY_MB = 200
#: Extra address space allowed on top of the process's size when the test starts.
HARD_LIMIT = 1536 * 1024 * 1024


class _Sampler(threading.Thread):
    """Samples this process's RSS every few milliseconds and keeps the peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self._proc = psutil.Process()
        self.base = self._proc.memory_info().rss
        self.peak = self.base
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Sample until stopped."""
        while not self._stop_event.wait(0.005):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def stop(self) -> float:
        """Stop sampling; the peak growth in MB."""
        self._stop_event.set()
        self.join(1)
        self.peak = max(self.peak, self._proc.memory_info().rss)
        return (self.peak - self.base) / 1e6


@pytest.fixture(autouse=True)
def bounded(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the test under an address-space limit and assert its RSS growth stays under its mark."""
    marker = request.node.get_closest_marker("memory_mb")
    limit_mb = marker.args[0] if marker else MEMORY_MB
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    vms = psutil.Process().memory_info().vms
    cap = vms + HARD_LIMIT if hard == resource.RLIM_INFINITY else min(hard, vms + HARD_LIMIT)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    sampler = _Sampler()
    sampler.start()
    started = time.monotonic()
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        grown = sampler.stop()
        _log(request.node.nodeid, time.monotonic() - started, grown)
    assert grown < limit_mb, f"resident memory grew by {grown:.0f} MB (bound {limit_mb} MB)"


def _log(test: str, seconds: float, grown_mb: float) -> None:
    """Append one line to $NEWSQUAL_HOSTILE_LOG, if set."""
    path = os.environ.get("NEWSQUAL_HOSTILE_LOG")
    if path:
        with Path(path).open("a") as fh:
            fh.write(json.dumps({"test": test, "seconds": round(seconds, 3), "peak_mb": round(grown_mb, 1)}) + "\n")


def limit_address_space(megabytes: int) -> Callable[[], None]:
    """A ``preexec_fn`` capping a child process's address space."""

    def apply() -> None:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


# --- network stubs ---------------------------------------------------------------------------


def http_response(status: int = 200, body: bytes = b"", headers: Mapping[str, str] | None = None) -> bytes:
    """A complete HTTP/1.1 response with Content-Length."""
    head = {"Content-Type": "text/html; charset=utf-8", **(headers or {}), "Content-Length": str(len(body))}
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in head.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class StubStream(httpcore.NetworkStream):
    """A connection that replays one canned response and reports a chosen peer address."""

    def __init__(self, response: bytes, peer: tuple[str, int]) -> None:
        self._pending = response
        self._peer = peer
        self.sent = b""
        self.closed = False

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """The next piece of the canned response."""
        piece, self._pending = self._pending[:max_bytes], self._pending[max_bytes:]
        return piece

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Record what the client sent."""
        self.sent += buffer

    def close(self) -> None:
        """Mark closed."""
        self.closed = True

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> StubStream:
        """TLS is not simulated."""
        return self

    def get_extra_info(self, info: str) -> Any:
        """The peer address; no real socket."""
        return self._peer if info == "server_addr" else None


class StubBackend(httpcore.NetworkBackend):
    """Connections to IP addresses, answered from ``responses[ip]``; ``peer`` overrides the reported peer."""

    def __init__(self, responses: Mapping[str, bytes], peer: str | None = None) -> None:
        self.responses = dict(responses)
        self.peer = peer
        self.connects: list[tuple[str, int]] = []

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        """Record the connection and hand back a stream replaying the canned response."""
        self.connects.append((host, port))
        if host not in self.responses:
            raise httpcore.ConnectError(f"stub: no route to {host}")
        return StubStream(self.responses[host], (self.peer or host, port))

    def sleep(self, seconds: float) -> None:
        """No waiting in tests."""


def stub_resolver(table: Mapping[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver answering from ``table`` (host -> addresses); unknown names fail like DNS does."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"stub DNS: {host} not found")
        return list(table[host])

    return resolve
