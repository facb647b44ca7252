"""Fresh signals per epoch, one model per seed, and the table of where training stopped."""

import functools

import numpy as np
import pytest
import torch

from helpers.harmonics.models import MLPSeq2Seq, next_step_data, seq2seq_data
from helpers.harmonics.signals import generate_signals
from helpers.harmonics.streams import (
    NETWORKS,
    FreshSignals,
    curriculum_stages,
    train_curriculum,
    train_network,
    training_table,
)


def draw(rng, n, length=30):
    return generate_signals(rng, n, length, lookback=24, n_components=1)


def test_every_pass_draws_new_signals_and_a_seed_repeats_its_stream():
    stream = FreshSignals(draw, next_step_data, n_signals=10, batch_size=4, seed=3)
    first, second = ([x for x, _ in stream] for _ in range(2))
    assert [len(x) for x in first] == [4, 4, 2]
    assert not np.array_equal(first[0], second[0])
    again = FreshSignals(draw, next_step_data, n_signals=10, batch_size=4, seed=3)
    np.testing.assert_array_equal(next(iter(again))[0], first[0])


def test_batches_are_inputs_and_targets_of_the_layout():
    layout = functools.partial(seq2seq_data, lookback=24, steps=6, teacher_forcing=False)
    x, y = next(iter(FreshSignals(draw, layout, n_signals=8, batch_size=8)))
    assert x.shape == (8, 24, 1) and y.shape == (8, 6, 1)


def test_train_network_keeps_one_model_per_seed_in_eval_mode():
    val_signals = draw(np.random.default_rng(99), 16)
    runs = train_network("GRU (teacher forcing)", draw, val_signals, lookback=24, steps=6,
                         seeds=[0, 1], n_signals=16, batch_size=8, epochs=2, device="cpu")
    assert runs.seeds == (0, 1) and len(runs.models) == len(runs.histories) == 2
    assert not any(model.training for model in runs.models)
    assert all(model.teacher_forcing for model in runs.models)
    first, second = (next(m.parameters()) for m in runs.models)
    assert not torch.equal(first, second)
    table = training_table(runs)
    assert table.columns.tolist() == ["network", "seed", "best epoch", "epochs run", "cap",
                                      "stopped by", "plateau", "best val loss"]
    assert table["plateau"].tolist() == [h.plateau for h in runs.histories]
    assert table["cap"].tolist() == [2, 2]


def test_every_network_trains_and_names_are_checked():
    val_signals = draw(np.random.default_rng(99), 8)
    for name in NETWORKS:
        runs = train_network(name, draw, val_signals, lookback=24, steps=6, seeds=[0],
                             n_signals=8, epochs=1, device="cpu")
        assert len(runs.models) == 1
    with pytest.raises(ValueError, match="name must be one of"):
        train_network("Transformer", draw, val_signals, lookback=24, steps=6, seeds=[0],
                      n_signals=8)
    with pytest.raises(ValueError, match="distinct"):
        train_network(NETWORKS[0], draw, val_signals, lookback=24, steps=6, seeds=[1, 1],
                      n_signals=8)


def test_curriculum_grows_to_the_maximum_and_trains():
    assert curriculum_stages(45, 5)[-1] == (1, 45)

    def draw_stage(rng, n, components):
        return generate_signals(rng, n, 20, lookback=16, n_components=components)

    runs = train_curriculum("mlp", lambda: MLPSeq2Seq(16, 4, width=8), curriculum_stages(4, 2),
                            draw_stage, lookback=16, steps=4, seeds=[0, 1], n_signals=8,
                            n_val=8, batch_size=4, epochs=1, device="cpu")
    assert len(runs.models) == 2 and all(np.isfinite(h.train_loss[0]) for h in runs.histories)
    assert [len(stages) for stages in runs.stages] == [2, 2]
    assert all(stages[-1] is h for stages, h in zip(runs.stages, runs.histories, strict=True))
    assert runs.epochs_per_seed == 2.0  # one epoch per stage, two stages
