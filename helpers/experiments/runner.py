"""Run a task over a grid of hyper-parameters, from a notebook or the command line.

The task contract
-----------------
A task is a module ``helpers.experiments.<task>`` that defines

``NAME: str``
    The name used on the command line (``toy``, ``mnist``, ``sp500``).
``PARAMS: dict[str, Param]``
    Its hyper-parameters. Each becomes a flag that accepts several values
    (``hidden_size`` -> ``--hidden-size 8 16 32``); every combination of the
    values given is one *configuration* of the grid.
``run(params, *, mode, device, epochs=None, checkpoint=None, resume=False, progress=True)``
    Trains one configuration (or, with ``resume=True``, loads ``checkpoint``
    and only evaluates) and returns a ``dict[str, float]`` of metrics.

and optionally ``METRIC`` (the metric the summary is sorted by; default: the
first one returned) and ``HIGHER_IS_BETTER`` (default ``False``).

Tasks are imported lazily, by name, so a task that is still being written (or
needs a data set that is not there) breaks only itself.

Command line
------------
::

    python -m helpers.experiments --help
    python -m helpers.experiments sp500 --help
    python -m helpers.experiments toy --hidden-size 8 16 --learning-rate 0.1 0.01 \\
        --mode smoke --output runs/toy
    python -m helpers.experiments toy --hidden-size 8 16 --learning-rate 0.1 0.01 \\
        --mode smoke --output runs/toy --resume      # evaluate the saved checkpoints

Each configuration writes ``<output>/runs/<id>.json`` and
``<output>/checkpoints/<id>.pt``; ``<output>/summary.csv`` lists all of them,
best first. Every file is written atomically, so an interrupted run leaves the
files of the configurations it finished and nothing half-written.

Examples
--------
>>> p = Param(int, (8, 16), "LSTM hidden size")
>>> expand_grid({"hidden_size": [8, 16], "lr": [0.1]})
[{'hidden_size': 8, 'lr': 0.1}, {'hidden_size': 16, 'lr': 0.1}]
>>> config_id({"hidden_size": 8, "lr": 0.1})
'hidden_size-8_lr-0.1'
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from helpers.files import atomic_output

# helpers.config, pandas and torch are imported where needed, so that `--help` and
# argument errors answer at once instead of after importing PyTorch
MODE_VARIABLE, DEVICE_VARIABLE = "LSTMBOOK_MODE", "LSTMBOOK_DEVICE"
MODES, DEVICES = ("smoke", "standard", "full"), ("auto", "cpu", "cuda")

__all__ = [
    "TASKS",
    "Param",
    "PositiveFloat",
    "PositiveInt",
    "TaskError",
    "build_parser",
    "config_id",
    "expand_grid",
    "load_task",
    "main",
    "register_task",
    "run_grid",
]


@dataclass(frozen=True)
class Param:
    """One hyper-parameter of a task.

    Attributes
    ----------
    type
        Converts one command-line string to a value (``int``, ``float``,
        ``str``, ``bool`` or e.g. :class:`PositiveInt`); a ``ValueError``
        becomes an argparse error.
    default
        The values used when the flag is not given (a tuple: a default can
        itself be a small grid).
    help
        One line for ``--help``.
    choices
        Allowed values, or ``None`` for any value ``type`` accepts.

    Examples
    --------
    >>> Param(float, (0.01,), "Adam learning rate").default
    (0.01,)
    """

    type: type
    default: tuple
    help: str
    choices: tuple | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.default, tuple) or not self.default:
            raise TypeError(f"Param.default must be a non-empty tuple, got {self.default!r}")


class PositiveInt(int):
    """An ``int`` that must be at least 1 (``PositiveInt("0")`` raises ``ValueError``)."""

    def __new__(cls, value: Any) -> PositiveInt:
        number = int(value)
        if number < 1:
            raise ValueError(f"must be a positive integer, got {value!r}")
        return super().__new__(cls, number)


class PositiveFloat(float):
    """A finite ``float`` above 0 (``PositiveFloat("-1")`` raises ``ValueError``)."""

    def __new__(cls, value: Any) -> PositiveFloat:
        number = float(value)
        if not (math.isfinite(number) and number > 0):
            raise ValueError(f"must be a finite number above 0, got {value!r}")
        return super().__new__(cls, number)


class TaskError(ValueError):
    """An unknown task, or a task module that does not follow the contract."""


#: Task name -> module path. Modules are imported only when their task is run.
TASKS: dict[str, str] = {
    "toy": "helpers.experiments.toy",
    "mnist": "helpers.experiments.mnist",
    "sp500": "helpers.experiments.sp500",
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


def expand_grid(values: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the given values, the last parameter varying fastest.

    Thin wrapper over scikit-learn's ``ParameterGrid`` that keeps the order
    of ``values`` (``ParameterGrid`` sorts the names) and drops repeated values.

    Examples
    --------
    >>> expand_grid({"b": [1, 2], "a": ["x"]})
    [{'b': 1, 'a': 'x'}, {'b': 2, 'a': 'x'}]
    """
    from sklearn.model_selection import ParameterGrid

    unique = {}
    for name, options in values.items():
        options = list(dict.fromkeys(options))
        if not options:
            raise ValueError(f"parameter {name!r} has no values")
        unique[name] = options
    grid = [{name: combo[name] for name in unique} for combo in ParameterGrid(unique)]
    # ParameterGrid varies the alphabetically last name fastest; put ours in reading order
    return sorted(grid, key=lambda c: [unique[n].index(c[n]) for n in unique])


def config_id(params: Mapping[str, Any]) -> str:
    """A file-name-safe id of one configuration, stable across runs.

    Examples
    --------
    >>> config_id({"setup": "many-to-one", "learning_rate": 0.001})
    'setup-many-to-one_learning_rate-0.001'
    """
    parts = [f"{name}-{_plain(value)}" for name, value in params.items()]
    return re.sub(r"[^A-Za-z0-9_.=+-]", "", "_".join(parts)) or "default"


def _plain(value: Any) -> Any:
    """Plain Python scalar (``PositiveInt(3)`` -> ``3``) for JSON, CSV and ids."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _argparse_type(param: Param) -> Callable[[str], Any]:
    kind = param.type

    def convert(text: str) -> Any:
        if kind is bool:
            lowered = text.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise argparse.ArgumentTypeError(f"{text!r} is not a boolean (use true or false)")
        try:
            return kind(text)
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r} ({getattr(kind, '__name__', kind)}: {exc})"
            ) from None

    return convert


def build_parser(task: ModuleType) -> argparse.ArgumentParser:
    """The argument parser of one task: its ``PARAMS`` plus the common flags."""
    parser = argparse.ArgumentParser(
        prog=f"python -m helpers.experiments {task.NAME}",
        description=(task.__doc__ or "").strip().splitlines()[0] if task.__doc__ else None,
        epilog="Several values per hyper-parameter form a grid: every combination is trained.",
    )
    grid = parser.add_argument_group("hyper-parameters (each takes one or more values)")
    for name, param in task.PARAMS.items():
        grid.add_argument(
            _flag(name), dest=name, nargs="+", type=_argparse_type(param),
            default=list(param.default), choices=param.choices, metavar=name.upper(),
            help=f"{param.help} (default: {' '.join(str(d) for d in param.default)}"
                 + (f"; choices: {', '.join(map(str, param.choices))})" if param.choices
                    else ")"),
        )
    common = parser.add_argument_group("run settings")
    common.add_argument("--mode", choices=MODES, default=_env(MODE_VARIABLE, "standard"),
                        help=f"data and training budget (sets {MODE_VARIABLE}; "
                             "default: $%(dest)s or standard)".replace("%(dest)s",
                                                                       MODE_VARIABLE))
    common.add_argument("--device", choices=DEVICES, default=_env(DEVICE_VARIABLE, "auto"),
                        help=f"torch device (sets {DEVICE_VARIABLE}; default: auto)")
    common.add_argument("--epochs", type=_argparse_type(Param(PositiveInt, (1,), "")),
                        default=None, help="override the mode's number of epochs")
    common.add_argument("--output", type=Path, default=Path("runs") / task.NAME,
                        help="folder for metrics, summary.csv and checkpoints "
                             f"(default: runs/{task.NAME})")
    common.add_argument("--resume", action="store_true",
                        help="load each configuration's saved checkpoint and only evaluate")
    common.add_argument("--no-progress", dest="progress", action="store_false",
                        help="hide the progress bars")
    return parser


def _env(variable: str, default: str) -> str:
    value = os.environ.get(variable, default).strip().lower()
    return value or default


def _write_json(path: Path, data: Any) -> None:
    with atomic_output(path) as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")


def _write_csv(path: Path, table: Any) -> None:
    with atomic_output(path) as handle:
        table.to_csv(handle, index=False)


def _main_metric(task: ModuleType, metrics: Mapping[str, float]) -> tuple[str, bool]:
    name = getattr(task, "METRIC", None) or next(iter(metrics), None)
    return name, bool(getattr(task, "HIGHER_IS_BETTER", False))


def summarize(task: ModuleType, rows: list[dict[str, Any]]) -> Any:
    """One row per configuration (parameters, metrics, seconds), best first (a DataFrame)."""
    import pandas as pd

    table = pd.DataFrame(rows)
    if table.empty:
        return table
    metric, higher = _main_metric(task, rows[0].get("metrics", {}))
    flat = [
        {"config": r["config"], **r["params"], **r["metrics"], "seconds": r["seconds"]}
        for r in rows
    ]
    table = pd.DataFrame(flat)
    if metric in table:
        table = table.sort_values(metric, ascending=not higher, kind="stable",
                                  na_position="last")
    return table.reset_index(drop=True)


def run_grid(
    task: str | ModuleType,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    mode: str,
    device: Any,
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
    mode, device, epochs, progress
        Passed to the task's ``run``.
    output
        Folder for ``runs/<id>.json``, ``checkpoints/<id>.pt`` and
        ``summary.csv``; ``None`` keeps nothing on disk (and cannot resume).
    resume
        Evaluate saved checkpoints instead of training (needs ``output``).

    Examples
    --------
    >>> table = run_grid("toy", {"hidden_size": [8, 16]}, mode="smoke",
    ...                  device="cpu")  # doctest: +SKIP
    """
    import torch
    from tqdm import tqdm

    module = load_task(task) if isinstance(task, str) else task
    grid = dict(grid or {})
    unknown = sorted(set(grid) - set(module.PARAMS))
    if unknown:
        raise ValueError(f"task {module.NAME!r} has no parameter {', '.join(unknown)}; "
                         f"its parameters are {', '.join(module.PARAMS)}")
    values = {name: list(grid.get(name, p.default)) for name, p in module.PARAMS.items()}
    configs = expand_grid(values)
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
    device = torch.device(device)

    rows: list[dict[str, Any]] = []
    bar = tqdm(configs, desc=f"{module.NAME} grid", unit="config", disable=not progress,
               file=sys.stdout, ncols=100)
    for params in bar:
        ident = config_id(params)
        bar.set_postfix_str(ident[:40], refresh=False)
        checkpoint = output / "checkpoints" / f"{ident}.pt" if output is not None else None
        started = time.perf_counter()
        metrics = module.run(params, mode=mode, device=device, epochs=epochs,
                             checkpoint=checkpoint, resume=resume, progress=progress)
        row = {
            "task": module.NAME,
            "config": ident,
            "params": {k: _plain(v) for k, v in params.items()},
            "metrics": {k: float(v) for k, v in metrics.items()},
            "mode": mode,
            "device": str(device),
            "epochs": epochs,
            "resumed": resume,
            "seconds": round(time.perf_counter() - started, 3),
        }
        rows.append(row)
        if output is not None:
            _write_json(output / "runs" / f"{ident}.json", row)
            # rewritten after every configuration: an interrupted grid keeps what it finished
            _write_csv(output / "summary.csv", summarize(module, rows))
    bar.close()
    return summarize(module, rows)


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.experiments",
        description="Train the chapter's experiments over grids of hyper-parameters, "
                    "outside Jupyter.",
        epilog="Run `python -m helpers.experiments TASK --help` for a task's flags.",
    )
    parser.add_argument("task", help=f"one of: {', '.join(sorted(TASKS))}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (argparse errors exit 2).

    Examples
    --------
    >>> main(["toy", "--hidden-size", "8", "--mode", "smoke"])  # doctest: +SKIP
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    top = _top_parser()
    if not argv or argv[0].startswith("-"):
        top.parse_args(argv[:1] or ["--help"])  # prints help (or an error) and exits
        return 2  # pragma: no cover - parse_args exits first
    try:
        task = load_task(argv[0])
    except TaskError as exc:
        top.error(str(exc))  # exits 2
    parser = build_parser(task)
    args = parser.parse_args(argv[1:])

    # the task (and helpers.config inside it) reads the run settings from the environment
    os.environ[MODE_VARIABLE] = args.mode
    os.environ[DEVICE_VARIABLE] = args.device
    from helpers.config import get_device, seed_everything

    try:
        device = get_device()
    except (RuntimeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seed_everything(0)
    grid = {name: getattr(args, name) for name in task.PARAMS}
    try:
        table = run_grid(task, grid, mode=args.mode, device=device, output=args.output,
                         epochs=args.epochs, resume=args.resume, progress=args.progress)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\ninterrupted; finished configurations are in {args.output}", file=sys.stderr)
        return 130
    import pandas as pd

    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(table.drop(columns="config").to_string(index=False))
    print(f"wrote {args.output / 'summary.csv'} and {len(table)} run file(s) under "
          f"{args.output / 'runs'}")
    return 0


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
    from helpers.training import load_checkpoint, save_checkpoint

    if resume:
        if checkpoint is None or not os.path.exists(checkpoint):
            raise FileNotFoundError(f"resume=True needs an existing checkpoint, got {checkpoint}")
        return evaluate(load_checkpoint(build(), checkpoint, device=device))
    model, metrics = train()
    if checkpoint is not None:
        save_checkpoint(model, checkpoint)
    return metrics


def check_params(
    task: str,
    params: Mapping[str, Any],
    specs: Mapping[str, Param],
    *,
    positive: Collection[str] = (),
    non_negative: Collection[str] = (),
) -> dict[str, Any]:
    """Validate one configuration against a task's ``PARAMS``, filling in defaults.

    Parameters
    ----------
    task
        The task's name, for the messages.
    params
        The configuration; a missing name takes the first of its defaults.
    specs
        The task's ``PARAMS``.
    positive, non_negative
        Names whose values must be above 0, or at least 0 (and finite).

    Raises
    ------
    ValueError
        Unknown names, booleans, values of the wrong type, outside the choices,
        fractional where a whole number is needed, or out of range.

    Examples
    --------
    >>> specs = {"hidden_size": Param(int, (8,), "units")}
    >>> check_params("toy", {}, specs, positive=["hidden_size"])
    {'hidden_size': 8}
    """
    unknown = sorted(set(params) - set(specs))
    if unknown:
        raise ValueError(f"unknown {task} parameter(s) {unknown}; allowed: {', '.join(specs)}")
    checked = {}
    for name, spec in specs.items():
        raw = params.get(name, spec.default[0])
        if isinstance(raw, bool):  # bool is an int to Python, never a hyper-parameter here
            raise ValueError(f"{name}={raw!r} must be a {spec.type.__name__}, not a bool")
        try:
            value = spec.type(raw)
        except (TypeError, ValueError) as error:
            kind = spec.type.__name__
            raise ValueError(f"{name}={raw!r} is not a valid {kind}: {error}") from None
        if spec.choices is not None and value not in spec.choices:
            raise ValueError(f"{name}={raw!r} is not allowed; choose one of "
                             f"{', '.join(map(str, spec.choices))}")
        if isinstance(value, int) and isinstance(raw, float) and not raw.is_integer():
            raise ValueError(f"{name}={raw!r} must be a whole number")
        if name in positive and not (value > 0 and math.isfinite(value)):
            raise ValueError(f"{name}={raw!r} must be positive")
        if name in non_negative and not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"{name}={raw!r} must be zero or positive")
        checked[name] = value
    return checked
