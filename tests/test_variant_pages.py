"""The bundled model on tests/variants: scraper-style pages in markups the signals were not written for.

The pages were written without reading the signal code (``tests/variants/README.md``). The floors
are the counts measured when each set was added, and they only go up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier import Scorer
from classifier.training.dataset import load_labelled, read_page

VARIANTS = Path(__file__).parent / "variants"
#: Per set: low-quality pages, of them at least this many flagged; originals, of them at most this many.
SETS = {"a": (24, 20, 16, 0), "b": (30, 20, 20, 0)}


@pytest.mark.parametrize("name", sorted(SETS))
def test_variant_pages_are_told_apart(name: str) -> None:
    n_low, min_caught, n_orig, max_flagged = SETS[name]
    scorer = Scorer.load()
    pages = load_labelled([VARIANTS / name / "manifest.jsonl"]).pages
    caught = flagged = 0
    for page in pages:
        data, kind = read_page(page)
        result = scorer.score_bytes(data, source=page.id, url=page.url, kind=kind)
        assert result.ok, f"{page.id}: {result.error}"
        hit = result.label == "low_quality"
        caught += hit and page.label == "low_quality"
        flagged += hit and page.label == "original"
    assert [sum(p.label == lab for p in pages) for lab in ("low_quality", "original")] == [n_low, n_orig]
    assert caught >= min_caught, f"set {name}: {caught} of {n_low} scraper-style pages flagged (floor {min_caught})"
    assert flagged <= max_flagged, f"set {name}: {flagged} of {n_orig} originals flagged (at most {max_flagged})"
