"""A task that trains through ``fit`` (a line on 64 points), for the pruning tests.

A larger ``lr`` learns the line within a few epochs; a tiny one barely moves, the kind of
configuration a pruner stops early.
"""

from __future__ import annotations

import numpy as np
import torch

from helpers.experiments.params import Param, PositiveFloat
from helpers.experiments.runner import train_or_resume
from helpers.training import fit

NAME = "fitting"
METRIC = "val_mse"
PARAMS = {"lr": Param(PositiveFloat, (0.05,), "Adam learning rate")}
EPOCHS = 30


def run(params, *, device, epochs=None, checkpoint=None, resume=False, progress=True):
    x = np.linspace(-1, 1, 64, dtype="float32")[:, None]
    y = 3 * x + 1

    def build():
        torch.manual_seed(0)
        return torch.nn.Linear(1, 1)

    def score(model):
        with torch.no_grad():
            return {"val_mse": float(((model(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2)
                                     .mean())}

    def train():
        model = build()
        fit(model, (x, y), val=(x, y), lr=params["lr"], epochs=epochs or EPOCHS,
            patience=None, batch_size=16, progress=False, device=device)
        return model, score(model)

    return train_or_resume(build, train, score, checkpoint=checkpoint, resume=resume,
                           device=device)
