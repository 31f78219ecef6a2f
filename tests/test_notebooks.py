"""Hygiene of the stored notebooks: what nbval and the book build rely on, and what a learner sees."""
import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from colab_cell import TAGS, colab_cell_source  # noqa: E402

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
