"""Scoring many targets on every core: a process pool that keeps the input order.

The parent expands targets into small chunks of work and sends each chunk to a worker
process; the results come back and are yielded in input order, so a parallel run prints
and writes exactly what a one-process run does. A chunk is a few page files or URLs
(read or fetched by the worker) or a few records of a WARC file (read by the parent, which
reads far faster than the workers score, so one WARC file spreads over all workers too).
This is the Dask task shape (:mod:`classifier.batch.distributed`) made smaller: a unit of input
in, its results out, the model loaded once per worker and never sent with a task. The
difference is where results go: here they stream back to one ordered output, there each
shard writes its own file.

At most ``WINDOW_PER_JOB * jobs`` chunks are in flight, so memory stays flat however long
the input. Sources already done (``skip``, from ``--resume``) are dropped before they are
sent. A worker that dies (out of memory, a crash in a C parser) turns its chunks into
error results and the pool is restarted; the run goes on.
"""

from __future__ import annotations

import logging
import os
import signal
from collections import deque
from collections.abc import Collection, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..errors import NewsqualError
from ..extras import require
from ..io.sources import is_warc_file, read_source, resume_key, scheme_refusal, target_runs
from ..options import ScoreOptions
from ..scorer import Result, Scorer

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)

#: Items (page files, URLs or WARC records) sent to a worker at once.
CHUNK: Final = 8
#: Chunks in flight per worker process: enough to keep it busy, few enough to keep memory flat.
WINDOW_PER_JOB: Final = 4

#: A unit of work: ("file", path) | ("fetched", url, Fetched) | ("failed", source, reason)
#: | ("page", data, source, url, headers).
Item = tuple[Any, ...]

_SCORER: Scorer | None = None  # this process's scorer (inherited through fork, else loaded once)


@dataclass(frozen=True, slots=True)
class TargetDone:
    """Marks that every result of ``target`` has been yielded; ``counts`` holds WARC skip counts."""

    target: str
    counts: Any = None


def default_jobs() -> int:
    """Worker processes by default: one per core."""
    return os.cpu_count() or 1


def score_targets(
    scorer: Scorer,
    targets: Iterable[str],
    jobs: int,
    skip: Collection[str] = (),
    model: Path | None = None,
    crawl: Any = None,
) -> Iterator[Result | TargetDone]:
    """Results of page files, WARC files and URLs in input order, scored by ``jobs`` processes.

    After each target's results a :class:`TargetDone` follows. ``skip`` holds the
    ``resume_key`` of sources already done; ``model`` is reloaded by workers that cannot
    inherit ``scorer`` (no fork). Runs of URLs are fetched here with
    :func:`~classifier.fetch_many.fetch_many` under ``crawl`` (``CrawlOptions``) and scored by the workers.
    """
    global _SCORER
    _SCORER = scorer
    pool = _Pool(jobs, model, scorer.options)
    try:
        units = _units(list(targets), skip, scorer.options, crawl)
        yield from _ordered(units, pool, jobs * WINDOW_PER_JOB)
    finally:
        pool.shutdown()


def _units(targets: list[str], skip: Collection[str], options: ScoreOptions,
           crawl: Any) -> Iterator[list[Item] | Result | TargetDone]:
    """Chunks of work, ready results and target ends, in input order."""
    chunk: list[Item] = []
    ends: list[TargetDone] = []  # the ends of the targets in ``chunk`` (and of skipped ones after them)
    for kind, run in target_runs(targets, skip):
        if kind == "done":
            ends.append(TargetDone(run[0]))
        elif kind == "urls":
            for url, item in _fetched_items(run, options, crawl):
                chunk.append(item)
                ends.append(TargetDone(url))
                if len(chunk) >= CHUNK:
                    yield from _flush(chunk, ends)
        elif is_warc_file(Path(run[0])):
            yield from _flush(chunk, ends)
            yield from _warc_units(run[0], skip, options.max_bytes)
        else:
            refusal = scheme_refusal(run[0])
            chunk.append(("failed", run[0], refusal) if refusal else ("file", run[0]))
            ends.append(TargetDone(run[0]))
            if len(chunk) >= CHUNK:
                yield from _flush(chunk, ends)
    yield from _flush(chunk, ends)


def _fetched_items(urls: list[str], options: ScoreOptions, crawl: Any) -> Iterator[tuple[str, Item]]:
    """Each URL with its work item: fetched here (pooled, concurrent, retried), scored by a worker."""
    from dataclasses import replace  # noqa: PLC0415

    from ..errors import FetchError  # noqa: PLC0415
    from ..io.fetch_many import fetch_many, limits_of  # noqa: PLC0415

    for url, got in fetch_many(urls, crawl, limits_of(options)):
        if isinstance(got, FetchError):
            yield url, ("failed", url, str(got))
        else:  # headers as a plain dict: a read-only mapping does not pickle
            yield url, ("fetched", url, replace(got, headers=dict(got.headers)))


def _flush(chunk: list[Item], ends: list[TargetDone]) -> Iterator[list[Item] | TargetDone]:
    """The chunk so far (if any) and then its target ends; empties both lists."""
    if chunk:
        yield list(chunk)
    yield from ends
    chunk.clear()
    ends.clear()


def _warc_units(path: str, skip: Collection[str], max_bytes: int) -> Iterator[list[Item] | Result | TargetDone]:
    """Chunks of the HTML records of one WARC file, then its end with the skip counts."""
    counts = None
    chunk: list[Item] = []
    try:
        require("reading WARC files", "fastwarc", "warcio", any_of=True)
        from ..io.warc import WarcCounts, iter_warc  # noqa: PLC0415

        counts = WarcCounts()
        for page in iter_warc(Path(path), counts, max_bytes):
            if resume_key(page.source) in skip:
                continue
            chunk.append(("page", page.data, page.source, page.url, page.headers))
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        for source, reason in counts.problems:  # unreadable records: error results, as in Scorer.score_warc
            if resume_key(source) not in skip:
                chunk.append(("failed", source, reason))
    except NewsqualError as exc:
        if chunk:
            yield chunk
            chunk = []
        yield Result.failed(path, str(exc))
    if chunk:
        yield chunk
    yield TargetDone(path, counts)


def _ordered(units: Iterator[list[Item] | Result | TargetDone], pool: _Pool, window: int) -> Iterator[Result | TargetDone]:
    """Send chunks to the pool with at most ``window`` in flight; yield everything in order."""
    pending: deque[tuple[Future[list[Result]], list[Item]] | Result | TargetDone] = deque()
    in_flight = 0
    for unit in units:
        if isinstance(unit, list):
            while in_flight >= window:
                in_flight -= yield from _drain_one(pending, pool)
            pending.append((pool.submit(unit), unit))
            in_flight += 1
        else:
            pending.append(unit)
        while pending and not isinstance(pending[0], tuple):  # ready results go out at once
            yield pending.popleft()  # type: ignore[misc]
    while pending:
        yield from _drain_one(pending, pool)


def _drain_one(pending: deque[Any], pool: _Pool) -> Generator[Result | TargetDone, None, int]:
    """Yield the head of ``pending`` (waiting for its chunk) and what is ready after it; returns chunks done."""
    done = 0
    while pending:
        head = pending[0]
        if isinstance(head, tuple):
            if done and not head[0].done():
                break
            pending.popleft()
            done += 1
            yield from _chunk_results(head, pool)
        else:
            yield pending.popleft()
    return done


def _chunk_results(entry: tuple[Future[list[Result]], list[Item]], pool: _Pool) -> list[Result]:
    """The results of one chunk; a chunk whose worker died gives one error result per item."""
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415 - a one-page run never needs it

    future, items = entry
    try:
        return future.result()
    except BrokenProcessPool:
        log.warning("a worker process died; restarting the pool")
        pool.restart()
        return [Result.failed(_item_source(item), "worker process died while scoring this page") for item in items]


def _item_source(item: Item) -> str:
    """The source name of one item."""
    return str(item[2] if item[0] == "page" else item[1])


class _Pool:
    """A process pool that can be restarted after a worker dies."""

    def __init__(self, jobs: int, model: Path | None, options: ScoreOptions) -> None:
        self.jobs = jobs
        self.args = (str(model) if model else None, options)
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        """A new executor; fork where the platform has it, so workers inherit the loaded model."""
        import multiprocessing  # noqa: PLC0415 - imported only when a pool starts
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        return ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker, initargs=self.args)

    def submit(self, chunk: list[Item]) -> Future[list[Result]]:
        """Score one chunk in a worker."""
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        try:
            return self.executor.submit(score_chunk, chunk)
        except BrokenProcessPool:
            self.restart()
            return self.executor.submit(score_chunk, chunk)

    def restart(self) -> None:
        """Replace a broken executor (idempotent while the new one works)."""
        if getattr(self.executor, "_broken", False):
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._start()

    def shutdown(self) -> None:
        """Stop the workers, dropping work not yet started."""
        self.executor.shutdown(wait=True, cancel_futures=True)


def _init_worker(model: str | None, options: ScoreOptions) -> None:
    """Worker start: leave Ctrl-C to the parent; load the model unless it came with fork."""
    global _SCORER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _SCORER is None:
        _SCORER = Scorer.load(model, options)


def score_chunk(chunk: list[Item]) -> list[Result]:
    """Score one chunk of items in this process (the pool's task; never raises for bad input)."""
    scorer = _SCORER
    if scorer is None:
        raise RuntimeError("score_chunk runs in a worker started by score_targets")
    return [_score_item(scorer, item) for item in chunk]


def _score_item(scorer: Scorer, item: Item) -> Result:
    """Score one page file, fetched URL or WARC record (or turn a refusal into its error result)."""
    kind = item[0]
    if kind == "page":
        _, data, source, url, headers = item
        return scorer.score_bytes(data, source, url, headers)
    if kind == "fetched":
        from ..io.fetch_many import score_fetched  # noqa: PLC0415

        return score_fetched(scorer, item[1], item[2])
    if kind == "failed":
        return Result.failed(item[1], item[2])
    try:
        got = read_source(Path(item[1]), scorer.options.max_bytes)
    except NewsqualError as exc:
        return Result.failed(item[1], str(exc))
    return scorer.score_bytes(got.data, item[1], got.url)
