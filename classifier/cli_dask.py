"""``newsqual score --dask``: every option of ``score`` is honoured here or refused with a message.

Honoured: ``--from-file``, folders (searched for ``.warc``, ``.warc.gz`` and ``.jsonl`` shards),
``--top``, ``--max-bytes``, ``--threshold``, ``--model``, ``--json`` (per-shard reports as JSON),
``--resume`` (skip shards whose output exists) and ``--overwrite`` (redo them). Refused: stdin
(``-``), ``--stdin-kind``, and an ``--output`` that is a file rather than a folder.
With ``--crawl`` (:func:`run_dask_crawl`, copy detection across all shards) ``--resume`` is refused too.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import typer

from .cli_score import EXIT_INTERRUPTED, StdinKind, fail
from .console import ScoreProgress
from .errors import InputError, MissingDependency, NewsqualError
from .extras import require
from .options import ScoreOptions


@dataclass(frozen=True, slots=True)
class DaskRun:
    """The options of ``score --dask`` (each is honoured or refused in :func:`run_dask`)."""

    scheduler: str
    targets: list[str]
    from_file: Path | None
    output: Path | None
    model: Path | None
    options: ScoreOptions
    as_json: bool
    resume: bool
    overwrite: bool
    stdin_kind: StdinKind


def run_dask(run: DaskRun) -> int:
    """Score shards on Dask; results go to one JSONL file per shard in ``run.output`` (a folder)."""
    try:
        require("--dask", "distributed")
    except MissingDependency as exc:
        raise fail(str(exc)) from None
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # its INFO lines would drown the results
    from .batch.distributed import score_shards, shard_output  # noqa: PLC0415

    out, shards = _dask_plan(run)
    existing = [p for p in (shard_output(s, out) for s in shards) if p.exists()]
    if existing and not (run.resume or run.overwrite):
        raise fail(f"{len(existing)} shard output(s) already in {out} (e.g. {existing[0].name}); "
                    "add --resume to skip those shards, or --overwrite to redo them")
    if run.overwrite:
        for path in existing:
            path.unlink()
    bad = 0
    with ScoreProgress([str(s) for s in shards]) as bar:
        bar.describe(f"shards on {run.scheduler}")
        try:
            reports = score_shards(shards, out, scheduler=None if run.scheduler == "local" else run.scheduler,
                                   model=run.model, threshold=run.options.threshold, options=run.options,
                                   progress=lambda _report: bar.advance())
        except KeyboardInterrupt:
            typer.echo(f"interrupted; finished shards are saved in {out}; add --resume to go on", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (ValueError, OSError, TimeoutError, NewsqualError) as exc:  # bad shards or output, no scheduler
            raise fail(str(exc) or type(exc).__name__) from None
    for r in reports:
        typer.echo(json.dumps(asdict(r), default=str) if run.as_json else _shard_line(r))
        bad += r.status == "failed"
    pages, errors = sum(r.pages for r in reports), sum(r.errors for r in reports)
    typer.echo(f"{len(reports)} shards: {pages} pages, {errors} errors, {bad} failed shards", err=True)
    return 1 if bad or errors else 0


def run_dask_crawl(run: DaskRun) -> int:
    """Score shards on Dask with copy detection across all of them; one JSONL per shard in ``run.output``."""
    try:
        require("--dask --crawl", "distributed", "rensa", "tldextract")
    except MissingDependency as exc:
        raise fail(str(exc)) from None
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    from .batch.distributed import _client  # noqa: PLC0415
    from .crawl.dask_crawl import crawl_shards  # noqa: PLC0415

    if run.resume:
        raise fail("--resume does not work with --crawl (copies are judged across all shards)")
    out, shards = _dask_plan(run)
    try:
        with _client(None if run.scheduler == "local" else run.scheduler) as client:
            report = crawl_shards(shards, out, client, model=run.model, threshold=run.options.threshold)
    except (ValueError, OSError, TimeoutError, NewsqualError) as exc:  # bad shards or output, no scheduler
        raise fail(str(exc) or type(exc).__name__) from None
    typer.echo(json.dumps({"pages": report.pages, "pairs": len(report.pairs), "verdicts": len(report.verdicts),
                           "outputs": report.outputs}))
    return 0


def _dask_plan(run: DaskRun) -> tuple[Path, list[Path]]:
    """The output folder and the shard files, refusing what --dask cannot do."""
    from .batch.distributed import expand_shards  # noqa: PLC0415

    if run.output is None:
        raise fail("--dask needs --output DIR for the per-shard result files")
    if run.output.is_file():
        raise fail(f"{run.output} is a file; --output for --dask must be a folder (one .jsonl per shard)")
    if run.output.suffix.lower() in (".jsonl", ".parquet", ".csv"):
        raise fail(f"with --dask, --output is a folder (one .jsonl per shard), not the file {run.output}")
    if "-" in run.targets:
        raise fail("--dask cannot read stdin (-); give WARC or JSONL shard files")
    if run.stdin_kind is not StdinKind.auto:
        raise fail("--stdin-kind has no effect with --dask (shards are files)")
    try:
        shards = expand_shards(run.targets, run.from_file)
    except (InputError, ValueError) as exc:
        raise fail(str(exc)) from None
    if not shards:
        raise fail("no shards found: --dask scores .warc, .warc.gz and .jsonl files (folders are searched)")
    return run.output, shards


def _shard_line(report: Any) -> str:
    """One shard's report as a readable line."""
    if report.status == "failed":
        return f"failed   {report.shard}: {report.error}"
    errors = f" ({report.errors} errors)" if report.errors else ""
    return f"{report.status:<8} {report.shard}: {report.pages} pages{errors} in {report.seconds:.1f} s -> {report.output}"
