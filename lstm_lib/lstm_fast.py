"""The LSTM of lstm.py over whole sequences, rearranged for speed.

lstm.lstm_forward and lstm.lstm_backward are written to be read next to
the equations, and the chapters show them. These two functions compute the
same things, with the same arguments, results and cache, in fewer and
larger NumPy operations, for training that must be quick (benchmarks/
lstm_speed.py measures both against Keras and PyTorch). What changes:

- Arrays are time-major, (T, B, ...), so each step reads and writes
  contiguous memory, and results go straight into arrays allocated once
  (out=) instead of temporaries. The backward pass reads the forward
  pass's (T, B, 4H) gate array in place.
- The four activations are one tanh call over the step's (B, 4H)
  pre-activation, through sigmoid(z) = (1 + tanh(z / 2)) / 2: the
  weights of the three sigmoid gates are halved once, and after the tanh
  one multiply and one add over the whole array (by 1/2 and 1/2 on the
  sigmoid gates, 1 and 0 on the candidate) finish the job. NumPy is
  quicker over a whole contiguous array than over its column blocks.
- The bias is the weight of an extra input that is always 1: it joins
  the input product in the forward pass, and its gradient comes out of
  the kernel's gradient product in the backward pass.

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

WINDOW = 16  # steps of dz held at once in the backward pass


def _gate_affine(units, dtype):
    """(a, b), each (4H,), such that a * tanh(a * z) + b activates all
    four blocks of z at once: a = b = 1/2 on the sigmoid gates i, f, o
    (sigmoid(z) = (1 + tanh(z / 2)) / 2); a = 1, b = 0 on the candidate.
    """
    scale = np.full(4 * units, 0.5, dtype=dtype)
    shift = np.full(4 * units, 0.5, dtype=dtype)
    candidate = LSTMParams.block("c", units)
    scale[candidate], shift[candidate] = 1.0, 0.0
    return scale, shift


def _with_ones(x_tm):
    """x (T, B, D) as (T, B, D + 1), the last input always 1: the bias is
    its weight."""
    x_and_one = np.empty(x_tm.shape[:-1] + (x_tm.shape[-1] + 1,),
                         x_tm.dtype)
    x_and_one[..., :-1] = x_tm
    x_and_one[..., -1] = 1
    return x_and_one


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

    # The bias as the last row of the kernel, and the weights scaled by a
    # of _gate_affine once, here, rather than z at every step: a is 1 or
    # 1/2, so the products are exactly equal.
    scale, shift = _gate_affine(units, dtype)
    kernel_and_bias = np.vstack([p.kernel, p.bias]) * scale  # (D + 1, 4H)
    recurrent_kernel = p.recurrent_kernel * scale

    # The input projection does not depend on the recurrence: one product
    # for all steps, written where the gates go, (T, B, 4H).
    x_and_one = _with_ones(x.transpose(1, 0, 2))
    gates = np.empty((steps, batch, 4 * units), dtype)
    np.matmul(x_and_one.reshape(steps * batch, -1), kernel_and_bias,
              out=gates.reshape(steps * batch, -1))
    i, f, g, o = LSTMParams.blocks(gates, units)  # (T, B, H) views
    h_tm, c_tm, tanh_c_tm = (np.empty((steps, batch, units), dtype)
                             for _ in range(3))
    recurrent = np.empty((batch, 4 * units), dtype)  # h_{t-1} W_h, reused
    i_times_g = np.empty((batch, units), dtype)
    for t in range(steps):
        z = gates[t]  # the input part, to which h_{t-1}'s adds
        z += np.matmul(h, recurrent_kernel, out=recurrent)
        np.tanh(z, out=z)  # tanh(z / 2) on i, f, o; tanh(z) on g
        z *= scale
        z += shift  # sigmoid(z) = (1 + tanh(z / 2)) / 2 on i, f, o
        c = np.multiply(f[t], c, out=c_tm[t])
        c += np.multiply(i[t], g[t], out=i_times_g)
        tanh_c = np.tanh(c, out=tanh_c_tm[t])
        h = np.multiply(o[t], tanh_c, out=h_tm[t])

    def batch_major(a):  # (T, B, ...) -> (B, T, ...), a view
        return np.moveaxis(a, 0, 1)

    # The cache gets its own h_seq and c_seq, out of reach of changes to
    # the ones returned.
    cache = LSTMCache(batch_major(x_and_one[..., :-1]), h0, c0,
                      batch_major(h_tm.copy()), batch_major(c_tm.copy()),
                      *map(batch_major, (i, f, g, o)),
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
    # four gates side by side, (T, B, 4H), as this module's forward pass
    # stores them (lstm.py's cache is copied into that layout).
    tanh_c, h_seq, c_seq, dh_seq, x = (
        np.moveaxis(a, 1, 0) for a in (cache.tanh_c, cache.h_seq,
                                       cache.c_seq, dh_seq, x))
    gates = _gates_side_by_side(cache, steps, batch, units)
    i, f, g, o = LSTMParams.blocks(gates, units)

    # dz is kept for WINDOW steps at a time, not all T: after each window
    # its share of the weight gradients is added in with a few products,
    # while dz is still in the processor's cache.
    window = min(WINDOW, steps)
    dz = np.empty((window, batch, 4 * units), dtype=dtype)
    dz_i, dz_f, dz_g, dz_o = LSTMParams.blocks(dz, units)
    slope, dh, through_h = (np.empty((batch, n * units), dtype=dtype)
                            for n in (4, 1, 1))
    slope_g = LSTMParams.blocks(slope, units)[2]
    dh_next = np.zeros((batch, units), dtype=dtype)
    recurrent_t = np.ascontiguousarray(p.recurrent_kernel.T)  # (4H, H)
    x_and_one = _with_ones(x)  # (T, B, D + 1): the bias's gradient too
    dx = np.empty(x.shape, dtype=dtype)
    dkernel_and_bias = np.zeros((4 * units, x_and_one.shape[-1]), dtype)
    drecurrent = np.zeros((4 * units, units), dtype)  # both transposed
    for end in range(steps, 0, -window):
        start = max(end - window, 0)
        for t in reversed(range(start, end)):
            w = t - start  # step t's place in the window
            c_prev = c_seq[t - 1] if t else c0
            np.add(dh_seq[t], dh_next, out=dh)  # step t's loss, and t+1's
            # h_t = o * tanh(c_t): dc_t gains dh * o * (1 - tanh(c_t)^2)
            np.multiply(tanh_c[t], tanh_c[t], out=through_h)
            np.subtract(1, through_h, out=through_h)
            through_h *= o[t]
            through_h *= dh
            dc = dc + through_h
            # each gate's gradient: what reaches it times what it multiplies
            np.multiply(dc, g[t], out=dz_i[w])  # di = dc * g
            np.multiply(dc, c_prev, out=dz_f[w])  # df = dc * c_prev
            np.multiply(dc, i[t], out=dz_g[w])  # dg = dc * i
            np.multiply(dh, tanh_c[t], out=dz_o[w])  # do = dh * tanh(c_t)
            # ... times its slope: s (1 - s) for the three sigmoid gates,
            # over the whole array at once, then 1 - g^2 for the candidate
            np.subtract(1, gates[t], out=slope)
            slope *= gates[t]
            np.multiply(g[t], g[t], out=slope_g)
            np.subtract(1, slope_g, out=slope_g)
            dz[w] *= slope
            dc *= f[t]  # dc_prev: c_{t-1} reaches c_t through f_t
            np.matmul(dz[w], recurrent_t, out=dh_next)

        # The window's share of dx and of the weight gradients, each one
        # product over its steps; h_{t-1} is h0 at step 0, h_seq after.
        # Written as dz^T a, which OpenBLAS does faster than a^T dz.
        n = end - start
        dz_w = dz[:n].reshape(n * batch, 4 * units)
        dx[start:end] = (dz_w @ p.kernel.T).reshape(n, batch, -1)
        dkernel_and_bias += dz_w.T @ x_and_one[start:end].reshape(
            n * batch, -1)
        if start == 0:
            drecurrent += dz[0].T @ h0
            dz_w, n, start = dz_w[batch:], n - 1, 1
        drecurrent += dz_w.T @ h_seq[start - 1:end - 1].reshape(
            n * batch, units)

    grads = LSTMParams(np.ascontiguousarray(dkernel_and_bias[:, :-1].T),
                       np.ascontiguousarray(drecurrent.T),
                       dkernel_and_bias[:, -1].copy())
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
