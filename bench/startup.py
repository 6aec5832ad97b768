"""Start-up cost of ``newsqual score one.html``, against bare Python and importing trafilatura, in one run.

Each arm is a fresh interpreter (this tree's code first on ``PYTHONPATH``); its user + system CPU
comes from ``resource.getrusage(RUSAGE_CHILDREN)``. Arms are interleaved over ``--runs`` rounds
after one warm-up round, and bytecode is cached in a temporary ``PYTHONPYCACHEPREFIX`` (as an
installed package has its ``.pyc`` files), so a missing cache is not measured as start-up.

    python bench/startup.py [--runs 7] [--page examples/original_article.html] [--baseline TREE]

``--baseline TREE`` (say ``git worktree add /tmp/before COMMIT``) adds an arm scoring the page with
that tree's code, for a before/after figure from one run.

Prints the median and the best CPU seconds of each arm and its ratio to ``python -c pass``.
The breakdown arms (numpy, lxml, typer, the library, the model) show where the time goes.
Target (issue 9): ``newsqual score one.html`` under 0.4 s CPU.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.entry import BLAS_THREADS  # noqa: E402


def arms(page: str) -> dict[str, list[str]]:
    """Each arm's command line."""
    py = [sys.executable]
    return {
        "python -c pass": [*py, "-c", "pass"],
        "python -c 'import trafilatura'": [*py, "-c", "import trafilatura"],
        "newsqual score one.html": [*py, "-m", "classifier", "score", page],
        "newsqual score one.html --json": [*py, "-m", "classifier", "score", page, "--json"],
        "  import numpy": [*py, "-c", "import numpy"],
        "  import numpy, one BLAS thread": ["env", f"{BLAS_THREADS}=1", *py, "-c", "import numpy"],
        "  import lxml.html": [*py, "-c", "import lxml.html"],
        "  import typer": [*py, "-c", "import typer"],
        "  import classifier.cli_score": [*py, "-c", "import classifier.cli_score"],
        "  import classifier.cli": [*py, "-c", "import classifier.cli"],
        "  Scorer.load()": [*py, "-c", "from classifier import Scorer; Scorer.load()"],
    }


def cpu_of(cmd: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one run of ``cmd`` (its output discarded); a ``PYTHONPATH=`` head sets it."""
    cwd = ROOT
    if cmd[0].startswith("PYTHONPATH="):  # run from that tree too: ``-m`` puts the working folder first
        cwd = Path(cmd[0].partition("=")[2])
        env = env | {"PYTHONPATH": str(cwd)}
        cmd = cmd[1:]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> None:
    """Run every arm ``--runs`` times, interleaved, and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--page", type=Path, default=ROOT / "examples" / "original_article.html")
    ap.add_argument("--baseline", type=Path, help="another source tree, scored as an extra arm")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsqual-pyc-") as pyc:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": pyc}
        commands = arms(str(args.page.resolve()))
        if args.baseline is not None:
            commands[f"newsqual score one.html ({args.baseline})"] = [
                f"PYTHONPATH={args.baseline.resolve()}", *commands["newsqual score one.html"]]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.runs + 1):
            for name, cmd in commands.items():
                cpu = cpu_of(cmd, env)
                if round_:  # round 0 warms the bytecode cache and the page cache
                    times[name].append(cpu)
    floor = statistics.median(times["python -c pass"])
    print(f"Start-up, CPU seconds (user + system), {args.runs} interleaved runs, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"   {'arm':34} {'median':>7} {'best':>7} {'vs pass':>8}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"   {name:34} {med:7.3f} {min(values):7.3f} {med / floor:7.1f}x")
    ours = statistics.median(times["newsqual score one.html"])
    traf = statistics.median(times["python -c 'import trafilatura'"])
    print(f"   newsqual score one.html: {ours:.3f} s (target < 0.4 s), {ours - floor:.3f} s above bare Python, "
          f"{ours / traf:.2f}x importing trafilatura")


if __name__ == "__main__":
    main()
