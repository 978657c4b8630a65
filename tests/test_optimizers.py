"""Optimizers and schedules against torch.optim (torch==2.13.0), plus golden single steps.

The oracle: both libraries are fed the *same* gradients (a fixed NumPy function of the
current parameters) for 20 steps, and the parameter trajectories must agree to a
relative 1e-10 in float64.
"""

import math

import numpy as np
import pytest
import torch

from glassnet import optimizers
from glassnet.errors import ConfigError
from glassnet.optimizers import (SGD, Adam, AdamW, CosineAnnealing, ExponentialDecay, ReduceLROnPlateau,
                                 RMSprop, StepDecay, clip_grad_norm)

RNG = np.random.default_rng(7)
A = RNG.normal(size=(30, 30)) / 6
B = RNG.normal(size=30)
THETA0 = RNG.normal(size=30)


def grad_fn(theta: np.ndarray) -> np.ndarray:
    """∇ of f(θ) = ½‖Aθ − b‖² + Σ sin(3θ): non-convex, gradients of varied size and sign."""
    return A.T @ (A @ theta - B) + 3 * np.cos(3 * theta)


def torch_trajectory(make, steps=20, split=(30,)):
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in np.split(THETA0, np.cumsum(split)[:-1])]
    opt = make(params)
    out = []
    for _ in range(steps):
        g = grad_fn(torch.cat([p.detach() for p in params]).numpy())
        for p, gp in zip(params, np.split(g, np.cumsum(split)[:-1])):
            p.grad = torch.from_numpy(gp.copy())
        opt.step()
        out.append(torch.cat([p.detach() for p in params]).numpy().copy())
    return np.array(out)


def glassnet_trajectory(opt, steps=20, split=None):
    theta = THETA0.copy()
    grads = np.empty_like(theta)
    if split is None:
        params, gviews = theta, grads
    else:
        params = np.split(theta, np.cumsum(split)[:-1])   # views into theta
        gviews = np.split(grads, np.cumsum(split)[:-1])
    out = []
    for _ in range(steps):
        grads[...] = grad_fn(theta)
        opt.step(params, gviews)
        out.append(theta.copy())
    return np.array(out)


CASES = [
    ("sgd", lambda: SGD(lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    ("sgd-momentum", lambda: SGD(lr=0.05, momentum=0.9),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("sgd-dampening", lambda: SGD(lr=0.05, momentum=0.8, dampening=0.3),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3)),
    ("sgd-nesterov", lambda: SGD(lr=0.05, momentum=0.9, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    ("sgd-weight-decay", lambda: SGD(lr=0.05, momentum=0.9, weight_decay=0.1),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.1)),
    ("rmsprop", lambda: RMSprop(lr=0.01), lambda p: torch.optim.RMSprop(p, lr=0.01)),
    ("rmsprop-momentum-centered", lambda: RMSprop(lr=0.01, rho=0.9, momentum=0.5, centered=True, weight_decay=0.05),
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.05)),
    ("adam", lambda: Adam(lr=0.05), lambda p: torch.optim.Adam(p, lr=0.05)),
    ("adam-l2-amsgrad", lambda: Adam(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, amsgrad=True, weight_decay=0.1),
     lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6, amsgrad=True, weight_decay=0.1)),
    ("adamw", lambda: AdamW(lr=0.05), lambda p: torch.optim.AdamW(p, lr=0.05)),
    ("adamw-strong-decay", lambda: AdamW(lr=0.05, weight_decay=0.5, amsgrad=True),
     lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.5, amsgrad=True)),
]


def assert_close(ours, theirs, rtol=1e-10):
    err = np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-12))
    assert err <= rtol, f"max relative difference {err:.3e}"


@pytest.mark.parametrize("name,ours,theirs", CASES, ids=[c[0] for c in CASES])
def test_trajectory_matches_torch(name, ours, theirs):
    expected = torch_trajectory(theirs)
    assert np.abs(expected[-1] - THETA0).max() > 0.1     # the problem really moves the parameters
    assert_close(glassnet_trajectory(ours()), expected)


@pytest.mark.parametrize("name,ours,theirs", CASES, ids=[c[0] for c in CASES])
def test_trajectory_with_several_arrays_and_small_chunks(name, ours, theirs, monkeypatch):
    # per-array state and chunk boundaries must not change the numbers
    monkeypatch.setattr(optimizers, "CHUNK", 7)
    split = (11, 4, 15)
    assert_close(glassnet_trajectory(ours(), split=split), torch_trajectory(theirs, split=split))


def test_clipping_matches_torch_clip_grad_norm():
    g = RNG.normal(size=30) * 5
    tg = torch.tensor(g.copy())
    p = torch.zeros(30, dtype=torch.float64, requires_grad=True)
    p.grad = tg
    norm_t = torch.nn.utils.clip_grad_norm_([p], max_norm=2.0)
    ours = g.copy()
    norm = clip_grad_norm(ours, 2.0)
    assert math.isclose(norm, float(norm_t), rel_tol=1e-12)
    assert_close(ours, p.grad.numpy(), rtol=1e-12)
    small = g / 1000
    kept = small.copy()
    clip_grad_norm(kept, 2.0)
    np.testing.assert_array_equal(kept, small)      # under the limit: untouched


def test_clipped_adam_trajectory_matches_torch():
    params = [torch.tensor(THETA0.copy(), requires_grad=True)]
    opt_t = torch.optim.Adam(params, lr=0.05)
    expected = []
    for _ in range(20):
        params[0].grad = torch.from_numpy(grad_fn(params[0].detach().numpy()))
        torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
        opt_t.step()
        expected.append(params[0].detach().numpy().copy())
    assert_close(glassnet_trajectory(Adam(lr=0.05, clip_norm=1.0)), np.array(expected))


def test_float32_stays_float32():
    theta = THETA0.astype(np.float32)
    for opt in (SGD(lr=0.1, momentum=0.9, weight_decay=0.01), RMSprop(centered=True, momentum=0.5), Adam(), AdamW()):
        p = theta.copy()
        g = grad_fn(theta.astype(np.float64)).astype(np.float32)
        opt.step(p, g)
        assert p.dtype == np.float32 and all(s.dtype == np.float32 for st in opt.state for s in st.values())
        assert opt._scratch.dtype == np.float32


def test_golden_single_adam_step():
    # First Adam step, hand-worked: m = (1 − 0.9)·g, v = (1 − 0.999)·g²; bias-corrected
    # m̂ = g, v̂ = g², so the step is lr · g / (|g| + 1e-8) ≈ lr · sign(g).
    p, g = np.array([1.0, -2.0]), np.array([0.5, -4.0])
    Adam(lr=0.1).step(p, g)
    np.testing.assert_allclose(p, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 * 4.0 / (4.0 + 1e-8)], rtol=1e-14)


def test_gradients_are_left_untouched_by_weight_decay():
    p, g = np.ones(5), np.full(5, 0.5)
    SGD(lr=0.1, weight_decay=0.3).step(p, g)
    np.testing.assert_array_equal(g, 0.5)
    np.testing.assert_allclose(p, 1 - 0.1 * (0.5 + 0.3))   # θ − η (g + λθ)


def test_schedules_match_torch():
    cases = [
        (StepDecay(3, gamma=0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
        (ExponentialDecay(0.9), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
        (CosineAnnealing(7, min_lr=0.001), lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.001)),
    ]
    for ours, make in cases:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = make(opt)
        for epoch in range(20):
            assert math.isclose(ours(epoch, 0.1), opt.param_groups[0]["lr"], rel_tol=1e-10), (ours, epoch)
            opt.step()
            sched.step()


def test_reduce_on_plateau_matches_torch():
    values = [1.0, 0.9, 0.9, 0.95, 0.91, 0.905, 0.9, 0.7, 0.71, 0.72, 0.73, 0.74, 0.69, 0.70, 0.70, 0.70,
              0.70, 0.70, 0.70, 0.70]
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, min_lr=0.01)
    ours, lr = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.01), 0.1
    lrs = []
    for v in values:
        theirs.step(v)
        lr = ours.step(v, lr)
        lrs.append(lr)
        assert math.isclose(lr, opt.param_groups[0]["lr"], rel_tol=1e-12)
    assert len(set(lrs)) >= 3                        # it did reduce, more than once


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ConfigError, match="'lr' parameter of Adam"):
        Adam(lr=-1)
    with pytest.raises(ConfigError, match="'beta1'.*got 1.0"):
        Adam(beta1=1.0)
    with pytest.raises(ConfigError, match="nesterov"):
        SGD(nesterov=True)
    with pytest.raises(ConfigError, match="unknown optimizer 'adamax'"):
        optimizers.get("adamax")
    with pytest.raises(ConfigError, match="call reset"):
        opt = SGD(momentum=0.9)
        opt.step(np.zeros(3), np.zeros(3))
        opt.step(np.zeros(4), np.zeros(4))
    with pytest.raises(ConfigError, match="contiguous"):
        SGD().step(np.zeros((4, 4))[:, 0], np.zeros(4))


def test_registry():
    assert isinstance(optimizers.get("adam", lr=0.01), Adam)
    assert optimizers.get("sgd", momentum=0.9).momentum == 0.9
    assert optimizers.names() == ["adam", "adamw", "rmsprop", "sgd"]
    assert repr(SGD(lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9, nesterov=False)"


# ---------------------------------------------------------------- learning_rate, the Keras/PyTorch spelling

@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam", "adamw"])
def test_learning_rate_is_a_synonym_of_lr(name):
    from glassnet import optimizers
    cls = optimizers._REGISTRY[name]
    assert cls(learning_rate=0.25).lr == 0.25
    assert optimizers.get(name, learning_rate=0.25).lr == 0.25
    assert cls().lr == (0.01 if name in ("sgd", "rmsprop") else 0.001)     # torch's defaults unchanged
    with pytest.raises(ConfigError, match="both lr=.*learning_rate"):
        cls(lr=0.1, learning_rate=0.2)
    with pytest.raises(ConfigError, match="learning_rate"):
        cls(learning_rate=0.0)


def test_learning_rate_gives_the_same_step_as_lr():
    # θ = 1, g = 0.5, η = 0.1: θ ← 1 − 0.1·0.5 = 0.95
    from glassnet.optimizers import SGD
    p = np.array([1.0])
    SGD(learning_rate=0.1).step(p, np.array([0.5]))
    assert p.tolist() == [0.95]


def test_get_names_an_unknown_argument():
    from glassnet import optimizers
    with pytest.raises(ConfigError, match=r"SGD takes no argument 'learning_rte'.*learning_rate"):
        optimizers.get("sgd", learning_rte=0.1)
