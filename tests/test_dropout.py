"""Dropout: PyTorch's own masks and gradients (torch==2.13.0), statistics, evaluation mode."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet import Network
from glassnet.errors import ConfigError, DataError, NotFittedError
from glassnet.layers.dense import Dense
from glassnet.layers.dropout import Dropout
from layer_helpers import built


@pytest.mark.parametrize("rate, shape", [(0.5, (6, 10)), (0.2, (3, 2, 5, 4)), (0.75, (4, 7))])
def test_fixed_mask_matches_torch_dropout(rate, shape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    xt = torch.tensor(x, requires_grad=True)
    torch.manual_seed(0)
    ref = TF.dropout(xt, rate, training=True)
    G = rng.standard_normal(shape)
    (ref * torch.tensor(G)).sum().backward()
    keep = ref.detach().numpy() != 0  # torch's mask (x is never exactly 0)

    layer = built(Dropout(rate), shape[1:])
    layer.fix_mask(keep)
    out = layer.forward(x, training=True)
    dx = layer.backward(G)
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-15, atol=0)
    np.testing.assert_array_equal(layer.keep, keep)


def test_evaluation_passes_the_input_through():
    layer = built(Dropout(0.5), (4,))
    x = np.arange(8.0).reshape(2, 4)
    assert layer.forward(x) is x and layer.keep is None
    g = np.ones((2, 4))
    assert layer.backward(g) is g


def test_random_masks_drop_the_rate_and_keep_the_mean():
    layer = built(Dropout(0.3), (1000,), seed=1)
    x = np.ones((200, 1000))
    out = layer.forward(x, training=True)
    dropped = 1 - layer.keep.mean()
    # 200,000 Bernoulli(0.3) draws: the standard error of the fraction is about 0.001
    assert abs(dropped - 0.3) < 0.005
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    assert abs(out.mean() - 1.0) < 0.01            # inverted dropout keeps the expected value
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), out)  # ∂E/∂x = m / (1 − p)


def test_masks_come_from_the_generator_given_in_build():
    a, b = built(Dropout(0.5), (50,), seed=3), built(Dropout(0.5), (50,), seed=3)
    x = np.ones((4, 50))
    np.testing.assert_array_equal(a.forward(x, training=True), b.forward(x, training=True))
    first = a.keep.copy()
    a.forward(x, training=True)
    assert not np.array_equal(first, a.keep)   # a fresh mask every training pass
    a.fix_mask(None)
    assert a.fixed_mask is None


def test_in_a_seeded_network_training_differs_from_prediction():
    net = Network([Dense(20, "relu"), Dropout(0.5), Dense(1)], loss="mse", input_shape=3, seed=0)
    X = np.random.default_rng(0).standard_normal((5, 3))
    predicted = net.forward(X)
    np.testing.assert_array_equal(net.forward(X), predicted)      # evaluation is deterministic
    assert not np.allclose(net.forward(X, training=True), predicted)
    def layers():
        return [Dense(20, "relu"), Dropout(0.5), Dense(1)]
    a = Network(layers(), loss="mse", input_shape=3, seed=7).forward(X, training=True)
    b = Network(layers(), loss="mse", input_shape=3, seed=7).forward(X, training=True)
    np.testing.assert_array_equal(a, b)                             # same seed, same masks


def test_float32_stays_float32():
    layer = built(Dropout(0.4), (6,), np.float32)
    x = np.ones((3, 6), np.float32)
    out = layer.forward(x, training=True)
    assert out.dtype == layer.scale.dtype == np.float32
    assert layer.backward(x).dtype == np.float32


def test_rate_zero_is_the_identity():
    layer = built(Dropout(0.0), (3,))
    x = np.ones((2, 3))
    assert layer.forward(x, training=True) is x


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.5", True, None])
def test_bad_rates_are_named(rate):
    with pytest.raises(ConfigError, match="rate"):
        Dropout(rate)


def test_bad_masks_and_unbuilt_layers():
    layer = built(Dropout(0.5), (3,))
    layer.fix_mask(np.ones((2, 3), bool))
    with pytest.raises(DataError, match="mask has shape"):
        layer.forward(np.ones((4, 3)), training=True)
    with pytest.raises(NotFittedError, match="build"):
        Dropout(0.5).forward(np.ones((2, 3)), training=True)


def test_config_and_repr():
    assert Dropout(0.25).config() == {"rate": 0.25}
    assert repr(Dropout(0.25)) == "Dropout(rate=0.25)"
    assert Dropout.kind == "dropout"
