"""Conv2D against PyTorch autograd (torch==2.13.0), finite differences, and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet import Network, gradcheck
from glassnet.errors import ConfigError, DataError, NotFittedError
from glassnet.layers.conv import Conv2D
from glassnet.layers.dense import Dense
from glassnet.layers.pooling import MaxPool2D
from glassnet.layers.reshape import Flatten
from layer_helpers import TOL, built, rel


def torch_conv(x, W, b, stride, pads):
    """PyTorch's conv2d on input padded (top, bottom, left, right) with zeros."""
    top, bottom, left, right = pads
    xt = TF.pad(x, (left, right, top, bottom)) if any(pads) else x
    return TF.conv2d(xt, W, b, stride=stride)


# (n, C, H, W, filters, kernel, stride, padding, bias): random shapes, strides 1-3, every padding kind
CASES = [
    (2, 1, 7, 7, 3, 3, 1, "valid", True),
    (3, 3, 8, 9, 4, 3, 2, "valid", True),
    (2, 2, 9, 7, 5, (3, 2), (1, 3), "valid", False),
    (2, 3, 6, 6, 2, 3, 1, "same", True),
    (2, 2, 5, 8, 3, (2, 4), 1, "same", False),
    (3, 2, 7, 6, 4, 3, 2, "same", True),
    (2, 1, 10, 9, 3, 4, 3, "same", True),
    (2, 3, 6, 7, 4, 3, 1, 1, True),
    (2, 2, 5, 5, 3, 2, 2, 2, False),
    (1, 4, 8, 6, 2, (3, 1), (2, 1), (1, 0), True),
    (4, 2, 11, 10, 6, 5, 3, 2, True),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("n, C, H, W, F, k, s, padding, bias", CASES)
def test_forward_and_gradients_match_torch(n, C, H, W, F, k, s, padding, bias):
    rng = np.random.default_rng(1000 * n + 100 * C + 10 * H + W)
    layer = built(Conv2D(F, k, stride=s, padding=padding, use_bias=bias,
                         bias_initializer="glorot_uniform" if bias else "zeros"), (C, H, W))
    x = rng.standard_normal((n, C, H, W))
    out = layer.forward(x, training=True)
    G = rng.standard_normal(out.shape)  # E = Σ out ⊙ G, so ∂E/∂out = G
    dx = layer.backward(G)

    xt = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(layer.params["W"], requires_grad=True)
    bt = torch.tensor(layer.params["b"], requires_grad=True) if bias else None
    if padding == "same" and s == 1:
        ref = TF.conv2d(xt, Wt, bt, stride=s, padding="same")  # PyTorch's own "same" rule
    elif isinstance(padding, str):
        ref = torch_conv(xt, Wt, bt, s, layer.pads)
    else:
        ref = TF.conv2d(xt, Wt, bt, stride=s, padding=padding)
    (ref * torch.tensor(G)).sum().backward()

    assert out.shape == tuple(ref.shape)
    assert rel(out, ref.detach().numpy()) <= TOL
    assert rel(dx, xt.grad.numpy()) <= TOL
    assert rel(layer.grads["W"], Wt.grad.numpy()) <= TOL
    if bias:
        assert rel(layer.grads["b"], bt.grad.numpy()) <= TOL
    else:
        assert "b" not in layer.params


@pytest.mark.parametrize("H, k, s", [(7, 3, 2), (8, 3, 2), (10, 4, 3), (5, 5, 2), (9, 2, 3)])
def test_same_padding_gives_ceil_h_over_s_outputs(H, k, s):
    layer = built(Conv2D(2, k, stride=s, padding="same"), (1, H, H))
    assert layer.output_shape == (2, -(-H // s), -(-H // s))
    top, bottom, left, right = layer.pads
    assert bottom - top in (0, 1) and (top, bottom) == (left, right)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_activation_and_backward_net_match_torch(activation):
    rng = np.random.default_rng(3)
    layer = built(Conv2D(3, 3, padding=1, activation=activation, bias_initializer="glorot_uniform"), (2, 6, 5))
    x = rng.standard_normal((3, 2, 6, 5))
    out = layer.forward(x, training=True)
    G = rng.standard_normal(out.shape)
    dx = layer.backward(G)
    xt = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(layer.params["W"], requires_grad=True)
    bt = torch.tensor(layer.params["b"], requires_grad=True)
    net = TF.conv2d(xt, Wt, bt, padding=1)
    net.retain_grad()
    ref = getattr(torch, activation)(net)
    (ref * torch.tensor(G)).sum().backward()
    assert rel(layer.net, net.detach().numpy()) <= TOL      # the pre-activation is kept
    assert rel(out, ref.detach().numpy()) <= TOL
    assert rel(dx, xt.grad.numpy()) <= TOL
    assert rel(layer.grads["W"], Wt.grad.numpy()) <= TOL
    assert rel(layer.grads["b"], bt.grad.numpy()) <= TOL
    assert rel(layer.delta, net.grad.numpy()) <= TOL       # δ = ∂E/∂net, as Dense keeps it


def test_worked_example_by_hand():
    # one 3×3 image, one 2×2 filter, stride 1, no padding:
    # x = [[1 2 3]    W = [[1 0]    out[0,0] = 1·1 + 0·2 + 0·4 + (−1)·5 + b = 1 − 5 + 0.5 = −3.5
    #      [4 5 6]         [0 −1]]  out[0,1] = 2 − 6 + 0.5 = −3.5, out[1,0] = 4 − 8 + 0.5 = −3.5, …
    #      [7 8 9]]   b = 0.5
    layer = built(Conv2D(1, 2, W=[[[[1, 0], [0, -1]]]], b=[0.5]), (1, 3, 3))
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(layer.forward(x), np.full((1, 1, 2, 2), -3.5))
    # with ∂E/∂out = 1 everywhere: ∂E/∂W[i,j] = Σ of the pixels under W[i,j] over the 4 positions
    # W[0,0] sees 1+2+4+5 = 12, W[0,1] sees 2+3+5+6 = 16, W[1,0] 4+5+7+8 = 24, W[1,1] 5+6+8+9 = 28
    dx = layer.backward(np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(layer.grads["W"], [[[[12, 16], [24, 28]]]])
    np.testing.assert_array_equal(layer.grads["b"], [4])
    # ∂E/∂x: each pixel collects the weights that touched it: corner (0,0) only W[0,0] = 1 …
    np.testing.assert_array_equal(dx, [[[[1, 1, 0], [1, 0, -1], [0, -1, -1]]]])


def test_finite_differences_through_a_network():
    rng = np.random.default_rng(5)
    net = Network([Conv2D(2, 3, stride=2, padding="same", activation="tanh"), Flatten(), Dense(3, "sigmoid")],
                  loss="mse", input_shape=(2, 5, 5), seed=1)
    report = gradcheck(net, rng.standard_normal((3, 2, 5, 5)), rng.random((3, 3)), tolerance=1e-6)
    assert report.ok, str(report)


def test_cnn_network_matches_torch_end_to_end():
    """conv → relu → maxpool → flatten → dense softmax with categorical cross-entropy."""
    rng = np.random.default_rng(11)
    net = Network([Conv2D(4, 3, padding=1, activation="relu", bias_initializer="glorot_uniform"), MaxPool2D(2),
                   Flatten(), Dense(5, "softmax", bias_initializer="glorot_uniform")],
                  loss="categorical_crossentropy", input_shape=(2, 8, 8), seed=0)
    X = rng.standard_normal((6, 2, 8, 8))
    labels = rng.integers(0, 5, size=6)
    loss, grads = net.gradients(X, np.eye(5)[labels])

    model = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 5)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(net.params["W1"]))
        model[0].bias.copy_(torch.tensor(net.params["b1"]))
        model[4].weight.copy_(torch.tensor(net.params["W2"]))
        model[4].bias.copy_(torch.tensor(net.params["b2"]))
    ref = TF.cross_entropy(model(torch.tensor(X)), torch.tensor(labels))
    ref.backward()
    assert abs(loss - ref.item()) <= TOL * abs(ref.item())
    for name, p in [("W1", model[0].weight), ("b1", model[0].bias), ("W2", model[4].weight), ("b2", model[4].bias)]:
        assert rel(grads[name], p.grad.numpy()) <= TOL, name
    assert rel(net.forward(X), torch.softmax(model(torch.tensor(X)), 1).detach().numpy()) <= TOL


def test_float32_stays_float32():
    net = Network([Conv2D(3, 3, padding="same", activation="relu"), Flatten(), Dense(2, "softmax")],
                  loss="categorical_crossentropy", input_shape=(2, 5, 5), dtype="float32", seed=0)
    X = np.random.default_rng(0).standard_normal((4, 2, 5, 5)).astype(np.float32)
    out = net.forward(X, training=True)
    net.backward(np.eye(2, dtype=np.float32)[[0, 1, 1, 0]])
    conv = net.layers[0]
    assert out.dtype == conv.out.dtype == conv.net.dtype == conv.cols.dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.grads.values())
    assert conv.backward(np.ones_like(conv.out)).dtype == np.float32


def test_skipping_the_input_gradient_keeps_parameter_gradients():
    rng = np.random.default_rng(2)
    layer = built(Conv2D(2, 3, stride=2, padding=1), (3, 7, 7))
    x = rng.standard_normal((2, 3, 7, 7))
    G = rng.standard_normal((2, 2, 4, 4))
    layer.forward(x, training=True)
    layer.backward(G)
    expected = {k: v.copy() for k, v in layer.grads.items()}
    layer.needs_input_grad = False
    layer.forward(x, training=True)
    assert layer.backward(G) is None
    for k in expected:
        np.testing.assert_array_equal(layer.grads[k], expected[k])


def test_initialiser_uses_fan_in_c_kh_kw():
    layer = built(Conv2D(64, 3, kernel_initializer="he_uniform"), (5, 9, 9))
    bound = np.sqrt(6 / (5 * 3 * 3))
    W = layer.params["W"]
    assert W.shape == (64, 5, 3, 3) and layer.params["b"].shape == (64,)
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.95 * bound


def test_config_rebuilds_the_layer_and_repr():
    layer = Conv2D(4, (3, 2), stride=(2, 1), padding="same", activation="relu", use_bias=False)
    again = Conv2D(**layer.config())
    assert again.config() == layer.config()
    assert again.kernel_size == (3, 2) and again.stride == (2, 1) and again.padding == "same"
    assert Conv2D(**Conv2D(2, 3, padding=(1, 2)).config()).padding == (1, 2)
    assert repr(Conv2D(8, 3)) == "Conv2D(filters=8, kernel_size=[3, 3], activation='identity')"
    assert Conv2D.kind == "conv2d"


@pytest.mark.parametrize("kwargs, match", [
    ({"filters": 0, "kernel_size": 3}, "filters"),
    ({"filters": 2.5, "kernel_size": 3}, "filters"),
    ({"filters": 2, "kernel_size": 0}, "kernel_size"),
    ({"filters": 2, "kernel_size": (3, 3, 3)}, "kernel_size"),
    ({"filters": 2, "kernel_size": 3, "stride": 0}, "stride"),
    ({"filters": 2, "kernel_size": 3, "padding": "full"}, "padding"),
    ({"filters": 2, "kernel_size": 3, "padding": -1}, "padding"),
    ({"filters": 2, "kernel_size": 3, "activation": "softmax"}, "element-wise"),
    ({"filters": 2, "kernel_size": 3, "activation": "hardlim"}, "differentiable"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        Conv2D(**kwargs)


def test_bad_shapes_are_explained():
    with pytest.raises(ConfigError, match="channels first"):
        built(Conv2D(2, 3), (8, 8))
    with pytest.raises(ConfigError, match="larger than the padded input"):
        built(Conv2D(2, 5), (1, 4, 4))
    layer = built(Conv2D(2, 3), (1, 6, 6))
    with pytest.raises(DataError, match=r"\(n, 1, 6, 6\)"):
        layer.forward(np.zeros((2, 6, 6, 1)))


def test_initial_values_and_their_shapes_are_checked():
    with pytest.raises(ConfigError, match=r"shape \(2, 1, 3, 3\)"):
        built(Conv2D(2, 3, W=np.zeros((2, 3, 3))), (1, 5, 5))
    with pytest.raises(ConfigError, match=r"initializer of W returned shape \(3,\)"):
        built(Conv2D(2, 3, kernel_initializer=lambda shape, i, o, rng, dtype: np.zeros(3)), (1, 5, 5))
    with pytest.raises(NotFittedError, match="build"):
        Conv2D(2, 3).forward(np.zeros((1, 1, 5, 5)))


def test_channels_last_input_shape_is_named_in_the_message():
    with pytest.raises(ConfigError, match=r"channels first, \(C, H, W\); \(8, 8, 1\) looks channels last: "
                                          r"use input_shape=\(1, 8, 8\)"):
        Network([Conv2D(4, 3), Flatten(), Dense(2)], input_shape=(8, 8, 1), seed=0)
    with pytest.raises(ConfigError, match="smaller kernel") as info:          # a real (C, H, W): no hint
        Network([Conv2D(4, 5), Flatten(), Dense(2)], input_shape=(1, 4, 4), seed=0)
    assert "channels last" not in str(info.value)
