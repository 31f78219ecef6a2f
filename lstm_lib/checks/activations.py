"""Checkers for the activations exercises: sigmoid, tanh and their
derivatives."""
import numpy as np

from ..activations import sigmoid
from .engine import Case, Check, Output, single_output
from .messages import number
from .registry import checker

__all__ = ["check_sigmoid", "check_sigmoid_derivative", "check_tanh",
           "check_tanh_derivative"]


def _activation_cases():
    rng = np.random.default_rng(0)
    return [
        Case("z = 9 values from -4 to 4", (np.linspace(-4.0, 4.0, 9),)),
        Case("z of shape (3, 4), random values",
             (rng.normal(0.0, 2.0, (3, 4)),)),
        Case("z of shape (2, 3, 2) in float32",
             (rng.normal(0.0, 2.0, (2, 3, 2)).astype(np.float32),),
             float32=True),
        Case("z = [-1000, -30, 0, 30, 1000], far out in both tails",
             (np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0]),),
             tol=(1e-6, 1e-15)),
    ]


def _activation_check(name, fn, reference, mutants, warn_hint, hint):
    out = Output("the result", axes="the shape of z", hint=hint,
                 locate=lambda case, i: (
                     f"where z = {number(case.args[0][i])}"))
    return Check(name, _activation_cases(), reference, single_output(out),
                 mutants=mutants, arg_names=("z",),
                 warn_hint=warn_hint).run(fn)


def _s(z):
    return sigmoid(z)


def _sigmoid_derivative(z):
    """s (1 - s) written as s(z) s(-z), without the cancellation in
    1 - s."""
    return _s(z) * _s(-z)


def _tanh_derivative(z):
    return 1 - np.tanh(z) ** 2


@checker("ex_activations", reference=sigmoid)
def check_sigmoid(fn):
    """Check sigmoid(z) = 1 / (1 + exp(-z)): values, shape, dtype, and no
    overflow for large |z|."""
    __tracebackhide__ = True
    overflow = (
        "np.exp overflowed: e^1000 does not fit in a float64, so NumPy "
        "warns and inf or nan appear. Both 1 / (1 + e^-z) and "
        "e^z / (1 + e^z) equal the sigmoid, and each is safe for one sign "
        "of z: arrange that np.exp only ever sees numbers <= 0.")
    mutants = [
        ("matches sigmoid(-z): check the sign inside the exponential "
         "(sigmoid(2) is about 0.88, above one half).",
         lambda z: 1 / (1 + np.exp(z))),
        ("matches tanh(z), which runs from -1 to 1; the sigmoid runs "
         "from 0 to 1.", np.tanh),
        ("matches 1 / (1 - e^-z): check the sign in the denominator.",
         lambda z: 1 / (1 - np.exp(-z))),
        ("matches e^z / (1 + e^z), which is the sigmoid on paper, but "
         "gives inf / inf = nan once e^z overflows. " + overflow,
         lambda z: np.exp(z) / (1 + np.exp(z))),
    ]
    return _activation_check(
        "sigmoid", fn, sigmoid, mutants, overflow,
        "Compare with values you can work out by hand: sigmoid(0) = 0.5, "
        "sigmoid(2) is about 0.8808, and sigmoid(-z) = 1 - sigmoid(z).")


@checker("ex_activations", reference=_sigmoid_derivative)
def check_sigmoid_derivative(fn):
    """Check sigmoid_derivative(z) = sigmoid(z) (1 - sigmoid(z)), as a
    function of z."""
    __tracebackhide__ = True
    overflow = (
        "Something overflowed for large |z| (e^1000 does not fit in a "
        "float64). Compute s = sigmoid(z) with your overflow-free sigmoid, "
        "then write the derivative through s.")
    mutants = [
        ("matches z (1 - z): s (1 - s) is the derivative written through "
         "the output s = sigmoid(z), but your function receives z itself. "
         "Compute s from z first.", lambda z: z * (1 - z)),
        ("matches sigmoid(z) itself, not its derivative.", _s),
        ("matches 1 - sigmoid(z)^2, which has the form of tanh's "
         "derivative; the sigmoid's derivative has another form.",
         lambda z: 1 - _s(z) ** 2),
        ("matches 1 - z^2: that is tanh's derivative written through "
         "tanh's output, and your function receives z.",
         lambda z: 1 - z ** 2),
        ("matches -s (1 - s): the sigmoid increases everywhere, so its "
         "derivative is positive.", lambda z: -_s(z) * (1 - _s(z))),
        ("matches e^-z / (1 + e^-z)^2, right on paper but nan (inf / inf) "
         "once e^-z overflows. " + overflow,
         lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    ]
    return _activation_check(
        "sigmoid_derivative", fn, _sigmoid_derivative, mutants, overflow,
        "The derivative is 0.25 at z = 0, the same at z and -z, and falls "
        "towards 0 on both sides.")


@checker("ex_activations", reference=np.tanh)
def check_tanh(fn):
    """Check tanh(z): values, shape, dtype, and no overflow for large
    |z|."""
    __tracebackhide__ = True
    overflow = (
        "np.exp overflowed: e^1000 does not fit in a float64, and "
        "inf / inf is nan. Use only exponentials that cannot overflow, "
        "such as e^(-2|z|), which lies in (0, 1], together with "
        "tanh(-z) = -tanh(z); or write tanh through your sigmoid.")
    mutants = [
        ("matches sigmoid(z), which runs from 0 to 1; tanh runs "
         "from -1 to 1.", _s),
        ("matches tanh(z / 2): the identity is "
         "tanh(z) = 2 sigmoid(2z) - 1, with 2z inside.",
         lambda z: 2 * _s(z) - 1),
        ("matches sinh(z) = (e^z - e^-z) / 2; tanh divides e^z - e^-z by "
         "e^z + e^-z.", np.sinh),
        ("matches tanh(-z): check the signs.", lambda z: -np.tanh(z)),
        ("matches |tanh(z)|: tanh is odd, tanh(-z) = -tanh(z), so it is "
         "negative for z < 0.", lambda z: np.abs(np.tanh(z))),
        ("matches (e^z - e^-z) / (e^z + e^-z), right on paper but nan once "
         "e^1000 overflows to inf. " + overflow,
         lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))),
        ("matches (1 - e^-2z) / (1 + e^-2z), right on paper but nan once "
         "e^-2z overflows for large negative z. " + overflow,
         lambda z: (1 - np.exp(-2 * z)) / (1 + np.exp(-2 * z))),
    ]
    return _activation_check(
        "tanh", fn, np.tanh, mutants, overflow,
        "Compare with values you can work out: tanh(0) = 0, tanh(1) is "
        "about 0.7616, and tanh(-z) = -tanh(z).")


@checker("ex_activations", reference=_tanh_derivative)
def check_tanh_derivative(fn):
    """Check tanh_derivative(z) = 1 - tanh(z)^2, as a function of z."""
    __tracebackhide__ = True
    overflow = (
        "Something overflowed for large |z| (cosh(1000) and e^1000 do not "
        "fit in a float64). Write the derivative through t = tanh(z), "
        "which stays in [-1, 1].")
    mutants = [
        ("matches 1 - z^2: 1 - t^2 is the derivative written through the "
         "output t = tanh(z), but your function receives z itself. "
         "Compute t from z first.", lambda z: 1 - z ** 2),
        ("matches 1 - tanh(z): the tanh must be squared.",
         lambda z: 1 - np.tanh(z)),
        ("matches tanh(z) (1 - tanh(z)), the sigmoid's form of derivative; "
         "tanh's is different.", lambda z: np.tanh(z) * (1 - np.tanh(z))),
        ("matches tanh(z) itself, not its derivative.", np.tanh),
        ("matches 1 + tanh(z)^2: check the sign.",
         lambda z: 1 + np.tanh(z) ** 2),
    ]
    return _activation_check(
        "tanh_derivative", fn, _tanh_derivative, mutants, overflow,
        "The derivative is 1 at z = 0, the same at z and -z, and falls "
        "towards 0 on both sides.")
