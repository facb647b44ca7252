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


def check_run_settings(*, output: Any, epochs: Any, resume: Any) -> None:
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
