"""The model bundle: a fitted linear model plus everything needed to trust it on load.

A bundle is a joblib file (a pickle, so only load files you trust) with a SHA-256 sidecar.
Loading checks the digest, the format, the feature names, the signal versions and the
scikit-learn version, and refuses any mismatch with a :class:`ModelError` that says which.
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from .errors import ModelError
from .signals import SIGNALS, signal_versions

FORMAT = 1


def _sklearn_version() -> str:
    """The installed scikit-learn version, without importing it (unpickling a bundle does that)."""
    return version("scikit-learn")


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose behaviour a bundle depends on."""
    return {"python": platform.python_version(), "scikit-learn": _sklearn_version(), "numpy": np.__version__}


def feature_names() -> list[str]:
    """The current signal names, in registry order (the model's feature order)."""
    return [s.name for s in SIGNALS]


@dataclass
class Bundle:
    """A fitted scaler + logistic regression + Platt calibration, with provenance."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calib_a: float
    calib_b: float
    threshold: float
    feature_names: list[str]
    signal_versions: dict[str, int]
    library_versions: dict[str, str]
    data_digest: str
    metrics: dict[str, Any] = field(default_factory=dict)
    estimator: Any = None  # the fitted sklearn Pipeline, kept for users who want it
    format: int = FORMAT

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature contribution to the calibrated log-odds, relative to an average page."""
        return self.calib_a * self.coef * (x - self.mean) / self.scale

    def score(self, x: np.ndarray) -> float:
        """Calibrated probability that the page with feature vector ``x`` is low quality."""
        logit = self.calib_a * (float(self.coef @ ((x - self.mean) / self.scale)) + self.intercept) + self.calib_b
        return float(1.0 / (1.0 + np.exp(-np.clip(logit, -40, 40))))


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_bundle(bundle: Bundle, path: Path) -> None:
    """Write the bundle and its ``.sha256`` sidecar atomically (temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    joblib.dump(bundle.__dict__, tmp, compress=3)
    tmp.replace(path)
    path.with_name(path.name + ".sha256").write_text(f"{sha256_file(path)}  {path.name}\n")


def load_bundle(path: Path) -> Bundle:
    """Load and verify a bundle; raises :class:`ModelError` naming the first mismatch."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.is_file():
        raise ModelError(f"missing checksum file {sidecar.name}: refusing to unpickle an unverified model")
    expected = sidecar.read_text().split()[0] if sidecar.read_text().strip() else ""
    if sha256_file(path) != expected:
        raise ModelError(f"checksum mismatch for {path.name}: the file was changed after it was saved")
    try:
        data = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means an unusable file
        raise ModelError(f"cannot read model {path}: {exc}") from exc
    return _checked(data, path)


def _checked(data: object, path: Path) -> Bundle:
    """The bundle in ``data`` after checking it fits this code."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{path.name} is not a newsqual model bundle of format {FORMAT}")
    if data["feature_names"] != feature_names():
        missing = sorted(set(feature_names()) ^ set(data["feature_names"]))
        raise ModelError(f"{path.name} was trained on other features (differ: {', '.join(missing) or 'order'}); retrain it")
    if data["signal_versions"] != signal_versions():
        changed = sorted(k for k, v in signal_versions().items() if data["signal_versions"].get(k) != v)
        raise ModelError(f"{path.name} was trained with other signal versions ({', '.join(changed)}); retrain it")
    theirs = data["library_versions"].get("scikit-learn", "?")
    ours = _sklearn_version()
    if theirs.split(".")[:2] != ours.split(".")[:2]:
        raise ModelError(f"{path.name} was built with scikit-learn {theirs}, this is {ours}")
    if not 0.0 < float(data["threshold"]) < 1.0:
        raise ModelError(f"{path.name} has an invalid threshold {data['threshold']}")
    return Bundle(**data)
