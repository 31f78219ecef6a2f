"""Small Keras forecasters, all trained by one recipe, so that a
comparison across folds and seeds varies the architecture and nothing
else.

Every model maps windows X (n, lookback, F) to forecasts (n, outputs) on
the scale the windows were prepared on (windows.prepare):

    "lstm"       LSTM(units) -> Dense(outputs)
    "gru"        GRU(units) -> Dense(outputs)
    "attention"  LSTM(units, return_sequences=True) -> additive attention
                 over the states (lstm_lib.attention, 16 units) ->
                 Dense(outputs)
    "residual"   the last input value of the target feature plus
                 Dense(outputs) of LSTM(units); the Dense starts at zero,
                 so the untrained model is persistence and training
                 learns the change (a residual connection, as in He et
                 al.'s ResNets and TensorFlow's time-series tutorial)

The recipe: Adam, mean squared error, early stopping on the validation
windows that restores the best epoch's weights. Keras is imported when a
function here is first called, not when the module is imported.
"""
import time
from typing import NamedTuple

import numpy as np

from ._shapes import (as_float_array, require_finite, require_int,
                      require_number)
from .keras_setup import load_keras

__all__ = ["KINDS", "Trained", "build_forecaster", "train_forecaster",
           "predict", "autoregressive_forecast"]

KINDS = ("lstm", "gru", "attention", "residual")


class Trained(NamedTuple):
    """A trained forecaster and how its training went."""

    model: object  # a keras.Model
    epochs_run: int
    best_epoch: int  # 1-based: the epoch whose weights were kept
    validation_loss: float  # at best_epoch, on the scaled targets
    seconds: float  # wall-clock time of model.fit; it varies by machine


def build_forecaster(kind, lookback, features, units=32, outputs=1,
                     target=0):
    """A new, uncompiled keras.Model of the given kind (see the module's
    docstring).

    Parameters
    ----------
    kind : one of KINDS
    lookback, features : int >= 1, the shape of one window
    units : int >= 1, the recurrent layer's size
    outputs : int >= 1, forecasts per window (days ahead, for a direct
        multi-step model)
    target : int, the feature whose last value "residual" adds to
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got "
                         f"{kind!r}")
    lookback = require_int("lookback", lookback, 1)
    features = require_int("features", features, 1)
    units = require_int("units", units, 1)
    outputs = require_int("outputs", outputs, 1)
    target = require_int("target", target, 0)
    if target >= features:
        raise ValueError(f"target must index one of the {features} "
                         f"features; got {target}")
    keras = load_keras()
    inputs = keras.Input(shape=(lookback, features))
    if kind == "gru":
        head = keras.layers.GRU(units)(inputs)
    elif kind == "attention":
        from .attention import keras_attention_layer

        states = keras.layers.LSTM(units, return_sequences=True)(inputs)
        head = keras_attention_layer()(16, name="attention")(states)
    else:
        head = keras.layers.LSTM(units)(inputs)
    if kind == "residual":
        change = keras.layers.Dense(outputs, kernel_initializer="zeros",
                                    name="change")(head)
        last = inputs[:, -1, target:target + 1]  # (n, 1)
        forecast = keras.layers.Add(name="forecast")([last, change])
    else:
        forecast = keras.layers.Dense(outputs, name="forecast")(head)
    return keras.Model(inputs, forecast, name=kind)


def train_forecaster(kind, data, seed, units=32, epochs=10, batch_size=64,
                     patience=3, learning_rate=1e-3, target=0):
    """Build a forecaster from `seed` and train it on prepared data.

    Parameters
    ----------
    kind : one of KINDS
    data : windows.PreparedData; trains on data.train, stops early on
        data.validation
    seed : int, seeds the weights and the shuffling
        (keras.utils.set_random_seed, with TensorFlow's op determinism)
    units, target : as in build_forecaster
    epochs : int >= 1, the most epochs to run
    batch_size, patience : int >= 1
    learning_rate : float > 0, Adam's

    Returns
    -------
    Trained
    """
    seed = require_int("seed", seed, 0)
    epochs = require_int("epochs", epochs, 1)
    batch_size = require_int("batch_size", batch_size, 1)
    patience = require_int("patience", patience, 1)
    learning_rate = require_number("learning_rate", learning_rate, 0,
                                   low_open=True)
    train, validation = data.train, data.validation
    keras = load_keras(seed=seed)
    model = build_forecaster(kind, train.X.shape[1], train.X.shape[2],
                             units, train.y.shape[1], target)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="mse")
    stop = keras.callbacks.EarlyStopping(monitor="val_loss",
                                         patience=patience,
                                         restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(train.X, train.y, epochs=epochs,
                        batch_size=batch_size, verbose=0,
                        validation_data=(validation.X, validation.y),
                        callbacks=[stop])
    seconds = time.perf_counter() - start
    losses = history.history["val_loss"]
    best = int(np.argmin(losses))
    return Trained(model, len(losses), best + 1, float(losses[best]),
                   seconds)


def predict(model, X, batch_size=4096):
    """model's forecasts for windows X, as a float64 array (n, outputs).

    Calls the model directly, batch by batch, rather than model.predict,
    which traces a new TensorFlow function for every new model and warns
    about it when many models are used in turn, as in a walk-forward
    loop."""
    X = require_finite("X", as_float_array("X", X))
    if X.ndim != 3 or len(X) == 0:
        raise ValueError("X must be windows of shape (n, lookback, "
                         f"features) with n >= 1; got shape {X.shape}")
    batch_size = require_int("batch_size", batch_size, 1)
    dtype = model.inputs[0].dtype  # the model's own float type
    parts = [np.asarray(model(X[i:i + batch_size].astype(dtype),
                              training=False), dtype=np.float64)
             for i in range(0, len(X), batch_size)]
    return np.concatenate(parts).reshape(len(X), -1)


def autoregressive_forecast(predict_one, X, steps):
    """Forecast `steps` days ahead by feeding each forecast back in.

    A one-step model sees window X[k] and forecasts the next day; that
    forecast becomes the last day of a new window (the oldest day drops
    out), and so on. Only a model of one feature can be fed this way: the
    other features of a future day are unknown.

    Parameters
    ----------
    predict_one : callable, windows (n, lookback, 1) -> (n, 1) or (n,)
        e.g. lambda X: predict(model, X)
    X : array (n, lookback, 1), the windows (scaled, as the model takes
        them)
    steps : int >= 1

    Returns
    -------
    array (n, steps): column j is the forecast j + 1 days after each
    window's last day
    """
    X = require_finite("X", as_float_array("X", X))
    if X.ndim != 3 or X.shape[2] != 1 or len(X) == 0:
        raise ValueError(
            "X must be windows of one feature, shape (n, lookback, 1): "
            "the other features of the days being forecast are unknown; "
            f"got shape {X.shape}")
    steps = require_int("steps", steps, 1)
    window = X.copy()
    forecasts = np.empty((len(X), steps))
    for j in range(steps):
        step = np.asarray(predict_one(window), dtype=np.float64)
        if step.shape not in ((len(X),), (len(X), 1)):
            raise ValueError("predict_one must return one forecast per "
                             f"window, shape ({len(X)}, 1); got "
                             f"{step.shape}")
        forecasts[:, j] = step.reshape(-1)
        newest = forecasts[:, j, None, None]  # (n, 1, 1)
        window = np.concatenate([window[:, 1:], newest], axis=1)
    return forecasts
