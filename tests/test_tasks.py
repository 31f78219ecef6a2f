"""The synthetic sequence tasks: remember the first value, and the adding problem."""
import numpy as np
import pytest

from lstm_lib.tasks import adding_problem, first_value_task


def test_first_value_task(rng):
    x, y = first_value_task(50, 12, rng, noise=0.1)
    assert x.shape == (50, 12, 1) and y.shape == (50, 1)
    np.testing.assert_array_equal(x[:, 0, 0], y[:, 0])
    assert set(np.unique(y)) == {-1.0, 1.0}
    assert np.abs(x[:, 1:]).max() < 1.0


def test_adding_problem(rng):
    x, y = adding_problem(200, 10, rng)
    assert x.shape == (200, 10, 2) and y.shape == (200, 1)
    markers = x[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    assert np.all(markers[:, :5].sum(axis=1) == 1)  # one marker in each half
    np.testing.assert_allclose((x[:, :, 0] * markers).sum(axis=1), y[:, 0])


@pytest.mark.parametrize("task", [first_value_task, adding_problem])
def test_tasks_reject_bad_sizes(rng, task):
    with pytest.raises(ValueError, match="length must be at least"):
        task(5, 0, rng)
