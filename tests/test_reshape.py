"""Flatten and Reshape: PyTorch's flatten order (torch==2.13.0), gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from glassnet.errors import ConfigError, DataError
from glassnet.layers.reshape import Flatten, Reshape
from layer_helpers import built


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4, 5), (5, 1, 2, 2, 3)])
def test_flatten_matches_torch_and_backpropagates(shape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    layer = built(Flatten(), shape[1:])
    out = layer.forward(x)
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.flatten(xt, 1)
    G = rng.standard_normal(out.shape)
    (ref * torch.tensor(G)).sum().backward()
    assert layer.output_shape == (int(np.prod(shape[1:])),)
    np.testing.assert_array_equal(out, ref.detach().numpy())
    np.testing.assert_array_equal(layer.backward(G), xt.grad.numpy())


def test_reshape_round_trip_and_gradient():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 64))
    layer = built(Reshape((1, 8, 8)), (64,))
    out = layer.forward(x)
    np.testing.assert_array_equal(out, torch.tensor(x).reshape(4, 1, 8, 8).numpy())
    G = rng.standard_normal(out.shape)
    np.testing.assert_array_equal(layer.backward(G), G.reshape(4, 64))
    assert Reshape(**layer.config()).target_shape == (1, 8, 8)


def test_float32_stays_float32():
    x = np.zeros((2, 3, 2), np.float32)
    layer = built(Flatten(), (3, 2), np.float32)
    assert layer.forward(x).dtype == layer.backward(np.zeros((2, 6), np.float32)).dtype == np.float32


def test_errors_name_the_shapes():
    with pytest.raises(ConfigError, match=r"\(2, 3\) \(6 values\) into \(4,\)"):
        built(Reshape((4,)), (2, 3))
    with pytest.raises(ConfigError, match="target_shape"):
        Reshape((0, 3))
    with pytest.raises(ConfigError, match="target_shape"):
        Reshape("abc")
    with pytest.raises(DataError, match=r"\(3, 2\)"):
        built(Flatten(), (3, 2)).forward(np.zeros((2, 2, 3)))


def test_repr_and_kind():
    assert repr(Flatten()) == "Flatten()" and Flatten.kind == "flatten"
    assert repr(Reshape((1, 8, 8))) == "Reshape(target_shape=[1, 8, 8])" and Reshape.kind == "reshape"
