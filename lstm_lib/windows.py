"""Turning a price series into supervised windows without leaking the
future.

The order of operations is the whole point:

1. split the series by time into train, validation and test (no shuffling);
2. fit the scaler on the training part only, then apply it everywhere;
3. cut windows of `lookback` days, each predicting the value `horizon` days
   after its last input day, and give each window to the split its *target*
   falls in. A window's inputs may reach back into an earlier split (those
   days are in the past when the forecast is made); its target never does.

`prepare` takes one series or several (the columns of an array or a
DataFrame, one of them the target): each column is scaled on its own
training days, and only the target's scaling is undone afterwards.

Keras 3 removed `TimeseriesGenerator`, which older tutorials use; NumPy's
`sliding_window_view` does the same job here in one line.
"""
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from ._shapes import (as_float_array, describe_value, require_bool,
                      require_finite, require_int, require_number)

__all__ = ["Windows", "make_windows", "split_points", "PreparedData",
           "prepare"]


class Windows(NamedTuple):
    """Inputs X (n, lookback, F), targets y (n, horizon) and where each
    came from.

    input_end[k] is the position of window k's last input day;
    target_start[k] the position of its first target day (input_end + 1
    for horizon 1, or the first of its `horizon` targets for a multi-step
    window).
    """

    X: np.ndarray
    y: np.ndarray
    input_end: np.ndarray
    target_start: np.ndarray


def make_windows(values, lookback, horizon=1, target=None,
                 multi_step=False):
    """Cut a series into (input window, target) pairs.

    Parameters
    ----------
    values : array (N,) or (N, F)
        The inputs, one row per day: finite numbers (NaN and inf are
        refused).
    lookback : int >= 1
        Days in each input window.
    horizon : int >= 1
        How many days after the last input day the target lies (1 = the
        next day).
    target : array (N,), optional
        The series to predict (finite); the first column of `values` when
        omitted.
    multi_step : bool
        If True, y holds all `horizon` following days (for a direct
        multi-step model); otherwise only the day `horizon` steps ahead.

    Returns
    -------
    Windows(X (n, lookback, F), y (n, horizon or 1), input_end,
    target_start), with n = N - lookback - horizon + 1. Every array is a
    new, writable copy: changing it never changes `values` or `target`, nor
    the other way round.
    """
    values = _series_array("values", values)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2 or values.shape[1] == 0:
        raise ValueError("values must have shape (days,) or "
                         f"(days, features); got shape {values.shape}")
    require_finite("values", values)
    lookback, horizon = (require_int("lookback", lookback, 1),
                         require_int("horizon", horizon, 1))
    require_bool("multi_step", multi_step)
    if target is None:
        target = values[:, 0]
    else:
        target = require_finite("target", _series_array("target", target))
    if target.shape != (len(values),):
        raise ValueError(f"target must have shape ({len(values)},) to "
                         f"match values; got shape {target.shape}")
    count = len(values) - lookback - horizon + 1
    if count < 1:
        raise ValueError(
            f"values holds {len(values)} days, too short for "
            f"lookback={lookback} and horizon={horizon}; "
            f"it needs at least {lookback + horizon} days"
        )

    X = (sliding_window_view(values, lookback, axis=0)[:count]
         .transpose(0, 2, 1))  # (n, lookback, F), a view
    input_end = np.arange(count) + lookback - 1
    if multi_step:
        # (n, horizon), a view
        y = sliding_window_view(target[lookback:], horizon)[:count]
        target_start = input_end + 1
    else:
        y = target[input_end + horizon][:, None]  # (n, 1)
        target_start = input_end + horizon
    # np.array copies, always: the windows own their memory, C-ordered and
    # writable
    return Windows(np.array(X, order="C"), np.array(y, order="C"),
                   input_end, target_start)


def _series_array(name, value):
    """`value` as a float array, refusing None, strings and mappings with a
    TypeError.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(
            f"{name} must be an array of numbers; "
            f"got {describe_value(value)}"
        )
    return as_float_array(name, value)


def split_points(n_days, train=0.7, validation=0.15):
    """Positions (train_end, validation_end) splitting n_days
    chronologically; the rest is test.

    train_end = round(n_days * train) and
    validation_end = round(n_days * (train + validation)). Raises
    ValueError when the fractions are out of range or leave the training or
    the test part without a day.
    """
    # split_points(prices), not len(prices)
    if hasattr(n_days, "__len__") and not isinstance(n_days, str):
        raise TypeError(
            "n_days must be the number of days, an integer; "
            f"got a {type(n_days).__name__}: pass len(...)"
        )
    n_days = require_int("n_days", n_days, 0)
    train = require_number("train", train, 0, 1, low_open=True,
                           high_open=True)
    validation = require_number("validation", validation, 0, 1,
                                high_open=True)
    if train + validation >= 1:
        raise ValueError(
            "train and validation must be fractions with "
            f"train + validation < 1; got {train} and {validation}"
        )
    train_end = int(round(n_days * train))
    validation_end = int(round(n_days * (train + validation)))
    if train_end == 0 or validation_end == n_days:
        part = "training" if train_end == 0 else "test"
        raise ValueError(
            f"train={train} and validation={validation} of {n_days} days "
            f"leave the {part} part without a day; "
            "use more days or other fractions"
        )
    return train_end, validation_end


class PreparedData(NamedTuple):
    """Everything a forecasting model needs, split by time and scaled on
    the training part only.
    """

    train: Windows
    validation: Windows
    test: Windows
    scaler: object  # every column, fitted on the training days only
    train_end: int  # first position of the validation period
    validation_end: int  # first position of the test period
    # the target column alone, fitted on its training days (the scaler
    # itself when there is one column)
    target_scaler: object
    target: int  # the target's column position
    feature_names: tuple  # a DataFrame's column names; None for an array

    def to_prices(self, scaled):
        """Undo the target's scaling of targets or predictions (any shape),
        back to the target's own scale (prices, returns...).

        `scaled` must hold finite numbers (a NaN prediction is refused, not
        passed on); the result is a new array of the same shape.
        """
        scaled = require_finite("scaled", _series_array("scaled", scaled))
        if scaled.size == 0:
            return np.zeros(scaled.shape)
        # a scaler made with copy=False works in place
        column = scaled.reshape(-1, 1).copy()
        return np.asarray(self.target_scaler.inverse_transform(column),
                          dtype=float).reshape(scaled.shape)


def prepare(series, lookback, horizon=1, train=0.7, validation=0.15,
            scaler="minmax", multi_step=False, target=None):
    """Split by time, scale with a scaler fitted on the training days, and
    window.

    Parameters
    ----------
    series : array (N,) or (N, F), or a DataFrame of F numeric columns
        One daily series (e.g. closing prices or returns), or several
        features a day, of finite numbers.
    lookback, horizon, multi_step : as in make_windows
    train, validation : fractions of the days, in time order; the rest is
        test
    scaler : "minmax" (scikit-learn's MinMaxScaler, as the lecture decks
        use), "standard" (StandardScaler), or an unfitted
        scikit-learn-style scaler object such as MinMaxScaler((-1, 1)),
        which is fitted here and returned. It scales each column on its
        own, as scikit-learn's scalers do.
    target : column name (DataFrame) or position (array), optional
        The column to predict; the first (or only) one when omitted.

    Returns
    -------
    PreparedData: windows X (n, lookback, F) of every scaled column and y
    (n, 1), or (n, horizon) if multi_step, of the scaled target column;
    the scaler; the split positions; a scaler for the target column alone
    (fitted on its training days, used by to_prices); the target's column
    position; and a DataFrame's column names (None for an array).

    Each window belongs to the split that its first target day falls in.
    The series is copied first: nothing here changes it, and no array
    returned shares its memory. Raises ValueError when a split holds no
    complete window, and names the column that holds a NaN or inf.
    """
    values, names = _feature_table(series)  # (N, F), a new array
    target = _target_position(target, names, values.shape[1])
    lookback, horizon = (require_int("lookback", lookback, 1),
                         require_int("horizon", horizon, 1))
    require_bool("multi_step", multi_step)
    # region: split-scale-window
    train_end, validation_end = split_points(len(values), train, validation)

    scaler = _make_scaler(scaler)
    # the training days only, each column on its own: nothing later leaks in
    scaler.fit(values[:train_end])
    # the target alone, to undo its scaling (before transform, which may
    # work in place)
    target_scaler = _target_scaler(scaler, values[:train_end], target)
    scaled = np.asarray(scaler.transform(values), dtype=float)  # (N, F)

    windows = make_windows(scaled, lookback, horizon,
                           target=scaled[:, target], multi_step=multi_step)
    last_target = windows.target_start + (horizon - 1 if multi_step else 0)
    # endregion
    parts = []
    bounds = ((0, train_end), (train_end, validation_end),
              (validation_end, len(values)))
    for lo, hi in bounds:
        keep = (windows.target_start >= lo) & (last_target < hi)
        # boolean indexing copies
        parts.append(Windows(*(a[keep] for a in windows)))
    for name, part, (lo, hi) in zip(("train", "validation", "test"), parts,
                                    bounds):
        if len(part.X) == 0:
            span = (f"its {hi - lo} days (positions {lo} to {hi - 1}) "
                    "are too few"
                    if hi > lo else "it has no days")
            raise ValueError(
                f"the {name} split has no complete windows: {span} for "
                f"lookback={lookback} and horizon={horizon}; "
                "use more days, a shorter lookback or other fractions"
            )
    return PreparedData(*parts, scaler, train_end, validation_end,
                        target_scaler, target, names)


def _feature_table(series):
    """`series` as a new (N, F) float array, and its column names (None
    unless it is a DataFrame); a clear error for what cannot be scaled.
    """
    names = None
    if isinstance(series, pd.DataFrame):
        names = tuple(series.columns)
        for name, dtype in series.dtypes.items():
            if not pd.api.types.is_numeric_dtype(dtype):
                raise ValueError(
                    f"series must hold numbers; its column {name!r} has "
                    f"dtype {dtype}: drop it or convert it"
                )
        repeated = [n for k, n in enumerate(names) if n in names[:k]]
        if repeated:
            raise ValueError("series must name each column once; it has "
                             f"more than one column named {repeated[0]!r}")
        # C order, as an array's copy is: the same sums, the same numbers
        values = np.ascontiguousarray(
            series.to_numpy(dtype=float, na_value=np.nan, copy=True))
    else:
        values = _series_array("series", series).copy()
    if values.ndim not in (1, 2) or 0 in values.shape:
        raise ValueError(
            "series must have shape (days,) or (days, features), with at "
            f"least one day and one feature; got shape {values.shape}"
        )
    if values.ndim == 1:  # one series, checked as a whole
        return require_finite("series", values)[:, None], names
    for k in range(values.shape[1]):
        label = repr(names[k]) if names is not None else k
        require_finite(f"series column {label}", values[:, k])
    return values, names


def _target_position(target, names, count):
    """The column position of `target`: a name in `names` for a
    DataFrame, a position below `count` for an array, 0 for None.
    """
    if target is None:
        return 0
    if names is not None:
        if isinstance(target, (bool, np.bool_)) or target not in names:
            raise ValueError(
                f"target must name one of series' columns {list(names)}; "
                f"got {describe_value(target)}"
            )
        return names.index(target)
    if isinstance(target, str):
        raise TypeError(
            f"target must be a column position for an array series; got "
            f"the name {target!r}: pass a DataFrame to name columns"
        )
    target = require_int("target", target)
    if not 0 <= target < count:
        raise ValueError(
            f"target must be a column position from 0 to {count - 1} "
            f"(series has {count} column{'s' if count > 1 else ''}); "
            f"got {target}"
        )
    return target


def _target_scaler(scaler, train_days, target):
    """A scaler like the fitted `scaler`, fitted on the training days of
    the target column alone: `scaler` itself when there is no other column.
    """
    if train_days.shape[1] == 1:
        return scaler
    from sklearn.base import clone

    # unfitted, with the same settings (a copy for a non-sklearn object)
    alone = clone(scaler, safe=False)
    alone.fit(train_days[:, [target]])  # (train days, 1)
    return alone


def _make_scaler(kind):
    if isinstance(kind, type):  # prepare(scaler=MinMaxScaler)
        raise TypeError(
            "scaler must be a scaler object, not the class "
            f"{kind.__name__}: pass an instance, {kind.__name__}()"
        )
    if not isinstance(kind, str):
        missing = [m for m in ("fit", "transform", "inverse_transform")
                   if not callable(getattr(kind, m, None))]
        if missing:
            raise TypeError(
                "scaler must be 'minmax', 'standard' or a scaler object "
                "with fit, transform and inverse_transform "
                f"(such as MinMaxScaler()); got {describe_value(kind)}, "
                f"which has no {', '.join(missing)}"
            )
        return kind
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    scalers = {"minmax": MinMaxScaler, "standard": StandardScaler}
    if kind not in scalers:
        raise ValueError("scaler must be 'minmax', 'standard' or a scaler "
                         f"object; got {kind!r}")
    return scalers[kind]()
