"""The book's plot style, the loss-curve figure and the validation curves of a comparison."""

import matplotlib.pyplot as plt  # conftest.py selects the Agg backend
import numpy as np
import pytest
from matplotlib.colors import to_hex

from helpers.plotting import plot_loss_curves, plot_validation_curves, use_book_style
from helpers.training import History


def test_a_history_draws_both_curves_and_marks_the_best_epoch():
    use_book_style()
    history = History(train_loss=[3.0, 2.0, 1.5], val_loss=[3.1, 2.2, 2.4], best_epoch=2,
                      max_epochs=5)
    ax = plot_loss_curves(history)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["train", "validation", "best epoch (2)"]
    plt.close(ax.figure)


def test_named_curves_without_a_best_epoch():
    ax = plot_loss_curves({"a": [1.0, 0.5]}, log_y=True)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 1
    plt.close(ax.figure)


def seed_history(length, best, scale=1.0):
    losses = list(scale * (1.0 + 0.5 ** np.arange(length)))
    return History(train_loss=losses, val_loss=losses, best_epoch=best, max_epochs=50)


def test_validation_curves_draw_one_colour_per_family_and_one_thin_line_per_seed():
    use_book_style()
    families = {"LSTM": [seed_history(12, 9), seed_history(15, 11), seed_history(8, 8)],
                "GRU": [seed_history(20, 17, scale=2.0), seed_history(14, 4, scale=2.0)]}
    ax = plot_validation_curves(families)
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) > 1]
    dots = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
    assert len(curves) == len(dots) == 5
    assert all(line.get_marker() in ("None", "", None) for line in curves)  # no markers
    colours = [to_hex(line.get_color()) for line in curves]
    assert len(set(colours[:3])) == len(set(colours[3:])) == 1 and colours[0] != colours[3]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in dots][1] == (
        11, families["LSTM"][1].best_val_loss)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["LSTM", "GRU"]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "validation loss"
    ax.figure.canvas.draw()
    assert all(float(tick).is_integer() for tick in ax.get_xticks())
    plt.close(ax.figure)


def test_validation_curves_without_dots_on_given_axes_and_without_val_data():
    _, given = plt.subplots()
    ax = plot_validation_curves({"LSTM": [seed_history(5, 3)]}, given, mark_best=False)
    assert ax is given and len(ax.get_lines()) == 1
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"train with fit\(..., val=\(X, y\)\)"):
        plot_validation_curves({"LSTM": [History(train_loss=[1.0, 0.5])]})
