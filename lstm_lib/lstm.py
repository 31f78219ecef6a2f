"""A NumPy LSTM that stores its weights exactly as Keras does.

Shapes: B batch, T time steps, D input features, H units. Keras keeps the
four gates side by side along the last axis, in the order i, f, c, o:

    kernel           (D, 4H)  input weights      [W_xi | W_xf | W_xc | W_xo]
    recurrent_kernel (H, 4H)  recurrent weights  [W_hi | W_hf | W_hc | W_ho]
    bias             (4H,)                       [b_i  | b_f  | b_c  | b_o ]

One step, with row vectors as Keras uses them:

    z   = x_t kernel + h_{t-1} recurrent_kernel + bias      (B, 4H)
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o)
                               input, forget, output gates
    g   = tanh(z_c)            candidate cell values
    c_t = f * c_{t-1} + i * g  cell state (long-term memory)
    h_t = o * tanh(c_t)        hidden state (short-term memory)

`LSTMParams(*keras_layer.get_weights())` builds the parameters from a Keras
layer and `keras_layer.set_weights(list(params))` goes the other way.
"""
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, check_sequence, check_step,
                      initial_state, require_cache, require_finite,
                      require_shape)
from .activations import (sigmoid, sigmoid_grad_from_output,
                          tanh_grad_from_output)
from .params import RecurrentParams, as_params


class LSTMParams(RecurrentParams):
    """The three LSTM weight arrays in Keras' layout, shapes checked.

    Parameters
    ----------
    kernel : array (D, 4H)
        Input-to-gate weights, gate blocks i, f, c, o along the last axis.
    recurrent_kernel : array (H, 4H)
        Hidden-to-gate weights, same block order.
    bias : array (4H,)
        Gate biases, same block order.

    A tuple, so `LSTMParams(*layer.get_weights())` and
    `layer.set_weights(list(p))` work. Gradients returned by the backward
    functions are LSTMParams too. `p.gate("f")` is the forget gate's
    (W_x, W_h, b), views of shapes (D, H), (H, H), (H,).

    Shape checks, units, input_dim, dtype and gate() come from
    params.RecurrentParams; the arrays are kept, not copied, so an
    optimiser can update them in place.
    """

    GATE_ORDER = ("i", "f", "c", "o")

    __slots__ = ()


GATE_ORDER = LSTMParams.GATE_ORDER


def param_count(units, input_dim):
    """Trainable parameters of one LSTM layer: 4 gates, each with
    H (H + D + 1) weights.
    """
    for name, value in (("units", units), ("input_dim", input_dim)):
        if (not isinstance(value, (int, np.integer))
                or isinstance(value, bool) or value < 1):
            raise ValueError(
                f"{name} must be a positive integer; got {value!r}"
            )
    return 4 * units * (units + input_dim + 1)


def _gates(z, units):
    """Split pre-activations z (B, 4H) into the activated gates i, f, g, o,
    each (B, H).
    """
    z_i, z_f, z_c, z_o = LSTMParams.blocks(z, units)
    return sigmoid(z_i), sigmoid(z_f), np.tanh(z_c), sigmoid(z_o)


def _backward_through_gates(dh, dc, c_prev, i, f, g, o, tanh_c):
    """One step of the chain rule from (dh_t, dc_t) to dz (B, 4H) and
    dc_prev (B, H).

    dc is the gradient reaching c_t from the next step; h_t = o * tanh(c_t)
    adds the path through the hidden state.
    """
    do = dh * tanh_c
    dc = dc + dh * o * tanh_grad_from_output(tanh_c)
    df = dc * c_prev  # c_t = f * c_prev + i * g
    di = dc * g
    dg = dc * i
    dc_prev = dc * f
    dz = np.concatenate(
        [
            di * sigmoid_grad_from_output(i),
            df * sigmoid_grad_from_output(f),
            dg * tanh_grad_from_output(g),
            do * sigmoid_grad_from_output(o),
        ],
        axis=1,
    )
    return dz, dc_prev


class LSTMCellCache(NamedTuple):
    """What lstm_cell_backward needs from lstm_cell_forward."""

    x_t: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    # The activated gates and tanh(c_t), each (B, H); LSTMCache keeps the
    # same five names, so _backward_through_gates reads either cache.
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    tanh_c: np.ndarray
    params: LSTMParams


def lstm_cell_forward(x_t, h_prev, c_prev, params):
    """One LSTM step.

    Parameters
    ----------
    x_t : array (B, D)
    h_prev, c_prev : arrays (B, H)
        Hidden and cell state from the previous step.
    params : LSTMParams

    Returns
    -------
    h_t, c_t : arrays (B, H)
    cache : LSTMCellCache, for lstm_cell_backward

    A wrong shape, an empty batch or a NaN or inf in any input is a
    ValueError. The cache keeps copies of the inputs: changing them
    afterwards leaves the gradients alone.
    """
    p = as_params(params, LSTMParams)  # a checked copy
    x_t, batch = check_step("x_t", x_t, p.input_dim)  # a checked copy
    units = p.units
    dtype = np.result_type(x_t, p.dtype)
    h_prev = initial_state("h_prev", h_prev, batch, units, dtype)
    c_prev = initial_state("c_prev", c_prev, batch, units, dtype)

    # region: cell-step
    z = x_t @ p.kernel + h_prev @ p.recurrent_kernel + p.bias  # (B, 4H)
    i, f, g, o = _gates(z, units)
    c_t = f * c_prev + i * g
    tanh_c = np.tanh(c_t)
    h_t = o * tanh_c
    cache = LSTMCellCache(x_t, h_prev, c_prev, i, f, g, o, tanh_c, p)
    return h_t, c_t, cache
    # endregion


def lstm_cell_backward(dh_t, dc_t, cache):
    """Backward pass of one LSTM step.

    Parameters
    ----------
    dh_t, dc_t : arrays (B, H)
        Gradients of the loss with respect to h_t and c_t (dc_t from later
        steps; pass zeros, or None, if c_t feeds nothing else).
    cache : LSTMCellCache from lstm_cell_forward

    Returns
    -------
    dx_t (B, D), dh_prev (B, H), dc_prev (B, H),
    grads (LSTMParams of gradients)

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, LSTMCellCache,
                  "lstm_cell_forward returned as its third value")
    x_t, h_prev, c_prev, i, f, g, o, tanh_c, p = cache
    batch, units = h_prev.shape
    dh_t = initial_state("dh_t", dh_t, batch, units, h_prev.dtype)
    dc_t = initial_state("dc_t", dc_t, batch, units, h_prev.dtype)

    dz, dc_prev = _backward_through_gates(dh_t, dc_t, c_prev,
                                          i, f, g, o, tanh_c)  # dz (B, 4H)
    dx_t = dz @ p.kernel.T
    dh_prev = dz @ p.recurrent_kernel.T
    grads = LSTMParams(x_t.T @ dz, h_prev.T @ dz, dz.sum(axis=0))
    return dx_t, dh_prev, dc_prev, grads


class LSTMCache(NamedTuple):
    """What lstm_backward needs from lstm_forward; gate arrays are
    (B, T, H).
    """

    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    h_seq: np.ndarray
    c_seq: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    tanh_c: np.ndarray
    params: LSTMParams


def lstm_forward(x, params, h0=None, c0=None):
    """Run an LSTM over a batch of sequences.

    Parameters
    ----------
    x : array (B, T, D)
    params : LSTMParams
    h0, c0 : arrays (B, H), optional
        Initial hidden and cell state; zeros when omitted (as in Keras).

    Returns
    -------
    h_seq, c_seq : arrays (B, T, H)
        Hidden and cell state after every step; h_seq[:, -1] is what a
        Keras LSTM returns with return_sequences=False.
    cache : LSTMCache, for lstm_backward

    A wrong shape, an empty batch or sequence or a NaN or inf in any input
    is a ValueError. The cache keeps copies of the inputs and outputs:
    changing them afterwards leaves the gradients alone.
    """
    p = as_params(params, LSTMParams)  # a checked copy
    x, batch, steps = check_sequence(x, p.input_dim)  # a checked copy
    units = p.units
    dtype = np.result_type(x, p.dtype)
    h = h0 = initial_state("h0", h0, batch, units, dtype)
    c = c0 = initial_state("c0", c0, batch, units, dtype)

    # The input projection does not depend on the recurrence: one product
    # for all steps.
    xz = (x.reshape(batch * steps, -1) @ p.kernel + p.bias).reshape(
        batch, steps, 4 * units)
    h_seq, c_seq, i_seq, f_seq, g_seq, o_seq, tanh_c_seq = (
        np.empty((batch, steps, units), dtype=dtype) for _ in range(7)
    )
    for t in range(steps):
        i, f, g, o = _gates(xz[:, t] + h @ p.recurrent_kernel, units)
        c = f * c + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        h_seq[:, t], c_seq[:, t], tanh_c_seq[:, t] = h, c, tanh_c
        i_seq[:, t], f_seq[:, t], g_seq[:, t], o_seq[:, t] = i, f, g, o
    # The cache gets its own h_seq and c_seq, out of reach of changes to
    # the ones returned.
    cache = LSTMCache(x, h0, c0, h_seq.copy(), c_seq.copy(),
                      i_seq, f_seq, g_seq, o_seq, tanh_c_seq, p)
    return h_seq, c_seq, cache


def lstm_backward(dh_seq, cache, dc_last=None):
    """Backpropagation through time for lstm_forward.

    Parameters
    ----------
    dh_seq : array (B, T, H)
        Gradient of the loss with respect to every h_t (zeros where a
        step's output is unused, e.g. all but the last for a many-to-one
        model).
    cache : LSTMCache from lstm_forward
    dc_last : array (B, H), optional
        Gradient reaching the final cell state from outside the sequence
        (as in truncated BPTT); zeros when omitted.

    Returns
    -------
    dx (B, T, D), dh0 (B, H), dc0 (B, H), grads (LSTMParams of gradients)

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, LSTMCache,
                  "lstm_forward returned as its third value")
    x, h0, c0, h_seq, c_seq, i, f, g, o, tanh_c, p = cache
    batch, steps, units = h_seq.shape
    dh_seq = as_float_array("dh_seq", dh_seq)
    require_shape("dh_seq", dh_seq, (batch, steps, units),
                  "(batch, time, units)")
    require_finite("dh_seq", dh_seq)
    dc = initial_state("dc_last", dc_last, batch, units, h_seq.dtype)

    # (B, T, H): h_{t-1} for every t
    h_prev = np.concatenate([h0[:, None], h_seq[:, :-1]], axis=1)
    c_prev = np.concatenate([c0[:, None], c_seq[:, :-1]], axis=1)
    dz = np.empty((batch, steps, 4 * units), dtype=h_seq.dtype)
    dh_next = np.zeros((batch, units), dtype=h_seq.dtype)
    for t in reversed(range(steps)):
        dz[:, t], dc = _backward_through_gates(
            dh_seq[:, t] + dh_next, dc, c_prev[:, t],
            i[:, t], f[:, t], g[:, t], o[:, t], tanh_c[:, t],
        )
        dh_next = dz[:, t] @ p.recurrent_kernel.T

    # With dz known at every step, the weight gradients are single products
    # over all steps.
    dz_flat = dz.reshape(batch * steps, 4 * units)
    dx = (dz_flat @ p.kernel.T).reshape(x.shape)
    grads = LSTMParams(
        x.reshape(batch * steps, -1).T @ dz_flat,
        h_prev.reshape(batch * steps, units).T @ dz_flat,
        dz_flat.sum(axis=0),
    )
    return dx, dh_next, dc, grads
