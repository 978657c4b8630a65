"""Formulas as text: put names or numbers into a formula, write it in LaTeX.

The activations and losses carry their formulas as plain text and LaTeX in the
names ``net``, ``out``, ``target`` (and ``K``, the number of outputs). The explanation
never re-types them: it renames them for one neuron (``net`` → ``net_h1``) and then
puts the engine's numbers in their place. Every value shown comes from the engine;
:func:`evaluate` is a test aid only (the tests check with it that each printed formula,
numbers put in, computes the value printed beside it).

>>> substitute("out · (1 − out)", {"out": "out_h1"})
'out_h1 · (1 − out_h1)'
>>> substitute("1 / (1 + e^(−net))", {"net": -0.5})
'1 / (1 + e^(−(−0.5)))'
>>> substitute("tanh(net)", {"net": -0.55})
'tanh(−0.55)'
>>> evaluate("1 / (1 + e^(−0.3775))")  # doctest: +ELLIPSIS
0.5932699...
"""

from __future__ import annotations

import math
import re

import numpy as np

from .record import format_number

_WORD = re.compile(r"(?<![A-Za-z0-9_])(net|out|target|K)(?![A-Za-z0-9_])")
# single-letter names the loss LaTeX uses: t = target, o = out, K
_LATEX_NAMES = re.compile(r"\\mathrm\{(net|out|target)\}|(?<![\\A-Za-z])([toK])(?![A-Za-z])")
_LATEX_ALIAS = {"t": "target", "o": "out", "K": "K"}


def number_text(x, digits: int = 9) -> str:
    """A number as it appears inside a formula (negative numbers in parentheses)."""
    s = format_number(x, digits)
    return f"({s})" if s.startswith("−") else s


def number_latex(x, digits: int = 9) -> str:
    s = format_number(x, digits).replace("−", "-")
    if "e" in s:
        mantissa, exp = s.split("e")
        s = rf"{mantissa} \times 10^{{{int(exp)}}}"
    return f"({s})" if s.startswith("-") else s


def enclosed(text: str, start: int, end: int, opens: str = "(,", closes: str = "),") -> bool:
    """True when ``text[start:end]`` is a whole argument: ``(…)``, ``f(a, …)``, ``{…}`` in LaTeX.

    A negative number put there needs no parentheses of its own (``tanh(−0.55)``, not
    ``tanh((−0.55))``); anywhere else it keeps them (``e^(−(−0.5))``, ``1 − (−0.5)²``).
    A LaTeX command is no separator: the ``,`` of the thin space ``\\,`` in ``0.01\\,\\mathrm{net}``
    is a product, so a negative net there keeps its parentheses (``0.01\\,(-0.9)``).
    """
    before, after = text[:start].rstrip(), text[end:].lstrip()
    return (bool(before) and before[-1] in opens and not before[:-1].endswith("\\")
            and bool(after) and after[0] in closes)


def _text(value, digits: int, bare: bool) -> str:
    if isinstance(value, str):
        return value
    s = number_text(value, digits)
    return s[1:-1] if bare and s.startswith("(") else s


def substitute(formula: str, values: dict, digits: int = 9) -> str:
    """Replace the names ``net``, ``out``, ``target``, ``K`` by names (str) or numbers."""
    def replace(m: re.Match) -> str:
        name = m.group(1)
        if name not in values:
            return name
        return _text(values[name], digits, enclosed(formula, m.start(), m.end()))

    return _WORD.sub(replace, formula)


def substitute_latex(latex: str, values: dict, digits: int = 9) -> str:
    """The same for a LaTeX formula (``\\mathrm{net}`` and the letters ``t``, ``o``, ``K``), in one pass."""
    def replace(m: re.Match) -> str:
        name = m.group(1) or _LATEX_ALIAS[m.group(2)]
        if name not in values:
            return m.group(0)
        v = values[name]
        if isinstance(v, str):
            return latex_name(v)
        s = number_latex(v, digits)
        return s[1:-1] if s.startswith("(") and enclosed(latex, m.start(), m.end(), "({,", ")},") else s

    return _LATEX_NAMES.sub(replace, latex)


def rhs(formula: str) -> str:
    """The right-hand side of ``"out = …"`` (the formula itself when there is no ``=``)."""
    return formula.split(" = ", 1)[1] if " = " in formula else formula


# ---------------------------------------------------------------- evaluation

_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:e[-+]?\d+)?)|([A-Za-zσ_][\w]*)|(\*\*|<=|>=|[-+*/(),<>=]))")
_FUNCS = {"exp": math.exp, "ln": math.log, "tanh": math.tanh, "max": max,
          "σ": lambda z: 1 / (1 + math.exp(-z))}
_KEYWORDS = {"if", "else"}


def evaluate(text: str) -> float:
    """Evaluate a formula with numbers substituted (as the explanation prints it): a test aid.

    Understands ``·``, ``−``, ``½``, ``²``, ``e^(…)``, ``ln``, ``tanh``, ``max``, ``σ``,
    Iverson brackets ``[net > 0]``, ``a if c else b`` and juxtaposition as a product.
    It exists so that tests can check that every printed formula computes its value;
    the explanation itself never calls it (its values are the engine's, e.g. the
    shares ``E_k`` come from :attr:`glassnet.losses.Loss.terms`). Plain Python floats:
    ``ln(0)`` raises ValueError and ``inf`` is not a number it reads.
    """
    s = (text.replace("−", "-").replace("·", "*").replace("×", "*").replace("½", "(1/2)")
         .replace("²", "**2").replace("≤", "<=").replace("≥", ">=").replace("[", "(").replace("]", ")")
         .replace("e^(", "exp(").replace("^", "**"))
    tokens, pos = [], 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            if s[pos:].strip() == "":
                break
            raise ValueError(f"cannot evaluate {text!r} at {s[pos:]!r}")
        num, name, op = m.groups()
        tokens.append(("num", num) if num else ("name", name) if name else ("op", op))
        pos = m.end()
    out: list[str] = []
    for i, (kind, tok) in enumerate(tokens):
        if i:
            pk, pt = tokens[i - 1]
            left = pk == "num" or (pk == "name" and pt not in _FUNCS and pt not in _KEYWORDS) or pt == ")"
            right = kind == "num" or (kind == "name" and tok not in _KEYWORDS) or tok == "("
            if left and right and not (pk == "name" and pt in _FUNCS):
                out.append("*")
        out.append(tok)
    namespace = {"__builtins__": {}, "e": math.e, **{k: v for k, v in _FUNCS.items() if k != "σ"},
                 "sigma_": _FUNCS["σ"]}
    return float(eval(" ".join(out).replace("σ", "sigma_"), namespace))  # noqa: S307 (no builtins)


# ---------------------------------------------------------------- LaTeX

_GREEK = {"δ": r"\delta", "η": r"\eta", "σ": r"\sigma", "Δ": r"\Delta", "θ": r"\theta"}
_NAME = re.compile(r"([A-Za-zδηΔθσ]+)(\d*)(?:_([A-Za-z0-9]+(?:_[0-9]+)?))?(⁺)?(?:⁽(\d+)⁾)?(⁺)?")


def latex_name(name: str) -> str:
    """``net_h1`` → ``\\mathrm{net}_{h1}``, ``w5⁺`` → ``w_{5}^{+}``, ``∂E_total/∂w5`` → a fraction."""
    if name.startswith("∂") and "/∂" in name:
        top, bottom = name[1:].split("/∂", 1)
        return rf"\frac{{\partial {latex_name(top)}}}{{\partial {latex_name(bottom)}}}"
    m = _NAME.fullmatch(name)
    if not m:
        return rf"\mathrm{{{name}}}"
    base, digits, sub, plus, layer, plus2 = m.groups()
    plus = plus or plus2
    base = _GREEK.get(base, base if len(base) == 1 else rf"\mathrm{{{base}}}")
    sub = digits or sub
    if sub:
        sub = rf"\mathrm{{{sub}}}" if sub.isalpha() and len(sub) > 1 else sub
        base += f"_{{{sub}}}"
    sup = ("+" if plus else "") + (f"({layer})" if layer else "")
    return base + (f"^{{{sup}}}" if sup else "")


_TEXT_TOKEN = re.compile(
    r"(∂[^\s/]+/∂[^\s)]+)"                    # a derivative
    r"|(\[[−\d.e+; ]+\](?:ᵀ)?)"                 # a matrix [a b; c d]
    r"|(\d+(?:\.\d+)?(?:e[−+]?\d+)?)"          # a number
    r"|([A-Za-zδηΔθσ]+\d*(?:_[A-Za-z0-9]+(?:_[0-9]+)?)?⁺?(?:⁽\d+⁾)?⁺?)"  # a name
    r"|(\S)")                                  # anything else: one symbol
_SYMBOL = {"·": r"\cdot", "−": "-", "⊙": r"\odot", "ᵀ": r"^{\top}", "Σ": r"\sum", "×": r"\times",
           "≈": r"\approx", "½": r"\tfrac{1}{2}", "²": "^{2}", "′": "'"}


def matrix_text(a, digits: int = 9) -> str:
    """A vector or matrix as ``[a b; c d]`` (a 1-D array is a column)."""
    a = np.asarray(a)
    rows = a.reshape(-1, 1) if a.ndim == 1 else a.reshape(a.shape[0], -1)
    return "[" + "; ".join(" ".join(format_number(v, digits) for v in r) for r in rows) + "]"


def matrix_latex(a, digits: int = 9) -> str:
    a = np.asarray(a)
    rows = a.reshape(-1, 1) if a.ndim == 1 else a.reshape(a.shape[0], -1)
    body = r" \\ ".join(" & ".join(number_latex(v, digits).strip("()") for v in r) for r in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def text_to_latex(text: str) -> str:
    """LaTeX for the simple formulas the recorder writes itself (names, numbers, · + − ( ) ⊙ ᵀ)."""
    parts = []
    for deriv, mat, num, name, sym in _TEXT_TOKEN.findall(text):
        if deriv:
            parts.append(latex_name(deriv))
        elif mat:
            transpose = mat.endswith("ᵀ")
            body = mat.rstrip("ᵀ")[1:-1]
            rows = [r.split() for r in body.split(";")]
            parts.append(r"\begin{bmatrix} " + r" \\ ".join(" & ".join(c.replace("−", "-") for c in r)
                                                             for r in rows) + r" \end{bmatrix}"
                         + (r"^{\top}" if transpose else ""))
        elif num:                          # as printed: the digits the text shows, not a new rounding
            mantissa, _, exp = num.partition("e")
            parts.append(rf"{mantissa} \times 10^{{{int(exp.replace('−', '-'))}}}" if exp else mantissa)
        elif name:
            parts.append(latex_name(name))
        else:
            parts.append(_SYMBOL.get(sym, sym))
    return " ".join(parts)
