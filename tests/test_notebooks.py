"""Hygiene of the stored notebooks: what nbval and the book build rely on, and what a learner sees."""
import json
import pathlib
import re

import pytest

from colab_cell import TAGS, colab_cell_source  # tools/, on sys.path through pyproject.toml's pytest `pythonpath`

ROOT = pathlib.Path(__file__).resolve().parent.parent

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files():
    text = (ROOT / "_toc.yml").read_text()
    return set(re.findall(r"file:\s*(\S+)", text))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(path):
    assert str(path.relative_to(ROOT).with_suffix("")) in toc_files()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_python3_kernel(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_current_colab_cell(path):
    nb = json.loads(path.read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "".join(first["source"]) == colab_cell_source(), "run: python tools/colab_cell.py"
    assert first["metadata"].get("tags") == TAGS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_executed_in_order_without_errors_or_stderr(path):
    nb = json.loads(path.read_text())
    counts = []
    for number, cell in enumerate(nb["cells"], 1):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
            continue
        assert cell["execution_count"] is not None, f"cell {number} never executed: run make execute"
        counts.append(cell["execution_count"])
        tags = cell["metadata"].get("tags", [])
        for out in cell["outputs"]:
            if out["output_type"] == "error":
                assert "raises-exception" in tags, f"cell {number}: stored error {out['ename']}"
            assert out.get("name") != "stderr", f"cell {number}: stderr in the stored output"
    assert counts == list(range(1, len(counts) + 1)), "cells were not executed top to bottom in one run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_machine_paths_in_outputs(path):
    nb = json.loads(path.read_text())
    outputs = json.dumps([c.get("outputs", []) for c in nb["cells"]])
    for pattern in (str(ROOT), "/home/", "/root/", "/tmp/", "site-packages"):
        assert pattern not in outputs, f"{pattern!r} appears in a stored output"


def image_cells(nb):
    return [
        c for c in nb["cells"]
        if c["cell_type"] == "code" and any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_use_the_course_style_with_caption_and_alt_text(path):
    nb = json.loads(path.read_text())
    cells = image_cells(nb)
    if not cells:
        return
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert any("use_course_style()" in s for s in sources), "figures must use lstm_lib.plotting.use_course_style()"
    for cell in cells:
        meta = cell["metadata"].get("mystnb", {})
        where = "".join(cell["source"]).splitlines()[0][:60]
        assert meta.get("figure", {}).get("caption"), f"figure without a caption: {where}"
        assert meta.get("figure", {}).get("name", "").startswith("fig-"), f"figure without a label: {where}"
        assert meta.get("image", {}).get("alt"), f"figure without alt text: {where}"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("ex_")], ids=lambda p: p.name)
def test_chapters_link_the_glossary(path):
    nb = json.loads(path.read_text())
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "{term}`" in markdown, "link the first use of glossary terms with {term}"


PAGES = NOTEBOOKS + sorted((ROOT / "chapters").glob("*.md"))


def page_markdown(path):
    """The prose of a page: its Markdown cells, or the whole file for a .md page."""
    if path.suffix == ".md":
        return path.read_text()
    nb = json.loads(path.read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def reading_minutes(words):
    """200 words a minute, rounded up to whole five minutes: a slow, careful read, as a
    derivation asks for."""
    return 5 * max(1, -(-words // 1000))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_states_its_reading_time_and_prerequisites(path):
    markdown = page_markdown(path)
    head = markdown[:4000]  # the top of the page, under the learning objectives
    stated = re.search(r"\*\*Reading time:\*\* about (\d+) minutes", head)
    assert stated, "state '**Reading time:** about N minutes' at the top of the page"
    assert "**Prerequisites:**" in head, "state '**Prerequisites:**' at the top of the page"
    expected = reading_minutes(len(markdown.split()))
    assert int(stated.group(1)) == expected, (
        f"{len(markdown.split())} words of prose read in about {expected} minutes "
        f"(200 words a minute, rounded up to 5); the page says {stated.group(1)}")


READER_FILES = PAGES + sorted((ROOT / "exercises").glob("*.ipynb")) + [
    ROOT / name for name in ("intro.md", "notation.md", "glossary.md", "_includes/notation_table.md")]


@pytest.mark.parametrize("path", READER_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_points_at_lecture_decks_the_reader_does_not_have(path):
    found = re.findall(r"[^\n]{0,40}\b(?:decks?|lectures?|lecture notes|slides?)\b[^\n]{0,40}",
                       path.read_text(), flags=re.IGNORECASE)
    assert not found, f"state the fact and cite a primary source instead of: {found[:3]}"


def test_execution_joins_the_pieces_of_one_stream():
    from nbformat.v4 import new_output

    from execute_notebooks import merge_streams

    outputs = [new_output("stream", name="stdout", text="loss 0.25"),
               new_output("stream", name="stdout", text="\n"),
               new_output("stream", name="stderr", text="warning\n"),
               new_output("stream", name="stdout", text="done\n"),
               new_output("execute_result", data={"text/plain": "3"}, execution_count=1),
               new_output("stream", name="stdout", text="after\n")]
    merged = merge_streams(outputs)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "loss 0.25\n"), ("stream", "stderr", "warning\n"),
        ("stream", "stdout", "done\n"), ("execute_result", None, None),
        ("stream", "stdout", "after\n")]


def test_no_stored_output_is_split_into_pieces_of_one_stream():
    split = []
    for path in NOTEBOOKS:
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            outs = cell.get("outputs", [])
            split += [f"{path.name} cell {i}" for a, b in zip(outs, outs[1:])
                      if a["output_type"] == b["output_type"] == "stream" and a["name"] == b["name"]]
    assert not split, f"re-execute with tools/execute_notebooks.py: {split}"


FONT_SIZE = re.compile(r"""(?:fontsize|labelsize|["']size["'])\s*[=:]\s*([0-9.]+)""")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_figure_text_is_set_below_the_smallest_font(path):
    from lstm_lib.plotting import SMALLEST_FONT_PT

    nb = json.loads(path.read_text())
    small = [f"cell {i}: {m.group(0)}" for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
             for m in FONT_SIZE.finditer("".join(cell["source"])) if float(m.group(1)) < SMALLEST_FONT_PT]
    assert not small, f"text below {SMALLEST_FONT_PT} pt is too small to read on the page: {small}"
