"""The package layout is the pipeline: imports flow one way, the public surface is pinned, every module says what it owns."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import classifier

PACKAGE = Path(classifier.__file__).parent
#: Modules every layer may import: the exception tree, typed defaults, the options object, extras checks.
FOUNDATION = ("classifier", "classifier.errors", "classifier.settings", "classifier.options", "classifier.extras")
#: What each folder may import inside the package besides FOUNDATION (prefixes), from the bottom up.
ALLOWED = {
    "classifier.page": ("classifier.page",),
    "classifier.signals": ("classifier.page", "classifier.signals"),
    "classifier.model": ("classifier.page", "classifier.signals", "classifier.model"),
}
#: What the inputs and outputs must never import: the front ends, the runners above them and training.
IO_FORBIDDEN = ("classifier.entry", "classifier.cli", "classifier.cli_score", "classifier.cli_dask", "classifier.console",
                "classifier.serve", "classifier.batch", "classifier.crawl", "classifier.training")
#: Entry points of scoring (the API, the service, the Scrapy pipeline, batch runners): none may reach training.
SCORING_ROOTS = ("classifier", "classifier.scorer", "classifier.serve", "classifier.integrations.scrapy",
                 "classifier.batch.parallel", "classifier.batch.distributed", "classifier.crawl.batch")


def _name(path: Path) -> str:
    """The dotted module name of a source file in the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> source file."""
    return {_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "models" not in p.relative_to(PACKAGE).parts}


def imports_of(path: Path) -> set[str]:
    """Package modules a source file imports anywhere (top level or inside functions), resolved to module names."""
    name = _name(path)
    base = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = importlib.util.resolve_name("." * node.level + (node.module or ""), base) if node.level else node.module or ""
            targets = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules() else target for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in modules()}
    return found


def _inside(name: str, prefixes: tuple[str, ...]) -> bool:
    """True when ``name`` is one of ``prefixes`` or a module below one."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_import_parser_sees_real_edges() -> None:
    """The checks below are only as good as the parser: it must see top-level and function-level imports."""
    assert "classifier.page.loader" in imports_of(modules()["classifier.scorer"])
    assert "classifier.io.fetch" in imports_of(modules()["classifier.scorer"])  # imported inside score_url
    assert "classifier.training.trainer" in imports_of(modules()["classifier.cli"])  # imported inside train
    assert "classifier.page.dates" in imports_of(modules()["classifier.page.html_parser"])  # from . import dates


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_lower_layers_import_only_what_lies_below(folder: str) -> None:
    bad = {(name, dep) for name, path in modules().items() if _inside(name, (folder,))
           for dep in imports_of(path) if dep not in FOUNDATION and not _inside(dep, ALLOWED[folder])}
    assert not bad, f"{folder} must not import: {sorted(bad)}"


def test_inputs_and_outputs_import_no_front_end_runner_or_training() -> None:
    bad = {(name, dep) for name, path in modules().items() if _inside(name, ("classifier.io",))
           for dep in imports_of(path) if _inside(dep, IO_FORBIDDEN)}
    assert not bad, sorted(bad)


def test_no_library_module_imports_the_front_ends() -> None:
    front = ("classifier.entry", "classifier.cli", "classifier.cli_score", "classifier.cli_dask", "classifier.console", "classifier.serve")
    bad = {(name, dep) for name, path in modules().items() if not _inside(name, front + ("classifier.__main__",))
           for dep in imports_of(path) if _inside(dep, front)}
    assert not bad, sorted(bad)


def test_the_scoring_path_reaches_no_training_module() -> None:
    """Everything scoring can import, even lazily, is outside ``classifier.training``."""
    seen: set[str] = set()
    todo = list(SCORING_ROOTS)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += sorted(imports_of(modules()[name]))
    assert {"classifier.page.loader", "classifier.model.bundle", "classifier.signals"} <= seen
    assert not [m for m in seen if _inside(m, ("classifier.training",))]


def test_scoring_a_page_loads_no_training_module() -> None:
    code = ("import sys; from classifier import Scorer; "
            "r = Scorer.load().score_html('<html><body>' + '<p>A sentence of an ordinary story goes here.</p>' * 20); "
            "assert r.ok, r; print(sorted(m for m in sys.modules if m.startswith('classifier.training')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_public_api_is_pinned() -> None:
    assert classifier.__all__ == [
        "DataError", "FetchError", "InputError", "ModelError", "NewsqualError", "Reason", "Result", "ScoreOptions", "Scorer",
    ]
    namespace: dict[str, object] = {}
    exec("from classifier import *", namespace)  # noqa: S102 - the star import is what is pinned
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(classifier.__all__)


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_opens_with_a_docstring(name: str) -> None:
    doc = ast.get_docstring(ast.parse(modules()[name].read_text()))
    assert doc and len(doc.splitlines()[0].split()) >= 4, f"{name} must open with a docstring saying what it owns"


def test_every_folder_is_a_package_that_ships() -> None:
    import tomllib

    packages = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    folders = {_name(p) for p in PACKAGE.rglob("__init__.py") if "models" not in p.relative_to(PACKAGE).parts}
    assert folders <= set(packages), folders - set(packages)
