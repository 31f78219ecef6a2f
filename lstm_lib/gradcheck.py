"""Gradient checking by centred finite differences.

    df/dx_j ~ n_j = (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

How far n_j can be from the true derivative, in float64 (unit roundoff
u = 2**-53 ~ 1.1e-16), has two parts:

- truncation: eps**2 / 6 * |f'''|, from the Taylor series (the even terms cancel);
- rounding: each evaluation of f carries an absolute error delta, at most a
  small multiple of u times the magnitudes summed into the loss; the difference
  of two such values, divided by 2 eps, is off by up to delta / eps.

Both parts are *absolute*: they do not shrink with |df/dx_j|. With eps = 1e-5,
losses made of a few terms of order one (delta below about 1e-14) and
|f'''| of order ten, every n_j is within about 1e-9 of the truth, whatever the
size of that entry. An entry of the gradient a thousand times smaller than the
largest one is therefore known only to a relative accuracy of about 1e-6, so an
element-by-element relative error flags correct code, and which entries it
flags depends on the machine's rounding (for example on which BLAS kernels
OpenBLAS picks). `relative_error` measures every entry against the largest
entry of the gradient instead, the scale at which the absolute error above is
meaningful. For the course's checks (gradients with largest entry above 0.05)
the bound above gives errors below about 2e-8, and the ones measured are near
1e-10; a mistake that changes a gradient entry of one per cent of the largest
by 0.1 % gives 1e-5. TOLERANCE = 1e-6 sits between the two: forty times the
bound, ten thousand times the errors measured, a tenth of that mistake.
"""
import numpy as np

TOLERANCE = 1e-6


def numerical_gradient(f, x, eps=1e-5):
    """Centred-difference gradient of a scalar function f at x.

    Parameters
    ----------
    f : callable
        Takes an array shaped like x and returns a scalar (the loss).
    x : array
        The point; it is copied to float64 and never modified.
    eps : float
        The step.

    Returns
    -------
    array shaped like x, in float64.
    """
    x = np.array(x, dtype=np.float64, copy=True)
    first = f(x)
    if np.ndim(first) != 0:
        raise ValueError(f"f must return a scalar loss; it returned an array of shape {np.shape(first)}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = float(f(x))
        x[index] = original - eps
        f_minus = float(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(analytic, numeric):
    """The worst difference, relative to the largest entry of either gradient.

        max_j |a_j - n_j| / max(max_j |a_j|, max_j |n_j|)

    0 when both gradients are all zeros. See the module docstring for why the
    scale is the largest entry and not each entry's own size.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric gradients must have the same shape; got {a.shape} and {n.shape}")
    if a.size == 0:
        return 0.0
    scale = max(np.max(np.abs(a)), np.max(np.abs(n)))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(a - n)) / scale)


def check_gradient(f, x, analytic, eps=1e-5):
    """relative_error between an analytic gradient of f at x and the numerical one.

    Below TOLERANCE (1e-6) the analytic gradient agrees with finite differences
    as closely as float64 and the step eps allow.
    """
    return relative_error(analytic, numerical_gradient(f, x, eps))
