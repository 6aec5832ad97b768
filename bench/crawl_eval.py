"""Crawl mode's figures on a test crawl from ../shared/corpus (see classifier.crawl.evaluation).

Run: PYTHONPATH=$PWD python bench/crawl_eval.py [--originals 200] [--copied 60] [--seed 0]
Prints one JSON object: copy precision/recall, original named, credit classified, the corpus's own
copy pairs found, page and site figures without (first) and with (second) crawl evidence, and the
share of scraper copies flagged for other values of COPY_LOGIT.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from classifier.crawl.evaluation import build_test_crawl, crawl_figures
from classifier.scorer import Scorer

MANIFEST = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "manifest.jsonl"


def main() -> None:
    """Build the crawl in a scratch folder, score it both ways, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--originals", type=int, default=200)
    ap.add_argument("--copied", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsqual-crawl-") as tmp:
        crawl = build_test_crawl(args.manifest, Path(tmp), args.originals, args.copied, seed=args.seed)
        figures = crawl_figures(crawl, Scorer.load())
    figures["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
