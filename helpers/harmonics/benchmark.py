"""One protocol for every forecaster: fixed test sets, per-signal errors, comparisons.

:func:`harmonic_test_sets` and :func:`family_test_sets` draw the fixed test
sets (one seed per setting); :func:`run_benchmark` asks every forecaster for
the next ``steps`` samples of each lookback and keeps the error of every
signal, so that :meth:`Benchmark.compare` can put a ratio, a 95% interval and
a verdict (:func:`helpers.comparison.compare`) on any two methods. Forecasts
are scored against the *noise-free* continuation: the noise cannot be
predicted, so that is the part a forecaster can get right.

A forecaster is any ``forecast(context, steps)`` with ``context`` of shape
``(n, lookback)`` returning ``(n, steps)`` (a :data:`SignalForecaster`); a
trained network contributes one forecaster per training seed.

Examples
--------
>>> from helpers.harmonics.spectral import persistence_forecast
>>> sets = harmonic_test_sets(50, component_sets={"1": 1}, noise_levels=(0.0,))
>>> bench = run_benchmark({"persistence": persistence_forecast}, sets, steps=(5,))
>>> row = bench.table().iloc[0]
>>> row["setting"], int(row["steps"]), row["method"], int(row["seeds"])
('1 clean', 5, 'persistence', 1)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.comparison import VERDICTS, Comparison, compare
from helpers.harmonics.families import FAMILIES
from helpers.harmonics.signals import Range, generate_signals
from helpers.validation import check_positive_int

__all__ = [
    "COMPONENT_SETS",
    "Benchmark",
    "SignalForecaster",
    "count_verdicts",
    "family_test_sets",
    "format_number",
    "harmonic_test_sets",
    "ratio_phrase",
    "run_benchmark",
    "verdict_tally",
]

SignalForecaster = Callable[[np.ndarray, int], np.ndarray]
#: Test sets of stationary sums: label -> number of components.
COMPONENT_SETS: dict[str, Range] = {"1": 1, "3-7": (3, 7), "20-45": (20, 45)}
TestSets = dict[str, tuple[np.ndarray, np.ndarray]]


def _setting(label: str, noise: float) -> str:
    return f"{label} {'noisy' if noise else 'clean'}"


def harmonic_test_sets(
    n_signals: int,
    *,
    lookback: int = 100,
    steps: int = 10,
    component_sets: Mapping[str, Range] = COMPONENT_SETS,
    noise_levels: Sequence[float] = (0.0, 0.1),
    seed: int = 2024,
) -> TestSets:
    """``{setting: (noisy, clean)}`` for every component set and noise level.

    Each setting draws from its own generator (the seed mixed with the
    setting), so adding a setting never changes another one's signals.
    """
    sets = {}
    for number, (label, components) in enumerate(component_sets.items()):
        for noise in noise_levels:
            rng = np.random.default_rng([seed, number, round(noise * 1000)])
            sets[_setting(label, noise)] = generate_signals(
                rng, n_signals, lookback + steps, lookback=lookback, n_components=components,
                noise=noise, return_clean=True)
    return sets


def family_test_sets(
    n_signals: int,
    *,
    lookback: int = 100,
    steps: int = 10,
    families: Sequence[str] = tuple(FAMILIES),
    noise_levels: Sequence[float] = (0.0, 0.1),
    seed: int = 2025,
) -> TestSets:
    """``{setting: (noisy, clean)}`` for the families of :mod:`helpers.harmonics.families`."""
    sets = {}
    for number, name in enumerate(families):
        for noise in noise_levels:
            rng = np.random.default_rng([seed, number, round(noise * 1000)])
            sets[_setting(name, noise)] = FAMILIES[name](
                rng, n_signals, lookback + steps, lookback=lookback, noise=noise,
                return_clean=True)
    return sets


def format_number(value: float) -> str:
    """Three significant digits, two decimals between 1 and 10, scientific only at the extremes.

    Examples
    --------
    >>> [format_number(v) for v in (0.01234, 1.0012, 12.5, 3.2e-29, 4e7, float("inf"))]
    ['0.0123', '1.00', '12.5', '3.2e-29', '4e+07', '∞']
    """
    if math.isinf(value):  # an interval open at one end: 68.8 to ∞
        return "∞" if value > 0 else "−∞"
    if math.isnan(value) or value == 0:
        return f"{value:g}"
    size = abs(value)
    if 1 <= size < 10:
        return f"{value:.2f}"  # ratios near 1: "1.00", never a bare "1"
    if 1e-3 <= size < 1e4:
        return f"{value:.3g}"
    return f"{value:.2g}"


def ratio_phrase(result: Comparison, *, short: bool = False) -> str:
    """``ratio 0.73 (95% interval 0.61 to 0.88)``, or who is exact when a side is.

    ``short`` leaves out the words: ``0.73 (0.61 to 0.88)``.

    Examples
    --------
    >>> import numpy as np
    >>> from helpers.comparison import compare
    >>> e = np.random.default_rng(0).exponential(size=300)
    >>> ratio_phrase(compare(e, 1e-25 * e, baseline="LP"))
    'LP practically exact'
    >>> ratio_phrase(compare(e, e), short=True)
    '1.00 (1.00 to 1.00)'
    """
    if result.exact:
        return "both exact" if result.exact == "both" else (
            f"{result.baseline if result.exact == 'baseline' else result.model} practically "
            "exact")
    low, high = (format_number(v) for v in result.ci)
    if short:
        return f"{format_number(result.ratio)} ({low} to {high})"
    return f"ratio {format_number(result.ratio)} (95% interval {low} to {high})"


def count_verdicts(comparisons: Sequence[Comparison]) -> dict[str, int]:
    """How many comparisons reached each verdict, in the order of :data:`VERDICTS`.

    Examples
    --------
    >>> count_verdicts([])["no clear difference"]
    0
    """
    verdicts = [c.verdict for c in comparisons]
    return {verdict: verdicts.count(verdict) for verdict in VERDICTS}


def verdict_tally(counts: Mapping[str, int], total: int, *, unit: str = "settings") -> str:
    """:func:`count_verdicts` in words: how many were better, then only the other verdicts
    some comparison reached.

    Examples
    --------
    >>> verdict_tally({"better": 1, "worse": 5, "no clear difference": 0}, 6)
    'better in 1 of 6 settings and worse in 5'
    >>> verdict_tally({"better": 0, "worse": 2, "no clear difference": 2}, 4)
    'better in 0 of 4 settings, worse in 2 and not clearly different in 2'
    """
    words = {"worse": "worse", "no clear difference": "not clearly different"}
    parts = [f"better in {counts.get('better', 0)} of {total} {unit}"]
    parts += [f"{words[v]} in {counts[v]}" for v in words if counts.get(v, 0)]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


@dataclass
class Benchmark:
    """Per-signal squared errors of every method on every setting, and what follows from them.

    Attributes
    ----------
    losses
        ``(setting, steps, method) -> (seeds, n)``: each signal's mean squared
        error over the first ``steps`` forecast values, one row per seed.
    power
        ``(setting, steps) -> mean square of the true continuation`` (the MSE
        of always forecasting 0), the unit of ``nMSE``.
    seconds
        ``method -> seconds`` spent forecasting (all settings, all seeds).
    """

    losses: dict[tuple[str, int, str], np.ndarray] = field(default_factory=dict)
    power: dict[tuple[str, int], float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def settings(self) -> list[str]:
        return list(dict.fromkeys(key[0] for key in self.losses))

    @property
    def methods(self) -> list[str]:
        return list(dict.fromkeys(key[2] for key in self.losses))

    def merged(self, other: Benchmark) -> Benchmark:
        """This benchmark's methods and ``other``'s, scored on the same test signals.

        Examples
        --------
        >>> from helpers.harmonics.spectral import persistence_forecast
        >>> sets = harmonic_test_sets(20, component_sets={"1": 1}, noise_levels=(0.0,))
        >>> a = run_benchmark({"persistence": persistence_forecast}, sets, steps=(5,))
        >>> b = run_benchmark({"zero": lambda c, s: 0 * c[:, :s]}, sets, steps=(5,))
        >>> a.merged(b).methods
        ['persistence', 'zero']
        """
        if self.power != other.power:
            raise ValueError("the two benchmarks scored different test signals (their settings "
                             "or signal power differ); run both on the same test sets.")
        return Benchmark({**self.losses, **other.losses}, dict(self.power),
                         {**self.seconds, **other.seconds})

    def mse(self, setting: str, steps: int, method: str) -> float:
        """Mean over signals and seeds."""
        return float(self._get(setting, steps, method).mean())

    def _get(self, setting: str, steps: int, method: str) -> np.ndarray:
        try:
            return self.losses[(setting, steps, method)]
        except KeyError:
            raise KeyError(
                f"no result for setting={setting!r}, steps={steps}, method={method!r}; "
                f"settings: {self.settings}, methods: {self.methods}."
            ) from None

    def table(self) -> pd.DataFrame:
        """One row per (setting, steps, method): ``seeds``, ``MSE`` and ``nMSE``."""
        rows = []
        for (setting, steps, method), losses in self.losses.items():
            mse = float(losses.mean())
            rows.append({"setting": setting, "steps": steps, "method": method,
                         "seeds": len(losses), "MSE": mse,
                         "nMSE": mse / self.power[(setting, steps)]})
        return pd.DataFrame(rows)

    def pivot(self, steps: int, value: str = "nMSE") -> pd.DataFrame:
        """Methods as rows, settings as columns, numbers formatted as short strings."""
        table = self.table()
        table = table[table["steps"] == steps]
        wide = table.pivot(index="method", columns="setting", values=value)
        wide = wide.reindex(index=self.methods, columns=self.settings)
        wide.columns.name, wide.index.name = None, f"{value}, {steps} steps"
        return wide.map(format_number)

    def compare(self, model: str, baseline: str, setting: str | Sequence[str],
                steps: int) -> Comparison:
        """Ratio of mean errors (below 1: ``model`` is better), 95% interval and verdict.

        ``setting`` may be a list: the signals of those settings are pooled.
        The verdict is about these trained networks (their seeds averaged). A
        method whose error is under a millionth of the signals' power is
        practically exact, and no ratio is reported.
        """
        settings = [setting] if isinstance(setting, str) else list(setting)

        def pooled(method: str) -> np.ndarray:
            return np.concatenate([self._get(s, steps, method) for s in settings], axis=1)

        power = np.mean([self.power[(s, steps)] for s in settings])
        return compare(pooled(model), pooled(baseline), model=model, baseline=baseline,
                       scale=power)

    def win_share(self, model: str, baseline: str, setting: str, steps: int) -> float:
        """Share of the test signals on which ``model`` (its seeds averaged) errs less.

        A mean can be ruled by a few huge errors; this says what happens on a
        typical signal.
        """
        model_losses = self._get(setting, steps, model).mean(axis=0)
        return float(np.mean(model_losses < self._get(setting, steps, baseline).mean(axis=0)))

    def best(self, setting: str, steps: int, candidates: Sequence[str]) -> str:
        """The candidate with the lowest MSE on ``setting``."""
        return min(candidates, key=lambda method: self.mse(setting, steps, method))

    def best_against_best(
        self,
        networks: Sequence[str],
        classical: Sequence[str],
        steps: int,
        *,
        choose_by: Benchmark | None = None,
    ) -> tuple[pd.DataFrame, list[Comparison]]:
        """Per setting, the best network against the best classical method.

        Parameters
        ----------
        networks, classical
            The two groups of methods.
        steps
            Forecast length scored.
        choose_by
            Another benchmark (same methods and settings, other signals) that
            picks each group's best, so the test signals are not also used to
            choose the winners. ``None``: pick on this benchmark.

        Returns
        -------
        (pandas.DataFrame, list of Comparison)
            One row per setting (ratio below 1: the network is better), and the
            comparisons behind the rows.
        """
        chooser = choose_by or self
        rows, comparisons = [], []
        for setting in self.settings:
            network = chooser.best(setting, steps, networks)
            baseline = chooser.best(setting, steps, classical)
            result = self.compare(network, baseline, setting, steps)
            comparisons.append(result)
            rows.append({"setting": setting, "best network": network,
                         "best classical": baseline,
                         "ratio (95% interval)": ratio_phrase(result, short=True),
                         "network is": result.verdict})
        return pd.DataFrame(rows).set_index("setting"), comparisons


def run_benchmark(
    methods: Mapping[str, SignalForecaster | Sequence[SignalForecaster]
                     | Mapping[str, SignalForecaster]],
    test_sets: TestSets,
    *,
    lookback: int = 100,
    steps: Sequence[int] = (5, 10),
) -> Benchmark:
    """Ask every method for ``max(steps)`` samples past each lookback and score them.

    Parameters
    ----------
    methods
        Name to a forecaster, to a list of forecasters (one per training
        seed of a network), or to a mapping ``{setting: forecaster}`` for a
        method tuned per setting (every setting must have one).
    test_sets
        ``{setting: (noisy, clean)}``, signals of at least ``lookback +
        max(steps)`` samples (:func:`harmonic_test_sets`).
    lookback
        Samples given to the forecasters.
    steps
        Forecast lengths to score; a shorter one scores the first values of
        the same forecast.

    Returns
    -------
    Benchmark
    """
    lookback = check_positive_int(lookback, "lookback")
    steps = sorted(check_positive_int(s, "steps") for s in steps)
    longest = steps[-1]
    bench = Benchmark()
    for setting, (noisy, clean) in test_sets.items():
        if noisy.shape[1] < lookback + longest:
            raise ValueError(f"test set {setting!r} has {noisy.shape[1]} samples per signal; "
                             f"lookback + steps needs {lookback + longest}.")
        context, truth = noisy[:, :lookback], clean[:, lookback : lookback + longest]
        for s in steps:
            bench.power[(setting, s)] = float(np.mean(truth[:, :s] ** 2))
        for name, forecasters in methods.items():
            if isinstance(forecasters, Mapping):
                if setting not in forecasters:
                    raise ValueError(f"method {name!r} is tuned per setting but has no "
                                     f"forecaster for {setting!r}; give one for every setting.")
                forecasters = forecasters[setting]
            forecasters = [forecasters] if callable(forecasters) else list(forecasters)
            started = time.perf_counter()
            errors = []
            for forecast in forecasters:
                predicted = np.asarray(forecast(context, longest), dtype=float)
                if predicted.shape != truth.shape:
                    raise ValueError(f"method {name!r} returned shape {predicted.shape} for "
                                     f"{setting!r}; expected (n, steps) = {truth.shape}.")
                errors.append((predicted - truth) ** 2)
            bench.seconds[name] = bench.seconds.get(name, 0.0) + time.perf_counter() - started
            errors = np.stack(errors)  # (seeds, n, longest)
            for s in steps:
                bench.losses[(setting, s, name)] = errors[..., :s].mean(axis=-1)
    return bench
