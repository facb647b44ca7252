"""Where data files are cached, and where an offline mirror of them may be."""

from __future__ import annotations

import os
from pathlib import Path

import pooch

from helpers.data.errors import DataError

__all__ = ["DATA_DIR_ENV", "MIRROR_ENV", "data_dir", "mirror_dir"]

DATA_DIR_ENV = "LSTMBOOK_DATA_DIR"
MIRROR_ENV = "LSTMBOOK_MIRROR"

# helpers/data/locations.py -> the repository root, when running from a checkout.
_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> Path:
    """The cache folder.

    ``$LSTMBOOK_DATA_DIR`` if set; else ``<repo>/data`` when running from a checkout
    (recognised by its ``data/README.md``); else the per-user cache of ``pooch.os_cache``.

    Examples
    --------
    >>> from helpers.data import data_dir
    >>> data_dir()  # doctest: +SKIP
    PosixPath('/home/me/lstm-book/data')
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    if (_CHECKOUT_DATA / "README.md").is_file():
        return _CHECKOUT_DATA
    return Path(pooch.os_cache("lstmbook"))


def mirror_dir() -> Path | None:
    """The offline mirror folder named by ``$LSTMBOOK_MIRROR``, or ``None``.

    A mirror holds the same relative paths as the cache (``btc/...``, ``mnist/...``,
    ``sp500/individual_stocks_5yr/...``). A set but missing folder is an error rather
    than a silent fall-back to the network, because it is almost always a typo.
    """
    env = os.environ.get(MIRROR_ENV)
    if not env:
        return None
    path = Path(env).expanduser()
    if not path.is_dir():
        raise DataError(f"{MIRROR_ENV}={env} is not a folder. Point it at a copy of the data "
                        f"mirror (e.g. ../shared/data) or unset it to download instead.")
    return path
