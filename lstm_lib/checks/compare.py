"""How a learner's output is compared with the reference's, and what a
difference is reported as.

Tolerances depend on the dtype of the case: float64 cases compare to about
1e-6 relative, float32 cases to about 1e-4 (float32 keeps about seven
digits, and a few operations each round once). A mutant, a known wrong
version, "matches" within LOOSE times the tolerance.
"""
import numpy as np

from .messages import describe, few, number

__all__ = [
    "TOLERANCE", "LOOSE", "tolerance", "mismatch", "wrong", "same",
    "arrays", "factor", "divided_by", "first_change", "problem",
    "shape_hint", "DTYPE_HINT",
]

# (rtol, atol) by float32
TOLERANCE = {False: (1e-6, 1e-9), True: (1e-4, 1e-5)}
LOOSE = 10


def tolerance(case):
    """(rtol, atol) for a case: its own, else the default for its dtype."""
    return case.tol or TOLERANCE[case.float32]


def mismatch(got, expected, rtol, atol):
    """Where got and expected differ beyond atol + rtol |expected| (nan
    agrees with nan)."""
    got, expected = got.astype(np.float64), expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(got - expected) <= atol + rtol * np.abs(expected)
    both_nan = np.isnan(got) & np.isnan(expected)
    return ~(close | (got == expected) | both_nan)


def wrong(got, expected, case):
    """Where got differs from expected beyond the case's tolerance (a
    boolean array)."""
    rtol, atol = tolerance(case)
    return mismatch(np.asarray(got), np.asarray(expected), rtol, atol)


def same(a, b, case):
    """Whether two outputs agree (loosely): used to recognise a mutant."""
    try:
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    rtol, atol = tolerance(case)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if not np.array_equal(nan_a, nan_b):
        return False
    return not mismatch(a[~nan_a], b[~nan_b], LOOSE * rtol,
                        LOOSE * atol).any()


def arrays(value):
    """The items of a list or tuple of arrays of one shape, or None."""
    if (isinstance(value, (list, tuple)) and value
            and all(isinstance(v, np.ndarray) for v in value)
            and len({v.shape for v in value}) == 1):
        return value
    return None


def factor(got, expected, case):
    """The number c with got = c * expected (c != 1), if there is one; else
    None."""
    try:
        got = np.asarray(got, dtype=np.float64)
        expected = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if got.shape != expected.shape or not np.all(np.isfinite(got)):
        return None
    size = float(np.sum(expected * expected))
    if size == 0.0:
        return None
    c = float(np.sum(got * expected)) / size
    if abs(c - 1.0) < 1e-3 or wrong(got, c * expected, case).any():
        return None
    return c


def divided_by(c, sizes):
    """The first item (words, size, ...) of sizes with c = 1 / size, or
    None."""
    return next((item for item in sizes
                 if item[1] > 1 and abs(c * item[1] - 1.0) < 1e-6), None)


def first_change(before, after, label):
    """The name of the first input array the learner changed in place, or
    None."""
    if isinstance(before, np.ndarray):
        unchanged = (isinstance(after, np.ndarray)
                     and after.shape == before.shape
                     and np.array_equal(after, before, equal_nan=True))
        return None if unchanged else label
    if isinstance(before, (tuple, list)):
        if (not isinstance(after, (tuple, list))
                or len(after) != len(before)):
            return label
        fields = getattr(before, "_fields", None)
        for k, (b, a) in enumerate(zip(before, after)):
            name = f"{label}.{fields[k]}" if fields else f"{label}[{k}]"
            found = first_change(b, a, name)
            if found:
                return found
    return None


def shape_hint(value, got, expected, out):
    """A hint for an output of shape got where expected was
    wanted, or ''."""
    items = arrays(value)
    if items is not None:
        axes = [k for k in range(len(expected))
                if np.stack(items, axis=k).shape == expected]
        how = f"np.stack(your_list, axis={axes[0]})" if axes else "np.stack"
        return (f"Return one array, not a list: {how} makes the "
                f"{len(items)} arrays one of shape {expected}.")
    if len(got) > 1 and got == expected[::-1]:
        return ("The sizes are right but in reverse order: is the array "
                "transposed?")
    if sorted(got) == sorted(expected):
        axes = f" ({out.axes})" if out.axes else ""
        return ("The sizes are right but the axes are in another order: "
                f"check which axis is which{axes}.")
    if expected and expected[-1] == 1 and got == expected[:-1]:
        return ("A last axis of size 1 is missing. Keep it, for example "
                "with [:, None], a slice such as [:, :1], or "
                "keepdims=True.")
    if got == expected + (1,):
        return "There is an extra last axis of size 1."
    if len(got) == len(expected) + 1 and got[1:] == expected:
        return (f"There is an extra first axis of size {got[0]}. A "
                "parameter is shared by every example in the batch, so its "
                "gradient sums their contributions over that axis.")
    return ""


def problem(out, got, expected, case):
    """Compare one output; return None if it agrees, else (kind, detail
    lines), kind being "type", "shape", "values" or "dtype"."""
    if got is None:
        return "type", [f"  {out.name} is None."]
    try:
        array = np.asarray(got)
    except Exception:  # a ragged list and the like
        return "type", [f"  {out.name} could not be read as an array: "
                        f"it is {describe(got)}."]
    if array.dtype.kind not in "fiub":
        return "type", [f"  {out.name} should hold numbers; it is "
                        f"{describe(got)}."]
    expected = np.asarray(expected)
    if array.shape != expected.shape:
        return "shape", _shape_lines(out, got, array, expected)
    bad = wrong(array, expected, case)
    if bad.any():
        return "values", _value_lines(out, array, expected, bad, case)
    if (out.keep_dtype and case.float32 and expected.dtype == np.float32
            and array.dtype != np.float32):
        return "dtype", [f"  The values are right, but they came back as "
                         f"{array.dtype}; every input was float32."]
    return None


def _shape_lines(out, got, array, expected):
    if out.number:
        return [f"  Expected a single number; got {describe(got)}."]
    axes = f" = {out.axes}" if out.axes else ""
    items = arrays(got)
    if items is not None:
        return [f"  Expected one array of shape {expected.shape}{axes}; "
                f"got a {type(got).__name__} of {len(items)} arrays of "
                f"shape {items[0].shape}."]
    return [f"  Expected shape {expected.shape}{axes}; got {array.shape}."]


def _value_lines(out, array, expected, bad, case):
    got64, exp64 = array.astype(np.float64), expected.astype(np.float64)
    if out.number:
        return [f"  Expected {number(exp64)}, got {number(got64)}."]
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.nan_to_num(np.abs(got64 - exp64), nan=np.inf)
    index = np.unravel_index(int(np.argmax(np.where(bad, gap, -1.0))),
                             expected.shape)
    at = (f" at index [{', '.join(str(int(i)) for i in index)}]"
          if expected.ndim else "")
    if out.locate is not None:
        at += f" ({out.locate(case, index)})"
    g, e = got64[index], exp64[index]
    lines = [f"  {int(bad.sum())} of {bad.size} values differ."]
    if np.isfinite(g):
        lines.append(f"  Largest difference {abs(g - e):.3g}{at}: expected "
                     f"{number(e)}, got {number(g)}.")
    else:
        lines.append(f"  Got {g}{at}, where {number(e)} was expected.")
    if expected.size > 1:
        label, part = _neighbours(expected.shape, index)
        lines += [f"  Expected {label}: {few(exp64[part])}",
                  f"  Yours    {label}: {few(got64[part])}"]
    return lines


def _neighbours(shape, index):
    """(label, index expression) of a few values next to index: its row, or
    a stretch of a vector."""
    squeezed = 0  # trailing axes of size 1 say nothing: look past them
    while (len(shape) - squeezed > 1
           and shape[len(shape) - squeezed - 1] == 1):
        squeezed += 1
    lead, tail = index[:len(shape) - squeezed], (0,) * squeezed
    if len(lead) > 1:
        part = (*lead[:-1], slice(None), *tail)
        words = [str(int(i)) for i in lead[:-1]] + [":"] + ["0"] * squeezed
    else:
        start = max(0, min(int(lead[0]) - 1, shape[0] - 4))
        part = (slice(start, start + 4), *tail)
        words = [f"{start}:{min(start + 4, shape[0])}"] + ["0"] * squeezed
    return f"[{', '.join(words)}]", part


DTYPE_HINT = ("NumPy keeps float32 while every array in a computation is "
              "float32. Something in your function makes float64: "
              "np.zeros(shape) or np.empty(shape) without dtype=..., a "
              "NumPy float64 number, or np.asarray(..., dtype=float). Use "
              "the input's dtype, or np.zeros_like.")
