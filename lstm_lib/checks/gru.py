"""Checkers for the GRU exercises: one step forward and its backward pass.

Also the GRU's known mistakes, as options of _gru_step_variant (forward)
and _gru_backward_variant (backward), and a diagnosis that names the
first of the learner's intermediate gradients (dz, dh_tilde, da_h, ...)
that is wrong. Keras' layout, reset_after=True: kernel (D, 3H),
recurrent_kernel (H, 3H), bias (2, 3H), blocks z, r, h.
"""
import copy

import numpy as np

from .. import gru
from ..activations import sigmoid
from . import compare
from .engine import Case, Check, Output, locals_at_return, single_output
from .errors import Failure
from .messages import describe, message, returned, unpack
from .registry import checker

__all__ = ["check_gru_step", "check_gru_step_backward"]


MATMUL_HINT_GRU = (
    r"matmul|not aligned|core dimension",
    "A matrix product got arrays whose sizes do not fit. x_t is "
    "(batch, input_dim) and goes with kernel (input_dim, 3 units); h_prev "
    "is (batch, units) and goes with recurrent_kernel (units, 3 units); "
    "going back, a gradient meets each of them transposed. Check that "
    "kernel and recurrent_kernel are not swapped or transposed.",
)
BIAS_HINT_GRU = (
    r"could not be broadcast",
    "Two arrays of different shapes were combined element by element. If "
    "one of them is the bias: it has two rows, (2, 3 units). bias[0] is "
    "added to x_t @ kernel and bias[1] to h_prev @ recurrent_kernel; "
    "the whole bias added to a (batch, 3 units) array does not fit.",
)


def gru_step(x_t, h_prev, params):
    """The reference: h_t of lstm_lib.gru.gru_cell_forward."""
    return gru.gru_cell_forward(x_t, h_prev, params)[0]


def gru_step_backward(dh_t, x_t, h_prev, params):
    """The reference: gru_cell_backward after gru_cell_forward."""
    cache = gru.gru_cell_forward(x_t, h_prev, params)[1]
    return gru.gru_cell_backward(dh_t, cache)


def _params(rng, D, H, dtype=np.float64):
    """GRUParams with every array random: both bias rows non-zero."""
    shapes = ((D, 3 * H), (H, 3 * H), (2, 3 * H))
    return gru.GRUParams(*(rng.normal(0.0, 0.5, s).astype(dtype)
                           for s in shapes))


def _step_args(rng, B, D, H, dtype=np.float64, zero_state=False):
    """(x_t, h_prev, params) for one step."""
    p = _params(rng, D, H, dtype)
    x = rng.normal(size=(B, D)).astype(dtype)
    h = (np.zeros((B, H), dtype) if zero_state
         else rng.normal(0.0, 0.5, (B, H)).astype(dtype))
    return x, h, p


def _forward_parts(x, h, p, *, order=(0, 1), rows=(0, 1), reset="after",
                   swap=False, gate=sigmoid, cand=np.tanh,
                   recurrent=True):
    """The gates, candidate and recurrent candidate term of one step,
    optionally with a deliberate mistake."""
    kernel, recurrent_kernel, bias = p
    if swap:
        kernel, recurrent_kernel = recurrent_kernel, kernel
    H = p.units
    b_in, b_rec = (bias[k] if k is not None else 0 * bias[0]
                   for k in rows)
    xw = x @ kernel + b_in  # (B, 3H)
    hU = (h @ recurrent_kernel if recurrent
          else np.zeros_like(xw))  # (B, 3H), without the bias
    hu = hU + b_rec  # (B, 3H)
    blocks = [slice(k * H, (k + 1) * H) for k in range(3)]
    z_, r_, h_ = (*(blocks[k] for k in order), blocks[2])
    z = gate(xw[:, z_] + hu[:, z_])
    r = gate(xw[:, r_] + hu[:, r_])
    hu_h = hu[:, h_]
    if reset == "after":  # Keras' reset_after=True
        a_h = xw[:, h_] + r * hu_h
    elif reset == "product":  # r * (h U_h), the recurrent bias outside
        a_h = xw[:, h_] + r * hU[:, h_] + b_rec[h_]
    else:  # "before": (r * h) U_h, as reset_after=False
        a_h = (xw[:, h_] + (r * h) @ recurrent_kernel[:, h_]
               + b_rec[h_])
    return z, r, cand(a_h), hu_h


def _gru_step_variant(x, h, p, *, keep="z", **parts):
    """One GRU step with a deliberate mistake."""
    z, _, h_tilde, _ = _forward_parts(x, h, p, **parts)
    if keep == "z":
        return z * h + (1 - z) * h_tilde
    return (1 - z) * h + z * h_tilde


_STEP_MISTAKES = [  # (hint, options of _gru_step_variant)
    ("matches h_t = (1 - z) * h_prev + z * h~: z and 1 - z trade places. "
     "In Keras' GRU, as in Cho et al. (2014), the update gate z is the "
     "share of the old state that is kept: h_t = z * h_prev + "
     "(1 - z) * h~.", dict(keep="1-z")),
    ("matches a GRU that reads the update gate z from the second block and "
     "the reset gate r from the first. Keras' order is z, r, h: z comes "
     "from the first block of units columns, r from the second, the "
     "candidate from the third.", dict(order=(1, 0))),
    ("matches a GRU that applies the reset gate to h_prev before the "
     "product, (r * h_prev) @ W_h, as Keras' reset_after=False does. This "
     "exercise is Keras' default, reset_after=True: r scales the whole "
     "recurrent term of the candidate block, (h_prev @ U_h + the h block "
     "of bias[1]).", dict(reset="before")),
    ("matches a GRU whose reset gate scales h_prev @ U_h but not the "
     "recurrent bias of the candidate block. bias[1] belongs to the "
     "recurrent term: r multiplies (h_prev @ U_h + the h block of "
     "bias[1]), bias included.", dict(reset="product")),
    ("matches a GRU that uses bias[0] alone. The bias has two rows: "
     "bias[0] is added to x_t @ kernel, bias[1] to h_prev @ "
     "recurrent_kernel.", dict(rows=(0, None))),
    ("matches a GRU that uses bias[1] alone. The bias has two rows: "
     "bias[0] is added to x_t @ kernel, bias[1] to h_prev @ "
     "recurrent_kernel.", dict(rows=(None, 1))),
    ("matches a GRU with the two bias rows swapped: bias[0] goes with "
     "x_t @ kernel and bias[1] with h_prev @ recurrent_kernel, where the "
     "reset gate scales it in the candidate block.", dict(rows=(1, 0))),
    ("matches a GRU whose candidate h~ uses the sigmoid. The candidate is "
     "a tanh, in (-1, 1), so that it can also lower the state.",
     dict(cand=sigmoid)),
    ("matches a GRU whose gates z and r use tanh. Gates are sigmoids: "
     "numbers in (0, 1) that say how much passes.", dict(gate=np.tanh)),
    ("matches a GRU without the recurrent products: h_prev enters every "
     "block through recurrent_kernel.", dict(recurrent=False)),
    ("matches a GRU with kernel and recurrent_kernel swapped: x_t goes "
     "with kernel, h_prev with recurrent_kernel.", dict(swap=True)),
]


@checker("ex_gru", reference=gru_step)
def check_gru_step(fn):
    """Check gru_step(x_t, h_prev, params) -> h_t, one step of Keras'
    GRU (reset_after=True)."""
    __tracebackhide__ = True
    rng = np.random.default_rng(80)

    def case(label, *shape, dtype=np.float64, zero_state=False):
        return Case(label, _step_args(rng, *shape, dtype=dtype,
                                      zero_state=zero_state),
                    float32=dtype == np.float32)

    cases = [
        case("batch 3, 2 features, 4 units; random weights, both bias rows "
             "and h_prev non-zero", 3, 2, 4),
        case("batch 1, 1 feature, 1 unit", 1, 1, 1),
        case("batch 2, 3 features, 3 units (as many features as units)",
             2, 3, 3),
        case("batch 4, 3 features, 2 units, every array float32", 4, 3, 2,
             dtype=np.float32),
        case("batch 2, 3 features, 4 units, h_prev all zeros (a first "
             "step)", 2, 3, 4, zero_state=True),
    ]
    mutants = [(hint, (lambda o: lambda x, h, p:
                       _gru_step_variant(x, h, p, **o))(opts))
               for hint, opts in _STEP_MISTAKES]
    out = Output("h_t", axes="(batch, units)",
                 hint="Check each line against the task: the two "
                      "projections xw and hu, the gates z and r, the "
                      "candidate h~ and h_t = z * h_prev + (1 - z) * h~.")
    return Check("gru_step", cases, gru_step, single_output(out),
                 mutants=mutants,
                 exc_hints=(MATMUL_HINT_GRU, BIAS_HINT_GRU),
                 arg_names=("x_t", "h_prev", "params")).run(fn)


def _gru_backward_variant(dh, x, h, p, *, direct="z", sign=1.0,
                          tilde="1-z", sig=True, tanh_d=True, dr_bias=True,
                          r_on_hu=True, rows=("xw", "hu"),
                          order=(0, 1)):
    """One step of the GRU's backward pass with a deliberate mistake;
    returns dx_t, dh_prev, (dkernel, drecurrent_kernel, dbias)."""
    kernel, recurrent_kernel, bias = p
    H = p.units
    z, r, h_tilde, hu_h = _forward_parts(x, h, p)
    dz = sign * dh * (h - h_tilde)
    dh_tilde = dh * ((1 - z) if tilde == "1-z" else z)
    da_h = dh_tilde * ((1 - h_tilde ** 2) if tanh_d else 1)
    dr = da_h * (hu_h if dr_bias else hu_h - bias[1, 2 * H:])
    da_z = dz * (z * (1 - z) if sig else 1)
    da_r = dr * (r * (1 - r) if sig else 1)
    first = [da_z, da_r][order[0]], [da_z, da_r][order[1]]
    dxw = np.concatenate([*first, da_h], axis=1)
    dhu = np.concatenate([*first, r * da_h if r_on_hu else da_h], axis=1)
    keep = {"z": z, "1-z": 1 - z, "none": 0}[direct]
    dh_prev = dh * keep + dhu @ recurrent_kernel.T
    sums = {"xw": dxw.sum(axis=0), "hu": dhu.sum(axis=0)}
    dbias = np.stack([sums[rows[0]], sums[rows[1]]])
    return (dxw @ kernel.T, dh_prev,
            (x.T @ dxw, h.T @ dhu, dbias))


_BACKWARD_MISTAKES = [  # (hint, options of _gru_backward_variant)
    ("matches dh_prev without the direct path. h_t = z * h_prev + "
     "(1 - z) * h~, so h_prev receives dh_t * z straight from h_t, besides "
     "what comes back through the gates and the candidate, "
     "dhu @ recurrent_kernel.T: add the two.", dict(direct="none")),
    ("matches dh_prev with the direct path dh_t * (1 - z): in h_t = "
     "z * h_prev + (1 - z) * h~ the old state is multiplied by z, so the "
     "direct path is dh_t * z.", dict(direct="1-z")),
    ("matches a backward pass with dz = dh_t * (h~ - h_prev): from h_t = "
     "z * h_prev + (1 - z) * h~, dz = dh_t * (h_prev - h~).",
     dict(sign=-1.0)),
    ("matches a backward pass with dh_tilde = dh_t * z: h~ enters h_t "
     "multiplied by 1 - z, so dh_tilde = dh_t * (1 - z).",
     dict(tilde="z")),
    ("matches a backward pass without the sigmoid's derivative for the "
     "gates z and r: each gate's gradient is multiplied by s (1 - s), s "
     "being the gate's value, on its way back to its pre-activation.",
     dict(sig=False)),
    ("matches a backward pass without tanh's derivative for the candidate: "
     "da_h = dh_tilde * (1 - h~^2).", dict(tanh_d=False)),
    ("matches dr = da_h * (h_prev @ U_h), without the recurrent bias. The "
     "reset gate multiplies hu_h = h_prev @ U_h + the h block of bias[1], "
     "so dr = da_h * hu_h, bias included.", dict(dr_bias=False)),
    ("matches a backward pass that forgets the reset gate on the recurrent "
     "path of the candidate. a_h = xw_h + r * hu_h, so the candidate block "
     "of dhu, the gradient at h_prev @ recurrent_kernel + bias[1], is "
     "r * da_h, while that of dxw is da_h.", dict(r_on_hu=False)),
    ("matches a bias gradient whose two rows are equal, both dxw summed "
     "over the batch. Only the recurrent bias, row 1, sits inside the "
     "reset gate's product r * (...): row 1 is dhu summed, whose candidate "
     "block is r * da_h summed.", dict(rows=("xw", "xw"))),
    ("matches a bias gradient whose two rows are equal, both dhu summed "
     "over the batch. Only the recurrent bias, row 1, is scaled by the "
     "reset gate: row 0 is dxw summed, whose candidate block is da_h.",
     dict(rows=("hu", "hu"))),
    ("matches a bias gradient with its two rows swapped: row 0, the input "
     "bias, is dxw summed over the batch; row 1, the recurrent bias, is "
     "dhu summed.", dict(rows=("hu", "xw"))),
    ("matches gradient blocks in the order r, z. The blocks of dxw and dhu "
     "go in the order of the gates, z, r, h.", dict(order=(1, 0))),
]


_SHAPE_HINT = ("Print the .shape of every gradient you make: each has the "
               "shape of the variable it belongs to.")
_NAMES = ("dx_t", "dh_prev", "grads")
_WEIGHTS = (("kernel", "(input_dim, 3 * units)"),
            ("recurrent_kernel", "(units, 3 * units)"),
            ("bias", "(2, 3 * units)"))


def _backward_outputs(hint):
    """outputs() for gru_step_backward: dx_t, dh_prev, then grads split
    into its three arrays."""
    def outputs(raw, case, name):
        dx, dh_prev, grads = unpack(name, raw, _NAMES)
        if not isinstance(grads, (tuple, list)) or len(grads) != 3:
            raise Failure(message([
                f"{name}: grads, the third value returned, should hold "
                "three arrays, the gradients of kernel, recurrent_kernel "
                f"and bias (as GRUParams does); it is {describe(grads)}."]))
        items = [(Output("dx_t", returned(0), "(batch, input_dim)", hint,
                         _SHAPE_HINT), dx),
                 (Output("dh_prev", returned(1), "(batch, units)", hint,
                         _SHAPE_HINT), dh_prev)]
        items += [(Output(f"grads.{w}", "in the third value returned", a,
                          hint, _SHAPE_HINT), v)
                  for (w, a), v in zip(_WEIGHTS, grads)]
        return items
    return outputs


# the step of the chain rule that makes each intermediate gradient, in
# the order of the derivation
_WHY = {
    "dz": "h_t = z * h_prev + (1 - z) * h~, so dz = dh_t * (h_prev - h~).",
    "dh_tilde": "h~ enters h_t multiplied by 1 - z, so dh_tilde = "
                "dh_t * (1 - z).",
    "da_h": "h~ = tanh(a_h), so da_h = dh_tilde * (1 - h~^2).",
    "dr": "a_h = xw_h + r * hu_h, so dr = da_h * hu_h, with hu_h = "
          "h_prev @ U_h + the h block of bias[1].",
    "da_z": "z = sigmoid(a_z), so da_z = dz * z * (1 - z).",
    "da_r": "r = sigmoid(a_r), so da_r = dr * r * (1 - r).",
    "dxw": "dxw = [da_z | da_r | da_h], in the order z, r, h.",
    "dhu": "dhu = [da_z | da_r | r * da_h]: the reset gate scales the "
           "candidate block of the recurrent term.",
}
# how each output follows from dxw and dhu
_FROM_D = {
    "dx_t": "dx_t = dxw @ kernel.T.",
    "dh_prev": "dh_prev = dh_t * z + dhu @ recurrent_kernel.T, the direct "
               "path and the path through the gates and the candidate.",
    "grads.kernel": "grads.kernel = x_t.T @ dxw.",
    "grads.recurrent_kernel": "grads.recurrent_kernel = h_prev.T @ dhu.",
    "grads.bias": "grads.bias = np.stack([dxw.sum(axis=0), "
                  "dhu.sum(axis=0)]): row 0 from dxw, row 1 from dhu.",
}


def _intermediates(dh, x, h, p):
    """The right intermediate gradients of one step, named as in the
    task."""
    z, r, h_tilde, hu_h = _forward_parts(x, h, p)
    dz, dh_tilde = dh * (h - h_tilde), dh * (1 - z)
    da_h = dh_tilde * (1 - h_tilde ** 2)
    dr = da_h * hu_h
    da_z, da_r = dz * z * (1 - z), dr * r * (1 - r)
    return dict(dz=dz, dh_tilde=dh_tilde, da_h=da_h, dr=dr, da_z=da_z,
                da_r=da_r, dxw=np.concatenate([da_z, da_r, da_h], axis=1),
                dhu=np.concatenate([da_z, da_r, r * da_h], axis=1))


def _words(names):
    """'dz, dh_tilde and da_h'."""
    return (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1
            else names[0])


def _chain_diagnosis(mine, right, values_returned, output, case):
    """Name the first of the learner's intermediate gradients (their local
    variables) that is wrong."""
    seen = {}  # name -> right or not, in the order of the derivation
    for name in _WHY:
        value = mine.get(name)
        if (isinstance(value, np.ndarray)
                and value.shape == right[name].shape
                and not any(value is v for v in values_returned)):
            seen[name] = not compare.wrong(value, right[name], case).any()
    good = [name for name, ok in seen.items() if ok]
    wrong = [name for name, ok in seen.items() if not ok]
    if not wrong:
        return ("Your intermediate gradients are right, so look at the "
                f"last step: {_FROM_D[output]}"
                if {"dxw", "dhu"} <= set(good) else "")
    hint = f"your {wrong[0]} is wrong: {_WHY[wrong[0]]}"
    if good:
        hint = (f"your {_words(good)} {'is' if len(good) == 1 else 'are'} "
                f"right, but {hint}")
    return hint[0].upper() + hint[1:]


ONE_ROW_BIAS_HINT_GRU = (
    r"bias must have shape \(2, 3 \* units\)",
    "GRUParams refused a bias with one row. If that was your bias "
    "gradient: it has the bias's two rows, (2, 3 units), row 0 dxw "
    "summed over the batch and row 1 dhu summed, e.g. "
    "np.stack([dxw.sum(axis=0), dhu.sum(axis=0)]).",
)


def _batch_why(output):
    """Why output must not be divided by the batch size."""
    start = ("dh_t is already the gradient of the loss, with any average "
             "the loss takes, ")
    if output.startswith("grads."):
        return (start + "and a weight's gradient is the sum of every "
                "example's contribution: do not divide by the batch "
                "size.")
    return (start + f"and each row of {output} is one example's own "
            "gradient, complete as it is: do not divide by the batch "
            "size.")


@checker("ex_gru", reference=gru_step_backward)
def check_gru_step_backward(fn):
    """Check gru_step_backward(dh_t, x_t, h_prev, params) -> (dx_t,
    dh_prev, grads), grads holding the gradients of kernel,
    recurrent_kernel and bias."""
    __tracebackhide__ = True
    rng = np.random.default_rng(90)

    def case(label, B, D, H, dtype=np.float64, zero_state=False):
        x, h, p = _step_args(rng, B, D, H, dtype, zero_state)
        dh = rng.normal(size=(B, H)).astype(dtype)
        return Case(label, (dh, x, h, p), float32=dtype == np.float32)

    cases = [
        case("batch 3, 2 features, 4 units; random weights, both bias rows "
             "and h_prev non-zero, random dh_t", 3, 2, 4),
        case("batch 1, 1 feature, 1 unit", 1, 1, 1),
        case("batch 2, 3 features, 3 units (as many features as units)",
             2, 3, 3),
        case("batch 2, 3 features, 2 units, every array float32", 2, 3, 2,
             np.float32),
        case("batch 2, 2 features, 3 units, h_prev all zeros (a first "
             "step)", 2, 2, 3, zero_state=True),
    ]
    mutants = [(hint, (lambda o: lambda *a:
                       _gru_backward_variant(*a, **o))(opts))
               for hint, opts in _BACKWARD_MISTAKES]
    outputs = _backward_outputs(
        "Go back through the forward equations one at a time, from h_t to "
        "xw and hu. Name your gradients as the task does (dz, dh_tilde, "
        "da_h, dr, da_z, da_r, dxw, dhu) and this check says which of "
        "them goes wrong first.")

    def diagnose(case, raw, got, k):
        """A division by the batch size; else the first wrong
        intermediate gradient."""
        out = got[k][0]
        right = outputs(gru_step_backward(*case.args), case, "reference")
        if np.shape(got[k][1]) != np.shape(right[k][1]):
            return ""
        c = compare.factor(got[k][1], right[k][1], case)
        found = c and compare.divided_by(
            c, [("the batch size", len(case.args[1]),
                 _batch_why(out.name))])
        if found:
            words, size, why = found
            return (f"Your {out.name} is the right gradient divided by "
                    f"{size}, {words}: {why}")
        mine = locals_at_return(
            fn, lambda: fn(*copy.deepcopy(case.args)))
        return _chain_diagnosis(mine, _intermediates(*case.args),
                                [v for _, v in got], out.name, case)

    return Check("gru_step_backward", cases, gru_step_backward, outputs,
                 mutants=mutants, diagnose=diagnose,
                 exc_hints=(ONE_ROW_BIAS_HINT_GRU, MATMUL_HINT_GRU,
                            BIAS_HINT_GRU),
                 arg_names=("dh_t", "x_t", "h_prev", "params")).run(fn)
