"""lstm_lib.params: the shared base of the parameter types and as_params."""
import pickle

import numpy as np
import pytest

from lstm_lib import lstm, rnn
from lstm_lib.initializers import lstm_init, rnn_init
from lstm_lib.lstm import LSTMParams
from lstm_lib.gru import GRUParams
from lstm_lib.params import RecurrentParams, as_params
from lstm_lib.rnn import RNNParams

D, H = 2, 3


def _weights(rng, n, bias_axes=()):
    return (
        rng.normal(size=(D, n * H)),
        rng.normal(size=(H, n * H)),
        rng.normal(size=(*bias_axes, n * H)),
    )


# ---------------------------------------------------------------- the types


@pytest.mark.parametrize("kind, n", [(LSTMParams, 4), (RNNParams, 1)])
def test_types_share_the_base_and_stay_named_tuples(rng, kind, n):
    p = kind(*_weights(rng, n))
    assert isinstance(p, RecurrentParams) and isinstance(p, tuple)
    assert p._fields == ("kernel", "recurrent_kernel", "bias")
    assert (p.units, p.input_dim, p.dtype) == (H, D, np.float64)
    assert type(p._make(list(p))) is kind
    assert repr(p).startswith(f"{kind.__name__}(kernel=")
    again = pickle.loads(pickle.dumps(p))
    assert type(again) is kind
    for a, b in zip(again, p):
        np.testing.assert_array_equal(a, b)


def test_gate_orders():
    assert LSTMParams.GATE_ORDER == lstm.GATE_ORDER == ("i", "f", "c", "o")
    assert RNNParams.GATE_ORDER == ("h",)
    assert LSTMParams.bias_shape(H) == (4 * H,)
    assert RNNParams.bias_shape(H) == (H,)


def test_lstm_gates_are_views_in_keras_order(rng):
    p = LSTMParams(*_weights(rng, 4))
    for k, name in enumerate(LSTMParams.GATE_ORDER):
        block = slice(k * H, (k + 1) * H)
        assert LSTMParams.block(name, H) == block
        for part, whole in zip(p.gate(name), p):
            np.testing.assert_array_equal(part, whole[..., block])
            assert np.shares_memory(part, whole)


def test_rnn_has_one_block_the_whole_arrays(rng):
    p = RNNParams(*_weights(rng, 1))
    for part, whole in zip(p.gate("h"), p):
        np.testing.assert_array_equal(part, whole)
        assert np.shares_memory(part, whole)
    with pytest.raises(ValueError, match=r"gate name must be one of \('h',\); got 'i'"):
        p.gate("i")


@pytest.mark.parametrize("name", ["forget", 0, None, "I"])
def test_unknown_gate_name(rng, name):
    p = LSTMParams(*_weights(rng, 4))
    with pytest.raises(ValueError, match="gate name must be one of"):
        p.gate(name)


def test_blocks_split_the_last_axis_in_gate_order(rng):
    z = rng.normal(size=(5, 7, 4 * H))
    blocks = LSTMParams.blocks(z, H)
    assert len(blocks) == 4
    np.testing.assert_array_equal(np.concatenate(blocks, axis=-1), z)
    assert all(b.shape == (5, 7, H) and np.shares_memory(b, z) for b in blocks)


def test_lstm_init_opens_the_forget_gate_only():
    p = lstm_init(H, D, seed=0)
    for name in LSTMParams.GATE_ORDER:
        expected = 1.0 if name == "f" else 0.0
        np.testing.assert_array_equal(p.gate(name)[2], np.full(H, expected))
    np.testing.assert_array_equal(rnn_init(H, D, seed=0).bias, np.zeros(H))


# ---------------------------------------------------------------- a bias that is not 1-D


def test_a_type_may_say_its_bias_shape(rng):
    p = GRUParams(*_weights(rng, 3, (2,)))
    assert GRUParams.bias_shape(H) == (2, 3 * H)
    assert (p.units, p.input_dim) == (H, D)
    W_x, W_h, b = p.gate("r")
    assert (W_x.shape, W_h.shape, b.shape) == ((D, H), (H, H), (2, H))
    np.testing.assert_array_equal(b, p.bias[:, H : 2 * H])
    with pytest.raises(ValueError, match=r"bias must have shape \(2, 3 \* units\).*reset_after=True"):
        GRUParams(*_weights(rng, 3))
    with pytest.raises(ValueError, match=r"bias must have shape \(2, 3 \* units\) with units=3 = \(2, 9\)"):
        GRUParams(np.zeros((D, 9)), np.zeros((H, 9)), np.zeros((3, 9)))  # the base's check of BIAS_AXES
    rule = r"recurrent_kernel must have shape \(units, 3 \* units\).*gate blocks z, r, h"
    with pytest.raises(ValueError, match=rule):
        GRUParams(np.zeros((D, 3 * H)), np.zeros((H, 4 * H)), np.zeros((2, 3 * H)))
    q = as_params(list(p), GRUParams)
    assert type(q) is GRUParams and not np.shares_memory(q.bias, p.bias)


def test_the_base_itself_holds_no_parameters(rng):
    with pytest.raises(TypeError, match="names no gate blocks"):
        RecurrentParams(*_weights(rng, 1))


# ---------------------------------------------------------------- as_params


@pytest.mark.parametrize("kind, n", [(LSTMParams, 4), (RNNParams, 1)])
@pytest.mark.parametrize("container", [list, tuple, "same"])
def test_as_params_returns_checked_copies(rng, kind, n, container):
    given = kind(*_weights(rng, n))
    params = given if container == "same" else container(given)
    p = as_params(params, kind)
    assert type(p) is kind
    for a, b in zip(p, given):
        np.testing.assert_array_equal(a, b)
        assert not np.shares_memory(a, b)


@pytest.mark.parametrize("kind, other", [(LSTMParams, RNNParams), (RNNParams, LSTMParams)])
def test_as_params_refuses_the_other_type(rng, kind, other):
    n = len(other.GATE_ORDER)
    expected = rf"params must be {kind.__name__}\(kernel, recurrent_kernel, bias\)"
    with pytest.raises(TypeError, match=rf"{expected}.*got {other.__name__}"):
        as_params(other(*_weights(rng, n)), kind)


@pytest.mark.parametrize("bad, error, got", [
    (None, TypeError, "got NoneType"),
    ({"kernel": 1}, TypeError, "got dict"),
    ([np.zeros((D, 4 * H))], ValueError, "got a list of 1"),
    ((1, 2, 3, 4), ValueError, "got a tuple of 4"),
])
def test_as_params_names_what_it_got(bad, error, got):
    with pytest.raises(error, match=got):
        as_params(bad, LSTMParams)


def test_as_params_rejects_non_finite_weights(rng):
    p = LSTMParams(*_weights(rng, 4))
    p.recurrent_kernel[1, 2] = np.inf
    with pytest.raises(ValueError, match=r"recurrent_kernel must hold finite numbers.*index \(1, 2\)"):
        as_params(p, LSTMParams)


@pytest.mark.parametrize("kind", [None, tuple, int, "LSTMParams", RecurrentParams])
def test_as_params_wants_a_parameter_type(rng, kind):
    with pytest.raises(TypeError, match="kind must be a parameter type"):
        as_params(LSTMParams(*_weights(rng, 4)), kind)


def test_every_function_takes_params_through_as_params():
    """No module keeps a coercion of its own."""
    import lstm_lib.jacobians as jacobians

    for module in (lstm, rnn, jacobians):
        assert not hasattr(module, "_as_params")
        assert module.as_params is as_params
