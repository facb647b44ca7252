"""Ctrl-C and SIGTERM stop a run once, and never in the middle of its writes.

A configuration that finishes writes three files (its checkpoint, its record, the summary);
:func:`signals_deferred` holds a signal that arrives meanwhile until all three are written.
:func:`stop_on_signal` (around the whole command line) turns the first signal into an
exception and ignores the ones after it: a reader who presses Ctrl-C twice because the
shutdown takes a second gets the same clean stop and one-line message as with one press.

Both do nothing outside the main thread, where Python cannot set signal handlers.

Examples
--------
>>> with stop_on_signal():
...     with signals_deferred():
...         pass  # writes that a Ctrl-C must not cut in half
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from helpers.data.interrupts import Terminated

__all__ = ["signals_deferred", "stop_on_signal"]

#: The signals that stop a run: Ctrl-C, and `kill PID` (what schedulers send first).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _install(handler: Any) -> dict[int, Any]:
    """Set ``handler`` for every stop signal; return the handlers it replaced."""
    previous = {}
    for number in STOP_SIGNALS:
        previous[number] = signal.getsignal(number)
        signal.signal(number, handler)
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for number, handler in previous.items():
        # None: a handler set outside Python, which cannot be put back; the default is closest
        signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _already_stopping(signum: int, frame: FrameType | None) -> None:
    """A second Ctrl-C while the run is stopping: the stop is under way, let it finish."""


@contextmanager
def stop_on_signal() -> Iterator[None]:
    """The first SIGINT or SIGTERM raises, the ones after it are ignored until the block ends.

    SIGINT raises ``KeyboardInterrupt``, SIGTERM :class:`helpers.data.interrupts.Terminated`
    (a ``KeyboardInterrupt`` whose ``exit_status`` is 143). The previous handlers come back
    when the block ends; put the code that reports the stop inside the block, so that a
    second Ctrl-C cannot cut the report short either.

    Examples
    --------
    >>> import signal
    >>> with stop_on_signal():
    ...     try:
    ...         signal.raise_signal(signal.SIGINT)
    ...     except KeyboardInterrupt:
    ...         signal.raise_signal(signal.SIGINT)  # the second one is ignored
    ...         print("stopped once")
    stopped once
    """
    if not _in_main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        _install(_already_stopping)
        if signum == signal.SIGTERM:
            raise Terminated(f"received signal {signal.Signals(signum).name}")
        raise KeyboardInterrupt

    previous = _install(stop)
    try:
        yield
    finally:
        _restore(previous)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver the first one.

    The block's writes all happen, or (on an error) none of the signals is lost: the held
    signal goes to the handler that was in place before, as if it had arrived just after
    the block. Further signals during the block are dropped (one stop is enough).

    Examples
    --------
    >>> import signal
    >>> try:
    ...     with signals_deferred():
    ...         signal.raise_signal(signal.SIGINT)
    ...         print("the block finishes first")
    ... except KeyboardInterrupt:
    ...     print("then the Ctrl-C")
    the block finishes first
    then the Ctrl-C
    """
    if not _in_main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    previous = _install(hold)
    try:
        yield
    finally:
        _restore(previous)
        if held:
            signal.raise_signal(held[0])
