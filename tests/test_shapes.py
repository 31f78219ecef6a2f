"""The argument checks in lstm_lib/_shapes.py, one by one: what they accept, what they return,
and the message of what they refuse (the public functions' use of them:
tests/test_bad_input_*.py)."""
from typing import NamedTuple

import numpy as np
import pytest

from lstm_lib import _shapes


def test_as_float_array_turns_integers_into_float64_and_copies_only_when_asked():
    ints = np.arange(3)
    assert _shapes.as_float_array("x", ints).dtype == np.float64
    floats = np.ones(3, np.float32)
    assert _shapes.as_float_array("x", floats) is floats
    copied = _shapes.as_float_array("x", floats, copy=True)
    assert copied.dtype == np.float32 and not np.shares_memory(copied, floats)


@pytest.mark.parametrize("value, message", [
    (None, "x must hold numbers; got None"),
    (np.array(["a", "b"]), "x must hold numbers; got an array of dtype <U1"),
    ([[1.0, 2.0], [3.0]], "x could not be read as a NumPy array"),
])
def test_as_float_array_refuses_what_is_not_numbers(value, message):
    with pytest.raises(ValueError, match=message):
        _shapes.as_float_array("x", value)


def test_require_shape_names_the_axes_and_allows_any_size_where_none():
    _shapes.require_shape("x", np.zeros((2, 7, 3)), (None, None, 3), "(batch, time, input_dim)")
    with pytest.raises(ValueError, match=r"x must be a 3-D array of shape \(batch, time, "
                                         r"input_dim\) = \(any, any, 3\); got a 2-D array"):
        _shapes.require_shape("x", np.zeros((2, 3)), (None, None, 3), "(batch, time, input_dim)")
    with pytest.raises(ValueError, match=r"= \(any, any, 3\); got shape \(2, 7, 4\)"):
        _shapes.require_shape("x", np.zeros((2, 7, 4)), (None, None, 3), "(batch, time, input_dim)")


def test_check_sequence_returns_a_copy_and_its_sizes():
    x = np.ones((2, 5, 3))
    copy, batch, steps = _shapes.check_sequence(x, 3)
    assert (batch, steps) == (2, 5) and not np.shares_memory(copy, x)
    with pytest.raises(ValueError, match="at least one sequence"):
        _shapes.check_sequence(np.ones((0, 5, 3)), 3)
    with pytest.raises(ValueError, match="at least one time step"):
        _shapes.check_sequence(np.ones((2, 0, 3)), 3)


def test_check_step_and_initial_state():
    step, batch = _shapes.check_step("x_t", [[1, 2]], 2)
    assert batch == 1 and step.dtype == np.float64
    with pytest.raises(ValueError, match="at least one example"):
        _shapes.check_step("x_t", np.ones((0, 2)), 2)
    zeros = _shapes.initial_state("h0", None, 2, 3, np.float32)
    assert zeros.shape == (2, 3) and zeros.dtype == np.float32 and not zeros.any()
    given = np.ones((2, 3))
    state = _shapes.initial_state("h0", given, 2, 3, np.float32)
    assert state.dtype == np.float32 and not np.shares_memory(state, given)
    with pytest.raises(ValueError, match=r"h0 must have shape \(batch, units\) = \(2, 3\)"):
        _shapes.initial_state("h0", np.ones((3, 2)), 2, 3, np.float64)


class _Cache(NamedTuple):
    x: np.ndarray


def test_require_cache_names_what_it_got():
    cache = _Cache(np.zeros(1))
    assert _shapes.require_cache(cache, _Cache, "f returned") is cache
    for wrong, got in ((None, "None"), ((1, 2), "a tuple of 2"), ([1], "a list of 1"),
                       ({"x": 1}, "dict")):
        with pytest.raises(TypeError, match=f"cache must be the _Cache that f returned; got {got}"):
            _shapes.require_cache(wrong, _Cache, "f returned")


def test_require_generator_refuses_a_seed():
    rng = np.random.default_rng(0)
    assert _shapes.require_generator("rng", rng) is rng
    with pytest.raises(TypeError, match=r"rng = np.random.default_rng\(seed\).*got 0 \(int\)"):
        _shapes.require_generator("rng", 0)


def test_float_dtype():
    assert _shapes.float_dtype("dtype", "float32") == np.float32
    with pytest.raises(TypeError, match="dtype must be a floating type"):
        _shapes.float_dtype("dtype", np.int64)


def test_require_finite_points_at_the_first_bad_entry():
    _shapes.require_finite("x", np.ones(3))
    with pytest.raises(ValueError, match=r"x must hold finite numbers; it has 2 NaN or inf "
                                         r"\(the first, inf, at index \(0, 1\)\)"):
        _shapes.require_finite("x", np.array([[1.0, np.inf], [np.nan, 2.0]]))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_require_finite_accepts_finite_numbers_whose_sum_overflows(dtype):
    # require_finite first checks the sum; an overflowing sum of finite
    # entries must not be taken for an inf
    huge = np.full((3, 4), np.finfo(dtype).max, dtype=dtype)
    _shapes.require_finite("x", huge)
    _shapes.require_finite("x", -huge)


@pytest.mark.parametrize("bad", [[np.inf, -np.inf], [np.nan], [1.0, -np.inf],
                                 [1 + 1j, complex(0, np.inf)]])
def test_require_finite_refuses_any_nan_or_inf_even_when_they_cancel(bad):
    with pytest.raises(ValueError, match="x must hold finite numbers"):
        _shapes.require_finite("x", np.array(bad))


@pytest.mark.parametrize("value", [2.5, True, "3", None])
def test_require_int_refuses_what_is_not_an_integer(value):
    with pytest.raises(TypeError, match="n must be an integer"):
        _shapes.require_int("n", value)


def test_require_int_and_its_minimum():
    assert _shapes.require_int("n", np.int64(4), minimum=1) == 4
    with pytest.raises(ValueError, match="n must be at least 1; got 0"):
        _shapes.require_int("n", 0, minimum=1)


@pytest.mark.parametrize("value, kwargs, interval", [
    (0.0, dict(low=0.0, low_open=True), r"\(0, inf\)"),
    (1.0, dict(low=0.0, high=1.0, high_open=True), r"\[0, 1\)"),
    (-0.5, dict(low=0.0, high=1.0), r"\[0, 1\]"),
    (float("nan"), {}, r"\(-inf, inf\)"),
])
def test_require_number_says_the_interval(value, kwargs, interval):
    with pytest.raises(ValueError, match=f"lr must be a finite number in {interval}"):
        _shapes.require_number("lr", value, **kwargs)


def test_require_number_accepts_numpy_numbers_and_refuses_bools():
    assert _shapes.require_number("lr", np.float32(0.5), low=0.0) == 0.5
    with pytest.raises(TypeError, match="lr must be a number"):
        _shapes.require_number("lr", True)


def test_describe_value_gives_one_short_line_and_the_type():
    assert _shapes.describe_value("no") == "'no' (str)"
    long = _shapes.describe_value(list(range(100)))
    assert long.endswith("... (list)") and len(long) == 40 + len(" (list)")
    frame = _shapes.describe_value(np.arange(12).reshape(3, 4))
    assert "\n" not in frame and frame.endswith("(ndarray)")


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_require_bool_accepts_true_and_false(value):
    assert _shapes.require_bool("flag", value) is bool(value)


@pytest.mark.parametrize("value", ["no", 0, 1, None, "True"])
def test_require_bool_refuses_what_would_only_look_like_a_bool(value):
    with pytest.raises(TypeError, match=r"flag must be True or False; "
                                        r"got .*\(\w+\)"):
        _shapes.require_bool("flag", value)
