"""Windowing without leakage: windows, splits by time, scalers fitted on the training days; one series or several.

Tolerances. u = 2**-53 is the unit roundoff (eps / 2).
- Undoing a scaling: the forward map x*s + m (MinMax) or (x - mean)/scale (Standard) and its inverse round at most
  four times; carried back to the original scale, the error is at most about 6 u max|x| (the offset m/s or the mean
  lies within the column's range). The round trips are checked to 8 eps max|x| = 16 u max|x|.
- A StandardScaler fitted on one column against the same column of a fit on several: numpy sums a single column
  pairwise and several columns row by row, so two sums of the same n terms can differ by up to 2 (n - 1) u sum|x|.
  The means can thus differ by 2 (n - 1) u mean|x|, checked to 4 n u mean|x|. sklearn sums the squares of x - mean
  (positive terms, so relative error (n - 1) u each, plus 2 u from forming them; a change of the mean moves that sum
  only to second order): the variances are checked to 4 n u relative.
"""
import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from lstm_lib import windows
from lstm_lib.windows import PreparedData, make_windows, prepare, split_points

U = np.finfo(float).eps / 2


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
    with pytest.raises(ValueError, match=r"series must have shape \(days,\) or \(days, features\).*\(10, 2, 2\)"):
        prepare(np.zeros((10, 2, 2)), lookback=2)
    with pytest.raises(ValueError, match="series must hold finite numbers; it has 20 NaN or inf"):
        prepare(np.array([1.0, np.nan] * 20), lookback=2)
    with pytest.raises(ValueError, match="the test split has no complete windows"):
        prepare(np.arange(30.0), lookback=2, horizon=5, train=0.7, validation=0.25, multi_step=True)
    with pytest.raises(ValueError, match="scaler must be 'minmax', 'standard'"):
        prepare(np.arange(30.0), lookback=2, scaler="robust")


# ---------------------------------------------------------------- several columns, one of them the target


def exact_table(n=40):
    """Small integers whose training ranges (the first 20 days: every residue mod 9) are 8, 8 and 16, powers of two,
    so that min-max scaling them is exact: a / 8, (b + 4) / 8, c / 16."""
    k = np.arange(n)
    return pd.DataFrame({"a": (k % 9).astype(float), "b": (2 * k % 9) - 4.0, "c": 2.0 * (5 * k % 9)})


def several(n=300, seed=0):
    """Three features on very different scales, in the shape of a price, a volume and a return."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"price": 100 + rng.normal(size=n).cumsum(), "volume": rng.lognormal(10, 1, n),
                         "r": rng.normal(0, 0.01, n)})


def target_days(part, horizon, multi):
    """The positions of each window's target days, (n, 1) or (n, horizon) like y."""
    return part.target_start[:, None] + (np.arange(horizon) if multi else 0)


SPLITS = ("train", "validation", "test")


@pytest.mark.parametrize("as_array", [False, True], ids=["DataFrame", "array"])
def test_several_columns_are_each_scaled_on_the_training_days_and_windowed(as_array):
    frame = exact_table()
    series, target = (frame.to_numpy(), 2) if as_array else (frame, "c")
    data = prepare(series, lookback=3, train=0.5, validation=0.25, target=target)
    assert data.target == 2 and data.feature_names == (None if as_array else ("a", "b", "c"))
    np.testing.assert_array_equal(data.scaler.data_min_, [0.0, -4.0, 0.0])  # the first 20 days only
    np.testing.assert_array_equal(data.scaler.data_max_, [8.0, 4.0, 16.0])
    scaled = np.stack([frame["a"] / 8, (frame["b"] + 4) / 8, frame["c"] / 16], axis=1)  # (40, 3), exact
    for name in SPLITS:
        part = getattr(data, name)
        assert part.X.shape == (len(part.target_start), 3, 3) and part.y.shape == (len(part.target_start), 1)
        for k, end in enumerate(part.input_end):
            np.testing.assert_array_equal(part.X[k], scaled[end - 2:end + 1])  # every column, the 3 input days
            assert part.y[k, 0] == scaled[part.target_start[k], 2]  # the target column only
    assert (len(data.train.y), len(data.validation.y), len(data.test.y)) == (17, 10, 10)  # 20-3, 30-20, 40-30


def test_one_series_is_unchanged_as_an_array_a_column_or_a_one_column_frame():
    rng = np.random.default_rng(5)
    series = np.cumsum(rng.normal(size=200)) + 50
    results = [prepare(s, lookback=7, horizon=2, scaler="standard")
               for s in (series, series[:, None], pd.DataFrame({"close": series}))]
    first = results[0]
    assert first.target_scaler is first.scaler and first.target == 0 and first.feature_names is None
    assert results[2].feature_names == ("close",)
    predictions = rng.normal(size=(9, 1))
    for other in results[1:]:
        for name in SPLITS:
            for a, b in zip(getattr(first, name), getattr(other, name)):
                assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()  # bit for bit
        assert other.to_prices(predictions).tobytes() == first.to_prices(predictions).tobytes()
        assert other.target_scaler is other.scaler


def test_a_frame_and_its_array_give_the_same_numbers_bit_for_bit():
    frame = several()
    by_name = prepare(frame, lookback=5, scaler="standard", target="volume")
    by_position = prepare(frame.to_numpy(), lookback=5, scaler="standard", target=1)
    for name in SPLITS:
        for a, b in zip(getattr(by_name, name), getattr(by_position, name)):
            assert a.tobytes() == b.tobytes()
    assert by_name.target == by_position.target == 1


def test_the_first_six_fields_keep_their_places():
    assert PreparedData._fields[:6] == ("train", "validation", "test", "scaler", "train_end", "validation_end")
    data = prepare(several(), lookback=5, target="r")
    train, validation, test, scaler, train_end, validation_end = data[:6]
    assert scaler is data.scaler and train_end == data.train_end and test is data.test


@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_the_target_scaler_is_the_target_columns_part_of_the_full_scaler(kind):
    frame = several()
    data = prepare(frame, lookback=5, scaler=kind, target="volume")
    full, alone, n = data.scaler, data.target_scaler, data.train_end
    assert alone is not full and alone.n_features_in_ == 1 and full.n_features_in_ == 3
    assert alone.n_samples_seen_ == full.n_samples_seen_ == n  # the training days only
    volume = frame["volume"].to_numpy()
    if kind == "minmax":  # a minimum and a maximum are exact
        for attribute in ("data_min_", "data_max_", "scale_", "min_"):
            np.testing.assert_array_equal(getattr(alone, attribute), getattr(full, attribute)[[1]])
    else:  # sums in another order: the module docstring's bounds
        np.testing.assert_allclose(alone.mean_, full.mean_[[1]], rtol=0,
                                   atol=4 * n * U * np.abs(volume[:n]).mean())
        np.testing.assert_allclose(alone.var_, full.var_[[1]], rtol=4 * n * U, atol=0)
    # what to_prices gives equals the full scaler's inverse, read off the target's column
    y = data.test.y
    padded = np.zeros((len(y), 3))
    padded[:, 1] = y[:, 0]
    np.testing.assert_allclose(data.to_prices(y)[:, 0], full.inverse_transform(padded)[:, 1],
                               rtol=0, atol=8 * 2 * U * np.abs(volume).max())


@pytest.mark.parametrize("kind", ["minmax", "standard"])
@pytest.mark.parametrize("horizon, multi", [(1, False), (4, False), (4, True)])
def test_changing_any_feature_after_the_training_days_changes_no_scaler_and_no_training_window(kind, horizon, multi):
    frame = several()
    options = dict(lookback=10, horizon=horizon, multi_step=multi, scaler=kind, target="r")
    data = prepare(frame, **options)
    probe = frame.to_numpy()
    rng = np.random.default_rng(1)
    for column in range(3):
        later = frame.copy()
        later.iloc[data.train_end:, column] = rng.normal(1e6, 1e5, len(frame) - data.train_end)
        other = prepare(later, **options)
        np.testing.assert_array_equal(other.scaler.transform(probe), data.scaler.transform(probe))
        np.testing.assert_array_equal(other.target_scaler.transform(probe[:, [2]]),
                                      data.target_scaler.transform(probe[:, [2]]))
        for a, b in zip(data.train, other.train):
            np.testing.assert_array_equal(a, b)
        assert not np.array_equal(other.test.X, data.test.X)  # the change did reach the later windows
        # and a change on the last training day does move the scaler: the comparison above can fail
        last = frame.copy()
        last.iloc[data.train_end - 1, column] = 1e6
        moved = prepare(last, **options)
        assert not np.array_equal(moved.scaler.transform(probe), data.scaler.transform(probe))


@pytest.mark.parametrize("horizon, multi", [(1, False), (4, False), (4, True)])
def test_every_input_day_of_every_column_precedes_the_windows_target_days(horizon, multi):
    frame = several()
    data = prepare(frame, lookback=10, horizon=horizon, multi_step=multi, target="r")
    scaled = data.scaler.transform(frame.to_numpy())  # (N, 3)
    bounds = dict(zip(SPLITS, ((0, data.train_end), (data.train_end, data.validation_end),
                               (data.validation_end, len(frame)))))
    for name in SPLITS:
        part = getattr(data, name)
        days = target_days(part, horizon, multi)
        assert np.all(part.input_end < days.min(axis=1))
        lo, hi = bounds[name]
        assert days.min() >= lo and days.max() < hi  # every target in its split
        for k in (0, len(part.X) // 2, len(part.X) - 1):
            end = part.input_end[k]
            np.testing.assert_allclose(part.X[k], scaled[end - 9:end + 1], rtol=0, atol=0)
            np.testing.assert_allclose(part.y[k], scaled[days[k], 2], rtol=0, atol=0)


@pytest.mark.parametrize("make_scaler", [lambda: "minmax", lambda: "standard", lambda: MinMaxScaler((-1, 1))],
                         ids=["minmax", "standard", "MinMaxScaler((-1, 1))"])
@pytest.mark.parametrize("horizon, multi", [(1, False), (3, True)])
def test_the_target_columns_inverse_transform_round_trips(make_scaler, horizon, multi):
    frame = several()
    for target in frame.columns:
        data = prepare(frame, lookback=6, horizon=horizon, multi_step=multi, scaler=make_scaler(), target=target)
        values = frame[target].to_numpy()
        for name in SPLITS:
            part = getattr(data, name)
            np.testing.assert_allclose(data.to_prices(part.y), values[target_days(part, horizon, multi)],
                                       rtol=0, atol=8 * 2 * U * np.abs(values).max())  # module docstring


def test_features_other_than_the_target_never_enter_y():
    frame = several()
    data = prepare(frame, lookback=8, horizon=2, scaler="standard", target="price")
    noise = frame.copy()
    rng = np.random.default_rng(2)
    noise[["volume", "r"]] = rng.normal(1e3, 1e2, (len(frame), 2))  # every day, every other column
    other = prepare(noise, lookback=8, horizon=2, scaler="standard", target="price")
    for name in SPLITS:
        a, b = getattr(data, name), getattr(other, name)
        np.testing.assert_array_equal(a.y, b.y)
        np.testing.assert_array_equal(a.X[:, :, 0], b.X[:, :, 0])  # the target's own input column
        np.testing.assert_array_equal(a.target_start, b.target_start)
        assert not np.array_equal(a.X[:, :, 1:], b.X[:, :, 1:])  # while the other inputs did change
        np.testing.assert_array_equal(data.to_prices(a.y), other.to_prices(b.y))


def test_scalers_that_work_in_place_leave_several_columns_alone():
    frame = several()
    array = frame.to_numpy().copy()
    kept_frame, kept_array = frame.copy(), array.copy()
    for scaler in (MinMaxScaler(copy=False), StandardScaler(copy=False)):
        for series, target in ((frame, "r"), (array, 2)):
            data = prepare(series, lookback=4, scaler=scaler, target=target)
            # the target scaler was fitted on the raw column, before transform rescaled the working copy
            np.testing.assert_allclose(data.to_prices(data.test.y)[:, 0], kept_array[data.test.target_start, 2],
                                       rtol=0, atol=8 * 2 * U * np.abs(kept_array[:, 2]).max())
            for name in SPLITS:
                for out in getattr(data, name):
                    assert not np.shares_memory(out, array)
    pd.testing.assert_frame_equal(frame, kept_frame)
    np.testing.assert_array_equal(array, kept_array)


@pytest.mark.parametrize("series, target, error, message", [
    (exact_table(), "d", ValueError, "target must name one of series' columns ['a', 'b', 'c']; got 'd' (str)"),
    (exact_table(), 1, ValueError, "target must name one of series' columns ['a', 'b', 'c']; got 1 (int)"),
    (exact_table().to_numpy(), 3, ValueError,
     "target must be a column position from 0 to 2 (series has 3 columns); got 3"),
    (exact_table().to_numpy(), -1, ValueError, "target must be a column position from 0 to 2"),
    (np.arange(40.0), 1, ValueError, "target must be a column position from 0 to 0 (series has 1 column); got 1"),
    (exact_table().to_numpy(), "c", TypeError,
     "target must be a column position for an array series; got the name 'c'"),
    (exact_table().to_numpy(), 1.0, TypeError, "target must be an integer; got 1.0"),
    (exact_table().assign(name=["x"] * 40), "a", ValueError, "series must hold numbers; its column 'name' has dtype"),
    (exact_table().set_axis(["a", "b", "a"], axis=1), "b", ValueError,
     "series must name each column once; it has more than one column named 'a'"),
    (exact_table().assign(b=[0.0] * 39 + [np.nan]), "a", ValueError,
     "series column 'b' must hold finite numbers; it has 1 NaN or inf"),
    (np.column_stack([np.arange(40.0), [np.inf] + [0.0] * 39]), 0, ValueError,
     "series column 1 must hold finite numbers; it has 1 NaN or inf"),
    (np.zeros((40, 2, 2)), None, ValueError, "series must have shape (days,) or (days, features)"),
    (exact_table()[[]], None, ValueError, "series must have shape (days,) or (days, features), with at least one day "
                                          "and one feature; got shape (40, 0)"),
], ids=["name not a column", "position for a frame", "position too large", "negative position", "one column",
        "name for an array", "float position", "text column", "repeated name", "NaN in a frame", "inf in an array",
        "3-D", "no columns"])
def test_several_column_errors(series, target, error, message):
    with pytest.raises(error) as caught:
        prepare(series, lookback=2, target=target)
    assert str(caught.value).startswith(message), str(caught.value)


def test_the_public_names_are_the_documented_ones():
    assert set(windows.__all__) == {"Windows", "make_windows", "split_points", "PreparedData", "prepare"}
