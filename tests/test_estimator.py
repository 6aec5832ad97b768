"""The sign-constrained logistic regression behind the model."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifier.estimator import SignedLogisticRegression


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] - 0.8 * X[:, 1] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    return X, y


def test_matches_sklearn_when_unconstrained() -> None:
    X, y = _data()
    ours = SignedLogisticRegression(C=0.5, class_weight=None).fit(X, y)
    ref = LogisticRegression(C=0.5, max_iter=5000).fit(X, y)
    assert np.allclose(ours.coef_, ref.coef_, atol=1e-3)
    assert np.allclose(ours.intercept_, ref.intercept_, atol=1e-3)


def test_nonnegative_coefficients_stay_at_or_above_zero() -> None:
    X, y = _data()
    free = SignedLogisticRegression(C=1.0).fit(X, y)
    signed = SignedLogisticRegression(C=1.0, nonnegative=[False, True, False]).fit(X, y)
    assert free.coef_[0, 1] < -0.5  # the data pulls this weight negative …
    assert signed.coef_[0, 1] == 0.0  # … and the bound holds it at zero
    assert signed.coef_[0, 0] > 0


def test_estimator_contract() -> None:
    X, y = _data(1)
    model = SignedLogisticRegression()
    assert model.fit(X, y) is model
    proba = model.predict_proba(X)
    assert proba.shape == (400, 2) and np.allclose(proba.sum(axis=1), 1)
    assert set(model.predict(X)) <= {0, 1}
    assert (model.predict(X) == y).mean() > 0.8
