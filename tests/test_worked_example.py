"""lstm_lib.worked_example: the one-unit LSTM of the LSTM-cell chapter and the gate explorer."""
import numpy as np
import pytest

from lstm_lib.activations import sigmoid
from lstm_lib.lstm import lstm_cell_forward, lstm_forward
from lstm_lib.worked_example import (
    BLOCK_NAMES,
    START,
    UNIT_WEIGHTS,
    company_prices,
    day5_prices,
    unit_params,
)


def test_unit_params_puts_each_block_in_keras_order():
    # distinct numbers everywhere, so a block or a part in the wrong place shows
    weights = {name: (10 * k + 1.0, 10 * k + 2.0, 10 * k + 3.0)
               for k, name in enumerate("fico")}
    params = unit_params(weights)
    for name in "fico":
        w_x, w_h, b = params.gate(name)  # Keras blocks (D, H), (H, H), (H,)
        assert (w_h.item(), w_x.item(), b.item()) == weights[name], name


def test_the_worked_step_gives_the_chapter_numbers():
    h_t, c_t, cache = lstm_cell_forward(
        [[START["x_t"]]], [[START["h_prev"]]], [[START["c_prev"]]], unit_params())
    # by hand: z_f = 2.70 + 1.63 + 1.62 = 5.95, and so on; 1e-12 is far below
    # the four decimals the chapter quotes and far above rounding
    assert abs(cache.f.item() - sigmoid(5.95)) < 1e-12
    assert round(c_t.item(), 4) == 2.9476 and round(h_t.item(), 4) == 0.9862


def test_the_companies_are_told_apart_by_day_1_alone():
    prices = company_prices()
    assert prices.shape == (2, 4)
    np.testing.assert_array_equal(prices[0, 1:], prices[1, 1:])
    assert prices[0, 0] != prices[1, 0]
    h, _, _ = lstm_forward(prices[:, :, None], unit_params())
    np.testing.assert_array_equal(np.round(h[:, -1, 0], 1), day5_prices())


def test_the_arrays_are_fresh_copies():
    prices = company_prices()
    prices[:] = 9.0
    day5_prices()[:] = 9.0
    assert company_prices()[0, 0] == 0.0 and day5_prices()[1] == 1.0


def test_the_constants_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        UNIT_WEIGHTS["f"] = (0.0, 0.0, 0.0)
    with pytest.raises(TypeError):
        START["x_t"] = 5.0
    assert set(BLOCK_NAMES) == set(UNIT_WEIGHTS) == set("fico")


@pytest.mark.parametrize("weights, error, message", [
    ({"f": (1, 2, 3)}, ValueError, "missing: c, i, o; unknown: none"),
    ({**UNIT_WEIGHTS, "g": (1, 2, 3)}, ValueError, "missing: none; unknown: 'g'"),
    ({**UNIT_WEIGHTS, "f": (1, 2)}, ValueError, "got 2 numbers"),
    ({**UNIT_WEIGHTS, "o": (1, "2", 3)}, TypeError, "weights['o'][1] must be a number"),
    ({**UNIT_WEIGHTS, "i": (1, 2, np.nan)}, ValueError, "weights['i'][2] must be a finite number"),
    (3, TypeError, "weights must be a mapping"),
])
def test_bad_weights_get_a_clear_error(weights, error, message):
    with pytest.raises(error) as caught:
        unit_params(weights)
    assert message in str(caught.value)
