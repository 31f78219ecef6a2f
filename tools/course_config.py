"""The course's settings, read from _config.yml: the one reader the other tools import.

_config.yml holds the repository (URL and branch), the book's address and the per-cell
timeout; tools/colab_cell.py, tools/execute_notebooks.py and tools/make_exercises.py take
them from here rather than each parsing the file.
"""
import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"


def read_config(path=CONFIG):
    """The settings in _config.yml (or the file at `path`), as a dict."""
    return yaml.safe_load(pathlib.Path(path).read_text())


def repository(path=CONFIG):
    """(url, branch) of the course repository, from the `repository:` section; url without a
    trailing slash, branch `main` unless set."""
    section = read_config(path)["repository"]
    return section["url"].rstrip("/"), section.get("branch", "main")
