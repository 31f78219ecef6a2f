"""lstm_lib.lstm_fast: the same LSTM as lstm.py, rearranged for speed. It must agree with lstm.py to
rounding, pass the same finite-difference checks, accept the same arguments and refuse the same bad
input.

How close is "to rounding"? Each gate value of lstm_fast comes from tanh(z / 2) instead of
1 / (1 + exp(-z)), a few units in the last place (eps) apart; the state products and sums are the
same operations in the same order. A difference of a few eps in step k's values reaches step t
multiplied by a Jacobian product whose norm, for these weights of order one and T <= 8, stays below
about 10, so after T steps the states differ by at most about 10 * T * (a few eps): 1e-13 in
float64 (eps = 2.2e-16) and 5e-5 in float32 (eps = 1.2e-7) bound that with room to spare. The
gradients are sums over B * T such terms, so they are compared relative to their largest entry.
"""
import numpy as np
import pytest

from lstm_lib import lstm, lstm_fast
from lstm_lib.lstm import LSTMParams
from finite_differences import assert_matches_finite_differences
from keras_reference import random_weights

ATOL = {np.float64: 1e-13, np.float32: 5e-5}
SHAPES = [(2, 4, 3, 2), (1, 8, 2, 3), (3, 5, 1, 4), (2, 1, 2, 3)]  # (B, T, D, H); T = 1 too


def problem(rng, B, T, D, H, dtype=np.float64):
    params = LSTMParams(*(w.astype(dtype) for w in random_weights(rng, [(D, 4 * H), (H, 4 * H), (4 * H,)])))
    x = rng.normal(size=(B, T, D)).astype(dtype)
    h0, c0 = (rng.normal(size=(B, H)).astype(dtype) for _ in range(2))
    return params, x, h0, c0


def assert_close(ours, reference, atol, name):
    scale = max(1.0, float(np.abs(reference).max()))
    assert ours.dtype == reference.dtype, name
    np.testing.assert_allclose(ours, reference, rtol=0, atol=atol * scale, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("B,T,D,H", SHAPES)
def test_forward_agrees_with_the_readable_lstm(rng, dtype, B, T, D, H):
    params, x, h0, c0 = problem(rng, B, T, D, H, dtype)
    reference = lstm.lstm_forward(x, params, h0, c0)
    fast = lstm_fast.lstm_forward(x, params, h0, c0)
    for name, ours, theirs in zip(["h_seq", "c_seq"], fast[:2], reference[:2]):
        assert_close(ours, theirs, ATOL[dtype], name)
    for name in lstm.LSTMCache._fields[:-1]:
        assert_close(getattr(fast[2], name), getattr(reference[2], name), ATOL[dtype], f"cache.{name}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("B,T,D,H", SHAPES)
def test_backward_agrees_with_the_readable_lstm_from_either_cache(rng, dtype, B, T, D, H):
    params, x, h0, c0 = problem(rng, B, T, D, H, dtype)
    dh_seq = rng.normal(size=(B, T, H)).astype(dtype)
    dc_last = rng.normal(size=(B, H)).astype(dtype)
    _, _, cache = lstm.lstm_forward(x, params, h0, c0)
    reference = lstm.lstm_backward(dh_seq, cache, dc_last)
    _, _, fast_cache = lstm_fast.lstm_forward(x, params, h0, c0)
    names = ["dx", "dh0", "dc0", "kernel", "recurrent_kernel", "bias"]
    for which in (cache, fast_cache):
        dx, dh0, dc0, grads = lstm_fast.lstm_backward(dh_seq, which, dc_last)
        for name, ours, theirs in zip(names, [dx, dh0, dc0, *grads], [*reference[:3], *reference[3]]):
            assert_close(ours, theirs, ATOL[dtype], name)


@pytest.mark.parametrize("window", [1, 3, 7, 8, 50])
def test_backward_is_the_same_whatever_its_window(rng, monkeypatch, window):
    # The backward pass keeps dz for WINDOW steps at a time; windows that divide T, that do not,
    # that equal it and that exceed it must all give lstm.py's gradients.
    B, T, D, H = SHAPES[1]
    params, x, h0, c0 = problem(rng, B, T, D, H)
    dh_seq = rng.normal(size=(B, T, H))
    reference = lstm.lstm_backward(dh_seq, lstm.lstm_forward(x, params, h0, c0)[2])
    monkeypatch.setattr(lstm_fast, "WINDOW", window)
    ours = lstm_fast.lstm_backward(dh_seq, lstm_fast.lstm_forward(x, params, h0, c0)[2])
    for name, a, b in zip(["dx", "dh0", "dc0"], ours[:3], reference[:3]):
        assert_close(a, b, ATOL[np.float64], name)
    for name, a, b in zip(LSTMParams._fields, ours[3], reference[3]):
        assert_close(a, b, ATOL[np.float64], name)


def test_backward_reads_the_forward_gates_in_place_and_keeps_dz_for_a_window(rng):
    # With lstm_fast's own cache, the backward pass neither copies the (T, B, 4H) gate array nor
    # keeps dz for all T steps: everything it allocates together stays well below the gate
    # array's size (here, T = 200 >> WINDOW, and B, D small, so dx is small too).
    import tracemalloc

    B, T, D, H = 2, 200, 1, 16
    params, x, h0, c0 = problem(rng, B, T, D, H)
    h_seq, _, cache = lstm_fast.lstm_forward(x, params, h0, c0)
    gate_bytes, dh_seq = 4 * h_seq.nbytes, np.ones_like(h_seq)
    assert lstm_fast.WINDOW < T / 4
    tracemalloc.start()
    try:
        lstm_fast.lstm_backward(dh_seq, cache)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < gate_bytes / 2, (peak, gate_bytes)


@pytest.mark.parametrize("B,T,D,H", SHAPES[:2])
def test_gradients_match_finite_differences(rng, B, T, D, H):
    params, x, h0, c0 = problem(rng, B, T, D, H)
    upstream, upstream_c = rng.normal(size=(B, T, H)), rng.normal(size=(B, H))

    def loss(p=params, x=x, h0=h0, c0=c0):
        h_seq, c_seq, _ = lstm_fast.lstm_forward(x, p, h0, c0)
        return np.sum(h_seq * upstream) + np.sum(c_seq[:, -1] * upstream_c)

    _, _, cache = lstm_fast.lstm_forward(x, params, h0, c0)
    dx, dh0, dc0, grads = lstm_fast.lstm_backward(upstream, cache, dc_last=upstream_c)
    k, u, b = params
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(a, u, b)), k, grads.kernel, "kernel")
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(k, a, b)), u, grads.recurrent_kernel,
                                      "recurrent_kernel")
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(k, u, a)), b, grads.bias, "bias")
    assert_matches_finite_differences(lambda a: loss(x=a), x, dx, "x")
    assert_matches_finite_differences(lambda a: loss(h0=a), h0, dh0, "h0")
    assert_matches_finite_differences(lambda a: loss(c0=a), c0, dc0, "c0")


def test_results_share_no_memory_with_the_arguments_or_the_cache(rng):
    params, x, h0, c0 = problem(rng, 2, 3, 2, 3)
    h_seq, c_seq, cache = lstm_fast.lstm_forward(x, params, h0, c0)
    for arg in (x, h0, c0, *params):
        assert not any(np.shares_memory(arg, a) for a in (h_seq, c_seq, *cache[:-1]))
    assert not any(np.shares_memory(a, b) for a in (h_seq, c_seq) for b in cache[:-1])
    h_seq[:] = 0  # changing a result leaves the gradients alone
    dx, *_ = lstm_fast.lstm_backward(np.ones_like(h_seq), cache)
    reference = lstm.lstm_backward(np.ones_like(h_seq), lstm.lstm_forward(x, params, h0, c0)[2])[0]
    assert_close(dx, reference, ATOL[np.float64], "dx")


def test_bad_input_gets_the_readable_lstms_errors(rng):
    params, x, h0, c0 = problem(rng, 2, 3, 2, 3)
    for module in (lstm, lstm_fast):
        with pytest.raises(ValueError, match=r"x .*\(batch, time, input_dim\)"):
            module.lstm_forward(x[0], params)
        with pytest.raises(TypeError, match="lstm_forward returned as its third value"):
            module.lstm_backward(np.ones((2, 3, 3)), (1, 2, 3))
        _, _, cache = module.lstm_forward(x, params)
        with pytest.raises(ValueError, match="dh_seq"):
            module.lstm_backward(np.ones((2, 4, 3)), cache)


@pytest.mark.keras
def test_forward_and_gradients_match_keras(rng):
    from keras_reference import keras_forward_and_grads

    B, T, D, H = 2, 5, 3, 4
    params, x, h0, c0 = problem(rng, B, T, D, H)
    upstream = rng.normal(size=(B, T, H))
    out, keras_grads = keras_forward_and_grads("LSTM", list(params), x, [h0, c0], upstream)
    h_seq, _, cache = lstm_fast.lstm_forward(x, params, h0, c0)
    np.testing.assert_allclose(h_seq, out, rtol=0, atol=1e-10)
    dx, dh0, dc0, grads = lstm_fast.lstm_backward(upstream, cache)
    names = ["dx", "dh0", "dc0", "kernel", "recurrent_kernel", "bias"]
    for name, ours, theirs in zip(names, [dx, dh0, dc0, *grads], keras_grads):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8, err_msg=name)
