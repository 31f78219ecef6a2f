"""lstm_lib.data: both CSV shapes, the offline fallback, the cache and every error, with no network."""
import logging
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


def test_ticker_history_csv_across_a_daylight_saving_change(tmp_path):
    # what yf.Ticker("MSFT").history(...).to_csv() writes: local midnight, -05:00 then -04:00
    path = tmp_path / "history.csv"
    path.write_text(
        "Date,Open,High,Low,Close,Volume,Dividends,Stock Splits\n"
        "2020-03-06 00:00:00-05:00,1.0,1.0,1.0,1.5,10,0.0,0.0\n"
        "2020-03-09 00:00:00-04:00,2.0,2.0,2.0,2.5,20,0.0,0.0\n"
    )
    frame = read_price_csv(path)
    check_standard_shape(frame)
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2020-03-06", "2020-03-09"]
    assert frame["Close"].tolist() == [1.5, 2.5]


@pytest.mark.parametrize(
    "dates",
    [
        ["2020-01-02 00:00:00+09:00", "2020-01-03 00:00:00+05:30"],  # east of UTC: still the printed day
        ["2020-01-02 23:00:00+00:00", "2020-01-03T00:00:00Z"],
        ["2020-01-02T00:00:00-0500", "2020-01-03 00:00-04"],
        ["2020-01-02", "2020-01-03 00:00:00-05:00"],  # naive and offset in one column
        ["2020-01-02 00:00:00 UTC", "2020-01-03 00:00:00 UTC"],
        ["2020-01-02", "2020/01/03"],
    ],
)
def test_dates_keep_the_printed_day_whatever_the_offset(tmp_path, dates):
    path = tmp_path / "dates.csv"
    path.write_text("Date,Close\n" + "".join(f"{d},1\n" for d in dates))
    frame = read_price_csv(path)
    assert frame.index.tz is None
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2020-01-02", "2020-01-03"]


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


def test_unparseable_date_among_offsets(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(
        "Date,Close\n2020-03-06 00:00:00-05:00,1\n2020-03-09 00:00:00-04:00,2\n2020-13-45 00:00:00-04:00,3\n"
    )
    with pytest.raises(ValueError, match=r"could not parse the date '2020-13-45 00:00:00-04:00' on data row 3"):
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
    with pytest.warns(OfflineDataWarning, match="no network connection.*ConnectionError: Could not resolve host"):
        frame = load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    assert len(frame) == 20


def test_a_raised_rate_limit_is_named(online):
    class YFRateLimitError(Exception):  # yfinance.exceptions' own in 0.2.66 and 1.7.0 (not in 0.2.40)
        def __init__(self):
            super().__init__("Too Many Requests. Rate limited. Try after a while.")

    def fail(ticker, **kwargs):
        raise YFRateLimitError()

    online(fail)
    with pytest.warns(OfflineDataWarning, match=r"rate limited.*YFRateLimitError: Too Many Requests\. Rate limited"):
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")


# What yf.download logs (logger "yfinance") before it returns an empty frame, copied from yfinance
# 0.2.66 (Colab's), 1.7.0 and, for "no network", 0.2.40 (which still used requests): "no network"
# run on a machine without one, the others with the real yf.download against a fake HTTP session
# answering 429, 404 with Yahoo's JSON for an unknown symbol, a chart without prices, or Yahoo's
# "Will be right back" page. {t} stands for the ticker.
CURL_DNS = (
    "Failed to perform, curl: (6) Could not resolve host: {host}. "
    "See https://curl.se/libcurl/c/libcurl-errors.html first for more details."
)
DNS_0266, DNS_170 = CURL_DNS.format(host="guce.yahoo.com"), CURL_DNS.format(host="query2.finance.yahoo.com")
DNS_0240 = (
    "HTTPSConnectionPool(host='fc.yahoo.com', port=443): Max retries exceeded with url: / (Caused by "
    "NameResolutionError(\"HTTPSConnection(host='fc.yahoo.com', port=443): Failed to resolve 'fc.yahoo.com' "
    "([Errno -2] Name or service not known)\"))"
)
QUOTE_404 = (
    'HTTP Error 404: Not Found{{"quoteSummary": {{"result": null, "error": {{"code": "Not Found", '
    '"description": "Quote not found for symbol: {t}"}}}}}}'
)
HEADER = ("ERROR", "\n1 Failed download:")
# (version, failure): (what yfinance logs, the part of it the learner must read)
YFINANCE_LOGS = {
    ("0.2.66", "rate limited"): (
        [HEADER, ("ERROR", "['{t}']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')")],
        "']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')",
    ),
    ("1.7.0", "rate limited"): (
        [("WARNING", "Crumb fetch rate-limited (HTTP 429), continuing without crumb"), HEADER,
         ("ERROR", "['{t}']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')")],
        "']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')",
    ),
    ("0.2.40", "no network"): (
        [("ERROR", "Failed to get ticker '{t}' reason: " + DNS_0240), HEADER,
         ("ERROR", "['{t}']: YFTzMissingError('$%ticker%: possibly delisted; No timezone found')")],
        "' reason: HTTPSConnectionPool(host='fc.yahoo.com', port=443): Max retries exceeded",
    ),
    ("0.2.66", "no network"): (
        [("ERROR", "Failed to get ticker '{t}' reason: " + DNS_0266.replace("com.", "com (Domain name not found).")),
         HEADER, ("ERROR", "['{t}']: DNSError('" + DNS_0266 + "')")],
        "']: DNSError('Failed to perform, curl: (6) Could not resolve host: guce.yahoo.com.",
    ),
    ("1.7.0", "no network"): (
        [("WARNING", "Cookie/crumb fetch failed (DNSError), continuing without crumb"),
         ("ERROR", "Failed to get ticker '{t}' reason: " + DNS_170), HEADER,
         ("ERROR", "['{t}']: DNSError('" + DNS_170 + "')")],
        "']: DNSError('Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com.",
    ),
    ("0.2.66", "unknown ticker"): (
        [("ERROR", QUOTE_404), HEADER, ("ERROR", "['{t}']: YFTzMissingError('possibly delisted; no timezone found')")],
        "']: YFTzMissingError('possibly delisted; no timezone found')",
    ),
    ("1.7.0", "unknown ticker"): (
        [("ERROR", QUOTE_404), ("ERROR", "${t}: possibly delisted; no timezone found"), HEADER,
         ("ERROR", "['{t}']: possibly delisted; no timezone found")],
        "']: possibly delisted; no timezone found",
    ),
    ("1.7.0", "no data in the range"): (
        [("ERROR", "${t}: possibly delisted; no price data found  (1d 2017-01-01 -> 2017-02-01)"), HEADER,
         ("ERROR", "['{t}']: possibly delisted; no price data found  (1d 2017-01-01 -> 2017-02-01)")],
        "']: possibly delisted; no price data found  (1d 2017-01-01 -> 2017-02-01)",
    ),
    ("0.2.66", "other"): (  # Yahoo's "Will be right back" page
        [HEADER, ("ERROR", "['{t}']: RuntimeError('*** YAHOO! FINANCE IS CURRENTLY DOWN! ***\\nOur engineers are "
                           "working quickly to resolve the issue. Thank you for your patience.')")],
        "']: RuntimeError('*** YAHOO! FINANCE IS CURRENTLY DOWN! ***\\nOur engineers",
    ),
}
IN_WORDS = {
    "rate limited": "Yahoo Finance rate limited the download (too many requests",
    "no network": "there is no network connection",
    "unknown ticker": "Yahoo Finance does not know the ticker, or it is delisted",
    "no data in the range": "Yahoo Finance does not know the ticker, or it is delisted",
    "other": "the download from Yahoo Finance failed",
}


def logs_then_returns_nothing(records):
    def download(ticker, **kwargs):
        for level, message in records:
            logging.getLogger("yfinance").log(getattr(logging, level), message.format(t=ticker))
        return pd.DataFrame()

    return download


@pytest.mark.parametrize("version, failure", list(YFINANCE_LOGS))
def test_why_yfinance_failed_reaches_the_warning(online, version, failure):
    logged, quoted = YFINANCE_LOGS[version, failure]
    online(logs_then_returns_nothing(logged))
    with pytest.warns(OfflineDataWarning) as record:
        frame = load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    message = str(record[0].message)
    assert len(record) == 1 and "\n" not in message and len(frame) == 20
    assert message.startswith("Using the offline snapshot of MSFT (1986-03-13 to 2017-11-10) because ")
    assert message.split(" because ", 1)[1].startswith(IN_WORDS[failure])
    assert '; yfinance said: "' in message and quoted in message


@pytest.mark.parametrize("version, failure", list(YFINANCE_LOGS))
def test_why_yfinance_failed_reaches_the_lookup_error(online, version, failure):
    logged, quoted = YFINANCE_LOGS[version, failure]
    online(logs_then_returns_nothing(logged))
    with pytest.raises(LookupError) as error:
        load_prices("ZZZZ")
    message = str(error.value)
    assert message.startswith(f"No prices for 'ZZZZ': {IN_WORDS[failure]}")
    assert '; yfinance said: "' in message and quoted in message and "ZZZZ" in message.split("said:")[1]
    assert message.endswith("and there is no offline snapshot for it. Snapshots available: MSFT.")


def test_yfinance_messages_are_shortened_to_one_line(online):
    online(logs_then_returns_nothing([("ERROR", "['{t}']: KeyError('x" + "y" * 300 + "')\nsecond line")]))
    with pytest.warns(OfflineDataWarning) as record:
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    message = str(record[0].message)
    assert "yfinance said: \"['MSFT']: KeyError('xyyy" in message and "...\"." in message
    assert "\n" not in message and "second line" not in message and len(message) < 300


def test_an_empty_download_falls_back(online):
    online(lambda ticker, **kw: pd.DataFrame())
    with pytest.warns(OfflineDataWarning, match="Yahoo Finance returned no rows"):
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")


def test_unknown_ticker_online_with_no_data(online):
    online(lambda ticker, **kw: pd.DataFrame())
    with pytest.raises(LookupError, match=r"'ZZZZ': Yahoo Finance returned no rows, and there is no offline snapshot"):
        load_prices("ZZZZ")


def test_yfinance_chatter_never_reaches_the_user(online, capsys, caplog):
    def noisy(ticker, **kwargs):
        import sys

        print("1 Failed download:", file=sys.stderr)
        warnings.warn("a pandas deprecation inside yfinance", FutureWarning)
        logging.getLogger("yfinance").error("['MSFT']: YFRateLimitError('Too Many Requests. Rate limited.')")
        return pd.DataFrame()

    online(noisy)
    logger = logging.getLogger("yfinance")
    before = logger.level, list(logger.handlers), logger.propagate
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    assert [w.category for w in caught] == [OfflineDataWarning]
    assert "rate limited" in str(caught[0].message)
    assert capsys.readouterr().err == "" and caplog.records == []  # nothing printed, nothing passed to the root logger
    assert (logger.level, logger.handlers, logger.propagate) == before


def test_a_yfinance_warning_is_not_taken_for_the_reason(online):
    # yfinance 1.7 warns when it cannot fetch a crumb, and goes on without one: only its errors count
    online(logs_then_returns_nothing([
        ("WARNING", "Crumb fetch rate-limited (HTTP 429), continuing without crumb"),
        ("WARNING", "Cookie/crumb fetch failed (DNSError), continuing without crumb"),
        ("ERROR", "['{t}']: possibly delisted; no timezone found"),
    ]))
    with pytest.warns(OfflineDataWarning, match="does not know the ticker, or it is delisted") as record:
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    assert "crumb" not in str(record[0].message)


def test_the_real_yfinance_is_stopped_by_the_tests_network_guard(monkeypatch, no_internet):
    """conftest's guard stops name lookups and curl_cffi's transfers too, so no test goes online."""
    pytest.importorskip("yfinance")
    monkeypatch.delenv("LSTM_LIB_OFFLINE")
    with pytest.warns(OfflineDataWarning, match="no network connection|download from Yahoo Finance failed"):
        load_prices("MSFT", start="2015-01-01", end="2015-02-01")
    assert no_internet, "yfinance went online without meeting the guard"
