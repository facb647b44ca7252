"""Where data files are cached, where an offline mirror of them may be, and whether both work."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pooch

from helpers.data.errors import DataSetupError

__all__ = ["DATA_DIR_ENV", "MIRROR_ENV", "check_data_dir", "data_dir", "folder_problem",
           "mirror_dir"]

DATA_DIR_ENV = "LSTMBOOK_DATA_DIR"
MIRROR_ENV = "LSTMBOOK_MIRROR"

# helpers/data/locations.py -> the repository root, when running from a checkout.
_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"
_FIX = (f"Set {DATA_DIR_ENV} to a folder you can write to, e.g. "
        f"`export {DATA_DIR_ENV}=$HOME/lstmbook-data`.")


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


def _named(folder: Path) -> str:
    root = data_dir()
    setting = f" (from {DATA_DIR_ENV})" if os.environ.get(DATA_DIR_ENV) else ""
    return f"the cache folder {root}{setting}" if folder == root else str(folder)


def folder_problem(folder: Path, error: OSError) -> DataSetupError:
    """A :class:`DataSetupError` that says why files cannot be written in ``folder``.

    ``folder`` is the cache folder or one inside it; a problem at or above the cache folder
    is told in terms of the cache folder (the setting the reader can change).

    Examples
    --------
    >>> import tempfile
    >>> a_file = Path(tempfile.mkdtemp()) / "cache"
    >>> _ = a_file.write_text("")
    >>> message = str(folder_problem(a_file, FileExistsError(17, "File exists")))
    >>> message.split(". ")[0].endswith("/cache is a file, not a folder")
    True
    """
    root = data_dir()
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    # a problem at or above the cache folder is the setting's, so name the setting
    at_root = blocker is not None and (blocker == root or blocker in root.parents)
    shown = _named(root) if at_root and folder.is_relative_to(root) else str(folder)
    if blocker is not None and not blocker.is_dir():
        if blocker == root or (blocker == folder and not folder.is_relative_to(root)):
            return DataSetupError(f"{_named(blocker)} is a file, not a folder. {_FIX}")
        if not at_root:  # a stray file inside the cache, where a folder goes
            return DataSetupError(f"cannot create {folder}: {blocker} is a file; delete it "
                                  "and try again.")
        return DataSetupError(f"cannot create {shown}: {blocker} is a file. {_FIX}")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DataSetupError(f"cannot write in {shown}: {blocker} is read-only for you "
                              f"({error.strerror}). {_FIX}")
    return DataSetupError(f"cannot create or write in {shown}: {error.strerror or error}. "
                          f"{_FIX}")


def check_data_dir() -> Path:
    """The cache folder, created if needed, after checking that a file can be written there.

    Raises
    ------
    DataSetupError
        If it is a file, cannot be created, or is read-only.

    Examples
    --------
    >>> check_data_dir()  # doctest: +SKIP
    PosixPath('/home/me/lstm-book/data')
    """
    root = data_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=root, prefix=".write-test-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise folder_problem(root, error) from None
    return root


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
        what = "is a file, not a folder" if path.exists() else "does not exist"
        raise DataSetupError(
            f"{MIRROR_ENV}={env} {what}. Point it at a copy of the data mirror (e.g. "
            f"../shared/data) or unset it to download instead.")
    return path
