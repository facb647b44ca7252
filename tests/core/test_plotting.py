"""The book's plot style and the loss-curve figure."""

import matplotlib.pyplot as plt  # conftest.py selects the Agg backend

from helpers.plotting import plot_loss_curves, use_book_style
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
