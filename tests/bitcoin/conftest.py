"""Small synthetic minute candles shared by chapter 3's tests."""

import numpy as np
import pandas as pd
import pytest


def make_candles(n=300, start="2025-08-01 00:00", seed=0):
    """A random-walk minute series in the canonical layout (UTC ``timestamp`` index)."""
    idx = pd.date_range(start, periods=n, freq="min", tz="UTC", name="timestamp")
    close = 100 + np.cumsum(np.random.default_rng(seed).normal(size=n))
    return pd.DataFrame({"open": close - 0.1, "high": close + 0.5, "low": close - 0.5,
                         "close": close, "volume": 1.0}, index=idx)


@pytest.fixture(name="make_candles")
def make_candles_fixture():
    """The factory itself, so tests can ask for series of their own length and start."""
    return make_candles
