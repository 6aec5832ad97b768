"""Turning command-line targets (URLs, files, folders, ``-``, lists) into items to score."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .settings import PAGE_SUFFIXES, WARC_SUFFIXES
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


def is_page_file(path: Path) -> bool:
    """True for file names newsqual reads as pages."""
    return path.name.lower().endswith(PAGE_SUFFIXES)


def is_warc_file(path: Path) -> bool:
    """True for WARC files."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def read_source(path: Path, max_bytes: int) -> SourceItem:
    """Read one page file, refusing folders, missing files and files over ``max_bytes``."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{path} is a folder")
        if size > max_bytes:
            raise InputError(f"{path}: file is {human_size(size)}, over the {human_size(max_bytes)} limit")
        return SourceItem(str(path), path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def expand_targets(targets: Iterable[str], from_file: Path | None = None) -> Iterator[str]:
    """Targets in order: folders expanded recursively (sorted), list files read one target a line."""
    if from_file is not None:
        targets = [*targets, *read_target_list(from_file)]
    for target in targets:
        path = Path(target)
        if target != "-" and not is_url(target) and path.is_dir():
            yield from _walk_dir(path)
        else:
            yield target


def read_target_list(from_file: Path) -> list[str]:
    """The targets of a list file: one a line, blank lines and ``#`` comments skipped."""
    try:
        lines = from_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read target list {from_file}: {exc.strerror or exc}") from None
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _walk_dir(root: Path) -> Iterator[str]:
    """Page and WARC files below ``root``, sorted, without following symlinked folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if is_page_file(path) or is_warc_file(path):
                yield str(path)
