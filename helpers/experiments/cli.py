"""``python -m helpers.experiments TASK [grid flags] [run settings]``.

Examples
--------
::

    python -m helpers.experiments --help
    python -m helpers.experiments sp500 --help
    python -m helpers.experiments toy --hidden-size 8 16 --lr 0.1 0.01 \\
        --mode smoke --output runs/toy
    python -m helpers.experiments toy --hidden-size 8 16 --lr 0.1 0.01 \\
        --mode smoke --output runs/toy --resume      # evaluate the saved checkpoints
    python -m helpers.experiments toy --workers 2     # two processes share the grid
    python -m helpers.experiments toy --storage postgresql://me@db.lan/grids  # on each machine

A grid is an Optuna study (:mod:`helpers.experiments.runner`): a configuration the study
has finished is not trained again, one that failed or was interrupted is.

Options may also come before the task (``python -m helpers.experiments --mode smoke toy``).

Exit status: 0 done; 1 an error (one line, ``error: ...``; the output folder keeps every
configuration that finished); 2 a bad command line (an unknown task, a bad value, an
option given twice, a value listed twice); 130 (Ctrl-C) or 143 (SIGTERM) interrupted: the
configuration being written is written whole, a second Ctrl-C is ignored while the run stops.
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from helpers.config import DEVICE_VARIABLE, DEVICES, MODE_VARIABLE, MODES
from helpers.data.errors import DataError
from helpers.data.interrupts import Terminated
from helpers.experiments.checks import PRUNERS, SAMPLERS
from helpers.experiments.params import Param, ParamError, PositiveInt, check_params
from helpers.experiments.runner import TASKS, ConfigFailed, TaskError, load_task, run_grid
from helpers.experiments.signals import stop_on_signal

__all__ = ["build_parser", "main"]


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _argparse_type(param: Param) -> Callable[[str], Any]:
    kind = param.type
    example = param.default[0]
    # the plain number behind PositiveInt, Share ...: its parse error is the same for all
    number = next((base for base in (int, float) if issubclass(kind, base)
                   and kind is not bool), None)

    def convert(text: str) -> Any:
        if kind is bool:
            lowered = text.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise argparse.ArgumentTypeError(f"{text!r} is not a boolean (use true or false)")
        if not text.strip():
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: it is empty; give "
                                             f"e.g. {example}")
        if number is not None:
            what = "a whole number" if number is int else "a number"
            try:
                value = number(text)
            except ValueError:
                raise argparse.ArgumentTypeError(
                    f"invalid value {text!r}: give {what}, e.g. {example}") from None
            if not math.isfinite(value):
                raise argparse.ArgumentTypeError(
                    f"invalid value {text!r}: give a finite number, e.g. {example}")
        try:
            return kind(text)
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r} ({getattr(kind, '__name__', kind)}: {exc})"
            ) from None

    return convert


def _output_folder(task: str) -> Callable[[str], Path]:
    def convert(text: str) -> Path:
        if not text.strip():  # Path("") is the current folder: runs would land among its files
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r}: it is empty; give the folder for the runs, e.g. "
                f"--output runs/{task} (or leave --output out for that default)")
        return Path(text)

    return convert


class _Once(argparse.Action):
    """Store an option's values, refusing the option a second time.

    argparse would keep only the last of ``--lr 0.1 --lr 0.01``: half of the grid the
    reader asked for would silently not run.
    """

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        given = vars(namespace).setdefault("_given", set())
        if self.dest in given:
            several = (f": list all its values after one {option_string}, e.g. "
                       f"{option_string} A B" if self.nargs == "+" else "")
            raise argparse.ArgumentError(self, f"given twice{several}")
        given.add(self.dest)
        if isinstance(values, list):
            seen: list[Any] = []
            for value in values:  # 0.1 and 0.10 are one configuration, trained once
                if value in seen:
                    raise argparse.ArgumentError(
                        self, f"{value} is listed twice; each value trains one "
                              "configuration, so list it once")
                seen.append(value)
        setattr(namespace, self.dest, values)


def _nonempty(flag: str, example: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: it is empty; give e.g. "
                                             f"{flag} {example}")
        return text

    return convert


def _env(variable: str, default: str) -> str:
    value = os.environ.get(variable, default).strip().lower()
    return value or default


def build_parser(task: ModuleType) -> argparse.ArgumentParser:
    """The argument parser of one task: its ``PARAMS`` plus the common flags."""
    parser = argparse.ArgumentParser(
        prog=f"python -m helpers.experiments {task.NAME}",
        description=(task.__doc__ or "").strip().splitlines()[0] if task.__doc__ else None,
        epilog="Several values per hyper-parameter form a grid: every combination is trained, "
               "once (running the command again trains only what the study has not finished).",
    )
    grid = parser.add_argument_group("hyper-parameters (each takes one or more values)")
    for name, param in task.PARAMS.items():
        grid.add_argument(
            _flag(name), dest=name, nargs="+", type=_argparse_type(param), action=_Once,
            default=list(param.default), choices=param.choices, metavar=name.upper(),
            help=f"{param.help} (default: {' '.join(str(d) for d in param.default)}"
                 + (f"; choices: {', '.join(map(str, param.choices))})" if param.choices
                    else ")"),
        )
    common = parser.add_argument_group("run settings")
    common.add_argument("--mode", choices=MODES, default=_env(MODE_VARIABLE, "standard"),
                        action=_Once,
                        help=f"data and training budget (sets {MODE_VARIABLE}; "
                             f"default: ${MODE_VARIABLE} or standard)")
    common.add_argument("--device", choices=DEVICES, default=_env(DEVICE_VARIABLE, "auto"),
                        action=_Once,
                        help=f"torch device (sets {DEVICE_VARIABLE}; default: auto)")
    common.add_argument("--epochs", type=_argparse_type(Param(PositiveInt, (1,), "")),
                        default=None, action=_Once,
                        help="override the mode's number of epochs")
    common.add_argument("--output", type=_output_folder(task.NAME),
                        default=Path("runs") / task.NAME, action=_Once,
                        help="folder for study.db (the default storage), summary.csv and "
                             f"checkpoints (default: runs/{task.NAME})")
    study = parser.add_argument_group("the study (Optuna) behind the grid")
    study.add_argument("--storage", default=None, action=_Once, metavar="URL",
                       type=_nonempty("--storage", "postgresql://user@host/db"),
                       help="a storage every worker shares: postgresql+psycopg://user@host/db, "
                            "mysql+pymysql://user@host/db or journal:PATH (a file on a shared "
                            "disk); default: OUTPUT/study.db")
    study.add_argument("--study", default=None, action=_Once, metavar="NAME",
                       type=_nonempty("--study", task.NAME),
                       help=f"the study's name in the storage (default: {task.NAME})")
    study.add_argument("--workers", type=_argparse_type(Param(PositiveInt, (1,), "")),
                       default=1, action=_Once,
                       help="local worker processes sharing the study (default: 1)")
    study.add_argument("--sampler", choices=SAMPLERS, default="grid", action=_Once,
                       help="grid: every configuration once (default); tpe: --trials "
                            "configurations within the grid's ranges, chosen by TPE")
    study.add_argument("--trials", type=_argparse_type(Param(PositiveInt, (20,), "")),
                       default=None, action=_Once,
                       help="the number of configurations --sampler tpe trains")
    study.add_argument("--pruner", choices=PRUNERS, default=None, action=_Once,
                       help="median: stop a configuration whose validation loss is worse "
                            "than the median of the others at the same epoch")
    common.add_argument("--resume", action="store_true",
                        help="load each configuration's saved checkpoint and only evaluate")
    common.add_argument("--no-progress", dest="progress", action="store_false",
                        help="hide the progress bars")
    return parser


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.experiments",
        description="Train the chapter's experiments over grids of hyper-parameters, "
                    "outside Jupyter.",
        epilog="Run `python -m helpers.experiments TASK --help` for a task's flags.",
    )
    parser.add_argument("task", help=f"one of: {', '.join(sorted(TASKS))}")
    return parser


#: Run settings that take one value: the word after them is that value, never the task.
_ONE_VALUE = ("--mode", "--device", "--epochs", "--output", "--storage", "--study",
              "--workers", "--sampler", "--trials", "--pruner")


def _task_first(argv: list[str], top: argparse.ArgumentParser) -> list[str]:
    """``argv`` with the task name first, wherever the reader put it.

    ``--mode smoke toy --lr 0.1`` means ``toy --mode smoke --lr 0.1``; a command line with
    no task name is an error (exit 2) that says where the name goes.
    """
    if not argv:
        top.parse_args(["--help"])  # prints the help and exits
    if not argv[0].startswith("-"):
        return argv
    for index, word in enumerate(argv):
        if word in TASKS and argv[index - 1] not in _ONE_VALUE:
            return [word, *argv[:index], *argv[index + 1:]]
    if any(word in ("-h", "--help") for word in argv):
        top.parse_args(["--help"])
    for index, word in enumerate(argv):  # a misspelt task: say so, not "no task"
        close = difflib.get_close_matches(word, TASKS, n=2)
        if close and not word.startswith("-") and argv[index - 1] not in _ONE_VALUE:
            top.error(f"unknown task {word!r} (did you mean {' or '.join(close)}?); choose "
                      f"from {', '.join(sorted(TASKS))}")
    top.error(f"no task name in {' '.join(argv)!r}: put the task first, e.g. "
              f"python -m helpers.experiments toy {' '.join(argv)} "
              f"(tasks: {', '.join(sorted(TASKS))})")
    raise AssertionError("unreachable")  # pragma: no cover - error() exits


def _check_values(parser: argparse.ArgumentParser, task: ModuleType,
                  args: argparse.Namespace) -> None:
    """Refuse a value that is invalid whatever the others are, as an error on its flag.

    argparse checks what a value *is* (a number, a choice); the task's ``check_params``
    knows more (``--seed -1``, ``--forget-bias nan``). Rules about combinations of values
    are left to the runner, which refuses the whole grid (exit 1).
    """
    check = getattr(task, "check_params", None) or (
        lambda params: check_params(task.NAME, params, task.PARAMS))
    for name in task.PARAMS:
        for value in getattr(args, name):
            try:
                check({name: value})
            except ParamError as error:
                if error.name == name:
                    parser.error(f"argument {_flag(name)}: {error}")
            except (ValueError, TypeError):
                pass  # a combination with another parameter's default: the grid decides
    for option, value, allowed in (("--mode", args.mode, MODES),
                                   ("--device", args.device, DEVICES)):
        if value not in allowed:  # argparse checks only what was typed, not the default
            variable = MODE_VARIABLE if option == "--mode" else DEVICE_VARIABLE
            parser.error(f"argument {option}: {variable}={value!r} in the environment is not "
                         f"one of {', '.join(allowed)}; fix it or pass {option}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (argparse errors exit 2).

    A first Ctrl-C (or SIGTERM) stops the run after the configuration being written is
    written whole; further ones are ignored while it stops.

    Examples
    --------
    >>> main(["toy", "--hidden-size", "8", "--mode", "smoke"])  # doctest: +SKIP
    0
    """
    with stop_on_signal():
        try:
            return _main(list(sys.argv[1:] if argv is None else argv))
        except KeyboardInterrupt as exc:  # before the run began: importing torch, the task
            print("\ninterrupted before any configuration ran; nothing was written",
                  file=sys.stderr)
            return exc.exit_status if isinstance(exc, Terminated) else 130


def _main(argv: list[str]) -> int:
    top = _top_parser()
    argv = _task_first(argv, top)
    try:
        task = load_task(argv[0])
    except TaskError as exc:
        top.error(str(exc))  # exits 2
    parser = build_parser(task)
    args = parser.parse_args(argv[1:])
    _check_values(parser, task, args)
    # the task sizes its run with by_mode, which reads the environment
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
        table = run_grid(task, grid, device=device, output=args.output, epochs=args.epochs,
                         resume=args.resume, progress=args.progress, storage=args.storage,
                         study=args.study, workers=args.workers, sampler=args.sampler,
                         trials=args.trials, pruner=args.pruner)
    except ConfigFailed as exc:
        cause = exc.__cause__
        if not isinstance(cause, (ValueError, FileNotFoundError, DataError, FloatingPointError)):
            # not an error the book raises on purpose: the traceback helps fix the task
            traceback.print_exception(type(cause), cause, cause.__traceback__)
        print(f"error: {exc}\nthe configurations that finished are kept in {args.output}",
              file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print(f"\ninterrupted; the configurations that finished are kept in {args.output}, "
              "and the one that was running left no file", file=sys.stderr)
        return exc.exit_status if isinstance(exc, Terminated) else 130
    import pandas as pd

    with pd.option_context("display.width", 100, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(f"{'evaluated' if args.resume else 'finished'} {len(table)} configuration(s); "
          f"{args.output / 'summary.csv'} lists every finished trial of the study")
    return 0
