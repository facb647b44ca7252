"""Benchmark: make_windows vs a per-window pandas loop on a minute-sized series.

1,000,000 rows x 9 features, lookback 120 (the Bitcoin chapter's set-up).
The pandas loop is timed on a slice of windows and extrapolated (running it
over all 999,880 windows would take minutes). Extra memory is measured with
tracemalloc: the views cost a constant few hundred bytes, whatever the length.

Run: ``make bench`` or ``python benchmarks/bench_windowing.py``.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
from timing import best_of  # benchmarks/timing.py (scripts run from this folder)

from helpers.windowing import make_windows

ROWS, FEATURES, LOOKBACK = 1_000_000, 9, 120
LOOP_SAMPLE = 5_000  # windows actually built by the slow loop


def pandas_loop(frame: pd.DataFrame, lookback: int, count: int) -> list[np.ndarray]:
    """The per-window loop many tutorials write: one iloc slice per window."""
    target = frame.columns[-1]
    windows, targets = [], []
    for i in range(count):
        windows.append(frame.iloc[i : i + lookback].to_numpy())
        targets.append(frame[target].iloc[i + lookback])
    return windows



def main() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(ROWS, FEATURES))
    frame = pd.DataFrame(values, columns=[f"f{i}" for i in range(FEATURES)])

    fast = best_of(lambda: make_windows(values, values[:, -1], lookback=LOOKBACK, horizon=1))
    X, _ = make_windows(values, values[:, -1], lookback=LOOKBACK, horizon=1)

    tracemalloc.start()
    make_windows(values, values[:, -1], lookback=LOOKBACK, horizon=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sample = best_of(lambda: pandas_loop(frame, LOOKBACK, LOOP_SAMPLE), repeats=1)
    slow = sample * len(X) / LOOP_SAMPLE

    print(f"series: {ROWS:,} rows x {FEATURES} features, lookback {LOOKBACK}: {len(X):,} windows")
    print(f"windows as a copy would take {X.size * X.itemsize / 2**30:.1f} GiB")
    print(f"make_windows:          {fast * 1e3:9.2f} ms (best of 5), "
          f"peak extra memory {peak} bytes")
    print(f"pandas per-window loop: {slow:9.1f} s  (extrapolated from {LOOP_SAMPLE:,} windows)")
    print(f"speed-up:              {slow / fast:9,.0f}x")
    print(f"shares memory with the input: {np.shares_memory(X, values)}")


if __name__ == "__main__":
    main()
