"""Turning command-line targets (URLs, files, folders, ``-``, lists) into items to score.

Files are read only when they are regular files (a symlink to one is fine), with a read
bounded by the size cap: a FIFO, a device such as ``/dev/zero``, a socket or a link to
one is refused with an :class:`~classifier.errors.InputError` naming what it is, and is
never opened in a way that could block.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final
from urllib.parse import urlsplit, urlunsplit

from ..errors import InputError
from ..settings import PAGE_SUFFIXES, WARC_SUFFIXES
from .units import human_size

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceItem:
    """A page's bytes and where they came from."""

    source: str
    data: bytes
    url: str | None = None


def is_url(target: str) -> bool:
    """True for http(s) URLs."""
    return target.lower().startswith(("http://", "https://"))


def unsupported_scheme(target: str) -> str | None:
    """The scheme of a URL newsqual cannot fetch (``ftp``, ``file``, ...), or None for http(s) and paths."""
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]+)://", target)
    if match is None or is_url(target):
        return None
    return match.group(1).lower()


def scheme_refusal(target: str) -> str | None:
    """The error for a URL whose scheme newsqual cannot fetch, or None."""
    scheme = unsupported_scheme(target)
    if scheme is None:
        return None
    return f"unsupported URL scheme {scheme}://: newsqual fetches http:// and https:// URLs only"


def target_runs(targets: list[str], done: Collection[str]) -> Iterator[tuple[str, list[str]]]:
    """Targets in order, grouped: ``("done", [t])`` resumed (``resume_key`` in ``done``), ``("urls", [...])``
    a run of URLs to fetch together, ``("one", [t])`` anything else."""
    i = 0
    while i < len(targets):
        if resume_key(targets[i]) in done:
            yield "done", [targets[i]]
            i += 1
            continue
        run = []
        while i < len(targets) and is_url(targets[i]) and resume_key(targets[i]) not in done:
            run.append(targets[i])
            i += 1
        if run:
            yield "urls", run
        else:
            yield "one", [targets[i]]
            i += 1


def is_page_file(path: Path) -> bool:
    """True for file names newsqual reads as pages."""
    return path.name.lower().endswith(PAGE_SUFFIXES)


def is_warc_file(path: Path) -> bool:
    """True for WARC files."""
    return path.name.lower().endswith(WARC_SUFFIXES)


#: Largest ``--from-file`` target list read, in bytes.
MAX_LIST_BYTES: Final = 64 * 1024 * 1024

_KINDS: Final = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: Path, mode: int, what: str) -> InputError:
    """The error for a path that is not a regular file, naming what it is."""
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    if kind == "a folder":
        return InputError(f"{path} is a folder")
    return InputError(f"{path}: {kind}, not a regular file; only regular files are read as a {what}")


def _os_error(path: Path, exc: OSError | ValueError) -> InputError:
    """An OS error (or a NUL byte in the name) as a one-line InputError."""
    if isinstance(exc, ValueError):
        return InputError(f"{str(path)!r}: invalid file name ({exc})")
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: permission denied")
    return InputError(f"{path}: cannot read ({exc.strerror or exc})")


def open_regular(path: Path, what: str = "page") -> IO[bytes]:
    """Open ``path`` for reading only if it is (or links to) a regular file; never blocks on a FIFO."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode, what)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise _os_error(path, exc) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # swapped for something else between the two checks
        os.close(fd)
        raise _not_regular(path, mode, what)
    return os.fdopen(fd, "rb")


def read_regular(path: Path, max_bytes: int, what: str = "page") -> bytes:
    """The bytes of a regular file, refusing anything else and files over ``max_bytes``."""
    with open_regular(path, what) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise InputError(f"{path}: file is {human_size(size)}, over the {human_size(max_bytes)} limit")
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise _os_error(path, exc) from None
    if len(data) > max_bytes:  # it grew while being read
        raise InputError(f"{path}: file is over the {human_size(max_bytes)} limit")
    return data


def read_source(path: Path, max_bytes: int) -> SourceItem:
    """Read one page file, refusing folders, FIFOs, devices, missing files and files over ``max_bytes``."""
    return SourceItem(str(path), read_regular(path, max_bytes))


def read_stdin(stream: IO[bytes], max_bytes: int) -> bytes:
    """Up to ``max_bytes`` of a stream; InputError when it holds more (like an oversized file)."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"<stdin>: input is over the {human_size(max_bytes)} limit")
    return data


def resume_key(source: str) -> str:
    """The identity a result is resumed by: the URL, the resolved file path, or the resolved WARC path + record.

    ``data/pages/a.html`` and ``/abs/data/pages/a.html`` are one page; relative paths are
    resolved against the current folder. WARC results carry ``path#offset``: the offset
    identifies the record within that file.
    """
    if not source or source.startswith("<") or "\x00" in source:
        return source
    if is_url(source):
        parts = urlsplit(source)
        return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
    head, sep, record = source.rpartition("#")
    if sep and record.isdigit() and is_warc_file(Path(head)):
        return f"{_resolved(head)}#{record}"
    return _resolved(source)


def _resolved(path: str) -> str:
    """``path`` made absolute with symlinks resolved (unchanged if that fails)."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError, ValueError):
        return path


def expand_targets(targets: Iterable[str], from_file: Path | None = None) -> Iterator[str]:
    """Targets in order: folders expanded recursively (sorted), list files read one target a line."""
    if from_file is not None:
        targets = [*targets, *read_target_list(from_file)]
    for target in targets:
        path = Path(target)
        if target != "-" and "\x00" not in target and not is_url(target) and path.is_dir():
            yield from _walk_dir(path)
        else:
            yield target


def read_target_list(from_file: Path) -> list[str]:
    """The targets of a list file (a regular file): one a line, blank lines and ``#`` comments skipped."""
    try:
        raw = read_regular(from_file, MAX_LIST_BYTES, "target list")
    except InputError as exc:
        raise InputError(f"cannot read target list: {exc}") from None
    lines = raw.decode("utf-8", errors="replace").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _walk_dir(root: Path) -> Iterator[str]:
    """Page and WARC files below ``root``, sorted, without following symlinked folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if is_page_file(path) or is_warc_file(path):
                yield str(path)
