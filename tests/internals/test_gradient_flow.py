"""Gradients reaching early steps, measured with autograd, before and after training."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from helpers.internals.adding import RecurrentRegressor, adding_problem
from helpers.internals.gradients import (
    GradientFlow,
    epochs_to_learn,
    gradient_flow,
    gradient_profile,
    gradient_reach,
    input_gradient_norms,
    plot_gradient_flow,
    takeoff_table,
)
from helpers.training import History
from helpers.trials import SeedRuns


class Weighted(nn.Module):
    """y = sum_t w_t * x_t[0]: the gradient at step t is |w_t|, known in closed form."""

    def __init__(self, weights):
        super().__init__()
        self.weights = nn.Parameter(torch.tensor(weights, dtype=torch.float32))

    def forward(self, x):
        return (x[:, :, 0] * self.weights).sum(dim=1, keepdim=True)


def test_norms_match_a_model_with_known_gradients():
    model = Weighted([0.5, -2.0, 3.0])
    x = np.random.default_rng(0).normal(size=(4, 3, 2)).astype("float32")
    norms = input_gradient_norms(model, x, device="cpu")
    np.testing.assert_allclose(norms, np.tile([0.5, 2.0, 3.0], (4, 1)), rtol=1e-6)
    np.testing.assert_allclose(gradient_profile(model, x, device="cpu"), [0.5, 2.0, 3.0])
    assert model.weights.grad is None  # measuring leaves the parameters' gradients alone


def test_each_sample_gets_its_own_gradient():
    torch.manual_seed(0)
    model = RecurrentRegressor(2, 5, cell="lstm")
    x = torch.randn(3, 7, 2)
    batch = input_gradient_norms(model, x, device="cpu")
    for row in range(3):
        alone = input_gradient_norms(model, x[row : row + 1], device="cpu")
        np.testing.assert_allclose(batch[row], alone[0], rtol=1e-5, atol=1e-12)


def test_matches_autograd_jacobian_of_one_sequence():
    torch.manual_seed(1)
    model = RecurrentRegressor(2, 4, cell="rnn").double().eval()
    x = torch.randn(1, 6, 2, dtype=torch.float64)
    jacobian = torch.autograd.functional.jacobian(lambda v: model(v).sum(), x)[0]
    expected = jacobian.norm(dim=-1).numpy()
    np.testing.assert_allclose(input_gradient_norms(model.float(), x.float(), device="cpu")[0],
                               expected, rtol=1e-4)


def test_untrained_rnn_loses_the_gradient_faster_than_an_lstm_with_open_forget_gates():
    x = np.random.default_rng(0).normal(size=(16, 40, 1)).astype("float32")
    torch.manual_seed(0)
    rnn = gradient_reach(gradient_profile(RecurrentRegressor(1, 16, cell="rnn"), x, device="cpu"))
    torch.manual_seed(0)
    lstm = RecurrentRegressor(1, 16, cell="lstm", forget_bias=3.0)
    open_gates = gradient_reach(gradient_profile(lstm, x, device="cpu"))
    assert rnn < 1e-5 < open_gates


def test_gradient_reach():
    assert gradient_reach([0.001, 0.1, 1.0]) == 0.001
    np.testing.assert_allclose(gradient_reach([[1.0, 2.0], [4.0, 2.0]]), [0.5, 2.0])
    with pytest.raises(ValueError, match="at least two steps"):
        gradient_reach([1.0])
    with pytest.raises(ValueError, match="the gradient at the last step is 0"):
        gradient_reach([1.0, 0.0])


def test_bad_inputs_and_outputs_are_named():
    model = RecurrentRegressor(2, 4)
    with pytest.raises(ValueError, match=re.escape("inputs must have shape (n, seq_len, "
                                                   "n_features); got (5, 2)")):
        input_gradient_norms(model, np.zeros((5, 2)), device="cpu")
    bad = np.zeros((3, 4, 2))
    bad[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match="inputs has a NaN or infinite value at row 1"):
        input_gradient_norms(model, bad, device="cpu")
    two_outputs = nn.Sequential(nn.Flatten(), nn.Linear(8, 2))
    with pytest.raises(ValueError, match=r"one number per sample, shape \(3, 1\); got \(3, 2\)"):
        input_gradient_norms(two_outputs, np.zeros((3, 4, 2)), device="cpu")


def test_gradient_flow_measures_every_seed_before_and_after_training():
    rng = np.random.default_rng(0)
    train = adding_problem(64, 12, rng=rng, first_within=3)
    val = adding_problem(32, 12, rng=rng, first_within=3)
    probe = val[0][:8]
    flow = gradient_flow("LSTM", lambda: RecurrentRegressor(2, 4), train, val[0], probe=probe,
                         seeds=[0, 1, 2], val=val,
                         fit_kwargs={"epochs": 2, "lr": 0.05, "device": "cpu"})
    assert flow.before.shape == flow.after.shape == (3, 12)
    assert len(flow.runs.histories) == 3 and flow.runs.predictions[0].shape == (32, 1)
    assert not np.allclose(flow.before, flow.after)  # training moved the weights
    # "before" is the network each seed starts from, "after" the one it ends with
    torch.manual_seed(1)
    np.testing.assert_allclose(flow.before[1], gradient_profile(RecurrentRegressor(2, 4), probe,
                                                                device="cpu"), rtol=1e-5)
    torch.manual_seed(0)
    model = RecurrentRegressor(2, 4)
    from helpers.training import fit

    fit(model, train, val=val, epochs=2, lr=0.05, device="cpu", seed=0, progress=False)
    np.testing.assert_allclose(flow.after[0], gradient_profile(model, probe, device="cpu"),
                               rtol=1e-4)
    assert flow.reach(trained=True).shape == (3,)


def test_plot_gradient_flow():
    runs = None
    flows = [GradientFlow("a", np.array([[1e-6, 1e-3, 1.0], [1e-5, 1e-2, 1.0]]),
                          np.ones((2, 3)), runs),
             GradientFlow("b", np.array([[1e-2, 1e-1, 1.0]]), np.ones((1, 3)), runs)]
    fig = plot_gradient_flow(flows, marked_steps=1)
    untrained, trained = fig.axes
    assert untrained.get_yscale() == "log" and trained.get_yscale() == "log"
    # the median of two seeds is their mean
    np.testing.assert_allclose(untrained.get_lines()[0].get_ydata(), [5.5e-6, 5.5e-3, 1.0])
    assert [t.get_text() for t in untrained.get_legend().get_texts()] == ["a", "b"]
    # stacked on one time axis with one label, so no two x labels can collide
    assert untrained.get_position().y0 > trained.get_position().y0
    assert untrained.get_xlabel() == ""
    assert trained.get_xlabel().startswith("time step $t$")
    plt.close(fig)
    with pytest.raises(ValueError, match="flows is empty"):
        plot_gradient_flow([])


def test_epochs_to_learn_is_the_first_epoch_below_the_threshold():
    histories = [History(val_loss=[0.2, 0.05, 0.01]), History(val_loss=[0.2, 0.2]),
                 History(val_loss=[0.001])]
    assert epochs_to_learn(histories, 0.02) == [3, None, 1]
    assert epochs_to_learn(histories, 0.1) == [2, None, 1]
    with pytest.raises(ValueError, match=re.escape("below=0 must be a positive loss")):
        epochs_to_learn(histories, 0)


def test_takeoff_table_has_one_row_per_length_and_recipe():
    def flow(name, reach, *val_losses):
        histories = tuple(History(train_loss=list(v), val_loss=list(v)) for v in val_losses)
        runs = SeedRuns(tuple(range(len(histories))), (), histories, ())
        before = np.array([[r, 1.0] for r in reach])
        return GradientFlow(name, before, np.ones_like(before), runs)

    sweep = {50: [flow("bias 0", [1e-9, 3e-9], [0.2, 0.01], [0.2, 0.001, 0.0])],
             200: [flow("bias 0", [1e-30, 1e-30], [0.2, 0.2], [0.2]),
                   flow("bias 1", [2e-8, 2e-8], [0.2, 0.2, 0.2, 0.01], [0.2])]}
    table = takeoff_table(sweep, learned_below=0.05)
    assert table.index.tolist() == [(50, "bias 0"), (200, "bias 0"), (200, "bias 1")]
    assert table.loc[(50, "bias 0")].tolist() == ["2e-09", "2 of 2", "2, 2", "2, 3", "no, no"]
    assert table.loc[(200, "bias 0"), "seeds that learned"] == "0 of 2"
    assert table.loc[(200, "bias 0"), "step 1 / step T, untrained"] == "1e-30"
    assert table.loc[(200, "bias 1"), "epoch val MSE < 0.05"] == "4, never"
    with pytest.raises(ValueError, match="sweep is empty"):
        takeoff_table({}, learned_below=0.05)
    lost = takeoff_table({400: [flow("bias 0", [0.0], [0.2])]}, learned_below=0.05)
    assert lost.iloc[0, 0] == "0 (underflow)"  # not "0e+00"
