"""Score a URL list from local servers with injected latency: concurrency 1 against the default, in one run.

Starts ``--hosts`` HTTP servers on 127.0.0.1, 127.0.0.2, ... (separate hosts, so the
per-host cap applies as it would on a real crawl), each answering every path with one of
the project's example pages after sleeping ``--latency`` seconds. Then scores ``--urls``
distinct URLs spread over the hosts twice through ``classifier.io.fetch_many.score_urls``:
once with concurrency 1 (the baseline, like the old one-client-per-URL loop without its
connection set-up) and once with the default ``CrawlOptions`` (8 in flight, 2 per host).
A third arm scores them the way ``score_many`` does, one ``score_url`` (and one new client)
per URL. Prints URLs/s of each arm and the ratios to concurrency 1.

    python bench/fetch_concurrency.py [--urls 1000] [--latency 0.01] [--hosts 4]
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from classifier import ScoreOptions, Scorer
from classifier.io.fetch_many import CrawlOptions, score_urls

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "examples" / "scraper_copy.html").read_bytes()


def serve(host: str, latency: float) -> tuple[ThreadingHTTPServer, str]:
    """A server on ``host`` answering every GET with PAGE after ``latency`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            """The page, late."""
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


def arm(scorer: Scorer, urls: list[str], crawl: CrawlOptions) -> float:
    """URLs scored per second with ``crawl``; every URL must score."""
    started = time.perf_counter()
    results = list(score_urls(scorer, urls, crawl))
    seconds = time.perf_counter() - started
    failed = [r for r in results if r.error]
    assert not failed, f"{len(failed)} failed, e.g. {failed[0].error}"
    return len(results) / seconds


def main() -> None:
    """Run both arms and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.01)
    parser.add_argument("--hosts", type=int, default=4)
    args = parser.parse_args()
    servers = [serve(f"127.0.0.{i + 1}", args.latency) for i in range(args.hosts)]
    urls = [f"{servers[i % args.hosts][1]}/story/{i}" for i in range(args.urls)]
    scorer = Scorer.load(options=ScoreOptions(allow_private_addresses=True))
    default = CrawlOptions()
    try:
        base = arm(scorer, urls, CrawlOptions(concurrency=1, per_host=1))
        fast = arm(scorer, urls, default)
        started = time.perf_counter()
        assert all(scorer.score_url(u).ok for u in urls)
        single = len(urls) / (time.perf_counter() - started)
    finally:
        for server, _ in servers:
            server.shutdown()
            server.server_close()
    print(f"{args.urls} URLs over {args.hosts} hosts, {args.latency * 1000:.0f} ms injected latency per response")
    print(f"  concurrency 1:                          {base:7.1f} URLs/s (baseline)")
    print(f"  default (concurrency {default.concurrency}, {default.per_host} per host): {fast:7.1f} URLs/s "
          f"({fast / base:.2f}x)")
    print(f"  score_url per URL (a client each):      {single:7.1f} URLs/s ({single / base:.2f}x)")


if __name__ == "__main__":
    main()
