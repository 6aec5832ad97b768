"""Types of the compiled n-gram counting and hashing (``_ctext.pyx``)."""

from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

def grams(lines: Iterable[str], prefix: str, limit: int, tokens: Callable[[str], list[str]]) -> Counter[str]: ...
def buckets_values(terms: dict[str, Counter[str]], mask: int, idx: np.ndarray, val: np.ndarray) -> None: ...
