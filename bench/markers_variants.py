"""How many rows of the marker variant tables (tests/test_markers.py) main's signals and this tree's get right.

For each family: positive rows that fire and negative rows that stay quiet, with main's signals
(each page parsed by main's loader) and with the working tree's. A signal new on this branch is
measured on main by its closest old signal (``PROXY``).

    python bench/markers_variants.py [--rev main]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _mainline import loader_of, mainline  # noqa: E402

from tests.test_markers import CASES, FIRE_AT, Case  # noqa: E402

#: New signal -> the main signal that measured the same idea, and its firing threshold.
PROXY = {"related_offtopic_lists": ("related_offtopic_share", 0.8), "dates_anachronism": ("dates_after_text", 2.0)}


def right(pkg: object, case: Case) -> bool:
    """True when ``pkg``'s signal gives the case's expected verdict."""
    name = pkg.__name__  # type: ignore[attr-defined]
    loader = loader_of(name)
    funcs = {s.name: s.func for s in importlib.import_module(name + ".signals").SIGNALS}
    signal, threshold = case.signal, FIRE_AT[case.signal]
    if signal not in funcs:
        signal, threshold = PROXY[signal]
    page = loader.load_page(case.content, url=case.url, headers=case.headers, kind=case.kind)
    return (funcs[signal](page).value >= threshold) == case.fires


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="main")
    args = parser.parse_args()
    old, new = mainline(args.rev), importlib.import_module("classifier")
    tally: Counter[tuple[str, bool, str]] = Counter()
    for case in CASES:
        tally[case.signal, case.fires, "n"] += 1
        tally[case.signal, case.fires, "before"] += right(old, case)
        tally[case.signal, case.fires, "after"] += right(new, case)
    print(f"{'marker':24} {'fires: before/after of n':>26} {'quiet: before/after of n':>26}")
    for signal in dict.fromkeys(c.signal for c in CASES):
        cells = [f"{tally[signal, f, 'before']:>6}/{tally[signal, f, 'after']:<3} of {tally[signal, f, 'n']:<3}"
                 for f in (True, False)]
        print(f"{signal:24} {cells[0]:>26} {cells[1]:>26}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
