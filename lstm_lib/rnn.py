"""A NumPy vanilla RNN in Keras' SimpleRNN layout.

    h_t = tanh(x_t kernel + h_{t-1} recurrent_kernel + bias)

    kernel (D, H) is W_xh, recurrent_kernel (H, H) is W_hh, bias (H,) is b,
    with row vectors as Keras uses them (the column-vector form of the text,
    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b), uses the transposes).
"""
from typing import NamedTuple

import numpy as np

from ._shapes import as_float_array, check_sequence, initial_state, require_shape
from .activations import tanh_grad_from_output


class _RNNWeights(NamedTuple):
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray


class RNNParams(_RNNWeights):
    """The three SimpleRNN weight arrays: kernel (D, H), recurrent_kernel (H, H), bias (H,).

    `RNNParams(*keras_simple_rnn.get_weights())` builds it from a Keras layer.
    """

    __slots__ = ()

    def __new__(cls, kernel, recurrent_kernel, bias):
        kernel = as_float_array("kernel", kernel)
        recurrent_kernel = as_float_array("recurrent_kernel", recurrent_kernel)
        bias = as_float_array("bias", bias)
        if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[0] != recurrent_kernel.shape[1]:
            raise ValueError(
                f"recurrent_kernel must be square, shape (units, units) = (H, H); got shape {recurrent_kernel.shape}"
            )
        units = recurrent_kernel.shape[0]
        require_shape("kernel", kernel, (None, units), f"(input_dim, units) with units={units}")
        require_shape("bias", bias, (units,), f"(units,) with units={units}")
        return super().__new__(cls, kernel, recurrent_kernel, bias)

    @property
    def units(self):
        return self.recurrent_kernel.shape[0]

    @property
    def input_dim(self):
        return self.kernel.shape[0]

    @property
    def dtype(self):
        return np.result_type(self.kernel, self.recurrent_kernel, self.bias)


class RNNCache(NamedTuple):
    """What rnn_backward needs from rnn_forward."""

    x: np.ndarray
    h0: np.ndarray
    h_seq: np.ndarray
    params: RNNParams


def rnn_cell_forward(x_t, h_prev, params):
    """One RNN step: x_t (B, D), h_prev (B, H) -> h_t (B, H)."""
    p = params if isinstance(params, RNNParams) else RNNParams(*params)
    x_t = as_float_array("x_t", x_t)
    require_shape("x_t", x_t, (None, p.input_dim), "(batch, input_dim)")
    h_prev = initial_state("h_prev", h_prev, x_t.shape[0], p.units, np.result_type(x_t, p.dtype))
    return np.tanh(x_t @ p.kernel + h_prev @ p.recurrent_kernel + p.bias)


def rnn_forward(x, params, h0=None):
    """Run the RNN over a batch of sequences.

    Parameters
    ----------
    x : array (B, T, D)
    params : RNNParams
    h0 : array (B, H), optional; zeros when omitted.

    Returns
    -------
    h_seq : array (B, T, H), the hidden state after every step
    cache : RNNCache, for rnn_backward
    """
    p = params if isinstance(params, RNNParams) else RNNParams(*params)
    x, batch, steps = check_sequence(x, p.input_dim)
    dtype = np.result_type(x, p.dtype)
    h = h0 = initial_state("h0", h0, batch, p.units, dtype)

    xa = (x.reshape(batch * steps, -1) @ p.kernel + p.bias).reshape(batch, steps, p.units)  # (B, T, H)
    h_seq = np.empty((batch, steps, p.units), dtype=dtype)
    for t in range(steps):
        h = h_seq[:, t] = np.tanh(xa[:, t] + h @ p.recurrent_kernel)
    return h_seq, RNNCache(x, h0, h_seq, p)


def rnn_backward(dh_seq, cache):
    """Backpropagation through time for rnn_forward.

    Parameters
    ----------
    dh_seq : array (B, T, H)
        Gradient of the loss with respect to every h_t.
    cache : RNNCache from rnn_forward

    Returns
    -------
    dx (B, T, D), dh0 (B, H), grads (RNNParams of gradients)
    """
    x, h0, h_seq, p = cache
    batch, steps, units = h_seq.shape
    dh_seq = as_float_array("dh_seq", dh_seq)
    require_shape("dh_seq", dh_seq, (batch, steps, units), "(batch, time, units)")

    da = np.empty_like(h_seq)  # gradient at the pre-activation of every step
    dh_next = np.zeros((batch, units), dtype=h_seq.dtype)
    for t in reversed(range(steps)):
        da[:, t] = (dh_seq[:, t] + dh_next) * tanh_grad_from_output(h_seq[:, t])
        dh_next = da[:, t] @ p.recurrent_kernel.T  # dh_{t-1} = da_t W_hh^T

    h_prev = np.concatenate([h0[:, None], h_seq[:, :-1]], axis=1)
    da_flat = da.reshape(batch * steps, units)
    dx = (da_flat @ p.kernel.T).reshape(x.shape)
    grads = RNNParams(
        x.reshape(batch * steps, -1).T @ da_flat,
        h_prev.reshape(batch * steps, units).T @ da_flat,
        da_flat.sum(axis=0),
    )
    return dx, dh_next, grads
