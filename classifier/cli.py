"""The ``newsqual`` command line: parses arguments, calls the library, renders results.

Data goes to stdout; messages, progress and errors go to stderr; failures set the exit code.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from . import settings
from .errors import DataError, InputError, MissingDependency, ModelError, NewsqualError
from .extras import require
from .options import ScoreOptions
from .scorer import Result, Scorer
from .sources import expand_targets, is_url, is_warc_file

app = typer.Typer(
    help="Tell original news reporting from low-quality syndication, scrapers and spam.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOpt = Annotated[Path | None, typer.Option("--model", "-m", help="Model bundle (.joblib); default: the bundled model.")]
ThresholdOpt = Annotated[float | None, typer.Option(help="Decision threshold; default: the model's own.")]


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


def _score_target(scorer: Scorer, target: str, stdin_kind: str) -> Iterator[Result]:
    """Results for one target: ``-`` (stdin), a WARC file (skip counts go to stderr), a URL or a page file."""
    if target == "-":
        data = sys.stdin.buffer.read(scorer.options.max_bytes + 1)
        kind = "auto" if stdin_kind == "auto" else stdin_kind
        yield scorer.score_bytes(data, "<stdin>", kind=kind)  # type: ignore[arg-type]
    elif is_warc_file(Path(target)) and not is_url(target):
        counts = _warc_counts()
        yield from scorer.score_warc(target, counts)
        if counts is not None:
            typer.echo(f"{target}: {counts}", err=True)
    else:
        yield from scorer.score_many([target])


def _warc_counts() -> Any:
    """A fresh ``WarcCounts``, or None when no WARC reader is installed (score_warc then says so)."""
    try:
        from .warc import WarcCounts  # noqa: PLC0415
    except ImportError:
        return None
    return WarcCounts()


def _render_row(result: Result) -> str:
    """One table row: score, label, source and the top reasons with evidence."""
    if result.error:
        return f"{'-':>6}  {'error':<11}  {result.source}\n        {result.error}"
    lines = [f"{result.score:6.3f}  {result.label:<11}  {result.source}"]
    for r in result.reasons:
        evidence = f": {r.evidence}" if r.evidence else ""
        lines.append(f"        {r.contribution:+.2f} {r.signal}{evidence[:110]}")
    return "\n".join(lines)


@app.command()
def score(
    targets: Annotated[list[str] | None, typer.Argument(help="URLs, files (.html .htm .html.gz .txt .warc.gz), folders (recursive) or - for stdin.")] = None,
    from_file: Annotated[Path | None, typer.Option("--from-file", help="Read more targets from this file, one a line.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also append results to .jsonl (flushed per page) or .parquet.")] = None,
    resume: Annotated[bool, typer.Option(help="With --output: skip pages already in the output file.")] = False,
    stdin_kind: Annotated[str, typer.Option("--stdin-kind", help="How to read stdin: auto, html or text.")] = "auto",
    dask: Annotated[str | None, typer.Option("--dask", help="Score WARC/JSONL shards on this Dask scheduler (tcp://host:8786, or 'local').")] = None,
    model: ModelOpt = None,
    threshold: ThresholdOpt = None,
    top: Annotated[int, typer.Option(help="Reasons shown per page.")] = 3,
    max_bytes: Annotated[int, typer.Option(help="Largest page read or fetched, in bytes.")] = settings.MAX_BYTES,
    crawl: Annotated[bool, typer.Option("--crawl", help="Find copies across the batch and name the original (crawl_ reasons).")] = False,
    index: Annotated[Path | None, typer.Option("--index", help="Check pages against this reference index (see `newsqual index build`).")] = None,
) -> None:
    """Score pages: a probability of low quality, a label and the reasons behind it.

    Exit code 0 when every target was scored, 1 when any failed (the others are still
    scored and printed), 2 on usage or model errors.
    """
    if not targets and from_file is None:
        raise _fail("give at least one target (URL, file, folder or -), or --from-file")
    try:
        options = ScoreOptions(threshold=threshold, top_reasons=top, max_bytes=max_bytes)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if dask and crawl:
        raise typer.Exit(_run_dask_crawl(dask, targets or [], output, model, threshold))
    if dask:
        raise typer.Exit(_run_dask(dask, targets or [], output, model, threshold))
    scorer = _load(model, options)
    try:
        expanded = list(expand_targets(targets or [], from_file))
    except InputError as exc:
        raise _fail(str(exc)) from None
    if crawl or index is not None:
        raise typer.Exit(_score_crawl(scorer, expanded, crawl, index, as_json, output))
    failed = _score_all(scorer, expanded, stdin_kind, as_json, output, resume)
    raise typer.Exit(1 if failed else 0)


def _score_all(scorer: Scorer, targets: list[str], stdin_kind: str, as_json: bool, output: Path | None, resume: bool) -> int:
    """Score every target, print and write results; returns the number of failures."""
    from .output import open_sink  # noqa: PLC0415

    sink = None
    done: set[str] = set()
    if output is not None:
        try:
            if output.suffix == ".parquet":
                require("Parquet output", "pyarrow")
            sink = open_sink(output, resume)
        except (ValueError, OSError, MissingDependency) as exc:
            raise _fail(str(exc)) from None
        done = sink.done_sources()
    failed = 0
    show_bar = sys.stderr.isatty() and len(targets) > 1
    try:
        with typer.progressbar(length=len(targets), label="scoring", file=sys.stderr) if show_bar else _NoBar() as bar:
            for target in targets:
                if target in done:  # resumed: a page file already written (WARC records are checked below)
                    bar.update(1)
                    continue
                for result in _score_target(scorer, target, stdin_kind):
                    if result.source in done:
                        continue
                    failed += result.error is not None
                    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else _render_row(result))
                    if sink is not None:
                        sink.write(result.to_dict())
                bar.update(1)
    except KeyboardInterrupt:
        typer.echo("interrupted; results so far are saved", err=True)
        failed += 1
    finally:
        if sink is not None:
            sink.close()
    if failed:
        typer.echo(f"{failed} target(s) failed", err=True)
    return failed


class _NoBar:
    """A stand-in for the progress bar when stderr is not a terminal."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        """Do nothing."""


def _run_dask(scheduler: str, targets: list[str], out: Path | None, model: Path | None, threshold: float | None) -> int:
    """Score shards on Dask; results go to one JSONL file per shard in ``out`` (a folder)."""
    try:
        require("--dask", "distributed")
    except MissingDependency as exc:
        raise _fail(str(exc)) from None
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # its INFO lines would drown the results
    from .distributed import score_shards  # noqa: PLC0415

    if out is None:
        raise _fail("--dask needs --output DIR for the per-shard result files")
    shards = [Path(t) for t in expand_targets(targets)]
    reports = score_shards(shards, out, scheduler=None if scheduler == "local" else scheduler, model=model, threshold=threshold)
    bad = 0
    for r in reports:
        typer.echo(json.dumps(asdict(r), default=str))
        bad += r.status == "failed"
    return 1 if bad else 0


@app.command()
def explain(
    target: Annotated[str, typer.Argument(help="One URL, file or - for stdin.")],
    model: ModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every signal with its value, evidence and contribution to the score."""
    from .signals import SIGNALS  # noqa: PLC0415

    scorer = _load(model, ScoreOptions())
    try:
        data, url, headers = _read_target(scorer, target)
        result, all_reasons = scorer.explain(data, "<stdin>" if target == "-" else target, url=url, headers=headers)
    except NewsqualError as exc:
        raise _fail(str(exc), 1) from None
    reasons = {r.signal: r for r in all_reasons}
    docs = {s.name: (s.family, s.doc) for s in SIGNALS}
    rows: list[dict[str, Any]] = [
        {"signal": r.signal, "family": docs[r.signal][0], "value": r.value, "contribution": r.contribution,
         "evidence": r.evidence, "doc": docs[r.signal][1]}
        for r in (reasons[s.name] for s in SIGNALS)
    ]
    if as_json:
        typer.echo(json.dumps({"source": result.source, "score": result.score, "label": result.label,
                               "threshold": scorer.threshold, "signals": rows}, ensure_ascii=False))
        return
    typer.echo(f"{result.source}\nscore {result.score:.3f}  label {result.label}  (threshold {scorer.threshold:.3f})\n")
    typer.echo(f"{'contrib':>8}  {'value':>8}  signal (what it measures)")
    for row in sorted(rows, key=lambda r: -r["contribution"]):
        typer.echo(f"{row['contribution']:+8.2f}  {row['value']:8.3f}  {row['signal']}  ({row['doc']})")
        if row["evidence"]:
            typer.echo(f"{'':20}{row['evidence'][:120]}")


def _read_target(scorer: Scorer, target: str) -> tuple[bytes, str | None, dict[str, str]]:
    """The bytes, URL and headers of one URL, file or stdin target."""
    from .sources import read_source  # noqa: PLC0415

    if target == "-":
        return sys.stdin.buffer.read(scorer.options.max_bytes + 1), None, {}
    if is_url(target):
        from .fetch import fetch  # noqa: PLC0415

        got = fetch(target, max_bytes=scorer.options.max_bytes)
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
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the bundle (.joblib); MODEL.md and model_card.json go beside it.")] = Path("models/custom.joblib"),
    max_fpr: Annotated[float, typer.Option("--max-fpr", help="Highest false-positive rate on originals allowed when choosing the threshold.")] = settings.MAX_FPR,
    synthetic: Annotated[int, typer.Option(help="Scraper-style pages to generate from your originals (0: none).")] = settings.SYNTHETIC_PAGES,
    jobs: Annotated[int | None, typer.Option(help="Processes for feature extraction (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed for folds and the generator.")] = 0,
) -> None:
    """Train a model on labelled pages, with grouped cross-validation and a model card."""
    from .trainer import TrainConfig  # noqa: PLC0415
    from .trainer import train as run_train

    if not 0 < max_fpr < 1:
        raise _fail("--max-fpr must be between 0 and 1")
    if out.suffix != ".joblib":
        out = out / "newsqual.joblib" if out.suffix == "" else out.with_suffix(".joblib")
    try:
        outcome = run_train(manifests, out, TrainConfig(max_fpr=max_fpr, synthetic=synthetic, jobs=jobs, seed=seed), _stage_progress())
    except DataError as exc:
        raise _fail(str(exc)) from None
    except NewsqualError as exc:
        raise _fail(str(exc)) from None
    cv = outcome.card["cv_real_html"]
    for page_id, reason in outcome.card["data"]["failed_pages"].items():
        typer.echo(f"skipped {page_id}: {reason}", err=True)
    typer.echo(f"wrote {out} (+ .sha256, MODEL.md, model_card.json, plots/)", err=True)
    typer.echo(f"cross-validated on real pages (folds grouped by site), threshold {cv['threshold']:.3f}:")
    for key, name in (("roc_auc", "ROC-AUC"), ("pr_auc", "PR-AUC"), ("precision", "precision"), ("recall", "recall"),
                      ("fpr", "false-positive rate")):
        metric = cv.get(key) or {}
        if metric.get("value") is not None:
            lo, hi = metric["ci95"]
            typer.echo(f"  {name:20} {metric['value']:.3f}  [{lo:.3f}, {hi:.3f}]")
    artefact = outcome.card["adversarial_auc"]
    typer.echo(f"  generator artefact check (ROC-AUC, 0.5 is best): {artefact}")
    if artefact is not None and artefact > 0.75:
        typer.echo("warning: generated pages are easy to tell from your real ones even without their markers; "
                   "check the model on held-out real pages, or retrain with --synthetic 0", err=True)


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
    from .evaluator import run_evaluation  # noqa: PLC0415
    from .report import render_text  # noqa: PLC0415

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
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
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
                 output: Path | None) -> int:
    """Score with copy detection across the batch and/or a reference index; returns the exit code."""
    _need("--crawl and --index", "rensa", "tldextract")
    if "-" in targets:
        raise _fail("--crawl and --index read files, folders, WARC files and URLs, not stdin")
    from .crawl.batch import crawl_results  # noqa: PLC0415
    from .crawl.index import ReferenceIndex  # noqa: PLC0415
    from .output import open_sink  # noqa: PLC0415

    try:
        index = ReferenceIndex.open(index_dir) if index_dir is not None else None
        sink = open_sink(output) if output is not None else None
    except (InputError, ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    failed = 0
    try:
        for result in crawl_results(scorer, targets, across_batch=crawl, index=index):
            failed += result.error is not None
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else _render_row(result))
            if sink is not None:
                sink.write(result.to_dict())
    finally:
        if sink is not None:
            sink.close()
        if index is not None:
            index.close()
    if failed:
        typer.echo(f"{failed} target(s) failed", err=True)
    return 1 if failed else 0


def _run_dask_crawl(scheduler: str, targets: list[str], out: Path | None, model: Path | None,
                    threshold: float | None) -> int:
    """Score shards on Dask with copy detection across all of them; one JSONL per shard in ``out``."""
    _need("--dask --crawl", "distributed", "rensa", "tldextract")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    from .crawl.dask_crawl import crawl_shards  # noqa: PLC0415
    from .distributed import _client  # noqa: PLC0415

    if out is None:
        raise _fail("--dask needs --output DIR for the per-shard result files")
    shards = [Path(t) for t in expand_targets(targets)]
    with _client(None if scheduler == "local" else scheduler) as client:
        report = crawl_shards(shards, out, client, model=model, threshold=threshold)
    typer.echo(json.dumps({"pages": report.pages, "pairs": len(report.pairs), "verdicts": len(report.verdicts),
                           "outputs": report.outputs}))
    return 0


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


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    app()
