"""lstm_lib.forecasters: the four kinds of small Keras forecaster, their training recipe and the
autoregressive feedback loop.

Keras computes in float32, so a model's forecast agrees with a value computed another way to about
1e-7 times the values' size (of order one here); 1e-6 leaves a factor of ten. The feedback loop is
pure NumPy and is compared exactly.
"""
import numpy as np
import pytest

from lstm_lib import forecasters
from lstm_lib.forecasters import (KINDS, autoregressive_forecast, build_forecaster, predict,
                                  train_forecaster)
from lstm_lib.windows import prepare

FLOAT32 = 1e-6
# Keras is imported by the first test that builds a model, not when pytest collects this file:
# TensorFlow loaded at collection time keeps tests/test_data.py's network guard from seeing
# yfinance's failed transfer (the guard test then fails, though nothing went online).


def ar1_series(n=600, phi=0.8, seed=0):
    """x_t = phi x_{t-1} + noise: the best one-step forecast is phi x_{t-1}, not persistence."""
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + rng.normal()
    return x


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_maps_windows_to_forecasts(kind):
    model = build_forecaster(kind, lookback=7, features=3, units=4, outputs=2, target=1)
    X = np.random.default_rng(0).normal(size=(5, 7, 3))
    assert predict(model, X).shape == (5, 2)
    assert predict(model, X).dtype == np.float64


def test_predict_matches_keras_predict_across_batches():
    model = build_forecaster("gru", lookback=4, features=2, units=3)
    X = np.random.default_rng(2).normal(size=(11, 4, 2))
    expected = model.predict(X, verbose=0)
    np.testing.assert_allclose(predict(model, X, batch_size=3), expected, rtol=0, atol=FLOAT32)


def test_the_recurrent_layer_is_the_one_named():
    layers = {kind: [type(layer).__name__ for layer in build_forecaster(kind, 5, 1, 3).layers]
              for kind in KINDS}
    assert "GRU" in layers["gru"] and "LSTM" not in layers["gru"]
    assert "LSTM" in layers["lstm"] and "LSTM" in layers["residual"]
    assert "LSTM" in layers["attention"]


def test_an_untrained_residual_model_is_persistence():
    # the Dense that learns the change starts at zero, so the forecast is the last input value
    model = build_forecaster("residual", lookback=6, features=3, units=4, target=2)
    X = np.random.default_rng(1).normal(size=(8, 6, 3))
    np.testing.assert_allclose(predict(model, X)[:, 0], X[:, -1, 2], rtol=0, atol=FLOAT32)


def test_the_same_seed_trains_the_same_model_and_another_seed_does_not():
    data = prepare(ar1_series(), lookback=5, scaler="standard")
    runs = [train_forecaster("lstm", data, seed=s, units=4, epochs=2) for s in (3, 3, 4)]
    forecasts = [predict(run.model, data.test.X) for run in runs]
    np.testing.assert_array_equal(forecasts[0], forecasts[1])
    assert not np.array_equal(forecasts[0], forecasts[2])


def test_training_learns_what_persistence_misses():
    # on an AR(1) with phi = 0.8 the best forecast is 0.8 x_{t-1}, whose mean squared error is
    # the noise's; persistence's is 2 / (1 + phi) = 1.11 times that. On the 450 test days of a
    # 3000-day series the trained model must close at least half of the measured gap between
    # persistence and the best forecast
    data = prepare(ar1_series(n=3000), lookback=5, scaler="standard")
    run = train_forecaster("lstm", data, seed=0, units=8, epochs=30, patience=5,
                           learning_rate=1e-2)
    actual = data.to_prices(data.test.y)[:, 0]
    last = data.to_prices(data.test.X[:, -1, 0])
    model_mse = np.mean((data.to_prices(predict(run.model, data.test.X))[:, 0] - actual) ** 2)
    persistence_mse = np.mean((last - actual) ** 2)
    best_mse = np.mean((0.8 * last - actual) ** 2)
    assert best_mse < persistence_mse  # the test days show the gap the model should close
    assert model_mse < persistence_mse - 0.5 * (persistence_mse - best_mse)
    assert 1 <= run.best_epoch <= run.epochs_run <= 30 and run.seconds > 0


def test_early_stopping_keeps_the_best_epochs_weights():
    data = prepare(ar1_series(), lookback=5, scaler="standard")
    run = train_forecaster("gru", data, seed=0, units=4, epochs=6, patience=2)
    kept = run.model.evaluate(data.validation.X, data.validation.y, verbose=0)
    assert kept == pytest.approx(run.validation_loss, rel=1e-5)


def test_autoregressive_forecast_feeds_each_forecast_back():
    # a "model" that forecasts half the last value: k steps ahead gives last * 0.5 ** k exactly
    X = np.arange(12.0).reshape(3, 4, 1)
    out = autoregressive_forecast(lambda W: 0.5 * W[:, -1, 0], X, steps=3)
    np.testing.assert_array_equal(out, X[:, -1, :] * 0.5 ** np.arange(1, 4))
    # a model that forecasts the window's mean sees its own forecasts in the next window
    out = autoregressive_forecast(lambda W: W.mean(axis=1), X[:1], steps=2)
    first = X[0, :, 0].mean()
    np.testing.assert_array_equal(out[0], [first, np.mean([*X[0, 1:, 0], first])])


def test_autoregressive_forecast_leaves_its_input_alone():
    X = np.ones((2, 3, 1))
    autoregressive_forecast(lambda W: W[:, -1, 0] + 1, X, steps=4)
    np.testing.assert_array_equal(X, 1.0)


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: build_forecaster("transformer", 5, 1), ValueError, "kind must be one of"),
    (lambda: build_forecaster("lstm", 0, 1), ValueError, "lookback"),
    (lambda: build_forecaster("residual", 5, 2, target=2), ValueError, "target must index one"),
    (lambda: autoregressive_forecast(lambda W: W[:, -1, 0], np.ones((2, 3, 2)), 2), ValueError,
     "the other features of the days being forecast are unknown"),
    (lambda: autoregressive_forecast(lambda W: W[:, -1, :], np.ones((2, 3, 1)), 0), ValueError,
     "steps"),
    (lambda: autoregressive_forecast(lambda W: W[:, :, 0], np.ones((2, 3, 1)), 2), ValueError,
     "one forecast per window"),
    (lambda: predict(None, np.ones((2, 3))), ValueError, "X must be windows"),
])
def test_bad_input_is_refused(call, error, phrase):
    with pytest.raises(error, match=phrase):
        call()


def test_the_public_names_are_the_documented_ones():
    assert set(forecasters.__all__) == {"KINDS", "Trained", "build_forecaster", "train_forecaster",
                                        "predict", "autoregressive_forecast"}
