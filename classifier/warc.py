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
whose body looks like HTML. Payloads are decoded (chunked transfer; gzip, deflate and br
content encodings, keeping the raw bytes when they are not actually so encoded, as
warcio does), so the ``content-encoding``, ``transfer-encoding`` and ``content-length``
headers no longer describe ``data`` and are dropped.

What is skipped, each with its own count in :class:`WarcCounts`: other record types
(request, metadata, warcinfo, revisit, resource, ...), non-HTML responses, non-2xx
responses (redirect and error bodies are not articles), and records whose payload is
larger than ``max_bytes``. A payload that cannot be read counts as an error and the
reader moves on. A truncated or corrupt file ends the iteration with a logged warning
and one more error, never a traceback: both libraries stop silently at a cut-off gzip
member or record, so after the last record :func:`iter_warc` checks that it is complete
and that the file ends there, and drops that last page if it is not. A file that cannot
be opened raises :class:`~classifier.errors.InputError`.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Final, Literal

from .errors import InputError
from .loader import looks_like_html
from .settings import MAX_BYTES

log = logging.getLogger(__name__)

Reader = Literal["fastwarc", "warcio"]

#: MIME types read as HTML.
HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})
#: HTTP headers that describe the encoded payload, not the decoded ``data`` we hand on.
_ENCODING_HEADERS: Final = frozenset({"content-encoding", "transfer-encoding", "content-length"})
#: Bytes of a body looked at when a response has no Content-Type.
_SNIFF_BYTES: Final = 8192
#: Bytes of the last record read to find the end of its WARC headers.
_HEAD_BYTES: Final = 64 * 1024
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

    def add(self, other: WarcCounts) -> None:
        """Add ``other``'s counts into these."""
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
    """Yield the HTML response pages of one WARC file, counting skips and errors in ``counts``."""
    counts = counts if counts is not None else WarcCounts()
    path = Path(path)
    if (reader or DEFAULT_READER) not in _READERS:
        raise ValueError(f"unknown WARC reader {reader!r}; use one of {', '.join(_READERS)}")
    records = _READERS[reader or DEFAULT_READER](path)
    pending: WarcPage | None = None  # held back until the record after it (or the file's end) is seen
    last_offset: int | None = None
    try:
        for rec in records:
            if pending is not None:
                counts.html += 1
                yield pending
            last_offset = rec.offset
            pending = _to_page(path, rec, counts, max_bytes)
        problem, last_cut = _tail_problem(path, last_offset)
    except _CORRUPT as exc:
        problem = f"{type(exc).__name__}: {exc}"
    else:
        if last_cut:
            pending = None  # its payload is incomplete
    if pending is not None:
        counts.html += 1
        yield pending
    if problem is not None:
        counts.errors += 1
        log.warning("%s: stopped reading, the file is truncated or corrupt (%s)", path, problem)


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
        log.warning("%s#%d: cannot read the payload (%s: %s)", path, rec.offset, type(exc).__name__, exc)
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
    """Open a WARC file for binary reading, turning OS errors into InputError."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot open WARC file ({exc.strerror or exc})") from None


# --- the two readers -------------------------------------------------------------------------


def _fastwarc_records(path: Path) -> Iterator[_Record]:
    """Every record, read with fastwarc (C++); content encodings are undone in Python."""
    with _open(path) as fh:
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


def _warcio_records(path: Path) -> Iterator[_Record]:
    """Every record, read with warcio (pure Python), which decodes payloads itself."""
    from warcio.archiveiterator import ArchiveIterator

    with _open(path) as fh:
        records = ArchiveIterator(fh)
        for rec in records:
            if rec.rec_type != "response" or rec.http_headers is None:
                yield _Record(records.offset, is_response=False)
                continue
            status = rec.http_headers.get_statuscode()
            yield _Record(
                offset=records.offset, is_response=True, url=rec.rec_headers.get_header("WARC-Target-URI") or "",
                status=int(status) if status and status.isdigit() else None,
                headers=_header_dict(rec.http_headers.headers), length=getattr(rec.raw_stream, "limit", 0),
                read=rec.content_stream().read,
            )


_READERS: Final[dict[str, Callable[[Path], Iterator[_Record]]]] = {
    "fastwarc": _fastwarc_records,
    "warcio": _warcio_records,
}


def _content_decoder(read: Callable[[int], bytes], encoding: str) -> Callable[[int], bytes]:
    """A ``read(limit)`` that undoes ``encoding`` on the payload ``read`` returns."""
    return lambda limit: decode_content(read(limit), encoding, limit)


def _inflate(raw: bytes, limit: int) -> bytes:
    """Undo gzip or zlib-wrapped deflate."""
    return zlib.decompressobj(32 + zlib.MAX_WBITS).decompress(raw, limit)


def _inflate_deflate(raw: bytes, limit: int) -> bytes:
    """Undo deflate, with or without the zlib wrapper (servers send both)."""
    try:
        return zlib.decompressobj().decompress(raw, limit)
    except zlib.error:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, limit)


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {"gzip": _inflate, "x-gzip": _inflate, "deflate": _inflate_deflate}
_DECODE_ERRORS: tuple[type[Exception], ...] = (zlib.error,)
try:
    import brotli  # type: ignore[import-not-found,unused-ignore]

    _DECODERS["br"] = lambda raw, limit: bytes(brotli.decompress(raw))[:limit]
    _DECODE_ERRORS += (brotli.error,)
except ImportError:  # pragma: no cover - brotli is optional, as for warcio
    pass


def decode_content(raw: bytes, encoding: str, limit: int) -> bytes:
    """Undo a gzip/deflate/br Content-Encoding (at most ``limit`` bytes out); raw bytes if that fails."""
    decoder = _DECODERS.get(encoding.strip().lower())
    if decoder is None:
        return raw
    try:
        return decoder(raw, limit)
    except _DECODE_ERRORS as exc:
        log.debug("payload is not %s-encoded as declared (%s); keeping the raw bytes", encoding, exc)
        return raw


# --- is the file complete? ---------------------------------------------------------------------


def _tail_problem(path: Path, offset: int | None) -> tuple[str | None, bool]:
    """Why the file does not end right after a whole record at ``offset`` (or None), and if that record is cut."""
    with _open(path) as fh:
        size = fh.seek(0, 2)
        if offset is None:
            return (None if size == 0 else "no WARC record found"), False
        fh.seek(offset)
        if fh.read(2) == _GZIP_MAGIC:
            fh.seek(offset)
            return _gzip_tail_problem(fh)
        fh.seek(0)
        if fh.read(2) == _GZIP_MAGIC:  # one gzip stream for the whole file: offsets are not seekable
            log.debug("%s: not gzipped record by record; cannot check its end", path)
            return None, False
        fh.seek(offset)
        needed, problem = _record_problem(fh.read(_HEAD_BYTES), size - offset)
        if problem:
            return problem, True
        fh.seek(offset + needed)
        return _trailing_problem(fh.read(_HEAD_BYTES)), False


def _gzip_tail_problem(fh: IO[bytes]) -> tuple[str | None, bool]:
    """Check that the gzip member at the file position holds a whole record and ends the file."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = b""
    total = 0
    while not inflater.eof:
        chunk = fh.read(1 << 16)
        if not chunk:
            return "the last gzip member is cut short", True
        out = inflater.decompress(chunk)
        total += len(out)
        head += out[: max(0, _HEAD_BYTES - len(head))]
    problem = _record_problem(head, total)[1]
    if problem:
        return problem, True
    return _trailing_problem(inflater.unused_data + fh.read(_HEAD_BYTES)), False


_CONTENT_LENGTH: Final = re.compile(rb"^content-length:[ \t]*(\d+)", re.IGNORECASE | re.MULTILINE)


def _record_problem(head: bytes, available: int) -> tuple[int, str | None]:
    """The record's full size from its headers, and a problem if fewer bytes are ``available``."""
    end = head.find(b"\r\n\r\n")
    match = _CONTENT_LENGTH.search(head, 0, max(end, 0))
    if end < 0 or match is None:
        return available, "the last record's headers are cut short"
    needed = end + 4 + int(match.group(1))
    if available < needed:
        return available, f"the last record is cut short ({available} of {needed} bytes)"
    return needed, None


def _trailing_problem(rest: bytes) -> str | None:
    """A problem if anything but blank lines follows the last record."""
    if rest.strip(b"\r\n\x00"):
        return "unreadable bytes after the last record"
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
