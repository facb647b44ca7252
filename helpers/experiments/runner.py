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

import copy
import difflib
import importlib
import math
import multiprocessing
import os
import re
import socket
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from helpers.experiments.checks import check_run_settings, grid_values
from helpers.experiments.params import check_params
from helpers.experiments.signals import signals_deferred, stop_on_signal
from helpers.experiments.study import (
    DEFAULT_FILE,
    Heartbeat,
    claim_lock,
    describe_storage,
    fail_stale,
    open_storage,
    open_study,
    storage_errors,
    study_table,
)
from helpers.experiments.study import check_mode as _check_mode

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


def describe(params: Mapping[str, Any]) -> str:
    """A configuration in words, for messages and progress lines.

    Examples
    --------
    >>> describe({"hidden_size": 8, "lr": 0.01})
    'hidden_size=8 lr=0.01'
    """
    return " ".join(f"{name}={plain(value)}" for name, value in params.items())


def plain(value: Any) -> Any:
    """Plain Python scalar (``PositiveInt(3)`` -> ``3``): what a study stores."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _typed(param: Any, value: Any) -> Any:
    """``value`` as its parameter's plain number (``"8"`` or ``8.0`` -> ``8``), if it is one."""
    kind = param.type
    if issubclass(kind, (int, float)) and not issubclass(kind, bool) and not isinstance(
            value, bool):
        try:
            return plain(kind(value))
        except (TypeError, ValueError, OverflowError):
            pass  # check_params names the value and the fix
    return plain(value)


def _checker(module: ModuleType) -> Callable[[dict[str, Any]], Any]:
    return getattr(module, "check_params", None) or (
        lambda params: check_params(module.NAME, params, module.PARAMS))


def _check_all(module: ModuleType, configs: list[dict[str, Any]]) -> None:
    """Refuse the grid if any configuration is invalid, before anything trains."""
    bad = []
    for params in configs:
        try:
            _checker(module)(dict(params))
        except (ValueError, TypeError) as error:
            bad.append(f"{describe(params)}: {error}")
    if bad:
        raise ValueError(f"{len(bad)} of {len(configs)} configurations of task "
                         f"{module.NAME!r} are invalid, so nothing was trained: "
                         + "; ".join(bad[:3]) + (" ..." if len(bad) > 3 else ""))


def _key(params: Mapping[str, Any]) -> tuple:
    return tuple(sorted((name, plain(value)) for name, value in params.items()))


def _params_of(trial: Any) -> dict[str, Any]:
    """A trial's configuration: the one it was queued with, or its parameters.

    The queued one first: a worker records a trial's parameters one by one, and another
    worker reading half of them must not take the configuration for a missing one.
    """
    return trial.system_attrs.get("fixed_params") or trial.params


class _Run:
    """One worker's view of a grid: the task, its study, and where its files go."""

    def __init__(self, module: ModuleType, space: dict[str, list[Any]], *,
                 output: Path | None, storage: str | None, study: str | None,
                 mode: str, resume: bool, pruner: str | None, sampler: str) -> None:
        import optuna

        self.module, self.space, self.mode = module, space, mode
        self.output = Path(output) if output is not None else None
        self.metric = getattr(module, "METRIC", None)
        self.higher = bool(getattr(module, "HIGHER_IS_BETTER", False))
        self.storage = open_storage(storage, self.output)
        self.url = getattr(self.storage, "url", storage or "memory")
        place = describe_storage(str(storage)) if storage else self.output or "memory"
        self.where = f"study {study or module.NAME!r} in {place}"
        make = {"grid": lambda: optuna.samplers.GridSampler(space, seed=0),
                "tpe": lambda: optuna.samplers.TPESampler(seed=0)}[sampler]
        self.study = open_study(
            self.storage, study or module.NAME, task=module.NAME, params=list(module.PARAMS),
            mode=mode, maximize=self.higher, sampler=make(),
            pruner=(optuna.pruners.MedianPruner(n_startup_trials=PRUNER_STARTUP,
                                                n_warmup_steps=PRUNER_WARMUP)
                    if pruner == "median" else optuna.pruners.NopPruner()),
            shown=self.where)
        _check_mode(self.study, mode, resume=resume,
                    where=str(self.output) if storage is None else self.where)

    def finished(self, keys: set[tuple] | None = None) -> list[Any]:
        """The study's complete and pruned trials (of ``keys`` only, if given)."""
        from optuna.trial import TrialState

        with storage_errors(str(self.url)):
            trials = self.study.get_trials(deepcopy=False,
                                           states=(TrialState.COMPLETE, TrialState.PRUNED))
        return [t for t in trials if keys is None or _key(t.params) in keys]

    def write_summary(self) -> None:
        if self.output is None:
            return
        from helpers.files import atomic_output

        table = study_table(self.finished(), metric=self.metric, higher_is_better=self.higher)
        with atomic_output(self.output / "summary.csv") as handle:
            table.to_csv(handle, index=False)

    def table(self, keys: set[tuple] | None = None) -> Any:
        return study_table(self.finished(keys), metric=self.metric,
                           higher_is_better=self.higher)


#: The median pruner waits for this many finished trials, and never stops a
#: configuration before this many epochs (a fast learning rate is ahead early).
PRUNER_STARTUP, PRUNER_WARMUP = 5, 10


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
    run = _Run(module, space, **settings)
    keys = {_key(c) for c in configs}
    if resume:
        return _resume(run, configs, device=device, progress=progress)
    if workers > 1:
        _start_workers(workers, module, space, device=str(device), epochs=epochs,
                       progress=progress, trials=trials, **settings)
    elif sampler == "grid":
        _work_through(run, configs, device=device, epochs=epochs, progress=progress)
    else:
        _search(run, trials or len(configs), device=device, epochs=epochs, progress=progress)
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


def _work_through(run: _Run, configs: list[dict[str, Any]], **how: Any) -> None:
    """Train this grid's configurations the study has not finished, one trial at a time."""
    import optuna
    from optuna.exceptions import UpdateFinishedTrialError
    from optuna.trial import TrialState

    keys = {_key(c) for c in configs}
    storage = run.study._storage
    while True:
        claimed = None
        with storage_errors(str(run.url)), claim_lock(run.storage):
            fail_stale(run.study)
            trials = run.study.get_trials(deepcopy=False)
            held = {_key(_params_of(t)) for t in trials if t.state != TrialState.FAIL}
            for params in configs:  # new, failed or interrupted: (back) in the queue
                if _key(params) not in held:
                    run.study.enqueue_trial(params, skip_if_exists=False)
            for trial in run.study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
                if _key(_params_of(trial)) not in keys:
                    continue  # another grid's configuration, for its own workers
                try:
                    if storage.set_trial_state_values(trial._trial_id, TrialState.RUNNING):
                        claimed = optuna.Trial(run.study, trial._trial_id)
                        break
                except UpdateFinishedTrialError:
                    continue
        if claimed is None:
            running = [t for t in trials if t.state == TrialState.RUNNING
                       and _key(_params_of(t)) in keys]
            if running and how["progress"]:
                print(f"{len(running)} configuration(s) still training in other workers; "
                      "run the command again once they finish for the whole summary")
            return
        fixed = _params_of(claimed._cached_frozen_trial)
        params = {name: _suggest(claimed, run.module.PARAMS[name], name,
                                 [*run.space[name], fixed[name]]) for name in fixed}
        _train(run, claimed, params, place=f"{len(run.finished(keys)) + 1} of {len(keys)}",
               **how)


def _search(run: _Run, budget: int, **how: Any) -> None:
    """Train configurations TPE proposes until the study has ``budget`` finished ones."""
    from optuna.trial import TrialState

    refused = 0
    while len(run.finished()) < budget and refused < budget:
        with storage_errors(str(run.url)), claim_lock(run.storage):
            fail_stale(run.study)
            trial = run.study.ask()
        params = {name: _suggest(trial, run.module.PARAMS[name], name, values)
                  for name, values in run.space.items()}
        try:
            _checker(run.module)(params)
        except (ValueError, TypeError) as error:  # a combination the task refuses
            refused += 1
            trial.set_user_attr("refused", str(error))
            run.study.tell(trial, state=TrialState.FAIL)
            continue
        _train(run, trial, params, place=f"{len(run.finished()) + 1} of {budget}", **how)


def _suggest(trial: Any, param: Any, name: str, values: list[Any]) -> Any:
    """``name``'s value in ``trial``: numbers within the range of ``values``.

    A queued trial gets the value it was queued with. A study keeps one kind of range
    per parameter, and Optuna refuses a list of choices that changes from one trial to
    the next, so numbers are ranges (they may grow with the next grid) and only words
    and switches are choices.
    """
    kind = param.type
    if issubclass(kind, bool):
        return trial.suggest_categorical(name, [False, True])
    if param.choices is not None or not issubclass(kind, (int, float)):
        return trial.suggest_categorical(name, list(param.choices or sorted(set(values))))
    low, high = min(values), max(values)
    if issubclass(kind, int):
        return trial.suggest_int(name, int(low), int(high))
    return trial.suggest_float(name, float(low), float(high), log=low > 0)


def _train(run: _Run, trial: Any, params: dict[str, Any], *, device: Any,
           epochs: int | None, progress: bool, place: str) -> None:
    """Train one claimed trial, then record it in the study (or mark it failed or pruned)."""
    import optuna
    from optuna.trial import TrialState

    from helpers.training import epoch_hook

    trained = 0
    sign = -1.0 if run.higher else 1.0

    def report(epoch: int, history: Any) -> None:
        nonlocal trained
        trained += 1
        if history.val_loss:  # the pruner compares validation losses, epoch by epoch
            trial.report(sign * float(history.val_loss[-1]), trained)
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after {trained} epochs")

    staged = final = None
    if run.output is not None:
        final = run.output / "checkpoints" / f"trial-{trial.number}.pt"
        staged = final.parent / ".partial" / final.name
    trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
    started = time.perf_counter()
    try:
        with Heartbeat(run.study, trial._trial_id), epoch_hook(report):
            metrics = run.module.run(params, device=device, epochs=epochs,
                                     checkpoint=staged, resume=False, progress=progress)
    except optuna.TrialPruned:
        _discard(staged)
        trial.set_user_attr("epochs_trained", trained)
        run.study.tell(trial, state=TrialState.PRUNED)
        if progress:
            print(f"[{place}] {describe(params)}: pruned after {trained} epochs")
        return
    except BaseException as error:
        _discard(staged)
        with signals_deferred():
            run.study.tell(trial, state=TrialState.FAIL)  # the next run trains it again
        if not isinstance(error, Exception):
            raise  # Ctrl-C, SIGTERM: no configuration failed, the run was stopped
        raise ConfigFailed(f"configuration {describe(params)} ({place}) failed: "
                           f"{type(error).__name__}: {error}", describe(params)) from error
    metrics = {k: float(v) for k, v in metrics.items()}
    value = metrics.get(run.metric or next(iter(metrics)), math.nan)
    # a diverged run (NaN) is a finished configuration, the worst there is
    value = value if math.isfinite(value) else (-math.inf if run.higher else math.inf)
    # a Ctrl-C here waits: checkpoint, trial and summary are written together
    with signals_deferred():
        if staged is not None and staged.exists():
            os.replace(staged, final)
            _discard(staged)
        for key, attr in (("metrics", metrics), ("epochs_trained", trained),
                          ("seconds", round(time.perf_counter() - started, 3)),
                          ("checkpoint", str(final.resolve()) if final else None),
                          ("epochs", epochs), ("device", str(device))):
            trial.set_user_attr(key, attr)
        run.study.tell(trial, value)
        run.write_summary()
    if progress:
        print(f"[{place}] {describe(params)}: done in "
              f"{time.perf_counter() - started:.0f} s")


def _discard(staged: Path | None) -> None:
    """Remove what a configuration that did not finish left in the staging area."""
    if staged is None:
        return
    staged.unlink(missing_ok=True)
    try:
        staged.parent.rmdir()
    except OSError:  # absent, or another worker's weights are there
        pass


def _resume(run: _Run, configs: list[dict[str, Any]], *, device: Any,
            progress: bool) -> Any:
    """Evaluate the saved checkpoint of every configuration; the study is left as it is."""
    trials = {_key(t.params): t for t in run.finished()}
    paths = {_key(c): (trials[_key(c)].user_attrs.get("checkpoint") or ""
                       if _key(c) in trials else "") for c in configs}
    missing = [describe(c) for c in configs if not os.path.exists(paths[_key(c)])]
    if missing:
        raise FileNotFoundError(
            f"--resume: no checkpoint for {len(missing)} of {len(configs)} configurations "
            f"in {run.where} (first: {missing[0]}); run once without --resume to train them")
    rows = []
    for number, params in enumerate(configs, start=1):
        trial, path = trials[_key(params)], paths[_key(params)]
        try:
            metrics = run.module.run(params, device=device, epochs=None, checkpoint=path,
                                     resume=True, progress=progress)
        except Exception as error:
            hint = "" if isinstance(error, ValueError) else (
                "; delete that checkpoint and run without --resume to train it again")
            raise ConfigFailed(f"configuration {describe(params)} ({number} of "
                               f"{len(configs)}) failed while evaluating {path}{hint}: "
                               f"{type(error).__name__}: {error}", describe(params)) from error
        # a reload cannot know what only training saw (best_epoch): tasks give NaN there
        known = {k: float(v) for k, v in metrics.items() if not math.isnan(float(v))}
        trial = copy.deepcopy(trial)  # the study keeps the training's metrics
        trial.user_attrs["metrics"] = {**trial.user_attrs.get("metrics", {}), **known}
        rows.append(trial)
    return study_table(rows, metric=run.metric, higher_is_better=run.higher)


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
