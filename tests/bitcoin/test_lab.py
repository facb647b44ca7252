"""The lab notebook's network and layouts: the batch that became time, and the Huber demo."""

import re

import numpy as np
import pytest
import torch
from torch import nn

from helpers.bitcoin import LabLSTM, batch_dependence, fit_lab, lab_windows, same_updates


def test_a_2d_batch_is_one_sequence_whose_steps_see_each_other():
    torch.manual_seed(0)
    model = LabLSTM(input_size=1, hidden_size=6)
    x = torch.linspace(0, 1, 14)[:, None]  # the lab's X_batch, shape (14, 1)
    out, (h_n, _) = model.lstm(x)
    assert out.shape == (14, 6) and h_n.shape == (2, 6)  # no batch dimension at all
    # the output of row 5 depends on rows 0..4: change row 0 and row 5's output moves
    changed = x.clone()
    changed[0] = 5.0
    assert not torch.allclose(model(x)[5], model(changed)[5])
    # while in a real batch, (14, 1, 1), row 5 sees only itself
    assert torch.allclose(model(x[:, None])[5], model(changed[:, None])[5])


def test_batch_dependence_is_zero_for_a_batch_and_not_for_a_sequence():
    torch.manual_seed(1)
    model = LabLSTM(input_size=3, hidden_size=8, num_layers=1)
    X = np.random.default_rng(0).normal(size=(20, 3)).astype("float32")
    assert batch_dependence(model, X[:, None, :]) < 1e-6
    assert batch_dependence(model, X) > 1e-3


def test_lab_windows_line_up_in_both_layouts():
    values = np.arange(10.0)
    flat, y = lab_windows(values, 3, layout="flat")
    seq, y_seq = lab_windows(values, 3)
    assert flat.shape == (7, 3) and seq.shape == (7, 3, 1) and y.shape == (7, 1)
    np.testing.assert_array_equal(flat[:, -1] + 1, y[:, 0])  # the value after each window
    np.testing.assert_array_equal(seq[..., 0], flat)
    np.testing.assert_array_equal(y, y_seq)
    assert flat.dtype == np.float32 and flat.flags.writeable


def test_lab_windows_ValueError_when_the_layout_is_unknown():
    message = "layout='2d' is not one of ['flat', 'sequence']"
    with pytest.raises(ValueError, match=re.escape(message)):
        lab_windows(np.arange(10.0), 3, layout="2d")


def test_lab_windows_ValueError_when_the_series_is_too_short():
    with pytest.raises(ValueError, match="values has 3 points, too few for lookback=3"):
        lab_windows([1.0, 2.0, 3.0], 3)


def test_fit_lab_trains_fixed_epochs_and_predicts_every_window():
    X, y = lab_windows(np.sin(np.linspace(0, 6, 80)), 4)
    runs = fit_lab((X[:60], y[:60]), X[60:], seeds=[0, 1], epochs=3, lr=1e-2, batch_size=16,
                   hidden_size=4, num_layers=1, device="cpu")
    assert runs.scaled.shape == (2, len(X) - 60) and np.isfinite(runs.scaled).all()
    assert [h.epochs_run for h in runs.histories] == [3, 3]
    assert [h.best_epoch for h in runs.histories] == [3, 3]  # no validation: the last epoch
    assert not np.allclose(runs.scaled[0], runs.scaled[1])  # the seeds differ


def test_fit_lab_ValueError_when_there_is_no_seed():
    X, y = lab_windows(np.arange(20.0), 2)
    with pytest.raises(ValueError, match="seeds is empty"):
        fit_lab((X, y), X, seeds=[], epochs=1, lr=1e-3, batch_size=4)


def test_huber_inside_its_quadratic_zone_is_mse_for_adam_and_half_speed_for_sgd():
    x = torch.linspace(-1, 1, 64)[:, None]
    y = 0.2 * torch.sin(3 * x)  # every error stays far below delta = 1
    build = lambda: nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))  # noqa: E731
    losses = (nn.MSELoss(), nn.HuberLoss(delta=1.0))
    assert same_updates(build, (x, y), losses, lr=1e-2, steps=30) < 1e-4
    assert same_updates(build, (x, y), losses, optimizer="sgd", lr=0.1, steps=30) > 1e-3
    # with a delta inside the errors, Huber is a different loss, for Adam too
    small = (nn.MSELoss(), nn.HuberLoss(delta=0.01))
    assert same_updates(build, (x, y), small, lr=1e-2, steps=30) > 1e-3


def test_same_updates_ValueError_when_the_optimizer_is_unknown():
    with pytest.raises(ValueError, match="optimizer='rmsprop' is not 'adam' or 'sgd'"):
        same_updates(lambda: nn.Linear(1, 1), (np.zeros((4, 1)), np.zeros((4, 1))),
                     (nn.MSELoss(), nn.MSELoss()), optimizer="rmsprop")
