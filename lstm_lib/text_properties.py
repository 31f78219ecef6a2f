"""Properties of a text, one number per character, and how well each unit
of a trained model follows one.

A character model's cells can come to track something nameable about the
text: whether it is inside maths or brackets, or how far along a line it
is. To find such a cell we compute the property at every character and
correlate it with every cell's state over the same characters; the
language-model chapter does this. Each property function takes a str of
N characters and returns a float array (N,) whose entry t describes the
text *after reading* character t, the moment the state c_t belongs to:
after a closing "$" the text is no longer inside maths, and after a
newline it is at place 0 of a new line.
"""
import numpy as np

from ._shapes import as_float_array, require_finite, require_shape

__all__ = ["inside_maths", "inside_brackets", "line_position",
           "unit_correlations"]


def _require_str(name, text):
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str; got {type(text).__name__}")
    return text


def inside_maths(text):
    """1.0 where, after reading character t, the text is inside LaTeX
    maths, $...$ or $$...$$; 0.0 elsewhere.

    An opening delimiter is inside (it has opened the maths) and a closing
    one outside. A "$$" counts as one delimiter, so "$$x$$" is display
    maths, not two empty inline formulas; both of its characters take the
    state after it. The text is taken to start outside maths.
    """
    text = _require_str("text", text)
    flags = np.zeros(len(text))
    inside, i = False, 0
    while i < len(text):
        width = 2 if text.startswith("$$", i) else int(text[i] == "$")
        if width:
            inside = not inside  # a delimiter opens or closes
        else:
            width = 1
        flags[i:i + width] = inside
        i += width
    return flags


def inside_brackets(text):
    """1.0 where, after reading character t, at least one round or
    square bracket is open; 0.0 elsewhere.

    An opening bracket is inside, and the bracket that closes the last
    open one is outside. The two kinds are counted together, so "(a]"
    closes; a closing bracket with none open is ignored.
    """
    text = _require_str("text", text)
    flags = np.zeros(len(text))
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        flags[i] = depth > 0
    return flags


def line_position(text):
    """How many characters of the current line have been read after
    reading character t: 0.0 after a newline, 1.0 after the first
    character of a line, and so on (the text's first line counts from its
    first character)."""
    text = _require_str("text", text)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(text))
    # the position of the last newline at or before each character, -1
    # for none
    newline = np.where(codes == ord("\n"), index, -1)
    last = np.maximum.accumulate(newline) if len(text) else newline
    return (index - last).astype(float) * (codes != ord("\n"))


def unit_correlations(states, prop):
    """Pearson's correlation of each unit's state with a property.

    Parameters
    ----------
    states : array (N, H), the states of H units at N characters
    prop : array (N,), the property at the same characters

    Returns
    -------
    r : array (H,) in [-1, 1]; 0.0 for a unit whose state never changes
        (it follows nothing)

    A property that never changes over the N characters cannot be
    correlated with anything, and is refused.
    """
    states = require_finite("states", as_float_array("states", states))
    prop = require_finite("prop", as_float_array("prop", prop))
    require_shape("states", states, (None, None), "(characters, units)")
    require_shape("prop", prop, (states.shape[0],), "(characters,)")
    if states.shape[0] < 2:
        raise ValueError("states must cover at least 2 characters to "
                         f"correlate; got {states.shape[0]}")
    centred_prop = prop - prop.mean()
    prop_norm = np.linalg.norm(centred_prop)
    if prop_norm == 0:
        raise ValueError("prop is the same at every character, so it "
                         "correlates with nothing; choose a passage in "
                         "which it changes")
    centred = states - states.mean(axis=0)
    norms = np.linalg.norm(centred, axis=0)
    r = np.zeros(states.shape[1])
    moving = norms > 0
    r[moving] = (centred_prop @ centred[:, moving]) / (norms[moving]
                                                       * prop_norm)
    return np.clip(r, -1.0, 1.0)  # rounding can step just past +-1
