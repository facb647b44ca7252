"""What ``run_grid`` refuses before anything trains: its grid and its run settings.

Examples
--------
>>> check_run_settings(output="runs/toy", epochs=3, resume=False)
>>> check_run_settings(output="", epochs=3, resume=False)
Traceback (most recent call last):
...
ValueError: output='' is empty; give a folder for the runs, ...
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["check_run_settings", "grid_values"]


def grid_values(module: ModuleType, grid: Any) -> dict[str, list[Any]]:
    """``grid`` as name -> list of values; a single value (``0.1``, ``"reconstruct"``) is one."""
    if grid is None:
        return {}
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must map parameter names to lists of values, e.g. "
                        f"{{'{next(iter(module.PARAMS))}': [...]}}; got {type(grid).__name__}")
    unknown = sorted(set(grid) - set(module.PARAMS), key=str)
    if unknown:
        raise ValueError(f"task {module.NAME!r} has no parameter {', '.join(map(str, unknown))}; "
                         f"its parameters are {', '.join(module.PARAMS)}")
    values = {}
    for name, given in grid.items():
        # a string is one value: list("reconstruct") would be eleven one-letter values
        listed = (list(given) if isinstance(given, Iterable) and not isinstance(given, (str, bytes))
                  else [given])
        if not listed:
            raise ValueError(f"grid[{name!r}] is empty: give at least one value, or leave "
                             f"{name!r} out to use its default {list(module.PARAMS[name].default)}")
        values[name] = listed
    return values


#: The samplers and pruners a run can use.
SAMPLERS, PRUNERS = ("grid", "tpe"), ("median",)


def check_run_settings(*, output: Any, epochs: Any, resume: Any, storage: Any = None,
                       study: Any = None, workers: Any = 1, sampler: Any = "grid",
                       trials: Any = None, pruner: Any = None) -> None:
    """Refuse run settings that would silently do something else than asked."""
    if not isinstance(resume, bool):  # resume="no" is true to Python
        raise TypeError(f"resume={resume!r} must be True or False")
    if output is not None:
        if not isinstance(output, (str, os.PathLike)):
            raise TypeError(f"output={output!r} must be a folder path (str or Path) or None")
        if not str(output).strip():  # Path("") is the current folder
            raise ValueError(f"output={str(output)!r} is empty; give a folder for the runs, "
                             "e.g. 'runs/toy', or None to keep nothing on disk")
    if resume and output is None:
        raise ValueError("resume=True needs the output folder that holds the checkpoints")
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral)
                               or epochs < 1):
        raise ValueError(f"epochs={epochs!r} must be a whole number of at least 1, or None "
                         "for the run mode's budget")
    for name, value in (("workers", workers), ("trials", trials)):
        if value is None and name == "trials":
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name}={value!r} must be a whole number of at least 1")
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler={sampler!r}: choose one of {', '.join(SAMPLERS)}")
    if trials is not None and sampler == "grid":
        raise ValueError("trials= is the budget of sampler='tpe'; the grid sampler runs "
                         "every configuration once")
    if pruner is not None and pruner not in PRUNERS:
        raise ValueError(f"pruner={pruner!r}: choose {', '.join(PRUNERS)} or None")
    for name, value in (("storage", storage), ("study", study)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"{name}={value!r} must be a non-empty string or None")
    if output is None and storage is None and workers > 1:
        raise ValueError(f"workers={workers} share a study on disk: give output (or storage)")
    if resume and workers > 1:
        raise ValueError("resume=True evaluates in one process; leave workers at 1")
