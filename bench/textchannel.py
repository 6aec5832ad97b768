"""The text channel's cost per page (n-gram terms and hashing), against a git revision, same process.

    python bench/textchannel.py [--rev main] [--pages 300] [--rounds 3]

Pages are parsed once; each round times ``page_terms`` + ``vectorise`` of the working tree and of
``--rev`` over the same pages, interleaved, and checks that the two give identical arrays.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from _mainline import mainline  # noqa: E402

from classifier.model import textchannel as new  # noqa: E402
from classifier.page.loader import load_page  # noqa: E402


def corpus_pages(n: int) -> list:
    """Up to ``n`` parsed HTML pages from ../shared/corpus, in manifest order."""
    corpus = ROOT.parent / "shared" / "corpus"
    pages = []
    for line in (corpus / "manifest.jsonl").read_text().splitlines():
        row = json.loads(line)
        path = corpus / row["file"]
        if path.suffix == ".gz" and path.is_file():
            pages.append(load_page(gzip.decompress(path.read_bytes()), url=row.get("url"), kind="html"))
        if len(pages) >= n:
            break
    return pages


def cpu_ms(module, pages: list) -> float:
    """CPU milliseconds per page for terms and vector of every page."""
    start = time.process_time()
    for page in pages:
        module.vectorise(module.page_terms(page))
    return (time.process_time() - start) * 1000 / len(pages)


def main() -> int:
    """Print ms/page for each side and the ratio, per round, after checking identical arrays."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="main")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    old = importlib.import_module(mainline(args.rev).__name__ + ".model.textchannel")
    pages = corpus_pages(args.pages)
    if not pages:
        print("no corpus pages found under ../shared/corpus", file=sys.stderr)
        return 2
    for page in pages:
        (i1, v1), (i2, v2) = new.vectorise(new.page_terms(page)), old.vectorise(old.page_terms(page))
        if not (np.array_equal(i1, i2) and np.array_equal(v1, v2)):
            print(f"different arrays for {page.url}", file=sys.stderr)
            return 1
    print(f"{len(pages)} pages, identical arrays; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    for r in range(args.rounds):
        b, a = cpu_ms(old, pages), cpu_ms(new, pages)
        print(f"round {r + 1}: {args.rev} {b:.2f} ms/page, working tree {a:.2f} ms/page, {b / a:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
