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
    Trains one configuration and saves its weights at ``checkpoint`` (a
    staging path: the runner moves the file into place once ``run``
    returns), or, with ``resume=True``, loads ``checkpoint`` and only
    evaluates. Returns a ``dict[str, float]`` of metrics; a metric a reload
    cannot know (``best_epoch``) is NaN then, and the training's value is
    kept. The run mode comes from ``LSTMBOOK_MODE`` through
    :func:`helpers.config.by_mode`; a task never checks the mode itself.

and optionally ``METRIC`` (the metric the summary is sorted by; default: the
first one returned), ``HIGHER_IS_BETTER`` (default ``False``) and
``check_params(params) -> dict`` (default:
:func:`helpers.experiments.params.check_params` with the task's ``PARAMS``):
every configuration of a grid is checked before the first one trains.

The tasks live in the chapter wings (``helpers.autoencoders.toy`` ...) and
are imported lazily, by name, so a broken task breaks only itself.

Each configuration writes ``<output>/runs/<id>.json`` and
``<output>/checkpoints/<id>.pt``; ``<output>/summary.csv`` lists every
configuration ever run in that folder, best first
(:mod:`helpers.experiments.records`). Nothing earlier is lost: running again
replaces only the records of the configurations it trains, ``resume`` writes
no record it did not create, and a configuration that fails leaves no file.

Examples
--------
>>> config_id({"hidden_size": 8, "lr": 0.1})
'hidden_size-8_lr-0.1'
"""

from __future__ import annotations

import difflib
import importlib
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from helpers.experiments.checks import check_run_settings, grid_values
from helpers.experiments.params import check_params
from helpers.experiments.records import Folder, summary_table
from helpers.experiments.signals import signals_deferred

__all__ = [
    "TASKS",
    "ConfigFailed",
    "TaskError",
    "config_id",
    "load_task",
    "register_task",
    "run_grid",
    "train_or_resume",
]


class TaskError(ValueError):
    """An unknown task, or a task module that does not follow the contract."""


class ConfigFailed(RuntimeError):
    """A configuration raised an error; the folder keeps what finished before it.

    ``config`` is its id, ``__cause__`` the original error.
    """

    def __init__(self, message: str, config: str) -> None:
        super().__init__(message)
        self.config = config


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


def _check_all(module: ModuleType, configs: list[dict[str, Any]]) -> None:
    """Refuse the grid if any configuration is invalid, before anything trains."""
    check = getattr(module, "check_params", None) or (
        lambda params: check_params(module.NAME, params, module.PARAMS))
    bad = []
    for params in configs:
        try:
            check(dict(params))
        except (ValueError, TypeError) as error:
            bad.append(f"{config_id(params)}: {error}")
    if bad:
        raise ValueError(f"{len(bad)} of {len(configs)} configurations of task "
                         f"{module.NAME!r} are invalid, so nothing was trained: "
                         + "; ".join(bad[:3]) + (" ..." if len(bad) > 3 else ""))


def _check_folder(folder: Folder, module: ModuleType, configs: list[dict[str, Any]],
                  mode: str, resume: bool) -> dict[str, dict[str, Any]]:
    """The folder's records, after refusing a folder of another task or another mode."""
    records = folder.records()
    tasks = {r.get("task") for r in records.values()} - {module.NAME}
    if tasks:
        raise ValueError(f"the output folder {folder.root} holds runs of task "
                         f"{sorted(map(str, tasks))[0]!r}; use another --output for "
                         f"{module.NAME!r}")
    modes = {r.get("mode") for r in records.values()} - {mode}
    if modes:
        other = sorted(map(str, modes))[0]
        action = (f"--resume evaluates checkpoints trained in {other} mode, and this run is "
                  f"in {mode} mode" if resume else
                  f"it holds {other}-mode runs, and a {mode}-mode run there would mix "
                  "modes in one summary")
        raise ValueError(f"{folder.root}: {action}. Pass --mode {other} (LSTMBOOK_MODE="
                         f"{other}), or use another --output for {mode} mode.")
    if resume:
        missing = [config_id(c) for c in configs
                   if not folder.checkpoint(config_id(c)).exists()]
        if missing:
            raise FileNotFoundError(
                f"--resume: no checkpoint for {len(missing)} of {len(configs)} configurations "
                f"in {folder.checkpoints} (first: {missing[0]}.pt); run once without "
                "--resume to train them"
            )
    return records


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
    """Run every configuration of ``grid`` and return their table, best first.

    Parameters
    ----------
    task
        A task name (see :data:`TASKS`) or an imported task module.
    grid
        Parameter name -> values to try (a single value is one). Parameters
        left out use their defaults; unknown names, empty lists and invalid
        values raise ``ValueError`` before anything trains.
    device, epochs, progress
        Passed to the task's ``run`` (``device=None``: ``LSTMBOOK_DEVICE``).
    output
        Folder for ``runs/<id>.json``, ``checkpoints/<id>.pt`` and
        ``summary.csv`` (every configuration ever run there); ``None`` keeps
        nothing on disk (and cannot resume).
    resume
        Evaluate saved checkpoints instead of training (needs ``output``, and
        the run mode they were trained in). The records stay as they were.

    Returns
    -------
    pandas.DataFrame
        One row per configuration of this grid. On resume, the metrics are
        the ones just evaluated; ``seconds`` is the original training time.

    Raises
    ------
    ValueError
        Unknown parameters, an invalid configuration, an empty ``output``,
        ``epochs`` below 1, an output folder of another task or mode, one
        that cannot be written, or a record there that lacks a field.
    TypeError
        ``grid`` that is not a mapping, ``resume`` that is not a bool.
    FileNotFoundError
        ``resume`` without a checkpoint for every configuration.
    ConfigFailed
        A configuration raised an error (the original is its ``__cause__``);
        the output folder keeps every configuration that finished.

    Examples
    --------
    >>> table = run_grid("toy", {"hidden_size": [8, 16]}, device="cpu")  # doctest: +SKIP
    """
    from helpers.config import get_mode, resolve_device
    from helpers.trials import expand_grid

    module = load_task(task) if isinstance(task, str) else task
    grid = grid_values(module, grid)
    configs = expand_grid({name: grid.get(name, list(p.default))
                           for name, p in module.PARAMS.items()})
    _check_all(module, configs)
    check_run_settings(output=output, epochs=epochs, resume=resume)
    mode = get_mode()
    folder = Folder(Path(output)) if output is not None else None
    records = _check_folder(folder, module, configs, mode, resume) if folder else {}
    if folder is not None and not resume:
        folder.check_writable()
    device = resolve_device(device)
    metric = getattr(module, "METRIC", None)
    higher = bool(getattr(module, "HIGHER_IS_BETTER", False))
    rows: list[dict[str, Any]] = []
    for number, params in enumerate(configs, start=1):
        ident = config_id(params)
        row = _run_one(module, params, ident, folder, records.get(ident), device=device,
                       epochs=epochs, resume=resume, progress=progress, mode=mode,
                       place=f"{number} of {len(configs)}")
        rows.append(row)
        if progress:
            print(f"[{number}/{len(configs)}] {ident}: done in {row['seconds']:.0f} s")
        if folder is not None and (not resume or ident not in records):
            records[ident] = row
            # a Ctrl-C here waits: checkpoint, record and summary are written together
            with signals_deferred():
                folder.commit(ident, row)
                # rewritten after every configuration: a stopped grid keeps what it finished
                folder.write_summary(records.values(), metric=metric, higher_is_better=higher)
    return summary_table(rows, metric=metric, higher_is_better=higher)


def _run_one(module: ModuleType, params: dict[str, Any], ident: str, folder: Folder | None,
             record: dict[str, Any] | None, *, device: Any, epochs: int | None,
             resume: bool, progress: bool, mode: str, place: str) -> dict[str, Any]:
    """Train (or evaluate) one configuration; its weights stay staged until it finishes."""
    if folder is None:
        checkpoint = None
    else:
        checkpoint = folder.checkpoint(ident) if resume else folder.staging(ident)
    started = time.perf_counter()
    try:
        metrics = module.run(params, device=device, epochs=epochs, checkpoint=checkpoint,
                             resume=resume, progress=progress)
    except BaseException as error:
        if folder is not None and not resume:
            folder.discard(ident)
        if not isinstance(error, Exception):
            raise  # Ctrl-C, SIGTERM: no configuration failed, the run was stopped
        hint = f" while evaluating {checkpoint}" if resume else ""
        if resume and not isinstance(error, ValueError):  # load_checkpoint's say what to do
            hint += "; delete that checkpoint and run without --resume to train it again"
        raise ConfigFailed(f"configuration {ident} ({place}) failed{hint}: "
                           f"{type(error).__name__}: {error}", ident) from error
    seconds = round(time.perf_counter() - started, 3)
    evaluated = {k: float(v) for k, v in metrics.items()}
    if resume and record is not None:  # the training record stays the reference
        # a reload cannot know what only training saw (best_epoch): tasks give NaN there
        known = {k: v for k, v in evaluated.items() if not math.isnan(v)}
        return {**record, "metrics": {**record["metrics"], **known}, "resumed": True}
    return {"task": module.NAME, "config": ident,
            "params": {k: plain(v) for k, v in params.items()}, "metrics": evaluated,
            "mode": mode, "device": str(device), "epochs": epochs, "resumed": resume,
            "seconds": seconds}


def check_resumable(checkpoint: str | os.PathLike | None, resume: bool) -> None:
    """Fail fast when ``resume`` asks for a checkpoint that is not there.

    Tasks call it before loading their data, so a typo in ``--output`` costs no download.

    Examples
    --------
    >>> check_resumable(None, resume=False)  # training: nothing to check
    """
    if resume and (checkpoint is None or not os.path.exists(checkpoint)):
        raise FileNotFoundError(
            f"resume=True needs an existing checkpoint, got {checkpoint}: train first "
            "(run the same command without --resume)")


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
        check_resumable(checkpoint, resume)
        return evaluate(load_checkpoint(build(), checkpoint, device=device))
    model, metrics = train()
    if checkpoint is not None:
        save_checkpoint(model, checkpoint)
    return metrics
