"""lstm_lib.data: both CSV shapes, the offline fallback, the cache and every error, with no network."""
import warnings

import numpy as np
import pandas as pd
import pytest

from lstm_lib import data
from lstm_lib.data import DataQualityWarning, OfflineDataWarning, load_prices, read_price_csv

CLASSIC = """Date,Open,High,Low,Close,Adj Close,Volume
2020-01-03,10.0,11.0,9.0,10.0,5.0,100
2020-01-02,20.0,22.0,18.0,20.0,10.0,200
2020-01-06,30.0,33.0,27.0,30.0,15.0,300
"""


def yfinance_frame(tickers=("MSFT",)):
    """A frame shaped like current yf.download output: (Price, Ticker) column levels."""
    dates = pd.DatetimeIndex(["2021-03-01", "2021-03-02", "2021-03-03"], name="Date")
    columns = pd.MultiIndex.from_product([["Close", "High", "Low", "Open", "Volume"], list(tickers)], names=["Price", "Ticker"])
    values = np.arange(len(dates) * len(columns), dtype=float).reshape(len(dates), -1) + 1.0
    return pd.DataFrame(values, index=dates, columns=columns)


def check_standard_shape(frame):
    assert list(frame.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "Date"
    assert frame.index.is_monotonic_increasing and frame.index.is_unique and frame.index.tz is None
    assert all(dtype == np.float64 for dtype in frame.dtypes)


# ---------------------------------------------------------------- the two CSV shapes


def test_classic_yahoo_csv_is_sorted_and_adjusted(tmp_path):
    path = tmp_path / "classic.csv"
    path.write_text(CLASSIC)
    frame = read_price_csv(path)
    check_standard_shape(frame)
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2020-01-02", "2020-01-03", "2020-01-06"]
    # every price scaled by Adj Close / Close = 0.5; volume untouched
    np.testing.assert_allclose(frame.loc["2020-01-02", ["Open", "High", "Low", "Close"]], [10, 11, 9, 10])
    assert frame.loc["2020-01-02", "Volume"] == 200


def test_classic_csv_unadjusted_on_request(tmp_path):
    path = tmp_path / "classic.csv"
    path.write_text(CLASSIC)
    assert read_price_csv(path, adjust=False).loc["2020-01-02", "Close"] == 20.0


def test_yfinance_to_csv_with_three_header_rows(tmp_path):
    path = tmp_path / "yf.csv"
    yfinance_frame().to_csv(path)
    assert path.read_text().splitlines()[0].startswith("Price,")  # the real shape, written by pandas
    assert path.read_text().splitlines()[1].startswith("Ticker,")
    frame = read_price_csv(path)
    check_standard_shape(frame)
    expected = yfinance_frame().xs("MSFT", axis=1, level="Ticker")
    np.testing.assert_allclose(frame["Close"], expected["Close"])
    np.testing.assert_allclose(frame["Open"], expected["Open"])


def test_yfinance_csv_with_several_tickers(tmp_path):
    path = tmp_path / "two.csv"
    yfinance_frame(("MSFT", "AAPL")).to_csv(path)
    with pytest.raises(ValueError, match=r"two.csv: the file holds several tickers \(.*MSFT.*\); pass ticker="):
        read_price_csv(path)
    frame = read_price_csv(path, ticker="AAPL")
    np.testing.assert_allclose(frame["Close"], yfinance_frame(("MSFT", "AAPL"))[("Close", "AAPL")])
    with pytest.raises(ValueError, match="ticker 'GOOG' is not in the file"):
        read_price_csv(path, ticker="GOOG")


def test_timezone_aware_dates_keep_their_calendar_day(tmp_path):
    path = tmp_path / "tz.csv"
    path.write_text("Date,Close\n2020-01-02 00:00:00-05:00,1.5\n2020-07-02 00:00:00-04:00,2.5\n")
    frame = read_price_csv(path)
    assert frame.index.tz is None
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2020-01-02", "2020-07-02"]


# ---------------------------------------------------------------- errors and repairs


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ValueError, match=r"empty.csv: the file is empty"):
        read_price_csv(path)


def test_header_only(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("Date,Open,High,Low,Close,Volume\n")
    with pytest.raises(ValueError, match=r"header.csv: the file has a header but no rows"):
        read_price_csv(path)


def test_missing_close_column(tmp_path):
    path = tmp_path / "noclose.csv"
    path.write_text("Date,Open,High\n2020-01-02,1,2\n")
    with pytest.raises(ValueError, match=r"noclose.csv: no Close column; found columns \['Date', 'Open', 'High'\]"):
        read_price_csv(path)


def test_unparseable_dates(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("Date,Close\n2020-01-02,1\nnot a date,2\n")
    with pytest.raises(ValueError, match=r"dates.csv: could not parse the date 'not a date' on data row 2"):
        read_price_csv(path)


def test_missing_prices_are_dropped_and_counted(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2020-01-02,1,1,1,1,1,10\n2020-01-03,null,null,null,null,null,null\n"
        "2020-01-06,2,2,2,,2,20\n2020-01-07,3,3,3,3,3,30\n"
    )
    with pytest.warns(DataQualityWarning, match=r"gaps.csv: dropped 2 of 4 rows .* \(first on 2020-01-03\)"):
        frame = read_price_csv(path)
    assert list(frame.index.strftime("%d")) == ["02", "07"]


def test_repeated_dates_keep_the_last_row(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("Date,Close\n2020-01-02,1\n2020-01-02,2\n2020-01-03,3\n")
    with pytest.warns(DataQualityWarning, match="1 repeated dates"):
        frame = read_price_csv(path)
    assert frame["Close"].tolist() == [2.0, 3.0]


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv: no such file"):
        read_price_csv(tmp_path / "nope.csv")


# ---------------------------------------------------------------- the snapshot and the fallback


def test_the_committed_snapshot_is_real_msft_history():
    frame = read_price_csv(data.snapshot_dir() / "MSFT.csv")
    check_standard_shape(frame)
    assert str(frame.index[0].date()) == "1986-03-13" and str(frame.index[-1].date()) == "2017-11-10"
    assert len(frame) == 7983
    assert (frame["High"] >= frame["Low"]).all()


def test_offline_mode_uses_the_snapshot_with_one_warning():
    with pytest.warns(OfflineDataWarning) as record:
        frame = load_prices("msft", start="2015-01-01", end="2016-01-01")
    assert len(record) == 1 and "\n" not in str(record[0].message)
    assert "offline snapshot of MSFT (1986-03-13 to 2017-11-10)" in str(record[0].message)
    check_standard_shape(frame)
    assert frame.index[0] >= pd.Timestamp("2015-01-01") and frame.index[-1] < pd.Timestamp("2016-01-01")
    assert len(frame) == 252


def test_unknown_ticker_offline_names_it_and_lists_snapshots():
    with pytest.raises(LookupError, match=r"No prices for 'NOPE'.*Snapshots available: MSFT\."):
        load_prices("NOPE")


def test_range_outside_the_snapshot():
    with pytest.warns(OfflineDataWarning), pytest.raises(ValueError, match="covers 1986-03-13 to 2017-11-10"):
        load_prices("MSFT", start="2020-01-01", end="2021-01-01")


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_bad_ticker(bad):
    with pytest.raises(ValueError, match="ticker must be a non-empty string"):
        load_prices(bad)


# ---------------------------------------------------------------- the online path, with yfinance replaced


@pytest.fixture
def online(monkeypatch, tmp_path):
    """Online mode with yfinance.download replaced by a recorder and the cache in tmp_path."""
    import yfinance

    calls = []
    monkeypatch.setenv("LSTM_LIB_OFFLINE", "0")
    monkeypatch.setattr(data, "cache_dir", lambda: tmp_path / "cache")

    def install(behaviour):
        def fake_download(ticker, **kwargs):
            calls.append((ticker, kwargs))
            return behaviour(ticker, **kwargs)

        monkeypatch.setattr(yfinance, "download", fake_download)
        return calls

    return install


def test_online_download_flattens_ticker_level_and_caches(online, tmp_path):
    calls = online(lambda ticker, **kw: yfinance_frame((ticker,)))
    frame = load_prices("MSFT", start="2021-03-01", end="2021-03-04")
    check_standard_shape(frame)
    assert len(frame) == 3 and calls[0][1]["auto_adjust"] is True and calls[0][1]["progress"] is False
    assert (tmp_path / "cache" / "MSFT_2021-03-01_2021-03-04.csv").exists()
    again = load_prices("MSFT", start="2021-03-01", end="2021-03-04")
    assert len(calls) == 1  # the second call came from the cache
    pd.testing.assert_frame_equal(frame, again, check_freq=False)


def test_a_failing_download_falls_back_with_the_reason(online):
    def fail(ticker, **kwargs):
        raise ConnectionError("Could not resolve host")

    online(fail)
    with pytest.warns(OfflineDataWarning, match="ConnectionError: Could not resolve host"):
        frame = load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    assert len(frame) == 20


def test_an_empty_download_falls_back(online):
    online(lambda ticker, **kw: pd.DataFrame())
    with pytest.warns(OfflineDataWarning, match="Yahoo Finance returned no rows"):
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")


def test_unknown_ticker_online_with_no_data(online):
    online(lambda ticker, **kw: pd.DataFrame())
    with pytest.raises(LookupError, match=r"'ZZZZ': Yahoo Finance returned no rows, and there is no offline snapshot"):
        load_prices("ZZZZ")


def test_yfinance_chatter_never_reaches_the_user(online, capsys):
    def noisy(ticker, **kwargs):
        import sys

        print("1 Failed download:", file=sys.stderr)
        warnings.warn("a pandas deprecation inside yfinance", FutureWarning)
        return pd.DataFrame()

    online(noisy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    assert [w.category for w in caught] == [OfflineDataWarning]
    assert capsys.readouterr().err == ""
