"""The words of a check: values described, messages wrapped, errors
explained.

Every checker builds its messages from these, so that all of them read
alike: lines wrapped at WIDTH with their indentation kept, then a hint.
"""
import re
import sys
import textwrap

import numpy as np

from .errors import Failure

__all__ = [
    "WIDTH", "say", "returned", "number", "few", "describe", "listing",
    "message", "unpack", "not_done_line", "exception_failure",
]

WIDTH = 78
_ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth",
            "seventh")


def say(line):
    """Print one line with a single write, so that a notebook keeps it in
    one output."""
    sys.stdout.write(line + "\n")


def returned(k):
    """'the second value returned' for k = 1."""
    return f"the {_ORDINAL[k]} value returned"


def number(value):
    """A number in four significant digits."""
    return f"{float(value):.4g}"


def few(values, count=4):
    """'[1, 2, 3, 4, ...]': the first few values of an array."""
    flat = np.ravel(values)
    shown = ", ".join(number(v) for v in flat[:count])
    return f"[{shown}{', ...' if flat.size > count else ''}]"


def describe(value):
    """What a value is, in words: 'an array of shape (3, 4)', 'None'."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, (int, float, np.number)):
        return f"the number {number(value)}"
    return f"a {type(value).__name__}"


def listing(values):
    """'an array of shape (3, 4) and None': what each value is, in words."""
    words = [describe(v) for v in values]
    if len(words) > 1:
        return ", ".join(words[:-1]) + " and " + words[-1]
    return "".join(words)


def message(lines, hint=""):
    """The lines, each wrapped to WIDTH with its indentation kept, then the
    hint."""
    text = []
    for line in lines:
        indent = line[:len(line) - len(line.lstrip())]
        text.append(textwrap.fill(line, WIDTH,
                                  subsequent_indent=indent + "  ",
                                  break_on_hyphens=False))
    if hint:
        text.append(textwrap.fill(hint, WIDTH, initial_indent="Hint: ",
                                  subsequent_indent="  ",
                                  break_on_hyphens=False))
    return "\n".join(text)


def unpack(name, raw, names):
    """The learner's return value as a list of len(names) items, or a
    Failure that says why not."""
    names_listed = ", ".join(names)
    if raw is None:
        ending = ("a return statement" if names[0].startswith("the ")
                  else f"`return {names_listed}`")
        raise Failure(message(
            [f"{name} returned None."],
            "A function without a return statement returns None: end it "
            f"with {ending}.",
        ))
    if len(names) == 1:
        return [raw]
    if not isinstance(raw, (tuple, list)):
        raise Failure(message(
            [f"{name} returned {describe(raw)}; it should return "
             f"{len(names)} values: {names_listed}."]
        ))
    if len(raw) != len(names):
        raise Failure(message(
            [f"{name} returned {len(raw)} values; it should return "
             f"{len(names)}: {names_listed}."]
        ))
    return list(raw)


def not_done_line(name, fn, exc):
    """The one line printed while an exercise still raises
    NotImplementedError."""
    frames, tb = [], exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    own = {name, getattr(getattr(fn, "__code__", None), "co_name", name)}
    culprit = frames[-1] if frames else name
    if (culprit not in own and culprit.isidentifier()
            and not culprit.startswith("_")):
        return (f"{name} uses {culprit}, which is not done yet: finish "
                f"{culprit} first, then run this check again.")
    return (f"{name} is not done yet: replace the "
            "`raise NotImplementedError` in its cell, then run "
            "this check again.")


# (pattern in "Kind: message", hint): what an exception in any exercise
# means
_GENERAL_EXCEPTION_HINTS = (
    (r"^NameError",
     "Your function uses a name that is not defined. If it comes from an "
     "earlier cell, run that cell first (or run all the cells above)."),
    (r"matmul|not aligned|core dimension",
     "A matrix product got two arrays whose sizes do not fit. Print the "
     ".shape of each array in the failing line and compare with the shapes "
     "in the task."),
    (r"could not be broadcast",
     "Two arrays of different shapes were combined element by element. "
     "Print the .shape of each array in the failing line."),
    (r"unexpected keyword|positional argument",
     "Keep the function's signature exactly as the task gives it: the "
     "checker calls it that way."),
    (r"NoneType",
     "A None got into a calculation: does a function you call forget to "
     "return its result?"),
    (r"^IndexError",
     "An index runs past the end of an array: check the loop bounds and "
     "which axis you index."),
)


def exception_failure(name, exc, heading, hints=()):
    """The Failure for an exception the learner's function raised: the
    exception, the case, and the first hint whose pattern matches."""
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
                "The error above points at the line of your function that "
                "failed.")
    return Failure(message(lines, hint))
