"""Packaging promises: the model ships as package data, Python version and tool targets agree, a lean base install."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions
from pathlib import Path

from classifier import settings

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: Distributions a scoring install must not need.
HEAVY = {"scikit-learn", "scipy", "joblib", "matplotlib", "beautifulsoup4", "pyarrow"}


def _name(requirement: str) -> str:
    """The distribution name of a requirement string, normalised."""
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_bundled_model_file_is_package_data() -> None:
    tool = PYPROJECT["tool"]["setuptools"]
    assert tool["package-dir"]["classifier.models"] == "models"
    assert "classifier.models" in tool["packages"]
    data = tool["package-data"]
    for path in (ROOT / "models").rglob("*"):
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            rel = path.relative_to(ROOT / "models")
            package = ".".join(["classifier.models", *rel.parts[:-1]])
            assert any(fnmatch.fnmatch(rel.name, g) for g in data.get(package, [])), f"{rel} would not be installed"
    assert any(fnmatch.fnmatch(settings.MODEL_FILE, g) for g in data["classifier.models"])


def test_the_default_model_is_in_the_bundled_models_folder() -> None:
    assert settings.DEFAULT_MODEL == settings.bundled_models_dir() / settings.MODEL_FILE
    assert settings.DEFAULT_MODEL.is_file() and (settings.MODELS_DIR / "__init__.py").is_file()


def test_python_version_agrees_with_the_tools() -> None:
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py311"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == "3.11"
    assert "3.10+" not in (ROOT / "README.md").read_text()


def test_base_install_is_lean_and_extras_are_complete() -> None:
    project = PYPROJECT["project"]
    base = {_name(r) for r in project["dependencies"]}
    extras = {k: {_name(r) for r in v} for k, v in project["optional-dependencies"].items()}
    assert not base & HEAVY, base & HEAVY
    assert {"numpy", "lxml", "charset-normalizer", "httpx", "typer", "platformdirs"} <= base
    assert {"scikit-learn", "scipy", "joblib", "matplotlib"} <= extras["train"]
    assert "pyarrow" not in extras["dask"]
    assert "newsqual[all]" in {r.replace(" ", "") for r in project["optional-dependencies"]["dev"]}
    assert "train" in project["optional-dependencies"]["all"][0]
    assert not any(re.search(r"scikit-learn.*==|>=1\.9,<1\.10", r) for r in project["optional-dependencies"]["train"])


def test_no_module_imports_bs4_and_soup_objects_are_accepted() -> None:
    sources = [p for p in (ROOT / "classifier").rglob("*.py")]
    assert not [p for p in sources if re.search(r"^\s*(import bs4|from bs4)", p.read_text(), re.M)]
    from classifier import Scorer

    class Soupish:  # anything whose str() is the HTML, as BeautifulSoup objects are
        def __str__(self) -> str:
            return (ROOT / "examples" / "scraper_copy.html").read_text()

    assert Scorer.load().score_html(Soupish()).label == "low_quality"


def _closure(names: set[str]) -> set[str]:
    """The distributions ``names`` pull in, recursively (only what is installed)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def test_scoring_imports_only_base_dependencies() -> None:
    # Modules the interpreter loaded before our import (site's .pth hooks such as setuptools'
    # _distutils_hack) are not the scoring path's doing.
    code = ("import sys, json; before = set(sys.modules); from classifier import Scorer; "
            "Scorer.load().score_many(['examples/original_article.html']).__next__(); "
            "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - before})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True).stdout
    mapping = packages_distributions()
    used = {_name(d) for m in json.loads(out) for d in mapping.get(m, []) if _name(d) != "newsqual"}
    decoders = {"httpx", "brotli"} | {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["zstd"]}
    allowed = _closure({_name(r) for r in PYPROJECT["project"]["dependencies"]} | decoders)  # decoders: used if installed
    assert used <= allowed, used - allowed
