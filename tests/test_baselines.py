"""The baselines the case study compares against: persistence, moving average, a linear model."""
import numpy as np
import pytest

from lstm_lib.baselines import LinearWindowModel, moving_average, persistence


def test_baselines():
    X = np.arange(24.0).reshape(2, 4, 3)  # first feature of window 0: 0, 3, 6, 9
    np.testing.assert_array_equal(persistence(X), [[9.0], [21.0]])
    np.testing.assert_array_equal(moving_average(X, days=2), [[7.5], [19.5]])
    with pytest.raises(ValueError, match="days must be between 1 and the lookback 4"):
        moving_average(X, days=5)
    with pytest.raises(ValueError, match="X must have shape \\(windows, lookback, features\\)"):
        persistence(np.zeros((3, 4)))


def test_linear_model_recovers_a_linear_rule():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 5, 1))
    y = 2 * X[:, -1] - X[:, 0] + 0.5
    model = LinearWindowModel().fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-5)
    with pytest.raises(ValueError, match="call fit"):
        LinearWindowModel().predict(X)

