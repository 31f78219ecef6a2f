"""The training harness: the read-out's and the whole model's gradients against finite
differences, determinism for a seed, fair comparisons (one seed, one start, one data stream),
any layer that fits the Layer contract, and clear errors."""
import numpy as np
import pytest

from lstm_lib.initializers import lstm_init, rnn_init
from lstm_lib.lstm import lstm_backward, lstm_forward
from lstm_lib.rnn import rnn_backward, rnn_forward
from lstm_lib.tasks import adding_problem, first_value_task
from lstm_lib.training import (
    History,
    Layer,
    final_losses,
    model_loss,
    readout_loss,
    run_study,
    train_on_task,
    variant_layer,
)
from finite_differences import assert_matches_finite_differences, fails_finite_differences

TINY = dict(length=5, units=3, steps=12, batch=4, val_every=5, n_val=16)


def readout_problem(rng, B=4, H=3):
    """h_last in (-1, 1) as a tanh's output, w and b of order one half: a loss of order one."""
    return (rng.uniform(-1, 1, size=(B, H)), rng.normal(scale=0.5, size=(H, 1)),
            rng.normal(scale=0.5, size=1), rng.normal(size=(B, 1)))


def test_readout_loss_by_hand():
    h_last, w, b, y = np.array([[1.0, 2.0]]), np.array([[1.0], [1.0]]), np.array([0.5]), [[3.0]]
    loss, dh_last, dw, db = readout_loss(h_last, w, b, y)
    # y_hat = 1 + 2 + 0.5 = 3.5, one error of 0.5: loss 0.25, dy_hat = 2 * 0.5 / 1 = 1
    assert loss == 0.25
    np.testing.assert_array_equal(dh_last, [[1.0, 1.0]])
    np.testing.assert_array_equal(dw, [[1.0], [2.0]])
    np.testing.assert_array_equal(db, [1.0])


def readout_checks(rng):
    h_last, w, b, y = readout_problem(rng)
    _, dh_last, dw, db = readout_loss(h_last, w, b, y)
    return {
        "h_last": (lambda a: readout_loss(a, w, b, y)[0], h_last, dh_last),
        "w": (lambda a: readout_loss(h_last, a, b, y)[0], w, dw),
        "b": (lambda a: readout_loss(h_last, w, a, y)[0], b, db),
    }


def test_readout_gradients_match_finite_differences(rng):
    # the tolerance's premises (a loss of a few terms of order one, a gradient whose largest
    # entry is above 0.05) are asserted by assert_matches_finite_differences
    for name, (loss, at, analytic) in readout_checks(rng).items():
        assert_matches_finite_differences(loss, at, analytic, name)


def test_a_readout_gradient_without_the_mean_is_caught(rng):
    """A planted bug: dy_hat = 2 (y_hat - y), the 1/B of the mean forgotten (B = 4)."""
    for name, (loss, at, analytic) in readout_checks(rng).items():
        assert fails_finite_differences(loss, at, 4 * analytic), name


LAYERS = {
    "lstm.py": Layer(lstm_forward, lstm_backward, lstm_init),
    "rnn.py": Layer(rnn_forward, rnn_backward, rnn_init),  # returns as gru.py does
    "peepholes": variant_layer("peepholes"),
    "CIFG": variant_layer("CIFG"),
}


def model_checks(rng, layer, B=3, T=4, D=2, H=3):
    """(name, loss of that array, the array, its analytic gradient) for every trained array."""
    params = layer.init(H, D, seed=3)
    params = type(params)(*(a + rng.normal(scale=0.3, size=a.shape) for a in params))
    readout = (rng.normal(size=(H, 1)), rng.normal(size=1))
    x, y = rng.normal(size=(B, T, D)), rng.normal(size=(B, 1))
    arrays = [*params, *readout]
    loss, grads = model_loss(layer, params, readout, x, y)

    def loss_with(k):
        def loss_of(a):
            changed = arrays[:k] + [a] + arrays[k + 1 :]
            n = len(params)
            return model_loss(layer, type(params)(*changed[:n]), changed[n:], x, y)[0]

        return loss_of

    names = [*params._fields, "w", "b"]
    assert len(grads) == len(arrays)
    return [(name, loss_with(k), a, g) for k, (name, a, g) in enumerate(zip(names, arrays, grads))]


@pytest.mark.parametrize("name", LAYERS)
def test_whole_model_gradient_matches_finite_differences(rng, name):
    for array, loss, at, analytic in model_checks(rng, LAYERS[name]):
        assert_matches_finite_differences(loss, at, analytic, f"{name}: {array}")


def test_a_gradient_sent_to_the_wrong_step_is_caught(rng):
    """A planted bug: the read-out's gradient reaches h_1 instead of h_T (dh_seq rolled by one
    step along time, so its last step lands on the first)."""

    def wrong_backward(dh_seq, cache):
        return lstm_backward(np.roll(dh_seq, 1, axis=1), cache)

    wrong = Layer(lstm_forward, wrong_backward, lstm_init)
    for name, loss, at, analytic in model_checks(rng, wrong):
        if name in ("kernel", "recurrent_kernel", "bias"):
            assert fails_finite_differences(loss, at, analytic), name


def test_a_run_repeats_exactly_for_a_seed():
    first = train_on_task(variant_layer("NOAF"), adding_problem, seed=4, **TINY)
    again = train_on_task(variant_layer("NOAF"), adding_problem, seed=4, **TINY)
    other = train_on_task(variant_layer("NOAF"), adding_problem, seed=5, **TINY)
    assert isinstance(first, History)
    for a, b in zip([first.train_loss, first.val_loss, *first.params, *first.readout],
                    [again.train_loss, again.val_loss, *again.params, *again.readout]):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.train_loss, other.train_loss)


def test_one_seed_gives_every_layer_the_same_start_and_data():
    # zero peepholes compute what the vanilla LSTM computes, so the two runs' first losses agree
    # exactly; CIFG's differs (its input gate is 1 - f)
    runs = {name: train_on_task(variant_layer(name), first_value_task, seed=2, **TINY)
            for name in ("vanilla", "peepholes", "CIFG")}
    assert runs["vanilla"].train_loss[0] == runs["peepholes"].train_loss[0]
    assert runs["vanilla"].val_loss[0] == runs["peepholes"].val_loss[0]
    assert runs["vanilla"].train_loss[0] != runs["CIFG"].train_loss[0]
    # after one update the peepholes have moved, and the runs part
    assert runs["vanilla"].train_loss[1] != runs["peepholes"].train_loss[1]


def test_the_validation_set_is_drawn_once_and_never_trained_on():
    seen = []  # every x the layer is run on: validation sets (16 rows) and minibatches (4)

    def forward(x, params):
        seen.append(x.copy())
        return lstm_forward(x, params)

    layer = Layer(forward, lstm_backward, lstm_init)
    train_on_task(layer, adding_problem, seed=0, **TINY)
    validation = [x for x in seen if len(x) == TINY["n_val"]]
    minibatches = [x for x in seen if len(x) == TINY["batch"]]
    assert len(validation) == 4 and len(minibatches) == TINY["steps"]
    assert all(np.array_equal(v, validation[0]) for v in validation)  # one fixed set
    rows = {row.tobytes() for x in minibatches for row in x}
    assert len(rows) == TINY["steps"] * TINY["batch"]  # a fresh minibatch every update
    assert not rows & {row.tobytes() for row in validation[0]}


def test_history_has_a_loss_per_update_and_validation_on_schedule():
    history = train_on_task(variant_layer("vanilla"), adding_problem, seed=0, **TINY)
    assert history.train_loss.shape == (12,)
    np.testing.assert_array_equal(history.val_steps, [0, 5, 10, 12])
    assert history.val_loss.shape == (4,) and np.all(np.isfinite(history.val_loss))
    w, b = history.readout
    assert w.shape == (3, 1) and b.shape == (1,)
    assert history.params.kernel.shape == (2, 12)


def test_training_learns_the_first_value_task():
    # Remembering the first of five values is easy: from about 1 (the trivial loss), 150
    # updates bring the validation loss below 1.5e-4 times its start for seeds 0 to 4, under
    # the Haswell, Prescott and Zen BLAS kernels alike; asking for a tenth leaves a margin of
    # over 600, while a harness that does not learn (a wrong sign, gradients of the wrong
    # arrays) ends near or above the start.
    history = train_on_task(variant_layer("vanilla"), first_value_task, length=5, units=4,
                            steps=150, batch=16, lr=0.05, seed=0, val_every=50, n_val=64)
    assert history.val_loss[-1] < 0.1 * history.val_loss[0]


def test_run_study_trains_every_layer_with_every_seed():
    layers = {"vanilla": variant_layer("vanilla"), "NFG": variant_layer("NFG")}
    results = run_study(layers, adding_problem, seeds=[0, 1], **TINY)
    assert list(results) == ["vanilla", "NFG"] and all(len(r) == 2 for r in results.values())
    alone = train_on_task(layers["NFG"], adding_problem, seed=1, **TINY)
    np.testing.assert_array_equal(results["NFG"][1].val_loss, alone.val_loss)
    finals = final_losses(results)
    np.testing.assert_array_equal(finals["NFG"], [r.val_loss[-1] for r in results["NFG"]])


def test_bad_settings_are_refused_with_a_clear_error(rng):
    layer = variant_layer("vanilla")
    settings = dict(TINY)
    cases = [
        (TypeError, r"layer must be a Layer\(forward, backward, init\)",
         lambda: train_on_task((lstm_forward, lstm_backward, lstm_init), adding_problem, **settings)),
        (TypeError, r"task must be a function \(n, length, rng\)",
         lambda: train_on_task(layer, "adding", **settings)),
        (ValueError, "steps must be at least 1",
         lambda: train_on_task(layer, adding_problem, **{**settings, "steps": 0})),
        (TypeError, "seed must be an integer",
         lambda: train_on_task(layer, adding_problem, **{**settings, "seed": 1.5})),
        (ValueError, "lr must be a finite number",
         lambda: train_on_task(layer, adding_problem, **{**settings, "lr": -1.0})),
        (ValueError, "variant must be one of",
         lambda: variant_layer("GRU")),
        (TypeError, "layers must be a non-empty dict",
         lambda: run_study([layer], adding_problem, seeds=[0], **settings)),
    ]
    for error, message, call in cases:
        with pytest.raises(error, match=message):
            call()
    h_last, w, b, y = readout_problem(rng)
    with pytest.raises(ValueError, match=r"w must have shape \(units, 1\) = \(3, 1\)"):
        readout_loss(h_last, w[:2], b, y)
    with pytest.raises(ValueError, match=r"y must be a 2-D array of shape \(batch, 1\)"):
        readout_loss(h_last, w, b, y[:, 0])
    with pytest.raises(ValueError, match="y must hold finite numbers"):
        readout_loss(h_last, w, b, np.full_like(y, np.nan))
