"""How many real corpus pages each marker fires on, for main's signals and this tree's.

Loads every ``original`` and ``low_quality`` row of ../shared/corpus (HTML bytes decoded with
``classifier.page.loader.decode_page`` and parsed with ``load_page``), once with the ``main`` revision's
package and once with the working tree's, and prints per marker the pages it fires on (value at or
above the marker's threshold below) in each label, before and after. Parsed pages are cached in
/tmp (keyed by the parser sources), so a second run takes seconds.

    python bench/markers_corpus.py [--rev main] [--limit N] [--show SIGNAL]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib
import json
import pickle
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CORPUS = ROOT.parent / "shared" / "corpus"
CACHE = Path("/tmp/newsqual_markers_cache")
PARSER_FILES = ("loader.py", "html_parser.py", "text_parser.py", "layout.py", "dates.py", "page.py", "tokens.py",
                "decode.py", "settings.py")

from _mainline import loader_of  # noqa: E402

from tests.test_markers import FIRE_AT as MARKER_FIRE_AT  # noqa: E402 - one table of thresholds

#: Marker -> the value at which it counts as firing: the marker tests' table, plus main's continuous markers.
FIRE_AT = {
    **MARKER_FIRE_AT,
    "related_offtopic_share": 0.8,
    "related_offtopic_density": 1.0,
    "junk_advert_lines": 1.0,
    "junk_mojibake": 1.0,
}


def rows() -> list[dict[str, object]]:
    """Manifest rows labelled original or low_quality."""
    lines = (CORPUS / "manifest.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r["label"] in ("original", "low_quality")]


def package(rev: str | None) -> ModuleType:
    """The working tree's ``classifier`` (rev None) or the one at git revision ``rev``."""
    if rev is None:
        return importlib.import_module("classifier")
    from _mainline import mainline

    return mainline(rev)


def _key(pkg: ModuleType) -> str:
    """A digest of the parsing sources of ``pkg``."""
    base = Path(pkg.__file__).parent
    parts = [d / f for f in PARSER_FILES for d in (base, base / "page") if (d / f).exists()]
    return hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()[:16]


def load_pages(pkg: ModuleType, limit: int | None = None) -> list[tuple[dict[str, object], object]]:
    """(row, Page) for every row, parsed with ``pkg``'s loader (cached in /tmp)."""
    loader = loader_of(pkg.__name__)
    selected = rows()[:limit]
    path = CACHE / f"{pkg.__name__}-{_key(pkg)}-{len(selected)}.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    out = []
    for row in selected:
        data = gzip.decompress((CORPUS / str(row["file"])).read_bytes())
        try:
            text = loader.decode_page(data, {}, 5_000_000)
            out.append((row, loader.load_page(text, url=row.get("url"))))
        except Exception:  # noqa: BLE001 - a page the loader refuses is not counted
            continue
    CACHE.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def fire_counts(pkg: ModuleType, pages: list[tuple[dict[str, object], object]]) -> tuple[Counter[tuple[str, str]], dict]:
    """(signal, label) -> pages fired on, and signal -> example (id, evidence) list."""
    signals = importlib.import_module(pkg.__name__ + ".signals")
    funcs = {s.name: s.func for s in signals.SIGNALS if s.name in FIRE_AT}
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[tuple[str, str, str]]] = {}
    for row, page in pages:
        for name, func in funcs.items():
            m = func(page)
            if m.value >= FIRE_AT[name]:
                counts[name, str(row["label"])] += 1
                examples.setdefault(name, []).append((str(row["id"]), str(row["label"]), m.evidence))
    return counts, examples


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="main")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show", action="append", default=[], help="print the pages SIGNAL fires on (after)")
    parser.add_argument("--label", default="original", help="label whose pages --show prints")
    args = parser.parse_args()
    if not (CORPUS / "manifest.jsonl").is_file():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    old, new = package(args.rev), package(None)
    before_path = CACHE / f"before-{old.__name__}-{_key(old)}-{args.limit}.pkl"
    if before_path.is_file():
        before = pickle.loads(before_path.read_bytes())
    else:
        before, _ = fire_counts(old, load_pages(old, args.limit))
        before_path.write_bytes(pickle.dumps(before))
    new_pages = load_pages(new, args.limit)
    after, examples = fire_counts(new, new_pages)
    n = Counter(str(r["label"]) for r, _ in new_pages)
    print(f"{n['original']} originals, {n['low_quality']} low-quality pages; fires = value >= threshold")
    print(f"{'marker':28} {'thr':>5} {'orig before':>11} {'orig after':>10} {'%':>6} {'lowq before':>11} {'lowq after':>10}")
    for name, thr in FIRE_AT.items():
        if not any(k[0] == name for k in (*before, *after)) and name not in examples:
            continue
        o = after[name, "original"]
        print(f"{name:28} {thr:5.1f} {before[name, 'original']:11} {o:10} {100 * o / max(n['original'], 1):5.1f}% "
              f"{before[name, 'low_quality']:11} {after[name, 'low_quality']:10}")
    for name in args.show:
        for pid, label, ev in examples.get(name, []):
            if label == args.label:
                print(f"  {name} {pid} {label}: {ev[:150]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
