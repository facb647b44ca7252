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

__all__ = ["Param", "ParamError", "PositiveFloat", "PositiveInt", "Share", "check_params"]

#: The largest whole number a hyper-parameter may take: seeds and sizes beyond it overflow
#: NumPy's and PyTorch's 32-bit arguments deep inside training.
LARGEST_INT = 2**31 - 1


class ParamError(ValueError):
    """One value is invalid on its own (whatever the other parameters are).

    ``name`` is the parameter. The command line turns it into an error on that flag, before
    anything runs; a rule about a combination of values raises a plain ``ValueError``.

    Examples
    --------
    >>> try:
    ...     check_params("toy", {"lr": float("nan")}, {"lr": Param(float, (0.1,), "rate")})
    ... except ParamError as error:
    ...     print(error.name, "|", error)
    lr | lr=nan must be a finite number
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


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


class Share(float):
    """A fraction strictly between 0 and 1 (``Share("1.5")`` raises ``ValueError``).

    Examples
    --------
    >>> Share("0.01")
    0.01
    """

    def __new__(cls, value: Any) -> Share:
        number = float(value)
        if not 0 < number < 1:
            raise ValueError(f"must be a fraction between 0 and 1 (both excluded), got {value!r}")
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
    ParamError
        A value that is invalid on its own (a ``ValueError`` naming the parameter):
        a bool where a number is needed, an empty string, the wrong type, outside the
        choices, fractional where a whole number is needed, NaN or infinite, above
        :data:`LARGEST_INT`, or out of range.
    ValueError
        Unknown names.

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
        checked[name] = _check_value(name, raw, spec, positive=name in positive,
                                     non_negative=name in non_negative)
    return checked


def _check_value(name: str, raw: Any, spec: Param, *, positive: bool,
                 non_negative: bool) -> Any:
    """One value of parameter ``name``, converted; :class:`ParamError` if it is invalid."""
    kind = spec.type.__name__
    if spec.type is bool:  # bool("false") is True: only a real bool says what it means
        if not isinstance(raw, bool):
            raise ParamError(name, f"{name}={raw!r} must be True or False")
        return raw
    if isinstance(raw, bool):  # bool is an int to Python, never a number here
        raise ParamError(name, f"{name}={raw!r} must be a {kind}, not a bool")
    if isinstance(raw, str) and not raw.strip():
        raise ParamError(name, f"{name}={raw!r} is empty; give a {kind}, e.g. "
                               f"{spec.default[0]!r}")
    try:
        value = spec.type(raw)
    except (TypeError, ValueError, OverflowError) as error:
        raise ParamError(name, f"{name}={raw!r} is not a valid {kind}: {error}") from None
    if spec.choices is not None and value not in spec.choices:
        raise ParamError(name, f"{name}={raw!r} is not allowed; choose one of "
                               f"{', '.join(map(str, spec.choices))}")
    if isinstance(value, int) and isinstance(raw, float) and not raw.is_integer():
        raise ParamError(name, f"{name}={raw!r} must be a whole number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ParamError(name, f"{name}={raw!r} must be a finite number")
    if isinstance(value, int) and abs(value) > LARGEST_INT:
        raise ParamError(name, f"{name}={raw!r} is too large (at most {LARGEST_INT})")
    if positive and not value > 0:
        raise ParamError(name, f"{name}={raw!r} must be positive")
    if non_negative and not value >= 0:
        raise ParamError(name, f"{name}={raw!r} must be zero or positive")
    return value
