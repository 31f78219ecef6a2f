"""Bad input to lstm_lib.data, .windows and .baselines: one clear ValueError or TypeError, never a silent answer.

Each class of bad input (NaN and inf, zero sizes, wrong dimensionality, wrong types, foreign
objects; for CSV files: day-first dates, formatted numbers, other encodings, file objects,
repeated columns) is fed to every public function it can reach.
"""
import datetime
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from lstm_lib import data
from lstm_lib.baselines import LinearWindowModel, moving_average, persistence
from lstm_lib.data import DataQualityWarning, OfflineDataWarning, load_prices, read_price_csv
from lstm_lib.windows import make_windows, prepare, split_points

SERIES = np.linspace(10.0, 20.0, 40) + np.tile([0.0, 0.5], 20)
WINDOWS = np.arange(24.0).reshape(4, 3, 2)  # 4 windows, lookback 3, 2 features
PREPARED = prepare(SERIES, lookback=3)


def fitted_model():
    return LinearWindowModel().fit(WINDOWS, np.arange(4.0))


# ---------------------------------------------------------------- arrays: every function, every class

# (function of the bad array, the argument's name, what the argument should look like)
ARRAY_ARGUMENTS = {
    "make_windows values": (lambda a: make_windows(a, lookback=2), "values", "series"),
    "make_windows target": (lambda a: make_windows(SERIES, lookback=2, target=a), "target", "series"),
    "prepare series": (lambda a: prepare(a, lookback=2), "series", "series"),
    "to_prices scaled": (lambda a: PREPARED.to_prices(a), "scaled", "any"),
    "persistence X": (lambda a: persistence(a), "X", "windows"),
    "moving_average X": (lambda a: moving_average(a, days=1), "X", "windows"),
    "fit X": (lambda a: LinearWindowModel().fit(a, np.arange(4.0)), "X", "windows"),
    "fit y": (lambda a: LinearWindowModel().fit(WINDOWS, a), "y", "targets"),
    "predict X": (lambda a: fitted_model().predict(a), "X", "windows"),
}
GOOD = {"series": SERIES, "any": np.zeros((4, 1)), "windows": WINDOWS, "targets": np.arange(4.0)}


def with_value(kind, value):
    array = np.array(GOOD[kind], dtype=float)
    array.flat[1] = value
    return array


BAD_VALUES = {
    "NaN": lambda kind: with_value(kind, np.nan),
    "inf": lambda kind: with_value(kind, np.inf),
    "-inf": lambda kind: with_value(kind, -np.inf),
    "text": lambda kind: "1,2,3",
    "None": lambda kind: None,
    "dict": lambda kind: {"Close": [1.0, 2.0]},
    "strings in an array": lambda kind: np.array(["1", "2", "3", "4"]),
    "ragged list": lambda kind: [[1.0, 2.0], [3.0]],
}


@pytest.mark.parametrize(
    "argument, bad",
    [(a, b) for a in ARRAY_ARGUMENTS for b in BAD_VALUES if (a, b) != ("make_windows target", "None")],  # the default
)
def test_every_array_argument_refuses_nan_inf_and_foreign_objects(argument, bad):
    call, name, kind = ARRAY_ARGUMENTS[argument]
    with pytest.raises((ValueError, TypeError)) as error:
        call(BAD_VALUES[bad](kind))
    assert re.match(rf"{name}\b", str(error.value)), str(error.value)  # the message starts with the argument


ZERO_SIZES = {  # argument -> arrays with a zero-length axis that leave nothing to compute
    "make_windows values": [np.zeros(0), np.zeros((0, 2)), np.zeros((5, 0))],
    "make_windows target": [np.zeros(0)],
    "prepare series": [np.zeros(0)],
    "persistence X": [np.zeros((3, 0, 1)), np.zeros((3, 4, 0))],
    "moving_average X": [np.zeros((3, 0, 1)), np.zeros((3, 4, 0))],
    "fit X": [np.zeros((0, 3, 2)), np.zeros((4, 0, 2)), np.zeros((4, 3, 0))],
    "fit y": [np.zeros(0), np.zeros((4, 0))],
    "predict X": [np.zeros((2, 0, 2)), np.zeros((2, 3, 0))],
}


@pytest.mark.parametrize(
    "argument, array", [(a, x) for a, arrays in ZERO_SIZES.items() for x in arrays],
    ids=[f"{a}-{x.shape}" for a, arrays in ZERO_SIZES.items() for x in arrays],
)
def test_zero_sizes_are_refused(argument, array):
    call, name, _ = ARRAY_ARGUMENTS[argument]
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call(array)


def test_zero_windows_give_an_empty_forecast_and_empty_prices():
    X = np.zeros((0, 3, 1))
    assert persistence(X).shape == (0, 1) and moving_average(X, days=2).shape == (0, 1)
    assert PREPARED.to_prices(np.zeros((0, 1))).shape == (0, 1)


WRONG_DIMENSIONS = {
    "make_windows values": [np.float64(3.0), np.zeros((4, 2, 2))],
    "make_windows target": [np.zeros((40, 1)), np.zeros(39)],
    "prepare series": [np.float64(3.0), np.zeros((40, 2, 2))],  # (40, 2): two features, valid
    "persistence X": [np.zeros(4), np.zeros((4, 3)), np.zeros((4, 3, 2, 1))],
    "moving_average X": [np.zeros((4, 3))],
    "fit X": [np.zeros((4, 3))],
    "fit y": [np.zeros(8), np.zeros(3), np.zeros((4, 1, 1))],  # 8 and 3: not one per window
    "predict X": [np.zeros((4, 3)), np.zeros((4, 5, 2)), np.zeros((4, 3, 1))],  # not the fitted shape
}


@pytest.mark.parametrize(
    "argument, array", [(a, x) for a, arrays in WRONG_DIMENSIONS.items() for x in arrays],
    ids=[f"{a}-{np.shape(x)}" for a, arrays in WRONG_DIMENSIONS.items() for x in arrays],
)
def test_wrong_shapes_are_refused_with_the_shape_given(argument, array):
    call, name, _ = ARRAY_ARGUMENTS[argument]
    with pytest.raises(ValueError, match=rf"^{name}\b") as error:
        call(array)
    message = str(error.value)
    assert str(np.shape(array)) in message or (argument == "predict X" and str(np.shape(array)[1:]) in message)


# ---------------------------------------------------------------- scalars: wrong types and values

SCALARS = [  # (call, exception, start of the message)
    (lambda: make_windows(SERIES, lookback=2.5), TypeError, "lookback must be an integer; got 2.5"),
    (lambda: make_windows(SERIES, lookback="3"), TypeError, "lookback must be an integer; got '3'"),
    (lambda: make_windows(SERIES, lookback=True), TypeError, "lookback must be an integer; got True"),
    (lambda: make_windows(SERIES, lookback=0), ValueError, "lookback must be at least 1; got 0"),
    (lambda: make_windows(SERIES, lookback=3, horizon=None), TypeError, "horizon must be an integer; got None"),
    (lambda: make_windows(SERIES, lookback=3, horizon=-1), ValueError, "horizon must be at least 1; got -1"),
    (lambda: make_windows(SERIES, lookback=3, multi_step="no"), TypeError, "multi_step must be True or False; got 'no'"),
    (lambda: make_windows(SERIES, lookback=41), ValueError, "values holds 40 days, too short for lookback=41"),
    (lambda: make_windows(SERIES, lookback=35, horizon=6), ValueError, "values holds 40 days, too short"),
    (lambda: prepare(SERIES, lookback=2.0), TypeError, "lookback must be an integer; got 2.0"),
    (lambda: prepare(SERIES, lookback=3, multi_step=1), TypeError, "multi_step must be True or False; got 1"),
    (lambda: prepare(SERIES, lookback=3, train="0.7"), TypeError, "train must be a number; got '0.7'"),
    (lambda: prepare(SERIES, lookback=3, train=np.nan), ValueError, "train must be a finite number in (0, 1)"),
    (lambda: prepare(SERIES, lookback=3, validation=-0.1), ValueError, "validation must be a finite number in [0, 1)"),
    (lambda: prepare(SERIES, lookback=3, train=0.9, validation=0.1), ValueError, "train and validation must be fractions"),
    (lambda: prepare(SERIES, lookback=3, train=0.004), ValueError,
     "train=0.004 and validation=0.15 of 40 days leave the training part without a day"),
    (lambda: prepare(np.arange(1000.0), lookback=5, train=0.004), ValueError,
     "the train split has no complete windows: its 4 days (positions 0 to 3) are too few for lookback=5"),
    (lambda: prepare(SERIES, lookback=3, validation=0.0), ValueError,
     "the validation split has no complete windows: it has no days"),
    (lambda: prepare(SERIES, lookback=3, scaler=_minmax_class()), TypeError,
     "scaler must be a scaler object, not the class MinMaxScaler: pass an instance, MinMaxScaler()"),
    (lambda: prepare(SERIES, lookback=3, scaler=object()), TypeError,
     "scaler must be 'minmax', 'standard' or a scaler object with fit, transform and inverse_transform"),
    (lambda: prepare(SERIES, lookback=3, scaler="robust"), ValueError, "scaler must be 'minmax', 'standard'"),
    (lambda: split_points(SERIES), TypeError, "n_days must be the number of days, an integer; got a ndarray: pass len(...)"),
    (lambda: split_points(40.0), TypeError, "n_days must be an integer; got 40.0"),
    (lambda: split_points(-5), ValueError, "n_days must be at least 0; got -5"),
    (lambda: split_points(0), ValueError, "train=0.7 and validation=0.15 of 0 days leave the training part"),
    (lambda: split_points(10, 0.7, 0.28), ValueError, "train=0.7 and validation=0.28 of 10 days leave the test part"),
    (lambda: moving_average(WINDOWS, days=2.5), TypeError, "days must be an integer; got 2.5"),
    (lambda: moving_average(WINDOWS, days=0), ValueError, "days must be at least 1; got 0"),
    (lambda: moving_average(WINDOWS, days=4), ValueError, "days must be between 1 and the lookback 3; got 4"),
    (lambda: LinearWindowModel(ridge="small"), TypeError, "ridge must be a number; got 'small'"),
    (lambda: LinearWindowModel(ridge=-1e-3), ValueError, "ridge must be a finite number in [0, inf)"),
    (lambda: LinearWindowModel(ridge=0).fit(np.ones((5, 3, 1)), np.ones(5)), ValueError,
     "the windows are exactly collinear"),
    (lambda: LinearWindowModel().predict(WINDOWS), ValueError, "call fit(X_train, y_train) before predict"),
]


def _minmax_class():
    from sklearn.preprocessing import MinMaxScaler

    return MinMaxScaler


@pytest.mark.parametrize("call, exception, message", SCALARS, ids=[m[:45] for _, _, m in SCALARS])
def test_scalar_arguments(call, exception, message):
    with pytest.raises(exception) as error:
        call()
    assert str(error.value).startswith(message), str(error.value)


# ---------------------------------------------------------------- CSV files: dates


def write(tmp_path, text, name="prices.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def closes(dates, values=None):
    values = values or [str(10 + k) for k in range(len(dates))]
    return "Date,Close\n" + "".join(f"{d},{v}\n" for d, v in zip(dates, values))


@pytest.mark.parametrize(
    "dates, kwargs, expected",
    [
        (["03/01/2020", "14/01/2020"], {}, ["2020-01-03", "2020-01-14"]),  # 14 cannot be a month
        (["3.1.2020", "14.1.2020"], {}, ["2020-01-03", "2020-01-14"]),  # German style
        (["03-01-2020", "14-01-2020"], {}, ["2020-01-03", "2020-01-14"]),
        (["01/03/2020", "01/14/2020"], {}, ["2020-01-03", "2020-01-14"]),  # 14 cannot be a month: US style
        (["03/01/2020", "04/01/2020"], {"dayfirst": True}, ["2020-01-03", "2020-01-04"]),
        (["03/01/2020", "04/01/2020"], {"dayfirst": False}, ["2020-03-01", "2020-04-01"]),
        (["14/01/2020 00:00", "15/01/2020 00:00"], {}, ["2020-01-14", "2020-01-15"]),
        (["2020-01-03", "2020/01/14"], {"dayfirst": True}, ["2020-01-03", "2020-01-14"]),  # year first: no effect
    ],
)
def test_dates_with_the_year_last_are_read_in_the_order_the_file_shows(tmp_path, dates, kwargs, expected):
    frame = read_price_csv(write(tmp_path, closes(dates)), **kwargs)
    assert list(frame.index.strftime("%Y-%m-%d")) == expected
    assert frame["Close"].tolist() == [10.0, 11.0]  # in the file's order: nothing was re-sorted


@pytest.mark.parametrize(
    "dates, message",
    [
        (["03/01/2020", "04/01/2020"], r"dates like '03/01/2020' on data row 1 can be read day first or month first"
                                       r".*pass dayfirst=True \(day/month/year\) or dayfirst=False"),
        (["13/01/2020", "01/14/2020"], r"the dates mix day/month/year \('13/01/2020' on data row 1\) and "
                                       r"month/day/year \('01/14/2020' on data row 2\)"),
        (["14/01/20", "15/01/20"], r"the date '14/01/20' on data row 1 has a two-digit year"),
        (["2020-01-02", "31/02/2020"], r"could not parse the date '31/02/2020' on data row 2"),
        (["2020-01-02", ""], r"data row 2 has no date"),
    ],
)
def test_dates_that_cannot_be_read_without_a_guess(tmp_path, dates, message):
    with pytest.raises(ValueError, match=r"prices\.csv: " + message):
        read_price_csv(write(tmp_path, closes(dates)))


def test_dayfirst_false_refuses_a_day_above_12(tmp_path):
    with pytest.raises(ValueError, match=r"could not parse the date '14/01/2020' on data row 2"):
        read_price_csv(write(tmp_path, closes(["03/01/2020", "14/01/2020"])), dayfirst=False)


# ---------------------------------------------------------------- CSV files: numbers


@pytest.mark.parametrize(
    "text, close, volume",
    [
        ('Date,Close,Volume\n2020-01-02,"$1,005.50","1,234,567"\n2020-01-03,$999.5,12\n', [1005.5, 999.5], [1234567, 12]),
        ('Date;Close;Volume\n2020-01-02;160,62;1.234.567\n2020-01-03;1.005,5;12\n', [160.62, 1005.5], [1234567, 12]),
        ('Date,Close,Volume\n2020-01-02,"160,62",1234567\n2020-01-03,"161,5",12\n', [160.62, 161.5], [1234567, 12]),
        ('Date\tClose\tVolume\n2020-01-02\t€160,62\t1 234 567\n2020-01-03\t161,50 €\t12\n', [160.62, 161.5], [1234567, 12]),
        ('Date,Close,Volume\n2020-01-02,£160.62,"1,234"\n2020-01-03,161.5,12\n', [160.62, 161.5], [1234, 12]),
        ('Date,Close,Volume\n2020-01-02, 160.62 ,1.5e6\n2020-01-03,161.5,12\n', [160.62, 161.5], [1.5e6, 12]),
    ],
    ids=["dollars-and-thousands", "semicolons-decimal-comma", "quoted-decimal-comma", "tabs-euro-spaces",
         "pounds-thousands", "spaces-exponent"],
)
def test_formatted_numbers_are_read(tmp_path, text, close, volume):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing dropped, nothing repaired
        frame = read_price_csv(write(tmp_path, text))
    assert frame["Close"].tolist() == close and frame["Volume"].tolist() == volume


@pytest.mark.parametrize(
    "cells, message",
    [
        (["1.5", "abc"], r"could not read the Close value 'abc' on data row 2; expected a number"),
        (["1.5", "inf"], r"could not read the Close value 'inf' on data row 2"),
        (["1.5", "1e999"], r"could not read the Close value '1e999' on data row 2"),
        (["1.5", "(2.5)"], r"could not read the Close value '\(2.5\)' on data row 2"),
        (['"1,005"', "12"], r"cannot tell whether the comma in the Close value '1,005' on data row 1"),
        (['"160,62"', "1.5"], r"the numbers mix a decimal point \(Close '1.5' on data row 2\) and a decimal "
                              r"comma \(Close '160,62' on data row 1\)"),
    ],
)
def test_numbers_that_cannot_be_read_name_the_column_row_and_value(tmp_path, cells, message):
    with pytest.raises(ValueError, match=r"prices\.csv: " + message):
        read_price_csv(write(tmp_path, closes(["2020-01-02", "2020-01-03"], cells)))


def test_a_volume_that_is_not_a_number_is_named(tmp_path):
    path = write(tmp_path, "Date,Close,Volume\n2020-01-02,1.5,12\n2020-01-03,1.6,lots\n")
    with pytest.raises(ValueError, match=r"could not read the Volume value 'lots' on data row 2"):
        read_price_csv(path)


def test_missing_volumes_are_kept_and_counted(tmp_path):
    path = write(tmp_path, "Date,Close,Volume\n2020-01-02,1.5,\n2020-01-03,1.6,7\n2020-01-06,1.7,-\n")
    with pytest.warns(DataQualityWarning, match=r"2 of 3 rows have no Volume, kept as NaN \(first on 2020-01-02\)"):
        frame = read_price_csv(path)
    assert np.isnan(frame["Volume"].to_numpy()[[0, 2]]).all() and frame["Volume"].iloc[1] == 7


# ---------------------------------------------------------------- CSV files: encodings, file objects, columns

TEXT = "Date,Close,Währung\n2020-01-02,1.5,€\n2020-01-03,1.6,€\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1"])
def test_common_encodings_are_read(tmp_path, encoding):
    text = TEXT if encoding != "latin-1" else TEXT.replace("€", "£")  # Latin-1 has no euro sign
    if encoding == "utf-16-be":
        text = "\ufeff" + text  # with its byte-order mark, as Excel writes it
    frame = read_price_csv(write(tmp_path, text, encoding=encoding))
    assert frame["Close"].tolist() == [1.5, 1.6]


def test_utf16_without_a_byte_order_mark_names_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"prices\.csv: the file holds NUL bytes.*UTF-16 without a byte-order mark"):
        read_price_csv(write(tmp_path, TEXT, encoding="utf-16-le"))


def test_a_broken_utf16_file_names_the_file_and_the_encoding(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xff\xfe" + "Date,Close\n".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(ValueError, match=r"broken\.csv: the file starts like UTF-16 but is not valid UTF-16"):
        read_price_csv(path)


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda path: io.StringIO(path.read_text()), "<StringIO>"),
        (lambda path: io.BytesIO(path.read_bytes()), "<BytesIO>"),
        (lambda path: open(path, encoding="utf-8"), "prices.csv"),
        (lambda path: open(path, "rb"), "prices.csv"),
    ],
    ids=["StringIO", "BytesIO", "text file", "binary file"],
)
def test_file_objects_are_read_and_named_in_messages(tmp_path, make, name):
    good = write(tmp_path, closes(["2020-01-02", "2020-01-03"]))
    with make(good) as handle:
        assert read_price_csv(handle)["Close"].tolist() == [10.0, 11.0]
    bad = write(tmp_path, closes(["2020-01-02", "2020-01-03"], ["1", "x"]))
    with make(bad) as handle, pytest.raises(ValueError) as error:
        read_price_csv(handle)
    assert str(error.value).startswith(name) or str(error.value).startswith(str(bad))
    assert "could not read the Close value 'x' on data row 2" in str(error.value)


@pytest.mark.parametrize("path", [3, None, 2.5, pd.DataFrame({"Close": [1.0]}), ["prices.csv"]])
def test_a_path_of_the_wrong_type(path):
    with pytest.raises(TypeError, match=r"path must be a file name \(str or Path\) or an open file; got a value of type"):
        read_price_csv(path)


@pytest.mark.parametrize(
    "header, given, meaning",
    [
        ("Date,Close,close", "'Close' and 'close'", "Close"),
        ("Date,Close,Close", "'Close' and 'Close'", "Close"),
        ("Date,Datetime,Close", "'Date' and 'Datetime'", "Date"),
        ("Date,Close,Adj Close,adj_close", "'Adj Close' and 'adj_close'", "Adj Close"),
        ("Date;Close;VOLUME;Volume", "'VOLUME' and 'Volume'", "Volume"),
    ],
)
def test_a_column_given_twice(tmp_path, header, given, meaning):
    sep = ";" if ";" in header else ","
    row = sep.join(["2020-01-02"] + ["1.5"] * (header.count(sep)))
    with pytest.raises(ValueError, match=rf"prices\.csv: the columns {given} both hold {meaning}; keep one"):
        read_price_csv(write(tmp_path, f"{header}\n{row}\n"))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(ticker=3), "ticker must be a string such as 'MSFT' or None; got 3 (int)"),
        (dict(adjust="no"), "adjust must be True or False; got 'no' (str)"),
        (dict(dayfirst="yes"), "dayfirst must be True or False; got 'yes' (str)"),
        (dict(dayfirst=1), "dayfirst must be True or False; got 1 (int)"),
    ],
)
def test_read_price_csv_options_of_the_wrong_type(tmp_path, kwargs, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        read_price_csv(write(tmp_path, closes(["2020-01-02"])), **kwargs)


# ---------------------------------------------------------------- load_prices


def _must_not_download(*args):
    raise AssertionError("load_prices tried to download")


@pytest.mark.parametrize(
    "value, expected",
    [(v, "offline") for v in ["1", "true", "TRUE", "yes", "on", " On "]]
    + [(v, "online") for v in ["", "0", "false", "False", "no", "off", " OFF "]]
    + [(v, "unclear") for v in ["2", "maybe", "offline", "-1"]],
)
def test_the_offline_variable(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("LSTM_LIB_OFFLINE", value)
    monkeypatch.setattr(data, "cache_dir", lambda: tmp_path / "cache")
    calls = []
    monkeypatch.setattr(data, "_download", lambda *args: calls.append(args))  # None: no rows, so it falls back
    if expected == "unclear":
        with pytest.raises(ValueError, match=rf"the environment variable LSTM_LIB_OFFLINE must be 1, true, yes or on "
                                             rf"\(offline\) or 0, false, no, off or empty \(online\); got '{value}'"):
            load_prices("MSFT")
        return
    reason = "offline mode was requested" if expected == "offline" else "Yahoo Finance returned no rows"
    with pytest.warns(OfflineDataWarning, match=reason):
        load_prices("MSFT", start="2017-01-01", end="2017-02-01")
    assert len(calls) == (expected == "online")


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(start="01/02/2015"), (ValueError, "start must be a date written year-month-day, such as '2015-01-31'; got '01/02/2015'")),
        (dict(end="2015/02/01"), (ValueError, "end must be a date written year-month-day")),
        (dict(start="Jan 2 2015"), (ValueError, "start must be a date written year-month-day")),
        (dict(start="2015-02-30"), (ValueError, "start must be a real day, such as '2015-01-31'; got '2015-02-30'")),
        (dict(start=2015), (TypeError, "start must be a date such as '2015-01-31' or a datetime.date; got 2015 (int)")),
        (dict(end=20150101.0), (TypeError, "end must be a date such as")),
        (dict(start=pd.NaT), (ValueError, "start must be a real day")),
        (dict(start="2016-01-01", end="2015-01-01"),
         (ValueError, "start must be before end (the day after the last); got start=2016-01-01 and end=2015-01-01")),
        (dict(start="2015-01-01", end="2015-01-01"), (ValueError, "start must be before end")),
        (dict(offline="yes"), (TypeError, "offline must be True or False; got 'yes' (str)")),
        (dict(offline=1), (TypeError, "offline must be True or False; got 1 (int)")),
        # what is accepted: ISO strings (spaces around are fine), dates, datetimes, Timestamps, datetime64
        (dict(start=" 2017-01-01 ", end="2017-02-01"), 20),
        (dict(start=datetime.date(2017, 1, 1), end=datetime.date(2017, 2, 1)), 20),
        (dict(start=datetime.datetime(2017, 1, 1), end=pd.Timestamp("2017-02-01")), 20),
        (dict(start=np.datetime64("2017-01-01"), end=np.datetime64("2017-02-01")), 20),
    ],
)
def test_load_prices_arguments(monkeypatch, kwargs, expected):
    monkeypatch.setattr(data, "_download", _must_not_download)
    if isinstance(expected, int):
        with pytest.warns(OfflineDataWarning, match="offline mode was requested"):
            frame = load_prices("MSFT", **kwargs)
        assert len(frame) == expected and str(frame.index[0].date()) == "2017-01-03"
        return
    exception, message = expected
    with pytest.raises(exception) as error:
        load_prices("MSFT", **kwargs)
    assert str(error.value).startswith(message), str(error.value)


@pytest.mark.parametrize("ticker", ["../MSFT", "MS FT", "MSFT/X", "MSFT;rm"])
def test_a_ticker_that_cannot_be_a_file_name(ticker):
    with pytest.raises(ValueError, match="ticker may hold only letters, digits and"):
        load_prices(ticker)
