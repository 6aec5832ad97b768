"""The learned text channel: hashed word n-grams of a page's body and of its boilerplate.

Hand-written markers miss the spellings nobody wrote down; a linear model over n-grams catches
them. It is kept from learning the era: digits are folded to ``0`` (so "2008" and "2024" are one
token), and training drops the n-grams that tell old originals from modern ones (see
``classifier.training.recipe``). Scoring needs numpy and the standard library only: terms are hashed
with CRC-32 into :data:`N_BUCKETS` buckets, counts are log-scaled and L2-normalised per namespace.
Counting and hashing run in C (``_ctext``) where that extension was built, else in Python; both
give the same terms, order and buckets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar
from zlib import crc32

import numpy as np

from ..page.page import Page
from ..page.tokens import words

try:
    from . import _ctext  # the counting and hashing in C, where the extension was built
except ImportError:
    _ctext = None  # type: ignore[assignment]

#: Hash buckets (2**18): collisions are rare at the few thousand terms a page has.
N_BUCKETS = 1 << 18
#: At most this many body and boilerplate tokens are read per page (keeps huge pages cheap).
MAX_BODY_TOKENS = 2000
MAX_BOILER_TOKENS = 800
#: Boilerplate lines longer than this many words are prose, not template.
BOILER_MAX_WORDS = 12

_DIGITS = re.compile(r"\d")
T = TypeVar("T")
_MASK = N_BUCKETS - 1


def _tokens(text: str) -> list[str]:
    """Lower-cased word tokens with every digit folded to 0."""
    return words(_DIGITS.sub("0", text.lower()))


def _folded(tokens: list[str]) -> list[str]:
    """Already lower-cased tokens with every digit folded to 0: :func:`_tokens` of their line.

    Folding before or after tokenising gives the same tokens, since a digit is a word character."""
    return [t if t.isalpha() else _DIGITS.sub("0", t) for t in tokens]


def _grams(lines: Iterable[T], prefix: str, limit: int, tokens: Callable[[T], list[str]]) -> Counter[str]:
    """Unigram and in-line bigram counts of ``lines`` (``tokens`` splits one), each term prefixed with its namespace."""
    if _ctext is not None:
        return _ctext.grams(lines, prefix, limit, tokens)
    return grams_python(lines, prefix, limit, tokens)


def grams_python(lines: Iterable[T], prefix: str, limit: int, tokens: Callable[[T], list[str]]) -> Counter[str]:
    """:func:`_grams` in Python (the fallback of ``_ctext``)."""
    counts: Counter[str] = Counter()
    seen = 0
    for line in lines:
        toks = tokens(line)
        if not toks:
            continue
        toks = toks[: max(0, limit - seen)]
        seen += len(toks)
        grams = [prefix + t for t in toks]
        grams += [f"{prefix}{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]
        counts.update(grams)  # one update per line: the same counts, in the same first-seen order
        if seen >= limit:
            break
    return counts


def page_terms(page: Page) -> dict[str, Counter[str]]:
    """The page's terms by namespace: ``w:`` body n-grams, ``b:`` short non-body lines and list headings."""
    body = set(page.body)
    boiler = [b.text for b in page.blocks if b.text not in body and b.n_words <= BOILER_MAX_WORDS]
    boiler.extend(lst.heading for lst in page.link_lists if lst.heading)
    return {"w": _grams(page.body_line_words, "w:", MAX_BODY_TOKENS, _folded),
            "b": _grams(boiler, "b:", MAX_BOILER_TOKENS, _tokens)}


def bucket(term: str) -> int:
    """The hash bucket of one term (CRC-32, stable across processes and platforms)."""
    return crc32(term.encode("utf-8", "surrogatepass")) & _MASK


def vectorise(terms: dict[str, Counter[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (bucket indices, values): log(1 + count), L2-normalised within each namespace."""
    if _ctext is not None:
        n = sum(len(counts) for counts in terms.values())
        idx, val = np.empty(n, dtype=np.int64), np.empty(n, dtype=float)
        _ctext.buckets_values(terms, _MASK, idx, val)
        return idx, val
    return vectorise_python(terms)


def vectorise_python(terms: dict[str, Counter[str]]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`vectorise` in Python (the fallback of ``_ctext``)."""
    idx: list[int] = []
    val: list[float] = []
    for counts in terms.values():
        if not counts:
            continue
        v = np.log1p(np.fromiter(counts.values(), dtype=float, count=len(counts)))
        v /= np.sqrt(v @ v)
        idx.extend(crc32(t.encode("utf-8", "surrogatepass")) & _MASK for t in counts)  # bucket(), inlined
        val.extend(v.tolist())
    return np.asarray(idx, dtype=np.int64), np.asarray(val, dtype=float)


def decision(weights: np.ndarray, intercept: float, idx: np.ndarray, val: np.ndarray) -> float:
    """The text model's log-odds for one vectorised page."""
    return float(intercept + weights[idx] @ val) if len(idx) else float(intercept)


def top_terms(weights: np.ndarray, terms: dict[str, Counter[str]], idx: np.ndarray, val: np.ndarray,
              n: int = 5) -> list[tuple[str, float]]:
    """The ``n`` terms that pushed the text model most towards low quality, with their push."""
    names = [t for counts in terms.values() for t in counts]
    push = weights[idx] * val
    order = np.argsort(-push)[:n]
    return [(names[i], float(push[i])) for i in order if push[i] > 0]
