"""Experiments that run the same way in a notebook and on the command line.

Each task lives in its own module (``toy``, ``mnist``, ``sp500``) and follows
the small contract described in :mod:`helpers.experiments.runner`; tasks are
imported only when used. ``python -m helpers.experiments --help`` shows the
command-line interface.
"""

from helpers.experiments.runner import (
    TASKS,
    Param,
    PositiveFloat,
    PositiveInt,
    load_task,
    main,
    register_task,
    run_grid,
)

__all__ = [
    "TASKS",
    "Param",
    "PositiveFloat",
    "PositiveInt",
    "load_task",
    "main",
    "register_task",
    "run_grid",
]
