"""Tests for glassnet.losses.

Oracles: PyTorch's losses and autograd (MSELoss, BCELoss, BCEWithLogitsLoss,
cross_entropy, nll_loss) on the same numbers, central finite differences, the
textbook total error of the seed example, and sample weights checked against
repeated rows.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from glassnet import Dense, Network, activations, gradcheck, losses
from glassnet.errors import ConfigError
from glassnet.losses import Loss

EPS = np.finfo(np.float64).eps
NAMES = ["total_error", "mse", "binary_crossentropy", "categorical_crossentropy"]
N, K = 7, 4


def batch(name: str, rng, soft: bool = True):
    """Outputs and targets a loss of this kind meets: probabilities for the cross-entropies."""
    out = rng.uniform(0.05, 0.95, size=(N, K))
    if name == "categorical_crossentropy":
        out /= out.sum(axis=1, keepdims=True)  # a softmax output
        target = rng.dirichlet(np.ones(K), size=N) if soft else np.eye(K)[rng.integers(K, size=N)]
    elif name == "binary_crossentropy":
        target = rng.uniform(size=(N, K)) if soft else rng.integers(0, 2, size=(N, K)).astype(float)
    else:
        target = rng.normal(size=(N, K))
    return out, target


def torch_per_sample(name: str, o: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    if name == "total_error":
        return 0.5 * ((t - o) ** 2).sum(dim=1)
    if name == "mse":
        return F.mse_loss(o, t, reduction="none").mean(dim=1)
    if name == "binary_crossentropy":
        return F.binary_cross_entropy(o, t, reduction="none").mean(dim=1)
    return -(t * torch.log(o)).sum(dim=1)


def torch_loss(name: str, o: torch.Tensor, t: torch.Tensor, w: torch.Tensor | None) -> torch.Tensor:
    """The batch loss as PyTorch computes it: its mean reductions, or Σ w_i L_i / Σ w_i."""
    if w is not None:
        return (w * torch_per_sample(name, o, t)).sum() / w.sum()
    if name == "mse":
        return torch.nn.MSELoss()(o, t)  # mean over every entry = mean over rows of row means
    if name == "binary_crossentropy":
        return torch.nn.BCELoss()(o, t)
    return torch_per_sample(name, o, t).mean()


WEIGHTS = [None, "weighted"]


def weights(kind, rng):
    return None if kind is None else rng.uniform(0.1, 3.0, size=N)


# ----------------------------------------------------------- values and gradients vs PyTorch


@pytest.mark.parametrize("weighted", WEIGHTS)
@pytest.mark.parametrize("name", NAMES)
def test_value_and_gradient_match_torch(name, weighted, rng):
    out, target = batch(name, rng)
    w = weights(weighted, rng)
    loss = losses.get(name)
    o = torch.from_numpy(out).requires_grad_()
    ref = torch_loss(name, o, torch.from_numpy(target), None if w is None else torch.from_numpy(w))
    ref.backward()
    assert loss.value(out, target, w) == pytest.approx(ref.item(), rel=1e-13)
    np.testing.assert_allclose(loss.gradient(out, target, w), o.grad.numpy(), rtol=1e-12, atol=1e-16)


def test_categorical_crossentropy_matches_nll_loss_on_labels(rng):
    out, target = batch("categorical_crossentropy", rng, soft=False)
    o = torch.from_numpy(out).requires_grad_()
    ref = F.nll_loss(torch.log(o), torch.from_numpy(target.argmax(axis=1)))
    ref.backward()
    loss = losses.categorical_crossentropy
    assert loss.value(out, target) == pytest.approx(ref.item(), rel=1e-13)
    np.testing.assert_allclose(loss.gradient(out, target), o.grad.numpy(), rtol=1e-12)


def test_binary_crossentropy_matches_bceloss_on_hard_labels(rng):
    out, target = batch("binary_crossentropy", rng, soft=False)
    assert losses.binary_crossentropy.value(out, target) == pytest.approx(
        torch.nn.BCELoss()(torch.from_numpy(out), torch.from_numpy(target)).item(), rel=1e-13)


@pytest.mark.parametrize("weighted", WEIGHTS)
@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name, weighted, rng):
    out, target = batch(name, rng)
    w = weights(weighted, rng)
    loss = losses.get(name)
    analytic = loss.gradient(out, target, w)
    h = 1e-6
    for idx in np.ndindex(out.shape):
        up, down = out.copy(), out.copy()
        up[idx] += h
        down[idx] -= h
        ep, em = loss.value(up, target, w), loss.value(down, target, w)
        numeric = (ep - em) / (up[idx] - down[idx])
        noise = 4 * EPS * max(abs(ep), abs(em)) / (2 * h)
        assert abs(analytic[idx] - numeric) <= 1e-6 * abs(numeric) + noise, (idx, analytic[idx], numeric)


# ----------------------------------------------------------- fused output layers


def torch_weighted(per_sample: torch.Tensor, w) -> torch.Tensor:
    return per_sample.mean() if w is None else (torch.from_numpy(w) * per_sample).sum() / w.sum()


NETS = {
    "moderate": lambda rng: rng.normal(scale=3, size=(N, K)),
    "extreme": lambda rng: np.where(rng.uniform(size=(N, K)) < 0.5, -1e4, 1e4) * rng.uniform(0.5, 1, size=(N, K)),
}


@pytest.mark.parametrize("scale", list(NETS))
@pytest.mark.parametrize("weighted", WEIGHTS)
def test_fused_binary_crossentropy_matches_bce_with_logits(scale, weighted, rng):
    net = NETS[scale](rng)
    target = rng.uniform(size=(N, K))
    w = weights(weighted, rng)
    z = torch.from_numpy(net).requires_grad_()
    if w is None:
        ref = torch.nn.BCEWithLogitsLoss()(z, torch.from_numpy(target))
    else:
        ref = torch_weighted(F.binary_cross_entropy_with_logits(z, torch.from_numpy(target), reduction="none")
                             .mean(dim=1), w)
    ref.backward()
    loss = losses.binary_crossentropy
    assert loss.fuses(activations.sigmoid) and not loss.fuses(activations.softmax)
    assert loss.value_from_net(net, target, w) == pytest.approx(ref.item(), rel=1e-13)
    delta = loss.fused_delta(activations.sigmoid(net), target, w)  # ∂E/∂net = (out − target)/K, reduced
    np.testing.assert_allclose(delta, z.grad.numpy(), rtol=1e-12, atol=1e-16)


TARGETS = {
    "labels": lambda rng: np.eye(K)[rng.integers(K, size=N)],
    "soft": lambda rng: rng.dirichlet(np.ones(K), size=N),
    "unnormalised": lambda rng: rng.uniform(size=(N, K)),  # e.g. multi-hot rows: Σ_k t_k ≠ 1
}


@pytest.mark.parametrize("scale", list(NETS))
@pytest.mark.parametrize("kind", list(TARGETS))
@pytest.mark.parametrize("weighted", WEIGHTS)
def test_fused_categorical_crossentropy_matches_cross_entropy(scale, kind, weighted, rng):
    net = NETS[scale](rng)
    target = TARGETS[kind](rng)
    w = weights(weighted, rng)
    z = torch.from_numpy(net).requires_grad_()
    t = torch.from_numpy(target.argmax(axis=1)) if kind == "labels" else torch.from_numpy(target)
    ref = F.cross_entropy(z, t) if w is None else torch_weighted(F.cross_entropy(z, t, reduction="none"), w)
    ref.backward()
    loss = losses.categorical_crossentropy
    assert loss.fuses(activations.softmax) and not loss.fuses(activations.sigmoid)
    assert loss.value_from_net(net, target, w) == pytest.approx(ref.item(), rel=1e-13)
    delta = loss.fused_delta(activations.softmax(net), target, w)
    np.testing.assert_allclose(delta, z.grad.numpy(), rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_losses_at_extreme_inputs_never_warn_and_stay_finite(strict_floats, dtype):
    net = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4], [-800.0, 90.0, -90.0]], dtype=dtype)
    target = np.array([[1.0, 0, 0], [0, 0, 1], [0, 1, 0], [0.2, 0.3, 0.5]], dtype=dtype)
    with strict_floats():
        outs = {"sigmoid": activations.sigmoid(net), "softmax": activations.softmax(net)}
        for name in NAMES:
            loss = losses.get(name)
            for act, out in outs.items():  # fused and unfused combinations alike
                assert np.isfinite(loss.value(out, target)), (name, act)
                g = loss.gradient(out, target)
                assert g.dtype == dtype and np.all(np.isfinite(g)), (name, act)
            if loss.per_sample_from_net is not None:
                assert np.isfinite(loss.value_from_net(net, target)), name
                d = loss.fused_delta(outs[loss.fused_with], target)
                assert d.dtype == dtype and np.all(np.isfinite(d)), name


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_class_label_form_matches_torch_cross_entropy_on_indices(dtype, rng):
    # fit's path for one-hot targets: E = −mean ln out_label, ∂E/∂net = (out − e_label)/n
    net = (rng.normal(size=(33, 7)) * 4).astype(dtype)
    labels = rng.integers(0, 7, size=33)
    z = torch.from_numpy(net.astype(np.float64)).requires_grad_()
    ref = F.cross_entropy(z, torch.from_numpy(labels))
    ref.backward()
    loss, out = losses.categorical_crossentropy, activations.softmax(net)
    rel = 1e-13 if dtype == np.float64 else 1e-6
    assert loss.value_from_labels(out, net, labels) == pytest.approx(ref.item(), rel=rel)
    delta = loss.fused_delta_from_labels(out, labels, into=np.empty_like(out))
    assert delta.dtype == dtype
    np.testing.assert_allclose(delta, z.grad.numpy(), rtol=rel, atol=1e-16 if dtype == np.float64 else 1e-8)
    onehot = np.eye(7, dtype=dtype)[labels]                 # the same numbers as the one-hot form, bit for bit
    np.testing.assert_array_equal(delta, loss.fused_delta(out, onehot))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_class_label_form_of_an_underflowed_probability_is_exact(strict_floats, dtype):
    # out_label rounds to 0 (or a subnormal): the row is computed from net as logsumexp − net_label
    net = np.array([[0.0, 900.0, -900.0], [1.0, 2.0, 3.0]], dtype=dtype)
    labels = np.array([2, 0])
    with strict_floats():
        out = activations.softmax(net)
        value = losses.categorical_crossentropy.value_from_labels(out, net, labels)
    ref = F.cross_entropy(torch.from_numpy(net.astype(np.float64)), torch.from_numpy(labels)).item()
    assert out[0, 2] == 0.0 and value == pytest.approx(ref, rel=1e-6)


def test_class_label_form_is_only_for_categorical_crossentropy():
    out = np.full((2, 2), 0.5)
    for name in ("mse", "binary_crossentropy", "total_error"):
        with pytest.raises(ConfigError, match="class labels"):
            losses.get(name).value_from_labels(out, out, np.array([0, 1]))
        with pytest.raises(ConfigError, match="class labels"):
            losses.get(name).fused_delta_from_labels(out, np.array([0, 1]))


def test_extreme_fused_values_match_torch():
    net = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4 - 2, -1e4]])
    target = np.array([[1.0, 0, 0], [0, 1, 0]])
    z, t = torch.from_numpy(net), torch.from_numpy(target)
    assert losses.categorical_crossentropy.value_from_net(net, target) == pytest.approx(
        F.cross_entropy(z, t).item(), rel=1e-14)
    assert losses.binary_crossentropy.value_from_net(net, target) == pytest.approx(
        F.binary_cross_entropy_with_logits(z, t).item(), rel=1e-14)


def test_float32_cross_entropy_of_an_exact_zero_is_finite():
    # softmax in float32 gives exact zeros once logits differ by ~104; the log's floor
    # must be a float32 number (1e-300 would round to 0 and give 0 · ln 0 = NaN).
    out = activations.softmax(np.array([[0.0, 200.0, -200.0]], dtype=np.float32))
    target = np.array([[0.0, 1.0, 0.0]], dtype=np.float32)
    assert out[0, 2] == 0.0
    assert losses.categorical_crossentropy.value(out, target) == 0.0
    assert np.isfinite(losses.binary_crossentropy.value(out, target))
    assert np.all(np.isfinite(losses.categorical_crossentropy.gradient(out, target)))


# ----------------------------------------------------------- sample weights


@pytest.mark.parametrize("name", NAMES)
def test_integer_weights_equal_repeated_rows(name, rng):
    out, target = batch(name, rng)
    w = np.array([2, 1, 0, 3, 1, 1, 2])
    loss = losses.get(name)
    rep_out, rep_target = np.repeat(out, w, axis=0), np.repeat(target, w, axis=0)
    assert loss.value(out, target, w) == pytest.approx(loss.value(rep_out, rep_target), rel=1e-13)
    # the gradient of a repeated row is the sum of its copies' gradients
    g_rep = loss.gradient(rep_out, rep_target)
    summed = np.zeros_like(out)
    np.add.at(summed, np.repeat(np.arange(N), w), g_rep)
    np.testing.assert_allclose(loss.gradient(out, target, w), summed, rtol=1e-12, atol=1e-17)
    # equal weights change nothing
    assert loss.value(out, target, np.full(N, 0.3)) == pytest.approx(loss.value(out, target), rel=1e-14)


@pytest.mark.parametrize("bad, match", [(np.ones(N - 1), "6 entries; expected one per sample"),
                                        (np.r_[-1.0, np.ones(N - 1)], "non-negative"),
                                        (np.zeros(N), "positive sum"),
                                        (np.r_[np.nan, np.ones(N - 1)], "finite")])
def test_bad_sample_weights_are_refused(bad, match, rng):
    out, target = batch("mse", rng)
    for call in (losses.mse.value, losses.mse.gradient):
        with pytest.raises(ConfigError, match=match):
            call(out, target, bad)


# ----------------------------------------------------------- the textbook total error


def test_total_error_is_the_textbook_sum_of_halves():
    # Mazur's worked example: out_o1 = 0.75136507, out_o2 = 0.772928465, targets 0.01, 0.99
    # E = ½(0.01 − 0.75136507)² + ½(0.99 − 0.772928465)² = 0.274811083 + 0.023560026 = 0.298371109
    out = np.array([[0.75136507, 0.772928465]])
    target = np.array([[0.01, 0.99]])
    assert round(losses.total_error.value(out, target), 9) == 0.298371109
    # ∂E/∂out_o1 = −(target − out) = 0.74136507, as in the worked example
    assert round(losses.total_error.gradient(out, target)[0, 0], 8) == 0.74136507


def test_mse_and_total_error_scale_differently():
    out, target = np.array([[1.0, 3.0]]), np.zeros((1, 2))
    assert losses.total_error.value(out, target) == 5.0  # ½ (1 + 9)
    assert losses.mse.value(out, target) == 5.0  # (1 + 9) / 2
    out3 = np.array([[1.0, 3.0, 0.0]])
    assert losses.total_error.value(out3, np.zeros((1, 3))) == 5.0
    assert losses.mse.value(out3, np.zeros((1, 3))) == pytest.approx(10 / 3)


# ----------------------------------------------------------- registry


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ConfigError) as info:
        losses.get("hinge")
    for name in losses.names():
        assert name in str(info.value)
    with pytest.raises(ConfigError, match="name or a Loss"):
        losses.get(None)
    with pytest.raises(ConfigError, match="takes a Loss"):
        losses.register("mse")
    with pytest.raises(ConfigError, match="no fused form"):
        losses.mse.value_from_net(np.zeros((1, 1)), np.zeros((1, 1)))


@pytest.mark.parametrize("alias, name", [("sse", "total_error"), ("MSE", "mse"), ("mean-squared-error", "mse"),
                                         ("bce", "binary_crossentropy"), ("cross_entropy", "categorical_crossentropy"),
                                         ("log_loss", "categorical_crossentropy")])
def test_aliases(alias, name):
    assert losses.get(alias) is losses.get(name)


# ----------------------------------------------------------- a user-defined loss


log_cosh = Loss(
    "log_cosh",
    per_sample=lambda out, target: np.log(np.cosh(out - target)).mean(axis=1),
    grad=lambda out, target: np.tanh(out - target) / out.shape[1],
    formula="E = (1/K) Σ ln cosh(out − target)",
    derivative_formula="tanh(out − target) / K",
)


def test_user_loss_matches_torch():
    out = np.linspace(-3, 3, 12).reshape(4, 3)
    target = np.zeros((4, 3)) + 0.5
    o = torch.from_numpy(out).requires_grad_()
    ref = torch.log(torch.cosh(o - 0.5)).mean()
    ref.backward()
    assert log_cosh.value(out, target) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(log_cosh.gradient(out, target), o.grad.numpy(), rtol=1e-13)


def test_user_loss_trains_and_passes_gradcheck(rng):
    X = rng.normal(size=(40, 2))
    y = np.c_[X[:, 0] * X[:, 1], np.sin(X[:, 0])]
    net = Network([Dense(8, "tanh"), Dense(2)], loss=log_cosh, input_shape=2, seed=3)
    assert net.loss is log_cosh and not net._fused()
    report = gradcheck(net, X[:5], y[:5])
    assert report.ok, str(report)
    first = net.loss_value(X, y)
    for _ in range(300):
        net.train_step(X, y, learning_rate=0.5)
    assert net.loss_value(X, y) < 0.5 * first


# ----------------------------------------------------------- each output's share of the loss


def torch_terms(name: str, o: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """PyTorch's per-element losses (reduction='none'), scaled as each loss reduces over the K outputs."""
    if name == "total_error":
        return 0.5 * F.mse_loss(o, t, reduction="none")
    if name == "mse":
        return F.mse_loss(o, t, reduction="none") / o.shape[1]
    if name == "binary_crossentropy":
        return F.binary_cross_entropy(o, t, reduction="none") / o.shape[1]
    return -t * torch.log(o)


@pytest.mark.parametrize("name", NAMES)
def test_terms_are_torchs_per_element_losses_and_sum_to_the_value(name, rng):
    out, target = batch(name, rng)
    loss = losses.get(name)
    terms = loss.terms(out, target)
    assert terms.shape == (N, K)
    np.testing.assert_allclose(terms, torch_terms(name, torch.from_numpy(out), torch.from_numpy(target)).numpy(),
                               rtol=1e-13)
    assert loss.value(out, target) == pytest.approx(torch_loss(name, torch.from_numpy(out), torch.from_numpy(target),
                                                               None).item(), rel=1e-13)


@pytest.mark.parametrize("scale", list(NETS))
@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_fused_terms_from_net_match_torch(name, scale, rng):
    net = NETS[scale](rng)
    loss = losses.get(name)
    z = torch.from_numpy(net)
    if name == "binary_crossentropy":
        target = rng.uniform(size=(N, K))
        ref = F.binary_cross_entropy_with_logits(z, torch.from_numpy(target), reduction="none") / K
    else:
        target = rng.dirichlet(np.ones(K), size=N)
        ref = -torch.from_numpy(target) * F.log_softmax(z, dim=1)
        torch.testing.assert_close(ref.sum(dim=1), F.cross_entropy(z, torch.from_numpy(target), reduction="none"))
    terms = loss.terms_from_net(net, target)
    assert np.all(np.isfinite(terms))
    np.testing.assert_allclose(terms, ref.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_terms_of_saturated_outputs_are_finite_at_the_log_floor(name, dtype):
    out = np.array([[1.0, 0.0, 0.0]], dtype=dtype)                     # a sigmoid/softmax that saturated
    target = np.array([[0.0, 1.0, 0.0]], dtype=dtype)
    terms = losses.get(name).terms(out, target)
    floor = 1e-37 if dtype == np.float32 else 1e-300
    big = -np.log(np.array(floor, dtype=dtype))                        # −ln of the floor: 690.8 / 85.2
    expected = [big, big, 0] if name == "binary_crossentropy" else [0, big, 0]
    K_ = 3 if name == "binary_crossentropy" else 1
    assert terms.dtype == dtype and np.all(np.isfinite(terms))
    np.testing.assert_allclose(terms[0], np.array(expected) / K_, rtol=1e-6)
    assert losses.get(name).value(out, target) == pytest.approx(float(terms.sum()), rel=1e-6)


def test_sparse_categorical_crossentropy_is_keras_name_for_the_same_loss():
    from glassnet import losses
    assert losses.get("sparse_categorical_crossentropy") is losses.get("categorical_crossentropy")
