"""The memory ladder task and the code-space helpers, on tiny fake digits."""

import math

import numpy as np
import pytest
import torch

from helpers.autoencoders import codes, ladder
from helpers.autoencoders.digits import load_digits, patch_view, row_view
from helpers.autoencoders.models import LSTMAutoencoder
from helpers.experiments.runner import run_grid


@pytest.fixture
def fake_mnist(fake_mnist, monkeypatch):
    """The shared fake digits (conftest.py), with a one-epoch budget."""
    monkeypatch.setattr(ladder, "budget", lambda: ladder.Budget("test10k", 24, None, None,
                                                                epochs=1, patience=1))


def test_params_and_budget_follow_the_contract(monkeypatch):
    assert ladder.NAME == "ladder" and ladder.PARAMS["steps"].choices == (28, 49, 98, 196, 392,
                                                                         784)
    with pytest.raises(ValueError, match="steps=100 is not allowed"):
        ladder.check_params({"steps": 100})
    for mode, source in (("smoke", "test10k"), ("standard", "test10k"), ("full", "full")):
        monkeypatch.setenv("LSTMBOOK_MODE", mode)
        assert ladder.budget().source == source
        assert ladder.budget().patience < ladder.budget().epochs
        if mode != "smoke":  # the training protocol: stop on a plateau, not on a pause
            assert ladder.budget().patience >= 10


def test_train_rung_runs_every_seed_and_rung_row_summarises_them(fake_mnist, fake_images):
    images, labels = fake_images(24)
    x = patch_view(images, 49)
    runs = ladder.train_rung(x, labels, x, labels, x, seeds=[0, 1, 2], hidden_size=4,
                             lr=0.03, batch_size=12, epochs=2, patience=1, device="cpu")
    row = ladder.rung_row(runs, labels, 49)
    assert row["seeds"] == 3 and row["pixels per step"] == 16
    assert 0 <= row["worst"] <= row["accuracy"] <= row["best"] <= 1
    assert len(row["best epochs"].split("/")) == 3


def test_row_view_keeps_whole_rows_where_strips_would_finish_them(fake_images):
    images, _ = fake_images(3)
    x = row_view(images, 196)
    assert x.shape == (3, 196, 28)
    rows_at = np.flatnonzero(np.abs(x).sum(axis=(0, 2)) > 0)
    assert rows_at.tolist() == list(range(6, 196, 7))
    # row r arrives whole at the step where its last pixel arrives in 196 strips of 4
    strips = patch_view(images, 196)
    assert np.array_equal(x[:, 6, :], strips[:, :7].reshape(3, 28))
    assert np.array_equal(row_view(images, 28), patch_view(images, 28))
    with pytest.raises(ValueError, match="multiple of the 28 rows"):
        row_view(images, 49)


def test_view_names_its_layout(fake_mnist):
    digits = load_digits()
    assert digits.view(56, "rows").n_features == 28
    assert digits.view(56).n_features == 14
    with pytest.raises(ValueError, match="layout='squares' must be one of strips, rows"):
        digits.view(56, "squares")


def test_pick_lr_keeps_the_best_validation_accuracy(fake_images):
    images, labels = fake_images(48)
    x = patch_view(images, 28)
    lr, table = ladder.pick_lr(x[:32], labels[:32], x[32:], labels[32:], lrs=(1e-5, 3e-2),
                               hidden_size=8, n_classes=2, epochs=8, batch_size=8,
                               device="cpu")
    assert list(table.index) == [1e-5, 3e-2]
    assert lr == table["validation accuracy"].idxmax()
    # a learning rate of 1e-5 barely moves the weights in 8 epochs; 0.03 learns the bars
    assert lr == 3e-2 and table.loc[3e-2, "validation accuracy"] > 0.9
    with pytest.raises(ValueError, match="lrs is empty"):
        ladder.pick_lr(x, labels, x, labels, lrs=())


def test_rung_row_counts_pixels_by_layout(fake_images):
    images, labels = fake_images(24)
    x = row_view(images, 56)
    runs = ladder.train_rung(x, labels, x, labels, x, seeds=[0], hidden_size=4, n_classes=2,
                             epochs=2, patience=None, device="cpu")
    assert ladder.rung_row(runs, labels, 56, "rows")["pixels per step"] == 28
    assert ladder.rung_row(runs, labels, 56)["pixels per step"] == 14
    assert ladder.rung_row(runs, labels, 56, "rows")["plateaus"] == 0  # 2 epochs: too short


def test_clipping_zero_switches_it_off():
    assert ladder.fit_settings(clip_grad_norm=0.0)["clip_grad_norm"] is None
    assert ladder.fit_settings(clip_grad_norm=1.0)["clip_grad_norm"] == 1.0


def test_run_trains_resumes_and_runs_as_a_grid(fake_mnist, tmp_path):
    params = {"steps": 49, "hidden_size": 4, "seed": 1}
    path = tmp_path / "rung.pt"
    trained = ladder.run(params, device="cpu", checkpoint=path, progress=False)
    again = ladder.run(params, device="cpu", checkpoint=path, resume=True)
    assert again["test_accuracy"] == trained["test_accuracy"]
    # only training knows these; NaN lets the runner keep the training record's values
    assert all(math.isnan(again[k]) for k in ("best_epoch", "epochs_run", "seconds"))
    table = run_grid("ladder", {"steps": [28, 49], "hidden_size": [4]}, device="cpu",
                     progress=False)
    assert sorted(table["steps"]) == [28, 49] and "test_accuracy" in table


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint"):
        ladder.run({}, device="cpu", checkpoint=tmp_path / "none.pt", resume=True)


def test_plot_ladder_draws_seeds_and_reference():
    import matplotlib.pyplot as plt
    import pandas as pd

    table = pd.DataFrame({"steps": [28, 98], "accuracy": [0.9, 0.5], "sd": [0.01, 0.1]})
    fig = ladder.plot_ladder(table, {28: np.array([0.89, 0.9, 0.91]), 98: np.array([0.4, 0.6])},
                             reference=0.85, chance=0.11,
                             others={"98 strips": (98, np.array([0.3, 0.35]))})
    assert len(fig.axes[0].lines) >= 2
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "98 strips" in labels and "majority class" in labels
    assert fig.get_size_inches()[0] <= 7
    plt.close(fig)


def test_plot_views_stacks_one_panel_per_view(fake_images):
    import matplotlib.pyplot as plt

    images, _ = fake_images(1)
    fig = ladder.plot_views(images[0], [(28, "rows"), (196, "rows"), (196, "strips")])
    assert len(fig.axes) == 3 and fig.get_size_inches()[0] <= 7
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "28 steps: rows", "196 steps: rows, blank steps between", "196 steps: strips of 4"]
    plt.close(fig)


# what the code holds


def test_code_vectors_hold_h_and_c():
    torch.manual_seed(0)
    model = LSTMAutoencoder(28, 5)
    x = np.random.default_rng(0).random((7, 28, 28), dtype=np.float32)
    vectors = codes.code_vectors(model, x, batch_size=3, device="cpu")
    _, (h, c) = model.encode(torch.from_numpy(x))
    assert vectors.shape == (7, 10)
    assert np.allclose(vectors, torch.cat([h[-1], c[-1]], 1).detach().numpy(), atol=1e-6)
    with pytest.raises(TypeError, match="no encoder"):
        codes.code_vectors(torch.nn.Linear(2, 2), x)


def test_nearest_neighbours_skip_the_query_and_sort_by_distance():
    points = np.array([[0.0], [3.0], [1.0], [10.0]])
    assert codes.nearest_neighbours(points, [0, 3], k=2).tolist() == [[2, 1], [1, 2]]
    with pytest.raises(ValueError, match="k=4 needs more than 4 codes"):
        codes.nearest_neighbours(points, [0], k=4)


def test_code_figures_fit_a_phone():
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    images = rng.random((12, 28, 28))
    labels = np.arange(12) % 10
    figs = [codes.plot_reconstructions(images, images, n=10),
            codes.plot_neighbours(images, labels, [0, 1], codes.nearest_neighbours(
                rng.random((12, 4)), [0, 1], k=7)),
            codes.plot_code_map(rng.random((12, 4)), labels)]
    assert [len(f.axes) for f in figs] == [20, 16, 1]
    assert all(f.get_size_inches()[0] <= 7 for f in figs)
    for f in figs:
        plt.close(f)
