"""MNIST from the original IDX files, parsed with numpy, split with a seed."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from helpers.data.errors import DataLayoutError
from helpers.data.fetching import fetch

__all__ = ["MNISTSplits", "load_mnist", "read_idx", "split_indices"]

# IDX magic: two zero bytes, a type code (0x08 = unsigned byte) and the number of dimensions.
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
_ROWS = _COLS = 28


def read_idx(path: str | Path, *, expected_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) of unsigned bytes.

    Parameters
    ----------
    path
        ``*.gz`` or raw IDX file.
    expected_magic
        ``0x803`` for images, ``0x801`` for labels; checked if given.

    Raises
    ------
    DataLayoutError
        Bad magic number, or a data size that disagrees with the header.

    Examples
    --------
    >>> images = read_idx("data/mnist/t10k-images-idx3-ubyte.gz", expected_magic=0x803)
    ... # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((10000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:
        raise DataLayoutError(f"{path}: could not decompress ({exc}); the file is damaged, "
                              f"delete it and fetch it again") from exc
    if len(raw) < 4:
        raise DataLayoutError(f"{path}: {len(raw)} bytes is too short for an IDX header")
    magic = int.from_bytes(raw[:4], "big")
    ndim = raw[3]
    if raw[:3] != b"\x00\x00\x08" or ndim == 0:
        raise DataLayoutError(f"{path}: bad IDX magic number 0x{magic:08x}; expected an "
                              f"unsigned-byte IDX file (0x00000801 labels, 0x00000803 images)")
    if expected_magic is not None and magic != expected_magic:
        raise DataLayoutError(f"{path}: IDX magic number 0x{magic:08x}, expected "
                              f"0x{expected_magic:08x}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataLayoutError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise DataLayoutError(f"{path}: header says shape {shape} ({expected} bytes of data), "
                              f"file has {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape).copy()


def _images_labels(images_path: Path, labels_path: Path, n: int) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(images_path, expected_magic=IMAGES_MAGIC)
    labels = read_idx(labels_path, expected_magic=LABELS_MAGIC).astype(np.int64)
    if images.shape != (n, _ROWS, _COLS):
        raise DataLayoutError(f"{images_path}: images of shape {images.shape}, expected "
                              f"({n}, {_ROWS}, {_COLS})")
    if labels.shape != (n,):
        raise DataLayoutError(f"{labels_path}: labels of shape {labels.shape}, expected ({n},)")
    if labels.min() < 0 or labels.max() > 9:
        raise DataLayoutError(f"{labels_path}: labels outside 0..9")
    return images, labels


def split_indices(
    n: int, fractions: tuple[float, ...], seed: int
) -> tuple[np.ndarray, ...]:
    """Split ``range(n)`` with a seeded permutation.

    ``perm = np.random.default_rng(seed).permutation(n)``; part ``k`` takes the next
    ``round(fractions[k] * n)`` entries of ``perm``, and the last part takes the rest.
    Each part is then sorted, so it keeps the original file order.

    Examples
    --------
    >>> a, b = split_indices(10, (0.2,), seed=0)
    >>> len(a), len(b)
    (2, 8)
    """
    if any(f < 0 for f in fractions) or sum(fractions) >= 1:
        raise ValueError(f"fractions must be >= 0 and sum to less than 1, got {fractions}")
    perm = np.random.default_rng(seed).permutation(n)
    parts, start = [], 0
    for frac in fractions:
        stop = start + round(frac * n)
        parts.append(np.sort(perm[start:stop]))
        start = stop
    parts.append(np.sort(perm[start:]))
    return tuple(parts)


@dataclass(frozen=True, repr=False)
class MNISTSplits:
    """MNIST images (uint8, ``(N, 28, 28)``) and labels (int64, ``(N,)``) per split."""

    train_images: np.ndarray
    train_labels: np.ndarray
    val_images: np.ndarray
    val_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str

    def __repr__(self) -> str:
        return (f"MNISTSplits(source={self.source!r}, train={len(self.train_labels)}, "
                f"val={len(self.val_labels)}, test={len(self.test_labels)})")


def _fetch_pairs(dataset: str) -> dict[str, Path]:
    return {p.name: p for p in fetch(dataset)}


def _pair(paths: dict[str, Path], stem: str) -> tuple[Path, Path]:
    return paths[f"{stem}-images-idx3-ubyte.gz"], paths[f"{stem}-labels-idx1-ubyte.gz"]


def load_mnist(
    source: Literal["test10k", "full"] = "test10k",
    *,
    val_fraction: float = 0.1,
    test_fraction: float | None = None,
    seed: int = 0,
) -> MNISTSplits:
    """Load MNIST as train/validation/test splits.

    ``"test10k"`` (standard mode, 10,000 images, always available from the mirror): the
    official test images are split by :func:`split_indices` with
    ``fractions=(test_fraction, val_fraction)``: with the defaults (test 0.2, val 0.1)
    the first 2,000 of the seeded permutation are the test split, the next 1,000
    validation, the remaining 7,000 training.

    ``"full"``: the 60,000 training images are split into training and validation
    (``fractions=(val_fraction,)``, validation first, 6,000 by default) and the official
    10,000 test images are the test split; ``test_fraction`` must not be given.

    Examples
    --------
    >>> from helpers.data import load_mnist
    >>> mnist = load_mnist()  # doctest: +SKIP
    >>> mnist  # doctest: +SKIP
    MNISTSplits(source='mnist-test10k', train=7000, val=1000, test=2000)
    >>> mnist.train_images.shape, mnist.train_labels.dtype  # doctest: +SKIP
    ((7000, 28, 28), dtype('int64'))
    """
    key = source.removeprefix("mnist-")
    if key == "test10k":
        tf = 0.2 if test_fraction is None else test_fraction
        images, labels = _images_labels(*_pair(_fetch_pairs("mnist-test10k"), "t10k"), 10_000)
        test, val, train = split_indices(len(labels), (tf, val_fraction), seed)
        return MNISTSplits(images[train], labels[train], images[val], labels[val],
                           images[test], labels[test], "mnist-test10k")
    if key == "full":
        if test_fraction is not None:
            raise ValueError("source='full' uses the official 10,000 test images; "
                             "do not pass test_fraction")
        paths = _fetch_pairs("mnist-full")
        images, labels = _images_labels(*_pair(paths, "train"), 60_000)
        test_images, test_labels = _images_labels(*_pair(paths, "t10k"), 10_000)
        val, train = split_indices(len(labels), (val_fraction,), seed)
        return MNISTSplits(images[train], labels[train], images[val], labels[val],
                           test_images, test_labels, "mnist-full")
    raise ValueError(f"unknown MNIST source {source!r}; choose 'test10k' or 'full'")
