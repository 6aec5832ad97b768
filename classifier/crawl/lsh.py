"""LSH banding of signatures, candidate pairs from shared band keys, verified pairs and clusters.

The same functions serve one process (:func:`find_pairs`) and Dask (``dask_crawl``), so the two
find the same pairs: bucket members are ordered by id, and a bucket larger than MAX_BUCKET links
every member to its first one only (a bucket that large holds one boilerplate text, not n**2 pairs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np

from . import settings
from .signatures import Signature


class _Key(Protocol):
    """What a page key must be: hashable and ordered (ints, strings, tuples of them)."""

    def __hash__(self) -> int: ...
    def __lt__(self, other: Any, /) -> bool: ...


Id = TypeVar("Id", bound=_Key)

#: Largest bucket whose members are all paired with each other.
MAX_BUCKET = 64
_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(values: np.ndarray, bands: int = settings.BANDS, rows: int = settings.ROWS) -> np.ndarray:
    """One int64 key per band: the band number in the high bits, a 32-bit hash of its values below.

    ``values`` is one signature, or a 2-D array of them (then one row of keys per signature)."""
    v = np.asarray(values, dtype=np.uint64)[..., : bands * rows]
    v = v.reshape(*v.shape[:-1], bands, rows)
    acc = np.zeros(v.shape[:-1], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            acc = (acc + v[..., j] + np.uint64(j + 1)) * _MIX
    h = (acc >> np.uint64(32)).astype(np.int64)
    return (np.arange(bands, dtype=np.int64) << np.int64(32)) | h


def bucket_pairs(members: Sequence[Id]) -> Iterator[tuple[Id, Id]]:
    """Candidate pairs of one bucket (members sorted): all pairs, or a star on the first for a huge bucket."""
    ordered = sorted(set(members))
    if len(ordered) > MAX_BUCKET:
        yield from ((ordered[0], other) for other in ordered[1:])
        return
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            yield a, b


def buckets(keyed: Iterable[tuple[Id, np.ndarray]]) -> dict[int, list[Id]]:
    """Band key -> the ids that share it."""
    out: dict[int, list[Id]] = defaultdict(list)
    for item, keys in keyed:
        for key in keys.tolist():
            out[key].append(item)
    return out


def verified(pairs: Iterable[tuple[Id, Id]], signatures: Mapping[Id, Signature],
             threshold: float = settings.SIMILARITY) -> dict[tuple[Id, Id], float]:
    """The candidate pairs whose estimated Jaccard similarity reaches ``threshold``, with it."""
    out: dict[tuple[Id, Id], float] = {}
    for a, b in pairs:
        if (a, b) not in out:
            sim = signatures[a].jaccard(signatures[b])
            if sim >= threshold:
                out[(a, b)] = sim
    return out


def find_pairs(signatures: Mapping[Id, Signature], threshold: float = settings.SIMILARITY) -> dict[tuple[Id, Id], float]:
    """Every near-duplicate pair among ``signatures`` (one process), with its similarity."""
    table = buckets((item, band_keys(sig.values)) for item, sig in signatures.items())
    candidates = {pair for members in table.values() if len(members) > 1 for pair in bucket_pairs(members)}
    return verified(sorted(candidates), signatures, threshold)


def components(pairs: Iterable[tuple[Id, Id]]) -> list[list[Id]]:
    """Connected components (union-find) of the pairs' graph, each sorted, largest first."""
    parent: dict[Id, Id] = {}

    def root(x: Id) -> Id:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[Id, list[Id]] = defaultdict(list)
    for x in parent:
        groups[root(x)].append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))
