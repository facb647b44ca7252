"""Benchmark: the median pruner on chapter 5's toy grid, against the whole grid.

The toy task's default grid (learning rate 0.1, 0.01, 0.001 x hidden size 8, 16, 32 x
clipping 1, 5: the 18 configurations of the source) runs twice through
``helpers.experiments.run_grid``, once trained to the end (early stopping on the
validation loss, the task's budget) and once with ``pruner="median"``, each in a fresh
study. Reported: the epochs each spent (summed over the configurations), the saving, the
wall time, and whether the best configuration (lowest validation MSE) is the same.

Run: ``python benchmarks/bench_pruning.py [--mode standard] [--epochs N]`` (the mode sets
the data and budget; ``--epochs`` caps every fit, for a quicker look). It exits 0 either
way: a different winner is a finding to report, not a failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def run(pruner: str | None, output: Path, epochs: int | None) -> dict:
    import optuna

    from helpers.experiments.runner import run_grid

    started = time.perf_counter()
    table = run_grid("toy", device="cpu", output=output, epochs=epochs, progress=False,
                     pruner=pruner)
    seconds = time.perf_counter() - started
    study = optuna.load_study(study_name="toy", storage=f"sqlite:///{output / 'study.db'}")
    best = table.iloc[0]
    return {"epochs": sum(t.user_attrs.get("epochs_trained", 0) for t in study.trials),
            "pruned": int((table["state"] == "pruned").sum()), "seconds": seconds,
            "best": (best["lr"], best["hidden_size"], best["clip_grad_norm"]),
            "best_val_mse": float(best["val_mse"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="standard", choices=("smoke", "standard", "full"))
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    os.environ["LSTMBOOK_MODE"] = args.mode
    import torch

    torch.set_num_threads(1)  # small LSTMs: one thread beats a pool waiting on each other
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, pruner in (("whole grid", None), ("median pruner", "median")):
            results[name] = run(pruner, Path(folder) / name.replace(" ", "-"), args.epochs)
    whole, pruned = results["whole grid"], results["median pruner"]
    print(f"toy grid, 18 configurations, {args.mode} mode"
          + (f", at most {args.epochs} epochs a fit" if args.epochs else ""))
    for name, result in results.items():
        lr, hidden, clip = result["best"]
        print(f"  {name:13s}: {result['epochs']:5d} epochs, {result['seconds']:6.0f} s, "
              f"{result['pruned']:2d} pruned; best lr={lr:g} hidden_size={hidden} "
              f"clip_grad_norm={clip:g} (val MSE {result['best_val_mse']:.4f})")
    saving = 1 - pruned["epochs"] / whole["epochs"]
    print(f"pruning saves {saving:.0%} of the epochs "
          f"({1 - pruned['seconds'] / whole['seconds']:.0%} of the time); the best "
          f"configuration is {'the same' if pruned['best'] == whole['best'] else 'DIFFERENT'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
