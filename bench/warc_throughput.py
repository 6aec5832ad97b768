"""Benchmark: WARC reading (fastwarc vs warcio), scoring on 1 process vs 2 Dask workers, JSONL fsync cost.

Run from the repository root::

    python bench/warc_throughput.py [--pages 2000] [--shards 8] [--repeat 3]

It writes a gzipped WARC of ``--pages`` HTML responses (each with its request record, as
crawlers write them) from pages generated inline, then prints records/s for each reader
through :func:`classifier.io.warc.iter_warc` and through each library's bare loop, scored
pages/s in one process and on a ``LocalCluster(n_workers=2, threads_per_worker=1)`` over
the same pages split into ``--shards`` shard files, and the cost of fsync per JSONL line.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from classifier.batch.distributed import score_shards
from classifier.io.output import JsonlSink
from classifier.io.warc import iter_warc
from classifier.scorer import Scorer

TOPICS = ("council budget", "river flooding", "school strike", "hospital waiting lists", "rail timetable")
SPAM = ("You won't believe", "Click here to read more", "Sponsored", "Related: 10 stars who", "Share this")


def page_html(i: int) -> bytes:
    """A generated news page; every third one is spammy syndication, each slightly different."""
    topic = TOPICS[i % len(TOPICS)]
    paras = "".join(
        f"<p>Paragraph {k} of story {i}: officials said on Tuesday that the {topic} plan would change "
        f"after {k + i % 7} public meetings, according to documents seen by our reporter.</p>"
        for k in range(6 + i % 5)
    )
    junk = "".join(f"<div class='promo'><a href='/p/{i}/{k}'>{SPAM[(i + k) % len(SPAM)]}</a></div>"
                   for k in range(12)) if i % 3 == 0 else ""
    return (
        f"<!doctype html><html><head><title>Story {i} about the {topic}</title>"
        f"<meta name='author' content='Reporter {i % 11}'>"
        f"<meta property='article:published_time' content='2024-05-{1 + i % 28:02d}T10:00:00Z'></head>"
        f"<body><article><h1>Story {i}: the {topic}</h1>{paras}</article>{junk}</body></html>"
    ).encode()


def write_warc(path: Path, indices: range | list[int]) -> None:
    """A gzipped WARC with one response (and its request) per page index."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsqual bench"}))
        for i in indices:
            url = f"https://news{i % 13}.example/story/{i}"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page_html(i)),
                                                          http_headers=http))
            req = StatusAndHeaders(f"GET /story/{i} HTTP/1.1", [("Host", f"news{i % 13}.example")],
                                   is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req))


def best_rate(fn: Callable[[], int], repeat: int) -> float:
    """Items per second of the fastest of ``repeat`` runs of ``fn`` (which returns its item count)."""
    best = float("inf")
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn()
        best = min(best, time.perf_counter() - start)
    return count / best


def bare_fastwarc(path: Path) -> int:
    """Response payloads read with fastwarc's own loop."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    return sum(1 for rec in ArchiveIterator(str(path), record_types=WarcRecordType.response) if rec.reader.read())


def bare_warcio(path: Path) -> int:
    """Response payloads read with warcio's own loop."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        return sum(1 for rec in ArchiveIterator(fh) if rec.rec_type == "response" and rec.content_stream().read())


def bench_readers(path: Path, repeat: int) -> None:
    """Print records/s of both readers, through iter_warc and bare."""
    rates = {
        "fastwarc": best_rate(lambda: sum(1 for _ in iter_warc(path, reader="fastwarc")), repeat),
        "warcio": best_rate(lambda: sum(1 for _ in iter_warc(path, reader="warcio")), repeat),
    }
    bare = {"fastwarc": best_rate(lambda: bare_fastwarc(path), repeat),
            "warcio": best_rate(lambda: bare_warcio(path), repeat)}
    for reader, rate in rates.items():
        print(f"  {reader:9s} iter_warc {rate:9.0f} HTML records/s   bare loop {bare[reader]:9.0f} response records/s")
    print(f"  fastwarc / warcio: {rates['fastwarc'] / rates['warcio']:.1f}x through iter_warc, "
          f"{bare['fastwarc'] / bare['warcio']:.1f}x bare")


def score_single(shards: list[Path], scorer: Scorer) -> int:
    """Score every page of the shards in this process."""
    results = [scorer.score_bytes(p.data, p.source, p.url, p.headers) for s in shards for p in iter_warc(s)]
    return len(results)


def bench_scoring(shards: list[Path], tmp: Path, pages: int, repeat: int) -> None:
    """Print scored pages/s in one process and on 2 Dask workers (runs interleaved), and the ratio."""
    from distributed import Client, LocalCluster

    scorer = Scorer.load()
    single: list[float] = []
    dask: list[float] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(2)
        for run in range(repeat + 1):  # run 0 loads the model in each worker ("cold")
            start = time.perf_counter()
            reports = score_shards(shards, tmp / f"out{run}", scheduler=client)
            dask.append(pages / (time.perf_counter() - start))
            assert sum(r.pages for r in reports) == pages, reports
            if run:
                single.append(best_rate(lambda: score_single(shards, scorer), 1))
    print(f"  1 process              {max(single):8.0f} pages/s (model loaded beforehand)")
    print(f"  2 Dask workers, cold   {dask[0]:8.0f} pages/s (includes loading the model in each worker)")
    print(f"  2 Dask workers, warm   {max(dask[1:]):8.0f} pages/s")
    print(f"  scaling 2 workers / 1 process: {max(dask[1:]) / max(single):.2f}x warm, "
          f"{dask[0] / max(single):.2f}x cold (CPUs here: {os.cpu_count()}, load average now "
          f"{os.getloadavg()[0]:.1f})")


def bench_fsync(tmp: Path, lines: int = 500) -> None:
    """Print the cost of fsync per JSONL line against the sink's flush-per-line policy."""
    row = {"source": "x" * 60, "score": 0.5, "label": "original", "reasons": [], "signals": {"a": 1.0} | {
        f"s{k}": 0.1234 for k in range(30)}, "final_url": "https://example.org/" + "y" * 40, "error": None}

    def every_line() -> int:
        with (tmp / "fsync.jsonl").open("wb") as fh:
            for _ in range(lines):
                fh.write(b"%d\n" % len(str(row)))
                fh.flush()
                os.fsync(fh.fileno())
        return lines

    def sink() -> int:
        with JsonlSink.open(tmp / "sink.jsonl") as out:
            for _ in range(lines):
                out.write(row)
        return lines

    per_line, policy = best_rate(every_line, 3), best_rate(sink, 3)
    print(f"  fsync every line  {per_line:9.0f} lines/s ({1e3 / per_line:.3f} ms/line)")
    print(f"  JsonlSink policy  {policy:9.0f} lines/s (flush every line, fsync every 1000 lines or 1 s)")


def main(argv: list[str] | None = None) -> None:
    """Build the WARC and shards, then run the three benchmarks."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsqual-bench-") as name:
        tmp = Path(name)
        whole = tmp / "all.warc.gz"
        write_warc(whole, range(args.pages))
        shards = []
        for k in range(args.shards):
            shards.append(tmp / f"shard-{k:03d}.warc.gz")
            write_warc(shards[-1], list(_share(args.pages, args.shards, k)))
        print(f"WARC: {args.pages} pages, {2 * args.pages + 1} records, {whole.stat().st_size / 1e6:.1f} MB gzipped")
        print(f"Reading (best of {args.repeat}):")
        bench_readers(whole, args.repeat)
        print(f"Scoring ({args.shards} shards):")
        bench_scoring(shards, tmp, args.pages, args.repeat)
        print("JSONL sink:")
        bench_fsync(tmp)


def _share(n: int, k: int, part: int) -> Iterator[int]:
    """The page indices of shard ``part`` of ``k`` (contiguous ranges)."""
    return iter(range(part * n // k, (part + 1) * n // k))


if __name__ == "__main__":
    main()
