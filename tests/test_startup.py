"""Start-up: what scoring one page from the command line imports, and the plain ``score`` shortcut of ``main``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.cli_score import plain_score as _plain_score

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
#: Imported by training, fetching, the Typer command line and its option coercion, or only for HTTP headers:
#: never by scoring a file.
HEAVY = ("sklearn", "scipy", "joblib", "pydantic", "httpx", "rich", "platformdirs", "trafilatura", "email.utils", "typer",
         "click")


def _run_main(*args: str) -> subprocess.CompletedProcess[str]:
    """``newsqual ARGS`` through :func:`classifier.cli_score.main` in a fresh interpreter; prints the heavy modules loaded."""
    code = (
        "import sys; from classifier.cli_score import main; sys.argv = ['newsqual', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\nelse:\n    code = 0\n"
        f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\nsys.exit(code)"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.mark.parametrize("args", [["score", "examples/original_article.html"], ["score", "--json", "examples/"]])
def test_scoring_files_imports_nothing_heavy(args: list[str]) -> None:
    """Scoring files from the command line loads no training, fetching or pydantic module."""
    done = _run_main(*args)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr, done.stderr


def test_plain_score_reads_stdin_as_typer_does() -> None:
    """``newsqual score - --json < page`` gives Typer's row."""
    page = (EXAMPLES / "scraper_copy.html").read_text()
    typer_run = CliRunner().invoke(app, ["score", "-", "--json"], input=page)
    code = "import sys; from classifier.cli_score import main; sys.argv = ['newsqual', 'score', '-', '--json']; main()"
    done = subprocess.run([sys.executable, "-c", code], input=page, capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == typer_run.exit_code == 0, done.stderr
    assert done.stdout == typer_run.stdout


@pytest.mark.parametrize("args", [
    ["score", str(EXAMPLES / "original_article.html")],
    ["score", str(EXAMPLES), "--json"],
    ["score", str(EXAMPLES / "scraper_copy.html"), str(EXAMPLES / "missing.html")],
])
def test_plain_score_prints_what_typer_prints(args: list[str]) -> None:
    """The shortcut gives Typer's rows and exit code (a missing file: an error row and exit 1)."""
    assert _plain_score(args) is not None
    typer_run = CliRunner().invoke(app, args)
    done = _run_main(*args)
    assert done.returncode == typer_run.exit_code
    assert done.stdout == typer_run.stdout


def test_plain_score_leaves_options_to_typer() -> None:
    """Anything but targets and ``--json`` goes through Typer."""
    assert _plain_score(["score", "a.html", "b/"]) == ["a.html", "b/"]
    assert _plain_score(["score", "--json", "a.html"]) == ["a.html"]
    assert _plain_score(["score", "-", "--json"]) == ["-"]
    for args in (["score"], ["score", "--json"], ["score", "a.html", "-j", "1"], ["score", "--", "a.html"],
                 ["score", "a.html", "--output", "o.jsonl"], ["explain", "a.html"], ["score", "--help"], []):
        assert _plain_score(args) is None, args


def test_plain_score_usage_error_matches_typer(tmp_path: Path) -> None:
    """A usage error inside the command (a JSONL shard) exits 2 with the same message either way."""
    shard = tmp_path / "shard.jsonl"
    shard.write_text('{"url": "https://example.com/", "html": "<p>x</p>"}\n')
    done = _run_main("score", str(shard))
    assert done.returncode == CliRunner().invoke(app, ["score", str(shard)]).exit_code == 2
    assert "is a JSONL shard" in done.stderr


def test_plain_score_into_a_closed_pipe_has_no_traceback() -> None:
    """``newsqual score FOLDER | head`` with the reader gone: exit 1 quietly, as Typer does."""
    code = "import sys; from classifier.cli_score import main; sys.argv = ['newsqual', 'score', 'examples/']; main()"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the first row is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err, err


def test_score_request_defaults_are_the_command_lines() -> None:
    """The shortcut builds a ScoreRequest from its defaults: they must be the Typer command's, option for option."""
    import dataclasses  # noqa: PLC0415
    import inspect  # noqa: PLC0415

    from classifier import cli  # noqa: PLC0415
    from classifier.cli_score import ScoreRequest  # noqa: PLC0415

    typer_defaults = {name: p.default for name, p in inspect.signature(cli.score).parameters.items()}
    fields = {f.name: f.default for f in dataclasses.fields(ScoreRequest)}
    assert set(typer_defaults) == set(fields)
    for name, default in fields.items():
        if name != "targets":  # required in a request; Typer's None means "none given"
            assert typer_defaults[name] == default, name


def test_console_script_asks_for_one_blas_thread_and_keeps_the_users() -> None:
    """The entry point sets OPENBLAS_NUM_THREADS=1 only where the user has not set it."""
    from classifier.entry import BLAS_THREADS, single_thread_blas  # noqa: PLC0415

    environ: dict[str, str] = {}
    single_thread_blas(environ)
    assert environ == {BLAS_THREADS: "1"}
    environ = {BLAS_THREADS: "4"}
    single_thread_blas(environ)
    assert environ == {BLAS_THREADS: "4"}


def test_importing_the_package_loads_no_numpy_until_the_scorer_is_used() -> None:
    """``import classifier`` (and the entry point) leaves numpy unloaded, so the entry can set BLAS up first."""
    code = (
        "import sys, classifier, classifier.entry; print('numpy' in sys.modules); "
        "from classifier import Scorer; print('numpy' in sys.modules, Scorer.__module__)\n"
        "try:\n    classifier.NoSuchThing\nexcept AttributeError as e:\n    print('AttributeError', e)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "False", "True classifier.scorer", "AttributeError module 'classifier' has no attribute 'NoSuchThing'"]


def test_the_console_script_scores_with_one_blas_thread() -> None:
    """``python -m classifier score`` runs with OPENBLAS_NUM_THREADS=1 in its environment, set before numpy loaded."""
    code = (
        "import os, sys, classifier.entry\n"
        "sys.argv = ['newsqual', 'score', 'examples/original_article.html']\n"
        "try:\n    classifier.entry.main()\nexcept SystemExit as done:\n"
        "    print('BLAS', os.environ.get('OPENBLAS_NUM_THREADS'), file=sys.stderr); sys.exit(done.code)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    assert "BLAS 1" in done.stderr
    assert "original_article.html" in done.stdout
