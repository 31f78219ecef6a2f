"""lstm_lib: the NumPy recurrent networks and helpers behind the LSTM
course.

Modules, one purpose each:
    activations   sigmoid, tanh and their derivatives
    params        one base for the recurrent parameter types, and
                  as_params
    rnn           the vanilla RNN (Keras SimpleRNN layout), forward and
                  backward
    lstm          the LSTM (Keras LSTM layout), forward and backward
    lstm_fast     lstm's sequence functions rearranged for speed
    gru           the GRU (Keras GRU layout, reset_after=True), forward
                  and backward
    variants      the LSTM's variants: gates removed, coupled input and
                  forget gates, peepholes
    bidirectional a bidirectional LSTM (Keras Bidirectional(LSTM)): two
                  lstm_forward passes, one over the reversed sequence
    masking       padded sequences: masks, padding and an LSTM that
                  skips the masked steps
    initializers  Keras' default initialisers for the RNN, LSTM and GRU
    gradcheck     numerical gradients and the relative error
    jacobians     norms of dh_T/dh_k against the lag, for RNN, LSTM and
                  GRU
    keras_setup   a quiet, seeded import of Keras for the chapters that
                  use it
    optim         SGD and Adam with gradient-norm clipping, for training
                  in NumPy
    training      a recurrent layer and a linear readout trained on a
                  task, for comparing layers over seeds
    language      the course's text, a vocabulary, softmax cross-entropy,
                  sampling with temperature, count baselines, batches
                  for truncated BPTT
    char_lstm     a character-level LSTM language model in NumPy:
                  chunks, evaluation, training and generation
    text_properties  per-character properties of a text and each unit's
                  correlation with one
    tasks         long-memory sequence tasks (first value, adding
                  problem)
    plotting      the course's colour-blind-safe figure style
    data          daily prices from Yahoo Finance, with an offline
                  snapshot and CSV readers
    windows       chronological split, train-only scaling and windows,
                  without leakage
    features      daily features (prices, log volume, log return) for a
                  multivariate forecast
    walkforward   walk-forward folds with an expanding training window
    baselines     persistence, moving average, drift and a linear model
                  on the same windows
    arima         ARIMA order choice and one-step-ahead forecasts
                  (statsmodels)
    attention     additive attention pooling over time: NumPy and a
                  Keras layer
    forecasters   small Keras forecasters trained by one recipe, and the
                  autoregressive feedback loop
    metrics       RMSE, MAE, MAPE, directional accuracy; the
                  Diebold-Mariano and direction tests
    source        show_source: library code in a chapter, whole or a
                  named region
    checks        the exercise checkers: check_<function>(fn) tells a
                  learner what is wrong
"""
__version__ = "0.1.0"
