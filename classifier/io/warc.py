"""Reading HTML pages out of WARC files (gzipped or not), with counts of what was skipped.

Two readers do the work behind one function, :func:`iter_warc`:

* **fastwarc** (the default), chosen by measuring: ``bench/warc_throughput.py`` reads a
  gzipped WARC of 2,000 generated HTML responses (4,001 records with the requests and
  warcinfo) with both in one run. Through :func:`iter_warc`, fastwarc gave 54,000 and
  warcio 14,600 HTML records/s (3.7x; 3.7x-5.0x over several runs on a shared 2-CPU
  machine); the libraries' bare loops gave 105,000 against 16,500 response records/s
  (6.4x). Scoring costs 1-3 ms a page, so the reader is a small share of a run either way.
* **warcio**, the fallback when fastwarc cannot be imported, or on request with
  ``reader="warcio"``. (On a malformed record warcio also writes its own warning to
  stderr, which this module cannot route through logging.)

Both readers yield the same pages with the same sources, so a resumed run may switch.

What is yielded: ``response`` records carrying HTTP with a 2xx status whose Content-Type
is HTML (``text/html``, ``application/xhtml+xml``), or that have no Content-Type and
whose body looks like HTML. Payloads are decoded (chunked transfer; gzip, deflate, br and
zstd content encodings through :mod:`classifier.page.decompress`, which stops at ``max_bytes``
so a compression bomb never expands in memory, keeping the raw bytes when they are not
actually so encoded, as warcio does), so the ``content-encoding``, ``transfer-encoding``
and ``content-length`` headers no longer describe ``data`` and are dropped.

What is skipped, each with its own count in :class:`WarcCounts`: other record types
(request, metadata, warcinfo, revisit, resource, ...), non-HTML responses, non-2xx
responses (redirect and error bodies are not articles), and records whose payload is
larger than ``max_bytes``. A payload that cannot be read counts as an error and the
reader moves on. Both libraries stop silently at a bad record (a cut-off gzip member, a
corrupt header, garbage between records) or at one they refuse (fastwarc: headers over
32 KB, which warcio then reads), so when a reader stops, :func:`iter_warc` checks that the
last record is whole and that the file ends after it; if not, it drops a cut-off last
page, looks for the next record start (a ``WARC/1.x`` line, or a gzip member holding one)
and reads on from there. Each unreadable stretch adds one to ``errors`` and
``bad_records``, its size to ``lost_bytes`` and a ``(path#offset, reason)`` to
``problems``, with a logged warning, never a traceback. A file that is missing or not
a regular file raises :class:`~classifier.errors.InputError`.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Final, Literal

from ..errors import InputError
from ..page.decompress import CorruptData, OverLimit, UnsupportedCoding, decompress, decompress_prefix
from ..page.loader import looks_like_html
from ..settings import MAX_BYTES

log = logging.getLogger(__name__)

Reader = Literal["fastwarc", "warcio"]

#: MIME types read as HTML.
HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})
#: HTTP headers that describe the encoded payload, not the decoded ``data`` we hand on.
_ENCODING_HEADERS: Final = frozenset({"content-encoding", "transfer-encoding", "content-length"})
#: Bytes of a body looked at when a response has no Content-Type.
_SNIFF_BYTES: Final = 8192
_GZIP_MAGIC: Final = b"\x1f\x8b"

try:  # the faster reader; warcio is the fallback
    from fastwarc.warc import ArchiveIterator as _FastIterator
    from fastwarc.warc import WarcRecordType as _FastType

    DEFAULT_READER: Reader = "fastwarc"
except ImportError:  # pragma: no cover - depends on the environment
    DEFAULT_READER = "warcio"


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML response from a WARC: where it is, its URL, decoded payload and HTTP headers."""

    source: str  # f"{path}#{record offset}": the offset warcio, fastwarc and CDX indexes seek to
    url: str
    data: bytes
    headers: dict[str, str]  # lower-cased names


@dataclass(slots=True)
class WarcCounts:
    """What WARC files held: response records, HTML pages yielded, each kind of skip, errors."""

    responses: int = 0
    html: int = 0
    skipped_non_html: int = 0
    skipped_other_records: int = 0
    errors: int = 0
    skipped_status: int = 0
    skipped_oversize: int = 0
    bad_records: int = 0  # unreadable stretches skipped by resynchronising at the next record
    lost_bytes: int = 0  # bytes of the file in those stretches
    problems: list[tuple[str, str]] = field(default_factory=list)  # (f"{path}#{offset}", reason)

    def add(self, other: WarcCounts) -> None:
        """Add ``other``'s counts (and problems) into these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True, slots=True)
class _Record:
    """A WARC record as the filter needs it; ``read(n)`` returns up to n decoded payload bytes."""

    offset: int
    is_response: bool
    url: str = ""
    status: int | None = None
    headers: dict[str, str] | None = None
    length: int = 0
    read: Callable[[int], bytes] | None = None


def iter_warc(
    path: Path, counts: WarcCounts | None = None, max_bytes: int = MAX_BYTES, *, reader: Reader | None = None
) -> Iterator[WarcPage]:
    """Yield the HTML response pages of one WARC file, counting skips and errors in ``counts``.

    An unreadable record is skipped: reading resumes at the next record start found after
    it (``bad_records``, ``lost_bytes`` and ``problems`` say what was lost).
    """
    counts = counts if counts is not None else WarcCounts()
    path = Path(path)
    name = reader or DEFAULT_READER
    if name not in _READERS:
        raise ValueError(f"unknown WARC reader {reader!r}; use one of {', '.join(_READERS)}")
    _open(path).close()  # a missing or unreadable file is an InputError before any page
    start: int | None = 0
    while start is not None:
        start = yield from _read_run(path, start, counts, max_bytes, _READERS[name])


def _read_run(
    path: Path, start: int, counts: WarcCounts, max_bytes: int, records_from: Callable[[Path, int], Iterator[_Record]]
) -> Generator[WarcPage, None, int | None]:
    """Yield pages from ``start`` until the reader stops; return where to resynchronise (or None)."""
    pending: WarcPage | None = None  # held back until the record after it (or the file's end) is seen
    last_offset: int | None = None
    stopped: str | None = None
    try:
        for rec in records_from(path, start):
            if pending is not None:
                counts.html += 1
                yield pending
            last_offset = rec.offset
            pending = _to_page(path, rec, counts, max_bytes)
    except _CORRUPT as exc:
        stopped = f"{type(exc).__name__}: {exc}"
    if last_offset is None and records_from is _fastwarc_records and _has_warcio():
        # fastwarc refuses some valid records (headers over its 32 KB limit); warcio reads them
        return (yield from _read_run(path, start, counts, max_bytes, _first_record(_warcio_records)))
    end, problem, cut = _run_end(path, start, last_offset)
    if not cut and pending is not None:
        counts.html += 1
        yield pending
    if problem is None:
        return None
    if last_offset is None or cut:
        bad_at = start if last_offset is None else last_offset
        return _resync(path, bad_at, bad_at + 1, problem, counts)
    return _resync(path, end, end, stopped or problem, counts)


def _first_record(records_from: Callable[[Path, int], Iterator[_Record]]) -> Callable[[Path, int], Iterator[_Record]]:
    """A reader that stops after the first record of ``records_from``."""

    def first(path: Path, start: int) -> Iterator[_Record]:
        for rec in records_from(path, start):
            yield rec
            return

    return first


def _has_warcio() -> bool:
    """True when warcio can be imported."""
    try:
        import warcio  # noqa: F401, PLC0415
    except ImportError:  # pragma: no cover - depends on the environment
        return False
    return True


def _run_end(path: Path, start: int, last_offset: int | None) -> tuple[int, str | None, bool]:
    """(end of the last whole record, why the file does not end there or None, whether that record is cut)."""
    if last_offset is None:
        size = _size(path)
        if size <= start or _is_blank(path, start):
            return start, None, False
        return start, "no readable WARC record here", False
    return _tail_problem(path, last_offset)


def _resync(path: Path, bad_at: int, after: int, reason: str, counts: WarcCounts) -> int | None:
    """The next record start at or after ``after``, counting the bytes skipped from ``bad_at``."""
    nxt = _next_record_start(path, after)
    if nxt is not None and nxt >= bad_at and _blank_between(path, bad_at, nxt):
        return nxt  # the reader stopped at a record boundary: restart it there
    lost = (nxt if nxt is not None else _size(path)) - bad_at
    counts.errors += 1
    counts.bad_records += 1
    counts.lost_bytes += lost
    where = f"resuming at offset {nxt}" if nxt is not None else "no later record found (truncated or corrupt file)"
    message = f"unreadable WARC data ({reason}); skipped {lost:,} bytes, {where}"
    counts.problems.append((f"{path}#{bad_at}", message))
    log.warning("%s#%d: %s", path, bad_at, message)
    return nxt


def is_html_type(content_type: str) -> bool:
    """True when a Content-Type value names an HTML media type."""
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def _to_page(path: Path, rec: _Record, counts: WarcCounts, max_bytes: int) -> WarcPage | None:
    """Filter one record into a page, or count why it was skipped."""
    if not rec.is_response or rec.read is None or rec.headers is None:
        counts.skipped_other_records += 1
        return None
    counts.responses += 1
    if rec.status is not None and not 200 <= rec.status < 300:
        counts.skipped_status += 1
        return None
    content_type = rec.headers.get("content-type", "")
    if content_type and not is_html_type(content_type):
        counts.skipped_non_html += 1
        return None
    if rec.length > max_bytes:
        _oversize(path, rec, counts)
        return None
    try:
        data = rec.read(max_bytes + 1)
    except _CORRUPT as exc:
        counts.errors += 1
        reason = f"cannot read the payload of {rec.url or 'a response'} ({type(exc).__name__}: {exc})"
        counts.problems.append((f"{path}#{rec.offset}", reason))
        log.warning("%s#%d: %s", path, rec.offset, reason)
        return None
    if len(data) > max_bytes:
        _oversize(path, rec, counts)
        return None
    if not content_type and data and not looks_like_html(data[:_SNIFF_BYTES].decode("latin-1")):
        counts.skipped_non_html += 1
        return None
    headers = {k: v for k, v in rec.headers.items() if k not in _ENCODING_HEADERS}
    return WarcPage(f"{path}#{rec.offset}", rec.url, data, headers)


def _oversize(path: Path, rec: _Record, counts: WarcCounts) -> None:
    """Count and log a record too large to score."""
    counts.skipped_oversize += 1
    log.info("%s#%d: skipped %s, payload over the size limit", path, rec.offset, rec.url)


def _header_dict(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """HTTP header pairs as a dict with lower-cased names; repeated headers joined by ', '."""
    out: dict[str, str] = {}
    for key, value in items:
        name = key.strip().lower()
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _open(path: Path) -> IO[bytes]:
    """Open a regular WARC file for binary reading; anything else (FIFO, device, folder) is an InputError."""
    from .sources import open_regular  # noqa: PLC0415 - sources imports nothing from here

    try:
        return open_regular(path, "WARC file")
    except InputError as exc:
        raise InputError(f"cannot open WARC file: {exc}") from None


# --- the two readers -------------------------------------------------------------------------


def _fastwarc_records(path: Path, start: int = 0) -> Iterator[_Record]:
    """Every record from offset ``start``, read with fastwarc (C++); content encodings are undone in Python."""
    with _open(path) as fh:
        fh.seek(start)
        for rec in _FastIterator(fh, parse_http=False):
            if rec.record_type != _FastType.response or not rec.is_http:
                yield _Record(rec.stream_pos, is_response=False)
                continue
            # fastwarc's own content decoding breaks the stream on a bad gzip body; ours falls back
            rec.parse_http(auto_decode="transfer")
            headers = _header_dict(rec.http_headers.items())
            yield _Record(
                offset=rec.stream_pos, is_response=True, url=rec.headers.get("WARC-Target-URI") or "",
                status=rec.http_headers.status_code, headers=headers, length=rec.content_length,
                read=_content_decoder(rec.reader.read, headers.get("content-encoding", "")),
            )


def _warcio_records(path: Path, start: int = 0) -> Iterator[_Record]:
    """Every record from offset ``start``, read with warcio (pure Python); content encodings are undone here."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import ChunkedDataReader

    with _open(path) as fh:
        fh.seek(start)
        records = ArchiveIterator(fh)
        for rec in records:
            if rec.rec_type != "response" or rec.http_headers is None:
                yield _Record(records.offset, is_response=False)
                continue
            status = rec.http_headers.get_statuscode()
            headers = _header_dict(rec.http_headers.headers)
            stream = rec.raw_stream
            if "chunked" in headers.get("transfer-encoding", "").lower():
                stream = ChunkedDataReader(stream, decomp_type=None)
            yield _Record(
                offset=records.offset, is_response=True, url=rec.rec_headers.get_header("WARC-Target-URI") or "",
                status=int(status) if status and status.isdigit() else None,
                headers=headers, length=getattr(rec.raw_stream, "limit", 0),
                read=_content_decoder(stream.read, headers.get("content-encoding", "")),
            )


_READERS: Final[dict[str, Callable[[Path, int], Iterator[_Record]]]] = {
    "fastwarc": _fastwarc_records,
    "warcio": _warcio_records,
}


def _content_decoder(read: Callable[[int], bytes], encoding: str) -> Callable[[int], bytes]:
    """A ``read(limit)`` that undoes ``encoding`` on the payload ``read`` returns."""
    return lambda limit: decode_content(read(limit), encoding, limit)


def decode_content(raw: bytes, encoding: str, limit: int) -> bytes:
    """Undo a gzip/deflate/br/zstd Content-Encoding, at most ``limit`` bytes out; raw bytes if that fails.

    Output past ``limit`` is cut at ``limit`` bytes (callers read ``max_bytes + 1`` to see
    an oversized payload); decoding stops there, so a bomb never expands in memory.
    """
    if not encoding or encoding.strip().lower() == "identity":
        return raw[:limit]
    try:
        return decompress(raw, encoding, limit)
    except OverLimit:
        return decompress_prefix(raw, encoding, limit)
    except (CorruptData, UnsupportedCoding) as exc:
        log.debug("payload is not %s-encoded as declared (%s); keeping the raw bytes", encoding, exc)
        return raw


# --- is the file complete? where is the next record? ------------------------------------------

#: Longest WARC (or HTTP) header block looked for; a valid header may be long, but not unbounded.
MAX_HEADER_BYTES: Final = 4 * 1024 * 1024
_SCAN: Final = 1 << 20
_CONTENT_LENGTH: Final = re.compile(rb"^content-length:[ \t]*(\d+)", re.IGNORECASE | re.MULTILINE)
_RECORD_START: Final = re.compile(rb"WARC/1\.[01]\r\n")
_HEADER_SHAPE: Final = re.compile(rb"[!-9;-~]+:")  # the line after ``WARC/1.x`` is a header field


def _blank_between(path: Path, start: int, end: int) -> bool:
    """True when the bytes from ``start`` to ``end`` are only line breaks (at most 64 KB looked at)."""
    if end - start > 65536:
        return False
    with _open(path) as fh:
        fh.seek(start)
        return not fh.read(end - start).strip(b"\r\n")


def _size(path: Path) -> int:
    """The file's size in bytes."""
    with _open(path) as fh:
        return fh.seek(0, 2)


def _is_blank(path: Path, offset: int) -> bool:
    """True when only blank lines (or NULs) follow ``offset``."""
    with _open(path) as fh:
        fh.seek(offset)
        while chunk := fh.read(_SCAN):
            if chunk.strip(b"\r\n\x00"):
                return False
    return True


def _is_gzipped_at(path: Path, offset: int) -> bool:
    """True when a gzip member starts at ``offset``."""
    with _open(path) as fh:
        fh.seek(offset)
        return fh.read(2) == _GZIP_MAGIC


def _tail_problem(path: Path, offset: int) -> tuple[int, str | None, bool]:
    """(end of the record at ``offset``, why the file does not end there or None, whether the record is cut)."""
    with _open(path) as fh:
        size = fh.seek(0, 2)
        fh.seek(offset)
        if fh.read(2) == _GZIP_MAGIC:
            fh.seek(offset)
            return _gzip_record_end(fh, offset, size)
        fh.seek(0)
        if fh.read(2) == _GZIP_MAGIC:  # one gzip stream for the whole file: offsets are not seekable
            log.debug("%s: not gzipped record by record; cannot check its end", path)
            return size, None, False
        fh.seek(offset)
        needed, problem = _record_size(_read_head(fh.read, MAX_HEADER_BYTES), size - offset)
        if problem:
            return offset, problem, True
        fh.seek(offset + needed)
        tail = fh.read(16)
    end = offset + needed + len(tail) - len(tail.lstrip(b"\r\n"))  # the record's closing blank lines
    return end, (None if _is_blank(path, end) else "unreadable bytes after a record"), False


def _read_head(read: Callable[[int], bytes], cap: int) -> bytes:
    """Bytes from ``read`` up to the end of the first header block (blank line), at most ``cap``."""
    head = b""
    while len(head) < cap:
        chunk = read(min(_SCAN, cap - len(head)))
        if not chunk:
            break
        head += chunk
        if head.find(b"\r\n\r\n", max(0, len(head) - len(chunk) - 3)) >= 0:
            break
    return head


def _gzip_record_end(fh: IO[bytes], offset: int, size: int) -> tuple[int, str | None, bool]:
    """Check that the gzip member at ``offset`` holds a whole record; find where the member ends."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = bytearray()
    total = 0
    try:
        while not inflater.eof:
            chunk = fh.read(1 << 16)
            if not chunk:
                return offset, "the last gzip member is cut short", True
            pending = chunk
            while pending and not inflater.eof:
                out = inflater.decompress(pending, _SCAN)
                pending = inflater.unconsumed_tail
                total += len(out)
                if len(head) < MAX_HEADER_BYTES and b"\r\n\r\n" not in head:
                    head += out[: MAX_HEADER_BYTES - len(head)]
    except zlib.error as exc:
        return offset, f"corrupt gzip member ({exc})", True
    end = fh.tell() - len(inflater.unused_data) - len(pending)
    problem = _record_size(bytes(head), total)[1]
    if problem:
        return offset, problem, True
    rest = inflater.unused_data + fh.read(_SCAN)
    blank = not rest.strip(b"\r\n\x00") and fh.read(1) == b""
    return end, (None if blank else "unreadable bytes after a record"), False


def _record_size(head: bytes, available: int) -> tuple[int, str | None]:
    """The record's full size from its headers, and a problem if fewer bytes are ``available``."""
    end = head.find(b"\r\n\r\n")
    match = _CONTENT_LENGTH.search(head, 0, max(end, 0))
    if end < 0 and len(head) >= MAX_HEADER_BYTES:
        return available, f"a record header longer than {MAX_HEADER_BYTES:,} bytes"
    if end < 0 or match is None:
        return available, "the record's headers are cut short"
    needed = end + 4 + int(match.group(1))
    if available < needed:
        return available, f"the record is cut short ({available} of {needed} bytes)"
    return needed, None


def _next_record_start(path: Path, after: int) -> int | None:
    """Offset of the first record (a gzip member holding ``WARC/1.x``, or a bare header) at or after ``after``."""
    gz = _is_gzipped_at(path, 0)
    with _open(path) as fh:
        pos = after
        while True:
            fh.seek(pos)
            window = fh.read(_SCAN + 16)
            if not window:
                return None
            found = _find_gzip_record(window, fh, pos) if gz else _find_plain_record(window, pos, after)
            if found is not None:
                return found
            if len(window) <= 16:
                return None
            pos += _SCAN


def _find_plain_record(window: bytes, pos: int, after: int) -> int | None:
    """Offset of a line starting ``WARC/1.x`` in ``window`` (read at ``pos``), not before ``after``."""
    for match in _RECORD_START.finditer(window):
        start = pos + match.start()
        if start >= after and _HEADER_SHAPE.match(window, match.end()):
            return start
    return None


def _find_gzip_record(window: bytes, fh: IO[bytes], pos: int) -> int | None:
    """Offset of a gzip member in ``window`` whose first bytes inflate to a WARC header."""
    at = window.find(b"\x1f\x8b\x08")
    while at >= 0:
        fh.seek(pos + at)
        try:
            if zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(4096), 16).startswith(b"WARC/1."):
                return pos + at
        except zlib.error:
            pass
        at = window.find(b"\x1f\x8b\x08", at + 1)
    return None


def _corrupt_errors() -> tuple[type[BaseException], ...]:
    """Exceptions the WARC readers raise on truncated or corrupt input."""
    errors: list[type[BaseException]] = [OSError, EOFError, ValueError, zlib.error]
    try:
        from warcio.exceptions import ArchiveLoadFailed

        errors.append(ArchiveLoadFailed)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


_CORRUPT: Final = _corrupt_errors()
