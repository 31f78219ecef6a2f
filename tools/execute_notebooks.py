"""Execute chapter notebooks in place, storing their outputs: the only way outputs get into a notebook.

    python tools/execute_notebooks.py                 # every notebook in chapters/
    python tools/execute_notebooks.py chapters/x.ipynb

Each notebook runs in its own folder on the `python3` kernel of the environment
running this script, with the per-cell timeout from _config.yml. Timing
metadata is not recorded, and the pieces in which a busy kernel happens to flush
one stream are joined, so re-running an unchanged notebook leaves no diff.
"""
import argparse
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

from course_config import read_config

ROOT = pathlib.Path(__file__).resolve().parent.parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def cell_timeout():
    return int(read_config()["execute"]["timeout"])


def merge_streams(outputs):
    """Join consecutive outputs of the same stream (stdout or stderr) into one.

    Under load the kernel may send one print's text and its newline as two
    messages; stored as two outputs, they show as a stray blank line.
    """
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.output_type == "stream" and last is not None
                and last.output_type == "stream" and last.name == out.name):
            last.text += out.text
        else:
            merged.append(out)
    return merged


def execute(path, timeout):
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = KERNELSPEC
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    timeout = cell_timeout()
    for path in paths:
        print(f"executing {path.relative_to(ROOT) if path.is_absolute() else path}", flush=True)
        execute(path.resolve(), timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
