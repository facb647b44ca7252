"""Tests for helpers.windowing.WindowDataset (windows as a torch Dataset)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch.utils.data import DataLoader

from helpers.windowing import WindowDataset, make_windows


@pytest.fixture
def series() -> tuple[np.ndarray, np.ndarray]:
    x = np.arange(40, dtype=np.float64).reshape(20, 2)
    y = x.sum(axis=1, keepdims=True)
    return x, y


def test_length_and_items_match_make_windows(series):
    x, y = series
    dataset = WindowDataset(x, y, lookback=4, horizon=2)
    X, Y = make_windows(x, y, lookback=4, horizon=2)
    assert len(dataset) == len(X) == 20 - 4 - 2 + 1
    for i in (0, 5, len(dataset) - 1, -1):
        inputs, target = dataset[i]
        assert inputs.dtype == target.dtype == torch.float32
        np.testing.assert_array_equal(inputs.numpy(), X[i])
        np.testing.assert_array_equal(target.numpy(), Y[i])


def test_dataset_keeps_views_and_copies_only_the_item(series):
    x, y = series
    dataset = WindowDataset(x, y, lookback=3, horizon=0)
    assert np.shares_memory(dataset.inputs, x)
    inputs, _ = dataset[2]
    inputs[0, 0] = -1.0  # writing to the item must not touch the series
    assert x[2, 0] == 4.0


def test_dataloader_batches_equal_direct_slicing(series):
    x, y = series
    dataset = WindowDataset(x, y, lookback=5, horizon=1)
    X, Y = make_windows(x, y, lookback=5, horizon=1)
    loader = DataLoader(dataset, batch_size=4, shuffle=False)
    batches = list(loader)
    assert len(batches) == int(np.ceil(len(X) / 4))
    for number, (inputs, targets) in enumerate(batches):
        rows = slice(4 * number, 4 * number + 4)
        assert torch.equal(inputs, torch.from_numpy(np.array(X[rows], dtype=np.float32)))
        assert torch.equal(targets, torch.from_numpy(np.array(Y[rows], dtype=np.float32)))
    assert batches[0][0].shape == (4, 5, 2)
    assert batches[0][1].shape == (4, 1)


def test_shuffled_loader_yields_every_window_once(series):
    x, y = series
    dataset = WindowDataset(x, y, lookback=3)
    loader = DataLoader(dataset, batch_size=5, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    firsts = torch.cat([inputs[:, 0, 0] for inputs, _ in loader])
    assert sorted(firsts.tolist()) == [float(2 * i) for i in range(len(dataset))]


def test_univariate_and_multistep_targets():
    x = np.arange(12.0)
    dataset = WindowDataset(x, lookback=3, horizon=1, steps=2)
    inputs, targets = dataset[0]
    assert inputs.tolist() == [0.0, 1.0, 2.0]
    assert targets.tolist() == [3.0, 4.0]
    inputs, targets = next(iter(DataLoader(dataset, batch_size=len(dataset))))
    assert inputs.shape == (len(dataset), 3) and targets.shape == (len(dataset), 2)


def test_pandas_and_torch_inputs():
    frame = pd.DataFrame({"a": np.arange(6.0), "b": np.arange(6.0) * 10})
    inputs, target = WindowDataset(frame, frame["b"], lookback=2, horizon=0)[1]
    assert inputs.tolist() == [[1.0, 10.0], [2.0, 20.0]]
    assert target.item() == 20.0

    tensor = torch.arange(10, dtype=torch.float64).reshape(5, 2)
    dataset = WindowDataset(tensor, lookback=2, horizon=1)
    inputs, _ = dataset[0]
    assert inputs.dtype == torch.float32
    inputs[0, 0] = 99.0
    assert tensor[0, 0] == 0.0


def test_errors_come_from_make_windows(series):
    x, y = series
    with pytest.raises(ValueError, match="too short"):
        WindowDataset(x[:3], y[:3], lookback=4)
    with pytest.raises(IndexError):
        WindowDataset(x, y, lookback=4)[100]


def test_stride_thins_the_dataset_like_make_windows():
    series = np.arange(40.0).reshape(20, 2)
    dataset = WindowDataset(series, series[:, :1], lookback=3, stride=5)
    windows, _ = make_windows(series, series[:, :1], lookback=3, stride=5)
    assert len(dataset) == len(windows) == 4
    np.testing.assert_array_equal(dataset[1][0].numpy(), windows[1])
