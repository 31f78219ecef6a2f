"""A bidirectional LSTM: two LSTMs read the same sequence, one forwards
and one backwards, and their outputs are merged step by step, as
`keras.layers.Bidirectional(keras.layers.LSTM(H, ...))` does.

With x_0 ... x_{T-1} the steps of x (B, T, D):

    h_fwd[:, t] = state after reading x_0, ..., x_t        (B, T, H)
    h_bwd[:, t] = state after reading x_{T-1}, ..., x_t    (B, T, H)

h_fwd is lstm_forward(x); h_bwd is lstm_forward over x reversed in time,
flipped back so that step t of both halves sits at position t. So the
output at step t depends on every step of x, the later ones included:
a bidirectional layer reads the future and cannot forecast it.

With return_sequences=False each half is its state after reading the
whole sequence: h_fwd[:, -1] (last step, x_{T-1}) and h_bwd[:, 0] (the
backward LSTM's last step, at x_0).

merge_mode combines the halves as Keras does: "concat" (the default,
[h_fwd | h_bwd], 2H features), "sum", "ave" ((h_fwd + h_bwd) / 2),
"mul" (h_fwd * h_bwd), or None (the pair (h_fwd, h_bwd), unmerged).

Keras' get_weights() holds the forward LSTM's kernel, recurrent_kernel
and bias, then the backward LSTM's:
`BidirectionalParams.from_keras(layer.get_weights())` reads them and
`layer.set_weights(params.weights())` writes them back. The layer has
2 * lstm.param_count(H, D) parameters. In float64 Keras needs the dtype
on both the wrapper and the LSTM it wraps,
`Bidirectional(LSTM(H, dtype="float64"), dtype="float64")`: the wrapper
alone leaves the two LSTMs in float32, the LSTM alone gets its output
cast back to float32.
"""
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, check_sequence, initial_state,
                      require_bool, require_cache, require_finite,
                      require_shape)
from .lstm import LSTMCache, LSTMParams, lstm_backward, lstm_forward
from .params import as_params

MERGE_MODES = ("concat", "sum", "ave", "mul", None)


class _Directions(NamedTuple):
    forward: LSTMParams
    backward: LSTMParams


class BidirectionalParams(_Directions):
    """The weights of the forward and the backward LSTM.

    Parameters
    ----------
    forward, backward : LSTMParams, or (kernel, recurrent_kernel, bias)
        kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,) each; both
        directions have the same D and H.

    The arrays are kept, not copied, so an optimiser can update them in
    place: `Adam(p.weights())`. Gradients from bidirectional_backward are
    BidirectionalParams too.
    """

    __slots__ = ()

    def __new__(cls, forward, backward):
        forward = _direction_params("forward", forward)
        backward = _direction_params("backward", backward)
        if ((forward.input_dim, forward.units)
                != (backward.input_dim, backward.units)):
            raise ValueError(
                "forward and backward must have the same input_dim and "
                f"units; got (input_dim, units) = "
                f"{(forward.input_dim, forward.units)} and "
                f"{(backward.input_dim, backward.units)}"
            )
        return super().__new__(cls, forward, backward)

    @classmethod
    def from_keras(cls, weights):
        """From `Bidirectional(LSTM(H)).get_weights()`: six arrays, the
        forward LSTM's kernel, recurrent_kernel, bias, then the backward
        LSTM's. Every shape is checked before anything is kept.
        """
        weights = _six_arrays("weights", weights)
        return cls(tuple(weights[:3]), tuple(weights[3:]))

    def weights(self):
        """The six arrays in Keras' get_weights() order, not copies."""
        return [*self.forward, *self.backward]

    @property
    def units(self):
        """H, the units of each direction."""
        return self.forward.units

    @property
    def input_dim(self):
        """D, the number of input features."""
        return self.forward.input_dim


def _six_arrays(name, value):
    """value if it is a list or tuple of six (Keras' get_weights())."""
    expected = (f"{name} must be BidirectionalParams(forward, backward) "
                "or the six arrays of Bidirectional(LSTM(...))"
                ".get_weights(), the forward LSTM's kernel, "
                "recurrent_kernel, bias, then the backward LSTM's")
    if not isinstance(value, (list, tuple)) or hasattr(value, "_fields"):
        raise TypeError(f"{expected}; got {type(value).__name__}")
    if len(value) != 6:
        raise ValueError(f"{expected}; got a {type(value).__name__} "
                         f"of {len(value)}")
    return value


def _direction_params(direction, params, copy=False):
    """params of one direction as LSTMParams (a checked, finite copy if
    copy); errors name the direction."""
    if not isinstance(params, LSTMParams) and (
            hasattr(params, "_fields")
            or not isinstance(params, (list, tuple))):
        raise TypeError(
            f"{direction} must be LSTMParams or (kernel, "
            f"recurrent_kernel, bias); got {type(params).__name__}"
        )
    try:
        if copy:
            return as_params(params, LSTMParams)
        return LSTMParams(*params)
    except ValueError as exc:  # e.g. "kernel must have shape ..."
        raise ValueError(f"{direction} {exc}") from None


class BidirectionalCache(NamedTuple):
    """What bidirectional_backward needs from bidirectional_forward: the
    caches of both LSTMs (the backward one in reversed time).
    """

    forward: LSTMCache
    backward: LSTMCache
    merge_mode: object  # one of MERGE_MODES
    return_sequences: bool


def _check_merge_mode(merge_mode):
    """merge_mode if Keras knows it; an error listing the modes if not."""
    known = ", ".join(repr(mode) for mode in MERGE_MODES)
    if merge_mode is not None and not isinstance(merge_mode, str):
        raise TypeError(f"merge_mode must be one of {known}; got "
                        f"{type(merge_mode).__name__}")
    if merge_mode not in MERGE_MODES:
        raise ValueError(f"merge_mode must be one of {known}; "
                         f"got {merge_mode!r}")
    return merge_mode


def _initial_states(value, batch, units, dtype):
    """The four initial states in Keras' order, zeros where None."""
    names = ("h0 of the forward LSTM", "c0 of the forward LSTM",
             "h0 of the backward LSTM", "c0 of the backward LSTM")
    if value is None:
        value = (None,) * 4
    if not isinstance(value, (list, tuple)):
        raise TypeError(
            "initial_state must be None or a list of four (B, H) arrays "
            f"(h0, c0 forward, h0, c0 backward); got "
            f"{type(value).__name__}"
        )
    if len(value) != 4:
        raise ValueError(
            "initial_state must hold four arrays (h0, c0 of the forward, "
            f"then of the backward LSTM); got {len(value)}"
        )
    return [initial_state(f"initial_state[{k}] ({name})", state,
                          batch, units, dtype)
            for k, (name, state) in enumerate(zip(names, value))]


def _merge(h_fwd, h_bwd, merge_mode):
    """The two halves combined as Keras' merge_mode says; new arrays."""
    if merge_mode == "concat":
        return np.concatenate([h_fwd, h_bwd], axis=-1)  # (..., 2H)
    if merge_mode == "sum":
        return h_fwd + h_bwd
    if merge_mode == "ave":
        return (h_fwd + h_bwd) / 2
    if merge_mode == "mul":
        return h_fwd * h_bwd
    return h_fwd.copy(), h_bwd.copy()  # None: unmerged


def bidirectional_forward(x, params, merge_mode="concat",
                          return_sequences=True, initial_state=None):
    """Run a bidirectional LSTM over a batch of sequences.

    Parameters
    ----------
    x : array (B, T, D)
    params : BidirectionalParams, or the six arrays of Keras'
        get_weights()
    merge_mode : "concat", "sum", "ave", "mul" or None
        How the forward and backward halves combine (Keras' default
        "concat").
    return_sequences : bool
        True: an output at every step. False: only the states after
        reading the whole sequence, h_fwd[:, -1] and h_bwd[:, 0].
    initial_state : list of four arrays (B, H), optional
        h0, c0 of the forward LSTM, then h0, c0 of the backward LSTM
        (Keras' order); zeros when omitted, and any entry may be None.

    Returns
    -------
    h_seq : array (B, T, 2H) for "concat", (B, T, H) for the others; or
        the pair (h_fwd, h_bwd), each (B, T, H), for None. Without the
        time axis when return_sequences is False.
    cache : BidirectionalCache, for bidirectional_backward

    A wrong shape, an empty batch or sequence or a NaN or inf in any
    input is a ValueError, and so is an unknown merge_mode; a wrong type
    is a TypeError. The cache keeps copies of the inputs.
    """
    if not isinstance(params, BidirectionalParams):
        params = BidirectionalParams.from_keras(
            _six_arrays("params", params))
    p = BidirectionalParams._make(  # checked, finite copies
        _direction_params(direction, half, copy=True)
        for direction, half in zip(params._fields, params))
    merge_mode = _check_merge_mode(merge_mode)
    return_sequences = require_bool("return_sequences", return_sequences)
    x, batch, _ = check_sequence(x, p.input_dim)  # a checked copy
    dtype = np.result_type(x, p.forward.dtype, p.backward.dtype)
    h0_f, c0_f, h0_b, c0_b = _initial_states(initial_state, batch,
                                             p.units, dtype)

    # region: bidirectional-forward
    # h_fwd, h_bwd (B, T, H); step t of h_fwd has read x_0 ... x_t
    h_fwd, _, cache_fwd = lstm_forward(x, p.forward, h0_f, c0_f)
    x_rev = x[:, ::-1]  # x_{T-1}, ..., x_0
    h_rev, _, cache_bwd = lstm_forward(x_rev, p.backward, h0_b, c0_b)
    h_bwd = h_rev[:, ::-1]  # step t has read x_{T-1} ... x_t
    if not return_sequences:
        h_fwd, h_bwd = h_fwd[:, -1], h_bwd[:, 0]  # (B, H), all of x read
    h_seq = _merge(h_fwd, h_bwd, merge_mode)
    # endregion
    cache = BidirectionalCache(cache_fwd, cache_bwd, merge_mode,
                               return_sequences)
    return h_seq, cache


def _checked_gradient(name, value, shape, meaning):
    """An upstream gradient, its shape and values checked."""
    value = as_float_array(name, value)
    require_shape(name, value, shape, meaning)
    return require_finite(name, value)


def _split(dh_seq, h_fwd, h_bwd, merge_mode):
    """dh_seq, the gradient of the merged output, as (dh_fwd, dh_bwd)."""
    shape = h_fwd.shape
    axes = "(batch, time, " if len(shape) == 3 else "(batch, "
    if merge_mode is None:
        if (not isinstance(dh_seq, (list, tuple))
                or hasattr(dh_seq, "_fields") or len(dh_seq) != 2):
            raise TypeError(
                "dh_seq must be a pair (dh_fwd, dh_bwd) for merge_mode "
                f"None; got {type(dh_seq).__name__}"
            )
        return tuple(_checked_gradient(f"dh_seq[{k}]", dh, shape,
                                       axes + "units)")
                     for k, dh in enumerate(dh_seq))
    if merge_mode == "concat":
        dh_seq = _checked_gradient("dh_seq", dh_seq,
                                   (*shape[:-1], 2 * shape[-1]),
                                   axes + "2 * units)")
        return np.split(dh_seq, 2, axis=-1)
    dh_seq = _checked_gradient("dh_seq", dh_seq, shape, axes + "units)")
    if merge_mode == "sum":
        return dh_seq, dh_seq
    if merge_mode == "ave":
        return dh_seq / 2, dh_seq / 2
    return dh_seq * h_bwd, dh_seq * h_fwd  # "mul"


def bidirectional_backward(dh_seq, cache):
    """Backpropagation through time for bidirectional_forward.

    Parameters
    ----------
    dh_seq : array
        Gradient of the loss with respect to the output h_seq, of its
        shape: (B, T, 2H) for "concat", (B, T, H) for the other modes,
        a pair of (B, T, H) for None; without T if return_sequences was
        False.
    cache : BidirectionalCache from bidirectional_forward

    Returns
    -------
    dx : array (B, T, D)
    dinitial_state : list of four arrays (B, H)
        dh0, dc0 of the forward LSTM, then of the backward one (the
        order of initial_state).
    grads : BidirectionalParams of gradients

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, BidirectionalCache,
                  "bidirectional_forward returned as its second value")
    cache_fwd, cache_bwd, merge_mode, return_sequences = cache
    h_fwd, h_bwd = cache_fwd.h_seq, cache_bwd.h_seq[:, ::-1]  # (B, T, H)
    if not return_sequences:
        h_fwd, h_bwd = h_fwd[:, -1], h_bwd[:, 0]  # (B, H)
    dh_fwd, dh_bwd = _split(dh_seq, h_fwd, h_bwd, merge_mode)
    if not return_sequences:  # only the last step of each LSTM was used
        dh_fwd_last, dh_bwd_last = dh_fwd, dh_bwd
        dh_fwd = np.zeros(cache_fwd.h_seq.shape, dtype=dh_fwd.dtype)
        dh_bwd = np.zeros(cache_bwd.h_seq.shape, dtype=dh_bwd.dtype)
        dh_fwd[:, -1], dh_bwd[:, 0] = dh_fwd_last, dh_bwd_last

    # region: bidirectional-backward
    dx, dh0_f, dc0_f, grads_fwd = lstm_backward(dh_fwd, cache_fwd)
    dh_rev = dh_bwd[:, ::-1]  # back into the backward LSTM's time order
    dx_rev, dh0_b, dc0_b, grads_bwd = lstm_backward(dh_rev, cache_bwd)
    dx = dx + dx_rev[:, ::-1]  # (B, T, D); x feeds both LSTMs
    # endregion
    grads = BidirectionalParams(grads_fwd, grads_bwd)
    return dx, [dh0_f, dc0_f, dh0_b, dc0_b], grads
