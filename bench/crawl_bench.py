"""Crawl mode's speed and size, against baselines measured in the same run.

1. Signatures: pages/s of ``sign_page`` on parsed corpus pages (one core), against plain SHA-1
   hashing of the same body texts (the floor of any per-page hashing) and against scoring the
   same parsed pages (``Scorer.score_page``: what crawl mode adds to).
2. Index: build a reference index of N synthetic signatures (default 1,000,000) in a scratch
   folder, then time queries (a near-copy of a stored signature, and an unrelated one); the same
   at N/100 entries in the same run gives the ratio that shows query time does not grow with size.
3. Memory: bytes of N signatures in numpy, the process's RSS growth holding them, the index file size.

    PYTHONPATH=$PWD python bench/crawl_bench.py [--pages 600] [--entries 1000000] [--queries 300]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

from classifier.crawl import settings  # noqa: E402
from classifier.crawl.index import ReferenceIndex  # noqa: E402
from classifier.crawl.signatures import Signature, sign_page  # noqa: E402
from classifier.page.loader import load_page  # noqa: E402
from classifier.page.page import Page  # noqa: E402
from classifier.scorer import Scorer  # noqa: E402


def parsed_pages(limit: int) -> list[Page]:
    """The first ``limit`` corpus pages, parsed (parsing is shared with scoring, so not timed)."""
    rows = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text().splitlines()][:limit]
    out = []
    for r in rows:
        try:
            out.append(load_page(gzip.decompress((CORPUS / r["file"]).read_bytes()), url=r.get("url")))
        except Exception:  # noqa: BLE001, S112 - a page that cannot be parsed is not part of this bench
            continue
    return out


def rate(fn, items, rounds: int = 3) -> float:  # type: ignore[no-untyped-def]
    """Best items/s over ``rounds`` passes."""
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = max(best, len(items) / (time.perf_counter() - start))
    return best


def bench_signatures(n_pages: int) -> dict[str, float]:
    """Signature, SHA-1 and scoring rates on the same parsed pages."""
    pages = parsed_pages(n_pages)
    scorer = Scorer.load()
    sign = rate(sign_page, pages)
    sha = rate(lambda p: hashlib.sha1(p.body_text.encode("utf-8")).digest(), pages)
    score = rate(lambda p: scorer.score_page(p, "bench"), pages, rounds=1)
    words = statistics.median(len(p.body_words) for p in pages)
    return {"pages": len(pages), "median_body_words": words, "signatures_per_s": round(sign),
            "sha1_per_s": round(sha), "score_page_per_s": round(score),
            "signature_cost_vs_sha1": round(sha / sign, 2), "signature_share_of_scoring": round(score / sign, 3)}


def random_signatures(n: int, seed: int) -> np.ndarray:
    """``n`` random signatures (uint32, NUM_PERM columns)."""
    return np.random.default_rng(seed).integers(0, 2**32, size=(n, settings.NUM_PERM), dtype=np.uint32)


def build(folder: Path, n: int, chunk: int) -> float:
    """Build an index of ``n`` synthetic signatures, adding ``chunk`` at a time; seconds taken."""
    start = time.perf_counter()
    with ReferenceIndex.open(folder, create=True) as index:
        index.conn.execute("PRAGMA cache_size=-2000000")  # 2 GB of page cache: the band B-tree stays in memory
        index.conn.execute("PRAGMA synchronous=OFF")  # a bench index is scratch; a crash may lose it
        for lo in range(0, n, chunk):
            index.add_raw(random_signatures(min(chunk, n - lo), seed=lo), start=lo)
    return time.perf_counter() - start


def query_ms(folder: Path, n: int, queries: int) -> dict[str, float]:
    """Median and p95 query time (ms) for near-copies of stored signatures and for unrelated ones."""
    rng = np.random.default_rng(99)
    near, far = [], []
    found = 0
    with ReferenceIndex.open(folder) as index:
        for q in range(queries):
            blob = index.conn.execute("SELECT sig FROM pages WHERE id = ?", (int(rng.integers(n)),)).fetchone()[0]
            row = Signature.from_bytes(blob).values.copy()
            row[rng.choice(settings.NUM_PERM, 20, replace=False)] = rng.integers(0, 2**32, 20, dtype=np.uint32)
            start = time.perf_counter()
            found += bool(index.query(Signature(row, 0)))
            near.append((time.perf_counter() - start) * 1000)
            other = Signature(random_signatures(1, seed=10**9 + q)[0], 0)
            start = time.perf_counter()
            index.query(other)
            far.append((time.perf_counter() - start) * 1000)
    return {"near_median_ms": round(statistics.median(near), 3), "near_p95_ms": round(np.percentile(near, 95), 3),
            "unrelated_median_ms": round(statistics.median(far), 3), "near_found_share": round(found / queries, 3)}


def rss_mb() -> float:
    """Peak resident set size of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the three parts and print one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=600)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--chunk", type=int, default=1_000_000, help="signatures per add (all at once: a bulk load)")
    args = ap.parse_args()
    out: dict[str, object] = {"signatures": bench_signatures(args.pages)}
    before = rss_mb()
    held = random_signatures(args.entries, seed=1)
    out["memory"] = {"numpy_bytes_per_signature": held.itemsize * held.shape[1],
                     "numpy_mb_for_entries": round(held.nbytes / 2**20, 1),
                     "peak_rss_growth_mb": round(rss_mb() - before, 1)}
    del held
    with tempfile.TemporaryDirectory(prefix="newsqual-index-") as tmp:
        small, large = Path(tmp) / "small", Path(tmp) / "large"
        n_small = max(args.entries // 100, 1000)
        small_build = build(small, n_small, args.chunk)
        large_build = build(large, args.entries, args.chunk)
        qs, ql = query_ms(small, n_small, args.queries), query_ms(large, args.entries, args.queries)
        size = (large / "index.sqlite").stat().st_size + sum(p.stat().st_size for p in large.glob("index.sqlite-*"))
        out["index"] = {"entries": args.entries, "added_per_call": args.chunk, "build_s": round(large_build, 1),
                        "build_per_s": round(args.entries / large_build), "file_mb": round(size / 2**20, 1),
                        "bytes_per_entry": round(size / args.entries), "query": ql,
                        "small_entries": n_small, "small_build_s": round(small_build, 1), "small_query": qs,
                        "query_ratio_large_vs_small": round(ql["near_median_ms"] / qs["near_median_ms"], 2)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
