"""No result of the numeric modules shares memory with an input, and a cache is out of reach of the
caller: changing x, h0, c0, params or the returned h_seq and c_seq between the forward and the
backward pass does not change the gradients.

Documented exceptions, not tested here: LSTMParams, GRUParams and RNNParams keep the arrays they
are given (an optimiser updates them in place), their gate() returns views, and the optimisers
update their params in place.
"""
import numpy as np
import pytest

from lstm_lib import (activations, bidirectional, char_lstm, gradcheck, gru, initializers, jacobians, language,
                      lstm, lstm_fast, masking, optim, rnn, text_properties)

B, T, D, H = 2, 3, 2, 3


def arrays(obj):
    """Every ndarray in obj, looking inside tuples and lists (caches, params, gradient lists)."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [a for item in obj for a in arrays(item)]
    return []


def lstm_inputs():
    rng = np.random.default_rng(0)
    p = initializers.lstm_init(H, D, seed=1)
    return p, rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H)), rng.normal(size=(B, T, H))


def rnn_inputs():
    rng = np.random.default_rng(0)
    p = initializers.rnn_init(H, D, seed=1)
    return p, rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, T, H))


def gru_inputs():
    rng = np.random.default_rng(0)
    p = initializers.gru_init(H, D, seed=1)
    p = p._replace(bias=rng.normal(size=p.bias.shape))  # both bias rows in play
    return p, rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, T, H))


def calls():
    """name -> (function, positional arguments), for every public function returning arrays."""
    p, x, h0, c0, dh_seq = lstm_inputs()
    rp, rx, rh0, rdh_seq = rnn_inputs()
    gp, gx, gh0, gdh_seq = gru_inputs()
    bp = bidirectional.BidirectionalParams(p, initializers.lstm_init(H, D, seed=2))
    mask = np.array([[True, True, False], [False, True, True]])
    cell_cache = lstm.lstm_cell_forward(x[:, 0], h0, c0, p)[2]
    gru_cell_cache = gru.gru_cell_forward(gx[:, 0], gh0, gp)[1]
    z = np.linspace(-3, 3, 7)
    grads = [np.full((2, 3), 0.1), np.full(3, 0.1)]
    return {
        "sigmoid": (activations.sigmoid, (z,)),
        "tanh": (activations.tanh, (z,)),
        "sigmoid_grad_from_output": (activations.sigmoid_grad_from_output, (activations.sigmoid(z),)),
        "tanh_grad_from_output": (activations.tanh_grad_from_output, (np.tanh(z),)),
        "lstm_cell_forward": (lstm.lstm_cell_forward, (x[:, 0], h0, c0, p)),
        "lstm_cell_backward": (lstm.lstm_cell_backward, (h0, c0, cell_cache)),
        "lstm_forward": (lstm.lstm_forward, (x, p, h0, c0)),
        "lstm_backward": (lstm.lstm_backward, (dh_seq, lstm.lstm_forward(x, p, h0, c0)[2], c0)),
        "lstm_fast.lstm_forward": (lstm_fast.lstm_forward, (x, p, h0, c0)),
        "lstm_fast.lstm_backward": (lstm_fast.lstm_backward, (dh_seq, lstm_fast.lstm_forward(x, p, h0, c0)[2], c0)),
        "masked_lstm_forward": (masking.masked_lstm_forward, (x, p, mask, h0, c0)),
        "masked_lstm_backward": (masking.masked_lstm_backward,
                                 (dh_seq, masking.masked_lstm_forward(x, p, mask, h0, c0)[2], c0)),
        "padding_mask": (masking.padding_mask, (np.array([3, 1]), T)),
        "pad_sequences": (masking.pad_sequences, ([x[0], x[1, :2]],)),
        "bidirectional_forward": (bidirectional.bidirectional_forward, (x, bp)),
        "bidirectional_backward": (bidirectional.bidirectional_backward,
                                   (np.concatenate([dh_seq, dh_seq], axis=2),
                                    bidirectional.bidirectional_forward(x, bp)[1])),
        "softmax": (language.softmax, (np.outer(z, z),)),
        "one_hot": (language.one_hot, (np.array([2, 0, 1]), 3)),
        "softmax_cross_entropy": (language.softmax_cross_entropy, (np.outer(z, z), np.arange(7))),
        "split_ids": (language.split_ids, (np.arange(40) % 5,)),
        "chunk_loss_and_grads": (char_lstm.chunk_loss_and_grads,
                                 (char_lstm.init_char_lstm(5, 3, seed=1), np.array([[0, 1, 2], [3, 4, 0]]),
                                  np.array([[1, 2, 3], [4, 0, 1]]), h0[:, :3], c0[:, :3])),
        "unit_correlations": (text_properties.unit_correlations,
                              (np.outer(z, z)[:, :4], z)),
        "rnn_cell_forward": (rnn.rnn_cell_forward, (rx[:, 0], rh0, rp)),
        "rnn_forward": (rnn.rnn_forward, (rx, rp, rh0)),
        "rnn_backward": (rnn.rnn_backward, (rdh_seq, rnn.rnn_forward(rx, rp, rh0)[1])),
        "gru_cell_forward": (gru.gru_cell_forward, (gx[:, 0], gh0, gp)),
        "gru_cell_backward": (gru.gru_cell_backward, (gh0, gru_cell_cache)),
        "gru_forward": (gru.gru_forward, (gx, gp, gh0)),
        "gru_backward": (gru.gru_backward, (gdh_seq, gru.gru_forward(gx, gp, gh0)[1])),
        "rnn_jacobian_norms": (jacobians.rnn_jacobian_norms, (rx, rp, rh0)),
        "lstm_step_jacobians": (jacobians.lstm_step_jacobians, (x, p, h0, c0)),
        "lstm_jacobian_norms": (jacobians.lstm_jacobian_norms, (x, p, h0, c0)),
        "gru_step_jacobians": (jacobians.gru_step_jacobians, (gx, gp, gh0)),
        "gru_jacobian_norms": (jacobians.gru_jacobian_norms, (gx, gp, gh0)),
        "numerical_gradient": (gradcheck.numerical_gradient, (lambda a: float(np.sum(a**2)), z)),
        "clip_by_global_norm (clipping)": (optim.clip_by_global_norm, (grads, 0.01)),
        "clip_by_global_norm (nothing to clip)": (optim.clip_by_global_norm, (grads, 100.0)),
    }


@pytest.mark.parametrize("name", list(calls()))
def test_no_output_shares_memory_with_an_input(name):
    fn, args = calls()[name]
    outputs = arrays(fn(*args))
    assert outputs, "the call returned no array to check"
    for k, out in enumerate(outputs):
        for j, given in enumerate(arrays(args)):
            assert not np.shares_memory(out, given), f"output array {k} shares memory with input array {j}"


@pytest.mark.parametrize("name", ["lstm_cell_forward", "lstm_forward", "rnn_forward", "gru_cell_forward", "gru_forward",
                                  "lstm_fast.lstm_forward", "masked_lstm_forward", "bidirectional_forward"])
def test_a_cache_shares_no_memory_with_the_arrays_returned_beside_it(name):
    fn, args = calls()[name]
    *returned, cache = fn(*args)
    for k, out in enumerate(arrays(returned)):
        for j, kept in enumerate(arrays(cache)):
            assert not np.shares_memory(out, kept), f"returned array {k} is cache array {j}"


def change_everything(arrays_):
    for a in arrays_:
        a += 0.25


def test_changing_lstm_inputs_and_outputs_before_backward_leaves_the_gradients_alone():
    p, x, h0, c0, dh_seq = lstm_inputs()
    _, _, cache = lstm.lstm_forward(x, p, h0, c0)
    expected = lstm.lstm_backward(dh_seq, cache)

    h_seq, c_seq, cache = lstm.lstm_forward(x, p, h0, c0)
    change_everything([x, h0, c0, *p, h_seq, c_seq])  # e.g. an optimiser step, or reuse of a buffer
    for got, want in zip(arrays(lstm.lstm_backward(dh_seq, cache)), arrays(expected)):
        np.testing.assert_array_equal(got, want)


def test_changing_lstm_cell_inputs_before_backward_leaves_the_gradients_alone():
    p, x, h0, c0, dh_seq = lstm_inputs()
    x_t = x[:, 0]
    expected = lstm.lstm_cell_backward(h0, c0, lstm.lstm_cell_forward(x_t, h0, c0, p)[2])

    _, _, cache = lstm.lstm_cell_forward(x_t, h0, c0, p)
    dh, dc = h0.copy(), c0.copy()
    change_everything([x_t, h0, c0, *p])
    for got, want in zip(arrays(lstm.lstm_cell_backward(dh, dc, cache)), arrays(expected)):
        np.testing.assert_array_equal(got, want)


def test_changing_rnn_inputs_and_outputs_before_backward_leaves_the_gradients_alone():
    p, x, h0, dh_seq = rnn_inputs()
    expected = rnn.rnn_backward(dh_seq, rnn.rnn_forward(x, p, h0)[1])

    h_seq, cache = rnn.rnn_forward(x, p, h0)
    change_everything([x, h0, *p, h_seq])
    for got, want in zip(arrays(rnn.rnn_backward(dh_seq, cache)), arrays(expected)):
        np.testing.assert_array_equal(got, want)


def test_changing_gru_inputs_and_outputs_before_backward_leaves_the_gradients_alone():
    p, x, h0, dh_seq = gru_inputs()
    expected = gru.gru_backward(dh_seq, gru.gru_forward(x, p, h0)[1])

    h_seq, cache = gru.gru_forward(x, p, h0)
    change_everything([x, h0, *p, h_seq])
    for got, want in zip(arrays(gru.gru_backward(dh_seq, cache)), arrays(expected)):
        np.testing.assert_array_equal(got, want)


def test_changing_gru_cell_inputs_and_output_before_backward_leaves_the_gradients_alone():
    p, x, h0, _ = gru_inputs()
    x_t = x[:, 0]
    expected = gru.gru_cell_backward(h0, gru.gru_cell_forward(x_t, h0, p)[1])

    h_t, cache = gru.gru_cell_forward(x_t, h0, p)
    dh = h0.copy()
    change_everything([x_t, h0, *p, h_t])
    for got, want in zip(arrays(gru.gru_cell_backward(dh, cache)), arrays(expected)):
        np.testing.assert_array_equal(got, want)


def test_an_optimiser_step_between_forward_and_backward_leaves_the_gradients_alone():
    """The usual training order is forward, backward, step; the other order must not matter."""
    p, x, h0, c0, dh_seq = lstm_inputs()
    expected = lstm.lstm_backward(dh_seq, lstm.lstm_forward(x, p)[2])[3]
    _, _, cache = lstm.lstm_forward(x, p)
    optim.SGD(list(p), lr=0.5).step([np.ones_like(a) for a in p])  # changes p in place
    for got, want in zip(lstm.lstm_backward(dh_seq, cache)[3], expected):
        np.testing.assert_array_equal(got, want)
