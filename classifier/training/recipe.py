"""Fitting a bundle: the text channel, the additive model, calibration and the threshold.

Two stages, each an ordinary scikit-learn fit (this module is the only scoring-model code that
imports scikit-learn; it is used by ``train`` alone):

1. The text channel: a class-balanced logistic regression over hashed n-grams
   (:mod:`classifier.model.textchannel`), after dropping the n-gram buckets that best tell pre-2013
   originals from modern ones, so that it cannot learn the decade.
2. The additive model: gradient-boosted trees with ``interaction_cst="no_interactions"``, so each
   tree reads one feature and the sum is one step function per feature, monotone increasing in
   every marker (``raises_only`` signals) and in the text channel's log-odds, which enters as a
   feature computed out of fold. The trees are flattened into step functions
   (:func:`step_functions`), which is what the bundle stores and numpy scores.

The headline figures come from leave-one-collection-out evaluation (:func:`loco`): train on all
collections but one, score that one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from ..model.bundle import Bundle, additive, feature_names, library_versions
from ..signals import SIGNALS, signal_versions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipe:
    """Every modelling choice, chosen on leave-one-collection-out figures (see MODEL.md)."""

    text_C: float = 0.3  # inverse regularisation of the text channel
    era_drop: int = 3000  # n-gram buckets most indicative of the era, dropped before fitting
    #: Quantile of real originals' text log-odds below which the text channel says nothing (see text_tail).
    text_tail: float = 0.97
    learning_rate: float = 0.05
    max_iter: int = 300
    max_depth: int = 2
    min_samples_leaf: int = 10
    l2: float = 1.0
    generated_weight: float = 0.3  # a generated page counts this much of a real one
    era_balanced: bool = True  # balance the classes within each era (see sample_weights)
    inner_folds: int = 4
    #: Markers that never occur on a legitimate page: one alone is enough to flag (see decisive_floor).
    decisive: tuple[str, ...] = ("junk_chatbot_phrase", "junk_reaction_counter", "junk_template_leftover",
                                 "synd_wire_unattributed")
    #: Markers that are evidence but not proof, with the value at which each fires (see supporting_floor).
    supporting: tuple[tuple[str, float], ...] = (("junk_breadcrumb_title", 0.5), ("related_offtopic_lists", 0.5),
                                                  ("dates_anachronism", 1.0), ("junk_spun_phrase", 1.0))
    supporting_step: float = 0.4


@dataclass
class TrainData:
    """Rows to fit on: signal matrix, hashed n-gram matrix, labels, groups, era and generated masks."""

    X: np.ndarray
    T: sp.csr_matrix
    y: np.ndarray
    groups: np.ndarray
    old: np.ndarray  # original crawled before 2013 (the era check)
    generated: np.ndarray
    digest: str = ""

    def subset(self, idx: np.ndarray) -> TrainData:
        """The rows at ``idx``."""
        return TrainData(self.X[idx], self.T[idx], self.y[idx], self.groups[idx], self.old[idx],
                         self.generated[idx], self.digest)


def data_digest(parts: Sequence[str]) -> str:
    """SHA-256 over the training rows' descriptions, in order."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\n")
    return h.hexdigest()


def sample_weights(data: TrainData, recipe: Recipe) -> np.ndarray:
    """Weights that balance the classes, within each era when ``era_balanced`` (so the era predicts nothing).

    Generated pages count ``generated_weight`` of a real one. With era balancing, the four cells
    (label x pre-2013 or modern) carry equal total weight: most real low-quality pages come from
    old crawls, and without it a model gains by learning the decade instead of the behaviour."""
    w = np.where(data.generated, recipe.generated_weight, 1.0)
    eras = (data.old, ~data.old) if recipe.era_balanced else (np.ones(len(w), dtype=bool),)
    cells = [(data.y == label) & era for label in (0, 1) for era in eras]
    cells = [c for c in cells if c.any()]
    for cell in cells:
        w[cell] *= len(w) / (len(cells) * w[cell].sum())
    return w


def era_buckets(data: TrainData, n: int) -> np.ndarray:
    """The ``n`` hash buckets whose presence best tells old originals from modern ones (smoothed log-odds)."""
    orig = (data.y == 0) & ~data.generated
    present = (data.T[orig] > 0).astype(np.float64)
    old = data.old[orig]
    if n <= 0 or old.all() or not old.any():
        return np.zeros(0, dtype=np.int64)
    a = np.asarray(present[old].sum(axis=0)).ravel() + 0.5
    b = np.asarray(present[~old].sum(axis=0)).ravel() + 0.5
    lo = np.abs(np.log(a / (old.sum() + 1)) - np.log(b / ((~old).sum() + 1)))
    seen = np.asarray(present.sum(axis=0)).ravel() >= 3
    lo[~seen] = 0
    return np.argsort(-lo)[:n].astype(np.int64)


def fit_text(data: TrainData, recipe: Recipe) -> tuple[np.ndarray, float]:
    """The text channel's (weights per bucket, intercept); era buckets get weight 0."""
    drop = era_buckets(data, recipe.era_drop)
    T = data.T
    if len(drop):
        keep = np.ones(T.shape[1])
        keep[drop] = 0
        T = T @ sp.diags(keep)
    lr = LogisticRegression(C=recipe.text_C, solver="liblinear", max_iter=2000)
    lr.fit(T, data.y, sample_weight=sample_weights(data, recipe))
    weights = lr.coef_[0].copy()
    weights[drop] = 0.0
    return weights, float(lr.intercept_[0])


def text_decisions(T: sp.csr_matrix, weights: np.ndarray, intercept: float) -> np.ndarray:
    """The text channel's log-odds for each row of ``T``."""
    return np.asarray(T @ weights).ravel() + intercept


def site_folds(data: TrainData, n: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds grouped by site, with the sites that hold low-quality pages dealt round-robin so each fold gets some.

    (scikit-learn's StratifiedGroupKFold does the same search in Python loops over thousands of
    sites, and took most of a training run.)"""
    groups, inverse = np.unique(data.groups, return_inverse=True)
    has_pos = np.bincount(inverse, weights=data.y, minlength=len(groups)) > 0
    k = max(2, min(n, int(has_pos.sum())))
    order = np.random.default_rng(seed).permutation(len(groups))
    fold_of = np.empty(len(groups), dtype=int)
    for members in (order[has_pos[order]], order[~has_pos[order]]):
        fold_of[members] = np.arange(len(members)) % k
    row_fold = fold_of[inverse]
    return [(np.flatnonzero(row_fold != f), np.flatnonzero(row_fold == f)) for f in range(k)]


def oof_text(data: TrainData, recipe: Recipe) -> np.ndarray:
    """Out-of-fold text-channel log-odds, so the additive model sees honest values."""
    out = np.zeros(len(data.y))
    for tr, te in site_folds(data, recipe.inner_folds):
        w, b = fit_text(data.subset(tr), recipe)
        out[te] = text_decisions(data.T[te], w, b)
    return out


def monotone() -> list[int]:
    """Monotone constraints: +1 for every marker and for the text channel, 0 for text statistics."""
    return [1 if s.raises_only else 0 for s in SIGNALS] + [1]


def fit_trees(Z: np.ndarray, data: TrainData, recipe: Recipe) -> HistGradientBoostingClassifier:
    """Additive boosted trees (one feature per tree), monotone where :func:`monotone` says."""
    model = HistGradientBoostingClassifier(
        learning_rate=recipe.learning_rate, max_iter=recipe.max_iter, max_depth=recipe.max_depth,
        min_samples_leaf=recipe.min_samples_leaf, l2_regularization=recipe.l2, interaction_cst="no_interactions",
        monotonic_cst=monotone(), early_stopping=False, random_state=0,
    )
    return model.fit(Z, data.y, sample_weight=sample_weights(data, recipe))


def step_functions(model: HistGradientBoostingClassifier, n_features: int) -> tuple[list[np.ndarray], list[np.ndarray], float]:
    """The fitted trees as one step function per feature: (edges, values, intercept), exactly."""
    trees: list[list[np.ndarray]] = [[] for _ in range(n_features)]
    for (predictor,) in model._predictors:  # noqa: SLF001 - the fitted trees; no public accessor exists
        nodes = predictor.nodes
        feats = {int(f) for f in nodes["feature_idx"][~nodes["is_leaf"].astype(bool)]}
        if len(feats) > 1:
            raise ValueError("a tree reads more than one feature: the model is not additive")
        if feats:
            trees[feats.pop()].append(nodes)
    intercept = float(np.ravel(model._baseline_prediction)[0])  # noqa: SLF001
    edges, values = [], []
    for k in range(n_features):
        thresholds = np.unique(np.concatenate([n["num_threshold"][~n["is_leaf"].astype(bool)] for n in trees[k]] or [np.zeros(0)]))
        points = np.append(thresholds, np.inf)  # x <= edge[i] falls in bin i; the last bin is above every edge
        values.append(np.array([sum(_tree_value(n, p) for n in trees[k]) for p in points], dtype=float))
        edges.append(thresholds.astype(float))
    for (predictor,) in model._predictors:  # noqa: SLF001 - constant trees (no split) only shift the intercept
        if predictor.nodes["is_leaf"][0]:
            intercept += float(predictor.nodes["value"][0])
    return edges, values, intercept


def _tree_value(nodes: np.ndarray, x: float) -> float:
    """The leaf value one single-feature tree gives to feature value ``x``."""
    i = 0
    while not nodes["is_leaf"][i]:
        i = int(nodes["left"][i] if x <= nodes["num_threshold"][i] else nodes["right"][i])
    return float(nodes["value"][i])


def centred(edges: list[np.ndarray], values: list[np.ndarray], intercept: float, Z: np.ndarray,
            mask: np.ndarray) -> tuple[list[np.ndarray], float]:
    """Shift each step function so its mean over ``Z[mask]`` is 0, moving the shift into the intercept."""
    out = []
    for k, (e, v) in enumerate(zip(edges, values, strict=True)):
        shift = float(v[np.searchsorted(e, Z[mask, k], side="left")].mean()) if mask.any() else 0.0
        out.append(v - shift)
        intercept += shift
    return out, intercept


@dataclass
class Fitted:
    """A fitted text channel plus additive model, before calibration."""

    text_weights: np.ndarray
    text_intercept: float
    edges: list[np.ndarray]
    values: list[np.ndarray]
    intercept: float

    def decision(self, X: np.ndarray, T: sp.csr_matrix) -> np.ndarray:
        """Uncalibrated log-odds for rows of signals ``X`` and n-grams ``T``."""
        Z = np.column_stack([X, text_decisions(T, self.text_weights, self.text_intercept)])
        return additive(Z, self.edges, self.values, self.intercept)


def text_tail(text: np.ndarray, data: TrainData, quantile: float) -> np.ndarray:
    """Text log-odds with everything below the ``quantile`` of real originals' raised to it.

    The additive model fitted on these values gives one constant to every page below that level,
    so only the channel's strong evidence moves a score. Leave-one-collection-out figures chose
    it: the unclipped channel carried the era (era ROC-AUC 0.637 against 0.562 without the channel,
    with no gain in ranking); clipped at 0.97 it keeps the ranking and clean-text figures at era 0.59."""
    orig = (data.y == 0) & ~data.generated
    if quantile <= 0 or not orig.any():
        return text
    return np.maximum(text, float(np.quantile(text[orig], quantile)))


def fit(data: TrainData, recipe: Recipe) -> Fitted:
    """Fit the text channel on all rows, and the additive model on signals plus out-of-fold text log-odds
    (its weak evidence clipped away by :func:`text_tail`)."""
    Z = np.column_stack([data.X, text_tail(oof_text(data, recipe), data, recipe.text_tail)])
    trees = fit_trees(Z, data, recipe)
    edges, values, intercept = step_functions(trees, Z.shape[1])
    values, intercept = centred(edges, values, intercept, Z, (data.y == 0) & ~data.generated)
    weights, text_b = fit_text(data, recipe)
    return Fitted(weights, text_b, edges, values, intercept)


def with_floor(edges: np.ndarray, values: np.ndarray, floor: float, above: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A step function raised to at least ``floor`` wherever its input is above ``above`` (still monotone)."""
    if not (edges == above).any():  # split the bin holding ``above`` so that below and above are apart
        at = int(np.searchsorted(edges, above, side="left"))
        edges = np.insert(edges, at, above)
        values = np.insert(values, at, values[at])
    first_present = int(np.searchsorted(edges, above, side="left")) + 1
    values = values.copy()
    values[first_present:] = np.maximum(values[first_present:], floor)
    return edges, values


def supporting_floor(model: Fitted, recipe: Recipe) -> Fitted:
    """Give each supporting marker at least ``supporting_step`` log-odds once it fires (its level in
    ``recipe.supporting``), over its value when absent.

    The real low-quality pages carry few of these markers, so a learned shape can leave them flat;
    the stated prior is that a marker the README names always moves the score, if only a little."""
    names = feature_names()
    edges, values = list(model.edges), list(model.values)
    for name, level in recipe.supporting:
        k = names.index(name)
        absent = values[k][np.searchsorted(edges[k], 0.0, side="left")]
        edges[k], values[k] = with_floor(edges[k], values[k], absent + recipe.supporting_step, above=level - 1e-9)
    return Fitted(model.text_weights, model.text_intercept, edges, values, model.intercept)


def decisive_floor(model: Fitted, raw_threshold: float, X: np.ndarray, T: sp.csr_matrix, y: np.ndarray,
                   recipe: Recipe) -> Fitted:
    """Raise each decisive marker's step function so that, present on all but the cleanest tenth of
    originals, it alone carries the page past the threshold.

    A learned shape gives a rare marker only as much weight as its few training pages show; this
    floor is the stated prior that one unambiguous marker (a leaked chatbot preamble, a row of vote
    counters, a template placeholder, an uncredited wire dateline) is enough on its own."""
    names = feature_names()
    base = model.decision(X[y == 0], T[y == 0])
    edges, values = list(model.edges), list(model.values)
    for name in recipe.decisive:
        k = names.index(name)
        absent = values[k][np.searchsorted(edges[k], 0.0, side="left")]
        floor = raw_threshold - float(np.quantile(base, 0.1)) + absent
        edges[k], values[k] = with_floor(edges[k], values[k], floor)
    return Fitted(model.text_weights, model.text_intercept, edges, values, model.intercept)


def platt(decisions: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (a, b) so that sigmoid(a * d + b) is calibrated on these decisions."""
    lr = LogisticRegression(C=1e4, max_iter=1000).fit(decisions.reshape(-1, 1), y)
    return max(float(lr.coef_[0, 0]), 1e-3), float(lr.intercept_[0])


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))


def choose_threshold(scores: np.ndarray, y: np.ndarray, max_fpr: float, floor: float = 0.1) -> float:
    """The lowest threshold (not below ``floor``) that flags at most ``max_fpr`` of the originals."""
    neg = np.sort(scores[y == 0])[::-1]
    allowed = int(np.floor(max_fpr * len(neg)))
    cut = neg[allowed] if allowed < len(neg) else 0.0
    return float(min(max(np.nextafter(cut, 1.0), floor), 0.99))


def loco(data: TrainData, collections: np.ndarray, recipe: Recipe,
         progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Leave-one-collection-out decisions: each collection scored by a model fitted on all the others.

    Generated pages carry the collection of the page they were made from, so a held-out
    collection's articles never reach training through the generator either."""
    out = np.zeros(len(data.y))
    names = sorted(set(collections))
    for i, name in enumerate(names):
        test = collections == name
        model = fit(data.subset(np.where(~test)[0]), recipe)
        out[test] = model.decision(data.X[test], data.T[test])
        log.info("left out %s: %d rows", name, int(test.sum()))
        if progress:
            progress(i + 1, len(names))
    return out


def bundle_of(model: Fitted, a: float, b: float, threshold: float, digest: str, metrics: dict) -> Bundle:
    """A saveable :class:`Bundle` from a fitted model and its calibration."""
    return Bundle(
        edges=model.edges, values=model.values, intercept=model.intercept, text_weights=model.text_weights,
        text_intercept=model.text_intercept, calib_a=a, calib_b=b, threshold=threshold,
        feature_names=feature_names(), signal_versions=signal_versions(), library_versions=library_versions(),
        data_digest=digest, metrics=metrics,
    )
