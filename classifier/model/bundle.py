"""The model bundle: an additive model stored as plain arrays and JSON, scored with numpy alone.

The model is a sum of one step function per feature (the signals, then ``text_ngrams``, the
log-odds of the hashed n-gram text channel), then Platt calibration::

    logit = calib_a * (intercept + sum_k shape_k(x_k)) + calib_b

Each step function is ``values[searchsorted(edges, x, side="left")]`` (a value equal to an edge falls in the bin below it), so every feature's part
in a score is exact and the reasons add up to the score.

On disk a bundle is one ``.npz`` file read with ``allow_pickle=False``, so loading runs no code:
``header`` (UTF-8 JSON bytes), ``edges`` and ``values`` (all features' step functions,
concatenated), ``offsets`` (where each feature's edges start) and ``text_weights`` (one float per
hash bucket). Loading checks every key, type, shape and value, and that the bundle's features
and signal versions are this code's, and raises :class:`ModelError` naming the first problem.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..signals import SIGNALS, signal_versions
from .textchannel import N_BUCKETS

FORMAT = 2
#: The feature that carries the text channel's log-odds into the additive model.
TEXT_FEATURE = "text_ngrams"
_ARRAYS = ("edges", "values", "offsets", "text_weights")
_HEADER_TYPES: dict[str, type | tuple[type, ...]] = {
    "format": int, "feature_names": list, "signal_versions": dict, "intercept": (int, float),
    "text_intercept": (int, float), "calib_a": (int, float), "calib_b": (int, float),
    "threshold": (int, float), "library_versions": dict, "data_digest": str, "metrics": dict,
}


def feature_names() -> list[str]:
    """The model's features in order: every signal, then the text channel."""
    return [s.name for s in SIGNALS] + [TEXT_FEATURE]


def library_versions() -> dict[str, str]:
    """Versions of the software a bundle was built with (recorded, not enforced)."""
    return {"python": platform.python_version(), "numpy": np.__version__}


@dataclass
class Bundle:
    """A fitted additive model with its text channel, calibration, threshold and provenance."""

    edges: list[np.ndarray]
    values: list[np.ndarray]
    intercept: float
    text_weights: np.ndarray
    text_intercept: float
    calib_a: float
    calib_b: float
    threshold: float
    feature_names: list[str] = field(default_factory=feature_names)
    signal_versions: dict[str, int] = field(default_factory=signal_versions)
    library_versions: dict[str, str] = field(default_factory=library_versions)
    data_digest: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    digest: str = ""  # SHA-256 of the bundle file, set on load and save

    @property
    def id(self) -> str:
        """A short name for the bundle: ``newsqual-`` and the first 12 hex digits of its digest."""
        return f"newsqual-{self.digest[:12]}" if self.digest else "newsqual-unsaved"

    def shapes(self, x: np.ndarray) -> np.ndarray:
        """Each feature's step-function value at ``x`` (uncalibrated log-odds)."""
        return np.array([v[np.searchsorted(e, xk, side="left")] for e, v, xk in zip(self.edges, self.values, x, strict=True)])

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Each feature's exact part in the calibrated log-odds (shapes are centred on training originals)."""
        return self.calib_a * self.shapes(x)

    def logit(self, x: np.ndarray) -> float:
        """Calibrated log-odds of low quality for feature vector ``x``."""
        return float(self.calib_a * (self.intercept + self.shapes(x).sum()) + self.calib_b)

    def score(self, x: np.ndarray) -> float:
        """Calibrated probability that the page with feature vector ``x`` is low quality."""
        return 1.0 / (1.0 + math.exp(-min(max(self.logit(x), -40.0), 40.0)))

    def text_logodds(self, T: Any) -> np.ndarray:
        """The text channel's log-odds for each row of a (rows x buckets) sparse or dense n-gram matrix."""
        return np.asarray(T @ self.text_weights).ravel() + self.text_intercept

    def score_rows(self, X: np.ndarray, T: Any) -> np.ndarray:
        """Calibrated scores for many pages at once: signal rows ``X`` and n-gram rows ``T``."""
        total = additive(np.column_stack([X, self.text_logodds(T)]), self.edges, self.values, self.intercept)
        return 1.0 / (1.0 + np.exp(-np.clip(self.calib_a * total + self.calib_b, -40, 40)))


def additive(Z: np.ndarray, edges: list[np.ndarray], values: list[np.ndarray], intercept: float) -> np.ndarray:
    """Uncalibrated log-odds of each row of ``Z``: the intercept plus every feature's step-function value."""
    total = np.full(len(Z), float(intercept))
    for k, (e, v) in enumerate(zip(edges, values, strict=True)):
        total += v[np.searchsorted(e, Z[:, k], side="left")]
    return total


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def save_bundle(bundle: Bundle, path: Path) -> None:
    """Write the bundle as one ``.npz`` atomically (temp file, then rename) and set its digest."""
    header = {k: getattr(bundle, k) for k in _HEADER_TYPES if k != "format"}
    header["format"] = FORMAT
    offsets = np.cumsum([0] + [len(e) for e in bundle.edges]).astype(np.int64)
    buf = io.BytesIO()
    np.savez_compressed(
        buf, header=np.frombuffer(json.dumps(header, default=_json_default).encode(), dtype=np.uint8),
        edges=np.concatenate(bundle.edges).astype(float), values=np.concatenate(bundle.values).astype(float),
        offsets=offsets, text_weights=np.asarray(bundle.text_weights, dtype=np.float32),
    )
    data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    bundle.digest = sha256_bytes(data)


def _json_default(obj: Any) -> Any:
    """JSON for numpy scalars and arrays in metrics."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def load_bundle(path: Path) -> Bundle:
    """Read and check a bundle; raises :class:`ModelError` naming the first problem."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    data = path.read_bytes()
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"{path.name} is not a newsqual model bundle (.npz): {exc}") from None
    bundle = _from_arrays(arrays, path.name)
    bundle.digest = sha256_bytes(data)
    return bundle


def _from_arrays(arrays: dict[str, np.ndarray], name: str) -> Bundle:
    """A checked :class:`Bundle` from the arrays of an ``.npz`` file."""
    missing = [k for k in ("header", *_ARRAYS) if k not in arrays]
    if missing:
        raise ModelError(f"{name} lacks {', '.join(missing)}: not a newsqual model bundle")
    header = _header(arrays["header"], name)
    edges, values = _shapes(arrays, len(header["feature_names"]), name)
    weights = arrays["text_weights"]
    if weights.dtype.kind != "f" or weights.shape != (N_BUCKETS,) or not np.isfinite(weights).all():
        raise ModelError(f"{name}: text_weights must be {N_BUCKETS} finite floats")
    fields = {k: header[k] for k in _HEADER_TYPES if k != "format"}
    return Bundle(edges=edges, values=values, text_weights=weights.astype(float), **fields)


def _header(raw: np.ndarray, name: str) -> dict[str, Any]:
    """The JSON header, checked for keys, types, finite numbers and fit with this code."""
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelError(f"{name}: header must be UTF-8 JSON bytes")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{name}: header is not valid JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelError(f"{name} is not a newsqual model bundle of format {FORMAT}")
    for key, kind in _HEADER_TYPES.items():
        if not isinstance(header.get(key), kind) or isinstance(header.get(key), bool):
            raise ModelError(f"{name}: header field {key!r} is missing or not {_type_name(kind)}")
        if isinstance(header[key], float) and not math.isfinite(header[key]):
            raise ModelError(f"{name}: header field {key!r} is not a finite number")
    if header["feature_names"] != feature_names():
        differ = sorted(set(feature_names()) ^ set(map(str, header["feature_names"])))
        raise ModelError(f"{name} was trained on other features (differ: {', '.join(differ) or 'order'}); retrain it")
    if header["signal_versions"] != signal_versions():
        changed = sorted(k for k, v in signal_versions().items() if header["signal_versions"].get(k) != v)
        raise ModelError(f"{name} was trained with other signal versions ({', '.join(changed)}); retrain it")
    if not 0.0 < header["threshold"] < 1.0:
        raise ModelError(f"{name} has an invalid threshold {header['threshold']}")
    if not header["calib_a"] > 0:
        raise ModelError(f"{name}: calibration slope must be positive, got {header['calib_a']}")
    return header


def _type_name(kind: type | tuple[type, ...]) -> str:
    """'int or float' for a type tuple."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _shapes(arrays: dict[str, np.ndarray], n: int, name: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per-feature (edges, values), checked: one more value than edges, sorted finite edges, finite values."""
    edges, values, offsets = arrays["edges"], arrays["values"], arrays["offsets"]
    if edges.dtype.kind != "f" or values.dtype.kind != "f" or edges.ndim != 1 or values.ndim != 1:
        raise ModelError(f"{name}: edges and values must be 1-D float arrays")
    if offsets.dtype.kind not in "iu" or offsets.shape != (n + 1,) or offsets[0] != 0 or offsets[-1] != len(edges):
        raise ModelError(f"{name}: offsets must be {n + 1} integers from 0 to len(edges)")
    if (np.diff(offsets) < 0).any() or len(values) != len(edges) + n:
        raise ModelError(f"{name}: each feature needs one more value than it has edges")
    if not (np.isfinite(edges).all() and np.isfinite(values).all()):
        raise ModelError(f"{name}: edges and values must be finite")
    out_e, out_v = [], []
    for k in range(n):
        e = edges[offsets[k]:offsets[k + 1]]
        if (np.diff(e) <= 0).any():
            raise ModelError(f"{name}: the edges of feature {k} are not strictly increasing")
        out_e.append(e.astype(float))
        out_v.append(values[offsets[k] + k:offsets[k + 1] + k + 1].astype(float))
    return out_e, out_v
