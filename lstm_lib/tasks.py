"""Synthetic sequence tasks that need a long memory, for comparing an RNN
with an LSTM.

Both return x of shape (n, T, D) and y of shape (n, 1), and the
information needed for y sits at the start of the sequence (or at two
random places), so a model can only succeed by carrying it across many
steps.

`rng` must be a NumPy Generator, made once with np.random.default_rng(seed)
and passed to every call, so that a training set and a test set drawn one
after the other differ; an int seed is refused with a TypeError, since two
calls with the same seed would return the same examples.
"""
import numpy as np

from ._shapes import require_generator, require_int, require_number


def _check(n, length, min_length, rng):
    require_int("n", n, 1)
    require_int("length", length, min_length)
    require_generator("rng", rng)


def first_value_task(n, length, rng, noise=0.2):
    """Remember the first value: x[:, 0, 0] is +-1 (the signal), later
    steps are Gaussian noise.

    The target y is the signal. Predicting 0 gives mean squared error 1; a
    model that remembers gives 0. x has shape (n, length, 1). noise must
    be a finite number >= 0.
    """
    _check(n, length, 1, rng)
    noise = require_number("noise", noise, low=0)
    x = noise * rng.standard_normal((n, length, 1))
    signal = rng.choice([-1.0, 1.0], size=n)
    x[:, 0, 0] = signal
    return x, signal[:, None]


def adding_problem(n, length, rng):
    """The adding problem, in the form of Le, Jaitly and Hinton (2015).

    x[:, :, 0] holds values uniform on [0, 1]; x[:, :, 1] is a marker, 1
    at exactly two steps (one in each half of the sequence) and 0
    elsewhere. The target is the sum of the two marked values. Always
    predicting 1 gives mean squared error 1/6 (the variance of a sum of two
    uniform values), the level to beat.

    Hochreiter and Schmidhuber (1997, Experiment 4) posed the problem in
    another form: values uniform on [-1, 1], the first marker among the
    first ten steps and the second among the first T/2 - 1, markers of -1
    on the first and last steps, lengths between T and T + T/10, and the
    target 0.5 + (X1 + X2) / 4.
    """
    _check(n, length, 2, rng)
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    marker = np.zeros((n, length))
    rows = np.arange(n)
    marker[rows, first] = 1.0
    marker[rows, second] = 1.0
    y = values[rows, first] + values[rows, second]
    return np.stack([values, marker], axis=-1), y[:, None]
