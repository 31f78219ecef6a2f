"""The engine shared by every checker: run the cases, compare, diagnose.

A checker describes one check as a Check: its cases (Case), the reference
function, and how to read the outputs to compare (Output). Check.run calls
the learner's function on each case, compares with the reference, and on a
failure runs the mutants (known wrong versions) to name the mistake in a
hint. A function that still raises NotImplementedError is "not done yet":
one line printed, False returned. A failure reaches the learner as
CheckFailed, which a notebook shows as its message alone.

    check = Check("sigmoid", cases, reference=sigmoid,
                  outputs=single_output(Output("the result")))
    check.run(learners_sigmoid)   # True, False, or raises CheckFailed
"""
import copy
import dataclasses
import sys
import warnings
from typing import Callable, NamedTuple, Optional, Sequence

import numpy as np

from .compare import (
    DTYPE_HINT, first_change, problem, same, shape_hint,
)
from .errors import CheckCallError, CheckFailed, Failure, NotDone
from .messages import (
    describe, exception_failure, listing, message, not_done_line, say,
    unpack,
)

__all__ = ["Case", "Output", "Check", "single_output", "locals_at_return"]


class Case(NamedTuple):
    """One call: a description for the learner, the arguments, and how
    closely to compare."""

    label: str
    args: tuple
    kwargs: dict = {}
    float32: bool = False
    tol: tuple = None  # (rtol, atol) instead of the default for the dtype


class Output(NamedTuple):
    """One output to compare, with the words that name it."""

    name: str  # "c_t"
    where: str = ""  # "the second value returned"
    axes: str = ""  # "(batch, units)"
    hint: str = ""  # said when the values are wrong and no mistake matches
    # said when the shape is wrong, failing a better one
    shape_hint: str = ""
    number: bool = False  # a single number rather than an array
    # float32 in, float32 out, as the reference does
    keep_dtype: bool = True
    locate: Callable = None  # (case, index) -> words, e.g. "where z = 1000"


_NAN_HINT = ("A nan or inf appears: a division by zero, an overflow, or an "
             "entry of np.empty(...) that was never filled (np.empty does "
             "not clear its memory). Print the intermediate values to find "
             "where it starts.")
_WARNING_HINT = ("A warning means an intermediate value overflowed or was "
                 "divided by zero: find the line that produces it and "
                 "rewrite it so it cannot.")
_IN_PLACE_HINT = ("The caller still needs its arrays. Compute new arrays "
                  "(y = x * a) instead of changing the inputs (x *= a, "
                  "x[...] = ..., or appending to a list you were given).")


@dataclasses.dataclass(frozen=True)
class Check:
    """One check of a learner's function against a reference.

    name       the learner's function, as the messages name it
    cases      the calls to make, in order
    reference  the right function; same arguments as the learner's
    outputs    (raw, case, name) -> [(Output, value), ...]: the return value
               split into the outputs to compare; may raise Failure
    mutants    (words, function): known mistakes; when the learner's output
               equals a mutant's, the hint is "Your <output> <words>"
    call       (fn, *args, **kwargs) -> raw, to call fn some other way
    diagnose   (case, raw, got, k) -> hint for output k, when no mutant
               matches
    exc_hints  (pattern, hint) for exceptions, before the general ones
    arg_names  the names of the positional arguments, for the messages
    warn_hint  said when NumPy warns (or a nan appears)
    """

    name: str
    cases: Sequence[Case]
    reference: Optional[Callable] = None
    outputs: Optional[Callable] = None
    mutants: Sequence = ()
    call: Optional[Callable] = None
    diagnose: Optional[Callable] = None
    exc_hints: Sequence = ()
    arg_names: Sequence[str] = ()
    warn_hint: str = ""

    def run(self, fn):
        """Check fn on every case; print one line and return True/False, or
        raise CheckFailed."""
        __tracebackhide__ = True
        if not callable(fn):
            raise CheckCallError(
                f"check_{self.name} expects your function itself, as in "
                f"check_{self.name}({self.name}); got {describe(fn)}")
        count = len(self.cases)
        try:
            for number, case in enumerate(self.cases, 1):
                heading = f"Case {number} of {count}: {case.label}."
                self.check_case(fn, case, heading)
        except NotDone as not_done:
            say(not_done.args[0])
            return False
        except Failure as failure:
            raise CheckFailed(failure.args[0]) from failure.__cause__
        say(self.passed())
        return True

    def passed(self):
        """The line printed when every case agrees."""
        return f"{self.name}: all {len(self.cases)} checks passed."

    def call_learner(self, fn, args, kwargs, heading):
        """fn's result on args; NotDone or Failure if it raises."""
        __tracebackhide__ = True
        try:
            if self.call is None:
                return fn(*args, **kwargs)
            return self.call(fn, *args, **kwargs)
        except NotImplementedError as exc:
            raise NotDone(not_done_line(self.name, fn, exc)) from None
        except (Failure, NotDone):
            raise
        except Exception as exc:
            raise exception_failure(self.name, exc, heading,
                                    self.exc_hints) from exc

    def check_case(self, fn, case, heading):
        """Run fn on one case and compare; raise Failure on a difference."""
        __tracebackhide__ = True
        name = self.name
        expected = self.outputs(self.reference(*case.args, **case.kwargs),
                                case, "reference")
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        _leave_nan_behind(value for _, value in expected)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            raw = self.call_learner(fn, args, kwargs, heading)
        self._check_inputs_unchanged(case, args, heading)

        got = self.outputs(raw, case, name)
        for k, ((out, exp), (_, value)) in enumerate(zip(expected, got)):
            found = problem(out, value, exp, case)
            if found is None:
                continue
            kind, lines = found
            title = {"shape": "has the wrong shape.",
                     "dtype": "has the wrong dtype."}.get(kind, "is wrong.")
            hint = self._hint(kind, case, raw, got, k, out, exp)
            raise Failure(message([f"{_title(name, out)} {title}",
                                   f"  {heading}", *lines],
                                  hint or out.hint))

        runtime = [w for w in caught
                   if issubclass(w.category, RuntimeWarning)]
        if runtime:
            raise Failure(message(
                [f"{name} gave the right values, but NumPy warned: "
                 f"\"{runtime[0].message}\".", f"  {heading}"],
                self.warn_hint or _WARNING_HINT))

    def _check_inputs_unchanged(self, case, args, heading):
        for k, (before, after) in enumerate(zip(case.args, args)):
            label = (self.arg_names[k] if k < len(self.arg_names)
                     else f"argument {k + 1}")
            changed = first_change(before, after, label)
            if changed:
                raise Failure(message(
                    [f"{self.name} changed its input {changed} in place.",
                     f"  {heading}"], _IN_PLACE_HINT))

    def _hint(self, kind, case, raw, got, k, out, expected):
        """The hint for output k (out), which has a problem of this kind."""
        hint, value = "", got[k][1]
        if kind in ("shape", "values"):
            hint = self._diagnose(case, raw, got, k, out)
        if not hint and kind == "shape":
            hint = (shape_hint(value, np.shape(value),
                               np.shape(expected), out)
                    or out.shape_hint)
        if not hint and kind == "dtype":
            hint = DTYPE_HINT
        if (not hint and kind == "values" and not np.all(
                np.isfinite(np.asarray(value, dtype=float)))):
            hint = self.warn_hint or _NAN_HINT
        return hint

    def _diagnose(self, case, raw, got, k, out):
        """A recognised mistake, else the checker's own analysis."""
        results = []
        for text, mutant in self.mutants:
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    value = mutant(*case.args, **case.kwargs)
                    results.append(
                        (text, self.outputs(value, case, "mutant")))
            except Exception:  # a mutant that cannot run on this case
                continue
        for text, values in results:  # first a mutant matching every output
            if all(same(g, m, case) for (_, g), (_, m) in zip(got, values)):
                return f"{_your(out)} {text}"
        for text, values in results:  # then one matching the failing output
            if same(got[k][1], values[k][1], case):
                return f"{_your(out)} {text}"
        if self.diagnose is None:
            return ""
        return self.diagnose(case, raw, got, k) or ""


def _your(out):
    return "Your " + (out.name[4:] if out.name.startswith("the ")
                      else out.name)


def _title(name, out):
    if out.where:
        return f"{name}: {out.name}, {out.where},"
    return f"{name}: {out.name}"


def _leave_nan_behind(arrays):
    """Fill with nan the memory that np.empty will hand out next for arrays
    like these.

    NumPy reuses freed memory and np.empty does not clear it, so an entry
    the learner forgets to fill could hold a right value that the reference
    left behind, and pass. Blocks of the expected sizes, filled with nan and
    freed just before the learner runs, come back first.
    """
    blocks = [np.full(a.shape, np.nan, a.dtype)
              for a in map(np.asarray, arrays)
              if a.dtype.kind == "f" and a.size > 1 for _ in range(4)]
    del blocks


def single_output(out):
    """outputs() for a function that returns one array or number."""
    def outputs(raw, case, name):
        if isinstance(raw, tuple) and len(raw) > 1 and (
                out.number or not all(isinstance(v, (int, float, np.number))
                                      for v in raw)):
            what = "one number" if out.number else "one array"
            raise Failure(message(
                [f"{name} returned {len(raw)} values ({listing(raw)}); it "
                 f"should return {what}, {out.name}."],
                f"Return {out.name} alone: this function returns one "
                "value, with no cache or second value beside it."))
        return [(out, unpack(name, raw, (out.name,))[0])]
    return outputs


def locals_at_return(fn, run):
    """Call run(), which calls fn; return fn's local variables as they were
    when it returned.

    Read with a profile hook, only to explain a failure: the names the
    learner gave their intermediate values (do, dc, dz, ...) let the hint
    name the first one that is wrong. Returns {} if fn raises or is not a
    plain Python function.
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
