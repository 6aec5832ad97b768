"""Hostile WARC files: compression bombs in records, bad records in the middle, long valid headers.

Every file is written byte by byte here, so each case says exactly what is wrong with it;
both readers (fastwarc and warcio) must give the same pages and the same counts.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import brotli
import pytest
from backports import zstd

from classifier.io.warc import WarcCounts, iter_warc
from classifier.scorer import Scorer

from .hostile import bounded  # noqa: F401 - autouse time and memory bound

pytestmark = pytest.mark.timeout(60)

READERS = ["fastwarc", "warcio"]
ART = b"<html><head><title>t</title></head><body><p>The council voted on the budget on Tuesday.</p></body></html>"
BOMBS = {
    "br": brotli.compress(b"a" * 200_000_000, quality=1),
    "gzip": gzip.compress(b"a" * 200_000_000, compresslevel=1),
    "deflate": zlib.compress(b"a" * 200_000_000, 1),
    "zstd": zstd.compress(b"a" * 200_000_000),
}


def record(url: str, body: bytes, *, http: bytes = b"", warc: bytes = b"", chunked: bytes | None = None) -> bytes:
    """One response record: extra HTTP and WARC header lines, or a chunked body given raw."""
    if chunked is not None:
        http += b"Transfer-Encoding: chunked\r\n"
        body = chunked
    payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + http + b"\r\n" + body
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url.encode() + b"\r\n"
            b"Content-Type: application/http; msgtype=response\r\n" + warc)
    return head + b"Content-Length: %d\r\n\r\n" % len(payload) + payload + b"\r\n\r\n"


def write(path: Path, records: list[bytes], gz: bool) -> Path:
    """Write records, one gzip member each when ``gz``."""
    path.write_bytes(b"".join(gzip.compress(r) if gz else r for r in records))
    return path


def read(path: Path, reader: str) -> tuple[list[str], WarcCounts]:
    """URLs of the pages and the counts."""
    counts = WarcCounts()
    return [p.url for p in iter_warc(path, counts, reader=reader)], counts  # type: ignore[arg-type]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("reader", READERS)
class TestRecords:
    """Bad records are skipped and counted; reading resumes at the next record."""

    @pytest.mark.memory_mb(60)
    @pytest.mark.parametrize("coding", sorted(BOMBS))
    def test_a_compression_bomb_record_is_skipped_as_oversize(self, tmp_path: Path, reader: str, gz: bool,
                                                              coding: str) -> None:
        bomb = record("http://a/bomb", BOMBS[coding], http=b"Content-Encoding: " + coding.encode() + b"\r\n")
        path = write(tmp_path / "bomb.warc", [record("http://a/1", ART), bomb, record("http://a/3", ART)], gz)
        urls, counts = read(path, reader)
        assert urls == ["http://a/1", "http://a/3"]
        assert (counts.skipped_oversize, counts.errors, counts.bad_records) == (1, 0, 0)

    def test_a_long_valid_warc_header_is_read(self, tmp_path: Path, reader: str, gz: bool) -> None:
        long = record("http://a/2", ART, warc=b"X-Note: " + b"n" * 40_000 + b"\r\n")
        path = write(tmp_path / "long.warc", [record("http://a/1", ART), long, record("http://a/3", ART)], gz)
        urls, counts = read(path, reader)
        assert urls == ["http://a/1", "http://a/2", "http://a/3"]
        assert (counts.errors, counts.bad_records, counts.problems) == (0, 0, [])

    def test_a_long_header_on_the_last_record_is_not_truncation(self, tmp_path: Path, reader: str, gz: bool) -> None:
        last = record("http://a/2", ART, warc=b"X-Note: " + b"n" * 70_000 + b"\r\n", http=b"X-Big: " + b"b" * 70_000 + b"\r\n")
        path = write(tmp_path / "last.warc", [record("http://a/1", ART), last], gz)
        urls, counts = read(path, reader)
        assert urls == ["http://a/1", "http://a/2"]
        assert (counts.errors, counts.problems) == (0, [])

    def test_garbage_between_records_is_skipped_and_counted(self, tmp_path: Path, reader: str, gz: bool) -> None:
        garbage = b"GARBAGE!" * 100
        first, last = record("http://a/1", ART), record("http://a/3", ART)
        path = tmp_path / "garbage.warc"
        parts = [gzip.compress(first), garbage, gzip.compress(last)] if gz else [first, garbage, last]
        path.write_bytes(b"".join(parts))
        urls, counts = read(path, reader)
        assert urls == ["http://a/1", "http://a/3"]
        assert (counts.errors, counts.bad_records, counts.lost_bytes) == (1, 1, len(garbage))
        assert counts.problems == [(f"{path}#{len(parts[0])}", counts.problems[0][1])]
        assert f"skipped {len(garbage):,} bytes, resuming at offset {len(parts[0]) + len(garbage)}" in counts.problems[0][1]

    def test_a_truncated_last_record_keeps_the_earlier_pages(self, tmp_path: Path, reader: str, gz: bool) -> None:
        whole = write(tmp_path / "whole.warc", [record("http://a/1", ART), record("http://a/2", ART * 50)], gz)
        cut = tmp_path / "cut.warc"
        cut.write_bytes(whole.read_bytes()[:-200])
        urls, counts = read(cut, reader)
        assert urls == ["http://a/1"]
        assert (counts.errors, counts.bad_records) == (1, 1)
        assert "no later record found (truncated or corrupt file)" in counts.problems[0][1]

    def test_a_bad_chunk_size_loses_only_its_record(self, tmp_path: Path, reader: str, gz: bool) -> None:
        bad = record("http://a/2", b"", chunked=b"zz\r\n" + ART + b"\r\n0\r\n\r\n")
        path = write(tmp_path / "chunk.warc", [record("http://a/1", ART), bad, record("http://a/3", ART)], gz)
        urls, counts = read(path, reader)
        assert urls[0] == "http://a/1" and urls[-1] == "http://a/3"
        # fastwarc refuses the chunk header (an error for that record); warcio passes the raw body on
        assert (len(urls), counts.errors) == ((2, 1) if reader == "fastwarc" else (3, 0))


def test_problems_become_error_results(tmp_path: Path) -> None:
    path = tmp_path / "g.warc"
    path.write_bytes(record("http://a/1", ART) + b"junk" * 50 + record("http://a/3", ART))
    results = list(Scorer.load().score_warc(path))
    assert [(r.source, r.label) for r in results] == [
        (f"{path}#0", results[0].label), (f"{path}#{len(record('http://a/1', ART)) + 200}", results[1].label),
        (f"{path}#{len(record('http://a/1', ART))}", "error")]
    assert results[0].ok and results[1].ok
    assert results[2].error is not None and results[2].error.startswith("unreadable WARC data")
