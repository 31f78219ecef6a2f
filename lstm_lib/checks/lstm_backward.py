"""Checkers for the LSTM backward pass, one step and a whole sequence.

The cache comes from the learner's own forward function, so its layout can
be their design; the gradients are compared with lstm_lib's.
"""
import copy

import numpy as np

from .. import lstm
from . import compare
from .engine import Case, Check, Output, locals_at_return
from .errors import Failure, NotDone
from .lstm_forward import MATMUL_HINT_LSTM, cell_case, lstm_params
from .messages import describe, message, not_done_line, returned, unpack
from .registry import checker

__all__ = ["check_lstm_cell_backward", "check_lstm_backward"]


def _gate_backward(dh, dc, c_prev, i, f, g, o, tanh_c, *, sig="s(1-s)",
                   tanh_g=True, tanh_c_grad=True, use_dc=True,
                   f_factor=True, order=(0, 1, 2, 3), do_tanh=True):
    """One step of the chain rule, optionally with a deliberate mistake;
    returns dz, dc_prev."""
    do = dh * (tanh_c if do_tanh
               else f * c_prev + i * g)  # the mistake: c_t itself
    dc = ((dc if use_dc else 0)
          + dh * o * ((1 - tanh_c ** 2) if tanh_c_grad else 1))
    df, di, dg = dc * c_prev, dc * g, dc * i
    ds = {"s(1-s)": lambda s: s * (1 - s), "none": lambda s: 1,
          "1-s^2": lambda s: 1 - s * s,
          "s(s-1)": lambda s: s * (s - 1)}[sig]
    blocks = [di * ds(i), df * ds(f), dg * ((1 - g ** 2) if tanh_g else 1),
              do * ds(o)]
    dz = np.concatenate([blocks[k] for k in order], axis=1)
    return dz, (dc * f if f_factor else dc)


_GATE_MISTAKES = [
    ("matches a backward pass without the sigmoid's derivative for the "
     "gates i, f and o: each gate's gradient is multiplied by s (1 - s), "
     "s being the gate's value, on its way back to z.",
     dict(sig="none")),
    ("matches a backward pass that multiplies the gates' gradients by "
     "1 - s^2, which is tanh's derivative; the gates are sigmoids.",
     dict(sig="1-s^2")),
    ("matches a backward pass that writes the sigmoid's derivative "
     "s (s - 1), which is -s (1 - s): the sigmoid rises everywhere, so "
     "its derivative s (1 - s) is positive. Each gate's block of dz is "
     "its gradient times s (1 - s).", dict(sig="s(s-1)")),
    ("matches a backward pass with do = dh_t * c_t; "
     "h_t = o * tanh(c_t), so the output gate's gradient is "
     "do = dh_t * tanh(c_t).", dict(do_tanh=False)),
    ("matches a backward pass without tanh's derivative for the "
     "candidate g: its gradient is multiplied by 1 - g^2 on its way back "
     "to z.", dict(tanh_g=False)),
    ("matches a backward pass without tanh's derivative on the path "
     "from h_t into c_t: h_t = o * tanh(c_t), so that path carries a "
     "factor 1 - tanh(c_t)^2.", dict(tanh_c_grad=False)),
    ("matches dc_prev without the forget gate: c_prev reaches c_t "
     "multiplied by f.", dict(f_factor=False)),
    ("matches a dz whose i and f blocks trade places: the gradient blocks "
     "go in the same order as the gates, i, f, c, o.",
     dict(order=(1, 0, 2, 3))),
    ("matches a dz whose last two blocks are in the order o, c; the "
     "gradient blocks go in the same order as the gates, i, f, c, o.",
     dict(order=(0, 1, 3, 2))),
]


_SHAPE_HINT = ("Print the .shape of every gradient you make: each has the "
               "shape of the variable it belongs to.")


def _grad_outputs(names, axes, hint):
    """outputs() for backward functions: three gradients, then grads split
    into its three arrays."""
    def outputs(raw, case, name):
        *first, grads = unpack(name, raw, names)
        if not isinstance(grads, (tuple, list)) or len(grads) != 3:
            raise Failure(message([
                f"{name}: grads, the fourth value returned, should hold "
                "three arrays, the gradients of kernel, recurrent_kernel "
                "and bias (as LSTMParams does); it is "
                f"{describe(grads)}."]))
        items = [(Output(n, returned(k), a, hint, _SHAPE_HINT), v)
                 for k, (n, a, v) in enumerate(zip(names, axes, first))]
        weights = (("kernel", "(input_dim, 4 * units)"),
                   ("recurrent_kernel", "(units, 4 * units)"),
                   ("bias", "(4 * units,)"))
        items += [(Output(f"grads.{w}", "in the fourth value returned", a,
                          hint, _SHAPE_HINT), v)
                  for (w, a), v in zip(weights, grads)]
        return items
    return outputs


def _words(names):
    """'do, dc and di'."""
    return (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1
            else names[0])


def _factor_hint(output, right, case, sizes):
    """A hint when output (name, value) is the right gradient divided by
    one of sizes, else "".

    sizes: (words, size, why), such as ("the batch size", B, why one must
    not divide by it).
    """
    name, value = output
    c = compare.factor(value, right, case)
    found = c and compare.divided_by(c, sizes)
    if not found:
        return ""
    words, size, why = found
    return (f"Your {name} is the right gradient divided by {size}, "
            f"{words}: {why}")


def _right_outputs(outputs, reference, case, got, k):
    """The reference's outputs for case, or None when output k has another
    shape than its own."""
    right = outputs(reference(*case.args), case, "reference")
    return right if np.shape(got[k][1]) == np.shape(right[k][1]) else None


_BATCH_WHY = ("dh_t is already the gradient of the loss, with any average "
              "the loss takes, and a weight's gradient is the sum of every "
              "example's contribution: do not divide by the batch size.")

# the step of the chain rule that makes each gate-level quantity
_GATE_WHY = {
    "do": "h_t = o * tanh(c_t), so do = dh_t * tanh(c_t).",
    "dc": "the gradient at c_t has two parts, dc_t from later steps and "
          "dh_t * o * (1 - tanh(c_t)^2) through h_t = o * tanh(c_t): add "
          "them.",
    "di": "c_t = f * c_prev + i * g, so di = dc * g.",
    "df": "c_t = f * c_prev + i * g, so df = dc * c_prev.",
    "dg": "c_t = f * c_prev + i * g, so dg = dc * i.",
}

# each block of dz, in Keras' order i, f, c, o: (gradient, its formula,
# the block)
_BLOCKS = {
    "i": ("di", "di = dc * g", "di * i * (1 - i)"),
    "f": ("df", "df = dc * c_prev", "df * f * (1 - f)"),
    "c": ("dg", "dg = dc * i", "dg * (1 - g^2)"),
    "o": ("do", "do = dh_t * tanh(c_t)", "do * o * (1 - o)"),
}

# how each output of one step follows from dz (or, for dc_prev, from dc)
_FROM_DZ = {
    "dx_t": "dx_t = dz @ kernel.T.",
    "dh_prev": "dh_prev = dz @ recurrent_kernel.T.",
    "dc_prev": "dc_prev = dc * f: c_prev reaches c_t multiplied by f.",
    "grads.kernel": "grads.kernel = x_t.T @ dz.",
    "grads.recurrent_kernel": "grads.recurrent_kernel = h_prev.T @ dz.",
    "grads.bias": "grads.bias = dz.sum(axis=0), dz summed over the batch.",
}


def _gate_gradients(x, h, c, p, dh, dc):
    """The right gradients at the gate-level quantities of one step, named
    as in the derivation."""
    cache = lstm.lstm_cell_forward(x, h, c, p)[2]
    i, f, g, o, tanh_c = cache.i, cache.f, cache.g, cache.o, cache.tanh_c
    do, dc = dh * tanh_c, dc + dh * o * (1 - tanh_c ** 2)
    di, df, dg = dc * g, dc * c, dc * i
    dz = np.concatenate([di * i * (1 - i), df * f * (1 - f),
                         dg * (1 - g ** 2), do * o * (1 - o)], axis=1)
    return dict(do=do, dc=dc, di=di, df=df, dg=dg, dz=dz)


def _wrong_blocks(mine, right, units, case):
    """The blocks (of "ifco") of a (..., 4 * units) array that differ from
    the right one."""
    H = units
    return [name for k, name in enumerate("ifco")
            if compare.wrong(mine[..., k * H:(k + 1) * H],
                             right[..., k * H:(k + 1) * H], case).any()]


_FROM_DC = ("all three come from dc, the gradient at c_t: "
            + _GATE_WHY["dc"].replace("the gradient at c_t has", "it has"))


def _gate_diagnosis(mine, right, values_returned, output, units, case):
    """Name the first of the learner's do, dc, di, df, dg, dz (their local
    variables) that is wrong."""
    # name -> whether it is right, in the order of the chain rule
    seen = {}
    for name in ("do", "dc", "di", "df", "dg", "dz"):
        value = mine.get(name)
        if (isinstance(value, np.ndarray)
                and value.shape == right[name].shape
                and not any(value is r for r in values_returned)):
            seen[name] = not compare.wrong(value, right[name], case).any()
        # else absent, or a name used otherwise
    good = [name for name, ok in seen.items() if ok]
    wrong = [name for name, ok in seen.items() if not ok]
    if not wrong:
        return ("Your dz is right, so look at the last step: "
                f"{_FROM_DZ[output]}" if "dz" in good else "")
    first = wrong[0]
    blocks = (_wrong_blocks(mine["dz"], right["dz"], units, case)
              if first == "dz" else [])
    if "dc" not in seen and (blocks == ["i", "f", "c"]
                             or {"di", "df", "dg"} <= set(wrong)):
        what = ("the blocks i, f and c of your dz are" if blocks
                else "your di, df and dg are all")
        hint = f"{what} wrong, and {_FROM_DC}"
    elif first != "dz":
        hint = f"your {first} is wrong: {_GATE_WHY[first]}"
    else:
        formulas = [block if grad in good else f"{block}, with {formula}"
                    for grad, formula, block
                    in (_BLOCKS[b] for b in blocks)]
        hint = ("your dz is wrong in its "
                f"block{'s' if len(blocks) > 1 else ''} "
                f"{_words(blocks)}. The blocks of dz are the gates' "
                "gradients times their activations' derivatives: "
                + "; ".join(formulas) + ".")
    if good:
        hint = (f"your {_words(good)} {'is' if len(good) == 1 else 'are'} "
                f"right, but {hint}")
    return hint[0].upper() + hint[1:]


def _bias_diagnosis(bias, right, units, case):
    """Which blocks of dz are wrong, read from grads.bias (dz summed over
    the batch)."""
    if np.shape(bias) != right.shape:
        return ""
    blocks = _wrong_blocks(np.asarray(bias, dtype=np.float64), right, units,
                           case)
    if not 0 < len(blocks) < 4:
        return ""
    fine = [b for b in "ifco" if b not in blocks]
    start = ("Your grads.bias (dz summed over the batch) shows that dz is "
             "wrong in its block"
             f"{'s' if len(blocks) > 1 else ''} {_words(blocks)} and right "
             f"in {_words(fine)}")
    if blocks == ["i", "f", "c"]:
        return f"{start}, and {_FROM_DC}"
    return (f"{start}. Check "
            + "; ".join(f"{_BLOCKS[b][2]}, with {_BLOCKS[b][1]}"
                        for b in blocks) + ".")


def _backward_forward(forward_name, fn, forward):
    """The learner's own forward function, found next to fn, to make the
    cache fn expects."""
    if forward is None:
        forward = getattr(fn, "__globals__", {}).get(forward_name)
    return forward if callable(forward) else getattr(lstm, forward_name)


def _run_learner_forward(name, forward_name, fn, forward, args, heading,
                         probe):
    """Run the learner's forward for a backward check; return its cache, or
    explain why not."""
    __tracebackhide__ = True
    try:
        result = forward(*args)
    except NotImplementedError:
        try:  # is the backward function itself still a stub?
            probe()
        except NotImplementedError as own:
            raise NotDone(not_done_line(name, fn, own)) from None
        except Exception:
            pass
        raise NotDone(
            f"{name} is checked through your {forward_name}, which is not "
            f"done yet: finish {forward_name} first, then run this check "
            "again.") from None
    except Exception as exc:
        raise Failure(message(
            [f"{name} is checked by running your {forward_name} first, and "
             f"it raised {type(exc).__name__}: {str(exc)[:120]}",
             f"  {heading}"],
            f"Run check_{forward_name}({forward_name}) and fix what it "
            "reports first.")) from exc
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise Failure(message(
            [f"{name} is checked by running your {forward_name} first, "
             f"which returned {describe(result)} instead of three values."],
            f"Run check_{forward_name}({forward_name}) and fix what it "
            "reports first."))
    expected = getattr(lstm, forward_name)(*args)
    for k in (0, 1):
        if not compare.same(result[k], expected[k],
                            Case("", (), tol=(1e-4, 1e-5))):
            raise Failure(message(
                [f"{name} is checked by running your {forward_name} and "
                 f"then your {name}, but your {forward_name} does not "
                 "agree with the reference yet.", f"  {heading}"],
                f"Run check_{forward_name}({forward_name}) and fix what it "
                "reports first."))
    return result[2]


@checker("ex_lstm", reference=lstm.lstm_cell_backward)
def check_lstm_cell_backward(fn, forward=None):
    """Check lstm_cell_backward(dh_t, dc_t, cache) -> (dx_t, dh_prev,
    dc_prev, grads).

    The cache comes from your own lstm_cell_forward (found next to fn, or
    passed as forward), so that its layout can be your own design; the
    gradients are compared with lstm_lib's.
    """
    __tracebackhide__ = True
    rng = np.random.default_rng(60)
    forward = _backward_forward("lstm_cell_forward", fn, forward)

    def case(label, B, D, H, dtype=np.float64, dc_zero=False):
        x, h, c, p = cell_case(rng, B, D, H, dtype)
        dh = rng.normal(size=(B, H)).astype(dtype)
        dc = (np.zeros((B, H), dtype) if dc_zero
              else rng.normal(size=(B, H)).astype(dtype))
        return Case(label, (x, h, c, p, dh, dc),
                    float32=dtype == np.float32)

    cases = [
        case("batch 3, 2 features, 4 units; random weights, states and "
             "upstream gradients dh_t and dc_t", 3, 2, 4),
        case("batch 1, 1 feature, 1 unit", 1, 1, 1),
        case("batch 2, 3 features, 3 units, dc_t all zeros (c_t feeds "
             "nothing else)", 2, 3, 3, dc_zero=True),
        case("batch 2, 3 features, 2 units, every array float32", 2, 3, 2,
             np.float32),
    ]

    def reference(x, h, c, p, dh, dc):
        return lstm.lstm_cell_backward(
            dh, dc, lstm.lstm_cell_forward(x, h, c, p)[2])

    def variant(opts):
        def mutant(x, h, c, p, dh, dc):
            cache = lstm.lstm_cell_forward(x, h, c, p)[2]
            dz, dc_prev = _gate_backward(dh, dc, c, cache.i, cache.f,
                                         cache.g, cache.o, cache.tanh_c,
                                         **opts)
            return (dz @ p.kernel.T, dz @ p.recurrent_kernel.T, dc_prev,
                    (x.T @ dz, h.T @ dz, dz.sum(axis=0)))
        return mutant

    def call(fn, x, h, c, p, dh, dc):
        heading = "while making the cache"
        probe = lambda: fn(  # noqa: E731
            dh, dc, lstm.lstm_cell_forward(x, h, c, p)[2])
        cache = _run_learner_forward("lstm_cell_backward",
                                     "lstm_cell_forward", fn, forward,
                                     (x, h, c, p), heading, probe)
        return fn(dh, dc, cache)

    mutants = [(hint, variant(opts)) for hint, opts in _GATE_MISTAKES] + [
        ("matches a backward pass that ignores dc_t: the gradient reaching "
         "c_t from the next step adds to the one coming through h_t.",
         variant(dict(use_dc=False))),
    ]
    outputs = _grad_outputs(
        ("dx_t", "dh_prev", "dc_prev", "grads"),
        ("(batch, input_dim)", "(batch, units)", "(batch, units)"),
        "Go back through the forward equations one at a time, from h_t "
        "to z. Name your gradients as the derivation does "
        "(do, dc, di, df, dg, dz) and this check says which of them goes "
        "wrong first.")

    def diagnose(case, raw, got, k):
        """A constant factor; else the first wrong gate-level quantity;
        else dz's wrong blocks."""
        out = got[k][0]
        right = _right_outputs(outputs, reference, case, got, k)
        x, h, c, p, dh, dc = case.args
        sizes = [("the batch size", len(x), _BATCH_WHY)]
        if right is None:
            return ""
        hint = _factor_hint((out.name, got[k][1]), right[k][1], case, sizes)
        if hint:
            return hint
        mine = locals_at_return(
            fn, lambda: call(fn, *copy.deepcopy(case.args)))
        values_returned = [v for _, v in got]
        return (_gate_diagnosis(mine, _gate_gradients(*case.args),
                                values_returned, out.name, p.units, case)
                or _bias_diagnosis(got[-1][1], right[-1][1], p.units, case))

    return Check("lstm_cell_backward", cases, reference, outputs,
                 mutants=mutants, call=call, diagnose=diagnose,
                 exc_hints=(MATMUL_HINT_LSTM,),
                 arg_names=("x_t", "h_prev", "c_prev", "params", "dh_t",
                            "dc_t")).run(fn)


def _sequence_backward_variant(x, p, h0, c0, dh_seq, dc_last, *,
                               carry_dc=True, reset_to_last=False,
                               carry_dh=True, use_dc_last=True,
                               h_shift=False, reverse=True, **gate):
    _, _, cache = lstm.lstm_forward(x, p, h0, c0)
    B, T, H = cache.h_seq.shape
    zeros = np.zeros((B, H), cache.h_seq.dtype)
    dc_init = dc_last if dc_last is not None and use_dc_last else zeros
    dc, dh_next, dc_out = dc_init, zeros, dc_init
    h_prev = np.concatenate([cache.h0[:, None], cache.h_seq[:, :-1]],
                            axis=1)
    c_prev = np.concatenate([cache.c0[:, None], cache.c_seq[:, :-1]],
                            axis=1)
    dz = np.empty((B, T, 4 * H), cache.h_seq.dtype)
    for t in reversed(range(T)) if reverse else range(T):
        dz[:, t], dc_out = _gate_backward(
            dh_seq[:, t] + (dh_next if carry_dh else 0), dc, c_prev[:, t],
            cache.i[:, t], cache.f[:, t], cache.g[:, t], cache.o[:, t],
            cache.tanh_c[:, t], **gate)
        dh_next = dz[:, t] @ p.recurrent_kernel.T
        dc = dc_out if carry_dc else (dc_init if reset_to_last else zeros)
    flat = dz.reshape(B * T, 4 * H)
    inputs = (cache.h_seq if h_shift else h_prev).reshape(B * T, H)
    grads = (x.reshape(B * T, -1).T @ flat, inputs.T @ flat,
             flat.sum(axis=0))
    return (flat @ p.kernel.T).reshape(x.shape), dh_next, dc_out, grads


@checker("ex_lstm", reference=lstm.lstm_backward)
def check_lstm_backward(fn, forward=None):
    """Check lstm_backward(dh_seq, cache, dc_last=None) -> (dx, dh0, dc0,
    grads).

    The cache comes from your own lstm_forward (found next to fn, or passed
    as forward), so that its layout can be your own design; the gradients
    are compared with lstm_lib's.
    """
    __tracebackhide__ = True
    rng = np.random.default_rng(70)
    forward = _backward_forward("lstm_forward", fn, forward)

    def case(label, B, T, D, H, dtype=np.float64, initial=True,
             dc_last=True, last_only=False):
        p = lstm_params(rng, D, H, dtype)
        x = rng.normal(size=(B, T, D)).astype(dtype)
        h0 = rng.normal(0.0, 0.5, (B, H)).astype(dtype) if initial else None
        c0 = rng.normal(0.0, 1.0, (B, H)).astype(dtype) if initial else None
        dh_seq = rng.normal(size=(B, T, H)).astype(dtype)
        if last_only:
            dh_seq[:, :-1] = 0
        dcl = rng.normal(size=(B, H)).astype(dtype) if dc_last else None
        return Case(label, (x, p, h0, c0, dh_seq, dcl),
                    float32=dtype == np.float32)

    cases = [
        case("batch 2, 4 time steps, 3 features, 2 units; non-zero h0 "
             "and c0, an upstream gradient at every step, dc_last given",
             2, 4, 3, 2),
        case("batch 1, 1 time step, 1 feature, 1 unit, h0 and c0 not given",
             1, 1, 1, 1, initial=False, dc_last=False),
        case("batch 3, 5 time steps, 2 features, 3 units, many-to-one: "
             "dh_seq is zero except at the last step", 3, 5, 2, 3,
             dc_last=False, last_only=True),
        case("batch 2, 3 time steps, 3 features, 2 units, every array "
             "float32, dc_last given", 2, 3, 3, 2, np.float32),
    ]

    def reference(x, p, h0, c0, dh_seq, dc_last):
        return lstm.lstm_backward(
            dh_seq, lstm.lstm_forward(x, p, h0, c0)[2], dc_last)

    def call(fn, x, p, h0, c0, dh_seq, dc_last):
        args = (x, p) if h0 is None else (x, p, h0, c0)
        more = () if dc_last is None else (dc_last,)
        probe = lambda: fn(  # noqa: E731
            dh_seq.copy(), lstm.lstm_forward(x, p, h0, c0)[2], *more)
        cache = _run_learner_forward("lstm_backward", "lstm_forward", fn,
                                     forward, args,
                                     "while making the cache", probe)
        return fn(dh_seq, cache, *more)

    variant = lambda o: (  # noqa: E731
        lambda *a: _sequence_backward_variant(*a, **o))
    carry_dc = ("matches a backward pass that does not carry dc from step "
                "to step: the gradient of c_{t-1} that step t returns is "
                "the dc that step t - 1 receives.")
    mutants = [
        (carry_dc, variant(dict(carry_dc=False))),
        (carry_dc, variant(dict(carry_dc=False, reset_to_last=True))),
        (carry_dc, variant(dict(carry_dc=False, use_dc_last=False))),
        ("matches a backward pass that forgets the gradient arriving at "
         "h_t from step t + 1: the dh that step t receives is dh_seq[:, t] "
         "plus the dh_prev that step t + 1 returned.",
         variant(dict(carry_dh=False))),
        ("matches a backward pass that ignores dc_last: when it is given, "
         "it is the dc that the last step receives.",
         variant(dict(use_dc_last=False))),
        ("matches a recurrent_kernel gradient that pairs dz at step t with "
         "h_t; the state that went into step t is h_{t-1} (h0 for the "
         "first step).", variant(dict(h_shift=True))),
        ("matches a backward pass that runs forward in time: start at the "
         "last step and go back to the first, so that each step receives "
         "what the later step sends back.",
         variant(dict(reverse=False))),
    ] + [(hint, variant(opts)) for hint, opts in _GATE_MISTAKES]
    outputs = _grad_outputs(
        ("dx", "dh0", "dc0", "grads"),
        ("(batch, time, input_dim)", "(batch, units)", "(batch, units)"),
        "Check what each step receives: at h_t, dh_seq[:, t] plus what "
        "step t + 1 sends back; at c_t, what step t + 1 sends back "
        "(dc_last for the last step). check_lstm_cell_backward checks one "
        "step alone.")

    def diagnose(case, raw, got, k):
        """A constant factor (an average over steps or the batch), or right
        gradients summed wrong."""
        out = got[k][0]
        right = _right_outputs(outputs, reference, case, got, k)
        B, T = case.args[0].shape[:2]
        steps = ("the same weights serve every step, so their gradients "
                 "add up over the steps: sum them, do not average.")
        sizes = [("the number of time steps T", T, steps),
                 ("the batch size", B, _BATCH_WHY),
                 ("the batch size times the number of steps", B * T,
                  "a weight's gradient is the sum over every example and "
                  "every step: do not average.")]
        if right is None:
            return ""
        hint = _factor_hint((out.name, got[k][1]), right[k][1], case, sizes)
        if hint:
            return hint
        if k >= 3 and not any(
                compare.wrong(got[j][1], right[j][1], case).any()
                for j in range(3)):
            return ("Your dx, dh0 and dc0 are right, so every step "
                    "receives and sends back the right gradients: look at "
                    f"how you collect {out.name}. Each step's gradients "
                    "add to the totals (+=), at every step, and nothing "
                    "else changes them.")
        return ""

    return Check("lstm_backward", cases, reference, outputs,
                 mutants=mutants, call=call, diagnose=diagnose,
                 exc_hints=(MATMUL_HINT_LSTM,),
                 arg_names=("x", "params", "h0", "c0", "dh_seq",
                            "dc_last")).run(fn)
