"""Bad input gets a ValueError that names the argument, the expected shape and the shape given."""
import re

import numpy as np
import pytest

from lstm_lib.lstm import LSTMParams, lstm_backward, lstm_cell_forward, lstm_forward
from lstm_lib.rnn import RNNParams, rnn_backward, rnn_forward

D, H = 3, 4


@pytest.fixture
def lstm_params(rng):
    return LSTMParams(rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H))


@pytest.fixture
def rnn_params(rng):
    return RNNParams(rng.normal(size=(D, H)), rng.normal(size=(H, H)), rng.normal(size=H))


def expect(message_parts, fn, *args, **kwargs):
    with pytest.raises(ValueError) as info:
        fn(*args, **kwargs)
    for part in message_parts:
        assert part in str(info.value), f"{part!r} missing from: {info.value}"


@pytest.mark.parametrize(
    "shapes,parts",
    [
        (((D, 4 * H), (H, 4 * H + 1), (4 * H,)), ["recurrent_kernel", "(H, 4H)", f"({H}, {4 * H + 1})"]),
        (((D, 4 * H), (4 * H,), (4 * H,)), ["recurrent_kernel", f"({4 * H},)"]),
        (((D, 4 * H + 4), (H, 4 * H), (4 * H,)), ["kernel", f"(any, {4 * H})", f"({D}, {4 * H + 4})"]),
        (((D, 4 * H), (H, 4 * H), (H,)), ["bias", f"({4 * H})", f"({H},)"]),
        (((D, 4 * H), (H, 4 * H), (1, 4 * H)), ["bias", "1-D", "2-D", f"(1, {4 * H})"]),
    ],
)
def test_lstm_params_with_inconsistent_shapes(shapes, parts):
    expect(parts, LSTMParams, *(np.zeros(s) for s in shapes))


def test_lstm_forward_rank_two_input(lstm_params):
    expect(["x", "3-D", "(batch, time, input_dim)", "2-D", "(5, 3)"], lstm_forward, np.zeros((5, D)), lstm_params)


def test_lstm_forward_wrong_input_dim(lstm_params):
    expect(["x", f"(any, any, {D})", "(2, 5, 7)"], lstm_forward, np.zeros((2, 5, 7)), lstm_params)


def test_lstm_forward_initial_state_batch_mismatch(lstm_params):
    expect(["h0", "(batch, units)", f"(2, {H})", f"(3, {H})"], lstm_forward, np.zeros((2, 5, D)), lstm_params, h0=np.zeros((3, H)))


def test_lstm_forward_cell_state_wrong_units(lstm_params):
    expect(["c0", f"(2, {H})", "(2, 9)"], lstm_forward, np.zeros((2, 5, D)), lstm_params, c0=np.zeros((2, 9)))


def test_lstm_forward_empty_sequence(lstm_params):
    expect(["x", "at least one time step"], lstm_forward, np.zeros((2, 0, D)), lstm_params)


def test_lstm_cell_forward_wrong_state_shape(lstm_params):
    expect(["h_prev", f"(2, {H})", f"(2, {H + 1})"], lstm_cell_forward, np.zeros((2, D)), np.zeros((2, H + 1)), np.zeros((2, H)), lstm_params)


def test_lstm_cell_forward_given_a_sequence(lstm_params):
    expect(["x_t", "2-D", "(batch, input_dim)", "(2, 5, 3)"], lstm_cell_forward, np.zeros((2, 5, D)), None, None, lstm_params)


def test_lstm_backward_wrong_upstream_shape(lstm_params):
    _, _, cache = lstm_forward(np.zeros((2, 5, D)), lstm_params)
    expect(["dh_seq", f"(2, 5, {H})", f"(2, {H})"], lstm_backward, np.zeros((2, H)), cache)


def test_lstm_params_from_the_wrong_number_of_arrays(lstm_params):
    expect(["params", "get_weights"], lstm_forward, np.zeros((1, 1, D)), list(lstm_params)[:2])


def test_non_numeric_input(lstm_params):
    expect(["x", "numbers"], lstm_forward, np.array([[["a"] * D]]), lstm_params)


def test_rnn_wrong_input_dim(rnn_params):
    expect(["x", f"(any, any, {D})", "(1, 2, 5)"], rnn_forward, np.zeros((1, 2, 5)), rnn_params)


def test_rnn_params_not_square(rng):
    expect(["recurrent_kernel", "square", "(3, 4)"], RNNParams, np.zeros((2, 3)), np.zeros((3, 4)), np.zeros(3))


def test_rnn_initial_state_batch_mismatch(rnn_params):
    expect(["h0", f"(4, {H})", f"(1, {H})"], rnn_forward, np.zeros((4, 2, D)), rnn_params, h0=np.zeros((1, H)))


def test_rnn_backward_wrong_upstream_shape(rnn_params):
    _, cache = rnn_forward(np.zeros((2, 5, D)), rnn_params)
    expect(["dh_seq", f"(2, 5, {H})", f"(2, 4, {H})"], rnn_backward, np.zeros((2, 4, H)), cache)


def test_error_messages_are_one_line(lstm_params):
    with pytest.raises(ValueError) as info:
        lstm_forward(np.zeros((2, 5, 7)), lstm_params)
    assert "\n" not in str(info.value) and re.search(r"got shape", str(info.value))
