"""Shared test set-up: quiet TensorFlow, pick Keras' TensorFlow backend, seeded RNGs."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """No test reaches the internet: Python-level connections outside loopback fail at once."""
    import socket

    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                raise OSError(f"tests may not reach the internet (tried {address!r})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setenv("LSTM_LIB_OFFLINE", "1")
