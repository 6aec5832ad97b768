"""Load-test the newsqual service on loopback and compare it with in-process scoring.

Starts ``classifier.serve.run`` in a subprocess on 127.0.0.1, drives a bounded concurrent
load from this process with httpx (``--concurrency`` requests in flight, until
``--max-requests`` or ``--duration`` seconds, whichever comes first), then scores the same
pages in-process with ``Scorer.score_html`` / ``score_text`` as the baseline. Prints
requests/s, p50/p99 latency, in-process pages/s and the ratio. Always stops the server.

    python bench/serve_load.py [--concurrency 8] [--max-requests 2000] [--duration 30] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent

EXAMPLES = ROOT / "examples"

#: The JSON payloads posted (in turn) and scored in-process for the baseline: the project's example pages.
PAGES: list[dict[str, str]] = [
    {"html": (EXAMPLES / "original_article.html").read_text(), "url": "https://riversideledger.example/news/flood"},
    {"html": (EXAMPLES / "scraper_copy.html").read_text(), "url": "https://dailytrendhub.example/news/flood"},
    {"text": (EXAMPLES / "scraper_dump.txt").read_text()},
]


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (briefly bound, then released for the server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(port: int, workers: int) -> Iterator[str]:
    """Run the service in a subprocess; yield its base URL once /health answers; always stop it."""
    code = f"from classifier.serve import run; run(host='127.0.0.1', port={port}, workers={workers})"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_healthy(base, proc, log)
            yield base
        finally:
            stop(proc)


def wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Any, timeout: float = 60.0) -> None:
    """Poll /health until it answers 200; fail with the server's log if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    log.seek(0)
    raise SystemExit(f"server did not start:\n{log.read().decode(errors='replace')[-2000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (it and its workers), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


async def drive(base: str, concurrency: int, max_requests: int, duration: float) -> tuple[list[float], int, float]:
    """Send requests with ``concurrency`` in flight; return latencies (s), error count and wall time."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        """Post pages until the request budget or the time is used up."""
        nonlocal issued, errors
        while issued < max_requests and time.perf_counter() < deadline:
            payload = PAGES[issued % len(PAGES)]
            issued += 1
            t0 = time.perf_counter()
            resp = await client.post("/score", json=payload)
            latencies.append(time.perf_counter() - t0)
            errors += resp.status_code != 200

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await client.post("/score", json=PAGES[0])  # warm-up, not counted
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - start


def in_process_rate(seconds: float = 5.0, max_pages: int = 2000) -> float:
    """Pages/s scoring the same pages in this process, one thread."""
    sys.path.insert(0, str(ROOT))  # run as a script, the package is not on the path
    from classifier.scorer import Scorer

    scorer = Scorer.load()
    done = 0
    start = time.perf_counter()
    while done < max_pages and time.perf_counter() - start < seconds:
        page = PAGES[done % len(PAGES)]
        if "html" in page:
            scorer.score_html(page["html"], url=page.get("url"))
        else:
            scorer.score_text(page["text"], url=page.get("url"))
        done += 1
    return done / (time.perf_counter() - start)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Parse options, run the load and the baseline, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    with server(free_port(), args.workers) as base:
        latencies, errors, wall = asyncio.run(drive(base, args.concurrency, args.max_requests, args.duration))
    baseline = in_process_rate()
    rate = len(latencies) / wall
    print(f"service: {len(latencies)} requests in {wall:.1f} s, concurrency {args.concurrency}, "
          f"{args.workers} worker(s), {errors} errors")
    print(f"  {rate:.1f} requests/s, latency p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms")
    print(f"in-process Scorer (one thread): {baseline:.1f} pages/s")
    print(f"service / in-process: {rate / baseline:.2f}")
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
