"""BatchNorm against PyTorch's batch_norm (torch==2.13.0): training, running statistics, evaluation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet import Network
from glassnet.errors import ConfigError, DataError
from glassnet.layers.batchnorm import BatchNorm
from glassnet.layers.conv import Conv2D
from glassnet.layers.dense import Dense
from glassnet.layers.pooling import MaxPool2D
from glassnet.layers.reshape import Flatten
from layer_helpers import TOL, built, rel


SHAPES = [(8, 5), (4, 3, 5, 6), (2, 4, 3), (16, 1)]   # dense, image, (n, C, L), one feature


def torch_step(x, G, gamma, beta, rm, rv, training, momentum=0.1, eps=1e-5):
    """One forward + backward of F.batch_norm; updates the running tensors rm, rv in place."""
    xt = torch.tensor(x, requires_grad=True)
    g = torch.tensor(gamma, requires_grad=True)
    b = torch.tensor(beta, requires_grad=True)
    out = TF.batch_norm(xt, rm, rv, g, b, training=training, momentum=momentum, eps=eps)
    (out * torch.tensor(G)).sum().backward()
    return out.detach().numpy(), xt.grad.numpy(), g.grad.numpy(), b.grad.numpy()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("momentum, eps", [(0.1, 1e-5), (0.3, 1e-3)])
def test_training_steps_match_torch(shape, momentum, eps):
    rng = np.random.default_rng(len(shape) * 10 + shape[0])
    F = shape[1]
    layer = built(BatchNorm(momentum=momentum, eps=eps), shape[1:])
    layer.params["gamma"][...] = rng.uniform(0.5, 2, F)   # not the trivial ones/zeros
    layer.params["beta"][...] = rng.standard_normal(F)
    rm, rv = torch.zeros(F, dtype=torch.float64), torch.ones(F, dtype=torch.float64)
    for _ in range(3):  # a few steps: the running statistics accumulate
        x = rng.standard_normal(shape) * 3 + 1
        G = rng.standard_normal(shape)
        out = layer.forward(x, training=True)
        dx = layer.backward(G)
        ref_out, ref_dx, ref_dg, ref_db = torch_step(x, G, layer.params["gamma"], layer.params["beta"],
                                                     rm, rv, True, momentum, eps)
        assert rel(out, ref_out) <= TOL
        assert rel(dx, ref_dx) <= TOL
        assert rel(layer.grads["gamma"], ref_dg) <= TOL
        assert rel(layer.grads["beta"], ref_db) <= TOL
    assert rel(layer.state["running_mean"], rm.numpy()) <= TOL
    assert rel(layer.state["running_var"], rv.numpy()) <= TOL

    # evaluation uses the running statistics, forward and backward
    x = rng.standard_normal(shape)
    G = rng.standard_normal(shape)
    out = layer.forward(x)
    dx = layer.backward(G)
    ref_out, ref_dx, ref_dg, ref_db = torch_step(x, G, layer.params["gamma"], layer.params["beta"],
                                                 rm, rv, False, momentum, eps)
    assert rel(out, ref_out) <= TOL and rel(dx, ref_dx) <= TOL
    assert rel(layer.grads["gamma"], ref_dg) <= TOL and rel(layer.grads["beta"], ref_db) <= TOL
    assert rel(layer.state["running_var"], rv.numpy()) <= TOL   # evaluation leaves them alone


def test_matches_torch_modules_in_eval_after_training():
    rng = np.random.default_rng(4)
    layer = built(BatchNorm(), (3, 4, 4))
    module = torch.nn.BatchNorm2d(3).double()
    for _ in range(4):
        x = rng.standard_normal((5, 3, 4, 4)) * 2 - 1
        layer.forward(x, training=True)
        module.train()(torch.tensor(x))
    x = rng.standard_normal((2, 3, 4, 4))
    assert rel(layer.forward(x), module.eval()(torch.tensor(x)).detach().numpy()) <= TOL


def test_worked_example_by_hand():
    # one feature, batch [1, 3]: μ = 2, σ² = ((1−2)² + (3−2)²)/2 = 1, x̂ = (x − 2)/√(1 + ε) ≈ ∓0.999995
    # running_mean = 0.9·0 + 0.1·2 = 0.2; running_var = 0.9·1 + 0.1·(1·2/1) = 1.1 (unbiased: ×m/(m−1) = 2)
    layer = built(BatchNorm(), (1,))
    out = layer.forward(np.array([[1.0], [3.0]]), training=True)
    np.testing.assert_allclose(out[:, 0], [-1 / np.sqrt(1 + 1e-5), 1 / np.sqrt(1 + 1e-5)], rtol=1e-15)
    np.testing.assert_allclose(layer.state["running_mean"], [0.2], rtol=1e-15)
    np.testing.assert_allclose(layer.state["running_var"], [1.1], rtol=1e-15)
    # a gradient equal on both samples moves only β: the normalisation removes any shift of x
    dx = layer.backward(np.array([[1.0], [1.0]]))
    np.testing.assert_allclose(dx, 0, atol=1e-15)
    np.testing.assert_allclose(layer.grads["beta"], [2.0])
    np.testing.assert_allclose(layer.grads["gamma"], [0.0], atol=1e-15)


def test_in_a_network_matches_torch():
    rng = np.random.default_rng(9)
    net = Network([Dense(6), BatchNorm(), Dense(3, "softmax")], loss="categorical_crossentropy",
                  input_shape=4, seed=0)
    assert sorted(net.params) == ["W1", "W3", "b1", "b3", "beta2", "gamma2"]
    net.set_params({"gamma2": rng.uniform(0.5, 2, 6), "beta2": rng.standard_normal(6)})
    X, labels = rng.standard_normal((10, 4)), rng.integers(0, 3, size=10)
    loss, grads = net.gradients(X, np.eye(3)[labels])

    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.Linear(6, 3)).double()
    with torch.no_grad():
        for t, name in [(model[0].weight, "W1"), (model[0].bias, "b1"), (model[1].weight, "gamma2"),
                        (model[1].bias, "beta2"), (model[2].weight, "W3"), (model[2].bias, "b3")]:
            t.copy_(torch.tensor(net.params[name]))
    ref = TF.cross_entropy(model(torch.tensor(X)), torch.tensor(labels))
    ref.backward()
    assert abs(loss - ref.item()) <= TOL * abs(ref.item())
    for t, name in [(model[0].weight, "W1"), (model[1].weight, "gamma2"), (model[1].bias, "beta2"),
                    (model[2].weight, "W3"), (model[2].bias, "b3")]:
        assert rel(grads[name], t.grad.numpy()) <= TOL, name
    # a bias right before BatchNorm is cancelled by the mean subtraction: its gradient is 0 (up to rounding)
    assert np.abs(grads["b1"]).max() <= 1e-14 * np.abs(grads["W1"]).max()
    bn = net.layers[1]
    assert rel(bn.state["running_mean"], model[1].running_mean.numpy()) <= TOL
    assert rel(bn.state["running_var"], model[1].running_var.numpy()) <= TOL
    assert "running_mean" not in net.params


def test_after_a_convolution_in_a_network_matches_torch():
    rng = np.random.default_rng(10)
    net = Network([Conv2D(3, 3, use_bias=False), BatchNorm(), MaxPool2D(2), Flatten(), Dense(2, "softmax")],
                  loss="categorical_crossentropy", input_shape=(2, 6, 6), seed=0)
    net.set_params({"gamma2": rng.uniform(0.5, 2, 3), "beta2": rng.standard_normal(3)})
    X, labels = rng.standard_normal((5, 2, 6, 6)), rng.integers(0, 2, size=5)
    loss, grads = net.gradients(X, np.eye(2)[labels])
    model = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3, bias=False), torch.nn.BatchNorm2d(3), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(12, 2)).double()
    pairs = [(model[0].weight, "W1"), (model[1].weight, "gamma2"), (model[1].bias, "beta2"),
             (model[4].weight, "W3"), (model[4].bias, "b3")]
    with torch.no_grad():
        for t, name in pairs:
            t.copy_(torch.tensor(net.params[name]))
    ref = TF.cross_entropy(model(torch.tensor(X)), torch.tensor(labels))
    ref.backward()
    assert abs(loss - ref.item()) <= TOL * abs(ref.item())
    for t, name in pairs:
        assert rel(grads[name], t.grad.numpy()) <= TOL, name
    assert rel(net.layers[1].state["running_var"], model[1].running_var.numpy()) <= TOL


def test_float32_stays_float32():
    layer = built(BatchNorm(), (2, 3, 3), np.float32)
    x = np.random.default_rng(0).standard_normal((4, 2, 3, 3)).astype(np.float32)
    for training in (True, False):
        out = layer.forward(x, training=training)
        assert out.dtype == layer.backward(np.ones_like(out)).dtype == np.float32
    assert all(v.dtype == np.float32 for v in [*layer.state.values(), *layer.grads.values()])


def test_errors_and_config():
    for kwargs in ({"momentum": 1.5}, {"momentum": -0.1}, {"eps": 0}, {"eps": "1e-5"}):
        with pytest.raises(ConfigError, match=next(iter(kwargs))):
            BatchNorm(**kwargs)
    layer = built(BatchNorm(), (3,))
    with pytest.raises(DataError, match="more than one value per feature"):
        layer.forward(np.ones((1, 3)), training=True)
    with pytest.raises(DataError, match=r"\(3,\)"):
        layer.forward(np.ones((2, 4)))
    assert BatchNorm(momentum=0.01).config() == {"momentum": 0.01}
    assert repr(BatchNorm()) == "BatchNorm()" and BatchNorm.kind == "batchnorm"


def test_a_last_mini_batch_of_one_sample_points_at_batch_size():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(33, 3)), rng.normal(size=(33, 1))   # 33 = 32 + 1: the last batch has 1 sample
    net = Network([Dense(4), BatchNorm(), Dense(1)], loss="mse", input_shape=3, seed=0)
    with pytest.raises(DataError, match=r"batch_size.*at least 2 samples in the last batch"):
        net.fit(X, y, epochs=1, batch_size=32, verbose=0)
    net.fit(X, y, epochs=1, batch_size=16 + 1, verbose=0)       # 17 + 16: fine
