"""Eight variants of the LSTM cell, after Greff et al. (2017), "LSTM: A
Search Space Odyssey": each removes or changes one part of the step.

One step, with row vectors and Keras' weight layout as in lstm.py; the
comment on each line says what the variants change there:

    z   = x_t kernel + h_{t-1} recurrent_kernel + bias   (B, 4H): i f c o
    z_i = z_i + p_i * c_{t-1}, z_f = z_f + p_f * c_{t-1}   peepholes only
    f   = sigmoid(z_f)             NFG: f = 1
    i   = sigmoid(z_i)             NIG: i = 1;  CIFG: i = 1 - f
    g   = tanh(z_c)                NIAF: g = z_c
    c_t = f * c_{t-1} + i * g
    z_o = z_o + p_o * c_t                                  peepholes only
    o   = sigmoid(z_o)             NOG: o = 1
    h_t = o * tanh(c_t)            NOAF: h_t = o * c_t

Our "vanilla" is Keras' LSTM without peepholes, the LSTM of lstm.py,
and every other variant changes that one. Greff et al.'s vanilla LSTM
has peepholes, so their NP (no peepholes) is our vanilla, their vanilla
is our "peepholes", and their NIG, NFG, ... keep the peepholes that ours
lack. Their FGR (full gate recurrence) is not here.

The peepholes (Gers and Schmidhuber 2000) are diagonal weights, one per
unit and gate: PeepholeParams adds an array peephole (3, H) with rows
p_i, p_f, p_o to the three LSTMParams arrays. The other variants take
LSTMParams; a weight block a variant does not use (the i block for NIG
and CIFG, f for NFG, o for NOG) changes nothing and gets a zero
gradient.
"""
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, check_sequence, initial_state,
                      require_cache, require_finite, require_number,
                      require_shape)
from .activations import (sigmoid, sigmoid_grad_from_output,
                          tanh_grad_from_output)
from .initializers import lstm_init
from .lstm import LSTMParams
from .params import as_params

VARIANTS = {
    "vanilla": "Keras' LSTM, no peepholes (lstm.py)",
    "NIG": "no input gate: i = 1",
    "NFG": "no forget gate: f = 1",
    "NOG": "no output gate: o = 1",
    "NIAF": "no input activation: g = z_c, not tanh(z_c)",
    "NOAF": "no output activation: h = o * c, not o * tanh(c)",
    "CIFG": "coupled input and forget gate: i = 1 - f",
    "peepholes": "i and f see c_{t-1}, o sees c_t, through (3, H) "
                 "diagonal weights",
}


class PeepholeParams(NamedTuple):
    """The parameters of the "peepholes" variant: LSTMParams' three
    arrays and the peephole weights.

    kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,) as in
    LSTMParams; peephole (3, H), rows p_i, p_f, p_o: the weights of
    c_{t-1} in z_i and z_f and of c_t in z_o, one per unit.
    `PeepholeParams(*lstm_params, peephole)` builds one.
    """

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray
    peephole: np.ndarray


class VariantCache(NamedTuple):
    """What variant_backward needs from variant_forward; gate arrays are
    (B, T, H).
    """

    variant: str
    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    h_seq: np.ndarray
    c_seq: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    a: np.ndarray  # the cell's output activation: tanh(c_t), NOAF c_t
    params: tuple  # LSTMParams, or PeepholeParams for "peepholes"


def check_variant(variant):
    """`variant` if it is a name in VARIANTS; an error listing them
    otherwise.
    """
    if not isinstance(variant, str) or variant not in VARIANTS:
        raise ValueError(f"variant must be one of {tuple(VARIANTS)}; "
                         f"got {variant!r}")
    return variant


def _checked_params(params, variant):
    """params as checked, finite copies: PeepholeParams for "peepholes",
    LSTMParams for the rest."""
    is_peephole = isinstance(params, PeepholeParams)
    if variant != "peepholes":
        if is_peephole:
            raise TypeError(f"variant {variant!r} takes LSTMParams; "
                            "PeepholeParams is for 'peepholes' only")
        return as_params(params, LSTMParams)
    if not is_peephole and (hasattr(params, "_fields") or not isinstance(
            params, (list, tuple)) or len(params) != 4):
        raise TypeError(
            "variant 'peepholes' takes PeepholeParams(kernel, "
            "recurrent_kernel, bias, peephole), e.g. "
            "PeepholeParams(*lstm_params, np.zeros((3, units))), or a "
            "list of those four arrays; got "
            + (f"a {type(params).__name__} of {len(params)}"
               if type(params) in (list, tuple)
               else type(params).__name__))
    p = as_params(list(params[:3]), LSTMParams)
    peephole = as_float_array("peephole", params[3], copy=True)
    require_shape("peephole", peephole, (3, p.units), "(3, units)")
    require_finite("peephole", peephole)
    return PeepholeParams(*p, peephole)


# region: variant-step
def _forward_step(z, c_prev, peephole, variant):
    """One step from the affine pre-activations z (B, 4H) and c_{t-1}:
    the gates i, f, g, o, c_t and its activation a, each (B, H)."""
    z_i, z_f, z_c, z_o = LSTMParams.blocks(z, c_prev.shape[1])
    ones = np.ones_like(c_prev)
    if variant == "peepholes":
        p_i, p_f, p_o = peephole  # (H,) each
        z_i = z_i + p_i * c_prev
        z_f = z_f + p_f * c_prev
    f = ones if variant == "NFG" else sigmoid(z_f)
    if variant == "NIG":
        i = ones
    elif variant == "CIFG":
        i = 1.0 - f
    else:
        i = sigmoid(z_i)
    g = z_c if variant == "NIAF" else np.tanh(z_c)
    c = f * c_prev + i * g
    if variant == "peepholes":
        z_o = z_o + p_o * c
    o = ones if variant == "NOG" else sigmoid(z_o)
    a = c if variant == "NOAF" else np.tanh(c)
    return i, f, g, o, c, a  # h_t = o * a


def _backward_step(dh, dc, c_prev, i, f, g, o, a, peephole, variant):
    """The chain rule through _forward_step: from dh_t and dc_t (the
    gradient reaching c_t from step t + 1) to dz (B, 4H), dc_prev."""
    zeros = np.zeros_like(dh)
    do = dh * a
    da = dh * o
    dc = dc + (da if variant == "NOAF" else da * tanh_grad_from_output(a))
    dz_o = zeros if variant == "NOG" else do * sigmoid_grad_from_output(o)
    if variant == "peepholes":
        p_i, p_f, p_o = peephole
        dc = dc + dz_o * p_o  # z_o saw c_t
    di = dc * g  # c_t = f * c_prev + i * g
    df = dc * c_prev
    dg = dc * i
    dc_prev = dc * f
    if variant == "CIFG":
        df = df - di  # i = 1 - f
    if variant in ("NIG", "CIFG"):
        dz_i = zeros
    else:
        dz_i = di * sigmoid_grad_from_output(i)
    dz_f = zeros if variant == "NFG" else df * sigmoid_grad_from_output(f)
    dz_c = dg if variant == "NIAF" else dg * tanh_grad_from_output(g)
    if variant == "peepholes":
        dc_prev = dc_prev + dz_i * p_i + dz_f * p_f  # z_i, z_f saw c_prev
    return np.concatenate([dz_i, dz_f, dz_c, dz_o], axis=1), dc_prev
# endregion


def variant_forward(x, params, variant, h0=None, c0=None):
    """Run an LSTM variant over a batch of sequences.

    Parameters
    ----------
    x : array (B, T, D)
    params : LSTMParams, or PeepholeParams for "peepholes"
    variant : str, a name in VARIANTS
    h0, c0 : arrays (B, H), optional
        Initial hidden and cell state; zeros when omitted.

    Returns
    -------
    h_seq, c_seq : arrays (B, T, H)
        Hidden and cell state after every step.
    cache : VariantCache, for variant_backward; its gate arrays i, f,
        g, o (B, T, H) show what the variant did (NIG: i == 1, ...).

    An unknown variant, a wrong shape, an empty batch or sequence or a
    NaN or inf is a ValueError; parameters of the wrong kind are a
    TypeError. "vanilla" computes exactly what lstm.lstm_forward does.
    """
    variant = check_variant(variant)
    p = _checked_params(params, variant)  # a checked copy
    x, batch, steps = check_sequence(x, p.kernel.shape[0])  # a copy
    units = p.recurrent_kernel.shape[0]
    dtype = np.result_type(x, *p)
    h = h0 = initial_state("h0", h0, batch, units, dtype)
    c = c0 = initial_state("c0", c0, batch, units, dtype)
    peephole = p.peephole if variant == "peepholes" else None

    xz = (x.reshape(batch * steps, -1) @ p.kernel + p.bias).reshape(
        batch, steps, 4 * units)  # (B, T, 4H)
    h_seq, c_seq, i_seq, f_seq, g_seq, o_seq, a_seq = (
        np.empty((batch, steps, units), dtype=dtype) for _ in range(7)
    )
    for t in range(steps):
        z = xz[:, t] + h @ p.recurrent_kernel  # (B, 4H)
        i, f, g, o, c, a = _forward_step(z, c, peephole, variant)
        h = o * a
        h_seq[:, t], c_seq[:, t], a_seq[:, t] = h, c, a
        i_seq[:, t], f_seq[:, t], g_seq[:, t], o_seq[:, t] = i, f, g, o
    cache = VariantCache(variant, x, h0, c0, h_seq.copy(), c_seq.copy(),
                         i_seq, f_seq, g_seq, o_seq, a_seq, p)
    return h_seq, c_seq, cache


def variant_backward(dh_seq, cache, dc_last=None):
    """Backpropagation through time for variant_forward.

    Parameters
    ----------
    dh_seq : array (B, T, H)
        Gradient of the loss with respect to every h_t.
    cache : VariantCache from variant_forward
    dc_last : array (B, H), optional
        Gradient reaching the final cell state from outside the
        sequence; zeros when omitted.

    Returns
    -------
    dx (B, T, D), dh0 (B, H), dc0 (B, H),
    grads : the type of the parameters (LSTMParams or PeepholeParams)
        of gradients; blocks the variant does not use are zeros.

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, VariantCache,
                  "variant_forward returned as its third value")
    variant, x, h0, c0, h_seq, c_seq, i, f, g, o, a, p = cache
    batch, steps, units = h_seq.shape
    dh_seq = as_float_array("dh_seq", dh_seq)
    require_shape("dh_seq", dh_seq, (batch, steps, units),
                  "(batch, time, units)")
    require_finite("dh_seq", dh_seq)
    dc = initial_state("dc_last", dc_last, batch, units, h_seq.dtype)
    peephole = p.peephole if variant == "peepholes" else None

    # (B, T, H): h_{t-1} and c_{t-1} for every t
    h_prev = np.concatenate([h0[:, None], h_seq[:, :-1]], axis=1)
    c_prev = np.concatenate([c0[:, None], c_seq[:, :-1]], axis=1)
    dz = np.empty((batch, steps, 4 * units), dtype=h_seq.dtype)
    dh_next = np.zeros((batch, units), dtype=h_seq.dtype)
    for t in reversed(range(steps)):
        dz[:, t], dc = _backward_step(
            dh_seq[:, t] + dh_next, dc, c_prev[:, t], i[:, t], f[:, t],
            g[:, t], o[:, t], a[:, t], peephole, variant)
        dh_next = dz[:, t] @ p.recurrent_kernel.T

    dz_flat = dz.reshape(batch * steps, 4 * units)
    dx = (dz_flat @ p.kernel.T).reshape(x.shape)
    grads = [
        x.reshape(batch * steps, -1).T @ dz_flat,
        h_prev.reshape(batch * steps, units).T @ dz_flat,
        dz_flat.sum(axis=0),
    ]
    if variant != "peepholes":
        return dx, dh_next, dc, LSTMParams(*grads)
    dz_i, dz_f, _, dz_o = LSTMParams.blocks(dz, units)  # (B, T, H) each
    dpeephole = np.stack([
        (dz_i * c_prev).sum(axis=(0, 1)),  # p_i saw c_{t-1}
        (dz_f * c_prev).sum(axis=(0, 1)),  # p_f saw c_{t-1}
        (dz_o * c_seq).sum(axis=(0, 1)),  # p_o saw c_t
    ])  # (3, H)
    return dx, dh_next, dc, PeepholeParams(*grads, dpeephole)


def variant_init(variant, units, input_dim, seed=0, forget_bias=1.0,
                 dtype=np.float64):
    """Initial parameters for a variant: lstm_init's (Keras' LSTM
    initialisers), the forget-gate bias set to forget_bias.

    Parameters
    ----------
    variant : str, a name in VARIANTS
    units, input_dim : positive ints (H and D)
    seed : int, None or a NumPy Generator, as for lstm_init; one seed
        gives every variant the same kernel, recurrent_kernel and bias.
    forget_bias : finite number, 1.0 as in Keras (unit_forget_bias).
        It is unused by NFG; CIFG's input gate starts at
        1 - sigmoid(forget_bias).
    dtype : floating type

    Returns
    -------
    LSTMParams, or PeepholeParams with peephole weights (3, H) of zero
    for "peepholes", which therefore starts as the vanilla LSTM does.
    """
    variant = check_variant(variant)
    forget_bias = require_number("forget_bias", forget_bias)
    params = lstm_init(units, input_dim, seed, dtype)
    params.gate("f")[2][:] = forget_bias  # a view into params.bias
    if variant != "peepholes":
        return params
    return PeepholeParams(*params, np.zeros((3, units), dtype=dtype))
