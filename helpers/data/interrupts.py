"""Turn SIGTERM into an exception, so that cleanup code runs as it does for Ctrl-C.

Python's default SIGTERM handling ends the process at once: no ``finally`` block runs, and
a download or a checkpoint being written leaves its temporary file behind. Both command
lines of the book (``python -m helpers.data``, ``python -m helpers.experiments``) run
inside :func:`terminate_as_interrupt`.

Examples
--------
>>> with terminate_as_interrupt():
...     pass  # work that a SIGTERM (e.g. `kill PID`) may interrupt
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["Terminated", "terminate_as_interrupt"]


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM."""

    #: Exit status of a process ended by SIGTERM, as shells report it (128 + 15).
    exit_status = 128 + signal.SIGTERM


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"received signal {signal.Signals(signum).name}")


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (a ``KeyboardInterrupt``).

    Outside the main thread (where Python cannot set signal handlers) it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
