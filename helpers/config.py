"""Run settings shared by every notebook: mode, device, seeding and progress output.

Two environment variables steer a run, and notebooks read them only through
this module:

``LSTMBOOK_MODE``
    ``smoke`` (a tiny slice for CI), ``standard`` (the default: meaningful
    results on a laptop CPU in minutes) or ``full`` (the original tutorials'
    scale; a GPU is recommended).
``LSTMBOOK_DEVICE``
    ``auto`` (the default: CUDA when available), ``cpu`` or ``cuda``.

The names of the modes and devices are written here once; the command lines,
the notebook executor and the test options import them. PyTorch is imported
only by the functions that need it, so ``python -m helpers.experiments --help``
answers without loading it.

Examples
--------
>>> import os
>>> os.environ["LSTMBOOK_MODE"] = "smoke"
>>> get_mode()
'smoke'
>>> by_mode(smoke=2, standard=50, full=500)
2
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import random
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

if TYPE_CHECKING:
    import torch

#: Run modes, smallest first.
MODES = ("smoke", "standard", "full")
#: Device names ``LSTMBOOK_DEVICE`` (and every ``device=`` argument) accepts.
DEVICES = ("auto", "cpu", "cuda")
MODE_VARIABLE = "LSTMBOOK_MODE"
DEVICE_VARIABLE = "LSTMBOOK_DEVICE"
DEFAULT_MODE = "standard"
#: ``0`` hides progress bars (stored notebook runs and tests set it).
PROGRESS_VARIABLE = "LSTMBOOK_PROGRESS"

T = TypeVar("T")

__all__ = [
    "DEVICES",
    "DEVICE_VARIABLE",
    "MODES",
    "MODE_VARIABLE",
    "PROGRESS_VARIABLE",
    "ProgressLine",
    "by_mode",
    "check_mode",
    "current_epoch_hook",
    "epoch_hook",
    "get_device",
    "get_mode",
    "resolve_device",
    "seed_everything",
    "show_progress",
]


def check_mode(mode: str, *, source: str = "mode") -> str:
    """Return ``mode`` normalised, or raise a ``ValueError`` naming ``source``.

    Examples
    --------
    >>> check_mode(" Standard ")
    'standard'
    """
    name = str(mode).strip().lower()
    if name not in MODES:
        raise ValueError(
            f"{source}={mode!r} is not a run mode; use one of {', '.join(MODES)} "
            f"(for example `export {MODE_VARIABLE}=standard`)."
        )
    return name


def get_mode() -> str:
    """Return the run mode named by ``LSTMBOOK_MODE`` (default ``standard``).

    Raises
    ------
    ValueError
        If the variable holds anything but ``smoke``, ``standard`` or ``full``.
    """
    return check_mode(os.environ.get(MODE_VARIABLE, DEFAULT_MODE), source=MODE_VARIABLE)


def by_mode(*, smoke: T, standard: T, full: T) -> T:
    """Pick the value that belongs to the current run mode.

    This is the one way the book sizes a run: every budget (rows, epochs,
    seeds, grids) is written as a ``by_mode`` call in a notebook's settings
    cell or in a chapter module.

    Examples
    --------
    >>> epochs = by_mode(smoke=1, standard=30, full=300)
    """
    return {"smoke": smoke, "standard": standard, "full": full}[get_mode()]


def resolve_device(device: str | torch.device | None = None) -> torch.device:
    """The torch device for ``device``; ``None`` reads ``LSTMBOOK_DEVICE``.

    ``auto`` picks CUDA when it is available and the CPU otherwise. Asking
    for ``cuda`` on a machine without it is an error, never a silent fallback,
    whether it comes from the argument or from the environment.

    Raises
    ------
    ValueError
        For an unknown device name.
    RuntimeError
        If CUDA is requested but PyTorch sees no CUDA device.

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    import torch

    if isinstance(device, torch.device):
        name, source = device.type, "device"
        if name not in DEVICES:
            raise ValueError(f"device={device!s} is not supported; use one of "
                             f"{', '.join(DEVICES)}.")
    elif device is None:
        name, source = os.environ.get(DEVICE_VARIABLE, "auto").strip().lower(), DEVICE_VARIABLE
    else:
        name, source = str(device).strip().lower(), "device"
    kind = name.split(":")[0]
    if kind not in DEVICES:
        raise ValueError(f"{source}={name!r} is not a device; use one of {', '.join(DEVICES)}.")
    if kind == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if kind == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            f"{source}={name!r}, but PyTorch {torch.__version__} sees no CUDA device "
            f"on this machine. Use cpu (or auto; `export {DEVICE_VARIABLE}=cpu`), or run on "
            "a machine with an NVIDIA GPU and a CUDA build of PyTorch."
        )
    return device if isinstance(device, torch.device) else torch.device(name)


def get_device() -> torch.device:
    """Return the torch device named by ``LSTMBOOK_DEVICE`` (default ``auto``).

    Same rules as :func:`resolve_device` with no argument.
    """
    return resolve_device(None)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (all devices) so a run repeats.

    CUDA kernels may still be non-deterministic; on the CPU a seeded run
    gives the same numbers every time.
    """
    import torch

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - readers' own cells may use the legacy global RNG
    torch.manual_seed(seed)


def show_progress() -> bool:
    """Whether progress bars may be drawn (``LSTMBOOK_PROGRESS`` is not ``0``).

    Bars help a reader watching a run; in a stored notebook they are noise,
    so the notebook executor and the tests switch them off.
    """
    return os.environ.get(PROGRESS_VARIABLE, "1").strip() not in ("0", "false", "no", "off")


class ProgressLine:
    """What a fit prints: a bar refreshed once per epoch, then one summary line.

    A bar left at 60% by early stopping looks like a crash, so it disappears
    when the fit ends and the history's ``describe()`` takes its place. Stored
    runs hide the bar altogether (``LSTMBOOK_PROGRESS=0``) and keep only the summary.

    Examples
    --------
    >>> ProgressLine("fit", 5, enabled=False).bar is None  # progress=False: silent
    True
    """

    def __init__(self, desc: str, epochs: int, *, enabled: bool) -> None:
        self.desc, self.enabled, self.bar = desc, enabled, None
        if enabled and show_progress():
            import sys

            from tqdm import tqdm

            self.bar = tqdm(total=epochs, desc=desc, leave=False, file=sys.stdout,
                            mininterval=1.0, ncols=90, unit="epoch")

    def update(self, epoch: int, history: Any) -> None:
        """Move the bar to ``epoch`` and show the latest losses."""
        if self.bar is not None:
            last = {"train": f"{history.train_loss[-1]:.4g}"}
            if history.val_loss:
                last["val"] = f"{history.val_loss[-1]:.4g}"
            self.bar.set_postfix(last, refresh=False)
            self.bar.update(epoch - self.bar.n)

    def close(self, history: Any) -> None:
        """Remove the bar; print ``desc: history.describe()`` unless silent."""
        if self.bar is not None:
            self.bar.close()
        if self.enabled:  # the bar is gone; one plain line says how the fit ended
            print(f"{self.desc}: {history.describe()}")


#: Called as ``hook(epoch, history)`` after every epoch of every ``fit`` in the block.
_EPOCH_HOOK: contextvars.ContextVar[Callable[[int, Any], None] | None] = (
    contextvars.ContextVar("epoch_hook", default=None))


@contextlib.contextmanager
def epoch_hook(hook: Callable[[int, Any], None]) -> Iterator[None]:
    """Call ``hook(epoch, history)`` after each epoch of every ``fit`` inside the block.

    The experiment runner reports validation losses to an Optuna pruner this way: the
    tasks call ``fit`` themselves and need not know about it. An exception the hook raises
    (``optuna.TrialPruned``) stops the training and leaves ``fit``.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from helpers.training import fit
    >>> seen = []
    >>> x = np.ones((8, 2), dtype="float32")
    >>> with epoch_hook(lambda epoch, history: seen.append(epoch)):
    ...     _ = fit(torch.nn.Linear(2, 2), (x, x), epochs=3, progress=False)
    >>> seen
    [1, 2, 3]
    """
    token = _EPOCH_HOOK.set(hook)
    try:
        yield
    finally:
        _EPOCH_HOOK.reset(token)


def current_epoch_hook() -> Callable[[int, Any], None] | None:
    """The hook of the innermost :func:`epoch_hook` block, or ``None`` (``fit`` asks)."""
    return _EPOCH_HOOK.get()
