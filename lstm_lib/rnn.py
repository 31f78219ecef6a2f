"""A NumPy vanilla RNN in Keras' SimpleRNN layout.

    h_t = tanh(x_t kernel + h_{t-1} recurrent_kernel + bias)

    kernel (D, H) is W_xh, recurrent_kernel (H, H) is W_hh, bias (H,) is b,
    with row vectors as Keras uses them (the column-vector form of the text,
    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b), uses the transposes).
"""
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, check_sequence, check_step,
                      initial_state, require_cache, require_finite,
                      require_shape)
from .activations import tanh_grad_from_output
from .params import RecurrentParams, as_params


class RNNParams(RecurrentParams):
    """The three SimpleRNN weight arrays, shapes checked.

    kernel (D, H), recurrent_kernel (H, H), bias (H,): one block, named
    "h", so `p.gate("h")` is (W_xh, W_hh, b) itself.
    `RNNParams(*keras_simple_rnn.get_weights())` builds it from a Keras
    layer.

    Shape checks, units, input_dim, dtype and gate() come from
    params.RecurrentParams; the arrays are kept, not copied, so an
    optimiser can update them in place.
    """

    GATE_ORDER = ("h",)

    __slots__ = ()


class RNNCache(NamedTuple):
    """What rnn_backward needs from rnn_forward."""

    x: np.ndarray
    h0: np.ndarray
    h_seq: np.ndarray
    params: RNNParams


def rnn_cell_forward(x_t, h_prev, params):
    """One RNN step: x_t (B, D), h_prev (B, H) -> h_t (B, H), a new array.

    A wrong shape, an empty batch or a NaN or inf in any input is a
    ValueError.
    """
    p = as_params(params, RNNParams)
    x_t, batch = check_step("x_t", x_t, p.input_dim)
    h_prev = initial_state("h_prev", h_prev, batch, p.units,
                           np.result_type(x_t, p.dtype))
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

    A wrong shape, an empty batch or sequence or a NaN or inf in any input
    is a ValueError. The cache keeps copies of the inputs and of h_seq:
    changing them afterwards leaves the gradients alone.
    """
    p = as_params(params, RNNParams)  # a checked copy
    x, batch, steps = check_sequence(x, p.input_dim)
    dtype = np.result_type(x, p.dtype)
    h = h0 = initial_state("h0", h0, batch, p.units, dtype)

    xa = (x.reshape(batch * steps, -1) @ p.kernel + p.bias).reshape(
        batch, steps, p.units)  # (B, T, H)
    h_seq = np.empty((batch, steps, p.units), dtype=dtype)
    for t in range(steps):
        h = h_seq[:, t] = np.tanh(xa[:, t] + h @ p.recurrent_kernel)
    # x, h0 and p are copies already
    return h_seq, RNNCache(x, h0, h_seq.copy(), p)


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

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, RNNCache,
                  "rnn_forward returned as its second value")
    dh_seq = as_float_array("dh_seq", dh_seq)
    require_shape("dh_seq", dh_seq, cache.h_seq.shape,
                  "(batch, time, units)")
    require_finite("dh_seq", dh_seq)
    # region: bptt
    x, h0, h_seq, p = cache
    batch, steps, units = h_seq.shape

    # gradient at the pre-activation of every step
    da = np.empty_like(h_seq)
    dh_next = np.zeros((batch, units), dtype=h_seq.dtype)
    for t in reversed(range(steps)):
        da[:, t] = ((dh_seq[:, t] + dh_next)
                    * tanh_grad_from_output(h_seq[:, t]))
        # dh_{t-1} = W_hh^T da_t (as rows: da_t @ recurrent_kernel.T)
        dh_next = da[:, t] @ p.recurrent_kernel.T

    h_prev = np.concatenate([h0[:, None], h_seq[:, :-1]], axis=1)
    da_flat = da.reshape(batch * steps, units)
    dx = (da_flat @ p.kernel.T).reshape(x.shape)
    grads = RNNParams(
        x.reshape(batch * steps, -1).T @ da_flat,
        h_prev.reshape(batch * steps, units).T @ da_flat,
        da_flat.sum(axis=0),
    )
    return dx, dh_next, grads
    # endregion

