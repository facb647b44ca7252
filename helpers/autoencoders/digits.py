"""MNIST digits as sequences: one image, read in as many steps as you like.

An image's 784 pixels are taken in reading order (row by row, left to
right) and cut into ``steps`` consecutive pieces of ``784 / steps`` pixels:
28 steps are the image's rows, 784 steps are single pixels ("pixel MNIST",
Le, Jaitly & Hinton 2015), and 49, 98, 196 or 392 steps lie in between.
Every view holds the same pixels in the same order; only how many of them
arrive per step changes, so a model's accuracy across views measures what
the sequence's *length* costs.

Examples
--------
>>> images = np.arange(2 * 784, dtype=np.uint8).reshape(2, 28, 28) % 255
>>> patch_view(images, 196).shape
(2, 196, 4)
>>> bool(np.allclose(patch_view(images, 28), images / 255))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.data.mnist import MNISTSplits

__all__ = ["LAYOUTS", "PIXELS", "STEPS", "Digits", "SequenceSplits", "load_digits", "patch_view",
           "row_view"]

#: Pixels in one MNIST image.
PIXELS = 28 * 28
#: The sequence lengths this book reads images at (each divides 784).
STEPS = (28, 49, 98, 196, 392, 784)
_SPLITS = ("train", "val", "test")
#: How a view lays the pixels over its steps: :func:`patch_view` (``"strips"``) or
#: :func:`row_view` (``"rows"``).
LAYOUTS = ("strips", "rows")


def patch_view(images: np.ndarray, steps: int) -> np.ndarray:
    """Uint8 images ``(N, 28, 28)`` as float32 sequences ``(N, steps, 784 // steps)`` in [0, 1].

    The pixels are read row by row and cut into ``steps`` equal consecutive
    pieces; ``steps=28`` gives the rows, ``steps=784`` one pixel per step.

    Raises
    ------
    ValueError
        Images of another shape, or ``steps`` that does not divide 784.

    Examples
    --------
    >>> patch_view(np.zeros((3, 28, 28), np.uint8), 784).shape
    (3, 784, 1)
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"images must have shape (N, 28, 28), got {images.shape}.")
    if isinstance(steps, bool) or int(steps) != steps or steps < 1 or PIXELS % int(steps):
        divisors = [d for d in range(1, PIXELS + 1) if PIXELS % d == 0]
        raise ValueError(f"steps={steps!r} must divide the 784 pixels evenly; choose one of "
                         f"{divisors}.")
    steps = int(steps)
    return (images.reshape(len(images), steps, PIXELS // steps) / np.float32(255)).astype(
        np.float32)


def row_view(images: np.ndarray, steps: int) -> np.ndarray:
    """Uint8 images as float32 sequences ``(N, steps, 28)``: one whole row, then blank steps.

    Row ``r`` arrives whole at step ``(r + 1) * steps // 28 - 1``, the step
    at which its last pixel arrives in :func:`patch_view` with the same
    ``steps``; the other steps are zeros. Every step that holds pixels holds
    28 of them, so lengthening the sequence changes only how long the early
    rows must be carried, not what a step shows.

    Raises
    ------
    ValueError
        Images of another shape, or ``steps`` that is not a multiple of 28.

    Examples
    --------
    >>> images = np.full((1, 28, 28), 255, np.uint8)
    >>> x = row_view(images, 56)
    >>> x.shape, x[0, :4, 0].tolist()
    ((1, 56, 28), [0.0, 1.0, 0.0, 1.0])
    >>> bool(np.array_equal(row_view(images, 28), patch_view(images, 28)))
    True
    """
    if isinstance(steps, bool) or int(steps) != steps or steps < 28 or steps % 28:
        raise ValueError(f"steps={steps!r} must be a multiple of the 28 rows (28, 56, 112, ...).")
    rows = patch_view(images, 28)
    every = int(steps) // 28
    out = np.zeros((len(rows), int(steps), 28), np.float32)
    out[:, every - 1 :: every] = rows
    return out


@dataclass(frozen=True)
class SequenceSplits:
    """Float32 sequences ``(N, steps, features)`` and int64 labels for each split."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    steps: int
    source: str

    @property
    def n_features(self) -> int:
        """Values per step (``784 // steps``)."""
        return self.x_train.shape[2]

    def __repr__(self) -> str:
        return (f"SequenceSplits(steps={self.steps}, features={self.n_features}, "
                f"source={self.source!r}, train={len(self.y_train)}, val={len(self.y_val)}, "
                f"test={len(self.y_test)})")


@dataclass(frozen=True, repr=False)
class Digits(MNISTSplits):
    """The splits of :class:`helpers.data.mnist.MNISTSplits`, readable as sequences."""

    def view(self, steps: int, layout: str = "strips") -> SequenceSplits:
        """Every split read as sequences of ``steps`` steps.

        ``layout="strips"`` cuts the pixels into equal pieces (:func:`patch_view`);
        ``"rows"`` gives each row whole, followed by blank steps (:func:`row_view`).
        """
        if layout not in LAYOUTS:
            raise ValueError(f"layout={layout!r} must be one of {', '.join(LAYOUTS)}.")
        cut = patch_view if layout == "strips" else row_view
        parts = {}
        for split in _SPLITS:
            parts[f"x_{split}"] = cut(getattr(self, f"{split}_images"), steps)
            parts[f"y_{split}"] = getattr(self, f"{split}_labels")
        return SequenceSplits(**parts, steps=int(steps), source=self.source)

    def __repr__(self) -> str:
        return (f"Digits(source={self.source!r}, train={len(self.train_labels)}, "
                f"val={len(self.val_labels)}, test={len(self.test_labels)})")


def load_digits(
    source: str = "test10k",
    *,
    n_train: int | None = None,
    n_val: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
) -> Digits:
    """MNIST train/validation/test images from :func:`helpers.data.load_mnist`, optionally fewer.

    ``"test10k"`` splits the 10,000 official test images (the offline mirror
    holds only those) with a seeded permutation into 7,000 training, 1,000
    validation and 2,000 test images; ``"full"`` keeps the official 10,000
    test images and splits the 60,000 training images into 54,000 and 6,000.
    The splits are random permutations, so the first ``n_*`` images of each
    are a random subset of it, with every digit about equally represented.

    Raises
    ------
    ValueError
        A requested size above what the split holds, or below 1.
    """
    from helpers import data

    splits = data.load_mnist(source, seed=seed)
    parts = {}
    for split, n in zip(_SPLITS, (n_train, n_val, n_test), strict=True):
        images, labels = getattr(splits, f"{split}_images"), getattr(splits, f"{split}_labels")
        if n is not None:
            if isinstance(n, bool) or int(n) != n or not 1 <= n <= len(labels):
                raise ValueError(f"n_{split}={n!r} must be a whole number from 1 to the "
                                 f"{len(labels)} {split} images of {splits.source}.")
            images, labels = images[: int(n)], labels[: int(n)]
        parts[f"{split}_images"] = images
        parts[f"{split}_labels"] = np.asarray(labels, dtype=np.int64)
    return Digits(**parts, source=splits.source)
