"""Checkers for the exercise notebooks: each runs a learner's function and says what is wrong.

    from lstm_lib.checks import check_sigmoid
    check_sigmoid(sigmoid)

Every ``check_<name>(fn)`` calls ``fn`` on a few cases (random shapes, edge cases, and a case
chosen so that the usual mistakes give different numbers) and compares with the reference
in ``lstm_lib``. It

- prints one line and returns True when every case agrees;
- prints one line and returns False while ``fn`` still raises NotImplementedError, so that a
  notebook of unfinished exercises runs from top to bottom;
- otherwise raises CheckFailed (an AssertionError), naming the output that is wrong, the case,
  the largest difference and where it is, with a hint. Hints come from diagnosis: the checker
  runs known wrong versions of the reference (mutants) on the failing case, and when the
  learner's output equals one of them, it names that mistake; some checkers also locate the
  mistake (the time step, the first wrong gradient of a step, a constant factor).
  In a notebook the learner sees the message alone, not a traceback through this package.

Modules, following the exercise notebooks (every checker is re-exported here):
    _engine        the shared machinery: cases, comparison, messages, diagnosis, not-done
    activations    sigmoid, tanh and their derivatives
    rnn            one RNN step, the Jacobian experiment, clipping by global norm
    lstm_forward   the LSTM forward pass, one step and a sequence, and its known mistakes
    lstm_backward  the LSTM backward pass, one step and a sequence
    forecasting    the leak-free pipeline, the persistence baseline, the metrics
    keras_model    the Keras model of the case study

Nothing here imports TensorFlow or scikit-learn until a check that needs them runs.
"""
from ._engine import CheckFailed
from .activations import check_sigmoid, check_sigmoid_derivative, check_tanh, check_tanh_derivative
from .forecasting import (
    check_directional_accuracy, check_mae, check_mape, check_persistence_forecast, check_rmse,
    check_split_scale_window,
)
from .keras_model import check_build_model
from .lstm_backward import check_lstm_backward, check_lstm_cell_backward
from .lstm_forward import check_lstm_cell_forward, check_lstm_forward
from .rnn import check_clip_by_global_norm, check_jacobian_product_norms, check_rnn_step

__all__ = [
    "CheckFailed",
    "check_sigmoid", "check_sigmoid_derivative", "check_tanh", "check_tanh_derivative",
    "check_rnn_step", "check_jacobian_product_norms", "check_clip_by_global_norm",
    "check_lstm_cell_forward", "check_lstm_forward", "check_lstm_cell_backward",
    "check_lstm_backward", "check_split_scale_window", "check_persistence_forecast",
    "check_rmse", "check_mae", "check_mape", "check_directional_accuracy", "check_build_model",
]
