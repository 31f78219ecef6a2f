"""Additive attention over an LSTM's hidden states: NumPy and Keras.

A forecaster that reads only h_T forgets where in the window the useful
days were. Attention pools all the hidden states h_1 .. h_T instead,
weighting each step by a learned score. Shapes: B batch, T steps, H the
LSTM's units, A the attention's units. In the text, with columns,

    u_t     = tanh(W_a h_t + b_a)         (A,)  W_a is A x H
    e_t     = v^T u_t                     a scalar score per step
    alpha   = softmax(e_1, ..., e_T)      (T,)  positive, sums to 1
    context = sum_t alpha_t h_t           (H,)

and in code, with rows as Keras stores them:

    kernel (H, A) = W_a^T      bias (A,) = b_a      v (A,) = v

Why this form. The one-score form e_t = tanh(w^T h_t + b), found in
many LSTM-with-attention stock predictors, bounds every score to
(-1, 1), so no weight can exceed e^2 = 7.4 times another: over a window
of 60 days the largest weight is at most 7.4 / (7.4 + 59) = 0.11 and
the model cannot learn to look mainly at a few days. The form above is
Bahdanau et al.'s (2015) additive score with a learned vector v in
place of a decoder state, as in Yang et al.'s (2016) attention pooling.
Its scores are bounded only by the sum of |v|, which training sets, and
it contains the one-score form: A = 1 and v = [1].

`attention_forward` and `attention_backward` are the NumPy pair.
`keras_attention_layer()` returns `TemporalAttention`, the same
computation as a Keras layer. Keras is imported only inside that
function, and the class is defined there, because a Keras layer class
needs Keras to exist: so `import lstm_lib.attention` never loads
TensorFlow and the NumPy part works without it. (A second module would
hide the same import behind a module name, and a module `__getattr__`
would hide it behind an attribute; a call says plainly that it loads
Keras.) The class is made and registered with Keras once, on the first
call; call the function before `keras.models.load_model` in a new
session, so that Keras can find the class a saved model names.
`AttentionParams(*layer.get_weights())` and
`layer.set_weights(list(params))` move weights between the two.
No masks: every window has all its T steps, and a masked input to the
layer is a ValueError rather than attention paid to padding.
"""
import functools
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, require_bool, require_cache,
                      require_finite, require_int, require_shape)
from .initializers import glorot_uniform
from .keras_setup import load_keras

__all__ = ["AttentionParams", "AttentionCache", "attention_init",
           "attention_forward", "attention_backward",
           "keras_attention_layer"]


class _Weights(NamedTuple):
    kernel: np.ndarray
    bias: np.ndarray
    v: np.ndarray


class AttentionParams(_Weights):
    """The attention's three weight arrays, in the Keras layer's order.

    Parameters
    ----------
    kernel : array (H, A)
        W_a transposed: h_t @ kernel is W_a h_t.
    bias : array (A,)
        b_a.
    v : array (A,)
        The score vector: e_t = u_t @ v.

    Shapes are checked (H, A >= 1); the arrays are kept, not copied, so
    an optimiser can update them in place. NaN and inf are refused by the
    functions that compute with them.
    """

    __slots__ = ()

    def __new__(cls, kernel, bias, v):
        kernel, bias, v = (as_float_array(name, value) for name, value
                           in zip(cls._fields, (kernel, bias, v)))
        if kernel.ndim != 2 or 0 in kernel.shape:
            raise ValueError(
                "kernel must be a 2-D array of shape (input_dim, units) "
                f"= (H, A) with H, A >= 1; got shape {kernel.shape}")
        units = kernel.shape[1]
        meaning = f"(units,) with units={units}"
        require_shape("bias", bias, (units,), meaning)
        require_shape("v", v, (units,), meaning)
        return super().__new__(cls, kernel, bias, v)

    @property
    def units(self):
        """A, the attention's units."""
        return self.kernel.shape[1]

    @property
    def input_dim(self):
        """H, the length of each hidden state attended over."""
        return self.kernel.shape[0]


def _as_attention_params(params):
    """params as AttentionParams of finite, copied arrays."""
    if not isinstance(params, AttentionParams):
        expected = ("params must be AttentionParams(kernel, bias, v) or a "
                    "list of those three arrays (layer.get_weights())")
        if not isinstance(params, (list, tuple)) or hasattr(
                params, "_fields"):
            raise TypeError(f"{expected}; got {type(params).__name__}")
        if len(params) != 3:
            raise ValueError(f"{expected}; got a {type(params).__name__} "
                             f"of {len(params)}")
        params = AttentionParams(*params)
    for name, array in zip(params._fields, params):
        require_finite(name, array)
    return AttentionParams._make(array.copy() for array in params)


def attention_init(units, input_dim, seed=0, dtype=np.float64):
    """AttentionParams drawn as TemporalAttention draws them.

    Parameters
    ----------
    units : int >= 1
        A, the attention's units.
    input_dim : int >= 1
        H, the units of the LSTM whose states are attended over.
    seed : int >= 0, NumPy Generator or None
    dtype : floating type

    Returns
    -------
    AttentionParams: kernel (H, A) Glorot-uniform, bias (A,) zeros, v
    (A,) uniform on [-l, l] with l = sqrt(3 / A), the limit Keras'
    glorot_uniform gives a 1-D weight (fan_in = fan_out = A). A zero v
    would make every weight 1/T and leave kernel and bias without a
    gradient.
    """
    units = require_int("units", units, 1)
    input_dim = require_int("input_dim", input_dim, 1)
    if seed is not None and not isinstance(seed, np.random.Generator):
        seed = require_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    kernel = glorot_uniform((input_dim, units), rng, dtype)
    bias = np.zeros(units, dtype=kernel.dtype)
    limit = np.sqrt(3.0 / units)
    v = rng.uniform(-limit, limit, size=units).astype(kernel.dtype)
    return AttentionParams(kernel, bias, v)


class AttentionCache(NamedTuple):
    """What attention_backward needs from attention_forward."""

    h_seq: np.ndarray  # (B, T, H), a copy of the input
    u: np.ndarray  # (B, T, A), tanh(h_seq @ kernel + bias)
    weights: np.ndarray  # (B, T), alpha
    params: AttentionParams


def attention_forward(h_seq, params):
    """Additive attention pooling over the time axis.

    Parameters
    ----------
    h_seq : array (B, T, H)
        Hidden states, e.g. an LSTM's h_seq (Keras' return_sequences=True).
    params : AttentionParams, or the list layer.get_weights() returns

    Returns
    -------
    context : array (B, H)
        sum_t weights[:, t] * h_seq[:, t].
    weights : array (B, T)
        The attention weights alpha, positive, each row summing to 1.
    cache : AttentionCache, for attention_backward

    A wrong shape, an empty batch or sequence, or a NaN or inf is a
    ValueError; parameters of another type are a TypeError.
    """
    p = _as_attention_params(params)  # a checked copy
    h_seq = as_float_array("h_seq", h_seq, copy=True)
    require_shape("h_seq", h_seq, (None, None, p.input_dim),
                  "(batch, time, input_dim)")
    if 0 in h_seq.shape[:2]:
        raise ValueError("h_seq must hold at least one sequence and one "
                         f"time step; got shape {h_seq.shape}")
    require_finite("h_seq", h_seq)

    # region: attention-forward
    u = np.tanh(h_seq @ p.kernel + p.bias)  # (B, T, A)
    scores = u @ p.v  # (B, T), e_t
    shifted = scores - scores.max(axis=1, keepdims=True)  # all <= 0
    exp = np.exp(shifted)  # in (0, 1]: no overflow
    weights = exp / exp.sum(axis=1, keepdims=True)  # (B, T), alpha
    context = np.einsum("bt,bth->bh", weights, h_seq)  # (B, H)
    # endregion
    return context, weights, AttentionCache(h_seq, u, weights, p)


def attention_backward(dcontext, cache):
    """Backward pass of attention_forward.

    Parameters
    ----------
    dcontext : array (B, H)
        Gradient of the loss with respect to the context.
    cache : AttentionCache from attention_forward

    Returns
    -------
    dh_seq : array (B, T, H)
        Through both paths: h_t as a value pooled and through its score.
    grads : AttentionParams of gradients, shapes as the parameters.

    Any other cache is a TypeError; a wrong shape or a NaN or inf is a
    ValueError.
    """
    require_cache(cache, AttentionCache,
                  "attention_forward returned as its third value")
    h_seq, u, weights, p = cache
    dcontext = as_float_array("dcontext", dcontext)
    require_shape("dcontext", dcontext, (h_seq.shape[0], h_seq.shape[2]),
                  "(batch, input_dim)")
    require_finite("dcontext", dcontext)

    # region: attention-backward
    dh_seq = weights[:, :, None] * dcontext[:, None, :]  # (B, T, H)
    dweights = np.einsum("bh,bth->bt", dcontext, h_seq)  # (B, T)
    # softmax: de_t = alpha_t (dalpha_t - sum_s alpha_s dalpha_s)
    mean = (weights * dweights).sum(axis=1, keepdims=True)  # (B, 1)
    dscores = weights * (dweights - mean)  # (B, T)
    dv = np.einsum("bt,bta->a", dscores, u)  # (A,)
    du = dscores[:, :, None] * p.v  # (B, T, A)
    da = du * (1 - u * u)  # at tanh's input
    dkernel = np.einsum("bth,bta->ha", h_seq, da)  # (H, A)
    dbias = da.sum(axis=(0, 1))  # (A,)
    dh_seq += da @ p.kernel.T
    # endregion
    return dh_seq, AttentionParams(dkernel, dbias, dv)


@functools.cache
def keras_attention_layer():
    """The Keras layer TemporalAttention (made and registered once).

    Imports Keras (through keras_setup.load_keras), which is why this is
    a function: `import lstm_lib.attention` stays free of TensorFlow.

    TemporalAttention(units, return_weights=False, **layer_kwargs) maps
    hidden states (B, T, H) to the context (B, H), or to (context,
    weights (B, T)) with return_weights=True, exactly as
    attention_forward does. Its weights are kernel (H, A), bias (A,) and
    v (A,), in AttentionParams' order, initialised as attention_init
    draws them. It is registered as "lstm_lib>TemporalAttention", so a
    model saved with it reloads once this function has been called.
    """
    keras = load_keras()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="lstm_lib")
    class TemporalAttention(keras.layers.Layer):
        """Additive attention pooling over time; see lstm_lib.attention.

        units : int >= 1, A. return_weights : bool, also return the
        weights (B, T). Other keyword arguments (name, dtype, ...) go to
        keras.layers.Layer.
        """

        def __init__(self, units, return_weights=False, **kwargs):
            super().__init__(**kwargs)
            self.units = require_int("units", units, 1)
            self.return_weights = require_bool("return_weights",
                                               return_weights)

        def build(self, input_shape):
            shape = tuple(input_shape)
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(
                    "TemporalAttention needs inputs of shape (batch, "
                    "time, features) with features known, e.g. from an "
                    f"LSTM with return_sequences=True; got {shape}")
            limit = float(np.sqrt(3.0 / self.units))
            self.kernel = self.add_weight(
                shape=(shape[-1], self.units), name="kernel",
                initializer="glorot_uniform")
            self.bias = self.add_weight(shape=(self.units,), name="bias",
                                        initializer="zeros")
            self.v = self.add_weight(
                shape=(self.units,), name="v",
                initializer=keras.initializers.RandomUniform(-limit,
                                                             limit))

        def call(self, inputs, mask=None):
            if mask is not None:
                raise ValueError("TemporalAttention does not support "
                                 "masks: give it windows of equal length")
            u = ops.tanh(ops.matmul(inputs, self.kernel) + self.bias)
            scores = ops.sum(u * self.v, axis=-1)  # (B, T), e_t
            top = ops.max(scores, axis=1, keepdims=True)
            exp = ops.exp(scores - top)  # (B, T), in (0, 1]
            weights = exp / ops.sum(exp, axis=1, keepdims=True)
            context = ops.sum(weights[:, :, None] * inputs, axis=1)
            return (context, weights) if self.return_weights else context

        def get_config(self):
            return {**super().get_config(), "units": self.units,
                    "return_weights": self.return_weights}

    TemporalAttention.__qualname__ = "TemporalAttention"
    return TemporalAttention
