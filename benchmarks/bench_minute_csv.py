"""Benchmark: ``helpers.data.read_minute_csv`` on a 3,000,000-row minute file.

The file is written in a temporary folder in the Binance kline layout of the book's sample
(``open_time,open,high,low,close,volume,close_time,quote_volume,trade_count,
taker_buy_base,taker_buy_quote,ignore`` with ISO times such as
``2025-08-01 00:00:00+00:00``): about 5.7 years of minutes, some 450 MB. It is read once,
in a fresh Python process, so that the peak resident memory of that process (``VmHWM``
on Linux, else ``resource.getrusage``) is the reader's, not the generator's. Targets:
under 30 s and under 1 GiB of peak memory (the process, Python and pandas included).

Run: ``make bench`` or ``python benchmarks/bench_minute_csv.py [ROWS] [--keep PATH]``
(exit status 1 if a target is missed). ``--keep PATH`` writes the file at ``PATH`` and
leaves it there, or reads it from there if it already exists (for repeated runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROWS, SECONDS, MEMORY = 3_000_000, 30.0, 2**30
HEADER = ("open_time,open,high,low,close,volume,close_time,quote_volume,trade_count,"
          "taker_buy_base,taker_buy_quote,ignore")

# What the child process runs: imports first, so that they are not counted in the time.
# Peak memory is VmHWM, the high-water mark of this process's own memory: on Linux,
# getrusage's ru_maxrss also counts the parent's memory at the fork before exec.
CHILD = """
import json, resource, sys, time, warnings
from helpers.data import read_minute_csv
import helpers.data.minute_csv, helpers.data.minutes, helpers.data.timestamps

def peak_bytes():
    try:
        with open("/proc/self/status") as fh:
            line = next(x for x in fh if x.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

before = peak_bytes()
start = time.perf_counter()
with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter("always")
    frame = read_minute_csv(sys.argv[1])
seconds = time.perf_counter() - start
peak = peak_bytes()
print(json.dumps({"seconds": seconds, "peak": peak, "after_import": before,
                  "rows": len(frame), "columns": list(frame.columns),
                  "warnings": [str(w.message) for w in said]}))
"""


def write_klines(path: Path, rows: int, chunk: int = 500_000) -> None:
    """``rows`` one-minute Binance klines from 2020-01-01, a random walk around 30,000."""
    rng = np.random.default_rng(0)
    price = 30_000.0
    with open(path, "w", newline="\n") as fh:
        fh.write(HEADER + "\n")
        for first in range(0, rows, chunk):
            n = min(chunk, rows - first)
            times = pd.date_range("2020-01-01", periods=n, freq="min", tz="UTC") \
                + pd.Timedelta(minutes=first)
            close = price * np.exp(np.cumsum(rng.normal(0, 5e-4, n)))
            open_ = np.r_[price, close[:-1]]
            spread = np.abs(rng.normal(0, 3e-4, n)) * close
            volume = np.round(rng.gamma(2.0, 5.0, n), 5)
            base = np.datetime_as_string(times.tz_localize(None).to_numpy(), unit="s")
            frame = pd.DataFrame({
                "open_time": pd.Series(base).str.replace("T", " ") + "+00:00",
                "open": np.round(open_, 2),
                "high": np.round(np.maximum(open_, close) + spread, 2),
                "low": np.round(np.minimum(open_, close) - spread, 2),
                "close": np.round(close, 2),
                "volume": volume,
                "close_time": pd.Series(base).str.replace("T", " ").str.replace(
                    ":00$", ":59.999000+00:00", regex=True),
                "quote_volume": np.round(volume * close, 7),
                "trade_count": rng.integers(100, 3000, n),
                "taker_buy_base": np.round(volume / 2, 5),
                "taker_buy_quote": np.round(volume * close / 2, 7),
                "ignore": 0,
            })
            frame.to_csv(fh, header=False, index=False)
            price = float(close[-1])


def measure(path: Path, rows: int) -> subprocess.CompletedProcess:
    if not path.exists():
        start = time.perf_counter()
        write_klines(path, rows)
        print(f"wrote {rows:,} rows ({path.stat().st_size / 2**20:,.0f} MiB) in "
              f"{time.perf_counter() - start:.0f} s")
    return subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                          text=True, check=False)


def main() -> int:
    args = sys.argv[1:]
    keep = None
    if "--keep" in args:
        at = args.index("--keep")
        keep, args = Path(args[at + 1]), args[:at] + args[at + 2:]
    rows = int(args[0]) if args else ROWS
    if keep is not None:
        done = measure(keep, rows)
    else:
        with tempfile.TemporaryDirectory() as folder:
            done = measure(Path(folder) / "binance_btcusdt_1m.csv", rows)
    if done.returncode != 0:
        print(done.stderr)
        return 1
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == rows, result
    seconds_ok, memory_ok = result["seconds"] < SECONDS, result["peak"] < MEMORY
    print(f"read_minute_csv: {result['seconds']:6.1f} s   (target < {SECONDS:.0f} s)   "
          f"{'ok' if seconds_ok else 'MISSED'}")
    print(f"peak memory:     {result['peak'] / 2**30:6.2f} GiB (target < 1 GiB; "
          f"{result['after_import'] / 2**20:.0f} MiB of it is Python and pandas)   "
          f"{'ok' if memory_ok else 'MISSED'}")
    print(f"columns: {result['columns']}; warnings: {result['warnings'] or 'none'}")
    return 0 if seconds_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
