"""What a user of the command line meets: version, help, output files, errors, WARC, progress, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from classifier import Scorer
from classifier.cli import app

from .test_cli import _write_warc

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def test_version() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"newsqual {version('newsqual')}"


def _commands() -> list[list[str]]:
    """Every command and subcommand path of the CLI."""
    paths = []
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_help_has_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    example = re.search(r"Example:\s+(newsqual .+?)\s*(│|$)", result.stdout, re.M)
    assert example, result.stdout
    assert example.group(1).split()[1] == command[0]


def test_output_refuses_an_existing_file_and_resume_needs_output(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    assert runner.invoke(app, ["score", str(EXAMPLES / "original_article.html"), "-o", str(out)]).exit_code == 0
    again = runner.invoke(app, ["score", str(EXAMPLES / "scraper_copy.html"), "-o", str(out)])
    assert again.exit_code == 2 and "exists; add --resume" in again.stderr
    assert len(out.read_text().splitlines()) == 1  # the first batch is still there
    replaced = runner.invoke(app, ["score", str(EXAMPLES / "scraper_copy.html"), "-o", str(out), "--overwrite"])
    assert replaced.exit_code == 0 and "scraper_copy" in out.read_text() and "original_article" not in out.read_text()
    lone = runner.invoke(app, ["score", str(EXAMPLES), "--resume"])
    assert lone.exit_code == 2 and "--resume needs --output" in lone.stderr


def test_rows_name_the_model_and_threshold(tmp_path: Path) -> None:
    scorer = Scorer.load()
    out = tmp_path / "r.parquet"
    result = runner.invoke(app, ["score", "--json", "--threshold", "0.5", str(EXAMPLES), "-o", str(out)])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(r["model_id"], r["model_digest"], r["threshold"]) for r in rows} == {(scorer.model_id, scorer.model_digest, 0.5)}
    assert re.fullmatch(r"[0-9a-f]{64}", scorer.model_digest)
    from classifier.io.output import parquet_model

    assert parquet_model(out) == {"model_id": scorer.model_id, "model_digest": scorer.model_digest, "threshold": 0.5}


def test_parquet_output_resumes(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "r.parquet"
    assert runner.invoke(app, ["score", str(EXAMPLES / "original_article.html"), "-o", str(out)]).exit_code == 0
    again = runner.invoke(app, ["score", "--json", str(EXAMPLES), "-o", str(out), "--resume"])
    assert again.exit_code == 0 and len(again.stdout.splitlines()) == 2
    assert sorted(Path(s).name for s in pq.read_table(out).column("source").to_pylist()) == [
        "original_article.html", "scraper_copy.html", "scraper_dump.txt"]


def test_csv_output(tmp_path: Path) -> None:
    import csv

    out = tmp_path / "r.csv"
    assert runner.invoke(app, ["score", str(EXAMPLES), "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["label"] for r in rows] == ["original", "low_quality", "low_quality"]
    assert "synd_wire_unattributed" in rows[1]["reasons"] and float(rows[1]["synd_wire_unattributed"]) > 0


def test_a_jsonl_shard_without_dask_is_refused(tmp_path: Path) -> None:
    shard = tmp_path / "pages.jsonl"
    shard.write_text('{"url": "https://a.example/", "html": "<p>x</p>"}\n')
    result = runner.invoke(app, ["score", str(shard)])
    assert result.exit_code == 2 and "is a JSONL shard" in result.stderr and "--dask" in result.stderr


def test_warc_rows_show_the_url_and_readable_counts(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    _write_warc(warc)
    result = runner.invoke(app, ["score", str(warc)])
    assert result.exit_code == 0
    assert re.search(r"original\s+https://site0\.example/a\s+\(.*crawl\.warc\.gz#\d+\)", result.stdout)
    assert "WarcCounts(" not in result.stderr and "1 not HTML" in result.stderr


def test_a_truncated_warc_exits_1(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    _write_warc(warc)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(warc.read_bytes()[: warc.stat().st_size * 2 // 3])
    result = runner.invoke(app, ["score", "--json", str(cut)])
    assert result.exit_code == 1
    assert "truncated" in json.loads(result.stdout.splitlines()[-1])["error"]


def test_final_summary_counts_scored_flagged_failed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(EXAMPLES), str(tmp_path / "missing.html")])
    assert result.exit_code == 1
    assert re.search(r"3 scored, 2 flagged low quality, 1 failed in [\d.]+ s \([\d.]+ pages/s\)", result.stderr)


def test_ctrl_c_exits_130_and_says_what_was_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Scorer.score_many
    calls = []

    def interrupted(self: Scorer, sources: list[str]):  # type: ignore[no-untyped-def]
        calls.append(sources)
        if len(calls) == 2:
            raise KeyboardInterrupt
        yield from real(self, sources)

    monkeypatch.setattr(Scorer, "score_many", interrupted)
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["score", "-j", "1", str(EXAMPLES), "-o", str(out)])  # score_many runs in this process
    assert result.exit_code == 130
    assert f"1 result(s) of this run saved to {out}" in result.stderr and "--resume" in result.stderr
    assert len(out.read_text().splitlines()) == 1


def test_stdin_kind_is_an_enum() -> None:
    result = runner.invoke(app, ["score", "-", "--stdin-kind", "bogus"], input="x")
    assert result.exit_code == 2 and "bogus" in result.output
    ok = runner.invoke(app, ["score", "--json", "-", "--stdin-kind", "text"], input=(EXAMPLES / "scraper_dump.txt").read_text())
    assert ok.exit_code == 0 and json.loads(ok.stdout)["label"] == "low_quality"


def test_sizes_are_human_and_unsupported_schemes_said_so() -> None:
    small = runner.invoke(app, ["score", "--json", "--max-bytes", "100", str(EXAMPLES / "scraper_copy.html")])
    error = json.loads(small.stdout)["error"]
    assert "over the 100 B limit" in error and "0.0 MB" not in error
    piped = runner.invoke(app, ["score", "--json", "--max-bytes", "100", "-"], input=(EXAMPLES / "scraper_copy.html").read_text())
    assert piped.exit_code == 1 and "<stdin>: input is over the 100 B limit" in json.loads(piped.stdout)["error"]
    ftp = runner.invoke(app, ["score", "--json", "ftp://x/y"])
    assert ftp.exit_code == 1 and "unsupported URL scheme ftp://" in json.loads(ftp.stdout)["error"]


def test_human_size() -> None:
    from classifier.io.units import human_size

    assert [human_size(n) for n in (100, 1536, 5 * 1024 * 1024, 3 * 1024**3)] == ["100 B", "1.5 KB", "5.0 MB", "3.0 GB"]


def test_progress_bar_keeps_clear_of_the_rows_on_a_terminal(tmp_path: Path) -> None:
    """stdout and stderr on one terminal (a pty): every row still arrives as a whole line."""
    import pty

    expected = runner.invoke(app, ["score", str(EXAMPLES)]).stdout.splitlines()
    main, child = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "classifier", "score", str(EXAMPLES)], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=child, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=60) == 0
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    lines = [line.split("\r")[-1].rstrip() for line in screen.replace("\r\n", "\n").split("\n")]
    for row in expected:
        assert row.rstrip() in lines, (row, lines)
    assert any("scored" in line and "pages/s" in line for line in lines)


def test_progress_follows_one_warc_file(tmp_path: Path) -> None:
    from classifier.console import ScoreProgress

    warc = tmp_path / "crawl.warc.gz"
    _write_warc(warc)
    with ScoreProgress([str(warc)], enabled=True) as bar:
        bar.start_warc(str(warc))
        task = bar._progress.tasks[-1]
        assert task.total == warc.stat().st_size
        bar.warc_at(f"{warc}#1234")
        assert task.completed == 1234
        bar.end_warc()
        bar.advance()
        assert bar._progress.tasks[0].completed == 1


def test_train_never_overwrites_the_bundled_model_files(tmp_path: Path) -> None:
    from classifier import settings

    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": "a", "text": "x", "label": "original"}\n')
    before = {p: p.stat().st_mtime_ns for p in settings.MODELS_DIR.rglob("*") if p.is_file()}
    for out in (settings.MODELS_DIR, settings.MODELS_DIR / "custom.joblib"):
        result = runner.invoke(app, ["train", str(labels), "--out", str(out)])
        assert result.exit_code == 2 and "holds the bundled model" in result.stderr
    taken = tmp_path / "mine"
    taken.mkdir()
    (taken / "MODEL.md").write_text("# Model card: other.joblib\n")
    result = runner.invoke(app, ["train", str(labels), "--out", str(taken)])
    assert result.exit_code == 2 and "already holds MODEL.md" in result.stderr and "--overwrite" in result.stderr
    assert before == {p: p.stat().st_mtime_ns for p in settings.MODELS_DIR.rglob("*") if p.is_file()}


def test_train_output_is_named_after_its_folder(tmp_path: Path) -> None:
    from classifier import settings
    from classifier.cli import _train_output

    suffix = Path(settings.MODEL_FILE).suffix
    assert _train_output(Path("custom-model"), False) == Path("custom-model") / f"custom-model{suffix}"
    assert _train_output(tmp_path / "x" / "mine.joblib", False) == tmp_path / "x" / f"mine{suffix}"
    default = next(p.default for p in typer.main.get_command(app).commands["train"].params if p.name == "out")  # type: ignore[attr-defined]
    assert Path(default).resolve().parent != settings.MODELS_DIR.resolve()


def test_ctrl_c_while_loading_also_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> Scorer:
        raise KeyboardInterrupt

    monkeypatch.setattr(Scorer, "load", interrupted)
    assert runner.invoke(app, ["score", str(EXAMPLES)]).exit_code == 130
