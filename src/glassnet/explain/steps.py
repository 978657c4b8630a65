"""Small helpers shared by the views: build a :class:`Step` with its LaTeX filled in."""

from __future__ import annotations

import re

from ..errors import ConfigError
from .formula import (enclosed, latex_name, number_latex, number_text, rhs, substitute, substitute_latex,
                      text_to_latex)
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


# ---------------------------------------------------------------- gradient descent

GRADIENT_DESCENT = "{theta} − η · ∂{E}/∂{theta}"


def update_formula(param: str, error: str = "E") -> str:
    """The gradient-descent update of ``param``, as the explanation writes it: ``θ − η · ∂E/∂θ``.

    This is exactly what :meth:`glassnet.Network.step` computes, ``θ ← θ − η ∂E/∂θ``,
    and the recorder reads the result back from the engine; both views take the rule
    from here.

    >>> update_formula("w5", "E_total")
    'w5 − η · ∂E_total/∂w5'
    """
    return GRADIENT_DESCENT.format(theta=param, E=error)


# ---------------------------------------------------------------- the library's own formulas


def _latex_rhs(latex: str) -> str:
    m = re.split(r"\s=\s", latex, maxsplit=1)
    return m[1] if len(m) == 2 else latex


def value_formula(act) -> tuple[str, str]:
    """An activation's formula ``out = f(net)`` as (text, LaTeX), right-hand sides only."""
    return rhs(act.formula), _latex_rhs(act.latex)


def derivative_formula(f) -> tuple[str, str]:
    """The derivative formula of an activation (``∂out/∂net``) or a loss (``∂E/∂out``): (text, LaTeX)."""
    return f.derivative_formula, f.derivative_latex


def loss_formula(loss) -> tuple[str, str]:
    """A loss's formula (one sample's loss, ``Σ`` over its outputs) as (text, LaTeX), right-hand sides only."""
    return rhs(loss.formula), _latex_rhs(loss.latex)


def loss_term_formula(loss) -> tuple[str, str]:
    """One output's share of the loss: the loss formula without its ``Σ`` (``E = Σ_k E_k``)."""
    return re.sub(r"Σ\s*", "", rhs(loss.formula)), re.sub(r"\\sum\s*", "", _latex_rhs(loss.latex))


def formula_step(quantity: str, formula: tuple[str, str], names: dict, values: dict, digits: int, value,
                 note: str = "") -> Step:
    """A step from one of the library's own formulas, given as (text, LaTeX).

    The formula is shown renamed for one neuron (``names``: ``net`` → ``net_h1``), then
    with the engine's numbers in (``values``), then ``value``, e.g.
    ``out_h1 = 1 / (1 + e^(−net_h1)) = 1 / (1 + e^(−0.3775)) = 0.593269992``.
    """
    text, latex = formula
    return make_step(quantity, substitute(text, names), substitute(text, values, digits), value,
                     formula_latex=substitute_latex(latex, names),
                     substituted_latex=substitute_latex(latex, values, digits), note=note)


def named_step(quantity: str, formula: tuple[str, str], names: dict, value, note: str = "") -> Step:
    """A step from one of the library's own formulas, renamed (``out`` → ``out⁽2⁾``), without numbers put in."""
    text, latex = formula
    return make_step(quantity, substitute(text, names), "", value,
                     formula_latex=substitute_latex(latex, names) if latex else None, note=note)


def fused_step(loss, names: dict, values: dict, digits: int, quantity: str, value, activation: str) -> Step:
    f = loss.fused_formula
    return make_step(quantity, substitute(f, names), substitute(f, values, digits), value,
                     note=f"{activation} followed by {loss.name}: ∂E/∂out · ∂out/∂net simplifies to "
                          f"{f} (derived in glassnet.losses.Loss)")


def _replace(text: str, old: str, new: str, what: str) -> str:
    """``text.replace(old, new)``, refusing a formula that does not hold ``old``."""
    if old not in text:
        raise ConfigError(f"the scalar view writes out the {what} formula term by term, but {text!r} has no "
                          f"{old!r}; it knows the softmax form (out_k = e^(net_k) / Σ_j e^(net_j)). "
                          "Use the matrix view for this activation")
    return text.replace(old, new)


def _expand_sum(pattern: str, text: str, repl, what: str) -> str:
    """``re.sub(pattern, repl, text)``, refusing a formula the pattern does not match."""
    out, n = re.subn(pattern, repl, text)
    if n == 0:
        raise ConfigError(f"the scalar view writes out the {what} formula term by term, but {text!r} has no "
                          f"sum matching {pattern!r}; it knows the softmax form (out_k = e^(net_k) / Σ_j e^(net_j)). "
                          "Use the matrix view for this activation")
    return out


def softmax_value_step(act, k_name: str, all_names: list[str], nets: list[float], digits: int,
                       quantity: str, value) -> Step:
    """``out_k = e^(net_k) / Σ_j e^(net_j)`` with the sum written out over the layer.

    Raises ConfigError if the activation's formula is not of that form (so a changed
    formula is reported, not shown half rewritten).
    """
    f, lx = value_formula(act)
    what = act.name

    def expand(text: str, items: list) -> str:
        text = _place(_replace(text, "net_k", "net_k", what), "net_k", items[all_names.index(k_name)], digits)
        return _expand_sum(r"Σ_j (e\^\(net_j\))", text, lambda m: "(" + " + ".join(
            _place(m.group(1), "net_j", n, digits) for n in items) + ")", what)

    def expand_latex(text: str, items: list) -> str:
        k = r"\mathrm{net}_k"
        text = _place(_replace(text, k, k, what), k, items[all_names.index(k_name)], digits, latex=True)
        return _expand_sum(r"\\sum_j\s*(e\^\{\\mathrm\{net\}_j\})", text, lambda m: r"\left(" + " + ".join(
            _place(m.group(1), r"\mathrm{net}_j", n, digits, latex=True) for n in items) + r"\right)", what)

    names = [f"net_{n}" for n in all_names]
    nets = [float(v) for v in nets]
    return make_step(quantity, expand(f, names), expand(f, nets), value,
                     formula_latex=expand_latex(lx, [latex_name(n) for n in names]),
                     substituted_latex=expand_latex(lx, nets))


def _place(text: str, old: str, item, digits: int, latex: bool = False) -> str:
    """Put ``item`` (a name, or a number) wherever ``old`` stands; a negative number keeps its
    parentheses unless it is a whole argument already (``e^(−0.5)``, ``e^{-0.5}``)."""
    if isinstance(item, str):
        return text.replace(old, item)
    opens, closes = ("({,", ")},") if latex else ("(,", "),")
    out, pos = [], 0
    for m in re.finditer(re.escape(old), text):
        s = number_latex(item, digits) if latex else number_text(item, digits)
        if s.startswith("(") and enclosed(text, m.start(), m.end(), opens, closes):
            s = s[1:-1]
        out += [text[pos:m.start()], s]
        pos = m.end()
    return "".join(out) + text[pos:]


def jacobian_step(act, a: str, b: str, out_a: float, out_b: float, digits: int, value) -> Step:
    """``∂out_a/∂net_b = out_a ([a = b] − out_b)`` from the (softmax) derivative formula."""
    f = rhs(act.derivative_formula)
    what = f"{act.name} derivative"

    def put(text: str, k: str, j: str, same: str) -> str:
        for old, new in (("out_k", k), ("out_j", j), ("[k = j]", same)):
            text = _replace(text, old, new, what)
        return text

    named = put(f, f"out_{a}", f"out_{b}", f"[{a} = {b}]")
    numbers = put(f, number_text(out_a, digits), number_text(out_b, digits), "1" if a == b else "0")
    return make_step(f"∂out_{a}/∂net_{b}", named, numbers, value,
                     formula_latex=text_to_latex(named.replace("[", "(").replace("]", ")")))
