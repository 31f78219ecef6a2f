"""Every checker, declared once: the exercise notebook it belongs to and the
right function it must accept.

    @checker("ex_activations", reference=sigmoid)
    def check_sigmoid(fn):
        ...

CHECKERS then maps "sigmoid" to Checker("sigmoid", "ex_activations",
sigmoid, check_sigmoid). The tests read it (the reference must pass its own
check, the worked solution in chapters/ex_activations.ipynb must pass, a
stub must be "not done yet"), and so does tools/make_exercises.py (every
check cell of a solution notebook calls a checker registered for that
notebook, and every checker registered for it has a check cell).
"""
import dataclasses
from typing import Callable

__all__ = ["Checker", "CHECKERS", "checker"]


@dataclasses.dataclass(frozen=True)
class Checker:
    """One checker: check_<name> checks the learner's <name>."""

    name: str  # the learner's function, "sigmoid"
    notebook: str  # its exercise notebook, chapters/<notebook>.ipynb
    reference: Callable  # a right <name>, with the learner's signature
    check: Callable  # check_<name>(fn) -> True/False, or raises CheckFailed


CHECKERS = {}


def checker(notebook, reference):
    """Register the decorated check_<name> as the checker of <name>, an
    exercise of chapters/<notebook>.ipynb that reference solves."""
    def register(check):
        name = check.__name__.removeprefix("check_")
        if name == check.__name__ or name in CHECKERS:
            raise ValueError(f"{check.__name__}: a checker is named "
                             "check_<name>, once for each <name>")
        CHECKERS[name] = Checker(name, notebook, reference, check)
        return check
    return register
