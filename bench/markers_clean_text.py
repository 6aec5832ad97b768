"""Markers on clean main text: originals extracted by trafilatura must not fire them.

Takes every ``--step``-th original of ../shared/corpus, extracts its main text with
``trafilatura.extract`` (no comments, no tables' markup), parses it as a plain-text page with main's
package and with this tree's, and prints how many pages each marker fires on, before and after.

    python bench/markers_clean_text.py [--rev main] [--step 11]
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _mainline import loader_of  # noqa: E402
from markers_corpus import CORPUS, FIRE_AT, package, rows  # noqa: E402


def clean_texts(step: int) -> list[str]:
    """Main text of every ``step``-th original (pages trafilatura finds no text in are left out)."""
    import trafilatura

    loader = importlib.import_module("classifier.page.loader")
    out = []
    for row in [r for r in rows() if r["label"] == "original"][::step]:
        html = loader.decode_page(gzip.decompress((CORPUS / str(row["file"])).read_bytes()), {}, 5_000_000)
        text = trafilatura.extract(html, include_comments=False)
        if text and len(text) > 200:
            out.append(text)
    return out


def fires(pkg: object, texts: list[str]) -> Counter[str]:
    """Marker -> clean texts it fires on, with ``pkg``'s loader and signals."""
    name = pkg.__name__  # type: ignore[attr-defined]
    loader = loader_of(name)
    funcs = {s.name: s.func for s in importlib.import_module(name + ".signals").SIGNALS if s.name in FIRE_AT}
    counts: Counter[str] = Counter()
    for text in texts:
        page = loader.load_page(text, kind="text")
        counts.update(n for n, f in funcs.items() if f(page).value >= FIRE_AT[n])
    return counts


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="main")
    parser.add_argument("--step", type=int, default=11)
    args = parser.parse_args()
    texts = clean_texts(args.step)
    before, after = fires(package(args.rev), texts), fires(package(None), texts)
    print(f"{len(texts)} clean-text originals; pages each marker fires on")
    for name in FIRE_AT:
        print(f"{name:28} {before[name]:6} {after[name]:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
