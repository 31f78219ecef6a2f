"""No array returned by lstm_lib.windows or .baselines shares memory with an input, and none changes one.

A view would let a learner's later edit of the series change the windows (or fail, read-only),
and a scaler made with copy=False would rescale the learner's own array in place.
"""
import numpy as np
import pytest

from lstm_lib.baselines import LinearWindowModel, moving_average, persistence
from lstm_lib.windows import make_windows, prepare


def series(n=40):
    return np.linspace(10.0, 30.0, n) + np.tile([0.0, 0.7], n)[:n]  # float64: no conversion copy


def arrays(result):
    """Every NumPy array in a result: an array, a Windows, or a PreparedData (nested)."""
    if isinstance(result, np.ndarray):
        return [result]
    if isinstance(result, tuple):
        return [a for item in result for a in arrays(item)]
    return []


def check_independent(result, *inputs):
    outputs = arrays(result)
    assert outputs
    for out in outputs:
        for given in inputs:
            assert not np.shares_memory(out, given), f"an output of shape {out.shape} shares memory with an input"
        assert out.flags.writeable


# Every public function that returns arrays, on the inputs that made views before: a single
# window (the view is already contiguous), horizon 1 multi-step (y is a view of the series),
# a given target, and features.
CALLS = {
    "make_windows, many windows": lambda: (lambda s: (make_windows(s, 3), s))(series()),
    "make_windows, one window": lambda: (lambda s: (make_windows(s, 4), s))(series(5)),
    "make_windows, multi-step horizon 1": lambda: (lambda s: (make_windows(s, 3, multi_step=True), s))(series()),
    "make_windows, multi-step horizon 4": lambda: (lambda s: (make_windows(s, 3, 4, multi_step=True), s))(series()),
    "make_windows, 2-D values": lambda: (lambda v: (make_windows(v, 3), v))(np.stack([series(), -series()], axis=1)),
    "make_windows, one feature column": lambda: (lambda v: (make_windows(v, 39), v))(series()[:, None]),
    "make_windows, target": lambda: (lambda s, t: (make_windows(s, 3, target=t), s, t))(series(), series() * 2),
    "make_windows, target one window": lambda: (lambda s, t: (make_windows(s, 4, target=t, multi_step=True), s, t))(
        series(5), series(5) * 2),
    "prepare": lambda: (lambda s: (prepare(s, 3), s))(series()),
    "prepare, multi-step": lambda: (lambda s: (prepare(s, 3, horizon=2, multi_step=True), s))(series()),
    "to_prices": lambda: (lambda p, y: (p.to_prices(y), y))(prepare(series(), 3), np.linspace(0, 1, 6)[:, None]),
    "persistence": lambda: (lambda X: (persistence(X), X))(np.arange(24.0).reshape(4, 3, 2)),
    "persistence, one feature": lambda: (lambda X: (persistence(X), X))(np.arange(12.0).reshape(4, 3, 1)),
    "moving_average": lambda: (lambda X: (moving_average(X, 1), X))(np.arange(12.0).reshape(4, 3, 1)),
    "LinearWindowModel.predict": lambda: (lambda X: (LinearWindowModel().fit(X, X[:, -1, 0]).predict(X), X))(
        np.random.default_rng(0).normal(size=(20, 3, 1))),
    "LinearWindowModel.weights": lambda: (lambda X, y: (LinearWindowModel().fit(X, y).weights, X, y))(
        np.random.default_rng(0).normal(size=(20, 3, 1)), np.random.default_rng(1).normal(size=(20, 1))),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_no_output_shares_memory_with_an_input(name):
    result, *inputs = CALLS[name]()
    check_independent(result, *inputs)


def test_windows_can_be_changed_and_the_series_cannot_change_them():
    s = series(5)
    w = make_windows(s, 4, multi_step=True)
    before = w.X.copy()
    s += 1000.0  # the learner changes the series afterwards
    np.testing.assert_array_equal(w.X, before)
    X, y = w.X, w.y
    X -= 100.0  # and may change the windows in place
    y[:] = 0.0
    assert s.min() > 1000.0


def test_persistence_returns_a_copy_the_learner_may_change():
    X = np.arange(12.0).reshape(4, 3, 1)
    forecast = persistence(X)
    forecast += 1.0
    np.testing.assert_array_equal(X, np.arange(12.0).reshape(4, 3, 1))


def test_a_scaler_that_works_in_place_changes_neither_the_series_nor_the_predictions():
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    for scaler in (MinMaxScaler(copy=False), StandardScaler(copy=False)):
        s = series()
        kept = s.copy()
        prepared = prepare(s, 3, scaler=scaler)
        np.testing.assert_array_equal(s, kept)  # prepare did not rescale the learner's array
        predictions = prepared.test.y.copy()
        kept_predictions = predictions.copy()
        prices = prepared.to_prices(predictions)
        np.testing.assert_array_equal(predictions, kept_predictions)  # nor did to_prices
        np.testing.assert_allclose(prices[:, 0], kept[prepared.test.target_start])
