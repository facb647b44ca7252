"""Atomic files and checkpoints that rebuild their model."""

import numpy as np
import pytest
import torch
from torch import nn

from helpers.files import atomic_output, load_checkpoint, load_model, save_checkpoint
from helpers.models import SequenceRegressor, WindowRegressor


def test_atomic_output_leaves_nothing_when_interrupted(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)), atomic_output(target) as handle:
            handle.write("half")
            raise error
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_checkpoint_rebuilds_its_model(tmp_path):
    torch.manual_seed(0)
    model = WindowRegressor(3, 8, lookback=5, head="flatten", num_layers=2, dropout=0.1)
    path = save_checkpoint(model, tmp_path / "sub" / "model.pt")
    rebuilt = load_model(path, device="cpu")
    assert type(rebuilt) is WindowRegressor
    assert rebuilt.model_args == model.model_args
    x = torch.randn(4, 5, 3)
    torch.testing.assert_close(rebuilt.eval()(x), model.eval()(x))
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["model.pt"]


def test_weights_load_into_a_model_you_build(tmp_path):
    model = nn.Linear(3, 1)
    path = save_checkpoint(model, tmp_path / "linear.pt")
    other = load_checkpoint(nn.Linear(3, 1), path, device="cpu")
    assert torch.equal(other.weight, model.weight)
    with pytest.raises(ValueError, match="without constructor arguments"):
        load_model(path)


def test_missing_damaged_and_mismatched_checkpoints_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        load_model(tmp_path / "missing.pt")
    damaged = tmp_path / "damaged.pt"
    damaged.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match=r"damaged\.pt cannot be read: .* delete it and train"):
        load_model(damaged)
    path = save_checkpoint(SequenceRegressor(1, 8), tmp_path / "h8.pt")
    with pytest.raises(ValueError, match=r"h8\.pt does not fit this SequenceRegressor .*"
                                         r"another configuration"):
        load_checkpoint(SequenceRegressor(1, 16), path)
    plain = tmp_path / "plain.pt"
    torch.save({"weight": torch.zeros(2)}, plain)
    with pytest.raises(ValueError, match="not in the layout save_checkpoint writes"):
        load_model(plain)


def test_checkpoints_never_unpickle_code(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"format": 1, "class": "helpers.models.WindowRegressor",
                "model_args": {}, "state_dict": {}, "payload": np.dtype("f4")}, path)
    with pytest.raises(ValueError, match="cannot be read"):
        load_model(path)
