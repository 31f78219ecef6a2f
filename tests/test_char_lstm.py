"""lstm_lib.char_lstm: the NumPy character LSTM, its truncated-BPTT chunk, evaluation, training
and generation.

Tolerances: the chunk's gradient is checked by finite differences with the course's TOLERANCE
(tests/finite_differences.py), on weights drawn at scale one with non-zero biases so that no
gradient is trivially zero. The carried state is compared with lstm.lstm_forward over the whole
sequence: lstm_fast and lstm.py differ by rounding only, at most about 10 T (a few eps) for
weights of order one and T <= 12 steps (tests/test_lstm_fast.py derives this), so 1e-12 bounds it
with a wide margin; nlls are means of such numbers and share the bound. The training test asserts
a drop from log V to below a third of it, where the runs measured reach under a tenth.
"""
import numpy as np
import pytest

from lstm_lib import char_lstm, lstm
from lstm_lib.char_lstm import (CharLSTMParams, chunk_loss_and_grads, context_nll, evaluate_nll,
                                generate, init_char_lstm, position_nll, train)
from lstm_lib.language import Vocabulary, one_hot, softmax_cross_entropy, split_ids
from lstm_lib.lstm import LSTMParams
from finite_differences import assert_matches_finite_differences, fails_finite_differences

ROUNDING = 1e-12  # lstm_fast against lstm.py, see the module docstring
V, H = 5, 3


def random_model(rng, size=V, units=H):
    """Weights at scale one, biases non-zero: every gradient has entries of order 0.1."""
    return CharLSTMParams(
        LSTMParams(rng.normal(size=(size, 4 * units)), rng.normal(size=(units, 4 * units)),
                   rng.normal(size=4 * units)),
        rng.normal(size=(units, size)), rng.normal(size=size))


def test_init_has_the_shapes_and_keras_forget_bias():
    p = init_char_lstm(7, 4, seed=3)
    assert p.lstm.kernel.shape == (7, 16) and p.lstm.recurrent_kernel.shape == (4, 16)
    assert p.W.shape == (4, 7) and p.b.shape == (7,)
    np.testing.assert_array_equal(p.lstm.gate("f")[2], 1.0)
    again = init_char_lstm(7, 4, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip([*p.lstm, p.W, p.b], [*again.lstm, again.W, again.b]))
    assert not np.array_equal(init_char_lstm(7, 4, seed=4).W, p.W)


def test_chunk_gradients_match_finite_differences_for_every_parameter(rng):
    p = random_model(rng)
    B, S = 2, 4
    x_ids, y_ids = rng.integers(V, size=(B, S)), rng.integers(V, size=(B, S))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    _, grads, _ = chunk_loss_and_grads(p, x_ids, y_ids, h0, c0)

    def with_one(name, value):
        """The model with one array replaced."""
        if name in LSTMParams._fields:
            return p._replace(lstm=p.lstm._replace(**{name: value}))
        return p._replace(**{name: value})

    analytic = {**grads.lstm._asdict(), "W": grads.W, "b": grads.b}
    for name, dvalue in analytic.items():
        at = getattr(p.lstm, name) if name in LSTMParams._fields else getattr(p, name)

        def loss(value, name=name):  # h0 and c0 held fixed: the gradient is cut at the chunk start
            return chunk_loss_and_grads(with_one(name, value), x_ids, y_ids, h0, c0)[0]

        assert_matches_finite_differences(loss, at, dvalue, f"d{name}")
        assert fails_finite_differences(loss, at, 1.1 * dvalue)  # a planted bug is caught


def test_the_carried_state_is_that_of_the_whole_sequence(rng):
    p = random_model(rng)
    B, S = 3, 4
    x_ids, y_ids = rng.integers(V, size=(B, 3 * S)), rng.integers(V, size=(B, 3 * S))
    h_seq, c_seq, _ = lstm.lstm_forward(one_hot(x_ids, V), p.lstm)  # the readable LSTM, all at once
    state, losses = (None, None), []
    for k in range(3):
        chunk = slice(k * S, (k + 1) * S)
        loss, _, state = chunk_loss_and_grads(p, x_ids[:, chunk], y_ids[:, chunk], *state)
        np.testing.assert_allclose(state[0], h_seq[:, chunk.stop - 1], rtol=0, atol=ROUNDING)
        np.testing.assert_allclose(state[1], c_seq[:, chunk.stop - 1], rtol=0, atol=ROUNDING)
        losses.append(loss)
    logits = h_seq.reshape(-1, H) @ p.W + p.b
    whole, _ = softmax_cross_entropy(logits, y_ids.reshape(-1))
    assert abs(np.mean(losses) - whole) < ROUNDING  # equal chunks: the mean of means


def test_the_chunk_leaves_its_arguments_alone(rng):
    p = random_model(rng)
    copies = [a.copy() for a in [*p.lstm, p.W, p.b]]
    h0 = rng.normal(size=(1, H))
    h0_copy = h0.copy()
    _, grads, (h, c) = chunk_loss_and_grads(p, np.array([[1, 2]]), np.array([[2, 3]]), h0, None)
    assert all(np.array_equal(a, b) for a, b in zip([*p.lstm, p.W, p.b], copies))
    np.testing.assert_array_equal(h0, h0_copy)
    assert isinstance(grads, CharLSTMParams) and isinstance(grads.lstm, LSTMParams)


def test_evaluate_nll_carries_the_state_and_scores_every_character(rng):
    p = random_model(rng)
    ids = rng.integers(V, size=23)
    # one stream: the chunk length must not matter, since the state is carried
    h_seq, _, _ = lstm.lstm_forward(one_hot(ids[None, :-1], V), p.lstm)
    whole, _ = softmax_cross_entropy(h_seq[0] @ p.W + p.b, ids[1:])
    for steps in (1, 3, 7, 22, 100):
        assert abs(evaluate_nll(p, ids, 1, steps) - whole) < ROUNDING, steps
    # three streams of L = 7 pairs; the 22 - 21 = 1 pair left over continues the last stream
    parts = [(ids[0:8], 7), (ids[7:15], 7), (ids[14:23], 8)]
    expected = sum(evaluate_nll(p, part, 1, 50) * n for part, n in parts) / 22
    assert abs(evaluate_nll(p, ids, 3, 2) - expected) < ROUNDING


def test_position_nll_is_the_nll_of_each_character_given_the_whole_text(rng):
    p = random_model(rng)
    ids = rng.integers(V, size=23)
    h_seq, _, _ = lstm.lstm_forward(one_hot(ids[None, :-1], V), p.lstm)
    logits = h_seq[0] @ p.W + p.b
    direct = [softmax_cross_entropy(logits[t:t + 1], ids[t + 1:t + 2])[0] for t in range(22)]
    for steps in (1, 5, 22, 500):  # the chunking must not matter: the state is carried
        np.testing.assert_allclose(position_nll(p, ids, steps), direct, rtol=0, atol=ROUNDING)
    assert abs(position_nll(p, ids).mean() - evaluate_nll(p, ids, 1, 7)) < ROUNDING


def test_context_nll_reads_exactly_the_context_before_each_position(rng):
    p = random_model(rng)
    ids = rng.integers(V, size=30)
    positions = np.array([4, 9, 28])
    for context in (1, 3, 5):
        for steps in (1, 2, 50):
            got = context_nll(p, ids, positions, context, steps)
            expected = [position_nll(p, ids[k - context + 1:k + 2])[-1] for k in positions]
            np.testing.assert_allclose(got, expected, rtol=0, atol=ROUNDING)
    # with the whole text before a position as its context, it is position_nll's entry
    assert abs(context_nll(p, ids, [28], 29)[0] - position_nll(p, ids)[28]) < ROUNDING
    # and no character outside the context matters
    changed = ids.copy()
    changed[:9 - 3 + 1] = (changed[:9 - 3 + 1] + 1) % V
    assert context_nll(p, changed, [9], 3)[0] == context_nll(p, ids, [9], 3)[0]


def test_an_untrained_model_is_close_to_uniform():
    p = init_char_lstm(V, 8, seed=0)  # small logits at first
    ids = np.random.default_rng(0).integers(V, size=200)
    assert abs(evaluate_nll(p, ids, 4, 10) - np.log(V)) < 0.1


TEXT = "the cat sat on the mat. " * 40


def trained_model():
    vocab = Vocabulary.from_text(TEXT)
    train_ids, val_ids = split_ids(vocab.encode(TEXT), validation=0.2)
    p = init_char_lstm(vocab.size, 16, seed=0)
    history = train(p, train_ids, val_ids, batch=4, steps=12, lr=0.02, clip=5.0, n_updates=300,
                    seed=0, log_every=100)
    return vocab, p, history


@pytest.fixture(scope="module")
def trained():
    return trained_model()


def test_training_learns_a_repeated_sentence(trained):
    vocab, _, history = trained
    assert [h[0] for h in history] == [100, 200, 300]
    log_v = np.log(vocab.size)  # 2.2 nats for 9 characters
    assert history[-1][2] < log_v / 3  # measured: below a tenth of log V
    assert history[-1][1] < history[0][1]  # the training loss fell too


def test_training_is_deterministic_for_a_seed(trained):
    _, p, history = trained
    vocab, p_again, history_again = trained_model()
    assert history_again == history
    np.testing.assert_array_equal(p_again.W, p.W)


def test_training_carries_the_state_and_resets_it_each_pass(monkeypatch):
    vocab = Vocabulary.from_text(TEXT[:120])
    ids = vocab.encode(TEXT[:120])
    seen, real = [], char_lstm.chunk_loss_and_grads

    def spy(params, x_ids, y_ids, h0=None, c0=None):
        result = real(params, x_ids, y_ids, h0, c0)
        seen.append((h0, result[2][0]))
        return result

    monkeypatch.setattr(char_lstm, "chunk_loss_and_grads", spy)
    p = init_char_lstm(vocab.size, 4, seed=0)
    train(p, ids, ids[:30], batch=2, steps=10, lr=0.01, clip=1.0, n_updates=20, seed=0,
          log_every=20)
    assert len(seen) == 20 and seen[0][0] is None
    starts = [k for k, (h0, _) in enumerate(seen) if h0 is None]
    assert len(starts) >= 3  # a pass is at most 59 // 10 = 5 chunks: several passes, each reset
    for k in range(1, 20):
        if k not in starts:
            assert seen[k][0] is seen[k - 1][1]  # the state returned is the state passed on


def test_greedy_generation_recites_and_heat_makes_it_wander(trained):
    vocab, p, _ = trained
    greedy = generate(p, vocab, "the cat", 40, 1e-3, np.random.default_rng(0))
    assert len(greedy) == 40
    assert ("the cat" + greedy) in TEXT  # the argmax recites the sentence
    assert generate(p, vocab, "the cat", 40, 1e-3, np.random.default_rng(99)) == greedy
    hot = generate(p, vocab, "the cat", 200, 50.0, np.random.default_rng(0))
    assert ("the cat" + hot) not in TEXT  # near uniform: not the sentence


def test_generation_is_deterministic_for_a_seed(trained):
    vocab, p, _ = trained
    one = generate(p, vocab, "the ", 60, 1.0, np.random.default_rng(5))
    assert one == generate(p, vocab, "the ", 60, 1.0, np.random.default_rng(5))
    assert set(one) <= set(vocab.chars)
    assert generate(p, vocab, "the ", 0, 1.0, np.random.default_rng(5)) == ""


@pytest.mark.parametrize("call, error, phrase", [
    (lambda p: chunk_loss_and_grads(list(p), [[0]], [[1]]), TypeError, "CharLSTMParams"),
    (lambda p: chunk_loss_and_grads(p, [[0, 5]], [[1, 2]]), ValueError, r"x_ids must hold ids in \[0, 5\)"),
    (lambda p: chunk_loss_and_grads(p, [[0, 1]], [[1]]), ValueError, "y_ids must have shape"),
    (lambda p: chunk_loss_and_grads(p, [0, 1], [1, 2]), ValueError, "2-D"),
    (lambda p: chunk_loss_and_grads(p, [[0.0]], [[1]]), TypeError, "x_ids must be an integer"),
    (lambda p: chunk_loss_and_grads(p, [[0]], [[1]], np.zeros((2, H))), ValueError, "h0"),
    (lambda p: chunk_loss_and_grads(p._replace(W=np.zeros((H, 4))), [[0]], [[1]]), ValueError, "W must"),
    (lambda p: chunk_loss_and_grads(p._replace(b=np.full(V, np.nan)), [[0]], [[1]]), ValueError, "b must hold finite"),
    (lambda p: evaluate_nll(p, np.arange(3), 3, 2), ValueError, "fewer than batch=3"),
    (lambda p: evaluate_nll(p, np.arange(3.0), 1, 2), TypeError, "integer"),
    (lambda p: evaluate_nll(p, np.arange(3), 1, 0), ValueError, "steps"),
    (lambda p: train(p, np.arange(5), np.arange(5), batch=4, steps=3, lr=0.1, clip=1.0,
                     n_updates=1), ValueError, "fewer than steps=3"),
    (lambda p: train(p, np.arange(50) % V, np.arange(5), batch=2, steps=3, lr=-1, clip=1.0,
                     n_updates=1), ValueError, "lr"),
    (lambda p: train(p, np.arange(50) % V, np.arange(5), batch=2, steps=3, lr=0.1, clip=1.0,
                     n_updates=0), ValueError, "n_updates"),
    (lambda p: generate(p, Vocabulary("abc"), "a", 3, 1.0, np.random.default_rng(0)), TypeError, "5 characters"),
    (lambda p: generate(p, Vocabulary("abcde"), "az", 3, 1.0, np.random.default_rng(0)), ValueError, "'z'"),
    (lambda p: generate(p, Vocabulary("abcde"), "a", 3, 0.0, np.random.default_rng(0)), ValueError, "temperature"),
    (lambda p: generate(p, Vocabulary("abcde"), "a", 3, 1.0, 0), TypeError, "default_rng"),
    (lambda p: generate(p, Vocabulary("abcde"), "a", -1, 1.0, np.random.default_rng(0)), ValueError, "length"),
    (lambda p: position_nll(p, np.arange(1)), ValueError, "at least 2 ids"),
    (lambda p: position_nll(p, np.arange(3.0)), TypeError, "integer"),
    (lambda p: context_nll(p, np.arange(5), [1], 3), ValueError, r"positions must lie in \[2, 3\]"),
    (lambda p: context_nll(p, np.arange(5), [4], 1), ValueError, r"positions must lie in \[0, 3\]"),
    (lambda p: context_nll(p, np.arange(5), [], 1), TypeError, "non-empty"),
    (lambda p: context_nll(p, np.arange(5), [2], 0), ValueError, "context"),
    (lambda p: init_char_lstm(0, 3), ValueError, "vocab_size"),
    (lambda p: init_char_lstm(3, 2.5), TypeError, "units"),
])
def test_bad_input_gets_a_clear_error(rng, call, error, phrase):
    with pytest.raises(error, match=phrase):
        call(random_model(rng))
