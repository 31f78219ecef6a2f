"""Turning a price series into supervised windows without leaking the future.

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


class Windows(NamedTuple):
    """Inputs X (n, lookback, F), targets y (n, horizon) and where each came from.

    input_end[k] is the position of window k's last input day; target_start[k]
    the position of its first target day (input_end + 1 for horizon 1, or the
    first of its `horizon` targets for a multi-step window).
    """

    X: np.ndarray
    y: np.ndarray
    input_end: np.ndarray
    target_start: np.ndarray


def make_windows(values, lookback, horizon=1, target=None, multi_step=False):
    """Cut a series into (input window, target) pairs.

    Parameters
    ----------
    values : array (N,) or (N, F)
        The inputs, one row per day.
    lookback : int
        Days in each input window.
    horizon : int
        How many days after the last input day the target lies (1 = the next day).
    target : array (N,), optional
        The series to predict; the first column of `values` when omitted.
    multi_step : bool
        If True, y holds all `horizon` following days (for a direct multi-step
        model); otherwise only the day `horizon` steps ahead.

    Returns
    -------
    Windows(X (n, lookback, F), y (n, horizon or 1), input_end, target_start),
    with n = N - lookback - horizon + 1.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"values must have shape (days,) or (days, features); got shape {values.shape}")
    for name, v in (("lookback", lookback), ("horizon", horizon)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}")
    target = values[:, 0] if target is None else np.asarray(target, dtype=float)
    if target.shape != (len(values),):
        raise ValueError(f"target must have shape ({len(values)},) to match values; got shape {target.shape}")
    count = len(values) - lookback - horizon + 1
    if count < 1:
        raise ValueError(
            f"a series of {len(values)} days is too short for lookback={lookback} and horizon={horizon}; "
            f"it needs at least {lookback + horizon} days"
        )

    X = sliding_window_view(values, lookback, axis=0)[:count].transpose(0, 2, 1)  # (n, lookback, F)
    input_end = np.arange(count) + lookback - 1
    if multi_step:
        y = sliding_window_view(target[lookback:], horizon)[:count]  # (n, horizon)
        target_start = input_end + 1
    else:
        y = target[input_end + horizon][:, None]  # (n, 1)
        target_start = input_end + horizon
    return Windows(np.ascontiguousarray(X), np.ascontiguousarray(y), input_end, target_start)


def split_points(n_days, train=0.7, validation=0.15):
    """Positions (train_end, validation_end) splitting n_days chronologically; the rest is test."""
    if not (0 < train < 1 and 0 <= validation < 1 and train + validation < 1):
        raise ValueError(
            f"train and validation must be fractions with train + validation < 1; got {train} and {validation}"
        )
    train_end = int(round(n_days * train))
    validation_end = int(round(n_days * (train + validation)))
    return train_end, validation_end


class PreparedData(NamedTuple):
    """Everything a forecasting model needs, split by time and scaled on the training part only."""

    train: Windows
    validation: Windows
    test: Windows
    scaler: object  # fitted on the training days only
    train_end: int  # first position of the validation period
    validation_end: int  # first position of the test period

    def to_prices(self, scaled):
        """Undo the scaling of targets or predictions (any shape), back to the price scale."""
        scaled = np.asarray(scaled, dtype=float)
        return self.scaler.inverse_transform(scaled.reshape(-1, 1)).reshape(scaled.shape)


def prepare(series, lookback, horizon=1, train=0.7, validation=0.15, scaler="minmax", multi_step=False):
    """Split by time, scale with a scaler fitted on the training days, and window.

    Parameters
    ----------
    series : array (N,)
        One daily series (e.g. closing prices or returns).
    lookback, horizon, multi_step : as in make_windows
    train, validation : fractions of the days, in time order; the rest is test
    scaler : "minmax" (scikit-learn's MinMaxScaler, as the lecture decks use),
        "standard" (StandardScaler), or an unfitted scikit-learn-style scaler

    Each window belongs to the split that its first target day falls in.
    """
    series = np.asarray(series, dtype=float)
    if series.ndim != 1:
        raise ValueError(f"series must be one-dimensional, shape (days,); got shape {series.shape}")
    if not np.all(np.isfinite(series)):
        raise ValueError("series contains NaN or infinite values; drop or fill them first")
    train_end, validation_end = split_points(len(series), train, validation)

    scaler = _make_scaler(scaler)
    scaler.fit(series[:train_end, None])  # the training days only: nothing later leaks in
    scaled = scaler.transform(series[:, None])[:, 0]

    windows = make_windows(scaled, lookback, horizon, multi_step=multi_step)
    last_target = windows.target_start + (horizon - 1 if multi_step else 0)
    parts = []
    for lo, hi in ((0, train_end), (train_end, validation_end), (validation_end, len(series))):
        keep = (windows.target_start >= lo) & (last_target < hi)
        parts.append(Windows(*(a[keep] for a in windows)))
    for name, part in zip(("train", "validation", "test"), parts):
        if len(part.X) == 0:
            raise ValueError(
                f"the {name} split has no complete windows; use more days, a shorter lookback or other fractions"
            )
    return PreparedData(*parts, scaler, train_end, validation_end)


def _make_scaler(kind):
    if not isinstance(kind, str):
        return kind
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    scalers = {"minmax": MinMaxScaler, "standard": StandardScaler}
    if kind not in scalers:
        raise ValueError(f"scaler must be 'minmax', 'standard' or a scaler object; got {kind!r}")
    return scalers[kind]()
