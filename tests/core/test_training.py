"""The one training loop: learning, early stopping, restore, clipping, several outputs,
and the budget a history records (patience, steps, seconds, the plateau test)."""

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from helpers.training import PATIENCE, PLATEAU_EPOCHS, History, evaluate, fit, predict


def linear_data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)).astype(np.float32)
    return x, y


def test_fit_learns_a_linear_map():
    torch.manual_seed(0)
    x, y = linear_data()
    model = nn.Linear(3, 1)
    history = fit(model, (x, y), epochs=40, lr=0.05, progress=False, device="cpu")
    assert history.train_loss[-1] < 0.01 * history.train_loss[0]
    assert evaluate(model, (x, y), device="cpu") < 1e-3
    summary = history.summary()
    assert list(summary) == ["best_epoch", "epochs_run", "max_epochs", "patience", "steps",
                             "seconds", "plateau"]
    assert summary == {"best_epoch": 40, "epochs_run": 40, "max_epochs": 40, "patience": None,
                       "steps": 160, "seconds": round(history.seconds, 1), "plateau": False}


def test_early_stopping_restores_best_epoch():
    torch.manual_seed(0)
    x, y = linear_data()
    # validation targets that disagree with training: validation loss soon rises
    x_val, y_val = x[:64], -y[:64]
    model = nn.Linear(3, 1)
    history = fit(
        model, (x, y), val=(x_val, y_val), epochs=50, lr=0.05, patience=2, min_epochs=3,
        progress=False, device="cpu",
    )
    assert history.stopped_early and history.converged
    assert len(history.val_loss) == history.best_epoch + 2
    restored = evaluate(model, (x_val, y_val), device="cpu")
    assert restored == pytest.approx(history.best_val_loss, rel=1e-5)
    assert history.best_val_loss == min(history.val_loss)
    assert f"(cap 50, stopped early), val loss {history.best_val_loss:.4g}" in (
        history.describe())


def test_min_epochs_is_respected():
    x, y = linear_data(64)
    history = fit(
        nn.Linear(3, 1), (x, y), val=(x, -y), epochs=10, lr=0.1, patience=1, min_epochs=6,
        progress=False, device="cpu",
    )
    assert len(history.train_loss) >= 6


def test_gradient_norms_are_logged_and_clipped():
    x, y = linear_data(64)
    y = y * 1000  # huge targets, huge gradients
    model = nn.Linear(3, 1)
    before = model.weight.detach().clone()
    history = fit(
        model, (x, y), epochs=1, batch_size=64, optimizer=torch.optim.SGD(model.parameters(), 1.0),
        clip_grad_norm=1.0, log_grad_norm=True, progress=False, device="cpu",
    )
    assert history.grad_norm[0] > 100  # the norm logged is the one before clipping
    step = (model.weight.detach() - before).norm()
    assert step <= 1.0 + 1e-5  # one SGD step of lr 1 with a clipped gradient


def test_patience_without_validation_is_an_error():
    x, y = linear_data(16)
    with pytest.raises(ValueError, match="needs validation data"):
        fit(nn.Linear(3, 1), (x, y), patience=2, progress=False)


def test_diverging_loss_blames_the_training_not_the_data():
    x, y = linear_data(64)
    with pytest.raises(FloatingPointError, match="inputs and targets were checked and are finite"):
        fit(nn.Linear(3, 1), (x, y * 1e30), epochs=3, lr=1e10, progress=False, device="cpu")


def test_nan_in_the_data_is_blamed_on_the_data_with_its_row():
    x, y = linear_data(64)
    bad_x = x.copy()
    bad_x[17, 1] = np.nan
    with pytest.raises(ValueError, match="train inputs has a NaN or infinite value at row 17"):
        fit(nn.Linear(3, 1), (bad_x, y), epochs=1, progress=False, device="cpu")
    bad_y = y.copy()
    bad_y[5] = np.inf
    with pytest.raises(ValueError, match="val targets has a NaN or infinite value at row 5"):
        fit(nn.Linear(3, 1), (x, y), val=(x, bad_y), progress=False, device="cpu")


def test_targets_that_would_broadcast_are_refused():
    x, y = linear_data(64)
    with pytest.raises(ValueError, match=r"outputs have shape \(64, 1\) but targets have shape"
                                         r" \(64,\)"):
        fit(nn.Linear(3, 1), (x, y[:, 0]), epochs=1, batch_size=64, progress=False,
            device="cpu")


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_batch_size_names_the_argument(bad):
    x, y = linear_data(16)
    with pytest.raises(ValueError, match="batch_size must be a whole number"):
        fit(nn.Linear(3, 1), (x, y), batch_size=bad, progress=False, device="cpu")


def test_unequal_lengths_and_non_pairs_are_refused():
    x, y = linear_data(16)
    with pytest.raises(ValueError, match="train inputs has 16 rows but train targets has 15"):
        fit(nn.Linear(3, 1), (x, y[:-1]), progress=False, device="cpu")
    with pytest.raises(TypeError, match=r"train must be a pair \(inputs, targets\)"):
        fit(nn.Linear(3, 1), (x, y, y), progress=False, device="cpu")
    with pytest.raises(TypeError, match="train must be a pair"):
        fit(nn.Linear(3, 1), 3.0, progress=False, device="cpu")


def test_same_seed_same_result_different_seed_different_order():
    x, y = linear_data(64)

    def run(seed):
        torch.manual_seed(0)
        model = nn.Linear(3, 1)
        fit(model, (x, y), epochs=2, batch_size=8, lr=0.01, seed=seed, progress=False,
            device="cpu")
        return model.weight.detach().clone()

    assert torch.equal(run(1), run(1))
    assert not torch.equal(run(1), run(2))


def test_dataloader_input_works():
    x, y = linear_data(64)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=16
    )
    history = fit(nn.Linear(3, 1), loader, val=loader, epochs=2, progress=False, device="cpu")
    assert len(history.val_loss) == 2 and all(math.isfinite(v) for v in history.val_loss)


def test_big_arrays_are_batched_from_the_host(monkeypatch):
    import helpers.windowing as windowing

    monkeypatch.setitem(windowing.RESIDENT_BYTES, "cpu", 0)  # nothing fits "on the device"
    torch.manual_seed(0)
    x, y = linear_data()
    history = fit(nn.Linear(3, 1), (x, y), epochs=30, lr=0.05, progress=False, device="cpu")
    assert history.train_loss[-1] < 0.01 * history.train_loss[0]


class TwoHeads(nn.Module):
    """Reconstructs its input and classifies it: two outputs, one combined loss."""

    def __init__(self):
        super().__init__()
        self.rebuild, self.classify = nn.Linear(2, 2), nn.Linear(2, 2)

    def forward(self, x):
        return self.rebuild(x), self.classify(x)


def joint_loss(outputs, targets):
    (recon, logits), (x, labels) = outputs, targets
    return F.mse_loss(recon, x) + F.cross_entropy(logits, labels)


def accuracy(outputs, targets):
    return (outputs[1].argmax(1) == targets[1]).float().mean()


def test_several_outputs_and_a_metric():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2)).astype(np.float32)
    labels = (x[:, 0] > 0).astype(np.int64)
    torch.manual_seed(0)
    model = TwoHeads()
    history = fit(model, (x, (x, labels)), val=(x, (x, labels)), loss_fn=joint_loss,
                  metrics={"accuracy": accuracy}, epochs=30, lr=0.05, progress=False,
                  device="cpu")
    assert set(history.metrics) == {"train_accuracy", "val_accuracy"}
    assert len(history.metrics["val_accuracy"]) == 30
    assert history.metrics["val_accuracy"][-1] > 0.95
    recon, logits = predict(model, x, device="cpu")
    assert recon.shape == (200, 2) and logits.shape == (200, 2)


def test_a_model_may_return_none_for_an_output():
    class OnlyLogits(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = nn.Linear(2, 3)

        def forward(self, x):
            return None, self.head(x)

    recon, logits = predict(OnlyLogits(), np.zeros((4, 2), "f4"), device="cpu")
    assert recon is None and logits.shape == (4, 3)


def test_predict_batches_read_only_views():
    x, _ = linear_data(50)
    x.flags.writeable = False
    model = nn.Linear(3, 1)
    out = predict(model, x, batch_size=7, device="cpu")
    expected = model(torch.from_numpy(x.copy())).detach().numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_progress_prints_one_summary_line(capsys, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_PROGRESS", "0")
    x, y = linear_data(32)
    fit(nn.Linear(3, 1), (x, y), val=(x, y), epochs=2, desc="tiny", device="cpu")
    out = capsys.readouterr()
    assert out.out.count("\n") == 1 and out.out.startswith("tiny: best epoch")
    assert len(out.out) < 100
    assert out.err == ""


def test_history_reports_a_capped_run_as_not_converged():
    history = History(train_loss=[3.0, 2.0], val_loss=[3.0, 2.0], best_epoch=2, max_epochs=2)
    assert not history.converged
    assert "(cap 2, still improving)" in history.describe()


def test_min_delta_stops_a_run_that_only_creeps_down():
    torch.manual_seed(0)
    x, y = linear_data()
    kwargs = dict(val=(x, y), epochs=200, lr=0.05, patience=3, progress=False, device="cpu")
    creeping = fit(nn.Linear(3, 1), (x, y), **kwargs)
    torch.manual_seed(0)
    strict = fit(nn.Linear(3, 1), (x, y), min_delta=1e-3, **kwargs)
    assert strict.epochs_run < creeping.epochs_run
    assert strict.best_val_loss <= min(strict.val_loss)  # the best weights are still kept
    with pytest.raises(ValueError, match="min_delta must be a number of at least 0, got -1"):
        fit(nn.Linear(3, 1), (x, y), min_delta=-1, progress=False, device="cpu")


# --- the budget: steps, default patience, the plateau test --------------------------------

def test_steps_count_every_batch_of_every_epoch():
    x, y = linear_data(100)  # batches of 32: 32 + 32 + 32 + 4, four steps per epoch
    history = fit(nn.Linear(3, 1), (x, y), epochs=5, batch_size=32, progress=False,
                  device="cpu")
    assert history.steps == 5 * 4 and history.summary()["steps"] == 20
    assert "20 steps" in history.describe()


def frozen_fit(**kwargs):
    """A fit with learning rate 0: the validation loss never improves after epoch 1."""
    x, y = linear_data(64)
    model = nn.Linear(3, 1)
    return fit(model, (x, y), val=(x, y), optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
               progress=False, device="cpu", **kwargs)


def test_the_default_patience_of_10_stops_a_stalled_run_at_epoch_11():
    history = frozen_fit(epochs=50)
    assert PATIENCE == 10 and history.patience == 10
    assert history.best_epoch == 1 and history.epochs_run == 11 and history.stopped_early
    assert history.summary()["patience"] == 10


def test_patience_none_runs_every_epoch_and_still_restores_the_best():
    history = frozen_fit(epochs=15, patience=None)
    assert history.epochs_run == 15 and not history.stopped_early
    assert history.patience is None and history.best_epoch == 1


def test_the_default_patience_needs_no_validation_data():
    x, y = linear_data(16)
    history = fit(nn.Linear(3, 1), (x, y), epochs=12, progress=False, device="cpu")
    assert history.epochs_run == 12 and history.patience is None


def flat_then(values):
    return History(train_loss=list(values), val_loss=list(values), best_epoch=1,
                   max_epochs=len(values))


def test_plateau_test():
    assert PLATEAU_EPOCHS == 10
    assert flat_then([1.0] * 25).plateau  # a flat validation curve of 25 epochs
    assert not flat_then(0.9 ** np.arange(25)).plateau  # falling 10% per epoch
    # the last 10 epochs beat the 10 before by 0.5%: a plateau; by 2%: still learning
    assert flat_then([1.0] * 10 + [0.995] * 10).plateau
    assert not flat_then([1.0] * 10 + [0.98] * 10).plateau
    assert not flat_then([1.0] * 19).plateau  # under 20 epochs: not shown
    assert not History(train_loss=[1.0] * 30).plateau  # no validation data
    assert flat_then([1.0] * 25).summary()["plateau"] is True
    assert flat_then([1.0] * 25).describe().endswith("; plateau")
    assert flat_then(0.9 ** np.arange(25)).describe().endswith("; no plateau")
