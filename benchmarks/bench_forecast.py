"""Benchmark: stateful autoregressive rollout vs the naive re-run loop.

A next-step LSTM (hidden size 100, the chapter 4 model) continues a
1,000-sample context by 500 samples on the CPU. The naive loop re-runs the
LSTM over the whole, growing sequence for every new sample; the stateful
rollout runs over the context once and then calls the fused LSTM cell once
per sample. Both must agree to 1e-5; the target is a speed-up of at least 50x.

Run: ``python benchmarks/bench_forecast.py`` (exit status 1 if a target is missed).
"""

from __future__ import annotations

import sys

import torch
from timing import best_of  # benchmarks/timing.py (scripts run from this folder)

from helpers.forecast import autoregressive_forecast, naive_autoregressive_forecast
from helpers.models import SequenceRegressor

CONTEXT, STEPS, HIDDEN, TARGET = 1000, 500, 100, 50.0


def main() -> int:
    torch.manual_seed(0)
    model = SequenceRegressor(n_features=1, hidden_size=HIDDEN).eval()
    context = torch.sin(torch.arange(CONTEXT, dtype=torch.float32) / 7.0)[None, :, None]

    fast_result = autoregressive_forecast(model, context, STEPS)
    slow_result = naive_autoregressive_forecast(model, context, STEPS)
    difference = float((fast_result - slow_result).abs().max())

    fast = best_of(lambda: autoregressive_forecast(model, context, STEPS), repeats=7)
    slow = best_of(lambda: naive_autoregressive_forecast(model, context, STEPS), repeats=2)
    speedup = slow / fast
    print(f"next-step LSTM, hidden {HIDDEN}, {CONTEXT}-sample context, {STEPS} steps, "
          f"CPU, {torch.get_num_threads()} threads")
    print(f"naive re-run loop:     {slow * 1e3:9.1f} ms")
    print(f"stateful rollout:      {fast * 1e3:9.1f} ms")
    print(f"speed-up:              {speedup:9.1f}x (target >= {TARGET:.0f}x)")
    print(f"largest difference:    {difference:9.2e} (target <= 1e-5)")
    ok = speedup >= TARGET and difference <= 1e-5
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
