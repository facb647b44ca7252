"""Next-day forecasts of the S&P 500 task, scored against persistence.

Persistence (tomorrow's close = today's close) needs no training and is hard
to beat on daily prices, so every forecast here sits beside it:

* :func:`next_day_frame` turns scaled forecasts back into dollars, one row
  per test window, beside the truth and the persistence forecast;
* :func:`relative_errors` gives each window's squared error as a share of
  the last price, so that a US$1,000 stock and a US$20 stock weigh the same;
* :func:`daily_losses` averages those over the companies of each day: the
  paired, time-ordered samples :func:`helpers.comparison.compare` takes
  (windows of the same day share the market's move, so they are not
  independent; days in a row are resampled in blocks);
* :func:`company_scores` and :func:`summarize` describe the spread over companies;
* :func:`position_errors` splits a many-to-many output by position.

Examples
--------
>>> import numpy as np
>>> from helpers.autoencoders.sp500 import prepare
>>> from helpers.autoencoders.stocks import synthetic_prices
>>> data = prepare(synthetic_prices(days=80), lookback=4)
>>> frame = next_day_frame(data.test, data.test.values[:, -2, 0], data.scaler)
>>> float(company_scores(frame)["ratio"].iloc[0])        # persistence against itself
1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.autoencoders.stocks import TickerScaler, TickerWindows

__all__ = ["company_scores", "daily_losses", "next_day_frame", "position_errors",
           "relative_errors", "summarize"]


def next_day_frame(windows: TickerWindows, predicted: np.ndarray,
                   scaler: TickerScaler) -> pd.DataFrame:
    """One row per window: company, date, and truth, persistence and forecast in dollars.

    Parameters
    ----------
    windows
        Test windows of ``lookback + 1`` days; the last day is the truth, the
        day before it the persistence forecast.
    predicted
        The model's scaled forecast of each window's last day, shape ``(n,)``.
    scaler
        Turns scaled values back into dollars, company by company.
    """
    predicted = np.asarray(predicted, dtype=float).reshape(-1)
    if len(predicted) != len(windows):
        raise ValueError(f"{len(predicted)} predictions for {len(windows)} windows; pass one "
                         "forecast per test window.")
    names = windows.ticker
    return pd.DataFrame({
        "ticker": names, "date": pd.to_datetime(windows.end_date),
        "truth": scaler.inverse(windows.values[:, -1, 0], names),
        "persistence": scaler.inverse(windows.values[:, -2, 0], names),
        "model": scaler.inverse(predicted, names),
    })


def relative_errors(frame: pd.DataFrame, column: str = "model") -> np.ndarray:
    """Squared error of ``column`` as a share of the last known price, per window.

    Examples
    --------
    >>> frame = pd.DataFrame({"truth": [11.0], "persistence": [10.0], "model": [10.5]})
    >>> [round(float(relative_errors(frame, c)[0]), 6) for c in ("model", "persistence")]
    [0.0025, 0.01]
    """
    return (((frame[column] - frame["truth"]) / frame["persistence"]) ** 2).to_numpy(float)


def daily_losses(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Mean relative squared error over the companies of each test day, in date order.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2020-01-02"] * 2 + ["2020-01-01"]),
    ...                       "truth": [11.0, 9.0, 10.0], "persistence": [10.0] * 3,
    ...                       "model": [10.0] * 3})
    >>> daily_losses(frame, "model")["model"].round(3).tolist()
    [0.0, 0.01]
    """
    columns = columns or ("model", "persistence")
    table = pd.DataFrame({c: relative_errors(frame, c) for c in columns})
    return table.groupby(frame["date"].to_numpy()).mean().sort_index().rename_axis("date")


def company_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-company next-day RMSE in dollars, for the model and for persistence.

    Returns
    -------
    pandas.DataFrame
        Index ``ticker``; columns ``days``, ``model_rmse``, ``persistence_rmse``
        and ``ratio`` (model / persistence: below 1 beats persistence).
    """
    squared = frame.assign(m=(frame["model"] - frame["truth"]) ** 2,
                           p=(frame["persistence"] - frame["truth"]) ** 2)
    grouped = squared.groupby("ticker", sort=True)
    table = pd.DataFrame({"days": grouped.size(), "model_rmse": np.sqrt(grouped["m"].mean()),
                          "persistence_rmse": np.sqrt(grouped["p"].mean())})
    # a price that never moved has persistence RMSE 0: its ratio is undefined
    table["ratio"] = table["model_rmse"] / table["persistence_rmse"].replace(0.0, np.nan)
    return table


def summarize(frame: pd.DataFrame, model_errors: np.ndarray) -> dict[str, float]:
    """Pooled relative RMSE ratio and the spread of the per-company dollar ratios."""
    per_company = company_scores(frame)["ratio"].dropna()
    pooled = np.sqrt(model_errors.mean() / relative_errors(frame, "persistence").mean())
    return {
        "rmse_ratio": float(pooled),
        "rmse_ratio_median": float(per_company.median()),
        "share_beating_persistence": float((per_company < 1.0).mean()),
        "companies": float(len(per_company)),
    }


def position_errors(windows: TickerWindows, predicted: np.ndarray) -> pd.DataFrame:
    """Scaled RMSE per position of a ``many-to-many`` output, with persistence beside it.

    Position ``t`` predicts day ``t + 1``. For every position but the last,
    that day is already part of the input; persistence (day ``t``) is shown
    for scale.
    """
    values = windows.values[..., 0]
    predicted = np.asarray(predicted).reshape(len(values), -1)
    truth = values[:, 1:]
    model = np.sqrt(np.mean((predicted - truth) ** 2, axis=0))
    naive = np.sqrt(np.mean((values[:, :-1] - truth) ** 2, axis=0))
    positions = np.arange(1, truth.shape[1] + 1)
    return pd.DataFrame({"model": model, "persistence": naive},
                        index=pd.Index(positions, name="predicted day"))
