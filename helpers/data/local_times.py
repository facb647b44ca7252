"""Local wall-clock times to UTC, across daylight-saving changes, saying which rows moved.

A file written in local time (``tz="Europe/Madrid"``) has, once a year, an hour that
happens twice (clocks go back: 02:00-02:59 repeats) and, once a year, an hour that never
happens (clocks go forward). pandas refuses both by default. :func:`localize_times` says
which rows they are and applies a policy the reader chooses:

``ambiguous``
    ``"raise"`` (default): refuse, naming the rows. ``"infer"``: rows in time order pass
    through the repeated hour twice, so the first pass is summer time and the second
    winter time (files whose times mostly go down, newest first, are read backwards).
    ``"drop"``: leave those rows out.
``nonexistent``
    ``"raise"`` (default), ``"shift_forward"`` (to the first minute after the gap, as a
    clock that was not changed would have written) or ``"drop"``.

Examples
--------
>>> import pandas as pd
>>> from helpers.data.timestamps import Times
>>> wall = pd.DatetimeIndex(["2024-10-27 02:58", "2024-10-27 02:59", "2024-10-27 02:00",
...                          "2024-10-27 02:01"])
>>> utc = localize_times(Times("Date", "ISO 8601", wall), tz="Europe/Madrid",
...                      ambiguous="infer")
>>> [f"{t:%H:%M}" for t in utc.index]
['00:58', '00:59', '01:00', '01:01']
>>> utc.notes[0][:66]
"column 'Date': rows 1-4 fall in an hour that happens twice in Euro"
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from helpers.data.timestamps import Times

__all__ = ["AMBIGUOUS", "NONEXISTENT", "localize_times", "row_label", "row_ranges"]

AMBIGUOUS = ("raise", "infer", "drop")
NONEXISTENT = ("raise", "shift_forward", "drop")


def row_label(values: pd.Series | pd.Index, position: int) -> int:
    """The 1-based row number of ``values[position]``: its integer label plus one.

    A column read in chunks keeps the file's row positions as its labels, so messages
    name the row of the file, not of the chunk.
    """
    index = values.index if isinstance(values, pd.Series) else values
    if pd.api.types.is_integer_dtype(index.dtype):
        return int(index[position]) + 1
    return position + 1


def row_ranges(rows: np.ndarray, most: int = 3) -> str:
    """``"rows 31-90, 151-210"`` for sorted 1-based row numbers (the first ``most`` runs).

    Examples
    --------
    >>> row_ranges(np.array([3, 4, 5, 9]))
    'rows 3-5, 9'
    """
    if len(rows) == 0:
        return "no rows"
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts, ends = np.r_[rows[0], rows[breaks + 1]], np.r_[rows[breaks], rows[-1]]
    runs = [f"{a}-{b}" if b > a else f"{a}" for a, b in zip(starts, ends, strict=True)]
    more = f" and {len(runs) - most} more" if len(runs) > most else ""
    return ("rows " if len(rows) > 1 else "row ") + ", ".join(runs[:most]) + more


def _examples(index: pd.DatetimeIndex, mask: np.ndarray, labels: np.ndarray) -> str:
    first = int(np.argmax(mask))
    return f"{int(mask.sum())} row(s), e.g. {index[first]} (row {labels[first]})"


def localize_times(times: Times, *, tz: str = "UTC", ambiguous: str = "raise",
                   nonexistent: str = "raise", rows: np.ndarray | None = None) -> Times:
    """``times`` (read as written) in UTC, taking times without an offset to be in ``tz``.

    Parameters
    ----------
    times
        A :class:`~helpers.data.timestamps.Times` from ``parse_times``; times that carry
        their own offset (and epoch times) are UTC already and pass unchanged.
    tz
        The time zone of the wall-clock times.
    ambiguous, nonexistent
        The policies above.
    rows
        The 1-based row number of each time in the file, for messages (default: 1, 2...).

    Returns
    -------
    Times
        In UTC; ``keep`` marks the rows kept (when ``"drop"`` left some out) and ``notes``
        says which rows a policy touched. A ``problem`` names the rows when the policy is
        ``"raise"`` (or ``"infer"`` cannot tell the two passes apart).
    """
    if ambiguous not in AMBIGUOUS:
        raise ValueError(f"ambiguous must be one of {AMBIGUOUS}, got {ambiguous!r}")
    if nonexistent not in NONEXISTENT:
        raise ValueError(f"nonexistent must be one of {NONEXISTENT}, got {nonexistent!r}")
    if times.problem is not None or times.index is None or times.index.tz is not None:
        return times
    wall, what = times.index, f"column {times.column!r}"
    suffix = f" in {tz}" if tz != "UTC" else " (UTC)"
    try:
        utc = wall.tz_localize(tz, ambiguous="raise", nonexistent="raise")
        return replace(times, index=utc.tz_convert("UTC"), kind=times.kind + suffix)
    except (ValueError, TypeError):  # pytz and zoneinfo raise different subclasses
        pass
    labels = np.arange(1, len(wall) + 1) if rows is None else np.asarray(rows)
    twice = np.asarray(wall.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").isna())
    never = np.asarray(wall.tz_localize(tz, ambiguous=np.ones(len(wall), dtype=bool),
                                        nonexistent="NaT").isna())
    start = f"holds local times that do not convert from tz={tz!r} to UTC: "
    if never.any() and nonexistent == "raise":
        return replace(times, index=None, hint="nonexistent", problem=(
            start + f"{_examples(wall, never, labels)} name a time that never happened there "
            "(clocks went forward); pass nonexistent='shift_forward' (move them past the gap) "
            "or nonexistent='drop', or export the file in UTC"))
    if twice.any() and ambiguous == "raise":
        return replace(times, index=None, hint="ambiguous", problem=(
            start + f"{_examples(wall, twice, labels)} fall in the hour that happens twice "
            "(clocks went back); pass ambiguous='infer' (rows in time order: the first pass "
            "through that hour is summer time) or ambiguous='drop', or export the file in UTC"))
    steps = np.diff(wall.asi8)
    backwards = ambiguous == "infer" and (steps < 0).sum() > (steps > 0).sum()
    order = wall[::-1] if backwards else wall
    try:
        utc = order.tz_localize(tz, ambiguous="infer" if ambiguous == "infer" else "NaT",
                                nonexistent="NaT" if nonexistent == "drop" else "shift_forward")
    except (ValueError, TypeError) as exc:
        return replace(times, index=None, hint="ambiguous", problem=(
            start + f"ambiguous='infer' cannot tell the two passes through the repeated hour "
                    f"apart ({exc}); pass ambiguous='drop', or export the file in UTC"))
    utc = utc[::-1] if backwards else utc
    notes = []
    for mask, event, policy in ((twice, "fall in an hour that happens twice", ambiguous),
                                (never, "name a time that never happened", nonexistent)):
        if mask.any():
            done = {"infer": "read the first pass as summer time",
                    "drop": "dropped them",
                    "shift_forward": "moved them to the first minute after the gap"}[policy]
            notes.append(f"{what}: {row_ranges(labels[mask])} {event} in {tz} "
                         f"({wall[mask][0]} ...); {done} ({_name(mask is twice)}={policy!r})")
    kept = np.asarray(~utc.isna())
    return replace(times, index=utc[kept].tz_convert("UTC"), kind=times.kind + suffix,
                   keep=None if kept.all() else kept, notes=times.notes + tuple(notes))


def _name(is_ambiguous: bool) -> str:
    return "ambiguous" if is_ambiguous else "nonexistent"
