"""Stateful autoregressive rollout == the naive re-run loop."""

import numpy as np
import pytest
import torch
from torch import nn

from helpers.forecast import autoregressive_forecast, naive_autoregressive_forecast
from helpers.models import SequenceRegressor

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return SequenceRegressor(n_features=1, hidden_size=100).eval()


def test_fast_rollout_matches_naive_loop(model):
    context = torch.randn(3, 60, 1)
    fast = autoregressive_forecast(model, context, 40)
    slow = naive_autoregressive_forecast(model, context, 40)
    assert fast.shape == slow.shape == (3, 40, 1)
    torch.testing.assert_close(fast, slow, atol=1e-5, rtol=0)


def test_first_step_is_the_models_prediction_after_the_context(model):
    context = torch.randn(2, 30, 1)
    with torch.no_grad():
        expected = model(context)[:, -1, 0]
    torch.testing.assert_close(autoregressive_forecast(model, context, 1)[:, 0, 0], expected)


def test_numpy_layouts_are_mirrored(model):
    context = np.sin(np.arange(50) / 3.0)
    one = autoregressive_forecast(model, context, 8)
    assert isinstance(one, np.ndarray) and one.shape == (8,)
    two = autoregressive_forecast(model, np.stack([context, context]), 8)
    assert two.shape == (2, 8)
    np.testing.assert_allclose(two[1], one, atol=1e-6)
    np.testing.assert_allclose(one, naive_autoregressive_forecast(model, context, 8), atol=1e-5)


class WithoutStepFunction(nn.Module):
    """Implements only forward_with_state: the generic O(steps) path."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)

    def forward_with_state(self, x, state=None):
        return self.inner.forward_with_state(x, state)


def test_generic_stateful_path_matches(model):
    context = torch.randn(2, 25, 1)
    torch.testing.assert_close(
        autoregressive_forecast(WithoutStepFunction(model), context, 10),
        autoregressive_forecast(model, context, 10), atol=1e-5, rtol=0,
    )


class Stateless(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 4, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0][..., :1]


def test_model_without_state_gets_a_clear_error():
    with pytest.raises(TypeError, match="forward_with_state"):
        autoregressive_forecast(Stateless(), torch.randn(1, 10, 1), 3)
    assert naive_autoregressive_forecast(Stateless(), torch.randn(1, 10, 1), 3).shape == (1, 3, 1)


@pytest.mark.parametrize("context, steps, match", [
    (torch.randn(1, 10, 2), 3, "shape"),
    (torch.full((1, 10, 1), float("nan")), 3, "NaN"),
    (torch.randn(1, 10, 1), 0, "steps"),
])
def test_bad_input(model, context, steps, match):
    with pytest.raises(ValueError, match=match):
        autoregressive_forecast(model, context, steps)


def test_two_layer_sequence_regressor_rolls_out_like_the_naive_loop():
    torch.manual_seed(0)
    model = SequenceRegressor(n_features=1, hidden_size=8, num_layers=2).eval()
    context = torch.randn(3, 20, 1)
    torch.testing.assert_close(autoregressive_forecast(model, context, 6),
                               naive_autoregressive_forecast(model, context, 6),
                               atol=1e-5, rtol=0)
