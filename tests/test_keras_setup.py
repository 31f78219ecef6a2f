"""lstm_lib.keras_setup.load_keras: Keras on the TensorFlow backend, without TensorFlow's start-up log,
oneDNN's reordered arithmetic off, and with a seed, seeded and deterministic.

The first tests put stand-ins for keras and tensorflow in sys.modules, to see what load_keras does
with the environment and whom it calls, without importing TensorFlow. The last runs the real
Keras in a fresh interpreter: the settings are read once, at TensorFlow's import, and seeding and
op determinism are global, so they must not leak into the other tests.
"""
import json
import os
import subprocess
import sys
import types

import pytest

from lstm_lib.keras_setup import load_keras

VARIABLES = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"}


@pytest.fixture
def stand_ins(monkeypatch):
    """A fake keras and a fake tensorflow that record the calls load_keras makes; neither imported yet
    as far as load_keras can tell (no 'tensorflow' in sys.modules until a test puts it there)."""
    calls = []
    keras = types.ModuleType("keras")
    keras.utils = types.SimpleNamespace(set_random_seed=lambda seed: calls.append(("set_random_seed", seed)))
    tensorflow = types.ModuleType("tensorflow")
    tensorflow.config = types.SimpleNamespace(experimental=types.SimpleNamespace(
        enable_op_determinism=lambda: calls.append(("enable_op_determinism",))))
    monkeypatch.setitem(sys.modules, "keras", keras)
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return types.SimpleNamespace(keras=keras, tensorflow=tensorflow, calls=calls)


def test_it_returns_keras(stand_ins):
    assert load_keras() is stand_ins.keras


def test_before_tensorflow_is_imported_it_sets_the_backend_and_quiets_tensorflow(stand_ins):
    load_keras()
    assert {name: os.environ.get(name) for name in VARIABLES} == VARIABLES


def test_a_setting_of_the_learners_own_is_kept(stand_ins, monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    load_keras()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"
    assert os.environ["KERAS_BACKEND"] == "tensorflow" and os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"


def test_once_tensorflow_is_imported_the_environment_is_left_alone(stand_ins, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", stand_ins.tensorflow)
    load_keras()
    assert not any(name in os.environ for name in VARIABLES)  # too late to matter: not pretended


def test_without_a_seed_nothing_is_seeded(stand_ins, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", stand_ins.tensorflow)
    load_keras()
    assert stand_ins.calls == []


def test_a_seed_seeds_everything_and_turns_on_op_determinism(stand_ins, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", stand_ins.tensorflow)
    load_keras(seed=7)
    assert stand_ins.calls == [("set_random_seed", 7), ("enable_op_determinism",)]


REAL = """
import json, os, random, sys
import numpy as np
from lstm_lib.keras_setup import load_keras

keras = load_keras(seed=7)
import tensorflow as tf
from tensorflow.python.framework import config

first = (random.random(), float(np.random.random()), tf.random.uniform([3]).numpy().tolist())
load_keras(seed=7)
again = (random.random(), float(np.random.random()), tf.random.uniform([3]).numpy().tolist())
print(json.dumps({
    "is_keras": keras is sys.modules["keras"],
    "backend": keras.backend.backend(),
    "environment": {name: os.environ.get(name) for name in %r},
    "deterministic": config.is_op_determinism_enabled(),
    "python": first[0] == random.Random(7).random(),
    "numpy": first[1] == np.random.RandomState(7).random_sample(),
    "repeats": first == again,
}))
"""


@pytest.mark.keras
def test_real_keras_in_a_fresh_interpreter(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    result = subprocess.run([sys.executable, "-c", REAL % list(VARIABLES)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"is_keras": True, "backend": "tensorflow", "environment": VARIABLES, "deterministic": True,
                    "python": True, "numpy": True, "repeats": True}
    assert "oneDNN custom operations are on" not in result.stderr  # the start-up log is quiet
