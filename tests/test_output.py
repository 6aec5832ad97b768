"""Output sinks: JSONL write/resume (also after SIGKILL), Parquet round trip, choosing by suffix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from classifier.io.output import (
    CsvSink,
    JsonlSink,
    ModelInfo,
    ParquetSink,
    annotate,
    open_sink,
    parquet_model,
    to_json_line,
)

ROOT = Path(__file__).resolve().parent.parent


def row(i: int, error: str | None = None) -> dict[str, object]:
    """A result dict shaped like Result.to_dict()."""
    return {
        "source": f"page-{i}.html", "final_url": f"https://example.org/{i}", "score": None if error else i / 100,
        "label": "error" if error else "original", "error": error,
        "reasons": [] if error else [{"signal": "junk", "value": 1.0, "evidence": "é", "contribution": 0.5}],
        "signals": {} if error else {"junk": 1.0, "text_word_count": 2.5},
    }


def lines(path: Path) -> list[dict[str, object]]:
    """Every line of a JSONL file, parsed (fails on an invalid line)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_write_then_resume_appends(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with JsonlSink.open(path, resume=False) as sink:
        assert sink.done_sources() == set()
        sink.write(row(1))
        sink.write(row(2, error="empty page"))
    with JsonlSink.open(path, resume=True) as sink:
        assert sink.done_sources() == {"page-1.html", "page-2.html"}
        sink.write(row(3))
    assert [r["source"] for r in lines(path)] == ["page-1.html", "page-2.html", "page-3.html"]
    assert lines(path)[0] == row(1)


def test_jsonl_without_resume_starts_fresh(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(to_json_line(row(1)))
    with JsonlSink.open(path, resume=False) as sink:
        assert sink.done_sources() == set()
        sink.write(row(2))
    assert [r["source"] for r in lines(path)] == ["page-2.html"]


def test_resume_drops_a_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(to_json_line(row(1)) + to_json_line(row(2)) + to_json_line(row(3))[:25])
    with JsonlSink.open(path, resume=True) as sink:
        assert sink.done_sources() == {"page-1.html", "page-2.html"}
        sink.write(row(3))
    assert [r["source"] for r in lines(path)] == ["page-1.html", "page-2.html", "page-3.html"]


def test_resume_keeps_only_the_valid_prefix(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(to_json_line(row(1)) + b"\x00\x00\x00\n" + to_json_line(row(2)))
    with JsonlSink.open(path, resume=True) as sink:
        assert sink.done_sources() == {"page-1.html"}
    assert path.read_bytes() == to_json_line(row(1))


def test_resume_of_a_missing_file_starts_fresh(tmp_path: Path) -> None:
    with JsonlSink.open(tmp_path / "new.jsonl", resume=True) as sink:
        assert sink.done_sources() == set()


def test_lone_surrogates_still_make_valid_json(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with JsonlSink.open(path) as sink:
        sink.write({"source": "s", "error": "bad \udcff byte"})
    assert lines(path) == [{"source": "s", "error": "bad \udcff byte"}]


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    rows = [row(i, error="empty page" if i % 10 == 0 else None) for i in range(25)]
    with ParquetSink(path, row_group_size=10) as sink:
        for r in rows:
            sink.write(r)
    assert not list(tmp_path.glob("*.tmp"))
    meta = pq.ParquetFile(path).metadata
    assert (meta.num_rows, meta.num_row_groups) == (25, 3)
    back = pq.read_table(path).to_pylist()
    assert [b["source"] for b in back] == [r["source"] for r in rows]
    assert back[0]["score"] is None and back[0]["error"] == "empty page"
    assert back[1]["score"] == pytest.approx(0.01)
    assert back[1]["reasons"] == rows[1]["reasons"]
    assert dict(back[1]["signals"]) == rows[1]["signals"]


def test_empty_parquet_is_still_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    open_sink(path, resume=False).close()
    assert pq.read_table(path).num_rows == 0
    assert pq.read_table(path).column_names == ["source", "final_url", "score", "label", "error", "reasons", "signals",
                                                "model_id", "model_digest", "threshold"]


def test_open_sink_by_suffix(tmp_path: Path) -> None:
    with open_sink(tmp_path / "a.jsonl", resume=False) as sink:
        assert isinstance(sink, JsonlSink)
    assert isinstance(open_sink(tmp_path / "b.PARQUET", resume=False), ParquetSink)
    assert isinstance(open_sink(tmp_path / "c.csv", resume=False), CsvSink)
    with pytest.raises(ValueError, match=r"unknown output format '\.tsv'.*\.jsonl, \.parquet or \.csv"):
        open_sink(tmp_path / "d.tsv", resume=False)


def test_open_sink_refuses_an_existing_file_unless_resume_or_overwrite(tmp_path: Path) -> None:
    for name in ("a.jsonl", "a.csv", "a.parquet"):
        path = tmp_path / name
        with open_sink(path) as sink:
            sink.write(row(1))
        with pytest.raises(ValueError, match="exists; add --resume .* or --overwrite"):
            open_sink(path)
        with open_sink(path, resume=True) as sink:
            assert sink.done_sources() == {"page-1.html"}
            sink.write(row(2))
        with open_sink(path, overwrite=True) as sink:
            assert sink.done_sources() == set()
            sink.write(row(3))
        with open_sink(path, resume=True) as sink:
            assert sink.done_sources() == {"page-3.html"}, name


def test_parquet_columns_are_nested_and_the_metadata_names_the_model(tmp_path: Path) -> None:
    import pyarrow as pa

    path = tmp_path / "out.parquet"
    model = ModelInfo("newsqual-abc", "abc123", 0.35)
    with open_sink(path, model=model) as sink:
        sink.write(annotate(row(1), model))
    schema = pq.read_schema(path)
    assert pa.types.is_list(schema.field("reasons").type)
    assert pa.types.is_struct(schema.field("reasons").type.value_type)
    assert pa.types.is_map(schema.field("signals").type)
    assert parquet_model(path) == {"model_id": "newsqual-abc", "model_digest": "abc123", "threshold": 0.35}
    back = pq.read_table(path).to_pylist()[0]
    assert back["reasons"][0]["evidence"] == "é" and back["model_digest"] == "abc123"


def test_parquet_resume_keeps_rows_and_refuses_another_model(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    model = ModelInfo("newsqual-abc", "abc123", 0.35)
    with open_sink(path, model=model) as sink:
        sink.write(annotate(row(1), model))
    with open_sink(path, resume=True, model=model) as sink:
        assert sink.done_sources() == {"page-1.html"}
        sink.write(annotate(row(2), model))
    assert [r["source"] for r in pq.read_table(path).to_pylist()] == ["page-1.html", "page-2.html"]
    with pytest.raises(ValueError, match="written by model newsqual-abc"):
        open_sink(path, resume=True, model=ModelInfo("newsqual-other", "fff", 0.5))


def test_csv_rows_for_spreadsheets_and_resume_after_a_cut(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "out.csv"
    with open_sink(path) as sink:
        sink.write({**row(1), "reasons": [{"signal": "junk", "value": 1.0, "evidence": "two\nlines", "contribution": 0.5}]})
        sink.write(row(2, error="empty page"))
    with path.open("ab") as fh:
        fh.write(b"page-3.html,https://exa")  # a row cut off by a kill
    table = list(csv.DictReader(path.open(encoding="utf-8")))
    assert table[0]["reasons"] == "junk +0.50: two lines" and table[1]["error"] == "empty page"
    with open_sink(path, resume=True) as sink:
        assert sink.done_sources() == {"page-1.html", "page-2.html"}
    assert len(path.read_text(encoding="utf-8").splitlines()) == 3


# --- a real kill -----------------------------------------------------------------------------

#: Scores every page file in argv[1] into the JSONL file argv[2], resuming; sleeps between pages
#: for NEWSQUAL_TEST_SLEEP seconds so the test can kill it partway.
SCORE_SCRIPT = """
import os, sys, time
from pathlib import Path
from classifier.io.output import JsonlSink
from classifier.scorer import Scorer

scorer = Scorer.load()
pause = float(os.environ.get("NEWSQUAL_TEST_SLEEP", "0"))
with JsonlSink.open(Path(sys.argv[2]), resume=True) as sink:
    done = sink.done_sources()
    for page in sorted(Path(sys.argv[1]).iterdir()):
        if str(page) in done:
            continue
        sink.write(scorer.score_bytes(page.read_bytes(), str(page)).to_dict())
        time.sleep(pause)
"""


def write_pages(folder: Path, n: int) -> list[Path]:
    """``n`` small news pages, each slightly different."""
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"page-{i:03d}.html"
        words = " ".join(f"word{(i * k) % 97}" for k in range(40 + i % 30))
        path.write_text(f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
                        f"<p>The council met on day {i}. {words}.</p></article></body></html>", encoding="utf-8")
        paths.append(path)
    return paths


def run_scorer(pages: Path, out: Path, pause: float) -> subprocess.Popen[bytes]:
    """Start the scoring script in a subprocess."""
    env = {**os.environ, "NEWSQUAL_TEST_SLEEP": str(pause), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SCORE_SCRIPT, str(pages), str(out)], cwd=ROOT, env=env)


def count_lines(path: Path) -> int:
    """Newlines in a file that may not exist yet."""
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.timeout(120)
def test_sigkill_then_resume_scores_every_page_exactly_once(tmp_path: Path) -> None:
    pages = write_pages(tmp_path / "pages", 200)
    out = tmp_path / "out.jsonl"
    proc = run_scorer(tmp_path / "pages", out, pause=0.02)
    deadline = time.monotonic() + 60
    while count_lines(out) < 30 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    written = count_lines(out)
    assert 30 <= written < 200, "the run should have been killed partway"

    resumed = run_scorer(tmp_path / "pages", out, pause=0)
    assert resumed.wait(timeout=60) == 0

    rows = lines(out)  # every line is valid JSON
    sources = [str(r["source"]) for r in rows]
    assert sorted(sources) == sorted(str(p) for p in pages)  # each page exactly once
    assert sources[:written] == [str(p) for p in pages[:written]]  # the killed run's lines were kept
    assert all(r["error"] is None and r["label"] in {"original", "low_quality", "too_little_text"} for r in rows)
