"""The three renderers, the MathML translator, and the refusal to print too much."""

import re
from pathlib import Path

import numpy as np
import pytest

from glassnet import ConfigError, Dense, Network
from glassnet.explain import Explanation, Section, Step, Table, explain, explain_seed, seed_summary
from glassnet.explain.mathml import to_mathml
from glassnet.explain.render_html import render_html


@pytest.fixture(scope="module")
def seed():
    return explain_seed()


def test_text_fits_100_columns(seed):
    for e in (seed, explain_seed(view="matrix"), seed_summary(50)):
        lines = str(e).splitlines()
        assert max(len(ln) for ln in lines) <= 100, max(lines, key=len)


def test_text_reads_formula_then_numbers_then_value(seed):
    text = str(seed)
    assert "out_h1 = 1 / (1 + e^(−net_h1)) = 1 / (1 + e^(−0.3775)) = 0.593269992" in text
    assert "w5⁺ = w5 − η · ∂E_total/∂w5 = 0.4 − 0.5 · 0.0821670406 = 0.35891648" in text


def test_long_steps_wrap_instead_of_being_cut():
    long = Step("q", " + ".join(f"w{k} · x{k}" for k in range(40)), "", 1.0)
    text = Explanation("t", [Section("s", [long])]).render("text", width=60)
    assert max(map(len, text.splitlines())) <= 60
    assert "w39 · x39" in text


def test_markdown_has_latex_for_jupyter(seed):
    md = seed._repr_markdown_()
    assert md.startswith("# The seed's worked example")
    assert r"\mathrm{out}_{h1} = \frac{1}{1 + e^{-\mathrm{net}_{h1}}} = \frac{1}{1 + e^{-0.3775}} = 0.593269992" in md
    assert r"\frac{\partial E_{\mathrm{total}}}{\partial w_{5}}" in md
    assert "| w5 | h1 → o1 | 0.4 | yes |" in md


@pytest.mark.parametrize("view", ["scalar", "matrix"])
def test_every_formula_translates_to_mathml(view):
    for e in (explain_seed(view=view), explain_seed(view=view, notation="batch"), seed_summary(20)):
        html = render_html(e, strict=True)       # strict: raise instead of a plain-text fallback
        assert "<script" not in html.lower() and not re.search(r"(src|href)=|https?://", html)
        assert html.count("<math") >= len(e.steps)


def test_mathml_structures():
    assert to_mathml(r"w_{5}^{+}", display=False) == (
        "<math><msubsup><mi>w</mi><mrow><mn>5</mn></mrow><mrow><mo>+</mo></mrow></msubsup></math>")
    m = to_mathml(r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}")
    assert m.count("<mtr>") == 2 and m.count("<mtd>") == 4
    with pytest.raises(ValueError, match="unsupported LaTeX command"):
        to_mathml(r"\weird{x}")


def test_repr_html_is_a_fragment(seed):
    frag = seed._repr_html_()
    assert frag.startswith('<div class="glassnet-explanation">') and "<math" in frag


def test_save_picks_the_format_from_the_suffix(seed, tmp_path):
    assert seed.save(tmp_path / "a.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert seed.save(tmp_path / "a.md").read_text(encoding="utf-8").startswith("# ")
    assert "═" in seed.save(tmp_path / "a.txt").read_text(encoding="utf-8")


def test_tables_align_numbers_to_the_right():
    t = Table("T", ["k", "E"], [[1, 0.5], [10000, 0.25]])
    lines = Explanation("x", [Section("s", [t])]).render("text").splitlines()
    assert "    1   0.5" in lines and "10000  0.25" in lines
    with pytest.raises(ConfigError, match="row 0 has 1 cells"):
        Table("T", ["a", "b"], [[1]])


def test_scalar_view_refuses_large_networks_and_suggests_the_matrix_view():
    net = Network([Dense(12, "tanh"), Dense(3, "sigmoid")], input_shape=8, seed=0)   # 96 + 36 weights
    X, y = np.ones((1, 8)), np.full((1, 3), 0.5)
    with pytest.raises(ConfigError, match=r"132 weights .*matrix view"):
        explain(net, X, y, 0.1)
    e = explain(net, X, y, 0.1, view="matrix")                   # nothing is cut
    assert e.step("∂E/∂W⁽1⁾").value.shape == (12, 8)
    text = str(e)
    assert text.count("; ") > 12 * 2


def test_scalar_view_takes_one_sample():
    net = Network([Dense(2, "tanh")], input_shape=2, seed=0)
    with pytest.raises(ConfigError, match="one sample"):
        explain(net, np.ones((3, 2)), np.ones((3, 2)), 0.1)
    assert "Δ⁽1⁾" in str(explain(net, np.ones((3, 2)), np.ones((3, 2)), 0.1, view="matrix", notation="batch"))


def test_bad_arguments_name_themselves():
    net = Network([Dense(2, "tanh")], input_shape=2, seed=0)
    for kw, word in (({"view": "graph"}, "view"), ({"notation": "x"}, "notation"), ({"order": "x"}, "order"),
                     ({"learning_rate": -1}, "learning_rate")):
        with pytest.raises(ConfigError, match=word):
            explain(net, np.ones((1, 2)), np.ones((1, 2)), **{"learning_rate": 0.1, **kw})


def test_numbers_use_the_minus_sign_and_significant_digits():
    from glassnet.explain import format_number
    assert format_number(-0.0380982365) == "−0.0380982365"
    assert format_number(3.51085481225e-05, 6) == "0.0000351085"
    assert re.fullmatch(r"1\.5e\+?0?20", format_number(1.5e20).replace("−", "-"))


@pytest.mark.parametrize("digits", [0, -3, 2.5, True, "9", None])
def test_digits_must_be_a_whole_number_of_at_least_one(digits):
    net = Network([Dense(2, "tanh")], input_shape=2, seed=0)
    with pytest.raises(ConfigError, match=r"digits must be a whole number ≥ 1.*got"):
        explain(net, np.ones((1, 2)), np.ones((1, 2)), 0.1, digits=digits)


@pytest.mark.parametrize("rate", [True, False, float("nan"), float("inf"), 0, -0.5, "0.5", None])
def test_learning_rate_must_be_a_finite_positive_number(rate):
    net = Network([Dense(2, "tanh")], input_shape=2, seed=0)
    with pytest.raises(ConfigError, match=r"learning_rate must be a finite positive number"):
        explain(net, np.ones((1, 2)), np.ones((1, 2)), rate)
    assert explain(net, np.ones((1, 2)), np.ones((1, 2)), np.float32(0.25)).step("w1⁺").value is not None


def test_both_views_write_the_update_rule_network_step_applies():
    from glassnet.explain.steps import update_formula
    net = Network([Dense(2, "sigmoid"), Dense(1, "identity")], input_shape=2, seed=1)
    X, y = np.array([[0.3, -0.2]]), np.array([[0.5]])
    scalar = explain(net, X, y, 0.5)
    matrix = explain(net, X, y, 0.5, view="matrix")
    assert update_formula("w1", "E_total") == "w1 − η · ∂E_total/∂w1"
    assert scalar.step("w1⁺").formula == "w1 − η · ∂E_total/∂w1"
    assert matrix.step("W⁽1⁾⁺").formula == "W⁽1⁾ − η · ∂E/∂W⁽1⁾"
    # θ ← θ − η ∂E/∂θ, worked by hand from the printed gradient, is what the engine's step gave
    W1 = net.get_params()["W1"]
    np.testing.assert_allclose(matrix.step("W⁽1⁾⁺").value, W1 - 0.5 * matrix.step("∂E/∂W⁽1⁾").value, rtol=0, atol=0)
    assert scalar.step("w1⁺").value == W1[0, 0] - 0.5 * scalar.step("∂E_total/∂w1").value


def test_softmax_steps_refuse_a_formula_they_cannot_write_out():
    import dataclasses

    from glassnet import activations
    from glassnet.explain.steps import jacobian_step, softmax_value_step
    softmax = activations.get("softmax")
    assert softmax_value_step(softmax, "o1", ["o1", "o2"], [0.5, -0.5], 9, "out_o1", 0.73).formula == \
        "e^(net_o1) / (e^(net_o1) + e^(net_o2))"
    other = dataclasses.replace(softmax, formula="out_k = e^(net_k) / Z")
    with pytest.raises(ConfigError, match=r"no sum matching .*Use the matrix view"):
        softmax_value_step(other, "o1", ["o1", "o2"], [0.5, -0.5], 9, "out_o1", 0.73)
    other = dataclasses.replace(softmax, derivative_formula="∂out_k/∂net_j = J_kj")
    with pytest.raises(ConfigError, match=r"has no 'out_k'"):
        jacobian_step(other, "o1", "o2", 0.7, 0.3, 9, -0.21)


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _example(name: str, **kw):
    from glassnet.explain.spec import load_spec
    spec = load_spec(EXAMPLES / name)
    return explain(spec.network, spec.X, spec.y, spec.learning_rate, **kw)


def test_a_negative_number_that_is_a_whole_argument_gets_no_second_parentheses():
    from glassnet import activations
    from glassnet.explain.formula import substitute, substitute_latex
    assert substitute("tanh(net)", {"net": -0.55}) == "tanh(−0.55)"
    assert substitute("max(0, net)", {"net": -0.1}) == "max(0, −0.1)"
    assert substitute("1 / (1 + e^(−net))", {"net": -0.5}) == "1 / (1 + e^(−(−0.5)))"   # needed there
    assert substitute("1 − out²", {"out": -0.5}) == "1 − (−0.5)²"
    leaky = activations.get("leaky_relu")               # 0.01 · net and 0.01\,net are products: parentheses stay
    assert substitute(leaky.formula, {"net": -0.9}) == "out = (−0.9) if (−0.9) > 0 else 0.01 · (−0.9)"
    assert substitute_latex(leaky.latex, {"net": -0.9}) == r"\mathrm{out} = \max(-0.9, 0.01\,(-0.9))"
    assert substitute_latex(leaky.derivative_latex, {"net": -0.9}) == r"[(-0.9) > 0] + 0.01\,[(-0.9) \le 0]"
    assert substitute_latex(r"\max(\mathrm{net}, 0)", {"net": -0.9}) == r"\max(-0.9, 0)"   # an argument: none
    e = _example("softmax_classifier.json", view="scalar")
    text = str(e)
    assert "out_h3 = tanh(net_h3) = tanh(−0.55) = −0.500520211" in text
    assert "e^(−0.036595243) / (e^(−0.036595243) + e^(−0.0981854888) + e^(0.219073395))" in text
    assert not re.search(r"(tanh|e\^|ln|max)\(\(", text)
    md = e.render("markdown")
    assert r"\tanh(-0.55)" in md and r"e^{-0.036595243}" in md
    assert not re.search(r"\\tanh\(\(|e\^\{\{|e\^\{\(", md)


def test_a_bias_factor_is_named_and_computed_on_its_own_line():
    text = str(_example("softmax_classifier.json"))
    assert "\n∂net_o1/∂b_o1 = 1\n" in text
    assert "∂E_total/∂b_o1 = ∂E_total/∂net_o1 · ∂net_o1/∂b_o1 = 0.309444923 · 1 = 0.309444923" in text
    assert not re.search(r"∂E_total/∂b_\w+ = ∂E_total/∂net_\w+ · 1 ", text)        # a bare, unnamed factor


@pytest.mark.parametrize("view", ["scalar", "matrix"])
def test_every_derivative_a_formula_uses_was_computed_on_an_earlier_line(view):
    cases = [explain_seed(view=view), explain_seed(view=view, order="sequential"),
             _example("softmax_classifier.json", view=view)]
    net = Network([Dense(2, "tanh"), Dense(3, "relu"), Dense(2, "sigmoid")], loss="binary_crossentropy",
                  input_shape=2, seed=3)
    cases.append(explain(net, np.array([[0.4, -0.7]]), np.array([[0.2, 0.9]]), 0.1, view=view))
    for e in cases:
        seen = set()
        for step in e.steps:
            for used in re.findall(r"∂[^\s/]+/∂[^\s)·,]+", step.formula):
                assert used in seen, f"{e.title}: {step.quantity} = {step.formula} uses {used} before computing it"
            seen.add(step.quantity)


def test_the_network_is_described_in_plain_words():
    assert "A network with 2 inputs and two layers: 2 sigmoid neurons, then 2 sigmoid neurons. Loss total_error, " \
           "learning rate η = 0.5, update order simultaneous." in str(explain_seed()).replace("\n", " ")
    net = Network([Dense(1, "identity")], input_shape=1, seed=0)
    assert "A network with 1 input and one layer of 1 identity neuron." in str(
        explain(net, np.ones((1, 1)), np.ones((1, 1)), 0.1))
    net = Network([Dense(3, "tanh"), Dense(2, "relu"), Dense(1, "sigmoid")], input_shape=2, seed=0)
    text = str(explain(net, np.ones((1, 2)), np.ones((1, 1)), 0.1)).replace("\n", " ")
    assert "three layers: 3 tanh neurons, then 2 relu neurons, then 1 sigmoid neuron." in text
