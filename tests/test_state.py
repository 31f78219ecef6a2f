"""Carrying state: Keras' return_state and stateful=True against lstm_forward's h0/c0, the
mistakes that break a carried state, and truncated backpropagation through time.

Tolerances against Keras as in test_lstm.py: float64 (u = 1.1e-16), values of order one, at most
twelve steps with Jacobians of order one; the two engines differ by a few u times the terms
summed per step times the steps, below 1e-13, and 1e-10 leaves three orders of magnitude to that.
NumPy against NumPy: the same products over chunks of another length may round differently
(another BLAS kernel, another summation order), by a few u per step; 1e-13 bounds that for twelve
steps of terms below 5. A mistake (a lost, reset or misrouted state) changes results by 1e-2.
"""
import numpy as np
import pytest

from keras_reference import random_weights
from lstm_lib.lstm import LSTMParams, lstm_backward, lstm_forward

PARITY, ROUNDING = 1e-10, 1e-13
B, CHUNKS, L, D, H = 3, 3, 4, 2, 5  # three streams of 12 steps, cut into chunks of 4


@pytest.fixture
def stream(rng):
    """Weights with non-zero biases, a long input (B, CHUNKS * L, D), and its chunks."""
    params = LSTMParams(*random_weights(rng, [(D, 4 * H), (H, 4 * H), (4 * H,)]))
    x = rng.normal(size=(B, CHUNKS * L, D))
    return params, x, np.split(x, CHUNKS, axis=1)


def chunk_by_chunk(params, chunks, h=None, c=None):
    """lstm_forward over each chunk, its h0/c0 the last states of the chunk before:
    h_seq (B, T, H) and the chunks' caches."""
    outputs, caches = [], []
    for chunk in chunks:
        h_seq, c_seq, cache = lstm_forward(chunk, params, h, c)
        h, c = h_seq[:, -1], c_seq[:, -1]
        outputs.append(h_seq)
        caches.append(cache)
    return np.concatenate(outputs, axis=1), caches


def keras_lstm(params, **options):
    import keras

    layer = keras.layers.LSTM(params.units, dtype="float64", **options)
    layer.build((B if options.get("stateful") else None, None, params.input_dim))
    layer.set_weights(list(params))
    return layer


# ---------------------------------------------------------------- return_state


@pytest.mark.keras
@pytest.mark.parametrize("with_initial_state", [False, True])
def test_return_state_is_output_then_h_then_c(rng, stream, with_initial_state):
    params, x, _ = stream
    h0, c0 = (rng.normal(size=(B, H)), rng.normal(size=(B, H))) if with_initial_state else (None, None)
    h_seq, c_seq, _ = lstm_forward(x, params, h0, c0)
    assert np.abs(h_seq[:, -1] - c_seq[:, -1]).max() > 1e-2  # h_T and c_T can be told apart
    initial_state = None if h0 is None else [h0, c0]

    output, h_T, c_T = (a.numpy() for a in keras_lstm(params, return_state=True)(
        x, initial_state=initial_state))
    np.testing.assert_array_equal(output, h_T)  # return_sequences=False: the output is h_T
    np.testing.assert_allclose(h_T, h_seq[:, -1], rtol=0, atol=PARITY)
    np.testing.assert_allclose(c_T, c_seq[:, -1], rtol=0, atol=PARITY)

    outputs, h_T, c_T = (a.numpy() for a in keras_lstm(
        params, return_sequences=True, return_state=True)(x, initial_state=initial_state))
    np.testing.assert_allclose(outputs, h_seq, rtol=0, atol=PARITY)
    np.testing.assert_array_equal(outputs[:, -1], h_T)
    np.testing.assert_allclose(c_T, c_seq[:, -1], rtol=0, atol=PARITY)


# ---------------------------------------------------------------- stateful=True


@pytest.mark.keras
def test_stateful_keras_is_one_long_sequence(stream):
    """Chunks fed in order to a stateful layer give the outputs of the whole sequence, and
    those of lstm_forward chunk by chunk with h0, c0 from the chunk before; layer.states holds
    [h, c] after the last chunk."""
    params, x, chunks = stream
    whole, whole_c, _ = lstm_forward(x, params)
    carried, _ = chunk_by_chunk(params, chunks)
    np.testing.assert_allclose(carried, whole, rtol=0, atol=ROUNDING)

    layer = keras_lstm(params, stateful=True, return_sequences=True)
    for k, chunk in enumerate(chunks):
        out = layer(chunk).numpy()
        np.testing.assert_allclose(out, whole[:, k * L : (k + 1) * L], rtol=0, atol=PARITY)
        h, c = (v.numpy() for v in layer.states)
        np.testing.assert_allclose(h, whole[:, (k + 1) * L - 1], rtol=0, atol=PARITY)
        np.testing.assert_allclose(c, whole_c[:, (k + 1) * L - 1], rtol=0, atol=PARITY)


@pytest.mark.keras
def test_reset_state_returns_to_zeros(stream):
    params, x, chunks = stream
    layer = keras_lstm(params, stateful=True, return_sequences=True)
    layer(chunks[0])
    assert all(np.abs(v.numpy()).max() > 1e-2 for v in layer.states)  # a state is carried
    layer.reset_state()  # reset_states() is the Keras 2 name, kept as an alias
    assert all(np.all(v.numpy() == 0) for v in layer.states)
    fresh, _, _ = lstm_forward(chunks[1], params)
    np.testing.assert_allclose(layer(chunks[1]).numpy(), fresh, rtol=0, atol=PARITY)
    layer(chunks[2])
    layer.reset_states()
    assert all(np.all(v.numpy() == 0) for v in layer.states)


@pytest.mark.keras
def test_a_stateful_layer_has_a_fixed_batch_size(stream):
    params, x, _ = stream
    layer = keras_lstm(params, stateful=True)
    with pytest.raises(ValueError, match="batch size"):
        layer(x[:2])


# ---------------------------------------------------------------- the usual mistakes


def test_chunks_out_of_order_give_another_result(stream):
    params, x, chunks = stream
    right, _ = chunk_by_chunk(params, chunks)
    shuffled, _ = chunk_by_chunk(params, [chunks[1], chunks[0], chunks[2]])
    # the last chunk sees the same inputs but another carried state
    assert np.abs(shuffled[:, -L:] - right[:, -L:]).max() > 1e-2


def test_rows_must_keep_their_place_from_chunk_to_chunk(stream):
    """Row b of every chunk must continue row b of the chunk before: reorder the rows of one
    chunk and each stream continues another stream's state."""
    params, x, chunks = stream
    right, _ = chunk_by_chunk(params, chunks)
    order = np.array([1, 2, 0])
    mixed, _ = chunk_by_chunk(params, [chunks[0], chunks[1][order], chunks[2][order]])
    # stream b now sits in row `row`, with row's old state; the first step after the mix-up
    # shows it most (the wrong state then fades as the forget gates act, step after step)
    for row, b in enumerate(order):
        assert np.abs(mixed[row, L] - right[b, L]).max() > 1e-2


def test_a_state_not_reset_between_sequences_leaks(stream):
    """Independent sequences need the state reset (h0 = c0 = 0) before each; carried over,
    the first sequence changes the second's result."""
    params, x, chunks = stream
    first, second = chunks[0], chunks[1]  # two unrelated sequences
    fresh, _, _ = lstm_forward(second, params)
    h_seq, c_seq, _ = lstm_forward(first, params)
    leaked, _, _ = lstm_forward(second, params, h_seq[:, -1], c_seq[:, -1])
    assert np.abs(leaked[:, -1] - fresh[:, -1]).max() > 1e-2


# ---------------------------------------------------------------- truncated BPTT


def chunked_backward(caches, upstreams, carry_gradient):
    """Backward chunk by chunk, last chunk first: with carry_gradient the chunk's dh0, dc0 go on
    to the chunk before (full BPTT); without, they are dropped (truncated BPTT).
    Returns dx (B, T, D) and the summed weight gradients."""
    dxs, total = [], [np.zeros_like(w) for w in caches[0].params]
    dh_carry, dc_carry = np.zeros((B, H)), np.zeros((B, H))
    for cache, upstream in zip(reversed(caches), reversed(upstreams)):
        dh_seq = upstream.copy()
        dh_seq[:, -1] += dh_carry
        dx, dh0, dc0, grads = lstm_backward(dh_seq, cache, dc_last=dc_carry)
        if carry_gradient:
            dh_carry, dc_carry = dh0, dc0
        dxs.insert(0, dx)
        total = [t + g for t, g in zip(total, grads)]
    return np.concatenate(dxs, axis=1), total


def test_carrying_dh0_and_dc0_back_gives_full_bptt(rng, stream):
    params, x, chunks = stream
    upstream = rng.normal(size=(B, CHUNKS * L, H))
    _, _, cache = lstm_forward(x, params)
    dx_full, _, _, grads_full = lstm_backward(upstream, cache)
    _, caches = chunk_by_chunk(params, chunks)
    dx, grads = chunked_backward(caches, np.split(upstream, CHUNKS, axis=1), carry_gradient=True)
    np.testing.assert_allclose(dx, dx_full, rtol=0, atol=ROUNDING)
    for name, ours, full in zip(params._fields, grads, grads_full):
        np.testing.assert_allclose(ours, full, rtol=0, atol=ROUNDING, err_msg=name)


def test_truncated_bptt_is_the_gradient_with_each_chunks_start_held_fixed(rng, stream):
    """Dropping dh0, dc0 at the chunk boundaries gives the exact gradient of another function:
    the loss with each chunk's initial state held fixed at its value. It differs from the full
    gradient for every weight array, and inside every chunk but the last."""
    params, x, chunks = stream
    upstream = rng.normal(size=(B, CHUNKS * L, H))
    upstreams = np.split(upstream, CHUNKS, axis=1)
    _, _, cache = lstm_forward(x, params)
    dx_full, _, _, grads_full = lstm_backward(upstream, cache)
    _, caches = chunk_by_chunk(params, chunks)
    dx, grads = chunked_backward(caches, upstreams, carry_gradient=False)

    # the held-fixed loss, by hand: each chunk from its start state, no gradient through it
    starts = [(c.h0, c.c0) for c in caches]
    by_chunk = [lstm_backward(u, lstm_forward(chunk, params, *start)[2])
                for chunk, u, start in zip(chunks, upstreams, starts)]
    np.testing.assert_allclose(dx, np.concatenate([b[0] for b in by_chunk], axis=1), rtol=0,
                               atol=ROUNDING)
    for k, name in enumerate(params._fields):
        np.testing.assert_allclose(grads[k], sum(b[3][k] for b in by_chunk), rtol=0,
                                   atol=ROUNDING, err_msg=name)
        relative = np.abs(grads[k] - grads_full[k]).max() / np.abs(grads_full[k]).max()
        assert relative > 1e-3, name  # not rounding: the carried-state paths are missing

    # the last chunk receives nothing from later chunks either way ...
    np.testing.assert_allclose(dx[:, -L:], dx_full[:, -L:], rtol=0, atol=ROUNDING)
    for k in range(CHUNKS - 1):  # ... every other chunk misses what later losses send back
        chunk = slice(k * L, (k + 1) * L)
        assert np.abs(dx[:, chunk] - dx_full[:, chunk]).max() > 1e-3


def test_truncated_bptt_cannot_see_a_dependency_longer_than_a_chunk(rng, stream):
    """A loss on the last chunk's outputs only: full BPTT sends gradient into every earlier
    chunk's inputs, truncated BPTT sends none, however strong the dependency."""
    params, x, chunks = stream
    upstream = np.zeros((B, CHUNKS * L, H))
    upstream[:, -L:] = rng.normal(size=(B, L, H))
    _, _, cache = lstm_forward(x, params)
    dx_full, _, _, grads_full = lstm_backward(upstream, cache)
    _, caches = chunk_by_chunk(params, chunks)
    dx, grads = chunked_backward(caches, np.split(upstream, CHUNKS, axis=1), carry_gradient=False)

    assert np.all(dx[:, :-L] == 0)
    assert np.abs(dx_full[:, :L]).max() > 1e-3  # even the first chunk matters to the loss
    for k, name in enumerate(params._fields):
        assert np.abs(grads[k] - grads_full[k]).max() > 1e-3 * np.abs(grads_full[k]).max(), name
