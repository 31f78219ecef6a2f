"""lstm_lib installs light: nothing that would replace Colab's TensorFlow, nothing heavy at import."""
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_install_requirements_are_loose_and_light():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip() for d in project["dependencies"]}
    assert names == {"numpy", "pandas", "matplotlib"}
    assert not any("==" in d for d in project["dependencies"]), "pins belong in requirements/constraints.txt"
    assert any(d.startswith("tensorflow") for d in project["optional-dependencies"]["keras"])


def test_importing_the_numpy_modules_does_not_import_tensorflow():
    code = (
        "import sys, lstm_lib, lstm_lib.lstm, lstm_lib.rnn, lstm_lib.gradcheck, lstm_lib.jacobians, "
        "lstm_lib.initializers, lstm_lib.keras_setup; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
