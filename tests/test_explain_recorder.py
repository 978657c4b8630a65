"""The recorder records the engine's own values, and those values are right.

Two oracles: PyTorch on the same weights (autograd for every differentiable activation
and loss; ``torch.nn.functional`` with ``reduction='none'`` for each output's share of
the error, ``E_k``), and the printed formulas themselves — every step's formula with
the numbers put in must evaluate to the value printed beside it. Saturated outputs
(exactly 0 or 1) and huge values must be explained too, with the engine's numbers.
"""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from glassnet import ConfigError, Dense, Network, activations, losses
from glassnet.explain import explain, record, recorder
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


def _torch_forward(net, X):
    params = {k: torch.tensor(v, requires_grad=True) for k, v in net.get_params().items()}
    a = torch.tensor(np.asarray(X, dtype=np.float64))
    nets, outs = [], []
    for k, layer in enumerate(net.layers, start=1):
        z = a @ params[f"W{k}"].T + params[f"b{k}"]
        z.retain_grad()
        a = TORCH_ACT[layer.activation.name](z)
        nets.append(z)
        outs.append(a)
    return nets, outs, params


def _torch(net, X, y):
    nets, outs, params = _torch_forward(net, X)
    E = TORCH_LOSS[net.loss.name](outs[-1], torch.tensor(y))
    E.backward()
    return E, nets, outs, params


def _torch_error_shares(loss, net_last, out_last, y) -> np.ndarray:
    """Each output's share E_k of the per-sample loss, element by element (reduction='none').

    The cross-entropies are taken from ``net`` (sigmoid / softmax fused in), as
    PyTorch's stable forms: that is also what the engine computes.
    """
    t = torch.tensor(np.asarray(y, dtype=np.float64))
    K = t.shape[1]
    with torch.no_grad():
        if loss == "total_error":
            shares = 0.5 * F.mse_loss(out_last, t, reduction="none")
        elif loss == "mse":
            shares = F.mse_loss(out_last, t, reduction="none") / K
        elif loss == "binary_crossentropy":
            shares = F.binary_cross_entropy_with_logits(net_last, t, reduction="none") / K
        else:
            shares = -t * F.log_softmax(net_last, dim=1)
            # the elements of F.cross_entropy's per-sample loss
            torch.testing.assert_close(shares.sum(dim=1), F.cross_entropy(net_last, t, reduction="none"))
    return shares.numpy()


def _assert_error_shares_match_torch(e, net, X, y):
    nets, outs, _ = _torch_forward(net, X)
    shares = _torch_error_shares(net.loss.name, nets[-1].detach(), outs[-1].detach(), y)
    K = net.output_shape[0]
    ours = np.array([e.step(f"E_o{k + 1}").value for k in range(K)])
    np.testing.assert_allclose(ours, shares[0], rtol=1e-12, atol=1e-300)
    assert e.step("E_total").value == pytest.approx(float(shares[0].sum()), rel=1e-12)


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
    # each output's share of the error, and their sum E_total, are PyTorch's per-element losses
    _assert_error_shares_match_torch(e, net, X, y)


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


# ----------------------------------------------------------- saturated outputs and huge values


def _saturated(loss):
    """Weights of ±40 on inputs of 10: every output net is thousands, so sigmoid and softmax give exactly 0 or 1."""
    out_act = OUTPUT_FOR.get(loss, "sigmoid")
    W1 = [[40.0, -40.0], [-40.0, 40.0], [40.0, 40.0]]
    W2 = [[40.0, -40.0, 40.0], [-40.0, 40.0, -40.0], [40.0, 40.0, -40.0]]
    net = Network([Dense(3, "identity", W=W1, b=[0.0] * 3), Dense(3, out_act, W=W2, b=[0.0] * 3)],
                  loss=loss, input_shape=2)
    X = np.array([[10.0, -5.0]])
    y = np.array([[0.0, 1.0, 0.0]]) if loss == "categorical_crossentropy" else np.array([[0.3, 0.9, 0.1]])
    return net, X, y


@pytest.mark.parametrize("loss", sorted(TORCH_LOSS))
def test_saturated_outputs_are_explained_with_pytorchs_error_shares(loss):
    net, X, y = _saturated(loss)
    out = net.forward(X)
    assert np.all((out == 0) | (out == 1)), out           # ln(0) on the printed formula: no longer evaluated
    e = explain(net, X, y, learning_rate=0.1)
    _assert_error_shares_match_torch(e, net, X, y)
    assert all(np.isfinite(e.step(f"E_o{k}").value) for k in (1, 2, 3))
    assert e.step("E_total").value == record(net, X, y, 0.1).loss_before
    assert "E_o1 = " in str(e) and "<math" in e._repr_html_() and "E_{" in e._repr_markdown_()
    if loss in OUTPUT_FOR:                                 # fused: computed from net, and the note says so
        assert "computed from net" in str(e)


@pytest.mark.parametrize("scale", [1e150, 1e200])
@pytest.mark.parametrize("loss", ["total_error", "mse"])
def test_huge_values_are_explained_even_when_the_error_overflows(loss, scale):
    net = Network([Dense(2, "identity", W=[[scale, 1.0], [1.0, 1.0]], b=[0.0, 0.0]),
                   Dense(2, "identity", W=[[1.0, 0.0], [0.0, 1.0]], b=[0.0, 0.0])], loss=loss, input_shape=2)
    X, y = np.array([[1.0, 2.0]]), np.array([[0.1, 0.2]])
    with np.errstate(over="ignore", invalid="ignore"):
        e = explain(net, X, y, learning_rate=0.1)
        text = str(e)
    _assert_error_shares_match_torch(e, net, X, y)        # (1e200)² overflows to inf in both
    assert np.isinf(e.step("E_o1").value) == (scale == 1e200)
    line = next(row for row in text.splitlines() if row.startswith("E_o1 = "))
    assert line.endswith("= inf") == (scale == 1e200), line
    assert "E_total⁺ = inf" in text                       # the step overshoots: said, not hidden
    assert ("up from 5e+299" in text) == (scale == 1e150) and ("was inf" in text) == (scale == 1e200)


def test_a_loss_without_per_output_terms_is_explained_by_its_total():
    log_cosh = losses.Loss("log_cosh", per_sample=lambda o, t: np.log(np.cosh(o - t)).sum(axis=1),
                           grad=lambda o, t: np.tanh(o - t), formula="E = Σ ln cosh(out − target)")
    assert log_cosh.terms is None
    net = Network([Dense(2, "tanh"), Dense(2, "identity")], loss=log_cosh, input_shape=2, seed=4)
    X, y = np.array([[0.5, -1.0]]), np.array([[0.2, 0.7]])
    e = explain(net, X, y, learning_rate=0.1)
    _, outs, _ = _torch_forward(net, X)
    assert e.step("E_total").value == pytest.approx(torch.log(torch.cosh(outs[-1] - torch.tensor(y))).sum().item(),
                                                    rel=1e-12)
    with pytest.raises(KeyError):
        e.step("E_o1")
    assert "only its total is shown" in str(e)


# ----------------------------------------------------------- a batch: each formula carries the reduction

#: every built-in loss, with the output activation it fuses with and with one it does not
BATCH_CASES = [("total_error", "sigmoid"), ("mse", "identity"), ("binary_crossentropy", "sigmoid"),
               ("binary_crossentropy", "softmax"), ("categorical_crossentropy", "softmax"),
               ("categorical_crossentropy", "sigmoid")]


def test_batch_cases_cover_every_loss():
    assert {loss for loss, _ in BATCH_CASES} == set(losses.names())


def _batch(loss, out_act, n):
    rng = np.random.default_rng(n * 31 + len(loss) + len(out_act))
    net = Network([Dense(3, "tanh"), Dense(3, out_act)], loss=loss, input_shape=2, seed=n)
    X = rng.normal(size=(n, 2))
    y = np.eye(3)[rng.permutation(3)[:n] if n <= 3 else rng.integers(0, 3, n)] \
        if loss == "categorical_crossentropy" else rng.uniform(0.05, 0.95, size=(n, 3))
    return net, X, y


def _printed_matrix(text: str) -> np.ndarray:
    """``[a b; c d]`` as printed → an array."""
    return np.array([[float(v.replace("−", "-")) for v in row.split()] for row in text.strip()[1:-1].split(";")])


def _printed_steps(text: str) -> dict:
    """Each printed line ``name = a = b = …`` (one line per step: rendered without wrapping), by name."""
    steps = {}
    for line in text.splitlines():
        if " = " in line and not line.startswith(" "):
            name, *parts = line.split(" = ")
            steps.setdefault(name.removeprefix("Note: "), parts)
    return steps


def _at(formula: str, numbers: dict) -> str:
    for name, value in numbers.items():
        formula = formula.replace(name, f"({float(value)!r})")
    return formula


def _latex_at(latex: str, numbers: dict) -> str:
    """A printed LaTeX formula with numbers put in, as text :func:`evaluate` reads (a test aid)."""
    latex = _at(latex, numbers)
    while (m := re.search(r"\\t?frac\{", latex)):
        a_end = _closing(latex, m.end() - 1)
        b_end = _closing(latex, a_end + 1)
        latex = (latex[:m.start()] + "((" + latex[m.end():a_end] + ")/(" + latex[a_end + 2:b_end] + "))"
                 + latex[b_end + 1:])
    for old, new in ((r"\left(", "("), (r"\right)", ")"), (r"\cdot", "·"), (r"\ln", "ln "), (r"\,", " "),
                     (r"\sum", ""), ("{", "("), ("}", ")")):
        latex = latex.replace(old, new)
    return latex


def _latex_numbers(latex: str) -> str:
    """A scalar step's LaTeX with its numbers in (``\\max(-0.9, 0.01\\,(-0.9))``), as text :func:`evaluate` reads."""
    latex = re.sub(r"\\ln\s*(-?[\d.]+)", r"ln(\1)", latex)         # \ln 0.65 → ln(0.65)
    latex = _latex_at(latex, {})
    for old, new in ((r"\max", "max"), (r"\tanh", "tanh"), (r"\le", "≤"), (r"\ge", "≥"), (r"\times", "×")):
        latex = latex.replace(old, new)
    return latex


def _closing(text: str, opening: int) -> int:
    depth = 0
    for k in range(opening, len(text)):
        depth += (text[k] == "{") - (text[k] == "}")
        if depth == 0:
            return k
    raise ValueError(text)


def _bmatrix(latex: str) -> np.ndarray:
    body = latex.split(r"\begin{bmatrix}")[1].split(r"\end{bmatrix}")[0]

    def number(cell: str) -> float:
        cell = cell.strip()
        if r"\times" in cell:
            mantissa, exp = cell.split(r"\times 10^")
            return float(mantissa) * 10.0 ** int(exp.strip("{}"))
        return float(cell)
    return np.array([[number(c) for c in row.split("&")] for row in body.split(r"\\")])


def _markdown_steps(md: str) -> dict:
    steps = {}
    for block in re.findall(r"\$\$\n(.*?)\n\$\$", md, re.S):
        name, *parts = block.split(" = ")
        steps.setdefault(name, parts)
    return steps


@pytest.mark.parametrize("loss", sorted(TORCH_LOSS))
@pytest.mark.parametrize("act", ACTS)
def test_scalar_view_latex_with_the_printed_numbers_gives_the_printed_values(act, loss):
    """Markdown's LaTeX, not only the text: each ``name = formula = numbers = value`` block evaluates."""
    net, X, y = _case(act, loss, seed=100 + ACTS.index(act))
    md = explain(net, X, y, learning_rate=0.3, digits=17).render("markdown")
    checked = 0
    for name, parts in _markdown_steps(md).items():
        if len(parts) >= 3:                                 # formula = numbers = value
            numbers, value = _latex_numbers(parts[-2]), _latex_numbers(parts[-1])
            assert evaluate(numbers) == pytest.approx(evaluate(value), rel=1e-9, abs=1e-12), (name, parts[-2])
            checked += 1
    assert checked > 30
    if act == "leaky_relu":                                 # a negative net keeps its parentheses after \,
        assert re.search(r"0\.01\\,\(-\d", md), "no negative net in this case: choose another seed"
        assert not re.search(r"0\.01\\,-", md)


def test_leaky_relu_of_a_negative_net_in_latex_reads_as_a_product():
    net = Network([Dense(1, "leaky_relu"), Dense(1, "identity")], loss="total_error", input_shape=2)
    net.set_params({"W1": np.array([[0.1, 0.5]]), "b1": np.array([0.0]), "W2": np.array([[0.7]]),
                    "b2": np.array([0.05])})
    md = explain(net, np.array([[1.0, -2.0]]), np.array([[0.5]]), 0.1).render("markdown")
    # net_h1 = 0.1 · 1 + 0.5 · (−2) = −0.9, and out_h1 = max(−0.9, 0.01 · (−0.9)) = −0.009
    assert r"= \max(-0.9, 0.01\,(-0.9)) = -0.009" in md
    assert r"0.01\,[(-0.9) \le 0]" in md


@pytest.mark.parametrize("notation", ["seed", "batch"])
@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("loss, out_act", BATCH_CASES)
def test_matrix_view_formulas_evaluated_with_the_printed_numbers_give_the_printed_values(loss, out_act, n,
                                                                                         notation):
    net, X, y = _batch(loss, out_act, n)
    e = explain(net, X, y, learning_rate=0.3, view="matrix", notation=notation, digits=17)
    seed = notation == "seed"
    out, target = ("out⁽2⁾", "target") if seed else ("OUT⁽2⁾", "Y")
    steps = _printed_steps(e.render("text", width=10 ** 6))
    O, T = _printed_matrix(steps[out][-1]), _printed_matrix(steps[target][0])
    assert O.shape == T.shape == ((3, n) if seed else (n, 3))
    fused = net.loss.fuses(net.layers[-1].activation)
    first = ("δ⁽2⁾" if seed else "Δ⁽2⁾") if fused else f"∂E/∂{out}"
    formula, value = steps[first][0], _printed_matrix(steps[first][-1])
    assert f"(1/{n})" in formula, formula                  # the batch mean's 1/n is in the formula itself
    for idx in np.ndindex(*O.shape):                       # each entry: the formula with its numbers in
        assert evaluate(_at(formula, {out: O[idx], target: T[idx]})) == pytest.approx(value[idx], rel=1e-9,
                                                                                     abs=1e-15), (idx, formula)
    # each sample's loss L_i is the loss formula summed over its outputs; E is their mean
    L_formula, L = steps["L"][0], _printed_matrix(steps["L"][-1]).reshape(-1)
    entries = np.array([[evaluate(_at(L_formula.replace("Σ", ""), {out: O[idx], target: T[idx]}))
                         for idx in np.ndindex(*O.shape)]]).reshape(O.shape)
    np.testing.assert_allclose(entries.sum(axis=0 if seed else 1), L, rtol=1e-9)
    E_formula, E_numbers, E_value = steps["E"][0], steps["E"][1], float(steps["E"][-1].replace("−", "-"))
    assert E_formula.startswith(f"(1/{n}) · (L_1 + ")
    assert evaluate(E_numbers) == pytest.approx(E_value, rel=1e-12)
    assert E_value == pytest.approx(L.mean(), rel=1e-12)
    E_torch, *_ = _torch(net, X, y)                          # and PyTorch's batch loss is that mean
    assert E_value == pytest.approx(E_torch.item(), rel=1e-10)

    # the Markdown/LaTeX form: the loss's own LaTeX, with the same reduction
    md = _markdown_steps(e.render("markdown"))
    q = {("seed", True): r"\delta^{(2)}", ("batch", True): r"\Delta^{(2)}"}.get(
        (notation, fused), r"\frac{\partial E}{\partial \mathrm{" + out[:3] + r"}^{(2)}}")
    latex_out, latex_target = r"\mathrm{" + out[:3] + "}^{(2)}", r"\mathrm{target}" if seed else "Y"
    latex_formula, latex_value = md[q][0], _bmatrix(md[q][-1])
    assert latex_formula.startswith(rf"\frac{{1}}{{{n}}}"), latex_formula
    for idx in np.ndindex(*O.shape):
        text = _latex_at(latex_formula, {latex_out: O[idx], latex_target: T[idx]})
        assert evaluate(text) == pytest.approx(latex_value[idx], rel=1e-9, abs=1e-15), (idx, latex_formula)
    L_latex = md["L"][0]
    entries = np.array([evaluate(_latex_at(L_latex, {latex_out: O[idx], latex_target: T[idx]}))
                        for idx in np.ndindex(*O.shape)]).reshape(O.shape)
    np.testing.assert_allclose(entries.sum(axis=0 if seed else 1), _bmatrix(md["L"][-1]).reshape(-1), rtol=1e-9)
    assert evaluate(_latex_at(md["E"][1], {})) == pytest.approx(float(md["E"][-1]), rel=1e-12)

    # the HTML/MathML form shows the same fraction in those steps
    maths = re.findall(r"<math.*?</math>", e.render("html"), re.S)
    assert len(maths) == len(e.steps)
    one_over_n = f"<mfrac><mrow><mn>1</mn></mrow><mrow><mn>{n}</mn></mrow></mfrac>"
    for quantity in (first, "E"):
        assert one_over_n in maths[[s.quantity for s in e.steps].index(quantity)], quantity


def test_matrix_view_with_sample_weights_shows_each_samples_share():
    from glassnet.explain import Explanation
    from glassnet.explain.matrix import matrix_sections
    net, X, y = _batch("total_error", "sigmoid", 3)
    w = np.array([1.0, 3.0, 4.0])
    trace = record(net, X, y, 0.3, sample_weight=w)
    np.testing.assert_array_equal(trace.sample_factors, net.loss.sample_factors(3, w))  # the loss's own factors,
    assert not hasattr(recorder, "reduction_factors")                                    # with no second copy
    steps = _printed_steps(Explanation("w", matrix_sections(trace, "seed", 17), digits=17).render("text", 10 ** 6))
    s = _printed_matrix(steps["s"][0].split(":")[0]).reshape(-1)
    np.testing.assert_allclose(s, w / w.sum(), rtol=1e-15)
    O, T = _printed_matrix(steps["out⁽2⁾"][-1]), _printed_matrix(steps["target"][0])
    formula, value = steps["∂E/∂out⁽2⁾"][0], _printed_matrix(steps["∂E/∂out⁽2⁾"][-1])
    assert formula.endswith("· diag(s)")
    for k, i in np.ndindex(*O.shape):                       # column i is sample i, times its share s_i
        at = _at(formula, {"out⁽2⁾": O[k, i], "target": T[k, i], "diag(s)": s[i]})
        assert evaluate(at) == pytest.approx(value[k, i], rel=1e-9)
    assert evaluate(steps["E"][1]) == pytest.approx(float(steps["E"][-1]), rel=1e-12)
    assert float(steps["E"][-1]) == pytest.approx(net.loss_value(X, y, sample_weight=w), rel=1e-12)


def test_a_network_with_a_weight_penalty_is_refused():
    net = Network([Dense(2, "tanh")], input_shape=2, seed=0, l2=0.1)
    with pytest.raises(ConfigError, match=r"l2=0.1"):
        explain(net, np.ones((1, 2)), np.ones((1, 2)), 0.1)


def test_softmax_cross_entropy_targets_must_be_distributions_for_the_fused_formula_to_hold():
    net = Network([Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    X = np.array([[0.5, -1.0], [0.2, 0.1]])
    # samples are numbered from 1, as the explanation's L_1, L_2: the second one is "sample 2"
    with pytest.raises(ConfigError, match=r"targets: .*must sum to 1 .* sample 2 sums to 0.9"):
        explain(net, X, np.array([[0, 1, 0], [0.3, 0.3, 0.3]]), 0.1, view="matrix")
    with pytest.raises(ConfigError, match=r"; sample 1 sums to 2$"):
        explain(net, X, np.array([[1, 1, 0], [0, 0, 1]]), 0.1, view="matrix")
    assert "L_1 + L_2" in str(explain(net, X, np.array([[1, 0, 0], [0, 0, 1]]), 0.1, view="matrix"))
    e = explain(net, X[:1], np.array([[0.2, 0.1, 0.7]]), 0.1, digits=17)   # probabilities: out − target holds
    for k in (1, 2, 3):
        s = e.step(f"∂E_total/∂net_o{k}")
        assert evaluate(s.substituted) == pytest.approx(s.value, rel=1e-9)


def test_class_labels_are_explained_as_their_one_hot_targets():
    make = lambda: Network([Dense(2, "tanh"), Dense(3, "softmax")], loss="categorical_crossentropy",
                           input_shape=2, seed=0)
    X = np.array([[0.2, -0.4], [0.9, 0.1]])
    assert str(explain(make(), X, np.array([0, 2]), view="matrix")) == \
        str(explain(make(), X, np.eye(3)[[0, 2]], view="matrix"))


def test_the_refusal_of_a_weight_penalty_shows_how_to_explain_the_data_part():
    import copy
    net = Network([Dense(2, "tanh")], input_shape=2, seed=0, l2=0.1)
    X, y = np.array([[0.5, 1.0]]), np.array([[0.1, 0.9]])
    with pytest.raises(ConfigError, match=r"copy\.deepcopy.*plain\.l2 = 0\.0"):
        explain(net, X, y)
    plain = copy.deepcopy(net)
    plain.l2 = 0.0
    e = explain(plain, X, y)
    _, data_grads = plain.gradients(X, y)
    _, full_grads = net.gradients(X, y)             # the penalty's share is (l2/n)·W, n = 1
    assert np.allclose(full_grads["W1"] - data_grads["W1"], 0.1 * net.params["W1"], rtol=0, atol=1e-15)
    assert e.step("∂E_total/∂w1").value == pytest.approx(data_grads["W1"][0, 0], rel=1e-12)
