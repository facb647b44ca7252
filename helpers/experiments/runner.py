"""Run a task over a grid of hyper-parameters, from a notebook or the command line.

The task contract
-----------------
A task is a module (registered in :data:`TASKS`) that defines

``NAME: str``
    The name used on the command line (``toy``, ``mnist``, ``sp500``).
``PARAMS: dict[str, Param]``
    Its hyper-parameters (:class:`helpers.experiments.params.Param`). Each
    becomes a flag that accepts several values (``hidden_size`` ->
    ``--hidden-size 8 16 32``); every combination is one *configuration*.
``run(params, *, device, epochs=None, checkpoint=None, resume=False, progress=True)``
    Trains one configuration (or, with ``resume=True``, loads ``checkpoint``
    and only evaluates) and returns a ``dict[str, float]`` of metrics. The
    run mode comes from ``LSTMBOOK_MODE`` through :func:`helpers.config.by_mode`;
    a task never checks the mode itself.

and optionally ``METRIC`` (the metric the summary is sorted by; default: the
first one returned) and ``HIGHER_IS_BETTER`` (default ``False``).

The tasks live in the chapter wings (``helpers.autoencoders.toy`` ...) and
are imported lazily, by name, so a broken task breaks only itself.

Each configuration writes ``<output>/runs/<id>.json`` and
``<output>/checkpoints/<id>.pt``; ``<output>/summary.csv`` lists all of them,
best first. Every file is written atomically.

Examples
--------
>>> config_id({"hidden_size": 8, "lr": 0.1})
'hidden_size-8_lr-0.1'
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from helpers.files import atomic_output

__all__ = [
    "TASKS",
    "TaskError",
    "config_id",
    "load_task",
    "register_task",
    "run_grid",
    "summary_table",
    "train_or_resume",
]


class TaskError(ValueError):
    """An unknown task, or a task module that does not follow the contract."""


#: Task name -> module path. Modules are imported only when their task is run.
TASKS: dict[str, str] = {
    "toy": "helpers.autoencoders.toy",
    "mnist": "helpers.autoencoders.mnist",
    "sp500": "helpers.autoencoders.sp500",
    "ladder": "helpers.autoencoders.ladder",
    "anomaly": "helpers.autoencoders.anomaly",
}


def register_task(name: str, module: str) -> None:
    """Make ``module`` (a dotted import path) runnable as task ``name``.

    Useful for your own experiments and for tests.
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"task names are lower-case identifiers, got {name!r}")
    TASKS[name] = module


def load_task(name: str) -> ModuleType:
    """Import the module of task ``name`` and check that it follows the contract.

    Raises
    ------
    TaskError
        For an unknown name (with close matches), a task module that is not
        there yet, or one that lacks ``NAME``, ``PARAMS`` or ``run``.
    """
    if name not in TASKS:
        close = difflib.get_close_matches(name, TASKS, n=2)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise TaskError(f"unknown task {name!r}{hint}; choose from {', '.join(sorted(TASKS))}")
    path = TASKS[name]
    try:
        module = importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name != path:  # a missing dependency inside the task: let it surface as is
            raise
        raise TaskError(f"task {name!r} is registered but its module {path} does not exist "
                        "yet") from exc
    missing = [attr for attr in ("NAME", "PARAMS", "run") if not hasattr(module, attr)]
    if missing:
        raise TaskError(f"task module {path} lacks {', '.join(missing)}; see "
                        "helpers.experiments.runner for the contract")
    return module


def config_id(params: Mapping[str, Any]) -> str:
    """A file-name-safe id of one configuration, stable across runs.

    Examples
    --------
    >>> config_id({"setup": "many-to-one", "lr": 0.001})
    'setup-many-to-one_lr-0.001'
    """
    parts = [f"{name}-{plain(value)}" for name, value in params.items()]
    return re.sub(r"[^A-Za-z0-9_.=+-]", "", "_".join(parts)) or "default"


def plain(value: Any) -> Any:
    """Plain Python scalar (``PositiveInt(3)`` -> ``3``) for JSON, CSV and ids."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically."""
    with atomic_output(path) as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")


def summary_table(task: ModuleType, rows: list[dict[str, Any]]) -> Any:
    """One row per configuration (parameters, metrics, seconds), best first (a DataFrame)."""
    import pandas as pd

    if not rows:
        return pd.DataFrame()
    metric = getattr(task, "METRIC", None) or next(iter(rows[0].get("metrics", {})), None)
    higher = bool(getattr(task, "HIGHER_IS_BETTER", False))
    table = pd.DataFrame([
        {"config": r["config"], **r["params"], **r["metrics"], "seconds": r["seconds"]}
        for r in rows
    ])
    if metric in table:
        table = table.sort_values(metric, ascending=not higher, kind="stable",
                                  na_position="last")
    return table.reset_index(drop=True)


def run_grid(
    task: str | ModuleType,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    device: Any = None,
    output: Path | None = None,
    epochs: int | None = None,
    resume: bool = False,
    progress: bool = True,
) -> Any:
    """Run every configuration of ``grid`` and return the summary table, best first.

    Parameters
    ----------
    task
        A task name (see :data:`TASKS`) or an imported task module.
    grid
        Parameter name -> values to try. Parameters left out use their
        defaults; unknown names raise ``ValueError``.
    device, epochs, progress
        Passed to the task's ``run`` (``device=None``: ``LSTMBOOK_DEVICE``).
    output
        Folder for ``runs/<id>.json``, ``checkpoints/<id>.pt`` and
        ``summary.csv``; ``None`` keeps nothing on disk (and cannot resume).
    resume
        Evaluate saved checkpoints instead of training (needs ``output``).

    Examples
    --------
    >>> table = run_grid("toy", {"hidden_size": [8, 16]}, device="cpu")  # doctest: +SKIP
    """
    from helpers.config import get_mode, resolve_device
    from helpers.trials import expand_grid

    module = load_task(task) if isinstance(task, str) else task
    grid = dict(grid or {})
    unknown = sorted(set(grid) - set(module.PARAMS))
    if unknown:
        raise ValueError(f"task {module.NAME!r} has no parameter {', '.join(unknown)}; "
                         f"its parameters are {', '.join(module.PARAMS)}")
    configs = expand_grid({name: list(grid.get(name, p.default))
                           for name, p in module.PARAMS.items()})
    if resume and output is None:
        raise ValueError("resume=True needs the output folder that holds the checkpoints")
    output = Path(output) if output is not None else None
    if resume:
        missing = [config_id(c) for c in configs
                   if not (output / "checkpoints" / f"{config_id(c)}.pt").exists()]
        if missing:
            raise FileNotFoundError(
                f"--resume: no checkpoint for {len(missing)} of {len(configs)} configurations "
                f"in {output / 'checkpoints'} (first: {missing[0]}.pt); run once without "
                "--resume to train them"
            )
    device = resolve_device(device)
    mode = get_mode()
    rows: list[dict[str, Any]] = []
    for number, params in enumerate(configs, start=1):
        ident = config_id(params)
        checkpoint = output / "checkpoints" / f"{ident}.pt" if output is not None else None
        started = time.perf_counter()
        metrics = module.run(params, device=device, epochs=epochs, checkpoint=checkpoint,
                             resume=resume, progress=progress)
        row = {
            "task": module.NAME, "config": ident,
            "params": {k: plain(v) for k, v in params.items()},
            "metrics": {k: float(v) for k, v in metrics.items()},
            "mode": mode, "device": str(device), "epochs": epochs, "resumed": resume,
            "seconds": round(time.perf_counter() - started, 3),
        }
        rows.append(row)
        if progress:
            print(f"[{number}/{len(configs)}] {ident}: done in {row['seconds']:.0f} s")
        if output is not None:
            write_json(output / "runs" / f"{ident}.json", row)
            # rewritten after every configuration: an interrupted grid keeps what it finished
            with atomic_output(output / "summary.csv") as handle:
                summary_table(module, rows).to_csv(handle, index=False)
    return summary_table(module, rows)


def train_or_resume(
    build: Callable[[], Any],
    train: Callable[[], tuple[Any, dict[str, float]]],
    evaluate: Callable[[Any], dict[str, float]],
    *,
    checkpoint: str | os.PathLike | None,
    resume: bool,
    device: Any,
) -> dict[str, float]:
    """The body every task's ``run`` shares: train and save, or reload and evaluate.

    Parameters
    ----------
    build
        Makes an untrained model of the configuration (to load weights into).
    train
        Trains one and returns ``(model, metrics)``.
    evaluate
        Metrics of a reloaded model; give them the same keys ``train`` returns.
    checkpoint
        Where the weights are saved after training, or loaded from with ``resume``.
    resume
        Reload ``checkpoint`` instead of training (the command line's ``--resume``).
    device
        Where a reloaded model lives.

    Raises
    ------
    FileNotFoundError
        ``resume`` without an existing checkpoint.
    """
    from helpers.files import load_checkpoint, save_checkpoint

    if resume:
        if checkpoint is None or not os.path.exists(checkpoint):
            raise FileNotFoundError(f"resume=True needs an existing checkpoint, got {checkpoint}")
        return evaluate(load_checkpoint(build(), checkpoint, device=device))
    model, metrics = train()
    if checkpoint is not None:
        save_checkpoint(model, checkpoint)
    return metrics
