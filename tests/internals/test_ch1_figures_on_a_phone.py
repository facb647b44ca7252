"""Chapter 1's figures stay readable on a phone: the browser check's measure, per helper."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from helpers.internals.adding import adding_problem, plot_adding_example
from helpers.internals.diagram import draw_cell, draw_cells
from helpers.internals.gates import forget_bias_sweep, gate_trace, plot_forget_bias, plot_gate_trace
from helpers.internals.gradients import GradientFlow, plot_gradient_flow
from helpers.plotting import fits_a_phone, use_book_style
from helpers.trials import SeedRuns


def _gate_trace():
    torch.manual_seed(0)
    x = torch.sin(torch.arange(60.0) / 3).unsqueeze(-1)
    return plot_gate_trace(gate_trace(torch.nn.LSTM(1, 8), x), x, title="Untrained LSTM, 8 units")


def _forget_bias():
    torch.manual_seed(0)
    lstm, x = torch.nn.LSTM(1, 16), torch.randn(200, 1)
    return plot_forget_bias(forget_bias_sweep(lstm, x, biases=[0.0, 1.0, 2.0]))


def _adding():
    x, y = adding_problem(2, seq_len=50, rng=np.random.default_rng(0))
    return plot_adding_example(x, y, index=0)


def _gradient_flow():
    runs = SeedRuns((0,), (), (), ())
    flows = [GradientFlow(name, np.logspace(low, 0, 50)[None], np.logspace(-3, 0, 50)[None], runs)
             for name, low in (("RNN", -12), ("LSTM, forget bias 1", -6))]
    return plot_gradient_flow(flows, marked_steps=10)


FIGURES = {"lstm cell": lambda: draw_cell("lstm"), "rnn cell": lambda: draw_cell("rnn"),
           "both cells": draw_cells, "gate trace": _gate_trace, "forget bias": _forget_bias,
           "adding example": _adding, "gradient flow": _gradient_flow}


@pytest.mark.parametrize("name", FIGURES)
def test_every_chapter_1_figure_is_readable_on_a_phone(name):
    use_book_style()
    fig = FIGURES[name]()
    assert fits_a_phone(fig)
    plt.close(fig)


def test_both_cells_stack_at_one_scale_and_refuse_an_unknown_kind():
    fig = draw_cells()
    rnn, lstm = fig.axes
    assert rnn.get_position().y0 > lstm.get_position().y1  # one above the other
    plt.close(fig)
    with pytest.raises(ValueError, match="titles must name kinds among"):
        draw_cells({"gru": "GRU"})
