"""Rebuild the bundled model in models/ from ../shared/corpus (one command: python training/build_model.py)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.training.trainer import TrainConfig, train  # noqa: E402
from classifier.training.validation import render_summary  # noqa: E402


def main() -> int:
    """Train on the shared corpus and write models/newsqual.npz with its model card and plots."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "manifest.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "newsqual.npz")
    parser.add_argument("--synthetic", type=int, default=TrainConfig.synthetic)
    parser.add_argument("--max-fpr", type=float, default=TrainConfig.max_fpr)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if not args.corpus.is_file():
        print(f"corpus manifest not found: {args.corpus}", file=sys.stderr)
        return 2
    start = time.time()
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if time.time() - last[0] > 5 or done == total:
            last[0] = time.time()
            print(f"{stage}: {done}/{total}", file=sys.stderr)

    config = TrainConfig(max_fpr=args.max_fpr, synthetic=args.synthetic, jobs=args.jobs)
    outcome = train([args.corpus], args.out, config, progress)
    print(f"wrote {outcome.bundle_path} in {time.time() - start:.0f}s", file=sys.stderr)
    print(render_summary(outcome.card))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
