"""Shared fixtures for the newsqual tests."""

from __future__ import annotations

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
