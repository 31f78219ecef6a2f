"""The one-unit LSTM that the course works through by hand.

A single trained unit (H = D = 1, after Starmer's example): for each
block a weight on h_{t-1}, a weight on x_t and a bias. The LSTM-cell
chapter computes one step of it from START by hand, then runs it over
two companies' prices that differ only on day 1; the in-browser gate
explorer starts from the same numbers. This module is their one source.
"""
import types

import numpy as np

from ._shapes import require_number
from .lstm import LSTMParams

# For each block: (weight on h_{t-1}, weight on x_t, bias).
UNIT_WEIGHTS = types.MappingProxyType({
    "f": (2.70, 1.63, 1.62),
    "i": (2.00, 1.65, 0.62),
    "c": (1.41, 0.94, -0.32),
    "o": (4.38, -0.19, 0.59),
})
BLOCK_NAMES = types.MappingProxyType({
    "f": "forget gate", "i": "input gate", "c": "candidate",
    "o": "output gate",
})
# The step worked by hand: the input, and the memories it starts from.
START = types.MappingProxyType({"x_t": 1.0, "h_prev": 1.0, "c_prev": 2.0})


def company_prices():
    """The two companies' scaled prices on days 1 to 4, (2, 4).

    Row 0 is company A, row 1 company B; they differ only on day 1.
    """
    return np.array([[0.0, 0.5, 0.25, 1.0],
                     [1.0, 0.5, 0.25, 1.0]])


def day5_prices():
    """The price each company reaches on day 5, (2,): A 0, B 1."""
    return np.array([0.0, 1.0])


def unit_params(weights=UNIT_WEIGHTS):
    """A one-unit LSTMParams in Keras' layout from per-block scalars.

    Parameters
    ----------
    weights : mapping
        For each block "f", "i", "c" and "o", a triple (weight on
        h_{t-1}, weight on x_t, bias) of finite numbers.

    Returns
    -------
    LSTMParams with kernel (1, 4), recurrent_kernel (1, 4) and bias
    (4,), the blocks in Keras' order i, f, c, o.

    A missing or unknown block, or a triple of the wrong length or
    holding NaN or inf, is a ValueError naming it; a non-number is a
    TypeError.
    """
    weights = _checked_weights(weights)
    # region: keras-layout
    order = ("i", "f", "c", "o")  # Keras' order, not the text's
    w_h = [weights[name][0] for name in order]
    w_x = [weights[name][1] for name in order]
    b = [weights[name][2] for name in order]
    # kernel (D, 4H) = (1, 4), recurrent_kernel (H, 4H) = (1, 4)
    return LSTMParams(np.array([w_x]), np.array([w_h]), np.array(b))
    # endregion


def _checked_weights(weights):
    """{block: (w_h, w_x, b) as floats}, or a clear error."""
    blocks = ("f", "i", "c", "o")
    try:
        names = set(weights)
    except TypeError:
        raise TypeError("weights must be a mapping from the blocks f, i, "
                        f"c, o to triples; got {weights!r}") from None
    if names != set(blocks):
        missing = ", ".join(sorted(set(blocks) - names)) or "none"
        unknown = ", ".join(sorted(map(repr, names - set(blocks))))
        raise ValueError("weights needs exactly the blocks f, i, c, o; "
                         f"missing: {missing}; "
                         f"unknown: {unknown or 'none'}")
    checked = {}
    for name in blocks:
        triple = tuple(weights[name])
        if len(triple) != 3:
            raise ValueError(
                f"weights[{name!r}] must be (weight on h_(t-1), weight "
                f"on x_t, bias); got {len(triple)} numbers")
        checked[name] = tuple(
            require_number(f"weights[{name!r}][{k}]", value)
            for k, value in enumerate(triple))
    return checked
