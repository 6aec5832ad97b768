"""Adversarial ROC-AUC of the page generator, before (a git revision's generator) and after (this tree's).

Both generators make marker-free pages from the same sample of real originals, and both are
judged by the same check (:func:`classifier.training.adversarial.adversarial_check`): signal features and
a hashed n-gram model, folds grouped by site. Run from the repository root:

    PYTHONPATH=$PWD python bench/generator_adversarial.py [--base REV] [--sample 300] [--seed 0] [--with-markers]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from classifier.training.adversarial import AdversarialResult, Material, adversarial_check, bare_maker
from classifier.training.dataset import load_labelled
from classifier.training.synthetic import Generated, make_scraper_page

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus" / "manifest.jsonl"


def base_generator(rev: str) -> ModuleType:
    """``classifier/training/synthetic.py`` as it is at git revision ``rev``, imported as a classifier submodule."""
    source = subprocess.run(["git", "show", f"{rev}:classifier/training/synthetic.py"], check=True, capture_output=True,
                            text=True).stdout
    path = Path(tempfile.mkdtemp()) / "synthetic_base.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("classifier.training._synthetic_base", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def base_maker(module: ModuleType):  # noqa: ANN201 - returns a Maker
    """The revision's ``make_scraper_page`` with markers off, as an adversarial-check maker."""
    def make(article: Material, host: Material, headlines: Sequence[str], rng: random.Random) -> Generated:
        g = module.make_scraper_page(article.page, host.html, headlines, rng, markers=False)
        return Generated(g.html, g.url, tuple(g.markers))
    return make


def marked_maker(article: Material, host: Material, headlines: Sequence[str], rng: random.Random) -> Generated:
    """This tree's generator *with* markers: shows that the check does see scraper markers."""
    return make_scraper_page(article.page, host.html, headlines, rng, markers=True, article_html=article.html,
                             host_url=host.row.url)


def line(name: str, r: AdversarialResult, seconds: float) -> str:
    """One result row."""
    return (f"{name:<10} signal {r.signal_auc:.3f}  n-gram {r.ngram_auc:.3f} (body {r.body_auc:.3f}, "
            f"boilerplate {r.boilerplate_auc:.3f})  real {r.n_real} generated {r.n_generated}  "
            f"{'PASS' if r.passed() else 'FAIL'}  {seconds:.0f}s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run both generators through the check and print their ROC-AUCs."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="7f7977f", help="git revision of the 'before' generator")
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--only", choices=("base", "new"), default=None)
    ap.add_argument("--with-markers", action="store_true", help="also run this tree's generator with markers on")
    args = ap.parse_args(argv)
    originals = [p for p in load_labelled([CORPUS]).pages if p.label == "original"]
    arms = [("before", base_maker(base_generator(args.base))), ("after", bare_maker)]
    if args.with_markers:
        arms.append(("markers", marked_maker))
    for name, maker in arms:
        if args.only and name != "markers" and (args.only == "base") != (name == "before"):
            continue
        start = time.perf_counter()
        result = adversarial_check(originals, maker, sample=args.sample, seed=args.seed, jobs=args.jobs)
        print(line(name, result, time.perf_counter() - start), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
