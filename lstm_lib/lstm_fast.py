"""The LSTM of lstm.py over whole sequences, rearranged for speed.

lstm.lstm_forward and lstm.lstm_backward are written to be read next to
the equations, and the chapters show them. These two functions compute the
same things, with the same arguments, results and cache, in fewer and
larger NumPy operations, for training that must be quick (benchmarks/
lstm_speed.py measures both against Keras and PyTorch). Three changes:

- Arrays are time-major, (T, B, ...), so each step reads and writes
  contiguous memory, and results go straight into preallocated arrays
  (out=) instead of temporaries.
- The four gate activations are one tanh call over the whole (B, 4H)
  pre-activation, through sigmoid(z) = (1 + tanh(z / 2)) / 2.
- In the backward pass, the slopes of the four gates come from one pass
  over the step's (B, 4H) gate array, and every result is written into
  a buffer allocated once, so no step allocates more than dc and the
  matrix product.

The results differ from lstm.py's only by rounding: the sigmoid through
tanh rounds differently, and the sums run in another order.
tests/test_lstm_fast.py checks the agreement, with a tolerance derived
there, and checks both against finite differences.
"""
import numpy as np

from ._shapes import (as_float_array, check_sequence, initial_state,
                      require_cache, require_finite, require_shape)
from .lstm import LSTMCache, LSTMParams
from .params import as_params

__all__ = ["lstm_forward", "lstm_backward"]


def _gate_affine(units, dtype):
    """(a, b), each (4H,), such that a * tanh(a * z) + b activates all
    four blocks of z at once.

    sigmoid(z) = (1 + tanh(z / 2)) / 2, so a = b = 1/2 on the gates i, f,
    o; a = 1, b = 0 leave tanh on the candidate. One tanh call over the
    whole (B, 4H) array costs less than four calls over its blocks.
    """
    scale = np.full(4 * units, 0.5, dtype=dtype)
    shift = np.full(4 * units, 0.5, dtype=dtype)
    candidate = LSTMParams.block("c", units)
    scale[candidate], shift[candidate] = 1.0, 0.0
    return scale, shift


def _activate_scaled_in_place(z, units, scale, shift):
    """lstm._gates in place, given a * z: z (B, 4H) is overwritten by the
    activated gates, and their views i, f, g, o are returned. Equal to
    lstm._gates to rounding (tests/test_lstm_fast.py checks how closely).
    """
    np.tanh(z, out=z)
    z *= scale
    z += shift
    return LSTMParams.blocks(z, units)


def _slope_times(value, factor, out, tanh=False):
    """out = (the activation's slope, from its output value) * factor,
    without temporaries: value (1 - value) for the sigmoid, 1 - value^2
    for tanh."""
    if tanh:
        np.multiply(value, value, out=out)
        np.subtract(1, out, out=out)
    else:
        np.subtract(1, value, out=out)
        out *= value
    out *= factor
    return out


def lstm_forward(x, params, h0=None, c0=None):
    """lstm.lstm_forward, faster: same arguments, results and cache.

    The arrays returned, and those in the cache, are (B, T, ...) views of
    time-major memory: they index like lstm.py's, but are not
    C-contiguous.
    """
    p = as_params(params, LSTMParams)  # a checked copy
    x, batch, steps = check_sequence(x, p.input_dim)  # a checked copy
    units = p.units
    dtype = np.result_type(x, p.dtype)
    h = h0 = initial_state("h0", h0, batch, units, dtype)
    c = c0 = initial_state("c0", c0, batch, units, dtype)

    # Time-major arrays (T, B, ...), so that each step reads and writes
    # contiguous memory. The input projection does not depend on the
    # recurrence: one product for all steps, written where the gates go.
    # The weights are scaled by a of _gate_affine once, here, rather than
    # z at every step: a is 1 or 1/2, so the products are exactly equal.
    scale, shift = _gate_affine(units, dtype)
    kernel, recurrent_kernel = p.kernel * scale, p.recurrent_kernel * scale
    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, B, D)
    gates = (x_tm.reshape(steps * batch, -1) @ kernel).reshape(
        steps, batch, 4 * units)  # i|f|g|o of every step
    gates += p.bias * scale
    h_tm, c_tm, tanh_c_tm = (np.empty((steps, batch, units), dtype)
                             for _ in range(3))
    recurrent = np.empty((batch, 4 * units), dtype)  # h_{t-1} W_h, reused
    for t in range(steps):
        z = gates[t]  # (B, 4H): a * z, the input part to which h adds
        z += np.matmul(h, recurrent_kernel, out=recurrent)
        i, f, g, o = _activate_scaled_in_place(z, units, scale, shift)
        c = np.multiply(f, c, out=c_tm[t])
        c += i * g
        tanh_c = np.tanh(c, out=tanh_c_tm[t])
        h = np.multiply(o, tanh_c, out=h_tm[t])

    def batch_major(a):  # (T, B, ...) -> (B, T, ...), a view
        return np.moveaxis(a, 0, 1)

    # The cache gets its own h_seq and c_seq, out of reach of changes to
    # the ones returned.
    cache = LSTMCache(batch_major(x_tm), h0, c0, batch_major(h_tm.copy()),
                      batch_major(c_tm.copy()),
                      *map(batch_major, LSTMParams.blocks(gates, units)),
                      batch_major(tanh_c_tm), p)
    return batch_major(h_tm), batch_major(c_tm), cache


def lstm_backward(dh_seq, cache, dc_last=None):
    """lstm.lstm_backward, faster: same arguments and results; takes the
    cache of either lstm_forward. dx is a (B, T, D) view of time-major
    memory."""
    require_cache(cache, LSTMCache,
                  "lstm_forward returned as its third value")
    x, h0, c0, *_, p = cache
    batch, steps, units = cache.h_seq.shape
    dh_seq = as_float_array("dh_seq", dh_seq)
    require_shape("dh_seq", dh_seq, (batch, steps, units),
                  "(batch, time, units)")
    require_finite("dh_seq", dh_seq)
    dtype = cache.h_seq.dtype
    dc = initial_state("dc_last", dc_last, batch, units, dtype)

    # Time-major views (T, B, ...) of what the forward pass kept, and the
    # four gates side by side, (T, B, 4H), as lstm_fast's forward pass
    # stores them (lstm.py's cache is copied into that layout).
    tanh_c, h_seq, c_seq, dh_seq, x = (
        np.moveaxis(a, 1, 0) for a in (cache.tanh_c, cache.h_seq,
                                       cache.c_seq, dh_seq, x))
    gates = _gates_side_by_side(cache, steps, batch, units)

    dz = np.empty((steps, batch, 4 * units), dtype=dtype)
    slope, dh, through_h = (np.empty((batch, n * units), dtype=dtype)
                            for n in (4, 1, 1))
    dh_next = np.zeros((batch, units), dtype=dtype)
    recurrent_t = np.ascontiguousarray(p.recurrent_kernel.T)  # (4H, H)
    for t in reversed(range(steps)):
        i, f, g, o = LSTMParams.blocks(gates[t], units)
        c_prev = c_seq[t - 1] if t else c0
        np.add(dh_seq[t], dh_next, out=dh)  # step t's loss, and step t+1's
        # h_t = o * tanh(c_t): the path from h_t into c_t completes dc_t
        _slope_times(tanh_c[t], o, through_h, tanh=True)
        dc = dc + np.multiply(through_h, dh, out=through_h)
        # each gate's gradient: what reaches it times what it multiplies
        dz_i, dz_f, dz_g, dz_o = LSTMParams.blocks(dz[t], units)
        np.multiply(dc, g, out=dz_i)  # di = dc * g
        np.multiply(dc, c_prev, out=dz_f)  # df = dc * c_prev
        np.multiply(dc, i, out=dz_g)  # dg = dc * i
        np.multiply(dh, tanh_c[t], out=dz_o)  # do = dh * tanh(c_t)
        # ... times its slope: s (1 - s) for the three sigmoid gates, all
        # four blocks at once, then 1 - g^2 for the candidate
        np.subtract(1, gates[t], out=slope)
        slope *= gates[t]
        _slope_times(g, 1, LSTMParams.blocks(slope, units)[2], tanh=True)
        dz[t] *= slope
        dc *= f  # dc_prev: c_{t-1} reaches c_t through f_t
        dh_next = dz[t] @ recurrent_t

    # With dz known at every step, the weight gradients are single products
    # over all steps; h_{t-1} is h0 at the first step, h_seq before.
    dz_flat = dz.reshape(steps * batch, 4 * units)
    dz_later = dz[1:].reshape((steps - 1) * batch, 4 * units)
    h_earlier = h_seq[:-1].reshape((steps - 1) * batch, units)
    dx = (dz_flat @ p.kernel.T).reshape(steps, batch, -1)
    grads = LSTMParams(
        x.reshape(steps * batch, -1).T @ dz_flat,
        h0.T @ dz[0] + h_earlier.T @ dz_later,
        dz_flat.sum(axis=0),
    )
    return np.moveaxis(dx, 0, 1), dh_next, dc, grads


def _gates_side_by_side(cache, steps, batch, units):
    """The cache's gates as one (T, B, 4H) array in the order i, f, g, o:
    the array lstm_fast.lstm_forward's views come from, or a copy."""
    views = [np.moveaxis(a, 1, 0) for a in (cache.i, cache.f, cache.g,
                                            cache.o)]
    base = cache.i.base
    if (base is not None and base.shape == (steps, batch, 4 * units)
            and all(v.base is base for v in views)
            and all(v.strides == base.strides for v in views)):
        blocks = LSTMParams.blocks(base, units)
        if all(_address(v) == _address(b) for v, b in zip(views, blocks)):
            return base
    return np.concatenate(views, axis=2)


def _address(a):
    return a.__array_interface__["data"][0]
