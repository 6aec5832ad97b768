"""The command line, through Typer's CliRunner: output formats, exit codes, batches past bad items."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from classifier.cli import app

EXAMPLES = Path(__file__).parents[1] / "examples"
runner = CliRunner()


def test_score_examples_table() -> None:
    result = runner.invoke(app, ["score", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert "low_quality" in result.stdout and "original" in result.stdout
    assert "junk_reaction_counter" in result.stdout


def test_score_json_lines_have_the_documented_fields() -> None:
    result = runner.invoke(app, ["score", "--json", str(EXAMPLES / "scraper_dump.txt")])
    row = json.loads(result.stdout)
    assert set(row) == {"source", "final_url", "score", "label", "reasons", "signals", "error",
                        "model_id", "model_digest", "threshold"}
    assert row["label"] == "low_quality" and 0 <= row["score"] <= 1


def test_batch_goes_on_past_a_bad_item(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = runner.invoke(
        app, ["score", "--json", str(tmp_path / "missing.html"), str(tmp_path), str(EXAMPLES / "original_article.html")]
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [r["error"] is None for r in rows] == [False, False, False, True]
    assert "no such file" in rows[0]["error"] and "binary" in rows[1]["error"]


def test_stdin_and_from_file(tmp_path: Path) -> None:
    page = (EXAMPLES / "scraper_copy.html").read_text()
    result = runner.invoke(app, ["score", "--json", "-"], input=page)
    assert json.loads(result.stdout)["source"] == "<stdin>"
    listing = tmp_path / "targets.txt"
    listing.write_text(f"# a comment\n{EXAMPLES / 'original_article.html'}\n\n")
    result = runner.invoke(app, ["score", "--json", "--from-file", str(listing)])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1


def test_output_and_resume(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    first = runner.invoke(app, ["score", str(EXAMPLES), "--output", str(out)])
    assert first.exit_code == 0 and len(out.read_text().splitlines()) == 3
    again = runner.invoke(app, ["score", str(EXAMPLES), "--output", str(out), "--resume", "--json"])
    assert again.exit_code == 0 and again.stdout == "" and len(out.read_text().splitlines()) == 3


def test_explain_lists_every_signal_and_the_text_channel() -> None:
    from classifier.signals import SIGNALS

    result = runner.invoke(app, ["explain", "--json", str(EXAMPLES / "scraper_copy.html")])
    data = json.loads(result.stdout)
    assert [row["signal"] for row in data["signals"]] == [s.name for s in SIGNALS] + ["text_ngrams"]
    assert data["signals"][-1]["evidence"].startswith("n-grams: ")
    assert all(row["contribution"] is not None for row in data["signals"])


def test_bad_model_is_a_clean_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", "--model", str(tmp_path / "nope.joblib"), str(EXAMPLES)])
    assert result.exit_code == 2 and "model file not found" in result.output


def test_no_target_is_a_usage_error() -> None:
    assert runner.invoke(app, ["score"]).exit_code == 2


def test_signals_command() -> None:
    result = runner.invoke(app, ["signals"])
    assert "related_offtopic_share" in result.stdout


def _write_warc(path: Path) -> None:
    """A WARC with the two example HTML pages as response records and one non-HTML record."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (name, ctype) in enumerate(
            [("original_article.html", "text/html"), ("scraper_copy.html", "text/html"), ("scraper_dump.txt", "image/png")]
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            payload = io.BytesIO((EXAMPLES / name).read_bytes())
            writer.write_record(writer.create_warc_record(f"https://site{i}.example/a", "response",
                                                          payload=payload, http_headers=headers))


def test_score_many_reads_warc_records_like_the_cli(tmp_path: Path) -> None:
    from classifier import Scorer

    warc = tmp_path / "crawl.warc.gz"
    _write_warc(warc)
    api = [(r.final_url, r.label) for r in Scorer.load().score_many([warc])]
    assert api == [("https://site0.example/a", "original"), ("https://site1.example/a", "low_quality")]
    result = runner.invoke(app, ["score", "--json", str(warc)])
    assert [(row["final_url"], row["label"]) for row in map(json.loads, result.stdout.splitlines())] == api
    assert "3 response records, 2 HTML pages; skipped: 1 not HTML" in result.stderr
