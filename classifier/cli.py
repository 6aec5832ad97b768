"""The ``newsqual`` command line: parses arguments with Typer, calls the library, renders results.

The score command's run is :mod:`classifier.cli_score`; ``main`` (the console script) lives there too.

Data goes to stdout; messages, progress and errors go to stderr; failures set the exit code.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from . import settings
from .cli_score import (
    ScoreRequest,
    StdinKind,
    echo,
    fail,
    json_line,
    load_scorer,
    need,
    run_score,
)
from .errors import DataError, InputError, MissingDependency, ModelError, NewsqualError
from .extras import require
from .io.sources import expand_targets, is_url, read_stdin
from .io.units import human_size
from .model.bundle import TEXT_FEATURE
from .options import ScoreOptions
from .scorer import Scorer

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


#: The score command's defaults are a plain request's (one definition, in cli_score.ScoreRequest).
_PLAIN = ScoreRequest(targets=[])


@app.command()
def score(
    targets: Annotated[list[str] | None, typer.Argument(help="URLs, files (.html .htm .html.gz .txt .warc.gz), folders (recursive) or - for stdin.")] = None,
    from_file: Annotated[Path | None, typer.Option("--from-file", help="Read more targets from this file, one a line.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write results to .jsonl or .csv (flushed per page) or .parquet; an existing file needs --resume or --overwrite.")] = None,
    resume: Annotated[bool, typer.Option(help="With --output: keep the results already in it and skip their pages.")] = False,
    overwrite: Annotated[bool, typer.Option(help="With --output: replace an existing output file.")] = False,
    stdin_kind: Annotated[StdinKind, typer.Option("--stdin-kind", help="How to read stdin.")] = _PLAIN.stdin_kind,
    dask: Annotated[str | None, typer.Option("--dask", help="Score WARC/JSONL shards on this Dask scheduler (tcp://host:8786, or 'local'); --output is then a folder.")] = None,
    model: ModelOpt = None,
    threshold: ThresholdOpt = None,
    top: Annotated[int, typer.Option(help="Reasons shown per page.")] = _PLAIN.top,
    max_bytes: Annotated[int, typer.Option(help="Largest page read or fetched, in bytes.")] = _PLAIN.max_bytes,
    allow_private: AllowPrivateOpt = False,
    concurrency: Annotated[int, typer.Option(help="URLs fetched at once.", min=1)] = _PLAIN.concurrency,
    per_host: Annotated[int, typer.Option("--per-host", help="URLs fetched at once from one host.", min=1)] = _PLAIN.per_host,
    retries: Annotated[int, typer.Option(help="Retries of a URL answered with 429 or 5xx (Retry-After is honoured).",
                                         min=0)] = _PLAIN.retries,
    respect_robots: Annotated[bool, typer.Option("--respect-robots", help="Skip URLs robots.txt disallows.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes; default: one per core; 1: in this process.")] = None,
    crawl: Annotated[bool, typer.Option("--crawl", help="Find copies across the batch and name the original (crawl_ reasons).")] = False,
    index: Annotated[Path | None, typer.Option("--index", help="Check pages against this reference index (see `newsqual index build`).")] = None,
) -> None:
    """Score pages: a probability of low quality, a label and the reasons behind it.

    Exit code 0 when every target was scored, 1 when any failed (the others are still
    scored and printed), 2 on usage or model errors, 130 when interrupted.
    """
    raise typer.Exit(run_score(ScoreRequest(
        targets=targets or [], from_file=from_file, as_json=as_json, output=output, resume=resume, overwrite=overwrite,
        stdin_kind=stdin_kind, dask=dask, model=model, threshold=threshold, top=top, max_bytes=max_bytes,
        allow_private=allow_private, concurrency=concurrency, per_host=per_host, retries=retries,
        respect_robots=respect_robots, jobs=jobs, crawl=crawl, index=index)))


@app.command()
def explain(
    target: Annotated[str, typer.Argument(help="One URL, file or - for stdin.")],
    model: ModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    allow_private: AllowPrivateOpt = False,
) -> None:
    """Show every signal with its value, evidence and contribution to the score."""
    from .signals import SIGNALS  # noqa: PLC0415

    scorer = load_scorer(model, ScoreOptions(allow_private_addresses=allow_private))
    try:
        data, url, headers = _read_target(scorer, target)
        result, all_reasons = scorer.explain(data, "<stdin>" if target == "-" else target, url=url, headers=headers)
    except NewsqualError as exc:
        raise fail(str(exc), 1) from None
    reasons = {r.signal: r for r in all_reasons}
    docs = {s.name: (s.family, s.doc) for s in SIGNALS}
    docs[TEXT_FEATURE] = ("text", "log-odds of the learned n-gram text channel, with the n-grams that pushed it")
    rows: list[dict[str, Any]] = [
        {"signal": r.signal, "family": docs[r.signal][0], "value": r.value, "contribution": r.contribution,
         "evidence": r.evidence, "doc": docs[r.signal][1]}
        for r in (reasons[name] for name in scorer.bundle.feature_names)
    ]
    if as_json:
        echo(json_line({"source": result.source, "score": result.score, "label": result.label,
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
        raise fail(str(exc)) from None
    from .training.trainer import TrainConfig  # noqa: PLC0415
    from .training.trainer import train as run_train

    if not 0 < max_fpr < 1:
        raise fail("--max-fpr must be between 0 and 1")
    out = _train_output(out, overwrite)
    try:
        outcome = run_train(manifests, out, TrainConfig(max_fpr=max_fpr, synthetic=synthetic, jobs=jobs, seed=seed), _stage_progress())
    except DataError as exc:
        raise fail(str(exc)) from None
    except NewsqualError as exc:
        raise fail(str(exc)) from None
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
        raise fail(f"{bundle.parent} holds the bundled model; train into another folder (default: custom-model/)")
    if overwrite:
        return bundle
    taken = [p.name for p in (bundle, folder / "MODEL.md", folder / "model_card.json", folder / "plots") if p.exists()]
    if taken:
        raise fail(f"{bundle.parent} already holds {', '.join(taken)}; choose a new --out folder or add --overwrite")
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
        raise fail(str(exc)) from None
    from .training.evaluator import run_evaluation  # noqa: PLC0415
    from .training.report import render_text  # noqa: PLC0415

    scorer = load_scorer(model, ScoreOptions(threshold=threshold))
    try:
        report, html = run_evaluation(manifests, scorer, report_dir, jobs=jobs, n_boot=n_boot, progress=_stage_progress())
    except DataError as exc:
        raise fail(str(exc)) from None
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
        raise fail(str(exc)) from None
    from .serve import run  # noqa: PLC0415

    try:
        run(host=host, port=port, model=str(model) if model else None, workers=workers, threshold=threshold)
    except ModelError as exc:
        raise fail(str(exc)) from None


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


@index_app.command("build")
def index_build(
    sources: Annotated[list[str], typer.Argument(help="Pages to store: files, folders (recursive), WARC files or URLs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Index folder (created; an existing index is added to).")],
    from_file: Annotated[Path | None, typer.Option("--from-file", help="Read more sources from this file, one a line.")] = None,
    max_bytes: Annotated[int, typer.Option(help="Largest page read or fetched, in bytes.")] = settings.MAX_BYTES,
) -> None:
    """Store the body signatures of known pages (a crawl of trusted outlets, a WARC file) for `score --index`."""
    need("newsqual index", "rensa", "tldextract")
    from .crawl.index import build_index  # noqa: PLC0415

    try:
        report = build_index(out, list(expand_targets(sources, from_file)), max_bytes)
    except InputError as exc:
        raise fail(str(exc)) from None
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
    need("newsqual sites", "tldextract")
    from .crawl.sites import load_results, render_table, site_verdicts, write_report  # noqa: PLC0415

    try:
        verdicts = site_verdicts(load_results(results), threshold)
    except InputError as exc:
        raise fail(str(exc)) from None
    if as_json:
        for v in verdicts:
            typer.echo(json.dumps(v.to_dict(), ensure_ascii=False))
    else:
        typer.echo(render_table(verdicts))
    if out is not None:
        try:
            paths = write_report(verdicts, out)
        except (OSError, MissingDependency) as exc:
            raise fail(str(exc)) from None
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
