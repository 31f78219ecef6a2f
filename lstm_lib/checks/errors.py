"""What a check raises: the errors a learner sees, and two signals inside
the engine.

A learner sees CheckFailed (a check failed) or CheckCallError (the checker
was called with something that is not a function). In Jupyter and Colab
either shows as its message alone, not as a traceback through a dozen
frames of lstm_lib. Inside the engine, Failure carries a failed check's
message up to Check.run, and NotDone says the learner's code still raises
NotImplementedError.
"""
import linecache
import os
import sysconfig

__all__ = ["CheckFailed", "CheckCallError", "Failure", "NotDone"]


class _Brief:
    """Mixin: IPython shows the message, not the traceback.

    IPython (Jupyter, Colab) calls _render_traceback_ instead of printing
    the traceback. What it shows instead: the line of the learner's own
    code that raised, if the failure began there, then the message.
    str(exc) and a plain Python traceback are unchanged.
    """

    def _render_traceback_(self):
        kind = next(c.__name__ for c in type(self).__mro__
                    if c.__module__ == "builtins")
        head, *rest = str(self).split("\n")
        return [*_learner_line(self.__cause__),
                f"\x1b[0;31m{kind}\x1b[0m: {head}", *rest]


class CheckFailed(_Brief, AssertionError):
    """A check failed; str(exc) is the whole message: what is wrong, in
    which case, and a hint."""


class CheckCallError(_Brief, TypeError):
    """A checker was called with something other than a function."""


class Failure(Exception):
    """A check failed; args[0] is the message for the learner."""


class NotDone(Exception):
    """The learner's code still raises NotImplementedError; args[0] is the
    line to print."""


_NOT_LEARNERS = tuple(os.path.join(os.path.realpath(path), "") for path in {
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # lstm_lib
    *(sysconfig.get_paths()[key]
      for key in ("stdlib", "platstdlib", "purelib", "platlib")),
})


def _learner_line(exc):
    """The last line of the learner's own code in exc's traceback, as
    [place, code], or []."""
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
