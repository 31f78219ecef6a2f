"""Checkers for the exercise notebooks: each runs a learner's function and
says what is wrong.

    from lstm_lib.checks import check_sigmoid
    check_sigmoid(sigmoid)

Every ``check_<name>(fn)`` calls ``fn`` on a few cases (random shapes, edge
cases, and a case chosen so that the usual mistakes give different
numbers) and compares with the reference in ``lstm_lib``. It

- prints one line and returns True when every case agrees;
- prints one line and returns False while ``fn`` still raises
  NotImplementedError, so that a notebook of unfinished exercises runs
  from top to bottom;
- otherwise raises CheckFailed (an AssertionError), naming the output that
  is wrong, the case, the largest difference and where it is, with a
  hint. Hints come from diagnosis: the checker runs known wrong versions
  of the reference (mutants) on the failing case, and when the learner's
  output equals one of them, it names that mistake; some checkers also
  locate the mistake (the time step, the first wrong gradient of a step,
  a constant factor).
  In a notebook the learner sees the message alone, not a traceback
  through this package.

Modules:
    engine         Check (one check: its cases, reference, outputs,
                   mistakes) and Case, Output
    compare        how outputs are compared, and what a difference is
                   reported as
    messages       the words: values described, messages wrapped,
                   exceptions explained
    errors         CheckFailed and CheckCallError, which the learner sees
    registry       CHECKERS: each checker with its exercise notebook and a
                   right function
and the checkers, following the exercise notebooks (each re-exported here):
    activations    sigmoid, tanh and their derivatives
    rnn            one RNN step, the Jacobian experiment, clipping by
                   global norm
    lstm_forward   the LSTM forward pass, one step and a sequence, and its
                   known mistakes
    lstm_backward  the LSTM backward pass, one step and a sequence
    forecasting    the leak-free pipeline, the persistence baseline, the
                   metrics
    keras_model    the Keras model of the case study
    gru            one GRU step (Keras' reset_after=True), forward and
                   backward
    language       the softmax cross-entropy and its gradient, sampling
                   with a temperature, the perplexity

A new checker goes into the module of its notebook, under
@checker(notebook, reference), and into that module's __all__:
CONTRIBUTING.md has the recipe. Nothing here imports TensorFlow or
scikit-learn until a check that needs them runs.
"""
# (each module's __all__: its checkers)
from .activations import *  # noqa: F401,F403
from .errors import CheckCallError, CheckFailed
from .forecasting import *  # noqa: F401,F403
from .gru import *  # noqa: F401,F403
from .keras_model import *  # noqa: F401,F403
from .language import *  # noqa: F401,F403
from .lstm_backward import *  # noqa: F401,F403
from .lstm_forward import *  # noqa: F401,F403
from .registry import CHECKERS
from .rnn import *  # noqa: F401,F403

__all__ = ["CHECKERS", "CheckFailed", "CheckCallError",
           *(f"check_{name}" for name in CHECKERS)]
