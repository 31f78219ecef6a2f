"""Turning a price series into supervised windows without leaking the
future.

The order of operations is the whole point:

1. split the series by time into train, validation and test (no shuffling);
2. fit the scaler on the training part only, then apply it everywhere;
3. cut windows of `lookback` days, each predicting the value `horizon` days
   after its last input day, and give each window to the split its *target*
   falls in. A window's inputs may reach back into an earlier split (those
   days are in the past when the forecast is made); its target never does.

Keras 3 removed `TimeseriesGenerator`, which older tutorials use; NumPy's
`sliding_window_view` does the same job here in one line.
"""
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._shapes import (as_float_array, describe_value, require_bool,
                      require_finite, require_int, require_number)


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
    scaler: object  # fitted on the training days only
    train_end: int  # first position of the validation period
    validation_end: int  # first position of the test period

    def to_prices(self, scaled):
        """Undo the scaling of targets or predictions (any shape), back to
        the price scale.

        `scaled` must hold finite numbers (a NaN prediction is refused, not
        passed on); the result is a new array of the same shape.
        """
        scaled = require_finite("scaled", _series_array("scaled", scaled))
        if scaled.size == 0:
            return np.zeros(scaled.shape)
        # a scaler made with copy=False works in place
        column = scaled.reshape(-1, 1).copy()
        return np.asarray(self.scaler.inverse_transform(column),
                          dtype=float).reshape(scaled.shape)


def prepare(series, lookback, horizon=1, train=0.7, validation=0.15,
            scaler="minmax", multi_step=False):
    """Split by time, scale with a scaler fitted on the training days, and
    window.

    Parameters
    ----------
    series : array (N,)
        One daily series (e.g. closing prices or returns) of finite numbers.
    lookback, horizon, multi_step : as in make_windows
    train, validation : fractions of the days, in time order; the rest is
        test
    scaler : "minmax" (scikit-learn's MinMaxScaler, as the lecture decks
        use), "standard" (StandardScaler), or an unfitted
        scikit-learn-style scaler object such as MinMaxScaler((-1, 1)),
        which is fitted here and returned.

    Each window belongs to the split that its first target day falls in.
    The series is copied first: nothing here changes it, and no array
    returned shares its memory. Raises ValueError when a split holds no
    complete window.
    """
    series = require_finite("series",
                            _series_array("series", series)).copy()
    if series.ndim != 1 or len(series) == 0:
        raise ValueError(
            "series must be one-dimensional, shape (days,), "
            f"with days >= 1; got shape {series.shape}"
        )
    lookback, horizon = (require_int("lookback", lookback, 1),
                         require_int("horizon", horizon, 1))
    require_bool("multi_step", multi_step)
    # region: split-scale-window
    train_end, validation_end = split_points(len(series), train, validation)

    scaler = _make_scaler(scaler)
    # the training days only: nothing later leaks in
    scaler.fit(series[:train_end, None])
    scaled = scaler.transform(series[:, None])[:, 0]

    windows = make_windows(scaled, lookback, horizon, multi_step=multi_step)
    last_target = windows.target_start + (horizon - 1 if multi_step else 0)
    # endregion
    parts = []
    bounds = ((0, train_end), (train_end, validation_end),
              (validation_end, len(series)))
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
    return PreparedData(*parts, scaler, train_end, validation_end)


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
