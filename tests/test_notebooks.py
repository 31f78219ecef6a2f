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
