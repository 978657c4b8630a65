"""Tests for glassnet.network (and the Dense layer inside it).

The main oracle is PyTorch autograd: 24 seeded random architectures — depths 1 to 4,
a mix of activations, every loss, fused and unfused output layers, batches of 1 and
17, with and without sample weights — are rebuilt in PyTorch from the glassnet
parameters (``W`` is (S, R), ``net = x @ W.T + b``) and every gradient is compared.
The rest checks the contract: parameters by name, freezing, dtypes, error messages.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from glassnet import Dense, Network
from glassnet.activations import Activation
from glassnet.errors import ConfigError, DataError, NotFittedError

# ----------------------------------------------------------- whole-network gradients vs PyTorch

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"]
OUTPUTS = [  # (output activation, loss): fused pairs first, then unfused combinations
    ("softmax", "categorical_crossentropy"), ("sigmoid", "binary_crossentropy"),
    ("sigmoid", "categorical_crossentropy"), ("softmax", "binary_crossentropy"),
    ("identity", "total_error"), ("sigmoid", "total_error"), ("tanh", "mse"), ("softmax", "mse"),
    ("relu", "mse"), ("softplus", "total_error"), ("leaky_relu", "mse"), ("softmax", "total_error"),
]
TORCH_ACT = {
    "identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),  # exact (F.softplus is linear past 20)
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def architecture(i: int) -> dict:
    """The i-th seeded random architecture (i in 0..23): every output/loss pair twice."""
    rng = np.random.default_rng(1000 + i)
    depth = 1 + (i + i // 12) % 4
    act, loss = OUTPUTS[i % 12]
    sizes = [int(s) for s in rng.integers(1, 6, size=depth)]          # R, hidden sizes
    K = int(rng.integers(2, 5))
    hidden = [str(rng.choice(HIDDEN)) for _ in range(depth - 1)]
    n = 1 if i < 12 else 17
    X = rng.normal(scale=1.5, size=(n, sizes[0]))
    if loss == "categorical_crossentropy":
        y = rng.dirichlet(np.ones(K), size=n) if i % 2 else np.eye(K)[rng.integers(K, size=n)]
    elif loss == "binary_crossentropy":
        y = rng.uniform(size=(n, K))
    else:
        y = rng.normal(size=(n, K))
    w = rng.uniform(0.2, 2.0, size=n) if i % 3 == 0 else None
    layers = [Dense(s, a) for s, a in zip(sizes[1:], hidden)] + [Dense(K, act)]
    net = Network(layers, loss=loss, input_shape=sizes[0], seed=i)
    net.set_params({f"b{k + 1}": rng.normal(scale=0.5, size=layer.units) for k, layer in enumerate(layers)})
    return {"net": net, "X": X, "y": y, "w": w, "acts": hidden + [act], "loss": loss}


def torch_loss(case: dict, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """The same network and loss in PyTorch, on the same numbers."""
    h = torch.from_numpy(case["X"])
    t = torch.from_numpy(case["y"])
    acts = case["acts"]
    for k, act in enumerate(acts, start=1):
        net = h @ params[f"W{k}"].T + params[f"b{k}"]
        h = TORCH_ACT[act](net)
    loss, last = case["loss"], acts[-1]
    if loss == "categorical_crossentropy" and last == "softmax":
        per = F.cross_entropy(net, t, reduction="none")                        # fused: from logits
    elif loss == "binary_crossentropy" and last == "sigmoid":
        per = F.binary_cross_entropy_with_logits(net, t, reduction="none").mean(dim=1)
    elif loss == "categorical_crossentropy":
        per = -(t * torch.log(h)).sum(dim=1)
    elif loss == "binary_crossentropy":
        per = F.binary_cross_entropy(h, t, reduction="none").mean(dim=1)
    elif loss == "mse":
        per = F.mse_loss(h, t, reduction="none").mean(dim=1)
    else:
        per = 0.5 * ((t - h) ** 2).sum(dim=1)
    if case["w"] is None:
        return per.mean()
    w = torch.from_numpy(case["w"])
    return (w * per).sum() / w.sum()


def compare_with_torch(i: int) -> tuple[float, float, float]:
    """(loss relative error, worst norm-wise and worst element-wise gradient relative error)."""
    case = architecture(i)
    net = case["net"]
    value, grads = net.gradients(case["X"], case["y"], case["w"])
    params = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    ref = torch_loss(case, params)
    ref.backward()
    norm_err = elem_err = 0.0
    for name, p in params.items():
        ours, theirs = grads[name], p.grad.numpy()
        scale = np.linalg.norm(theirs)
        diff = np.linalg.norm(ours - theirs)
        norm_err = max(norm_err, diff / scale if scale > 0 else diff)
        big = np.maximum(np.abs(ours), np.abs(theirs))
        elem = np.where(big > 0, np.abs(ours - theirs) / np.where(big > 0, big, 1), 0.0)
        elem_err = max(elem_err, float(elem.max()))
    return abs(value - ref.item()) / abs(ref.item()), norm_err, elem_err


def test_architectures_cover_the_brief():
    cases = [architecture(i) for i in range(24)]
    assert {len(c["acts"]) for c in cases} == {1, 2, 3, 4}
    assert {c["X"].shape[0] for c in cases} == {1, 17}
    assert {c["loss"] for c in cases} == {"total_error", "mse", "binary_crossentropy", "categorical_crossentropy"}
    assert set(HIDDEN) <= {a for c in cases for a in c["acts"]}
    assert sum(c["net"]._fused() for c in cases) == 4 and sum(c["w"] is not None for c in cases) == 8


@pytest.mark.parametrize("i", range(24))
def test_gradients_match_torch_autograd(i):
    loss_err, norm_err, elem_err = compare_with_torch(i)
    assert loss_err <= 1e-12
    assert norm_err <= 1e-9, (architecture(i)["acts"], architecture(i)["loss"], norm_err)


# ----------------------------------------------------------- parameters by name


def small_net(**kwargs) -> Network:
    return Network([Dense(3, "tanh"), Dense(4, "relu"), Dense(2, "sigmoid")], loss="mse",
                   input_shape=5, seed=0, **kwargs)


def test_params_are_named_by_layer_and_shaped_s_by_r():
    net = small_net()
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"W1": (3, 5), "b1": (3,), "W2": (4, 3), "b2": (4,), "W3": (2, 4), "b3": (2,)}
    assert list(net.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert net.n_params == 15 + 3 + 12 + 4 + 8 + 2 == net.flat_params.size
    assert set(net.grads) == set(net.params) and all(net.trainable.values())


def test_params_are_views_into_the_network():
    net = small_net()
    X = np.ones((1, 5))
    before = net.forward(X).copy()
    net.params["b3"][...] = 10.0
    assert np.all(net.forward(X) > before)
    net.flat_params[...] = 0.0
    assert np.all(net.forward(X) == 0.5)  # every net input 0: sigmoid(0)
    copy = net.get_params()
    copy["W1"][...] = 7.0
    assert np.all(net.params["W1"] == 0.0)


def test_freeze_and_unfreeze_keep_values_and_change_flat_params():
    net = small_net()
    values = net.get_params()
    net.freeze("b1", "W3")
    assert net.flat_params.size == net.n_params - 3 - 8
    assert net.trainable == {"W1": True, "b1": False, "W2": True, "b2": True, "W3": False, "b3": True}
    for k, v in net.params.items():
        np.testing.assert_array_equal(v, values[k])
    X, y = np.random.default_rng(0).normal(size=(6, 5)), np.full((6, 2), 0.3)
    net.train_step(X, y, learning_rate=0.5)
    np.testing.assert_array_equal(net.params["b1"], values["b1"])
    np.testing.assert_array_equal(net.params["W3"], values["W3"])
    assert not np.array_equal(net.params["W1"], values["W1"])
    moved = net.get_params()
    net.unfreeze("b1", "W3")
    assert net.flat_params.size == net.n_params
    for k, v in net.params.items():
        np.testing.assert_array_equal(v, moved[k])
    with pytest.raises(ConfigError, match="no parameter named 'W9'.*W1, b1, W2"):
        net.freeze("W9")


def test_step_is_plain_gradient_descent():
    net = small_net()
    X, y = np.random.default_rng(1).normal(size=(4, 5)), np.full((4, 2), 0.7)
    before = net.get_params()
    loss, grads = net.gradients(X, y)
    assert net.train_step(X, y, learning_rate=0.1) == loss
    for k in before:
        np.testing.assert_allclose(net.params[k], before[k] - 0.1 * grads[k], rtol=1e-15, atol=1e-17)


def test_set_params_checks_names_shapes_and_values():
    net = small_net()
    net.set_params({"W1": np.ones((3, 5)), "b1": [1, 2, 3]})
    assert net.params["b1"].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ConfigError, match=r"W1 has shape \(3, 5\); got an array of shape \(5, 3\)"):
        net.set_params({"W1": np.ones((5, 3))})
    with pytest.raises(ConfigError, match=r"b2 has shape \(4,\); got an array of shape \(3,\)"):
        net.set_params({"b2": np.ones(3)})
    with pytest.raises(ConfigError, match="no parameter named 'W4'"):
        net.set_params({"W4": np.ones((1, 1))})
    with pytest.raises(ConfigError, match="finite"):
        net.set_params({"b1": [1, np.nan, 3]})


def test_forward_keeps_each_layers_net_and_out():
    net = small_net()
    X = np.random.default_rng(2).normal(size=(3, 5))
    out = net.forward(X)
    h = X
    funcs = [np.tanh, lambda z: np.maximum(z, 0), lambda z: 1 / (1 + np.exp(-z))]
    for k, (layer, f) in enumerate(zip(net.layers, funcs), start=1):
        expected_net = h @ net.params[f"W{k}"].T + net.params[f"b{k}"]   # NET = X Wᵀ + b
        np.testing.assert_allclose(layer.net, expected_net, rtol=1e-14)
        np.testing.assert_allclose(layer.out, f(expected_net), rtol=1e-14)
        assert layer.net is not layer.out
        h = layer.out
    assert out is net.layers[-1].out and net.outputs[0] is net.layers[0].out


def test_network_builds_lazily_on_first_forward():
    net = Network([Dense(2, "tanh"), Dense(1)], seed=0)
    assert not net.built
    with pytest.raises(NotFittedError, match="no parameters yet"):
        net.params
    net.forward(np.ones((2, 3)))
    assert net.input_shape == (3,) and net.params["W1"].shape == (2, 3)
    fresh = Network([Dense(1)], input_shape=2)
    with pytest.raises(NotFittedError, match="forward pass first"):
        fresh.backward(np.ones((1, 1)))


def test_seeded_construction_is_repeatable_and_leaves_global_state_alone():
    state = np.random.get_state()[1].copy()
    a, b, c = small_net(), small_net(), Network(small_net().layers, loss="mse", input_shape=5, seed=1)
    for k in a.params:
        assert a.params[k].tobytes() == b.params[k].tobytes()
    assert not np.array_equal(a.params["W1"], c.params["W1"])
    g = Network([Dense(3)], input_shape=2, seed=np.random.default_rng(5))
    h = Network([Dense(3)], input_shape=2, seed=np.random.default_rng(5))
    assert g.params["W1"].tobytes() == h.params["W1"].tobytes()
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_summary_and_repr():
    net = small_net()
    net.freeze("b2")
    text = net.summary()
    assert "total parameters: 44 (frozen: b2)" in text and "loss: mse, dtype: float64" in text
    assert repr(net).startswith("Network([Dense(units=3, activation='tanh')")


# ----------------------------------------------------------- dtypes


def test_float64_is_the_default():
    net = small_net()
    assert net.dtype == np.float64
    assert net.forward(np.ones((1, 5), dtype=np.float32)).dtype == np.float64


@pytest.mark.parametrize("act, loss", [("sigmoid", "binary_crossentropy"), ("softmax", "categorical_crossentropy"),
                                       ("softmax", "mse"), ("tanh", "total_error")])
def test_float32_stays_float32_end_to_end(act, loss):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(8, 5)), np.eye(2)[rng.integers(2, size=8)]
    w = rng.uniform(0.5, 1.5, size=8)
    net32 = Network([Dense(4, "softplus"), Dense(3, "leaky_relu"), Dense(2, act)], loss=loss,
                    input_shape=5, seed=0, dtype="float32")
    net64 = Network([Dense(4, "softplus"), Dense(3, "leaky_relu"), Dense(2, act)], loss=loss,
                    input_shape=5, seed=0)
    net64.set_params(net32.params)
    assert net32.forward(X).dtype == np.float32  # float64 data is read as the network's dtype
    loss32, g32 = net32.gradients(X, y, w)
    loss64, g64 = net64.gradients(X, y, w)
    for layer in net32.layers:
        assert layer.input.dtype == layer.net.dtype == layer.out.dtype == layer.delta.dtype == np.float32
    for k in g32:
        assert g32[k].dtype == net32.params[k].dtype == np.float32
        np.testing.assert_allclose(g32[k], g64[k], rtol=2e-3, atol=2e-6)  # same math, float32 rounding
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    net32.train_step(X, y, 0.1, w)
    assert net32.flat_params.dtype == net32.flat_grads.dtype == np.float32
    net32.set_params({"W1": np.ones((4, 5))})  # float64 values are stored in the network's dtype
    assert net32.params["W1"].dtype == np.float32


def test_dtype_mixing_is_refused_not_silent():
    widen = Activation("widen", value=lambda net: net.astype(np.float64), derivative=lambda net, out: np.ones_like(net))
    net = Network([Dense(2, widen)], input_shape=2, dtype="float32")
    with pytest.raises(ConfigError, match="'widen' turned net of dtype float32.*into out of dtype float64"):
        net.forward(np.ones((1, 2)))
    sloppy = Activation("sloppy", value=lambda net: net, derivative=lambda net, out: np.ones(net.shape))
    net = Network([Dense(2, sloppy)], input_shape=2, dtype="float32", loss="mse")
    with pytest.raises(ConfigError, match="derivative of activation 'sloppy' gave dtype float64"):
        net.gradients(np.ones((1, 2)), np.ones((1, 2)))
    for bad in ("float16", "int32", "banana", 3):
        with pytest.raises(ConfigError, match="dtype must be 'float64' or 'float32'"):
            Network([Dense(1)], dtype=bad)


def test_initial_values_are_checked():
    with pytest.raises(ConfigError, match=r"initial values have shape \(1, 3\); the parameter needs shape \(2, 2\)"):
        Network([Dense(2, W=[[1, 2, 3]])], input_shape=2)
    with pytest.raises(ConfigError, match=r"initializer of W returned shape \(2,\).*shape \(2, 3\)"):
        Network([Dense(2, kernel_initializer=lambda shape, *args: np.zeros(shape[0]))], input_shape=3)
    with pytest.raises(ConfigError, match="positive integer"):
        Dense(0)


# ----------------------------------------------------------- bad data


def test_shape_mismatch_names_expected_and_actual():
    net = small_net()
    with pytest.raises(DataError, match=r"samples of shape \(3,\) \(X.shape = \(4, 3\)\).*shape \(5,\)"):
        net.forward(np.ones((4, 3)))
    with pytest.raises(DataError, match=r"y has shape \(4, 3\); for 4 samples .* shape \(4, 2\)"):
        net.loss_value(np.ones((4, 5)), np.ones((4, 3)))
    with pytest.raises(DataError, match="one-hot"):
        net.gradients(np.ones((4, 5)), np.ones(4))


def test_one_dimensional_x_is_refused_with_a_hint():
    with pytest.raises(DataError, match=r"got shape \(5,\).*reshape\(1, -1\).*reshape\(-1, 1\)"):
        small_net().forward(np.ones(5))


def test_non_finite_data_names_the_first_bad_row():
    net = small_net()
    X, y = np.ones((6, 5)), np.ones((6, 2))
    X[3, 2] = np.nan
    X[5, 0] = np.inf
    with pytest.raises(DataError, match=r"X contains nan at row 3, column 2"):
        net.gradients(X, y)
    y[1, 1] = -np.inf
    with pytest.raises(DataError, match=r"y contains -inf at row 1"):
        net.loss_value(np.ones((6, 5)), y)


def test_a_layer_that_cannot_take_its_input_is_named_with_its_position_and_shape():
    from glassnet.layers import Conv2D, Flatten, MaxPool2D

    with pytest.raises(ConfigError, match=r"layer 3 of 3 \(Conv2D\), given samples of shape \(8,\): "
                                          r"Conv2D expects images of shape \(C, H, W\)"):
        Network([Conv2D(2, 3), Flatten(), Conv2D(2, 3)], input_shape=(1, 4, 4))
    with pytest.raises(ConfigError, match=r"layer 2 of 2 \(MaxPool2D\), given samples of shape \(2, 3, 3\): "
                                          r".*larger than the image"):
        Network([Conv2D(2, 3), MaxPool2D(4)], input_shape=(1, 5, 5))


# ----------------------------------------------------------- loss / output pairings


@pytest.mark.parametrize("layers, loss, match", [
    ([Dense(4, "relu"), Dense(1, "sigmoid")], "categorical_crossentropy", "1 unit"),
    ([Dense(10)], "categorical_crossentropy", "softmax"),          # PyTorch's loss-on-logits habit
    ([Dense(3, "relu")], "cce", "softmax"),
    ([Dense(1)], "binary_crossentropy", "sigmoid"),
    ([Dense(2, "tanh")], "bce", "sigmoid"),
])
def test_a_cross_entropy_after_outputs_that_are_not_probabilities_is_refused(layers, loss, match):
    with pytest.raises(ConfigError, match=match):
        Network(layers, loss=loss, input_shape=3)


def test_setting_a_mismatched_loss_later_is_refused_and_keeps_the_old_one():
    net = Network([Dense(3)], loss="mse", input_shape=2)
    with pytest.raises(ConfigError, match="adding 'softmax'"):
        net.loss = "categorical_crossentropy"
    assert net.loss.name == "mse"


def test_probability_outputs_keep_their_cross_entropies():
    probs = Activation("my_probs", lambda z: 1 / (1 + np.exp(-z)), lambda z, out: out * (1 - out))
    for layer, loss in [(Dense(3, "softmax"), "categorical_crossentropy"), (Dense(3, "sigmoid"), "cce"),
                        (Dense(1, "sigmoid"), "binary_crossentropy"), (Dense(3, "softmax"), "bce"),
                        (Dense(2, probs), "bce"), (Dense(2, probs), "cce")]:
        assert Network([layer], loss=loss, input_shape=2).loss.name in ("categorical_crossentropy",
                                                                        "binary_crossentropy")


# ----------------------------------------------------------- class labels everywhere


def labelled_net() -> Network:
    return Network([Dense(4, "tanh"), Dense(3, "softmax")], loss="sparse_categorical_crossentropy",
                   input_shape=2, seed=0)


X3 = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [0.0, 2.0]])
LABELS = np.array([0, 2, 1, 2])
ONEHOT = np.eye(3)[LABELS]


@pytest.mark.parametrize("labels", [LABELS, LABELS.reshape(-1, 1), LABELS.astype(float), LABELS.astype(np.uint8)])
def test_class_labels_mean_their_one_hot_targets_in_every_entry_point(labels):
    net = labelled_net()
    assert net.loss_value(X3, labels) == net.loss_value(X3, ONEHOT)
    loss_l, grads_l = net.gradients(X3, labels)
    loss_o, grads_o = net.gradients(X3, ONEHOT)
    assert loss_l == loss_o and all(np.array_equal(grads_l[k], grads_o[k]) for k in grads_o)
    a, b = labelled_net(), labelled_net()
    assert a.train_step(X3, labels, 0.1) == b.train_step(X3, ONEHOT, 0.1)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


@pytest.mark.parametrize("labels, match", [
    (np.array([0, 3, 1, 2]), "labels 0 to 2"),
    (np.array([0, -1, 1, 2]), "labels 0 to 2"),
    (np.array([0, 1.5, 1, 2]), "not a whole number"),
])
def test_bad_class_labels_say_what_to_pass(labels, match):
    with pytest.raises(DataError, match=match):
        labelled_net().loss_value(X3, labels)


def test_a_deep_copy_trains_its_own_parameters():
    import copy
    net = labelled_net()
    before = net.get_params()
    twin = copy.deepcopy(net)
    twin.train_step(X3, LABELS, 0.5)            # the step writes through the flat buffer
    assert np.shares_memory(twin.params["W1"], twin.flat_params)
    assert not np.array_equal(twin.params["W1"], before["W1"])
    assert all(np.array_equal(net.params[k], before[k]) for k in before)
