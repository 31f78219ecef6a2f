"""How fast is lstm_lib's NumPy LSTM on the CPU, next to Keras (TensorFlow)
and PyTorch?

    python benchmarks/lstm_speed.py                   # everything, to results.json
    python benchmarks/lstm_speed.py --quick           # a smoke run, seconds

Each implementation gets the same weights and inputs; the script first checks
that they compute the same hidden states and gradients, then times the forward
pass and the forward + backward pass. Timing is interleaved: every round runs
each implementation once, in an order that rotates, and the ratio of two
implementations is taken within a round, so a machine that speeds up or slows
down during the run affects both sides of each ratio alike. After a warm-up,
the medians and the extremes over the rounds are reported.

The loss is sum(h_seq), so the gradient reaching every hidden state is 1;
forward + backward means the gradients of the input and of all three weight
arrays. Keras runs inside tf.function (gradients from GradientTape), PyTorch
is nn.LSTM with autograd. PyTorch is optional: without it, its rows are left
out.

The JSON also describes the machine (processor, cores, BLAS and its kernel,
versions) and what it can do: the GFLOP/s of one large float32 matrix
product, against which each implementation's arithmetic rate is set.
"""
import argparse
import json
import os
import pathlib
import platform
import sys
import time
import tracemalloc

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # lstm_lib from this checkout

from lstm_lib import lstm, lstm_fast  # noqa: E402
from lstm_lib.initializers import lstm_init  # noqa: E402
from lstm_lib.lstm import LSTMParams  # noqa: E402

# (B, T, D, H): the case study's model, and a larger one
SHAPES = {"case study": (32, 60, 1, 50), "larger": (64, 100, 32, 128)}
LENGTHS = (25, 50, 100, 200, 400)  # T, at the case study's B, D, H
UNITS = (16, 32, 64, 128, 256)  # H, at the case study's B, T, D
THREADS = 2
MATMUL_SIZE = 2048  # the n x n float32 product that measures the machine
PAUSE = 0.2  # seconds of rest before each timed call (see interleaved_seconds)


# --- the three implementations -------------------------------------------


class NumPyLSTM:
    """lstm_lib.lstm_fast, the sequence functions training uses."""
    name = "lstm_lib"
    module = lstm_fast

    def __init__(self, params, x):
        self.params, self.x = params, x

    def forward(self):
        return self.module.lstm_forward(self.x, self.params)[0]

    def forward_backward(self):
        h_seq, _, cache = self.module.lstm_forward(self.x, self.params)
        dx, _, _, grads = self.module.lstm_backward(np.ones_like(h_seq),
                                                    cache)
        return h_seq, dx, grads


class ReadableNumPyLSTM(NumPyLSTM):
    """lstm_lib.lstm, the version the chapters show."""
    name = "lstm_lib, readable"
    module = lstm


class KerasLSTM:
    name = "Keras (TensorFlow)"

    def __init__(self, params, x):
        import tensorflow as tf

        from lstm_lib.keras_setup import load_keras

        keras = load_keras()
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        dtype = str(x.dtype)
        layer = keras.layers.LSTM(params.units, return_sequences=True,
                                  dtype=dtype)
        layer.build((None, None, params.input_dim))
        layer.set_weights(list(params))
        self.x = tf.constant(x)
        weights = layer.trainable_weights

        @tf.function
        def forward(x):
            return layer(x)

        @tf.function
        def forward_backward(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                h_seq = layer(x)
                loss = tf.reduce_sum(h_seq)
            dx, *grads = tape.gradient(loss, [x] + weights)
            return h_seq, dx, grads

        self._forward, self._forward_backward = forward, forward_backward

    def forward(self):
        return self._forward(self.x).numpy()

    def forward_backward(self):
        h_seq, dx, grads = self._forward_backward(self.x)
        return h_seq.numpy(), dx.numpy(), [g.numpy() for g in grads]


class TorchLSTM:
    name = "PyTorch"

    def __init__(self, params, x):
        import torch

        torch.set_num_threads(THREADS)
        self.torch = torch
        dtype = getattr(torch, str(x.dtype))
        D, H = params.input_dim, params.units
        self.lstm = torch.nn.LSTM(D, H, batch_first=True).to(dtype)
        # PyTorch keeps (4H, D) and (4H, H) with the gate blocks in the
        # order i, f, g, o: Keras' order, transposed; one bias is enough
        with torch.no_grad():
            self.lstm.weight_ih_l0.copy_(torch.from_numpy(params.kernel.T))
            self.lstm.weight_hh_l0.copy_(
                torch.from_numpy(params.recurrent_kernel.T))
            self.lstm.bias_ih_l0.copy_(torch.from_numpy(params.bias))
            self.lstm.bias_hh_l0.zero_()
        self.x = torch.from_numpy(x)

    def forward(self):
        with self.torch.no_grad():
            return self.lstm(self.x)[0].numpy()

    def forward_backward(self):
        self.lstm.zero_grad()
        x = self.x.clone().requires_grad_(True)
        h_seq = self.lstm(x)[0]
        h_seq.sum().backward()
        lstm = self.lstm
        grads = [lstm.weight_ih_l0.grad.T, lstm.weight_hh_l0.grad.T,
                 lstm.bias_ih_l0.grad]
        return (h_seq.detach().numpy(), x.grad.numpy(),
                [g.numpy() for g in grads])


def available_implementations():
    kinds = [NumPyLSTM, ReadableNumPyLSTM, KerasLSTM]
    try:
        import torch  # noqa: F401
        kinds.append(TorchLSTM)
    except ImportError:
        print("PyTorch is not installed: its rows are left out "
              "(make bench installs it)")
    return kinds


# --- set-up and agreement -------------------------------------------------


def problem(shape, dtype, seed=0):
    """Weights as Keras would draw them, non-zero biases, random inputs."""
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    p = lstm_init(units=H, input_dim=D, seed=seed)
    bias = rng.normal(0.0, 0.1, size=p.bias.shape)
    params = LSTMParams(p.kernel.astype(dtype),
                        p.recurrent_kernel.astype(dtype),
                        bias.astype(dtype))
    x = rng.normal(size=(B, T, D)).astype(dtype)
    return params, x


def disagreement(reference, other):
    """Largest difference, relative to the largest entry, over h_seq, dx
    and the three weight gradients."""
    h_ref, dx_ref, grads_ref = reference
    h, dx, grads = other
    pairs = [(h_ref, h), (dx_ref, dx)] + list(zip(grads_ref, grads))
    return max(float(np.abs(np.asarray(a, float) - np.asarray(b, float)).max()
                     / max(np.abs(np.asarray(a, float)).max(), 1e-300))
               for a, b in pairs)


# --- timing ----------------------------------------------------------------


def interleaved_seconds(functions, rounds, warmup=2, pause=PAUSE):
    """Seconds of each function in each round: {name: [s, s, ...]}.

    Each timed call starts after a pause: the thread pools of TensorFlow,
    PyTorch and OpenBLAS keep spinning for a while after a call, and would
    otherwise slow down whichever implementation runs next. OpenBLAS's
    spin the longest: on the 2-core machine of results.json, PyTorch's
    forward + backward at the larger shape took 117 ms 10 ms after
    lstm_lib's, 80 ms after 50 ms, and 28 to 30 ms after 100 ms or more
    (lstm_lib's own time did not depend on the pause), hence PAUSE.
    """
    names = list(functions)
    for _ in range(warmup):
        for name in names:
            functions[name]()
    seconds = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]  # rotate
        for name in order:
            time.sleep(pause)
            start = time.perf_counter()
            functions[name]()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def summary(values):
    values = np.asarray(values)
    return {"median": float(np.median(values)), "min": float(values.min()),
            "max": float(values.max())}


def ratios(seconds, of, to):
    """Per-round ratios of `of` to `to`: the machine's drift cancels."""
    return summary(np.asarray(seconds[of]) / np.asarray(seconds[to]))


def lstm_flops(shape, backward):
    """Multiply-adds of the matrix products, counted as 2 flops each.

    Forward: the input projection (BT x D x 4H) and the recurrent product
    (BT x H x 4H). Backward: two products of the same size for each (the
    input or state gradient, and the weight gradient).
    """
    B, T, D, H = shape
    forward = 2 * B * T * 4 * H * (D + H)
    return forward * (3 if backward else 1)


def matmul_gflops(n=2048, repeats=5):
    """GFLOP/s of one n x n float32 matrix product with NumPy's BLAS."""
    rng = np.random.default_rng(0)
    a, b = (rng.normal(size=(n, n)).astype(np.float32) for _ in range(2))
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(shape, dtype, kinds, rounds):
    """Agreement and timings of every implementation at one shape."""
    params, x = problem(shape, dtype)
    impls = {kind.name: kind(params, x) for kind in kinds}
    reference = impls["lstm_lib"].forward_backward()
    agree = {name: disagreement(reference, impl.forward_backward())
             for name, impl in impls.items() if name != "lstm_lib"}
    result = {"shape": dict(zip("BTDH", shape)), "dtype": dtype,
              "disagreement": agree}
    for task in ("forward", "forward_backward"):
        functions = {name: getattr(impl, task)
                     for name, impl in impls.items()}
        seconds = interleaved_seconds(functions, rounds)
        flops = lstm_flops(shape, task == "forward_backward")
        result[task] = {
            "seconds": {n: summary(s) for n, s in seconds.items()},
            "gflops": {n: flops / np.median(s) / 1e9
                       for n, s in seconds.items()},
            "lstm_lib_over": {n: ratios(seconds, "lstm_lib", n)
                              for n in seconds if n != "lstm_lib"},
        }
    return result


def cache_memory(shape, dtype="float32"):
    """Bytes of the cache lstm_forward keeps, and the peak of NumPy's
    allocations over a forward and backward pass (tracemalloc counts
    them)."""
    params, x = problem(shape, dtype)
    tracemalloc.start()
    h_seq, _, cache = lstm_fast.lstm_forward(x, params)
    # the gate arrays are views of one (T, B, 4H) array: count it once
    gates = {id(a.base) if a.base is not None else id(a): a.base
             if a.base is not None else a
             for a in cache if isinstance(a, np.ndarray)}
    cache_bytes = sum(a.nbytes for a in gates.values())
    lstm_fast.lstm_backward(np.ones_like(h_seq), cache)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"shape": dict(zip("BTDH", shape)), "dtype": dtype,
            "cache_bytes": cache_bytes, "peak_bytes": peak}


# --- the machine -----------------------------------------------------------


def machine():
    from threadpoolctl import threadpool_info

    model = platform.processor()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {"python": platform.python_version(),
                "numpy": np.__version__}
    for module in ("tensorflow", "keras", "torch"):
        try:
            versions[module] = __import__(module).__version__
        except ImportError:
            pass
    blas = [{k: info.get(k) for k in ("internal_api", "version",
                                       "architecture", "num_threads")}
            for info in threadpool_info() if info.get("user_api") == "blas"]
    return {"cpu": model, "cores": os.cpu_count(),
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
            "blas": blas, "versions": versions,
            "matmul_size": MATMUL_SIZE,
            "matmul_gflops_float32": matmul_gflops(MATMUL_SIZE)}


def run(quick=False):
    kinds = available_implementations()
    rounds = 3 if quick else 15
    shapes = {"case study": (4, 5, 1, 3)} if quick else SHAPES
    results = {"rounds": rounds, "threads": THREADS, "pause_seconds": PAUSE,
               "shapes": {}, "lengths": [], "units": [], "memory": []}
    for dtype in ("float32", "float64"):
        for label, shape in shapes.items():
            print(f"{label} {shape} {dtype}", flush=True)
            results["shapes"][f"{label} {dtype}"] = compare(
                shape, dtype, kinds, rounds)
    B, T, D, H = shapes["case study"]
    for steps in (LENGTHS[:2] if quick else LENGTHS):
        print(f"T = {steps}", flush=True)
        results["lengths"].append(
            compare((B, steps, D, H), "float32", kinds, rounds))
    for units in (UNITS[:2] if quick else UNITS):
        print(f"H = {units}", flush=True)
        results["units"].append(
            compare((B, T, D, units), "float32", kinds, rounds))
    for shape in (((4, 50, 1, 3),) if quick else
                  ((32, 1000, 1, 50), (64, 1000, 32, 128))):
        results["memory"].append(cache_memory(shape))
    # last: its imports of TensorFlow must come after load_keras's
    results["machine"] = machine()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny shapes and few rounds: a smoke run")
    parser.add_argument("--out", type=pathlib.Path,
                        default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    results = run(quick=args.quick)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    for key, r in results["shapes"].items():
        over = r["forward_backward"]["lstm_lib_over"]
        print(key, {n: round(v["median"], 2) for n, v in over.items()})
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
