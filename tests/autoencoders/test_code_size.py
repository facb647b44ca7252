"""The code-size sweep and its PCA yardstick (helpers.autoencoders.code_size)."""

import numpy as np
import pytest

from helpers.autoencoders import code_size, toy

pytestmark = pytest.mark.usefixtures("one_thread")


TINY = toy.Budget(n_train=64, n_val=32, n_test=32, epochs=2, patience=1, batch_size=32)


def test_pca_with_more_components_reconstructs_better():
    x = toy.make_toy_sequences(300, np.random.default_rng(0))
    errors = [code_size.pca_mse(x[:200], x[200:], k) for k in (2, 16, 40)]
    assert errors[0] > errors[1] > errors[2] > 0


def test_pca_equivalent_is_the_fewest_components_that_match():
    x = toy.make_toy_sequences(300, np.random.default_rng(0))
    train, test = x[:200], x[200:]
    target = code_size.pca_mse(train, test, 12)
    k = code_size.pca_equivalent(train, test, target)
    assert k <= 12 and code_size.pca_mse(train, test, k) <= target + 1e-9
    assert code_size.pca_mse(train, test, k - 1) > target
    assert code_size.pca_equivalent(train, test, -1.0) == 50


def test_code_size_sweep_compares_every_size_over_seeds():
    splits = toy.make_splits(TINY)
    sweep = code_size.code_size_sweep([1, 2], splits, seeds=[0, 1], params={"lr": 0.01},
                                      plan=TINY, device="cpu")
    assert sweep.table["code_size"].tolist() == [2, 4]
    assert (sweep.table["lowest"] <= sweep.table["highest"]).all()
    assert sweep.comparisons[2].seeds == 2 and sweep.comparisons[2].n == 32
    assert sweep.comparisons[2].baseline == "per-position mean"
    assert len(sweep.runs[1].histories) == 2


def test_pca_curve_matches_pca_of_each_size():
    x = toy.make_toy_sequences(300, np.random.default_rng(0))
    curve = code_size.pca_curve(x[:200], x[200:])
    assert curve.index.tolist() == list(range(1, 51))
    for k in (1, 7, 30):
        assert curve[k] == pytest.approx(code_size.pca_mse(x[:200], x[200:], k), rel=1e-6)


def test_zeroed_code_mse_keeps_the_whole_code_equal_to_the_forward_pass():
    import torch

    from helpers.autoencoders.models import LSTMAutoencoder

    torch.manual_seed(0)
    ae = LSTMAutoencoder(1, 4)
    x = np.random.default_rng(0).random((8, 10, 1)).astype("float32")
    with torch.no_grad():
        full = float(((ae(torch.as_tensor(x)) - torch.as_tensor(x)) ** 2).mean())
    assert code_size.zeroed_code_mse(ae, x) == pytest.approx(full, rel=1e-6)
    # each half changes the reconstruction, and differently
    halves = {zero: code_size.zeroed_code_mse(ae, x, zero) for zero in ("h", "c")}
    assert len({full, *halves.values()}) == 3
    assert ae.training  # the mode is restored


def test_zeroed_code_mse_names_the_bad_half():
    from helpers.autoencoders.models import LSTMAutoencoder

    x = np.zeros((2, 5, 1), "float32")
    with pytest.raises(ValueError, match=r"zero must be one of .*got 'cell'"):
        code_size.zeroed_code_mse(LSTMAutoencoder(1, 2), x, "cell")
