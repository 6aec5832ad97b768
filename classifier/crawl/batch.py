"""Crawl mode over one batch: score pages as usual, keep each page's facts and signature from the
same parse, then find copies across the batch and fold the verdicts into the results.

:class:`CollectingScorer` is a :class:`~classifier.scorer.Scorer` whose ``score_page`` also records
what crawl mode needs; every input path of the scorer (files, folders, WARC records, URLs, stdin)
goes through ``score_page`` after its one parse, so no page is parsed twice.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..page import Page
from ..scorer import Result, Scorer
from .facts import PageFacts, page_facts
from .lsh import find_pairs
from .original import Member, Verdict, assign
from .reasons import combine, skip_reason, verdict_reason
from .signatures import Signature, Skip, sign_page

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Entry:
    """What crawl mode keeps of one page: its facts, and its signature or why it has none."""

    facts: PageFacts
    signature: Signature | None
    skip: str = ""


def entry_of(page: Page, source: str) -> Entry:
    """The crawl entry of a parsed page."""
    sig = sign_page(page)
    if isinstance(sig, Skip):
        return Entry(page_facts(page, source), None, sig.reason)
    return Entry(page_facts(page, source), sig)


class CollectingScorer(Scorer):
    """A Scorer that also keeps the crawl entry of the last page it scored (not for use from threads)."""

    def __init__(self, bundle: Any, options: Any = None) -> None:
        super().__init__(bundle, options)
        self.last: Entry | None = None

    def score_page(self, page: Page, source: str) -> Result:
        """Score the page, and keep its crawl entry from the same parse."""
        result = Scorer.score_page(self, page, source)
        self.last = entry_of(page, source)
        return result

    def take(self) -> Entry | None:
        """The entry of the page scored last, once."""
        entry, self.last = self.last, None
        return entry

    @classmethod
    def wrap(cls, scorer: Scorer) -> CollectingScorer:
        """A collecting scorer with the same bundle and options."""
        return cls(scorer.bundle, scorer.options)


def score_with_entries(scorer: CollectingScorer, results: Iterable[Result]) -> Iterator[tuple[Result, Entry | None]]:
    """Pair each result of a scoring run with the crawl entry of its page (None for a failed page)."""
    scorer.take()
    for result in results:
        entry = scorer.take()
        yield result, entry if result.ok else None


def judge(entries: Mapping[Hashable, Entry]) -> dict[Hashable, Verdict]:
    """Verdicts for the pages of a batch that have copies on other sites."""
    signed = {k: e.signature for k, e in entries.items() if e.signature is not None}
    pairs = find_pairs(signed)
    members = {k: Member(k, entries[k].facts, sig) for k, sig in signed.items()}
    return assign(pairs, members)


def apply(results: list[tuple[Result, Entry | None]], verdicts: Mapping[Hashable, Verdict],
          threshold: float) -> list[Result]:
    """Results with their crawl reason (a verdict, or a skip) folded in; keys are list positions."""
    out = []
    for i, (result, entry) in enumerate(results):
        if entry is None:
            out.append(result)
        elif i in verdicts:
            out.append(combine(result, verdict_reason(verdicts[i], entry.facts), threshold))
        elif entry.skip:
            out.append(combine(result, skip_reason(entry.skip), threshold))
        else:
            out.append(result)
    return out


def crawl_batch(scorer: Scorer, sources: Iterable[str]) -> list[Result]:
    """Score every source, then judge copies across the whole batch."""
    collecting = CollectingScorer.wrap(scorer)
    pairs = list(score_with_entries(collecting, collecting.score_many(sources)))
    entries = {i: e for i, (_, e) in enumerate(pairs) if e is not None}
    verdicts = judge(entries)
    log.info("crawl: %d pages, %d with a verdict", len(pairs), len(verdicts))
    return apply(pairs, verdicts, scorer.threshold)
