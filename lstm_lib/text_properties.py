"""Properties of a text, one number per character, and how well each unit
of a trained model follows one.

A character model's cells can come to track something nameable about the
text: whether it is inside maths or brackets, or how far along a line it
is. To find such a cell we compute the property at every character and
correlate it with every cell's state over the same characters; the
language-model chapter does this. Each property function takes a str of
N characters and returns a float array (N,).
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
    """1.0 at each character inside LaTeX maths, $...$ or $$...$$, the
    dollar signs included; 0.0 elsewhere.

    A "$$" counts as one delimiter, so "$$x$$" is display maths, not two
    empty inline formulas. The text is read from its first character as
    being outside maths.
    """
    text = _require_str("text", text)
    flags = np.zeros(len(text))
    inside, i = False, 0
    while i < len(text):
        width = 2 if text.startswith("$$", i) else int(text[i] == "$")
        if width:  # a delimiter: part of the maths, and it flips the state
            flags[i:i + width] = 1.0
            inside = not inside
            i += width
        else:
            flags[i] = inside
            i += 1
    return flags


def inside_brackets(text):
    """1.0 at each character inside round or square brackets, at any
    depth and the brackets included; 0.0 elsewhere.

    The two kinds are counted together, so "(a]" closes; a closing
    bracket with none open is outside and is ignored.
    """
    text = _require_str("text", text)
    flags = np.zeros(len(text))
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "(["
        flags[i] = depth > 0
        depth = max(depth - (ch in ")]"), 0)
    return flags


def line_position(text):
    """How many characters of its line come before each character: 0.0
    for the first character of a line (and for each newline that ends
    an empty line), counting from the start of the text before the
    first newline."""
    text = _require_str("text", text)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(text))
    # the index of the last newline before each character, -1 for none
    newline = np.where(codes == ord("\n"), index, -1)
    last_before = np.maximum.accumulate(np.concatenate([[-1],
                                                        newline[:-1]]))
    return (index - last_before - 1).astype(float)


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
