"""Walk-forward evaluation: several test periods, each with an expanding
training window.

One chronological split judges a model on one stretch of market, which
may be kind or unkind to it. Walk-forward evaluation repeats the split:
for each test period, the model is trained on every day before it (less a
validation stretch just before the test days, for early stopping and
model choice), then judged on the test days. Later folds train on more
history, as a forecaster who refits every year would.

    days:  0 ............ validation_start ... test_start ... test_end
           |<--- training --->|<- validation ->|<--- test --->|

A fold is a set of positions in the series; `prepare_fold` hands the
series up to the fold's last test day to windows.prepare, which scales on
the training days only and gives each window to the split its target day
falls in.
"""
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._shapes import require_int
from .windows import prepare

__all__ = ["Fold", "expanding_folds", "prepare_fold"]


class Fold(NamedTuple):
    """Positions of one walk-forward fold in a daily series.

    Training days are [0, validation_start), validation days
    [validation_start, test_start), test days [test_start, test_end).
    """

    name: str
    validation_start: int
    test_start: int
    test_end: int

    def fractions(self):
        """(train, validation): the fractions of the first test_end days
        that windows.prepare needs to reproduce this fold's split."""
        return (self.validation_start / self.test_end,
                (self.test_start - self.validation_start) / self.test_end)


def _as_dates(dates):
    """dates as a strictly increasing pandas DatetimeIndex."""
    try:
        index = pd.DatetimeIndex(dates)
    except (TypeError, ValueError) as exc:
        raise TypeError("dates must be dates (a DatetimeIndex, or "
                        f"anything pandas reads as one); {exc}") from None
    if len(index) == 0:
        raise ValueError("dates must hold at least one day; got none")
    if index.hasnans:
        raise ValueError("dates must not hold missing dates (NaT)")
    if not index.is_monotonic_increasing or not index.is_unique:
        raise ValueError("dates must be strictly increasing, one row per "
                         "day, as in a price series")
    return index


def _day(name, value):
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2008-01-01'; "
                         f"got {value!r}") from None


def expanding_folds(dates, test_periods, validation_days=250):
    """The folds of a walk-forward evaluation with an expanding window.

    Parameters
    ----------
    dates : the series' days, strictly increasing (a DatetimeIndex)
    test_periods : sequence of (name, first_day, day_after_last)
        Each test period's days are those with first_day <= date <
        day_after_last (ISO strings or dates), as load_prices takes
        start and end.
    validation_days : int >= 1
        Days just before each test period held out for validation; every
        day before those trains.

    Returns
    -------
    list of Fold, in the order given

    Raises ValueError when a period holds no day of the series, when its
    validation stretch would start before the series, or when it leaves
    no training day.
    """
    index = _as_dates(dates)
    validation_days = require_int("validation_days", validation_days, 1)
    folds = []
    for period in test_periods:
        if isinstance(period, str) or len(period) != 3:
            raise TypeError("each test period must be (name, first_day, "
                            f"day_after_last); got {period!r}")
        name, first, after = period
        first, after = _day("first_day", first), _day("day_after_last",
                                                      after)
        if first >= after:
            raise ValueError(f"test period {name!r}: first_day "
                             f"{first:%Y-%m-%d} must come before "
                             f"day_after_last {after:%Y-%m-%d}")
        test_start = int(index.searchsorted(first, side="left"))
        test_end = int(index.searchsorted(after, side="left"))
        if test_end == test_start:
            raise ValueError(
                f"test period {name!r} ({first:%Y-%m-%d} to "
                f"{after:%Y-%m-%d}) holds no day of the series, which runs "
                f"from {index[0]:%Y-%m-%d} to {index[-1]:%Y-%m-%d}")
        validation_start = test_start - validation_days
        if validation_start < 1:
            raise ValueError(
                f"test period {name!r} starts {test_start} days into the "
                f"series: too early for {validation_days} validation days "
                "and at least one training day before them")
        folds.append(Fold(str(name), validation_start, test_start,
                          test_end))
    return folds


def prepare_fold(series, fold, lookback, **options):
    """windows.prepare on series[:fold.test_end], split as the fold says.

    Parameters
    ----------
    series : array (N,) or (N, F), or a DataFrame, as windows.prepare
        takes it, with N >= fold.test_end
    fold : Fold
    lookback : int
    **options : horizon, scaler, multi_step, target..., passed on to
        windows.prepare (not train and validation: the fold sets them)

    Returns
    -------
    windows.PreparedData whose train_end and validation_end are
    fold.validation_start and fold.test_start: the scaler sees only the
    fold's training days.
    """
    if not isinstance(fold, Fold):
        raise TypeError("fold must be a Fold from expanding_folds; got "
                        f"{type(fold).__name__}")
    for fixed in ("train", "validation"):
        if fixed in options:
            raise TypeError(f"prepare_fold sets {fixed} from the fold; "
                            "do not pass it")
    if len(series) < fold.test_end:
        raise ValueError(f"series holds {len(series)} days, fewer than "
                         f"fold {fold.name!r} needs ({fold.test_end})")
    part = (series.iloc[:fold.test_end] if hasattr(series, "iloc")
            else np.asarray(series)[:fold.test_end])
    train, validation = fold.fractions()
    data = prepare(part, lookback, train=train, validation=validation,
                   **options)
    # the fractions reproduce the positions exactly (round(n * a / n) = a)
    assert (data.train_end, data.validation_end) == (fold.validation_start,
                                                     fold.test_start)
    return data
