"""The Colab path without Colab: lstm_lib from a built wheel, in a fresh environment, far from the checkout.

A notebook copied to an empty folder must run to the end offline, using the
installed package and its data snapshot, exactly as in a Colab session where
the set-up cell has installed lstm_lib from the repository.
"""
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.install


def run(*args, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args[:4]))} ... failed:\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory):
    """A new virtual environment with lstm_lib installed from a wheel (not editable)."""
    tmp = tmp_path_factory.mktemp("wheel_env")
    # build from a copy of the package sources only, so nothing else of the checkout can leak in
    source = tmp / "source"
    source.mkdir()
    for item in ("pyproject.toml", "README.md", "lstm_lib", "data"):
        copy = shutil.copytree if (ROOT / item).is_dir() else shutil.copy
        copy(ROOT / item, source / item, **({"ignore": shutil.ignore_patterns("cache", "__pycache__")} if (ROOT / item).is_dir() else {}))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", source)
    wheel = next((tmp / "dist").glob("lstm_lib-*.whl"))
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
        "-c", ROOT / "requirements" / "constraints.txt", f"{wheel}[data]", "tensorflow-cpu", "ipykernel")
    kernels = tmp / "kernels"
    run(python, "-m", "ipykernel", "install", "--prefix", kernels, "--name", "lstm-wheel")
    return python, kernels / "share" / "jupyter"


def test_the_installed_package_carries_its_snapshot(fresh_env, tmp_path):
    python, _ = fresh_env
    code = (
        "import warnings, lstm_lib, lstm_lib.data as d\n"
        "warnings.simplefilter('ignore')\n"
        "frame = d.load_prices('MSFT', offline=True)\n"
        "print(lstm_lib.__file__); print(d.snapshot_dir()); print(len(frame))\n"
        "import lstm_lib.language as language; print(len(language.load_course_text()))\n"
    )
    out = run(python, "-c", code, cwd=tmp_path).stdout.split()
    venv = str(python.parent.parent)
    assert out[0].startswith(venv) and out[1].startswith(venv), out
    assert out[2] == "7983"
    assert out[3] == str(len((ROOT / "data" / "course_text.txt").read_text(encoding="utf-8")))


def test_a_chapter_copied_anywhere_runs_offline(fresh_env, tmp_path, monkeypatch):
    _, jupyter_path = fresh_env
    notebook = tmp_path / "first_steps.ipynb"
    shutil.copy(ROOT / "chapters" / "first_steps.ipynb", notebook)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import lstm_lib\nprint(lstm_lib.__file__)"))

    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.setenv("LSTM_LIB_OFFLINE", "1")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    client = NotebookClient(nb, kernel_name="lstm-wheel", timeout=600, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError if any cell fails

    where = "".join(o.get("text", "") for o in nb.cells[-1].outputs).strip()
    assert "site-packages" in where and str(ROOT) not in where, where
