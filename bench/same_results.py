"""Exactness check for speed work: this tree and another give byte-identical results on corpus pages.

    python bench/same_results.py TREE [--pages 300]   # e.g. git worktree add /tmp/before COMMIT

Each page of ``../shared/corpus`` (spread evenly over the manifest) is scored twice by each tree:
as a bare page and with HTTP ``Date``/``Last-Modified`` headers. The JSON of each ``Result.to_dict()``
must be the same bytes. It prints the count, the largest score or signal difference and the first
differing source.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import CORPUS, baseline_scorer, manifest  # noqa: E402

HEADERS = {"Date": "Tue, 05 Mar 2024 10:00:00 GMT", "Last-Modified": "Mon, 04 Mar 2024 09:00:00 GMT",
           "Content-Type": "text/html"}


def largest_gap(a: dict[str, object], b: dict[str, object]) -> float:
    """The largest absolute difference between the scores and signal values of two result dicts."""
    pairs = [(a["score"], b["score"])] + [(v, b["signals"].get(k)) for k, v in a["signals"].items()]  # type: ignore[attr-defined]
    gaps = [abs(x - y) for x, y in pairs if isinstance(x, float) and isinstance(y, float)]
    return max(gaps, default=0.0)


def main() -> int:
    """Score the pages with both trees and compare."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    from classifier import Scorer

    ours, theirs = Scorer.load(), baseline_scorer(args.tree)
    same = total = 0
    worst, first = 0.0, None
    for row in manifest(args.pages):
        data = gzip.decompress((CORPUS / row["file"]).read_bytes())
        for headers in (None, HEADERS):
            a = ours.score_bytes(data, row["file"], row.get("url"), headers).to_dict()
            b = theirs.score_bytes(data, row["file"], row.get("url"), headers).to_dict()  # type: ignore[attr-defined]
            total += 1
            if json.dumps(a) == json.dumps(b):
                same += 1
            else:
                first = first or row["file"]
                worst = max(worst, largest_gap(a, b))
    print(f"{same} of {total} results byte-identical to {args.tree}; largest score or signal difference "
          f"{worst:.1e}; first differing page: {first}")
    return 0 if same == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
