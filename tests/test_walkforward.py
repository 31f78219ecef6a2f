"""lstm_lib.walkforward: folds with an expanding training window, and the data of one fold.

Everything here is positions and dates, compared exactly.
"""
import numpy as np
import pandas as pd
import pytest

from lstm_lib import walkforward
from lstm_lib.walkforward import Fold, expanding_folds, prepare_fold

DATES = pd.bdate_range("2000-01-03", periods=1000)  # business days, about four years
PERIODS = [("2001", "2001-01-01", "2002-01-01"), ("2003", "2003-01-01", "2003-07-01")]


def test_folds_follow_the_dates():
    folds = expanding_folds(DATES, PERIODS, validation_days=100)
    assert [f.name for f in folds] == ["2001", "2003"]
    for fold, (_, first, after) in zip(folds, PERIODS):
        test_days = DATES[fold.test_start:fold.test_end]
        assert test_days[0] >= pd.Timestamp(first) > DATES[fold.test_start - 1]
        assert test_days[-1] < pd.Timestamp(after)
        assert fold.test_end == len(DATES) or DATES[fold.test_end] >= pd.Timestamp(after)
        assert fold.test_start - fold.validation_start == 100
    # the training window expands: a later fold trains on every day an earlier one did, and more
    assert folds[1].validation_start > folds[0].validation_start


def test_a_period_running_past_the_series_ends_with_it():
    (fold,) = expanding_folds(DATES, [("late", "2003-06-01", "2030-01-01")], validation_days=10)
    assert fold.test_end == len(DATES)


def test_prepare_fold_splits_where_the_fold_says_and_scales_on_training_days():
    folds = expanding_folds(DATES, PERIODS, validation_days=100)
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=len(DATES))) + 50
    for fold in folds:
        data = prepare_fold(series, fold, lookback=5)
        assert (data.train_end, data.validation_end) == (fold.validation_start, fold.test_start)
        assert data.train.target_start.max() < fold.validation_start
        assert data.validation.target_start.min() >= fold.validation_start
        assert data.test.target_start.min() >= fold.test_start
        assert data.test.target_start.max() == fold.test_end - 1  # the last test day is used
        # MinMaxScaler fitted on the training days alone maps their range to [0, 1]
        np.testing.assert_allclose(data.scaler.data_min_, [series[:fold.validation_start].min()])
        np.testing.assert_allclose(data.scaler.data_max_, [series[:fold.validation_start].max()])


def test_prepare_fold_ignores_every_day_after_the_fold():
    (fold,) = expanding_folds(DATES, PERIODS[:1], validation_days=100)
    series = np.linspace(1.0, 2.0, len(DATES))
    changed = series.copy()
    changed[fold.test_end:] = 1e6
    a, b = prepare_fold(series, fold, 5), prepare_fold(changed, fold, 5)
    for part_a, part_b in zip(a[:3], b[:3]):
        for array_a, array_b in zip(part_a, part_b):
            np.testing.assert_array_equal(array_a, array_b)


def test_prepare_fold_takes_a_frame():
    (fold,) = expanding_folds(DATES, PERIODS[:1], validation_days=100)
    frame = pd.DataFrame({"close": np.linspace(1.0, 2.0, len(DATES))}, index=DATES)
    data = prepare_fold(frame, fold, 5)
    np.testing.assert_array_equal(data.test.y, prepare_fold(frame["close"].to_numpy(), fold, 5).test.y)


def test_fractions_reproduce_the_positions_for_every_split_of_a_long_series():
    # prepare rounds n * fraction; the fraction a / n must round back to a for every a
    n = 8000
    for a in range(1, n, 7):
        fold = Fold("f", a, min(a + 3, n - 1), n)
        train, validation = fold.fractions()
        assert int(round(n * train)) == a
        assert int(round(n * (train + validation))) == fold.test_start


@pytest.mark.parametrize("dates, periods, days, error, phrase", [
    (DATES, [("none", "1990-01-01", "1991-01-01")], 10, ValueError, "holds no day of the series"),
    (DATES, [("early", "2000-01-10", "2000-06-01")], 100, ValueError, "too early for 100 validation"),
    (DATES, [("backwards", "2002-01-01", "2001-01-01")], 10, ValueError, "must come before"),
    (DATES, [("bad", "not a date", "2001-01-01")], 10, ValueError, "first_day must be a date"),
    (DATES, ["2001"], 10, TypeError, "each test period must be"),
    (DATES[::-1], PERIODS, 10, ValueError, "strictly increasing"),
    (DATES, PERIODS, 0, ValueError, "validation_days"),
    ([], PERIODS, 10, ValueError, "at least one day"),
])
def test_expanding_folds_refuse_bad_input(dates, periods, days, error, phrase):
    with pytest.raises(error, match=phrase):
        expanding_folds(dates, periods, validation_days=days)


def test_prepare_fold_refuses_bad_input():
    (fold,) = expanding_folds(DATES, PERIODS[:1], validation_days=100)
    series = np.linspace(1.0, 2.0, len(DATES))
    with pytest.raises(TypeError, match="fold must be a Fold"):
        prepare_fold(series, (1, 2, 3), 5)
    with pytest.raises(TypeError, match="sets train from the fold"):
        prepare_fold(series, fold, 5, train=0.5)
    with pytest.raises(ValueError, match="fewer than fold '2001' needs"):
        prepare_fold(series[:fold.test_end - 1], fold, 5)


def test_the_public_names_are_the_documented_ones():
    assert set(walkforward.__all__) == {"Fold", "expanding_folds", "prepare_fold"}
