"""The engine shared by every checker: run the cases, compare, diagnose, explain.

A checker describes its cases (_Case) and the outputs to compare (_Out), then hands them to
_run, which calls the learner's function on each case, compares with the reference, and on a
failure runs the mutants (known wrong versions) to name the mistake in a hint. A function that
still raises NotImplementedError is "not done yet" (_NotDone): one line printed, False returned.
A failure reaches the learner as CheckFailed, an AssertionError that a notebook shows as its
message alone, without the traceback through this package.
"""
import copy
import linecache
import os
import re
import sys
import sysconfig
import textwrap
import warnings
from typing import Callable, NamedTuple

import numpy as np

_WIDTH = 78
_ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh")
_TOLERANCE = {False: (1e-6, 1e-9), True: (1e-4, 1e-5)}  # (rtol, atol): float64, float32
_LOOSE = 10  # a mutant "matches" within ten times the tolerance


class _Case(NamedTuple):
    """One call: a description for the learner, the arguments, and how closely to compare."""

    label: str
    args: tuple
    kwargs: dict = {}
    float32: bool = False
    tol: tuple = None  # (rtol, atol) instead of the default for the dtype


class _Out(NamedTuple):
    """One output to compare, with the words that name it."""

    name: str  # "c_t"
    where: str = ""  # "the second value returned"
    axes: str = ""  # "(batch, units)"
    hint: str = ""  # said when the values are wrong and no known mistake matches
    shape_hint: str = ""  # said when the shape is wrong and nothing more precise is known
    number: bool = False  # a single number rather than an array
    keep_dtype: bool = True  # float32 in, float32 out, as the reference does
    locate: Callable = None  # (case, index) -> words for an index, e.g. "where z = 1000"


class _Brief:
    """Mixin for the errors a learner sees: IPython shows the message, not the traceback.

    IPython (Jupyter, Colab) calls _render_traceback_ instead of printing the traceback, which
    here would run through a dozen frames of lstm_lib. What it shows instead: the line of the
    learner's own code that raised, if the failure began there, then the message. str(exc) and a
    plain Python traceback are unchanged.
    """

    def _render_traceback_(self):
        kind = next(c.__name__ for c in type(self).__mro__ if c.__module__ == "builtins")
        head, *rest = str(self).split("\n")
        return [*_learner_line(self.__cause__), f"\x1b[0;31m{kind}\x1b[0m: {head}", *rest]


class CheckFailed(_Brief, AssertionError):
    """A check failed; str(exc) is the whole message: what is wrong, in which case, and a hint."""


class CheckCallError(_Brief, TypeError):
    """A checker was called with something other than a function."""


_NOT_LEARNERS = tuple(os.path.join(os.path.realpath(path), "") for path in {
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # lstm_lib
    *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")),
})


def _learner_line(exc):
    """The last line of the learner's own code in exc's traceback, as [place, code], or []."""
    found, tb = None, getattr(exc, "__traceback__", None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        theirs = not os.path.realpath(filename).startswith(_NOT_LEARNERS)
        if theirs and not filename.startswith("<frozen"):
            found = tb
        tb = tb.tb_next
    if found is None:
        return []
    code, number = found.tb_frame.f_code, found.tb_lineno
    line = linecache.getline(code.co_filename, number).strip()
    place = f"{type(exc).__name__} in {code.co_name}, line {number}"
    return [f"{place}:", f"    {line}"] if line else [f"{place}."]


class _NotDone(Exception):
    """The learner's code still raises NotImplementedError; args[0] is the line to print."""


class _Failure(Exception):
    """A check failed; args[0] is the message for the learner."""


def _say(line):
    """Print one line with a single write, so that a notebook keeps it in one output."""
    sys.stdout.write(line + "\n")


def _returned(k):
    return f"the {_ORDINAL[k]} value returned"


def _num(value):
    return f"{float(value):.4g}"


def _few(values, count=4):
    flat = np.ravel(values)
    shown = ", ".join(_num(v) for v in flat[:count])
    return f"[{shown}{', ...' if flat.size > count else ''}]"


def _describe(value):
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, (int, float, np.number)):
        return f"the number {_num(value)}"
    return f"a {type(value).__name__}"


def _listing(values):
    """'an array of shape (3, 4) and None': what each value is, in words."""
    words = [_describe(v) for v in values]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def _message(lines, hint=""):
    """The lines, each wrapped to _WIDTH with its indentation kept, then the hint."""
    text = []
    for line in lines:
        indent = line[:len(line) - len(line.lstrip())]
        text.append(textwrap.fill(line, _WIDTH, subsequent_indent=indent + "  ",
                                  break_on_hyphens=False))
    if hint:
        text.append(textwrap.fill(hint, _WIDTH, initial_indent="Hint: ", subsequent_indent="  ",
                                  break_on_hyphens=False))
    return "\n".join(text)


def _your(out):
    return "Your " + (out.name[4:] if out.name.startswith("the ") else out.name)


def _title(name, out):
    return f"{name}: {out.name}, {out.where}," if out.where else f"{name}: {out.name}"


def _unpack(name, raw, names):
    """The learner's return value as a list of len(names) items, or a _Failure that says why not."""
    listing = ", ".join(names)
    if raw is None:
        ending = "a return statement" if names[0].startswith("the ") else f"`return {listing}`"
        raise _Failure(_message(
            [f"{name} returned None."],
            f"A function without a return statement returns None: end it with {ending}.",
        ))
    if len(names) == 1:
        return [raw]
    if not isinstance(raw, (tuple, list)):
        raise _Failure(_message(
            [f"{name} returned {_describe(raw)}; it should return {len(names)} values: {listing}."]
        ))
    if len(raw) != len(names):
        raise _Failure(_message(
            [f"{name} returned {len(raw)} values; it should return {len(names)}: {listing}."]
        ))
    return list(raw)


def _not_done_line(name, fn, exc):
    """The one line printed while an exercise still raises NotImplementedError."""
    frames, tb = [], exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    own = {name, getattr(getattr(fn, "__code__", None), "co_name", name)}
    culprit = frames[-1] if frames else name
    if culprit not in own and culprit.isidentifier() and not culprit.startswith("_"):
        return (f"{name} uses {culprit}, which is not done yet: finish {culprit} first, "
                "then run this check again.")
    return (f"{name} is not done yet: replace the `raise NotImplementedError` in its cell, "
            "then run this check again.")


_GENERAL_EXCEPTION_HINTS = (
    (r"^NameError", "Your function uses a name that is not defined. If it comes from an earlier "
                    "cell, run that cell first (or run all the cells above)."),
    (r"matmul|not aligned|core dimension", "A matrix product got two arrays whose sizes do not "
                                           "fit. Print the .shape of each array in the failing "
                                           "line and compare with the shapes in the task."),
    (r"could not be broadcast", "Two arrays of different shapes were combined element by "
                                "element. Print the .shape of each array in the failing line."),
    (r"unexpected keyword|positional argument", "Keep the function's signature exactly as the "
                                                "task gives it: the checker calls it that way."),
    (r"NoneType", "A None got into a calculation: does a function you call forget to return "
                  "its result?"),
    (r"^IndexError", "An index runs past the end of an array: check the loop bounds and which "
                     "axis you index."),
)


def _exception_failure(name, exc, heading, hints=()):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > 150:
        text = text[:147] + "..."
    kind = type(exc).__name__
    lines = [f"{name} raised {kind} (see the error above).", f"  {heading}"]
    if text:
        lines.append(f"  {kind}: {text}")
    found = f"{kind}: {text}"
    hint = next((h for pattern, h in (*hints, *_GENERAL_EXCEPTION_HINTS)
                 if re.search(pattern, found)),
                "The error above points at the line of your function that failed.")
    return _Failure(_message(lines, hint))


def _call_learner(name, fn, call, args, kwargs, heading, exc_hints):
    __tracebackhide__ = True
    try:
        if call is None:
            return fn(*args, **kwargs)
        return call(fn, *args, **kwargs)
    except NotImplementedError as exc:
        raise _NotDone(_not_done_line(name, fn, exc)) from None
    except (_Failure, _NotDone):
        raise
    except Exception as exc:
        raise _exception_failure(name, exc, heading, exc_hints) from exc


def _first_change(before, after, label):
    """The name of the first input array the learner changed in place, or None."""
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True))
        return None if same else label
    if isinstance(before, (tuple, list)):
        if not isinstance(after, (tuple, list)) or len(after) != len(before):
            return label
        fields = getattr(before, "_fields", None)
        for k, (b, a) in enumerate(zip(before, after)):
            found = _first_change(b, a, f"{label}.{fields[k]}" if fields else f"{label}[{k}]")
            if found:
                return found
    return None


def _mismatch(got, expected, rtol, atol):
    got, expected = got.astype(np.float64), expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(got - expected) <= atol + rtol * np.abs(expected)
    return ~(close | (got == expected) | (np.isnan(got) & np.isnan(expected)))


def _same(a, b, case):
    """Whether two outputs agree (loosely): used to recognise a mutant."""
    try:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    rtol, atol = case.tol or _TOLERANCE[case.float32]
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if not np.array_equal(nan_a, nan_b):
        return False
    return not _mismatch(a[~nan_a], b[~nan_b], _LOOSE * rtol, _LOOSE * atol).any()


def _arrays(value):
    """The items of a list or tuple of arrays of one shape, or None."""
    if (isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value)
            and len({v.shape for v in value}) == 1):
        return value
    return None


def _wrong(got, expected, case):
    """Where got differs from expected beyond the case's tolerance (a boolean array)."""
    rtol, atol = case.tol or _TOLERANCE[case.float32]
    return _mismatch(np.asarray(got), np.asarray(expected), rtol, atol)


def _factor(got, expected, case):
    """The number c with got = c * expected (c != 1), if there is one; else None."""
    try:
        got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if got.shape != expected.shape or not np.all(np.isfinite(got)):
        return None
    size = float(np.sum(expected * expected))
    if size == 0.0:
        return None
    c = float(np.sum(got * expected)) / size
    if abs(c - 1.0) < 1e-3 or _wrong(got, c * expected, case).any():
        return None
    return c


def _divided_by(c, sizes):
    """The first item (words, size, ...) of sizes with c = 1 / size, or None."""
    return next((item for item in sizes if item[1] > 1 and abs(c * item[1] - 1.0) < 1e-6), None)


def _locals_at_return(fn, run):
    """Call run(), which calls fn; return fn's local variables as they were when it returned.

    Read with a profile hook, only to explain a failure: the names the learner gave their
    intermediate values (do, dc, dz, ...) let the hint name the first one that is wrong.
    Returns {} if fn raises or is not a plain Python function.
    """
    code, found = getattr(fn, "__code__", None), {}
    if code is None:
        return found

    def profile(frame, event, arg):
        if event == "return" and frame.f_code is code and not found:
            found.update(frame.f_locals)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run()
    except Exception:
        return {}
    finally:
        sys.setprofile(previous)
    return found


def _shape_hint(value, got, expected, out):
    items = _arrays(value)
    if items is not None:
        axes = [k for k in range(len(expected)) if np.stack(items, axis=k).shape == expected]
        how = f"np.stack(your_list, axis={axes[0]})" if axes else "np.stack"
        return (f"Return one array, not a list: {how} makes the {len(items)} arrays one of "
                f"shape {expected}.")
    if len(got) > 1 and got == expected[::-1]:
        return "The sizes are right but in reverse order: is the array transposed?"
    if sorted(got) == sorted(expected):
        axes = f" ({out.axes})" if out.axes else ""
        return f"The sizes are right but the axes are in another order: check which axis is which{axes}."
    if expected and expected[-1] == 1 and got == expected[:-1]:
        return ("A last axis of size 1 is missing. Keep it, for example with [:, None], a slice "
                "such as [:, :1], or keepdims=True.")
    if got == expected + (1,):
        return "There is an extra last axis of size 1."
    if len(got) == len(expected) + 1 and got[1:] == expected:
        return (f"There is an extra first axis of size {got[0]}. A parameter is shared by every "
                "example in the batch, so its gradient sums their contributions over that axis.")
    return ""


def _problem(out, got, expected, case):
    """Compare one output; return None if it agrees, else (kind, detail lines)."""
    if got is None:
        return "type", [f"  {out.name} is None."]
    try:
        array = np.asarray(got)
    except Exception:  # a ragged list and the like
        return "type", [f"  {out.name} could not be read as an array: it is {_describe(got)}."]
    if array.dtype.kind not in "fiub":
        return "type", [f"  {out.name} should hold numbers; it is {_describe(got)}."]
    expected = np.asarray(expected)
    if array.shape != expected.shape:
        if out.number:
            return "shape", [f"  Expected a single number; got {_describe(got)}."]
        axes = f" = {out.axes}" if out.axes else ""
        items = _arrays(got)
        if items is not None:
            return "shape", [f"  Expected one array of shape {expected.shape}{axes}; got a "
                             f"{type(got).__name__} of {len(items)} arrays of shape {items[0].shape}."]
        return "shape", [f"  Expected shape {expected.shape}{axes}; got {array.shape}."]
    rtol, atol = case.tol or _TOLERANCE[case.float32]
    bad = _mismatch(array, expected, rtol, atol)
    if bad.any():
        got64, exp64 = array.astype(np.float64), expected.astype(np.float64)
        if out.number:
            return "values", [f"  Expected {_num(exp64)}, got {_num(got64)}."]
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.where(bad, np.nan_to_num(np.abs(got64 - exp64), nan=np.inf), -1.0)
        index = np.unravel_index(int(np.argmax(diff)), expected.shape)
        at = f" at index [{', '.join(str(int(i)) for i in index)}]" if expected.ndim else ""
        if out.locate is not None:
            at += f" ({out.locate(case, index)})"
        g, e = got64[index], exp64[index]
        lines = [f"  {int(bad.sum())} of {bad.size} values differ."]
        if np.isfinite(g):
            lines.append(f"  Largest difference {abs(g - e):.3g}{at}: expected {_num(e)}, got {_num(g)}.")
        else:
            lines.append(f"  Got {g}{at}, where {_num(e)} was expected.")
        if expected.size > 1:
            label, part = _neighbours(expected.shape, index)
            lines += [f"  Expected {label}: {_few(exp64[part])}", f"  Yours    {label}: {_few(got64[part])}"]
        return "values", lines
    if (out.keep_dtype and case.float32 and expected.dtype == np.float32
            and array.dtype != np.float32):
        return "dtype", [f"  The values are right, but they came back as {array.dtype}; "
                         "every input was float32."]
    return None


def _neighbours(shape, index):
    """(label, index expression) of a few values next to index: its row, or a stretch of a vector."""
    squeezed = 0  # trailing axes of size 1 say nothing: look past them
    while len(shape) - squeezed > 1 and shape[len(shape) - squeezed - 1] == 1:
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


_DTYPE_HINT = ("NumPy keeps float32 while every array in a computation is float32. Something "
               "in your function makes float64: np.zeros(shape) or np.empty(shape) without "
               "dtype=..., a NumPy float64 number, or np.asarray(..., dtype=float). Use the "
               "input's dtype, or np.zeros_like.")


def _diagnose(case, raw, got, k, out, mutants, outputs, diagnose):
    """The hint for a failing output: a recognised mistake, else the checker's own analysis."""
    results = []
    for text, mutant in mutants:
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results.append((text, outputs(mutant(*case.args, **case.kwargs), case, "mutant")))
        except Exception:  # a mutant that cannot run on this case (shapes) is no match
            continue
    for text, values in results:  # first a mutant that matches every output
        if all(_same(g, m, case) for (_, g), (_, m) in zip(got, values)):
            return f"{_your(out)} {text}"
    for text, values in results:  # then one that matches the failing output
        if _same(got[k][1], values[k][1], case):
            return f"{_your(out)} {text}"
    return (diagnose(case, raw, got, k) or "") if diagnose is not None else ""


def _leave_nan_behind(arrays):
    """Fill with nan the memory that np.empty will hand out next for arrays like these.

    NumPy reuses freed memory and np.empty does not clear it, so an entry the learner forgets
    to fill could hold a right value that the reference left behind, and pass. Blocks of the
    expected sizes, filled with nan and freed just before the learner runs, come back first.
    """
    blocks = [np.full(a.shape, np.nan, a.dtype) for a in map(np.asarray, arrays)
              if a.dtype.kind == "f" and a.size > 1 for _ in range(4)]
    del blocks


def _check_case(name, fn, case, heading, reference, outputs, mutants, call, diagnose,
                exc_hints, arg_names, warn_hint):
    __tracebackhide__ = True
    expected = outputs(reference(*case.args, **case.kwargs), case, "reference")
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    _leave_nan_behind(value for _, value in expected)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw = _call_learner(name, fn, call, args, kwargs, heading, exc_hints)

    for k, (before, after) in enumerate(zip(case.args, args)):
        changed = _first_change(before, after, arg_names[k] if k < len(arg_names) else f"argument {k + 1}")
        if changed:
            raise _Failure(_message(
                [f"{name} changed its input {changed} in place.", f"  {heading}"],
                "The caller still needs its arrays. Compute new arrays (y = x * a) instead of "
                "changing the inputs (x *= a, x[...] = ..., or appending to a list you were given).",
            ))

    got = outputs(raw, case, name)
    for k, ((out, exp), (_, value)) in enumerate(zip(expected, got)):
        problem = _problem(out, value, exp, case)
        if problem is None:
            continue
        kind, lines = problem
        title = {"shape": "has the wrong shape.", "dtype": "has the wrong dtype."}.get(kind, "is wrong.")
        hint = ""
        if kind in ("shape", "values"):
            hint = _diagnose(case, raw, got, k, out, mutants, outputs, diagnose)
        if not hint and kind == "shape":
            hint = _shape_hint(value, np.shape(value), np.shape(exp), out) or out.shape_hint
        if not hint and kind == "dtype":
            hint = _DTYPE_HINT
        if not hint and kind == "values" and not np.all(np.isfinite(np.asarray(value, dtype=float))):
            hint = warn_hint or ("A nan or inf appears: a division by zero, an overflow, or an "
                                 "entry of np.empty(...) that was never filled (np.empty does not "
                                 "clear its memory). Print the intermediate values to find where "
                                 "it starts.")
        raise _Failure(_message([f"{_title(name, out)} {title}", f"  {heading}", *lines],
                                hint or out.hint))

    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if runtime:
        raise _Failure(_message(
            [f"{name} gave the right values, but NumPy warned: \"{runtime[0].message}\".",
             f"  {heading}"],
            warn_hint or "A warning means an intermediate value overflowed or was divided by "
                         "zero: find the line that produces it and rewrite it so it cannot.",
        ))


def _require_function(name, fn):
    if not callable(fn):
        raise CheckCallError(f"check_{name} expects your function itself, as in "
                             f"check_{name}({name}); got {_describe(fn)}")


def _run(name, fn, cases, reference, outputs, *, mutants=(), call=None, diagnose=None,
         exc_hints=(), arg_names=(), warn_hint=""):
    """Check fn on every case; print one line and return True/False, or raise CheckFailed."""
    __tracebackhide__ = True
    _require_function(name, fn)
    try:
        for number, case in enumerate(cases, 1):
            heading = f"Case {number} of {len(cases)}: {case.label}."
            _check_case(name, fn, case, heading, reference, outputs, mutants, call, diagnose,
                        exc_hints, arg_names, warn_hint)
    except _NotDone as not_done:
        _say(not_done.args[0])
        return False
    except _Failure as failure:
        raise CheckFailed(failure.args[0]) from failure.__cause__
    _say(f"{name}: all {len(cases)} checks passed.")
    return True


def _single(out):
    """outputs() for a function that returns one array or number."""
    def outputs(raw, case, name):
        if (isinstance(raw, tuple) and len(raw) > 1
                and (out.number or not all(isinstance(v, (int, float, np.number)) for v in raw))):
            what = "one number" if out.number else "one array"
            raise _Failure(_message(
                [f"{name} returned {len(raw)} values ({_listing(raw)}); it should return "
                 f"{what}, {out.name}."],
                f"Return {out.name} alone: this function returns one value, with no cache or "
                "second value beside it."))
        return [(out, _unpack(name, raw, (out.name,))[0])]
    return outputs
