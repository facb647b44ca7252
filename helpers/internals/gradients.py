"""How much gradient reaches the early steps of a sequence, measured with autograd.

Training a recurrent network on a sequence of ``T`` steps assigns credit to
the input at step ``t`` through :math:`\\partial \\hat y / \\partial x_t`, the
sensitivity of the prediction (read after the last step) to that input; the
gradient of any loss of :math:`\\hat y` is this times the scalar
:math:`\\partial L / \\partial \\hat y`. :func:`input_gradient_norms` computes its
norm for every sample and step, :func:`gradient_profile` averages it over
samples, and :func:`gradient_reach` condenses a profile into one number: the
gradient reaching step 1 as a multiple of the gradient at step ``T``.

:func:`gradient_flow` trains one recipe once per seed (through
:func:`helpers.trials.run_seeds`, so :func:`helpers.training.fit` is the
training loop) and measures the profile of every seed's network before and
after training; :func:`plot_gradient_flow` draws them.

Examples
--------
>>> import numpy as np, torch
>>> from helpers.internals.adding import RecurrentRegressor
>>> _ = torch.manual_seed(0)
>>> x = np.random.default_rng(0).normal(size=(8, 30, 1)).astype("float32")
>>> rnn = gradient_profile(RecurrentRegressor(1, 16, cell="rnn"), x, device="cpu")
>>> lstm = gradient_profile(RecurrentRegressor(1, 16, forget_bias=3.0), x, device="cpu")
>>> bool(gradient_reach(rnn) < gradient_reach(lstm) < 1)
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from helpers.config import resolve_device
from helpers.trials import SeedRuns, run_seeds
from helpers.validation import check_finite, to_numpy

if TYPE_CHECKING:  # matplotlib and pandas are imported by the functions that use them
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "GradientFlow",
    "epochs_to_learn",
    "flow_table",
    "format_ratio",
    "gradient_flow",
    "gradient_profile",
    "gradient_reach",
    "input_gradient_norms",
    "plot_gradient_flow",
    "takeoff_table",
]


def input_gradient_norms(
    model: nn.Module, inputs: Any, *, device: torch.device | str | None = None
) -> np.ndarray:
    """``||d y_hat / d x_t||`` for every sample and step, shape ``(n, seq_len)``.

    Parameters
    ----------
    model
        A many-to-one model: ``(n, seq_len, n_features)`` in, one number per
        sample out (``(n, 1)`` or ``(n,)``). It runs in eval mode.
    inputs
        Sequences ``(n, seq_len, n_features)``, array or tensor.
    device
        Where to compute; default ``LSTMBOOK_DEVICE``.

    Returns
    -------
    numpy.ndarray
        The Euclidean norm over features of each sample's gradient at each step.
    """
    device = resolve_device(device)
    x = torch.as_tensor(inputs, dtype=torch.float32, device=device)
    if x.ndim != 3:
        raise ValueError(f"inputs must have shape (n, seq_len, n_features); got {tuple(x.shape)}")
    check_finite(x, "inputs")
    model.to(device).eval()
    x.requires_grad_(True)
    # cuDNN computes RNN gradients only in training mode; its plain kernels do in eval
    # mode too, so a model with dropout is measured as it predicts.
    with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
        outputs = model(x)
        if outputs.shape not in ((len(x),), (len(x), 1)):
            raise ValueError(
                f"model must return one number per sample, shape ({len(x)}, 1); got "
                f"{tuple(outputs.shape)}. Measure one output at a time with a wrapper module."
            )
        # Each sample's output depends on its own inputs only, so the gradient of the sum
        # holds every sample's own gradient; autograd.grad leaves the parameters' .grad alone.
        (grad,) = torch.autograd.grad(outputs.sum(), x)
    return to_numpy(grad.norm(dim=-1), dtype=float)


def gradient_profile(
    model: nn.Module, inputs: Any, *, device: torch.device | str | None = None
) -> np.ndarray:
    """Mean over samples of :func:`input_gradient_norms`, shape ``(seq_len,)``."""
    return input_gradient_norms(model, inputs, device=device).mean(axis=0)


def gradient_reach(profile: Any) -> np.ndarray | float:
    """Gradient at step 1 over gradient at the last step, per profile (last axis = time).

    Examples
    --------
    >>> gradient_reach([0.001, 0.1, 1.0])
    0.001
    >>> gradient_reach([[1.0, 2.0], [4.0, 2.0]]).tolist()
    [0.5, 2.0]
    """
    profile = np.asarray(profile, dtype=float)
    if profile.ndim == 0 or profile.shape[-1] < 2:
        raise ValueError(f"profile must hold at least two steps; got shape {profile.shape}")
    if (profile[..., -1] <= 0).any():
        raise ValueError("the gradient at the last step is 0: the ratio is undefined.")
    reach = profile[..., 0] / profile[..., -1]
    return float(reach) if reach.ndim == 0 else reach


@dataclass(frozen=True)
class GradientFlow:
    """Gradient profiles of one recipe, one row per seed, before and after training.

    Attributes
    ----------
    name
        The recipe's name in tables and legends.
    before, after
        ``(seeds, seq_len)``: :func:`gradient_profile` of each seed's network
        at initialisation and after training.
    runs
        The :class:`helpers.trials.SeedRuns` of the training (test
        predictions and histories).
    """

    name: str
    before: np.ndarray
    after: np.ndarray
    runs: SeedRuns

    def reach(self, trained: bool) -> np.ndarray:
        """:func:`gradient_reach` of every seed, after (``trained``) or before training."""
        return gradient_reach(self.after if trained else self.before)

    def test_mse(self, targets: Any) -> np.ndarray:
        """Each seed's mean squared error on the test targets."""
        targets = np.asarray(targets, dtype=float)
        return np.array([np.mean((np.asarray(p, dtype=float) - targets) ** 2)
                         for p in self.runs.predictions])

    def epochs_to_learn(self, below: float) -> list[int | None]:
        """Per seed, the first epoch whose validation loss fell below ``below`` (or None)."""
        return epochs_to_learn(self.runs.histories, below)


def epochs_to_learn(histories: Sequence[Any], below: float) -> list[int | None]:
    """Per history, the first (1-based) epoch whose validation loss fell below ``below``.

    ``None`` for a run that never got there: on the adding problem, a run
    that never left the plateau of predicting the mean.

    Examples
    --------
    >>> from helpers.training import History
    >>> epochs_to_learn([History(val_loss=[0.2, 0.01]), History(val_loss=[0.2, 0.2])], 0.05)
    [2, None]
    """
    if not (isinstance(below, (int, float)) and below > 0):
        raise ValueError(f"below={below!r} must be a positive loss, e.g. a tenth of the "
                         "baseline's error.")
    return [next((epoch for epoch, loss in enumerate(h.val_loss, start=1) if loss < below),
                 None) for h in histories]


def gradient_flow(
    name: str,
    build: Callable[[], nn.Module],
    train: Any,
    test_inputs: Any,
    *,
    probe: Any,
    seeds: Sequence[int],
    val: Any,
    fit_kwargs: Mapping[str, Any] | None = None,
) -> GradientFlow:
    """Train ``build()`` once per seed and measure its gradient profile before and after.

    ``train``, ``test_inputs``, ``seeds``, ``val`` and ``fit_kwargs`` go to
    :func:`helpers.trials.run_seeds` unchanged; ``probe`` holds the sequences
    whose gradients are measured (use held-out data, e.g. the test inputs).

    Examples
    --------
    >>> from helpers.internals.adding import RecurrentRegressor, adding_problem
    >>> x, y = adding_problem(64, 12, rng=np.random.default_rng(0), first_within=3)
    >>> flow = gradient_flow("LSTM", lambda: RecurrentRegressor(2, 4), (x, y), x[:8],
    ...                      probe=x[:8], seeds=[0, 1], val=(x, y),
    ...                      fit_kwargs={"epochs": 1, "device": "cpu"})
    >>> flow.before.shape, flow.after.shape, len(flow.runs.histories)
    ((2, 12), (2, 12), 2)
    """
    device = (fit_kwargs or {}).get("device")
    before: list[np.ndarray] = []

    def build_and_measure() -> nn.Module:
        model = build()
        before.append(gradient_profile(model, probe, device=device))  # untrained
        return model

    runs = run_seeds(build_and_measure, train, test_inputs, seeds=seeds, val=val,
                     fit_kwargs=fit_kwargs)
    after = [gradient_profile(model, probe, device=device) for model in runs.models]
    return GradientFlow(name, np.stack(before), np.stack(after), runs)


def format_ratio(value: float) -> str:
    """A ratio for prose: plain between 0.01 and 1000, else as a power of ten (MyST math).

    Examples
    --------
    >>> format_ratio(2.345), format_ratio(190.4)
    ('2.3', '190')
    >>> print(format_ratio(3.2e-10), format_ratio(64000.0))
    $3 \\times 10^{-10}$ $6 \\times 10^{4}$
    """
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"a ratio must be a positive finite number; got {value}")
    if 10 <= value < 1000:
        return f"{value:.0f}"
    if 0.01 <= value < 10:
        return f"{value:.2g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"${mantissa} \\times 10^{{{int(exponent)}}}$"


def _spread(values: Sequence[float], spec: str) -> str:
    low, mid, high = np.min(values), np.median(values), np.max(values)
    return f"{mid:{spec}} ({low:{spec}} to {high:{spec}})"


def flow_table(flows: Sequence[GradientFlow], test_targets: Any, *, learned_below: float
               ) -> pd.DataFrame:
    """The lab in one table: a column per recipe, medians over seeds with their range.

    Rows: the gradient reaching step 1 relative to step ``T`` before and after
    training, the test MSE, the epoch at which each seed's validation loss
    first fell below ``learned_below``, where each seed's training stopped and
    whether it ended on a plateau (:attr:`helpers.training.History.plateau`).

    Examples
    --------
    >>> from helpers.training import History
    >>> history = History(val_loss=[0.2, 0.01, 0.02], best_epoch=2, max_epochs=9)
    >>> history.train_loss = [0.3, 0.1, 0.1]
    >>> runs = SeedRuns((0,), (np.ones((2, 1)),), (history,), ())
    >>> flow = GradientFlow("LSTM", np.array([[1e-6, 1.0]]), np.array([[0.5, 1.0]]), runs)
    >>> flow_table([flow], np.zeros((2, 1)), learned_below=0.05)["LSTM"].tolist()
    ['1e-06 (1e-06 to 1e-06)', '0.5 (0.5 to 0.5)', '1 (1 to 1)', '2', '2 of 3', 'no']
    """
    import pandas as pd

    columns = {}
    for flow in flows:
        learned = flow.epochs_to_learn(learned_below)
        columns[flow.name] = [
            _spread(flow.reach(trained=False), ".0e"),
            _spread(flow.reach(trained=True), ".1g"),
            _spread(flow.test_mse(test_targets), ".2g"),
            ", ".join("never" if epoch is None else str(epoch) for epoch in learned),
            ", ".join(f"{h.best_epoch} of {h.epochs_run}" for h in flow.runs.histories),
            ", ".join("yes" if h.plateau else "no" for h in flow.runs.histories),
        ]
    index = ["step 1 / step T, untrained", "step 1 / step T, trained", "test MSE",
             f"epoch val MSE < {learned_below:.2g}", "best epoch of epochs run",
             "plateau test"]
    return pd.DataFrame(columns, index=index)


def _small(value: float) -> str:
    # float32 gradients below ~1e-45 are exactly 0: say so rather than print 0e+00
    return f"{value:.0e}" if value > 0 else "0 (underflow)"


def takeoff_table(sweep: Mapping[int, Sequence[GradientFlow]], *, learned_below: float
                  ) -> pd.DataFrame:
    """Per sequence length and recipe: the start, whether and when training took off.

    Rows ``(T, recipe)``; columns: the gradient reaching step 1 relative to
    step ``T`` before training (median over seeds; "0 (underflow)" where it
    fell below the smallest float32 number), how many seeds' validation
    loss fell below ``learned_below``, the epoch each seed got there
    ("never" if it did not), the epochs each seed ran and whether it ended on
    a plateau (:attr:`helpers.training.History.plateau`).

    Parameters
    ----------
    sweep
        Sequence length to the :class:`GradientFlow` of every recipe trained on it.
    learned_below
        The validation loss that counts as "learned the task".

    Examples
    --------
    >>> from helpers.training import History
    >>> learns = History(train_loss=[0.3, 0.1], val_loss=[0.2, 0.01])
    >>> stays = History(train_loss=[0.3], val_loss=[0.2])
    >>> runs = SeedRuns((0, 1), (), (learns, stays), ())
    >>> flow = GradientFlow("LSTM", np.array([[1e-5, 1.0], [1e-5, 1.0]]), np.ones((2, 2)), runs)
    >>> takeoff_table({50: [flow]}, learned_below=0.05).iloc[0].tolist()
    ['1e-05', '1 of 2', '2, never', '2, 1', 'no, no']
    """
    import pandas as pd

    rows = {}
    for length, flows in sweep.items():
        for flow in flows:
            learned = flow.epochs_to_learn(learned_below)
            rows[(length, flow.name)] = {
                "step 1 / step T, untrained": _small(np.median(flow.reach(trained=False))),
                "seeds that learned": f"{sum(e is not None for e in learned)} of {len(learned)}",
                f"epoch val MSE < {learned_below:.2g}": ", ".join(
                    "never" if epoch is None else str(epoch) for epoch in learned),
                "epochs run": ", ".join(str(h.epochs_run) for h in flow.runs.histories),
                "plateau test": ", ".join("yes" if h.plateau else "no"
                                          for h in flow.runs.histories),
            }
    if not rows:
        raise ValueError("sweep is empty: map each sequence length to its GradientFlows.")
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.names = ["T", "model"]
    return table


def plot_gradient_flow(
    flows: Sequence[GradientFlow], *, marked_steps: int | None = None
) -> Figure:
    """Gradient reaching each step, relative to the last step, before and after training.

    One panel per state (untrained on top, trained below, one shared time
    axis), one line per recipe: the median
    over seeds of the profile divided by its value at the last step, with the
    seeds' range shaded, on a logarithmic axis. ``marked_steps`` shades the
    first steps (where the adding problem puts its first marker).

    Examples
    --------
    >>> runs = SeedRuns((0,), (), (), ())
    >>> flow = GradientFlow("demo", np.array([[1e-6, 1e-3, 1.0]]), np.ones((1, 3)), runs)
    >>> fig = plot_gradient_flow([flow], marked_steps=1)
    """
    import matplotlib.pyplot as plt

    if not flows:
        raise ValueError("flows is empty: pass at least one GradientFlow.")
    # stacked, not side by side: the panels share one time axis and one label
    from helpers.plotting import book_figsize

    fig, axes = plt.subplots(2, 1, figsize=book_figsize(6.4), sharex=True, sharey=True,
                             layout="constrained")
    for ax, trained in zip(axes, (False, True), strict=True):
        for flow in flows:
            profiles = flow.after if trained else flow.before
            relative = profiles / profiles[:, -1:]
            steps = np.arange(1, relative.shape[1] + 1)
            (line,) = ax.plot(steps, np.median(relative, axis=0), label=flow.name)
            if len(relative) > 1:
                ax.fill_between(steps, relative.min(axis=0), relative.max(axis=0),
                                color=line.get_color(), alpha=0.2, linewidth=0)
        if marked_steps:
            ax.axvspan(0.5, marked_steps + 0.5, color="0.85", zorder=0, linewidth=0)
        ax.set_yscale("log")
        ax.xaxis.get_major_locator().set_params(integer=True)  # time steps are whole numbers
        ax.set(title="after training" if trained else "untrained (initial weights)",
               ylabel=r"$\|\partial \hat y / \partial x_t\|$ / last step")
    axes[1].set_xlabel("time step $t$ (read out after the last)")
    axes[0].legend(loc="lower right")
    return fig
