"""lstm_lib.metrics under bad input, and the directional accuracy of a forecast that makes no call.

Every public function of lstm_lib.metrics checks its arguments where they enter: NaN or inf, an
empty array, a foreign object or a mismatched shape is one ValueError or TypeError that names the
argument, never a silent NaN or a number. A day on which the forecast predicts no move is left out
of the directional accuracy, like a day on which the price did not move; with no day left it is
NaN. The checker check_directional_accuracy and the worked solution in chapters/ex_forecasting.ipynb
follow the same definition.
"""
import pathlib
import re
import warnings

import nbformat
import numpy as np
import pytest

from lstm_lib import checks, metrics

ROOT = pathlib.Path(__file__).resolve().parent.parent

ACTUAL = np.array([101.0, 102.5, 101.5, 103.0])
PREDICTED = np.array([100.5, 102.0, 102.5, 102.0])
PREVIOUS = np.array([100.0, 101.0, 102.5, 101.5])
NAMES = ("actual", "predicted", "previous")
FUNCTIONS = {  # name -> (function, number of arguments)
    "rmse": (metrics.rmse, 2),
    "mae": (metrics.mae, 2),
    "mape": (metrics.mape, 2),
    "directional_accuracy": (metrics.directional_accuracy, 3),
    "report": (metrics.report, 3),
    "direction_test": (metrics.direction_test, 3),
}


def good_args(count):
    return [ACTUAL.copy(), PREDICTED.copy(), PREVIOUS.copy()][:count]


def with_nonfinite(value):
    def bad(array):
        array = array.copy()
        array[2] = value
        return array
    return bad


BAD = {  # class of bad input -> (make the bad argument from a good one, error, words in the message)
    "NaN": (with_nonfinite(np.nan), ValueError, "finite"),
    "inf": (with_nonfinite(np.inf), ValueError, "finite"),
    "-inf": (with_nonfinite(-np.inf), ValueError, "finite"),
    "a NaN in a column (n, 1)": (lambda a: with_nonfinite(np.nan)(a)[:, None], ValueError, None),
    "empty": (lambda a: a[:0], ValueError, None),
    "None": (lambda a: None, TypeError, "None"),
    "a string": (lambda a: "Close", TypeError, "'Close'"),
    "a dict": (lambda a: {"Close": a}, TypeError, "dict"),
    "an object": (lambda a: object(), ValueError, "numbers"),
    "strings in a list": (lambda a: [str(v) for v in a], ValueError, "numbers"),
    "a ragged list": (lambda a: [[1.0, 2.0], [3.0]], ValueError, None),
    "complex numbers": (lambda a: a + 1j, ValueError, "numbers"),
    "one value short": (lambda a: a[:-1], ValueError, "shape"),
    "a column (n, 1)": (lambda a: a[:, None], ValueError, "shape"),
}
CALLS = [(name, position, kind) for name, (_, count) in FUNCTIONS.items()
         for position in range(count) for kind in BAD
         # a wrong shape of the first argument is a wrong shape of the others
         if not (position == 0 and kind in ("one value short", "a column (n, 1)"))]


@pytest.mark.parametrize("name,position,kind", CALLS, ids=[f"{n}-{NAMES[p]}-{k}" for n, p, k in CALLS])
def test_bad_input_is_one_clear_error_that_names_the_argument(name, position, kind):
    function, count = FUNCTIONS[name]
    make, error, words = BAD[kind]
    args = good_args(count)
    args[position] = make(args[position])
    with pytest.raises(error) as info:
        function(*args)
    message = str(info.value)
    assert message.startswith(NAMES[position]) or f" {NAMES[position]}" in message, message
    if words:
        assert words in message, message
    assert len(message) < 240, message  # short and plain, for a learner


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_inputs_are_left_alone_and_the_results_are_plain_numbers(name):
    function, count = FUNCTIONS[name]
    args = good_args(count)
    column = [a[:, None] for a in args]  # (n, 1), as a model's predict returns them
    for given in (args, column, [list(a) for a in args]):
        before = [np.array(a, copy=True) for a in given]
        result = function(*given)
        if isinstance(result, dict):
            values = result
        elif isinstance(result, tuple):  # a NamedTuple: its count of days is an int
            values = result._asdict()
        else:
            values = {name: result}
        for key, value in values.items():
            assert type(value) is (int if key == "n" else float), key
            for a in given:
                assert not np.shares_memory(np.asarray(value), np.asarray(a))
        for b, a in zip(before, given):
            np.testing.assert_array_equal(np.asarray(a), b)


# diebold_mariano takes two forecasts' errors: the same classes of bad input, by the names
# errors_a and errors_b (its own refusals, e.g. too few days, are in tests/test_metrics.py)
ERRORS = ("errors_a", "errors_b")
DM_CALLS = [(position, kind) for position in range(2) for kind in BAD
            if not (position == 0 and kind in ("one value short", "a column (n, 1)"))]


@pytest.mark.parametrize("position,kind", DM_CALLS, ids=[f"{ERRORS[p]}-{k}" for p, k in DM_CALLS])
def test_diebold_mariano_bad_input_names_the_argument(position, kind):
    make, error, words = BAD[kind]
    args = [ACTUAL - PREDICTED, ACTUAL - PREVIOUS]
    args[position] = make(args[position])
    with pytest.raises(error) as info:
        metrics.diebold_mariano(*args)
    message = str(info.value)
    assert message.startswith(ERRORS[position]), message
    if words:
        assert words in message, message
    assert len(message) < 240, message


def test_the_values_are_unchanged_for_good_input():
    assert metrics.rmse(ACTUAL, PREDICTED) == pytest.approx(np.sqrt(np.mean((ACTUAL - PREDICTED) ** 2)))
    assert metrics.mae(ACTUAL[:, None], PREDICTED[:, None]) == pytest.approx(0.75)
    assert metrics.rmse(3, 1) == 2.0  # a single day may be a plain number
    assert metrics.mape([2, 4], [1, 5]) == pytest.approx(37.5)  # integers are fine


def test_mape_names_the_zero_price():
    with pytest.raises(ValueError, match=r"MAPE is undefined .* actual is 0 at index \(1,\)"):
        metrics.mape([1.0, 0.0, 2.0], [1.0, 1.0, 1.0])


# ---------------------------------------------------------------- a forecast that makes no call


def test_a_day_without_a_call_is_left_out_not_counted_as_a_miss():
    previous = np.array([10.0, 10.0, 10.0, 10.0, 10.0])
    actual = np.array([11.0, 9.0, 11.0, 10.0, 9.0])  # up, down, up, no move, down
    predicted = np.array([11.0, 10.0, 9.0, 12.0, 10.0])  # up (hit), none, down (miss), up, none
    assert metrics.directional_accuracy(actual, predicted, previous) == 0.5  # 1 hit of 2 judged


@pytest.mark.parametrize("actual,predicted,previous", [
    ([11.0, 9.0, 12.0], [10.0, 10.0, 10.0], [10.0, 10.0, 10.0]),  # the forecast never calls a move
    ([10.0, 10.0, 10.0], [11.0, 9.0, 12.0], [10.0, 10.0, 10.0]),  # the price never moves
    ([11.0, 10.0], [10.0, 12.0], [10.0, 10.0]),  # each day lacks one or the other
], ids=["no call", "no move", "never both"])
def test_no_day_to_judge_is_nan_and_report_carries_it(actual, predicted, previous):
    assert np.isnan(metrics.directional_accuracy(actual, predicted, previous))
    result = metrics.report(actual, predicted, previous)
    assert np.isnan(result["Direction %"]) and np.isfinite(result["RMSE"])


def test_persistence_has_no_directional_accuracy():
    rng = np.random.default_rng(0)
    prices = 100 + np.cumsum(rng.normal(size=30))
    actual, previous = prices[1:], prices[:-1]
    assert np.isnan(metrics.directional_accuracy(actual, previous.copy(), previous))
    assert "NaN" in metrics.directional_accuracy.__doc__


# ---------------------------------------------------------------- the checker and the worked solution
# As in tests/test_checks.py: the learner's mistakes are made from the worked solution in
# chapters/ex_forecasting.ipynb by editing its source; each edit must still find its text.


def solution_source():
    nb = nbformat.read(ROOT / "chapters" / "ex_forecasting.ipynb", as_version=4)
    return next(c.source for c in nb.cells
                if c.cell_type == "code" and c.source.startswith("def directional_accuracy("))


def function_from(source, *edits):
    for old, new in edits:
        assert old in source, f"{old!r} is not in the worked solution any more"
        source = source.replace(old, new)
    namespace = {"np": np}
    exec(compile(source, "ex_forecasting", "exec"), namespace)
    return namespace["directional_accuracy"]


def test_the_worked_solution_passes_the_checker(capsys):
    assert checks.check_directional_accuracy(function_from(solution_source())) is True
    assert re.fullmatch(r"directional_accuracy: all \d+ checks passed\.\n", capsys.readouterr().out)


@pytest.mark.parametrize("actual,predicted,previous", [
    ([11.0, 9.0, 11.0, 10.0, 9.0], [11.0, 10.0, 9.0, 12.0, 10.0], [10.0] * 5),
    ([11.0, 9.0, 12.0], [10.0, 10.0, 10.0], [10.0, 10.0, 10.0]),
    ([10.0, 10.0, 10.0], [11.0, 9.0, 12.0], [10.0, 10.0, 10.0]),
])
def test_the_worked_solution_follows_the_librarys_definition(actual, predicted, previous):
    args = [np.array(a) for a in (actual, predicted, previous)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Mean of empty slice" on the way to NaN
        got = function_from(solution_source())(*args)
    assert np.array_equal(got, metrics.directional_accuracy(*args), equal_nan=True)


NO_CALL = (" & (predicted != previous)", "")
MISTAKES = [
    ("no call counted as a miss", [NO_CALL], "predicts no move (predicted == previous) as misses"),
    ("no call counted as down", [NO_CALL, ("np.sign(predicted - previous) == np.sign(actual - previous)",
                                           "(predicted > previous) == (actual > previous)")],
     'counts a forecast of no move (predicted == previous) as a call of "down"'),
    ("days without a price move counted", [("np.mean(right[moved])", "np.mean(right)")],
     "the price did not move; leave those days out"),
]


@pytest.mark.parametrize("edits,phrase", [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_a_mistake_about_days_without_a_move_gets_its_hint(edits, phrase):
    with pytest.raises(AssertionError) as info:
        checks.check_directional_accuracy(function_from(solution_source(), *edits))
    message = str(info.value)
    assert phrase in " ".join(message.split()), message
    assert max(len(line) for line in message.split("\n")) <= 80, message
