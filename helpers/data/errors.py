"""Exceptions and warnings raised by :mod:`helpers.data`.

Everything derives from :class:`DataError`, so a notebook can catch one class.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

__all__ = [
    "CacheRepairedWarning",
    "DataError",
    "DataLayoutError",
    "DataQualityWarning",
    "DataSetupError",
    "DataUnavailableError",
    "HashMismatchError",
    "UnknownDatasetError",
    "UnknownTickerError",
    "warn_quality",
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


class DataSetupError(DataError):
    """The cache folder or the mirror setting cannot be used: fix the setting, then retry.

    The command line exits with status 2 for these, as for a bad option.
    """


class DataQualityWarning(UserWarning):
    """Something in real data needed attention: gaps, duplicates, missing values, short series."""


class CacheRepairedWarning(DataQualityWarning):
    """A cached file failed its SHA-256 and was replaced by a verified copy."""


_PACKAGE = str(Path(__file__).resolve().parent)


def warn_quality(message: str, category: type[Warning] = DataQualityWarning) -> None:
    """Warn, pointing at the first caller outside :mod:`helpers.data` (the reader's line).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     warn_quality("3 missing minutes")
    >>> said[0].category.__name__, str(said[0].message)
    ('DataQualityWarning', '3 missing minutes')
    """
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
