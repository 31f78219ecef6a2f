"""Forecast errors on the original price scale. Each takes arrays of the same shape."""
import numpy as np


def _pair(actual, predicted):
    actual, predicted = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    if actual.shape != predicted.shape:
        raise ValueError(f"actual and predicted must have the same shape; got {actual.shape} and {predicted.shape}")
    if actual.size == 0:
        raise ValueError("actual and predicted are empty")
    return actual, predicted


def rmse(actual, predicted):
    """Root mean squared error: the typical size of an error, large errors weighted more."""
    actual, predicted = _pair(actual, predicted)
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def mae(actual, predicted):
    """Mean absolute error, in the units of the prices."""
    actual, predicted = _pair(actual, predicted)
    return float(np.mean(np.abs(actual - predicted)))


def mape(actual, predicted):
    """Mean absolute percentage error, in percent; undefined if an actual value is 0."""
    actual, predicted = _pair(actual, predicted)
    if np.any(actual == 0):
        raise ValueError("MAPE is undefined when an actual value is 0")
    return float(100.0 * np.mean(np.abs((actual - predicted) / actual)))


def directional_accuracy(actual, predicted, previous):
    """Share of days on which the forecast moved in the same direction as the price did.

    previous holds the last known price before each target day; a day on which
    the price did not move is left out.
    """
    actual, predicted = _pair(actual, predicted)
    previous = np.asarray(previous, dtype=float)
    if previous.shape != actual.shape:
        raise ValueError(f"previous must have the shape of actual, {actual.shape}; got {previous.shape}")
    moved = actual != previous
    if not moved.any():
        raise ValueError("the price never moved, so direction is undefined")
    return float(np.mean(np.sign(predicted - previous)[moved] == np.sign(actual - previous)[moved]))


def report(actual, predicted, previous):
    """All four metrics as a dict: RMSE, MAE, MAPE (%), directional accuracy (%)."""
    return {
        "RMSE": rmse(actual, predicted),
        "MAE": mae(actual, predicted),
        "MAPE %": mape(actual, predicted),
        "Direction %": 100.0 * directional_accuracy(actual, predicted, previous),
    }
