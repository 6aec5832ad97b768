"""Crawl mode on Dask: signatures per shard, candidate pairs by a shuffle on LSH band keys.

1. One partition per shard (WARC or JSONL, as in :mod:`classifier.batch.distributed`): each worker scores
   its shard's pages and keeps their crawl entries (one parse per page). The records stay on the
   workers (``persist``).
2. Every signature is emitted once per band as ``(band key, (page key, signature bytes))``; a
   ``dask.bag`` groupby on the band key (a task shuffle) brings each bucket to one task, which
   verifies its pairs there (:func:`~classifier.crawl.lsh.bucket_pairs`, the same rule as one process).
3. Only the verified pairs (and then the facts of the pages in them) come back to the client, which
   names originals (:func:`~classifier.crawl.original.assign`); no step collects every signature.
4. The verdicts go back to the workers, which fold them into each shard's results and write
   ``out_dir/<shard name>.jsonl`` atomically.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..io.warc import WarcCounts
from ..scorer import Result
from . import settings
from .batch import CollectingScorer, Entry, Key, crawl_reason, score_with_entries
from .lsh import band_keys, bucket_pairs
from .original import Member, Verdict, assign
from .reasons import combine
from .signatures import Signature

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Record:
    """One scored page of a shard: its key (shard number, page number), result and crawl entry."""

    key: Key
    shard: str
    result: Result
    entry: Entry | None


@dataclass(frozen=True, slots=True)
class CrawlShardsReport:
    """What a Dask crawl run found and wrote."""

    pairs: dict[tuple[Key, Key], float]
    verdicts: dict[Key, Verdict]
    outputs: list[str]
    pages: int


def shard_records(number: int, shard: str, model: str | None, threshold: float | None) -> list[Record]:
    """Score one shard on a worker, keeping each page's crawl entry (a Dask task)."""
    from ..batch.distributed import _score_pages, worker_scorer  # noqa: PLC0415 - the shard readers of `--dask`

    scorer = CollectingScorer.wrap(worker_scorer(model, threshold))
    pairs = score_with_entries(scorer, _score_pages(Path(shard), scorer, WarcCounts()))
    return [Record((number, i), shard, result, entry) for i, (result, entry) in enumerate(pairs)]


def banded(record: Record) -> list[tuple[int, tuple[Key, bytes]]]:
    """(band key, (page key, signature bytes)) for every band of a signed page."""
    if record.entry is None or record.entry.signature is None:
        return []
    sig = record.entry.signature
    data = sig.to_bytes()
    return [(key, (record.key, data)) for key in band_keys(sig.values).tolist()]


def bucket_verified(group: tuple[int, Sequence[tuple[Key, bytes]]], threshold: float = settings.SIMILARITY,
                    ) -> list[tuple[tuple[Key, Key], float]]:
    """Verified pairs of one bucket after the shuffle."""
    _, items = group
    sigs = {k: Signature.from_bytes(b) for k, b in items}
    out = []
    for a, b in bucket_pairs(list(sigs)):
        sim = sigs[a].jaccard(sigs[b])
        if sim >= threshold:
            out.append(((a, b), sim))
    return out


def fold_partition(records: Iterable[Record], verdicts: dict[Key, Verdict], threshold: float, out_dir: str) -> list[str]:
    """Fold verdicts into one shard's results and write its JSONL output (a Dask task); [output path]."""
    from ..batch.distributed import _write_atomically, shard_output  # noqa: PLC0415

    records = list(records)
    if not records:
        return []
    out = shard_output(Path(records[0].shard), Path(out_dir))

    def results() -> Iterator[Result]:
        for r in records:
            reason = crawl_reason(r.key, r.entry, verdicts)
            yield combine(r.result, reason, threshold) if reason is not None else r.result

    _write_atomically(out, results())
    return [str(out)]


def crawl_shards(shards: Sequence[Path], out_dir: Path, client: Any, model: Path | None = None,
                 threshold: float | None = None) -> CrawlShardsReport:
    """Score shards on the Dask ``client`` with copy detection across all of them."""
    import dask.bag as db  # noqa: PLC0415 - the 'dask' extra

    from ..batch.distributed import worker_scorer  # noqa: PLC0415

    paths = [str(Path(s).resolve()) for s in shards]
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = str(Path(model).resolve()) if model else None
    records = db.from_sequence(list(enumerate(paths)), npartitions=max(1, len(paths))).map(
        lambda item: shard_records(item[0], item[1], model_path, threshold)).flatten()
    records = client.persist(records)
    grouped = records.map(banded).flatten().groupby(lambda kv: kv[0], shuffle="tasks")
    pairs = dict(client.compute(grouped.map(lambda g: bucket_verified((g[0], [v for _, v in g[1]])))
                                .flatten().distinct(), sync=True))
    needed = {k for pair in pairs for k in pair}
    members = {r.key: Member(r.key, r.entry.facts, r.entry.signature)  # type: ignore[union-attr, arg-type]
               for r in client.compute(records.filter(lambda r: r.key in needed), sync=True)}
    verdicts = assign(pairs, members)
    cut = threshold if threshold is not None else worker_scorer(model_path, None).threshold
    outputs = client.compute(records.map_partitions(fold_partition, verdicts, cut, str(out_dir)), sync=True)
    pages = client.compute(records.count(), sync=True)
    log.info("dask crawl: %d pages in %d shards, %d pairs, %d verdicts", pages, len(paths), len(pairs), len(verdicts))
    return CrawlShardsReport(pairs, verdicts, list(outputs), int(pages))
