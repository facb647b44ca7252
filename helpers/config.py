"""Run settings shared by every notebook: mode, device and seeding.

Two environment variables steer a run, and notebooks read them only through
this module:

``LSTMBOOK_MODE``
    ``smoke`` (a tiny slice for CI), ``standard`` (the default: meaningful
    results on a laptop CPU in minutes) or ``full`` (the original tutorials'
    scale; a GPU is recommended).
``LSTMBOOK_DEVICE``
    ``auto`` (the default: CUDA when available), ``cpu`` or ``cuda``.

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

import os
import platform
import random
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import torch

MODES = ("smoke", "standard", "full")
DEVICES = ("auto", "cpu", "cuda")
MODE_VARIABLE = "LSTMBOOK_MODE"
DEVICE_VARIABLE = "LSTMBOOK_DEVICE"

T = TypeVar("T")


def get_mode() -> str:
    """Return the run mode named by ``LSTMBOOK_MODE`` (default ``standard``).

    Raises
    ------
    ValueError
        If the variable holds anything but ``smoke``, ``standard`` or ``full``.
    """
    mode = os.environ.get(MODE_VARIABLE, "standard").strip().lower()
    if mode not in MODES:
        raise ValueError(
            f"{MODE_VARIABLE}={mode!r} is not a run mode; use one of {', '.join(MODES)} "
            f"(for example `export {MODE_VARIABLE}=standard`)."
        )
    return mode


def by_mode(*, smoke: T, standard: T, full: T) -> T:
    """Pick the value that belongs to the current run mode.

    Examples
    --------
    >>> epochs = by_mode(smoke=1, standard=30, full=300)
    """
    return {"smoke": smoke, "standard": standard, "full": full}[get_mode()]


def get_device() -> torch.device:
    """Return the torch device named by ``LSTMBOOK_DEVICE`` (default ``auto``).

    ``auto`` picks CUDA when it is available and the CPU otherwise. Asking for
    ``cuda`` on a machine without it is an error, never a silent fallback.

    Raises
    ------
    ValueError
        For an unknown device name.
    RuntimeError
        If ``cuda`` is requested but PyTorch sees no CUDA device.
    """
    name = os.environ.get(DEVICE_VARIABLE, "auto").strip().lower()
    if name not in DEVICES:
        raise ValueError(
            f"{DEVICE_VARIABLE}={name!r} is not a device; use one of {', '.join(DEVICES)}."
        )
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            f"{DEVICE_VARIABLE}=cuda, but PyTorch {torch.__version__} sees no CUDA device "
            "on this machine. Use LSTMBOOK_DEVICE=cpu (or auto), or run on a machine "
            "with an NVIDIA GPU and a CUDA build of PyTorch."
        )
    return torch.device(name)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (all devices) so a run repeats.

    CUDA kernels may still be non-deterministic; on the CPU a seeded run
    gives the same numbers every time.
    """
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - readers' own cells may use the legacy global RNG
    torch.manual_seed(seed)


@dataclass(frozen=True)
class RunConfig:
    """What a notebook run uses: its mode, device and seed."""

    mode: str
    device: torch.device
    seed: int

    def describe(self) -> str:
        """One line per setting and the versions of the main libraries."""
        import matplotlib
        import pandas
        import sklearn

        lines = [
            f"mode:   {self.mode}   ({MODE_VARIABLE}; smoke | standard | full)",
            f"device: {self.device}   ({DEVICE_VARIABLE}; auto | cpu | cuda)",
            f"seed:   {self.seed}",
            f"python {platform.python_version()}, torch {torch.__version__}, "
            f"numpy {np.__version__}, pandas {pandas.__version__}, "
            f"scikit-learn {sklearn.__version__}, matplotlib {matplotlib.__version__}",
        ]
        return "\n".join(lines)


def setup_notebook(seed: int = 0) -> RunConfig:
    """Read mode and device, seed everything, apply the plot style, print it all.

    Every chapter calls this in its first code cell after the Colab set-up.

    Examples
    --------
    >>> run = setup_notebook(seed=0)  # doctest: +SKIP
    mode:   standard ...
    """
    from helpers.plotting import use_book_style

    run = RunConfig(mode=get_mode(), device=get_device(), seed=seed)
    seed_everything(seed)
    use_book_style()
    print(run.describe())
    return run
