"""Windowing without leakage: windows, splits by time, scalers fitted on the training days."""
import numpy as np
import pytest

from lstm_lib.windows import make_windows, prepare, split_points


def test_windows_hold_the_right_days():
    series = np.arange(10.0)
    w = make_windows(series, lookback=3, horizon=2)
    assert w.X.shape == (6, 3, 1) and w.y.shape == (6, 1)
    np.testing.assert_array_equal(w.X[0, :, 0], [0, 1, 2])
    assert w.y[0, 0] == 4.0  # two days after the last input day
    np.testing.assert_array_equal(w.y[:, 0], w.target_start)  # value equals position here
    np.testing.assert_array_equal(w.input_end, w.X[:, -1, 0])


def test_multi_step_windows():
    w = make_windows(np.arange(10.0), lookback=4, horizon=3, multi_step=True)
    assert w.y.shape == (4, 3)
    np.testing.assert_array_equal(w.y[0], [4, 5, 6])
    np.testing.assert_array_equal(w.y[-1], [7, 8, 9])


def test_multiple_features_with_a_separate_target():
    values = np.stack([np.arange(8.0), -np.arange(8.0)], axis=1)
    w = make_windows(values, lookback=2, target=np.arange(8.0) * 10)
    assert w.X.shape == (6, 2, 2)
    np.testing.assert_array_equal(w.X[1, :, 1], [-1, -2])
    assert w.y[1, 0] == 30.0


@pytest.mark.parametrize("horizon,multi", [(1, False), (5, False), (5, True)])
def test_no_window_input_reaches_its_target_date_and_splits_do_not_leak(horizon, multi):
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=400)) + 100
    data = prepare(series, lookback=20, horizon=horizon, multi_step=multi)
    for part in (data.train, data.validation, data.test):
        # every input day lies strictly before every target day of its window
        assert np.all(part.input_end < part.target_start)
        assert np.all(part.target_start - part.input_end == (1 if multi else horizon))
    last = lambda w: w.target_start + (horizon - 1 if multi else 0)  # noqa: E731
    assert last(data.train).max() < data.train_end
    assert data.validation.target_start.min() >= data.train_end and last(data.validation).max() < data.validation_end
    assert data.test.target_start.min() >= data.validation_end


def test_the_scaler_saw_only_the_training_days():
    series = np.concatenate([np.linspace(10, 20, 70), np.linspace(20, 100, 30)])  # test days far higher
    data = prepare(series, lookback=5, train=0.7, validation=0.15)
    assert data.scaler.data_min_[0] == 10 and data.scaler.data_max_[0] == 20  # the first 70 days only
    assert data.test.y.max() > 1.0  # so test values fall outside [0, 1]: the honest consequence
    np.testing.assert_allclose(data.to_prices(data.test.y)[:, 0], series[data.test.target_start])


def test_standard_scaler_fitted_on_train_only():
    series = np.concatenate([np.zeros(50) + 5.0, np.arange(50.0)]) + np.tile([0.0, 1.0], 50)
    data = prepare(series, lookback=3, train=0.5, validation=0.2, scaler="standard")
    np.testing.assert_allclose(data.scaler.mean_[0], series[:50].mean())


def test_split_points_and_bad_fractions():
    assert split_points(100, 0.7, 0.15) == (70, 85)
    with pytest.raises(ValueError, match="train \\+ validation < 1"):
        split_points(100, 0.8, 0.3)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(values=np.arange(5.0), lookback=5), "too short for lookback=5 and horizon=1; it needs at least 6 days"),
        (dict(values=np.arange(5.0), lookback=0), "lookback must be at least 1; got 0"),
        (dict(values=np.zeros((2, 2, 2)), lookback=1), "values must have shape \\(days,\\) or \\(days, features\\)"),
        (dict(values=np.zeros(6), lookback=2, target=np.zeros(5)), "target must have shape \\(6,\\)"),
    ],
)
def test_windowing_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(**kwargs)


def test_a_fractional_horizon_is_a_type_error():
    with pytest.raises(TypeError, match=r"horizon must be an integer; got 1\.5 \(float\)"):
        make_windows(np.arange(5.0), lookback=2, horizon=1.5)


def test_prepare_errors():
    with pytest.raises(ValueError, match="series must be one-dimensional"):
        prepare(np.zeros((10, 2)), lookback=2)
    with pytest.raises(ValueError, match="series must hold finite numbers; it has 20 NaN or inf"):
        prepare(np.array([1.0, np.nan] * 20), lookback=2)
    with pytest.raises(ValueError, match="the test split has no complete windows"):
        prepare(np.arange(30.0), lookback=2, horizon=5, train=0.7, validation=0.25, multi_step=True)
    with pytest.raises(ValueError, match="scaler must be 'minmax', 'standard'"):
        prepare(np.arange(30.0), lookback=2, scaler="robust")
