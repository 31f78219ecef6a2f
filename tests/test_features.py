"""lstm_lib.features: the daily features of a multivariate forecast, on a hand-made table and on the snapshot.

Tolerance. A log return is computed as ln P_t - ln P_{t-1}. NumPy's log is accurate to about one ulp, so each
logarithm is off by at most eps |ln P| (eps = 2.2e-16, the spacing of doubles at 1), and the subtraction adds at
most eps/2 |r|: in all |error| <= 3 eps max|ln P|. Where exp(r) is compared with P_t / P_{t-1}, exp turns that
absolute error of r into a relative error of the same size, plus eps for exp and eps for the division.
"""
import warnings

import numpy as np
import pandas as pd
import pytest

from lstm_lib import features
from lstm_lib.data import OfflineDataWarning, load_prices
from lstm_lib.features import FEATURE_COLUMNS, price_features

EPS = np.finfo(float).eps


def table(close=(10.0, 20.0, 10.0, 40.0), volume=(100.0, 0.0, 1000.0, np.nan), days=None):
    """A small price table shaped like load_prices' output; Open, High, Low differ from Close by fixed amounts."""
    close = np.asarray(close, dtype=float)
    index = pd.DatetimeIndex(days or pd.date_range("2020-01-06", periods=len(close), freq="B"), name="Date")
    return pd.DataFrame({"Open": close - 1, "High": close + 2, "Low": close - 3, "Close": close,
                         "Volume": np.asarray(volume, dtype=float)}, index=index)


def test_a_hand_made_table_gives_the_hand_computed_features():
    prices = table()
    out = price_features(prices)
    assert list(out.columns) == list(FEATURE_COLUMNS) == ["Open", "High", "Low", "Close", "log_volume", "log_return"]
    assert out.index.equals(prices.index[1:]) and out.index.name == "Date"  # the first day has no return
    pd.testing.assert_frame_equal(out[["Open", "High", "Low", "Close"]],
                                  prices[["Open", "High", "Low", "Close"]].iloc[1:])
    # day 2: volume 0, carried forward from day 1 (100); day 3: 1000; day 4: NaN, carried forward (1000)
    np.testing.assert_array_equal(out["log_volume"], np.log([100.0, 1000.0, 1000.0]))
    # closes 10, 20, 10, 40: the returns are ln 2, -ln 2, ln 4
    np.testing.assert_allclose(out["log_return"], [np.log(2), -np.log(2), np.log(4)],
                               rtol=0, atol=3 * EPS * np.log(40.0))


def test_the_input_is_left_unchanged_and_extra_columns_are_ignored():
    prices = table()
    prices["Adj Close"] = prices["Close"] * 0.5
    kept = prices.copy()
    out = price_features(prices)
    pd.testing.assert_frame_equal(prices, kept)  # the 0 and the NaN volume are still there
    assert "Adj Close" not in out.columns
    out.iloc[0, 0] = -1.0  # the result is a new frame
    pd.testing.assert_frame_equal(prices, kept)


def test_a_missing_first_volume_is_harmless_but_a_missing_second_one_is_an_error():
    # the first day is dropped, so its volume is needed only to carry forward
    out = price_features(table(volume=(np.nan, 50.0, 60.0, 70.0)))
    np.testing.assert_array_equal(out["log_volume"], np.log([50.0, 60.0, 70.0]))
    with pytest.raises(ValueError, match="Volume must have a volume on the first or second day; "
                                         "it is 0 or missing up to 2020-01-07"):
        price_features(table(volume=(0.0, np.nan, 60.0, 70.0)))


@pytest.mark.parametrize("bad, error, message", [
    (lambda p: p["Close"].to_numpy(), TypeError, "prices must be a DataFrame with columns Open, High, Low, Close"),
    (lambda p: p.drop(columns=["High", "Volume"]), ValueError,
     "prices must have the columns Open, High, Low, Close, Volume; High, Volume missing"),
    (lambda p: p.assign(Low=["a", "b", "c", "d"]), ValueError, "prices column Low must hold numbers; got dtype "),
    (lambda p: p.iloc[:1], ValueError, "prices must hold at least two days (a return needs the day before); got 1"),
    (lambda p: p.iloc[[0, 2, 1, 3]], ValueError, "prices must be in time order, one row a day; its index is not"),
    (lambda p: p.iloc[[0, 1, 1, 2]], ValueError, "prices must be in time order, one row a day; its index holds a day"),
    (lambda p: p.assign(Close=[10.0, 0.0, -1.0, 5.0]), ValueError,
     "prices column Close must hold positive finite prices; 2 day(s) do not, the first 2020-01-07: 0.0"),
    (lambda p: p.assign(Open=[1.0, np.nan, 2.0, 3.0]), ValueError,
     "prices column Open must hold positive finite prices; 1 day(s) do not, the first 2020-01-07: nan"),
    (lambda p: p.assign(Volume=[1.0, 2.0, -3.0, 4.0]), ValueError,
     "prices column Volume must hold volumes >= 0 (0 or NaN for missing); got -3.0 on 2020-01-08"),
    (lambda p: p.assign(Volume=[1.0, np.inf, 3.0, 4.0]), ValueError, "prices column Volume must hold volumes >= 0"),
], ids=["array", "missing columns", "text", "one day", "out of order", "a day twice", "price 0", "price NaN",
        "negative volume", "infinite volume"])
def test_bad_tables_get_one_clear_error(bad, error, message):
    with pytest.raises(error) as caught:
        price_features(bad(table()))
    assert str(caught.value).startswith(message), str(caught.value)


@pytest.fixture(scope="module")
def snapshot():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OfflineDataWarning)  # offline on purpose: no test reaches the internet
        return load_prices("MSFT", offline=True)


def test_the_snapshot_gives_one_finite_row_a_day_from_the_second_day(snapshot):
    out = price_features(snapshot)
    assert out.index.equals(snapshot.index[1:])
    assert np.isfinite(out.to_numpy()).all()
    assert (out.dtypes == np.float64).all()
    np.testing.assert_array_equal(out[["Open", "High", "Low", "Close"]], snapshot[["Open", "High", "Low", "Close"]][1:])
    close = snapshot["Close"].to_numpy()
    rtol = 3 * EPS * np.abs(np.log(close)).max() + 2 * EPS  # the module docstring's bound
    np.testing.assert_allclose(np.exp(out["log_return"]), close[1:] / close[:-1], rtol=rtol, atol=0)


def test_the_snapshot_zero_volume_day_takes_the_previous_days_volume(snapshot):
    volume = snapshot["Volume"].to_numpy()
    zero = np.flatnonzero(volume == 0)
    assert len(zero) == 1 and snapshot.index[zero[0]] == pd.Timestamp("2010-04-26")  # data/README.md's one such day
    assert not np.isnan(volume).any()  # so the zero is the only repair
    out = price_features(snapshot)
    log_volume = out["log_volume"].to_numpy()  # row k is day k + 1
    day = zero[0]
    assert log_volume[day - 1] == np.log(volume[day - 1])  # the previous trading day's volume
    others = np.arange(1, len(volume)) != day
    np.testing.assert_array_equal(log_volume[others], np.log(volume[1:][others]))


def test_the_public_names_are_the_documented_ones():
    assert set(features.__all__) == {"FEATURE_COLUMNS", "price_features"}
