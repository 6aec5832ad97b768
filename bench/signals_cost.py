"""Milliseconds per page of every signal, main's signals against this tree's, measured in one run.

Takes ~300 corpus pages (every 11th row), parses each with main's loader and with this tree's, then
times each registered signal over all pages (best of ``--rounds``). Signals that share one
per-page pass (the phrase families, the off-topic lists) show its cost on the first signal that
asks for it. Prints ms per page for both trees and the ratio after/before.

    python bench/signals_cost.py [--rev main] [--rounds 3] [--step 11]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from markers_corpus import load_pages, package  # noqa: E402


def cost(pkg: object, pages: list[object], rounds: int) -> dict[str, float]:
    """Signal name -> best ms per page over ``rounds`` passes, signals run in registry order per page."""
    signals = importlib.import_module(pkg.__name__ + ".signals").SIGNALS  # type: ignore[attr-defined]
    best = {s.name: float("inf") for s in signals}
    for _ in range(rounds):
        spent = dict.fromkeys(best, 0.0)
        for page in pages:
            for s in signals:
                start = time.perf_counter()
                s.func(page)
                spent[s.name] += time.perf_counter() - start
        best = {k: min(best[k], 1000 * v / len(pages)) for k, v in spent.items()}
    return best


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="main")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--step", type=int, default=11)
    args = parser.parse_args()
    old, new = package(args.rev), package(None)
    old_pages = [p for _, p in load_pages(old)[:: args.step]]
    new_pages = [p for _, p in load_pages(new)[:: args.step]]
    before, after = cost(old, old_pages, args.rounds), cost(new, new_pages, args.rounds)
    print(f"{len(new_pages)} pages, best of {args.rounds} rounds; ms per page")
    print(f"{'signal':30} {'before':>8} {'after':>8} {'ratio':>6}")
    for name in dict.fromkeys([*before, *after]):
        b, a = before.get(name), after.get(name)
        ratio = f"{a / b:6.2f}" if a is not None and b else "   new" if b is None else "  gone"
        print(f"{name:30} {b if b is not None else float('nan'):8.3f} {a if a is not None else float('nan'):8.3f} {ratio}")
    tb, ta = sum(before.values()), sum(after.values())
    print(f"{'all signals':30} {tb:8.3f} {ta:8.3f} {ta / tb:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
