"""The NumPy RNN against Keras' SimpleRNN and against finite differences."""
import numpy as np
import pytest

from lstm_lib.rnn import RNNParams, rnn_backward, rnn_cell_forward, rnn_forward
from finite_differences import assert_matches_finite_differences
from keras_reference import SHAPES, keras_forward_and_grads, random_weights


def rnn_problem(rng, B, T, D, H):
    params = RNNParams(*random_weights(rng, [(D, H), (H, H), (H,)]))
    return params, rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, T, H))


@pytest.mark.keras
@pytest.mark.parametrize("B,T,D,H", SHAPES)
def test_forward_and_gradients_match_keras(rng, B, T, D, H):
    params, x, h0, upstream = rnn_problem(rng, B, T, D, H)
    out, keras_grads = keras_forward_and_grads("SimpleRNN", list(params), x, [h0], upstream)

    h_seq, cache = rnn_forward(x, params, h0)
    np.testing.assert_allclose(h_seq, out, rtol=0, atol=1e-10)

    dx, dh0, grads = rnn_backward(upstream, cache)
    for name, ours, theirs in zip(["dx", "dh0", "kernel", "recurrent_kernel", "bias"], [dx, dh0, *grads], keras_grads):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8, err_msg=name)


@pytest.mark.parametrize("B,T,D,H", [(2, 5, 3, 4), (1, 8, 1, 2)])
def test_gradients_match_finite_differences(rng, B, T, D, H):
    params, x, h0, upstream = rnn_problem(rng, B, T, D, H)

    def loss(p=params, x=x, h0=h0):
        return np.sum(rnn_forward(x, p, h0)[0] * upstream)

    dx, dh0, grads = rnn_backward(upstream, rnn_forward(x, params, h0)[1])
    k, u, b = params
    assert_matches_finite_differences(lambda a: loss(p=RNNParams(a, u, b)), k, grads.kernel, "kernel")
    assert_matches_finite_differences(lambda a: loss(p=RNNParams(k, a, b)), u, grads.recurrent_kernel, "recurrent_kernel")
    assert_matches_finite_differences(lambda a: loss(p=RNNParams(k, u, a)), b, grads.bias, "bias")
    assert_matches_finite_differences(lambda a: loss(x=a), x, dx, "dx")
    assert_matches_finite_differences(lambda a: loss(h0=a), h0, dh0, "dh0")


def test_cell_forward_is_one_step_of_the_sequence(rng):
    params, x, h0, _ = rnn_problem(rng, 3, 4, 2, 5)
    h_seq, _ = rnn_forward(x, params, h0)
    # rnn_forward adds the bias before the recurrent term, the cell after: the same sum in
    # another order, equal to within a few u (1.1e-16) times the terms' size (below 5 here)
    np.testing.assert_allclose(rnn_cell_forward(x[:, 0], h0, params), h_seq[:, 0], atol=1e-14)
    np.testing.assert_allclose(rnn_cell_forward(x[:, 3], h_seq[:, 2], params), h_seq[:, 3], atol=1e-14)


def test_float32_in_float32_out(rng):
    params, x, h0, upstream = rnn_problem(rng, 2, 3, 2, 3)
    p32 = RNNParams(*(w.astype(np.float32) for w in params))
    h_seq, cache = rnn_forward(x.astype(np.float32), p32)
    dx, dh0, grads = rnn_backward(upstream.astype(np.float32), cache)
    assert {a.dtype for a in (h_seq, dx, dh0, *grads)} == {np.dtype(np.float32)}
