"""What a signal is: a named pure function of a :class:`Page` returning a value and its evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..page.page import Page


@dataclass(frozen=True, slots=True)
class Measure:
    """A signal's value on one page, and text from the page that shows it."""

    value: float
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class Signal:
    """A registered signal: name, family, version and the function that measures it."""

    name: str
    family: str
    func: Callable[[Page], Measure]
    version: int = 1
    #: True for markers that can only make a page look worse: the model keeps their weight >= 0.
    raises_only: bool = False

    @property
    def doc(self) -> str:
        """The first line of the function's docstring."""
        return (self.func.__doc__ or "").strip().splitlines()[0]
