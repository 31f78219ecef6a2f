"""Daily stock prices: from Yahoo Finance when online, from a committed snapshot when not.

    load_prices("MSFT", start="2010-01-01", end="2015-01-01")   # DataFrame indexed by date
    read_price_csv("prices.csv")                                 # a CSV you downloaded yourself

Every function returns a DataFrame indexed by date (ascending, unique,
tz-naive, named "Date") with float columns Open, High, Low, Close, Volume.
Prices are *adjusted* for splits and dividends: yfinance's `auto_adjust=True`
online, the same adjustment (scaling by Adj Close / Close) for a classic Yahoo
CSV, and the snapshot's own, already adjusted, prices offline.
"""
import io
import logging
import os
import pathlib
import re
import warnings
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd

COLUMNS = ["Open", "High", "Low", "Close", "Volume"]
PRICE_COLUMNS = ["Open", "High", "Low", "Close"]
OFFLINE_ENV = "LSTM_LIB_OFFLINE"  # set to 1 to never touch the network
DOWNLOAD_TIMEOUT_S = 10


class OfflineDataWarning(UserWarning):
    """Prices came from the offline snapshot, not from Yahoo Finance."""


class DataQualityWarning(UserWarning):
    """Rows were dropped or repaired while reading prices."""


# ---------------------------------------------------------------- reading CSVs


def read_price_csv(path, ticker=None, adjust=True):
    """Read daily prices from a CSV in either of the two shapes people have.

    - The classic Yahoo download: ``Date,Open,High,Low,Close,Adj Close,Volume``
      (also without ``Adj Close``, as the offline snapshot is).
    - What ``yf.download(...).to_csv()`` writes: three header rows
      ``Price,...`` / ``Ticker,...`` / ``Date,...``.

    Parameters
    ----------
    path : str or Path
    ticker : str, optional
        Which ticker to take when a yfinance CSV holds several.
    adjust : bool
        If the file has ``Adj Close``, scale Open, High, Low and Close by
        Adj Close / Close so that all prices are adjusted, as yfinance does.

    Raises ValueError naming the file for an empty file, a missing Close
    column or dates that cannot be parsed. Rows with missing prices are dropped
    and counted in one DataQualityWarning.
    """
    path = pathlib.Path(path)
    text = path.read_text(encoding="utf-8-sig") if path.exists() else None
    if text is None:
        raise FileNotFoundError(f"{path}: no such file")
    if not text.strip():
        raise ValueError(f"{path}: the file is empty; expected a header row and daily prices")
    lines = text.splitlines()
    if lines[0].split(",")[0].strip() == "Price" and len(lines) > 1 and lines[1].startswith("Ticker"):
        frame = _read_yfinance_csv(path, text, ticker)
    else:
        frame = pd.read_csv(io.StringIO(text))
    return _clean(frame, source=str(path), adjust=adjust)


def _read_yfinance_csv(path, text, ticker):
    """The three-header-row CSV of yf.download(...).to_csv(): Price / Ticker / Date."""
    frame = pd.read_csv(io.StringIO(text), header=[0, 1], index_col=0)
    frame = frame.iloc[1:] if str(frame.index[0]).strip().lower() == "date" else frame  # the "Date,,,," row
    tickers = list(dict.fromkeys(frame.columns.get_level_values(1)))
    if ticker is None:
        if len(tickers) > 1:
            raise ValueError(f"{path}: the file holds several tickers ({', '.join(tickers)}); pass ticker=")
        ticker = tickers[0]
    if ticker not in tickers:
        raise ValueError(f"{path}: ticker {ticker!r} is not in the file; it holds {', '.join(tickers)}")
    frame = frame.xs(ticker, axis=1, level=1)
    frame.index.name = "Date"
    return frame.reset_index()


def _clean(frame, source, adjust=True):
    """Validate and normalise a raw price table into the module's standard shape."""
    if frame.empty and len(frame.columns) == 0:
        raise ValueError(f"{source}: the file is empty; expected a header row and daily prices")
    frame = frame.rename(columns=lambda c: str(c).strip())
    frame = frame.rename(columns={c: c.title() for c in frame.columns if c.lower() in {x.lower() for x in COLUMNS}})
    frame = frame.rename(columns={c: "Adj Close" for c in frame.columns if c.lower() in ("adj close", "adj_close")})
    if "Close" not in frame.columns:
        raise ValueError(
            f"{source}: no Close column; found columns {list(frame.columns)}; "
            "expected Date,Open,High,Low,Close,Adj Close,Volume or a yf.download(...).to_csv() file"
        )
    date_column = next((c for c in frame.columns if c.lower() in ("date", "datetime")), None)
    if date_column is None:
        raise ValueError(f"{source}: no Date column; found columns {list(frame.columns)}")
    if len(frame) == 0:
        raise ValueError(f"{source}: the file has a header but no rows of prices")

    dates = _parse_dates(frame[date_column], source)
    out = pd.DataFrame(index=pd.DatetimeIndex(dates, name="Date"))
    for column in COLUMNS + ["Adj Close"]:
        if column in frame.columns:
            out[column] = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)

    present_prices = [c for c in PRICE_COLUMNS + ["Adj Close"] if c in out.columns]
    missing = out[present_prices].isna().any(axis=1) | (out[present_prices] <= 0).any(axis=1)
    if missing.any():
        first = out.index[missing.to_numpy()][0].date()
        warnings.warn(
            f"{source}: dropped {int(missing.sum())} of {len(out)} rows with missing or non-positive "
            f"prices (first on {first})",
            DataQualityWarning,
            stacklevel=3,
        )
        out = out[~missing.to_numpy()]
    if out.empty:
        raise ValueError(f"{source}: no rows with complete prices")

    if adjust and "Adj Close" in out.columns:
        factor = out["Adj Close"] / out["Close"]
        for column in PRICE_COLUMNS:
            if column in out.columns:
                out[column] = out[column] * factor
    out = out.drop(columns=["Adj Close"], errors="ignore")

    out = out.sort_index()
    duplicated = out.index.duplicated(keep="last")
    if duplicated.any():
        warnings.warn(f"{source}: {int(duplicated.sum())} repeated dates; kept the last row of each", DataQualityWarning, stacklevel=3)
        out = out[~duplicated]
    return out[[c for c in COLUMNS if c in out.columns]]


# A UTC offset (or Z, UTC, GMT) after a time of day, as in "2020-03-06 00:00:00-05:00"; group 1 is the time.
_UTC_OFFSET = r"(\d:\d\d(?::\d\d(?:\.\d*)?)?)\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$"


def _parse_dates(values, source):
    """Calendar dates as tz-naive midnight timestamps; a clear error names the first bad value.

    A date with a UTC offset keeps its local calendar day (a daily bar stamped
    2020-01-02 00:00-05:00 is the bar of 2 January), whatever the offset.
    """
    strings = values.astype("string").str.strip()
    # yfinance writes each bar's local midnight with that day's offset (-05:00 in winter, -04:00
    # in summer). pandas treats mixed offsets differently from version to version (2.x returns
    # objects, 3.x raises), so we drop the offsets ourselves and keep the wall clock. utc=True
    # only covers what is left (a zone name, say): the result is then a datetime column in every version.
    local = strings.str.replace(_UTC_OFFSET, r"\1", regex=True)
    parsed = pd.to_datetime(local, errors="coerce", format="mixed", utc=True).dt.tz_localize(None)
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{source}: could not parse the date {values.iloc[row]!r} on data row {row + 1}; "
            "expected dates like 2017-11-10"
        )
    return parsed.dt.normalize().to_numpy()


# ---------------------------------------------------------------- snapshots and cache


def snapshot_dir():
    """The folder holding the committed snapshots: lstm_lib/snapshots when installed, data/ in a checkout."""
    package = pathlib.Path(__file__).resolve().parent
    installed = package / "snapshots"  # pyproject.toml ships data/*.csv there
    return installed if installed.is_dir() else package.parent / "data"


def available_snapshots():
    """Tickers with an offline snapshot, e.g. ['MSFT']."""
    return sorted(p.stem.upper() for p in snapshot_dir().glob("*.csv"))


def cache_dir():
    """Where downloads are cached: the checkout's data/cache, or ~/.cache/lstm_lib when installed."""
    checkout_data = pathlib.Path(__file__).resolve().parent.parent / "data"
    if checkout_data.is_dir() and os.access(checkout_data, os.W_OK):
        return checkout_data / "cache"
    return pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "lstm_lib"


def _cache_path(ticker, start, end):
    return cache_dir() / f"{ticker.upper()}_{start or 'first'}_{end or 'latest'}.csv"


# ---------------------------------------------------------------- loading


def load_prices(ticker, start=None, end=None, offline=None):
    """Daily prices of one ticker, adjusted for splits and dividends.

    Online, downloads with yfinance (``auto_adjust=True``) and caches the result
    under ``data/cache/`` (or ``~/.cache/lstm_lib`` for a pip install). When
    yfinance returns nothing or fails (no network, rate limit), or when
    ``offline=True`` or the environment variable LSTM_LIB_OFFLINE=1 is set, it
    falls back to the committed snapshot and says so, and why, in one
    OfflineDataWarning.

    Parameters
    ----------
    ticker : str, e.g. "MSFT", "ETH-USD"
    start, end : str or date, optional
        First day included and the day after the last, as yfinance takes them.
    offline : bool, optional

    Raises
    ------
    LookupError
        No data could be downloaded and there is no snapshot for the ticker.
    ValueError
        The snapshot has no prices between start and end.
    """
    if not isinstance(ticker, str) or not ticker.strip():
        raise ValueError(f"ticker must be a non-empty string such as 'MSFT'; got {ticker!r}")
    ticker = ticker.strip().upper()
    start = None if start is None else str(pd.Timestamp(start).date())
    end = None if end is None else str(pd.Timestamp(end).date())
    if offline is None:
        offline = os.environ.get(OFFLINE_ENV, "") not in ("", "0")

    reason = "offline mode was requested (offline=True or LSTM_LIB_OFFLINE=1)"
    if not offline:
        cached = _cache_path(ticker, start, end)
        if cached.exists() and end is not None:
            return read_price_csv(cached, adjust=False)
        messages = []  # the errors yfinance logged, then any exception
        try:
            frame = _download(ticker, start, end, messages)
        except Exception as exc:  # any failure of the network or of yfinance falls back
            frame = None
            messages.append(f"{type(exc).__name__}: {exc}")
        if frame is not None and not frame.empty:
            cached.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(cached)
            return frame
        reason = _failure_reason(messages)
    return _from_snapshot(ticker, start, end, reason)


def _download(ticker, start, end, messages):
    """yfinance's daily bars as a standard frame, with yfinance's own chatter silenced.

    yfinance reports a failure (rate limit, no network, unknown ticker) by logging it
    and returning an empty frame: the errors it logs are appended to the list `messages`.
    """
    import yfinance as yf

    quiet = io.StringIO()
    logger = logging.getLogger("yfinance")
    keep = _KeepMessages(messages)
    saved = logger.level, logger.handlers, logger.propagate
    # Errors only, to our handler alone and not on to the root logger: the console stays quiet.
    logger.setLevel(logging.ERROR)  # setLevel, not .level =, so that the logging cache is cleared
    logger.handlers, logger.propagate = [keep], False
    try:
        with warnings.catch_warnings(), redirect_stderr(quiet), redirect_stdout(quiet):
            warnings.simplefilter("ignore")
            raw = yf.download(
                ticker, start=start, end=end, auto_adjust=True, progress=False,
                threads=False, timeout=DOWNLOAD_TIMEOUT_S,
            )
    finally:
        logger.setLevel(saved[0])
        logger.handlers, logger.propagate = saved[1:]
    if raw is None or raw.empty:
        return raw
    if isinstance(raw.columns, pd.MultiIndex):  # (Price, Ticker) levels in current yfinance
        level_of_ticker = raw.columns.names.index("Ticker") if "Ticker" in raw.columns.names else 1
        raw = raw.xs(raw.columns.get_level_values(level_of_ticker)[0], axis=1, level=level_of_ticker)
    raw = raw.rename_axis("Date").reset_index()
    return _clean(raw, source=f"Yahoo Finance {ticker}", adjust=False)


class _KeepMessages(logging.Handler):
    """Appends the message of each log record to a list, and prints nothing."""

    def __init__(self, messages):
        super().__init__()
        self.messages = messages

    def emit(self, record):
        self.messages.append(record.getMessage())


# Why a download failed, from the words of yfinance 0.2.x and 1.x (log messages and exception
# reprs such as "['MSFT']: YFRateLimitError('Too Many Requests. Rate limited. ...')" or
# "DNSError('Failed to perform, curl: (6) Could not resolve host: ...')"). The first match wins:
# without a network, older yfinance also says "possibly delisted".
_FAILURES = [
    ("Yahoo Finance rate limited the download (too many requests; try again in a few minutes)",
     ("too many requests", "rate limit", "rate-limit", "ratelimit")),
    ("there is no network connection (Yahoo Finance could not be reached)",
     ("could not resolve host", "failed to resolve", "name resolution", "failed to perform",
      "failed to connect", "max retries exceeded", "network is unreachable", "dnserror",
      "connectionerror", "timed out", "timeouterror")),
    ("Yahoo Finance does not know the ticker, or it is delisted",
     ("delisted", "no timezone found", "quote not found")),
]


def _failure_reason(messages):
    """A plain reason for a failed download, then yfinance's own message, shortened to one line."""
    messages = [m for m in map(str, messages) if m.strip() and not re.fullmatch(r"\s*\d+ Failed downloads?:\s*", m)]
    if not messages:
        return "Yahoo Finance returned no rows"
    for reason, phrases in _FAILURES:
        matching = [m for m in messages if any(p in m.lower() for p in phrases)]
        if matching:
            return f'{reason}; yfinance said: "{_one_line(matching[-1])}"'
    return f'the download from Yahoo Finance failed; yfinance said: "{_one_line(messages[-1])}"'


def _one_line(message, width=150):
    """The first non-blank line of a message, cut to `width` characters."""
    line = next(x.strip() for x in message.splitlines() if x.strip())
    return line if len(line) <= width else line[: width - 3] + "..."


def _from_snapshot(ticker, start, end, reason):
    path = snapshot_dir() / f"{ticker}.csv"
    if not path.exists():
        raise LookupError(
            f"No prices for {ticker!r}: {reason}, and there is no offline snapshot for it. "
            f"Snapshots available: {', '.join(available_snapshots()) or 'none'}."
        )
    frame = read_price_csv(path, adjust=False)
    first, last = frame.index[0].date(), frame.index[-1].date()
    warnings.warn(
        f"Using the offline snapshot of {ticker} ({first} to {last}) because {reason}.",
        OfflineDataWarning,
        stacklevel=3,
    )
    selected = frame.loc[(frame.index >= (start or frame.index[0])) & (frame.index < (end or "2262-01-01"))]
    if selected.empty:
        raise ValueError(
            f"The offline snapshot of {ticker} covers {first} to {last}; "
            f"it has no prices between {start or 'the start'} and {end or 'the end'}"
        )
    return selected
