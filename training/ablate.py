"""Leave-one-collection-out figures of recipe and signal variants, side by side, from one measurement.

Every modelling choice in models/MODEL.md is made on these figures. The corpus is measured once
(through the feature cache); each variant then refits and scores every held-out collection.

    python training/ablate.py                                  # the bundled recipe only
    python training/ablate.py "no-text: text_tail=1" "no-dates: drop=dates_missing"

A variant is ``NAME: key=value; key=value``: ``drop`` takes comma-separated signal names (their
column is zeroed, so no tree can use it); any other key is a Recipe field.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.signals import SIGNALS  # noqa: E402
from classifier.training.recipe import Recipe  # noqa: E402
from classifier.training.trainer import TrainConfig, measure_corpus, validate_rows  # noqa: E402


def parse_variant(text: str) -> tuple[str, list[str], dict[str, Any]]:
    """``NAME: key=value; ...`` as (name, signals to drop, Recipe overrides); raises ValueError on a bad key."""
    name, _, spec = text.partition(":")
    drop: list[str] = []
    over: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(Recipe)}
    known = {s.name for s in SIGNALS}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        key, _, value = (x.strip() for x in part.partition("="))
        if key == "drop":
            drop = [d for d in value.split(",") if d]
            if unknown := set(drop) - known:
                raise ValueError(f"unknown signal(s): {', '.join(sorted(unknown))}")
        elif key in fields:
            kind = type(getattr(Recipe(), key))
            over[key] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
        else:
            raise ValueError(f"{key!r} is neither 'drop' nor a Recipe field ({', '.join(fields)})")
    return name.strip() or "variant", drop, over


def summary(name: str, report: dict[str, Any], seconds: float) -> str:
    """One line: ROC-AUC / era ROC-AUC per view, headline recall and FPR, the worst large collection."""
    views = report["views"]
    cells = [f"{v} {views[v]['roc_auc']['value']:.3f}/{views[v]['era_auc']['value']:.3f}" for v in ("html", "text", "clean")
             if v in views]
    head = report["headline"]
    return (f"{name:14s} " + "  ".join(cells) + f"  recall {head['recall']['value']:.3f}  fpr {head['fpr']['value']:.3f}"
            f"  worst {report['worst_large_collection_fpr']:.3f}  ({seconds:.0f}s)")


def main() -> int:
    """Measure the corpus once, then print one line of figures per variant (the bundled recipe first)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="*", help="NAME: key=value; ... (see above)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "manifest.jsonl")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    try:
        variants: list[tuple[str, list[str], dict[str, Any]]] = [("bundled", [], {})] + [parse_variant(v) for v in args.variants]
    except ValueError as exc:
        parser.error(str(exc))
    if not args.corpus.is_file():
        print(f"corpus manifest not found: {args.corpus}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    config = TrainConfig(jobs=args.jobs, n_boot=0)
    rows = measure_corpus(args.corpus, config)
    names = [s.name for s in SIGNALS]
    print("ROC-AUC/era ROC-AUC per view, recall and FPR at the threshold (HTML), worst collection with 100+ originals")
    base_X = rows.data.X
    for name, drop, over in variants:
        start = time.time()
        X = base_X.copy()
        for signal in drop:
            X[:, names.index(signal)] = 0.0
        rows.data.X = X
        result = validate_rows(rows, dataclasses.replace(config, recipe=dataclasses.replace(Recipe(), **over)))
        print(summary(name, result.report, time.time() - start), flush=True)
    rows.data.X = base_X
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
