"""Hyper-parameters of an experiment task, and the one check of a configuration.

Examples
--------
>>> specs = {"hidden_size": Param(PositiveInt, (8,), "units")}
>>> check_params("toy", {"hidden_size": 16}, specs)
{'hidden_size': 16}
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Param", "PositiveFloat", "PositiveInt", "check_params"]


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
