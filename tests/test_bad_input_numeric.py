"""Bad input to the numeric modules, class by class: NaN and inf, zero sizes, wrong types, foreign
objects, nonsense settings, float16 and integers.

Every public function of activations, lstm, lstm_fast, gru, variants, masking, bidirectional, rnn,
initializers, optim, gradcheck, jacobians and tasks is called with each class of bad input; each call must raise exactly one ValueError or
TypeError (not a subclass such as NumPy's LinAlgError) whose one-line message names the argument.
Nothing may pass through silently.
"""
import re

import numpy as np
import pytest

from lstm_lib import (activations, bidirectional, gradcheck, gru, initializers, jacobians, lstm, lstm_fast,
                      masking, optim, rnn, tasks, variants)

B, T, D, H = 2, 4, 2, 3
NAN, INF = float("nan"), float("inf")


def _rng():
    return np.random.default_rng(0)


def _lstm():
    rng = _rng()
    p = initializers.lstm_init(H, D, seed=1)
    x, h0, c0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    h_seq, _, cache = lstm.lstm_forward(x, p, h0, c0)
    _, _, cell_cache = lstm.lstm_cell_forward(x[:, 0], h0, c0, p)
    return p, x, h0, c0, rng.normal(size=h_seq.shape), cache, cell_cache


def _rnn():
    rng = _rng()
    p = initializers.rnn_init(H, D, seed=1)
    x, h0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H))
    h_seq, cache = rnn.rnn_forward(x, p, h0)
    return p, x, h0, rng.normal(size=h_seq.shape), cache


def _gru():
    rng = _rng()
    p = initializers.gru_init(H, D, seed=1)
    x, h0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H))
    h_seq, cache = gru.gru_forward(x, p, h0)
    _, cell_cache = gru.gru_cell_forward(x[:, 0], h0, p)
    return p, x, h0, rng.normal(size=h_seq.shape), cache, cell_cache


def _others(p, x, h0, c0, dh_seq):
    """Caches of lstm_fast, the CIFG variant, the masked and the bidirectional LSTM."""
    mask = np.ones((B, T), dtype=bool)
    mask[0, -1] = False
    bp = bidirectional.BidirectionalParams(p, initializers.lstm_init(H, D, seed=2))
    return (mask, bp, lstm_fast.lstm_forward(x, p, h0, c0)[2],
            variants.variant_forward(x, p, "CIFG", h0, c0)[2],
            masking.masked_lstm_forward(x, p, mask, h0, c0)[2],
            bidirectional.bidirectional_forward(x, bp)[1], np.concatenate([dh_seq, dh_seq], axis=2))


def _sgd_step(grads):
    return optim.SGD([np.ones((2, 3)), np.ones(3)]).step(grads)


def _adam_step(grads):
    return optim.Adam([np.ones((2, 3)), np.ones(3)]).step(grads)


def _loss(a):
    return float(np.sum(np.sin(a)))


def specs():
    """name -> (function, valid keyword arguments, arguments that must be finite, optional ones)."""
    p, x, h0, c0, dh_seq, cache, cell_cache = _lstm()
    rp, rx, rh0, rdh_seq, rcache = _rnn()
    gp, gx, gh0, gdh_seq, gcache, gcell_cache = _gru()
    x_t, g = x[:, 0], [np.full((2, 3), 0.5), np.full(3, 0.5)]
    mask, bp, fast_cache, variant_cache, masked_cache, bi_cache, bi_dh = _others(p, x, h0, c0, dh_seq)
    return {
        "sigmoid": (activations.sigmoid, dict(z=x), (), ()),
        "tanh": (activations.tanh, dict(z=x), (), ()),
        "LSTMParams": (lstm.LSTMParams, dict(p._asdict()), (), ()),
        "RNNParams": (rnn.RNNParams, dict(rp._asdict()), (), ()),
        "lstm_cell_forward": (lstm.lstm_cell_forward, dict(x_t=x_t, h_prev=h0, c_prev=c0, params=p),
                              ("x_t", "h_prev", "c_prev", "params"), ("h_prev", "c_prev")),
        "lstm_cell_backward": (lstm.lstm_cell_backward, dict(dh_t=h0, dc_t=c0, cache=cell_cache),
                               ("dh_t", "dc_t"), ("dh_t", "dc_t")),
        "lstm_forward": (lstm.lstm_forward, dict(x=x, params=p, h0=h0, c0=c0),
                         ("x", "params", "h0", "c0"), ("h0", "c0")),
        "lstm_backward": (lstm.lstm_backward, dict(dh_seq=dh_seq, cache=cache, dc_last=c0),
                          ("dh_seq", "dc_last"), ("dc_last",)),
        "lstm_fast.lstm_forward": (lstm_fast.lstm_forward, dict(x=x, params=p, h0=h0, c0=c0),
                                   ("x", "params", "h0", "c0"), ("h0", "c0")),
        "lstm_fast.lstm_backward": (lstm_fast.lstm_backward, dict(dh_seq=dh_seq, cache=fast_cache, dc_last=c0),
                                    ("dh_seq", "dc_last"), ("dc_last",)),
        "variant_forward": (variants.variant_forward, dict(x=x, params=p, variant="CIFG", h0=h0, c0=c0),
                            ("x", "params", "h0", "c0"), ("h0", "c0")),
        "variant_backward": (variants.variant_backward, dict(dh_seq=dh_seq, cache=variant_cache, dc_last=c0),
                             ("dh_seq", "dc_last"), ("dc_last",)),
        "masked_lstm_forward": (masking.masked_lstm_forward, dict(x=x, params=p, mask=mask, h0=h0, c0=c0),
                                ("x", "params", "h0", "c0"), ("h0", "c0")),
        "masked_lstm_backward": (masking.masked_lstm_backward, dict(dh_seq=dh_seq, cache=masked_cache, dc_last=c0),
                                 ("dh_seq", "dc_last"), ("dc_last",)),
        "bidirectional_forward": (bidirectional.bidirectional_forward, dict(x=x, params=bp), ("x",), ()),
        "bidirectional_backward": (bidirectional.bidirectional_backward, dict(dh_seq=bi_dh, cache=bi_cache),
                                   ("dh_seq",), ()),
        "rnn_cell_forward": (rnn.rnn_cell_forward, dict(x_t=x_t, h_prev=rh0, params=rp),
                             ("x_t", "h_prev", "params"), ("h_prev",)),
        "rnn_forward": (rnn.rnn_forward, dict(x=rx, params=rp, h0=rh0), ("x", "params", "h0"), ("h0",)),
        "rnn_backward": (rnn.rnn_backward, dict(dh_seq=rdh_seq, cache=rcache), ("dh_seq",), ()),
        "GRUParams": (gru.GRUParams, dict(gp._asdict()), (), ()),
        "gru_cell_forward": (gru.gru_cell_forward, dict(x_t=gx[:, 0], h_prev=gh0, params=gp),
                             ("x_t", "h_prev", "params"), ("h_prev",)),
        "gru_cell_backward": (gru.gru_cell_backward, dict(dh_t=gh0, cache=gcell_cache), ("dh_t",), ("dh_t",)),
        "gru_forward": (gru.gru_forward, dict(x=gx, params=gp, h0=gh0), ("x", "params", "h0"), ("h0",)),
        "gru_backward": (gru.gru_backward, dict(dh_seq=gdh_seq, cache=gcache), ("dh_seq",), ()),
        "gru_step_jacobians": (jacobians.gru_step_jacobians, dict(x=gx, params=gp, h0=gh0),
                               ("x", "params", "h0"), ("h0",)),
        "gru_jacobian_norms": (jacobians.gru_jacobian_norms, dict(x=gx, params=gp, h0=gh0),
                               ("x", "params", "h0"), ("h0",)),
        "rnn_jacobian_norms": (jacobians.rnn_jacobian_norms, dict(x=rx, params=rp, h0=rh0),
                               ("x", "params", "h0"), ("h0",)),
        "lstm_step_jacobians": (jacobians.lstm_step_jacobians, dict(x=x, params=p, h0=h0, c0=c0),
                                ("x", "params", "h0", "c0"), ("h0", "c0")),
        "lstm_jacobian_norms": (jacobians.lstm_jacobian_norms, dict(x=x, params=p, h0=h0, c0=c0),
                                ("x", "params", "h0", "c0"), ("h0", "c0")),
        "numerical_gradient": (gradcheck.numerical_gradient, dict(f=_loss, x=x_t), ("x",), ()),
        "relative_error": (gradcheck.relative_error, dict(analytic=x_t, numeric=x_t), ("analytic", "numeric"), ()),
        "check_gradient": (gradcheck.check_gradient, dict(f=_loss, x=x_t, analytic=np.cos(x_t)),
                           ("x", "analytic"), ()),
        "global_norm": (optim.global_norm, dict(grads=g), ("grads",), ()),
        "clip_by_global_norm": (optim.clip_by_global_norm, dict(grads=g, max_norm=1.0), ("grads",), ()),
        "SGD.step": (_sgd_step, dict(grads=g), ("grads",), ()),
        "Adam.step": (_adam_step, dict(grads=g), ("grads",), ()),
    }


def expect_error(name, fn, *args, **kwargs):
    """Call fn; it must raise exactly ValueError or TypeError, one line, naming `name`."""
    with pytest.raises((ValueError, TypeError)) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert type(info.value) in (ValueError, TypeError), f"{type(info.value).__name__}: {message}"
    assert "\n" not in message, message
    assert re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", message), f"{name!r} not named in: {message}"
    return message


def _poisoned(value, bad):
    """value with one entry replaced by `bad`, and the name the error must give."""
    if isinstance(value, (lstm.LSTMParams, gru.GRUParams, rnn.RNNParams)):
        kernel = value.kernel.copy()
        kernel[-1, -1] = bad
        return value._replace(kernel=kernel), "kernel"
    if isinstance(value, list):
        first = value[0].copy()
        first.flat[-1] = bad
        return [first] + value[1:], "grads[0]"
    value = np.array(value, dtype=float)
    value.flat[-1] = bad
    return value, None


FINITE = [(label, arg) for label, (_, _, finite, _) in specs().items() for arg in finite]


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("label,arg", FINITE, ids=[f"{label}-{arg}" for label, arg in FINITE])
def test_nan_and_inf_are_refused_where_they_enter(label, arg, bad):
    fn, kwargs, _, _ = specs()[label]
    fn(**kwargs)  # works, until one argument is made bad
    value, name = _poisoned(kwargs[arg], bad)
    message = expect_error(name or arg, fn, **{**kwargs, arg: value})
    assert "finite" in message


FOREIGN = {"object": object(), "text": "text", "complex": np.array([1j, 2j]), "None": None}
TYPED = [
    (label, arg, kind)
    for label, (_, kwargs, _, optional) in specs().items()
    for arg in kwargs
    if arg != "f" and not (label.endswith("Params") and arg != "kernel")
    for kind in FOREIGN
    if not (kind == "None" and arg in optional)  # None means zeros there, as documented
]


@pytest.mark.parametrize("label,arg,kind", TYPED, ids=["-".join(case) for case in TYPED])
def test_wrong_types_and_foreign_objects_are_named(label, arg, kind):
    fn, kwargs, _, _ = specs()[label]
    fn(**kwargs)  # works, until one argument is made bad
    expect_error(arg, fn, **{**kwargs, arg: FOREIGN[kind]})


def _caches():
    *_, cache, cell_cache = _lstm()
    *_, rcache = _rnn()
    *_, gcache, gcell_cache = _gru()
    return cache, cell_cache, rcache, gcache, gcell_cache


@pytest.mark.parametrize(
    "label,wrong",
    [
        ("lstm_backward", lambda cache, cell, rcache, gcache, gcell: tuple(cache[3:6])),  # (h_seq, c_seq, i)
        ("lstm_backward", lambda cache, cell, rcache, gcache, gcell: rcache),
        ("lstm_backward", lambda cache, cell, rcache, gcache, gcell: cell),
        ("lstm_backward", lambda cache, cell, rcache, gcache, gcell: list(cache)),
        ("lstm_cell_backward", lambda cache, cell, rcache, gcache, gcell: cache),
        ("lstm_cell_backward", lambda cache, cell, rcache, gcache, gcell: tuple(cell)),
        ("rnn_backward", lambda cache, cell, rcache, gcache, gcell: cache),
        ("rnn_backward", lambda cache, cell, rcache, gcache, gcell: tuple(rcache)[:3]),
        ("rnn_backward", lambda cache, cell, rcache, gcache, gcell: gcache),
        ("gru_backward", lambda cache, cell, rcache, gcache, gcell: gcell),
        ("gru_backward", lambda cache, cell, rcache, gcache, gcell: rcache),
        ("gru_backward", lambda cache, cell, rcache, gcache, gcell: tuple(gcache)),
        ("gru_cell_backward", lambda cache, cell, rcache, gcache, gcell: gcache),
        ("gru_cell_backward", lambda cache, cell, rcache, gcache, gcell: cell),
    ],
)
def test_another_functions_cache_is_a_type_error_that_says_which_cache(label, wrong):
    fn, kwargs, _, _ = specs()[label]
    fn(**kwargs)  # works, until the cache is another one
    with pytest.raises(TypeError) as info:
        fn(**{**kwargs, "cache": wrong(*_caches())})
    message = str(info.value)
    assert message.startswith("cache must be the ") and "returned as its" in message, message


def test_a_tuple_for_a_cache_says_what_it_got():
    p, x, *_ = _lstm()
    h_seq, c_seq, cache = lstm.lstm_forward(x, p)
    message = expect_error("cache", lstm.lstm_backward, np.ones_like(h_seq), (h_seq, c_seq, cache))
    assert message == ("cache must be the LSTMCache that lstm_forward returned as its third value; "
                       "got a tuple of 3")


def _zero(shape):
    return np.zeros(shape)


ZERO_SIZES = [
    ("x", lstm.lstm_forward, (_zero((0, T, D)), initializers.lstm_init(H, D))),
    ("x_t", lstm.lstm_cell_forward, (_zero((0, D)), None, None, initializers.lstm_init(H, D))),
    ("x", rnn.rnn_forward, (_zero((0, T, D)), initializers.rnn_init(H, D))),
    ("x", gru.gru_forward, (_zero((0, T, D)), initializers.gru_init(H, D))),
    ("x", gru.gru_forward, (_zero((B, 0, D)), initializers.gru_init(H, D))),
    ("x_t", gru.gru_cell_forward, (_zero((0, D)), None, initializers.gru_init(H, D))),
    ("x", jacobians.gru_jacobian_norms, (_zero((0, T, D)), initializers.gru_init(H, D))),
    ("recurrent_kernel", gru.GRUParams, (_zero((D, 0)), _zero((0, 0)), _zero((2, 0)))),
    ("kernel", gru.GRUParams, (_zero((0, 3 * H)), _zero((H, 3 * H)), _zero((2, 3 * H)))),
    ("units", initializers.gru_init, (0, D)),
    ("input_dim", initializers.gru_init, (H, 0)),
    ("x_t", rnn.rnn_cell_forward, (_zero((0, D)), None, initializers.rnn_init(H, D))),
    ("x", jacobians.rnn_jacobian_norms, (_zero((0, T, D)), initializers.rnn_init(H, D))),
    ("x", jacobians.lstm_jacobian_norms, (_zero((0, T, D)), initializers.lstm_init(H, D))),
    ("recurrent_kernel", lstm.LSTMParams, (_zero((D, 0)), _zero((0, 0)), _zero(0))),
    ("kernel", lstm.LSTMParams, (_zero((0, 4 * H)), _zero((H, 4 * H)), _zero(4 * H))),
    ("recurrent_kernel", rnn.RNNParams, (_zero((D, 0)), _zero((0, 0)), _zero(0))),
    ("kernel", rnn.RNNParams, (_zero((0, H)), _zero((H, H)), _zero(H))),
    ("units", initializers.lstm_init, (0, D)),
    ("input_dim", initializers.lstm_init, (H, 0)),
    ("units", initializers.rnn_init, (0, D)),
    ("input_dim", initializers.rnn_init, (H, 0)),
    ("shape[0]", initializers.glorot_uniform, ((0, 3), _rng())),
    ("shape[1]", initializers.orthogonal, ((3, 0), _rng())),
    ("n", tasks.first_value_task, (0, T, _rng())),
    ("length", tasks.adding_problem, (3, 1, _rng())),
]


@pytest.mark.parametrize("name,fn,args", ZERO_SIZES, ids=[f"{fn.__name__}-{n}" for n, fn, _ in ZERO_SIZES])
def test_zero_sizes_are_refused(name, fn, args):
    expect_error(name, fn, *args)


SETTINGS = [
    ("units", initializers.lstm_init, (2.5, D), {}),
    ("units", initializers.rnn_init, (True, D), {}),
    ("input_dim", initializers.lstm_init, (H, "2"), {}),
    ("seed", initializers.lstm_init, (H, D), dict(seed=1.5)),
    ("seed", initializers.rnn_init, (H, D), dict(seed=-1)),
    ("dtype", initializers.lstm_init, (H, D), dict(dtype=int)),
    ("dtype", initializers.rnn_init, (H, D), dict(dtype=np.complex128)),
    ("dtype", initializers.glorot_uniform, ((2, 3), _rng()), dict(dtype="banana")),
    ("rng", initializers.glorot_uniform, ((2, 3), 0), {}),
    ("rng", initializers.orthogonal, ((2, 3), None), {}),
    ("gain", initializers.orthogonal, ((2, 3), _rng()), dict(gain=NAN)),
    ("shape", initializers.orthogonal, ((2, 3, 4), _rng()), {}),
    ("units", lstm.param_count, (True, 3), {}),
    ("units", gru.gru_param_count, (True, 3), {}),
    ("reset_after", gru.gru_param_count, (4, 3), dict(reset_after="False")),
    ("bias", gru.GRUParams, (np.zeros((D, 3 * H)), np.zeros((H, 3 * H)), np.zeros(3 * H)), {}),
    ("units", initializers.gru_init, (2.5, D), {}),
    ("seed", initializers.gru_init, (H, D), dict(seed=-1)),
    ("dtype", initializers.gru_init, (H, D), dict(dtype=int)),
    ("params", gru.gru_forward, (np.ones((1, 2, D)), initializers.lstm_init(H, D)), {}),
    ("params", lstm.lstm_forward, (np.ones((1, 2, D)), initializers.gru_init(H, D)), {}),
    ("params", jacobians.gru_jacobian_norms, (np.ones((1, 2, D)), 5), {}),
    ("rng", tasks.first_value_task, (5, T, 0), {}),
    ("rng", tasks.adding_problem, (5, T, 42), {}),
    ("n", tasks.first_value_task, (True, T, _rng()), {}),
    ("noise", tasks.first_value_task, (5, T, _rng()), dict(noise=-0.1)),
    ("noise", tasks.first_value_task, (5, T, _rng()), dict(noise=NAN)),
    ("eps", gradcheck.numerical_gradient, (_loss, np.ones(3)), dict(eps=0.0)),
    ("eps", gradcheck.numerical_gradient, (_loss, np.ones(3)), dict(eps=-1e-5)),
    ("eps", gradcheck.numerical_gradient, (_loss, np.ones(3)), dict(eps=NAN)),
    ("eps", gradcheck.check_gradient, (_loss, np.ones(3), np.cos(np.ones(3))), dict(eps="1e-5")),
    ("f", gradcheck.numerical_gradient, (lambda a: NAN, np.ones(3)), {}),
    ("f", gradcheck.numerical_gradient, (lambda a: 0.0 if a[1] == 1.0 else NAN, np.ones(3)), {}),
    ("f", gradcheck.numerical_gradient, (lambda a: None, np.ones(3)), {}),
    ("analytic", gradcheck.check_gradient, (_loss, np.ones(3), np.ones(4)), {}),
    ("max_norm", optim.clip_by_global_norm, ([np.ones(2)], 0.0), {}),
    ("max_norm", optim.clip_by_global_norm, ([np.ones(2)], NAN), {}),
    ("max_norm", optim.clip_by_global_norm, ([np.ones(2)], "1"), {}),
    ("grads", optim.clip_by_global_norm, (np.ones((3, 2)), 1.0), {}),
    ("grads", optim.global_norm, (np.ones(3),), {}),
    ("params", lstm.lstm_forward, (np.ones((1, 2, D)), initializers.rnn_init(H, D)), {}),
    ("params", rnn.rnn_forward, (np.ones((1, 2, D)), initializers.lstm_init(H, D)), {}),
    ("params", jacobians.rnn_jacobian_norms, (np.ones((1, 2, D)), 5), {}),
    ("wrt", jacobians.lstm_jacobian_norms, (np.ones((1, 2, 1)), initializers.lstm_init(2, 1)), dict(wrt=["cell"])),
    ("lr", optim.SGD, ([np.ones(2)],), dict(lr=-0.1)),
    ("lr", optim.Adam, ([np.ones(2)],), dict(lr=0.0)),
    ("lr", optim.Adam, ([np.ones(2)],), dict(lr="0.01")),
    ("betas[0]", optim.Adam, ([np.ones(2)],), dict(betas=(1.0, 0.999))),
    ("betas[1]", optim.Adam, ([np.ones(2)],), dict(betas=(0.9, 1.5))),
    ("betas[0]", optim.Adam, ([np.ones(2)],), dict(betas=(-0.1, 0.999))),
    ("betas", optim.Adam, ([np.ones(2)],), dict(betas=0.9)),
    ("eps", optim.Adam, ([np.ones(2)],), dict(eps=0.0)),
    ("clip_norm", optim.SGD, ([np.ones(2)],), dict(clip_norm=0.0)),
    ("clip_norm", optim.Adam, ([np.ones(2)],), dict(clip_norm=-1.0)),
    ("clip_norm", optim.Adam, ([np.ones(2)],), dict(clip_norm=NAN)),
    ("params", optim.SGD, ([],), {}),
    ("params[0]", optim.SGD, ([np.ones(2, dtype=int)],), {}),
    ("params[0]", optim.Adam, ([np.array([1.0, NAN])],), {}),
    ("params[0]", optim.Adam, ([np.broadcast_to(np.ones(1), (3,))],), {}),
    ("params", optim.Adam, (5,), {}),
]


@pytest.mark.parametrize("name,fn,args,kwargs", SETTINGS,
                         ids=[f"{fn.__name__}-{n}-{k}" for k, (n, fn, _, _) in enumerate(SETTINGS)])
def test_nonsense_settings_are_refused_at_once(name, fn, args, kwargs):
    expect_error(name, fn, *args, **kwargs)


def test_the_same_array_twice_is_refused():
    a = np.ones(3)
    expect_error("params", optim.Adam, [a, a])


@pytest.mark.parametrize("make", [optim.SGD, optim.Adam])
@pytest.mark.parametrize("bad", [NAN, INF])
def test_a_non_finite_gradient_changes_no_state(make, bad):
    params = [np.ones((2, 3)), np.ones(3)]
    opt = make(params, clip_norm=1.0)
    opt.step([np.full((2, 3), 0.5), np.full(3, 0.5)])
    before = {k: [a.copy() for a in getattr(opt, k)] for k in ("params", "m", "v") if hasattr(opt, k)}
    grads = [np.full((2, 3), 0.5), np.full(3, 0.5)]
    grads[1][2] = bad
    expect_error("grads[1]", opt.step, grads)
    assert opt.steps == 1
    for k, arrays in before.items():
        for a, b in zip(getattr(opt, k), arrays):
            np.testing.assert_array_equal(a, b, err_msg=k)


def test_float16_norms_do_not_overflow():
    grads = [np.full(4, 300.0, dtype=np.float16), np.full(2, 300.0, dtype=np.float16)]
    assert optim.global_norm(grads) == pytest.approx(300.0 * np.sqrt(6))
    clipped, norm = optim.clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(300.0 * np.sqrt(6))
    assert clipped[0].dtype == np.float16
    assert optim.global_norm(clipped) == pytest.approx(1.0, rel=1e-3)


def test_float64_norms_of_huge_gradients_do_not_overflow():
    grads = [np.array([3e200]), np.array([[4e200]])]
    assert optim.global_norm(grads) == pytest.approx(5e200)
    clipped, _ = optim.clip_by_global_norm(grads, 5.0)
    np.testing.assert_allclose([clipped[0][0], clipped[1][0, 0]], [3.0, 4.0])


def test_adam_on_float16_weights_moves_them_by_lr():
    p = np.zeros(3, dtype=np.float16)
    opt = optim.Adam([p], lr=0.125)
    opt.step([np.array([300.0, -300.0, 300.0], dtype=np.float16)])
    np.testing.assert_allclose(p, [-0.125, 0.125, -0.125], atol=1e-3)


def test_relative_error_never_returns_nan():
    a = np.array([1.0, 2.0])
    for bad in (np.array([NAN, 2.0]), np.array([INF, 2.0])):
        expect_error("numeric", gradcheck.relative_error, a, bad)
        expect_error("analytic", gradcheck.relative_error, bad, a)


def test_a_jacobian_product_that_overflows_is_an_error_not_inf():
    # tanh' near 1 and a recurrent weight of 1e200: the product leaves float64 at the second lag
    p = rnn.RNNParams(np.zeros((1, 1)), np.array([[1e200]]), np.zeros(1))
    expect_error("lag", jacobians.rnn_jacobian_norms, np.zeros((1, 3, 1)), p)
