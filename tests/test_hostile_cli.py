"""Hostile command lines: every one ends in a clear message and its documented exit code, never a traceback.

Cases that depend on the real process (a strict UTF-8 stdout, option parsing, a Dask
client) run ``python -m classifier`` in a subprocess with a 2 GB address-space limit and
a timeout; the others use Typer's CliRunner in-process under the hostile memory bound.
"""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.cli_score import json_row as _json_row
from classifier.io.output import to_json_line
from classifier.scorer import Result

from .hostile import bounded, limit_address_space  # noqa: F401 - bounded is autouse

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[1]
PAGE = (b"<html><head><title>Council votes on the budget</title></head><body><p>The council voted 5-2 on "
        b"Tuesday to approve the budget, the mayor said.</p><p>The plan adds two bus routes.</p></body></html>")


def run(*args: str, env: dict[str, str] | None = None, stdin: bytes = b"", timeout: float = 45) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m classifier ARGS`` with a memory cap; fail on any traceback."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "classifier", *args], input=stdin, capture_output=True,
                          env=full_env, timeout=timeout, preexec_fn=limit_address_space(2048), cwd=ROOT)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr), failing on any uncaught exception."""
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


class TestProcess:
    """Cases needing a real process."""

    def test_serve_port_out_of_range(self) -> None:
        proc = run("serve", "--port", "99999")
        assert proc.returncode == 2
        assert b"Invalid value for '--port': Input should be less than or equal to 65535" in proc.stderr

    def test_non_utf8_file_names_under_a_strict_utf8_stdout(self, tmp_path: Path) -> None:
        name = os.fsdecode(b"caf\xe9.html")
        (tmp_path / name).write_bytes(PAGE)
        env = {"PYTHONIOENCODING": "utf-8:strict"}
        table = run("score", str(tmp_path), env=env)
        lines = run("score", "--json", str(tmp_path), env=env)
        assert (table.returncode, lines.returncode) == (0, 0)
        assert b"caf\\udce9.html" in table.stdout
        assert json.loads(lines.stdout)["source"] == str(tmp_path / name)

    def test_an_unreachable_dask_scheduler(self, tmp_path: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        shard = tmp_path / "a.warc"
        shard.write_bytes(b"")
        started = time.monotonic()
        proc = run("score", str(shard), "--dask", f"tcp://127.0.0.1:{port}", "--output", str(tmp_path / "out"),
                   env={"NEWSQUAL_DASK_TIMEOUT": "1s"})
        assert proc.returncode == 2
        assert f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 1s".encode() in proc.stderr
        assert time.monotonic() - started < 30


class TestInProcess:
    """Cases run through CliRunner."""

    def test_a_nul_byte_in_from_file(self, tmp_path: Path) -> None:
        good = tmp_path / "good.html"
        good.write_bytes(PAGE)
        listing = tmp_path / "list.txt"
        listing.write_bytes(b"bad\x00.html\nhttp://a b/\n" + str(good).encode() + b"\n")
        code, out, _ = invoke("score", "--json", "--from-file", str(listing))
        rows = [json.loads(line) for line in out.splitlines()]
        assert code == 1
        assert [r["error"] for r in rows] == ["'bad\\x00.html': invalid file name (embedded null byte)",
                                              "http://a b/: invalid URL (white space or a control character)", None]

    def test_from_file_that_is_a_device(self) -> None:
        code, _, err = invoke("score", "--from-file", "/dev/zero")
        assert code == 2 and "a character device, not a regular file" in err

    def test_parquet_into_a_missing_folder_fails_before_scoring(self, tmp_path: Path) -> None:
        page = tmp_path / "a.html"
        page.write_bytes(PAGE)
        out = tmp_path / "missing" / "r.parquet"
        code, stdout, err = invoke("score", str(page), "--output", str(out))
        assert (code, stdout) == (2, "")
        assert f"error: cannot write {out}: the folder {out.parent} does not exist" in err

    def test_stdin_over_the_cap_is_an_error_row(self) -> None:
        code, out, _ = invoke("score", "--json", "--max-bytes", "1024", "-", stdin=PAGE * 20)
        assert code == 1 and json.loads(out)["error"] == "<stdin>: input is over the 1.0 KB limit"

    def test_loopback_url_is_refused_by_default(self) -> None:
        code, out, _ = invoke("score", "--json", "http://127.0.0.1:9/")  # refused before connecting
        assert code == 1 and "refused to connect to 127.0.0.1 (loopback)" in json.loads(out)["error"]

    def test_resume_with_an_absolute_path_skips_what_a_relative_run_wrote(self, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
        pages = tmp_path / "data" / "pages"
        pages.mkdir(parents=True)
        for i in range(3):
            (pages / f"p{i}.html").write_bytes(PAGE.replace(b"5-2", str(i).encode()))
        monkeypatch.chdir(tmp_path)
        assert invoke("score", "data/pages", "--output", "out.jsonl")[0] == 0
        code, out, _ = invoke("score", str(pages), "--output", "out.jsonl", "--resume")
        assert (code, out) == (0, "")
        assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 3

    @pytest.mark.parametrize(("args", "message"), [
        (["a.html"], "a.html: not a shard; use .warc, .warc.gz or .jsonl files"),
        (["x/s.warc", "y/s.warc"], "would both write s.warc.jsonl; rename one"),
        (["x/s.warc", "--output-is-a-file"], "is a file; --output for --dask must be a folder"),
    ])
    def test_dask_refusals(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
        monkeypatch.chdir(tmp_path)
        for d in ("x", "y"):
            (tmp_path / d).mkdir()
            (tmp_path / d / "s.warc").write_bytes(b"")
        (tmp_path / "a.html").write_bytes(PAGE)
        (tmp_path / "file").write_bytes(b"")
        out = "file" if "--output-is-a-file" in args else "out"
        code, _, err = invoke("score", *[a for a in args if not a.startswith("--")], "--dask", "local", "--output", out)
        assert code == 2 and message in err


def test_non_finite_scores_are_never_printed_as_nan() -> None:
    bad = Result(source="s", score=math.nan, label="low_quality", signals={"x": math.inf})
    assert json.loads(_json_row(bad))["score"] is None
    assert json.loads(to_json_line(bad.to_dict()))["signals"] == {"x": None}
    assert "NaN" not in _json_row(bad) and b"Infinity" not in to_json_line(bad.to_dict())
