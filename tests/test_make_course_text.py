"""tools/make_course_text.py: the clean-up that turns the course's Markdown into the language
chapter's text, on small examples, and the build's determinism."""
import make_course_text as tool

BIB = {"hochreiter1997lstm": (["Hochreiter", "Schmidhuber"], "1997"),
       "greff2017odyssey": (["Greff", "Srivastava", "Koutnik"], "2017")}


def clean(text, titles=None, headings=None):
    return tool.clean(text, titles or {}, headings or {}, BIB)


def test_roles_become_the_text_a_reader_sees():
    text = ("A {term}`gate <Gate>` and a {term}`Jacobian`, see {doc}`lstm_cell` and "
            "{ref}`flow-forget-bias`, {cite:t}`hochreiter1997lstm` {cite}`greff2017odyssey`.")
    got = clean(text, titles={"lstm_cell": "The LSTM cell"}, headings={"flow-forget-bias": "The bias"})
    assert got == ("A gate and a Jacobian, see The LSTM cell and The bias, Hochreiter and "
                   "Schmidhuber (1997) (Greff et al., 2017).")


def test_equation_references_get_their_number_on_the_page():
    text = "$$\nx = 1\n$$ (eq-one)\n\n$$\ny = 2\n$$ (eq-two)\n\nBy {eq}`eq-two` and {eq}`elsewhere`."
    got = clean(text)
    assert "By (2) and (?)." in got
    assert "(eq-one)" not in got and "(eq-two)" not in got


def test_markup_a_reader_never_sees_is_dropped_and_links_keep_their_text():
    text = (":::{admonition} Objectives\n:class: note\nKeep this.\n:::\n(a-label)=\n"
            "```{code-cell}\n```\nA [link](https://example.org) and <b>bold</b>.")
    assert clean(text) == "Keep this.\nA link and bold."


def test_normalise_maps_unicode_to_ascii_and_the_rest_to_the_placeholder():
    got = tool.normalise("a \u2212 b \u00b1 c  \n\n\n\nd \u4e2d\n")
    assert got == "a - b +/- c\n\nd " + tool.PLACEHOLDER + "\n"
    assert all(ch == "\n" or " " <= ch <= "~" for ch in got)


def test_the_build_is_deterministic():
    assert tool.build() == tool.build()
