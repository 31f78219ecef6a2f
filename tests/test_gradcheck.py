import numpy as np
import pytest

from lstm_lib.gradcheck import check_gradient, numerical_gradient, relative_error


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
    # |a - n| / (|a| + |n|) element by element, the worst one reported
    assert relative_error(np.array([1.0, 10.0]), np.array([3.0, 10.0])) == pytest.approx(0.5)
    # the floor keeps two tiny numbers from looking wildly different
    assert relative_error(np.array([1e-12]), np.array([-1e-12])) == pytest.approx(2e-12 / 1e-8)


def test_a_wrong_gradient_is_caught(rng):
    x = rng.normal(size=4)
    f = lambda a: np.sum(np.tanh(a))  # noqa: E731
    right = 1 - np.tanh(x) ** 2
    assert check_gradient(f, x, right) < 1e-8
    assert check_gradient(f, x, 2 * right) > 0.3
    assert check_gradient(f, x, right * np.array([1, 1, 1, 1.01])) > 1e-3


def test_non_scalar_function_is_rejected():
    with pytest.raises(ValueError, match="must return a scalar loss.*shape \\(3,\\)"):
        numerical_gradient(lambda a: a * 2, np.ones(3))


def test_shape_mismatch_is_rejected():
    with pytest.raises(ValueError, match=r"same shape; got \(3,\) and \(4,\)"):
        relative_error(np.ones(3), np.ones(4))
