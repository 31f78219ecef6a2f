"""Daily stock prices: from Yahoo Finance when online, from a committed
snapshot when not.

    # DataFrame indexed by date
    load_prices("MSFT", start="2010-01-01", end="2015-01-01")
    # a CSV you downloaded yourself
    read_price_csv("prices.csv")

Every function returns a DataFrame indexed by date (ascending, unique,
tz-naive, named "Date") with float columns Open, High, Low, Close, Volume.
Prices are *adjusted* for splits and dividends: yfinance's
`auto_adjust=True` online, the same adjustment (scaling by Adj Close /
Close) for a classic Yahoo CSV, and the snapshot's own, already adjusted,
prices offline.
"""
import codecs
import csv
import datetime
import io
import logging
import os
import pathlib
import re
import warnings
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd

from ._shapes import describe_value, require_bool

COLUMNS = ["Open", "High", "Low", "Close", "Volume"]
PRICE_COLUMNS = ["Open", "High", "Low", "Close"]
# 1 (or true, yes, on) never touches the network
OFFLINE_ENV = "LSTM_LIB_OFFLINE"
DOWNLOAD_TIMEOUT_S = 10


class OfflineDataWarning(UserWarning):
    """Prices came from the offline snapshot, not from Yahoo Finance."""


class DataQualityWarning(UserWarning):
    """Rows were dropped or repaired while reading prices."""


# ------------------------------------------------------------ reading CSVs


def read_price_csv(path, ticker=None, adjust=True, dayfirst=None):
    """Read daily prices from a CSV in either of the two shapes people have.

    - The classic Yahoo download:
      ``Date,Open,High,Low,Close,Adj Close,Volume``
      (also without ``Adj Close``, as the offline snapshot is).
    - What ``yf.download(...).to_csv()`` writes: three header rows
      ``Price,...`` / ``Ticker,...`` / ``Date,...``.

    Parameters
    ----------
    path : str, Path, or an open file
        (text or binary, e.g. ``open(...)``, ``io.StringIO``)
    ticker : str, optional
        Which ticker to take when a yfinance CSV holds several.
    adjust : bool
        If the file has ``Adj Close``, scale Open, High, Low and Close by
        Adj Close / Close so that all prices are adjusted, as yfinance
        does.
    dayfirst : bool, optional
        How to read dates written with the year last (03/01/2020,
        03.01.2020). By default the file decides: a first number above 12
        means day first, a second above 12 month first. When every such
        date could be read either way, ValueError asks for
        ``dayfirst=True`` (day/month/year) or ``dayfirst=False``
        (month/day/year). ISO dates (2020-01-03) need nothing.

    What it reads: UTF-8 (with or without a byte-order mark), UTF-16 or
    UTF-32 with a byte-order mark, else Windows-1252 (Latin-1); columns
    separated by commas, semicolons or tabs; numbers with a currency sign
    ($ € £ ¥) and thousands separators (1,234,567.5 or 1.234.567,5), the
    decimal mark being decided for the whole file. Column names are
    matched ignoring case.

    Raises ValueError naming the file for an empty file, a missing Close
    column, a column given twice (Close and close), dates that cannot be
    parsed or whose order is ambiguous, and a value that is not a number
    (naming the column, the row and the value). Rows with missing prices
    (empty, null, NaN, -) or prices <= 0 are dropped and counted in one
    DataQualityWarning; missing volumes are kept as NaN and counted in
    another.
    """
    if ticker is not None and not isinstance(ticker, str):
        raise TypeError("ticker must be a string such as 'MSFT' or None; "
                        f"got {describe_value(ticker)}")
    adjust = require_bool("adjust", adjust)
    dayfirst = (None if dayfirst is None
                else require_bool("dayfirst", dayfirst))
    text, source = _read_text(path)
    if not text.strip():
        raise ValueError(f"{source}: the file is empty; "
                         "expected a header row and daily prices")
    lines = text.strip().splitlines()
    # commas unless the header says otherwise
    sep = max((",", ";", "\t"), key=lines[0].count)
    header = next(csv.reader(lines[:1], delimiter=sep))
    if (header[0].strip() == "Price" and len(lines) > 1
            and lines[1].startswith("Ticker")):
        frame = _read_yfinance_csv(source, text, ticker, sep)
    else:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str)
        if len(frame.columns) == len(header):
            # pandas renames a repeated name to "Close.1": _clean must
            # see it
            frame.columns = header
    return _clean(frame, source=source, adjust=adjust, dayfirst=dayfirst)


def _read_text(path):
    """The text of a file name or an open file, and the name to give it
    in messages.
    """
    if isinstance(path, (str, os.PathLike)):
        path = pathlib.Path(path)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        return _decode(path.read_bytes(), str(path)), str(path)
    if not callable(getattr(path, "read", None)):
        raise TypeError(
            "path must be a file name (str or Path) or an open file; "
            f"got a value of type {type(path).__name__}"
        )
    name = getattr(path, "name", None)
    source = name if isinstance(name, str) else f"<{type(path).__name__}>"
    content = path.read()
    if isinstance(content, bytes):
        return _decode(content, source), source
    if isinstance(content, str):
        return content.removeprefix("\ufeff"), source
    raise TypeError(f"{source}: read() returned {type(content).__name__}; "
                    "expected text or bytes")


# UTF-32 first: its little-endian mark begins with UTF-16's
_BYTE_ORDER_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]


def _decode(raw, source):
    """Text from bytes: UTF-8 or a byte-order-marked UTF-16/32, else
    Windows-1252 or Latin-1.

    A legacy 8-bit encoding can only change letters and currency signs,
    never the digits.
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"{source}: the file starts like {encoding.upper()} "
                    f"but is not valid {encoding.upper()} "
                    f"({exc.reason} at byte {exc.start}); save it as UTF-8"
                ) from None
    if b"\x00" in raw:
        raise ValueError(
            f"{source}: the file holds NUL bytes, so it is not a text CSV "
            "(or it is UTF-16 without a byte-order mark); "
            "save it as a UTF-8 CSV"
        )
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")  # never fails


def _read_yfinance_csv(path, text, ticker, sep=","):
    """The three-header-row CSV of yf.download(...).to_csv(): Price /
    Ticker / Date.
    """
    frame = pd.read_csv(io.StringIO(text), sep=sep, header=[0, 1],
                        index_col=0, dtype=str)
    frame = (frame.iloc[1:]
             if str(frame.index[0]).strip().lower() == "date"
             else frame)  # the "Date,,,," row
    tickers = list(dict.fromkeys(frame.columns.get_level_values(1)))
    if ticker is None:
        if len(tickers) > 1:
            raise ValueError(f"{path}: the file holds several tickers "
                             f"({', '.join(tickers)}); pass ticker=")
        ticker = tickers[0]
    if ticker not in tickers:
        raise ValueError(f"{path}: ticker {ticker!r} is not in the file; "
                         f"it holds {', '.join(tickers)}")
    frame = frame.xs(ticker, axis=1, level=1)
    frame.index.name = "Date"
    return frame.reset_index()


def _clean(frame, source, adjust=True, dayfirst=None):
    """Validate and normalise a raw price table into the module's standard
    shape.
    """
    if frame.empty and len(frame.columns) == 0:
        raise ValueError(f"{source}: the file is empty; "
                         "expected a header row and daily prices")
    names = [str(c).strip() for c in frame.columns]
    frame = frame.set_axis([_CANONICAL.get(n.lower(), n) for n in names],
                           axis=1)
    for column in dict.fromkeys(_CANONICAL.values()):
        given = [n for n, c in zip(names, frame.columns) if c == column]
        if len(given) > 1:
            raise ValueError(
                f"{source}: the columns {' and '.join(map(repr, given))} "
                f"both hold {column}; keep one"
            )
    if "Close" not in frame.columns:
        raise ValueError(
            f"{source}: no Close column; found columns {names}; "
            "expected Date,Open,High,Low,Close,Adj Close,Volume "
            "or a yf.download(...).to_csv() file"
        )
    if "Date" not in frame.columns:
        raise ValueError(f"{source}: no Date column; found columns {names}")
    if len(frame) == 0:
        raise ValueError(
            f"{source}: the file has a header but no rows of prices"
        )

    dates = _parse_dates(frame["Date"], source, dayfirst)
    out = pd.DataFrame(index=pd.DatetimeIndex(dates, name="Date"))
    numeric = [c for c in COLUMNS + ["Adj Close"] if c in frame.columns]
    # the quick way, for plain numbers
    plain = {c: _plain_numbers(frame[c]) for c in numeric}
    decimal = ("." if all(v is not None for v in plain.values())
               else _decimal_mark(frame[numeric], source))
    for column in numeric:
        numbers = (plain[column]
                   if decimal == "." and plain[column] is not None
                   else None)
        out[column] = _numbers(frame[column], column, source, decimal,
                               numbers)

    present_prices = [c for c in PRICE_COLUMNS + ["Adj Close"]
                      if c in out.columns]
    missing = (out[present_prices].isna().any(axis=1)
               | (out[present_prices] <= 0).any(axis=1))
    if missing.any():
        first = out.index[missing.to_numpy()][0].date()
        warnings.warn(
            f"{source}: dropped {int(missing.sum())} of {len(out)} rows "
            f"with missing or non-positive prices (first on {first})",
            DataQualityWarning,
            stacklevel=3,
        )
        out = out[~missing.to_numpy()]
    if out.empty:
        raise ValueError(f"{source}: no rows with complete prices")
    if "Volume" in out.columns and out["Volume"].isna().any():
        no_volume = out["Volume"].isna().to_numpy()
        warnings.warn(
            f"{source}: {int(no_volume.sum())} of {len(out)} rows have "
            "no Volume, kept as NaN "
            f"(first on {out.index[no_volume][0].date()})",
            DataQualityWarning,
            stacklevel=3,
        )

    if adjust and "Adj Close" in out.columns:
        factor = out["Adj Close"] / out["Close"]
        for column in PRICE_COLUMNS:
            if column in out.columns:
                out[column] = out[column] * factor
    out = out.drop(columns=["Adj Close"], errors="ignore")

    out = out.sort_index()
    duplicated = out.index.duplicated(keep="last")
    if duplicated.any():
        warnings.warn(
            f"{source}: {int(duplicated.sum())} repeated dates; "
            "kept the last row of each",
            DataQualityWarning,
            stacklevel=3,
        )
        out = out[~duplicated]
    return out[[c for c in COLUMNS if c in out.columns]]


# Column names as written (lower case) -> the standard name
_CANONICAL = {c.lower(): c for c in COLUMNS} | {
    "adj close": "Adj Close", "adj_close": "Adj Close",
    "date": "Date", "datetime": "Date",
}

# ----------------------------------------------------------------- numbers

# a currency sign before or after the number
_CURRENCY = r"^[$€£¥]\s*|\s*[$€£¥]$"
# compared in lower case
_MISSING = {"", "-", "null", "nan", "na", "n/a", "none", "#n/a", "<na>"}
# A number whose thousands are grouped by G (or not at all), with the
# decimal mark D
_NUMBER = (
    r"[+-]?(?=[.,]?\d)"
    r"(?:\d{{1,3}}(?:[{G} '\u00a0\u202f]\d{{3}})+|\d*)"
    r"(?:{D}\d*)?(?:[eE][+-]?\d+)?"
)
_NUMBER_FORMATS = {".": _NUMBER.format(G=",", D="\\."),
                   ",": _NUMBER.format(G="\\.", D=",")}


def _texts(frame):
    """The stripped text cells of the columns that were not read as
    numbers, missing ones as NA.
    """
    texts = {}
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            text = (frame[column].astype("string").str.strip()
                    .str.replace(_CURRENCY, "", regex=True))
            texts[column] = text.mask(text.str.lower().isin(_MISSING))
    return texts


def _decimal_mark(frame, source):
    """"." or ",": the decimal mark of the file, from the numbers that
    show it.

    1,234.5 and 1,234,567 and 160.62 show a point; 1.234,5 and 1.234.567
    and 160,62 a comma. A file whose commas could be either (only values
    like 1,005) is refused as ambiguous.
    """
    shows = {
        ".": r",\d{3}[.,]|\.(?:\d{1,2}|\d{4,})(?:[eE]|$)",
        ",": r"\.\d{3}[.,]|,(?:\d{1,2}|\d{4,})$",
    }
    # mark -> (column, row, value) of the first value showing it
    found = {mark: None for mark in shows}
    comma = None
    for column, text in _texts(frame).items():
        for mark, pattern in shows.items():
            hits = (text.str.contains(pattern, regex=True).fillna(False)
                    .to_numpy(dtype=bool))
            if hits.any() and found[mark] is None:
                row = int(np.flatnonzero(hits)[0])
                found[mark] = (column, row, text.iloc[row])
        commas = (text.str.contains(",", regex=False).fillna(False)
                  .to_numpy(dtype=bool))
        if commas.any() and comma is None:
            comma = (column, int(np.flatnonzero(commas)[0]),
                     text[commas].iloc[0])
    if found["."] and found[","]:
        (c1, r1, v1), (c2, r2, v2) = found["."], found[","]
        raise ValueError(
            f"{source}: the numbers mix a decimal point "
            f"({c1} {v1!r} on data row {r1 + 1}) and a decimal "
            f"comma ({c2} {v2!r} on data row {r2 + 1}); "
            "write every number like 1234.56"
        )
    if found[","]:
        return ","
    if comma and not found["."]:
        column, row, value = comma
        raise ValueError(
            f"{source}: cannot tell whether the comma in the {column} "
            f"value {value!r} on data row {row + 1} "
            "separates thousands or decimals; write numbers like 1234.56"
        )
    return "."


def _plain_numbers(values):
    """The column as floats when every cell is a plain number like 160.62
    (or missing), else None.
    """
    try:
        return pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        return None


def _numbers(values, column, source, decimal, numbers=None):
    """One column as floats, missing cells as NaN; ValueError names the
    first value that is not a number.

    `numbers` is the column already read as plain numbers, if it could be:
    only inf is checked then.
    """
    if numbers is not None or pd.api.types.is_numeric_dtype(values):
        numbers = (values.to_numpy(dtype=float, na_value=np.nan)
                   if numbers is None else numbers)
        bad = np.isinf(numbers)
    else:
        text = _texts(values.to_frame())[values.name]
        valid = (text.str.fullmatch(_NUMBER_FORMATS[decimal]).fillna(False)
                 .to_numpy(dtype=bool))
        group = "," if decimal == "." else "."
        plain = (text.str.replace(f"[{re.escape(group)} '\u00a0\u202f]", "",
                                  regex=True)
                 .str.replace(",", "."))
        numbers = (pd.to_numeric(plain.where(valid), errors="coerce")
                   .to_numpy(dtype=float, na_value=np.nan))
        # present, but not a finite number
        bad = text.notna().to_numpy() & ~np.isfinite(numbers)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{source}: could not read the {column} value "
            f"{values.iloc[row]!r} on data row {row + 1}; "
            "expected a number such as 1234.56"
        )
    return numbers


# A UTC offset (or Z, UTC, GMT) after a time of day, as in
# "2020-03-06 00:00:00-05:00"; group 1 is the time.
_UTC_OFFSET = (r"(\d:\d\d(?::\d\d(?:\.\d*)?)?)"
               r"\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$")


# A date with the year last, as in 03/01/2020, 3.1.2020 or 03-01-20,
# perhaps followed by a time
_YEAR_LAST = r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[ T])"


def _parse_dates(values, source, dayfirst=None):
    """Calendar dates as tz-naive midnight timestamps; a clear error names
    the first bad value.

    A date with a UTC offset keeps its local calendar day (a daily bar
    stamped 2020-01-02 00:00-05:00 is the bar of 2 January), whatever the
    offset. Dates with the year last are rewritten as ISO dates first, in
    the order `dayfirst` gives or, when it is None, the order the file
    shows (see read_price_csv).
    """
    strings = values.astype("string").str.strip()
    if strings.isna().any():
        raise ValueError(
            f"{source}: data row "
            f"{int(np.flatnonzero(strings.isna().to_numpy())[0]) + 1} "
            "has no date"
        )
    strings = _iso_from_year_last(strings, source, dayfirst)
    # yfinance writes each bar's local midnight with that day's offset
    # (-05:00 in winter, -04:00 in summer). pandas treats mixed offsets
    # differently from version to version (2.x returns objects, 3.x
    # raises), so we drop the offsets ourselves and keep the wall clock.
    # utc=True only covers what is left (a zone name, say): the result is
    # then a datetime column in every version.
    local = strings.str.replace(_UTC_OFFSET, r"\1", regex=True)
    parsed = (pd.to_datetime(local, errors="coerce", format="mixed",
                             utc=True)
              .dt.tz_localize(None))
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{source}: could not parse the date {values.iloc[row]!r} "
            f"on data row {row + 1}; expected dates like 2017-11-10"
        )
    return parsed.dt.normalize().to_numpy()


def _iso_from_year_last(strings, source, dayfirst):
    """Rewrite dates like 03/01/2020 as 2020-01-03 (or 2020-03-01), never
    guessing the order.
    """
    parts = strings.str.extract(_YEAR_LAST)
    year_last = parts[0].notna().to_numpy()
    if not year_last.any():
        return strings

    def example(mask):  # the first such date, and its data row
        row = int(np.flatnonzero(year_last & mask)[0])
        return f"{strings.iloc[row]!r} on data row {row + 1}"

    two_digit_year = parts[3].str.len().fillna(0).to_numpy() == 2
    if two_digit_year.any():
        raise ValueError(
            f"{source}: the date {example(two_digit_year)} has a "
            "two-digit year; write dates like 2017-11-10"
        )
    # NaN where not year-last
    first, second = (parts[k].astype(float).to_numpy() for k in (0, 2))
    if dayfirst is None:
        day_first, month_first = first > 12, second > 12
        if day_first.any() and month_first.any():
            raise ValueError(
                f"{source}: the dates mix day/month/year "
                f"({example(day_first)}) and month/day/year "
                f"({example(month_first)}); write dates like 2017-11-10"
            )
        if not day_first.any() and not month_first.any():
            raise ValueError(
                f"{source}: dates like {example(year_last)} can be read "
                "day first or month first, and no date in the file "
                "tells which; pass dayfirst=True (day/month/year) or "
                "dayfirst=False (month/day/year), or write dates like "
                "2017-11-10"
            )
        dayfirst = bool(day_first.any())
    day, month = (1, 3) if dayfirst else (3, 1)
    return strings.str.replace(
        _YEAR_LAST,
        lambda m: f"{m[4]}-{int(m[month]):02d}-{int(m[day]):02d}",
        regex=True,
    )


# ----------------------------------------------------- snapshots and cache


def snapshot_dir():
    """The folder holding the committed snapshots: lstm_lib/snapshots when
    installed, data/ in a checkout.
    """
    package = pathlib.Path(__file__).resolve().parent
    # pyproject.toml ships data/*.csv there
    installed = package / "snapshots"
    return installed if installed.is_dir() else package.parent / "data"


def available_snapshots():
    """Tickers with an offline snapshot, e.g. ['MSFT']."""
    return sorted(p.stem.upper() for p in snapshot_dir().glob("*.csv"))


def cache_dir():
    """Where downloads are cached: the checkout's data/cache, or
    ~/.cache/lstm_lib when installed.
    """
    checkout_data = pathlib.Path(__file__).resolve().parent.parent / "data"
    if checkout_data.is_dir() and os.access(checkout_data, os.W_OK):
        return checkout_data / "cache"
    return pathlib.Path(os.environ.get("XDG_CACHE_HOME")
                        or pathlib.Path.home() / ".cache") / "lstm_lib"


def _cache_path(ticker, start, end):
    return (cache_dir()
            / f"{ticker.upper()}_{start or 'first'}_{end or 'latest'}.csv")


# ----------------------------------------------------------------- loading


def load_prices(ticker, start=None, end=None, offline=None):
    """Daily prices of one ticker, adjusted for splits and dividends.

    Online, downloads with yfinance (``auto_adjust=True``) and caches the
    result under ``data/cache/`` (or ``~/.cache/lstm_lib`` for a pip
    install). When yfinance returns nothing or fails (no network, rate
    limit), or when ``offline=True`` or the environment variable
    LSTM_LIB_OFFLINE=1 is set, it falls back to the committed snapshot and
    says so, and why, in one OfflineDataWarning.

    Parameters
    ----------
    ticker : str, e.g. "MSFT", "ETH-USD", "^GSPC"
    start, end : str "YYYY-MM-DD", datetime.date, datetime or pandas
                 Timestamp, optional
        First day included and the day after the last, as yfinance takes
        them. Strings must be ISO dates: "01/02/2015" could be 1 February
        or 2 January.
    offline : bool, optional
        When None, LSTM_LIB_OFFLINE decides: 1, true, yes or on mean
        offline; 0, false, no, off or unset mean online; anything else is
        a ValueError.

    Raises
    ------
    LookupError
        No data could be downloaded and there is no snapshot for the ticker.
    ValueError
        A bad ticker, date or LSTM_LIB_OFFLINE; start not before end; or the
        snapshot has no prices between start and end.
    TypeError
        start, end or offline of the wrong type.
    """
    if not isinstance(ticker, str) or not ticker.strip():
        raise ValueError("ticker must be a non-empty string such as "
                         f"'MSFT'; got {ticker!r}")
    ticker = ticker.strip().upper()
    # it also names the cache file
    if not re.fullmatch(r"[A-Z0-9.^=_-]+", ticker):
        raise ValueError(
            "ticker may hold only letters, digits and . - ^ = _, "
            f"as in 'BRK-B' or '^GSPC'; got {ticker!r}"
        )
    start, end = _day("start", start), _day("end", end)
    if start is not None and end is not None and start >= end:
        raise ValueError(
            "start must be before end (the day after the last); "
            f"got start={start} and end={end}"
        )
    offline = (_offline_from_environment() if offline is None
               else require_bool("offline", offline))

    reason = ("offline mode was requested "
              "(offline=True or LSTM_LIB_OFFLINE=1)")
    if not offline:
        cached = _cache_path(ticker, start, end)
        if cached.exists() and end is not None:
            return read_price_csv(cached, adjust=False)
        messages = []  # the errors yfinance logged, then any exception
        try:
            frame = _download(ticker, start, end, messages)
        # any failure of the network or of yfinance falls back
        except Exception as exc:
            frame = None
            messages.append(f"{type(exc).__name__}: {exc}")
        if frame is not None and not frame.empty:
            cached.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(cached)
            return frame
        reason = _failure_reason(messages)
    return _from_snapshot(ticker, start, end, reason)


def _day(name, value):
    """start or end as "YYYY-MM-DD", from an ISO string, a date, a
    datetime or a Timestamp.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(
                f"{name} must be a date written year-month-day, "
                f"such as '2015-01-31'; got {value!r}"
            )
    # a Timestamp is a datetime
    elif not isinstance(value, (datetime.date, np.datetime64)):
        raise TypeError(
            f"{name} must be a date such as '2015-01-31' or a "
            f"datetime.date; got {describe_value(value)}"
        )
    try:
        day = pd.Timestamp(value)
    except ValueError:
        day = pd.NaT
    if pd.isna(day):
        raise ValueError(f"{name} must be a real day, such as "
                         f"'2015-01-31'; got {value!r}")
    return str(day.date())


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _offline_from_environment():
    """LSTM_LIB_OFFLINE as a bool: 1/true/yes/on or 0/false/no/off/empty,
    in any case.
    """
    value = os.environ.get(OFFLINE_ENV, "")
    if value.strip().lower() not in _TRUE + _FALSE:
        raise ValueError(
            f"the environment variable {OFFLINE_ENV} must be 1, true, yes "
            "or on (offline) or 0, false, no, off or empty (online); "
            f"got {value!r}"
        )
    return value.strip().lower() in _TRUE


def _download(ticker, start, end, messages):
    """yfinance's daily bars as a standard frame, with yfinance's own
    chatter silenced.

    yfinance reports a failure (rate limit, no network, unknown ticker) by
    logging it and returning an empty frame: the errors it logs are
    appended to the list `messages`.
    """
    import yfinance as yf

    quiet = io.StringIO()
    logger = logging.getLogger("yfinance")
    keep = _KeepMessages(messages)
    saved = logger.level, logger.handlers, logger.propagate
    # Errors only, to our handler alone and not on to the root logger: the
    # console stays quiet. setLevel, not .level =, so that the logging
    # cache is cleared.
    logger.setLevel(logging.ERROR)
    logger.handlers, logger.propagate = [keep], False
    try:
        with (warnings.catch_warnings(), redirect_stderr(quiet),
              redirect_stdout(quiet)):
            warnings.simplefilter("ignore")
            raw = yf.download(
                ticker, start=start, end=end, auto_adjust=True,
                progress=False, threads=False, timeout=DOWNLOAD_TIMEOUT_S,
            )
    finally:
        logger.setLevel(saved[0])
        logger.handlers, logger.propagate = saved[1:]
    if raw is None or raw.empty:
        return raw
    # (Price, Ticker) levels in current yfinance
    if isinstance(raw.columns, pd.MultiIndex):
        level_of_ticker = (raw.columns.names.index("Ticker")
                           if "Ticker" in raw.columns.names else 1)
        raw = raw.xs(raw.columns.get_level_values(level_of_ticker)[0],
                     axis=1, level=level_of_ticker)
    raw = raw.rename_axis("Date").reset_index()
    return _clean(raw, source=f"Yahoo Finance {ticker}", adjust=False)


class _KeepMessages(logging.Handler):
    """Appends the message of each log record to a list, and prints
    nothing.
    """

    def __init__(self, messages):
        super().__init__()
        self.messages = messages

    def emit(self, record):
        self.messages.append(record.getMessage())


# Why a download failed, from the words of yfinance 0.2.x and 1.x (log
# messages and exception reprs such as
# "['MSFT']: YFRateLimitError('Too Many Requests. Rate limited. ...')" or
# "DNSError('Failed to perform, curl: (6) Could not resolve host: ...')").
# The first match wins: without a network, older yfinance also says
# "possibly delisted".
_FAILURES = [
    ("Yahoo Finance rate limited the download "
     "(too many requests; try again in a few minutes)",
     ("too many requests", "rate limit", "rate-limit", "ratelimit")),
    ("there is no network connection (Yahoo Finance could not be reached)",
     ("could not resolve host", "failed to resolve", "name resolution",
      "failed to perform", "failed to connect", "max retries exceeded",
      "network is unreachable", "dnserror", "connectionerror",
      "timed out", "timeouterror")),
    ("Yahoo Finance does not know the ticker, or it is delisted",
     ("delisted", "no timezone found", "quote not found")),
]


def _failure_reason(messages):
    """A plain reason for a failed download, then yfinance's own message,
    shortened to one line.
    """
    messages = [m for m in map(str, messages)
                if m.strip()
                and not re.fullmatch(r"\s*\d+ Failed downloads?:\s*", m)]
    if not messages:
        return "Yahoo Finance returned no rows"
    for reason, phrases in _FAILURES:
        matching = [m for m in messages
                    if any(p in m.lower() for p in phrases)]
        if matching:
            return f'{reason}; yfinance said: "{_one_line(matching[-1])}"'
    return ("the download from Yahoo Finance failed; "
            f'yfinance said: "{_one_line(messages[-1])}"')


def _one_line(message, width=150):
    """The first non-blank line of a message, cut to `width` characters."""
    line = next(x.strip() for x in message.splitlines() if x.strip())
    return line if len(line) <= width else line[: width - 3] + "..."


def _from_snapshot(ticker, start, end, reason):
    path = snapshot_dir() / f"{ticker}.csv"
    if not path.exists():
        raise LookupError(
            f"No prices for {ticker!r}: {reason}, and there is no offline "
            "snapshot for it. Snapshots available: "
            f"{', '.join(available_snapshots()) or 'none'}."
        )
    frame = read_price_csv(path, adjust=False)
    first, last = frame.index[0].date(), frame.index[-1].date()
    warnings.warn(
        f"Using the offline snapshot of {ticker} ({first} to {last}) "
        f"because {reason}.",
        OfflineDataWarning,
        stacklevel=3,
    )
    selected = frame.loc[(frame.index >= (start or frame.index[0]))
                         & (frame.index < (end or "2262-01-01"))]
    if selected.empty:
        raise ValueError(
            f"The offline snapshot of {ticker} covers {first} to {last}; "
            f"it has no prices between {start or 'the start'} "
            f"and {end or 'the end'}"
        )
    return selected
