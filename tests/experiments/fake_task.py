"""A task that "trains" instantly, for the runner and command-line tests.

It follows the task contract of :mod:`helpers.experiments.runner`: its checkpoint is a real
one (a tiny ``nn.Linear`` through ``train_or_resume``), so damaged checkpoints fail the way
they would in a chapter's task. Each training run is recorded in ``CALLS`` and, when
``$FAKE_LOG`` names a file, appended to it (for runs in a subprocess).

* ``loss = |hidden_size - 8| + learning_rate``; training also reports ``best_epoch``,
  evaluating a checkpoint cannot know it and gives NaN (as real tasks do).
* ``hidden_size == 13`` saves its checkpoint and then fails: a configuration that breaks
  mid-grid.
* ``kind="b"`` needs ``hidden_size <= 16`` (a rule only ``check_params`` knows).
* ``hidden_size >= 16`` trains for ``$FAKE_SLEEP`` seconds (default 0), long enough to
  interrupt it; with a sleep, it first saves its checkpoint (as ``fit`` saves the best
  weights so far), so an interrupted run has a staged file to clean up.
* every training takes ``$FAKE_DELAY`` seconds (default 0): workers that share a grid
  both get some of it.
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any

from torch import nn

from helpers.config import get_mode
from helpers.experiments.params import Param, PositiveFloat, PositiveInt
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import train_or_resume
from helpers.files import save_checkpoint

NAME = "fake"
METRIC = "loss"
PARAMS = {
    "hidden_size": Param(PositiveInt, (4,), "size"),
    "learning_rate": Param(PositiveFloat, (0.1,), "rate"),
    "kind": Param(str, ("a",), "kind", choices=("a", "b")),
}
CALLS: list[dict[str, Any]] = []


def check_params(params: dict[str, Any]) -> dict[str, Any]:
    checked = _check_params(NAME, params, PARAMS)
    if checked["kind"] == "b" and checked["hidden_size"] > 16:
        raise ValueError(f"kind='b' needs hidden_size <= 16, got {checked['hidden_size']}")
    return checked


def run(params, *, device, epochs=None, checkpoint=None, resume=False, progress=True):
    p = check_params(params)
    call = {**p, "resume": resume, "epochs": epochs, "mode": get_mode(), "device": str(device),
            "pid": os.getpid()}
    CALLS.append(call)
    if os.environ.get("FAKE_LOG"):
        with open(os.environ["FAKE_LOG"], "a") as log:
            log.write(json.dumps(call) + "\n")
    loss = abs(p["hidden_size"] - 8) + p["learning_rate"]

    def build() -> nn.Module:
        return nn.Linear(p["hidden_size"], 1)

    def train():
        model = build()
        time.sleep(float(os.environ.get("FAKE_DELAY", "0")))
        sleep = float(os.environ.get("FAKE_SLEEP", "0"))
        if p["hidden_size"] >= 16 and sleep:
            if checkpoint is not None:
                save_checkpoint(model, checkpoint)
            time.sleep(sleep)
        if p["hidden_size"] == 13:
            save_checkpoint(model, checkpoint)
            raise RuntimeError("the fake task breaks for hidden_size=13")
        return model, {"loss": loss, "best_epoch": 3.0}

    return train_or_resume(build, train, lambda model: {"loss": loss, "best_epoch": math.nan},
                           checkpoint=checkpoint, resume=resume, device=device)
