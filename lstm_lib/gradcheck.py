"""Gradient checking by centred finite differences.

    df/dx_j ~ n_j = (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

How far n_j can be from the true derivative, in float64 (unit roundoff
u = 2**-53 ~ 1.1e-16), has two parts:

- truncation: eps**2 / 6 * |f'''|, from the Taylor series (the even
  terms cancel);
- rounding: each evaluation of f carries an absolute error delta, at most
  a small multiple of u times the magnitudes summed into the loss; the
  difference of two such values, divided by 2 eps, is off by up to
  delta / eps.

Both parts are *absolute*: they do not shrink with |df/dx_j|. With
eps = 1e-5, losses made of a few terms of order one (delta below about
1e-14) and |f'''| of order ten, every n_j is within about 1e-9 of the
truth, whatever the size of that entry. An entry of the gradient a
thousand times smaller than the largest one is therefore known only to a
relative accuracy of about 1e-6, so an element-by-element relative error
flags correct code, and which entries it flags depends on the machine's
rounding (for example on which BLAS kernels OpenBLAS picks).
`relative_error` measures every entry against the largest entry of the
gradient instead, the scale at which the absolute error above is
meaningful. For the course's checks (gradients with largest entry above
0.05) the bound above gives errors below about 2e-8, and the ones
measured are near 1e-10; a mistake that changes a gradient entry of one
per cent of the largest by 0.1 % gives 1e-5. TOLERANCE = 1e-6 sits
between the two: forty times the bound, ten thousand times the errors
measured, a tenth of that mistake.

NaN and inf are refused with a ValueError, in the point x, in either
gradient and in any loss f returns: a relative error of nan would compare
False both with `err < TOLERANCE` and with `err > TOLERANCE`, and pass for
neither.
"""
import math

import numpy as np

from ._shapes import as_float_array, require_finite, require_number

TOLERANCE = 1e-6


def numerical_gradient(f, x, eps=1e-5):
    """Centred-difference gradient of a scalar function f at x.

    Parameters
    ----------
    f : callable
        Takes an array shaped like x and returns a scalar (the loss).
    x : array
        The point, of finite numbers; it is copied to float64 and never
        modified.
    eps : float
        The step, a finite number > 0.

    Returns
    -------
    array shaped like x, in float64.

    Raises ValueError if f returns anything but a finite scalar, at x or
    at any step.
    """
    if not callable(f):
        raise TypeError("f must be a function of x returning the loss; "
                        f"got {type(f).__name__}")
    x = np.array(require_finite("x", as_float_array("x", x)),
                 dtype=np.float64, copy=True)
    eps = require_number("eps", eps, low=0, low_open=True)
    _loss(f(x))
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = _loss(f(x), index, "+")
        x[index] = original - eps
        f_minus = _loss(f(x), index, "-")
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(analytic, numeric):
    """The worst difference, relative to the largest entry of either
    gradient.

        max_j |a_j - n_j| / max(max_j |a_j|, max_j |n_j|)

    0 when both gradients are all zeros. See the module docstring for why
    the scale is the largest entry and not each entry's own size. Raises
    ValueError if either holds a NaN or inf, rather than return nan.
    """
    a = require_finite(
        "analytic", as_float_array("analytic", analytic)
    ).astype(np.float64)
    n = require_finite(
        "numeric", as_float_array("numeric", numeric)
    ).astype(np.float64)
    if a.shape != n.shape:
        raise ValueError(
            "analytic and numeric gradients must have the same shape; "
            f"got {a.shape} and {n.shape}"
        )
    if a.size == 0:
        return 0.0
    scale = max(np.max(np.abs(a)), np.max(np.abs(n)))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(a - n)) / scale)


def check_gradient(f, x, analytic, eps=1e-5):
    """relative_error between an analytic gradient of f at x and the
    numerical one.

    Below TOLERANCE (1e-6) the analytic gradient agrees with finite
    differences as closely as float64 and the step eps allow. analytic is
    checked (finite, shaped like x) before the numerical gradient is
    computed.
    """
    shape = as_float_array("x", x).shape
    analytic = require_finite("analytic",
                              as_float_array("analytic", analytic))
    if analytic.shape != shape:
        raise ValueError(f"analytic must have the shape of x, {shape}; "
                         f"got shape {analytic.shape}")
    return relative_error(analytic, numerical_gradient(f, x, eps))


def _loss(value, index=None, sign=""):
    """f's value (at x, or with x[index] moved by sign eps) as a float: a
    finite scalar, or an error.
    """
    if np.ndim(value) != 0:
        raise ValueError("f must return a scalar loss; it returned an "
                         f"array of shape {np.shape(value)}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError("f must return a number (the loss); "
                        f"it returned {value!r}") from None
    if not math.isfinite(value):
        where = ("x" if index is None else
                 f"x with x[{str(index)[1:-1].rstrip(',')}] {sign} eps")
        raise ValueError(f"f returned {value} at {where}: "
                         "finite differences need a finite loss")
    return value
