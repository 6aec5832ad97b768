"""MinHash signatures of article bodies: tokens, 5-token shingles, datasketch MinHash, or a skip reason.

A page's tokens are its parsed body words (``Page.body_words``); runs of Chinese, Japanese or Korean
script are signed one character a token, so a copy with one character added still lines up.
Shingle hashes are computed in numpy (a CRC-32 per distinct token, then a polynomial over each
window); datasketch applies its permutations and keeps the minima.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from ..page import Page
from . import settings

_MIX: np.uint64 = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class Signature:
    """A page body's MinHash values (uint32, NUM_PERM of them) and how many distinct shingles made it."""

    values: np.ndarray
    shingles: int

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)

    def to_bytes(self) -> bytes:
        """The values as little-endian bytes (for the index and for Dask)."""
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int = 0) -> Signature:
        """The inverse of :meth:`to_bytes`."""
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), shingles)


@dataclass(frozen=True, slots=True)
class Skip:
    """Why a page got no signature."""

    reason: str


def _is_cjk(ch: str) -> bool:
    """True for a character of Chinese, Japanese or Korean script."""
    return "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"


def tokens(page_words: tuple[str, ...] | list[str]) -> list[str]:
    """Signature tokens: the body words, with CJK words split into single characters."""
    if "".join(page_words[: settings.MAX_TOKENS]).isascii():
        return list(page_words[: settings.MAX_TOKENS])
    out: list[str] = []
    for word in page_words:
        if not word.isascii() and _is_cjk(word[0]):
            out.extend(word)
        else:
            out.append(word)
        if len(out) >= settings.MAX_TOKENS:
            return out[: settings.MAX_TOKENS]
    return out


def shingle_hashes(toks: list[str], k: int = settings.SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes of every window of ``k`` consecutive tokens."""
    ids = np.fromiter(map(zlib.crc32, map(str.encode, toks)), dtype=np.uint64, count=len(toks))
    n = len(ids) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint32)
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):  # polynomial hash of the window, wrapping mod 2**64
            acc = acc * _MIX + ids[j : j + n] + np.uint64(j + 1)
        acc ^= acc >> np.uint64(29)
        acc *= _MIX
    out = (acc >> np.uint64(32)).astype(np.uint32)
    out.sort()
    return out[np.concatenate(([True], out[1:] != out[:-1]))]


def _identity(value: int) -> int:
    """The hash function handed to datasketch: shingles are hashed already."""
    return value


_TEMPLATE: list[MinHash] = []


def _empty_minhash() -> MinHash:
    """A fresh MinHash with the crawl settings (permutations built once per process)."""
    if not _TEMPLATE:
        _TEMPLATE.append(MinHash(num_perm=settings.NUM_PERM, seed=settings.SEED, hashfunc=_identity, scheme="affine32"))
    return _TEMPLATE[0].copy()


def sign_tokens(toks: list[str]) -> Signature | Skip:
    """The signature of a token list, or why it has none (too short, or too repetitive)."""
    if len(toks) < settings.MIN_TOKENS:
        return Skip(f"body too short for copy detection ({len(toks)} words, need {settings.MIN_TOKENS})")
    hashes = shingle_hashes(toks)
    if len(hashes) < settings.MIN_SHINGLES:
        return Skip(f"body repeats itself: {len(hashes)} distinct {settings.SHINGLE}-word shingles "
                    f"(need {settings.MIN_SHINGLES})")
    m = _empty_minhash()
    m.update_batch(hashes.tolist())
    return Signature(np.asarray(m.hashvalues, dtype=np.uint32), len(hashes))


def sign_page(page: Page) -> Signature | Skip:
    """The signature of a parsed page's article body, or why it has none."""
    return sign_tokens(tokens(page.body_words))


def sign_text(text: str) -> Signature | Skip:
    """The signature of a plain body text (tokenized like a page body)."""
    from ..tokens import words  # noqa: PLC0415

    return sign_tokens(tokens(words(text.lower())))
