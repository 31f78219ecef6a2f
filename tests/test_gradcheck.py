import numpy as np
import pytest

from lstm_lib.gradcheck import TOLERANCE, check_gradient, numerical_gradient, relative_error

EPS = 1e-5  # numerical_gradient's default step
U = np.finfo(np.float64).eps / 2  # unit roundoff of float64


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.normal(size=(3, 4))
    A = rng.normal(size=(3, 4))
    grad = numerical_gradient(lambda a: np.sum(a**2) + np.sum(A * np.sin(a)), x)
    np.testing.assert_allclose(grad, 2 * x + A * np.cos(x), atol=1e-9)


def test_the_input_is_left_unchanged(rng):
    x = rng.normal(size=5)
    before = x.copy()
    numerical_gradient(lambda a: np.sum(a**3), x)
    np.testing.assert_array_equal(x, before)


def test_relative_error_definition():
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    # the worst difference over the largest entry of either gradient
    assert relative_error(np.array([1.0, 10.0]), np.array([3.0, 10.0])) == pytest.approx(0.2)
    assert relative_error(np.array([1.0, -4.0]), np.array([1.0, 0.0])) == pytest.approx(1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_a_tiny_entry_is_judged_against_the_gradient_not_itself():
    # finite differences are off by an absolute amount, so an entry of 1e-6 is known only
    # to about 1e-5 of itself; measured against the gradient's scale that is noise
    analytic = np.array([1.0, 1e-6])
    numeric = np.array([1.0, 1e-6 + 1e-11])
    assert relative_error(analytic, numeric) == pytest.approx(1e-11)


def test_a_wrong_gradient_is_caught(rng):
    x = rng.normal(size=4)
    f = lambda a: np.sum(np.tanh(a))  # noqa: E731
    right = 1 - np.tanh(x) ** 2
    assert check_gradient(f, x, right) < TOLERANCE
    assert check_gradient(f, x, 2 * right) > 0.3
    assert check_gradient(f, x, right * np.array([1, 1, 1, 1.001])) > 10 * TOLERANCE


@pytest.mark.parametrize("offset", [0.0, 3.0, 1e3])
def test_the_error_of_centred_differences_is_absolute_and_as_derived(rng, offset):
    """|n_j - f'_j| <= eps**2/6 max|f'''| + (rounding of f) / eps, whatever the size of f'_j.

    f = offset + sum(sin(x)): |f'''| <= 1, and each evaluation of f rounds to within
    (size + 2) u (offset + size) (a sum of `size` terms, each sin correctly rounded to
    within u of itself).
    """
    x = rng.normal(size=6)
    f = lambda a: offset + np.sum(np.sin(a))  # noqa: E731
    numeric = numerical_gradient(f, x)
    truncation = EPS**2 / 6
    rounding = (x.size + 2) * U * (offset + x.size) / EPS
    assert np.max(np.abs(numeric - np.cos(x))) <= truncation + rounding


def test_non_scalar_function_is_rejected():
    with pytest.raises(ValueError, match="must return a scalar loss.*shape \\(3,\\)"):
        numerical_gradient(lambda a: a * 2, np.ones(3))


def test_shape_mismatch_is_rejected():
    with pytest.raises(ValueError, match=r"same shape; got \(3,\) and \(4,\)"):
        relative_error(np.ones(3), np.ones(4))
