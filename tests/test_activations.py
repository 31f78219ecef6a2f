import warnings

import numpy as np
import pytest

from lstm_lib.activations import sigmoid, sigmoid_grad_from_output, tanh, tanh_grad_from_output
from lstm_lib.gradcheck import numerical_gradient


def test_worked_values_from_the_course():
    assert sigmoid(5.0) == pytest.approx(0.9933071, abs=1e-7)
    assert tanh(-2.0) == pytest.approx(-0.9640276, abs=1e-7)
    assert sigmoid(0.0) == 0.5


def test_sigmoid_is_stable_far_from_zero():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow in exp would raise here
        s = sigmoid(z)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[-1] == 1.0
    np.testing.assert_allclose(s[1:4], 1 / (1 + np.exp(-z[1:4])), rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_keeps_dtype(dtype):
    assert sigmoid(np.linspace(-3, 3, 7).astype(dtype)).dtype == dtype


def test_integers_become_float():
    assert sigmoid(np.array([0, 1])).dtype == np.float64


def test_sigmoid_symmetry():
    z = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


@pytest.mark.parametrize("f,grad", [(sigmoid, sigmoid_grad_from_output), (np.tanh, tanh_grad_from_output)])
def test_derivatives_from_outputs_match_finite_differences(f, grad):
    z = np.linspace(-4, 4, 17)
    numeric = np.array([numerical_gradient(lambda a: float(f(a[0])), np.array([v]))[0] for v in z])
    np.testing.assert_allclose(grad(f(z)), numeric, atol=1e-9)
