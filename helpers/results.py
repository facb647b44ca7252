"""Record a chapter's headline numbers so the book's Results page can show them.

Each notebook writes one JSON file, ``<results dir>/<notebook>.json``, holding a
list of entries (name, value, unit, mode, data set, date). A comparison of a
model with its baseline (:func:`record_comparison`) also keeps the baseline,
the ratio's 95% interval, the verdict and the number of seeds; a trained
network keeps where its training stopped. The Results page is rendered from
those files at build time, so no number there is typed by hand.

The folder is ``LSTMBOOK_RESULTS_DIR`` when set (the test suite points it at a
temporary folder so smoke runs never overwrite the stored standard-mode
numbers), else ``book/results`` when the package runs from the book's
checkout, else ``lstmbook_results`` in the working directory (a pip-installed
package never writes into ``site-packages``).

Examples
--------
>>> record("03_bitcoin", "LSTM test RMSE", 41.2, unit="USD",
...        dataset="btc-binance-sample", baseline="persistence")  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from helpers.config import get_mode
from helpers.files import atomic_output

RESULTS_VARIABLE = "LSTMBOOK_RESULTS_DIR"


@dataclass(frozen=True)
class Result:
    """One headline number of a chapter."""

    notebook: str
    name: str
    value: float
    unit: str
    mode: str
    dataset: str
    date: str
    note: str = ""
    baseline: str = ""
    ci: tuple[float, float] | None = None
    verdict: str = ""
    seeds: int = 0
    training: list[dict[str, Any]] | None = None
    scope: str = ""


def results_dir() -> Path:
    """Folder where result files are written (see the module docstring)."""
    override = os.environ.get(RESULTS_VARIABLE)
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "_toc.yml").is_file() and (checkout / "book").is_dir():
        return checkout / "book" / "results"
    return Path.cwd() / "lstmbook_results"


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, entries: list[dict]) -> None:
    with atomic_output(path) as handle:
        json.dump(entries, handle, indent=2)
        handle.write("\n")


def record(
    notebook: str,
    name: str,
    value: float,
    *,
    unit: str = "",
    dataset: str = "",
    note: str = "",
    training: Any = None,
    **comparison: Any,
) -> Result:
    """Store one headline number, replacing an earlier entry of the same name.

    Parameters
    ----------
    notebook
        The notebook's file stem, e.g. ``"02_multivariate_windowing"``.
    name
        What the number is, e.g. ``"LSTM test RMSE"``.
    value
        A finite number.
    unit, dataset, note
        Shown beside the value on the Results page.
    training
        Where a trained network stopped: one ``History.summary()`` dict, or a
        list of them (one per seed), or a ``History`` / list of histories.
    **comparison
        ``baseline``, ``ci``, ``verdict``, ``seeds`` and ``scope`` of a
        comparison (use :func:`record_comparison`).

    Returns
    -------
    Result
        The entry as written, with the current mode and today's date (UTC).
    """
    if isinstance(value, bool | str | bytes) or not hasattr(value, "__float__"):
        raise TypeError(f"value of result {name!r} must be a number, got {value!r}.")
    if not (isinstance(name, str) and name.strip()):
        raise TypeError(f"name must say what the number is, e.g. 'LSTM test RMSE', got {name!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"result {name!r} of {notebook!r} is {value}; only finite numbers.")
    if not notebook or "/" in notebook:
        raise ValueError(f"notebook must be a file stem like '01_lstm_internals', not {notebook!r}")
    unknown = sorted(set(comparison) - {"baseline", "ci", "verdict", "seeds", "scope"})
    if unknown:
        raise TypeError(f"record() got unknown field(s) {unknown}; a comparison takes baseline, "
                        "ci, verdict, seeds and scope.")
    entry = Result(
        notebook=notebook,
        name=name,
        value=value,
        unit=unit,
        mode=get_mode(),
        dataset=dataset,
        date=dt.datetime.now(dt.timezone.utc).date().isoformat(),
        note=note,
        training=_training(training),
        **comparison,
    )
    path = results_dir() / f"{notebook}.json"
    entries = [e for e in _read(path) if e["name"] != name]
    entries.append(asdict(entry))
    _write(path, entries)
    return entry


def _training(training: Any) -> list[dict[str, Any]] | None:
    if training is None:
        return None
    items = training if isinstance(training, (list, tuple)) else [training]
    return [dict(item.summary() if hasattr(item, "summary") else item) for item in items]


def record_comparison(
    notebook: str,
    comparison: Any,
    *,
    name: str | None = None,
    dataset: str = "",
    note: str = "",
    training: Any = None,
) -> Result:
    """Store a :class:`helpers.comparison.Comparison` as one row of the Results page.

    The value is the ratio (below 1: the model is better); the entry keeps the
    baseline, the 95% interval, the verdict, the number of seeds and the
    verdict's scope. Where a side is practically exact there is no
    ratio to show: the value is the model's own mean loss and the note says
    who is exact. An interval with no upper end, or none at all (too few
    samples), is stored as no interval.

    Examples
    --------
    >>> import numpy as np
    >>> from helpers.comparison import compare
    >>> e = np.random.default_rng(0).exponential(size=100)
    >>> result = compare(0.5 * e + 0.1, e, model="LSTM", baseline="persistence")
    >>> record_comparison("02_multivariate_windowing", result)  # doctest: +SKIP
    """
    if not all(hasattr(comparison, k) for k in ("ratio", "ci", "verdict", "exact", "scope")):
        raise TypeError(f"comparison must be what helpers.comparison.compare returns, got "
                        f"{type(comparison).__name__}.")
    value, unit = comparison.ratio, f"{comparison.metric} ratio"
    if comparison.exact:
        who = {"baseline": comparison.baseline, "model": comparison.model,
               "both": "both"}[comparison.exact]
        value, unit = comparison.model_loss, f"{comparison.metric} of {comparison.model}"
        note = "; ".join(p for p in (f"{who} practically exact", note) if p)
    ci = tuple(float(v) for v in comparison.ci)
    return record(
        notebook, name or f"{comparison.model} vs {comparison.baseline}",
        value, unit=unit, dataset=dataset, note=note, training=training,
        baseline=comparison.baseline, ci=ci if all(map(math.isfinite, ci)) else None,
        verdict=comparison.verdict, seeds=int(comparison.seeds), scope=comparison.scope,
    )


def load_results(folder: Path | None = None) -> list[Result]:
    """Every recorded result in ``folder`` (default: :func:`results_dir`), by notebook."""
    folder = results_dir() if folder is None else Path(folder)
    known = set(Result.__dataclass_fields__)
    results = []
    for path in sorted(folder.glob("*.json")):
        try:
            entries = _read(path)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not valid JSON ({error}); re-run its notebook "
                             "(`make execute`) to write it again.") from None
        for entry in entries:
            unknown = sorted(set(entry) - known)
            missing = sorted(k for k, f in Result.__dataclass_fields__.items()
                             if k not in entry and f.default is dataclasses.MISSING)
            if unknown or missing:
                raise ValueError(f"{path}: entry {entry.get('name')!r} has unknown fields "
                                 f"{unknown} or lacks {missing}; it was written by another "
                                 "version of helpers: re-run its notebook.")
            results.append(Result(**{**entry, "ci": tuple(entry["ci"]) if entry.get("ci")
                                     else None}))
    return results


def format_value(value: float) -> str:
    """Four significant digits, without scientific notation for everyday sizes."""
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
        return f"{value:.3e}"
    return f"{value:.4g}"
