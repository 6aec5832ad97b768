"""Where batch results go: JSON Lines (resumable) or Parquet, chosen by the file suffix.

Both sinks take the dicts of :meth:`Result.to_dict <classifier.scorer.Result.to_dict>`
and are context managers that close (and flush) on exit.

**JSONL durability.** Every line is written whole and flushed to the operating system at
once, so a run that is killed (SIGKILL, OOM killer, Ctrl-C) loses at most the page in
flight: everything written before it is in the kernel's page cache and reaches the file.
``os.fsync`` additionally protects against a crash of the machine itself; it is done every
``FSYNC_EVERY`` lines or ``FSYNC_SECONDS`` seconds, whichever comes first, and on close,
because one fsync per line can cost as much as scoring the page: ``bench/warc_throughput.py``
measured 0.2-3.2 ms per fsync'd line here (313-4,900 lines/s, depending on what else the
disk was doing) against 1-3 ms to score a page, and 42,000-60,000 lines/s with this policy.
So a power loss loses at most the last 1,000 lines or the last second of writing;
resuming re-scores them.

**Resume.** ``JsonlSink.open(path, resume=True)`` keeps the longest prefix of complete,
valid JSON lines, cuts anything after it (a line half-written when the run died), and
reports the sources already done through :meth:`JsonlSink.done_sources`; the caller
skips those. Parquet files cannot be resumed: a Parquet file is only readable once its
footer is written on close, so ``ParquetSink`` writes to a temporary file that is renamed
into place on close, and a killed run leaves the previous file (if any) untouched.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Protocol, Self

log = logging.getLogger(__name__)

#: fsync the JSONL file after this many lines...
FSYNC_EVERY: Final = 1000
#: ...or this many seconds since the last fsync, whichever comes first.
FSYNC_SECONDS: Final = 1.0
#: Rows per Parquet row group.
PARQUET_ROW_GROUP: Final = 1000

SUFFIXES: Final = (".jsonl", ".parquet")


class Sink(Protocol):
    """Somewhere results are written, one dict at a time."""

    def done_sources(self) -> set[str]:
        """Sources already in the output (resume), empty for a fresh output."""
        ...

    def write(self, row: Mapping[str, Any]) -> None:
        """Write one result dict."""
        ...

    def close(self) -> None:
        """Flush and close the output."""
        ...

    def __enter__(self) -> Self:
        """The sink itself."""
        ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the sink."""
        ...


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (NaN, infinity) replaced by None, so it is valid JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def to_json_line(row: Mapping[str, Any]) -> bytes:
    """One result dict as one UTF-8 JSON line; \\u escapes only if the text holds lone surrogates."""
    row = json_safe(row)
    try:
        return (json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(row, ensure_ascii=True, allow_nan=False) + "\n").encode("ascii")


def open_sink(path: Path, resume: bool = False) -> Sink:
    """Open a JSONL or Parquet sink by the suffix of ``path``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl":
        return JsonlSink.open(path, resume)
    if suffix == ".parquet":
        return ParquetSink.open(path, resume)
    raise ValueError(
        f"cannot write results to {path}: unknown output format {suffix or '(no suffix)'!r}; "
        f"use a file name ending in {' or '.join(SUFFIXES)}"
    )


class _SinkBase:
    """Context-manager plumbing shared by the sinks."""

    def close(self) -> None:
        """Flush and close the output."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        """The sink itself."""
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the sink, also when the block failed (what was written is kept)."""
        self.close()


class JsonlSink(_SinkBase):
    """Appends results as JSON lines; resumable, and a killed run loses at most the page in flight."""

    def __init__(self, path: Path, fh: IO[bytes], done: set[str]) -> None:
        self.path = path
        self._fh = fh
        self._done = done
        self._unsynced = 0
        self._last_sync = time.monotonic()

    @classmethod
    def open(cls, path: Path, resume: bool = False) -> JsonlSink:
        """Open ``path`` for writing: fresh (truncated), or appending after its valid lines."""
        path = Path(path)
        done: set[str] = set()
        if resume and path.exists():
            done = _recover(path)
            fh = path.open("ab")
        else:
            fh = path.open("wb")
        return cls(path, fh, done)

    def done_sources(self) -> set[str]:
        """Sources already in the file when it was opened for resuming."""
        return set(self._done)

    def write(self, row: Mapping[str, Any]) -> None:
        """Append one result as a line and flush it; fsync now and then."""
        self._fh.write(to_json_line(row))
        self._fh.flush()
        self._unsynced += 1
        if self._unsynced >= FSYNC_EVERY or time.monotonic() - self._last_sync >= FSYNC_SECONDS:
            self._sync()

    def close(self) -> None:
        """fsync and close the file (idempotent)."""
        if not self._fh.closed:
            self._sync()
            self._fh.close()

    def _sync(self) -> None:
        """Push the written lines to the disk."""
        os.fsync(self._fh.fileno())
        self._unsynced = 0
        self._last_sync = time.monotonic()


def _recover(path: Path) -> set[str]:
    """Sources of the valid lines of ``path``; cut the file after the last valid complete line."""
    done: set[str] = set()
    good_end = 0
    with path.open("rb") as fh:
        for line in fh:
            source = _line_source(line)
            if source is None:
                break
            done.add(source)
            good_end += len(line)
        size = fh.seek(0, os.SEEK_END)
    if good_end < size:
        log.warning("%s: dropping %d bytes after the last complete line (a run was cut short)", path, size - good_end)
        with path.open("r+b") as fh:
            fh.truncate(good_end)
    return done


def _line_source(line: bytes) -> str | None:
    """The ``source`` of one complete, valid result line, or None."""
    if not line.endswith(b"\n"):
        return None
    try:
        row = json.loads(line)
    except ValueError:  # also UnicodeDecodeError
        return None
    source = row.get("source") if isinstance(row, dict) else None
    return source if isinstance(source, str) else None


class ParquetSink(_SinkBase):
    """Buffers results into Parquet row groups; reasons and signals are stored as JSON strings."""

    def __init__(self, path: Path, row_group_size: int = PARQUET_ROW_GROUP) -> None:
        self.path = path
        self.row_group_size = row_group_size
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._rows: list[dict[str, Any]] = []
        self._writer: Any = None
        self._closed = False

    @classmethod
    def open(cls, path: Path, resume: bool = False) -> ParquetSink:
        """Start a new Parquet file at ``path``; refuses ``resume`` (use JSONL to resume)."""
        if resume:
            raise ValueError(
                f"cannot resume {path}: Parquet output cannot be resumed; write to a .jsonl file to resume"
            )
        return cls(Path(path))

    def done_sources(self) -> set[str]:
        """Always empty: Parquet output starts fresh."""
        return set()

    def write(self, row: Mapping[str, Any]) -> None:
        """Buffer one result; write a row group when the buffer is full."""
        self._rows.append(_parquet_row(row))
        if len(self._rows) >= self.row_group_size:
            self._flush()

    def close(self) -> None:
        """Write the last row group and the footer, then move the file into place (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._flush(final=True)
        self._writer.close()
        os.replace(self._tmp, self.path)

    def _flush(self, final: bool = False) -> None:
        """Write the buffered rows as one row group."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows and not (final and self._writer is None):
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, _parquet_schema())
        table = pa.Table.from_pylist(self._rows, schema=_parquet_schema())
        self._writer.write_table(table, row_group_size=self.row_group_size)
        self._rows = []


def _parquet_schema() -> Any:
    """Columns of the Parquet output."""
    import pyarrow as pa

    return pa.schema([
        ("source", pa.string()),
        ("final_url", pa.string()),
        ("score", pa.float64()),
        ("label", pa.string()),
        ("error", pa.string()),
        ("reasons", pa.string()),
        ("signals", pa.string()),
    ])


def _parquet_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A result dict flattened for Parquet: reasons and signals as JSON strings."""
    return {
        "source": row.get("source"),
        "final_url": row.get("final_url"),
        "score": row.get("score"),
        "label": row.get("label"),
        "error": row.get("error"),
        "reasons": json.dumps(row.get("reasons") or [], ensure_ascii=False),
        "signals": json.dumps(row.get("signals") or {}, ensure_ascii=False),
    }
