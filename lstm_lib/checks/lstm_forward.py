"""Checkers for the LSTM forward pass, one step and a whole sequence.

Also the LSTM's known mistakes (_CELL_MISTAKES, _lstm_cell_variant) and the
case makers that the backward checkers reuse (MATMUL_HINT_LSTM, lstm_params,
cell_case).
"""
import numpy as np

from .. import lstm
from ..activations import sigmoid
from . import compare
from .engine import Case, Check, Output
from .messages import returned, unpack
from .registry import checker

__all__ = ["check_lstm_cell_forward", "check_lstm_forward"]


MATMUL_HINT_LSTM = (
    r"matmul|not aligned|core dimension",
    "A matrix product got arrays whose sizes do not fit. x_t is "
    "(batch, input_dim) and goes with kernel (input_dim, 4 units); h_prev "
    "is (batch, units) and goes with recurrent_kernel (units, 4 units). "
    "Check that kernel and recurrent_kernel are not swapped or transposed, "
    "and that each gate takes its own block of units columns.",
)


def lstm_params(rng, D, H, dtype=np.float64):
    shapes = ((D, 4 * H), (H, 4 * H), (4 * H,))
    return lstm.LSTMParams(*(rng.normal(0.0, 0.5, s).astype(dtype)
                             for s in shapes))


def _lstm_cell_variant(x, h, c, p, *, order=(0, 1, 2, 3), bias=1.0,
                       recurrent=True, swap=False, acts="sstst",
                       h_from="c_t", use_i=True, use_f=True):
    """One LSTM step with a deliberate mistake; acts: activations of i, f,
    g, o and of c_t ("-": none)."""
    kernel, recurrent_kernel, b = p
    if swap:
        kernel, recurrent_kernel = recurrent_kernel, kernel
    z = x @ kernel + (h @ recurrent_kernel if recurrent else 0) + bias * b
    H = p.units
    blocks = [z[:, k * H:(k + 1) * H] for k in range(4)]
    act = {"s": sigmoid, "t": np.tanh, "-": lambda v: v}
    i, f, g, o = (act[a](blocks[k]) for a, k in zip(acts[:4], order))
    c_t = (f * c if use_f else c) + (i * g if use_i else g)
    h_t = o * act[acts[4]](c_t if h_from == "c_t" else c)
    return h_t, c_t


_CELL_MISTAKES = [  # (hint, options of _lstm_cell_variant)
    ("matches an LSTM in which the input gate i and the forget gate f "
     "trade places. Keras keeps the gate blocks in the order i, f, c, o: "
     "check which block you read for each gate, and which gate "
     "multiplies c_prev.", dict(order=(1, 0, 2, 3))),
    ("matches an LSTM that reads the last two blocks in the order o, c. "
     "Keras' order is i, f, c, o: the candidate values come from the "
     "third block, the output gate from the fourth.",
     dict(order=(0, 1, 3, 2))),
    ("matches an LSTM without the bias.", dict(bias=0.0)),
    ("matches an LSTM that adds the bias twice.", dict(bias=2.0)),
    ("matches an LSTM without the recurrent term: h_prev enters every "
     "gate through recurrent_kernel.", dict(recurrent=False)),
    ("matches an LSTM with kernel and recurrent_kernel swapped: x_t goes "
     "with kernel, h_prev with recurrent_kernel.", dict(swap=True)),
    ("matches an LSTM whose candidate values g use the sigmoid. The "
     "candidate is a tanh, in (-1, 1), so that it can also lower the cell "
     "state.", dict(acts="sssst")),
    ("matches an LSTM that squashes c_t with the sigmoid before "
     "the output gate; the hidden state uses "
     "tanh(c_t), in (-1, 1).", dict(acts="sstss")),
    ("matches an LSTM whose gates i, f and o use tanh. Gates are "
     "sigmoids: numbers in (0, 1) that say how much passes.",
     dict(acts="ttttt")),
    ("matches an LSTM whose input gate i uses tanh; a gate is a sigmoid, "
     "in (0, 1).", dict(acts="tstst")),
    ("matches an LSTM whose forget gate f uses tanh; a gate is a "
     "sigmoid, in (0, 1).", dict(acts="sttst")),
    ("matches an LSTM whose output gate o uses tanh; a gate is a "
     "sigmoid, in (0, 1).", dict(acts="ssttt")),
    ("matches h_t = o * c_t: the cell state goes through tanh before the "
     "output gate scales it.", dict(acts="ssts-")),
    ("matches an LSTM whose h_t uses c_prev, the old cell state; h_t "
     "comes from the new one, c_t.", dict(h_from="c_prev")),
    ("matches c_t = f * c_prev + g: the input gate i, which scales the "
     "candidate g, is missing.", dict(use_i=False)),
    ("matches c_t = c_prev + i * g: the forget gate f, which scales "
     "c_prev, is missing.", dict(use_f=False)),
]


def cell_case(rng, B, D, H, dtype=np.float64, zero_state=False):
    p = lstm_params(rng, D, H, dtype)
    x = rng.normal(size=(B, D)).astype(dtype)
    h = (np.zeros((B, H), dtype) if zero_state
         else rng.normal(0.0, 0.5, (B, H)).astype(dtype))
    c = (np.zeros((B, H), dtype) if zero_state
         else rng.normal(0.0, 1.0, (B, H)).astype(dtype))
    return x, h, c, p


def _state_outputs(names, axes, c_hint, h_hint):
    """outputs() for (h, c, cache) functions: compare the cell state
    first, it feeds h."""
    h_name, c_name, _ = names

    def outputs(raw, case, name):
        h, c, _ = unpack(name, raw, names)
        return [(Output(c_name, returned(1), axes, c_hint), c),
                (Output(h_name, returned(0), axes, h_hint), h)]
    return outputs


@checker("ex_lstm", reference=lstm.lstm_cell_forward)
def check_lstm_cell_forward(fn):
    """Check lstm_cell_forward(x_t, h_prev, c_prev, params) ->
    (h_t, c_t, cache); the cache is yours."""
    __tracebackhide__ = True
    rng = np.random.default_rng(40)
    cases = [
        Case("batch 3, 2 features, 5 units; random weights and bias, "
             "non-zero h_prev and c_prev", cell_case(rng, 3, 2, 5)),
        Case("batch 1, 1 feature, 1 unit", cell_case(rng, 1, 1, 1)),
        Case("batch 2, 4 features, 4 units (as many features as units)",
             cell_case(rng, 2, 4, 4)),
        Case("batch 4, 3 features, 2 units, every array float32",
             cell_case(rng, 4, 3, 2, np.float32), float32=True),
        Case("batch 2, 3 features, 2 units, h_prev and c_prev all zeros "
             "(a first step)", cell_case(rng, 2, 3, 2, zero_state=True)),
    ]
    mutants = [(hint, (lambda o: lambda x, h, c, p:
                       (*_lstm_cell_variant(x, h, c, p, **o), None))(opts))
               for hint, opts in _CELL_MISTAKES]
    outputs = _state_outputs(
        ("h_t", "c_t", "cache"), "(batch, units)",
        "Check c_t = f * c_prev + i * g, and each of the four gates, each "
        "from its own block of z.",
        "c_t is right, so look at h_t = o * tanh(c_t) and the output "
        "gate o.",
    )
    return Check("lstm_cell_forward", cases, lstm.lstm_cell_forward,
                 outputs, mutants=mutants, exc_hints=(MATMUL_HINT_LSTM,),
                 arg_names=("x_t", "h_prev", "c_prev", "params")).run(fn)


def _lstm_sequence_variant(x, p, h0=None, c0=None, *, carry=(True, True),
                           use_initial=True, store_before=False, **cell):
    B, T, _ = x.shape
    H, dtype = p.units, np.result_type(x, p.dtype)
    zeros = np.zeros((B, H), dtype)
    h_init = h0 if h0 is not None and use_initial else zeros
    c_init = c0 if c0 is not None and use_initial else zeros
    h, c = h_init, c_init
    h_seq, c_seq = np.empty((B, T, H), dtype), np.empty((B, T, H), dtype)
    for t in range(T):
        h_new, c_new = _lstm_cell_variant(x[:, t], h, c, p, **cell)
        h_seq[:, t], c_seq[:, t] = ((h, c) if store_before
                                    else (h_new, c_new))
        h = h_new if carry[0] else h_init
        c = c_new if carry[1] else c_init
    return h_seq, c_seq, None


def _sequence_case(rng, label, B, T, D, H, dtype=np.float64, initial=True):
    p = lstm_params(rng, D, H, dtype)
    x = rng.normal(size=(B, T, D)).astype(dtype)
    if not initial:
        return Case(label, (x, p), float32=dtype == np.float32)
    h0 = rng.normal(0.0, 0.5, (B, H)).astype(dtype)
    c0 = rng.normal(0.0, 1.0, (B, H)).astype(dtype)
    return Case(label, (x, p, h0, c0), float32=dtype == np.float32)


def _steps_diagnosis(case, raw, got, k):
    """Which time steps of a wrong c_seq or h_seq are wrong, when that says
    what to look at."""
    out, value = got[k]
    expected = lstm.lstm_forward(*case.args)[
        1 if out.name == "c_seq" else 0]
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    if value.shape != expected.shape:
        return ""
    T = expected.shape[1]
    bad = [bool(compare.wrong(value[:, t], expected[:, t], case).any())
           for t in range(T)]
    first = bad.index(True) if any(bad) else 0
    if first == 0 or not all(bad[first:]):
        return ""
    if first == T - 1:
        return (f"Your {out.name} is right at every step but the last, "
                f"step {T - 1}, which your loop never fills: it stops one "
                "step early. np.empty leaves whatever was in memory (nan, "
                "or any number); range(T) runs t over 0, 1, ..., T - 1.")
    return (f"Your {out.name} is right for steps 0 to {first - 1} and "
            f"wrong from step {first} on: check that your loop reaches "
            f"step {first}, and the state that step starts from, the h and "
            "c that the step before produced.")


@checker("ex_lstm", reference=lstm.lstm_forward)
def check_lstm_forward(fn):
    """Check lstm_forward(x, params, h0=None, c0=None) -> (h_seq, c_seq,
    cache); the cache is yours."""
    __tracebackhide__ = True
    rng = np.random.default_rng(50)
    cases = [
        _sequence_case(rng, "batch 3, 4 time steps, 2 features, 5 units, "
                            "non-zero h0 and c0", 3, 4, 2, 5),
        _sequence_case(rng, "batch 1, 1 time step, 1 feature, 1 unit, "
                            "h0 and c0 not given",
                       1, 1, 1, 1, initial=False),
        _sequence_case(rng, "batch 2, 6 time steps, 4 features, 4 units, "
                            "h0 and c0 not given",
                       2, 6, 4, 4, initial=False),
        _sequence_case(rng, "batch 2, 3 time steps, 3 features, 2 units, "
                            "every array float32, with h0 and c0",
                       2, 3, 3, 2, np.float32),
    ]
    def sequence(opts):
        return lambda x, p, h0=None, c0=None: _lstm_sequence_variant(
            x, p, h0, c0, **opts)

    mutants = [(hint, sequence(opts)) for hint, opts in _CELL_MISTAKES] + [
        ("matches an LSTM that starts every step from the initial state: "
         "each step must start from the h and c that the step before "
         "produced.", sequence(dict(carry=(False, False)))),
        ("matches an LSTM that passes h from step to step but not c: the "
         "cell state, the long-term memory, must be passed on too.",
         sequence(dict(carry=(True, False)))),
        ("matches an LSTM that passes c from step to step but not h: the "
         "hidden state must be passed on too.",
         sequence(dict(carry=(False, True)))),
        ("matches an LSTM that ignores h0 and c0 and starts from zeros: "
         "use them when they are given.",
         sequence(dict(use_initial=False))),
        ("matches storing each step's state before the update: "
         "h_seq[:, t] and c_seq[:, t] hold the state after step t.",
         sequence(dict(store_before=True))),
    ]
    outputs = _state_outputs(
        ("h_seq", "c_seq", "cache"), "(batch, time, units)",
        "Check the loop over time: which state each step starts from and "
        "what it stores, and the step itself (check_lstm_cell_forward).",
        "c_seq is right, so look at how h_t is computed from c_t, and what "
        "is stored in h_seq.",
    )
    return Check("lstm_forward", cases, lstm.lstm_forward, outputs,
                 mutants=mutants, diagnose=_steps_diagnosis,
                 exc_hints=(MATMUL_HINT_LSTM,),
                 arg_names=("x", "params", "h0", "c0")).run(fn)
