"""Benchmark: how often the referee calls a winner when nothing differs.

For each kind of dependence and sample size, 400 draws of paired losses with
equal expected value go through ``compare``; the share of "better"/"worse"
verdicts should be near 5% and the target is at most 10% wherever n >= 250.
The circular block bootstrap (``method="bootstrap"``) is measured beside the
default Diebold-Mariano interval, for the record: it is the less exact one
under long streaks. Three seeds whose spread dominates are judged with
``scope="recipe"``.

Run: ``python benchmarks/bench_referee.py`` (exit status 1 if a target is missed).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from helpers.comparison.simulate import ar1, moving_average, positive_losses, referee_rates

REPLICATIONS, TARGET = 400, 0.10


def paired(kind: str, n: int):
    def make(rng):
        if kind == "three seeds":
            base = rng.exponential(size=(2, n))
            return (1 + 0.15 * rng.normal(size=(3, 1))) * base[0], base[1], 1.0
        z = {"iid": lambda: rng.normal(size=(2, n)),
             "AR(1) 0.5": lambda: ar1(rng, n, 0.5),
             "AR(1) 0.9": lambda: ar1(rng, n, 0.9),
             "MA(19)": lambda: moving_average(rng, n, 19)}[kind]()
        return positive_losses(z[0]), positive_losses(z[1]), 1.0
    return make


def main() -> int:
    missed = []
    print(f"false-verdict share over {REPLICATIONS} draws (target <= {TARGET:.0%} for n >= 250)")
    print(f"{'losses':<12}{'n':>6}{'DM':>8}{'bootstrap':>11}{'coverage':>10}{'ms/call':>9}")
    for kind in ("iid", "AR(1) 0.5", "AR(1) 0.9", "MA(19)", "three seeds"):
        for n in (30, 250, 1000, 3000):
            options = {"horizon": 20} if kind == "MA(19)" else {}
            if kind == "three seeds":
                options = {"scope": "recipe"}
            started = time.perf_counter()
            false, covered = referee_rates(paired(kind, n), replications=REPLICATIONS,
                                           **options)
            per_call = (time.perf_counter() - started) / REPLICATIONS * 1e3
            boot = "n/a"  # the bootstrap cannot resample three seeds
            if kind != "three seeds":
                boot_false, _ = referee_rates(paired(kind, n), replications=REPLICATIONS // 4,
                                              method="bootstrap", n_boot=500)
                boot = f"{boot_false:.1%}"
            print(f"{kind:<12}{n:>6}{false:>8.1%}{boot:>11}{covered:>10.1%}{per_call:>9.1f}")
            if n >= 250 and false > TARGET:
                missed.append(f"{kind}, n={n}: {false:.1%}")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
