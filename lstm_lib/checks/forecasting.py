"""Checkers for the forecasting exercises: the leak-free pipeline, the
baseline, the metrics.

scikit-learn, slow to import, is imported only when a diagnosis needs it.
"""
import numpy as np

from .. import metrics
from ..baselines import moving_average, persistence
from ..windows import prepare, split_points
from .engine import Case, Check, Output, single_output
from .errors import Failure
from .messages import describe, message, number, returned, unpack
from .registry import checker

__all__ = [
    "check_split_scale_window", "check_persistence_forecast",
    "check_moving_average_forecast", "check_rmse", "check_mae",
    "check_mape", "check_directional_accuracy",
]


_SPLITS = ("train", "validation", "test")
_WINDOW_NAMES = ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test",
                 "scaler")


def _prepared(prices, lookback, train=0.7, validation=0.15):
    d = prepare(prices, lookback, 1, train, validation, "minmax")
    return (d.train.X, d.train.y, d.validation.X, d.validation.y,
            d.test.X, d.test.y, d.scaler)


def _window_outputs(raw, case, name):
    items = unpack(name, raw, _WINDOW_NAMES)
    scaler, prices = items[6], case.args[0]
    if not hasattr(scaler, "transform"):
        raise Failure(message(
            [f"{name}: scaler, the seventh value returned, should be the "
             "fitted scaler (an object with .transform, such as "
             f"MinMaxScaler); it is {describe(scaler)}."]))
    try:
        scaled = np.asarray(scaler.transform(np.reshape(prices, (-1, 1))),
                            dtype=float).ravel()
    except Exception as exc:
        raise Failure(message(
            [f"{name}: scaler.transform(prices.reshape(-1, 1)) raised "
             f"{type(exc).__name__}: {str(exc)[:100]}"],
            "Return the scaler after fitting it.")) from exc
    day = lambda case, i: (  # noqa: E731
        f"day {i[0]}, price {number(case.args[0][i[0]])}")
    out = [(Output("scaler", returned(6),
                   hint="The scaler is compared through "
                        "scaler.transform(prices): fit a MinMaxScaler on "
                        "the training days only.",
                   locate=day), scaled)]
    for k, n in enumerate(_WINDOW_NAMES[:6]):
        axes = ("(windows, lookback, 1)" if n.startswith("X")
                else "(windows, 1)")
        out.append((Output(n, returned(k), axes, keep_dtype=False,
                           hint="Window k holds the scaled prices of days "
                                "k .. k + lookback - 1 and its target is "
                                "day k + lookback."), items[k]))
    return out


def _truncated(n, train, validation):
    """The split points with int() in place of int(round()):
    (train_end, validation_end)."""
    return int(n * train), int(n * (train + validation))


def _truncation_hint(point, n, fraction):
    """Why int(n * fraction) is not the split point (train_end or
    validation_end) the task asks for."""
    formula = {"train_end": "N * train",
               "validation_end": "N * (train + validation)"}[point]
    return (f"Your {point} matches int({n} * {fraction:g}) = "
            f"int({number(n * fraction)}) = {int(n * fraction)}: int() "
            "drops the decimals. The task rounds to the nearest day: "
            f"{point} = int(round({formula})) = "
            f"{int(round(n * fraction))}. Round both split points so.")


def _scaler_diagnosis(prices, scaled, scaler, train_end, validation_end,
                      train, validation):
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    column = prices.reshape(-1, 1)
    cut = _truncated(len(prices), train, validation)[0]
    if cut != train_end:  # fitted on the first int(N * train) days?
        truncated = (MinMaxScaler().fit(column[:cut])
                     .transform(column).ravel())
        if np.allclose(scaled, truncated, rtol=1e-6, atol=1e-9):
            return _truncation_hint("train_end", len(prices), train)
    fits = [
        (f"matches a scaler fitted on all {len(prices)} days. Fit it on "
         f"the training days only, the first {train_end}: later prices are "
         "the future, and a scaler that has seen them leaks their range "
         "into training.", MinMaxScaler().fit(column)),
        ("matches a scaler fitted on the training and validation days. Fit "
         f"it on the training days only, the first {train_end}.",
         MinMaxScaler().fit(column[:validation_end])),
        ("matches a StandardScaler fitted on the training days. The task, "
         "like lstm_lib's prepare, uses MinMaxScaler, which maps the "
         "training days onto [0, 1].",
         StandardScaler().fit(column[:train_end])),
    ]
    for hint, fitted in fits:
        if np.allclose(scaled, fitted.transform(column).ravel(), rtol=1e-6,
                       atol=1e-9):
            return ("Your scaler " + hint
                    + _scaler_statistics(scaler, prices, train_end))
    return ("Fit a MinMaxScaler on the training days only."
            + _scaler_statistics(scaler, prices, train_end))


def _scaler_statistics(scaler, prices, train_end):
    low, high = (getattr(scaler, "data_min_", None),
                 getattr(scaler, "data_max_", None))
    if low is None or high is None:
        return ""
    return (" (It was fitted on prices from "
            f"{number(np.ravel(low)[0])} to {number(np.ravel(high)[0])}; "
            "the training days run from "
            f"{number(prices[:train_end].min())} to "
            f"{number(prices[:train_end].max())}.)")


def _window_diagnosis(case, raw, got, k):
    """Find where each of the learner's windows sits in the scaled series,
    and say what is off."""
    prices, lookback = case.args
    train, validation = (case.kwargs.get("train", 0.7),
                         case.kwargs.get("validation", 0.15))
    train_end, validation_end = split_points(len(prices), train, validation)
    if k == 0:
        return _scaler_diagnosis(prices, got[0][1], raw[6], train_end,
                                 validation_end, train, validation)
    part = (k - 1) // 2
    bounds = ((0, train_end), (train_end, validation_end),
              (validation_end, len(prices)))[part]
    name = _SPLITS[part]
    try:
        X = np.asarray(raw[2 * part], dtype=float)
        y = (np.asarray(raw[2 * part + 1], dtype=float)
             .reshape(len(X), -1)[:, 0])
    except (TypeError, ValueError):
        return ""
    X = X[..., 0] if X.ndim == 3 and X.shape[2] == 1 else X
    scaled = got[0][1]
    if X.ndim != 2 or X.shape[1] != lookback or len(X) == 0:
        return ""
    starts = []
    for window in X:
        j = int(np.argmin(np.abs(scaled - window[0])))
        if (j + lookback > len(scaled)
                or not np.allclose(scaled[j:j + lookback], window,
                                   atol=1e-6)):
            return ""
        starts.append(j)
    starts = np.array(starts)
    last = starts + lookback - 1
    if np.any(np.diff(starts) <= 0):
        return (f"The windows of the {name} split are not in time order: "
                "the data must not be shuffled (train_test_split shuffles "
                "unless told shuffle=False). Split by position in time, so "
                "that the model is validated and tested on days after the "
                "ones it learned from.")
    for offset, hint in ((0, "Each y equals the last day of its own input "
                             "window: the target must be the day after "
                             "the window, or the model is asked to output "
                             "what it can already see."),
                         (2, "Each y lies two days after the last day of "
                             "its window; the target is the next day, one "
                             "day after it.")):
        if (np.all(last + offset < len(scaled))
                and np.allclose(y, scaled[last + offset], atol=1e-6)):
            return hint
    targets = last + 1
    low, high = bounds
    # the split points with int()
    cut = _truncated(len(prices), train, validation)
    cut_low, cut_high = ((0, cut[0]), cut, (cut[1], len(prices)))[part]
    first, stop = targets.min(), targets.max() + 1
    if (first in (max(low, lookback), max(cut_low, lookback))
            and stop in (high, cut_high)):
        if stop != high:  # the split ends at int(): the point after it
            return _truncation_hint(
                ("train_end", "validation_end")[part], len(prices),
                (train, train + validation)[part])
        # it starts at int(): the point before it
        if first != max(low, lookback):
            return _truncation_hint(
                ("train_end", "validation_end")[part - 1], len(prices),
                (train, train + validation)[part - 1])
    if targets.min() < low or targets.max() >= high:
        return (f"Some windows of the {name} split predict days "
                f"{targets.min()} to {targets.max()}, outside the {name} "
                f"days ({low} to {high - 1}). Split the days first, at "
                "round(N * train) and round(N * (train + validation)), "
                "then give each window to the split its target day falls "
                "in.")
    if targets.min() > max(low, lookback):
        return (f"The {name} split starts with the window that predicts "
                f"day {targets.min()}, but it should start with day "
                f"{max(low, lookback)}. A window may take its inputs from "
                "the days before its split (they are in the past when the "
                "forecast is made): only its target day decides where it "
                "belongs. Cut the windows from the whole scaled series, "
                "then split them.")
    if targets.max() < high - 1:
        return (f"The {name} split stops at the window that predicts day "
                f"{targets.max()}; its last window should predict day "
                f"{high - 1}. Check the range of your window loop.")
    return ""


@checker("ex_forecasting", reference=_prepared)
def check_split_scale_window(fn):
    """Check split_scale_window(prices, lookback, train=0.7,
    validation=0.15).

    Compares with lstm_lib.windows.prepare, and locates each window in the
    series to say what is off: the scaler's data, the target day, the
    order, or the split of a window.
    """
    __tracebackhide__ = True
    rng = np.random.default_rng(80)
    walk = 100 + np.cumsum(rng.normal(0.0, 1.0, 60))
    climb = np.concatenate([20 + np.cumsum(rng.normal(0.0, 0.3, 30)),
                            np.linspace(25.0, 60.0, 20)
                            + rng.normal(0.0, 0.5, 20)])
    short = 50 + np.cumsum(rng.normal(0.0, 1.0, 20))
    odd = 80 + np.cumsum(rng.normal(0.0, 1.0, 47))
    # the last training day is the highest: int() would miss it
    odd[32] = odd[:32].max() + 2.0
    cases = [
        Case("60 days of prices, lookback 5, default fractions (train 0.7, "
             "validation 0.15)", (walk, 5)),
        Case("50 days whose prices climb after the training period, "
             "lookback 3, train 0.6, validation 0.2", (climb, 3),
             dict(train=0.6, validation=0.2)),
        Case("20 days, lookback 2, train 0.5, validation 0.25", (short, 2),
             dict(train=0.5, validation=0.25)),
        Case("47 days, lookback 4, default fractions: 47 * 0.7 = 32.9 "
             "training days, a fraction of a day to round", (odd, 4)),
    ]
    return Check("split_scale_window", cases, _prepared, _window_outputs,
                 diagnose=_window_diagnosis,
                 arg_names=("prices", "lookback")).run(fn)


@checker("ex_forecasting", reference=persistence)
def check_persistence_forecast(fn):
    """Check persistence_forecast(X) -> (windows, 1): the last value of
    each window's first feature."""
    __tracebackhide__ = True

    rng = np.random.default_rng(90)
    cases = [
        Case("6 windows of 4 days, 1 feature",
             (100 + np.cumsum(rng.normal(size=(6, 4, 1)), axis=1),)),
        Case("3 windows of 5 days, 3 features (the first is the price)",
             (rng.normal(size=(3, 5, 3)),)),
        Case("1 window of 1 day, 1 feature", (np.array([[[42.0]]]),)),
    ]
    mutants = [
        ("matches the first day of each window; persistence repeats the "
         "last day, the most recent price.", lambda X: X[:, 0, :1]),
        ("matches the day before the last; persistence repeats the last "
         "day of the window.", lambda X: X[:, -2, :1]),
        ("matches the mean of each window, a moving average; persistence "
         "repeats the last value.", lambda X: X[:, :, :1].mean(axis=1)),
        ("matches the last day of every feature; the forecast is for the "
         "first feature only, the price, as an array of shape "
         "(windows, 1).", lambda X: X[:, -1, :]),
    ]
    out = Output("the forecast", axes="(windows, 1)", keep_dtype=False,
                 hint="The persistence forecast of each window is its last "
                      "value of the first feature.")
    return Check("persistence_forecast", cases, persistence,
                 single_output(out), mutants=mutants,
                 arg_names=("X",)).run(fn)


@checker("ex_forecasting", reference=moving_average)
def check_moving_average_forecast(fn):
    """Check moving_average_forecast(X, days=5) -> (windows, 1): the mean
    of each window's first feature over its last `days` days."""
    __tracebackhide__ = True

    rng = np.random.default_rng(91)

    def rising(windows, days, features=1):
        steps = rng.uniform(0.5, 2.0, size=(windows, days, features))
        return 100 + np.cumsum(steps, axis=1)

    cases = [
        Case("6 windows of 8 rising days, 1 feature, days=3",
             (rising(6, 8), 3)),
        Case("3 windows of 5 days, 3 features (the first is the price), "
             "days=5, the whole window", (rng.normal(size=(3, 5, 3)), 5)),
        Case("4 windows of 7 days, 1 feature, days=1, the persistence "
             "forecast", (rising(4, 7), 1)),
        Case("2 windows of 9 days, 2 features, days left at its default "
             "5", (rising(2, 9, 2),)),
    ]

    def last(X, days):
        return X[:, -days:, :1]

    mutants = [
        ("matches the mean of the whole window; the moving average "
         "uses only the last `days` days.",
         lambda X, days=5: X[:, :, :1].mean(axis=1)),
        ("matches the mean over the window's first `days` days; the "
         "forecast averages the most recent ones, `X[:, -days:]`.",
         lambda X, days=5: X[:, :days, :1].mean(axis=1)),
        ("matches the mean over the last days + 1 days; `X[:, -days:]` "
         "takes exactly `days` of them.",
         lambda X, days=5: X[:, -days - 1:, :1].mean(axis=1)),
        ("matches the mean over the last days - 1 days; `X[:, -days:]` "
         "takes exactly `days` of them.",
         lambda X, days=5: X[:, -days + 1:, :1].mean(axis=1)),
        ("matches the mean over the last 5 days whatever `days` is; use "
         "the argument `days` rather than a fixed number.",
         lambda X, days=5: X[:, -5:, :1].mean(axis=1)),
        ("matches the sum of the last `days` values; divide by `days`, "
         "or use `.mean(axis=1)`, to average them.",
         lambda X, days=5: last(X, days).sum(axis=1)),
        ("matches the mean of every feature; the forecast is for the "
         "first feature only, the price, as an array of shape "
         "(windows, 1).",
         lambda X, days=5: X[:, -days:, :].mean(axis=1)),
    ]
    out = Output("the forecast", axes="(windows, 1)", keep_dtype=False,
                 hint="The moving-average forecast of each window is the "
                      "mean of its first feature over the last `days` "
                      "days.")
    return Check("moving_average_forecast", cases, moving_average,
                 single_output(out), mutants=mutants,
                 arg_names=("X", "days")).run(fn)


def _metric_cases(seed):
    rng = np.random.default_rng(seed)
    actual = np.array([101.2, 102.5, 101.9, 103.4, 104.0, 103.1, 102.2,
                       104.8])
    predicted = actual + np.array([0.8, -1.5, 0.4, -0.3, 2.1, -0.9, 0.6,
                                   -2.4])
    walk = 50 + np.cumsum(rng.normal(size=(12, 1)), axis=0)
    return [
        Case("8 days, 1-D arrays, errors of both signs",
             (actual, predicted)),
        Case("12 days, arrays of shape (12, 1) as a model's predict "
             "returns them", (walk, walk + rng.normal(0.0, 1.5, (12, 1)))),
        Case("a perfect forecast (every error 0)", (actual, actual.copy())),
        Case("one day", (np.array([80.0]), np.array([83.0]))),
    ]


def _metric_check(name, fn, reference, mutants, cases, hint):
    out = Output("the result", number=True, keep_dtype=False, hint=hint)
    names = ("actual", "predicted", "previous")
    return Check(name, cases, reference, single_output(out),
                 mutants=mutants, arg_names=names).run(fn)


def _errors(a, p):
    return np.asarray(a, dtype=float) - np.asarray(p, dtype=float)


@checker("ex_forecasting", reference=metrics.rmse)
def check_rmse(fn):
    """Check rmse(actual, predicted) against lstm_lib.metrics.rmse."""
    __tracebackhide__ = True
    mutants = [
        ("matches the mean squared error: take the square root of the "
         "mean.", lambda a, p: np.mean(_errors(a, p) ** 2)),
        ("matches the mean absolute error; RMSE squares the errors, "
         "averages them and takes the root.",
         lambda a, p: np.mean(np.abs(_errors(a, p)))),
        ("matches the square root of the sum of squared errors: average "
         "them before the root.",
         lambda a, p: np.sqrt(np.sum(_errors(a, p) ** 2))),
        ("matches np.std of the errors, which subtracts their mean first; "
         "RMSE uses the errors themselves.",
         lambda a, p: np.std(_errors(a, p))),
        ("matches one value per day: average over all days to get one "
         "number.", lambda a, p: np.abs(_errors(a, p))),
    ]
    return _metric_check("rmse", fn, metrics.rmse, mutants,
                         _metric_cases(100),
                         "RMSE is the square root of the mean of the "
                         "squared errors actual - predicted, one number "
                         "for all days.")


@checker("ex_forecasting", reference=metrics.mae)
def check_mae(fn):
    """Check mae(actual, predicted) against lstm_lib.metrics.mae."""
    __tracebackhide__ = True
    mutants = [
        ("matches the mean of the signed errors, in which over- and "
         "under-predictions cancel: take the absolute value of each error "
         "first.", lambda a, p: np.mean(_errors(a, p))),
        ("matches the RMSE; MAE averages the absolute errors without "
         "squaring them.",
         lambda a, p: np.sqrt(np.mean(_errors(a, p) ** 2))),
        ("matches the sum of the absolute errors: average them.",
         lambda a, p: np.sum(np.abs(_errors(a, p)))),
        ("matches one value per day: average over all days to get one "
         "number.", lambda a, p: np.abs(_errors(a, p))),
    ]
    return _metric_check("mae", fn, metrics.mae, mutants,
                         _metric_cases(110),
                         "MAE is the mean of the absolute errors "
                         "|actual - predicted|.")


@checker("ex_forecasting", reference=metrics.mape)
def check_mape(fn):
    """Check mape(actual, predicted) against lstm_lib.metrics.mape (in
    percent)."""
    __tracebackhide__ = True
    actual = lambda a: np.asarray(a, dtype=float)  # noqa: E731
    mutants = [
        ("matches the right quantity as a fraction; MAPE is in percent: "
         "multiply by 100.",
         lambda a, p: np.mean(np.abs(_errors(a, p) / actual(a)))),
        ("matches errors divided by the predictions; MAPE divides each "
         "error by the actual value.",
         lambda a, p: 100 * np.mean(np.abs(_errors(a, p)
                                           / np.asarray(p, dtype=float)))),
        ("matches signed percentage errors, which cancel: take the "
         "absolute value of each.",
         lambda a, p: 100 * np.mean(_errors(a, p) / actual(a))),
        ("matches the mean absolute error divided by the mean price; MAPE "
         "averages each day's own percentage error.",
         lambda a, p: (100 * np.mean(np.abs(_errors(a, p)))
                       / np.mean(actual(a)))),
    ]
    cases = _metric_cases(120)
    cases.insert(2, Case("6 days with prices from 2 to 120, so that small "
                         "prices weigh more",
                         (np.array([2.0, 120.0, 5.0, 80.0, 3.0, 60.0]),
                          np.array([2.5, 118.0, 4.0, 83.0, 3.3, 61.0]))))
    return _metric_check("mape", fn, metrics.mape, mutants, cases,
                         "MAPE is 100 times the mean of "
                         "|actual - predicted| / |actual|.")


@checker("ex_forecasting", reference=metrics.directional_accuracy)
def check_directional_accuracy(fn):
    """Check directional_accuracy(actual, predicted, previous) against
    lstm_lib.metrics.

    A day is judged only if the price moved and the forecast called a move
    (predicted != previous); the cases include days without either.
    """
    __tracebackhide__ = True
    # No case leaves no day to judge (the reference then returns NaN): the
    # engine would count the learner's NaN against the reference's NaN as
    # a mismatch.
    rng = np.random.default_rng(130)
    previous = np.array([100.0, 101.0, 101.0, 102.0, 100.0, 99.0, 99.0,
                         101.0, 103.0, 102.0])
    # each day's price is the next day's previous
    actual = np.append(previous[1:], 104.0)
    predicted = np.array([100.5, 100.2, 101.4, 101.0, 100.3, 98.0, 99.5,
                          103.5, 101.0, 103.0])
    # the forecast repeats the last price (no call) on days 1, 3, 5 and 11;
    # no move on 3 and 8
    last = np.array([20.0, 21.0, 20.5, 20.5, 22.0, 21.0, 21.5, 23.0, 22.0,
                     22.0, 24.0, 23.5])
    forecast = np.array([21.0, 21.0, 20.0, 20.5, 21.5, 21.0, 22.0, 22.5,
                         22.5, 21.5, 24.5, 23.5])
    walk = 50 + np.cumsum(rng.normal(size=16)).reshape(-1, 1)
    cases = [
        Case("10 days, two of them without a price move",
             (actual, predicted, previous)),
        Case("15 days, arrays of shape (15, 1)",
             (walk[1:], walk[1:] + rng.normal(0.0, 1.0, (15, 1)),
              walk[:-1])),
        Case("3 days", (np.array([10.0, 11.0, 10.5]),
                        np.array([10.4, 10.2, 10.9]),
                        np.array([10.2, 10.0, 11.0]))),
        Case("12 days; on 4 of them the forecast repeats the last price "
             "(it predicts no move), on 2 the price did not move, on 1 "
             "neither moved", (np.append(last[1:], 24.5), forecast, last)),
    ]
    flat = lambda *arrays: [  # noqa: E731
        np.ravel(np.asarray(a, dtype=float)) for a in arrays]

    def from_previous_prediction(a, p, prev):
        a, p, prev = flat(a, p, prev)
        moved = (a != prev)[1:]
        return np.mean((np.sign(p[1:] - p[:-1])
                        == np.sign(a[1:] - prev[1:]))[moved])

    def rolled(a, p, prev):
        a, p, prev = flat(a, p, prev)
        return np.mean((np.sign(p - np.roll(p, 1))
                        == np.sign(a - prev))[a != prev])

    def diffs(a, p, prev):
        a, p, _ = flat(a, p, prev)
        return np.mean(np.sign(np.diff(p)) == np.sign(np.diff(a)))

    def all_days(a, p, prev):
        a, p, prev = flat(a, p, prev)
        return np.mean(np.sign(p - prev) == np.sign(a - prev))

    def no_call_missed(a, p, prev):
        # leaves out only the days without a price move
        a, p, prev = flat(a, p, prev)
        return np.mean((np.sign(p - prev) == np.sign(a - prev))[a != prev])

    def no_call_down(a, p, prev):
        # "up" or not, so no call counts as "down"
        a, p, prev = flat(a, p, prev)
        return np.mean(((p > prev) == (a > prev))[a != prev])

    previous_prediction = (
        "matches directions measured from the previous prediction. Measure "
        "both moves from the same point, the last known price: "
        "predicted - previous against actual - previous.")
    mutants = [
        (previous_prediction, from_previous_prediction),
        (previous_prediction, diffs),
        (previous_prediction, rolled),
        ("matches the right share in percent; return a fraction "
         "between 0 and 1.",
         lambda a, p, prev: 100 * metrics.directional_accuracy(a, p, prev)),
        ("matches a share that counts the days on which the price did not "
         "move; leave those days out.", all_days),
        ("matches a share that counts the days on which the forecast "
         "predicts no move (predicted == previous) as misses. Such a "
         "forecast makes no call that day: leave those days out, like the "
         "days on which the price did not move.", no_call_missed),
        ("matches a share that counts a forecast of no move "
         "(predicted == previous) as a call of \"down\". It makes no call "
         "that day: compare the signs, and leave out the days on which the "
         "forecast or the price did not move.", no_call_down),
    ]
    return _metric_check("directional_accuracy", fn,
                         metrics.directional_accuracy, mutants, cases,
                         "Compare sign(predicted - previous) with "
                         "sign(actual - previous) on the days on which "
                         "both the price and the forecast moved, and "
                         "return the share that agree.")
