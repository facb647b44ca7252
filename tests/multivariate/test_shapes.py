"""The window-as-features mistake: its shape, and recurrent weights that never act."""

import re

import numpy as np
import pytest
import torch

from helpers.models import WindowRegressor
from helpers.multivariate.shapes import as_one_step, recurrent_weights_act


def test_as_one_step_keeps_each_window_in_one_row_in_time_order():
    windows = np.arange(2 * 3 * 2).reshape(2, 3, 2)
    flat = as_one_step(windows)
    assert flat.shape == (2, 1, 6)
    assert flat[1, 0].tolist() == windows[1].ravel().tolist()  # step by step, feature by feature


def test_as_one_step_ValueError_when_not_three_dimensional():
    with pytest.raises(ValueError, match=re.escape("(batch, lookback, features), got (4, 3)")):
        as_one_step(np.zeros((4, 3)))


def test_recurrent_weights_act_only_over_several_steps_and_are_restored():
    torch.manual_seed(0)
    x = torch.randn(8, 5, 2)
    sequence = WindowRegressor(2, 4, lookback=5)
    before = sequence.lstm.weight_hh_l0.clone()
    assert recurrent_weights_act(sequence, x)
    assert torch.equal(sequence.lstm.weight_hh_l0, before)
    assert not recurrent_weights_act(WindowRegressor(10, 4), as_one_step(x))


def test_recurrent_weights_act_TypeError_for_a_model_without_one_lstm_layer():
    with pytest.raises(TypeError, match=re.escape("one-layer torch.nn.LSTM")):
        recurrent_weights_act(WindowRegressor(2, 4, num_layers=2), torch.zeros(1, 3, 2))
