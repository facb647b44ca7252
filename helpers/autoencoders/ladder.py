"""The memory ladder: one classifier, the same digits, ever longer sequences.

Each *rung* reads the MNIST images as sequences of ``steps`` steps
(:func:`helpers.autoencoders.digits.patch_view`: 28 steps are the rows, 784
are single pixels) and trains a :class:`~helpers.autoencoders.classifiers.SequenceClassifier`
on them, once per seed, until early stopping ends it. Pixels, order, model
and budget stay the same from rung to rung; only the number of steps the
LSTM must carry the digit's identity across changes.

The module is also the experiment task ``ladder``
(``python -m helpers.experiments ladder --steps 28 196 --seed 0 1 2``),
following the contract of :mod:`helpers.experiments.runner`.

Examples
--------
>>> from helpers.autoencoders.digits import patch_view
>>> images = np.zeros((64, 28, 28), np.uint8)
>>> images[32:, :, 10:18] = 255  # two kinds of "digit": blank and a bar
>>> labels = np.repeat([0, 1], 32)
>>> x = patch_view(images, 49)
>>> runs = train_rung(x, labels, x, labels, x, seeds=[0], hidden_size=4, n_classes=2,
...                   epochs=2, device="cpu")
>>> runs.predictions[0].shape
(64, 2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from torch import nn

from helpers.autoencoders.classifiers import SequenceClassifier, accuracy, error_indicators
from helpers.autoencoders.digits import STEPS, SequenceSplits, load_digits
from helpers.config import by_mode
from helpers.experiments.params import Param
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import check_resumable, train_or_resume
from helpers.trials import SeedRuns, run_seeds

NAME = "ladder"
#: The command line sorts its summary by this metric, best first.
METRIC = "test_accuracy"
HIGHER_IS_BETTER = True

PARAMS: dict[str, Param] = {
    "steps": Param(int, (196,), "sequence length: each image cut into this many steps",
                   choices=STEPS),
    "hidden_size": Param(int, (64,), "LSTM units"),
    "lr": Param(float, (1e-3,), "Adam learning rate"),
    "clip_grad_norm": Param(float, (1.0,), "clip the global gradient norm (0: no clipping)"),
    "forget_bias": Param(float, (1.0,), "initial forget-gate bias b_if + b_hf"),
    "batch_size": Param(int, (64,), "images per training step"),
    "seed": Param(int, (0,), "training seed (give several for one run each)"),
}
_POSITIVE = ("hidden_size", "lr", "batch_size")
_NON_NEGATIVE = ("clip_grad_norm", "seed")


@dataclass(frozen=True)
class Budget:
    """How much data and training one rung gets on the command line."""

    source: str
    n_train: int | None
    n_val: int | None
    n_test: int | None
    epochs: int
    patience: int


def budget() -> Budget:
    """The command line's budget for the current run mode (``LSTMBOOK_MODE``).

    ``full`` is the benchmark's scale: the official 60,000/10,000 images.
    """
    return by_mode(
        smoke=Budget("test10k", 256, 128, 128, epochs=2, patience=1),
        standard=Budget("test10k", None, None, None, epochs=40, patience=10),
        full=Budget("full", None, None, None, epochs=150, patience=10),
    )


def check_params(params: dict[str, Any]) -> dict[str, Any]:
    """Validate one configuration; missing names take their first default.

    Examples
    --------
    >>> check_params({"steps": 784})["hidden_size"]
    64
    """
    return _check_params(NAME, params, PARAMS, positive=_POSITIVE, non_negative=_NON_NEGATIVE)


def fit_settings(
    *, lr: float = 1e-3, clip_grad_norm: float = 1.0, batch_size: int = 64, epochs: int = 10,
    patience: int | None = None, device: Any = None,
) -> dict[str, Any]:
    """The ``fit`` arguments of a rung: cross-entropy, accuracy per epoch, early stopping.

    ``clip_grad_norm=0`` switches clipping off.

    Examples
    --------
    >>> fit_settings(epochs=5, patience=2, clip_grad_norm=0)["clip_grad_norm"] is None
    True
    """
    return {"loss_fn": nn.CrossEntropyLoss(), "metrics": {"accuracy": accuracy}, "lr": lr,
            "clip_grad_norm": clip_grad_norm or None, "batch_size": batch_size,
            "epochs": epochs, "patience": patience, "device": device}


def train_rung(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    x_test: np.ndarray,
    *,
    seeds: Sequence[int],
    hidden_size: int = 64,
    forget_bias: float | None = 1.0,
    n_classes: int = 10,
    **settings: Any,
) -> SeedRuns:
    """Train a fresh :class:`SequenceClassifier` per seed; keep each seed's test logits.

    Parameters
    ----------
    x_train, y_train, x_val, y_val
        Sequences ``(N, steps, features)`` and integer labels; the
        validation split drives early stopping.
    x_test
        Sequences to predict with every seed's model.
    seeds
        One network per seed (initial weights and batch order).
    hidden_size, forget_bias, n_classes
        The classifier.
    **settings
        :func:`fit_settings` arguments (``lr``, ``clip_grad_norm``,
        ``batch_size``, ``epochs``, ``patience``, ``device``).

    Returns
    -------
    SeedRuns
        ``predictions`` are test logits ``(N, n_classes)``, one per seed.
    """
    n_features = x_train.shape[-1]
    return run_seeds(
        lambda: SequenceClassifier(n_features, hidden_size, n_classes=n_classes,
                                   forget_bias=forget_bias),
        (x_train, y_train), x_test, seeds=seeds, val=(x_val, y_val),
        fit_kwargs=fit_settings(**settings),
    )


def rung_row(runs: SeedRuns, y_test: np.ndarray, steps: int,
             layout: str = "strips") -> dict[str, Any]:
    """One rung's test accuracy over seeds and where its networks stopped (a table row).

    ``layout`` names the view the rung read (:meth:`Digits.view`): it sets
    the pixels a step holds (``784 // steps`` for strips, 28 for rows).

    Examples
    --------
    >>> from helpers.training import History
    >>> runs = SeedRuns((0, 1), (np.eye(2), np.eye(2)[::-1]),
    ...                 (History(best_epoch=3, max_epochs=9, train_loss=[1.0] * 5),) * 2, ())
    >>> row = rung_row(runs, np.array([0, 1]), 112, layout="rows")
    >>> row["accuracy"], row["pixels per step"]
    (0.5, 28)
    """
    scores = 1 - runs.losses(lambda logits: error_indicators(logits, y_test)).mean(axis=1)
    histories = runs.histories
    return {
        "steps": steps, "layout": layout,
        "pixels per step": 28 if layout == "rows" else 784 // steps, "seeds": len(scores),
        "accuracy": float(scores.mean()),
        "sd": float(scores.std(ddof=1)) if len(scores) > 1 else 0.0,
        "worst": float(scores.min()), "best": float(scores.max()),
        "best epochs": "/".join(str(h.best_epoch) for h in histories),
        "epochs run": "/".join(str(h.epochs_run) for h in histories),
        "plateaus": sum(h.plateau for h in histories),
        "s per epoch": float(np.mean([h.seconds / max(h.epochs_run, 1) for h in histories])),
    }


def best_val_accuracy(history: Any) -> float:
    """Validation accuracy at a run's best epoch (the weights ``fit`` kept).

    Examples
    --------
    >>> from helpers.training import History
    >>> h = History(best_epoch=2, metrics={"val_accuracy": [0.5, 0.75, 0.7]})
    >>> best_val_accuracy(h)
    0.75
    """
    return float(history.metrics["val_accuracy"][history.best_epoch - 1])


def pick_lr(
    x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, *,
    lrs: Sequence[float], seed: int = 0, **settings: Any,
) -> tuple[float, pd.DataFrame]:
    """The learning rate whose network reaches the best validation accuracy (one seed each).

    Parameters
    ----------
    x_train, y_train, x_val, y_val
        One rung's sequences and labels; the test split is not touched.
    lrs
        Candidate learning rates.
    seed
        The one seed every candidate trains with.
    **settings
        :func:`train_rung` arguments other than ``lr`` and ``seeds``.

    Returns
    -------
    best_lr, table
        The winner, and one row per candidate (validation accuracy, best
        epoch, epochs run).

    Examples
    --------
    >>> from helpers.autoencoders.digits import patch_view
    >>> images = np.zeros((32, 28, 28), np.uint8)
    >>> images[16:, :, 10:18] = 255
    >>> x, y = patch_view(images, 28), np.repeat([0, 1], 16)
    >>> lr, table = pick_lr(x, y, x, y, lrs=(1e-3, 3e-2), hidden_size=4, n_classes=2,
    ...                     epochs=2, device="cpu")
    >>> lr in (1e-3, 3e-2), list(table.columns)
    (True, ['validation accuracy', 'best epoch', 'epochs run'])
    """
    if not lrs:
        raise ValueError("lrs is empty: give at least one learning rate, e.g. lrs=(3e-3, 1e-2).")
    rows = {}
    for lr in lrs:
        h = train_rung(x_train, y_train, x_val, y_val, x_val[:1], seeds=[seed], lr=lr,
                       **settings).histories[0]
        rows[lr] = {"validation accuracy": best_val_accuracy(h), "best epoch": h.best_epoch,
                    "epochs run": h.epochs_run}
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("lr")
    return float(table["validation accuracy"].idxmax()), table


def plot_ladder(table: pd.DataFrame, per_seed: dict[int, np.ndarray], *,
                reference: float, reference_label: str = "logistic regression",
                chance: float | None = None,
                others: dict[str, tuple[int, np.ndarray]] | None = None):
    """Test accuracy against sequence length: every seed, and the mean with its spread.

    Parameters
    ----------
    table
        Rows of :func:`rung_row` (``steps``, ``accuracy``, ``sd``).
    per_seed
        Steps to the test accuracy of each seed.
    reference, chance
        Horizontal lines: a model that sees the whole image at once, and
        the majority class.
    others
        Label to ``(steps, accuracies of the seeds)``: other views at one
        length, drawn as open markers.
    """
    import matplotlib.pyplot as plt

    from helpers.plotting import MODEL_COLORS, book_figsize

    fig, ax = plt.subplots(figsize=book_figsize(5.2), layout="constrained")
    for steps, scores in per_seed.items():
        ax.scatter(np.full(len(scores), steps), scores, s=14, color=MODEL_COLORS[0], alpha=0.45,
                   zorder=3, label="one seed" if steps == min(per_seed) else None)
    ax.errorbar(table["steps"], table["accuracy"], yerr=table["sd"], color=MODEL_COLORS[0],
                marker="o", capsize=4, zorder=4, label="mean ± sd over seeds")
    for k, (label, (steps, scores)) in enumerate((others or {}).items()):
        ax.scatter(np.full(len(scores), steps), scores, s=40, facecolors="none", zorder=5,
                   edgecolors=MODEL_COLORS[2 + k], marker="D", label=label)
    ax.axhline(reference, color=MODEL_COLORS[1], linestyle="--", label=reference_label)
    if chance is not None:
        ax.axhline(chance, color="0.5", linestyle=":", label="majority class")
    ax.set_xscale("log", base=2)
    ax.set_xticks(list(table["steps"]), [str(s) for s in table["steps"]])
    ax.minorticks_off()
    ax.set(xlabel="steps per image", ylabel="test accuracy",
           title="The same digits, spread over more steps", ylim=(0, 1.02))
    fig.legend(loc="outside lower center", ncols=1)
    return fig


def plot_views(image: np.ndarray, views: Sequence[tuple[int, str]]):
    """One image as the LSTM reads it in each view: values per step (rows) by steps (columns).

    Parameters
    ----------
    image
        One uint8 image ``(28, 28)``.
    views
        ``(steps, layout)`` pairs (:meth:`Digits.view`), e.g.
        ``[(28, "rows"), (392, "rows"), (392, "strips")]``.
    """
    import matplotlib.pyplot as plt

    from helpers.autoencoders.digits import patch_view, row_view
    from helpers.plotting import book_figsize

    fig, axes = plt.subplots(len(views), 1, figsize=book_figsize(1.0 + 1.3 * len(views)),
                             constrained_layout=True, squeeze=False)
    for ax, (n, layout) in zip(axes[:, 0], views, strict=True):
        cut = row_view if layout == "rows" else patch_view
        sequence = cut(np.asarray(image)[None], n)[0]  # (steps, values per step)
        ax.imshow(sequence.T, cmap="gray_r", vmin=0, vmax=1, aspect="auto",
                  interpolation="nearest")
        ax.set_yticks([])
        ax.grid(False)
        what = ("rows, blank steps between" if layout == "rows" and n > 28
                else "rows" if layout == "rows" else f"strips of {784 // n}")
        ax.set_title(f"{n} steps: {what}", loc="left")
    axes[-1, 0].set_xlabel("step (time runs left to right)")
    return fig


def run(
    params: dict[str, Any],
    *,
    device: Any = None,
    epochs: int | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> dict[str, float]:
    """Train one rung with one seed (or reload it with ``resume=True``); return its metrics.

    Returns
    -------
    dict
        ``val_accuracy``, ``test_accuracy``, ``best_epoch``, ``epochs_run``
        and ``seconds`` (the last three are NaN when reloaded: only training knows them).
    """
    from helpers.training import fit, predict

    p = check_params(params)
    check_resumable(checkpoint, resume)
    b = budget()
    data = load_digits(b.source, n_train=b.n_train, n_val=b.n_val,
                       n_test=b.n_test).view(p["steps"])

    def build() -> SequenceClassifier:
        return SequenceClassifier(data.n_features, p["hidden_size"], forget_bias=p["forget_bias"])

    def scores(model: nn.Module) -> dict[str, float]:
        return {f"{split}_accuracy": 1 - float(error_indicators(
            predict(model, getattr(data, f"x_{split}"), device=device),
            getattr(data, f"y_{split}")).mean()) for split in ("val", "test")}

    def train() -> tuple[nn.Module, dict[str, float]]:
        import torch

        torch.manual_seed(p["seed"])
        model = build()
        history = fit(model, (data.x_train, data.y_train), val=(data.x_val, data.y_val),
                      seed=p["seed"], progress=progress, desc=f"ladder {p['steps']} steps",
                      **fit_settings(lr=p["lr"], clip_grad_norm=p["clip_grad_norm"],
                                     batch_size=p["batch_size"], epochs=epochs or b.epochs,
                                     patience=b.patience, device=device))
        return model, {**scores(model), "best_epoch": float(history.best_epoch),
                       "epochs_run": float(history.epochs_run), "seconds": history.seconds}

    def reloaded(model: nn.Module) -> dict[str, float]:
        unknown = dict.fromkeys(("best_epoch", "epochs_run", "seconds"), math.nan)
        return {**scores(model), **unknown}

    return train_or_resume(build, train, reloaded, checkpoint=checkpoint, resume=resume,
                           device=device)


__all__ = [
    "NAME",
    "PARAMS",
    "Budget",
    "SequenceSplits",
    "best_val_accuracy",
    "budget",
    "check_params",
    "fit_settings",
    "pick_lr",
    "plot_ladder",
    "plot_views",
    "run",
    "rung_row",
    "train_rung",
]
