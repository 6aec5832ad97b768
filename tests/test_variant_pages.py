"""The bundled model on tests/variants: scraper-style pages in markups the signals were not written for.

The pages were written without reading the signal code (``tests/variants/README.md``). The floors
are the counts measured when the set was added, and they only go up.
"""

from __future__ import annotations

from pathlib import Path

from classifier import Scorer
from classifier.training.dataset import load_labelled, read_page

MANIFEST = Path(__file__).parent / "variants" / "manifest.jsonl"
#: Low-quality pages that must be flagged (of 24), and originals that may be (of 16).
MIN_CAUGHT, MAX_FLAGGED = 20, 0


def test_variant_pages_are_told_apart() -> None:
    scorer = Scorer.load()
    pages = load_labelled([MANIFEST]).pages
    caught = flagged = 0
    for page in pages:
        data, kind = read_page(page)
        result = scorer.score_bytes(data, source=page.id, url=page.url, kind=kind)
        assert result.ok, f"{page.id}: {result.error}"
        hit = result.label == "low_quality"
        caught += hit and page.label == "low_quality"
        flagged += hit and page.label == "original"
    assert sum(p.label == "low_quality" for p in pages) == 24 and sum(p.label == "original" for p in pages) == 16
    assert caught >= MIN_CAUGHT, f"{caught} of 24 scraper-style pages flagged (floor {MIN_CAUGHT})"
    assert flagged <= MAX_FLAGGED, f"{flagged} of 16 originals flagged (at most {MAX_FLAGGED})"
