"""One worker's share of a grid: claim a configuration from the study, train it, record it.

:func:`helpers.experiments.runner.run_grid` opens a :class:`Run` (the task, its study,
the output folder) in every worker process and calls :func:`work_through` (a grid),
:func:`search` (a TPE budget) or :func:`resume` (evaluate saved checkpoints).

Examples
--------
>>> describe({"hidden_size": 8, "lr": 0.01})
'hidden_size=8 lr=0.01'
"""

from __future__ import annotations

import copy
import math
import os
import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from helpers.experiments.params import check_params
from helpers.experiments.signals import signals_deferred
from helpers.experiments.study import (
    Heartbeat,
    check_mode,
    claim_lock,
    describe_storage,
    fail_stale,
    open_storage,
    open_study,
    storage_errors,
    study_table,
)

__all__ = ["ConfigFailed", "Run", "describe", "resume", "search", "work_through"]


class ConfigFailed(RuntimeError):
    """A configuration raised an error; the folder keeps what finished before it.

    ``config`` is its id, ``__cause__`` the original error.
    """

    def __init__(self, message: str, config: str) -> None:
        super().__init__(message)
        self.config = config


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


def checker(module: ModuleType) -> Callable[[dict[str, Any]], Any]:
    return getattr(module, "check_params", None) or (
        lambda params: check_params(module.NAME, params, module.PARAMS))


def key(params: Mapping[str, Any]) -> tuple:
    return tuple(sorted((name, plain(value)) for name, value in params.items()))


def params_of(trial: Any) -> dict[str, Any]:
    """A trial's configuration: the one it was queued with, or its parameters.

    The queued one first: a worker records a trial's parameters one by one, and another
    worker reading half of them must not take the configuration for a missing one.
    """
    return trial.system_attrs.get("fixed_params") or trial.params


class Run:
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
        check_mode(self.study, mode, resume=resume,
                    where=str(self.output) if storage is None else self.where)

    def finished(self, keys: set[tuple] | None = None) -> list[Any]:
        """The study's complete and pruned trials (of ``keys`` only, if given)."""
        from optuna.trial import TrialState

        with storage_errors(str(self.url)):
            trials = self.study.get_trials(deepcopy=False,
                                           states=(TrialState.COMPLETE, TrialState.PRUNED))
        return [t for t in trials if keys is None or key(t.params) in keys]

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


def work_through(run: Run, configs: list[dict[str, Any]], **how: Any) -> None:
    """Train this grid's configurations the study has not finished, one trial at a time."""
    import optuna
    from optuna.exceptions import UpdateFinishedTrialError
    from optuna.trial import TrialState

    keys = {key(c) for c in configs}
    storage = run.study._storage
    while True:
        claimed = None
        with storage_errors(str(run.url)), claim_lock(run.storage):
            fail_stale(run.study)
            trials = run.study.get_trials(deepcopy=False)
            held = {key(params_of(t)) for t in trials if t.state != TrialState.FAIL}
            for params in configs:  # new, failed or interrupted: (back) in the queue
                if key(params) not in held:
                    run.study.enqueue_trial(params, skip_if_exists=False)
            for trial in run.study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
                if key(params_of(trial)) not in keys:
                    continue  # another grid's configuration, for its own workers
                try:
                    if storage.set_trial_state_values(trial._trial_id, TrialState.RUNNING):
                        claimed = optuna.Trial(run.study, trial._trial_id)
                        break
                except UpdateFinishedTrialError:
                    continue
        if claimed is None:
            running = [t for t in trials if t.state == TrialState.RUNNING
                       and key(params_of(t)) in keys]
            if running and how["progress"]:
                print(f"{len(running)} configuration(s) still training in other workers; "
                      "run the command again once they finish for the whole summary")
            return
        fixed = params_of(claimed._cached_frozen_trial)
        params = {name: _suggest(claimed, run.module.PARAMS[name], name,
                                 [*run.space[name], fixed[name]]) for name in fixed}
        train(run, claimed, params, place=f"{len(run.finished(keys)) + 1} of {len(keys)}",
               **how)


def search(run: Run, budget: int, **how: Any) -> None:
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
            checker(run.module)(params)
        except (ValueError, TypeError) as error:  # a combination the task refuses
            refused += 1
            trial.set_user_attr("refused", str(error))
            run.study.tell(trial, state=TrialState.FAIL)
            continue
        train(run, trial, params, place=f"{len(run.finished()) + 1} of {budget}", **how)


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


def train(run: Run, trial: Any, params: dict[str, Any], *, device: Any,
           epochs: int | None, progress: bool, place: str) -> None:
    """Train one claimed trial, then record it in the study (or mark it failed or pruned)."""
    import optuna
    from optuna.trial import TrialState

    from helpers.config import epoch_hook

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


def resume(run: Run, configs: list[dict[str, Any]], *, device: Any,
            progress: bool) -> Any:
    """Evaluate the saved checkpoint of every configuration; the study is left as it is."""
    trials = {key(t.params): t for t in run.finished()}
    paths = {key(c): (trials[key(c)].user_attrs.get("checkpoint") or ""
                       if key(c) in trials else "") for c in configs}
    missing = [describe(c) for c in configs if not os.path.exists(paths[key(c)])]
    if missing:
        raise FileNotFoundError(
            f"--resume: no checkpoint for {len(missing)} of {len(configs)} configurations "
            f"in {run.where} (first: {missing[0]}); run once without --resume to train them")
    rows = []
    for number, params in enumerate(configs, start=1):
        trial, path = trials[key(params)], paths[key(params)]
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
