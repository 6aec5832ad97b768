"""Types of the compiled n-gram counting and hashing (``_ctext.pyx``)."""

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

import numpy as np

T = TypeVar("T")

def grams(lines: Iterable[T], prefix: str, limit: int, tokens: Callable[[T], list[str]]) -> Counter[str]: ...
def buckets_values(terms: dict[str, Counter[str]], mask: int, idx: np.ndarray, val: np.ndarray) -> None: ...
