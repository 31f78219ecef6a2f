"""Daily features for a multivariate forecast, from the price table that
`lstm_lib.data` returns.

    features = price_features(load_prices("MSFT"))  # one row a day
    data = windows.prepare(features, lookback=30, target="log_return")

The features are raw: `windows.prepare` scales each of them on the
training days only.
"""
import numpy as np
import pandas as pd

from ._shapes import describe_value
from .data import PRICE_COLUMNS

__all__ = ["FEATURE_COLUMNS", "price_features"]

# the columns price_features returns, in order
FEATURE_COLUMNS = (*PRICE_COLUMNS, "log_volume", "log_return")


def price_features(prices):
    """Open, High, Low, Close, log volume and log return, one row a day.

    Parameters
    ----------
    prices : DataFrame (N days, columns Open, High, Low, Close, Volume)
        As `lstm_lib.data.load_prices` and `read_price_csv` return it: one
        row a day in time order, prices positive. Other columns are
        ignored.

    Returns
    -------
    DataFrame (N - 1 days, 6 columns), indexed like prices[1:]: the first
    day is left out because it has no return. Its columns are

    - Open, High, Low, Close: the prices as given;
    - log_volume: ln V_t, the natural logarithm of the day's volume;
    - log_return: r_t = ln(Close_t / Close_{t-1}).

    A volume of 0 on a day with prices is a data error (the MSFT snapshot
    has one, on 2010-04-26), and a missing (NaN) volume is no better: both
    are treated as missing and replaced by the previous day's volume,
    carried forward, before the logarithm is taken.

    Raises TypeError unless prices is a DataFrame, and ValueError for a
    missing or non-numeric column, a price that is not a positive finite
    number, a negative or infinite volume, a missing volume with no
    earlier day to carry one from, rows out of time order, or fewer than
    two rows.
    """
    frame = _checked_prices(prices)
    volume = frame["Volume"]
    # 0 and NaN are both missing: carry the last volume forward
    filled = volume.mask(volume == 0).ffill()
    if filled.iloc[1:].isna().any():
        last = filled.index[filled.isna().to_numpy()][-1]
        raise ValueError(
            "prices column Volume must have a volume on the first or "
            f"second day; it is 0 or missing up to {_day(last)}, with no "
            "earlier volume to carry forward"
        )
    close = frame["Close"].to_numpy()  # (N,)
    features = frame.loc[:, PRICE_COLUMNS].iloc[1:].copy()
    features["log_volume"] = np.log(filled.to_numpy()[1:])  # (N-1,)
    features["log_return"] = np.diff(np.log(close))  # (N-1,)
    return features


def _checked_prices(prices):
    """`prices`' price and volume columns as float64, after checking them;
    a clear error otherwise.
    """
    if not isinstance(prices, pd.DataFrame):
        raise TypeError(
            "prices must be a DataFrame with columns Open, High, Low, "
            f"Close and Volume, as load_prices returns; got "
            f"{describe_value(prices)}"
        )
    needed = [*PRICE_COLUMNS, "Volume"]
    missing = [c for c in needed if c not in prices.columns]
    if missing:
        raise ValueError(
            f"prices must have the columns {', '.join(needed)}; "
            f"{', '.join(missing)} missing (it has "
            f"{', '.join(map(str, prices.columns))})"
        )
    for column in needed:
        dtype = prices[column].dtype
        if not pd.api.types.is_numeric_dtype(dtype):
            raise ValueError(f"prices column {column} must hold numbers; "
                             f"got dtype {dtype}")
    if len(prices) < 2:
        raise ValueError(
            "prices must hold at least two days (a return needs the day "
            f"before); got {len(prices)}"
        )
    index = prices.index
    if not (index.is_unique and index.is_monotonic_increasing):
        raise ValueError(
            "prices must be in time order, one row a day; its index "
            + ("is not increasing" if index.is_unique
               else "holds a day more than once")
        )
    frame = prices.loc[:, needed].astype(float)
    for column in PRICE_COLUMNS:
        bad = ~(np.isfinite(frame[column]) & (frame[column] > 0))
        if bad.any():
            day = frame.index[bad.to_numpy()][0]
            raise ValueError(
                f"prices column {column} must hold positive finite "
                f"prices; {int(bad.sum())} day(s) do not, the first "
                f"{_day(day)}: {frame.at[day, column]}"
            )
    volume = frame["Volume"]
    if (volume < 0).any() or np.isinf(volume).any():
        day = frame.index[((volume < 0) | np.isinf(volume)).to_numpy()][0]
        raise ValueError(
            "prices column Volume must hold volumes >= 0 (0 or NaN for "
            f"missing); got {frame.at[day, 'Volume']} on {_day(day)}"
        )
    return frame


def _day(label):
    """A row label for messages: a date as YYYY-MM-DD, anything else as
    repr."""
    if isinstance(label, pd.Timestamp):
        return label.strftime("%Y-%m-%d")
    return repr(label)
