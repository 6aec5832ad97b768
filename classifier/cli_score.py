"""The ``newsqual score`` run, without Typer: targets in, rows out, an exit code back.

:mod:`classifier.cli` parses the command line with Typer and calls :func:`run_score`; :func:`main`
(the console script, through :mod:`classifier.entry`) calls it directly for a plain
``score TARGET... [--json]``, because importing Typer and coercing options through pydantic cost
more than scoring one page.
Data goes to stdout; messages, progress and errors go to stderr; failures set the exit code.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from . import settings
from .console import ScoreProgress, Tally
from .errors import InputError, MissingDependency, ModelError
from .extras import require
from .io.output import ModelInfo, Sink, annotate, json_safe, open_sink
from .io.sources import expand_targets, is_url, is_warc_file, read_stdin, resume_key, scheme_refusal, target_runs
from .options import ScoreOptions
from .scorer import Result, Scorer

# --- output that cannot crash the run ----------------------------------------------------------


def _escaped(text: str) -> str:
    """``text`` with what stdout's encoding cannot show (non-UTF-8 file names) backslash-escaped."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)


def echo(text: str) -> None:
    """Print a line to stdout; characters its encoding cannot show are escaped."""
    try:
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:
        sys.stdout.write(_escaped(text) + "\n")
    sys.stdout.flush()


def json_line(row: dict[str, Any]) -> str:
    """One row as a JSON line; a non-finite number becomes null (NaN is not JSON)."""
    return json.dumps(json_safe(row), ensure_ascii=False, allow_nan=False)


def json_row(result: Result) -> str:
    """One result as a JSON line (see :func:`json_line`)."""
    return json_line(result.to_dict())


def _crawl_options(concurrency: int, per_host: int, retries: int, respect_robots: bool) -> Any:
    """The URL-list fetching options."""
    from .io.fetch_many import CrawlOptions  # noqa: PLC0415

    return CrawlOptions(concurrency=concurrency, per_host=per_host, retries=retries, respect_robots=respect_robots)


def _by_target(scorer: Scorer, targets: list[str], stdin_kind: StdinKind, done: set[str], crawl: Any,
               bar: ScoreProgress) -> Iterator[tuple[str, Iterable[Result]]]:
    """Each target with its results, in order (none when resumed); runs of URLs are fetched concurrently."""
    for kind, run in target_runs(targets, done):
        if kind == "done":  # resumed: a page already written (WARC records are checked later)
            yield run[0], ()
        elif kind == "urls":
            from .io.fetch_many import score_urls  # noqa: PLC0415  (httpx only when URLs are scored)

            yield from ((url, [result]) for url, result in zip(run, score_urls(scorer, run, crawl), strict=True))
        else:
            yield run[0], _score_target(scorer, run[0], stdin_kind, bar)


def _check_output_folder(output: Path) -> None:
    """Refuse, before anything is scored, an output whose folder does not exist or is not a folder."""
    folder = output.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise fail(f"cannot write {output}: the folder {folder} {what}")
    if output.is_dir():
        raise fail(f"cannot write {output}: it is a folder")


def fail(message: str, code: int = 2) -> SystemExit:
    """Print an error to stderr (red on a terminal) and return the exit to raise."""
    text = f"error: {message}"
    note(f"\x1b[31m{text}\x1b[0m" if sys.stderr.isatty() else text)
    return SystemExit(code)


def note(text: str) -> None:
    """Print a message line to stderr."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def load_scorer(model: Path | None, options: ScoreOptions) -> Scorer:
    """Load the scorer, turning model problems into a clean exit."""
    try:
        return Scorer.load(model, options)
    except ModelError as exc:
        raise fail(str(exc)) from None


class StdinKind(str, Enum):
    """How ``-`` (stdin) is read."""

    auto = "auto"
    html = "html"
    text = "text"


#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def _score_target(scorer: Scorer, target: str, stdin_kind: StdinKind, bar: ScoreProgress) -> Iterator[Result]:
    """Results for one target: ``-`` (stdin), a WARC file (its counts go to stderr), a URL or a page file."""
    refusal = scheme_refusal(target)
    if refusal is not None:
        yield Result.failed(target, refusal)
    elif target == "-":
        try:
            data = read_stdin(sys.stdin.buffer, scorer.options.max_bytes)
        except InputError as exc:
            yield Result.failed("<stdin>", str(exc))
            return
        yield scorer.score_bytes(data, "<stdin>", kind=stdin_kind.value)  # type: ignore[arg-type]
    elif is_warc_file(Path(target)) and not is_url(target):
        yield from _score_warc(scorer, target, bar)
    else:
        yield from scorer.score_many([target])


def _score_warc(scorer: Scorer, target: str, bar: ScoreProgress) -> Iterator[Result]:
    """The pages of one WARC file, its counts on stderr, and an error result when records were unreadable."""
    counts = _warc_counts()
    bar.start_warc(target)
    for result in scorer.score_warc(target, counts):
        bar.warc_at(result.source)
        yield result
    bar.end_warc()
    if counts is not None:
        yield from _warc_end(target, counts)


def _warc_end(target: str, counts: Any) -> Iterator[Result]:
    """Print a WARC file's counts; an error result for damage not already reported record by record."""
    note(f"{target}: {warc_summary(counts)}")
    unreported = getattr(counts, "errors", 0) - len(getattr(counts, "problems", ()))  # problems were error rows
    if unreported > 0:
        yield Result.failed(target, f"WARC file is truncated or has unreadable records ({unreported}); "
                                    "the pages before the damage were scored")


def warc_summary(counts: Any) -> str:
    """WARC counts as a person reads them: records, pages, what was skipped and why, errors."""
    text = f"{counts.responses} response records, {counts.html} HTML pages"
    skips = [(getattr(counts, name, 0), what) for name, what in (
        ("skipped_non_html", "not HTML"), ("skipped_status", "not a 2xx status"),
        ("skipped_oversize", "over the size limit"), ("skipped_other_records", "other record types"))]
    skipped = ", ".join(f"{n} {what}" for n, what in skips if n)
    text += f"; skipped: {skipped}" if skipped else "; nothing skipped"
    return text + (f"; {counts.errors} unreadable (truncated or corrupt)" if getattr(counts, "errors", 0) else "")


def _warc_counts() -> Any:
    """A fresh ``WarcCounts``, or None when no WARC reader is installed (score_warc then says so)."""
    try:
        from .io.warc import WarcCounts  # noqa: PLC0415
    except ImportError:
        return None
    return WarcCounts()


def _render_row(result: Result) -> str:
    """One table row: score, label, URL (and where it was read) and the top reasons with evidence."""
    where = result.source
    if result.final_url and is_warc_file(Path(result.source.rpartition("#")[0])):  # a WARC record: show its URL
        where = f"{result.final_url}  ({result.source})"
    if result.error:
        return f"{'-':>6}  {'error':<11}  {where}\n        {result.error}"
    score = f"{result.score:6.3f}" if result.score is not None else f"{'-':>6}"  # too little text: no score
    lines = [f"{score}  {result.label:<11}  {where}"]
    for r in result.reasons:
        evidence = f": {r.evidence}" if r.evidence else ""
        lines.append(f"        {r.contribution:+.2f} {r.signal}{evidence[:110]}")
    return "\n".join(lines)


def _emit(bar: ScoreProgress, line: str) -> None:
    """Write one row to stdout; text that cannot be encoded is escaped rather than fatal."""
    try:
        bar.emit(line)
    except UnicodeEncodeError:
        bar.emit(_escaped(line))


@dataclass(frozen=True, slots=True)
class _Workers:
    """How targets are scored: processes (None: one per core), the model file workers reload, URL-list fetching."""

    jobs: int | None = 1
    model: Path | None = None
    crawl: Any = None


def _results(scorer: Scorer, targets: list[str], stdin_kind: StdinKind, done: set[str], workers: _Workers,
             bar: ScoreProgress) -> Iterator[Any]:
    """Results in target order, each target followed by a ``TargetDone``; on a process pool unless one job fits."""
    from .batch.parallel import TargetDone, default_jobs  # noqa: PLC0415

    jobs = workers.jobs or default_jobs()
    if jobs > 1 and "-" not in targets and (len(targets) > 1 or any(is_warc_file(Path(t)) for t in targets)):
        yield from _pooled(scorer, targets, jobs, done, workers, bar)
        return
    for target, results in _by_target(scorer, targets, stdin_kind, done, workers.crawl, bar):
        yield from results
        yield TargetDone(target)


def _pooled(scorer: Scorer, targets: list[str], jobs: int, done: set[str], workers: _Workers,
            bar: ScoreProgress) -> Iterator[Any]:
    """The process pool's results, with the WARC byte bar, counts and damage row as in this process."""
    from .batch.parallel import TargetDone, score_targets  # noqa: PLC0415

    warc: str | None = None
    for item in score_targets(scorer, targets, jobs, done, workers.model, workers.crawl):
        if isinstance(item, TargetDone):
            if warc is not None:
                bar.end_warc()
                warc = None
            if item.counts is not None:
                yield from _warc_end(item.target, item.counts)
        else:
            head = item.source.rpartition("#")[0]
            if warc is None and head and is_warc_file(Path(head)):
                warc = head
                bar.start_warc(head)
            bar.warc_at(item.source)
        yield item


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """Where results are saved and what to do with an existing file."""

    path: Path | None
    resume: bool = False
    overwrite: bool = False

    def open(self, model: ModelInfo) -> Sink | None:
        """The open sink, or None without --output; usage problems become a clean exit."""
        if self.path is None:
            return None
        _check_output_folder(self.path)
        try:
            if self.path.suffix.lower() == ".parquet":
                require("Parquet output", "pyarrow")
            return open_sink(self.path, self.resume, self.overwrite, model)
        except (ValueError, OSError, MissingDependency) as exc:
            raise fail(str(exc)) from None


def _score_all(scorer: Scorer, targets: list[str], stdin_kind: StdinKind, as_json: bool, plan: OutputPlan,
               workers: _Workers = _Workers()) -> int:
    """Score every target, print and write results; returns the number of failures."""
    model = ModelInfo.of(scorer)
    sink = plan.open(model)
    done = {resume_key(s) for s in sink.done_sources()} if sink is not None else set()
    tally, saved, interrupted = Tally(), 0, False
    try:
        with ScoreProgress(targets) as bar:
            for result in _results(scorer, targets, stdin_kind, done, workers, bar):
                if not isinstance(result, Result):  # a target is finished
                    bar.advance()
                    continue
                if resume_key(result.source) in done:
                    continue
                tally.add(result.error, result.label)
                row = annotate(result.to_dict(), model)
                _emit(bar, json_line(row) if as_json else _render_row(result))
                if sink is not None:
                    sink.write(row)
                    saved += 1
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if sink is not None:
            sink.close()
    note(tally.summary())
    if interrupted:
        note(_interrupted_message(plan.path, saved, len(done)))
        raise SystemExit(EXIT_INTERRUPTED)
    return tally.failed


def _interrupted_message(output: Path | None, saved: int, kept: int) -> str:
    """What an interrupted run kept."""
    if output is None:
        return "interrupted; nothing was saved (no --output), the rows above are all there is"
    earlier = f" (plus {kept} from before)" if kept else ""
    return f"interrupted; {saved} result(s) of this run saved to {output}{earlier}; add --resume to go on"


def need(feature: str, *modules: str) -> None:
    """Exit with the install hint unless the optional modules are there."""
    try:
        require(feature, *modules)
    except MissingDependency as exc:
        raise fail(str(exc)) from None


def _score_crawl(scorer: Scorer, targets: list[str], crawl: bool, index_dir: Path | None, as_json: bool,
                 plan: OutputPlan) -> int:
    """Score with copy detection across the batch and/or a reference index; returns the exit code."""
    need("--crawl and --index", "rensa", "tldextract")
    if "-" in targets:
        raise fail("--crawl and --index read files, folders, WARC files and URLs, not stdin")
    if plan.resume:
        raise fail("--resume does not work with --crawl or --index (copies are judged across the whole run)")
    from .crawl.batch import crawl_results  # noqa: PLC0415
    from .crawl.index import ReferenceIndex  # noqa: PLC0415

    try:
        index = ReferenceIndex.open(index_dir) if index_dir is not None else None
    except (InputError, ValueError, OSError) as exc:
        raise fail(str(exc)) from None
    model = ModelInfo.of(scorer)
    tally = Tally()
    try:
        sink = plan.open(model)
        try:
            for result in crawl_results(scorer, targets, across_batch=crawl, index=index):
                tally.add(result.error, result.label)
                row = annotate(result.to_dict(), model)
                echo(json_line(row) if as_json else _render_row(result))
                if sink is not None:
                    sink.write(row)
        finally:
            if sink is not None:
                sink.close()
    finally:
        if index is not None:
            index.close()
    note(tally.summary())
    return 1 if tally.failed else 0


# --- the score command ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreRequest:
    """Every option of ``newsqual score``, with the command line's defaults (see ``newsqual score --help``)."""

    targets: list[str]
    from_file: Path | None = None
    as_json: bool = False
    output: Path | None = None
    resume: bool = False
    overwrite: bool = False
    stdin_kind: StdinKind = StdinKind.auto
    dask: str | None = None
    model: Path | None = None
    threshold: float | None = None
    top: int = 3
    max_bytes: int = settings.MAX_BYTES
    allow_private: bool = False
    concurrency: int = 8
    per_host: int = 2
    retries: int = 2
    respect_robots: bool = False
    jobs: int | None = None
    crawl: bool = False
    index: Path | None = None


def run_score(req: ScoreRequest) -> int:
    """Score every target of ``req`` and print the rows; the exit code (usage problems raise SystemExit)."""
    if not req.targets and req.from_file is None:
        raise fail("give at least one target (URL, file, folder or -), or --from-file")
    if (req.resume or req.overwrite) and req.output is None:
        raise fail(f"--{'resume' if req.resume else 'overwrite'} needs --output")
    if req.resume and req.overwrite:
        raise fail("give --resume or --overwrite, not both")
    try:
        options = ScoreOptions(threshold=req.threshold, top_reasons=req.top, max_bytes=req.max_bytes,
                               allow_private_addresses=req.allow_private)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if req.dask:
        from .cli_dask import DaskRun, run_dask, run_dask_crawl  # noqa: PLC0415

        run = DaskRun(req.dask, req.targets, req.from_file, req.output, req.model, options, req.as_json, req.resume,
                      req.overwrite, req.stdin_kind)
        return run_dask_crawl(run) if req.crawl else run_dask(run)
    try:
        expanded = list(expand_targets(req.targets, req.from_file))
    except InputError as exc:
        raise fail(str(exc)) from None
    shard = next((t for t in expanded if t.lower().endswith(".jsonl") and not is_url(t)), None)
    if shard is not None:
        raise fail(f"{shard} is a JSONL shard (rows of url and html or text), not a page: "
                   "score shards with --dask local --output DIR")
    plan = OutputPlan(req.output, req.resume, req.overwrite)
    scorer = load_scorer(req.model, options)
    if req.crawl or req.index is not None:
        return _score_crawl(scorer, expanded, req.crawl, req.index, req.as_json, plan)
    crawl_options = (_crawl_options(req.concurrency, req.per_host, req.retries, req.respect_robots)
                     if any(map(is_url, expanded)) else None)
    failed = _score_all(scorer, expanded, req.stdin_kind, req.as_json, plan, _Workers(req.jobs, req.model, crawl_options))
    return 1 if failed else 0


def plain_score(args: list[str]) -> list[str] | None:
    """The targets (``-`` is stdin) of ``score TARGET... [--json]`` with no other option, else None (see :func:`main`)."""
    targets = [a for a in args[1:] if a != "--json"]
    if args[:1] != ["score"] or not targets or any(a.startswith("-") and a != "-" for a in targets):
        return None
    return targets


def main() -> None:
    """Console-script entry point: a plain ``score TARGET... [--json]`` here, everything else through Typer."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    targets = plain_score(sys.argv[1:])
    if targets is None:
        from .cli import app  # noqa: PLC0415

        app()
        return
    try:
        code = run_score(ScoreRequest(targets, as_json="--json" in sys.argv[2:]))
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head`): exit 1 without a traceback, as Typer does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
