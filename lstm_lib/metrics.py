"""Forecast errors on the original price scale. Each takes arrays of the
same shape.

Every argument is checked where it enters: it must be a non-empty array
of finite numbers (a NaN or inf would pass silently into the mean), of the
same shape as `actual`. Each function returns a Python float (or, for
`report`, a dict of them) and leaves its inputs unchanged.
"""
import numpy as np

from ._shapes import as_float_array, require_finite


def _prices(name, value, shape=None):
    """`value` as a checked float array: numbers, finite, non-empty, of
    `shape` if given.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be an array of prices; "
                        f"got {value!r:.40} ({type(value).__name__})")
    array = require_finite(name, as_float_array(name, value))
    if shape is None and array.size == 0:
        raise ValueError(f"{name} must hold at least one price; "
                         f"got an empty array of shape {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have the shape of actual, {shape}; "
                         f"got {array.shape}")
    return array


def _pair(actual, predicted):
    actual = _prices("actual", actual)
    return actual, _prices("predicted", predicted, actual.shape)


def rmse(actual, predicted):
    """Root mean squared error: the typical size of an error, large errors
    weighted more.
    """
    actual, predicted = _pair(actual, predicted)
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def mae(actual, predicted):
    """Mean absolute error, in the units of the prices."""
    actual, predicted = _pair(actual, predicted)
    return float(np.mean(np.abs(actual - predicted)))


def mape(actual, predicted):
    """Mean absolute percentage error, in percent; a ValueError if an
    actual value is 0.
    """
    actual, predicted = _pair(actual, predicted)
    if np.any(actual == 0):
        first = tuple(int(i) for i in np.argwhere(actual == 0)[0])
        raise ValueError("MAPE is undefined when an actual value is 0 "
                         "(it divides by actual); "
                         f"actual is 0 at index {first}")
    return float(100.0 * np.mean(np.abs((actual - predicted) / actual)))


def directional_accuracy(actual, predicted, previous):
    """Share of the judged days on which the forecast moved the same way as
    the price.

    previous holds the last known price before each target day. A day is
    judged only if the price moved (actual != previous) and the forecast
    called a move (predicted != previous): a forecast that repeats the last
    price makes no call that day, so the day is left out, not counted as a
    miss. With no day left to judge (the price never moved, or the forecast
    never called a move, as persistence never does) the share is undefined
    and the result is NaN.
    """
    actual, predicted = _pair(actual, predicted)
    previous = _prices("previous", previous, actual.shape)
    judged = (actual != previous) & (predicted != previous)
    if not judged.any():
        return float("nan")
    right = np.sign(predicted - previous) == np.sign(actual - previous)
    return float(np.mean(right[judged]))


def report(actual, predicted, previous):
    """All four metrics as a dict: RMSE, MAE, MAPE (%), directional
    accuracy (%).

    "Direction %" is NaN when directional_accuracy is undefined (no day to
    judge).
    """
    actual, predicted = _pair(actual, predicted)
    previous = _prices("previous", previous, actual.shape)
    return {
        "RMSE": rmse(actual, predicted),
        "MAE": mae(actual, predicted),
        "MAPE %": mape(actual, predicted),
        "Direction %": 100.0 * directional_accuracy(actual, predicted,
                                                    previous),
    }
