"""Crawl mode over one batch: score pages as usual, keep each page's facts and signature from the
same parse, then find copies across the batch and fold the verdicts into the results.

:class:`CollectingScorer` is a :class:`~classifier.scorer.Scorer` whose ``score_page`` also records
what crawl mode needs; every input path of the scorer (files, folders, WARC records, URLs, stdin)
goes through ``score_page`` after its one parse, so no page is parsed twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..page.page import Page
from ..scorer import Reason, Result, Scorer
from .facts import PageFacts, page_facts
from .index import ReferenceIndex
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


Key = tuple[int, int]  # (0, position in the batch) or (1, id in the reference index)


def judge(entries: Mapping[Key, Entry]) -> dict[Key, Verdict]:
    """Verdicts for the pages that have copies on other sites."""
    signed = {k: e.signature for k, e in entries.items() if e.signature is not None}
    pairs = find_pairs(signed)
    members = {k: Member(k, entries[k].facts, sig) for k, sig in signed.items()}
    return assign(pairs, members)


def index_entries(index: ReferenceIndex | None, entries: Iterable[Entry | None]) -> dict[Key, Entry]:
    """The reference-index pages similar to any of ``entries``."""
    out: dict[Key, Entry] = {}
    if index is None:
        return out
    for entry in entries:
        if entry is not None and entry.signature is not None:
            for hit in index.query(entry.signature):
                out[(1, hit.id)] = Entry(hit.facts, hit.signature)
    return out


def crawl_reason(key: Key, entry: Entry | None, verdicts: Mapping[Key, Verdict]) -> Reason | None:
    """The crawl reason of one batch page: its verdict, or why it has no signature."""
    if entry is None:
        return None
    if key in verdicts:
        return verdict_reason(verdicts[key], entry.facts)
    return skip_reason(entry.skip) if entry.skip else None


def _fold(result: Result, reason: Reason | None, threshold: float) -> Result:
    """The result with its crawl reason, if any, folded in."""
    return combine(result, reason, threshold) if reason is not None else result


def crawl_results(scorer: Scorer, sources: Iterable[str], across_batch: bool = True,
                  index: ReferenceIndex | None = None) -> Iterator[Result]:
    """Score every source and judge copies: across the whole batch (buffered), and/or against ``index``.

    With ``across_batch`` False only the index is consulted, and each page streams out as it is scored."""
    collecting = CollectingScorer.wrap(scorer)
    scored = score_with_entries(collecting, collecting.score_many(sources))
    if not across_batch:
        for result, entry in scored:
            entries = {(0, 0): entry, **index_entries(index, [entry])} if entry else {}
            yield _fold(result, crawl_reason((0, 0), entry, judge(entries)), scorer.threshold)
        return
    pairs = list(scored)
    entries = {(0, i): e for i, (_, e) in enumerate(pairs) if e is not None}
    verdicts = judge({**entries, **index_entries(index, entries.values())})
    log.info("crawl: %d pages, %d with a verdict", len(pairs), sum(k[0] == 0 for k in verdicts))
    for i, (result, entry) in enumerate(pairs):
        yield _fold(result, crawl_reason((0, i), entry, verdicts), scorer.threshold)


def crawl_batch(scorer: Scorer, sources: Iterable[str]) -> list[Result]:
    """Score every source, then judge copies across the whole batch."""
    return list(crawl_results(scorer, sources))


class ParsingScorer(CollectingScorer):
    """Parses pages and keeps their crawl entries without scoring them (for building an index)."""

    def score_page(self, page: Page, source: str) -> Result:
        """Keep the page's crawl entry; the result carries no score."""
        self.last = entry_of(page, source)
        return Result(source=source, score=None, label="parsed", final_url=page.url)

    @classmethod
    def for_building(cls, max_bytes: int | None = None) -> ParsingScorer:
        """A parser with the default options (and ``max_bytes``); it needs no model."""
        from ..options import ScoreOptions  # noqa: PLC0415

        return cls(None, ScoreOptions(max_bytes=max_bytes) if max_bytes else ScoreOptions())
