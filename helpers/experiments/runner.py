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

The study
---------
Each grid is an Optuna study (:mod:`helpers.experiments.study`): every configuration is a
trial, handed to exactly one worker through Optuna's trial queue, however many workers
(``workers=``, or one command per machine with the same ``storage=``) share the study.
A configuration the study has finished is never trained again; one that failed or was
interrupted is trained on the next run. ``<output>/checkpoints/trial-<n>.pt`` holds a
trial's weights (moved there only once it finished) and ``<output>/summary.csv`` every
finished trial of the study, best first. ``sampler="tpe"`` searches ``trials``
configurations with Optuna's TPE instead of the whole grid; ``pruner="median"`` stops a
configuration whose validation loss, epoch by epoch, is worse than the median of the
others at that epoch.

Examples
--------
>>> sorted(TASKS)
['anomaly', 'ladder', 'mnist', 'sp500', 'toy']
"""

from __future__ import annotations

import difflib
import importlib
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from helpers.experiments import work
from helpers.experiments.checks import check_run_settings, grid_values
from helpers.experiments.signals import stop_on_signal
from helpers.experiments.study import DEFAULT_FILE
from helpers.experiments.work import ConfigFailed

__all__ = [
    "TASKS",
    "ConfigFailed",
    "TaskError",
    "load_task",
    "register_task",
    "run_grid",
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


def _typed(param: Any, value: Any) -> Any:
    """``value`` as its parameter's plain number (``"8"`` or ``8.0`` -> ``8``), if it is one."""
    kind = param.type
    if issubclass(kind, (int, float)) and not issubclass(kind, bool) and not isinstance(
            value, bool):
        try:
            return work.plain(kind(value))
        except (TypeError, ValueError, OverflowError):
            pass  # check_params names the value and the fix
    return work.plain(value)


def _check_all(module: ModuleType, configs: list[dict[str, Any]]) -> None:
    """Refuse the grid if any configuration is invalid, before anything trains."""
    bad = []
    for params in configs:
        try:
            work.checker(module)(dict(params))
        except (ValueError, TypeError) as error:
            bad.append(f"{work.describe(params)}: {error}")
    if bad:
        raise ValueError(f"{len(bad)} of {len(configs)} configurations of task "
                         f"{module.NAME!r} are invalid, so nothing was trained: "
                         + "; ".join(bad[:3]) + (" ..." if len(bad) > 3 else ""))


def run_grid(
    task: str | ModuleType,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    device: Any = None,
    output: Path | None = None,
    epochs: int | None = None,
    resume: bool = False,
    progress: bool = True,
    storage: str | None = None,
    study: str | None = None,
    workers: int = 1,
    sampler: str = "grid",
    trials: int | None = None,
    pruner: str | None = None,
) -> Any:
    """Run every configuration of ``grid`` as a trial of an Optuna study; return them, best first.

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
        Folder for ``study.db`` (the default storage), ``checkpoints/`` and
        ``summary.csv``; ``None`` keeps nothing on disk (and cannot resume).
    resume
        Evaluate the checkpoints of the study's finished trials instead of
        training (needs ``output``, and the run mode they were trained in).
        The study stays as it was.
    storage
        An Optuna storage shared by every worker: a database URL
        (``postgresql://user@host/db``, ``mysql+pymysql://...``) or
        ``journal:PATH`` (a file on a disk they all see). ``None``: a SQLite
        file in ``output``.
    study
        The study's name in the storage (default: the task's name).
    workers
        Local worker processes sharing the study (each trains one
        configuration at a time).
    sampler, trials
        ``"grid"``: every configuration once. ``"tpe"``: ``trials``
        configurations chosen by Optuna's TPE within the grid's ranges (two or
        more numbers: anything between the smallest and the largest).
    pruner
        ``"median"`` stops a configuration whose validation loss at an epoch is
        worse than the median of the finished trials at that epoch.

    Returns
    -------
    pandas.DataFrame
        One row per finished configuration of this grid (``trial``, the
        parameters, the metrics, ``seconds``, ``state``: complete or pruned).
        On resume, the metrics are the ones just evaluated.

    Raises
    ------
    ValueError
        Unknown parameters, an invalid configuration, bad run settings, an output
        folder that cannot be written, a storage that cannot be reached or written
        (:class:`helpers.experiments.study.StorageError`), a study of another task,
        parameters or mode.
    TypeError
        ``grid`` that is not a mapping, ``resume`` that is not a bool.
    FileNotFoundError
        ``resume`` without a checkpoint for every configuration.
    ConfigFailed
        A configuration raised an error (the original is its ``__cause__``); the
        study keeps every configuration that finished, and trains that one again
        on the next run.

    Examples
    --------
    >>> table = run_grid("toy", {"hidden_size": [8, 16]}, device="cpu")  # doctest: +SKIP
    """
    from helpers.config import get_mode, resolve_device
    from helpers.trials import expand_grid

    module = load_task(task) if isinstance(task, str) else task
    grid = grid_values(module, grid)
    check_run_settings(output=output, epochs=epochs, resume=resume, storage=storage,
                       study=study, workers=workers, sampler=sampler, trials=trials,
                       pruner=pruner)
    space = {name: list(grid.get(name, list(p.default))) for name, p in module.PARAMS.items()}
    configs = expand_grid(space)
    if sampler == "grid":
        _check_all(module, configs)
    space = {name: [_typed(module.PARAMS[name], v) for v in values]
             for name, values in space.items()}
    configs = expand_grid(space)
    mode = get_mode()
    if output is not None and not resume:
        _check_writable(Path(output))
    if resume and storage is None and not (Path(output) / DEFAULT_FILE).exists():
        raise FileNotFoundError(f"--resume: no checkpoint and no study in {output} (no "
                                f"{DEFAULT_FILE}); run once without --resume to train")
    device = resolve_device(device)
    settings = {"output": output, "storage": storage, "study": study, "mode": mode,
                "resume": resume, "pruner": pruner, "sampler": sampler}
    run = work.Run(module, space, **settings)
    keys = {work.key(c) for c in configs}
    if resume:
        return work.resume(run, configs, device=device, progress=progress)
    if workers > 1:
        _start_workers(workers, module, space, device=str(device), epochs=epochs,
                       progress=progress, trials=trials, **settings)
    elif sampler == "grid":
        work.work_through(run, configs, device=device, epochs=epochs, progress=progress)
    else:
        work.search(run, trials or len(configs), device=device, epochs=epochs, progress=progress)
    run.write_summary()
    return run.table(keys if sampler == "grid" else None)


def _check_writable(folder: Path) -> None:
    """Raise ``ValueError`` now, before any training, if files cannot be written there."""
    from helpers.files import atomic_output

    try:
        (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
        with atomic_output(folder / ".write-test"):
            pass
        (folder / ".write-test").unlink()
    except OSError as error:
        raise ValueError(f"cannot write in the output folder {folder} "
                         f"({error.strerror or error}); choose another --output") from None


def _start_workers(count: int, module: ModuleType, space: dict[str, list[Any]],
                   **settings: Any) -> None:
    """Run ``count`` local processes on the study and wait for them all."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked torch
    errors = context.Queue()
    name = next((n for n, path in TASKS.items() if path == module.__name__), module.NAME)
    processes = [context.Process(target=_worker, args=(dict(TASKS), list(sys.path), name,
                                                       space, settings, errors))
                 for _ in range(count)]
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.join()
    except BaseException:  # Ctrl-C or SIGTERM: each worker stops after its write
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join()
        raise
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    if failures:
        kind, message = failures[0]
        raise (ConfigFailed(message, "") if kind == "ConfigFailed" else ValueError(message))
    if any(process.exitcode for process in processes):
        raise KeyboardInterrupt  # a worker was stopped from outside


def _worker(tasks: dict[str, str], path: list[str], task: str, space: dict[str, list[Any]],
            settings: dict[str, Any], errors: Any) -> None:
    """One worker process: the same grid, the same study (in a fresh interpreter)."""
    TASKS.update(tasks)
    sys.path[:0] = [p for p in path if p not in sys.path]
    with stop_on_signal():
        try:
            run_grid(task, space, workers=1, output=settings["output"],
                     storage=settings["storage"], study=settings["study"],
                     device=settings["device"], epochs=settings["epochs"],
                     progress=settings["progress"], sampler=settings["sampler"],
                     trials=settings["trials"], pruner=settings["pruner"])
        except (ConfigFailed, ValueError) as error:
            errors.put((type(error).__name__, str(error)))
        except KeyboardInterrupt:
            sys.exit(130)


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
