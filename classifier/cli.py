"""The ``newsqual`` command line: parses arguments, calls the library, renders results.

Data goes to stdout; messages, progress and errors go to stderr; failures set the exit code.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import settings
from .console import ScoreProgress, Tally
from .errors import DataError, InputError, MissingDependency, ModelError, NewsqualError
from .extras import require
from .io.output import ModelInfo, Sink, annotate, json_safe, open_sink
from .io.sources import expand_targets, is_url, is_warc_file, read_stdin, resume_key, scheme_refusal, target_runs
from .io.units import human_size
from .model.bundle import TEXT_FEATURE
from .options import ScoreOptions
from .scorer import Result, Scorer

app = typer.Typer(
    help="Tell original news reporting from low-quality syndication, scrapers and spam.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



# --- version, help examples (ux) ---------------------------------------------------------------

def _version(value: bool) -> None:
    """Print the installed version and exit (the ``--version`` callback)."""
    if value:
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            typer.echo(f"newsqual {version('newsqual')}")
        except PackageNotFoundError:
            typer.echo("newsqual (not installed)")
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Tell original news reporting from low-quality syndication, scrapers and spam."""


ModelOpt = Annotated[Path | None, typer.Option("--model", "-m", help="Model bundle (.npz); default: the bundled model.")]
ThresholdOpt = Annotated[float | None, typer.Option(help="Decision threshold; default: the model's own.")]
AllowPrivateOpt = Annotated[bool, typer.Option(
    "--allow-private-addresses",
    help="Also fetch loopback, private, link-local and reserved addresses (refused by default).")]


# --- hardening: output that cannot crash the run -----------------------------------------------


def _escaped(text: str) -> str:
    """``text`` with what stdout's encoding cannot show (non-UTF-8 file names) backslash-escaped."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)


def _echo(text: str) -> None:
    """Print a line to stdout; characters its encoding cannot show are escaped."""
    try:
        typer.echo(text)
    except UnicodeEncodeError:
        typer.echo(_escaped(text))


def _json_line(row: dict[str, Any]) -> str:
    """One row as a JSON line; a non-finite number becomes null (NaN is not JSON)."""
    return json.dumps(json_safe(row), ensure_ascii=False, allow_nan=False)


def _json_row(result: Result) -> str:
    """One result as a JSON line (see :func:`_json_line`)."""
    return _json_line(result.to_dict())


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
        raise _fail(f"cannot write {output}: the folder {folder} {what}")
    if output.is_dir():
        raise _fail(f"cannot write {output}: it is a folder")


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error to stderr and return the exit to raise."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _load(model: Path | None, options: ScoreOptions) -> Scorer:
    """Load the scorer, turning model problems into a clean exit."""
    try:
        return Scorer.load(model, options)
    except ModelError as exc:
        raise _fail(str(exc)) from None


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
    typer.echo(f"{target}: {warc_summary(counts)}", err=True)
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


@app.command()
def score(
    targets: Annotated[list[str] | None, typer.Argument(help="URLs, files (.html .htm .html.gz .txt .warc.gz), folders (recursive) or - for stdin.")] = None,
    from_file: Annotated[Path | None, typer.Option("--from-file", help="Read more targets from this file, one a line.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write results to .jsonl or .csv (flushed per page) or .parquet; an existing file needs --resume or --overwrite.")] = None,
    resume: Annotated[bool, typer.Option(help="With --output: keep the results already in it and skip their pages.")] = False,
    overwrite: Annotated[bool, typer.Option(help="With --output: replace an existing output file.")] = False,
    stdin_kind: Annotated[StdinKind, typer.Option("--stdin-kind", help="How to read stdin.")] = StdinKind.auto,
    dask: Annotated[str | None, typer.Option("--dask", help="Score WARC/JSONL shards on this Dask scheduler (tcp://host:8786, or 'local'); --output is then a folder.")] = None,
    model: ModelOpt = None,
    threshold: ThresholdOpt = None,
    top: Annotated[int, typer.Option(help="Reasons shown per page.")] = 3,
    max_bytes: Annotated[int, typer.Option(help="Largest page read or fetched, in bytes.")] = settings.MAX_BYTES,
    allow_private: AllowPrivateOpt = False,
    concurrency: Annotated[int, typer.Option(help="URLs fetched at once.", min=1)] = 8,
    per_host: Annotated[int, typer.Option("--per-host", help="URLs fetched at once from one host.", min=1)] = 2,
    retries: Annotated[int, typer.Option(help="Retries of a URL answered with 429 or 5xx (Retry-After is honoured).",
                                         min=0)] = 2,
    respect_robots: Annotated[bool, typer.Option("--respect-robots", help="Skip URLs robots.txt disallows.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes; default: one per core; 1: in this process.")] = None,
    crawl: Annotated[bool, typer.Option("--crawl", help="Find copies across the batch and name the original (crawl_ reasons).")] = False,
    index: Annotated[Path | None, typer.Option("--index", help="Check pages against this reference index (see `newsqual index build`).")] = None,
) -> None:
    """Score pages: a probability of low quality, a label and the reasons behind it.

    Exit code 0 when every target was scored, 1 when any failed (the others are still
    scored and printed), 2 on usage or model errors, 130 when interrupted.
    """
    if not targets and from_file is None:
        raise _fail("give at least one target (URL, file, folder or -), or --from-file")
    if (resume or overwrite) and output is None:
        raise _fail(f"--{'resume' if resume else 'overwrite'} needs --output")
    if resume and overwrite:
        raise _fail("give --resume or --overwrite, not both")
    try:
        options = ScoreOptions(threshold=threshold, top_reasons=top, max_bytes=max_bytes,
                               allow_private_addresses=allow_private)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if dask:
        from .cli_dask import DaskRun, run_dask, run_dask_crawl  # noqa: PLC0415

        run = DaskRun(dask, targets or [], from_file, output, model, options, as_json, resume, overwrite, stdin_kind)
        raise typer.Exit(run_dask_crawl(run) if crawl else run_dask(run))
    try:
        expanded = list(expand_targets(targets or [], from_file))
    except InputError as exc:
        raise _fail(str(exc)) from None
    shard = next((t for t in expanded if t.lower().endswith(".jsonl") and not is_url(t)), None)
    if shard is not None:
        raise _fail(f"{shard} is a JSONL shard (rows of url and html or text), not a page: "
                    "score shards with --dask local --output DIR")
    plan = _OutputPlan(output, resume, overwrite)
    scorer = _load(model, options)
    if crawl or index is not None:
        raise typer.Exit(_score_crawl(scorer, expanded, crawl, index, as_json, plan))
    crawl_options = _crawl_options(concurrency, per_host, retries, respect_robots) if any(map(is_url, expanded)) else None
    failed = _score_all(scorer, expanded, stdin_kind, as_json, plan, _Workers(jobs, model, crawl_options))
    raise typer.Exit(1 if failed else 0)


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
class _OutputPlan:
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
            raise _fail(str(exc)) from None


def _score_all(scorer: Scorer, targets: list[str], stdin_kind: StdinKind, as_json: bool, plan: _OutputPlan,
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
                _emit(bar, _json_line(row) if as_json else _render_row(result))
                if sink is not None:
                    sink.write(row)
                    saved += 1
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if sink is not None:
            sink.close()
    typer.echo(tally.summary(), err=True)
    if interrupted:
        typer.echo(_interrupted_message(plan.path, saved, len(done)), err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    return tally.failed


def _interrupted_message(output: Path | None, saved: int, kept: int) -> str:
    """What an interrupted run kept."""
    if output is None:
        return "interrupted; nothing was saved (no --output), the rows above are all there is"
    earlier = f" (plus {kept} from before)" if kept else ""
    return f"interrupted; {saved} result(s) of this run saved to {output}{earlier}; add --resume to go on"


@app.command()
def explain(
    target: Annotated[str, typer.Argument(help="One URL, file or - for stdin.")],
    model: ModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    allow_private: AllowPrivateOpt = False,
) -> None:
    """Show every signal with its value, evidence and contribution to the score."""
    from .signals import SIGNALS  # noqa: PLC0415

    scorer = _load(model, ScoreOptions(allow_private_addresses=allow_private))
    try:
        data, url, headers = _read_target(scorer, target)
        result, all_reasons = scorer.explain(data, "<stdin>" if target == "-" else target, url=url, headers=headers)
    except NewsqualError as exc:
        raise _fail(str(exc), 1) from None
    reasons = {r.signal: r for r in all_reasons}
    docs = {s.name: (s.family, s.doc) for s in SIGNALS}
    docs[TEXT_FEATURE] = ("text", "log-odds of the learned n-gram text channel, with the n-grams that pushed it")
    rows: list[dict[str, Any]] = [
        {"signal": r.signal, "family": docs[r.signal][0], "value": r.value, "contribution": r.contribution,
         "evidence": r.evidence, "doc": docs[r.signal][1]}
        for r in (reasons[name] for name in scorer.bundle.feature_names)
    ]
    if as_json:
        _echo(_json_line({"source": result.source, "score": result.score, "label": result.label,
                          "threshold": scorer.threshold, "signals": rows}))
        return
    score = f"{result.score:.3f}" if result.score is not None else "-"
    typer.echo(f"{result.source}\nscore {score}  label {result.label}  (threshold {scorer.threshold:.3f})\n")
    typer.echo(f"{'contrib':>8}  {'value':>8}  signal (what it measures)")
    for row in sorted(rows, key=lambda r: -r["contribution"]):
        typer.echo(f"{row['contribution']:+8.2f}  {row['value']:8.3f}  {row['signal']}  ({row['doc']})")
        if row["evidence"]:
            typer.echo(f"{'':20}{row['evidence'][:120]}")


def _read_target(scorer: Scorer, target: str) -> tuple[bytes, str | None, dict[str, str]]:
    """The bytes, URL and headers of one URL, file or stdin target."""
    from .io.sources import read_source  # noqa: PLC0415

    if target == "-":
        return read_stdin(sys.stdin.buffer, scorer.options.max_bytes), None, {}
    if is_url(target):
        from .io.fetch import fetch  # noqa: PLC0415

        got = fetch(target, max_bytes=scorer.options.max_bytes, allow_private=scorer.options.allow_private_addresses)
        return got.content, got.final_url, dict(got.headers)
    return read_source(Path(target), scorer.options.max_bytes).data, None, {}


@app.command()
def signals() -> None:
    """List every signal with its family and what it measures."""
    from .signals import SIGNALS  # noqa: PLC0415

    for s in SIGNALS:
        typer.echo(f"{s.name:32} {s.family:12} v{s.version}  {s.doc}")


@app.command()
def train(
    manifests: Annotated[list[Path], typer.Argument(help="Labelled data: JSONL manifests or folders with original/ and low_quality/.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="A folder for the new bundle (named after the folder), or the bundle's file name; MODEL.md, model_card.json and plots/ go beside it.")] = Path("custom-model"),
    overwrite: Annotated[bool, typer.Option(help="Replace files of an existing bundle in the output folder.")] = False,
    max_fpr: Annotated[float, typer.Option("--max-fpr", help="Highest false-positive rate on originals allowed when choosing the threshold.")] = settings.MAX_FPR,
    synthetic: Annotated[int, typer.Option(help="Scraper-style pages to generate from your originals (0: none).")] = settings.SYNTHETIC_PAGES,
    jobs: Annotated[int | None, typer.Option(help="Processes for feature extraction (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed for folds and the generator.")] = 0,
) -> None:
    """Train a model on labelled pages, with grouped cross-validation and a model card."""
    try:
        require("newsqual train", "sklearn", "scipy")
    except MissingDependency as exc:
        raise _fail(str(exc)) from None
    from .training.trainer import TrainConfig  # noqa: PLC0415
    from .training.trainer import train as run_train

    if not 0 < max_fpr < 1:
        raise _fail("--max-fpr must be between 0 and 1")
    out = _train_output(out, overwrite)
    try:
        outcome = run_train(manifests, out, TrainConfig(max_fpr=max_fpr, synthetic=synthetic, jobs=jobs, seed=seed), _stage_progress())
    except DataError as exc:
        raise _fail(str(exc)) from None
    except NewsqualError as exc:
        raise _fail(str(exc)) from None
    from .training.validation import render_summary  # noqa: PLC0415

    for page_id, reason in outcome.card["data"]["failed_pages"].items():
        typer.echo(f"skipped {page_id}: {reason}", err=True)
    typer.echo(f"wrote {out} and its model card and plots beside it", err=True)
    typer.echo(render_summary(outcome.card))
    artefact = outcome.card["adversarial_auc"]
    if artefact is not None and max(artefact.values()) > 0.6:
        typer.echo("warning: generated pages are easy to tell from your real ones even without their markers; "
                   "check the model on held-out real pages, or retrain with --synthetic 0", err=True)


def _train_output(out: Path, overwrite: bool) -> Path:
    """The bundle path for ``train --out``, refusing to replace the bundled model's or another bundle's files."""
    suffix = Path(settings.MODEL_FILE).suffix
    bundle = out / f"{out.name}{suffix}" if out.suffix == "" else out.with_suffix(suffix)
    folder = bundle.parent.resolve()
    if folder == settings.MODELS_DIR.resolve():
        raise _fail(f"{bundle.parent} holds the bundled model; train into another folder (default: custom-model/)")
    if overwrite:
        return bundle
    taken = [p.name for p in (bundle, folder / "MODEL.md", folder / "model_card.json", folder / "plots") if p.exists()]
    if taken:
        raise _fail(f"{bundle.parent} already holds {', '.join(taken)}; choose a new --out folder or add --overwrite")
    return bundle


def _stage_progress() -> Any:
    """A progress callback that draws one line per stage on stderr (only on a terminal)."""
    state = {"stage": ""}

    def progress(stage: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            if done == total:
                typer.echo(f"{stage}: {total} done", err=True)
            return
        if stage != state["stage"]:
            state["stage"] = stage
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{stage}: {done}/{total}{end}")
        sys.stderr.flush()

    return progress


@app.command()
def evaluate(
    manifests: Annotated[list[Path], typer.Argument(help="Labelled data: JSONL manifests or folders.")],
    model: ModelOpt = None,
    threshold: ThresholdOpt = None,
    report_dir: Annotated[Path, typer.Option("--report-dir", help="Where plots (PNG) and report.html go.")] = Path("reports/evaluation"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
    jobs: Annotated[int | None, typer.Option(help="Processes for feature extraction.")] = None,
    n_boot: Annotated[int, typer.Option("--n-boot", help="Bootstrap resamples for confidence intervals.")] = 1000,
) -> None:
    """Score a labelled set and report ROC-AUC, PR-AUC, precision/recall/FPR, per-category and per-language figures."""
    try:
        require("newsqual evaluate (plots)", "matplotlib")
    except MissingDependency as exc:
        raise _fail(str(exc)) from None
    from .training.evaluator import run_evaluation  # noqa: PLC0415
    from .training.report import render_text  # noqa: PLC0415

    scorer = _load(model, ScoreOptions(threshold=threshold))
    try:
        report, html = run_evaluation(manifests, scorer, report_dir, jobs=jobs, n_boot=n_boot, progress=_stage_progress())
    except DataError as exc:
        raise _fail(str(exc)) from None
    typer.echo(json.dumps(report) if as_json else render_text(report))
    typer.echo(f"report: {html}", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind (1-65535).", min=1, max=65535)] = 8000,
    model: ModelOpt = None,
    threshold: ThresholdOpt = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve POST /score (HTML or text in, JSON result out) and GET /health. Never fetches URLs."""
    try:
        require("newsqual serve", "starlette", "uvicorn")
    except MissingDependency as exc:
        raise _fail(str(exc)) from None
    from .serve import run  # noqa: PLC0415

    try:
        run(host=host, port=port, model=str(model) if model else None, workers=workers, threshold=threshold)
    except ModelError as exc:
        raise _fail(str(exc)) from None


# --- the feature cache (ux) -------------------------------------------------------------------

cache_app = typer.Typer(help="Show or clear the feature cache of train and evaluate ($NEWSQUAL_CACHE moves it).",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info() -> None:
    """Print the cache folder, its file count and size."""
    from .training.cache import cache_usage  # noqa: PLC0415

    usage = cache_usage()
    typer.echo(f"{usage.path}: {usage.files} files, {human_size(usage.bytes)}")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached feature vector (they are recomputed when needed)."""
    from .training.cache import clear_cache  # noqa: PLC0415

    usage = clear_cache()
    typer.echo(f"removed {usage.files} files ({human_size(usage.bytes)}) from {usage.path}")


# --- crawl mode: `score --crawl`, `score --index`, `index build`, `sites` (classifier/crawl) ---

index_app = typer.Typer(help="Build and inspect reference indexes of known pages.", no_args_is_help=True)
app.add_typer(index_app, name="index")


def _need(feature: str, *modules: str) -> None:
    """Exit with the install hint unless the optional modules are there."""
    try:
        require(feature, *modules)
    except MissingDependency as exc:
        raise _fail(str(exc)) from None


def _score_crawl(scorer: Scorer, targets: list[str], crawl: bool, index_dir: Path | None, as_json: bool,
                 plan: _OutputPlan) -> int:
    """Score with copy detection across the batch and/or a reference index; returns the exit code."""
    _need("--crawl and --index", "rensa", "tldextract")
    if "-" in targets:
        raise _fail("--crawl and --index read files, folders, WARC files and URLs, not stdin")
    if plan.resume:
        raise _fail("--resume does not work with --crawl or --index (copies are judged across the whole run)")
    from .crawl.batch import crawl_results  # noqa: PLC0415
    from .crawl.index import ReferenceIndex  # noqa: PLC0415

    try:
        index = ReferenceIndex.open(index_dir) if index_dir is not None else None
    except (InputError, ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    model = ModelInfo.of(scorer)
    tally = Tally()
    try:
        sink = plan.open(model)
        try:
            for result in crawl_results(scorer, targets, across_batch=crawl, index=index):
                tally.add(result.error, result.label)
                row = annotate(result.to_dict(), model)
                _echo(_json_line(row) if as_json else _render_row(result))
                if sink is not None:
                    sink.write(row)
        finally:
            if sink is not None:
                sink.close()
    finally:
        if index is not None:
            index.close()
    typer.echo(tally.summary(), err=True)
    return 1 if tally.failed else 0


@index_app.command("build")
def index_build(
    sources: Annotated[list[str], typer.Argument(help="Pages to store: files, folders (recursive), WARC files or URLs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Index folder (created; an existing index is added to).")],
    from_file: Annotated[Path | None, typer.Option("--from-file", help="Read more sources from this file, one a line.")] = None,
    max_bytes: Annotated[int, typer.Option(help="Largest page read or fetched, in bytes.")] = settings.MAX_BYTES,
) -> None:
    """Store the body signatures of known pages (a crawl of trusted outlets, a WARC file) for `score --index`."""
    _need("newsqual index", "rensa", "tldextract")
    from .crawl.index import build_index  # noqa: PLC0415

    try:
        report = build_index(out, list(expand_targets(sources, from_file)), max_bytes)
    except InputError as exc:
        raise _fail(str(exc)) from None
    for line in report.failures:
        typer.echo(f"failed {line}", err=True)
    typer.echo(json.dumps(asdict(report)))
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def sites(
    results: Annotated[list[Path], typer.Argument(help="JSON lines written by `score --crawl --json` or `--output`.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for sites.jsonl, sites.html and the plot.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
    threshold: Annotated[float, typer.Option(help="Share of a site's pages flagged or copied above which the site is flagged.")] = 0.5,
) -> None:
    """Verdicts per registered domain: pages, share flagged, share of uncredited copies, repeated widgets, evidence."""
    _need("newsqual sites", "tldextract")
    from .crawl.sites import load_results, render_table, site_verdicts, write_report  # noqa: PLC0415

    try:
        verdicts = site_verdicts(load_results(results), threshold)
    except InputError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        for v in verdicts:
            typer.echo(json.dumps(v.to_dict(), ensure_ascii=False))
    else:
        typer.echo(render_table(verdicts))
    if out is not None:
        try:
            paths = write_report(verdicts, out)
        except (OSError, MissingDependency) as exc:
            raise _fail(str(exc)) from None
        typer.echo(f"report: {', '.join(map(str, paths))}", err=True)


# --- an example in the --help of every command (ux) --------------------------------------------

EXAMPLES: dict[str, str] = {
    "score": "newsqual score examples/ --json --output results.jsonl",
    "explain": "newsqual explain examples/scraper_copy.html",
    "signals": "newsqual signals",
    "train": "newsqual train my-labels.jsonl --out mine/ --max-fpr 0.01",
    "evaluate": "newsqual evaluate held-out.jsonl --model mine/mine.npz --report-dir reports/",
    "serve": "newsqual serve --port 8000",
    "cache": "newsqual cache clear",
    "info": "newsqual cache info",
    "clear": "newsqual cache clear",
    "index": "newsqual index build trusted-crawl.warc.gz --out ref-index/",
    "build": "newsqual index build trusted-crawl.warc.gz --out ref-index/",
    "sites": "newsqual sites results.jsonl --out sites-report/",
}


def _add_examples(typer_app: typer.Typer) -> None:
    """Put each command's example into its help epilog."""
    for command in typer_app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        if name in EXAMPLES and not command.epilog:
            command.epilog = f"Example:  {EXAMPLES[name]}"
    for group in typer_app.registered_groups:
        if group.name in EXAMPLES and not group.epilog:
            group.epilog = f"Example:  {EXAMPLES[group.name]}"
        if group.typer_instance is not None:
            _add_examples(group.typer_instance)


_add_examples(app)


def _plain_score(args: list[str]) -> list[str] | None:
    """The targets (``-`` is stdin) of ``score TARGET... [--json]`` with no other option, else None (see :func:`main`)."""
    targets = [a for a in args[1:] if a != "--json"]
    if args[:1] != ["score"] or not targets or any(a.startswith("-") and a != "-" for a in targets):
        return None
    return targets


def main() -> None:
    """Console-script entry point.

    ``score TARGET... [--json]`` calls :func:`score` itself: Typer's parse coerces every option through
    pydantic, whose import alone costs about 0.2 s CPU, more than the rest of scoring one page.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    targets = _plain_score(sys.argv[1:])
    if targets is None:
        app()
        return
    try:
        score(targets, as_json="--json" in sys.argv[2:])
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # the reader went away (`| head`): exit 1 without a traceback, as Typer does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
