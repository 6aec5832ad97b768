"""The ``newsqual`` console script: one-thread BLAS for the process, then the command line.

Nothing newsqual does from the command line needs a multi-threaded BLAS (scores are table
look-ups and short dot products, and ``-j`` spreads pages over processes), but OpenBLAS starts
one thread per core when numpy is imported, which costs about 0.1 s of CPU on every run and
oversubscribes the cores under ``-j``. So the command line asks for one thread before numpy loads,
unless the user has set ``OPENBLAS_NUM_THREADS`` already. Importing :mod:`classifier` as a library
changes nothing in the environment.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

BLAS_THREADS = "OPENBLAS_NUM_THREADS"


def single_thread_blas(environ: MutableMapping[str, str]) -> None:
    """Ask OpenBLAS for one thread in ``environ``, keeping a value the user set."""
    environ.setdefault(BLAS_THREADS, "1")


def main() -> None:
    """Console-script entry point: see the module's doc, then :func:`classifier.cli_score.main`."""
    single_thread_blas(os.environ)
    from .cli_score import main as run  # noqa: PLC0415 - numpy must load after the line above

    run()
