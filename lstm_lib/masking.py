"""Sequences of different lengths: padding, masks and a masked LSTM.

A batch holds sequences of one length T, so shorter ones are padded, and
a boolean mask (B, T) says which steps are real. At a masked step the
LSTM does what Keras' LSTM does with a mask (from keras.layers.Masking
or Embedding(mask_zero=True)): it skips the step and carries the state,

    h_t, c_t = h_{t-1}, c_{t-1}      where mask[:, t] is False,

so the padding, at the end ("post") or at the start ("pre"), leaves the
states untouched; h_seq[:, -1] and c_seq[:, -1] are the states after
each sequence's last real step. Keras' output at a masked step repeats
its previous output, which equals h_seq, with one difference: before a
sequence's first real step Keras outputs zeros, while the state is h0
(the same when h0 is omitted). With zero_output_for_mask=True, and on a
GPU through cuDNN (which takes "post" padding only), Keras outputs zeros
at every masked step; the states are carried all the same. In the
backward pass a masked step passes dh and dc straight to the step
before it, and its dx is zero.
"""
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, check_sequence, initial_state,
                      require_cache, require_finite, require_int,
                      require_number, require_shape)
from .lstm import LSTMParams, lstm_cell_backward, lstm_cell_forward
from .params import as_params

PADDING = ("post", "pre")


def _check_padding(padding):
    """padding as given, if it is "post" or "pre"."""
    if not isinstance(padding, str) or padding not in PADDING:
        raise ValueError(
            f'padding must be "post" or "pre"; got {padding!r}'
        )
    return padding


def _check_mask(mask, batch, steps):
    """mask as a (batch, steps) bool copy: booleans, or only 0 and 1."""
    if mask is None:
        raise ValueError("mask must be a (batch, time) array of True "
                         "(a real step) and False (padding); got None")
    array = np.asarray(mask)
    if array.dtype.kind != "b":
        array = as_float_array("mask", array)
        require_finite("mask", array)
        bad = (array != 0) & (array != 1)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                "mask must be boolean, or hold only 0 and 1; got "
                f"{array[where]!r} at index {where}"
            )
    require_shape("mask", array, (batch, steps), "(batch, time)")
    return array.astype(bool)  # a copy, the cache's to keep


def padding_mask(lengths, steps, padding="post"):
    """The mask of sequences of the given lengths, padded to `steps`.

    Parameters
    ----------
    lengths : sequence of B integers, each in [0, steps]
    steps : int >= 1
        T, the padded length.
    padding : "post" or "pre"
        Padding after the real steps (mask[b, :lengths[b]] True) or
        before them (mask[b, T - lengths[b]:] True).

    Returns
    -------
    mask : bool array (B, T)

    Raises a TypeError for lengths that are not integers, a ValueError
    for a length outside [0, steps] or padding other than "post"/"pre".
    """
    steps = require_int("steps", steps, minimum=1)
    padding = _check_padding(padding)
    lengths = np.asarray(lengths)
    if lengths.dtype.kind not in "iu":
        raise TypeError("lengths must be integers; got an array of "
                        f"dtype {lengths.dtype}")
    require_shape("lengths", lengths, (None,), "(batch,)")
    bad = (lengths < 0) | (lengths > steps)
    if bad.any():
        where = int(np.argmax(bad))
        raise ValueError(
            f"lengths must lie in [0, steps] = [0, {steps}]; got "
            f"{int(lengths[where])} at index {where}"
        )
    t = np.arange(steps)  # (T,)
    if padding == "post":
        return t[None, :] < lengths[:, None]  # (B, T)
    return t[None, :] >= steps - lengths[:, None]


def pad_sequences(sequences, padding="post", value=0.0):
    """Stack sequences of different lengths into one padded batch.

    Parameters
    ----------
    sequences : list of B arrays (T_b, D), the same D, T_b >= 1
    padding : "post" or "pre"
        Where the padding goes: after or before each sequence.
    value : float
        What the padded steps hold.

    Returns
    -------
    x : float array (B, T, D) with T = max T_b
    mask : bool array (B, T), True at the real steps

    The mask says which steps are real, so a real step that happens to
    equal `value` stays real (keras.layers.Masking would mask it).
    """
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise TypeError("sequences must be a non-empty list of (time, "
                        "input_dim) arrays; got "
                        f"{type(sequences).__name__} {sequences!r:.40}")
    padding = _check_padding(padding)
    value = require_number("value", value)
    arrays = []
    for b, seq in enumerate(sequences):
        name = f"sequences[{b}]"
        dim = arrays[0].shape[1] if arrays else None
        array = as_float_array(name, seq)
        require_shape(name, array, (None, dim), "(time, input_dim)")
        if len(array) == 0:
            raise ValueError(f"{name} must have at least one step; "
                             f"got shape {array.shape}")
        require_finite(name, array)
        arrays.append(array)
    lengths = np.array([len(a) for a in arrays])
    steps, dim = lengths.max(), arrays[0].shape[1]
    dtype = np.result_type(*arrays)
    x = np.full((len(arrays), steps, dim), value, dtype=dtype)
    mask = padding_mask(lengths, steps, padding)
    x[mask] = np.concatenate(arrays)  # rows of mask in order, b then t
    return x, mask


class MaskedLSTMCache(NamedTuple):
    """What masked_lstm_backward needs from masked_lstm_forward."""

    mask: np.ndarray  # (B, T) bool
    steps: tuple  # T LSTMCellCache, one per step
    input_dim: int


def masked_lstm_forward(x, params, mask, h0=None, c0=None):
    """Run an LSTM over padded sequences, skipping the masked steps.

    Parameters
    ----------
    x : array (B, T, D)
        Padded inputs; what the masked steps hold does not matter.
    params : LSTMParams
    mask : array (B, T) of bool, or of 0 and 1
        True (1) at a real step, False (0) at padding, anywhere in the
        sequence (padding_mask builds it from lengths).
    h0, c0 : arrays (B, H), optional
        Initial states; zeros when omitted (as in Keras).

    Returns
    -------
    h_seq, c_seq : arrays (B, T, H)
        The states after every step; at a masked step, the states of the
        step before (h0, c0 before the first real step). h_seq[:, -1]
        and c_seq[:, -1] are what Keras returns as its final states.
    cache : MaskedLSTMCache, for masked_lstm_backward

    A wrong shape, a NaN or inf, or a mask that is not boolean or 0/1 is
    a ValueError.
    """
    p = as_params(params, LSTMParams)  # a checked copy
    x, batch, steps = check_sequence(x, p.input_dim)
    mask = _check_mask(mask, batch, steps)
    units, dtype = p.units, np.result_type(x, p.dtype)
    h = initial_state("h0", h0, batch, units, dtype)
    c = initial_state("c0", c0, batch, units, dtype)

    h_seq = np.empty((batch, steps, units), dtype=dtype)
    c_seq = np.empty((batch, steps, units), dtype=dtype)
    caches = []
    # region: masked-forward
    for t in range(steps):
        h_new, c_new, cache = lstm_cell_forward(x[:, t], h, c, p)
        real = mask[:, t, None]  # (B, 1): a real step, or padding
        h = np.where(real, h_new, h)  # (B, H): padding keeps h_{t-1}
        c = np.where(real, c_new, c)
        h_seq[:, t], c_seq[:, t] = h, c
        caches.append(cache)
    # endregion
    return h_seq, c_seq, MaskedLSTMCache(mask, tuple(caches),
                                         p.input_dim)


def masked_lstm_backward(dh_seq, cache, dc_last=None):
    """Backpropagation through time for masked_lstm_forward.

    Parameters
    ----------
    dh_seq : array (B, T, H)
        Gradient of the loss with respect to every h_t of h_seq (zeros
        where a step's output is unused).
    cache : MaskedLSTMCache from masked_lstm_forward
    dc_last : array (B, H), optional
        Gradient reaching the final cell state c_seq[:, -1] from outside
        the sequence; zeros when omitted.

    Returns
    -------
    dx (B, T, D), zero at the masked steps; dh0 (B, H); dc0 (B, H);
    grads (LSTMParams of gradients)

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, MaskedLSTMCache,
                  "masked_lstm_forward returned as its third value")
    mask, caches, input_dim = cache
    p = caches[0].params
    batch, steps = mask.shape
    units, dtype = p.units, caches[0].h_prev.dtype
    dh_seq = as_float_array("dh_seq", dh_seq)
    require_shape("dh_seq", dh_seq, (batch, steps, units),
                  "(batch, time, units)")
    require_finite("dh_seq", dh_seq)
    dc = initial_state("dc_last", dc_last, batch, units, dtype)

    dx = np.empty((batch, steps, input_dim), dtype=dtype)
    grads = [np.zeros_like(w, dtype=dtype) for w in p]
    dh_next = np.zeros((batch, units), dtype=dtype)
    # region: masked-backward
    for t in reversed(range(steps)):
        dh = dh_seq[:, t] + dh_next  # (B, H): all that reaches h_t
        real = mask[:, t, None]  # (B, 1)
        # A padded row sends nothing into the cell: its dx_t, its share
        # of the weight gradients and its dh_prev, dc_prev are zero ...
        dx[:, t], dh_prev, dc_prev, step_grads = lstm_cell_backward(
            np.where(real, dh, 0.0), np.where(real, dc, 0.0), caches[t])
        # ... and passes dh, dc unchanged to the step before.
        dh_next = np.where(real, dh_prev, dh)
        dc = np.where(real, dc_prev, dc)
        grads = [g + s for g, s in zip(grads, step_grads)]
    # endregion
    return dx, dh_next, dc, LSTMParams(*grads)
