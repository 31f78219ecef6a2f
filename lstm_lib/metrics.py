"""Forecast errors on the original price scale, and two tests of whether
a forecast is really better.

rmse, mae, mape, directional_accuracy and report take arrays of the same
shape and return a Python float (or, for `report`, a dict of them).
diebold_mariano asks whether two forecasts' errors differ by more than
chance; direction_test whether a forecast calls the direction of the
price more often than the better of "always up" and "always down". These
two need SciPy (installed with the `data` extra) and return a small
NamedTuple.

Every argument is checked where it enters: it must be a non-empty array
of finite numbers (a NaN or inf would pass silently into the mean), of the
same shape as the first. Every function leaves its inputs unchanged.
"""
import warnings
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, describe_value, require_finite,
                      require_int)

__all__ = ["rmse", "mae", "mape", "directional_accuracy", "report",
           "DieboldMariano", "diebold_mariano", "DirectionTest",
           "direction_test"]


def _prices(name, value, shape=None, what="prices", first="actual"):
    """`value` as a checked float array: numbers, finite, non-empty, of
    `shape` (the shape of the argument `first`) if given.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be an array of {what}; "
                        f"got {value!r:.40} ({type(value).__name__})")
    array = require_finite(name, as_float_array(name, value))
    if shape is None and array.size == 0:
        raise ValueError(f"{name} must hold at least one value; "
                         f"got an empty array of shape {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have the shape of {first}, "
                         f"{shape}; got {array.shape}")
    return array


def _pair(actual, predicted):
    actual = _prices("actual", actual)
    return actual, _prices("predicted", predicted, actual.shape)


def rmse(actual, predicted):
    """Root mean squared error: the typical size of an error, large errors
    weighted more.
    """
    actual, predicted = _pair(actual, predicted)
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def mae(actual, predicted):
    """Mean absolute error, in the units of the prices."""
    actual, predicted = _pair(actual, predicted)
    return float(np.mean(np.abs(actual - predicted)))


def mape(actual, predicted):
    """Mean absolute percentage error, in percent; a ValueError if an
    actual value is 0.
    """
    actual, predicted = _pair(actual, predicted)
    if np.any(actual == 0):
        first = tuple(int(i) for i in np.argwhere(actual == 0)[0])
        raise ValueError("MAPE is undefined when an actual value is 0 "
                         "(it divides by actual); "
                         f"actual is 0 at index {first}")
    return float(100.0 * np.mean(np.abs((actual - predicted) / actual)))


def directional_accuracy(actual, predicted, previous):
    """Share of the judged days on which the forecast moved the same way as
    the price.

    previous holds the last known price before each target day. A day is
    judged only if the price moved (actual != previous) and the forecast
    called a move (predicted != previous): a forecast that repeats the last
    price makes no call that day, so the day is left out, not counted as a
    miss. With no day left to judge (the price never moved, or the forecast
    never called a move, as persistence never does) the share is undefined
    and the result is NaN.
    """
    actual, predicted = _pair(actual, predicted)
    previous = _prices("previous", previous, actual.shape)
    judged = (actual != previous) & (predicted != previous)
    if not judged.any():
        return float("nan")
    right = np.sign(predicted - previous) == np.sign(actual - previous)
    return float(np.mean(right[judged]))


def report(actual, predicted, previous):
    """All four metrics as a dict: RMSE, MAE, MAPE (%), directional
    accuracy (%).

    "Direction %" is NaN when directional_accuracy is undefined (no day to
    judge).
    """
    actual, predicted = _pair(actual, predicted)
    previous = _prices("previous", previous, actual.shape)
    return {
        "RMSE": rmse(actual, predicted),
        "MAE": mae(actual, predicted),
        "MAPE %": mape(actual, predicted),
        "Direction %": 100.0 * directional_accuracy(actual, predicted,
                                                    previous),
    }


# ------------------------------------------------ is a difference real?


class DieboldMariano(NamedTuple):
    """The Diebold-Mariano test of equal accuracy, with the HLN
    correction.

    statistic < 0: forecast a has the smaller mean loss; > 0: forecast b.
    """

    statistic: float  # the corrected statistic, DM* (a t value)
    p_value: float  # two-sided, from Student's t with n - 1 d.o.f.
    mean_difference: float  # mean of d_t = L(e_a,t) - L(e_b,t)
    n: int  # days compared


def _errors(errors_a, errors_b):
    """The two forecasts' errors as float arrays (days,), from arrays of
    one shape, (days,) or (days, 1)."""
    errors_a = _prices("errors_a", errors_a, what="forecast errors")
    if errors_a.ndim != 1 and errors_a.shape[1:] != (1,):
        raise ValueError("errors_a must be 1-D (days,) or a column "
                         f"(days, 1), in time order; got {errors_a.shape}")
    errors_b = _prices("errors_b", errors_b, errors_a.shape,
                       what="forecast errors", first="errors_a")
    return errors_a.reshape(-1), errors_b.reshape(-1)


def _long_run_variance(d, horizon):
    """gamma_0 + 2 (gamma_1 + ... + gamma_{h-1}) of the series d (n,),
    each gamma_k = (1/n) sum_t (d_t - dbar)(d_{t-k} - dbar).
    """
    n, centred = len(d), d - d.mean()  # (n,)
    gammas = [centred[k:] @ centred[:n - k] / n for k in range(horizon)]
    return gammas[0] + 2.0 * sum(gammas[1:]), gammas[0]


def diebold_mariano(errors_a, errors_b, horizon=1, loss="squared"):
    """Are forecast a's errors smaller than forecast b's by more than
    chance?

    The Diebold-Mariano (1995) test with the small-sample correction of
    Harvey, Leybourne and Newbold (1997). With the loss differential
    d_t = L(e_a,t) - L(e_b,t) and its mean dbar over the n days,

        DM  = dbar / sqrt(LRV / n),
        LRV = gamma_0 + 2 (gamma_1 + ... + gamma_{h-1}),
        gamma_k = (1/n) sum_t (d_t - dbar)(d_{t-k} - dbar),
        DM* = DM * sqrt((n + 1 - 2h + h(h - 1)/n) / n),

    and DM* is compared with Student's t with n - 1 degrees of freedom.
    An h-step forecast's errors overlap for h - 1 days, hence the
    autocovariances up to lag h - 1. The null hypothesis is equal
    expected loss; the p-value is two-sided.

    Parameters
    ----------
    errors_a, errors_b : arrays (n,) or (n, 1)
        The two forecasts' errors (actual - predicted) on the same n days,
        in time order; finite numbers, n >= 2 * horizon + 1.
    horizon : int >= 1
        How many days ahead the forecasts were made.
    loss : "squared" or "absolute"
        L(e) = e**2 (compares MSE) or |e| (compares MAE).

    Returns
    -------
    DieboldMariano(statistic, p_value, mean_difference, n). A negative
    statistic says forecast a had the smaller mean loss; swapping a and b
    negates it and leaves the p-value alone.

    Notes
    -----
    For h > 1 the estimate LRV can come out zero or negative (negative
    autocovariances outweigh gamma_0). Then the variance falls back to
    gamma_0 alone, with a UserWarning, and the HLN factor keeps h: there
    gamma_0 is the larger estimate, so the test becomes more
    conservative, not less. (R's forecast::dm.test redoes the whole test
    with h = 1 instead.) Two forecasts with the same loss on every day
    (d = 0, e.g. identical errors), or any d that is the same on every
    day, leave nothing to estimate a variance from: a ValueError, as in
    R.
    """
    errors_a, errors_b = _errors(errors_a, errors_b)
    horizon = require_int("horizon", horizon, 1)
    losses = {"squared": np.square, "absolute": np.abs}
    if not isinstance(loss, str) or loss not in losses:
        raise ValueError("loss must be 'squared' or 'absolute'; "
                         f"got {describe_value(loss)}")
    n = len(errors_a)
    if n < 2 * horizon + 1:
        # below 2h the correction factor's numerator is no longer
        # positive; one day more leaves the t distribution >= 2 d.o.f.
        raise ValueError(
            f"errors_a must hold at least 2 * horizon + 1 = "
            f"{2 * horizon + 1} days for horizon={horizon}; got {n}"
        )
    d = losses[loss](errors_a) - losses[loss](errors_b)  # (n,)
    if np.all(d == d[0]):
        raise ValueError(
            "errors_a and errors_b give the same loss difference, "
            f"{d[0]:g}, on every day: with no variation there is no "
            "variance to test against (identical forecasts?)"
        )
    lrv, gamma_0 = _long_run_variance(d, horizon)
    if lrv <= 0:
        warnings.warn(
            f"the long-run variance of d up to lag {horizon - 1} is "
            f"{lrv:.3g}, not positive; using gamma_0 alone "
            "(a more conservative test)", UserWarning, stacklevel=2)
        lrv = gamma_0
    from scipy import stats

    dm = d.mean() / np.sqrt(lrv / n)
    correction = np.sqrt((n + 1 - 2 * horizon
                          + horizon * (horizon - 1) / n) / n)
    statistic = float(dm * correction)
    p_value = float(2.0 * stats.t.sf(abs(statistic), n - 1))
    return DieboldMariano(statistic, p_value, float(d.mean()), n)


class DirectionTest(NamedTuple):
    """Directional accuracy against the better of always-up and
    always-down."""

    accuracy: float  # share of judged days called right
    base_rate: float  # share of judged days on which the price went up
    n: int  # judged days
    p_value: float  # one-sided binomial, against max(base, 1 - base)


def direction_test(actual, predicted, previous):
    """Does the forecast call the direction better than a constant guess?

    The days judged are those of directional_accuracy: the price moved
    (actual != previous) and the forecast called a move
    (predicted != previous). On those n days, k directions were right.
    The benchmark is the better of the two forecasts that need no skill,
    "always up" and "always down": right on a share
    p0 = max(base_rate, 1 - base_rate) of the days, where base_rate is
    the share of judged days on which the price went up. The p-value is
    P(K >= k) for K ~ Binomial(n, p0) (scipy.stats.binomtest,
    alternative="greater"): how often a forecast right with probability
    p0 on each day would do at least this well.

    Why not 50%: prices rise on more days than they fall over most
    stretches (and fall on more in a crash). If they rose on 55% of the
    days, a forecast that always says "up" scores 55% with no skill at
    all, and a test against 50% would call that skill. The benchmark is
    chosen with hindsight from the same days (the better constant guess),
    which makes it, if anything, slightly harder to beat.

    Parameters
    ----------
    actual, predicted, previous : arrays of the same shape
        The prices on the target days, their forecasts, and the last
        known price before each target day; finite numbers.

    Returns
    -------
    DirectionTest(accuracy, base_rate, n, p_value); with no day to
    judge, n = 0 and the three others are NaN.
    """
    actual, predicted = _pair(actual, predicted)
    previous = _prices("previous", previous, actual.shape)
    judged = (actual != previous) & (predicted != previous)
    n = int(judged.sum())
    if n == 0:
        return DirectionTest(float("nan"), float("nan"), 0, float("nan"))
    went_up = actual[judged] > previous[judged]  # (n,)
    right = np.sign(predicted - previous) == np.sign(actual - previous)
    hits = int(right[judged].sum())
    base_rate = float(went_up.mean())
    from scipy import stats

    benchmark = max(base_rate, 1.0 - base_rate)
    p_value = stats.binomtest(hits, n, benchmark,
                              alternative="greater").pvalue
    return DirectionTest(hits / n, base_rate, n, float(p_value))
