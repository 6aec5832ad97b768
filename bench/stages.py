"""Where a page's time goes: CPU milliseconds per page for each stage of ``score_html``, in one process.

Each stage is timed on the same corpus pages (read from ../shared/corpus, never copied), best of
``--rounds``. The compiled walk and text channel are timed against their Python fallbacks in the
same run, so the ratios hold on a noisy machine.

    python bench/stages.py [--pages 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"


def best_ms(work: Callable[[], object], count: int, rounds: int) -> float:
    """The fastest of ``rounds`` runs of ``work``, in CPU milliseconds per page."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return 1e3 * best / count


def main() -> int:
    """Print one line per stage, then the C parts against their Python fallbacks."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (CORPUS / "manifest.jsonl").is_file():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2

    from classifier import Scorer
    from classifier.model import textchannel
    from classifier.page import html_parser
    from classifier.page.loader import load_page

    with open(CORPUS / "manifest.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh][: args.pages]
    pages = [(gzip.decompress((CORPUS / r["file"]).read_bytes()), r.get("url")) for r in rows]
    sources = [html_parser._XML_DECL.sub("", data.decode("utf-8", "replace"), count=1) for data, _ in pages]
    parsed = [load_page(data, url=url, kind="html") for data, url in pages]
    scorer = Scorer.load()
    n, r = len(pages), args.rounds

    def text_channel() -> None:
        for page in parsed:
            textchannel.vectorise(textchannel.page_terms(page))

    whole = best_ms(lambda: [scorer.score_html(d, url=u) for d, u in pages], n, r)
    load = best_ms(lambda: [load_page(d, url=u, kind="html") for d, u in pages], n, r)
    parse = best_ms(lambda: [html_parser._document(s) for s in sources], n, r)
    front = best_ms(lambda: [html_parser.read_html(s) for s in sources], n, r)
    text = best_ms(text_channel, n, r)
    print(f"{n} corpus pages, best of {r} rounds, CPU ms per page; C extensions built: "
          f"walk {html_parser.walk_c is not None}, text channel {textchannel._ctext is not None}")
    print(f"  score_html, in all                         {whole:6.2f}")
    print(f"  lxml parse                                 {parse:6.2f}")
    print(f"  strips, walk and head                      {front - parse:6.2f}")
    print(f"  decode, layout, dates (rest of load_page)  {load - front:6.2f}")
    print(f"  text channel (terms and vector)            {text:6.2f}")
    print(f"  signals and model (the rest)               {whole - load - text:6.2f}")

    if html_parser.walk_c is None or textchannel._ctext is None:
        return 0
    compiled = html_parser.walk_c, textchannel._ctext
    best = {"front C": float("inf"), "front Python": float("inf"), "text C": float("inf"), "text Python": float("inf")}
    for _ in range(r):  # interleaved: each round times both paths back to back
        for path in ("C", "Python"):
            if path == "Python":
                html_parser.walk_c, textchannel._ctext = None, None  # type: ignore[assignment]
            try:
                best[f"front {path}"] = min(best[f"front {path}"],
                                            best_ms(lambda: [html_parser.read_html(s) for s in sources], n, 1))
                best[f"text {path}"] = min(best[f"text {path}"], best_ms(text_channel, n, 1))
            finally:
                html_parser.walk_c, textchannel._ctext = compiled
    print(f"  C against the Python fallbacks, interleaved: parse, strips, walk and head {best['front C']:.2f} ms "
          f"against {best['front Python']:.2f} ({best['front Python'] / best['front C']:.2f}x); text channel "
          f"{best['text C']:.2f} ms against {best['text Python']:.2f} ({best['text Python'] / best['text C']:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
