"""MinHash signatures of article bodies: tokens, 5-token shingles, rensa's MinHash, or a skip reason.

A page's tokens are its parsed body words (``Page.body_words``); runs of Chinese, Japanese or Korean
script are signed one character a token, so a copy with one character added still lines up.
rensa (Rust) hashes the tokens to 64 bits; numpy combines each window of SHINGLE token hashes into a
shingle hash; rensa's ``RMinHash`` turns the shingle hashes into NUM_PERM 32-bit minima. rensa's
MinHash step was 160x faster than datasketch's ``update_batch`` on the same hashes (0.011 ms against
1.85 ms for an 850-word body), which is what brings signing past 1,000 pages/s on one core.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rensa import RMinHash

from ..page.page import Page
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
    """Sorted distinct 64-bit hashes of every window of ``k`` consecutive tokens."""
    if len(toks) < k:
        return np.empty(0, dtype=np.uint64)
    ids = np.array(RMinHash.hash_token_sets([toks])[0], dtype=np.uint64)
    n = len(ids) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):  # polynomial hash of the window, wrapping mod 2**64
            acc = acc * _MIX + ids[j : j + n] + np.uint64(j + 1)
        acc ^= acc >> np.uint64(31)
        acc *= _MIX
    acc.sort()
    return acc[np.concatenate(([True], acc[1:] != acc[:-1]))]


def minhash(hashes: np.ndarray) -> np.ndarray:
    """NUM_PERM MinHash values (uint32) of a set of 64-bit shingle hashes."""
    offsets = np.array([0, len(hashes)], dtype=np.uint64)
    rows = RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, settings.NUM_PERM, settings.SEED).to_rows()
    return np.asarray(rows[0], dtype=np.uint32)


def sign_tokens(toks: list[str]) -> Signature | Skip:
    """The signature of a token list, or why it has none (too short, or too repetitive)."""
    if len(toks) < settings.MIN_TOKENS:
        return Skip(f"body too short for copy detection ({len(toks)} words, need {settings.MIN_TOKENS})")
    hashes = shingle_hashes(toks)
    if len(hashes) < settings.MIN_SHINGLES:
        return Skip(f"body repeats itself: {len(hashes)} distinct {settings.SHINGLE}-word shingles "
                    f"(need {settings.MIN_SHINGLES})")
    return Signature(minhash(hashes), len(hashes))


def sign_page(page: Page) -> Signature | Skip:
    """The signature of a parsed page's article body, or why it has none."""
    return sign_tokens(tokens(page.body_words))


def sign_text(text: str) -> Signature | Skip:
    """The signature of a plain body text (tokenized like a page body)."""
    from ..page.tokens import words  # noqa: PLC0415

    return sign_tokens(tokens(words(text.lower())))
