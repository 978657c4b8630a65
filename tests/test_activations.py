"""Tests for glassnet.activations.

Oracles: central finite differences in float64 (with their rounding error bounded),
central finite differences in 60-digit decimal arithmetic at extreme inputs (where the
float64 difference can no longer resolve the derivative), and PyTorch's own functions
and autograd on the same numbers.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from glassnet import Dense, Network, activations, gradcheck
from glassnet.activations import Activation
from glassnet.errors import ConfigError

EPS = np.finfo(np.float64).eps
ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"]
KINKED = {"relu", "leaky_relu"}  # not differentiable at 0: finite differences stay away from it

MODERATE = np.linspace(-20.0, 20.0, 400)  # 400 points, none of them 0
EXTREME = np.array([30.0, 40.0, 100.0, 700.0, 710.0, 745.0, 800.0, 1e3, 1e4])
EXTREME = np.concatenate([-EXTREME[::-1], EXTREME])
SMALL = np.array([-1e-3, -1e-8, 0.0, 1e-8, 1e-3])


def points(name: str) -> np.ndarray:
    """Where each derivative is checked: moderate, extreme and (for smooth ones) near 0."""
    near_zero = SMALL[np.abs(SMALL) >= 1e-3] if name in KINKED else SMALL
    return np.concatenate([MODERATE, EXTREME, near_zero])


def torch_value(name: str, z: torch.Tensor) -> torch.Tensor:
    """The same function in PyTorch."""
    return {
        "identity": lambda t: t,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, negative_slope=0.01),
        # F.softplus switches to the identity above its threshold (20) and is off there by
        # up to 2e-9; logaddexp(z, 0) = ln(e^z + 1) is the exact softplus, computed stably.
        "softplus": lambda t: torch.logaddexp(t, torch.zeros_like(t)),
    }[name](z)


def derivative(name: str, z: np.ndarray) -> np.ndarray:
    act = activations.get(name)
    return act.derivative(z, act(z))


# ----------------------------------------------------------- values against PyTorch


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("dtype, rtol, atol", [(np.float64, 1e-14, 1e-300), (np.float32, 2e-6, 1e-37)])
def test_value_matches_torch(name, dtype, rtol, atol):
    z = np.concatenate([MODERATE, EXTREME, SMALL]).astype(dtype)
    ours = activations.get(name)(z)
    theirs = torch_value(name, torch.from_numpy(z)).numpy()
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def test_softplus_matches_torch_softplus_below_its_threshold():
    z = np.linspace(-30, 19.5, 300)
    np.testing.assert_allclose(activations.softplus(z), F.softplus(torch.from_numpy(z)).numpy(), rtol=1e-14)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-14), (np.float32, 2e-6)])
def test_softmax_value_matches_torch(rng, dtype, rtol):
    z = np.concatenate([rng.normal(scale=5, size=(20, 6)),
                        [[1e4, -1e4, 0, 1, 2, 3], [1e4, 1e4 - 1, -1e4, 0, 0, 0], [-1e4] * 6]]).astype(dtype)
    ours = activations.softmax(z)
    theirs = torch.softmax(torch.from_numpy(z), dim=-1).numpy()
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-300 if dtype == np.float64 else 1e-37)
    np.testing.assert_allclose(ours.sum(axis=1), 1.0, rtol=4 * np.finfo(dtype).eps)


# ----------------------------------------------------------- derivatives: finite differences


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    act = activations.get(name)
    z = points(name)
    h = 1e-6 * np.maximum(1.0, np.abs(z))
    zp, zm = z + h, z - h
    fp, fm = act(zp), act(zm)
    numeric = (fp - fm) / (zp - zm)
    # The difference is only known to the rounding error of f(z ± h), about ε|f|/h;
    # where the derivative is smaller than that (|z| large for σ, tanh) this check can't
    # resolve it and the decimal check below takes over.
    noise = 4 * EPS * np.maximum(np.abs(fp), np.abs(fm)) / (zp - zm)
    analytic = derivative(name, z)
    err = np.abs(analytic - numeric)
    bad = err > 1e-6 * np.abs(numeric) + noise
    assert not bad.any(), list(zip(z[bad], analytic[bad], numeric[bad]))


def _log1p(x: Decimal) -> Decimal:
    return x - x * x / 2 if x < Decimal("1e-30") else (1 + x).ln()


def _split(name: str, z: Decimal) -> tuple[Decimal, Decimal]:
    """``f(z) = slope · z + const + rest(z)`` near z, with ``rest`` free of cancellation.

    Returns ``(slope, rest)``: subtracting the asymptote keeps all 60 digits on the
    tiny part that carries the derivative far from 0 (σ(z) = 1 − e^−z/(1+e^−z)).
    """
    if name == "sigmoid":  # σ(z) − [z > 0]
        e = (-abs(z)).exp()
        return Decimal(0), (-e if z > 0 else e) / (1 + e)
    if name == "tanh":  # tanh(z) − sign(z) = ∓ 2 e^(−2|z|) / (1 + e^(−2|z|))
        e = (-2 * abs(z)).exp()
        return Decimal(0), (-2 * e if z > 0 else 2 * e) / (1 + e)
    if name == "softplus":  # z>0: z + ln(1 + e^−z);  z<0: ln(1 + e^z)
        return (Decimal(1) if z > 0 else Decimal(0)), _log1p((-abs(z)).exp())
    raise AssertionError(name)


def decimal_derivative(name: str, z: float) -> float:
    """f'(z) by a central difference in 60-digit arithmetic (h = 1e−25)."""
    with localcontext() as ctx:
        ctx.prec = 60
        x, h = Decimal(z), Decimal("1e-25")
        slope, _ = _split(name, x)
        return float(slope + (_split(name, x + h)[1] - _split(name, x - h)[1]) / (2 * h))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_derivative_at_extreme_points_matches_high_precision_differences(name):
    z = np.concatenate([EXTREME, [-20.0, -5.0, -0.5, 0.5, 5.0, 20.0]])
    exact = np.array([decimal_derivative(name, float(v)) for v in z])
    analytic = derivative(name, z)
    # Derivatives here are at most 1; float64 carries them to ~1e-16 absolute, so
    # where they underflow (σ'(±1e4) = e^−10000) 0 is the right float64 answer.
    np.testing.assert_allclose(analytic, exact, rtol=1e-12, atol=1e-15)
    assert np.all(analytic >= 0)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_torch_autograd(name):
    z = torch.from_numpy(np.concatenate([MODERATE, EXTREME, SMALL])).requires_grad_()
    torch_value(name, z).sum().backward()
    # including the conventions at 0: relu'(0) = 0, leaky_relu'(0) = alpha, as in PyTorch
    # (both round 1 − out² and out(1 − out) near saturation: agree to ~1e-16 absolute)
    np.testing.assert_allclose(derivative(name, z.detach().numpy()), z.grad.numpy(), rtol=1e-14, atol=1e-15)


def softmax_rows(rng) -> np.ndarray:
    return np.concatenate([rng.normal(scale=3, size=(12, 5)),
                           [[1e4, -1e4, 0, 1, 2], [1e4, 1e4 - 1, -1e4, 0, 3], [-1e4, -1e4, -1e4, -1e4, -1e4],
                            [800, 801, 799, -800, 0]]])


def test_softmax_vjp_matches_central_differences(rng):
    z = softmax_rows(rng)
    dout = rng.normal(size=z.shape)
    analytic = activations.softmax.vjp(z, activations.softmax(z), dout)
    h = 1e-6
    for j in range(z.shape[1]):
        zp, zm = z.copy(), z.copy()
        zp[:, j] += h
        zm[:, j] -= h
        sp = (dout * activations.softmax(zp)).sum(axis=1)  # s(z) = Σ_k dout_k softmax(z)_k
        sm = (dout * activations.softmax(zm)).sum(axis=1)
        numeric = (sp - sm) / (zp[:, j] - zm[:, j])
        noise = 4 * EPS * np.maximum(np.abs(sp), np.abs(sm)) / (zp[:, j] - zm[:, j])
        assert np.all(np.abs(analytic[:, j] - numeric) <= 1e-6 * np.abs(numeric) + noise), j


def test_softmax_vjp_matches_torch_autograd(rng):
    z = softmax_rows(rng)
    dout = rng.normal(size=z.shape)
    zt = torch.from_numpy(z).requires_grad_()
    torch.softmax(zt, dim=-1).backward(torch.from_numpy(dout))
    ours = activations.softmax.vjp(z, activations.softmax(z), dout)
    np.testing.assert_allclose(ours, zt.grad.numpy(), rtol=1e-12, atol=1e-15)


# ----------------------------------------------------------- extreme inputs stay quiet


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_extreme_inputs_never_warn_overflow_or_underflow(strict_floats, dtype):
    z = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4], [-800.0, 90.0, -90.0]], dtype=dtype)
    dout = np.ones_like(z)
    with strict_floats():
        for name in ELEMENTWISE + ["softmax"]:
            act = activations.get(name)
            out = act(z)
            delta = act.vjp(z, out, dout)
            assert out.dtype == dtype and delta.dtype == dtype, name
            assert np.all(np.isfinite(out)) and np.all(np.isfinite(delta)), name
        s = activations.sigmoid(z)
        p = activations.softmax(z)
        sp = activations.softplus(z)
    assert s[0].tolist() == [0.0, 0.5, 1.0]
    assert p[0].tolist() == [0.0, 0.0, 1.0] and p[1].tolist() == [0.5, 0.5, 0.0]
    np.testing.assert_allclose(p[2], 1 / 3, rtol=1e-6)
    assert sp[0, 0] == 0.0 and sp[0, 2] == 1e4


def test_nan_is_not_hidden():
    z = np.array([np.nan, 1.0])
    for name in ELEMENTWISE:
        assert np.isnan(activations.get(name)(z)[0]), name
    assert np.isnan(activations.softmax(z.reshape(1, -1))).all()


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax", "hardlim", "hardlims"])
def test_float32_stays_float32(name):
    z = np.array([[-3.0, -0.5, 0.0, 0.5, 3.0]], dtype=np.float32)
    act = activations.get(name)
    out = act(z)
    assert out.dtype == np.float32
    if act.differentiable:
        assert act.vjp(z, out, np.ones_like(z)).dtype == np.float32


# ----------------------------------------------------------- hard limits


def test_hardlim_and_hardlims_values():
    z = np.array([-1e4, -2.0, -1e-300, -0.0, 0.0, 1e-300, 3.0, 1e4])
    # MATLAB: hardlim(n) = 1 if n >= 0 else 0;  hardlims(n) = 1 if n >= 0 else -1
    assert activations.hardlim(z).tolist() == [0, 0, 0, 1, 1, 1, 1, 1]
    assert activations.hardlims(z).tolist() == [-1, -1, -1, 1, 1, 1, 1, 1]
    assert activations.get("hardlim")(np.array([0.0]))[0] == 1.0
    assert not activations.hardlim.differentiable and not activations.hardlims.differentiable


@pytest.mark.parametrize("name", ["hardlim", "hardlims"])
def test_network_refuses_hard_limits_at_construction(name):
    with pytest.raises(ConfigError, match=rf"'{name}'.*Perceptron"):
        Network([Dense(3, "tanh"), Dense(1, name)], input_shape=2)
    with pytest.raises(ConfigError, match="cannot be trained"):
        activations.get(name).vjp(np.zeros(2), np.zeros(2), np.ones(2))


# ----------------------------------------------------------- registry


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ConfigError) as info:
        activations.get("swishy")
    message = str(info.value)
    assert "'swishy'" in message
    for name in activations.names():
        assert name in message
    with pytest.raises(ConfigError, match="name or an Activation"):
        activations.get(3)
    with pytest.raises(ConfigError, match="takes an Activation"):
        activations.register("sigmoid")


@pytest.mark.parametrize("alias, name", [("logistic", "sigmoid"), ("logsig", "sigmoid"), ("tansig", "tanh"),
                                         ("purelin", "identity"), ("linear", "identity"), (None, "identity"),
                                         ("Leaky-ReLU", "leaky_relu"), (" ReLU ", "relu")])
def test_aliases(alias, name):
    assert activations.get(alias) is activations.get(name)


def test_leaky_relu_slope_is_a_parameter():
    act = activations.leaky_relu(0.2)
    z = np.array([-2.0, 3.0])
    assert act(z).tolist() == [-0.4, 3.0]
    assert act.derivative(z, act(z)).tolist() == [0.2, 1.0]
    assert "alpha=0.2" in repr(act)


def test_formulas_are_filled_in():
    for name in activations.names():
        act = activations.get(name)
        assert act.formula and act.latex, name
        if act.differentiable:
            assert act.derivative_formula and act.derivative_latex, name


# ----------------------------------------------------------- a user-defined activation


def make_swish(derivative=None) -> Activation:
    sig = activations.sigmoid
    return Activation(
        "swish",
        value=lambda net: net * sig(net),
        derivative=derivative or (lambda net, out: out + sig(net) * (1 - out)),
        formula="out = net · σ(net)",
        derivative_formula="out + σ(net) · (1 − out)",
    )


def test_user_activation_matches_torch_silu():
    swish = make_swish()
    z = torch.from_numpy(np.concatenate([MODERATE, SMALL])).requires_grad_()
    F.silu(z).sum().backward()
    zn = z.detach().numpy()
    np.testing.assert_allclose(swish(zn), F.silu(z).detach().numpy(), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(swish.derivative(zn, swish(zn)), z.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_user_activation_trains_and_passes_gradcheck(rng):
    swish = make_swish()
    X = rng.normal(size=(40, 3))
    y = np.sin(X @ np.array([[1.0], [-0.5], [0.25]]))
    net = Network([Dense(6, swish), Dense(1)], loss="mse", input_shape=3, seed=1)
    assert gradcheck(net, X[:6], y[:6]).ok
    losses = [net.train_step(X, y, learning_rate=0.1) for _ in range(200)]
    assert losses[-1] < 0.5 * losses[0]
    assert net.layers[0].activation is swish


# ---------------------------------------------------------------- registering and naming with parameters

def test_register_refuses_to_replace_a_builtin():
    for name in ("sigmoid", "leaky_relu", "Leaky-ReLU", "logistic"):
        fake = Activation(name, value=lambda net: net, derivative=lambda net, out: np.ones_like(net))
        with pytest.raises(ConfigError, match="built-in.*choose another name"):
            activations.register(fake)
    with pytest.raises(ConfigError, match="built-in"):
        activations.register(activations.leaky_relu(0.2))
    # nothing changed: leaky_relu still has slope 0.01 and sigmoid is still σ
    assert activations.get("leaky_relu").params == {"alpha": 0.01}
    assert activations.get("sigmoid")(np.array([0.0]))[0] == 0.5


def test_register_replaces_a_user_name_only_when_asked():
    first = Activation("cube_reg_test", value=lambda net: net ** 3, derivative=lambda net, out: 3 * net ** 2)
    second = Activation("cube_reg_test", value=lambda net: net ** 3, derivative=lambda net, out: 3 * net ** 2)
    try:
        assert activations.register(first) is first
        assert activations.register(first) is first          # the same object again: nothing to replace
        with pytest.raises(ConfigError, match="already registered.*replace=True"):
            activations.register(second)
        assert activations.get("cube_reg_test") is first
        activations.register(second, replace=True)
        assert activations.get("cube_reg_test") is second
    finally:
        activations._REGISTRY.pop("cube_reg_test", None)


def test_a_parametric_activation_is_named_with_its_parameters():
    lr = activations.leaky_relu(0.2)
    assert activations.to_config(lr) == {"name": "leaky_relu", "alpha": 0.2}
    back = activations.get({"name": "leaky_relu", "alpha": 0.2})
    # out = net if net > 0 else 0.2 · net; f' = 1 if net > 0 else 0.2
    np.testing.assert_array_equal(back(np.array([-1.0, 3.0])), [-0.2, 3.0])
    np.testing.assert_array_equal(back.derivative(np.array([-1.0, 3.0]), None), [0.2, 1.0])
    assert activations.to_config(activations.get("tanh")) == "tanh"
    assert activations.get({"name": "tanh"}) is activations.get("tanh")
    for bad in ({"name": "leaky_relu", "alpha": "0.2"}, {"name": "leaky_relu", "beta": 1},
                {"name": "tanh", "alpha": 1}, {"alpha": 1}, {"name": "leaky_relu", "alpha": float("nan")}):
        with pytest.raises(ConfigError):
            activations.get(bad)
