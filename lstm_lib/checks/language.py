"""Checkers for the language-model exercises: the softmax cross-entropy
and its gradient, sampling with a temperature, the perplexity.

Sampling is random, so its check does not compare single draws: it draws
many times from a Generator of fixed seed and compares the frequencies
with the probabilities softmax(logits / temperature), within a margin
that a right sampler, however it draws, exceeds with a probability below
one in a million (Hoeffding's inequality, in _MARGIN's comment). It also
replays the first draws from a copy of the Generator, which must give the
same ids: the draws come from the rng passed in, so a seed repeats them.
"""
import copy

import numpy as np

from .. import language
from .engine import Case, Check, Output, single_output
from .errors import Failure
from .messages import describe, message, number, returned, unpack
from .registry import checker

__all__ = ["check_softmax_cross_entropy", "check_sample_with_temperature",
           "check_perplexity"]


_LSE_HINT = (
    "np.exp overflowed: e^1000 does not fit in a float64, and inf / inf "
    "is nan. Use the stable log-sum-exp: with m the largest logit of a "
    "row, log softmax(z) = z - m - log(sum(exp(z - m))), whose exponents "
    "are all <= 0.")


def _log_softmax(z, axis=-1):
    """log softmax along axis, by log-sum-exp."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _xent_variant(logits, targets, *, stable=True, reduce="mean",
                  log=np.log, onehot="right", axis=-1):
    """softmax_cross_entropy with a deliberate mistake; (loss, dlogits)."""
    z = np.asarray(logits)
    t = np.asarray(targets)
    n = z.shape[0]
    rows = np.arange(n)
    if stable:
        log_p = _log_softmax(z, axis)
    else:
        e = np.exp(z)
        log_p = np.log(e / e.sum(axis=axis, keepdims=True))
    p = np.exp(log_p)
    nll = -log_p[rows, t] * log(np.e)  # log2(e) = 1 / ln 2 for bits
    loss = nll.mean() if reduce == "mean" else nll.sum()
    d = p.copy()
    if onehot == "right":
        d[rows, t] -= 1
    elif onehot == "columns":  # d[:, t] -= 1
        d[:, t] -= 1
    elif onehot == "transposed":  # d[t, rows] -= 1
        d[t, rows] -= 1
    if reduce == "mean":
        d = d / n
    return float(loss), d


_XENT_MISTAKES = [  # (hint, options of _xent_variant)
    ("matches a softmax without the largest logit subtracted, which "
     "overflows. " + _LSE_HINT, dict(stable=False)),
    ("matches the sum over the N positions: the loss is the mean, "
     "-(1/N) sum_n log p_n, and so dlogits carries the factor 1/N.",
     dict(reduce="sum")),
    ("matches the loss in bits (np.log2): the course measures it in nats, "
     "with the natural logarithm np.log.", dict(log=np.log2)),
    ("matches softmax(logits) / N without the one-hot subtracted: "
     "dlogits = (softmax(logits) - one_hot(targets)) / N.",
     dict(onehot="none")),
    ("matches d[:, targets] -= 1, which subtracts 1 in the target column "
     "of every row, for every target. Subtract it once per row, in that "
     "row's own target column: d[np.arange(N), targets] -= 1.",
     dict(onehot="columns")),
    ("matches d[targets, rows] -= 1, the indices exchanged: row n of "
     "dlogits is position n, so subtract 1 at d[rows, targets].",
     dict(onehot="transposed")),
    ("matches a softmax over axis 0, the positions. Each row is one "
     "position's distribution over the V characters: normalise along "
     "axis=-1 (with keepdims=True).", dict(axis=0)),
]


def _xent_outputs(raw, case, name):
    """loss (a number) and dlogits (N, V)."""
    loss, dlogits = unpack(name, raw, ("loss", "dlogits"))
    hint = ("loss = -(1/N) sum_n log softmax(logits_n)[targets_n], in "
            "nats; dlogits = (softmax(logits) - one_hot(targets)) / N.")
    return [(Output("loss", returned(0), number=True, keep_dtype=False,
                    hint=hint), loss),
            (Output("dlogits", returned(1), "(N, V)", hint), dlogits)]


@checker("ex_language", reference=language.softmax_cross_entropy)
def check_softmax_cross_entropy(fn):
    """Check softmax_cross_entropy(logits, targets) -> (loss, dlogits):
    the mean nll in nats and its gradient."""
    __tracebackhide__ = True
    rng = np.random.default_rng(70)
    cases = [
        # N < V and every target < N, so that exchanged indices run
        Case("N = 4 positions, V = 6 characters, random logits",
             (rng.normal(0, 2, (4, 6)), np.array([2, 0, 3, 2]))),
        Case("N = 3, V = 5, logits of order 1000 (e^1000 overflows)",
             (rng.normal(0, 1, (3, 5)) * 300 + 1000,
              np.array([4, 1, 0]))),
        Case("N = 5, V = 3 (more positions than characters), float32",
             (rng.normal(0, 2, (5, 3)).astype(np.float32),
              np.array([0, 2, 1, 1, 0])), float32=True),
        Case("N = 1, V = 2", (np.array([[0.5, -1.5]]), np.array([1]))),
    ]
    mutants = [(hint, (lambda o: lambda z, t: _xent_variant(z, t, **o))(
        opts)) for hint, opts in _XENT_MISTAKES]
    return Check("softmax_cross_entropy", cases,
                 language.softmax_cross_entropy, _xent_outputs,
                 mutants=mutants, arg_names=("logits", "targets"),
                 warn_hint=_LSE_HINT).run(fn)


# A right sampler's frequency f of any one id over n independent draws
# lies within eps of its probability p except with probability
# <= 2 exp(-2 n eps^2) (Hoeffding). With n = 10000 and eps = 0.03 that is
# 2 e^-18 < 4e-8 per id; over the 13 ids of the random cases below, below
# 1e-6. The seed is fixed, so a given sampler gives the same answer every
# run. Each mistake named below moves some probability of some case by
# more than 2 eps = 0.06 (ignoring the temperature or multiplying by it: by 0.16 and
# 0.25 at temperature 0.5; always the argmax, or uniform: by 0.72 and
# 0.07 at temperature 1), so its frequencies cannot pass either.
_DRAWS, _MARGIN = 10_000, 0.03
_EXACT_DRAWS = 300  # where every probability is 0 or 1, as in float64
_REPLAYED = 20  # draws made again from a copy of rng, which must repeat
_SAMPLE_HINT = (
    "np.exp overflowed: at temperature 0.001 a logit of 2 becomes 2000, "
    "e^2000 is inf and inf / inf is nan. Subtract the largest logit before "
    "dividing by the temperature: then every exponent is <= 0, and the "
    "largest is e^0 = 1.")


def _softmax_t(logits, temperature, rng, draws=None):
    """softmax(logits / temperature), the probabilities of each id."""
    z = np.asarray(logits, dtype=np.float64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        scaled = (z - z.max()) / temperature
        e = np.exp(scaled)
        return e / e.sum()


def _frequencies(fn, logits, temperature, rng, draws):
    """How often fn(logits, temperature, rng) returns each id over
    `draws` calls, as fractions (V,)."""
    __tracebackhide__ = True
    size = np.shape(logits)[-1]
    counts, first = np.zeros(size), []
    again = copy.deepcopy(rng)  # the same state, to replay the draws
    for _ in range(draws):
        k = fn(logits, temperature, rng)
        if (isinstance(k, (bool, np.bool_)) or np.ndim(k) != 0
                or not np.issubdtype(np.asarray(k).dtype, np.integer)):
            raise Failure(message(
                ["sample_with_temperature returned "
                 f"{describe(k)}; it should return one id, an int."],
                "Draw the id from the probabilities p, e.g. "
                "int(rng.choice(len(p), p=p)): return the id, not the "
                "probabilities."))
        if not 0 <= k < size:
            raise Failure(message(
                [f"sample_with_temperature returned {int(k)}, not an id "
                 f"of the {size} characters (0 to {size - 1})."]))
        counts[int(k)] += 1
        if len(first) < _REPLAYED:
            first.append(int(k))
    replay = [int(fn(logits, temperature, again)) for _ in first]
    if replay != first:
        raise Failure(message(
            ["sample_with_temperature gave other ids when called again "
             "with a Generator in the same state: its draws do not come "
             f"from rng alone (first {first[:5]}, then {replay[:5]})."],
            "Draw with the rng you are given (rng.choice, rng.random), "
            "not np.random.choice or a Generator made in the function: "
            "then a fixed seed repeats the text you generate."))
    return counts / draws


def _sampling_diagnosis(case, raw, got, k):
    """Which wrong distribution the frequencies follow."""
    logits, temperature, _ = case.args
    z = np.asarray(logits, dtype=np.float64)
    size = z.size
    argmax = np.eye(size)[np.argmax(z)]
    candidates = [
        ("multiply the logits by the temperature; divide them by it: "
         "p = softmax(logits / temperature), so that a temperature below 1 "
         "sharpens the distribution and one above 1 flattens it.",
         _softmax_t(z * temperature, 1.0, None)),
        ("ignore the temperature: p = softmax(logits / temperature).",
         _softmax_t(z, 1.0, None)),
        ("always return the argmax. Draw the id at random, with "
         "probabilities p = softmax(logits / temperature) (rng.choice(V, "
         "p=p)); only as the temperature goes to 0 does it become the "
         "argmax.", argmax),
        ("draw every id equally often: draw with the probabilities "
         "p = softmax(logits / temperature), e.g. rng.choice(V, p=p).",
         np.full(size, 1 / size)),
    ]
    freq = got[k][1]
    for words, p in candidates:
        if np.allclose(freq, p, rtol=0, atol=_MARGIN):
            return f"Your draws {words}"
    if freq.max() == 1:
        return (f"Your function returned id {int(np.argmax(freq))} at "
                "every draw. Draw with the rng you are given, which moves "
                "on at every draw; a Generator made inside the function "
                "starts again from its seed at every call.")
    return ""


@checker("ex_language", reference=language.sample_with_temperature)
def check_sample_with_temperature(fn):
    """Check sample_with_temperature(logits, temperature, rng) -> an id:
    the frequencies of many draws against softmax(logits / temperature)."""
    __tracebackhide__ = True
    rng = np.random.default_rng(71)

    def case(label, logits, temperature, seed, exact=False):
        return Case(label, (np.asarray(logits, dtype=np.float64),
                            temperature, np.random.default_rng(seed)),
                    dict(draws=_EXACT_DRAWS if exact else _DRAWS),
                    tol=(0, 0) if exact else (0, _MARGIN))

    cases = [
        case(f"V = 5, temperature 1, {_DRAWS} draws", rng.normal(0, 1, 5),
             1.0, 1),
        case(f"V = 4, temperature 0.5, {_DRAWS} draws",
             [1.0, 0.2, -0.5, 0.6], 0.5, 2),
        case(f"V = 4, temperature 2, {_DRAWS} draws",
             [2.0, -1.0, 0.0, 0.5], 2.0, 3),
        case("V = 4, logits [-1000, -1000, 0, -1000]: id 2 has "
             f"probability 1 ({_EXACT_DRAWS} draws)",
             [-1000.0, -1000.0, 0.0, -1000.0], 1.0, 4, exact=True),
        case("V = 4, temperature 0.001: the argmax, id 1, every time "
             f"({_EXACT_DRAWS} draws)", [0.5, 2.0, 1.0, -1.0], 1e-3, 5,
             exact=True),
    ]
    out = Output("the frequency of each id", axes="(V,)",
                 keep_dtype=False,
                 hint="Draw from p = softmax(logits / temperature), computed with "
                      "the largest logit subtracted first.",
                 locate=lambda case, i: f"id {i[0]}")

    def call(fn, logits, temperature, rng, draws):
        __tracebackhide__ = True
        return _frequencies(fn, logits, temperature, rng, draws)

    return Check("sample_with_temperature", cases, _softmax_t,
                 single_output(out), call=call,
                 diagnose=_sampling_diagnosis,
                 exc_hints=((r"contain NaN|probabilit", _SAMPLE_HINT),),
                 arg_names=("logits", "temperature", "rng"),
                 warn_hint=_SAMPLE_HINT).run(fn)


@checker("ex_language", reference=language.perplexity)
def check_perplexity(fn):
    """Check perplexity(mean_nll) = exp(mean_nll), mean_nll in nats."""
    __tracebackhide__ = True
    cases = [
        Case("mean_nll = log 65 = " + number(np.log(65))
             + ", as evenly spread bets over 65 characters",
             (float(np.log(65)),)),
        Case("mean_nll = 1.5", (1.5,)),
        Case("mean_nll = 0 (every character predicted with certainty)",
             (0.0,)),
        Case("mean_nll = 2.25, a NumPy float64", (np.float64(2.25),)),
    ]
    mutants = [
        ("matches 2 ** mean_nll: the mean nll is in nats, so the "
         "perplexity is e ** mean_nll, np.exp(mean_nll).",
         lambda x: 2.0 ** x),
        ("matches exp(-mean_nll), the geometric mean probability; the "
         "perplexity is its inverse, exp(mean_nll).",
         lambda x: np.exp(-x)),
        ("matches mean_nll itself: the perplexity is exp(mean_nll).",
         lambda x: x),
        ("matches 10 ** mean_nll: use the natural exponential, "
         "np.exp(mean_nll).", lambda x: 10.0 ** x),
    ]
    out = Output("the result", number=True, keep_dtype=False,
                 hint="A model that spreads its bets evenly over V "
                      "characters has mean nll log V and perplexity V.")
    return Check("perplexity", cases, language.perplexity,
                 single_output(out), mutants=mutants,
                 arg_names=("mean_nll",)).run(fn)
