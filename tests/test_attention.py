"""lstm_lib.attention: the NumPy attention against a loop of its equations, finite differences and
Keras' TemporalAttention, which must also train, save and reload.

Tolerances. Float64 rounding is u = 1.1e-16 per operation. In the Keras comparison both engines
evaluate the same formulas in different orders. With |h| < 5 and |kernel| < 2 (asserted in
attention_problem), a pre-activation h_t @ kernel + bias sums H + 1 <= 9 terms below 10, so it is off
by at most 9 * 10 * u ~ 1e-14; tanh has slope <= 1; a score sums A <= 6 products with |v| < 1, so
about 6 * 1e-14 ~ 1e-13; softmax turns an absolute error of the scores into at most twice that
relative error of the weights (2e-13); the context sums T <= 16 terms alpha_t h_t with
sum_t alpha_t = 1 and |h| < 5, off by at most 5 * 2e-13 + 16 * 5 * u ~ 1e-12. atol 1e-10 is a
hundred times that bound (measured: 1e-15 for the context, 2e-16 for the weights), and far below a
real mistake: the bias left out moves the weights by more than 1e-3
(test_the_keras_comparison_notices_a_missing_bias). With T = 1 the weight is exp(0) / exp(0) = 1
exactly in both engines, and the context is h_1 itself, with no rounding at all.

The loop re-implementation and the permuted sequence compute the same sums in other orders, hence
the same 1e-12 bound and atol 1e-10. Gradients are checked with tests/finite_differences.py
(its threshold is derived in lstm_lib.gradcheck). The Keras-and-LSTM model in float64 adds the
LSTM's own difference from Keras, bounded by 2e-13 in tests/test_gru.py's docstring (the same
argument), carried through the attention with slopes of order one: atol 1e-10 again.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import lstm_lib.attention as attention_module
from lstm_lib.attention import (
    AttentionCache,
    AttentionParams,
    attention_backward,
    attention_forward,
    attention_init,
    keras_attention_layer,
)
from lstm_lib.lstm import LSTMParams, lstm_forward
from finite_differences import assert_matches_finite_differences, fails_finite_differences

ATOL = 1e-10  # module docstring

SHAPES = [  # (B, T, H, A)
    (1, 1, 1, 1),
    (1, 5, 3, 2),
    (3, 1, 4, 3),
    (2, 7, 8, 6),
    (4, 16, 5, 4),
]


def attention_problem(rng, B, T, H, A):
    """Random parameters, bias non-zero (a bias counted twice or left out must show), and states."""
    params = AttentionParams(rng.normal(scale=0.5, size=(H, A)), rng.normal(scale=0.5, size=A),
                             rng.uniform(-1, 1, size=A))
    h_seq = rng.normal(size=(B, T, H))
    assert np.abs(h_seq).max() < 5 and np.abs(params.kernel).max() < 2  # the tolerance's premises
    return params, h_seq


def loop_attention(h_seq, params):
    """The module docstring's equations, one sequence and one step at a time, in plain Python."""
    kernel, bias, v = params
    contexts, all_weights = [], []
    for h in h_seq:  # (T, H)
        scores = [float(v @ np.tanh(h_t @ kernel + bias)) for h_t in h]
        top = max(scores)
        exps = [np.exp(e - top) for e in scores]
        weights = [x / sum(exps) for x in exps]
        contexts.append(sum(w * h_t for w, h_t in zip(weights, h)))
        all_weights.append(weights)
    return np.array(contexts), np.array(all_weights)


# ---------------------------------------------------------------- the NumPy forward pass


@pytest.mark.parametrize("B,T,H,A", SHAPES)
def test_forward_is_the_documented_equations(rng, B, T, H, A):
    params, h_seq = attention_problem(rng, B, T, H, A)
    context, weights, _ = attention_forward(h_seq, params)
    expected_context, expected_weights = loop_attention(h_seq, params)
    assert context.shape == (B, H) and weights.shape == (B, T)
    np.testing.assert_allclose(weights, expected_weights, rtol=0, atol=ATOL)
    np.testing.assert_allclose(context, expected_context, rtol=0, atol=ATOL)


def test_weights_are_positive_and_sum_to_one(rng):
    params, h_seq = attention_problem(rng, 5, 12, 4, 3)
    _, weights, _ = attention_forward(h_seq, params)
    assert (weights > 0).all()
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=0, atol=12 * 1.1e-16 * 4)  # T roundings


def test_one_step_gets_all_the_weight_and_the_context_is_that_state(rng):
    params, h_seq = attention_problem(rng, 3, 1, 4, 2)
    context, weights, _ = attention_forward(h_seq, params)
    assert (weights == 1.0).all()  # exp(0) / exp(0), no rounding
    assert (context == h_seq[:, 0]).all()


def test_large_scores_neither_overflow_nor_lose_the_largest(rng):
    """Scores near 1e4: exp(1e4) overflows, exp(score - max) does not."""
    params, h_seq = attention_problem(rng, 2, 6, 3, 2)
    huge = params._replace(v=params.v * 1e4 / np.abs(params.v).max())
    with np.errstate(over="raise", invalid="raise"):
        context, weights, _ = attention_forward(h_seq, huge)
    assert np.isfinite(context).all() and np.isfinite(weights).all()
    scores = np.tanh(h_seq @ huge.kernel + huge.bias) @ huge.v  # (B, T)
    best = scores.argmax(axis=1)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert (weights[np.arange(2), best] > 0.5).all()  # the largest score still wins


def test_permuting_the_steps_permutes_the_weights_and_keeps_the_context(rng):
    params, h_seq = attention_problem(rng, 3, 9, 4, 3)
    order = rng.permutation(9)
    context, weights, _ = attention_forward(h_seq, params)
    context_p, weights_p, _ = attention_forward(h_seq[:, order], params)
    np.testing.assert_allclose(weights_p, weights[:, order], rtol=0, atol=ATOL)
    np.testing.assert_allclose(context_p, context, rtol=0, atol=ATOL)
    assert np.abs(weights - weights[:, order]).max() > 1e-3  # the weights do depend on the step


def test_one_unit_with_v_one_is_the_one_score_form_and_cannot_focus(rng):
    """The module docstring's argument: e_t = tanh(w h_t + b) caps the largest weight at
    e^2 / (e^2 + T - 1); the chosen form, with a larger v, can put most of the weight on one step."""
    T, H, special = 60, 3, 17
    h_seq = rng.uniform(-1, 0.5, size=(2, T, H))
    h_seq[:, special, 0] = 2.0  # its score tanh(2) = 0.96 beats every other (below tanh(0.5) = 0.46)
    w, b = np.array([[1.0], [0.0], [0.0]]), np.array([0.0])
    _, weights, _ = attention_forward(h_seq, AttentionParams(w, b, [1.0]))
    scores = np.tanh(h_seq @ w[:, 0] + b)  # (B, T)
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(weights, expected, rtol=0, atol=ATOL)
    cap = np.e ** 2 / (np.e ** 2 + T - 1)
    assert weights.max() <= cap and round(cap, 2) == 0.11
    _, focused, _ = attention_forward(h_seq, AttentionParams(w, b, [20.0]))
    assert (focused.argmax(axis=1) == special).all() and (focused[:, special] > 0.9).all()


# ---------------------------------------------------------------- backward, by finite differences


def test_backward_matches_finite_differences(rng):
    B, T, H, A = 2, 4, 3, 2
    params, h_seq = attention_problem(rng, B, T, H, A)
    upstream = rng.normal(size=(B, H))
    _, _, cache = attention_forward(h_seq, params)
    dh_seq, grads = attention_backward(upstream, cache)
    assert dh_seq.shape == h_seq.shape and all(g.shape == p.shape for g, p in zip(grads, params))

    def loss_of(field):
        def loss(value):
            new = params._replace(**{field: value})
            return float((attention_forward(h_seq, new)[0] * upstream).sum())
        return loss

    def loss_of_states(value):
        return float((attention_forward(value, params)[0] * upstream).sum())

    assert_matches_finite_differences(loss_of_states, h_seq, dh_seq, "dh_seq")
    for field, grad in zip(AttentionParams._fields, grads):
        assert_matches_finite_differences(loss_of(field), getattr(params, field), grad, field)
    # the check can fail: the states' gradient without the path through the scores
    direct_only = cache.weights[:, :, None] * upstream[:, None, :]
    assert fails_finite_differences(loss_of_states, h_seq, direct_only)


def test_backward_with_one_step_sends_everything_straight_through(rng):
    """T = 1: the weight is 1 whatever the score, so the parameters get no gradient."""
    params, h_seq = attention_problem(rng, 2, 1, 3, 2)
    upstream = rng.normal(size=(2, 3))
    dh_seq, grads = attention_backward(upstream, attention_forward(h_seq, params)[2])
    np.testing.assert_allclose(dh_seq[:, 0], upstream, rtol=0, atol=1e-15)
    assert all(np.abs(g).max() < 1e-15 for g in grads)


def test_the_cache_keeps_copies(rng):
    params, h_seq = attention_problem(rng, 2, 3, 3, 2)
    kernel = params.kernel
    _, _, cache = attention_forward(h_seq, params)
    h_seq[:] = 0.0
    kernel[:] = 0.0
    assert np.abs(cache.h_seq).max() > 0 and np.abs(cache.params.kernel).max() > 0


# ---------------------------------------------------------------- initialiser and parameters


def test_init_draws_the_documented_shapes_and_ranges():
    p = attention_init(6, 4, seed=3)
    assert (p.units, p.input_dim) == (6, 4)
    assert p.kernel.shape == (4, 6) and p.bias.shape == (6,) and p.v.shape == (6,)
    assert (p.bias == 0).all() and p.kernel.dtype == np.float64
    assert np.abs(p.kernel).max() <= np.sqrt(6 / 10) and np.abs(p.v).max() <= np.sqrt(3 / 6)
    assert np.abs(p.v).min() > 0  # a zero v would freeze kernel and bias
    assert all((a == b).all() for a, b in zip(p, attention_init(6, 4, seed=3)))
    assert any((a != b).any() for a, b in zip(p, attention_init(6, 4, seed=4)))
    assert attention_init(2, 3, seed=np.random.default_rng(0), dtype=np.float32).v.dtype == np.float32


def test_params_accept_a_plain_list(rng):
    params, h_seq = attention_problem(rng, 2, 3, 3, 2)
    context, _, _ = attention_forward(h_seq, list(params))
    np.testing.assert_array_equal(context, attention_forward(h_seq, params)[0])


@pytest.mark.parametrize("kernel, bias, v, phrase", [
    (np.zeros(3), np.zeros(2), np.zeros(2), "kernel must be a 2-D array"),
    (np.zeros((3, 0)), np.zeros(0), np.zeros(0), "kernel must be a 2-D array"),
    (np.zeros((3, 2)), np.zeros(3), np.zeros(2), "bias must have shape"),
    (np.zeros((3, 2)), np.zeros(2), np.zeros((2, 1)), "v must be a 1-D array"),
    (np.zeros((3, 2)), np.zeros(2), ["a", "b"], "v must hold numbers"),
])
def test_params_refuse_wrong_shapes(kernel, bias, v, phrase):
    with pytest.raises(ValueError, match=phrase):
        AttentionParams(kernel, bias, v)


# ---------------------------------------------------------------- bad input


def bad_forward_cases():
    good = attention_init(2, 3)
    h = np.ones((2, 4, 3))
    nan = h.copy()
    nan[1, 2, 0] = np.nan
    inf_v = good._replace(v=np.array([1.0, np.inf]))
    return [
        (np.ones((4, 3)), good, ValueError, r"h_seq must be a 3-D array of shape \(batch, time, input_dim\)"),
        (np.ones((2, 4, 5)), good, ValueError, r"h_seq must have shape .* = \(any, any, 3\)"),
        (np.ones((0, 4, 3)), good, ValueError, "at least one sequence and one time step"),
        (np.ones((2, 0, 3)), good, ValueError, "at least one sequence and one time step"),
        (nan, good, ValueError, r"h_seq must hold finite numbers.*at index \(1, 2, 0\)"),
        (None, good, ValueError, "h_seq must hold numbers; got None"),
        (h, inf_v, ValueError, "v must hold finite numbers"),
        (h, {"kernel": 1}, TypeError, "params must be AttentionParams"),
        (h, list(good)[:2], ValueError, "a list of 2"),
        (h, LSTMParams(np.ones((3, 8)), np.ones((2, 8)), np.ones(8)), TypeError, "got LSTMParams"),
    ]


@pytest.mark.parametrize("h_seq, params, error, phrase", bad_forward_cases())
def test_forward_refuses_bad_input(h_seq, params, error, phrase):
    with pytest.raises(error, match=phrase):
        attention_forward(h_seq, params)


def test_backward_refuses_bad_input(rng):
    params, h_seq = attention_problem(rng, 2, 3, 4, 2)
    _, _, cache = attention_forward(h_seq, params)
    with pytest.raises(TypeError, match="cache must be the AttentionCache that attention_forward"):
        attention_backward(np.ones((2, 4)), tuple(cache))
    with pytest.raises(ValueError, match=r"dcontext must have shape \(batch, input_dim\) = \(2, 4\)"):
        attention_backward(np.ones((2, 3)), cache)
    with pytest.raises(ValueError, match="dcontext must hold finite numbers"):
        attention_backward(np.full((2, 4), np.nan), cache)


@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"units": 0, "input_dim": 3}, ValueError, "units must be at least 1"),
    ({"units": 2.0, "input_dim": 3}, TypeError, "units must be an integer"),
    ({"units": 2, "input_dim": True}, TypeError, "input_dim must be an integer"),
    ({"units": 2, "input_dim": 3, "seed": -1}, ValueError, "seed must be at least 0"),
    ({"units": 2, "input_dim": 3, "dtype": int}, TypeError, "dtype must be a floating type"),
])
def test_init_refuses_bad_input(kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        attention_init(**kwargs)


# ---------------------------------------------------------------- the module stays light


def test_importing_the_module_does_not_import_tensorflow():
    code = ("import sys, lstm_lib.attention as a; a.attention_forward([[[1.0]]], a.attention_init(1, 1)); "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_the_public_names_are_the_documented_ones():
    assert set(attention_module.__all__) == {
        "AttentionParams", "AttentionCache", "attention_init", "attention_forward",
        "attention_backward", "keras_attention_layer"}
    assert AttentionCache._fields == ("h_seq", "u", "weights", "params")


# ---------------------------------------------------------------- the Keras layer


@pytest.fixture(scope="module")
def keras():
    from lstm_lib.keras_setup import load_keras

    return load_keras()


@pytest.fixture(scope="module")
def TemporalAttention(keras):
    return keras_attention_layer()


def keras_layer(TemporalAttention, params, steps, return_weights=True):
    """A float64 TemporalAttention carrying `params`."""
    layer = TemporalAttention(params.units, return_weights=return_weights, dtype="float64")
    layer.build((None, steps, params.input_dim))
    layer.set_weights(list(params))
    return layer


@pytest.mark.keras
@pytest.mark.parametrize("B,T,H,A", SHAPES)
def test_the_keras_layer_matches_numpy(TemporalAttention, rng, B, T, H, A):
    params, h_seq = attention_problem(rng, B, T, H, A)
    context, weights = (t.numpy() for t in keras_layer(TemporalAttention, params, T)(h_seq))
    ours, our_weights, _ = attention_forward(h_seq, params)
    assert context.dtype == np.float64 and context.shape == (B, H) and weights.shape == (B, T)
    np.testing.assert_allclose(weights, our_weights, rtol=0, atol=ATOL)
    np.testing.assert_allclose(context, ours, rtol=0, atol=ATOL)
    if T == 1:
        assert (weights == 1.0).all() and (context == h_seq[:, 0]).all()


@pytest.mark.keras
def test_the_class_is_made_and_registered_once(keras, TemporalAttention):
    """One class for the whole session: a second call must not make a class that layers of the first
    are not instances of."""
    assert keras_attention_layer() is TemporalAttention
    assert keras.saving.get_registered_object("lstm_lib>TemporalAttention") is TemporalAttention
    assert TemporalAttention.__name__ == TemporalAttention.__qualname__ == "TemporalAttention"


@pytest.mark.keras
def test_the_keras_comparison_notices_a_missing_bias(TemporalAttention, rng):
    params, h_seq = attention_problem(rng, 2, 6, 3, 2)
    _, weights = keras_layer(TemporalAttention, params, 6)(h_seq)
    _, without_bias, _ = attention_forward(h_seq, params._replace(bias=np.zeros(2)))
    assert np.abs(weights.numpy() - without_bias).max() > 1e-3


@pytest.mark.keras
def test_keras_weights_are_in_the_order_and_ranges_of_attention_init(TemporalAttention):
    layer = TemporalAttention(6, dtype="float64")
    layer.build((None, 10, 4))
    params = AttentionParams(*layer.get_weights())  # checks the shapes
    drawn = attention_init(6, 4)
    assert [w.shape for w in params] == [w.shape for w in drawn]
    assert [w.path.split("/")[-1] for w in layer.weights] == list(AttentionParams._fields)
    assert (params.bias == 0).all() and np.abs(params.v).min() > 0
    assert np.abs(params.kernel).max() <= np.sqrt(6 / 10) and np.abs(params.v).max() <= np.sqrt(3 / 6)
    assert layer(np.ones((2, 10, 4))).shape == (2, 4)  # return_weights=False: the context only


@pytest.mark.keras
def test_the_keras_layer_refuses_bad_arguments(keras, TemporalAttention):
    with pytest.raises(ValueError, match="units must be at least 1"):
        TemporalAttention(0)
    with pytest.raises(TypeError, match="return_weights must be True or False"):
        TemporalAttention(3, return_weights="yes")
    inputs = keras.Input((10, 2))
    last_state_only = keras.layers.LSTM(4)(inputs)  # return_sequences forgotten
    with pytest.raises(ValueError, match="return_sequences=True; got"):
        TemporalAttention(3)(last_state_only)
    masked = keras.layers.LSTM(4, return_sequences=True)(keras.layers.Masking()(inputs))
    with pytest.raises(ValueError, match="does not support masks"):
        TemporalAttention(3)(masked)


def forecaster(keras, TemporalAttention, T, D, H, A, dtype="float32"):
    """The chapter's model: Input -> LSTM(return_sequences=True) -> attention -> Dense(1), and a
    second model, sharing its layers, that outputs the attention weights."""
    inputs = keras.Input((T, D), dtype=dtype)
    h_seq = keras.layers.LSTM(H, return_sequences=True, dtype=dtype)(inputs)
    context, weights = TemporalAttention(A, return_weights=True, dtype=dtype, name="attention")(h_seq)
    prediction = keras.layers.Dense(1, dtype=dtype)(context)
    return keras.Model(inputs, prediction), keras.Model(inputs, weights)


@pytest.mark.keras
def test_one_training_step_changes_every_attention_weight(keras, TemporalAttention, rng):
    model, _ = forecaster(keras, TemporalAttention, 8, 2, 5, 3)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x, y = rng.normal(size=(16, 8, 2)), rng.normal(size=(16, 1))
    before = model.get_layer("attention").get_weights()
    model.train_on_batch(x, y)
    after = model.get_layer("attention").get_weights()
    for name, old, new in zip(AttentionParams._fields, before, after):
        assert np.abs(new - old).max() > 1e-7, f"{name} did not move: no gradient reached it"


@pytest.mark.keras
def test_the_model_in_float64_is_lstm_forward_then_attention_forward(keras, TemporalAttention, rng):
    model, weights_model = forecaster(keras, TemporalAttention, 7, 2, 4, 3, dtype="float64")
    lstm_layer, attention_layer, dense = model.layers[1:]
    lstm_layer.set_weights([w + rng.normal(scale=0.1, size=w.shape) for w in lstm_layer.get_weights()])
    attention_layer.set_weights(list(attention_problem(rng, 1, 1, 4, 3)[0]))  # non-zero bias
    x = rng.normal(size=(5, 7, 2))
    h_seq, _, _ = lstm_forward(x, LSTMParams(*lstm_layer.get_weights()))
    context, weights, _ = attention_forward(h_seq, attention_layer.get_weights())
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(weights_model(x).numpy(), weights, rtol=0, atol=ATOL)
    np.testing.assert_allclose(model(x).numpy(), context @ kernel + bias, rtol=0, atol=ATOL)


LOAD_IN_A_NEW_SESSION = """
import sys
import numpy as np
from lstm_lib.keras_setup import load_keras
keras = load_keras()
from lstm_lib.attention import keras_attention_layer
try:
    keras.models.load_model(sys.argv[1])
except Exception as exc:
    print("without the call:", type(exc).__name__, "TemporalAttention" in str(exc))
keras_attention_layer()
model = keras.models.load_model(sys.argv[1])
np.save(sys.argv[2], model(np.load(sys.argv[3])).numpy())
"""


@pytest.mark.keras
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # inside model.save
def test_a_saved_model_reloads_with_the_same_predictions(keras, TemporalAttention, rng, tmp_path):
    model, _ = forecaster(keras, TemporalAttention, 6, 2, 4, 3)
    x = rng.normal(size=(4, 6, 2)).astype(np.float32)
    expected = model(x).numpy()
    path = tmp_path / "forecaster.keras"
    model.save(path)

    loaded = keras.models.load_model(path)
    layer = loaded.get_layer("attention")
    assert isinstance(layer, TemporalAttention) and (layer.units, layer.return_weights) == (3, True)
    np.testing.assert_array_equal(loaded(x).numpy(), expected)  # same weights, same ops

    # a new session: Keras finds the class once keras_attention_layer() has been called
    np.save(tmp_path / "x.npy", x)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_IN_A_NEW_SESSION, str(path), str(tmp_path / "y.npy"),
         str(tmp_path / "x.npy")], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "without the call: TypeError True" in result.stdout
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), expected)  # same weights, same ops
