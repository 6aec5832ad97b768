"""Optional features fail with a message naming the extra to install, never with a traceback."""

from __future__ import annotations

import importlib.util

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.errors import MissingDependency
from classifier.extras import require


@pytest.fixture()
def without(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Pretend the named modules are not installed."""
    real = importlib.util.find_spec

    def hide(*names: str) -> None:
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in names else real(name, *a))

    return hide


def test_require_names_the_extra(without) -> None:  # type: ignore[no-untyped-def]
    without("uvicorn")
    with pytest.raises(MissingDependency, match=r"pip install 'newsqual\[serve\]'"):
        require("newsqual serve", "starlette", "uvicorn")


def test_any_of_is_enough(without) -> None:  # type: ignore[no-untyped-def]
    without("fastwarc")
    require("reading WARC files", "fastwarc", "warcio", any_of=True)
    without("fastwarc", "warcio")
    with pytest.raises(MissingDependency, match=r"newsqual\[warc\]"):
        require("reading WARC files", "fastwarc", "warcio", any_of=True)


@pytest.mark.parametrize(
    ("hidden", "args", "extra"),
    [
        ("uvicorn", ["serve"], "serve"),
        ("sklearn", ["train", "x.jsonl"], "train"),
        ("matplotlib", ["evaluate", "x.jsonl"], "plots"),
        ("distributed", ["score", "x.warc.gz", "--dask", "local", "--output", "out"], "dask"),
        ("pyarrow", ["score", "examples", "--output", "r.parquet"], "parquet"),
    ],
)
def test_cli_reports_missing_extras(without, hidden: str, args: list[str], extra: str) -> None:  # type: ignore[no-untyped-def]
    without(hidden)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and f"newsqual[{extra}]" in result.output
