"""The simple forecasts every model must beat, on the same windows the
model sees.

Each takes windows X of shape (n, lookback, F) whose first feature is the
series being forecast, and returns predictions of shape (n, 1). X must
hold finite numbers (NaN and inf are refused where they enter), with at
least one day and one feature per window; every result is a new array
(empty for no windows). ARIMA, the forecaster's statistical baseline,
works on the series rather than on windows: lstm_lib.arima.
"""
import numpy as np

from ._shapes import (as_float_array, describe_value, require_finite,
                      require_int, require_number)

__all__ = ["persistence", "moving_average", "drift", "LinearWindowModel"]


def _check_windows(X, name="X"):
    if X is None or isinstance(X, (str, bytes, dict, set)):
        raise TypeError(
            f"{name} must be an array of windows; got {describe_value(X)}"
        )
    X = as_float_array(name, X)
    if X.ndim != 3:
        raise ValueError(
            f"{name} must have shape (windows, lookback, features); "
            f"got shape {X.shape}"
        )
    if X.shape[1] == 0 or X.shape[2] == 0:
        raise ValueError(
            f"{name} must hold at least one day and one feature per "
            f"window; got shape {X.shape}"
        )
    return require_finite(name, X)


def persistence(X):
    """Tomorrow equals today: the last value in each window (a copy)."""
    X = _check_windows(X)
    return X[:, -1, :1].copy()


def moving_average(X, days=5):
    """The mean of the last `days` values of each window
    (1 <= days <= lookback).
    """
    X = _check_windows(X)
    days = require_int("days", days, 1)
    if days > X.shape[1]:
        raise ValueError(
            f"days must be between 1 and the lookback {X.shape[1]}; "
            f"got {days}"
        )
    return X[:, -days:, 0].mean(axis=1, keepdims=True)


def drift(X, change=None, horizon=1):
    """The random walk with drift: the last value plus `horizon` times a
    mean daily change.

    Parameters
    ----------
    X : array (n, lookback, F)
        Windows whose first feature is the series.
    change : float, optional
        The mean daily change to add, in the units of X (scaled, if X
        is), e.g. that of the training days, np.mean(np.diff(y_train))
        for consecutive training targets y_train. Omitted: each window's
        own, (last - first) / (lookback - 1), which needs lookback >= 2.
    horizon : int >= 1
        Days from the window's last day to the target day.

    Returns
    -------
    array (n, 1): X[:, -1, 0] + horizon * change.

    Either way no future leaks in: a window's forecast uses that window,
    or a number fixed from the training days, never a later day. The
    training mean is the drift of Hyndman and Athanasopoulos'
    "Forecasting: Principles and Practice" (y_T + h (y_T - y_1)/(T - 1));
    a window's own mean follows the recent trend but is noisier, with a
    standard deviation of sigma / sqrt(lookback - 1) for daily changes of
    standard deviation sigma.
    """
    X = _check_windows(X)
    horizon = require_int("horizon", horizon, 1)
    last = X[:, -1, :1]  # (n, 1)
    if change is not None:
        return last + horizon * require_number("change", change)
    if X.shape[1] < 2:
        raise ValueError(
            "drift needs a lookback of at least 2 days to take a "
            "window's own mean change (or pass change=); "
            f"got shape {X.shape}"
        )
    own = (X[:, -1, :1] - X[:, 0, :1]) / (X.shape[1] - 1)  # (n, 1)
    return last + horizon * own


class LinearWindowModel:
    """Least-squares linear regression on the flattened window (with an
    intercept).

    A small ridge penalty keeps the solution stable when window values are
    nearly collinear, as neighbouring prices are.
    """

    def __init__(self, ridge=1e-6):
        self.ridge = require_number("ridge", ridge, 0)
        self.weights = None
        # (lookback, features) of the windows fitted on
        self.window_shape = None

    @staticmethod
    def _design(X):
        return np.hstack([X.reshape(len(X), -1), np.ones((len(X), 1))])

    def fit(self, X, y):
        """Fit on windows X (n, lookback, F) and targets y (n,) or (n, k),
        all finite; return self.
        """
        X = _check_windows(X)
        if len(X) == 0:
            raise ValueError("X must hold at least one window to fit on; "
                             f"got shape {X.shape}")
        if y is None or isinstance(y, (str, bytes, dict, set)):
            raise TypeError(
                f"y must be an array of targets; got {describe_value(y)}"
            )
        y = require_finite("y", as_float_array("y", y))
        if y.ndim not in (1, 2) or len(y) != len(X) or y.size == 0:
            raise ValueError(
                "y must have shape (windows,) or (windows, targets) with "
                f"one row per window of X, {len(X)}; got shape {y.shape}"
            )
        A, y = self._design(X), y.reshape(len(X), -1)
        penalty = self.ridge * np.eye(A.shape[1])
        penalty[-1, -1] = 0.0  # do not shrink the intercept
        try:
            self.weights = np.linalg.solve(A.T @ A + penalty, A.T @ y)
        except np.linalg.LinAlgError:
            raise ValueError(
                "the windows are exactly collinear and "
                f"ridge={self.ridge} does not separate them; "
                "use ridge > 0 or more varied windows"
            ) from None
        self.window_shape = X.shape[1:]
        return self

    def predict(self, X):
        """Predictions (n, k) for windows X of the shape the model was
        fitted on.
        """
        if self.weights is None:
            raise ValueError("call fit(X_train, y_train) before predict")
        X = _check_windows(X)
        if (self.window_shape is not None
                and X.shape[1:] != self.window_shape):
            raise ValueError(
                "X must have windows of shape (lookback, features) = "
                f"{self.window_shape}, as in fit; got {X.shape[1:]}"
            )
        return self._design(X) @ self.weights
