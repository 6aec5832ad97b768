"""Feature extraction for training and evaluation: signals and hashed n-grams per page, cached, on all cores.

A page is measured in one of three *views*, the three forms of text users score:

- ``html``: the page as it was served;
- ``text``: a full-page text dump with its boilerplate (every visible block, one a line);
- ``clean``: the main text alone, as trafilatura extracts it (like Common Crawl WET records).

A page's features in a view are cached under a key made of the page's bytes, its URL, the loader
kind, the view and a digest of the feature code: the signal names and versions,
:data:`CACHE_FORMAT` and the source of every package module that loading and measuring a page
imports. Retraining after a model change reuses every entry; a signal version bump or an edit to
the parser or to a signal recomputes them. Each cache entry is one ``.npz`` file, written
atomically; an unreadable entry is recomputed.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import io
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, NewsqualError
from ..model.textchannel import N_BUCKETS, page_terms, vectorise
from ..page.loader import InputKind, decode_page, load_page
from ..page.page import Page
from ..settings import MAX_BYTES
from ..signals import SIGNALS, measure_all, signal_versions
from .dataset import LabelledPage, read_page

log = logging.getLogger(__name__)

#: Bump when what a cached vector means changes outside the signals (e.g. the text-dump rule).
CACHE_FORMAT = 2
#: Most pages one worker task handles; smaller chunks give finer progress and better balance.
MAX_CHUNK = 32
#: Modules whose imports (inside the package) make up the feature code.
_FEATURE_ROOTS = ("page.loader", "signals", "model.textchannel")
View = Literal["html", "text", "clean"]
VIEWS: tuple[View, ...] = ("html", "text", "clean")


@dataclass(frozen=True)
class Features:
    """One page in one view: its signal vector and its hashed n-grams (bucket indices and values)."""

    signals: np.ndarray
    idx: np.ndarray
    val: np.ndarray


#: (features, None) for a measured page, (None, reason) for a failed one.
Outcome = tuple[Features | None, str | None]


@dataclass
class FeatureTable:
    """Signals ``X`` and n-grams ``T`` of the pages that were measured, in input order, and why the others failed."""

    ids: list[str]
    X: np.ndarray
    T: sp.csr_matrix
    failed: dict[str, str]


def default_cache_dir() -> Path:
    """``$NEWSQUAL_CACHE``, else the platform cache folder (see :mod:`classifier.training.cache`)."""
    from .cache import feature_cache_dir  # noqa: PLC0415

    return feature_cache_dir()


def view_page(data: bytes | str, url: str | None, kind: InputKind, view: View = "html",
              cache: Path | None = None) -> Page:
    """The page as ``view`` sees it: as served, as a full-page text dump, or as its main text alone."""
    page = load_page(data, url=url, kind=kind)
    if view == "text":
        return load_page("\n".join(b.text for b in page.blocks), url=url, kind="text")
    if view == "clean" and page.kind == "html":
        return load_page(main_text(data, url, cache), url=url, kind="text")
    return page


def main_text(data: bytes | str, url: str | None, cache: Path | None = None) -> str:
    """The page's main text as trafilatura extracts it (cached: it is the slowest step); InputError when there is none."""
    import trafilatura  # noqa: PLC0415 - a training-only dependency

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    key = hashlib.sha256(f"{trafilatura.__version__}\n{url or ''}\n".encode() + raw).hexdigest()
    path = cache / "clean" / key[:2] / f"{key}.txt" if cache is not None else None
    if path is not None and path.is_file():
        text = path.read_text("utf-8", "surrogatepass")
    else:
        html = data if isinstance(data, str) else decode_page(data, {}, MAX_BYTES)
        text = trafilatura.extract(html, url=url, include_comments=False) or ""
        if path is not None:
            _write_atomic(path, text.encode("utf-8", "surrogatepass"))
    if not text.strip():
        raise InputError("trafilatura found no main text")
    return text


def page_features(page: Page) -> Features:
    """Every signal, in :data:`SIGNALS` order, and the hashed n-grams of ``page``."""
    measures = measure_all(page)
    idx, val = vectorise(page_terms(page))
    return Features(np.array([measures[s.name].value for s in SIGNALS], dtype=float), idx, val)


def cache_key(data: bytes | str, url: str | None, kind: str, view: str) -> str:
    """SHA-256 over the feature-code digest, the URL, kind, view and the page's content."""
    head = [feature_digest(), type(data).__name__, url or "", kind, view]
    h = hashlib.sha256(json.dumps(head).encode())
    h.update(b"\n")
    h.update(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return h.hexdigest()


def feature_digest() -> str:
    """Digest of what a vector means: signal names and versions, cache format and feature code."""
    parts = [CACHE_FORMAT, list(signal_versions().items()), _code_digest()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def extract_features(
    pages: Sequence[LabelledPage],
    *,
    cache_dir: Path | None | Literal["default"] = "default",
    jobs: int | None = None,
    view: View = "html",
    progress: Callable[[int, int], None] | None = None,
) -> FeatureTable:
    """Features of ``pages`` in ``view`` on ``jobs`` processes (None: all cores); failures are recorded, not raised."""
    cache = _usable_cache(default_cache_dir() if cache_dir == "default" else cache_dir)
    n_jobs = jobs if jobs is not None else os.cpu_count() or 1
    if n_jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    outcomes: list[Outcome] = [(None, "not measured")] * len(pages)
    for done, (index, outcome) in enumerate(_outcomes(pages, cache, n_jobs, view), 1):
        outcomes[index] = outcome
        if progress is not None:
            progress(done, len(pages))
    return _table(pages, outcomes)


def _table(pages: Sequence[LabelledPage], outcomes: list[Outcome]) -> FeatureTable:
    """The feature table from per-page outcomes."""
    ids = [p.id for p, (feats, _) in zip(pages, outcomes, strict=True) if feats is not None]
    rows = [feats for feats, _ in outcomes if feats is not None]
    failed = {p.id: reason or "unknown error" for p, (feats, reason) in zip(pages, outcomes, strict=True) if feats is None}
    X = np.vstack([f.signals for f in rows]) if rows else np.empty((0, len(SIGNALS)))
    if failed:
        log.warning("%d of %d pages could not be measured", len(failed), len(pages))
    return FeatureTable(ids, X, sparse_rows(rows), failed)


def sparse_rows(rows: Sequence[Features]) -> sp.csr_matrix:
    """The hashed n-grams of ``rows`` as one CSR matrix (repeated buckets summed)."""
    indptr = np.cumsum([0] + [len(f.idx) for f in rows])
    idx = np.concatenate([f.idx for f in rows]) if rows else np.zeros(0, dtype=np.int64)
    val = np.concatenate([f.val for f in rows]) if rows else np.zeros(0)
    T = sp.csr_matrix((val, idx, indptr), shape=(len(rows), N_BUCKETS))
    T.sum_duplicates()
    return T


# --- running ---------------------------------------------------------------------------------


def _outcomes(
    pages: Sequence[LabelledPage], cache: Path | None, jobs: int, view: View
) -> Iterator[tuple[int, Outcome]]:
    """(index, outcome) for every page, in completion order; in-process when ``jobs`` is 1."""
    if jobs == 1 or len(pages) <= 1:
        for index, page in enumerate(pages):
            yield index, measure_page(page, cache, view)
        return
    yield from _pooled(list(enumerate(pages)), cache, jobs, view)


def _pooled(
    indexed: list[tuple[int, LabelledPage]], cache: Path | None, jobs: int, view: View
) -> Iterator[tuple[int, Outcome]]:
    """Outcomes computed by a process pool, chunk by chunk; a dead worker fails its chunk's pages."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(indexed) / (jobs * 4))))
    chunks = [indexed[i : i + size] for i in range(0, len(indexed), size)]
    with ProcessPoolExecutor(min(jobs, len(chunks))) as pool:
        futures: dict[Future[list[Outcome]], list[tuple[int, LabelledPage]]] = {
            pool.submit(_measure_chunk, [p for _, p in chunk], cache, view): chunk for chunk in chunks
        }
        try:
            for future in as_completed(futures):
                chunk = futures[future]
                yield from zip((i for i, _ in chunk), _chunk_result(future, len(chunk)), strict=True)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _chunk_result(future: Future[list[Outcome]], size: int) -> list[Outcome]:
    """A finished chunk's outcomes; a crashed worker becomes a failure reason for each page."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        log.error("a feature worker process died: %s", exc)
        return [(None, f"worker process died ({exc})")] * size
    except Exception as exc:  # noqa: BLE001 - pickling or pool errors must not abort the batch
        log.error("a feature chunk failed: %r", exc)
        return [(None, f"{type(exc).__name__}: {exc}")] * size


def _measure_chunk(pages: list[LabelledPage], cache: Path | None, view: View) -> list[Outcome]:
    """Worker task: outcomes of a chunk of pages, read and measured in this process."""
    return [measure_page(page, cache, view) for page in pages]


def measure_page(page: LabelledPage, cache: Path | None, view: View = "html") -> Outcome:
    """Read one page and return its features (from the cache when possible) or why it failed. Never raises."""
    try:
        data, kind = read_page(page)
        key = cache_key(data, page.url, kind, view)
        feats = _cache_get(cache, key)
        if feats is None:
            feats = page_features(view_page(data, page.url, kind, view, cache))
            _cache_put(cache, key, feats)
        return _checked(feats)
    except NewsqualError as exc:
        log.info("%s: %s", page.origin, exc)
        return None, str(exc)
    except Exception as exc:  # one bad page must never abort the batch
        log.warning("%s: could not measure page: %r", page.origin, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        return None, f"could not measure page: {type(exc).__name__}: {exc}"


def _checked(feats: Features) -> Outcome:
    """The features, or a failure naming the signals whose value is not a finite number."""
    bad = [s.name for s, v in zip(SIGNALS, feats.signals, strict=True) if not math.isfinite(v)]
    return (feats, None) if not bad else (None, f"signal(s) gave a non-finite value: {', '.join(bad)}")


# --- cache -----------------------------------------------------------------------------------


def _usable_cache(cache: Path | None) -> Path | None:
    """``cache`` once created, or None (with a warning) when it cannot be."""
    if cache is None:
        return None
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("feature cache %s is not usable (%s); running without it", cache, exc.strerror or exc)
        return None
    return cache


def _cache_path(cache: Path, key: str) -> Path:
    """Where the features for ``key`` are stored."""
    return cache / key[:2] / f"{key}.npz"


def _cache_get(cache: Path | None, key: str) -> Features | None:
    """The cached features for ``key``, or None when absent, unreadable or of the wrong shape."""
    if cache is None:
        return None
    path = _cache_path(cache, key)
    try:
        with np.load(path, allow_pickle=False) as npz:
            feats = Features(npz["signals"].astype(float), npz["idx"].astype(np.int64), npz["val"].astype(float))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, KeyError) as exc:
        log.info("ignoring corrupt feature cache file %s: %s", path, exc)
        return None
    if feats.signals.shape != (len(SIGNALS),) or feats.idx.shape != feats.val.shape or (feats.idx >= N_BUCKETS).any():
        log.info("ignoring feature cache file %s of the wrong shape", path)
        return None
    return feats


def _cache_put(cache: Path | None, key: str, feats: Features) -> None:
    """Store ``feats`` under ``key`` atomically; failures are logged, not raised."""
    if cache is None:
        return
    buf = io.BytesIO()
    np.savez(buf, signals=feats.signals, idx=feats.idx, val=feats.val)
    _write_atomic(_cache_path(cache, key), buf.getvalue())


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file and a rename; failures are logged, not raised."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:8]}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("could not write cache file %s: %s", path, exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


# --- feature code digest ---------------------------------------------------------------------


@functools.cache
def _code_digest() -> str:
    """SHA-256 over the source of every package module that loading and measuring a page imports.

    Computed once per process: it reads and parses some twenty source files, which cost more
    than scoring a page when ``cache_key`` did it for every page."""
    h = hashlib.sha256()
    for name, path in sorted(feature_modules().items()):
        h.update(f"{name}\n".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def feature_modules() -> dict[str, Path]:
    """Package modules reachable by imports from the loader and the signal registry: name -> file."""
    package = __name__.partition(".")[0]
    todo = [f"{package}.{root}" for root in _FEATURE_ROOTS]
    found: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        spec = importlib.util.find_spec(name)
        if name in found or spec is None or spec.origin is None:
            continue
        if not spec.origin.endswith(".py"):
            # A compiled module (the C walk, the text channel's counting): its Cython source, where
            # the install has it, so that editing it invalidates cached features too.
            source = Path(spec.origin).with_name(name.rpartition(".")[2] + ".pyx")
            if source.is_file():
                found[name] = source
            continue
        found[name] = Path(spec.origin)
        todo += [m for m in _imports(found[name], name, spec.submodule_search_locations is not None) if m.startswith(package + ".")]
    return found


def _imports(path: Path, module: str, is_package: bool) -> list[str]:
    """Absolute names of the modules (and possible submodules) that a source file imports."""
    base = module if is_package else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = importlib.util.resolve_name("." * node.level + (node.module or ""), base) if node.level else node.module or ""
            names.append(target)
            names += [f"{target}.{alias.name}" for alias in node.names]
    return [n for n in names if _is_module(n)]


def _is_module(name: str) -> bool:
    """True when ``name`` is an importable module (``from x import f`` also yields ``x.f``)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
