"""The process pool: -j 2 prints and writes what -j 1 does, in the same order, and resumes exactly."""

from __future__ import annotations

import functools
import io
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from classifier.batch import parallel
from classifier.cli import app
from classifier.scorer import Result, Scorer

from .pages import original_page, scraper_page

runner = CliRunner()


def page(i: int) -> bytes:
    """An original article, every third one a scraper-style copy instead."""
    return (scraper_page(i) if i % 3 == 0 else original_page(i)).encode()


def write_warc(path: Path, n: int) -> None:
    """A gzipped WARC of ``n`` HTML responses."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example/{i}", "response",
                                                          payload=io.BytesIO(page(100 + i)), http_headers=http))


@pytest.fixture()
def pages(tmp_path: Path) -> Path:
    """A folder of 30 pages, a bad one, a text page and a 25-record WARC file."""
    root = tmp_path / "pages"
    (root / "sub").mkdir(parents=True)
    for i in range(30):
        (root / ("sub" if i % 4 == 0 else ".") / f"p{i:02d}.html").write_bytes(page(i))
    (root / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (root / "note.txt").write_text("A plain text page about the bridge repairs, with a few words in it.\n")
    write_warc(root / "crawl.warc.gz", 25)
    return root


def run(*args: str) -> list[str]:
    """The JSON lines printed by ``newsqual score --json ARGS``."""
    result = runner.invoke(app, ["score", "--json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout.splitlines()


def test_two_jobs_print_what_one_job_prints(pages: Path) -> None:
    one = run("-j", "1", str(pages))
    two = run("-j", "2", str(pages))
    assert len(one) == 30 + 2 + 25
    assert two == one
    assert any(json.loads(line)["error"] for line in one)  # the bad page is an error, in its place


class _Quiet(SimpleHTTPRequestHandler):
    """Serves a folder without logging each request."""

    def log_message(self, format: str, *args: object) -> None:
        """Say nothing."""


@pytest.fixture()
def site(pages: Path) -> Iterator[str]:
    """The page folder served on 127.0.0.1; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(pages)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"  # pytest runs the rest even when the test fails
    server.shutdown()
    server.server_close()


def test_a_url_list_on_two_jobs_keeps_its_order(site: str, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("".join(f"{site}/p{i:02d}.html\n" for i in range(1, 30, 4)) + f"{site}/missing.html\n")
    one = run("-j", "1", "--allow-private-addresses", "--from-file", str(listing))  # the site is on 127.0.0.1
    assert run("-j", "2", "--allow-private-addresses", "--from-file", str(listing)) == one
    rows = [json.loads(line) for line in one]
    assert [r["source"] for r in rows] == listing.read_text().split()
    assert rows[-1]["error"] and all(r["error"] is None for r in rows[:-1])


def test_resume_on_two_jobs_is_exact(pages: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    run("-j", "1", str(pages), "-o", str(whole))
    lines = whole.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    for keep in (5, 40):  # cut inside the folder's pages, then inside the WARC file's records
        cut.write_bytes(b"".join(lines[:keep]) + lines[keep][:20])  # the last line half written
        printed = run("-j", "2", str(pages), "-o", str(cut), "--resume")
        assert cut.read_bytes() == whole.read_bytes()
        assert len(printed) == len(lines) - keep


def test_a_worker_that_dies_gives_error_results_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        (tmp_path / f"p{i:02d}.html").write_bytes(page(i))
    (tmp_path / "p05.html").write_bytes(b"KILL")
    real = parallel._score_item

    def dying(scorer: Scorer, item: parallel.Item) -> Result:
        if item[0] == "file" and Path(item[1]).read_bytes() == b"KILL":
            import os

            os._exit(3)
        return real(scorer, item)

    monkeypatch.setattr(parallel, "_score_item", dying)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    monkeypatch.setattr(parallel, "WINDOW_PER_JOB", 1)
    rows = [json.loads(line) for line in run("-j", "2", str(tmp_path))]
    assert [Path(r["source"]).name for r in rows] == [f"p{i:02d}.html" for i in range(12)]
    dead = [r for r in rows if r["error"] and "worker process died" in r["error"]]
    assert any(Path(r["source"]).name == "p05.html" for r in dead)
    assert rows[-1]["error"] is None and rows[0]["error"] is None


def test_one_page_file_is_scored_in_process(monkeypatch: pytest.MonkeyPatch, pages: Path) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a single page file must not start a pool")

    monkeypatch.setattr(parallel, "score_targets", no_pool)
    assert len(run(str(pages / "p01.html"))) == 1
