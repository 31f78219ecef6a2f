"""benchmarks/lstm_speed.py: what it computes from its timings, not how fast anything is."""
import importlib.util
import pathlib

import numpy as np
import pytest

PATH = pathlib.Path(__file__).resolve().parent.parent / "benchmarks" / "lstm_speed.py"
spec = importlib.util.spec_from_file_location("lstm_speed", PATH)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_rounds_rotate_the_order_and_time_every_function_once_per_round():
    calls = []
    functions = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    seconds = bench.interleaved_seconds(functions, rounds=3, warmup=1, pause=0)
    assert calls == list("abc") + list("abc") + list("bca") + list("cab")
    assert {name: len(s) for name, s in seconds.items()} == {"a": 3, "b": 3, "c": 3}


def test_ratios_are_taken_within_each_round():
    # a machine that slows down threefold between rounds: the per-round ratio stays 2
    seconds = {"ours": [2.0, 6.0, 4.0], "theirs": [1.0, 3.0, 2.0]}
    assert bench.ratios(seconds, "ours", "theirs") == {"median": 2.0, "min": 2.0, "max": 2.0}


def test_flops_count_the_matrix_products():
    B, T, D, H = 2, 3, 4, 5
    forward = 2 * B * T * (D * 4 * H + H * 4 * H)
    assert bench.lstm_flops((B, T, D, H), backward=False) == forward
    assert bench.lstm_flops((B, T, D, H), backward=True) == 3 * forward


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_comparison_of_the_two_numpy_lstms_reports_agreement_and_timings(dtype):
    result = bench.compare((3, 4, 2, 5), dtype, [bench.NumPyLSTM, bench.ReadableNumPyLSTM], rounds=2)
    assert result["disagreement"]["lstm_lib, readable"] < {"float32": 1e-5, "float64": 1e-13}[dtype]
    for task in ("forward", "forward_backward"):
        times = result[task]["seconds"]["lstm_lib"]
        assert 0 < times["min"] <= times["median"] <= times["max"]
        assert set(result[task]["lstm_lib_over"]) == {"lstm_lib, readable"}


def test_the_cache_size_is_what_the_forward_pass_keeps():
    B, T, D, H = 2, 50, 3, 4
    memory = bench.cache_memory((B, T, D, H))
    # float32: x beside a column of ones (T B (D + 1)), the gates (T B 4H), tanh(c_t), and copies
    # of h_seq and c_seq (T B H each)
    assert memory["cache_bytes"] == 4 * (T * B * (D + 1) + T * B * 4 * H + 3 * T * B * H + 2 * B * H)
    assert memory["peak_bytes"] >= memory["cache_bytes"]
    assert np.isfinite(memory["peak_bytes"])
