"""training/baselines.py: each collection is scored by a model that never saw it (the full run needs the corpus)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from classifier.training.recipe import TrainData

ROOT = Path(__file__).parents[1]
_spec = importlib.util.spec_from_file_location("baselines", ROOT / "training" / "baselines.py")
assert _spec and _spec.loader
baselines = importlib.util.module_from_spec(_spec)
sys.modules["baselines"] = baselines  # its dataclass looks its module up there
_spec.loader.exec_module(baselines)


def test_every_collection_is_scored_by_a_model_trained_on_the_others_only() -> None:
    collections = np.array(["a", "a", "b", "c", "c", "c"])
    seen: list[tuple[set[str], set[str]]] = []

    def fit_score(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        seen.append((set(collections[train]), set(collections[test])))
        return np.full(len(test), float(len(seen)))

    out = baselines.by_collection(collections, fit_score)
    assert all(not (train & test) and len(test) == 1 for train, test in seen)
    assert len(seen) == 3 and out.tolist() == [1, 1, 2, 3, 3, 3]


def test_tfidf_arm_learns_a_spelling_shared_across_collections() -> None:
    rng = np.random.default_rng(0)
    words = ["council", "budget", "river", "school", "market", "weather", "harbour", "library"]
    texts, y, cols = [], [], []
    for c in ("one", "two", "three"):
        for i in range(20):
            low = i % 4 == 0
            body = " ".join(rng.choice(words, 30))
            texts.append(body + (" veryGood! (6745) ranking recommendation" if low else " the mayor said"))
            y.append(int(low))
            cols.append(c)
    n = len(y)
    data = TrainData(np.zeros((n, 1)), sp.csr_matrix((n, 1)), np.array(y), np.array([str(i) for i in range(n)]),
                     np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    s = baselines.tfidf_arm(texts, data, np.array(cols), "word", (1, 2), era=True)
    assert s[data.y == 1].min() > s[data.y == 0].max()


def test_missing_corpus_is_a_clear_message_not_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "training" / "baselines.py"), "--corpus", str(tmp_path / "none.jsonl")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "corpus manifest not found" in proc.stderr and "Traceback" not in proc.stderr
