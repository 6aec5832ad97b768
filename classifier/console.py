"""What the CLI draws on stderr: a rich progress bar that keeps clear of the result rows, and the summary.

The bar is drawn only when stderr is a terminal. Result rows go to stdout; when stdout is the
same terminal, rich prints them above the bar (``redirect_stdout``), and when stdout is a pipe
or file the rows go there untouched. The :class:`Tally` of scored, flagged and failed pages is
kept either way and printed as the final summary line.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from .io.units import human_size


@dataclass(slots=True)
class Tally:
    """Counts for the summary: pages scored, flagged low quality, failed, and the start time."""

    scored: int = 0
    flagged: int = 0
    failed: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add(self, error: str | None, label: str) -> None:
        """Count one result."""
        if error is not None:
            self.failed += 1
        else:
            self.scored += 1
            self.flagged += label == "low_quality"

    def summary(self) -> str:
        """One line: scored, flagged, failed, time and pages per second."""
        seconds = max(time.perf_counter() - self.started, 1e-9)
        rate = (self.scored + self.failed) / seconds
        return (f"{self.scored} scored, {self.flagged} flagged low quality, {self.failed} failed "
                f"in {seconds:.1f} s ({rate:.1f} pages/s)")


class ScoreProgress:
    """A progress bar over targets, with a byte-position bar for the WARC file being read."""

    def __init__(self, targets: list[str], enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress: Any = None
        self._targets_task: Any = None
        self._warc_task: Any = None
        self._total = len(targets)
        self._rows_above = False  # stdout is the same terminal: rows are printed above the bar

    def __enter__(self) -> ScoreProgress:
        """Start drawing (when enabled)."""
        if self.enabled:
            from rich.console import Console  # noqa: PLC0415
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), redirect_stdout=False, redirect_stderr=False, transient=True,
            )
            self._rows_above = sys.stdout.isatty()
            self._progress.start()
            self._targets_task = self._progress.add_task("scoring", total=self._total)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Stop drawing; the bar disappears so the summary line follows the rows."""
        if self._progress is not None:
            self._progress.stop()

    def emit(self, line: str) -> None:
        """Print one result row on stdout, above the bar when both share the terminal."""
        if self._progress is not None and self._rows_above:
            self._progress.console.out(line, highlight=False)
            return
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def start_warc(self, path: str) -> None:
        """Show a byte bar for one WARC file."""
        if self._progress is None:
            return
        try:
            size = Path(path).stat().st_size
        except OSError:
            return
        self._warc_task = self._progress.add_task(f"  {Path(path).name} ({human_size(size)})", total=size)

    def warc_at(self, source: str) -> None:
        """Move the WARC bar to the offset in a ``file#offset`` source."""
        if self._progress is None or self._warc_task is None:
            return
        offset = source.rpartition("#")[2]
        if offset.isdigit():
            self._progress.update(self._warc_task, completed=int(offset))

    def end_warc(self) -> None:
        """Drop the WARC bar."""
        if self._progress is not None and self._warc_task is not None:
            self._progress.remove_task(self._warc_task)
            self._warc_task = None

    def advance(self, n: int = 1) -> None:
        """One more target done."""
        if self._progress is not None:
            self._progress.advance(self._targets_task, n)

    def describe(self, text: str) -> None:
        """Change the main bar's label (e.g. for Dask shards)."""
        if self._progress is not None:
            self._progress.update(self._targets_task, description=text)
