"""The checker for the Keras forecasting model: LSTM(64) -> Dense(32) ->
Dense(32) -> Dense(1).

Keras is imported only when the check runs.
"""
import dataclasses
import warnings

from .. import lstm
from ..keras_setup import load_keras
from .engine import Case, Check
from .errors import Failure
from .messages import describe, message
from .registry import checker

__all__ = ["check_build_model"]


def _fmt(count):
    return f"{count:,}"


def _model_failure(lines, hint, heading):
    return Failure(message([lines[0], f"  {heading}", *lines[1:]], hint))


def _check_model(keras, model, lookback, n_features, heading):
    """Explain the first way in which model differs from LSTM(64) ->
    Dense(32) -> Dense(32) -> Dense(1)."""
    if model is None:
        raise Failure(message(["build_model returned None."],
                              "End the function with `return model`."))
    if not isinstance(model, keras.Model):
        raise Failure(message(
            [f"build_model returned {describe(model)}, not a Keras model."],
            "Return the keras.Sequential (or keras.Model) you built."))
    try:
        input_shape = tuple(model.inputs[0].shape)
    except Exception:
        raise _model_failure(
            ["build_model: the model does not know its input shape yet, so "
             "Keras cannot count its parameters."],
            "Start the model with "
            "keras.Input(shape=(lookback, n_features)): then every layer "
            "is built and count_params() works.", heading) from None
    wanted = (None, lookback, n_features)
    if input_shape != wanted:
        hint = ("The input is (batch, lookback, features): one row per "
                "day, one column per feature. Give keras.Input the shape "
                "(lookback, n_features).")
        if input_shape == (None, n_features, lookback):
            hint = "lookback and n_features are exchanged. " + hint
        raise _model_failure(
            [f"build_model: the input shape is {input_shape}; expected "
             f"{wanted} = (batch, lookback, features)."], hint, heading)

    layers = [layer for layer in model.layers
              if type(layer).__name__ != "InputLayer"]
    kinds = [type(layer).__name__ for layer in layers]
    if kinds != ["LSTM", "Dense", "Dense", "Dense"]:
        hint = ("The model is an LSTM layer followed by three Dense "
                "layers, in that order.")
        if {"ReLU", "Activation"} & set(kinds):
            hint += (" Give the hidden Dense layers activation=\"relu\" "
                     "rather than separate layers.")
        if kinds and kinds[0] in ("GRU", "SimpleRNN"):
            hint = (f"The first layer is a {kinds[0]}; the task asks for "
                    "an LSTM. " + hint)
        raise _model_failure(
            [f"build_model: the layers are {', '.join(kinds) or 'none'}; "
             "expected LSTM, Dense, Dense, Dense."], hint, heading)
    units = [layers[0].units] + [layer.units for layer in layers[1:]]
    if units != [64, 32, 32, 1]:
        raise _model_failure(
            [f"build_model: the layers have {', '.join(map(str, units))} "
             "units; expected 64, 32, 32, 1.",
             f"  Parameters: {_fmt(model.count_params())}; expected "
             f"{_fmt(_expected_params(n_features))}."],
            "The LSTM has 64 units, the two hidden Dense layers 32 each, "
            "and the output layer one unit: tomorrow's scaled price.",
            heading)
    if layers[0].return_sequences:
        raise _model_failure(
            ["build_model: the LSTM returns its whole sequence "
             "(return_sequences=True), so the model's output has shape "
             f"{model.output_shape}; expected (None, 1)."],
            "With return_sequences=True the LSTM passes on every step's "
            "hidden state and the Dense layers run on each step. Here only "
            "the last hidden state goes on: leave return_sequences at its "
            "default, False.", heading)
    counts = [layer.count_params() for layer in layers]
    expected = _expected_counts(n_features)
    if counts != expected or model.count_params() != sum(expected):
        table = [f"  {kind:<6} expected {_fmt(e):>7}, yours {_fmt(c):>7}"
                 for kind, e, c in zip(kinds, expected, counts)]
        raise _model_failure(
            [f"build_model: the model has {_fmt(model.count_params())} "
             f"parameters; expected {_fmt(sum(expected))}.", *table],
            "An LSTM layer has 4 * units * (units + features + 1) "
            "parameters, a Dense layer inputs * units + units. Check "
            "use_bias and any other option you changed.", heading)
    if tuple(model.output_shape) != (None, 1):
        raise _model_failure(
            [f"build_model: the output shape is {model.output_shape}; "
             "expected (None, 1)."],
            "The model outputs one number per window.", heading)
    _check_activations(layers, heading)


def _activation(function):
    """The name of an activation: "relu", "linear" (no activation),
    "sigmoid", ..."""
    return (getattr(function, "__name__", None)
            or type(function).__name__).lower()


def _check_activations(layers, heading):
    """The task's activations: the LSTM's defaults, ReLU in the hidden
    Dense layers, none at the end."""
    lstm_layer, *hidden, output = layers
    used = (_activation(lstm_layer.activation),
            _activation(lstm_layer.recurrent_activation))
    if used != ("tanh", "sigmoid"):
        raise _model_failure(
            [f"build_model: the LSTM uses activation={used[0]!r} and "
             f"recurrent_activation={used[1]!r}; the task's LSTM(64) "
             "keeps Keras' defaults, tanh and sigmoid."],
            "Leave the LSTM's activations at their defaults: the gates are "
            "sigmoids, numbers in (0, 1), and the candidate and the cell "
            "output use tanh. Write keras.layers.LSTM(64).",
            heading)
    used = [_activation(layer.activation) for layer in hidden]
    if used != ["relu", "relu"]:
        hint = ("The task asks for activation=\"relu\" in both hidden "
                "Dense layers.")
        if "linear" in used:
            hint = ("A Dense layer without an activation is linear, and a "
                    "linear layer followed by another Dense layer "
                    "collapses with it into one: it adds nothing. " + hint)
        raise _model_failure(
            ["build_model: the hidden Dense layers use the activations "
             f"{', '.join(used)}; expected relu, relu."], hint, heading)
    used = _activation(output.activation)
    if used != "linear":
        hint = ("The output is a scaled price, which has no bound: leave "
                "the last layer without activation, Dense(1).")
        if used == "sigmoid":
            hint = ("A sigmoid's output lies between 0 and 1. After "
                    "scaling, 1 is the highest price of the training days, "
                    "so the model could never forecast a higher price, "
                    "where a rising series goes. " + hint)
        elif used == "relu":
            hint = ("A ReLU's output is never negative, so the model "
                    "could never forecast a price below the lowest "
                    "training price (below 0 after scaling). " + hint)
        raise _model_failure(
            ["build_model: the output layer Dense(1) uses the activation "
             f"{used}; it should have none (linear)."], hint, heading)


def _expected_counts(n_features):
    """The parameters of each layer: LSTM(64), Dense(32), Dense(32),
    Dense(1)."""
    return [lstm.param_count(64, n_features), 64 * 32 + 32, 32 * 32 + 32,
            32 + 1]


def _expected_params(n_features):
    return sum(_expected_counts(n_features))


def _reference_model(lookback, n_features=1):
    """The model the task asks for."""
    keras = load_keras()
    return keras.Sequential([
        keras.Input(shape=(lookback, n_features)),
        keras.layers.LSTM(64),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ])


_NDIM_HINT = (r"ndim=3|expected ndim",
              "An LSTM layer reads 3-D input (batch, lookback, features): "
              "give keras.Input the shape (lookback, n_features).")


@dataclasses.dataclass(frozen=True)
class _ModelCheck(Check):
    """A Check whose cases build a Keras model, compared with the task's
    layer by layer."""

    def check_case(self, fn, case, heading):
        __tracebackhide__ = True
        # imported on the first case, not with lstm_lib.checks
        keras = load_keras()
        with warnings.catch_warnings():
            # Keras' advice to use keras.Input, said below
            warnings.simplefilter("ignore")
            model = self.call_learner(fn, case.args, case.kwargs, heading)
        _check_model(keras, model, *case.args, heading)

    def passed(self):
        return (f"{self.name}: all {len(self.cases)} checks passed "
                f"({_fmt(_expected_params(1))} parameters with one "
                "feature).")


def _model_case(lookback, n_features):
    features = f"{n_features} feature{'s' if n_features > 1 else ''}"
    return Case(f"lookback {lookback}, {features}, so "
                f"{_fmt(_expected_params(n_features))} parameters",
                (lookback, n_features))


@checker("ex_forecasting", reference=_reference_model)
def check_build_model(fn):
    """Check build_model(lookback, n_features=1): LSTM(64) -> Dense(32) ->
    Dense(32) -> Dense(1).

    With one feature the model has exactly 20,065 parameters. Checks the
    layer types and units, the input shape (None, lookback, n_features),
    the parameter count, the output shape and the activations: the LSTM's
    defaults, ReLU in the hidden Dense layers, none in the output layer.
    """
    __tracebackhide__ = True
    cases = [_model_case(10, 1), _model_case(30, 3)]
    return _ModelCheck("build_model", cases, reference=_reference_model,
                       exc_hints=(_NDIM_HINT,)).run(fn)
