"""The adding problem and the recurrent regressor trained on it."""

import re

import numpy as np
import pytest
import torch

from helpers.files import load_model, save_checkpoint
from helpers.internals.adding import (
    RecurrentRegressor,
    adding_problem,
    marked_values,
    marker_slopes,
)


def test_two_markers_one_in_each_region_and_the_sum_as_target():
    x, y = adding_problem(500, 30, rng=np.random.default_rng(0), first_within=5)
    assert x.shape == (500, 30, 2) and y.shape == (500, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[:, :, 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers.sum(axis=1) == 2).all()
    assert (markers[:, :5].sum(axis=1) == 1).all()  # the first marker in steps 0..4
    assert (markers[:, 15:].sum(axis=1) == 1).all()  # the second in the second half
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    assert ((x[:, :, 0] >= 0) & (x[:, :, 0] < 1)).all()


def test_the_constant_baseline_scores_one_sixth():
    # the sum of two U(0, 1) values has mean 1 and variance 2/12
    _, y = adding_problem(20000, 20, rng=np.random.default_rng(1))
    assert abs(y.mean() - 1.0) < 0.01
    assert abs(((y - 1.0) ** 2).mean() - 1 / 6) < 0.005


def test_same_generator_state_same_data():
    a = adding_problem(8, 12, rng=np.random.default_rng(3))
    b = adding_problem(8, 12, rng=np.random.default_rng(3))
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(n=0, seq_len=10), ValueError, "n must be a whole number of at least 1, got 0."),
        (dict(n=4, seq_len=3), ValueError, "seq_len must be a whole number of at least 4, got 3."),
        (dict(n=4, seq_len=10, first_within=6), ValueError,
         "first_within=6 must be at most seq_len // 2 = 5"),
        (dict(n=4, seq_len=10, rng=0), TypeError,
         "rng must be a numpy Generator, got int; pass np.random.default_rng(seed)"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, error, message):
    kwargs.setdefault("rng", np.random.default_rng(0))
    with pytest.raises(error, match=re.escape(message)):
        adding_problem(**kwargs)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_regressor_reads_the_last_hidden_state(cell):
    torch.manual_seed(0)
    model = RecurrentRegressor(2, 6, cell=cell).eval()
    x = torch.randn(3, 9, 2)
    outputs, _ = model.recurrent(x)
    torch.testing.assert_close(model(x), model.head(outputs[:, -1]))
    assert isinstance(model.recurrent, torch.nn.LSTM if cell == "lstm" else torch.nn.RNN)


def test_regressor_sets_the_forget_bias_and_survives_a_checkpoint(tmp_path):
    model = RecurrentRegressor(2, 4, cell="lstm", forget_bias=1.0)
    lstm = model.recurrent
    torch.testing.assert_close(lstm.bias_ih_l0[4:8] + lstm.bias_hh_l0[4:8], torch.ones(4))
    path = save_checkpoint(model, tmp_path / "adding.pt")
    again = load_model(path)
    x = torch.randn(2, 5, 2)
    torch.testing.assert_close(again.eval()(x), model.eval()(x))


def test_regressor_errors():
    with pytest.raises(ValueError, match="cell must be one of"):
        RecurrentRegressor(2, 4, cell="gru")
    with pytest.raises(ValueError, match="needs cell='lstm': an RNN has no forget gate"):
        RecurrentRegressor(2, 4, cell="rnn", forget_bias=1.0)
    expected = "expects input of shape (batch, lookback, n_features=2)"
    with pytest.raises(ValueError, match=re.escape(expected)):
        RecurrentRegressor(2, 4)(torch.zeros(3, 5, 1))


def test_marked_values_find_both_markers_in_order():
    x = np.zeros((2, 8, 2), dtype=np.float32)
    x[:, :, 0] = np.arange(8) / 10
    x[0, [1, 6], 1] = 1.0
    x[1, [0, 4], 1] = 1.0
    marks = marked_values(x)
    assert marks.first_step.tolist() == [1, 0] and marks.second_step.tolist() == [6, 4]
    np.testing.assert_allclose(marks.first, [0.1, 0.0])
    np.testing.assert_allclose(marks.second, [0.6, 0.4])


def test_marked_values_refuse_a_sequence_without_two_markers():
    x, _ = adding_problem(3, 10, rng=np.random.default_rng(0))
    x[2, :, 1] = 0.0
    with pytest.raises(ValueError, match=re.escape(
            "every sequence needs exactly two markers; sequence 2 of x has 0.")):
        marked_values(x)
    with pytest.raises(ValueError, match=re.escape(
            "x must be adding-problem sequences (n, seq_len, 2); got shape (3, 10)")):
        marked_values(x[:, :, 0])


@pytest.mark.parametrize(
    ("predict", "expected"),
    [
        (lambda first, second: first + second, (0.0, 1.0, 1.0)),  # solved the task
        (lambda first, second: np.ones_like(first), (1.0, 0.0, 0.0)),  # predicts the mean
        (lambda first, second: 0.5 + second, (0.5, 0.0, 1.0)),  # remembers the second only
        (lambda first, second: 0.2 + 0.3 * first + 0.9 * second, (0.2, 0.3, 0.9)),
    ],
)
def test_marker_slopes_recover_how_predictions_use_the_marked_values(predict, expected):
    x, _ = adding_problem(300, 16, rng=np.random.default_rng(0))
    marks = marked_values(x)
    slopes = marker_slopes(x, predict(marks.first, marks.second)[:, None])
    np.testing.assert_allclose([slopes["intercept"], slopes["first"], slopes["second"]],
                               expected, atol=1e-9)


def test_marker_slopes_need_one_prediction_per_sequence():
    x, _ = adding_problem(5, 10, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=re.escape(
            "predictions holds 4 values for 5 sequences of x: give one prediction per "
            "sequence, in the same order.")):
        marker_slopes(x, np.ones(4))
