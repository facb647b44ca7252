"""The LSTM and RNN cell diagrams are drawn with every label a reader needs."""

import matplotlib.pyplot as plt
import pytest

from helpers.internals.diagram import draw_cell


def labels(fig):
    return {text.get_text() for text in fig.axes[0].texts}


def test_lstm_diagram_names_the_gates_and_both_paths():
    fig = draw_cell("lstm")
    assert {"$f_t$", "$i_t$", "$g_t$", "$o_t$"} <= labels(fig)
    assert {"$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$"} <= labels(fig)
    assert {r"$\sigma$", r"$\tanh$", r"$\times$", "$+$"} <= labels(fig)
    assert not fig.axes[0].axison  # a picture, not a plot
    plt.close(fig)


def test_rnn_diagram_has_no_cell_state():
    fig = draw_cell("rnn")
    assert {"$h_{t-1}$", "$h_t$", "$x_t$", r"$\tanh$"} <= labels(fig)
    assert not any(label.startswith("$c") for label in labels(fig))
    plt.close(fig)


def test_draws_into_given_axes_side_by_side():
    fig, (left, right) = plt.subplots(1, 2)
    assert draw_cell("rnn", ax=left) is fig
    assert draw_cell("lstm", ax=right) is fig
    assert len(right.texts) > len(left.texts)
    plt.close(fig)


def test_unknown_kind():
    with pytest.raises(ValueError, match=r"kind must be one of \('lstm', 'rnn'\), got 'gru'"):
        draw_cell("gru")
