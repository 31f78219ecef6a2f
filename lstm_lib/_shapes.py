"""Argument checks that turn a would-be broadcasting accident, a silent NaN
or a foreign object into one clear ValueError or TypeError naming the
argument, what was expected and what was given.
"""
import numpy as np


def as_float_array(name, value, copy=False):
    """Return `value` as a floating NumPy array (integers become float64).

    With copy=True the result never shares memory with `value`, so the
    caller may keep it.
    """
    if value is None:
        raise ValueError(f"{name} must hold numbers; got None")
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(
            f"{name} could not be read as a NumPy array: {exc}"
        ) from None
    if array.dtype.kind not in "fiub":
        raise ValueError(
            f"{name} must hold numbers; got an array of dtype {array.dtype}"
        )
    if array.dtype.kind != "f":
        return array.astype(np.float64)  # a new array already
    return array.copy() if copy else array


def require_shape(name, array, expected, meaning):
    """Raise unless `array.shape` matches `expected`, where None in
    `expected` matches any size.

    `meaning` names the axes, e.g. "(batch, time, input_dim)", so the
    message says what each number is for.
    """
    shape = tuple(array.shape)
    wanted = ("(" + ", ".join("any" if e is None else str(e)
                              for e in expected) + ")")
    if len(shape) != len(expected):
        raise ValueError(
            f"{name} must be a {len(expected)}-D array of shape "
            f"{meaning} = {wanted}; "
            f"got a {len(shape)}-D array of shape {shape}"
        )
    for got, want in zip(shape, expected):
        if want is not None and got != want:
            raise ValueError(f"{name} must have shape {meaning} = "
                             f"{wanted}; got shape {shape}")


def check_sequence(x, input_dim):
    """Validate an input sequence x of shape (batch, time, input_dim);
    return (x, B, T).

    Checks the shape, at least one sequence and one step, and finite
    values; the x returned is a copy, which a cache may keep without
    seeing later changes to the caller's array.
    """
    x = as_float_array("x", x, copy=True)
    require_shape("x", x, (None, None, input_dim),
                  "(batch, time, input_dim)")
    batch, steps, _ = x.shape
    if batch == 0:
        raise ValueError("x must contain at least one sequence "
                         f"(batch >= 1); got shape {x.shape}")
    if steps == 0:
        raise ValueError("x must contain at least one time step; "
                         f"got shape {x.shape}")
    require_finite("x", x)
    return x, batch, steps


def check_step(name, value, input_dim):
    """Validate the input of one step, shape (batch, input_dim); return
    (a copy, batch).
    """
    array = as_float_array(name, value, copy=True)
    require_shape(name, array, (None, input_dim), "(batch, input_dim)")
    if array.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one example "
                         f"(batch >= 1); got shape {array.shape}")
    require_finite(name, array)
    return array, array.shape[0]


def initial_state(name, value, batch, units, dtype):
    """A (batch, units) state or gradient: zeros when `value` is None,
    else a finite, checked copy.
    """
    if value is None:
        return np.zeros((batch, units), dtype=dtype)
    value = as_float_array(name, value)
    require_shape(name, value, (batch, units), "(batch, units)")
    require_finite(name, value)
    return value.astype(dtype, copy=True)


def require_cache(cache, kind, returned_by):
    """Raise a TypeError unless `cache` is a `kind` (a NamedTuple class)
    as `returned_by` says.

    e.g. require_cache(cache, LSTMCache,
                       "lstm_forward returned as its third value")
    """
    if not isinstance(cache, kind):
        if cache is None or type(cache) in (tuple, list):
            got = ("None" if cache is None
                   else f"a {type(cache).__name__} of {len(cache)}")
        else:
            got = type(cache).__name__  # e.g. another function's cache
        raise TypeError(f"cache must be the {kind.__name__} that "
                        f"{returned_by}; got {got}")
    return cache


def require_generator(name, value):
    """`value` if it is a NumPy Generator; a TypeError saying how to make
    one otherwise.

    An int seed is refused on purpose: a function given the same seed
    twice would draw the same numbers twice (a test set equal to the
    training set), while one Generator moves on.
    """
    if not isinstance(value, np.random.Generator):
        got = (f"{value!r} ({type(value).__name__})"
               if len(repr(value)) <= 40
               else f"a {type(value).__name__}")
        raise TypeError(
            f"{name} must be a NumPy Generator, made once with "
            f"{name} = np.random.default_rng(seed) "
            f"and passed to every call; got {got}"
        )
    return value


def float_dtype(name, value):
    """`value` as a floating NumPy dtype (float16, float32, float64); a
    TypeError otherwise.
    """
    try:
        dtype = np.dtype(value)
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or dtype.kind != "f":
        raise TypeError(f"{name} must be a floating type such as "
                        f"np.float64 or np.float32; got {value!r}")
    return dtype


# ------------------------------------------------ values, where they enter


def _all_finite(array):
    """np.isfinite(array).all(), quicker for the usual case: a NaN or inf
    makes the sum NaN or inf, so a finite sum proves every entry finite.
    Only a sum that overflows, or a real NaN, needs the full check."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(array.sum()):
            return True
    return bool(np.isfinite(array).all())


def require_finite(name, array):
    """Raise unless every entry of `array` is finite: a NaN or inf would
    pass through silently.
    """
    array = np.asarray(array)
    if array.dtype.kind in "fc" and not _all_finite(array):
        bad = ~np.isfinite(array)
        where = (tuple(int(i) for i in np.argwhere(bad)[0])
                 if array.ndim else ())
        raise ValueError(
            f"{name} must hold finite numbers; "
            f"it has {int(bad.sum())} NaN or inf "
            "(the first, "
            f"{(array[where] if where else array).item()}, "
            f"at index {where})"
        )
    return array


def require_int(name, value, minimum=None):
    """`value` as an int, refusing floats like 2.5, bools and anything
    below `minimum`.
    """
    if (isinstance(value, (bool, np.bool_))
            or not isinstance(value, (int, np.integer))):
        raise TypeError(f"{name} must be an integer; "
                        f"got {value!r} ({type(value).__name__})")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return int(value)


def require_number(name, value, low=None, high=None, low_open=False,
                   high_open=False):
    """`value` as a finite float inside [low, high] (or the open ends
    asked for).
    """
    if (isinstance(value, (bool, np.bool_))
            or not isinstance(value, (int, float, np.integer,
                                      np.floating))):
        raise TypeError(f"{name} must be a number; "
                        f"got {value!r} ({type(value).__name__})")
    value = float(value)
    too_low = low is not None and (value <= low if low_open
                                   else value < low)
    too_high = high is not None and (value >= high if high_open
                                     else value > high)
    if not np.isfinite(value) or too_low or too_high:
        interval = (
            ("(" if low_open or low is None else "[")
            + ("-inf" if low is None else f"{low:g}") + ", "
            + ("inf" if high is None else f"{high:g}")
            + (")" if high_open or high is None else "]")
        )
        raise ValueError(f"{name} must be a finite number in {interval}; "
                         f"got {value!r}")
    return value


def describe_value(value):
    """The first line of repr(value), cut to 40 characters, and its type:
    for messages.
    """
    text = repr(value).strip().split("\n")[0]
    return (f"{text[:37] + '...' if len(text) > 40 else text} "
            f"({type(value).__name__})")


def require_bool(name, value):
    """Refuse anything but True and False: a string like "no" would count
    as True.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name} must be True or False; got {describe_value(value)}"
        )
    return bool(value)
