"""The first code cell of every notebook: in Colab, install lstm_lib from the course repository.

    python tools/colab_cell.py                       # every notebook in chapters/
    python tools/colab_cell.py chapters/x.ipynb      # only the notebooks named

The repository URL and branch are read from _config.yml, the one place they are
set. The cell is hidden on the site (remove-cell) and skipped by nbval
(nbval-skip); outside Colab it does nothing.
"""
import pathlib
import sys

import nbformat

from course_config import CONFIG, repository

ROOT = pathlib.Path(__file__).resolve().parent.parent
TAGS = ["remove-cell", "nbval-skip"]
MARKER = "# Colab set-up"


def colab_cell_source(config_path=CONFIG):
    url, branch = repository(config_path)
    return (
        f"{MARKER}: installs lstm_lib (with its data snapshot) when this notebook runs in Google Colab.\n"
        "# Elsewhere it does nothing: run `make book` or `pip install -e .` from the repository instead.\n"
        "import importlib.util, subprocess, sys\n"
        'if "google.colab" in sys.modules and importlib.util.find_spec("lstm_lib") is None:\n'
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "lstm_lib[data] @ git+{url}@{branch}"], check=True)'
    )


def is_colab_cell(cell):
    return cell.cell_type == "code" and cell.source.startswith(MARKER)


def sync(path, source):
    """Make the notebook's first code cell the Colab cell; return True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first_code is not None and is_colab_cell(first_code):
        if first_code.source == source and first_code.metadata.get("tags") == TAGS:
            return False
        first_code.source, first_code.metadata["tags"] = source, list(TAGS)
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)})
        cell.execution_count = None
        nb.cells.insert(0, cell)
    nbformat.write(nb, path)
    return True


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    source = colab_cell_source()
    paths = [pathlib.Path(a).resolve() for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        if sync(path, source):
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
