"""The tests' one way to check a gradient against finite differences.

The threshold is lstm_lib.gradcheck.TOLERANCE; its derivation (module docstring
there) assumes a loss of a few terms of order one and a gradient whose largest
entry is not tiny, so both premises are asserted here rather than assumed.
"""
import numpy as np

from lstm_lib.gradcheck import TOLERANCE, check_gradient

SMALLEST_SCALE = 0.05  # the derivation's premise: the gradient's largest entry is at least this
LARGEST_LOSS = 10.0  # ... and the loss is a few terms of order one


def assert_matches_finite_differences(loss, at, analytic, name):
    assert abs(loss(at)) < LARGEST_LOSS, f"{name}: the loss is too large for the threshold's derivation"
    assert np.max(np.abs(analytic)) > SMALLEST_SCALE, f"{name}: a gradient this small checks nothing"
    error = check_gradient(loss, at, analytic)
    assert error < TOLERANCE, f"{name}: relative error {error:.2e} against finite differences"


def fails_finite_differences(loss, at, analytic):
    """True when a (planted) wrong gradient is told apart from the numerical one."""
    return check_gradient(loss, at, analytic) > TOLERANCE
