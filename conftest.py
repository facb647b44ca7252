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

from helpers.config import (
    DEVICE_VARIABLE,
    DEVICES,
    MODE_VARIABLE,
    MODES,
    PROGRESS_VARIABLE,
    resolve_device,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lstmbook")
    group.addoption(
        "--book-mode", default="smoke", choices=MODES,
        help=f"run mode for notebooks ({MODE_VARIABLE}); default: smoke",
    )
    group.addoption(
        "--book-device", default="cpu", choices=DEVICES,
        help=f"torch device for notebooks ({DEVICE_VARIABLE}); default: cpu",
    )


def pytest_configure(config: pytest.Config) -> None:
    device = config.getoption("--book-device")
    try:
        resolve_device(device)
    except RuntimeError as error:  # cuda without a GPU: the same message as everywhere
        raise pytest.UsageError(f"--book-device {device}: {error}") from None
    os.environ[MODE_VARIABLE] = config.getoption("--book-mode")
    os.environ[DEVICE_VARIABLE] = device
    os.environ[PROGRESS_VARIABLE] = "0"
    os.environ.setdefault("MPLBACKEND", "Agg")
    # test runs must never overwrite the standard-mode numbers stored in book/results
    os.environ["LSTMBOOK_RESULTS_DIR"] = tempfile.mkdtemp(prefix="lstmbook-results-")
