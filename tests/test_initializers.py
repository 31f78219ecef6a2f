import numpy as np
import pytest

from lstm_lib.gru import GRUParams
from lstm_lib.initializers import glorot_uniform, gru_init, lstm_init, orthogonal, rnn_init


def test_glorot_uniform_limit_and_spread():
    rng = np.random.default_rng(0)
    w = glorot_uniform((200, 300), rng)
    limit = np.sqrt(6 / 500)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit
    assert w.var() == pytest.approx(limit**2 / 3, rel=0.02)  # variance of U(-l, l)


@pytest.mark.parametrize("shape", [(4, 16), (16, 4), (5, 5)])
def test_orthogonal_has_orthonormal_rows_or_columns(shape):
    q = orthogonal(shape, np.random.default_rng(1))
    small = min(shape)
    gram = q @ q.T if shape[0] <= shape[1] else q.T @ q
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)


def test_lstm_init_shapes_and_forget_bias():
    p = lstm_init(units=3, input_dim=2, seed=0)
    assert p.kernel.shape == (2, 12) and p.recurrent_kernel.shape == (3, 12)
    np.testing.assert_array_equal(p.bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(p.recurrent_kernel @ p.recurrent_kernel.T, np.eye(3), atol=1e-12)


def test_init_is_seeded_and_respects_dtype():
    a, b = lstm_init(4, 2, seed=7), lstm_init(4, 2, seed=7)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert lstm_init(4, 2, dtype=np.float32).dtype == np.float32
    assert rnn_init(4, 2, dtype=np.float32).dtype == np.float32
    assert gru_init(4, 2, dtype=np.float32).dtype == np.float32


@pytest.mark.keras
def test_same_layout_and_bias_pattern_as_keras_defaults():
    import keras

    layer = keras.layers.LSTM(5)
    layer.build((None, None, 3))
    keras_weights = layer.get_weights()
    ours = lstm_init(5, 3)
    assert [w.shape for w in ours] == [w.shape for w in keras_weights]
    np.testing.assert_array_equal(ours.bias, keras_weights[2])
    u = keras_weights[1]
    np.testing.assert_allclose(u @ u.T, np.eye(5), atol=1e-5)  # Keras' recurrent kernel is orthogonal too

    rnn = keras.layers.SimpleRNN(4)
    rnn.build((None, None, 3))
    assert [w.shape for w in rnn_init(4, 3)] == [w.shape for w in rnn.get_weights()]


def test_gru_init_shapes_zero_bias_and_distributions():
    p = gru_init(units=4, input_dim=3, seed=0)
    assert isinstance(p, GRUParams)
    assert (p.kernel.shape, p.recurrent_kernel.shape, p.bias.shape) == ((3, 12), (4, 12), (2, 12))
    np.testing.assert_array_equal(p.bias, np.zeros((2, 12)))  # no gate bias set, unlike the LSTM
    np.testing.assert_allclose(p.recurrent_kernel @ p.recurrent_kernel.T, np.eye(4), atol=1e-12)
    assert np.abs(p.kernel).max() <= np.sqrt(6 / (3 + 12))  # Glorot over the whole (D, 3H) kernel
    a, b = gru_init(4, 3, seed=7), gru_init(4, 3, seed=7)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("bad,error", [(0, ValueError), (2.5, TypeError), ("4", TypeError)])
def test_gru_init_refuses_bad_sizes(bad, error):
    with pytest.raises(error, match="^units must be"):
        gru_init(bad, 3)


@pytest.mark.keras
def test_gru_init_has_keras_gru_layout_and_bias():
    import keras

    layer = keras.layers.GRU(5)
    layer.build((None, None, 3))
    keras_weights = layer.get_weights()
    ours = gru_init(5, 3)
    assert [w.shape for w in ours] == [w.shape for w in keras_weights]
    np.testing.assert_array_equal(ours.bias, keras_weights[2])
    u = keras_weights[1]
    np.testing.assert_allclose(u @ u.T, np.eye(5), atol=1e-5)  # Keras' recurrent kernel: orthonormal rows
    limit = np.sqrt(6 / (3 + 15))  # ... and its kernel Glorot-uniform over the whole (D, 3H)
    assert np.abs(keras_weights[0]).max() <= limit * (1 + 1e-6)
