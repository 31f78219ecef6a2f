"""Mutation tests of lstm_lib.checks: right code passes, unfinished code is "not done yet",
and each plausible mistake is rejected with the hint that names it.

The wrong implementations are made the way a learner makes them: from the worked solution in
chapters/ex_<topic>.ipynb, with one edit to its source (or, for a vectorised backward pass, to
lstm_lib's own source). Each edit must still find its text, so a changed solution cannot make
a test pass vacuously.
"""
import functools
import inspect
import pathlib
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from lstm_lib import activations, checks, lstm, rnn

ROOT = pathlib.Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=None)
def solution(topic):
    """Run the code cells of chapters/ex_<topic>.ipynb (not the checks); return (namespace, sources)."""
    nb = nbformat.read(ROOT / "chapters" / f"ex_{topic}.ipynb", as_version=4)
    namespace, sources = {}, {}
    code = [c for c in nb.cells if c.cell_type == "code"][1:]  # after the Colab set-up
    for cell in code:
        if re.match(r"(_ = )?check_", cell.source) or "solution-only" in cell.metadata.get("tags", []):
            continue
        exec(compile(cell.source, f"ex_{topic}", "exec"), namespace)
        for name in re.findall(r"^def (\w+)\(", cell.source, re.M):
            sources[name] = cell.source
    return namespace, sources


def R(old, new, count=1):
    """An edit: replace `count` occurrences of old by new (old must occur that often)."""
    def edit(source):
        assert source.count(old) >= count, f"{old!r} is not in the solution any more"
        return source.replace(old, new, count)
    return edit


def BODY(code):
    """An edit: replace the whole solution region by code (lines indented by four spaces)."""
    def edit(source):
        pattern = re.compile(r"    ### BEGIN SOLUTION\n.*?    ### END SOLUTION", re.S)
        assert pattern.search(source), "no solution region"
        body = "\n".join("    " + line if line else line for line in code.strip("\n").split("\n"))
        return pattern.sub(lambda m: body, source)
    return edit


def mutant(topic, edited, *edits, target=None):
    """The function `target` (default: edited) after applying edits to the solution of `edited`.

    When target differs, its own solution is run again next to the edited function, so that it
    calls the edited one (lstm_forward calling an edited lstm_cell_forward).
    """
    namespace, sources = solution(topic)
    namespace = dict(namespace)
    namespace.setdefault("sigmoid", activations.sigmoid)
    from sklearn.preprocessing import StandardScaler

    namespace.setdefault("StandardScaler", StandardScaler)
    source = sources[edited]
    for edit in edits:
        source = edit(source)
    exec(compile(source, f"mutant of {edited}", "exec"), namespace)
    target = target or edited
    if target != edited:
        exec(compile(sources[target], f"ex_{topic}", "exec"), namespace)
    return namespace[target]


def library_mutant(function, *edits):
    """A function of lstm_lib with edits to its source, run in its own module's namespace."""
    source = inspect.getsource(function)
    for edit in edits:
        source = edit(source)
    namespace = dict(vars(inspect.getmodule(function)))
    exec(compile(source, f"mutant of {function.__name__}", "exec"), namespace)
    return namespace[function.__name__]


def stub(name):
    namespace = {}
    exec(f"def {name}(*args, **kwargs):\n    raise NotImplementedError", namespace)
    return namespace[name]


def topic(name):
    """The exercise topic of a checker: "activations" for chapters/ex_activations.ipynb."""
    return checks.CHECKERS[name].notebook.removeprefix("ex_")


def check(name):
    return checks.CHECKERS[name].check


def test_every_checker_is_registered_and_exported():
    exported = {n.removeprefix("check_") for n in checks.__all__ if n.startswith("check_")}
    assert exported == set(checks.CHECKERS) and len(checks.CHECKERS) >= 18
    for name, entry in checks.CHECKERS.items():
        assert entry.name == name and getattr(checks, f"check_{name}") is entry.check
        assert (ROOT / "chapters" / f"{entry.notebook}.ipynb").exists(), entry


def test_a_checker_is_registered_once_under_its_name():
    from lstm_lib.checks.registry import checker

    with pytest.raises(ValueError, match="once for each"):
        checker("ex_rnn", reference=rnn.rnn_cell_forward)(checks.check_rnn_step)
    with pytest.raises(ValueError, match="check_<name>"):
        checker("ex_rnn", reference=rnn.rnn_cell_forward)(lambda fn: True)


@pytest.mark.parametrize("name", sorted(checks.CHECKERS))
def test_the_reference_passes(name, capsys):
    assert check(name)(checks.CHECKERS[name].reference) is True
    out = capsys.readouterr().out
    assert re.fullmatch(rf"{name}: all \d+ checks passed( \(.*\))?\.\n", out), out


@pytest.mark.parametrize("name", sorted(checks.CHECKERS))
def test_the_worked_solution_passes(name, capsys):
    fn = solution(topic(name))[0][name]
    capsys.readouterr()  # what the notebook's own cells printed
    assert check(name)(fn) is True
    out = capsys.readouterr().out
    assert out.startswith(f"{name}: all ") and out.count("\n") == 1, out


@pytest.mark.parametrize("name", sorted(checks.CHECKERS))
def test_a_stub_is_not_done_yet(name, capsys):
    assert check(name)(stub(name)) is False
    assert capsys.readouterr().out == (
        f"{name} is not done yet: replace the `raise NotImplementedError` in its cell, "
        "then run this check again.\n")


def test_a_finished_function_that_calls_an_unfinished_one(capsys):
    fn = mutant("activations", "sigmoid", BODY("raise NotImplementedError"), target="sigmoid_derivative")
    assert checks.check_sigmoid_derivative(fn) is False
    assert capsys.readouterr().out.startswith(
        "sigmoid_derivative uses sigmoid, which is not done yet: finish sigmoid first")


def test_a_backward_pass_whose_forward_is_not_done(capsys):
    fn = mutant("lstm", "lstm_cell_forward", BODY("raise NotImplementedError"), target="lstm_cell_backward")
    assert checks.check_lstm_cell_backward(fn) is False
    assert capsys.readouterr().out.startswith(
        "lstm_cell_backward is checked through your lstm_cell_forward, which is not done yet")


def test_a_backward_stub_is_not_done_even_when_its_forward_is_not(capsys):
    namespace = {"lstm_forward": stub("lstm_forward")}
    exec("def lstm_backward(dh_seq, cache, dc_last=None):\n    raise NotImplementedError", namespace)
    assert checks.check_lstm_backward(namespace["lstm_backward"]) is False
    assert capsys.readouterr().out.startswith("lstm_backward is not done yet")


def test_a_backward_pass_whose_forward_is_wrong():
    fn = mutant("lstm", "lstm_forward", R(" if h0 is None else h0", ""), R(" if c0 is None else c0", ""),
                target="lstm_backward")
    with pytest.raises(AssertionError, match="your lstm_forward does not agree with the reference"):
        checks.check_lstm_backward(fn)


def test_importing_the_checks_is_light():
    code = ("import sys, lstm_lib.checks; "
            "assert not {'tensorflow', 'keras', 'sklearn'} & set(sys.modules), 'heavy import'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_not_a_function():
    with pytest.raises(TypeError, match=r"check_sigmoid\(sigmoid\)"):
        checks.check_sigmoid(np.zeros(3))


# (checker, how to make the wrong function, phrase of the hint, the output named)
A, N, L, F = "activations", "rnn", "lstm", "forecasting"
LM = "language"  # chapters/ex_language.ipynb
MUTANTS = [
    # --- sigmoid
    ("sigmoid", lambda: mutant(A, "sigmoid", BODY("return 1 / (1 + np.exp(-z))")),
     "overflowed", "NumPy warned"),
    ("sigmoid", lambda: mutant(A, "sigmoid", R("1 / (1 + e), e / (1 + e)", "e / (1 + e), 1 / (1 + e)")),
     "matches sigmoid(-z)", "the result is wrong"),
    ("sigmoid", lambda: mutant(A, "sigmoid", BODY("return np.exp(z) / (1 + np.exp(z))")),
     "inf / inf = nan", "where z = 1000"),
    ("sigmoid", lambda: mutant(A, "sigmoid", BODY("return np.tanh(z)")),
     "matches tanh(z)", "the result is wrong"),
    ("sigmoid", lambda: mutant(A, "sigmoid", BODY("return 1 / (1 - np.exp(-z))")),
     "sign in the denominator", "the result is wrong"),
    ("sigmoid", lambda: mutant(A, "sigmoid", BODY(
        "s = np.zeros(z.shape)\ne = np.exp(-np.abs(z))\ns[z >= 0] = (1 / (1 + e))[z >= 0]\n"
        "s[z < 0] = (e / (1 + e))[z < 0]\nreturn s")),
     "np.zeros(shape)", "wrong dtype"),
    ("sigmoid", lambda: mutant(A, "sigmoid", BODY("z[z < -500] = -500\nreturn 1 / (1 + np.exp(-z))")),
     "Compute new arrays", "changed its input z in place"),
    ("sigmoid", lambda: mutant(A, "sigmoid", BODY("s = 1 / (1 + np.exp(-np.abs(z)))")),
     "without a return statement", "returned None"),
    # --- sigmoid_derivative
    ("sigmoid_derivative", lambda: mutant(A, "sigmoid_derivative", R("s = sigmoid(z)\n    return s * (1 - s)",
                                                                    "return z * (1 - z)")),
     "written through the output", "the result is wrong"),
    ("sigmoid_derivative", lambda: mutant(A, "sigmoid_derivative", BODY("return np.exp(-z) / (1 + np.exp(-z)) ** 2")),
     "nan (inf / inf)", "where z = -1000"),
    ("sigmoid_derivative", lambda: mutant(A, "sigmoid_derivative", R("s * (1 - s)", "1 - s ** 2")),
     "form of tanh's derivative", "the result is wrong"),
    ("sigmoid_derivative", lambda: mutant(A, "sigmoid_derivative", R("return s * (1 - s)", "return s")),
     "itself, not its derivative", "the result is wrong"),
    ("sigmoid_derivative", lambda: mutant(A, "sigmoid_derivative", R("s * (1 - s)", "s * (s - 1)")),
     "derivative is positive", "the result is wrong"),
    ("sigmoid_derivative", lambda: mutant(A, "sigmoid_derivative", R("s * (1 - s)", "s * (1 - s) / 2")),
     "0.25 at z = 0", "the result is wrong"),
    # --- tanh
    ("tanh", lambda: mutant(A, "tanh", BODY("return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))")),
     "nan once e^1000 overflows", "where z = -1000"),
    ("tanh", lambda: mutant(A, "tanh", BODY("return (1 - np.exp(-2 * z)) / (1 + np.exp(-2 * z))")),
     "large negative z", "where z = -1000"),
    ("tanh", lambda: mutant(A, "tanh", BODY("return (np.exp(z) - np.exp(-z)) / 2")),
     "sinh(z)", "the result is wrong"),
    ("tanh", lambda: mutant(A, "tanh", BODY("return 2 * sigmoid(z) - 1")),
     "matches tanh(z / 2)", "the result is wrong"),
    ("tanh", lambda: mutant(A, "tanh", BODY("return sigmoid(z)")),
     "runs from 0 to 1", "the result is wrong"),
    ("tanh", lambda: mutant(A, "tanh", R("return np.sign(z) * (1 - e) / (1 + e)", "return (1 - e) / (1 + e)")),
     "tanh is odd", "the result is wrong"),
    # --- tanh_derivative
    ("tanh_derivative", lambda: mutant(A, "tanh_derivative", R("t = tanh(z)\n    return 1 - t ** 2",
                                                              "return 1 - z ** 2")),
     "written through the output t = tanh(z)", "the result is wrong"),
    ("tanh_derivative", lambda: mutant(A, "tanh_derivative", R("1 - t ** 2", "1 - t")),
     "must be squared", "the result is wrong"),
    ("tanh_derivative", lambda: mutant(A, "tanh_derivative", R("1 - t ** 2", "t * (1 - t)")),
     "sigmoid's form of derivative", "the result is wrong"),
    ("tanh_derivative", lambda: mutant(A, "tanh_derivative", BODY("return 1 / np.cosh(z) ** 2")),
     "cosh(1000)", "NumPy warned"),
    ("tanh_derivative", lambda: mutant(A, "tanh_derivative", R("1 - t ** 2", "1 + t ** 2")),
     "check the sign", "the result is wrong"),
    # --- rnn_step
    ("rnn_step", lambda: mutant(N, "rnn_step", R(" + bias  # (B, H)", "  # (B, H)")),
     "without the bias", "h_t is wrong"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("+ bias  #", "+ 2 * bias  #")),
     "bias twice", "h_t is wrong"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R(" + h_prev @ recurrent_kernel", "")),
     "without the recurrent term", "h_t is wrong"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("x_t @ kernel + h_prev @ recurrent_kernel",
                                                  "x_t @ recurrent_kernel + h_prev @ kernel")),
     "not swapped or transposed", "raised ValueError"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("h_prev @ recurrent_kernel", "h_prev @ recurrent_kernel.T")),
     "recurrent_kernel transposed", "h_t is wrong"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("x_t @ kernel", "x_t @ kernel.T")),
     "not swapped or transposed", "raised ValueError"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("np.tanh(z)", "sigmoid(z)")),
     "uses the sigmoid", "h_t is wrong"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("return np.tanh(z)", "return z")),
     "without the tanh", "h_t is wrong"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("+ bias  #", "+ bias.astype(float)  #")),
     "makes float64", "h_t has the wrong dtype"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("return np.tanh(z)", "return np.tanh(z).T")),
     "is the array transposed", "Expected shape (3, 4) = (batch, units); got (4, 3)"),
    ("rnn_step", lambda: mutant(N, "rnn_step", R("return np.tanh(z)", "return np.tanh(z), (x_t, h_prev, z)")),
     "Return h_t alone", "returned 2 values (an array of shape (3, 4) and a tuple of 3 items)"),
    # --- jacobian_product_norms
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "W_hh = params.recurrent_kernel.T", "W_hh = params.recurrent_kernel")),
     "recurrent_kernel itself", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "product = product @ J", "product = J @ product")),
     "wrong order", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "J = (1 - h_seq[b, T - lag] ** 2)[:, None] * W_hh", "J = W_hh")),
     "without tanh's derivative", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "(1 - h_seq[b, T - lag] ** 2)[:, None] * W_hh", "W_hh * (1 - h_seq[b, T - lag] ** 2)[None, :]")),
     "from the left", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "np.linalg.norm(product, ord=2)", "np.linalg.norm(product)")),
     "Frobenius", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "norms[b, lag - 1]", "norms[b, T - lag]")),
     "reverse order", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "            product = product @ J  # dh_T/dh_{T-lag}\n"
        "            norms[b, lag - 1] = np.linalg.norm(product, ord=2)",
        "            norms[b, lag - 1] = np.linalg.norm(product, ord=2)\n"
        "            product = product @ J")),
     "lags 0 to T - 1", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R(
        "h_seq[b, T - lag]", "h_seq[b, T - lag - 1]")),
     "step Jacobian", "the result is wrong"),
    ("jacobian_product_norms", lambda: mutant(N, "jacobian_product_norms", R("return norms", "return norms.T")),
     "transposed", "(batch, lag)"),
    # --- clip_by_global_norm
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", BODY(
        "norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))\nclipped = []\nfor g in grads:\n"
        "    own = np.sqrt(np.sum(g ** 2))\n    clipped.append(g * min(1.0, max_norm / own))\n"
        "return clipped, float(norm)")),
     "each array on its own", "clipped[0], array 0 of the list returned first, is wrong"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R("min(1.0, max_norm / norm)", "max_norm / norm")),
     "rescaling every time", "clipped[0]"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "np.sqrt(sum(np.sum(g ** 2) for g in grads))", "sum(np.sqrt(np.sum(g ** 2)) for g in grads)")),
     "adds up the arrays' norms", "norm_before, the second value returned"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "np.sqrt(sum(np.sum(g ** 2) for g in grads))", "sum(np.sum(g ** 2) for g in grads)")),
     "without the square root", "norm_before, the second value returned"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "clipped = [g * scale for g in grads]", "clipped = [np.clip(g, -max_norm, max_norm) for g in grads]")),
     "np.clip", "clipped[0]"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "clipped = [g * scale for g in grads]", "for g in grads:\n        g *= scale\n    clipped = grads")),
     "instead of changing the inputs", "changed its input grads[0] in place"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "return clipped, float(norm)", "return clipped, float(min(norm, max_norm))")),
     "norm after clipping", "norm_before, the second value returned"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R("max_norm / norm", "norm / max_norm")),
     "upside down", "clipped[0]"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "scale = min(1.0, max_norm / norm) if norm > 0 else 1.0", "scale = min(1.0, max_norm / float(norm))")),
     "nothing to clip", "raised ZeroDivisionError"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "scale = min(1.0, max_norm / norm) if norm > 0 else 1.0", "scale = min(1.0, max_norm / norm)")),
     "nothing to clip", "NumPy warned"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "clipped = [g * scale for g in grads]", "clipped = [np.asarray(g, dtype=float) * scale for g in grads]")),
     "makes float64", "has the wrong dtype"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R(
        "return clipped, float(norm)", "return float(norm), clipped")),
     "", "should be a list of 3 arrays"),
    ("clip_by_global_norm", lambda: mutant(N, "clip_by_global_norm", R("return clipped, float(norm)", "return clipped")),
     "return clipped, norm_before", "returned only the clipped arrays"),
    # --- lstm_cell_forward
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward",
                                         R("i = sigmoid(z[:, 0 * H:1 * H])", "i = sigmoid(z[:, 1 * H:2 * H])"),
                                         R("f = sigmoid(z[:, 1 * H:2 * H])", "f = sigmoid(z[:, 0 * H:1 * H])")),
     "trade places", "c_t, the second value returned, is wrong"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward",
                                         R("g = np.tanh(z[:, 2 * H:3 * H])", "g = np.tanh(z[:, 3 * H:4 * H])"),
                                         R("o = sigmoid(z[:, 3 * H:4 * H])", "o = sigmoid(z[:, 2 * H:3 * H])")),
     "candidate values come from the third block", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R(" + params.bias", "")),
     "without the bias", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("+ params.bias", "+ 2 * params.bias")),
     "bias twice", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R(" + h_prev @ params.recurrent_kernel", "")),
     "without the recurrent term", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R(
        "x_t @ params.kernel + h_prev @ params.recurrent_kernel", "x_t @ params.recurrent_kernel + h_prev @ params.kernel")),
     "not swapped or transposed", "raised ValueError"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("g = np.tanh(", "g = sigmoid(")),
     "candidate values g use the sigmoid", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("tanh_c = np.tanh(c_t)", "tanh_c = sigmoid(c_t)")),
     "squashes c_t with the sigmoid", "h_t, the first value returned, is wrong"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("= sigmoid(", "= np.tanh(", count=3)),
     "gates i, f and o use tanh", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("i = sigmoid(", "i = np.tanh(")),
     "input gate i uses tanh", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("f = sigmoid(", "f = np.tanh(")),
     "forget gate f uses tanh", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("o = sigmoid(", "o = np.tanh(")),
     "output gate o uses tanh", "h_t, the first value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("h_t = o * tanh_c", "h_t = o * c_t")),
     "goes through tanh", "h_t, the first value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("tanh_c = np.tanh(c_t)", "tanh_c = np.tanh(c_prev)")),
     "uses c_prev", "h_t, the first value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("+ i * g", "+ g")),
     "input gate i, which scales", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("f * c_prev", "c_prev")),
     "forget gate f, which scales", "c_t, the second value returned"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("H = params.units", "H = params.units\n    x_t = x_t.astype(float)")),
     "makes float64", "has the wrong dtype"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("return h_t, c_t, cache", "return h_t, c_t")),
     "", "returned 2 values; it should return 3: h_t, c_t, cache"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("c_t = f * c_prev + i * g", "c_prev *= f\n    c_t = c_prev + i * g")),
     "Compute new arrays", "changed its input c_prev in place"),
    ("lstm_cell_forward", lambda: mutant(L, "lstm_cell_forward", R("h_t = o * tanh_c", "h_t = (o * tanh_c).T")),
     "transposed", "Expected shape (3, 5) = (batch, units); got (5, 3)"),
    # --- lstm_forward
    ("lstm_forward", lambda: mutant(L, "lstm_cell_forward",
                                    R("i = sigmoid(z[:, 0 * H:1 * H])", "i = sigmoid(z[:, 1 * H:2 * H])"),
                                    R("f = sigmoid(z[:, 1 * H:2 * H])", "f = sigmoid(z[:, 0 * H:1 * H])"),
                                    target="lstm_forward"),
     "trade places", "c_seq, the second value returned"),
    ("lstm_forward", lambda: mutant(L, "lstm_cell_forward", R("h_t = o * tanh_c", "h_t = o * c_t"), target="lstm_forward"),
     "goes through tanh", "c_seq, the second value returned"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward",
                                    R("h, c, cache_t = lstm_cell_forward", "h_t, c_t, cache_t = lstm_cell_forward"),
                                    R("h_seq[:, t], c_seq[:, t] = h, c", "h_seq[:, t], c_seq[:, t] = h_t, c_t")),
     "starts every step from the initial state", "c_seq, the second value returned"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward",
                                    R("h, c, cache_t = lstm_cell_forward", "h, c_t, cache_t = lstm_cell_forward"),
                                    R("h_seq[:, t], c_seq[:, t] = h, c", "h_seq[:, t], c_seq[:, t] = h, c_t")),
     "passes h from step to step but not c", "c_seq, the second value returned"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward", R(" if h0 is None else h0", ""), R(" if c0 is None else c0", "")),
     "ignores h0 and c0", "c_seq, the second value returned"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward", R(
        "        h, c, cache_t = lstm_cell_forward(x[:, t], h, c, params)  # (B, H)\n"
        "        h_seq[:, t], c_seq[:, t] = h, c",
        "        h_seq[:, t], c_seq[:, t] = h, c\n"
        "        h, c, cache_t = lstm_cell_forward(x[:, t], h, c, params)")),
     "before the update", "c_seq, the second value returned"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward", R("lstm_cell_forward(x[:, t]", "lstm_cell_forward(x[t]")),
     "combined element by element", "raised ValueError"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward", R(
        "H, dtype = params.units, np.result_type(x, params.kernel)", "H, dtype = params.units, float")),
     "makes float64", "has the wrong dtype"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward", R("for t in range(T):", "for t in range(T - 1):")),
     "it stops one step early", "c_seq, the second value returned, is wrong"),
    ("lstm_forward", lambda: mutant(L, "lstm_forward", R(
        "h_seq, c_seq = np.empty((B, T, H), dtype), np.empty((B, T, H), dtype)", "h_seq, c_seq = [], []"),
        R("h_seq[:, t], c_seq[:, t] = h, c", "h_seq.append(h)\n        c_seq.append(c)")),
     "np.stack(your_list, axis=1)", "got a list of 4 arrays of shape (3, 5)"),
    # --- lstm_cell_backward
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("di * i * (1 - i)", "di"),
                                          R("df * f * (1 - f)", "df"), R("do * o * (1 - o)", "do")),
     "without the sigmoid's derivative", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("di * i * (1 - i)", "di * (1 - i ** 2)"),
                                          R("df * f * (1 - f)", "df * (1 - f ** 2)"),
                                          R("do * o * (1 - o)", "do * (1 - o ** 2)")),
     "which is tanh's derivative", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("dg * (1 - g ** 2)", "dg")),
     "for the candidate g", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("dh_t * o * (1 - tanh_c ** 2)", "dh_t * o")),
     "path from h_t into c_t", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("dc = dc_t + dh_t", "dc = dh_t")),
     "ignores dc_t", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("dc_prev = dc * f", "dc_prev = dc")),
     "without the forget gate", "dc_prev, the third value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("[di * i * (1 - i),", "[df * f * (1 - f),"),
                                          R("                         df * f * (1 - f),",
                                            "                         di * i * (1 - i),")),
     "blocks trade places", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R(
        "LSTMParams(x_t.T @ dz, h_prev.T @ dz, dz.sum(axis=0))", "(x_t.T @ dz, h_prev.T @ dz, dz)")),
     "sums their contributions", "grads.bias"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R(
        "LSTMParams(x_t.T @ dz, h_prev.T @ dz, dz.sum(axis=0))", "(dz.T @ x_t, h_prev.T @ dz, dz.sum(axis=0))")),
     "transposed", "grads.kernel"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("dz @ params.kernel.T", "dz @ params.kernel")),
     "not swapped or transposed", "raised ValueError"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("return dx_t, dh_prev, dc_prev, grads",
                                                                      "return dx_t, dh_prev, dc_prev, grads[:2]")),
     "", "should hold three arrays"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("do = dh_t * tanh_c",
                                                                      "do = dh_t * (f * c_prev + i * g)")),
     "do = dh_t * c_t", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("di * i * (1 - i)", "di * i * (i - 1)"),
                                          R("df * f * (1 - f)", "df * f * (f - 1)"),
                                          R("do * o * (1 - o)", "do * o * (o - 1)")),
     "derivative s (s - 1)", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("axis=1)  # (B, 4H)", "axis=1) / len(x_t)")),
     "divided by 3, the batch size", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R(
        "LSTMParams(x_t.T @ dz, h_prev.T @ dz, dz.sum(axis=0))",
        "LSTMParams(x_t.T @ dz / len(x_t), h_prev.T @ dz / len(x_t), dz.mean(axis=0))")),
     "divided by 3, the batch size", "grads.kernel"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R(
        "df, di, dg = dc * c_prev, dc * g, dc * i", "df, di, dg = dc * c_prev, dc * i, dc * g")),
     "Your do, dc and df are right, but your di is wrong", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("dh_t * o * (1 - tanh_c ** 2)",
                                                                      "dh_t * (1 - tanh_c ** 2)")),
     "Your do is right, but your dc is wrong", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("do * o * (1 - o)", "do * o")),
     "but your dz is wrong in its block o", "dx_t, the first value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("dc_prev = dc * f", "dc_prev = dc * f * f")),
     "Your dz is right, so look at the last step: dc_prev = dc * f", "dc_prev, the third value returned"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", BODY(  # other names: read grads.bias
        "x_t, h_prev, c_prev, i, f, g, o, tanh_c, params = cache\n"
        "grad_c = dc_t + dh_t * (1 - tanh_c ** 2)\n"  # without o
        "grad_z = np.concatenate([grad_c * g * i * (1 - i), grad_c * c_prev * f * (1 - f),\n"
        "                         grad_c * i * (1 - g ** 2), dh_t * tanh_c * o * (1 - o)], axis=1)\n"
        "return (grad_z @ params.kernel.T, grad_z @ params.recurrent_kernel.T, grad_c * f,\n"
        "        LSTMParams(x_t.T @ grad_z, h_prev.T @ grad_z, grad_z.sum(axis=0)))")),
     "wrong in its blocks i, f and c and right in o, and all three come from dc", "dx_t, the first value"),
    ("lstm_cell_backward", lambda: mutant(L, "lstm_cell_backward", R("LSTMParams(x_t.T @ dz,", "(x_t.T @ dz[:, 1:],")),
     "Print the .shape of every gradient", "grads.kernel, in the fourth value returned, has the wrong shape"),
    # --- lstm_backward
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R("dh = dh_seq[:, t] + dh_next", "dh = dh_seq[:, t]")),
     "arriving at h_t from step t + 1", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R("dx[t], dh_next, dc_next, step =",
                                                           "dx[t], dh_next, dc_prev, step =")),
     "does not carry dc", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R("dx[t], dh_next, dc_next, step = lstm_cell_backward(dh, dc_next,",
                                                           "dx[t], dh_next, dc_prev, step = lstm_cell_backward(dh, 0 * dh,")),
     "does not carry dc", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R(" if dc_last is None else dc_last", "")),
     "ignores dc_last", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R("for t in reversed(range(T)):", "for t in range(T):")),
     "runs forward in time", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_cell_backward", R("di * i * (1 - i)", "di"), R("df * f * (1 - f)", "df"),
                                     R("do * o * (1 - o)", "do"), target="lstm_backward"),
     "without the sigmoid's derivative", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_cell_backward", R("dg * (1 - g ** 2)", "dg"), target="lstm_backward"),
     "for the candidate g", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_cell_backward", R("dh_t * o * (1 - tanh_c ** 2)", "dh_t * o"),
                                     target="lstm_backward"),
     "path from h_t into c_t", "dx, the first value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R("dh = dh_seq[:, t] + dh_next", "dh = dh_seq[:, t]\n        dh += dh_next")),
     "Compute new arrays", "changed its input dh_seq in place"),
    ("lstm_backward", lambda: library_mutant(lstm.lstm_backward, R(
        "h_prev.reshape(batch * steps, units).T @ dz_flat", "h_seq.reshape(batch * steps, units).T @ dz_flat")),
     "pairs dz at step t with h_t", "grads.recurrent_kernel"),
    ("lstm_backward", lambda: library_mutant(lstm.lstm_backward, R("dz_flat.sum(axis=0)", "dz.sum(axis=1)")),
     "error above points at the line", "bias must be a 1-D array"),
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R("LSTMParams(*grads)", "LSTMParams(*[g / T for g in grads])")),
     "divided by 4, the number of time steps T", "grads.kernel, in the fourth value returned"),
    ("lstm_backward", lambda: mutant(L, "lstm_backward", R("total += g", "total[...] = g")),
     "Your dx, dh0 and dc0 are right", "grads.kernel, in the fourth value returned"),
    # --- gru_step
    ("gru_step", lambda: mutant("gru", "gru_step", R("h_t = z * h_prev + (1 - z) * h_tilde",
                                                     "h_t = (1 - z) * h_prev + z * h_tilde")),
     "z and 1 - z trade places", "gru_step: h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("z = sigmoid(xw[:, :H] + hu[:, :H])",
                                                     "z = sigmoid(xw[:, H:2 * H] + hu[:, H:2 * H])"),
                                R("r = sigmoid(xw[:, H:2 * H] + hu[:, H:2 * H])", "r = sigmoid(xw[:, :H] + hu[:, :H])")),
     "Keras' order is z, r, h", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R(
        "h_tilde = np.tanh(xw[:, 2 * H:] + r * hu[:, 2 * H:])",
        "h_tilde = np.tanh(xw[:, 2 * H:] + (r * h_prev) @ recurrent_kernel[:, 2 * H:] + bias[1, 2 * H:])")),
     "as Keras' reset_after=False does", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R(
        "h_tilde = np.tanh(xw[:, 2 * H:] + r * hu[:, 2 * H:])",
        "h_tilde = np.tanh(xw[:, 2 * H:] + r * (h_prev @ recurrent_kernel[:, 2 * H:]) + bias[1, 2 * H:])")),
     "but not the recurrent bias of the candidate block", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("hu = h_prev @ recurrent_kernel + bias[1]",
                                                     "hu = h_prev @ recurrent_kernel")),
     "uses bias[0] alone", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("xw = x_t @ kernel + bias[0]", "xw = x_t @ kernel")),
     "uses bias[1] alone", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("xw = x_t @ kernel + bias[0]", "xw = x_t @ kernel + bias[1]"),
                                R("hu = h_prev @ recurrent_kernel + bias[1]", "hu = h_prev @ recurrent_kernel + bias[0]")),
     "two bias rows swapped", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("xw = x_t @ kernel + bias[0]", "xw = x_t @ kernel + bias")),
     "it has two rows, (2, 3 units)", "raised ValueError"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("h_tilde = np.tanh(", "h_tilde = sigmoid(")),
     "candidate h~ uses the sigmoid", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("= sigmoid(", "= np.tanh(", count=2)),
     "gates z and r use tanh", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("hu = h_prev @ recurrent_kernel + bias[1]", "hu = 0 * h_prev[:, :1] + bias[1]")),
     "without the recurrent products", "h_t is wrong"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("x_t @ kernel", "x_t @ recurrent_kernel"),
                                R("h_prev @ recurrent_kernel", "h_prev @ kernel")),
     "not swapped or transposed", "raised ValueError"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("return h_t", "return h_t.T")),
     "transposed", "Expected shape (3, 4) = (batch, units); got (4, 3)"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("H = params.units", "H = params.units\n    x_t = x_t.astype(float)")),
     "makes float64", "has the wrong dtype"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("return h_t", "return h_t, z")),
     "Return h_t alone", "returned 2 values"),
    ("gru_step", lambda: mutant("gru", "gru_step", R("h_t = z * h_prev + (1 - z) * h_tilde",
                                                     "h_prev *= z\n    h_t = h_prev + (1 - z) * h_tilde")),
     "Compute new arrays", "changed its input h_prev in place"),
    # --- gru_step_backward
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R(
        "dh_prev = dh_t * z + dhu @ recurrent_kernel.T", "dh_prev = dhu @ recurrent_kernel.T")),
     "dh_prev without the direct path", "dh_prev, the second value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("dh_t * z + dhu", "dh_t * (1 - z) + dhu")),
     "so the direct path is dh_t * z", "dh_prev, the second value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("[da_z, da_r, r * da_h]", "[da_z, da_r, da_h]")),
     "forgets the reset gate on the recurrent path", "dh_prev, the second value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("dhu.sum(axis=0)])", "dxw.sum(axis=0)])")),
     "two rows are equal, both dxw summed", "grads.bias, in the third value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("[dxw.sum(axis=0), dhu.sum(axis=0)]",
                                                                       "[dhu.sum(axis=0), dhu.sum(axis=0)]")),
     "two rows are equal, both dhu summed", "grads.bias, in the third value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("[dxw.sum(axis=0), dhu.sum(axis=0)]",
                                                                       "[dhu.sum(axis=0), dxw.sum(axis=0)]")),
     "two rows swapped", "grads.bias, in the third value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("da_z = dz * z * (1 - z)", "da_z = dz"),
                                         R("da_r = dr * r * (1 - r)", "da_r = dr")),
     "without the sigmoid's derivative", "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("da_h = dh_tilde * (1 - h_tilde ** 2)",
                                                                       "da_h = dh_tilde")),
     "without tanh's derivative", "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("dz = dh_t * (h_prev - h_tilde)",
                                                                       "dz = dh_t * (h_tilde - h_prev)")),
     "dz = dh_t * (h_prev - h~)", "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("dh_tilde = dh_t * (1 - z)", "dh_tilde = dh_t * z")),
     "with dh_tilde = dh_t * z", "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R(
        "dr = da_h * hu_h", "dr = da_h * (h_prev @ recurrent_kernel[:, 2 * H:])")),
     "so dr = da_h * hu_h, bias included", "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("[da_z, da_r, da_h]", "[da_r, da_z, da_h]"),
                                         R("[da_z, da_r, r * da_h]", "[da_r, da_z, r * da_h]")),
     "in the order of the gates, z, r, h", "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("da_r = dr * r * (1 - r)", "da_r = dr * r")),
     "Your dz, dh_tilde, da_h, dr and da_z are right, but your da_r is wrong: r = sigmoid(a_r)",
     "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("dx_t = dxw @ kernel.T", "dx_t = dhu @ kernel.T")),
     "Your intermediate gradients are right, so look at the last step: dx_t = dxw @ kernel.T",
     "dx_t, the first value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("np.stack([dxw.sum(axis=0), dhu.sum(axis=0)])",
                                                                       "np.stack([dxw.mean(axis=0), dhu.mean(axis=0)])")),
     "divided by 3, the batch size", "grads.bias, in the third value returned, is wrong"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("GRUParams(x_t.T @ dxw,", "(dxw.T @ x_t,")),
     "transposed", "grads.kernel, in the third value returned, has the wrong shape"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("dx_t = dxw @ kernel.T", "dx_t = dxw @ kernel")),
     "not swapped or transposed", "raised ValueError"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("return dx_t, dh_prev, grads",
                                                                       "return dx_t, dh_prev, grads[:2]")),
     "", "should hold three arrays"),
    ("gru_step_backward", lambda: mutant("gru", "gru_step_backward", R("return dx_t, dh_prev, grads",
                                                                       "return dx_t, dh_prev, *grads")),
     "", "returned 5 values; it should return 3: dx_t, dh_prev, grads"),
    # --- split_scale_window
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R(
        "MinMaxScaler().fit(prices[:train_end, None])", "MinMaxScaler().fit(prices[:, None])")),
     "fitted on all 60 days", "scaler, the seventh value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("prices[:train_end, None]", "prices[:validation_end, None]")),
     "fitted on the training and validation days", "scaler, the seventh value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("MinMaxScaler()", "StandardScaler()")),
     "StandardScaler", "scaler, the seventh value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("y = scaled[lookback:, None]",
                                                                     "y = scaled[lookback - 1:-1, None]")),
     "last day of its own input window", "y_train, the second value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window",
                                          R("starts = range(n - lookback)", "starts = range(n - lookback - 1)"),
                                          R("y = scaled[lookback:, None]", "y = scaled[lookback + 1:, None]"),
                                          R("target_day = np.arange(lookback, n)", "target_day = np.arange(lookback + 1, n)")),
     "two days after", "X_train, the first value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R(
        "target_day = np.arange(lookback, n)",
        "order = np.random.default_rng(0).permutation(len(X))\n    X, y = X[order], y[order]\n"
        "    target_day = np.arange(lookback, n)")),
     "not in time order", "X_train, the first value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", BODY(
        "n = len(prices)\ntrain_end = int(round(n * train))\nvalidation_end = int(round(n * (train + validation)))\n"
        "scaler = MinMaxScaler().fit(prices[:train_end, None])\nscaled = scaler.transform(prices[:, None])[:, 0]\n"
        "parts = []\nfor start, stop in [(0, train_end), (train_end, validation_end), (validation_end, n)]:\n"
        "    piece = scaled[start:stop]\n"
        "    X = np.stack([piece[k:k + lookback] for k in range(len(piece) - lookback)])[:, :, None]\n"
        "    parts += [X, piece[lookback:, None]]\nreturn (*parts, scaler)")),
     "only its target day decides", "X_val, the third value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", BODY(
        "n = len(prices)\ntrain_end = int(round(n * train))\n"
        "scaler = MinMaxScaler().fit(prices[:train_end, None])\nscaled = scaler.transform(prices[:, None])[:, 0]\n"
        "X = np.stack([scaled[k:k + lookback] for k in range(n - lookback)])[:, :, None]\n"
        "y = scaled[lookback:, None]\na, b = int(round(len(X) * train)), int(round(len(X) * (train + validation)))\n"
        "return X[:a], y[:a], X[a:b], y[a:b], X[b:], y[b:], scaler")),
     "the split its target day falls in", "X_train, the first value returned"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("[:, :, None]", "")),
     "last axis of size 1 is missing", "X_train, the first value returned, has the wrong shape"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("y = scaled[lookback:, None]", "y = scaled[lookback:]")),
     "last axis of size 1 is missing", "y_train, the second value returned, has the wrong shape"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("return (*parts, scaler)", "return tuple(parts)")),
     "", "returned 6 values; it should return 7"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("prices = np.asarray(prices, dtype=float)\n", ""),
                                          R("scaler = MinMaxScaler()",
                                            "prices -= prices[:train_end].min()\n    scaler = MinMaxScaler()")),
     "Compute new arrays", "changed its input prices in place"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("int(round(n * train))", "int(n * train)"),
                                          R("int(round(n * (train + validation)))", "int(n * (train + validation))")),
     "train_end matches int(47 * 0.7) = int(32.9) = 32", "Case 4 of 4: 47 days"),
    ("split_scale_window", lambda: mutant(F, "split_scale_window", R("int(round(n * (train + validation)))",
                                                                     "int(n * (train + validation))")),
     "validation_end matches int(47 * 0.85)", "X_val, the third value returned"),
    # --- persistence_forecast
    ("persistence_forecast", lambda: mutant(F, "persistence_forecast", R("X[:, -1, :1]", "X[:, 0, :1]")),
     "first day of each window", "the forecast is wrong"),
    ("persistence_forecast", lambda: mutant(F, "persistence_forecast", R("X[:, -1, :1]", "X[:, -2, :1]")),
     "day before the last", "the forecast is wrong"),
    ("persistence_forecast", lambda: mutant(F, "persistence_forecast", R("X[:, -1, :1]", "X[:, :, :1].mean(axis=1)")),
     "moving average", "the forecast is wrong"),
    ("persistence_forecast", lambda: mutant(F, "persistence_forecast", R("X[:, -1, :1]", "X[:, -1, :]")),
     "first feature only", "the forecast has the wrong shape"),
    ("persistence_forecast", lambda: mutant(F, "persistence_forecast", R("X[:, -1, :1]", "X[:, -1, 0]")),
     "last axis of size 1 is missing", "Expected shape (6, 1) = (windows, 1); got (6,)"),
    # --- moving_average_forecast
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R("X[:, -days:, :1]", "X[:, :, :1]")),
     "mean of the whole window", "the forecast is wrong"),
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R("X[:, -days:, :1]", "X[:, :days, :1]")),
     "the window's first `days` days", "the forecast is wrong"),
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R("X[:, -days:, :1]", "X[:, -days - 1:, :1]")),
     "the last days + 1 days", "the forecast is wrong"),
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R("X[:, -days:, :1]", "X[:, -days + 1:, :1]")),
     "the last days - 1 days", "the forecast is wrong"),
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R("X[:, -days:, :1]", "X[:, -5:, :1]")),
     "whatever `days` is", "the forecast is wrong"),
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R(".mean(axis=1)", ".sum(axis=1)")),
     "the sum of the last `days` values", "the forecast is wrong"),
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R("X[:, -days:, :1]", "X[:, -days:, :]")),
     "first feature only", "the forecast has the wrong shape"),
    ("moving_average_forecast", lambda: mutant(F, "moving_average_forecast", R("X[:, -days:, :1]", "X[:, -days:, 0]")),
     "last axis of size 1 is missing", "Expected shape (6, 1) = (windows, 1); got (6,)"),
    # --- the metrics
    ("rmse", lambda: mutant(F, "rmse", R("np.sqrt(np.mean(error ** 2))", "np.mean(error ** 2)")),
     "mean squared error", "the result is wrong"),
    ("rmse", lambda: mutant(F, "rmse", R("np.sqrt(np.mean(error ** 2))", "np.mean(np.abs(error))")),
     "mean absolute error", "the result is wrong"),
    ("rmse", lambda: mutant(F, "rmse", R("np.sqrt(np.mean(error ** 2))", "np.sqrt(np.sum(error ** 2))")),
     "average them before the root", "the result is wrong"),
    ("rmse", lambda: mutant(F, "rmse", R("np.sqrt(np.mean(error ** 2))", "np.std(error)")),
     "subtracts their mean", "the result is wrong"),
    ("rmse", lambda: mutant(F, "rmse", R("float(np.sqrt(np.mean(error ** 2)))", "np.sqrt(error ** 2)")),
     "one value per day", "Expected a single number"),
    ("mae", lambda: mutant(F, "mae", R("np.mean(np.abs(error))", "np.mean(error)")),
     "signed errors", "the result is wrong"),
    ("mae", lambda: mutant(F, "mae", R("np.mean(np.abs(error))", "np.sqrt(np.mean(error ** 2))")),
     "matches the RMSE", "the result is wrong"),
    ("mae", lambda: mutant(F, "mae", R("np.mean(np.abs(error))", "np.sum(np.abs(error))")),
     "sum of the absolute errors", "the result is wrong"),
    ("mape", lambda: mutant(F, "mape", R("float(100 * np.mean", "float(np.mean")),
     "MAPE is in percent", "the result is wrong"),
    ("mape", lambda: mutant(F, "mape", R("np.abs(error / actual)", "np.abs(error / np.asarray(predicted, dtype=float))")),
     "divided by the predictions", "the result is wrong"),
    ("mape", lambda: mutant(F, "mape", R("np.abs(error / actual)", "error / actual")),
     "signed percentage errors", "the result is wrong"),
    ("mape", lambda: mutant(F, "mape", R("100 * np.mean(np.abs(error / actual))",
                                         "100 * np.mean(np.abs(error)) / np.mean(actual)")),
     "divided by the mean price", "the result is wrong"),
    ("directional_accuracy", lambda: mutant(F, "directional_accuracy", BODY(
        "actual, predicted = (np.ravel(np.asarray(a, dtype=float)) for a in (actual, predicted))\n"
        "return float(np.mean(np.sign(np.diff(predicted)) == np.sign(np.diff(actual))))")),
     "from the previous prediction", "the result is wrong"),
    ("directional_accuracy", lambda: mutant(F, "directional_accuracy", R(
        "right = np.sign(predicted - previous)", "right = np.sign(predicted - np.roll(predicted, 1))")),
     "from the previous prediction", "the result is wrong"),
    ("directional_accuracy", lambda: mutant(F, "directional_accuracy", R("float(np.mean(right[moved]))",
                                                                         "float(100 * np.mean(right[moved]))")),
     "fraction between 0 and 1", "the result is wrong"),
    ("directional_accuracy", lambda: mutant(F, "directional_accuracy", R("np.mean(right[moved])", "np.mean(right)")),
     "did not move", "the result is wrong"),
    # --- build_model
    ("build_model", lambda: mutant(F, "build_model", R("keras.layers.LSTM(64)", "keras.layers.LSTM(64, return_sequences=True)")),
     "return_sequences", "(None, 1)"),
    ("build_model", lambda: mutant(F, "build_model", R("keras.layers.LSTM(64)", "keras.layers.GRU(64)")),
     "the task asks for an LSTM", "expected LSTM, Dense, Dense, Dense"),
    ("build_model", lambda: mutant(F, "build_model", R("keras.layers.LSTM(64)", "keras.layers.LSTM(50)")),
     "64 units", "50, 32, 32, 1 units"),
    ("build_model", lambda: mutant(F, "build_model", R("        keras.Input(shape=(lookback, n_features)),\n", "")),
     "Start the model with keras.Input", "does not know its input shape"),
    ("build_model", lambda: mutant(F, "build_model", R("shape=(lookback, n_features)", "shape=(n_features, lookback)")),
     "exchanged", "expected (None, 10, 1)"),
    ("build_model", lambda: mutant(F, "build_model", R('        keras.layers.Dense(32, activation="relu"),\n', "")),
     "three Dense layers", "the layers are LSTM, Dense, Dense"),
    ("build_model", lambda: mutant(F, "build_model", R("keras.layers.Dense(1)", "keras.layers.Dense(1, use_bias=False)")),
     "use_bias", "20,064 parameters; expected 20,065"),
    ("build_model", lambda: mutant(F, "build_model", R("shape=(lookback, n_features)", "shape=(lookback,)")),
     "3-D input", "raised ValueError"),
    ("build_model", lambda: mutant(F, "build_model", R("return keras.Sequential(", "model = keras.Sequential(")),
     "return model", "build_model returned None"),
    ("build_model", lambda: mutant(F, "build_model", R('Dense(32, activation="relu")', "Dense(32)", count=2)),
     "activation=\"relu\" in both hidden Dense layers", "use the activations linear, linear; expected relu"),
    ("build_model", lambda: mutant(F, "build_model", R('Dense(32, activation="relu")', "Dense(32)")),
     "collapses with it into one", "use the activations linear, relu"),
    ("build_model", lambda: mutant(F, "build_model", R("keras.layers.Dense(1)",
                                                       'keras.layers.Dense(1, activation="sigmoid")')),
     "could never forecast a higher price", "output layer Dense(1) uses the activation sigmoid"),
    ("build_model", lambda: mutant(F, "build_model", R("keras.layers.Dense(1)",
                                                       'keras.layers.Dense(1, activation="relu")')),
     "never negative", "output layer Dense(1) uses the activation relu"),
    ("build_model", lambda: mutant(F, "build_model", R("keras.layers.LSTM(64)",
                                                       'keras.layers.LSTM(64, activation="relu")')),
     "Write keras.layers.LSTM(64)", "the LSTM uses activation='relu'"),
    # --- softmax_cross_entropy (chapters/ex_language.ipynb)
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R(
        "shifted = logits - logits.max(axis=1, keepdims=True)", "shifted = logits")),
     "stable log-sum-exp", "loss, the first value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", BODY(
        "e = np.exp(logits)\np = e / e.sum(axis=1, keepdims=True)\nrows = np.arange(len(targets))\n"
        "loss = -np.log(p[rows, targets]).mean()\np[rows, targets] -= 1\nreturn float(loss), p / len(targets)")),
     "without the largest logit subtracted", "loss, the first value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R(
        "-log_p[rows, targets].mean()", "-log_p[rows, targets].sum()")),
     "sum over the N positions", "loss, the first value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R("    dlogits /= N\n", "")),
     "carries the factor 1/N", "dlogits, the second value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R(
        "-log_p[rows, targets].mean()", "-log_p[rows, targets].mean() / np.log(2)")),
     "in bits (np.log2)", "loss, the first value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R("    dlogits[rows, targets] -= 1\n", "")),
     "without the one-hot subtracted", "dlogits, the second value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R(
        "dlogits[rows, targets] -= 1", "dlogits[:, targets] -= 1")),
     "in the target column of every row", "dlogits, the second value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R(
        "dlogits[rows, targets] -= 1", "dlogits[targets, rows] -= 1")),
     "the indices exchanged", "dlogits, the second value returned, is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R("axis=1", "axis=0", count=2)),
     "softmax over axis 0", "is wrong"),
    ("softmax_cross_entropy", lambda: mutant(LM, "softmax_cross_entropy", R("return float(loss), dlogits",
                                                                          "return float(loss)")),
     "it should return 2 values", "returned the number"),
    # --- sample_with_temperature
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", R("logits.max()) / temperature", "logits.max()) * temperature")),
     "multiply the logits by the temperature", "the frequency of each id is wrong"),
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", R("logits.max()) / temperature", "logits.max())")),
     "ignore the temperature", "the frequency of each id is wrong"),
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", BODY("return int(np.argmax(logits))")),
     "always return the argmax", "Case 1 of 5"),
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", BODY(
        "return int(rng.integers(len(logits)))")),
     "every id equally often", "Case 1 of 5"),
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", R(
        "(logits - logits.max()) / temperature", "logits / temperature")),
     "Subtract the largest logit before dividing by the temperature", "raised ValueError"),
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", R(
        "return int(rng.choice(len(p), p=p))", "return p")),
     "return the id, not the probabilities", "returned an array of shape (5,)"),
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", R(
        "rng.choice(len(p), p=p)", "np.random.default_rng(0).choice(len(p), p=p)")),
     "starts again from its seed", "Case 1 of 5"),
    ("sample_with_temperature", lambda: mutant(LM, "sample_with_temperature", R(
        "rng.choice(len(p), p=p)", "np.random.choice(len(p), p=p)")),
     "not np.random.choice", "do not come from rng alone"),
    # --- perplexity
    ("perplexity", lambda: mutant(LM, "perplexity", R("np.exp(mean_nll)", "2 ** mean_nll")),
     "the mean nll is in nats", "the result is wrong"),
    ("perplexity", lambda: mutant(LM, "perplexity", R("np.exp(mean_nll)", "np.exp(-mean_nll)")),
     "geometric mean probability", "the result is wrong"),
    ("perplexity", lambda: mutant(LM, "perplexity", R("np.exp(mean_nll)", "mean_nll")),
     "matches mean_nll itself", "the result is wrong"),
    ("perplexity", lambda: mutant(LM, "perplexity", R("np.exp(mean_nll)", "10 ** mean_nll")),
     "natural exponential", "the result is wrong"),
]


@pytest.mark.parametrize(
    "name,make,phrase,output", MUTANTS,
    ids=[f"{m[0]}-{k}" for k, m in enumerate(MUTANTS)],
)
def test_a_mistake_is_diagnosed(name, make, phrase, output):
    with pytest.raises(AssertionError) as info:
        check(name)(make())
    message = str(info.value)
    flat = " ".join(message.split())  # the phrase may be wrapped across lines
    assert phrase in flat, message
    assert output in flat, message
    lines = message.split("\n")
    assert max(len(line) for line in lines) <= 80, message  # short lines, pleasant in a notebook
    assert len(lines) <= 14, message  # no wall of numbers


def test_every_checker_has_mutants():
    assert {m[0] for m in MUTANTS} == set(checks.CHECKERS)


def test_a_failure_message_names_the_case_and_the_place():
    fn = mutant(L, "lstm_cell_forward", R("+ params.bias", "+ 2 * params.bias"))
    with pytest.raises(AssertionError) as info:
        checks.check_lstm_cell_forward(fn)
    message = str(info.value)
    assert message.startswith("lstm_cell_forward: c_t, the second value returned, is wrong.\n")
    assert "Case 1 of 5: batch 3, 2 features, 5 units" in message
    assert re.search(r"Largest difference [\d.e-]+ at index \[\d, \d\]: expected [-\d.e]+, got", message)
    assert "Hint: Your c_t matches an LSTM that adds the bias twice." in message


def test_the_learners_own_error_is_kept_as_the_cause():
    fn = mutant(N, "rnn_step", R("x_t @ kernel", "x_t @ kernel.T"))
    with pytest.raises(AssertionError) as info:
        checks.check_rnn_step(fn)
    assert isinstance(info.value.__cause__, ValueError)  # its traceback shows the learner's line


def test_a_failure_is_a_check_failed_whose_notebook_view_is_the_message():
    fn = mutant(N, "rnn_step", R(" + bias  # (B, H)", "  # (B, H)"))
    with pytest.raises(checks.CheckFailed) as info:
        checks.check_rnn_step(fn)
    message = str(info.value)
    assert isinstance(info.value, AssertionError)
    assert info.value._render_traceback_() == ["\x1b[0;31mAssertionError\x1b[0m: " + message.split("\n")[0],
                                              *message.split("\n")[1:]]


def test_a_failure_that_the_learners_code_raised_shows_that_line_first():
    fn = mutant(N, "rnn_step", R("x_t @ kernel", "x_t @ kernel.T"))
    with pytest.raises(checks.CheckFailed) as info:
        checks.check_rnn_step(fn)
    shown = info.value._render_traceback_()
    assert shown[0] == "ValueError in rnn_step, line 5."  # the mutant has no source file to quote
    assert shown[1].endswith("rnn_step raised ValueError (see the error above).")


def test_a_notebook_shows_a_failure_as_its_message_alone(tmp_path):
    """What a learner sees in Jupyter: the message, after their own failing line; no lstm_lib frames."""
    from nbclient import NotebookClient

    cells = [
        "import numpy as np\nfrom lstm_lib.checks import check_rnn_step",
        "def rnn_step(x_t, h_prev, params):\n    kernel, recurrent_kernel, bias = params\n"
        "    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel)",
        "_ = check_rnn_step(rnn_step)",
        "def rnn_step(x_t, h_prev, params):\n    kernel, recurrent_kernel, bias = params\n"
        "    return np.tanh(x_t @ kernel.T + h_prev @ recurrent_kernel + bias)",
        "_ = check_rnn_step(rnn_step)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=300,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    wrong, raised = ([o for o in nb.cells[k].outputs if o.output_type == "error"] for k in (2, 4))
    assert len(wrong) == len(raised) == 1
    plain = [[re.sub(r"\x1b\[[\d;]*m", "", line) for line in error[0].traceback] for error in (wrong, raised)]
    assert plain[0][0] == "AssertionError: rnn_step: h_t is wrong."
    assert plain[0][-1].startswith("Hint: Your h_t matches a step without the bias.")
    assert len(plain[0]) <= 14
    assert plain[1][:2] == ["ValueError in rnn_step, line 3:",
                            "    return np.tanh(x_t @ kernel.T + h_prev @ recurrent_kernel + bias)"]
    assert plain[1][2] == "AssertionError: rnn_step raised ValueError (see the error above)."
    for lines in plain:
        assert not any("lstm_lib" in line or "Traceback" in line or "File " in line for line in lines)
