"""lstm_lib.text_properties: per-character properties of a text (of the text after reading each
character), and each unit's correlation with one.

The properties are exact (0/1 flags and integer counts), so they are compared exactly with hand
worked strings. The correlation is a handful of float64 sums over N numbers of order one, so it
agrees with np.corrcoef to about N * 2.2e-16; 1e-12 leaves a wide margin at N <= 1000.
"""
import numpy as np
import pytest

from lstm_lib import text_properties
from lstm_lib.text_properties import inside_brackets, inside_maths, line_position, unit_correlations


def flags(pattern):
    """'..##.' -> [0, 0, 1, 1, 0]: a readable way to write the expected flags."""
    return np.array([ch == "#" for ch in pattern], dtype=float)


@pytest.mark.parametrize("text, expected", [
    ("a $x$ b", "..##..."),  # the opening $ has opened the maths, the closing one has closed it
    ("$$x^2$$ y", "#####...."),  # $$ is one delimiter: display maths
    ("no maths", "........"),
    ("$a$$$b$$", "##..##.."),  # inline, then display starting right after it
    ("x $ unclosed", "..##########"),  # an unclosed formula runs to the end
    ("", ""),
])
def test_inside_maths(text, expected):
    np.testing.assert_array_equal(inside_maths(text), flags(expected))


@pytest.mark.parametrize("text, expected", [
    ("f(x) [y]", ".##..##."),
    ("((a) b)", "######."),  # nested: inside until the outer one closes
    ("a) b (c", ".....##"),  # a stray closing bracket is ignored
    ("(a]", "##."),  # the two kinds are counted together
    ("", ""),
])
def test_inside_brackets(text, expected):
    np.testing.assert_array_equal(inside_brackets(text), flags(expected))


@pytest.mark.parametrize("text, expected", [
    ("ab\ncd", [1, 2, 0, 1, 2]),
    ("\n\nx", [0, 0, 1]),  # after a newline, nothing of the new line is read yet
    ("abc", [1, 2, 3]),
    ("", []),
])
def test_line_position(text, expected):
    np.testing.assert_array_equal(line_position(text), np.array(expected, dtype=float))


def test_line_position_counts_characters_not_bytes():
    # non-ASCII characters are one place each, as str indexing counts them
    np.testing.assert_array_equal(line_position("é→\nα"), [1, 2, 0, 1])


def test_line_position_matches_a_direct_count_on_the_course_text():
    from lstm_lib.language import load_course_text
    text = load_course_text()[:5000]
    direct = [0 if text[i] == "\n" else i - text.rfind("\n", 0, i) for i in range(len(text))]
    np.testing.assert_array_equal(line_position(text), direct)


def test_the_properties_describe_the_text_after_each_character():
    # reading one more character changes the property only as that character says
    text = "see $a+b$ (and [c]) here\nnext"
    maths, brackets = inside_maths(text), inside_brackets(text)
    for t, ch in enumerate(text):
        before_m = maths[t - 1] if t else 0.0
        before_b = brackets[t - 1] if t else 0.0
        assert maths[t] == (1 - before_m if ch == "$" else before_m)
        if ch not in "()[]":
            assert brackets[t] == before_b


def test_unit_correlations_match_corrcoef():
    rng = np.random.default_rng(0)
    prop = rng.integers(0, 2, size=500).astype(float)
    states = rng.normal(size=(500, 6))
    states[:, 2] = 3.0 * prop - 1.0  # a perfect follower
    states[:, 4] = -prop + 0.1 * rng.normal(size=500)  # a close, inverted one
    r = unit_correlations(states, prop)
    expected = [np.corrcoef(states[:, j], prop)[0, 1] for j in range(6)]
    np.testing.assert_allclose(r, expected, rtol=0, atol=1e-12)
    assert r[2] == pytest.approx(1.0) and r[4] < -0.9
    assert int(np.argmax(np.abs(r))) == 2


def test_a_unit_that_never_changes_correlates_zero_without_a_warning():
    prop = np.array([0.0, 1.0, 0.0, 1.0])
    states = np.column_stack([prop, np.full(4, 0.5)])
    with np.errstate(all="raise"):
        r = unit_correlations(states, prop)
    np.testing.assert_array_equal(r, [1.0, 0.0])


@pytest.mark.parametrize("states, prop, error, phrase", [
    (np.ones((4, 2)), np.zeros(4), ValueError, "prop is the same at every character"),
    (np.ones((4, 2)), np.arange(3.0), ValueError, "prop must have shape"),
    (np.ones(4), np.arange(4.0), ValueError, "states must be a 2-D"),
    (np.ones((1, 2)), np.arange(1.0), ValueError, "at least 2 characters"),
    (np.full((4, 2), np.nan), np.arange(4.0), ValueError, "states must hold finite"),
    ([["a"]], np.arange(1.0), (TypeError, ValueError), "states"),
])
def test_unit_correlations_refuse_bad_input(states, prop, error, phrase):
    with pytest.raises(error, match=phrase):
        unit_correlations(states, prop)


@pytest.mark.parametrize("function", [inside_maths, inside_brackets, line_position])
def test_properties_refuse_what_is_not_a_str(function):
    with pytest.raises(TypeError, match="text must be a str; got bytes"):
        function(b"abc")


def test_the_public_names_are_the_documented_ones():
    assert set(text_properties.__all__) == {"inside_maths", "inside_brackets", "line_position",
                                            "unit_correlations"}
