"""The LSTM autoencoder of chapter 5 (helpers.autoencoders.models)."""

import pytest
import torch

from helpers.autoencoders.models import LSTMAutoencoder, lstm_layer
from helpers.files import load_model, save_checkpoint

pytestmark = pytest.mark.usefixtures("one_thread")


def test_autoencoder_output_has_input_shape():
    model = LSTMAutoencoder(3, 8)
    assert model(torch.zeros(4, 7, 3)).shape == (4, 7, 3)


def test_univariate_input_without_feature_axis_is_accepted():
    assert LSTMAutoencoder(1, 4)(torch.zeros(2, 9)).shape == (2, 9, 1)


def test_sigmoid_output_stays_in_unit_interval():
    out = LSTMAutoencoder(2, 4, sigmoid_output=True)(100 * torch.randn(3, 5, 2))
    assert out.min() >= 0 and out.max() <= 1


def test_decoder_output_depends_on_the_input_only_through_the_code():
    torch.manual_seed(0)
    model = LSTMAutoencoder(1, 4)
    x = torch.rand(2, 6, 1)
    code, state = model.encode(x)
    before = model.decode(code, state, 6)
    x.mul_(-3.0)  # change the input after the code was taken: nothing may change
    assert torch.equal(model.decode(code, state, 6), before)
    # ...while the same change seen by the encoder does change the output
    assert not torch.allclose(model(x), before)


def test_the_code_holds_both_h_and_c_and_both_matter():
    torch.manual_seed(0)
    model = LSTMAutoencoder(1, 5)
    x = torch.rand(3, 8, 1)
    code, (h, c) = model.encode(x)
    assert model.code_size == 10 and model.code(x).shape == (3, 10)
    assert torch.equal(model.code(x), torch.cat([h[-1], c[-1]], dim=1))
    out = model.decode(code, (h, c), 8)
    # zeroing the cell state alone (h untouched) changes the reconstruction
    assert not torch.allclose(model.decode(code, (h, torch.zeros_like(c)), 8), out)
    # and zeroing h (input and initial state) changes it too
    zero = torch.zeros_like(code)
    assert not torch.allclose(model.decode(zero, (torch.zeros_like(h), c), 8), out)


def test_forget_bias_is_applied_to_both_lstms():
    model = LSTMAutoencoder(2, 5, forget_bias=1.0)
    for lstm in (model.encoder, model.decoder):
        assert torch.allclose(lstm.bias_ih_l0[5:10] + lstm.bias_hh_l0[5:10], torch.ones(5))


def test_checkpoint_rebuilds_the_model(tmp_path):
    model = LSTMAutoencoder(2, 3, forget_bias=1.0)
    loaded = load_model(save_checkpoint(model, tmp_path / "ae.pt"), device="cpu")
    x = torch.rand(2, 4, 2)
    assert isinstance(loaded, LSTMAutoencoder) and torch.allclose(loaded(x), model(x))


def test_bad_shapes_and_sizes_are_refused():
    with pytest.raises(ValueError, match=r"n_features=3\)"):
        LSTMAutoencoder(3, 4)(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="last axis holds 2 features, not 3"):
        LSTMAutoencoder(3, 4)(torch.zeros(2, 5, 2))
    with pytest.raises(ValueError, match="hidden_size must be a positive whole number"):
        LSTMAutoencoder(1, 0)
    with pytest.raises(ValueError, match="input_size must be a positive whole number"):
        lstm_layer(2.5, 4, None)
