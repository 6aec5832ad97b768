"""Where the feature cache lives and how to empty it.

Training and evaluation cache one signal vector per page (``features.py``) in
``$NEWSQUAL_CACHE`` when that variable is set, else in the platform's user cache folder
(``platformdirs``: ``~/.cache/newsqual/features`` on Linux, ``~/Library/Caches/newsqual/features``
on macOS, ``%LOCALAPPDATA%\\newsqual\\Cache\\features`` on Windows). ``newsqual cache info``
shows the folder and its size; ``newsqual cache clear`` deletes the cached vectors.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

#: The environment variable that moves the feature cache.
CACHE_ENV: Final = "NEWSQUAL_CACHE"


@dataclass(frozen=True, slots=True)
class CacheUsage:
    """How many files the cache folder holds and their total size in bytes."""

    path: Path
    files: int
    bytes: int


def feature_cache_dir() -> Path:
    """``$NEWSQUAL_CACHE``, else the platform user cache folder's ``newsqual/features``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    from platformdirs import user_cache_path  # noqa: PLC0415

    return user_cache_path("newsqual", appauthor=False) / "features"


def cache_usage(path: Path | None = None) -> CacheUsage:
    """Files and bytes under the cache folder (zero when it does not exist)."""
    root = path or feature_cache_dir()
    files = size = 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            try:
                size += (Path(dirpath) / name).stat().st_size
            except OSError:
                continue
            files += 1
    return CacheUsage(root, files, size)


def clear_cache(path: Path | None = None) -> CacheUsage:
    """Delete the cache folder and everything in it; returns what was there."""
    usage = cache_usage(path)
    if usage.path.is_dir():
        shutil.rmtree(usage.path)
    return usage
