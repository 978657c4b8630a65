"""Networks pickle and unpickle to the same network: same predictions bit for bit, same parameters,
and training continues identically. Built-in activations and initialisers pickle by name (+ params)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from glassnet import Network, activations, initializers, losses
from glassnet.activations import Activation
from glassnet.layers import BatchNorm, Conv2D, Dense, Dropout, Flatten, MaxPool2D

# A whole Network also needs Loss to pickle by name and Network to re-link its layers' parameters to its
# flat buffer when unpickled (losses.py / network.py); until both are in, those tests are expected to fail.
_NETWORK_READY = "__setstate__" in vars(Network) and "__reduce__" in vars(losses.Loss)
needs_network = pytest.mark.xfail(not _NETWORK_READY, strict=True,
                                  reason="needs Loss.__reduce__ and Network.__setstate__ (see the helper's report)")

_TRAINABLE = [n for n in activations.names() if activations.get(n).differentiable]


def _round_trip(obj):
    return pickle.loads(pickle.dumps(obj))


@pytest.mark.parametrize("name", activations.names())
def test_builtin_activations_unpickle_to_the_registered_object(name):
    assert _round_trip(activations.get(name)) is activations.get(name)


def test_a_parametric_activation_keeps_its_parameters():
    back = _round_trip(activations.leaky_relu(0.2))
    assert back.params == {"alpha": 0.2}
    np.testing.assert_array_equal(back(np.array([-1.0, 2.0])), [-0.2, 2.0])   # 0.2 · (−1), 2


def _cube(net):
    return net ** 3


def _cube_derivative(net, out):
    return 3 * net ** 2


def test_a_user_activation_pickles_by_value_or_says_why_not():
    ok = Activation("cube_pickle_test", value=_cube, derivative=_cube_derivative)
    back = _round_trip(ok)
    assert back.name == "cube_pickle_test" and back.value is _cube
    bad = Activation("cube_lambda", value=lambda net: net ** 3, derivative=lambda net, out: 3 * net ** 2)
    with pytest.raises(pickle.PicklingError, match=r"'cube_lambda'.*module-level function"):
        pickle.dumps(bad)


@pytest.mark.parametrize("name", initializers.names())
def test_builtin_initializers_draw_the_same_numbers_after_pickling(name):
    init = initializers.get(name)
    back = _round_trip(init)
    a = init((3, 4), 4, 3, np.random.default_rng(0))
    b = back((3, 4), 4, 3, np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    for made in (initializers.constant(0.5), initializers.from_array([[1.0, 2.0]])):
        np.testing.assert_array_equal(_round_trip(made)((1, 2), 2, 1, None), made((1, 2), 2, 1, None))


def _same(a: Network, b: Network, X) -> None:
    assert a.params.keys() == b.params.keys()
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
        assert a.params[k].dtype == b.params[k].dtype
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def _train(net: Network, X, y, steps: int = 3) -> None:
    for _ in range(steps):
        net.train_step(X, y, 0.05)


@needs_network
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", _TRAINABLE)
def test_dense_networks_with_every_activation_pickle(dtype, name):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 3)), np.eye(2)[[0, 1, 1, 0, 1, 0]]
    loss = "categorical_crossentropy" if name == "softmax" else "mse"
    act = activations.leaky_relu(0.2) if name == "leaky_relu" else name
    inner = "tanh" if name == "softmax" else act
    net = Network([Dense(4, inner, kernel_initializer="he_normal"), Dense(2, act)], loss=loss,
                  input_shape=3, dtype=dtype, seed=0)
    _train(net, X, y)
    back = _round_trip(net)
    _same(net, back, X)
    _train(net, X, y)
    _train(back, X, y)                      # training continues identically
    _same(net, back, X)


@needs_network
@pytest.mark.parametrize("init", initializers.names())
def test_networks_with_every_initializer_pickle_unbuilt_and_build_the_same(init):
    net = Network([Dense(3, "relu", kernel_initializer=init, bias_initializer=init)], seed=4)
    back = _round_trip(net)
    assert not back.built
    X = np.ones((2, 5))
    net.build(5)
    back.build(5)
    _same(net, back, X)


@needs_network
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_conv_batchnorm_dropout_network_pickles_and_trains_on_identically(dtype):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(4, 1, 6, 6)), np.eye(3)[[0, 1, 2, 0]]
    net = Network([Conv2D(2, 3, activation="relu", padding="same"), BatchNorm(), MaxPool2D(2), Flatten(),
                   Dropout(0.3), Dense(3, "softmax")], loss="categorical_crossentropy",
                  input_shape=(1, 6, 6), dtype=dtype, seed=0)
    _train(net, X, y)
    back = _round_trip(net)
    _same(net, back, X)
    _train(net, X, y)                       # Dropout draws from the pickled generator: same masks
    _train(back, X, y)
    _same(net, back, X)
