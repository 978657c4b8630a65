"""Tests for glassnet.initializers.

Oracles: the published formulas (large-sample mean, variance, bounds and tail mass)
and PyTorch's ``torch.nn.init`` on tensors of the same (S, R) shape, which also pins
the fan convention: fan_in = R (inputs), fan_out = S (neurons).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from glassnet import Dense, Network, initializers
from glassnet.errors import ConfigError

S, R = 400, 500  # 200,000 samples; fan_in = R, fan_out = S
UNIFORM = {  # half-width a of U(−a, a)
    "glorot_uniform": math.sqrt(6 / (R + S)),
    "he_uniform": math.sqrt(6 / R),
    "lecun_uniform": math.sqrt(3 / R),
}
NORMAL = {  # variance of N(0, σ²)
    "glorot_normal": 2 / (R + S),
    "he_normal": 2 / R,
    "lecun_normal": 1 / R,
}


def sample(name, dtype=np.float64, seed=0):
    return initializers.get(name)((S, R), R, S, np.random.default_rng(seed), dtype)


@pytest.mark.parametrize("name", list(UNIFORM))
def test_uniform_bounds_mean_and_variance(name):
    a = UNIFORM[name]
    W = sample(name)
    assert W.shape == (S, R) and W.dtype == np.float64
    assert W.max() <= a and W.min() >= -a
    assert W.max() > 0.999 * a and W.min() < -0.999 * a  # the whole interval is used
    n = W.size
    assert abs(W.mean()) < 5 * a / math.sqrt(3 * n)      # 5 standard errors
    assert W.var() == pytest.approx(a * a / 3, rel=0.02)  # Var U(−a, a) = a²/3


@pytest.mark.parametrize("name", list(NORMAL))
def test_normal_mean_variance_and_tails(name):
    var = NORMAL[name]
    W = sample(name)
    sd = math.sqrt(var)
    assert abs(W.mean()) < 5 * sd / math.sqrt(W.size)
    assert W.var() == pytest.approx(var, rel=0.02)
    # a plain (not truncated) normal: P(|x| > 2σ) = 4.55%
    assert np.mean(np.abs(W) > 2 * sd) == pytest.approx(0.0455, abs=0.003)


def test_seeded_and_dtype():
    assert sample("he_normal", seed=3).tobytes() == sample("he_normal", seed=3).tobytes()
    assert not np.array_equal(sample("he_normal", seed=3), sample("he_normal", seed=4))
    for name in [*UNIFORM, *NORMAL, "zeros", "ones"]:
        assert sample(name, np.float32).dtype == np.float32


TORCH = {  # our name -> torch.nn.init call (gain 1 for Glorot/LeCun, √2 for He with ReLU)
    "glorot_uniform": lambda t: torch.nn.init.xavier_uniform_(t),
    "glorot_normal": lambda t: torch.nn.init.xavier_normal_(t),
    "he_uniform": lambda t: torch.nn.init.kaiming_uniform_(t, a=0, nonlinearity="relu"),
    "he_normal": lambda t: torch.nn.init.kaiming_normal_(t, a=0, nonlinearity="relu"),
    "lecun_uniform": lambda t: torch.nn.init.kaiming_uniform_(t, nonlinearity="linear"),
    "lecun_normal": lambda t: torch.nn.init.kaiming_normal_(t, nonlinearity="linear"),
}


@pytest.mark.parametrize("name", list(TORCH))
def test_dense_weights_match_torch_nn_init(name):
    # A very non-square layer, so swapped fans would show: 50 neurons, 2000 inputs.
    units, inputs = 50, 2000
    net = Network([Dense(units, kernel_initializer=name)], input_shape=inputs, seed=0)
    ours = net.params["W1"]
    torch.manual_seed(0)
    theirs = TORCH[name](torch.empty(units, inputs, dtype=torch.float64)).numpy()
    fan_in, fan_out = inputs, units
    gain = math.sqrt(2) if name.startswith("he") else 1.0
    fans = (fan_in + fan_out) / 2 if name.startswith("glorot") else fan_in
    std = gain / math.sqrt(fans)  # torch's documented formula, both families
    assert ours.std() == pytest.approx(std, rel=0.03)
    assert theirs.std() == pytest.approx(std, rel=0.03)
    if name.endswith("uniform"):
        bound = math.sqrt(3) * std  # torch: bound = gain·√(3/fan) (Glorot: gain·√(6/(fan_in+fan_out)))
        assert np.abs(ours).max() <= bound and np.abs(ours).max() > 0.999 * bound
        assert np.abs(theirs).max() <= bound * (1 + 1e-12)
    np.testing.assert_array_equal(net.params["b1"], 0.0)  # biases start at zero by default


def test_constants():
    z = initializers.get("zeros")((2, 3), 3, 2, None)
    assert z.shape == (2, 3) and not z.any()
    assert initializers.get("ones")((2,), 3, 2, None).tolist() == [1.0, 1.0]
    for value in (0.25, 2, np.float32(0.5), np.int64(3)):
        assert initializers.get(value)((2,), 1, 1, None, np.float32).tolist() == [float(value)] * 2
    with pytest.raises(ConfigError, match="finite"):
        initializers.get(float("nan"))


def test_user_arrays_are_checked():
    init = initializers.get([[0.15, 0.20], [0.25, 0.30]])
    W = init((2, 2), 2, 2, None)
    assert W.tolist() == [[0.15, 0.20], [0.25, 0.30]]
    assert init((2, 2), 2, 2, None, np.float32).dtype == np.float32
    with pytest.raises(ConfigError, match=r"initial values have shape \(2, 2\); the parameter needs shape \(2, 3\)"):
        init((2, 3), 3, 2, None)
    with pytest.raises(ConfigError, match="NaN or inf"):
        initializers.get(np.array([1.0, np.inf]))((2,), 1, 2, None)
    net = Network([Dense(2, W=[[1, 2], [3, 4]], b=[5, 6])], input_shape=2)
    assert net.params["W1"].tolist() == [[1, 2], [3, 4]] and net.params["b1"].tolist() == [5, 6]
    with pytest.raises(ConfigError, match=r"shape \(3,\); the parameter needs shape \(2,\)"):
        Network([Dense(2, b=[1, 2, 3])], input_shape=2)


def test_callables_pass_through():
    def halves(shape, fan_in, fan_out, rng, dtype=np.float64):
        return np.full(shape, 0.5, dtype=dtype)
    assert initializers.get(halves) is halves
    net = Network([Dense(3, kernel_initializer=halves, bias_initializer=halves)], input_shape=2)
    assert np.all(net.params["W1"] == 0.5) and np.all(net.params["b1"] == 0.5)


def test_names_aliases_and_errors():
    assert initializers.names() == sorted([*UNIFORM, *NORMAL, "zeros", "ones"])
    for alias, name in [("xavier_uniform", "glorot_uniform"), ("Xavier_Normal", "glorot_normal"),
                        ("kaiming_normal", "he_normal"), ("he", "he_normal"), ("lecun", "lecun_normal"),
                        ("zero", "zeros")]:
        assert initializers.get(alias) is initializers.get(name)
    with pytest.raises(ConfigError) as info:
        initializers.get("orthogonal")
    for name in initializers.names():
        assert name in str(info.value)
    for bad in (True, None, {"a": 1}):
        with pytest.raises(ConfigError, match="name, number, array or callable"):
            initializers.get(bad)
