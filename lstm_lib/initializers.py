"""Parameter initialisers with the same distributions as Keras' defaults.

Keras' LSTM, GRU and SimpleRNN start from a Glorot-uniform `kernel`, an
orthogonal `recurrent_kernel` and a zero `bias`; the LSTM also sets its
forget-gate bias to 1 (`unit_forget_bias=True`, Gers et al. 2000). The
random streams differ from Keras', the distributions do not.

Sizes must be positive integers and dtype a floating type.
`glorot_uniform` and `orthogonal` draw from a NumPy Generator `rng`;
`lstm_init`, `gru_init` and `rnn_init` take a `seed`: an int, None (fresh
entropy) or a Generator.
"""
import numpy as np

from ._shapes import (float_dtype, require_generator, require_int,
                      require_number)
from .gru import GRUParams
from .lstm import LSTMParams
from .rnn import RNNParams


def glorot_uniform(shape, rng, dtype=np.float64):
    """Uniform on [-l, l] with l = sqrt(6 / (fan_in + fan_out)),
    fan_in, fan_out = shape.
    """
    fan_in, fan_out = _matrix_shape(shape)
    rng, dtype = require_generator("rng", rng), float_dtype("dtype", dtype)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)


def orthogonal(shape, rng, gain=1.0, dtype=np.float64):
    """A matrix with orthonormal rows (if rows <= cols) or columns, from
    the QR of a Gaussian.
    """
    rows, cols = _matrix_shape(shape)
    rng, dtype = require_generator("rng", rng), float_dtype("dtype", dtype)
    gain = require_number("gain", gain)
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    # makes the decomposition unique, so q is uniformly distributed
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return (gain * q).astype(dtype)


def lstm_init(units, input_dim, seed=0, dtype=np.float64):
    """LSTMParams drawn as Keras' LSTM layer draws them, forget-gate bias
    at 1.
    """
    params = _keras_init(LSTMParams, units, input_dim, seed, dtype)
    # region: forget-bias
    forget_bias = params.gate("f")[2]  # a view into params.bias
    forget_bias[:] = 1.0  # Keras' unit_forget_bias=True
    # endregion
    return params


def gru_init(units, input_dim, seed=0, dtype=np.float64):
    """GRUParams drawn as Keras' GRU layer draws them: both bias rows
    (2, 3H) at zero.
    """
    return _keras_init(GRUParams, units, input_dim, seed, dtype)


def rnn_init(units, input_dim, seed=0, dtype=np.float64):
    """RNNParams drawn as Keras' SimpleRNN layer draws them."""
    return _keras_init(RNNParams, units, input_dim, seed, dtype)


def _keras_init(kind, units, input_dim, seed, dtype):
    """A `kind` (LSTMParams, GRUParams, RNNParams) drawn as Keras draws it.

    Glorot-uniform kernel, orthogonal recurrent_kernel, zero bias of the
    type's own shape; lstm_init then sets the forget-gate bias.
    """
    units, input_dim, rng = _check(units, input_dim, seed)
    width = len(kind.GATE_ORDER) * units  # all the gate blocks
    kernel = glorot_uniform((input_dim, width), rng, dtype)
    recurrent_kernel = orthogonal((units, width), rng, dtype=dtype)
    bias = np.zeros(kind.bias_shape(units), dtype=dtype)
    return kind(kernel, recurrent_kernel, bias)


def _matrix_shape(shape):
    """shape as (rows, cols), two positive integers."""
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError("shape must be a pair (rows, cols) of positive "
                         f"integers; got {shape!r}")
    return (require_int("shape[0]", shape[0], 1),
            require_int("shape[1]", shape[1], 1))


def _check(units, input_dim, seed):
    """Checked (units, input_dim, Generator) for the *_init functions."""
    units, input_dim = (require_int("units", units, 1),
                        require_int("input_dim", input_dim, 1))
    if seed is not None and not isinstance(seed, np.random.Generator):
        seed = require_int("seed", seed, 0)
    return units, input_dim, np.random.default_rng(seed)
