"""Tests for helpers.models: shapes, heads, input checks, and that the models learn."""

from __future__ import annotations

import pytest
import torch

from helpers.models import SequenceRegressor, WindowRegressor


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


@pytest.mark.parametrize("head", ["last", "flatten"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_window_regressor_output_shape(head, num_layers):
    model = WindowRegressor(
        3, 8, lookback=5, head=head, num_layers=num_layers, dropout=0.2, output_size=4
    )
    assert model(torch.randn(6, 5, 3)).shape == (6, 4)


def test_flatten_head_sees_every_hidden_state_last_head_only_one():
    last = WindowRegressor(2, 7, lookback=4, head="last")
    flat = WindowRegressor(2, 7, lookback=4, head="flatten")
    assert last.head.in_features == 7
    assert flat.head.in_features == 4 * 7


def test_last_head_uses_final_hidden_state_of_top_layer():
    model = WindowRegressor(2, 5, num_layers=2).eval()
    x = torch.randn(3, 6, 2)
    _, (h_n, _) = model.lstm(x)
    assert torch.allclose(model(x), model.head(h_n[-1]), atol=1e-6)


def test_last_head_accepts_any_window_length_without_lookback():
    model = WindowRegressor(2, 5)
    assert model(torch.randn(3, 4, 2)).shape == model(torch.randn(3, 9, 2)).shape == (3, 1)


def test_univariate_two_dimensional_input_is_accepted():
    model = WindowRegressor(1, 4, lookback=6, head="flatten")
    assert model(torch.randn(3, 6)).shape == (3, 1)
    assert SequenceRegressor(1, 4)(torch.randn(3, 6)).shape == (3, 6, 1)


def test_dropout_only_acts_in_training_mode():
    model = WindowRegressor(2, 16, num_layers=2, dropout=0.5)
    x = torch.randn(8, 5, 2)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    assert not torch.equal(model(x), model(x))


def test_sequence_regressor_output_shape_and_causality():
    model = SequenceRegressor(2, 6, num_layers=2, output_size=3).eval()
    x = torch.randn(4, 7, 2)
    out = model(x)
    assert out.shape == (4, 7, 3)
    changed = x.clone()
    changed[:, 5:] += 1.0  # the future must not change earlier predictions
    assert torch.allclose(model(changed)[:, :5], out[:, :5], atol=1e-6)
    assert not torch.allclose(model(changed)[:, 5:], out[:, 5:])


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((5, 3), r"expects input of shape \(batch, lookback=3, n_features=2\), got \(5, 3\)"),
        ((4, 3, 5), r"holds 5 features, not 2"),
        ((4, 2, 3), r"holds 3 features, not 2"),  # (batch, features, time) by mistake
        ((4, 6, 2), r"windows of 3 steps"),
        ((1, 4, 3, 2), r"got \(1, 4, 3, 2\)"),
    ],
)
def test_wrong_input_shapes_name_the_expected_shape(shape, message):
    model = WindowRegressor(2, 4, lookback=3, head="flatten")
    with pytest.raises(ValueError, match=message):
        model(torch.zeros(shape))


def test_sequence_regressor_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(batch, lookback, n_features=2\)"):
        SequenceRegressor(2, 4)(torch.zeros(3, 5))
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        SequenceRegressor(2, 4)([[0.0, 1.0]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"head": "flatten"}, "needs lookback"),
        ({"head": "mean"}, "head must be one of"),
        ({"lookback": 0}, "lookback must be a whole number of at least 1, got 0"),
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\), got 1.0"),
        ({"num_layers": 0}, "num_layers must be a whole number of at least 1, got 0"),
        ({"output_size": 0}, "output_size must be a whole number of at least 1"),
    ],
)
def test_bad_constructor_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WindowRegressor(2, 4, **kwargs)


def full_batch_losses(model, x, y, steps=100):
    """MSE before and after ``steps`` full-batch Adam steps (lr 0.02)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    first = torch.nn.functional.mse_loss(model(x), y).item()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
    return first, loss.item()


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("head", ["last", "flatten"])
def test_tiny_model_fits_a_trivial_target(head):
    # target: the sum of the window's last row, a job a small LSTM learns quickly
    x = torch.randn(64, 4, 2)
    y = x[:, -1, :].sum(dim=1, keepdim=True)
    model = WindowRegressor(2, 16, lookback=4, head=head)
    first, last = full_batch_losses(model, x, y)
    assert last < 0.05 * first


@pytest.mark.usefixtures("one_thread")
def test_sequence_regressor_fits_a_per_step_target():
    x = torch.randn(32, 5, 2)
    y = (x[..., :1] - x[..., 1:]) / 2  # contemporaneous, per step
    model = SequenceRegressor(2, 16)
    first, last = full_batch_losses(model, x, y)
    assert last < 0.05 * first


def test_models_remember_their_constructor_arguments():
    from helpers.models import remember_args

    model = WindowRegressor(2, 8, lookback=4, head="flatten")
    assert model.model_args == {"n_features": 2, "hidden_size": 8, "lookback": 4,
                                "num_layers": 1, "dropout": 0.0, "head": "flatten",
                                "output_size": 1}

    class Child(SequenceRegressor):
        @remember_args
        def __init__(self, width: int = 3):
            super().__init__(1, width)

    assert Child(width=5).model_args == {"width": 5}


def test_forget_gate_bias_is_set_in_every_layer_and_direction():
    from helpers.models import set_forget_gate_bias

    lstm = set_forget_gate_bias(torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True), 2.0)
    for name, param in lstm.named_parameters():
        if name.startswith("bias_ih"):
            assert param[4:8].tolist() == [2.0] * 4
        elif name.startswith("bias_hh"):
            assert param[4:8].tolist() == [0.0] * 4
    with pytest.raises(ValueError, match="bias=False"):
        set_forget_gate_bias(torch.nn.LSTM(3, 4, bias=False))
    with pytest.raises(TypeError, match=r"expected an nn\.LSTM"):
        set_forget_gate_bias(torch.nn.GRU(3, 4))
