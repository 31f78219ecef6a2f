"""The metrics the case study compares forecasts by, on hand-computed values and with their errors
(bad input in general: tests/test_bad_input_metrics.py); the Diebold-Mariano test and the
direction test, on worked examples, against independent computations and by simulation.

Tolerances:
- Worked examples: the results are a few floating-point operations on small integers, so they
  agree with the closed forms written in the test to a few ulps; rel=1e-12 leaves room for
  ~4,500 ulps.
- Against statsmodels' HAC standard error: both sum the same n products in a different order.
  The rounding error of such a sum is at most about n * eps * (sum of |terms|) (Higham, "Accuracy
  and Stability of Numerical Algorithms", sec. 4.2), so relative to the long-run variance it is
  n * eps * cond, cond = (sum of |terms|) / |LRV|. The test computes cond and allows 10 times
  that bound (half of it for the square root, the rest for the few operations after), and
  carries it to the p-value through the slope of the t distribution's tail.
- Under the null: the rejection rate at 5% of R = 2000 independent replications is Binomial(R,
  alpha)/R with sd sqrt(alpha (1 - alpha) / R) = 0.0049; the bound is 4 sd either side, which a
  correct test fails with probability about 6e-5 for any seed. The test's true size is not
  exactly 5% (d is far from normal), but a 20,000-replication run during development put it at
  0.048 +- 0.0015, well inside. The mean p-value of a uniform sample has sd sqrt(1/12 / R) =
  0.0065; again 4 sd.
"""
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from lstm_lib import metrics
from lstm_lib.metrics import (diebold_mariano, direction_test, directional_accuracy, mae, mape,
                              report, rmse)

EPS = np.finfo(float).eps


def test_metrics_on_hand_computed_values():
    actual, predicted, previous = np.array([10.0, 12.0, 9.0]), np.array([11.0, 11.0, 9.0]), np.array([9.0, 11.0, 10.0])
    assert rmse(actual, predicted) == pytest.approx(np.sqrt(2 / 3))
    assert mae(actual, predicted) == pytest.approx(2 / 3)
    assert mape(actual, predicted) == pytest.approx(100 * (0.1 + 1 / 12 + 0) / 3)
    # directions: actual up, up, down; predicted up, flat (no call: left out), down
    assert directional_accuracy(actual, predicted, previous) == 1.0
    assert set(report(actual, predicted, previous)) == {"RMSE", "MAE", "MAPE %", "Direction %"}


def test_metric_errors():
    with pytest.raises(ValueError, match="predicted must have the shape of actual, \\(2,\\); got \\(3,\\)"):
        rmse(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="MAPE is undefined"):
        mape(np.array([0.0, 1.0]), np.array([1.0, 1.0]))
    assert np.isnan(directional_accuracy(np.ones(3), np.ones(3), np.ones(3)))  # no day to judge


def test_the_public_names_are_the_documented_ones():
    assert set(metrics.__all__) == {
        "rmse", "mae", "mape", "directional_accuracy", "report", "DieboldMariano",
        "diebold_mariano", "DirectionTest", "direction_test"}


# ---------------------------------------------------------------- Diebold-Mariano


def t4_cdf(x):
    """Student's t with 4 degrees of freedom has a closed-form distribution function."""
    s = x / math.sqrt(1 + x * x / 4)
    return 0.5 + 3 / 8 * s * (1 - s * s / 12)


def test_t4_cdf_is_the_closed_form():
    # the worked examples lean on it: checked against scipy at a few points
    for x in (-2.5, -0.3, 0.0, 1.7):
        assert t4_cdf(x) == pytest.approx(stats.t.cdf(x, 4), rel=1e-12)


def test_diebold_mariano_worked_example_squared_loss_h1():
    # squared errors a: 1, 4, 0, 9, 1; b: 4, 1, 4, 9, 4; d = -3, 3, -4, 0, -3; dbar = -7/5
    # centred d: -1.6, 4.4, -2.6, 1.4, -1.6; gamma_0 = (2.56 + 19.36 + 6.76 + 1.96 + 2.56) / 5
    # = 166/25; DM = (-7/5) / sqrt(166/125); HLN factor sqrt((5 + 1 - 2 + 0) / 5) = sqrt(4/5)
    # DM* = (-7/5) sqrt(125/166 * 4/5) = (-7/5) * 10 / sqrt(166) = -14 / sqrt(166)
    result = diebold_mariano([1, -2, 0, 3, -1], [2, 1, -2, 3, 2])
    expected = -14 / math.sqrt(166)
    assert result.statistic == pytest.approx(expected, rel=1e-12)
    assert result.p_value == pytest.approx(2 * t4_cdf(expected), rel=1e-12)  # two-sided, 4 d.o.f.
    assert result.mean_difference == pytest.approx(-1.4, rel=1e-12)
    assert result.n == 5


def test_diebold_mariano_worked_example_absolute_loss_h2_falls_back_to_gamma_0():
    # absolute errors a: 1, 2, 0, 3, 1; b: 2, 1, 2, 3, 2; d = -1, 1, -2, 0, -1; dbar = -3/5
    # centred d: -0.4, 1.6, -1.4, 0.6, -0.4; gamma_0 = 5.2/5 = 1.04
    # gamma_1 = (1.6*-0.4 + -1.4*1.6 + 0.6*-1.4 + -0.4*0.6) / 5 = -3.96/5 = -0.792
    # LRV = 1.04 - 2 * 0.792 = -0.544 < 0: gamma_0 alone, DM = -0.6 / sqrt(1.04/5)
    # HLN factor for h=2: sqrt((5 + 1 - 4 + 2/5) / 5) = sqrt(0.48); DM* = -0.6 sqrt(0.48/0.208)
    with pytest.warns(UserWarning, match=r"long-run variance of d up to lag 1 is -0.544"):
        result = diebold_mariano([1, -2, 0, 3, -1], [2, 1, -2, 3, 2], horizon=2, loss="absolute")
    expected = -0.6 * math.sqrt(30 / 13)
    assert result.statistic == pytest.approx(expected, rel=1e-12)
    assert result.p_value == pytest.approx(2 * t4_cdf(expected), rel=1e-12)


def overlapping_errors(rng, n, scale):
    """Errors of an h=3 forecast: each shares two days' shocks with its neighbours (an MA(2))."""
    shocks = rng.normal(scale=scale, size=n + 2)
    return shocks[2:] + 0.8 * shocks[1:-1] + 0.5 * shocks[:-2]


@pytest.mark.parametrize("horizon", [1, 3])
@pytest.mark.parametrize("loss", ["squared", "absolute"])
def test_diebold_mariano_matches_statsmodels_hac_regression(horizon, loss):
    """Regressing d on a constant, OLS's HAC variance of the mean with the uniform kernel up to
    lag h-1 and no small-sample correction is S / n^2, S = n (gamma_0 + 2 sum gamma_k): exactly
    LRV / n. So the t value of the constant times the HLN factor is DM*."""
    with warnings.catch_warnings():  # statsmodels 0.14.6 with pandas 3 warns about pandas' internals
        warnings.simplefilter("ignore", DeprecationWarning)
        import statsmodels.api as sm
    rng = np.random.default_rng(16)
    n = 250
    errors_a, errors_b = overlapping_errors(rng, n, 1.0), overlapping_errors(rng, n, 1.1)
    result = diebold_mariano(errors_a, errors_b, horizon=horizon, loss=loss)

    L = np.square if loss == "squared" else np.abs
    d = L(errors_a) - L(errors_b)
    fit = sm.OLS(d, np.ones(n)).fit(cov_type="HAC", cov_kwds={
        "maxlags": horizon - 1, "kernel": "uniform", "use_correction": False})
    assert fit.bse[0] > 0  # a positive long-run variance: no fallback in this case
    factor = math.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    statistic = fit.params[0] / fit.bse[0] * factor
    p_value = 2 * stats.t.sf(abs(statistic), n - 1)

    c = d - d.mean()
    terms = np.abs(c) @ np.abs(c) + 2 * sum(np.abs(c[k:]) @ np.abs(c[:-k]) for k in range(1, horizon))
    cond = terms / (n * fit.bse[0] ** 2 * n)  # (sum of |products|) / (n * LRV)
    rtol = 10 * n * EPS * cond
    assert result.statistic == pytest.approx(statistic, rel=rtol)
    # dp = 2 f(t) dt, so the relative error of p is 2 f(t) |t| / p times that of t
    slope = 2 * stats.t.pdf(statistic, n - 1) * abs(statistic) / p_value
    assert result.p_value == pytest.approx(p_value, rel=rtol * max(slope, 1.0))
    assert result.mean_difference == pytest.approx(fit.params[0], rel=rtol)


def test_diebold_mariano_p_values_are_uniform_under_the_null():
    rng = np.random.default_rng(1995)
    replications = 2000
    p = np.array([diebold_mariano(rng.normal(size=100), rng.normal(size=100)).p_value
                  for _ in range(replications)])
    sd_rate = math.sqrt(0.05 * 0.95 / replications)
    assert abs(np.mean(p < 0.05) - 0.05) < 4 * sd_rate
    assert abs(p.mean() - 0.5) < 4 * math.sqrt(1 / 12 / replications)


def test_a_clearly_better_forecast_gets_a_tiny_p_value():
    # e_a ~ N(0, 1), e_b ~ N(0, 4): d = e_a^2 - e_b^2 has mean 1 - 4 = -3 and variance
    # 2 + 2 * 16 = 34, so with n = 400 DM is about -3 / sqrt(34/400) = -10.3, with sd about 1;
    # 4 sd short of that is still -6.3, whose two-sided p-value is below 1e-8.
    rng = np.random.default_rng(3)
    result = diebold_mariano(rng.normal(size=400), rng.normal(scale=2.0, size=400))
    assert result.statistic < 0  # a is the better forecast
    assert result.p_value < 1e-8
    assert result.mean_difference < 0


def test_swapping_the_forecasts_negates_the_statistic():
    rng = np.random.default_rng(4)
    a, b = overlapping_errors(rng, 60, 1.0), overlapping_errors(rng, 60, 1.3)
    for horizon, loss in [(1, "squared"), (3, "absolute")]:
        ab, ba = diebold_mariano(a, b, horizon, loss), diebold_mariano(b, a, horizon, loss)
        # L(b) - L(a) is exactly -(L(a) - L(b)) in floating point, and so is everything after
        assert ba.statistic == -ab.statistic and ba.p_value == ab.p_value
        assert ba.mean_difference == -ab.mean_difference


def test_diebold_mariano_accepts_columns_and_leaves_its_inputs_alone():
    a, b = np.array([1.0, -2.0, 0.0, 3.0, -1.0]), np.array([2.0, 1.0, -2.0, 3.0, 2.0])
    before = a.copy(), b.copy()
    assert diebold_mariano(a[:, None], b[:, None]) == diebold_mariano(a, b)
    np.testing.assert_array_equal(a, before[0])
    np.testing.assert_array_equal(b, before[1])
    result = diebold_mariano(a, b)
    assert [type(v) for v in result] == [float, float, float, int]


@pytest.mark.parametrize("a,b,kwargs,error,phrase", [
    ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0], {}, ValueError, r"errors_b must have the shape of errors_a, \(4,\)"),
    ([1.0, np.nan, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0], {}, ValueError, "errors_a must hold finite numbers"),
    ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, np.inf, 5.0], {}, ValueError, "errors_b must hold finite numbers"),
    ([1.0, 2.0], [2.0, 1.5], {}, ValueError, r"at least 2 \* horizon \+ 1 = 3 days for horizon=1; got 2"),
    ([1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 3.5, 4.0], {"horizon": 2}, ValueError, "= 5 days for horizon=2; got 4"),
    ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], {}, ValueError, "same loss difference, 0, on every day"),
    ([1.0, -2.0, 3.0], [-1.0, 2.0, -3.0], {}, ValueError, "identical forecasts"),  # same |e|
    ([1.0, 2.0, 3.0], [2.0, 1.0, 0.0], {"loss": "mse"}, ValueError, "loss must be 'squared' or 'absolute'"),
    ([1.0, 2.0, 3.0], [2.0, 1.0, 0.0], {"horizon": 0}, ValueError, "horizon must be at least 1"),
    ([1.0, 2.0, 3.0], [2.0, 1.0, 0.0], {"horizon": 1.0}, TypeError, "horizon must be an integer"),
    (np.ones((3, 2)), np.ones((3, 2)), {}, ValueError, r"errors_a must be 1-D \(days,\) or a column"),
    (None, [1.0, 2.0, 3.0], {}, TypeError, "errors_a must be an array of forecast errors"),
    ([], [], {}, ValueError, "errors_a must hold at least one value"),
])
def test_diebold_mariano_refuses_bad_input(a, b, kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        diebold_mariano(a, b, **kwargs)


def test_diebold_mariano_warns_only_when_it_falls_back():
    rng = np.random.default_rng(5)
    a, b = overlapping_errors(rng, 80, 1.0), overlapping_errors(rng, 80, 1.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diebold_mariano(a, b, horizon=3)  # positively autocorrelated d: LRV > gamma_0 > 0


# ---------------------------------------------------------------- the direction test


def binomial_tail(k, n, p):
    """P(K >= k) for K ~ Binomial(n, p), summed term by term."""
    return sum(math.comb(n, j) * p ** j * (1 - p) ** (n - j) for j in range(k, n + 1))


def test_direction_test_on_a_hand_computed_case():
    previous = np.full(8, 10.0)
    actual = np.array([11, 12, 11, 9, 11, 10, 11, 8.0])  # up, up, up, down, up, no move, up, down
    predicted = np.array([11, 11, 9, 9, 10, 12, 12, 11.0])  # up, up, down, down, none, up, up, up
    # judged: days 0, 1, 2, 3, 6, 7 (day 4: no call; day 5: no move): n = 6
    # right: 0, 1, 3, 6 (day 2 called down, day 7 called up: wrong): k = 4
    # went up on days 0, 1, 2, 6: base rate 4/6, so "always up" is right on 4 of 6, p0 = 2/3
    result = direction_test(actual, predicted, previous)
    assert result.n == 6 and result.accuracy == pytest.approx(4 / 6)
    assert result.base_rate == pytest.approx(4 / 6)
    # P(K >= 4), K ~ Bin(6, 2/3) = (15 * 16 + 6 * 32 + 64) / 729 = 496/729
    assert result.p_value == pytest.approx(496 / 729, rel=1e-12)
    assert result.accuracy == directional_accuracy(actual, predicted, previous)


def test_direction_test_benchmark_is_the_better_constant_guess():
    # the price fell on 3 of 4 judged days: "always down" is right on 3/4, so p0 = 3/4
    previous = np.full(4, 10.0)
    actual = np.array([9.0, 8.0, 11.0, 9.5])
    predicted = np.array([9.0, 9.0, 9.0, 9.0])  # always down: right on 3 of 4
    result = direction_test(actual, predicted, previous)
    assert result.base_rate == 0.25 and result.accuracy == 0.75
    assert result.p_value == pytest.approx(binomial_tail(3, 4, 0.75), rel=1e-12)  # 189/256


def test_direction_test_agrees_with_scipy_and_directional_accuracy():
    rng = np.random.default_rng(6)
    previous = 100 + np.cumsum(rng.normal(size=300))
    actual = previous + rng.normal(0.05, 1.0, size=300)
    predicted = previous + 0.6 * (actual - previous) + rng.normal(size=300)
    result = direction_test(actual, predicted, previous)
    judged = (actual != previous) & (predicted != previous)
    hits = int(round(result.accuracy * result.n))
    assert result.n == judged.sum()
    assert result.accuracy == directional_accuracy(actual, predicted, previous)
    assert result.base_rate == np.mean(actual[judged] > previous[judged])
    p0 = max(result.base_rate, 1 - result.base_rate)
    assert result.p_value == stats.binomtest(hits, result.n, p0, alternative="greater").pvalue
    assert result.p_value == pytest.approx(binomial_tail(hits, result.n, p0), rel=1e-9)
    assert result.p_value < 0.01  # a forecast that has seen part of the move


def test_always_up_in_a_rising_market_is_no_skill():
    # up on 140 of 200 days; the forecast always says up: 70% right, as the base rate.
    # Against 50% that would look like skill; against p0 = 0.7 it is not: with n * p0 = 140 an
    # integer, 140 is Bin(200, 0.7)'s median, so P(K >= 140) >= 1/2.
    rng = np.random.default_rng(7)
    moves = rng.permutation(np.r_[np.ones(140), -np.ones(60)])
    previous = np.full(200, 50.0)
    result = direction_test(previous + moves, previous + 1.0, previous)
    assert result.accuracy == result.base_rate == 0.7
    assert result.p_value >= 0.5
    assert stats.binomtest(140, 200, 0.5, alternative="greater").pvalue < 1e-6


def test_direction_test_with_no_day_to_judge():
    result = direction_test(np.ones(3), np.ones(3), np.ones(3))
    assert result.n == 0 and all(np.isnan(v) for v in (result.accuracy, result.base_rate, result.p_value))
