"""The synthetic warm-up task of chapter 5 (helpers.autoencoders.toy)."""

import math

import numpy as np
import pytest
import torch

from helpers.autoencoders import toy
from helpers.experiments.runner import Param

CPU = torch.device("cpu")


def test_sequences_have_values_in_unit_interval_and_one_damped_window():
    x = toy.make_toy_sequences(200, np.random.default_rng(0))[..., 0]
    assert x.shape == (200, 50) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() <= 1
    # every sequence holds a run of 10 damped values somewhere in positions 15..34
    damped = x <= 0.1
    runs = np.array([np.convolve(row, np.ones(10), "valid").max() for row in damped])
    assert (runs == 10).all()
    assert damped[:, :15].mean() < 0.15 and damped[:, 35:].mean() < 0.15
    # far from the window the values are untouched uniforms (mean near 0.5)
    assert abs(x[:, :10].mean() - 0.5) < 0.05


def test_sequences_repeat_with_the_seed():
    a = toy.make_toy_sequences(5, np.random.default_rng(3))
    b = toy.make_toy_sequences(5, np.random.default_rng(3))
    assert np.array_equal(a, b)


def test_bad_generator_arguments_are_refused():
    with pytest.raises(ValueError, match="damp"):
        toy.make_toy_sequences(2, np.random.default_rng(0), damp=2.0)
    with pytest.raises(ValueError, match="window"):
        toy.make_toy_sequences(2, np.random.default_rng(0), centre_range=(40, 48))


def test_baselines_on_a_known_case():
    train = np.zeros((4, 3, 1), dtype=np.float32)
    test = np.array([[[1.0], [1.0], [1.0]], [[0.0], [2.0], [4.0]]], dtype=np.float32)
    result = toy.baseline_mse(train, test)
    assert result["position mean"] == pytest.approx((3 + 0 + 4 + 16) / 6)
    assert result["sequence mean"] == pytest.approx((0 + 4 + 0 + 4) / 6)


def test_params_follow_the_contract():
    assert toy.NAME == "toy"
    assert all(isinstance(p, Param) and isinstance(p.default, tuple)
               for p in toy.PARAMS.values())
    assert len(toy.grid("standard")) == 18 and len(toy.grid("smoke")) == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [({"learning_rate": 0.1}, "unknown toy parameter"),
     ({"lr": -1.0}, "lr"),
     ({"hidden_size": "big"}, "hidden_size"),
     ({"grad_clip": 0}, "grad_clip")],
)
def test_bad_params_give_clear_errors(params, message):
    with pytest.raises(ValueError, match=message):
        toy.run(params, mode="smoke", device=CPU, progress=False)


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode"):
        toy.make_splits("huge")


def test_run_saves_a_checkpoint_that_resume_reloads(tmp_path):
    params = {"lr": 0.01, "hidden_size": 4, "grad_clip": 1.0}
    path = tmp_path / "toy.pt"
    trained = toy.run(params, mode="smoke", device=CPU, epochs=1, checkpoint=path,
                      progress=False)
    assert path.exists() and trained["diverged"] == 0.0
    assert 0 < trained["val_mse"] < 1 and trained["baseline_mse"] > 0
    reloaded = toy.run(params, mode="smoke", device=CPU, checkpoint=path, resume=True)
    assert reloaded["val_mse"] == pytest.approx(trained["val_mse"], rel=1e-5)
    assert all(isinstance(v, float) for v in reloaded.values())


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint"):
        toy.run({}, mode="smoke", device=CPU, checkpoint=tmp_path / "none.pt", resume=True)


def test_divergence_is_reported_not_raised(monkeypatch):
    def exploding_fit(*args, **kwargs):
        raise FloatingPointError("loss became nan")

    monkeypatch.setattr(toy, "fit", exploding_fit)
    metrics = toy.run({"lr": 0.1}, mode="smoke", device=CPU, progress=False)
    assert metrics["diverged"] == 1.0 and math.isnan(metrics["val_mse"])
