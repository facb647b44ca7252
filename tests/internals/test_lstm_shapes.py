"""Parameter counts, weight blocks and output shapes of nn.LSTM."""

import pytest
from torch import nn

from helpers.internals.shapes import (
    lstm_parameter_count,
    output_shape_table,
    output_shapes,
    parameter_count_table,
    weight_blocks,
)

PARAMETER_TABLE = [
    dict(input_size=3, hidden_size=2),
    dict(input_size=1, hidden_size=64),
    dict(input_size=7, hidden_size=32, num_layers=2),
    dict(input_size=7, hidden_size=32, num_layers=3, bidirectional=True),
    dict(input_size=5, hidden_size=16, proj_size=4),
    dict(input_size=5, hidden_size=16, num_layers=2, proj_size=4, bidirectional=True),
    dict(input_size=4, hidden_size=8, num_layers=2, bias=False),
    dict(input_size=4, hidden_size=8, num_layers=2, bias=False, proj_size=3, bidirectional=True),
]


@pytest.mark.parametrize("config", PARAMETER_TABLE)
def test_parameter_count(config):
    lstm = nn.LSTM(**config)
    assert lstm_parameter_count(**config) == sum(p.numel() for p in lstm.parameters())


def test_parameter_count_closed_form():
    i, h = 3, 2
    assert lstm_parameter_count(i, h) == 4 * (h * (i + h) + 2 * h) == 56


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(input_size=0, hidden_size=4), "input_size must be a positive integer; got 0"),
        (dict(input_size=3, hidden_size=-1), "hidden_size must be a positive integer; got -1"),
        (dict(input_size=3, hidden_size=4, num_layers=0), "num_layers must be a positive"),
        (dict(input_size=3, hidden_size=4, proj_size=4), r"proj_size must be an integer in \[0"),
        (dict(input_size=3, hidden_size=4, proj_size=-1), "got -1"),
    ],
)
def test_parameter_count_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lstm_parameter_count(**kwargs)


def test_parameter_count_table_agrees_with_pytorch():
    table = parameter_count_table(PARAMETER_TABLE)
    assert len(table) == len(PARAMETER_TABLE)
    assert table["equal"].all()
    assert table.loc[0, "formula"] == 56


def test_output_shapes():
    lstm = nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=2, batch_first=True)
    assert output_shapes(lstm, batch=4, seq_len=5) == {
        "output": "(4, 5, 4)",
        "h_n": "(4, 4, 2)",
        "c_n": "(4, 4, 6)",
    }
    with pytest.raises(TypeError, match=r"expected a torch\.nn\.LSTM, got GRU"):
        output_shapes(nn.GRU(3, 4))


def test_output_shape_table_covers_every_combination():
    table = output_shape_table(3, 6, batch=4, seq_len=5)
    assert len(table) == 16
    options = table[["batch_first", "bidirectional", "proj_size", "num_layers"]]
    assert not options.duplicated().any()
    # batch_first moves the batch axis of output only; h_n and c_n keep it in the middle
    row = table.query("batch_first and bidirectional and proj_size == 2 and num_layers == 2")
    assert row[["output", "h_n", "c_n"]].values.tolist() == [["(4, 5, 4)", "(4, 4, 2)",
                                                             "(4, 4, 6)"]]


def test_weight_blocks_split_both_matrices_into_four_views():
    lstm = nn.LSTM(3, 2, num_layers=2)
    table = weight_blocks(lstm, layer=1)
    assert table["block"].tolist() == ["W_ii", "W_if", "W_ig", "W_io",
                                       "W_hi", "W_hf", "W_hg", "W_ho"]
    assert table["rows"].tolist()[:4] == ["0:2", "2:4", "4:6", "6:8"]
    assert set(table["block shape"]) == {"(2, 2)"}  # layer 1 reads hidden_size features
    assert table["view"].all()
    assert table["parameter"].iloc[0] == "weight_ih_l1 (8, 2)"
    with pytest.raises(ValueError, match="layer must lie in"):
        weight_blocks(lstm, layer=2)
