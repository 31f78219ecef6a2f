"""ARIMA, the forecaster's statistical baseline: an order chosen on the
training days, then one-step-ahead forecasts of every later day.

    days:  0 .................. train_end ............. N - 1
           |<- fit, choose ->|<- forecast each day from the days
                                before it, parameters fixed ->|

The order (p, d, q) is chosen in the way of Hyndman and Khandakar's
auto.arima (Hyndman and Athanasopoulos, "Forecasting: Principles and
Practice", ch. 9): d by a unit-root test, then p and q by AIC at that d.
AIC cannot choose d: differencing changes the data whose likelihood it
measures. auto.arima's test is KPSS (null: stationary); here it is the
augmented Dickey-Fuller test (null: a unit root) at 1%, so a series is
differenced unless its data reject a random walk clearly. For prices,
whose default is a random walk, that puts the burden of proof on mean
reversion. In simulations made while this was written, KPSS (5%,
automatic lags) differenced about 1 in 10 AR(1) series with phi = 0.6
and 400 days; ADF at 1% none of 400, while it kept the unit root of
98.5% of 400 random walks of 300 days.

The model always carries a constant: for d = 0 the series' mean level
(statsmodels' trend="c"), for d = 1 the drift, the mean daily change
(trend="t", a linear trend in the levels, a constant once differenced;
trend="c" would vanish in the differencing). ARIMA(0, 1, 0) is thus the
random walk with drift of baselines.drift, its drift the mean change of
the training days.

Series are passed to statsmodels as plain NumPy arrays (no date index,
so no warning about its frequency). The warnings statsmodels raises
while fitting (ConvergenceWarning, non-stationary starting values) are
caught and returned as text in the result's `warnings`, never printed.
statsmodels is imported when a function is first called; it comes with
the `data` extra.
"""
import warnings as _warnings
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, describe_value, require_finite,
                      require_int)

__all__ = ["MIN_TRAIN_DAYS", "OrderChoice", "ArimaForecasts",
           "choose_order", "one_step_forecasts"]

# fewer training days leave AIC and the unit-root test too little to go on
MIN_TRAIN_DAYS = 20
TRENDS = {0: "c", 1: "t"}  # the constant: a mean level, or a drift
UNIT_ROOT_LEVEL = 0.01  # difference unless ADF rejects a unit root at 1%
# candidates with an AR or MA root this close to the unit circle are
# left out, as auto.arima does: a near-unit MA root says the series was
# differenced once too often, a near-unit AR root that it needed it
ROOT_MARGIN = 1.01


class OrderChoice(NamedTuple):
    """The order chosen on the training days, and what it was chosen
    from."""

    order: tuple  # (p, d, q), the smallest AIC at the chosen d
    aic: dict  # {(p, d, q): AIC} of every candidate; inf if its fit failed
    adf_p_values: tuple  # ADF p-value of the series differenced 0, 1...
    warnings: tuple  # what statsmodels warned about, as text


class ArimaForecasts(NamedTuple):
    """One-step-ahead forecasts from a fit on the training days."""

    forecasts: np.ndarray  # (N - train_end,): day train_end + k at k
    params: dict  # parameter name -> value, fitted on the training days
    warnings: tuple  # what statsmodels warned about, as text


def _series(name, value):
    """A 1-D float array of finite numbers, a copy (a Series loses its
    index)."""
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be a 1-D array of daily values; "
                        f"got {describe_value(value)}")
    array = require_finite(name, as_float_array(name, value, copy=True))
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of daily values; "
                         f"got shape {array.shape}")
    return array


def _training_days(name, values):
    """`values` if there are enough of them and they are not constant."""
    if len(values) < MIN_TRAIN_DAYS:
        raise ValueError(f"{name} must hold at least {MIN_TRAIN_DAYS} "
                         f"days to fit on; got {len(values)}")
    if np.all(values == values[0]):
        raise ValueError(f"{name} is constant ({values[0]:g}) on its "
                         f"{len(values)} days: there is nothing to model")
    return values


def _order(order):
    """(p, d, q) as ints, p, q >= 0 and d in {0, 1}."""
    if not isinstance(order, (tuple, list)) or len(order) != 3:
        raise TypeError("order must be a tuple (p, d, q) of three "
                        f"integers; got {describe_value(order)}")
    p, d, q = (require_int(f"order's {n}", v, 0)
               for n, v in zip("pdq", order))
    if d not in TRENDS:
        raise ValueError("order's d must be 0 or 1 (prices need at most "
                         f"one difference); got {d}")
    return p, d, q


def _caught(prefix, caught):
    """Caught warnings as one line of text each."""
    return [f"{prefix}: {w.category.__name__}: "
            + " ".join(str(w.message).split()) for w in caught]


def _statsmodels():
    """statsmodels' ARIMA and adfuller, imported without the deprecation
    warnings that some versions raise at import about pandas' internals
    (statsmodels 0.14.6 with pandas 3)."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", DeprecationWarning)
        _warnings.simplefilter("ignore", FutureWarning)
        from statsmodels.tsa.arima.model import ARIMA
        from statsmodels.tsa.stattools import adfuller
    return ARIMA, adfuller


def _fit(values, order):
    """statsmodels' ARIMA of `order` fitted on `values` (n,), with the
    warnings it raised as text.

    innovations_mle maximises the same Gaussian likelihood as the default
    state-space optimiser, with the constant by feasible GLS. On a
    simulated AR(1) and a random walk of 400 days it was 5 to 7 times
    faster over the 3 x 3 grid and reached the same AIC or a lower one
    for every order. Where it fails (it refuses an AR part it estimates as
    non-stationary), the state-space optimiser takes over.
    """
    ARIMA, _ = _statsmodels()
    model = ARIMA(values, order=order, trend=TRENDS[order[1]])
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        # that it differences before estimating is no news: d is ours
        _warnings.filterwarnings("ignore", "Provided `endog`.*differenced")
        try:
            result = model.fit(method="innovations_mle")
        except (ValueError, np.linalg.LinAlgError) as exc:
            _warnings.warn(f"innovations_mle failed ({exc}); fitted by "
                           "the state-space optimiser instead")
            result = model.fit()
    return result, _caught(f"ARIMA{order}", caught)


def _differences(values, max_d, notes):
    """d: difference until ADF (with a constant, lags by AIC) rejects a
    unit root at 1%, at most max_d times; and the p-values it saw."""
    _, adfuller = _statsmodels()
    d, p_values = 0, []
    while d < max_d:
        with _warnings.catch_warnings(record=True) as caught:
            _warnings.simplefilter("always")
            p_values.append(float(adfuller(np.diff(values, d),
                                           regression="c",
                                           autolag="AIC")[1]))
        notes += _caught(f"ADF (d={d})", caught)
        if p_values[-1] < UNIT_ROOT_LEVEL:
            break
        d += 1
    return d, tuple(p_values)


def _near_unit_root(result):
    """Why a fit is too close to non-stationary or non-invertible to
    trust, or "" if it is not."""
    for part, roots in (("AR", result.arroots), ("MA", result.maroots)):
        if len(roots) and np.min(np.abs(roots)) < ROOT_MARGIN:
            return (f"an {part} root of modulus "
                    f"{np.min(np.abs(roots)):.4f} < {ROOT_MARGIN}")
    return ""


def choose_order(train_series, max_p=2, max_d=1, max_q=2):
    """Choose an ARIMA order on the training days alone.

    Parameters
    ----------
    train_series : array (n,)
        The training days, n >= MIN_TRAIN_DAYS finite values, not all
        equal. Pass nothing from the validation or test days.
    max_p, max_q : int >= 0
        The largest autoregressive and moving-average orders tried.
    max_d : 0 or 1
        The most differences the unit-root test may ask for.

    Returns
    -------
    OrderChoice(order, aic, adf_p_values, warnings). d is the number of
    differences after which the ADF test rejects a unit root at 1% (or
    max_d); then every p in 0..max_p and q in 0..max_q is fitted at that
    d, with the constant of the module docstring, and the order of the
    smallest AIC is chosen (on a tie, the first in the
    order p, then q: the smaller model). As in auto.arima, a fit with an
    AR or MA root of modulus below ROOT_MARGIN = 1.01 is left out (AIC
    inf, the reason in `warnings`): such fits are near the edge where
    the model stops being stationary or invertible, and forecast badly.
    A fit that raises is left out the same way; a fit that warns it did
    not converge stays in (its likelihood falls short of the maximum, so
    it can lose unfairly but not win unfairly).
    """
    values = _training_days("train_series",
                            _series("train_series", train_series))
    max_p = require_int("max_p", max_p, 0)
    max_q = require_int("max_q", max_q, 0)
    max_d = require_int("max_d", max_d, 0)
    if max_d not in TRENDS:
        raise ValueError(f"max_d must be 0 or 1; got {max_d}")
    notes = []
    d, adf_p_values = _differences(values, max_d, notes)
    aic = {}
    for p in range(max_p + 1):
        for q in range(max_q + 1):
            order = (p, d, q)
            try:
                result, caught = _fit(values, order)
            except (ValueError, np.linalg.LinAlgError) as exc:
                aic[order] = float("inf")
                notes.append(f"ARIMA{order}: fit failed: {exc}")
                continue
            notes += caught
            near = _near_unit_root(result)
            if near:
                aic[order] = float("inf")
                notes.append(f"ARIMA{order}: left out: {near}")
            else:
                aic[order] = float(result.aic)
    best = min(aic, key=aic.get)
    if not np.isfinite(aic[best]):
        raise ValueError("no ARIMA order could be fitted to train_series: "
                         f"{notes[-1]}")
    return OrderChoice(best, aic, adf_p_values, tuple(notes))


def one_step_forecasts(series, train_end, order):
    """Fit ARIMA(order) on series[:train_end], then forecast every later
    day one step ahead.

    Parameters
    ----------
    series : array (N,)
        The whole series, finite values; the first train_end days are
        the training days.
    train_end : int, MIN_TRAIN_DAYS <= train_end < N
        The first day forecast.
    order : (p, d, q)
        e.g. choose_order(series[:train_end]).order; d is 0 or 1.

    Returns
    -------
    ArimaForecasts(forecasts, params, warnings): forecasts (N - train_end,)
    holds at k the forecast of day train_end + k, made from days 0 to
    train_end + k - 1 with the parameters fitted on the training days
    (a Kalman filter run over the whole series with those parameters:
    statsmodels' results.apply(series, refit=False), one-step-ahead
    predictions). New days update the forecasts; they never refit the
    parameters. A fit with a root near the unit circle (see
    choose_order) is used all the same, and said so in `warnings`.
    """
    values = _series("series", series)
    order = _order(order)
    train_end = require_int("train_end", train_end, MIN_TRAIN_DAYS)
    if train_end >= len(values):
        raise ValueError(
            f"train_end must be below len(series) = {len(values)}, to "
            f"leave at least one day to forecast; got {train_end}"
        )
    fitted, notes = _fit(_training_days("series[:train_end]",
                                        values[:train_end]), order)
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        applied = fitted.apply(values, refit=False)
    notes += _caught(f"ARIMA{order} applied", caught)
    near = _near_unit_root(fitted)
    if near:
        notes.append(f"ARIMA{order}: {near}")
    # fittedvalues[t]: the prediction of day t from days 0 .. t-1
    forecasts = np.array(applied.fittedvalues[train_end:], dtype=float)
    params = dict(zip(fitted.model.param_names,
                      (float(v) for v in fitted.params)))
    return ArimaForecasts(forecasts, params, tuple(notes))
