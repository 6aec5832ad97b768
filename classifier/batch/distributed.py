"""Scoring many shards on a Dask cluster: one task per shard, one JSONL output per shard.

A shard is a WARC file (``.warc``, ``.warc.gz``) or a JSON Lines file (``.jsonl``) of
``{"url": ..., "html": ...}`` or ``{"url": ..., "text": ...}`` rows. Each task writes
``out_dir/<shard file name>.jsonl`` through a temporary file renamed into place, so an
output either is complete or does not exist. A shard whose output exists is skipped: a
failed or interrupted run is finished by running the same command again, and one shard
is redone by deleting its output. A failed shard is reported in its
:class:`ShardReport`, and the other shards go on.

Workers load the model once per worker process and keep it (:func:`worker_scorer`); tasks
carry only the model's path, never the model. Every worker must see the shards, the
output folder and the model at the same paths (a shared file system), and must have
newsqual installed.

Measured by ``bench/warc_throughput.py`` on a 2-CPU machine shared with other work: one
process scored 760-840 pages/s; a ``LocalCluster(n_workers=2, threads_per_worker=1)`` with
warm workers 1.2-1.45x that on 2,000 pages in 8 shards and 1.5x on 4,000 pages in 8
shards. The first run on fresh workers is slower (each loads the model, ~1 s), so Dask
pays off for shards of thousands of pages and for more cores or hosts, not for a few
small files.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from ..errors import InputError, NewsqualError
from ..io.output import ModelInfo, annotate, to_json_line
from ..io.units import human_size
from ..io.warc import WarcCounts, iter_warc
from ..options import ScoreOptions
from ..scorer import Result, Scorer
from ..settings import DEFAULT_MODEL, WARC_SUFFIXES

log = logging.getLogger(__name__)

#: Shard file name endings read as JSON Lines pages.
JSONL_SUFFIXES: Final = (".jsonl",)
#: How long to try reaching a scheduler before giving up (NEWSQUAL_DASK_TIMEOUT overrides it).
DASK_CONNECT_TIMEOUT: Final = "10s"
#: Workers of the LocalCluster started when no scheduler is given.
LOCAL_WORKERS: Final = 2

DONE, SKIPPED, FAILED = "done", "skipped", "failed"


@dataclass(frozen=True, slots=True)
class ShardReport:
    """What happened to one shard: pages written, pages that errored, its output and time taken."""

    shard: str
    pages: int
    errors: int  # result lines with an error, plus WARC read errors (truncated file, bad record)
    output: str | None
    seconds: float
    status: str = DONE  # done | skipped (output existed) | failed (see ``error``)
    error: str | None = None


_SCORERS: dict[str, tuple[int, Scorer]] = {}  # model path -> (file mtime, scorer)
_SCORERS_LOCK = threading.Lock()


def worker_scorer(model: str | None, threshold: float | None, options: ScoreOptions | None = None) -> Scorer:
    """The Scorer for ``model`` in this process: loaded on first use, again only if the file changed.

    ``options`` (reasons shown, size cap, ...) and ``threshold`` apply on top of the cached model."""
    path = str(Path(model).resolve()) if model else str(DEFAULT_MODEL)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = -1  # Scorer.load reports the missing model
    with _SCORERS_LOCK:
        cached = _SCORERS.get(path)
        if cached is None or cached[0] != mtime:
            log.info("loading model %s in process %d", path, os.getpid())
            cached = _SCORERS[path] = (mtime, Scorer.load(path))
    base = cached[1]
    if options is not None:
        return Scorer(base.bundle, replace(options, threshold=threshold if threshold is not None else options.threshold))
    return Scorer(base.bundle, ScoreOptions(threshold=threshold)) if threshold is not None else base


def shard_output(shard: Path, out_dir: Path) -> Path:
    """Where the results of ``shard`` go."""
    return Path(out_dir) / f"{Path(shard).name}.jsonl"


def score_shards(
    shards: Sequence[Path],
    out_dir: Path,
    *,
    scheduler: str | Any | None,
    model: Path | None = None,
    threshold: float | None = None,
    options: ScoreOptions | None = None,
    progress: Callable[[ShardReport], None] | None = None,
) -> list[ShardReport]:
    """Score each shard as one Dask task into ``out_dir``; one report per shard, in order.

    ``options`` apply on every worker; ``progress`` is called with each report as its shard ends."""
    shards = [Path(s).resolve() for s in shards]  # workers may run in another folder
    _check_shards(shards)
    if threshold is not None:
        ScoreOptions(threshold=threshold)  # a bad threshold fails here, not on every worker
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir} is a file; --output for --dask must be a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    args = (str(out_dir), str(Path(model).resolve()) if model else None, threshold, options)
    with _client(scheduler) as client:
        futures = [client.submit(score_shard, str(s), *args, key=f"newsqual-{s.name}-{os.urandom(4).hex()}")
                   for s in shards]
        return _collect(shards, futures, progress)


def _collect(shards: list[Path], futures: list[Any], progress: Callable[[ShardReport], None] | None) -> list[ShardReport]:
    """The reports in shard order, calling ``progress`` as each task finishes."""
    from distributed import as_completed

    index = {future.key: i for i, future in enumerate(futures)}
    reports: list[ShardReport | None] = [None] * len(futures)
    for future in as_completed(futures):
        i = index[future.key]
        reports[i] = report = _report(shards[i], future)
        if progress is not None:
            progress(report)
    return [r for r in reports if r is not None]


def expand_shards(targets: Iterable[str], from_file: Path | None = None) -> list[Path]:
    """Shard files in order: folders searched (sorted) for WARC and JSONL files, list files read."""
    from ..io.sources import read_target_list  # noqa: PLC0415

    listed = [*targets, *(read_target_list(from_file) if from_file is not None else [])]
    shards: list[Path] = []
    for target in listed:
        path = Path(target)
        if path.is_dir():
            shards += sorted(p for p in path.rglob("*") if p.is_file() and _is_shard(p))
        else:
            shards.append(path)
    return shards


def _is_shard(path: Path) -> bool:
    """True for file names read as shards."""
    return path.name.lower().endswith(WARC_SUFFIXES + JSONL_SUFFIXES)


def score_shard(
    shard: str, out_dir: str, model: str | None, threshold: float | None, options: ScoreOptions | None = None
) -> ShardReport:
    """Score one shard into its JSONL output (a Dask task; also usable on its own)."""
    start = time.perf_counter()
    out = shard_output(Path(shard), Path(out_dir))
    if out.exists():
        log.info("%s: output %s exists, skipping", shard, out)
        return ShardReport(shard, _count_lines(out), 0, str(out), 0.0, SKIPPED)
    counts = WarcCounts()
    try:
        scorer = worker_scorer(model, threshold, options)
        results = _score_pages(Path(shard), scorer, counts)
        pages, errors = _write_atomically(out, results, ModelInfo.of(scorer))
    except NewsqualError as exc:  # an unreadable shard or model: reported without a worker traceback
        log.warning("%s: failed: %s", shard, exc)
        return ShardReport(shard, 0, 0, None, _since(start), FAILED, f"{type(exc).__name__}: {exc}")
    log.info("%s: %d pages (%d errors) in %.1f s", shard, pages, errors + counts.errors, _since(start))
    return ShardReport(shard, pages, errors + counts.errors, str(out), _since(start))


def _write_atomically(out: Path, results: Iterator[Result], model: ModelInfo | None = None) -> tuple[int, int]:
    """Write results as JSON lines to a temporary file renamed to ``out``; (pages, error results)."""
    pages = errors = 0
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with tmp.open("wb") as fh:
            for result in results:
                fh.write(to_json_line(annotate(result.to_dict(), model)))
                pages += 1
                errors += not result.ok
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return pages, errors


def _since(start: float) -> float:
    """Seconds since ``start``, rounded to milliseconds."""
    return round(time.perf_counter() - start, 3)


def _score_pages(shard: Path, scorer: Scorer, counts: WarcCounts) -> Iterator[Result]:
    """Results for every page of a WARC or JSONL shard."""
    max_bytes = scorer.options.max_bytes
    if shard.name.lower().endswith(WARC_SUFFIXES):
        for page in iter_warc(shard, counts, max_bytes):
            yield scorer.score_bytes(page.data, page.source, page.url, page.headers)
        for source, reason in counts.problems:  # unreadable records are error lines, not only a count
            yield Result.failed(source, reason)
        counts.errors -= len(counts.problems)  # ...and counted once, as error lines
        return
    try:
        fh = shard.open("rb")
    except OSError as exc:
        raise InputError(f"{shard}: cannot open shard ({exc.strerror or exc})") from None
    with fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                yield _score_row(scorer, f"{shard}#{number}", line)


def _score_row(scorer: Scorer, source: str, line: bytes) -> Result:
    """Score one JSONL row holding ``url`` and ``html`` or ``text``; a bad or oversized row is an error result."""
    if len(line) > scorer.options.max_bytes:
        return Result.failed(source, f"row is {human_size(len(line))}, over the {human_size(scorer.options.max_bytes)} limit")
    try:
        row = json.loads(line)
    except ValueError as exc:
        return Result.failed(source, f"invalid JSON line: {exc}")
    if not isinstance(row, dict):
        return Result.failed(source, "JSON line is not an object")
    url = row.get("url") if isinstance(row.get("url"), str) else None
    for field, kind in (("html", "html"), ("text", "text")):
        if isinstance(row.get(field), str):
            return scorer.score_bytes(row[field], source, url, kind=kind)  # type: ignore[arg-type]
    return Result.failed(source, 'row has neither an "html" nor a "text" string', url)


def _check_shards(shards: Sequence[Path]) -> None:
    """Refuse unknown shard types and two shards that would write the same output."""
    seen: dict[str, Path] = {}
    for shard in shards:
        name = shard.name.lower()
        if not name.endswith(WARC_SUFFIXES + JSONL_SUFFIXES):
            raise ValueError(f"{shard}: not a shard; use .warc, .warc.gz or .jsonl files")
        if shard.name in seen:
            raise ValueError(f"{shard} and {seen[shard.name]} would both write {shard.name}.jsonl; rename one")
        seen[shard.name] = shard


def _report(shard: Path, future: Any) -> ShardReport:
    """The task's report, or a failed report carrying the task's exception."""
    try:
        report: ShardReport = future.result()
    except Exception as exc:  # noqa: BLE001 - any task failure (also a lost worker) is reported, not raised
        log.warning("%s: failed: %s: %s", shard, type(exc).__name__, exc)
        return ShardReport(str(shard), 0, 0, None, 0.0, FAILED, f"{type(exc).__name__}: {exc}")
    return report


@contextlib.contextmanager
def _client(scheduler: str | Any | None) -> Iterator[Any]:
    """A Dask client: for an address, an existing client (left open), or a new 2-worker LocalCluster."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
    elif isinstance(scheduler, str):
        timeout = os.environ.get("NEWSQUAL_DASK_TIMEOUT", DASK_CONNECT_TIMEOUT)
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} within {timeout} "
                             f"(set NEWSQUAL_DASK_TIMEOUT to wait longer): {exc}") from None
        with client:
            yield client
    elif scheduler is None:
        with LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            log.info("started a local Dask cluster, dashboard at %s", client.dashboard_link)
            yield client
    else:
        raise TypeError(f"scheduler must be an address, a distributed.Client or None, not {type(scheduler).__name__}")


def _count_lines(path: Path) -> int:
    """Lines in a file."""
    with path.open("rb") as fh:
        return sum(1 for _ in fh)
