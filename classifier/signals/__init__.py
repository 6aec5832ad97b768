"""The signal registry: every signal newsqual measures, in one table.

Adding a signal means one function in a family module, one row here, and one test.
``raises_only=True`` marks a marker that can only make a page look worse (the model keeps its
weight at or above zero); text statistics and absences are left free.
Bump a signal's ``version`` when its meaning changes; model bundles record the versions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from ..errors import PageBudgetError
from ..page.page import Page
from . import counters, dates, junk, quality, related, syndication
from .base import Measure, Signal

__all__ = ["SIGNALS", "Measure", "Signal", "measure_all", "signal_versions"]

log = logging.getLogger(__name__)

SIGNALS: tuple[Signal, ...] = (
    Signal("related_offtopic_share", "related", related.offtopic_share, raises_only=True),
    Signal("related_offtopic_density", "related", related.offtopic_density, raises_only=True),
    Signal("related_offtopic_lists", "related", related.offtopic_lists, raises_only=True),
    Signal("related_named_lists", "related", related.named_lists),
    Signal("junk_reaction_counter", "junk", counters.reaction_counter, version=2, raises_only=True),
    Signal("junk_breadcrumb_title", "junk", counters.breadcrumb_title, version=2, raises_only=True),
    Signal("junk_template_leftover", "junk", junk.template_leftover, version=2, raises_only=True),
    Signal("junk_chatbot_phrase", "junk", junk.chatbot_phrase, version=2, raises_only=True),
    Signal("junk_spun_phrase", "junk", junk.spun_phrase, version=2, raises_only=True),
    Signal("junk_advert_lines", "junk", junk.advert_lines, raises_only=True),
    Signal("junk_mojibake", "junk", junk.mojibake, raises_only=True),
    Signal("junk_clickbait_title", "junk", junk.clickbait_title, version=2, raises_only=True),
    Signal("junk_llm_style", "junk", junk.llm_style, version=2, raises_only=True),
    Signal("dates_claims_disagree", "dates", dates.claims_disagree, raises_only=True),
    Signal("dates_future", "dates", dates.future_date, raises_only=True),
    Signal("dates_after_text", "dates", dates.date_after_text, version=2, raises_only=True),
    Signal("dates_anachronism", "dates", dates.anachronism, raises_only=True),
    Signal("dates_missing", "dates", dates.date_missing),
    Signal("synd_title_suffix_foreign", "syndication", syndication.title_suffix_foreign, raises_only=True),
    Signal("synd_wire_unattributed", "syndication", syndication.wire_dateline_unattributed, version=2, raises_only=True),
    Signal("synd_attribution_lines", "syndication", syndication.attribution_lines, version=3, raises_only=True),
    Signal("synd_author_generic", "syndication", syndication.author_generic, raises_only=True),
    Signal("synd_author_missing", "syndication", syndication.author_missing, version=2),
    Signal("synd_canonical_elsewhere", "syndication", syndication.canonical_elsewhere, raises_only=True),
    Signal("synd_article_schema_missing", "syndication", syndication.article_schema_missing),
    Signal("text_word_count", "quality", quality.word_count),
    Signal("text_mean_word_length", "quality", quality.mean_word_length),
    Signal("text_stopword_share", "quality", quality.stopword_share),
    Signal("text_punctuated_lines", "quality", quality.punctuated_line_share, version=2),
    Signal("text_duplicate_lines", "quality", quality.duplicate_line_share),
    Signal("text_body_repeated", "quality", quality.body_repeated, raises_only=True),
    Signal("text_short_lines", "quality", quality.short_line_share),
    Signal("text_compression_ratio", "quality", quality.compression_ratio, version=2),
    Signal("text_link_share", "quality", quality.link_text_share),
    Signal("text_body_share", "quality", quality.body_share),
    Signal("input_is_text", "quality", quality.is_text_page),
)


def signal_versions() -> dict[str, int]:
    """Name -> version of every registered signal (recorded in model bundles)."""
    return {s.name: s.version for s in SIGNALS}


def measure_all(page: Page, budget: float | None = None) -> dict[str, Measure]:
    """Every signal's measure on ``page``; raises PageBudgetError once ``budget`` seconds are used up.

    A page that runs out of time is never scored with the missing signals as 0 (that would
    let a slow page pass as original). A signal that raises is logged and counted as 0, so
    one bug cannot sink a whole batch.
    """
    start = time.perf_counter()
    out: dict[str, Measure] = {}
    for done, signal in enumerate(SIGNALS):
        if budget is not None and time.perf_counter() - start > budget:
            raise PageBudgetError(
                f"page time budget of {budget:g} s used up after {done} of {len(SIGNALS)} signals; not scored"
            )
        try:
            out[signal.name] = signal.func(page)
        except Exception as exc:  # one broken signal must not sink the whole page
            log.warning("signal %s failed on %s: %r", signal.name, page.url or "<page>", exc, exc_info=True)
            out[signal.name] = Measure(0.0, f"signal failed: {type(exc).__name__}")
    return out


def iter_docs() -> Iterator[tuple[str, str, str]]:
    """(name, family, one-line doc) of every signal."""
    for s in SIGNALS:
        yield s.name, s.family, s.doc
