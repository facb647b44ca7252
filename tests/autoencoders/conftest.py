"""Fake MNIST for the chapter 5 tests: learnable, tiny, no files."""

import numpy as np
import pytest

import helpers.data
from helpers.data.mnist import MNISTSplits


def bars(n, seed=0):
    """Digits 0/1 as a vertical or horizontal bar on faint noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n).astype(np.int64)
    images = rng.integers(0, 30, (n, 28, 28)).astype(np.uint8)
    images[labels == 0, :, 12:16] = 255
    images[labels == 1, 12:16, :] = 255
    return images, labels


@pytest.fixture
def fake_images():
    """``fake_images(n, seed=0)`` gives ``n`` bar digits and their labels."""
    return bars


@pytest.fixture
def fake_mnist(monkeypatch):
    """``helpers.data.load_mnist`` returns 48/16/16 bar digits instead of reading files."""
    def load(source="test10k", *, seed=0, **kwargs):
        parts = [bars(n, seed=k) for k, n in enumerate((48, 16, 16))]
        return MNISTSplits(*parts[0], *parts[1], *parts[2], source=f"fake-{source}")

    monkeypatch.setattr(helpers.data, "load_mnist", load)
