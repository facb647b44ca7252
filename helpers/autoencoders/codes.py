"""What an LSTM autoencoder's code holds: the code of each image, a map of them, neighbours.

The decoder of :class:`~helpers.autoencoders.models.LSTMAutoencoder` sees
nothing of the image but the encoder's final state, its hidden state ``h``
and its cell state ``c``: ``2 * hidden_size`` numbers, the *code*.
:func:`code_vectors` returns them; :func:`plot_code_map` projects them to
two dimensions with PCA, coloured by digit; :func:`nearest_neighbours` and
:func:`plot_neighbours` show which images the code puts close together.

Examples
--------
>>> codes = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
>>> nearest_neighbours(codes, [0], k=1).tolist()
[[1]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers.config import resolve_device
from helpers.validation import check_positive_int, to_numpy

__all__ = ["code_vectors", "nearest_neighbours", "plot_code_map", "plot_neighbours",
           "plot_reconstructions"]


@torch.no_grad()
def code_vectors(model: nn.Module, x: np.ndarray, *, batch_size: int = 1024,
                 device: Any = None) -> np.ndarray:
    """The code ``[h, c]`` of every sequence in ``x``: ``(N, 2 * hidden_size)``.

    ``model`` is an ``LSTMAutoencoder`` or a joint model that holds one as
    ``model.autoencoder``.

    Examples
    --------
    >>> from helpers.autoencoders.models import LSTMAutoencoder
    >>> code_vectors(LSTMAutoencoder(3, 4), np.zeros((5, 7, 3), "f4"), device="cpu").shape
    (5, 8)
    """
    autoencoder = getattr(model, "autoencoder", model)
    if not hasattr(autoencoder, "encode"):
        raise TypeError(f"{type(model).__name__} has no encoder: pass an LSTMAutoencoder or a "
                        "model with an .autoencoder.")
    device = resolve_device(device)
    autoencoder.to(device).eval()
    parts = []
    for start in range(0, len(x), check_positive_int(batch_size, "batch_size")):
        batch = torch.as_tensor(np.asarray(x[start : start + batch_size], np.float32),
                                device=device)
        _, (h, c) = autoencoder.encode(batch)
        parts.append(to_numpy(torch.cat([h[-1], c[-1]], dim=1)))
    return np.concatenate(parts)


def nearest_neighbours(codes: np.ndarray, queries: Sequence[int], *, k: int = 5) -> np.ndarray:
    """Indices of the ``k`` codes closest (Euclidean) to each query's, itself excluded.

    Returns
    -------
    numpy.ndarray
        ``(len(queries), k)``, nearest first.
    """
    codes = np.asarray(codes, dtype=float)
    k = check_positive_int(k, "k")
    if k >= len(codes):
        raise ValueError(f"k={k} needs more than {k} codes, got {len(codes)}.")
    queries = np.asarray(queries, dtype=int)
    # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b: one matrix product, no (queries, N, dims) array
    squares = (codes**2).sum(axis=1)
    distances = squares[queries, None] + squares[None, :] - 2 * codes[queries] @ codes.T
    distances[np.arange(len(queries)), queries] = np.inf  # an image is not its own neighbour
    return np.argsort(distances, axis=1, kind="stable")[:, :k]


def plot_code_map(codes: np.ndarray, labels: np.ndarray, *, title: str = "Codes, by digit"):
    """The codes projected on their first two principal components, one colour per digit."""
    import matplotlib.pyplot as plt
    from sklearn.decomposition import PCA

    from helpers.plotting import book_figsize

    pca = PCA(2, random_state=0).fit(codes)
    points = pca.transform(codes)
    fig, ax = plt.subplots(figsize=book_figsize(5.2), constrained_layout=True)
    colours = plt.get_cmap("tab10")
    for digit in range(10):
        mine = labels == digit
        ax.scatter(*points[mine].T, s=6, alpha=0.5, color=colours(digit))
        if mine.any():  # the digit itself, written at the centre of its cloud
            ax.text(*np.median(points[mine], axis=0), str(digit), fontsize=15,
                    fontweight="bold", ha="center", va="center", color=colours(digit),
                    bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1})
    share = pca.explained_variance_ratio_
    ax.set(xlabel=f"first principal component ({share[0]:.0%} of the variance)",
           ylabel=f"second ({share[1]:.0%})", title=title)
    return fig


def plot_neighbours(images: np.ndarray, labels: np.ndarray, queries: Sequence[int],
                    neighbours: np.ndarray):
    """Each query image (left) beside its nearest neighbours in code space, with their digits."""
    import matplotlib.pyplot as plt

    from helpers.plotting import FIGURE_WIDTH, book_figsize

    rows, k = np.shape(neighbours)
    # at most the book's width, however many neighbours: the images shrink, the text
    # does not, so a phone still reads it
    width = min(FIGURE_WIDTH, 0.85 * (k + 1))
    fig, axes = plt.subplots(rows, k + 1, figsize=book_figsize(1.2 * rows, width=width),
                             constrained_layout=True, squeeze=False)
    for row, query in enumerate(queries):
        for col, index in enumerate([query, *neighbours[row]]):
            ax = axes[row, col]
            ax.imshow(np.reshape(images[index], (28, 28)), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            ax.set_title(f"{labels[index]}",
                         color="black" if labels[index] == labels[query] else "red")
        axes[row, 0].set_ylabel("query")
    return fig


def plot_reconstructions(x: np.ndarray, recon: np.ndarray, *, n: int = 10):
    """Originals (top row) above their reconstructions from the code (bottom row)."""
    import matplotlib.pyplot as plt

    from helpers.plotting import FIGURE_WIDTH, book_figsize

    n = min(check_positive_int(n, "n"), len(x))
    width = min(FIGURE_WIDTH, 0.7 * n + 0.6)  # a phone reads the row labels
    fig, axes = plt.subplots(2, n, figsize=book_figsize(2.0, width=width),
                             constrained_layout=True, squeeze=False)
    for k in range(n):
        for row, images in enumerate((x, recon)):
            axes[row, k].imshow(np.reshape(images[k], (28, 28)), cmap="gray_r", vmin=0, vmax=1)
            axes[row, k].set_xticks([]), axes[row, k].set_yticks([])
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("rebuilt")
    return fig
