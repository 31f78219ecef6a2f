"""Shape checks that turn a would-be broadcasting accident into a clear ValueError."""
import numpy as np


def as_float_array(name, value):
    """Return `value` as a floating NumPy array (integers become float64)."""
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be read as a NumPy array: {exc}") from None
    if array.dtype.kind not in "fiub":
        raise ValueError(f"{name} must hold numbers; got an array of dtype {array.dtype}")
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return array


def require_shape(name, array, expected, meaning):
    """Raise unless `array.shape` matches `expected`, where None in `expected` matches any size.

    `meaning` names the axes, e.g. "(batch, time, input_dim)", so the message says
    what each number is for.
    """
    shape = tuple(array.shape)
    wanted = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
    if len(shape) != len(expected):
        raise ValueError(
            f"{name} must be a {len(expected)}-D array of shape {meaning} = {wanted}; "
            f"got a {len(shape)}-D array of shape {shape}"
        )
    for got, want in zip(shape, expected):
        if want is not None and got != want:
            raise ValueError(f"{name} must have shape {meaning} = {wanted}; got shape {shape}")


def check_sequence(x, input_dim):
    """Validate an input sequence x of shape (batch, time, input_dim); return (x, B, T)."""
    x = as_float_array("x", x)
    require_shape("x", x, (None, None, input_dim), "(batch, time, input_dim)")
    batch, steps, _ = x.shape
    if steps == 0:
        raise ValueError(f"x must contain at least one time step; got shape {x.shape}")
    return x, batch, steps


def initial_state(name, value, batch, units, dtype):
    """A (batch, units) initial state: zeros when `value` is None, else the checked array."""
    if value is None:
        return np.zeros((batch, units), dtype=dtype)
    value = as_float_array(name, value)
    require_shape(name, value, (batch, units), "(batch, units)")
    return value.astype(dtype, copy=False)
