"""lstm_lib.arima: the order chosen on the training days, one-step-ahead forecasts that use only
the days before each forecast day, quiet fits, and bad input.

Tolerances:
- Estimation noise. A fitted ARIMA forecast differs from the true model's forecast by the
  estimation error of its k = p + q + 1 coefficients (AR, MA and the mean or drift), each about
  sigma / sqrt(n) in its effect on a forecast: for an AR(1) with phi = 0.6, the AR coefficient's
  standard error is sqrt((1 - phi^2) / n) and it multiplies x_{t-1}, whose standard deviation is
  sigma / sqrt(1 - phi^2), so the product is sigma / sqrt(n); the mean mu enters as
  (1 - phi) mu_hat, with standard error (1 - phi) sigma / ((1 - phi) sqrt(n)) = sigma / sqrt(n).
  The mean square of the difference over the forecast days is then about sigma^2 chi^2_k / n; the
  tests allow 4 sigma sqrt(k / n) on its root, which chi^2_k exceeds 16 k with probability below
  1e-4 for every k >= 1.
- Exact relations. For ARIMA(1, 0, 0) and ARIMA(0, 1, 0) the Kalman filter's one-step forecast is,
  in exact arithmetic, mu + phi (x_{t-1} - mu) and x_{t-1} + drift. In floating point the two
  sides differ by the rounding of a few operations on numbers no larger than max |x|: the tests
  allow 40 ulps of max |x|. The drift of ARIMA(0, 1, 0) is the mean of the training days' changes
  (the GLS estimate of a constant with white-noise errors is their mean); two ways of summing n
  numbers differ by at most about n eps mean|change| (Higham, sec. 4.2).
- Leakage. The filter runs forward in time: a forecast made before a changed day is computed from
  identical numbers by identical operations, so it is identical, bit for bit.
- Unit roots. The ADF test at 1% keeps the unit root of a random walk with probability 0.99 (98.5%
  of 400 simulated walks of 300 days) and rejected it for all of 400 simulated AR(1) series with
  phi = 0.6 and 400 days: the d asserted below would fail for about 1 seed in 100.
"""
import math
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from lstm_lib import arima

PHI, TRAIN, DAYS = 0.6, 400, 500
EPS = np.finfo(float).eps


def simulate_ar1(rng, phi, days):
    shocks = rng.normal(size=days)
    x = np.empty(days)
    x[0] = shocks[0] / math.sqrt(1 - phi ** 2)  # from the stationary distribution
    for t in range(1, days):
        x[t] = phi * x[t - 1] + shocks[t]
    return x


def quietly(function, *args, **kwargs):
    """Call function, failing the test if any warning escapes it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args, **kwargs)


@pytest.fixture(scope="module")
def ar1():
    x = simulate_ar1(np.random.default_rng(60), PHI, DAYS)
    return x, quietly(arima.choose_order, x[:TRAIN])  # the default grid


@pytest.fixture(scope="module")
def walk():
    x = 100 + np.cumsum(np.random.default_rng(61).normal(size=400))
    return x, quietly(arima.choose_order, x[:300], max_p=1, max_q=1)  # a smaller grid: quicker


def test_the_public_names_are_the_documented_ones():
    assert set(arima.__all__) == {"MIN_TRAIN_DAYS", "OrderChoice", "ArimaForecasts",
                                  "choose_order", "one_step_forecasts"}


def test_an_ar1_is_found_and_forecast_like_phi_times_yesterday(ar1):
    x, choice = ar1
    p, d, q = choice.order
    assert d == 0 and choice.adf_p_values[0] < 0.01  # ADF rejects the unit root
    assert p >= 1
    assert set(choice.aic) == {(i, 0, j) for i in range(3) for j in range(3)}
    assert choice.aic[choice.order] == min(choice.aic.values())
    result = quietly(arima.one_step_forecasts, x, TRAIN, choice.order)
    assert result.forecasts.shape == (DAYS - TRAIN,)
    ideal = PHI * x[TRAIN - 1:-1]  # the true model's forecast of each day
    rms = np.sqrt(np.mean((result.forecasts - ideal) ** 2))
    assert rms < 4 * math.sqrt((p + q + 1) / TRAIN)  # sigma = 1
    # and much closer to phi x_{t-1} than the days themselves are (their noise has sd 1)
    assert rms < 0.5 * np.sqrt(np.mean((x[TRAIN:] - ideal) ** 2))


def test_ar1_forecasts_are_the_fitted_recursion(ar1):
    x, _ = ar1
    result = quietly(arima.one_step_forecasts, x, TRAIN, (1, 0, 0))
    mu, phi = result.params["const"], result.params["ar.L1"]
    assert abs(phi - PHI) < 4 * math.sqrt((1 - PHI ** 2) / TRAIN)  # 4 standard errors
    np.testing.assert_allclose(result.forecasts, mu + phi * (x[TRAIN - 1:-1] - mu),
                               rtol=0, atol=40 * np.spacing(np.abs(x).max()))


def test_on_a_random_walk_the_forecast_is_close_to_persistence(walk):
    x, choice = walk
    p, d, q = choice.order
    assert d == 1 and choice.adf_p_values[0] >= 0.01
    result = quietly(arima.one_step_forecasts, x, 300, choice.order)
    rms = np.sqrt(np.mean((result.forecasts - x[299:-1]) ** 2))
    assert rms < 4 * math.sqrt((p + q + 1) / 300)  # sigma = 1: drift and ARMA terms all noise


def test_arima_010_is_the_random_walk_with_the_training_drift(walk):
    x, _ = walk
    result = quietly(arima.one_step_forecasts, x, 300, (0, 1, 0))
    drift, changes = result.params["x1"], np.diff(x[:300])
    assert drift == pytest.approx(np.mean(changes), rel=0, abs=300 * EPS * np.mean(np.abs(changes)))
    np.testing.assert_allclose(result.forecasts, x[299:-1] + drift,
                               rtol=0, atol=40 * np.spacing(np.abs(x).max()))


def test_every_left_out_order_says_why(walk):
    _, choice = walk
    for order, aic in choice.aic.items():
        if not np.isfinite(aic):
            assert any(n.startswith(f"ARIMA{order}: left out") or n.startswith(f"ARIMA{order}: fit failed")
                       for n in choice.warnings), (order, choice.warnings)
    assert all(isinstance(n, str) and "\n" not in n for n in choice.warnings)


@pytest.mark.parametrize("order", [(1, 0, 1), (1, 1, 0), (2, 1, 2)])
def test_forecast_k_uses_no_day_from_train_end_plus_k_on(ar1, order):
    x, _ = ar1
    before = quietly(arima.one_step_forecasts, x, TRAIN, order)
    for k in (0, 7, DAYS - TRAIN - 1):
        changed = x.copy()
        changed[TRAIN + k:] += 5.0  # day TRAIN + k and everything after it
        after = quietly(arima.one_step_forecasts, changed, TRAIN, order)
        np.testing.assert_array_equal(after.forecasts[:k + 1], before.forecasts[:k + 1])
        assert after.params == before.params  # fitted on the training days alone
        if TRAIN + k + 1 < DAYS:  # the next forecast does see the changed day
            assert abs(after.forecasts[k + 1] - before.forecasts[k + 1]) > 1.0


def test_max_d_0_skips_the_unit_root_test(ar1):
    x, _ = ar1
    choice = quietly(arima.choose_order, x[:TRAIN], max_p=1, max_d=0, max_q=0)
    assert choice.adf_p_values == () and set(choice.aic) == {(0, 0, 0), (1, 0, 0)}
    assert choice.order == (1, 0, 0)  # AIC gains about n log(1/(1 - phi^2)) = 179 for one parameter


def test_a_near_unit_root_is_flagged():
    def fitted(ar, ma):
        return SimpleNamespace(arroots=np.array(ar), maroots=np.array(ma))
    assert arima._near_unit_root(fitted([1.5], [-2.0, 3.0])) == ""
    assert "an MA root of modulus 1.0050" in arima._near_unit_root(fitted([1.5], [1.005j, 4.0]))
    assert "an AR root of modulus 0.9000" in arima._near_unit_root(fitted([-0.9], []))


def test_forecasts_from_a_near_unit_root_fit_say_so():
    # a stationary AR(1) asked to follow a series that grows 1% a day, from 100 to 270 over the
    # training days with noise of sd 1: only phi next to 1 keeps it from pulling back to a mean
    days = np.arange(120)
    x = 100 * 1.01 ** days + np.random.default_rng(62).normal(size=120)
    result = quietly(arima.one_step_forecasts, x, 100, (1, 0, 0))
    assert 1 / result.params["ar.L1"] < 1.01
    assert any("an AR root of modulus" in n for n in result.warnings), result.warnings


BAD_SERIES = [
    (None, TypeError, "must be a 1-D array of daily values; got None"),
    ("prices", TypeError, "must be a 1-D array of daily values"),
    (np.ones((30, 2)), ValueError, r"must be a 1-D array of daily values; got shape \(30, 2\)"),
    (np.r_[np.arange(30.0), np.nan], ValueError, "must hold finite numbers"),
    (np.arange(10.0), ValueError, "must hold at least 20 days to fit on; got 10"),
    (np.full(30, 4.0), ValueError, r"is constant \(4\) on its 30 days"),
]


@pytest.mark.parametrize("series,error,phrase", BAD_SERIES)
def test_choose_order_refuses_a_bad_series(series, error, phrase):
    with pytest.raises(error, match="train_series " + phrase):
        arima.choose_order(series)


@pytest.mark.parametrize("kwargs,error,phrase", [
    ({"max_p": -1}, ValueError, "max_p must be at least 0"),
    ({"max_q": 1.5}, TypeError, "max_q must be an integer"),
    ({"max_d": 2}, ValueError, "max_d must be 0 or 1; got 2"),
])
def test_choose_order_refuses_a_bad_grid(kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        arima.choose_order(np.arange(30.0), **kwargs)


@pytest.mark.parametrize("args,error,phrase", [
    ((np.arange(30.0), 10, (1, 0, 0)), ValueError, "train_end must be at least 20; got 10"),
    ((np.arange(30.0), 30, (1, 0, 0)), ValueError, r"train_end must be below len\(series\) = 30"),
    ((np.arange(30.0), 25.0, (1, 0, 0)), TypeError, "train_end must be an integer"),
    ((np.arange(30.0), 25, (1, 0)), TypeError, r"order must be a tuple \(p, d, q\)"),
    ((np.arange(30.0), 25, "110"), TypeError, r"order must be a tuple \(p, d, q\)"),
    ((np.arange(30.0), 25, (1, 2, 0)), ValueError, "order's d must be 0 or 1"),
    ((np.arange(30.0), 25, (-1, 0, 0)), ValueError, "order's p must be at least 0"),
    ((np.arange(30.0), 25, (1, 0, 0.5)), TypeError, "order's q must be an integer"),
    ((np.r_[np.full(25, 2.0), np.arange(5.0)], 25, (1, 0, 0)), ValueError,
     r"series\[:train_end\] is constant \(2\)"),
    ((np.r_[np.arange(29.0), np.inf], 25, (1, 0, 0)), ValueError, "series must hold finite numbers"),
])
def test_one_step_forecasts_refuses_bad_input(args, error, phrase):
    with pytest.raises(error, match=phrase):
        arima.one_step_forecasts(*args)


def test_inputs_are_left_alone_and_a_list_or_series_works(ar1):
    import pandas as pd
    x, _ = ar1
    original = x.copy()
    as_array = arima.one_step_forecasts(x[:60], 40, (1, 0, 0))
    dated = pd.Series(x[:60], index=pd.date_range("2024-01-01", periods=60, freq="B"))
    for given in (list(x[:60]), dated):
        result = quietly(arima.one_step_forecasts, given, 40, (1, 0, 0))
        np.testing.assert_array_equal(result.forecasts, as_array.forecasts)
    np.testing.assert_array_equal(x, original)
    assert not np.shares_memory(as_array.forecasts, x)
