"""The feature cache: platform folder, NEWSQUAL_CACHE, `newsqual cache info/clear`; tests keep it in tmp."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.training.cache import cache_usage, clear_cache, feature_cache_dir
from classifier.training.features import default_cache_dir

runner = CliRunner()


def test_the_session_cache_is_a_temporary_folder(_feature_cache_in_tmp: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert default_cache_dir() == _feature_cache_in_tmp
    assert _feature_cache_in_tmp.is_relative_to(tmp_path_factory.getbasetemp())


def test_platform_folder_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_cache_path

    monkeypatch.delenv("NEWSQUAL_CACHE")
    assert feature_cache_dir() == user_cache_path("newsqual", appauthor=False) / "features"
    assert default_cache_dir() == feature_cache_dir()


def test_cache_info_and_clear(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    (cache / "ab").mkdir(parents=True)
    (cache / "ab" / "x.npy").write_bytes(b"0" * 2048)
    monkeypatch.setenv("NEWSQUAL_CACHE", str(cache))
    assert cache_usage().files == 1
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 0 and f"{cache}: 1 files, 2.0 KB" in info.stdout
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed 1 files (2.0 KB)" in cleared.stdout
    assert not cache.exists() and clear_cache().files == 0
