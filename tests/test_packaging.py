"""lstm_lib installs light: nothing that would replace Colab's TensorFlow, nothing heavy at import."""
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def project_table():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the floors run on 3.10 skips these two
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(path):
    """{name: version} of the `name==version` lines of a requirements file."""
    lines = (ROOT / path).read_text().splitlines()
    return dict(re.match(r"([\w.-]+)==(\S+)$", line).groups() for line in lines if "==" in line)


def test_install_requirements_are_loose_and_light():
    project = project_table()
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip() for d in project["dependencies"]}
    assert names == {"numpy", "pandas", "matplotlib"}
    assert not any("==" in d for d in project["dependencies"]), "pins belong in requirements/constraints.txt"
    assert any(d.startswith("tensorflow") for d in project["optional-dependencies"]["keras"])


def test_every_floor_is_the_version_make_test_floors_installs():
    project = project_table()
    declared = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    floors = dict(re.match(r"([\w.-]+)>=(\S+)$", d).groups() for d in declared)
    pinned = pins("requirements/floors.txt")
    for name, floor in floors.items():
        assert name in pinned, f"{name} has a floor in pyproject.toml but no pin in requirements/floors.txt"
        assert pinned[name].startswith(floor), f"{name}: floor {floor} in pyproject.toml, {pinned[name]} tested"


def test_importing_the_numpy_modules_does_not_import_tensorflow():
    code = (
        "import sys, lstm_lib, lstm_lib.lstm, lstm_lib.rnn, lstm_lib.gradcheck, lstm_lib.jacobians, "
        "lstm_lib.initializers, lstm_lib.keras_setup; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
