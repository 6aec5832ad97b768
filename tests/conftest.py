"""Shared fixtures for the newsqual tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

#: The shared labelled corpus, next to the repository (``../shared/corpus``).
CORPUS_DIR = Path(__file__).parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared corpus folder; skips the test when it is not there."""
    if not (CORPUS_DIR / "manifest.jsonl").is_file():
        pytest.skip("../shared/corpus not found: corpus tests need the shared corpus")
    return CORPUS_DIR


@pytest.fixture(scope="session", autouse=True)
def _feature_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tests write only to temporary folders: the feature cache moves to one for the whole session."""
    import os

    before = os.environ.get("NEWSQUAL_CACHE")
    folder = tmp_path_factory.mktemp("feature-cache")
    os.environ["NEWSQUAL_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("NEWSQUAL_CACHE", None)
    else:
        os.environ["NEWSQUAL_CACHE"] = before
