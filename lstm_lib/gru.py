"""A NumPy GRU that stores its weights exactly as Keras' GRU does.

Shapes: B batch, T time steps, D input features, H units. Keras keeps the
three blocks side by side along the last axis, in the order z, r, h:

    kernel           (D, 3H)  input weights      [W_xz | W_xr | W_xh]
    recurrent_kernel (H, 3H)  recurrent weights  [W_hz | W_hr | W_hh]
    bias             (2, 3H)  row 0: input bias  [b_xz | b_xr | b_xh]
                              row 1: recurrent   [b_hz | b_hr | b_hh]

This is Keras' default, reset_after=True (Cho et al. 2014 with the reset
gate applied after the recurrent product, as cuDNN does). One step, with
row vectors as Keras uses them:

    xw = x_t kernel + bias[0]                  (B, 3H)  xw_z | xw_r | xw_h
    hu = h_{t-1} recurrent_kernel + bias[1]    (B, 3H)  hu_z | hu_r | hu_h
    z  = sigmoid(xw_z + hu_z)                  update gate
    r  = sigmoid(xw_r + hu_r)                  reset gate
    h~ = tanh(xw_h + r * hu_h)                 candidate state
    h_t = z * h_{t-1} + (1 - z) * h~           z keeps the old state

`GRUParams(*keras_gru.get_weights())` builds the parameters from a Keras
layer and `keras_gru.set_weights(list(params))` goes the other way.
Keras' reset_after=False layout (bias (3H,), the reset gate applied to
h_{t-1} before the product) is refused, not supported.
"""
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, check_sequence, check_step,
                      initial_state, require_bool, require_cache,
                      require_finite, require_int, require_shape)
from .activations import (sigmoid, sigmoid_grad_from_output,
                          tanh_grad_from_output)
from .params import RecurrentParams, as_params


class GRUParams(RecurrentParams):
    """The three GRU weight arrays in Keras' layout, shapes checked.

    Parameters
    ----------
    kernel : array (D, 3H)
        Input-to-gate weights, blocks z, r, h along the last axis.
    recurrent_kernel : array (H, 3H)
        Hidden-to-gate weights, same block order.
    bias : array (2, 3H)
        Row 0 the input bias (added to x_t kernel), row 1 the recurrent
        bias (added to h_{t-1} recurrent_kernel, so that the reset gate
        scales it in the candidate block); same block order.

    A tuple, so `GRUParams(*layer.get_weights())` and
    `layer.set_weights(list(p))` work for a Keras GRU built with its
    default reset_after=True. A 1-D bias, the layout of reset_after=False,
    is a ValueError. Gradients returned by the backward functions are
    GRUParams too. `p.gate("r")` is the reset gate's (W_x, W_h, b), views
    of shapes (D, H), (H, H), (2, H).

    Shape checks, units, input_dim, dtype and gate() come from
    params.RecurrentParams; the arrays are kept, not copied, so an
    optimiser can update them in place.
    """

    GATE_ORDER = ("z", "r", "h")
    BIAS_AXES = (2,)

    __slots__ = ()

    def __new__(cls, kernel, recurrent_kernel, bias):
        bias = as_float_array("bias", bias)
        if bias.ndim == 1:
            raise ValueError(
                "bias must have shape (2, 3 * units): this library "
                "implements Keras' default GRU, reset_after=True, whose "
                "bias has an input row and a recurrent row; got shape "
                f"{bias.shape}: the 1-D bias of a GRU built with "
                "reset_after=False, which this library does not support"
            )
        return super().__new__(cls, kernel, recurrent_kernel, bias)


def gru_param_count(units, input_dim, reset_after=True):
    """Trainable parameters of one Keras GRU layer.

    Parameters
    ----------
    units, input_dim : int, at least 1
    reset_after : bool
        Keras' default True has two bias rows, False one.

    Returns
    -------
    int: 3 blocks, each with H (H + D) weights and H or 2H biases.
    """
    units = require_int("units", units, 1)
    input_dim = require_int("input_dim", input_dim, 1)
    bias_rows = 2 if require_bool("reset_after", reset_after) else 1
    return 3 * units * (units + input_dim + bias_rows)


def _backward_through_gates(dh, h_prev, z, r, h_tilde, hu_h,
                            recurrent_kernel):
    """One step of the chain rule from dh_t (B, H) to dxw (B, 3H), dhu
    (B, 3H) and dh_prev (B, H).

    dh holds everything that reaches h_t; dxw and dhu are the gradients
    at the step's input projection xw and recurrent projection hu, and
    da_z, da_r, da_h those at the pre-activations of z, r and h~.
    """
    # region: gru-step-backward
    dz = dh * (h_prev - h_tilde)  # h_t = z * h_prev + (1 - z) * h~
    dh_tilde = dh * (1 - z)
    da_h = dh_tilde * tanh_grad_from_output(h_tilde)  # a_h = xw_h + r hu_h
    dr = da_h * hu_h
    da_z = dz * sigmoid_grad_from_output(z)
    da_r = dr * sigmoid_grad_from_output(r)
    dxw = np.concatenate([da_z, da_r, da_h], axis=1)  # (B, 3H)
    dhu = np.concatenate([da_z, da_r, r * da_h], axis=1)  # (B, 3H)
    dh_prev = dh * z + dhu @ recurrent_kernel.T
    # endregion
    return dxw, dhu, dh_prev


def _weight_grads(x, h_prev, dxw, dhu):
    """GRUParams of gradients from rows of x (N, D), h_prev (N, H) and
    the projections' gradients dxw, dhu (N, 3H).
    """
    bias = np.stack([dxw.sum(axis=0), dhu.sum(axis=0)])  # (2, 3H)
    return GRUParams(x.T @ dxw, h_prev.T @ dhu, bias)


class GRUCellCache(NamedTuple):
    """What gru_cell_backward needs from gru_cell_forward."""

    x_t: np.ndarray
    h_prev: np.ndarray
    # The gates, the candidate and the recurrent candidate term hu_h,
    # each (B, H); GRUCache keeps the same names.
    z: np.ndarray
    r: np.ndarray
    h_tilde: np.ndarray
    hu_h: np.ndarray
    params: GRUParams


def gru_cell_forward(x_t, h_prev, params):
    """One GRU step, as Keras' GRU (reset_after=True) computes it.

    Parameters
    ----------
    x_t : array (B, D)
    h_prev : array (B, H), or None for zeros
        Hidden state from the previous step.
    params : GRUParams, or the list keras_gru.get_weights() returns

    Returns
    -------
    h_t : array (B, H)
    cache : GRUCellCache, for gru_cell_backward

    A wrong shape, an empty batch or a NaN or inf in any input is a
    ValueError; parameters of another type are a TypeError. The cache
    keeps copies of the inputs: changing them afterwards leaves the
    gradients alone.
    """
    p = as_params(params, GRUParams)  # a checked copy
    x_t, batch = check_step("x_t", x_t, p.input_dim)  # a checked copy
    units = p.units
    dtype = np.result_type(x_t, p.dtype)
    h_prev = initial_state("h_prev", h_prev, batch, units, dtype)
    b_in, b_rec = p.bias  # the input and the recurrent bias, (3H,) each

    # region: gru-step
    xw = x_t @ p.kernel + b_in  # (B, 3H)
    hu = h_prev @ p.recurrent_kernel + b_rec  # (B, 3H)
    xw_z, xw_r, xw_h = GRUParams.blocks(xw, units)  # (B, H) each
    hu_z, hu_r, hu_h = GRUParams.blocks(hu, units)
    z = sigmoid(xw_z + hu_z)  # update gate
    r = sigmoid(xw_r + hu_r)  # reset gate
    h_tilde = np.tanh(xw_h + r * hu_h)  # candidate state
    h_t = z * h_prev + (1 - z) * h_tilde
    # endregion
    cache = GRUCellCache(x_t, h_prev, z, r, h_tilde, hu_h, p)
    return h_t, cache


def gru_cell_backward(dh_t, cache):
    """Backward pass of one GRU step.

    Parameters
    ----------
    dh_t : array (B, H), or None for zeros
        Gradient of the loss with respect to h_t.
    cache : GRUCellCache from gru_cell_forward

    Returns
    -------
    dx_t (B, D), dh_prev (B, H), grads (GRUParams of gradients, bias
    (2, 3H))

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, GRUCellCache,
                  "gru_cell_forward returned as its second value")
    x_t, h_prev, z, r, h_tilde, hu_h, p = cache
    batch, units = h_prev.shape
    dh_t = initial_state("dh_t", dh_t, batch, units, h_prev.dtype)

    dxw, dhu, dh_prev = _backward_through_gates(
        dh_t, h_prev, z, r, h_tilde, hu_h, p.recurrent_kernel)
    dx_t = dxw @ p.kernel.T
    return dx_t, dh_prev, _weight_grads(x_t, h_prev, dxw, dhu)


class GRUCache(NamedTuple):
    """What gru_backward needs from gru_forward; the gate arrays are
    (B, T, H).
    """

    x: np.ndarray
    h0: np.ndarray
    h_seq: np.ndarray
    z: np.ndarray
    r: np.ndarray
    h_tilde: np.ndarray
    hu_h: np.ndarray
    params: GRUParams


def gru_forward(x, params, h0=None):
    """Run a GRU over a batch of sequences.

    Parameters
    ----------
    x : array (B, T, D)
    params : GRUParams, or the list keras_gru.get_weights() returns
    h0 : array (B, H), optional
        Initial hidden state; zeros when omitted (as in Keras).

    Returns
    -------
    h_seq : array (B, T, H)
        Hidden state after every step; h_seq[:, -1] is what a Keras GRU
        returns with return_sequences=False.
    cache : GRUCache, for gru_backward

    A wrong shape, an empty batch or sequence or a NaN or inf in any input
    is a ValueError; parameters of another type are a TypeError. The
    cache keeps copies of the inputs and of h_seq: changing them
    afterwards leaves the gradients alone.
    """
    p = as_params(params, GRUParams)  # a checked copy
    x, batch, steps = check_sequence(x, p.input_dim)  # a checked copy
    units = p.units
    dtype = np.result_type(x, p.dtype)
    h = h0 = initial_state("h0", h0, batch, units, dtype)
    b_in, b_rec = p.bias

    # The input projection does not depend on the recurrence: one product
    # for all steps.
    xw = (x.reshape(batch * steps, -1) @ p.kernel + b_in).reshape(
        batch, steps, 3 * units)
    h_seq, z_seq, r_seq, h_tilde_seq, hu_h_seq = (
        np.empty((batch, steps, units), dtype=dtype) for _ in range(5)
    )
    for t in range(steps):
        xw_z, xw_r, xw_h = GRUParams.blocks(xw[:, t], units)
        hu_z, hu_r, hu_h = GRUParams.blocks(
            h @ p.recurrent_kernel + b_rec, units)
        z = sigmoid(xw_z + hu_z)
        r = sigmoid(xw_r + hu_r)
        h_tilde = np.tanh(xw_h + r * hu_h)
        h = z * h + (1 - z) * h_tilde
        h_seq[:, t], z_seq[:, t], r_seq[:, t] = h, z, r
        h_tilde_seq[:, t], hu_h_seq[:, t] = h_tilde, hu_h
    # The cache gets its own h_seq, out of reach of changes to the one
    # returned.
    cache = GRUCache(x, h0, h_seq.copy(), z_seq, r_seq, h_tilde_seq,
                     hu_h_seq, p)
    return h_seq, cache


def gru_backward(dh_seq, cache):
    """Backpropagation through time for gru_forward.

    Parameters
    ----------
    dh_seq : array (B, T, H)
        Gradient of the loss with respect to every h_t (zeros where a
        step's output is unused).
    cache : GRUCache from gru_forward

    Returns
    -------
    dx (B, T, D), dh0 (B, H), grads (GRUParams of gradients, bias
    (2, 3H))

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, GRUCache,
                  "gru_forward returned as its second value")
    x, h0, h_seq, z, r, h_tilde, hu_h, p = cache
    batch, steps, units = h_seq.shape
    dh_seq = as_float_array("dh_seq", dh_seq)
    require_shape("dh_seq", dh_seq, (batch, steps, units),
                  "(batch, time, units)")
    require_finite("dh_seq", dh_seq)

    # (B, T, H): h_{t-1} for every t
    h_prev = np.concatenate([h0[:, None], h_seq[:, :-1]], axis=1)
    dxw, dhu = (np.empty((batch, steps, 3 * units), dtype=h_seq.dtype)
                for _ in range(2))
    dh_next = np.zeros((batch, units), dtype=h_seq.dtype)
    for t in reversed(range(steps)):
        dxw[:, t], dhu[:, t], dh_next = _backward_through_gates(
            dh_seq[:, t] + dh_next, h_prev[:, t], z[:, t], r[:, t],
            h_tilde[:, t], hu_h[:, t], p.recurrent_kernel)

    # With dxw and dhu known at every step, the weight gradients are
    # single products over all steps.
    dxw, dhu = (d.reshape(batch * steps, 3 * units) for d in (dxw, dhu))
    dx = (dxw @ p.kernel.T).reshape(x.shape)
    grads = _weight_grads(x.reshape(batch * steps, -1),
                          h_prev.reshape(batch * steps, units), dxw, dhu)
    return dx, dh_next, grads
