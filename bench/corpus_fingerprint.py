"""A fingerprint of what this tree's code makes of every corpus page, to prove a change leaves behaviour alone.

For each page of ``../shared/corpus`` and each view (as served, as a text dump, and for every
``clean_step``-th page its trafilatura main text): the signal vector (exact hex floats), a digest of
the hashed n-grams, and the bundled model's score, label and reasons. Run it in the tree before a
change and after it; the two files must be byte-identical (``cmp``). Works on the flat layout too.

    PYTHONPATH=TREE python bench/corpus_fingerprint.py OUT.jsonl [clean_step]
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:  # the pipeline layout, else the flat one (a revision before it)
    from classifier.training.dataset import LabelledPage, load_labelled, read_page
    from classifier.training.features import page_features, view_page
except ImportError:
    from classifier.dataset import LabelledPage, load_labelled, read_page  # type: ignore[no-redef]
    from classifier.features import page_features, view_page  # type: ignore[no-redef]
from classifier import ScoreOptions, Scorer  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "manifest.jsonl"
#: trafilatura's main texts only, keyed by its version and the page bytes, so a second run skips it.
CLEAN_CACHE = Path("/tmp/newsqual_fingerprint_clean")


def view_row(scorer: Scorer, page: LabelledPage, data: bytes | str, kind: Any, view: str) -> dict[str, Any]:
    """Signals, n-gram digest and score of one page in one view, or the error it gave."""
    try:
        parsed = view_page(data, page.url, kind, view, CLEAN_CACHE)  # type: ignore[arg-type]
        feats = page_features(parsed)
        result = scorer.score_page(parsed, page.id)
    except Exception as exc:  # a failing page is part of the fingerprint
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "score": float(result.score).hex() if result.score is not None else None, "label": result.label,
        "reasons": [(r.signal, float(r.contribution).hex(), r.evidence) for r in result.reasons],
        "signals": [float(x).hex() for x in feats.signals],
        "ngrams": hashlib.sha256(feats.idx.tobytes() + feats.val.tobytes()).hexdigest(),
    }


def page_row(scorer: Scorer, index: int, page: LabelledPage, clean_step: int) -> dict[str, Any]:
    """The fingerprint of one corpus page in each of its views."""
    row: dict[str, Any] = {"id": page.id, "label": page.label}
    try:
        data, kind = read_page(page)
    except Exception as exc:  # an unreadable page is part of the fingerprint
        row["error"] = repr(exc)
        return row
    for view in ("html", "text", "clean") if index % clean_step == 0 else ("html", "text"):
        row[view] = view_row(scorer, page, data, kind, view)
    return row


def main(argv: list[str]) -> int:
    """Write the fingerprint of every corpus page to ``argv[0]``."""
    out_path, clean_step = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 5
    scorer = Scorer.load(options=ScoreOptions(page_budget=600.0))  # no time cut-off on a loaded machine
    start = time.time()
    pages = load_labelled([CORPUS]).pages
    with out_path.open("w") as out:
        for i, page in enumerate(pages):
            out.write(json.dumps(page_row(scorer, i, page, clean_step)) + "\n")
    print(f"{len(pages)} pages in {time.time() - start:.0f}s -> {out_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
