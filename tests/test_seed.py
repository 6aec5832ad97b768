"""The page newsqual was built for: an AP story on a scraper site, scored as a plain-text file."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier import Scorer

SEED = Path(__file__).parents[1].parent / "shared" / "seeds" / "000_20fef6640e83dfd0.txt"


@pytest.fixture(scope="module")
def seed_result():  # type: ignore[no-untyped-def]
    """The seed page scored as a .txt file, with every signal as a reason."""
    if not SEED.is_file():
        pytest.skip("../shared/seeds not found: the seed test needs the shared seed page")
    from classifier.options import ScoreOptions

    scorer = Scorer.load(options=ScoreOptions(top_reasons=100))
    return next(scorer.score_many([SEED]))


def test_seed_is_low_quality(seed_result) -> None:  # type: ignore[no-untyped-def]
    assert seed_result.error is None
    assert seed_result.label == "low_quality"


@pytest.mark.parametrize(
    ("signal", "evidence"),
    [
        ("junk_reaction_counter", "veryGood! (6745)"),
        ("junk_breadcrumb_title", "Current:Home > News"),
        ("related_offtopic_lists", "off-topic"),
        ("synd_wire_unattributed", "(AP)"),
    ],
)
def test_seed_reasons_name_the_markers(seed_result, signal: str, evidence: str) -> None:  # type: ignore[no-untyped-def]
    pushing = {r.signal: r for r in seed_result.reasons if r.contribution > 0}
    assert signal in pushing, f"{signal} does not push the seed towards low quality"
    assert evidence in pushing[signal].evidence
