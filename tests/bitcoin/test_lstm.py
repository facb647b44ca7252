"""TutorialLSTM (the tutorial's network) and fit_lstm (the chapter's one LSTM recipe)."""

import numpy as np
import pytest
import torch

from helpers.bitcoin import (
    ORIGINAL_FEATURES,
    TutorialLSTM,
    add_features,
    budget_line,
    fit_lstm,
    fit_scaling,
    window_part,
)
from helpers.files import load_model, save_checkpoint
from helpers.windowing import chronological_split

FAST = {"epochs": 3, "lr": 1e-2, "batch_size": 32, "patience": 1, "device": "cpu"}


@pytest.fixture
def parts(make_candles):
    table = add_features(make_candles(400))
    train, val, test = chronological_split(table, (0.6, 0.2, 0.2))
    scaling = fit_scaling(train, ORIGINAL_FEATURES)
    windows = {t: [window_part(p, scaling, target=t, lookback=12) for p in (train, val, test)]
               for t in ("close", "close_change")}
    return windows, scaling


def test_the_head_reads_the_last_hidden_state_without_dropout():
    torch.manual_seed(0)
    model = TutorialLSTM(3, 8).train()  # training mode: dropout would act now
    x = torch.randn(5, 7, 3)
    # h_n[-1] straight into the linear layer, exactly as the tutorial's forward
    torch.manual_seed(1)
    _, (h_n, _) = model.lstm(x)
    expected = model.head(h_n[-1])
    torch.manual_seed(1)
    torch.testing.assert_close(model(x), expected)
    assert model.lstm.dropout == 0.2 and model.lstm.num_layers == 2


def test_a_checkpoint_rebuilds_the_tutorial_network(tmp_path):
    model = TutorialLSTM(9, 16, num_layers=1)
    rebuilt = load_model(save_checkpoint(model, tmp_path / "m.pt"), device="cpu")
    assert type(rebuilt) is TutorialLSTM and rebuilt.model_args == {
        "n_features": 9, "hidden_size": 16, "num_layers": 1, "dropout": 0.2}
    x = torch.randn(2, 4, 9)
    torch.testing.assert_close(rebuilt.eval()(x), model.eval()(x))


@pytest.mark.parametrize("target", ["close", "close_change"])
def test_fit_lstm_gives_one_row_of_dollar_closes_per_seed(parts, target):
    windows, scaling = parts
    train, val, test = windows[target]
    runs = fit_lstm(train, val, test, scaling, seeds=[0, 1], hidden_size=4, num_layers=1,
                    stride=2, fit_kwargs=FAST)
    assert runs.closes.shape == (2, len(test)) and np.isfinite(runs.closes).all()
    assert len(runs.histories) == 2 and runs.histories[0].max_epochs == 3
    errors = runs.squared_errors(test.next_close)
    np.testing.assert_allclose(errors, (runs.closes - test.next_close) ** 2)
    line = runs.stopping()
    assert line.startswith("2 networks, ") and "cap 3, patience 1" in line
    assert "epochs run " + ", ".join(str(h.epochs_run) for h in runs.histories) in line
    assert line.endswith("plateau test passed by 0 of 2") or "still improving" in line
    # a change model's close stays near the last close; the first seed's model is kept
    if target == "close_change":
        assert np.abs(runs.closes - test.last_close).mean() < 5
    assert isinstance(runs.runs.model, TutorialLSTM)


def test_fit_lstm_ValueError_when_parts_predict_different_targets(parts):
    windows, scaling = parts
    train = windows["close"][0]
    val, test = windows["close_change"][1:]
    with pytest.raises(ValueError, match="predict different targets"):
        fit_lstm(train, val, test, scaling, seeds=[0], fit_kwargs=FAST)


def test_squared_errors_ValueError_when_the_truth_has_another_length(parts):
    windows, scaling = parts
    train, val, test = windows["close"]
    runs = fit_lstm(train, val, test, scaling, seeds=[0], hidden_size=4, num_layers=1,
                    fit_kwargs={**FAST, "epochs": 1})
    with pytest.raises(ValueError, match="pass the closes of the same test windows"):
        runs.squared_errors(test.next_close[:-1])


def test_budget_line_summarises_many_networks_and_flags_the_cap():
    from helpers.training import History

    def run(best, ran):
        return History(train_loss=[1.0] * ran, val_loss=[1.0] * ran, best_epoch=best,
                       max_epochs=30, patience=10, steps=5 * ran)

    line = budget_line([run(b, r) for b, r in [(1, 20), (4, 20), (9, 20), (30, 30),
                                               (12, 22), (15, 25)]])
    assert line.startswith("6 networks, 5 steps per epoch, cap 30, patience 10: ")
    assert "best epochs 1 to 30 (median 10)" in line
    assert line.endswith("; 1 still improving at the cap")


def test_budget_line_ValueError_when_there_is_no_history():
    with pytest.raises(ValueError, match="histories is empty"):
        budget_line([])
