"""Import a git revision's ``classifier`` package side by side with the working tree's.

``mainline("main")`` extracts ``classifier/`` at that revision into a temporary folder as the
package ``classifier_<rev>`` (the package uses relative imports only) and returns it, so a bench
can measure the old and the new signals in one process.
"""

from __future__ import annotations

import importlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def mainline(rev: str = "main") -> ModuleType:
    """The ``classifier`` package as it is at git revision ``rev``, imported as ``classifier_<rev>``."""
    name = "classifier_" + re.sub(r"\W", "_", rev)
    if name in sys.modules:
        return sys.modules[name]
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "classifier"], check=True,
                             capture_output=True).stdout
    target = Path(tempfile.mkdtemp(prefix="newsqual_rev_"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    (target / "classifier").rename(target / name)
    sys.path.insert(0, str(target))
    return importlib.import_module(name)


def loader_of(package: str) -> ModuleType:
    """The page loader of ``package``: ``.page.loader`` since the pipeline layout, ``.loader`` before it."""
    try:
        return importlib.import_module(package + ".page.loader")
    except ModuleNotFoundError:
        return importlib.import_module(package + ".loader")
