"""The parameter types of the recurrent layers, in Keras' weight layout.

Every Keras recurrent layer keeps three arrays: kernel (D, nH),
recurrent_kernel (H, nH) and bias, with its n gate blocks side by side
along the last axis in a fixed order. RecurrentParams holds what the
types share: the shape checks, units, input_dim, dtype and the gate
blocks by name. Each type names its blocks in GATE_ORDER and, if its
bias is not 1-D, the bias's leading axes in BIAS_AXES:

    RNNParams   ("h",)                 bias (H,)
    LSTMParams  ("i", "f", "c", "o")   bias (4H,)
    a GRU       ("z", "r", "h")        bias (2, 3H), BIAS_AXES = (2,)
                                       (Keras' reset_after layout)

`as_params(params, LSTMParams)` is how the numeric functions take their
parameters in: checked, finite and copied.
"""
from typing import NamedTuple

import numpy as np

from ._shapes import as_float_array, require_finite, require_shape


class _Weights(NamedTuple):
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray


class RecurrentParams(_Weights):
    """Base of the parameter types: kernel, recurrent_kernel, bias.

    A subclass sets GATE_ORDER, the names of its gate blocks in Keras'
    order, and BIAS_AXES, the bias's axes before the gate blocks (() for
    a 1-D bias).

    Checks that the shapes agree and that units and input_dim are at
    least 1. The arrays are kept, not copied (integer arrays become
    float64 copies), so an optimiser can update them in place; NaN and inf
    are allowed here and rejected by the functions that compute with them.
    """

    GATE_ORDER = ()
    BIAS_AXES = ()

    __slots__ = ()

    def __new__(cls, kernel, recurrent_kernel, bias):
        if not cls.GATE_ORDER:
            raise TypeError(
                f"{cls.__name__} names no gate blocks (GATE_ORDER); "
                "use a parameter type such as LSTMParams or RNNParams"
            )
        given = (kernel, recurrent_kernel, bias)
        kernel, recurrent_kernel, bias = (
            as_float_array(name, value)
            for name, value in zip(cls._fields, given)
        )
        n, shape = len(cls.GATE_ORDER), recurrent_kernel.shape
        if len(shape) != 2 or shape[1] != n * shape[0] or shape[0] == 0:
            raise ValueError(
                f"recurrent_kernel must {cls._recurrent_rule()}; "
                f"got shape {shape}"
            )
        units = shape[0]
        width, with_units = _width(n), f"with units={units}"
        require_shape("kernel", kernel, (None, n * units),
                      f"(input_dim, {width}) {with_units}")
        if kernel.shape[0] == 0:
            raise ValueError(
                "kernel must have at least one row (input_dim >= 1); "
                f"got shape {kernel.shape}"
            )
        axes = [str(size) for size in cls.BIAS_AXES] + [width]
        meaning = f"({', '.join(axes)}{',' if len(axes) == 1 else ''})"
        require_shape("bias", bias, cls.bias_shape(units),
                      f"{meaning} {with_units}")
        return super().__new__(cls, kernel, recurrent_kernel, bias)

    @classmethod
    def _recurrent_rule(cls):
        """What recurrent_kernel must be, for the error message."""
        n = len(cls.GATE_ORDER)
        if n == 1:
            return "be square, shape (units, units) = (H, H) with H >= 1"
        return (
            f"have shape (units, {n} * units) = (H, {n}H) with H >= 1, "
            f"gate blocks {', '.join(cls.GATE_ORDER)}"
        )

    @property
    def units(self):
        """H, the number of units."""
        return self.recurrent_kernel.shape[0]

    @property
    def input_dim(self):
        """D, the number of input features."""
        return self.kernel.shape[0]

    @property
    def dtype(self):
        """The floating type the three arrays share when combined."""
        return np.result_type(self.kernel, self.recurrent_kernel, self.bias)

    @classmethod
    def bias_shape(cls, units):
        """The bias's shape for `units` units, e.g. (4H,) for the LSTM."""
        return (*cls.BIAS_AXES, len(cls.GATE_ORDER) * units)

    @classmethod
    def block(cls, name, units):
        """The slice of gate `name` along a last axis of n * units."""
        if not isinstance(name, str) or name not in cls.GATE_ORDER:
            raise ValueError(
                f"gate name must be one of {cls.GATE_ORDER}; got {name!r}"
            )
        k = cls.GATE_ORDER.index(name)
        return slice(k * units, (k + 1) * units)

    @classmethod
    def blocks(cls, array, units):
        """array (..., n * units) as its n gate blocks, in GATE_ORDER.

        The blocks are views into array, each of shape (..., units).
        """
        return tuple(array[..., cls.block(name, units)]
                     for name in cls.GATE_ORDER)

    def gate(self, name):
        """(W_x, W_h, b) of one gate, name in GATE_ORDER.

        Shapes (D, H), (H, H) and (H,) (with BIAS_AXES in front for b);
        the three are views into the arrays of params, not copies.
        """
        block = self.block(name, self.units)
        return (self.kernel[:, block], self.recurrent_kernel[:, block],
                self.bias[..., block])


def _width(n):
    """The gate axis's length in words: "units" or "4 * units"."""
    return "units" if n == 1 else f"{n} * units"


def as_params(params, kind):
    """params as a `kind` (e.g. LSTMParams) of finite, copied weights.

    Accepts a `kind` or a list or tuple (kernel, recurrent_kernel, bias),
    e.g. keras_layer.get_weights(); another parameter type is a
    TypeError. The copies are the caller's to keep, e.g. in a cache.
    """
    if not (isinstance(kind, type) and issubclass(kind, RecurrentParams)
            and kind.GATE_ORDER):
        raise TypeError(
            "kind must be a parameter type such as LSTMParams or "
            f"RNNParams; got {kind!r}"
        )
    if not isinstance(params, kind):
        expected = (
            f"params must be {kind.__name__}(kernel, recurrent_kernel, "
            "bias) or a list of those three arrays (as "
            "keras_layer.get_weights() returns)"
        )
        # another parameter type (RNNParams for an LSTM) is refused,
        # not read as three arrays
        foreign = hasattr(params, "_fields")
        if not isinstance(params, (list, tuple)) or foreign:
            raise TypeError(f"{expected}; got {type(params).__name__}")
        if len(params) != len(kind._fields):
            raise ValueError(
                f"{expected}; got a {type(params).__name__} "
                f"of {len(params)}"
            )
        params = kind(*params)
    for name, array in zip(params._fields, params):
        require_finite(name, array)
    return kind._make(array.copy() for array in params)
