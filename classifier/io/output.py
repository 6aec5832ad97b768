"""Where batch results go: JSON Lines, Parquet or CSV, chosen by the file suffix; all resumable.

**An existing output is never clobbered by accident.** :func:`open_sink` refuses a file that
exists and is not empty unless ``resume`` (keep its rows, skip their sources, add the rest)
or ``overwrite`` (replace it) is given.

**Every row names the model**: :class:`ModelInfo` adds ``model_id``, ``model_digest`` and
``threshold`` to each row (:func:`annotate`); Parquet also keeps them in the file metadata
under the key ``newsqual``.

All sinks take the dicts of :meth:`Result.to_dict <classifier.scorer.Result.to_dict>`
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
skips those. CSV works the same way (one row per line: newlines in fields become spaces).

**Parquet** stores ``reasons`` as a list of structs (signal, value, evidence, contribution)
and ``signals`` as a map from signal name to value, so DuckDB, pandas and Spark can query
them. A Parquet file is only readable once its footer is written on close, so
``ParquetSink`` writes to a temporary file that is renamed into place on close: a killed run
leaves the previous file (if any) untouched and loses what it scored itself. Resuming reads
the existing file, copies its rows into the new one and skips their sources; it refuses a
file written by another model or with other columns.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
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

SUFFIXES: Final = (".jsonl", ".parquet", ".csv")
#: Parquet file-metadata key holding the model that wrote the rows.
PARQUET_META_KEY: Final = b"newsqual"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The model bundle and threshold that made a batch of results."""

    model_id: str
    model_digest: str
    threshold: float

    @classmethod
    def of(cls, scorer: Any) -> ModelInfo:
        """The model in force in a :class:`~classifier.scorer.Scorer`."""
        return cls(scorer.model_id, scorer.model_digest, round(float(scorer.threshold), 6))

    def fields(self) -> dict[str, Any]:
        """The row fields naming the model."""
        return asdict(self)


def annotate(row: Mapping[str, Any], model: ModelInfo | None) -> dict[str, Any]:
    """A result dict with the fields naming the model added (unchanged without a model)."""
    return {**row, **model.fields()} if model is not None else dict(row)


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


def open_sink(path: Path, resume: bool = False, overwrite: bool = False, model: ModelInfo | None = None) -> Sink:
    """Open a JSONL, Parquet or CSV sink by the suffix of ``path``; refuses an existing file unless told."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot write results to {path}: unknown output format {suffix or '(no suffix)'!r}; "
            f"use a file name ending in {', '.join(SUFFIXES[:-1])} or {SUFFIXES[-1]}"
        )
    if resume and overwrite:
        raise ValueError("give --resume or --overwrite, not both")
    if path.is_dir():
        raise ValueError(f"cannot write results to {path}: it is a folder")
    if not resume and not overwrite and path.is_file() and path.stat().st_size > 0:
        raise ValueError(f"{path} exists; add --resume to skip the pages already in it, or --overwrite to replace it")
    if suffix == ".jsonl":
        return JsonlSink.open(path, resume)
    if suffix == ".csv":
        return CsvSink.open(path, resume)
    return ParquetSink.open(path, resume, model)


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
        self._header: list[str] = []
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
        self._write_line(to_json_line(row))

    def _write_line(self, line: bytes) -> None:
        """Write one whole line, flush it, and fsync now and then."""
        self._fh.write(line)
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


def _recover(path: Path, source_of: Callable[[bytes], str | None] | None = None, header: bytes = b"") -> set[str]:
    """Sources of the valid lines of ``path`` (after ``header``); cut the file after the last valid complete line."""
    source_of = source_of or _line_source
    done: set[str] = set()
    with path.open("rb") as fh:
        if header and fh.readline() != header:
            raise ValueError(f"cannot resume {path}: its columns differ from this version's; use --overwrite or a new file")
        good_end = len(header)
        for line in fh:
            source = source_of(line)
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
    """Buffers results into Parquet row groups, with nested ``reasons`` and ``signals`` columns."""

    def __init__(
        self, path: Path, row_group_size: int = PARQUET_ROW_GROUP, model: ModelInfo | None = None, kept: Any = None
    ) -> None:
        self.path = path
        self.row_group_size = row_group_size
        self.model = model
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._rows: list[dict[str, Any]] = []
        self._kept = kept  # rows of the file being resumed, copied first
        self._writer: Any = None
        self._closed = False

    @classmethod
    def open(cls, path: Path, resume: bool = False, model: ModelInfo | None = None) -> ParquetSink:
        """Start a Parquet file at ``path``; with ``resume``, keep the rows of the existing file."""
        path = Path(path)
        kept = _read_for_resume(path, model) if resume and path.is_file() else None
        return cls(path, model=model, kept=kept)

    def done_sources(self) -> set[str]:
        """Sources of the rows kept from the resumed file."""
        if self._kept is None:
            return set()
        return {s for s in self._kept.column("source").to_pylist() if s is not None}

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
        """Write the buffered rows as one row group (after the kept rows, on the first write)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows and not (final and self._writer is None):
            return
        schema = parquet_schema(self.model)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, schema)
            if self._kept is not None and self._kept.num_rows:
                self._writer.write_table(self._kept.replace_schema_metadata(schema.metadata),
                                         row_group_size=self.row_group_size)
        table = pa.Table.from_pylist(self._rows, schema=schema)
        self._writer.write_table(table, row_group_size=self.row_group_size)
        self._rows = []


def parquet_schema(model: ModelInfo | None = None) -> Any:
    """Columns of the Parquet output; the model that wrote it goes into the file metadata."""
    import pyarrow as pa

    reason = pa.struct([("signal", pa.string()), ("value", pa.float64()), ("evidence", pa.string()),
                        ("contribution", pa.float64())])
    schema = pa.schema([
        ("source", pa.string()),
        ("final_url", pa.string()),
        ("score", pa.float64()),
        ("label", pa.string()),
        ("error", pa.string()),
        ("reasons", pa.list_(reason)),
        ("signals", pa.map_(pa.string(), pa.float64())),
        ("model_id", pa.string()),
        ("model_digest", pa.string()),
        ("threshold", pa.float64()),
    ])
    if model is None:
        return schema
    return schema.with_metadata({PARQUET_META_KEY: json.dumps(model.fields()).encode()})


def parquet_model(path: Path) -> dict[str, Any] | None:
    """The model named in a newsqual Parquet file's metadata, or None."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    return json.loads(meta[PARQUET_META_KEY]) if PARQUET_META_KEY in meta else None


def _read_for_resume(path: Path, model: ModelInfo | None) -> Any:
    """The rows of an existing Parquet output, after checking it can be continued."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise ValueError(f"cannot resume {path}: not a readable Parquet file ({exc}); use --overwrite") from None
    if not table.schema.remove_metadata().equals(parquet_schema()):
        raise ValueError(f"cannot resume {path}: its columns differ from this version's; use --overwrite or a new file")
    theirs = parquet_model(path)
    if model is not None and theirs is not None and theirs.get("model_digest") != model.model_digest:
        raise ValueError(f"cannot resume {path}: it was written by model {theirs.get('model_id')}, "
                         f"this is {model.model_id}; use --overwrite or a new file")
    return table


def _parquet_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A result dict shaped for the Parquet columns (signals as key/value pairs for the map)."""
    return {
        "source": row.get("source"),
        "final_url": row.get("final_url"),
        "score": row.get("score"),
        "label": row.get("label"),
        "error": row.get("error"),
        "reasons": [dict(r) for r in row.get("reasons") or []],
        "signals": list((row.get("signals") or {}).items()),
        "model_id": row.get("model_id"),
        "model_digest": row.get("model_digest"),
        "threshold": row.get("threshold"),
    }


# --- CSV -------------------------------------------------------------------------------------------

#: CSV columns before one column per signal.
CSV_COLUMNS: Final = ("source", "final_url", "score", "label", "error", "reasons", "model_id", "model_digest", "threshold")


def csv_header() -> list[str]:
    """The CSV header: the result fields, then every signal in registry order."""
    from ..signals import SIGNALS  # noqa: PLC0415

    return [*CSV_COLUMNS, *(s.name for s in SIGNALS)]


class CsvSink(JsonlSink):
    """Appends results as CSV rows for spreadsheets; resumable like JSONL (one row per line)."""

    @classmethod
    def open(cls, path: Path, resume: bool = False) -> CsvSink:
        """Open ``path``: fresh with a header, or appending after its valid rows."""
        path = Path(path)
        header = csv_header()
        if resume and path.is_file() and path.stat().st_size:
            done = _recover_csv(path, header)
            sink = cls(path, path.open("ab"), done)
        else:
            sink = cls(path, path.open("wb"), set())
            sink._fh.write(_csv_line(header))
        sink._header = header
        return sink

    def write(self, row: Mapping[str, Any]) -> None:
        """Append one result as a CSV row and flush it; fsync now and then."""
        self._write_line(_csv_line(_csv_cells(row, self._header)))


def _csv_cells(row: Mapping[str, Any], header: list[str]) -> list[str]:
    """One result as CSV cells: reasons as readable text, one cell per signal value."""
    reasons = "; ".join(f"{r['signal']} {r['contribution']:+.2f}: {r['evidence']}" for r in row.get("reasons") or [])
    values = {**{k: row.get(k) for k in CSV_COLUMNS}, "reasons": reasons, **(row.get("signals") or {})}
    return ["" if values.get(name) is None else str(values[name]) for name in header]


def _csv_line(cells: list[str]) -> bytes:
    """One CSV line; newlines inside cells become spaces so that a row is always one line."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([c.replace("\r", " ").replace("\n", " ") for c in cells])
    return buf.getvalue().encode("utf-8", "surrogatepass")


def _recover_csv(path: Path, header: list[str]) -> set[str]:
    """Sources of the complete rows of a CSV output; cut anything after the last complete row."""

    def source_of(line: bytes) -> str | None:
        """The source of one complete CSV row, or None."""
        cells = next(csv.reader([line.decode("utf-8", "replace")]), []) if line.endswith(b"\n") else []
        return cells[0] if len(cells) == len(header) else None

    return _recover(path, source_of, _csv_line(header))
