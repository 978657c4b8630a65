"""The recorder records the engine's own values, and those values are right.

Two oracles: PyTorch autograd on the same weights (every differentiable activation,
every loss), and the printed formulas themselves — every step's formula with the
numbers put in must evaluate to the value printed beside it.
"""

import numpy as np
import pytest
import torch

from glassnet import Dense, Network, activations, losses
from glassnet.explain import explain, record
from glassnet.explain.formula import evaluate

TORCH_ACT = {
    "identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01), "softplus": torch.nn.functional.softplus,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}
TORCH_LOSS = {
    "total_error": lambda o, t: (0.5 * (t - o) ** 2).sum(dim=1).mean(),
    "mse": lambda o, t: ((t - o) ** 2).mean(),
    "binary_crossentropy": lambda o, t: -(t * torch.log(o) + (1 - t) * torch.log(1 - o)).mean(),
    "categorical_crossentropy": lambda o, t: -(t * torch.log(o)).sum(dim=1).mean(),
}
ACTS = [a for a in activations.names() if activations.get(a).differentiable]
OUTPUT_FOR = {"binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax"}


def test_every_activation_and_loss_has_an_oracle():
    assert set(ACTS) <= set(TORCH_ACT), f"add a PyTorch twin for {set(ACTS) - set(TORCH_ACT)}"
    assert set(losses.names()) <= set(TORCH_LOSS)


def _case(hidden_act, loss, seed, n=1, order="simultaneous"):
    rng = np.random.default_rng(seed)
    out_act = OUTPUT_FOR.get(loss, ["sigmoid", "tanh", "identity", "softmax"][seed % 4])
    net = Network([Dense(3, hidden_act), Dense(2, hidden_act), Dense(3, out_act)], loss=loss,
                  input_shape=2, seed=seed)
    X = rng.normal(size=(n, 2))
    if loss == "categorical_crossentropy":
        y = np.eye(3)[rng.integers(0, 3, size=n)]
    else:
        y = rng.uniform(0.05, 0.95, size=(n, 3))
    return net, X, y


def _torch(net, X, y):
    params = {k: torch.tensor(v, requires_grad=True) for k, v in net.get_params().items()}
    a = torch.tensor(X)
    nets, outs = [], []
    for k, layer in enumerate(net.layers, start=1):
        z = a @ params[f"W{k}"].T + params[f"b{k}"]
        z.retain_grad()
        a = TORCH_ACT[layer.activation.name](z)
        nets.append(z)
        outs.append(a)
    E = TORCH_LOSS[net.loss.name](a, torch.tensor(y))
    E.backward()
    return E, nets, outs, params


@pytest.mark.parametrize("loss", sorted(TORCH_LOSS))
@pytest.mark.parametrize("act", ACTS)
def test_recorded_values_are_the_engines_and_match_pytorch(act, loss):
    seed = ACTS.index(act) * 7 + sorted(TORCH_LOSS).index(loss)
    net, X, y = _case(act, loss, seed, n=2)
    trace = record(net, X, y, learning_rate=0.3)
    # the engine, run directly, gives the same arrays
    E_engine, grads = net.gradients(X, y)
    assert trace.loss_before == E_engine
    for rec, layer in zip(trace.layers, net.layers):
        np.testing.assert_array_equal(rec.net, layer.net)
        np.testing.assert_array_equal(rec.out, layer.out)
        np.testing.assert_array_equal(rec.delta, layer.delta)
        np.testing.assert_array_equal(rec.dW, grads[f"W{rec.index}"])
        np.testing.assert_array_equal(rec.W_new, rec.W - 0.3 * rec.dW)
    # and PyTorch agrees
    E, nets, outs, params = _torch(net, X, y)
    assert trace.loss_before == pytest.approx(E.item(), rel=1e-10)
    for rec, z, a in zip(trace.layers, nets, outs):
        np.testing.assert_allclose(rec.out, a.detach().numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(rec.delta, z.grad.numpy(), rtol=1e-8, atol=1e-13)
        np.testing.assert_allclose(rec.dW, params[f"W{rec.index}"].grad.numpy(), rtol=1e-8, atol=1e-13)
        np.testing.assert_allclose(rec.db, params[f"b{rec.index}"].grad.numpy(), rtol=1e-8, atol=1e-13)


def _numeric_steps(e):
    for s in e.steps:
        if s.substituted and s.value is not None and np.ndim(s.value) == 0:
            yield s


@pytest.mark.parametrize("loss", sorted(TORCH_LOSS))
@pytest.mark.parametrize("act", ACTS)
def test_every_printed_formula_computes_its_printed_value(act, loss):
    net, X, y = _case(act, loss, seed=100 + ACTS.index(act))
    e = explain(net, X, y, learning_rate=0.3, digits=17)
    checked = 0
    for s in _numeric_steps(e):
        assert evaluate(s.substituted) == pytest.approx(s.value, rel=1e-9, abs=1e-12), (s.quantity, s.substituted)
        checked += 1
    assert checked > 30
    # the per-output errors add up to the engine's E_total
    K = net.output_shape[0]
    assert sum(e.step(f"E_o{k + 1}").value for k in range(K)) == pytest.approx(e.step("E_total").value, rel=1e-12)


def test_chain_rule_factors_adapt_to_activation_and_loss():
    net, X, y = _case("tanh", "total_error", 0)
    e = explain(net, X, y, 0.1)
    assert e.step("∂out_h1_1/∂net_h1_1").formula == "1 − out_h1_1²"
    net, X, y = _case("relu", "categorical_crossentropy", 1)
    e = explain(net, X, y, 0.1)
    assert e.step("∂out_h1_1/∂net_h1_1").formula == "[net_h1_1 > 0]"
    assert e.step("∂E_total/∂net_o1").formula == "out_o1 − target_o1"       # fused softmax + CE
    net, X, y = _case("sigmoid", "binary_crossentropy", 2)
    assert explain(net, X, y, 0.1).step("∂E_total/∂net_o1").formula == "(out_o1 − target_o1) / 3"


@pytest.mark.parametrize("order", ["simultaneous", "sequential"])
def test_matrix_view_holds_the_same_numbers_as_the_scalar_view(order):
    net, X, y = _case("sigmoid", "total_error", 3, order=order)
    scalar = explain(net, X, y, 0.5, order=order)
    matrix = explain(net, X, y, 0.5, view="matrix", order=order)
    batch = explain(net, X, y, 0.5, view="matrix", notation="batch", order=order)
    dW2 = matrix.step("∂E/∂W⁽2⁾").value
    assert dW2[1, 2] == scalar.step("∂E_total/∂w12").value      # w7..w12 are layer 2; (1, 2) is w12
    np.testing.assert_array_equal(matrix.step("δ⁽1⁾").value, batch.step("Δ⁽1⁾").value.T)
    np.testing.assert_array_equal(matrix.step("W⁽1⁾⁺").value[0], [scalar.step(f"w{j}⁺").value for j in (1, 2)])


def test_sequential_order_trains_each_layer_before_the_one_below():
    net, X, y = _case("tanh", "mse", 5, n=3)
    trace = record(net, X, y, 0.2, order="sequential")
    top, below = trace.layers[2], trace.layers[1]
    # the signal reaching layer 2 went through layer 3's *new* weights
    np.testing.assert_allclose(below.dout, top.delta @ top.W_new, rtol=1e-14)
    np.testing.assert_array_equal(top.W_new, top.W - 0.2 * top.dW)
