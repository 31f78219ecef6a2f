"""lstm_lib.language: the text and its vocabulary, softmax and its cross-entropy, perplexity,
sampling with temperature, the count models and the batches of truncated BPTT.

Tolerances: softmax and the cross-entropy are a handful of float64 operations on numbers of order
one, so they agree with a direct formula to a few units of 2.2e-16 times the magnitudes involved;
1e-12 leaves a factor of a thousand for other BLAS kernels (no BLAS product is involved here).
The gradient is checked by finite differences with the course's TOLERANCE (tests/
finite_differences.py). Sampling uses fixed seeds, so each test is deterministic; its bounds are
still set at five standard deviations of the count, so that another seed would pass as well
(a two-sided 5-sigma excursion of one count has probability below 6e-7).
"""
import pathlib

import numpy as np
import pytest

from lstm_lib import language
from lstm_lib.language import (Vocabulary, bigram_nll, load_course_text, one_hot, perplexity,
                               sample_with_temperature, softmax, softmax_cross_entropy,
                               split_ids, tbptt_batches, token_nll, unigram_nll)
from finite_differences import assert_matches_finite_differences, fails_finite_differences

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXACT = 1e-12  # a few float64 roundings of numbers of order one, with a wide margin


# ---------------------------------------------------------------- the text and its vocabulary


def test_the_course_text_is_the_committed_snapshot():
    text = load_course_text()
    assert text == (ROOT / "data" / "course_text.txt").read_text(encoding="utf-8")
    assert 100_000 <= len(text.encode()) <= 500_000
    vocab = Vocabulary.from_text(text)
    assert 30 <= vocab.size <= 100
    assert "~" not in text  # the tool's placeholder, unused by the current sources
    assert "{term}" not in text and ":::" not in text and "{cite" not in text


def test_vocabulary_round_trip_and_sorted_ids():
    vocab = Vocabulary.from_text("hello, world")
    assert vocab.chars == tuple(sorted(set("hello, world"))) and vocab.size == len(vocab) == 9
    ids = vocab.encode("world, hello")
    assert ids.dtype == np.int64 and ids.shape == (12,)
    assert vocab.decode(ids) == "world, hello"
    assert vocab.encode(" ")[0] == 0  # the space sorts first
    assert vocab.decode(ids.reshape(3, 4)) == "world, hello"  # any shape, in order


@pytest.mark.parametrize("call, error, phrase", [
    (lambda v: v.encode("hex"), ValueError, "'x'"),
    (lambda v: v.encode(""), ValueError, "empty"),
    (lambda v: v.encode(["h"]), TypeError, "str"),
    (lambda v: v.decode([0, 9]), ValueError, "below the vocabulary size 9"),
    (lambda v: v.decode([-1]), ValueError, ">= 0"),
    (lambda v: v.decode([1.0]), TypeError, "integer ids"),
    (lambda v: Vocabulary.from_text(""), ValueError, "empty"),
    (lambda v: Vocabulary.from_text(b"abc"), TypeError, "str"),
    (lambda v: Vocabulary("aa"), ValueError, "repeat"),
])
def test_vocabulary_refuses_bad_input(call, error, phrase):
    with pytest.raises(error, match=phrase):
        call(Vocabulary.from_text("hello, world"))


def test_split_holds_out_the_end():
    ids = np.arange(100)
    train, val = split_ids(ids, validation=0.1)
    np.testing.assert_array_equal(train, np.arange(90))
    np.testing.assert_array_equal(val, np.arange(90, 100))
    train[0] = 7
    assert ids[0] == 0  # copies
    train, val = split_ids(np.arange(10), validation=0.01)  # rounds to 0: both keep 2 at least
    assert (train.size, val.size) == (8, 2)


@pytest.mark.parametrize("ids, validation, error, phrase", [
    (np.arange(100), 0.0, ValueError, "validation"),
    (np.arange(100), 1.0, ValueError, "validation"),
    (np.arange(100), "0.1", TypeError, "validation"),
    (np.arange(3), 0.5, ValueError, "at least 4"),
    (np.arange(100.0), 0.1, TypeError, "integer ids"),
    (np.arange(100).reshape(10, 10), 0.1, ValueError, "1-D"),
])
def test_split_refuses_bad_input(ids, validation, error, phrase):
    with pytest.raises(error, match=phrase):
        split_ids(ids, validation)


def test_one_hot():
    out = one_hot(np.array([[2, 0], [1, 1]]), 3, dtype=np.float32)
    assert out.shape == (2, 2, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out[0, 0], [0, 0, 1])
    np.testing.assert_array_equal(out.sum(axis=-1), 1)
    np.testing.assert_array_equal(out.argmax(axis=-1), [[2, 0], [1, 1]])
    with pytest.raises(ValueError, match="below the vocabulary size 3"):
        one_hot([3], 3)
    with pytest.raises(TypeError, match="integer"):
        one_hot([1], 2.0)
    with pytest.raises(TypeError, match="floating"):
        one_hot([1], 2, dtype=int)


# ---------------------------------------------------------------- softmax and cross-entropy


def test_softmax_sums_to_one_and_survives_huge_logits(rng):
    logits = rng.normal(size=(4, 7))
    p = softmax(logits)
    np.testing.assert_allclose(p.sum(axis=-1), 1, rtol=0, atol=EXACT)
    direct = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(p, direct, rtol=0, atol=EXACT)
    np.testing.assert_allclose(softmax(logits + 1e4), p, rtol=0, atol=1e-10)  # shift invariance
    huge = softmax(np.array([1e4, 0.0, -1e4]))  # exp(1e4) overflows a direct formula
    assert np.all(np.isfinite(huge))
    np.testing.assert_array_equal(huge, [1.0, 0.0, 0.0])
    np.testing.assert_allclose(softmax(logits, axis=0).sum(axis=0), 1, rtol=0, atol=EXACT)


@pytest.mark.parametrize("logits, axis, error, phrase", [
    (np.array([1.0, np.nan]), -1, ValueError, "finite"),
    (np.zeros((2, 0)), -1, ValueError, "at least one class"),
    (np.zeros(3), 1, ValueError, "axis"),
    (np.zeros(3), 0.5, TypeError, "axis"),
    (["a", "b"], -1, ValueError, "numbers"),
])
def test_softmax_refuses_bad_input(logits, axis, error, phrase):
    with pytest.raises(error, match=phrase):
        softmax(logits, axis=axis)


def test_cross_entropy_matches_the_direct_formula(rng):
    logits = rng.normal(size=(6, 5))
    targets = rng.integers(5, size=6)
    loss, dlogits = softmax_cross_entropy(logits, targets)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert abs(loss - np.mean(-np.log(p[np.arange(6), targets]))) < EXACT
    expected = (p - np.eye(5)[targets]) / 6
    np.testing.assert_allclose(dlogits, expected, rtol=0, atol=EXACT)
    np.testing.assert_allclose(dlogits.sum(axis=1), 0, rtol=0, atol=EXACT)  # softmax - one-hot


def test_token_nll_is_each_positions_share_of_the_cross_entropy(rng):
    logits, targets = rng.normal(scale=3.0, size=(6, 4)), rng.integers(4, size=6)
    nll = token_nll(logits, targets)
    p = softmax(logits)
    np.testing.assert_allclose(nll, -np.log(p[np.arange(6), targets]), rtol=EXACT, atol=0)
    assert nll.mean() == pytest.approx(softmax_cross_entropy(logits, targets)[0], rel=EXACT)
    # huge logits: the log-sum-exp form gives the exact answer 1000 - 0 for the unlikely target
    np.testing.assert_allclose(token_nll(np.array([[1000.0, 0.0]]), [1]), [1000.0], rtol=EXACT)
    with pytest.raises(ValueError, match="targets must have shape"):
        token_nll(logits, targets[:3])


def test_cross_entropy_is_stable_for_huge_logits():
    # nll of the target = logsumexp - logit_target = 1e4 exactly, where exp(1e4) overflows
    loss, dlogits = softmax_cross_entropy(np.array([[1e4, 0.0]]), np.array([1]))
    assert loss == 1e4
    np.testing.assert_array_equal(dlogits, [[1.0, -1.0]])


def test_cross_entropy_gradient_matches_finite_differences(rng):
    logits = rng.normal(size=(3, 4))
    targets = np.array([0, 3, 3])
    _, dlogits = softmax_cross_entropy(logits, targets)

    def loss(z):
        return softmax_cross_entropy(z, targets)[0]

    assert_matches_finite_differences(loss, logits, dlogits, "dlogits")
    assert fails_finite_differences(loss, logits, dlogits * 3)  # the planted bug: no 1/N


@pytest.mark.parametrize("logits, targets, error, phrase", [
    (np.zeros((2, 3)), np.array([0, 3]), ValueError, "below the vocabulary size 3"),
    (np.zeros((2, 3)), np.array([0]), ValueError, r"targets must have shape"),
    (np.zeros((2, 3)), np.array([0.0, 1.0]), TypeError, "integer ids"),
    (np.zeros(3), np.array([0]), ValueError, "2-D"),
    (np.zeros((0, 3)), np.zeros(0, int), ValueError, "at least one position"),
    (np.full((1, 3), np.inf), np.array([0]), ValueError, "finite"),
])
def test_cross_entropy_refuses_bad_input(logits, targets, error, phrase):
    with pytest.raises(error, match=phrase):
        softmax_cross_entropy(logits, targets)


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    for size in (2, 27, 95):
        loss, _ = softmax_cross_entropy(np.zeros((5, size)), np.arange(5) % size)
        assert abs(perplexity(loss) - size) < 1e-12 * size
    assert perplexity(0) == 1.0
    with pytest.raises(ValueError, match="mean_nll"):
        perplexity(-0.1)
    with pytest.raises(ValueError, match="mean_nll"):
        perplexity(float("nan"))


# ---------------------------------------------------------------- sampling with temperature


def test_low_temperature_gives_the_argmax():
    logits = np.array([0.3, 2.0, 1.9, -1.0])
    rng = np.random.default_rng(0)
    draws = [sample_with_temperature(logits, 1e-3, rng) for _ in range(200)]
    assert set(draws) == {1}  # p(2) / p(1) = exp(-0.1 / 1e-3), zero in float64
    assert isinstance(draws[0], int)
    batch = np.array([[0.0, 5.0, 1.0], [3.0, 0.0, 1.0]])
    ids = sample_with_temperature(batch, 1e-300, np.random.default_rng(1))  # no overflow
    np.testing.assert_array_equal(ids, [1, 0])
    assert ids.dtype == np.int64


def counts_within_five_sigma(draws, p):
    """Each count within 5 binomial standard deviations of n p."""
    n = len(draws)
    counts = np.bincount(draws, minlength=len(p))
    return np.all(np.abs(counts - n * p) <= 5 * np.sqrt(n * p * (1 - p)))


def test_frequencies_match_the_tempered_probabilities():
    logits = np.array([1.0, 0.0, -1.0, 2.0, 0.5])
    for temperature in (0.5, 1.0, 2.0):
        p = np.exp(logits / temperature) / np.exp(logits / temperature).sum()
        rng = np.random.default_rng(2024)
        draws = [sample_with_temperature(logits, temperature, rng) for _ in range(20_000)]
        assert counts_within_five_sigma(draws, p), temperature
        # the planted bug, temperature ignored, is told apart
        assert temperature == 1.0 or not counts_within_five_sigma(draws, softmax(logits))


def test_batched_draws_follow_each_row():
    logits = np.array([[0.0, 1.0, 2.0], [2.0, 0.0, -3.0]])
    rng = np.random.default_rng(7)
    draws = np.array([sample_with_temperature(logits, 1.0, rng) for _ in range(20_000)])
    assert draws.shape == (20_000, 2)
    for row in range(2):
        assert counts_within_five_sigma(draws[:, row], softmax(logits[row])), row


def test_high_temperature_approaches_uniform():
    logits = np.array([5.0, 0.0, -5.0, 1.0])
    rng = np.random.default_rng(3)
    draws = [sample_with_temperature(logits, 1e6, rng) for _ in range(20_000)]
    assert counts_within_five_sigma(draws, np.full(4, 0.25))


@pytest.mark.parametrize("logits, temperature, rng, error, phrase", [
    (np.zeros(3), 0, np.random.default_rng(0), ValueError, "temperature"),
    (np.zeros(3), -1.0, np.random.default_rng(0), ValueError, "temperature"),
    (np.zeros(3), np.nan, np.random.default_rng(0), ValueError, "temperature"),
    (np.zeros(3), np.inf, np.random.default_rng(0), ValueError, "temperature"),
    (np.zeros(3), "1", np.random.default_rng(0), TypeError, "temperature"),
    (np.zeros(3), 1.0, 0, TypeError, "default_rng"),
    (np.zeros((2, 2, 2)), 1.0, np.random.default_rng(0), ValueError, r"\(V,\) or \(batch, V\)"),
    (np.array([0.0, np.nan]), 1.0, np.random.default_rng(0), ValueError, "finite"),
])
def test_sampling_refuses_bad_input(logits, temperature, rng, error, phrase):
    with pytest.raises(error, match=phrase):
        sample_with_temperature(logits, temperature, rng)


# ---------------------------------------------------------------- count models


def test_unigram_against_a_hand_computation():
    # counts in train: 0 twice, 1 three times; add-one: 3/7 and 4/7. val[1:] = [0, 1] is scored.
    train, val = np.array([0, 1, 0, 1, 1]), np.array([1, 0, 1])
    expected = -(np.log(3 / 7) + np.log(4 / 7)) / 2
    assert abs(unigram_nll(train, val, 2) - expected) < EXACT
    # alpha = 0.5, V = 3 (character 2 never seen): (2.5, 3.5, 0.5) / 6.5; val[1:] = [2, 0]
    expected = -(np.log(0.5 / 6.5) + np.log(2.5 / 6.5)) / 2
    assert abs(unigram_nll(train, np.array([0, 2, 0]), 3, alpha=0.5) - expected) < EXACT


def test_bigram_against_a_hand_computation():
    # pairs in train: 01, 10, 01, 11. Row 0: (0 + 1, 2 + 1) / 4; row 1: (1 + 1, 1 + 1) / 4.
    # val pairs 10 and 01: -(log 2/4 + log 3/4) / 2
    train, val = np.array([0, 1, 0, 1, 1]), np.array([1, 0, 1])
    expected = -(np.log(2 / 4) + np.log(3 / 4)) / 2
    assert abs(bigram_nll(train, val, 2) - expected) < EXACT


def test_a_bigram_learns_a_cycle_a_unigram_cannot():
    train, val = np.tile([0, 1, 2], 100), np.tile([0, 1, 2], 10)
    assert abs(unigram_nll(train, val, 3) - np.log(3)) < 1e-9
    assert bigram_nll(train, val, 3, alpha=1e-3) < 1e-4


@pytest.mark.parametrize("function", [unigram_nll, bigram_nll])
@pytest.mark.parametrize("args, error, phrase", [
    ((np.array([0, 1]), np.array([0, 2]), 2), ValueError, "val_ids must hold ids below"),
    ((np.array([0]), np.array([0, 1]), 2), ValueError, "train_ids must hold at least 2"),
    ((np.array([0, 1]), np.array([0, 1]), 2, 0.0), ValueError, "alpha"),
    ((np.array([0, 1]), np.array([0, 1]), 0), ValueError, "size"),
    ((np.array([0, 1]), [0.0, 1.0], 2), TypeError, "val_ids must be an array of integer ids"),
])
def test_count_models_refuse_bad_input(function, args, error, phrase):
    with pytest.raises(error, match=phrase):
        function(*args)


# ---------------------------------------------------------------- truncated BPTT batches


def test_tbptt_batches_shapes_and_continuity():
    n, batch, steps = 103, 3, 5  # 102 pairs, streams of L = 34, 6 chunks of 5 (4 steps dropped)
    ids = np.arange(n)
    chunks = list(tbptt_batches(ids, batch, steps))
    assert len(chunks) == 34 // 5
    for x, y in chunks:
        assert x.shape == y.shape == (batch, steps) and x.dtype == y.dtype == np.int64
        np.testing.assert_array_equal(y, x + 1)  # y is the next character
    np.testing.assert_array_equal(chunks[0][0][:, 0], [0, 34, 68])  # stream b starts at b L
    for (x, _), (x_next, _) in zip(chunks, chunks[1:]):
        np.testing.assert_array_equal(x_next[:, 0], x[:, -1] + 1)  # row b continues row b
        np.testing.assert_array_equal(np.diff(x, axis=1), 1)  # contiguous text within a row


def test_tbptt_batches_on_real_ids_continue_the_text():
    vocab = Vocabulary.from_text("the cat sat on the mat, and the dog sat on the log. ")
    ids = vocab.encode("the cat sat on the mat, and the dog sat on the log. " * 3)
    streams = ["", ""]
    for x, y in tbptt_batches(ids, 2, 7):
        for b in range(2):
            streams[b] += vocab.decode(x[b])
            assert vocab.decode(y[b])[:-1] == vocab.decode(x[b])[1:]
    text = vocab.decode(ids)
    length = (len(text) - 1) // 2
    assert streams[0] == text[:len(streams[0])]
    assert streams[1] == text[length:length + len(streams[1])]


@pytest.mark.parametrize("ids, batch, steps, error, phrase", [
    (np.arange(10), 3, 4, ValueError, "fewer than steps=4"),
    (np.arange(10), 0, 2, ValueError, "batch must be at least 1"),
    (np.arange(10), 2, 0, ValueError, "steps must be at least 1"),
    (np.arange(10), 2, 2.0, TypeError, "steps must be an integer"),
    (np.arange(10.0), 2, 2, TypeError, "integer ids"),
    (np.arange(10).reshape(2, 5), 1, 2, ValueError, "1-D"),
    (np.array([0, -1, 2]), 1, 1, ValueError, ">= 0"),
])
def test_tbptt_batches_refuse_bad_input_when_called(ids, batch, steps, error, phrase):
    with pytest.raises(error, match=phrase):
        tbptt_batches(ids, batch, steps)  # before the first chunk is asked for


def test_the_public_names_are_the_documented_ones():
    assert set(language.__all__) == {
        "load_course_text", "Vocabulary", "split_ids", "one_hot", "softmax",
        "softmax_cross_entropy", "token_nll", "perplexity", "sample_with_temperature", "unigram_nll",
        "bigram_nll", "tbptt_batches"}
