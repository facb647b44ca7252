"""Exceptions and warnings raised by :mod:`helpers.data`.

Everything derives from :class:`DataError`, so a notebook can catch one class.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DataLayoutError",
    "DataQualityWarning",
    "DataUnavailableError",
    "HashMismatchError",
    "UnknownDatasetError",
    "UnknownTickerError",
]


class DataError(Exception):
    """Base class of every error raised by :mod:`helpers.data`."""


class UnknownDatasetError(DataError, KeyError):
    """A data set name that is not in the registry."""

    # KeyError.__str__ would wrap the message in quotes; keep it readable.
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownTickerError(DataError, KeyError):
    """An S&P 500 ticker that is not part of the data set."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DataUnavailableError(DataError):
    """A file is neither cached nor in the mirror, and could not be downloaded."""


class HashMismatchError(DataError):
    """A file's SHA-256 differs from the registry's; the bad copy has been removed."""


class DataLayoutError(DataError, ValueError):
    """A file does not have the layout (columns, header, magic number) its parser expects."""


class DataQualityWarning(UserWarning):
    """Something in real data needed attention: gaps, duplicates, missing values, short series."""
