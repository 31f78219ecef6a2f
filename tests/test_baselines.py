"""The baselines the case study compares against: persistence, moving average, drift, a linear
model. Exact comparisons are on values that are exact in binary floating point (small integers,
quarters), or on sums of the same terms."""
import numpy as np
import pytest

from lstm_lib import baselines
from lstm_lib.baselines import LinearWindowModel, drift, moving_average, persistence
from lstm_lib.windows import make_windows


def test_baselines():
    X = np.arange(24.0).reshape(2, 4, 3)  # first feature of window 0: 0, 3, 6, 9
    np.testing.assert_array_equal(persistence(X), [[9.0], [21.0]])
    np.testing.assert_array_equal(moving_average(X, days=2), [[7.5], [19.5]])
    with pytest.raises(ValueError, match="days must be between 1 and the lookback 4"):
        moving_average(X, days=5)
    with pytest.raises(ValueError, match="X must have shape \\(windows, lookback, features\\)"):
        persistence(np.zeros((3, 4)))


def test_the_public_names_are_the_documented_ones():
    assert set(baselines.__all__) == {"persistence", "moving_average", "drift", "LinearWindowModel"}


def test_drift_on_hand_computed_windows():
    X = np.arange(24.0).reshape(2, 4, 3)  # first features 0, 3, 6, 9 and 12, 15, 18, 21
    # each window's own mean change: (9 - 0) / 3 = 3 and (21 - 12) / 3 = 3
    np.testing.assert_array_equal(drift(X), [[12.0], [24.0]])
    np.testing.assert_array_equal(drift(X, horizon=2), [[15.0], [27.0]])
    # a change from the training days: last value + horizon * change
    np.testing.assert_array_equal(drift(X, change=0.5, horizon=2), [[10.0], [22.0]])
    np.testing.assert_array_equal(drift(X, change=0), persistence(X))
    assert not np.shares_memory(drift(X, change=0), X)


def test_drift_with_the_training_change_follows_a_straight_line_exactly():
    prices = 5.0 + 0.25 * np.arange(60)  # quarters: every value and difference is exact
    windows = make_windows(prices, lookback=10)
    train, test = slice(0, 30), slice(30, None)
    change = np.mean(np.diff(windows.y[train, 0]))  # the training targets, consecutive days
    assert change == 0.25
    np.testing.assert_array_equal(drift(windows.X[test], change=change), windows.y[test])
    np.testing.assert_array_equal(drift(windows.X[test]), windows.y[test])  # own change: 0.25 too
    np.testing.assert_array_equal(persistence(windows.X[test]) + 0.25, windows.y[test])


def test_each_windows_drift_uses_that_window_only():
    """A drift taken from all windows at once (their mean change) would use later days: changing
    the later windows would change the earlier forecasts. It does not."""
    rng = np.random.default_rng(8)
    windows = make_windows(100 + np.cumsum(rng.normal(size=80)), lookback=15)
    before = drift(windows.X)
    later = windows.X.copy()
    later[40:] += rng.normal(size=later[40:].shape) * 10  # the windows from the 41st on
    after = drift(later)
    np.testing.assert_array_equal(after[:40], before[:40])
    assert not np.allclose(after[40:], before[40:])  # the later forecasts do see their windows


@pytest.mark.parametrize("X,kwargs,error,phrase", [
    (np.zeros((3, 1, 1)), {}, ValueError, r"lookback of at least 2 days .* got shape \(3, 1, 1\)"),
    (np.zeros((3, 4, 1)), {"change": "0.1"}, TypeError, "change must be a number"),
    (np.zeros((3, 4, 1)), {"change": np.nan}, ValueError, "change must be a finite number"),
    (np.zeros((3, 4, 1)), {"horizon": 0}, ValueError, "horizon must be at least 1"),
    (np.zeros((3, 4)), {}, ValueError, r"X must have shape \(windows, lookback, features\)"),
    (np.full((3, 4, 1), np.nan), {}, ValueError, "X must hold finite numbers"),
])
def test_drift_refuses_bad_input(X, kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        drift(X, **kwargs)


def test_drift_accepts_a_lookback_of_one_with_a_given_change():
    np.testing.assert_array_equal(drift(np.full((2, 1, 1), 3.0), change=1.0), [[4.0], [4.0]])


def test_linear_model_recovers_a_linear_rule():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 5, 1))
    y = 2 * X[:, -1] - X[:, 0] + 0.5
    model = LinearWindowModel().fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-5)
    with pytest.raises(ValueError, match="call fit"):
        LinearWindowModel().predict(X)
