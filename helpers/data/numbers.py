"""Numbers as CSV files write them: decimal points or commas, thousands separators.

``0,960`` is 0.96 in a file that writes decimal commas and cannot be a thousands
grouping (no group starts with 0); ``1,234.5`` uses a comma for thousands; ``1,234`` alone
could be either. :func:`decide_decimal` looks at every number of the file that has a
comma and decides, or refuses and names the argument that settles it (``decimal=``).
:func:`to_numbers` then converts text with the chosen convention, leaving NaN where a value
is not a number so that the caller can name the line.

Examples
--------
>>> import pandas as pd
>>> column = pd.Series(["0,960", "1,5"])
>>> decide_decimal({"Volume": [column]}, None)
','
>>> to_numbers(column, ",").tolist()
[0.96, 1.5]
>>> to_numbers(pd.Series(["1,234.5", "12"]), ".").tolist()
[1234.5, 12.0]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.data.errors import DataLayoutError
from helpers.data.local_times import row_label

__all__ = ["decide_decimal", "to_numbers"]

_GROUPED_COMMA = r"[-+]?[1-9]\d{0,2}(?:,\d{3})+"
_GROUPED_POINT = r"[-+]?[1-9]\d{0,2}(?:\.\d{3})+"
_SURE_THOUSANDS = rf"{_GROUPED_COMMA}\.\d*|[-+]?[1-9]\d{{0,2}}(?:,\d{{3}}){{2,}}"
_COMMA_DECIMAL = r"[-+]?\d*,\d+(?:[eE][-+]?\d+)?"
_EITHER = r"[-+]?[1-9]\d{0,2},\d{3}"
_POINT_DECIMAL = r"[-+]?\d*\.\d+(?:[eE][-+]?\d+)?"
Piece = np.ndarray | pd.Series
Where = Callable[[str, int], str]


def _first(text: pd.Series, mask: pd.Series) -> tuple[str, int] | None:
    hits = np.flatnonzero(mask.to_numpy(dtype=bool))
    return None if len(hits) == 0 else (str(text.iloc[hits[0]]), row_label(text, hits[0]))


def decide_decimal(columns: Mapping[str, Sequence[Piece]], decimal: str | None, *,
                   where: Where | None = None, source: str = "data") -> str:
    """The decimal mark of a file's numbers, ``"."`` or ``","``, from all of them.

    Parameters
    ----------
    columns
        Column name -> its values in pieces: arrays (already numbers) or Series of text
        whose integer labels are row positions.
    decimal
        ``"."`` or ``","`` to impose one (returned as is); ``None`` to decide.
    where
        ``where(column, row)`` -> ``"line 7"``, for messages.
    source
        The file's name, for messages.

    Raises
    ------
    DataLayoutError
        The numbers use both conventions, or only values like ``1,234`` that either could
        mean; the message asks for ``decimal=``.
    """
    if decimal is not None:
        return decimal
    place = where or (lambda column, row: f"row {row}")
    found: dict[str, tuple[str, str, int]] = {}  # kind -> (column, text, row), first only
    comma_seen = False
    for name, pieces in columns.items():
        for piece in pieces:
            if isinstance(piece, np.ndarray):
                continue
            text = piece.astype(str).str.strip()
            comma = text.str.contains(",", regex=False)
            if comma.any():
                comma_seen = True
                kinds = {
                    "thousands": text.str.fullmatch(_SURE_THOUSANDS),
                    "comma": comma & text.str.fullmatch(_COMMA_DECIMAL)
                    & ~text.str.fullmatch(_GROUPED_COMMA)
                    | text.str.fullmatch(rf"{_GROUPED_POINT},\d*"),
                    "either": text.str.fullmatch(_EITHER),
                }
            else:
                kinds = {}
            kinds["point"] = text.str.fullmatch(_POINT_DECIMAL) \
                & ~text.str.fullmatch(_GROUPED_POINT)
            for kind, mask in kinds.items():
                hit = None if kind in found else _first(text, mask)
                if hit is not None:
                    found[kind] = (name, *hit)
    if not comma_seen:
        return "."
    if "point" not in found:  # numbers parsed by pandas already: their text had points?
        for name, pieces in columns.items():
            for piece in pieces:
                if isinstance(piece, np.ndarray) and piece.dtype.kind == "f":
                    finite = piece[np.isfinite(piece)]
                    if (finite != np.round(finite)).any():
                        found["point"] = (name, repr(float(finite[finite != np.round(finite)][0])),
                                          -1)
                        break

    def show(kind: str) -> str:
        name, text, row = found[kind]
        at = f", {place(name, row)}" if row >= 0 else ""
        return f"{text!r} in column {name!r}{at}"

    if "comma" in found and ("thousands" in found or "point" in found):
        other = show("thousands" if "thousands" in found else "point")
        raise DataLayoutError(
            f"{source}: numbers are written both with a decimal comma ({show('comma')}) and "
            f"with a decimal point ({other}); pass decimal=',' (comma for decimals, '.' for "
            "thousands) or decimal='.' (point for decimals, ',' for thousands) to say which, "
            "and fix the values that do not follow it")
    if "comma" in found:
        return ","
    if "thousands" in found or ("either" in found and "point" in found):
        return "."
    if "either" in found:
        name, text, row = found["either"]
        whole, frac = text.replace(",", ""), text.replace(",", ".")
        raise DataLayoutError(
            f"{source}: column {name!r} holds {text!r} ({place(name, row)}): a thousands "
            f"separator ({whole}) or a decimal comma ({frac})? No other number in the file "
            f"settles it: pass decimal='.' if it means {whole}, or decimal=',' if it means "
            f"{frac}")
    return "."


def to_numbers(values: pd.Series, decimal: str = ".") -> np.ndarray:
    """Text to float64 with decimal mark ``decimal``; NaN where a value is not a number.

    With ``"."``, commas may group thousands (``1,234.5``); with ``","``, points may
    (``1.234,5``). A grouping that is not in threes, or the other mark used as a decimal
    (``100.5`` with ``decimal=","``), is not a number. ``inf`` and ``1e400`` convert to
    infinity: the caller refuses them with the line.
    """
    text = values.astype(str).str.strip()
    if decimal == ".":
        grouped = text.str.fullmatch(rf"{_GROUPED_COMMA}(?:\.\d*)?")
        if grouped.any():
            text = text.where(~grouped, text.str.replace(",", "", regex=False))
    else:
        grouped = text.str.fullmatch(rf"{_GROUPED_POINT}(?:,\d*)?")
        wrong = text.str.contains(".", regex=False) & ~grouped
        text = text.where(~grouped, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False).where(~wrong, "not a number")
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
