"""iter_warc: which records become pages, what is counted, and truncated or corrupt files."""

from __future__ import annotations

import gzip
import io
import logging
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from classifier.errors import InputError
from classifier.io.warc import WarcCounts, WarcPage, iter_warc

READERS = ["fastwarc", "warcio"]

ARTICLE = b"<!doctype html><html><head><title>Council votes</title></head><body><p>The council voted.</p></body></html>"
XHTML = b"<html xmlns='http://www.w3.org/1999/xhtml'><head><title>X</title></head><body><p>xhtml</p></body></html>"


def _response(writer: WARCWriter, url: str, body: bytes, headers: list[tuple[str, str]], status: str = "200 OK") -> None:
    """Write one HTTP response record."""
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def write_sample(path: Path, compress: bool = True) -> None:
    """A WARC with 5 HTML responses among non-HTML, non-2xx and non-response records."""
    html = [("Content-Type", "text/html; charset=utf-8")]
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=compress)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "newsqual tests"}))
        _response(w, "https://a.example/1", ARTICLE, [*html, ("X-Served-By", "cache1")])
        req = StatusAndHeaders("GET /1 HTTP/1.1", [("Host", "a.example")], is_http_request=True)
        w.write_record(w.create_warc_record("https://a.example/1", "request", payload=io.BytesIO(b""), http_headers=req))
        _response(w, "https://a.example/gz", gzip.compress(ARTICLE), [*html, ("Content-Encoding", "gzip")])
        _response(w, "https://a.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), [("Content-Type", "image/png")])
        _response(w, "https://a.example/sniffed", ARTICLE, [])
        _response(w, "https://a.example/plain", b"just some words, no markup at all", [])
        _response(w, "https://a.example/moved", b"<html><body>Moved</body></html>", html, "301 Moved Permanently")
        w.write_record(w.create_warc_record("https://a.example/1", "metadata", payload=io.BytesIO(b"via: x\r\n"),
                                            warc_content_type="application/warc-fields"))
        w.write_record(w.create_revisit_record("https://a.example/1", "sha1:AAAA", "https://a.example/1",
                                               "2024-01-01T00:00:00Z"))
        _response(w, "https://a.example/xhtml", XHTML, [("Content-Type", "application/xhtml+xml")])
        _response(w, "https://a.example/bad-gzip", ARTICLE, [*html, ("Content-Encoding", "gzip")])  # not gzipped


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A gzipped sample WARC."""
    path = tmp_path / "sample.warc.gz"
    write_sample(path)
    return path


def read(path: Path, reader: str, **kwargs: int) -> tuple[list[WarcPage], WarcCounts]:
    """All pages of ``path`` and the counts."""
    counts = WarcCounts()
    return list(iter_warc(path, counts, reader=reader, **kwargs)), counts  # type: ignore[arg-type]


EXPECTED_URLS = ["https://a.example/1", "https://a.example/gz", "https://a.example/sniffed",
                 "https://a.example/xhtml", "https://a.example/bad-gzip"]


@pytest.mark.parametrize("reader", READERS)
def test_yields_html_responses_and_counts_the_rest(sample: Path, reader: str) -> None:
    pages, counts = read(sample, reader)
    assert [p.url for p in pages] == EXPECTED_URLS
    assert counts == WarcCounts(responses=8, html=5, skipped_non_html=2, skipped_other_records=4, errors=0,
                                skipped_status=1, skipped_oversize=0)


@pytest.mark.parametrize("reader", READERS)
def test_payloads_are_decoded_and_headers_lower_cased(sample: Path, reader: str) -> None:
    pages = {p.url: p for p in read(sample, reader)[0]}
    assert pages["https://a.example/gz"].data == ARTICLE
    assert pages["https://a.example/bad-gzip"].data == ARTICLE  # wrongly declared encoding: raw bytes kept
    assert pages["https://a.example/1"].headers["x-served-by"] == "cache1"
    assert "content-encoding" not in pages["https://a.example/gz"].headers
    assert all(k == k.lower() for p in pages.values() for k in p.headers)


def test_readers_give_identical_pages(sample: Path) -> None:
    fast, slow = (read(sample, r)[0] for r in READERS)
    assert fast == slow


@pytest.mark.parametrize("reader", READERS)
def test_source_is_path_and_record_offset(sample: Path, reader: str) -> None:
    pages = read(sample, reader)[0]
    offsets = [int(p.source.rsplit("#", 1)[1]) for p in pages]
    assert all(p.source.startswith(f"{sample}#") for p in pages)
    assert offsets == sorted(set(offsets))
    with gzip.open(io.BytesIO(sample.read_bytes()[offsets[0]:])) as member:  # the offset is seekable
        assert member.readline().startswith(b"WARC/1")


@pytest.mark.parametrize("reader", READERS)
def test_uncompressed_warc(tmp_path: Path, reader: str) -> None:
    path = tmp_path / "plain.warc"
    write_sample(path, compress=False)
    assert [p.url for p in read(path, reader)[0]] == EXPECTED_URLS


@pytest.mark.parametrize("reader", READERS)
def test_oversize_record_is_skipped_and_counted(sample: Path, reader: str) -> None:
    pages, counts = read(sample, reader, max_bytes=len(ARTICLE) - 1)
    assert [p.url for p in pages] == ["https://a.example/xhtml"]
    assert counts.skipped_oversize == 4


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("cut", [40, 200])
def test_truncated_file_stops_with_a_warning(
    tmp_path: Path, reader: str, compress: bool, cut: int, caplog: pytest.LogCaptureFixture
) -> None:
    whole = tmp_path / "whole.warc"
    write_sample(whole, compress)
    path = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    path.write_bytes(whole.read_bytes()[:-cut])  # inside the last record
    with caplog.at_level(logging.WARNING, logger="classifier.io.warc"):
        pages, counts = read(path, reader)
    assert [p.url for p in pages] == EXPECTED_URLS[:-1]
    assert counts.errors == 1
    assert "truncated or corrupt" in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("reader", READERS)
def test_garbage_in_the_middle_is_skipped_and_counted(tmp_path: Path, sample: Path, reader: str) -> None:
    data = sample.read_bytes()
    offsets = [int(p.source.rsplit("#", 1)[1]) for p in read(sample, reader)[0]]
    path = tmp_path / "corrupt.warc.gz"
    garbage = b"\x1f\x8b\x08garbage" * 20
    path.write_bytes(data[: offsets[2]] + garbage + data[offsets[2]:])
    pages, counts = read(path, reader)
    assert [p.url for p in pages] == EXPECTED_URLS  # reading resumes at the next record
    assert (counts.errors, counts.bad_records, counts.lost_bytes) == (1, 1, len(garbage))
    assert counts.problems[0][0] == f"{path}#{offsets[2]}"


@pytest.mark.parametrize("reader", READERS)
def test_trailing_junk_after_last_record_is_an_error(tmp_path: Path, sample: Path, reader: str) -> None:
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(sample.read_bytes() + b"not a warc record")
    pages, counts = read(path, reader)
    assert [p.url for p in pages] == EXPECTED_URLS
    assert counts.errors == 1


@pytest.mark.parametrize("reader", READERS)
def test_empty_file_has_no_pages(tmp_path: Path, reader: str) -> None:
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    assert read(path, reader) == ([], WarcCounts())


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot open"):
        list(iter_warc(tmp_path / "nope.warc.gz"))


def test_counts_add_up() -> None:
    total = WarcCounts(responses=1, html=1)
    total.add(WarcCounts(responses=2, errors=1))
    assert total == WarcCounts(responses=3, html=1, errors=1)


def _chunked(body: bytes, size: int = 20) -> bytes:
    """``body`` in HTTP chunked transfer encoding."""
    chunks = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


@pytest.mark.parametrize("reader", READERS)
def test_chunked_and_gzipped_payloads_are_decoded(tmp_path: Path, reader: str) -> None:
    path = tmp_path / "chunked.warc.gz"
    chunked = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        _response(w, "https://a.example/c", _chunked(ARTICLE), chunked)
        _response(w, "https://a.example/cgz", _chunked(gzip.compress(ARTICLE)), [*chunked, ("Content-Encoding", "gzip")])
    pages = read(path, reader)[0]
    assert [p.data for p in pages] == [ARTICLE, ARTICLE]
    assert all(p.headers == {"content-type": "text/html"} for p in pages)
