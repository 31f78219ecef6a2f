"""Activation functions used by the RNN and LSTM, with their derivatives.

Each derivative is written in terms of the activation's *output*, which
is what a backward pass has cached: sigmoid'(z) = s (1 - s),
tanh'(z) = 1 - t**2.

These work entry by entry like NumPy's own functions: NaN gives NaN, and
sigmoid(-inf), sigmoid(inf), tanh(-inf), tanh(inf) are 0, 1, -1, 1. Text
and other non-numbers in z are refused with a ValueError. The two
derivatives are plain arithmetic on what they are given, which must be an
output s or t.
"""
import numpy as np

from ._shapes import as_float_array


def sigmoid(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), computed without overflow;
    keeps a float z's dtype.
    """
    z = as_float_array("z", z)  # integers become float64
    # exp(-|z|) never overflows; the two branches are the same function.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype)


def sigmoid_grad_from_output(s):
    """d sigmoid / dz expressed through s = sigmoid(z)."""
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent (NumPy's, re-exported so chapters import one
    place).
    """
    return np.tanh(as_float_array("z", z))


def tanh_grad_from_output(t):
    """d tanh / dz expressed through t = tanh(z)."""
    return 1.0 - t * t
