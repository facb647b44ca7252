"""The first cell of every chapter: read the run settings, seed, style, say so.

Examples
--------
>>> run = setup_notebook(seed=0)  # doctest: +SKIP
mode:   standard ...
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpers.config import (
    DEVICE_VARIABLE,
    DEVICES,
    MODE_VARIABLE,
    MODES,
    get_device,
    get_mode,
    seed_everything,
)
from helpers.validation import check_positive_int

if TYPE_CHECKING:
    import torch

__all__ = ["RunConfig", "setup_notebook"]


@dataclass(frozen=True)
class RunConfig:
    """What a notebook run uses: its mode, device and seed."""

    mode: str
    device: torch.device
    seed: int

    def describe(self) -> str:
        """One line per setting and the versions of the main libraries."""
        import matplotlib
        import numpy
        import pandas
        import sklearn
        import torch

        return "\n".join([
            f"mode:   {self.mode}   ({MODE_VARIABLE}: {' | '.join(MODES)})",
            f"device: {self.device}   ({DEVICE_VARIABLE}: {' | '.join(DEVICES)})",
            f"seed:   {self.seed}",
            f"python {platform.python_version()}, torch {torch.__version__}, "
            f"numpy {numpy.__version__}, pandas {pandas.__version__},",
            f"scikit-learn {sklearn.__version__}, matplotlib {matplotlib.__version__}",
        ])


def setup_notebook(seed: int = 0) -> RunConfig:
    """Read mode and device, seed everything, apply the plot style, show it all.

    Every chapter calls this in its first code cell after the Colab set-up. The
    settings are shown to whoever runs the notebook and left out of the book
    (:func:`helpers.book.report.bookkeeping`).

    Returns
    -------
    RunConfig
        ``run.mode``, ``run.device`` and ``run.seed`` for the cells below.
    """
    from helpers.book.report import bookkeeping
    from helpers.plotting import use_book_style

    seed = check_positive_int(seed, "seed", minimum=0)
    run = RunConfig(mode=get_mode(), device=get_device(), seed=seed)
    seed_everything(seed)
    use_book_style()
    bookkeeping(run.describe())
    return run
