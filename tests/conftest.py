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
    """No test reaches the internet: connections and name lookups outside loopback fail at once.

    Returns the list of what was stopped, for a test that wants to see the guard at work.
    """
    import socket

    blocked = []

    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                blocked.append(address)
                raise OSError(f"tests may not reach the internet (tried {address!r})")
        return real_connect(self, address)

    real_getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host, *args, **kwargs):
        # a name lookup is itself a query that leaves the machine
        if isinstance(host, bytes):
            host = host.decode()
        if host is not None and not (str(host).startswith("127.") or host in ("localhost", "::1", "")):
            blocked.append(host)
            raise socket.gaierror(f"tests may not reach the internet (looked up {host!r})")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    # yfinance talks through curl_cffi, whose libcurl opens sockets in C, below Python's socket
    # module: stop it at the transfer itself.
    try:
        from curl_cffi.curl import Curl
    except ImportError:
        pass
    else:
        def no_transfer(self, *args, **kwargs):
            blocked.append("curl_cffi transfer")
            raise OSError("tests may not reach the internet (curl_cffi transfer)")

        monkeypatch.setattr(Curl, "perform", no_transfer)
    monkeypatch.setenv("LSTM_LIB_OFFLINE", "1")
    return blocked
