"""Benchmark: ``helpers.training.fit`` against a bare hand-written loop.

The same LSTM regressor (2 features, hidden 64, lookback 60), the same 8,192
windows, Adam, mean squared error, batches of 128, shuffled every epoch. The
bare loop is what a reader would write: tensors made once on the device,
``torch.randperm`` per epoch, no checks, no validation, no history. ``fit``
does its checks (finite data, shapes), keeps a history and, for a fair
comparison, no validation set. Reported: samples per second of each, on the
CPU and, where available, on CUDA. Target: ``fit`` within 10% of the bare loop.

Run: ``python benchmarks/bench_fit.py`` (exit status 1 if a target is missed).
"""

from __future__ import annotations

import sys

import numpy as np
import torch
from timing import best_of  # benchmarks/timing.py (scripts run from this folder)

from helpers.models import WindowRegressor
from helpers.training import fit

N, LOOKBACK, FEATURES, HIDDEN, BATCH, EPOCHS, TARGET = 8192, 60, 2, 64, 128, 2, 0.90


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, LOOKBACK, FEATURES)).astype(np.float32)
    return x, x[:, -5:, :1].mean(axis=1)


def model() -> torch.nn.Module:
    torch.manual_seed(0)
    return WindowRegressor(FEATURES, HIDDEN)


def bare_loop(x: np.ndarray, y: np.ndarray, device: torch.device) -> None:
    net = model().to(device)
    inputs, targets = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    for _ in range(EPOCHS):
        order = torch.randperm(N, device=device)
        for start in range(0, N, BATCH):
            rows = order[start : start + BATCH]
            optimizer.zero_grad()
            loss_fn(net(inputs[rows]), targets[rows]).backward()
            optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()


def with_fit(x: np.ndarray, y: np.ndarray, device: torch.device) -> None:
    fit(model(), (x, y), epochs=EPOCHS, batch_size=BATCH, lr=1e-3, device=device,
        progress=False)
    if device.type == "cuda":
        torch.cuda.synchronize()


def main() -> int:
    x, y = data()
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available()
                                       else [])
    ok = True
    print(f"LSTM hidden {HIDDEN}, {N} windows of {LOOKBACK} x {FEATURES}, batch {BATCH}, "
          f"{EPOCHS} epochs; {torch.get_num_threads()} CPU threads")
    for device in devices:
        bare_loop(x, y, device)  # warm-up: kernels, allocator
        bare = best_of(lambda d=device: bare_loop(x, y, d), repeats=3)
        ours = best_of(lambda d=device: with_fit(x, y, d), repeats=3)
        share = bare / ours
        print(f"{device.type:>4}: bare loop {EPOCHS * N / bare:9,.0f} samples/s, "
              f"fit {EPOCHS * N / ours:9,.0f} samples/s: fit runs at {share:.0%} of the "
              f"bare loop's speed (target >= {TARGET:.0%})")
        ok &= share >= TARGET
    if not torch.cuda.is_available():
        print("cuda: not available on this machine (no GPU figure)")
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
