"""Gradient checking by centred finite differences.

    df/dx_j ~ (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

The error of the centred difference is O(eps**2); in float64, eps = 1e-5
balances that against rounding, and a correct analytic gradient then agrees
to a relative error near 1e-9 or better.
"""
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    """Centred-difference gradient of a scalar function f at x.

    Parameters
    ----------
    f : callable
        Takes an array shaped like x and returns a scalar (the loss).
    x : array
        The point; it is copied to float64 and never modified.
    eps : float
        The step.

    Returns
    -------
    array shaped like x, in float64.
    """
    x = np.array(x, dtype=np.float64, copy=True)
    first = f(x)
    if np.ndim(first) != 0:
        raise ValueError(f"f must return a scalar loss; it returned an array of shape {np.shape(first)}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = float(f(x))
        x[index] = original - eps
        f_minus = float(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(analytic, numeric):
    """max |a - n| / max(1e-8, |a| + |n|), element by element, the worst element returned."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric gradients must have the same shape; got {a.shape} and {n.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def check_gradient(f, x, analytic, eps=1e-5):
    """Relative error between an analytic gradient of f at x and the numerical one."""
    return relative_error(analytic, numerical_gradient(f, x, eps))
