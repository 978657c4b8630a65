"""Small helpers shared by the views: build a :class:`Step` with its LaTeX filled in."""

from __future__ import annotations

import re

from .formula import latex_name, number_text, rhs, substitute, substitute_latex, text_to_latex
from .record import Step


def make_step(quantity: str, formula: str = "", substituted: str = "", value=None, *,
              formula_latex: str | None = None, substituted_latex: str | None = None,
              note: str = "") -> Step:
    """A step whose LaTeX is derived from its text (unless given)."""
    return Step(quantity, formula, substituted, value,
                quantity_latex=latex_name(quantity),
                formula_latex=text_to_latex(formula) if formula_latex is None else formula_latex,
                substituted_latex=text_to_latex(substituted) if substituted_latex is None else substituted_latex,
                note=note)


def product(names_or_values, digits: int) -> str:
    return " · ".join(v if isinstance(v, str) else number_text(v, digits) for v in names_or_values)


def total(values, digits: int) -> str:
    """``a + b − c`` from numbers (a negative term is written as a subtraction)."""
    parts = []
    for k, v in enumerate(values):
        s = number_text(v, digits).strip("()")
        if k == 0:
            parts.append(s)
        elif s.startswith("−"):
            parts.append(f"− {s[1:]}")
        else:
            parts.append(f"+ {s}")
    return " ".join(parts)


# ---------------------------------------------------------------- the library's own formulas


def _latex_rhs(latex: str) -> str:
    m = re.split(r"\s=\s", latex, maxsplit=1)
    return m[1] if len(m) == 2 else latex


def activation_steps(act, names: dict, values: dict, digits: int, quantity: str, value) -> Step:
    """``out_h1 = f(net_h1) = f(0.3775) = …`` from the activation's own formula strings."""
    return make_step(quantity, substitute(rhs(act.formula), names), substitute(rhs(act.formula), values, digits),
                     value, formula_latex=substitute_latex(_latex_rhs(act.latex), names),
                     substituted_latex=substitute_latex(_latex_rhs(act.latex), values, digits))


def derivative_step(act, names: dict, values: dict, digits: int, quantity: str, value) -> Step:
    """``∂out_h1/∂net_h1 = out_h1 · (1 − out_h1) = …`` from the activation's derivative formula."""
    f, lx = act.derivative_formula, act.derivative_latex
    return make_step(quantity, substitute(f, names), substitute(f, values, digits), value,
                     formula_latex=substitute_latex(lx, names),
                     substituted_latex=substitute_latex(lx, values, digits))


def loss_term(loss, names: dict, values: dict, digits: int, quantity: str, value) -> Step:
    """One output's share of the loss: the loss formula without its ``Σ`` (E = Σ_k E_k)."""
    f = re.sub(r"Σ\s*", "", rhs(loss.formula))
    lx = re.sub(r"\\sum\s*", "", _latex_rhs(loss.latex))
    return make_step(quantity, substitute(f, names), substitute(f, values, digits), value,
                     formula_latex=substitute_latex(lx, names),
                     substituted_latex=substitute_latex(lx, values, digits))


def loss_term_text(loss) -> str:
    return re.sub(r"Σ\s*", "", rhs(loss.formula))


def loss_derivative(loss, names: dict, values: dict, digits: int, quantity: str, value) -> Step:
    f, lx = loss.derivative_formula, loss.derivative_latex
    return make_step(quantity, substitute(f, names), substitute(f, values, digits), value,
                     formula_latex=substitute_latex(lx, names),
                     substituted_latex=substitute_latex(lx, values, digits))


def fused_step(loss, names: dict, values: dict, digits: int, quantity: str, value, activation: str) -> Step:
    f = loss.fused_formula
    return make_step(quantity, substitute(f, names), substitute(f, values, digits), value,
                     note=f"{activation} followed by {loss.name}: ∂E/∂out · ∂out/∂net simplifies to "
                          f"{f} (derived in glassnet.losses.Loss)")


def softmax_value_step(act, k_name: str, all_names: list[str], nets: list[float], digits: int,
                       quantity: str, value) -> Step:
    """``out_k = e^(net_k) / Σ_j e^(net_j)`` with the sum written out over the layer."""
    f = rhs(act.formula)
    lx = _latex_rhs(act.latex)

    def expand(text: str, items: list[str]) -> str:
        text = text.replace("net_k", items[all_names.index(k_name)])
        return re.sub(r"Σ_j (e\^\(net_j\))", lambda m: "(" + " + ".join(m.group(1).replace("net_j", n) for n in items)
                      + ")", text)

    def expand_latex(text: str, items: list[str]) -> str:
        text = text.replace(r"\mathrm{net}_k", items[all_names.index(k_name)])
        return re.sub(r"\\sum_j\s*(e\^\{\\mathrm\{net\}_j\})", lambda m: r"\left(" + " + ".join(
            m.group(1).replace(r"\mathrm{net}_j", n) for n in items) + r"\right)", text)

    names = [f"net_{n}" for n in all_names]
    nums = [number_text(v, digits) for v in nets]
    from .formula import number_latex
    return make_step(quantity, expand(f, names), expand(f, nums), value,
                     formula_latex=expand_latex(lx, ["{" + latex_name(n) + "}" for n in names]),
                     substituted_latex=expand_latex(lx, ["{" + number_latex(v, digits) + "}" for v in nets]))


def jacobian_step(act, a: str, b: str, out_a: float, out_b: float, digits: int, value) -> Step:
    """``∂out_a/∂net_b = out_a ([a = b] − out_b)`` from the (softmax) derivative formula."""
    f = rhs(act.derivative_formula)
    same = "1" if a == b else "0"
    named = f.replace("out_k", f"out_{a}").replace("out_j", f"out_{b}").replace("[k = j]", f"[{a} = {b}]")
    numbers = (f.replace("out_k", number_text(out_a, digits)).replace("out_j", number_text(out_b, digits))
               .replace("[k = j]", same))
    return make_step(f"∂out_{a}/∂net_{b}", named, numbers, value,
                     formula_latex=text_to_latex(named.replace("[", "(").replace("]", ")")))
