"""Write files atomically: a crash or an error never leaves a half-written file.

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_output(path) as handle:
...     _ = handle.write("done")
>>> path.read_text()
'done'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def default_file_mode() -> int:
    """Permissions a plain ``open(path, "w")`` would give (0o666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_output(
    path: str | Path, mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; move it into place only on success.

    The temporary file lives in the same folder so the final ``os.replace`` is an
    atomic rename, and it gets ordinary permissions (``tempfile`` would leave 0600).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
        os.chmod(name, default_file_mode())
        os.replace(name, path)
    finally:
        if os.path.exists(name):
            os.unlink(name)
