"""Activation functions used by the RNN and LSTM, with their derivatives.

Each derivative is written in terms of the activation's *output*, which is
what a backward pass has cached: sigmoid'(z) = s (1 - s), tanh'(z) = 1 - t**2.
"""
import numpy as np


def sigmoid(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), computed without overflow; keeps z's dtype."""
    z = np.asarray(z)
    # exp(-|z|) never overflows; the two branches are the same function.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype if z.dtype.kind == "f" else np.float64)


def sigmoid_grad_from_output(s):
    """d sigmoid / dz expressed through s = sigmoid(z)."""
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent (NumPy's, re-exported so chapters import one place)."""
    return np.tanh(z)


def tanh_grad_from_output(t):
    """d tanh / dz expressed through t = tanh(z)."""
    return 1.0 - t * t
