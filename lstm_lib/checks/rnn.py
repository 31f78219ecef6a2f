"""Checkers for the recurrent-network exercises: one RNN step, the
Jacobian experiment, clipping."""
import numpy as np

from .. import optim, rnn
from ..activations import sigmoid
from ..jacobians import rnn_jacobian_norms
from .engine import Case, Check, Output, single_output
from .errors import Failure
from .messages import describe, message, number, returned, unpack
from .registry import checker

__all__ = ["check_rnn_step", "check_jacobian_product_norms",
           "check_clip_by_global_norm"]


_MATMUL_HINT_RNN = (
    r"matmul|not aligned|core dimension",
    "A matrix product got arrays whose sizes do not fit. x_t is "
    "(batch, input_dim) and goes with kernel (input_dim, units); h_prev is "
    "(batch, units) and goes with recurrent_kernel. With the batch first, "
    "the weights stand on the right: check that kernel and "
    "recurrent_kernel are not swapped or transposed.",
)


def _rnn_case(rng, label, B, D, H, dtype=np.float64, zero_state=False):
    params = rnn.RNNParams(*(rng.normal(0.0, 0.6, s).astype(dtype)
                             for s in ((D, H), (H, H), (H,))))
    x_t = rng.normal(size=(B, D)).astype(dtype)
    h_prev = (np.zeros((B, H), dtype) if zero_state
              else rng.normal(0.0, 0.8, (B, H)).astype(dtype))
    return Case(label, (x_t, h_prev, params), float32=dtype == np.float32)


def _rnn_step_variant(x, h, p, *, bias=1.0, recurrent=True, swap=False,
                      t_kernel=False, t_recurrent=False, act=np.tanh):
    kernel, recurrent_kernel, b = p
    if swap:
        kernel, recurrent_kernel = recurrent_kernel, kernel
    kernel = kernel.T if t_kernel else kernel
    recurrent_kernel = (recurrent_kernel.T if t_recurrent
                        else recurrent_kernel)
    z = x @ kernel + (h @ recurrent_kernel if recurrent else 0) + bias * b
    return act(z)


@checker("ex_rnn", reference=rnn.rnn_cell_forward)
def check_rnn_step(fn):
    """Check rnn_step(x_t, h_prev, params) = tanh(x_t kernel + h_prev
    recurrent_kernel + bias)."""
    __tracebackhide__ = True
    rng = np.random.default_rng(10)
    cases = [
        _rnn_case(rng, "batch 3, 2 features, 4 units; random weights, "
                       "non-zero bias and h_prev", 3, 2, 4),
        _rnn_case(rng, "batch 1, 1 feature, 1 unit", 1, 1, 1),
        _rnn_case(rng, "batch 2, 3 features, 3 units "
                       "(as many features as units)", 2, 3, 3),
        _rnn_case(rng, "batch 4, 5 features, 2 units, every array float32",
                  4, 5, 2, np.float32),
        _rnn_case(rng, "batch 2, 3 features, 4 units, h_prev all zeros "
                       "(a first step)", 2, 3, 4, zero_state=True),
    ]
    variant = lambda **o: (  # noqa: E731
        lambda x, h, p: _rnn_step_variant(x, h, p, **o))
    mutants = [
        ("matches a step without the bias.", variant(bias=0.0)),
        ("matches a step that adds the bias twice.", variant(bias=2.0)),
        ("matches a step without the recurrent term: h_prev enters through "
         "recurrent_kernel.", variant(recurrent=False)),
        ("matches a step with kernel and recurrent_kernel swapped: x_t "
         "goes with kernel, h_prev with recurrent_kernel.",
         variant(swap=True)),
        ("matches a step with recurrent_kernel transposed. In Keras' "
         "layout the batch comes first: h_prev @ recurrent_kernel is the "
         "text's W_hh h_{t-1}, transposed.", variant(t_recurrent=True)),
        ("matches a step with kernel transposed: x_t (batch, input_dim) "
         "@ kernel (input_dim, units).", variant(t_kernel=True)),
        ("matches a step that uses the sigmoid; the vanilla RNN squashes "
         "with tanh.", variant(act=sigmoid)),
        ("matches a step without the tanh.", variant(act=lambda z: z)),
    ]
    out = Output("h_t", axes="(batch, units)",
                 hint="Check h_t = tanh(x_t @ kernel "
                      "+ h_prev @ recurrent_kernel + bias), term by term.")
    return Check("rnn_step", cases, rnn.rnn_cell_forward,
                 single_output(out), mutants=mutants,
                 exc_hints=(_MATMUL_HINT_RNN,),
                 arg_names=("x_t", "h_prev", "params")).run(fn)


def _norms_variant(x, p, h0=None, *, transpose=True, derivative=True,
                   left=False, side="left", ord=2, layout="lag"):
    h_seq, _ = rnn.rnn_forward(x, p, h0)
    W_hh = p.recurrent_kernel.T if transpose else p.recurrent_kernel
    B, T, H = h_seq.shape
    norms = np.empty((B, T))
    for b in range(B):
        product = np.eye(H)
        for lag in range(1, T + 1):
            d = 1 - h_seq[b, T - lag] ** 2 if derivative else np.ones(H)
            J = d[:, None] * W_hh if side == "left" else W_hh * d[None, :]
            product = J @ product if left else product @ J
            norms[b, lag - 1] = np.linalg.norm(product, ord=ord)
    if layout == "reversed":
        norms = norms[:, ::-1]
    elif layout == "lag0":
        norms = np.concatenate([np.ones((B, 1)), norms[:, :-1]], axis=1)
    return norms


@checker("ex_rnn", reference=rnn_jacobian_norms)
def check_jacobian_product_norms(fn):
    """Check jacobian_product_norms(x, params, h0=None) against
    lstm_lib.jacobians.rnn_jacobian_norms."""
    __tracebackhide__ = True
    rng = np.random.default_rng(20)

    def case(label, B, T, D, H, scale=0.5, h0=False):
        p = rnn.RNNParams(rng.normal(0, 0.5, (D, H)),
                          rng.normal(0, scale, (H, H)),
                          rng.normal(0, 0.3, H))
        x = rng.normal(size=(B, T, D))
        args = (x, p, rng.normal(0, 0.5, (B, H))) if h0 else (x, p)
        return Case(label, args, tol=(1e-6, 1e-300))

    cases = [
        case("batch 2, 5 time steps, 3 features, 4 units, h0 not given "
             "(zeros)", 2, 5, 3, 4),
        case("batch 1, 1 time step, 1 feature, 1 unit", 1, 1, 1, 1),
        case("batch 3, 8 time steps, 2 features, 3 units, non-zero h0, "
             "larger recurrent weights", 3, 8, 2, 3, scale=1.2, h0=True),
    ]
    variant = lambda **o: (  # noqa: E731
        lambda x, p, h0=None: _norms_variant(x, p, h0, **o))
    mutants = [
        ("matches Jacobians built from recurrent_kernel itself. In the "
         "text's column-vector convention W_hh = recurrent_kernel.T.",
         variant(transpose=False)),
        ("matches products multiplied in the wrong order: "
         "dh_T/dh_{T-l} = J_T J_{T-1} ... J_{T-l+1}, so each earlier "
         "step's Jacobian joins on the right.",
         variant(left=True)),
        ("matches Jacobians without tanh's derivative: dh_t/dh_{t-1} = "
         "diag(1 - h_t^2) W_hh.", variant(derivative=False)),
        ("matches W_hh diag(1 - h_t^2): the diagonal factor multiplies "
         "W_hh from the left.", variant(side="right")),
        ("matches the Frobenius norm; the experiment uses the spectral "
         "norm, the largest singular value: np.linalg.norm(M, ord=2).",
         variant(ord=None)),
        ("matches the lags in reverse order: column 0 holds lag 1 "
         "(one step back), the last column lag T.",
         variant(layout="reversed")),
        ("matches lags 0 to T - 1: column 0 must hold lag 1, "
         "dh_T/dh_{T-1}, not the identity dh_T/dh_T.",
         variant(layout="lag0")),
    ]
    out = Output("the result", axes="(batch, lag)",
                 hint="Check the step Jacobian diag(1 - h_t^2) W_hh at "
                      "each step and how the product grows by one "
                      "Jacobian per lag.")
    return Check("jacobian_product_norms", cases, rnn_jacobian_norms,
                 single_output(out), mutants=mutants,
                 arg_names=("x", "params", "h0")).run(fn)


def _clip_variant(grads, max_norm, *, kind="global"):
    norms = [float(np.sqrt(np.sum(np.square(g)))) for g in grads]
    total = float(np.sqrt(sum(n * n for n in norms)))
    if kind == "each":
        return [g * min(1.0, max_norm / n) if n > 0 else g
                for g, n in zip(grads, norms)], total
    if kind == "always":
        return [g * (max_norm / total) for g in grads], total
    if kind == "sum_of_norms":
        return [g * min(1.0, max_norm / sum(norms))
                for g in grads], sum(norms)
    if kind == "squared":
        return [g * min(1.0, max_norm / total ** 2)
                for g in grads], total ** 2
    if kind == "values":
        return [np.clip(g, -max_norm, max_norm) for g in grads], total
    if kind == "norm_after":
        return [g * min(1.0, max_norm / total)
                for g in grads], min(total, max_norm)
    if kind == "inverted":
        return [g * min(1.0, total / max_norm) for g in grads], total
    raise ValueError(kind)


@checker("ex_rnn", reference=optim.clip_by_global_norm)
def check_clip_by_global_norm(fn):
    """Check clip_by_global_norm(grads, max_norm) -> (clipped,
    norm_before) against lstm_lib.optim."""
    __tracebackhide__ = True
    rng = np.random.default_rng(30)
    big = [rng.normal(0, 0.6, (3, 4)), rng.normal(0, 0.15, 4),
           rng.normal(0, 1.2, (2, 2, 2))]
    small = [rng.normal(0, 0.1, (2, 3)), rng.normal(0, 0.1, 5)]
    f32 = [rng.normal(0, 1.0, (4, 2)).astype(np.float32),
           rng.normal(0, 1.0, 3).astype(np.float32)]
    norm = lambda gs: number(optim.global_norm(gs))  # noqa: E731
    cases = [
        Case("3 arrays of shapes (3, 4), (4,), (2, 2, 2), global norm "
             f"{norm(big)}, max_norm 1.0", (big, 1.0)),
        Case(f"2 arrays with global norm {norm(small)}, below "
             "max_norm 5.0: nothing to clip", (small, 5.0)),
        Case("one array of shape (6,), max_norm 0.5",
             ([rng.normal(0, 1.0, 6)], 0.5)),
        Case(f"2 float32 arrays, global norm {norm(f32)}, max_norm 0.1",
             (f32, 0.1), float32=True),
        Case("2 arrays of zeros (global norm 0), max_norm 1.0",
             ([np.zeros((2, 2)), np.zeros(3)], 1.0)),
    ]

    def outputs(raw, case, name):
        grads, count = case.args[0], len(case.args[0])
        if (isinstance(raw, (list, tuple)) and len(raw) == count
                and all(isinstance(r, np.ndarray) and r.shape == np.shape(g)
                        for r, g in zip(raw, grads))):
            raise Failure(message(
                [f"{name} returned only the clipped arrays, a "
                 f"{type(raw).__name__} of {count}; it should return 2 "
                 "values: clipped and norm_before."],
                "Return the list and the global norm measured before "
                "clipping: `return clipped, norm_before`."))
        clipped, norm_before = unpack(name, raw, ("clipped", "norm_before"))
        if not isinstance(clipped, (list, tuple)) or len(clipped) != count:
            raise Failure(message([
                f"{name}: clipped, the first value returned, should be a "
                f"list of {count} arrays, one for each array in grads; it "
                f"is {describe(clipped)}."]))
        first = Output("norm_before", returned(1), number=True,
                       keep_dtype=False,
                       hint="norm_before is the global norm of all the "
                            "gradients before clipping: the square root of "
                            "the sum of the squares of every entry of "
                            "every array.")
        return [(first, norm_before)] + [
            (Output(f"clipped[{k}]",
                    f"array {k} of the list returned first",
                    "the shape of grads" f"[{k}]",
                    hint="Every array is multiplied by the same factor, "
                         "min(1, max_norm / global norm)."), c)
            for k, c in enumerate(clipped)
        ]

    variant = lambda kind: (  # noqa: E731
        lambda grads, max_norm: _clip_variant(grads, max_norm, kind=kind))
    mutants = [
        ("matches clipping each array on its own. Clipping by global norm "
         "treats all the arrays as one long vector: one norm for all of "
         "them together, and one common scale factor, so that the "
         "direction of the whole gradient is kept.", variant("each")),
        ("matches rescaling every time: when the global norm is already at "
         "most max_norm, the gradients must come back unchanged.",
         variant("always")),
        ("matches a global norm that adds up the arrays' norms. The global "
         "norm is the square root of the sum of the squares of all "
         "entries of all arrays.", variant("sum_of_norms")),
        ("matches a global norm without the square root.",
         variant("squared")),
        ("matches np.clip, which caps each entry on its own and turns the "
         "gradient's direction. Scale all arrays by one common factor "
         "instead.", variant("values")),
        ("matches the norm after clipping; return the norm measured before "
         "clipping, the one worth logging.", variant("norm_after")),
        ("matches a scale factor upside down.", variant("inverted")),
    ]
    zero_hint = ("When every gradient is zero, the global norm is 0 and "
                 "there is nothing to clip: return the arrays unchanged "
                 "rather than dividing by the norm.")
    return Check("clip_by_global_norm", cases, optim.clip_by_global_norm,
                 outputs, mutants=mutants,
                 exc_hints=((r"ZeroDivision", zero_hint),),
                 arg_names=("grads", "max_norm"),
                 warn_hint=zero_hint).run(fn)
