"""The metrics the case study compares forecasts by, on hand-computed values and with their errors
(bad input in general: tests/test_bad_input_metrics.py)."""
import numpy as np
import pytest

from lstm_lib.metrics import directional_accuracy, mae, mape, report, rmse


def test_metrics_on_hand_computed_values():
    actual, predicted, previous = np.array([10.0, 12.0, 9.0]), np.array([11.0, 11.0, 9.0]), np.array([9.0, 11.0, 10.0])
    assert rmse(actual, predicted) == pytest.approx(np.sqrt(2 / 3))
    assert mae(actual, predicted) == pytest.approx(2 / 3)
    assert mape(actual, predicted) == pytest.approx(100 * (0.1 + 1 / 12 + 0) / 3)
    # directions: actual up, up, down; predicted up, flat (no call: left out), down
    assert directional_accuracy(actual, predicted, previous) == 1.0
    assert set(report(actual, predicted, previous)) == {"RMSE", "MAE", "MAPE %", "Direction %"}


def test_metric_errors():
    with pytest.raises(ValueError, match="predicted must have the shape of actual, \\(2,\\); got \\(3,\\)"):
        rmse(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="MAPE is undefined"):
        mape(np.array([0.0, 1.0]), np.array([1.0, 1.0]))
    assert np.isnan(directional_accuracy(np.ones(3), np.ones(3), np.ones(3)))  # no day to judge
