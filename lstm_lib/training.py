"""A small harness that trains a recurrent layer on a long-memory task,
to compare layers (the LSTM variants, the GRU) under equal conditions.

The model reads a sequence, and a linear read-out turns its last hidden
state into a prediction; the loss is the mean squared error:

    y_hat = h_T w + b              (B, 1), with w (H, 1) and b (1,)
    L     = mean over the batch of (y_hat - y)**2

Each of `steps` Adam updates (lstm_lib.optim, gradients clipped to a
global norm) uses a fresh minibatch drawn from the task; a validation
set, drawn once from a stream of its own, is scored every `val_every`
updates. Everything random comes from `seed`, so a run repeats exactly,
and one seed gives every layer the same data in the same order.

A layer is three functions, Layer(forward, backward, init):

    forward(x, params)           -> (h_seq, ..., cache), h_seq (B, T, H)
    backward(dh_seq, cache)      -> (..., grads), grads like params
    init(units, input_dim, seed) -> params, a tuple of arrays

lstm.py (lstm_forward, lstm_backward with initializers.lstm_init),
rnn.py and gru.py fit as they are; variant_layer(name) makes an LSTM
variant's.
"""
from functools import partial
from typing import Callable, NamedTuple

import numpy as np

from ._shapes import (as_float_array, require_finite, require_int,
                      require_number, require_shape)
from .optim import Adam
from .variants import (check_variant, variant_backward, variant_forward,
                       variant_init)


class Layer(NamedTuple):
    """A recurrent layer as its forward, backward and init functions
    (see the module docstring for their signatures).
    """

    forward: Callable
    backward: Callable
    init: Callable


class History(NamedTuple):
    """What train_on_task returns."""

    train_loss: np.ndarray  # (steps,): each minibatch's loss, pre-update
    val_steps: np.ndarray  # (n,): updates made when val_loss was scored
    val_loss: np.ndarray  # (n,): loss on the fixed validation set
    params: tuple  # the layer's parameters after training
    readout: tuple  # (w (H, 1), b (1,)) after training


def variant_layer(variant, forget_bias=1.0):
    """The Layer of an LSTM variant, a name in variants.VARIANTS, its
    forget-gate bias starting at forget_bias.
    """
    variant = check_variant(variant)
    forget_bias = require_number("forget_bias", forget_bias)
    return Layer(partial(variant_forward, variant=variant),
                 variant_backward,
                 partial(variant_init, variant, forget_bias=forget_bias))


# region: readout
def readout_loss(h_last, w, b, y):
    """The mean squared error of the linear read-out, and its gradients.

    Parameters
    ----------
    h_last : array (B, H), the last hidden state
    w : array (H, 1)
    b : array (1,)
    y : array (B, 1), the targets

    Returns
    -------
    loss : float, mean((h_last w + b - y)**2)
    dh_last (B, H), dw (H, 1), db (1,) : its gradients

    With dy_hat = 2 (y_hat - y) / B, the gradient of the loss with
    respect to each prediction, and y_hat affine in h_last, w and b:
    dh_last = dy_hat w^T, dw = h_last^T dy_hat, db = sum of dy_hat.
    A wrong shape or a NaN or inf is a ValueError.
    """
    h_last, w, b, y = _checked_readout(h_last, w, b, y)
    y_hat = h_last @ w + b  # (B, 1)
    loss = float(np.mean((y_hat - y) ** 2))
    dy_hat = 2.0 * (y_hat - y) / len(y)  # (B, 1)
    return loss, dy_hat @ w.T, h_last.T @ dy_hat, dy_hat.sum(axis=0)
# endregion


def _checked_readout(h_last, w, b, y):
    """The four arrays of readout_loss, shapes checked and finite."""
    h_last = as_float_array("h_last", h_last)
    require_shape("h_last", h_last, (None, None), "(batch, units)")
    batch, units = h_last.shape
    arrays = [h_last]
    for name, value, shape, meaning in (
            ("w", w, (units, 1), "(units, 1)"),
            ("b", b, (1,), "(1,)"),
            ("y", y, (batch, 1), "(batch, 1)")):
        array = as_float_array(name, value)
        require_shape(name, array, shape, meaning)
        arrays.append(array)
    for name, array in zip(("h_last", "w", "b", "y"), arrays):
        require_finite(name, array)
    return arrays


def model_loss(layer, params, readout, x, y):
    """Loss of the layer with its read-out on (x, y), and the gradients.

    Parameters
    ----------
    layer : Layer
    params : the layer's parameters
    readout : (w (H, 1), b (1,))
    x : array (B, T, D), y : array (B, 1)

    Returns
    -------
    loss : float
    grads : list, the layer's gradients (like params) then dw, db:
        one per array of [*params, w, b], as Adam.step takes them.
    """
    h_seq, *_, cache = layer.forward(x, params)  # h_seq (B, T, H)
    loss, dh_last, dw, db = readout_loss(h_seq[:, -1], *readout, y)
    dh_seq = np.zeros_like(h_seq)  # only h_T reaches the loss
    dh_seq[:, -1] = dh_last
    *_, grads = layer.backward(dh_seq, cache)
    return loss, [*grads, dw, db]


def _validation_loss(layer, params, readout, x, y):
    """The loss on (x, y), forward only."""
    h_seq = layer.forward(x, params)[0]
    return readout_loss(h_seq[:, -1], *readout, y)[0]


def train_on_task(layer, task, length, units=8, steps=500, batch=32,
                  lr=1e-2, seed=0, val_every=50, n_val=512,
                  clip_norm=1.0):
    """Train a layer with a linear read-out on a task; deterministic for
    a seed.

    Parameters
    ----------
    layer : Layer, e.g. variant_layer("NFG")
    task : function (n, length, rng) -> x (n, T, D), y (n, 1), such as
        tasks.adding_problem or tasks.first_value_task
    length : int, T, the sequence length
    units : int, H
    steps : int, the number of Adam updates, one minibatch each
    batch : int, sequences per minibatch (fresh ones every update)
    lr : float, Adam's learning rate
    seed : int >= 0; it seeds layer.init (so every LSTM variant starts
        from the same weights), the read-out and the data
    val_every : int, score the validation set every val_every updates
        (and after the last)
    n_val : int, the validation set's size, drawn once
    clip_norm : float, the global norm gradients are clipped to

    Returns
    -------
    History: train_loss (steps,), val_steps and val_loss (n,), and the
    trained params and readout (w, b).

    The read-out starts with w ~ N(0, 1/H) and b at the mean target of
    the first minibatch. Bad settings are a ValueError or TypeError.
    """
    if not isinstance(layer, Layer):
        raise TypeError("layer must be a Layer(forward, backward, init), "
                        "e.g. variant_layer('vanilla'); "
                        f"got {type(layer).__name__}")
    if not callable(task):
        raise TypeError("task must be a function (n, length, rng) -> "
                        "(x, y), e.g. tasks.adding_problem; "
                        f"got {type(task).__name__}")
    length = require_int("length", length, 1)
    units = require_int("units", units, 1)
    steps = require_int("steps", steps, 1)
    batch = require_int("batch", batch, 1)
    seed = require_int("seed", seed, 0)
    val_every = require_int("val_every", val_every, 1)
    n_val = require_int("n_val", n_val, 1)

    val_rng = np.random.default_rng([seed, 0])  # the validation set
    rng = np.random.default_rng([seed, 1])  # read-out and minibatches
    x_val, y_val = task(n_val, length, val_rng)
    params = layer.init(units, x_val.shape[2], seed)
    x, y = task(batch, length, rng)
    w = rng.normal(0.0, units ** -0.5, size=(units, 1))
    b = np.full(1, float(y.mean()))
    adam = Adam([*params, w, b], lr=lr, clip_norm=clip_norm)

    train_loss = np.empty(steps)
    val_steps, val_loss = [], []
    for step in range(steps):
        if step % val_every == 0:
            val_steps.append(step)
            val_loss.append(_validation_loss(layer, params, (w, b),
                                             x_val, y_val))
        if step > 0:
            x, y = task(batch, length, rng)
        train_loss[step], grads = model_loss(layer, params, (w, b), x, y)
        adam.step(grads)  # updates params, w and b in place
    val_steps.append(steps)
    val_loss.append(_validation_loss(layer, params, (w, b), x_val, y_val))
    return History(train_loss, np.array(val_steps), np.array(val_loss),
                   params, (w, b))


def run_study(layers, task, seeds, **settings):
    """train_on_task for every layer and seed.

    layers : dict name -> Layer; seeds : ints; settings : the other
    arguments of train_on_task. Returns {name: [History per seed]}.
    """
    if not isinstance(layers, dict) or not layers:
        raise TypeError("layers must be a non-empty dict name -> Layer; "
                        f"got {type(layers).__name__}")
    seeds = [require_int("seed", seed, 0) for seed in seeds]
    return {name: [train_on_task(layer, task, seed=seed, **settings)
                   for seed in seeds]
            for name, layer in layers.items()}


def final_losses(results):
    """{name: array (n_seeds,)} of the last validation loss of each run,
    from run_study's results.
    """
    return {name: np.array([h.val_loss[-1] for h in histories])
            for name, histories in results.items()}
