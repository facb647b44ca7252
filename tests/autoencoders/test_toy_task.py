"""The synthetic warm-up task of chapter 5 (helpers.autoencoders.toy)."""

import math

import numpy as np
import pytest

from helpers.autoencoders import toy
from helpers.experiments.params import Param

pytestmark = pytest.mark.usefixtures("one_thread")


TINY = toy.Budget(n_train=64, n_val=32, n_test=32, epochs=2, patience=1, batch_size=32)


@pytest.fixture
def smoke(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")


def test_sequences_have_values_in_unit_interval_and_one_damped_window():
    x = toy.make_toy_sequences(200, np.random.default_rng(0))[..., 0]
    assert x.shape == (200, 50) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() <= 1
    # every sequence holds a run of 10 damped values somewhere in positions 15..34
    damped = x <= 0.1
    runs = np.array([np.convolve(row, np.ones(10), "valid").max() for row in damped])
    assert (runs == 10).all()
    assert damped[:, :15].mean() < 0.15 and damped[:, 35:].mean() < 0.15
    assert list(toy.DIP_POSITIONS) == list(range(15, 35))
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
    np.testing.assert_allclose(toy.sequence_mse(test, train[:1]), [1.0, 20 / 3])


def test_budget_follows_the_mode(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")
    small = toy.budget()
    monkeypatch.setenv("LSTMBOOK_MODE", "standard")
    assert toy.budget().n_train > small.n_train
    assert len(toy.make_splits(TINY).train) == 64


def test_params_follow_the_contract():
    assert toy.NAME == "toy"
    assert list(toy.PARAMS) == ["lr", "hidden_size", "clip_grad_norm"]
    assert all(isinstance(p, Param) and isinstance(p.default, tuple)
               for p in toy.PARAMS.values())


@pytest.mark.parametrize(
    ("params", "message"),
    [({"learning_rate": 0.1}, "unknown toy parameter"),
     ({"lr": -1.0}, "lr"),
     ({"hidden_size": "big"}, "hidden_size"),
     ({"clip_grad_norm": 0}, "clip_grad_norm")],
)
def test_bad_params_give_clear_errors(params, message, smoke):
    with pytest.raises(ValueError, match=message):
        toy.run(params, device="cpu", progress=False)


def test_train_config_stops_early_and_scores_against_the_baseline():
    splits = toy.make_splits(TINY)
    plan = toy.Budget(64, 32, 32, epochs=50, patience=1, batch_size=32)
    trained = toy.train_config({"lr": 0.1, "hidden_size": 2}, splits, plan=plan,
                               device="cpu", progress=False)
    assert trained.history.stopped_early and trained.history.best_epoch < 50
    assert trained.scores["best_epoch"] == trained.history.best_epoch
    assert trained.scores["baseline_mse"] == pytest.approx(
        toy.baseline_mse(splits.train, splits.test)["position mean"])


def test_search_uses_the_core_grid_search_and_keeps_every_model():
    splits = toy.make_splits(TINY)
    table, trained = toy.search({"lr": [0.01], "hidden_size": [2, 3]}, splits, plan=TINY,
                                device="cpu")
    assert table["val_mse"].is_monotonic_increasing and len(table) == 2
    assert set(trained) == {(0.01, 2, 1.0), (0.01, 3, 1.0)}


def test_run_saves_a_checkpoint_that_resume_reloads(tmp_path, smoke):
    params = {"lr": 0.01, "hidden_size": 4, "clip_grad_norm": 1.0}
    path = tmp_path / "toy.pt"
    trained = toy.run(params, device="cpu", epochs=1, checkpoint=path, progress=False)
    assert path.exists() and trained["diverged"] == 0.0 and trained["epochs_run"] == 1
    assert 0 < trained["val_mse"] < 1 and trained["baseline_mse"] > 0
    reloaded = toy.run(params, device="cpu", checkpoint=path, resume=True)
    assert reloaded["val_mse"] == pytest.approx(trained["val_mse"], rel=1e-5)
    assert all(isinstance(v, float) for v in reloaded.values())


def test_resume_without_checkpoint_is_a_clear_error(tmp_path, smoke):
    with pytest.raises(FileNotFoundError, match="checkpoint"):
        toy.run({}, device="cpu", checkpoint=tmp_path / "none.pt", resume=True)


def test_divergence_is_reported_not_raised(monkeypatch, smoke):
    def exploding_fit(*args, **kwargs):
        raise FloatingPointError("loss became nan")

    monkeypatch.setattr(toy, "fit", exploding_fit)
    metrics = toy.run({"lr": 0.1}, device="cpu", progress=False)
    assert metrics["diverged"] == 1.0 and math.isnan(metrics["val_mse"])
