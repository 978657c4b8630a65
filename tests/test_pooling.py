"""MaxPool2D and AveragePool2D against PyTorch autograd (torch==2.13.0) and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet import Network
from glassnet.errors import ConfigError, DataError
from glassnet.layers.dense import Dense
from glassnet.layers.pooling import AveragePool2D, MaxPool2D
from glassnet.layers.reshape import Flatten
from layer_helpers import TOL, built, rel


# (n, C, H, W, pool_size, stride): tiling, leftover rows/columns, overlapping and gapped windows
CASES = [
    (2, 3, 8, 8, 2, None),
    (2, 2, 7, 9, 2, None),
    (3, 1, 9, 9, 3, None),
    (2, 2, 8, 7, 3, 2),
    (2, 3, 6, 6, 2, 1),
    (1, 2, 10, 11, (2, 3), (3, 2)),
    (2, 2, 9, 8, (3, 2), None),
    (2, 1, 11, 10, 2, 3),
    (2, 4, 5, 6, (1, 2), (1, 1)),
]
TORCH = {MaxPool2D: TF.max_pool2d, AveragePool2D: TF.avg_pool2d}


@pytest.mark.parametrize("cls", [MaxPool2D, AveragePool2D])
@pytest.mark.parametrize("n, C, H, W, k, s", CASES)
def test_forward_and_gradient_match_torch(cls, n, C, H, W, k, s):
    rng = np.random.default_rng(100 * H + W)
    layer = built(cls(k, stride=s), (C, H, W))
    x = rng.standard_normal((n, C, H, W))
    out = layer.forward(x, training=True)
    G = rng.standard_normal(out.shape)
    dx = layer.backward(G)
    xt = torch.tensor(x, requires_grad=True)
    ref = TORCH[cls](xt, k, stride=s)
    (ref * torch.tensor(G)).sum().backward()
    assert out.shape == tuple(ref.shape) == (n,) + layer.output_shape
    assert rel(out, ref.detach().numpy()) <= TOL
    assert rel(dx, xt.grad.numpy()) <= TOL


@pytest.mark.parametrize("k, s", [(2, None), (3, 1), (2, 1), ((2, 3), (1, 2))])
def test_max_ties_go_to_the_first_maximum_like_torch(k, s):
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, size=(3, 2, 7, 8)).astype(np.float64)  # many equal maxima per window
    layer = built(MaxPool2D(k, stride=s), (2, 7, 8))
    layer.forward(x, training=True)
    G = rng.standard_normal((3,) + layer.output_shape)
    dx = layer.backward(G)
    xt = torch.tensor(x, requires_grad=True)
    (TF.max_pool2d(xt, k, stride=s) * torch.tensor(G)).sum().backward()
    assert rel(dx, xt.grad.numpy()) <= TOL


def test_worked_example_by_hand():
    # x = [[1 4 | 0 0]     max pool 2:  [[4 0]     average pool 2:  [[(1+4+3+2)/4 = 2.5  0]
    #      [3 2 | 0 0]                   [0 9]]                        [0  (5+9+6+8)/4 = 7 ]]
    #      [0 0 | 5 9]
    #      [0 0 | 6 8]]
    x = np.array([[1, 4, 0, 0], [3, 2, 0, 0], [0, 0, 5, 9], [0, 0, 6, 8]], dtype=float).reshape(1, 1, 4, 4)
    mx, avg = built(MaxPool2D(2), (1, 4, 4)), built(AveragePool2D(2), (1, 4, 4))
    np.testing.assert_array_equal(mx.forward(x)[0, 0], [[4, 0], [0, 9]])
    np.testing.assert_array_equal(avg.forward(x)[0, 0], [[2.5, 0], [0, 7]])
    g = np.array([[10.0, 20.0], [30.0, 40.0]]).reshape(1, 1, 2, 2)
    # max: each window's gradient lands on its winner; the all-zero windows give it to their first pixel
    np.testing.assert_array_equal(mx.backward(g)[0, 0],
                                  [[0, 10, 20, 0], [0, 0, 0, 0], [30, 0, 0, 40], [0, 0, 0, 0]])
    # average: a quarter of each window's gradient to each of its pixels
    np.testing.assert_array_equal(avg.backward(g)[0, 0],
                                  [[2.5, 2.5, 5, 5], [2.5, 2.5, 5, 5], [7.5, 7.5, 10, 10], [7.5, 7.5, 10, 10]])


@pytest.mark.parametrize("cls", [MaxPool2D, AveragePool2D])
def test_float32_stays_float32(cls):
    layer = built(cls(2), (3, 6, 6), np.float32)
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    out = layer.forward(x, training=True)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32


def test_in_a_network_with_finite_differences():
    from glassnet import gradcheck
    rng = np.random.default_rng(1)
    net = Network([AveragePool2D(2, stride=1), MaxPool2D(2), Flatten(), Dense(2, "tanh")],
                  loss="mse", input_shape=(2, 5, 5), seed=0)
    assert gradcheck(net, rng.standard_normal((3, 2, 5, 5)), rng.random((3, 2)), tolerance=1e-6).ok


def test_config_and_repr():
    assert MaxPool2D(2).config() == {"pool_size": [2, 2]}
    layer = AveragePool2D((2, 3), stride=1)
    assert AveragePool2D(**layer.config()).config() == layer.config() == {"pool_size": [2, 3], "stride": [1, 1]}
    assert repr(MaxPool2D(3)) == "MaxPool2D(pool_size=[3, 3])"
    assert (MaxPool2D.kind, AveragePool2D.kind) == ("maxpool2d", "averagepool2d")


def test_bad_arguments_and_shapes():
    with pytest.raises(ConfigError, match="pool_size"):
        MaxPool2D(0)
    with pytest.raises(ConfigError, match="stride"):
        AveragePool2D(2, stride=(1, 0))
    with pytest.raises(ConfigError, match="padding must be 'valid'"):
        MaxPool2D(2, padding="same")
    with pytest.raises(ConfigError, match="larger than the image"):
        built(MaxPool2D(4), (1, 3, 8))
    with pytest.raises(ConfigError, match="channels first"):
        built(MaxPool2D(2), (4, 4))
    layer = built(MaxPool2D(2), (1, 4, 4))
    with pytest.raises(DataError, match=r"\(n, 1, 4, 4\)"):
        layer.forward(np.zeros((1, 4, 4)))


def test_channels_last_input_shape_is_named_in_the_message():
    with pytest.raises(ConfigError, match=r"\(6, 6, 3\) looks channels last: use \(3, 6, 6\)"):
        Network([MaxPool2D(4), Flatten(), Dense(2)], input_shape=(6, 6, 3), seed=0)
