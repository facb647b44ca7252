"""Files that are never half-written: atomic outputs and model checkpoints.

A crash, an error or Ctrl-C while writing leaves the previous file (or none),
never a truncated one. Checkpoints keep a model's constructor arguments beside
its weights, so :func:`load_model` rebuilds it from the file alone.

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_output(path) as handle:
...     _ = handle.write("done")
>>> path.read_text()
'done'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from torch import nn

__all__ = ["atomic_output", "load_checkpoint", "load_model", "save_checkpoint"]


def default_file_mode() -> int:
    """Permissions a plain ``open(path, "w")`` would give (0o666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_output(
    path: str | Path, mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; move it into place only on success.

    The temporary file lives in the same folder so the final ``os.replace`` is an
    atomic rename, and it gets ordinary permissions (``tempfile`` would leave 0600).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
        os.chmod(name, default_file_mode())
        os.replace(name, path)
    finally:  # also on KeyboardInterrupt: no temporary file is left behind
        if os.path.exists(name):
            os.unlink(name)


#: Checkpoint layout version, stored in every file :func:`save_checkpoint` writes.
CHECKPOINT_FORMAT = 1


def save_checkpoint(model: nn.Module, path: str | Path) -> Path:
    """Save the model's weights and constructor arguments atomically.

    Models of the book record their constructor arguments (``model_args``,
    see :func:`helpers.models.remember_args`), so :func:`load_model` can rebuild
    them from the file alone; for other models only the weights are stored
    and :func:`load_checkpoint` loads them into a model you build.

    Examples
    --------
    >>> import tempfile, torch
    >>> from helpers.models import WindowRegressor
    >>> path = save_checkpoint(WindowRegressor(2, 4), tempfile.mkdtemp() + "/m.pt")
    >>> load_model(path, device="cpu").model_args["hidden_size"]
    4
    """
    import torch

    cls = type(model)
    payload = {
        "format": CHECKPOINT_FORMAT,
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "model_args": dict(getattr(model, "model_args", None) or {}),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }
    with atomic_output(path, "wb") as handle:
        torch.save(payload, handle)
    return Path(path)


def _read_checkpoint(path: str | Path) -> dict:
    import torch

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}; train first or check the path.")
    try:
        # weights_only refuses pickled code: a checkpoint from elsewhere cannot run anything
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # torch raises several types for a damaged file
        raise ValueError(
            f"checkpoint {path} cannot be read: it is not a PyTorch checkpoint, or it is "
            "damaged, or it holds more than weights; delete it and train again."
        ) from None
    if not (isinstance(payload, dict) and payload.get("format") == CHECKPOINT_FORMAT):
        raise ValueError(
            f"checkpoint {path} is not in the layout save_checkpoint writes (format "
            f"{CHECKPOINT_FORMAT}); delete it and train again."
        )
    return payload


def load_checkpoint(model: nn.Module, path: str | Path, *, device=None) -> nn.Module:
    """Load the weights of ``path`` into ``model`` (on ``device``) and return it.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        For a damaged file, or weights that do not fit ``model`` (another
        configuration saved them).
    """
    from helpers.config import resolve_device

    payload = _read_checkpoint(path)
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        first = str(error).splitlines()[1:2] or [str(error)[:160]]
        raise ValueError(
            f"checkpoint {path} does not fit this {type(model).__name__} ({first[0].strip()}); "
            "it was saved for another configuration: delete it, or train this one again."
        ) from None
    return model.to(resolve_device(device))


def load_model(path: str | Path, *, device=None) -> nn.Module:
    """Rebuild a model of the book from a checkpoint of :func:`save_checkpoint`.

    Only classes from the ``helpers`` package are rebuilt: importing a module
    named in a file would run its code. For your own classes, build the model
    and call :func:`load_checkpoint`.
    """
    import importlib

    payload = _read_checkpoint(path)
    module_name, _, class_name = payload["class"].rpartition(".")
    if not module_name.startswith("helpers.") or not payload["model_args"]:
        raise ValueError(
            f"checkpoint {path} holds a {payload['class']} without constructor arguments "
            "load_model can use; build the model yourself and call load_checkpoint(model, path)."
        )
    cls = getattr(importlib.import_module(module_name), class_name)
    return load_checkpoint(cls(**payload["model_args"]), path, device=device)
