"""The fit loop: learning, early stopping, checkpoint restore, clipping, checkpoints."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers.training import (
    evaluate,
    fit,
    iterate_batches,
    load_checkpoint,
    predict,
    save_checkpoint,
)


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
    assert history.stopped_early
    assert len(history.val_loss) == history.best_epoch + 2
    restored = evaluate(model, (x_val, y_val), device="cpu")
    assert restored == pytest.approx(history.best_val_loss, rel=1e-5)
    assert history.best_val_loss == min(history.val_loss)


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


def test_diverging_loss_is_reported():
    x, y = linear_data(64)
    model = nn.Linear(3, 1)
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        fit(model, (x, y * 1e30), epochs=3, lr=1e10, progress=False, device="cpu")


def test_shuffled_batches_cover_every_row_once_and_repeat_with_seed():
    x = np.arange(10, dtype=np.float32)[:, None]
    order = lambda seed: torch.cat(  # noqa: E731
        [b[0] for b in iterate_batches(
            (x, x), batch_size=3, shuffle=True, generator=np.random.default_rng(seed))]
    ).flatten().tolist()
    assert sorted(order(1)) == list(range(10))
    assert order(1) == order(1) and order(1) != order(2)


def test_dataloader_input_works():
    x, y = linear_data(64)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=16
    )
    history = fit(nn.Linear(3, 1), loader, val=loader, epochs=2, progress=False, device="cpu")
    assert len(history.val_loss) == 2 and all(math.isfinite(v) for v in history.val_loss)


def test_predict_batches_read_only_views():
    x, _ = linear_data(50)
    x.flags.writeable = False
    model = nn.Linear(3, 1)
    out = predict(model, x, batch_size=7, device="cpu")
    expected = model(torch.from_numpy(x.copy())).detach().numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_checkpoint_round_trip(tmp_path):
    model = nn.Linear(3, 1)
    path = save_checkpoint(model, tmp_path / "ckpt" / "model.pt")
    other = load_checkpoint(nn.Linear(3, 1), path, device="cpu")
    assert torch.equal(other.weight, model.weight)
    assert not list(tmp_path.glob("ckpt/*.partial"))
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        load_checkpoint(nn.Linear(3, 1), tmp_path / "missing.pt", device="cpu")
