"""The simple forecasts every model must beat, on the same windows the model sees.

Each takes windows X of shape (n, lookback, F) whose first feature is the
series being forecast, and returns predictions of shape (n, 1).
"""
import numpy as np


def _check_windows(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 3:
        raise ValueError(f"X must have shape (windows, lookback, features); got shape {X.shape}")
    return X


def persistence(X):
    """Tomorrow equals today: the last value in each window."""
    X = _check_windows(X)
    return X[:, -1, :1]


def moving_average(X, days=5):
    """The mean of the last `days` values of each window."""
    X = _check_windows(X)
    if not 1 <= days <= X.shape[1]:
        raise ValueError(f"days must be between 1 and the lookback {X.shape[1]}; got {days}")
    return X[:, -days:, 0].mean(axis=1, keepdims=True)


class LinearWindowModel:
    """Least-squares linear regression on the flattened window (with an intercept).

    A small ridge penalty keeps the solution stable when window values are
    nearly collinear, as neighbouring prices are.
    """

    def __init__(self, ridge=1e-6):
        self.ridge = ridge
        self.weights = None

    @staticmethod
    def _design(X):
        X = _check_windows(X)
        return np.hstack([X.reshape(len(X), -1), np.ones((len(X), 1))])

    def fit(self, X, y):
        A, y = self._design(X), np.asarray(y, dtype=float).reshape(len(X), -1)
        penalty = self.ridge * np.eye(A.shape[1])
        penalty[-1, -1] = 0.0  # do not shrink the intercept
        self.weights = np.linalg.solve(A.T @ A + penalty, A.T @ y)
        return self

    def predict(self, X):
        if self.weights is None:
            raise ValueError("call fit(X_train, y_train) before predict")
        return self._design(X) @ self.weights
