"""Pytest options shared by the unit tests and the notebook runs.

``--book-mode`` and ``--book-device`` set ``LSTMBOOK_MODE`` and
``LSTMBOOK_DEVICE`` before any kernel starts, so nbval's kernels inherit them::

    pytest --nbval-lax notebooks --book-mode smoke --book-device cpu
    pytest --nbval-lax notebooks --book-device cuda      # on a GPU machine
"""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lstmbook")
    group.addoption(
        "--book-mode", default="smoke", choices=["smoke", "standard", "full"],
        help="run mode for notebooks (LSTMBOOK_MODE); default: smoke",
    )
    group.addoption(
        "--book-device", default="cpu", choices=["auto", "cpu", "cuda"],
        help="torch device for notebooks (LSTMBOOK_DEVICE); default: cpu",
    )


def pytest_configure(config: pytest.Config) -> None:
    device = config.getoption("--book-device")
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise pytest.UsageError(
                f"--book-device cuda was requested, but PyTorch {torch.__version__} sees no "
                "CUDA device on this machine. Use --book-device cpu (or auto), or run on a "
                "machine with an NVIDIA GPU and a CUDA build of PyTorch."
            )
    os.environ["LSTMBOOK_MODE"] = config.getoption("--book-mode")
    os.environ["LSTMBOOK_DEVICE"] = device
    os.environ.setdefault("MPLBACKEND", "Agg")
    # test runs must never overwrite the standard-mode numbers stored in book/results
    os.environ["LSTMBOOK_RESULTS_DIR"] = tempfile.mkdtemp(prefix="lstmbook-results-")
