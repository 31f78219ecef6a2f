"""lstm_lib.source: whole functions and named regions, the one way chapters show library code."""
import pathlib
import textwrap

import nbformat
import pytest

from lstm_lib import initializers, jacobians, lstm, optim, rnn, windows
from lstm_lib.source import show_source, source_text

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

# The regions the chapters show, with the first and last line of each.
REGIONS = [
    (lstm.lstm_cell_forward, "cell-step", "z = x_t @ p.kernel", "return h_t, c_t,"),
    (rnn.rnn_backward, "bptt", "x, h0, h_seq, p = cache", "return dx, dh_next, grads"),
    (jacobians.lstm_step_jacobians, "step-blocks", "d_i = ", "dh_dc = "),
    (initializers.lstm_init, "forget-bias", "forget_bias = ", "forget_bias[:] = 1.0"),
    (windows.prepare, "split-scale-window", "train_end, validation_end = ", "last_target = "),
]


def _module(tmp_path, monkeypatch, code):
    """A module written from code, imported, so that inspect can read its source."""
    name = f"source_fixture_{len(list(tmp_path.iterdir()))}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(code))
    monkeypatch.syspath_prepend(str(tmp_path))
    return __import__(name)


@pytest.mark.parametrize("obj, region, first, last", REGIONS, ids=[r[1] for r in REGIONS])
def test_the_chapters_regions_are_found_dedented_without_anchors(obj, region, first, last):
    lines = source_text(obj, region).splitlines()
    assert lines[0].startswith(first) and lines[-1].startswith(last)
    assert not any("# region" in line or "# endregion" in line for line in lines)
    assert lines == textwrap.dedent("\n".join(lines)).splitlines()  # dedented


@pytest.mark.parametrize("obj", sorted({r[0] for r in REGIONS}, key=lambda f: f.__name__))
def test_a_whole_function_is_its_source_without_the_anchor_lines(obj):
    import inspect

    text = source_text(obj)
    kept = [line for line in inspect.getsource(obj).splitlines(keepends=True)
            if line.strip() not in ("# endregion",) and not line.strip().startswith("# region: ")]
    assert text == "".join(kept)
    assert text.startswith(f"def {obj.__name__}(")


def test_a_method_and_a_function_without_regions_are_shown_whole():
    import inspect

    assert source_text(optim.Adam.step) == inspect.getsource(optim.Adam.step)
    assert source_text(lstm.param_count).splitlines()[-1].strip() == \
        "return 4 * units * (units + input_dim + 1)"


def test_a_missing_region_is_a_value_error_naming_it_and_the_object():
    with pytest.raises(ValueError, match=r"no region 'gates' in the source of "
                       r"lstm_lib\.lstm\.lstm_cell_forward; its regions: 'cell-step'"):
        source_text(lstm.lstm_cell_forward, "gates")
    with pytest.raises(ValueError, match=r"no region 'x' .*lstm_lib\.lstm\.param_count; its regions: none"):
        source_text(lstm.param_count, "x")


def test_nested_regions_and_malformed_anchors(tmp_path, monkeypatch):
    good = _module(tmp_path, monkeypatch, """
        def f(x):
            # region: outer
            y = x + 1
            # region: inner
            if y:
                y = 2 * y
            # endregion
            # endregion
            return y
        """)
    assert source_text(good.f, "inner") == "if y:\n    y = 2 * y\n"
    assert source_text(good.f, "outer") == "y = x + 1\nif y:\n    y = 2 * y\n"
    assert "region" not in source_text(good.f)
    bad = _module(tmp_path, monkeypatch, """
        def unclosed():
            # region: a
            return 1

        def unopened():
            return 1
            # endregion

        def twice():
            # region: a
            x = 1
            # endregion
            # region: a
            return x
            # endregion
        """)
    for fn, message in [(bad.unclosed, "region 'a' has no '# endregion'"),
                        (bad.unopened, "'# endregion' without"),
                        (bad.twice, "region 'a' appears twice")]:
        with pytest.raises(ValueError, match=message):
            source_text(fn)


def test_show_source_displays_plain_text_and_highlighted_html(monkeypatch):
    pytest.importorskip("pygments")
    display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    assert show_source(lstm.lstm_cell_forward, region="cell-step") is None
    [obj] = shown
    text = source_text(lstm.lstm_cell_forward, "cell-step")
    assert repr(obj) == text
    html = obj._repr_html_()
    assert html == shown[0]._repr_html_()  # deterministic
    assert 'white-space: pre-wrap' in html and "LSTMCellCache" in html
    with pytest.raises(ValueError, match="no region"):
        show_source(lstm.lstm_cell_forward, region="gates")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapters_show_library_code_only_through_the_helper(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "getsource" not in cell.source, (path.name, cell.get("id"))
            assert "def show_source" not in cell.source, (path.name, cell.get("id"))

