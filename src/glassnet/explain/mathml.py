"""A small LaTeX → MathML translator for the formulas glassnet writes.

It understands the subset the activations, losses and recorder use: ``\\frac``,
``\\tfrac``, ``\\mathrm``, ``\\operatorname``, ``\\text``, sub- and superscripts, groups,
``\\left``/``\\right``, ``bmatrix`` environments, Greek letters and the usual operators.
Anything else raises :class:`ValueError` naming it, so a new formula that this
translator cannot show is caught by the tests instead of rendering wrongly.

>>> to_mathml(r"\\frac{1}{2}")
'<math display="block"><mfrac><mrow><mn>1</mn></mrow><mrow><mn>2</mn></mrow></mfrac></math>'
"""

from __future__ import annotations

import re
from html import escape

_TOKENS = re.compile(r"\\[A-Za-z]+|\\[,;:! \\{}]|\d+(?:\.\d+)?|[A-Za-z]|\s+|.", re.S)

_IDENT = {r"\delta": "δ", r"\eta": "η", r"\sigma": "σ", r"\Delta": "Δ", r"\theta": "θ", r"\partial": "∂",
          r"\alpha": "α", r"\lambda": "λ", r"\top": "⊤", r"\infty": "∞"}
_OPS = {r"\cdot": "·", r"\odot": "⊙", r"\times": "×", r"\le": "≤", r"\ge": "≥", r"\leq": "≤", r"\geq": "≥",
        r"\approx": "≈", r"\sum": "∑", r"\ne": "≠", r"\to": "→", r"\in": "∈", r"\pm": "±",
        r"\{": "{", r"\}": "}", r"\mid": "|"}
_FUNCS = {r"\ln": "ln", r"\tanh": "tanh", r"\max": "max", r"\min": "min", r"\exp": "exp", r"\log": "log"}
_SPACES = {r"\,": "0.17em", r"\;": "0.28em", r"\:": "0.22em", r"\ ": "0.25em", r"\quad": "1em",
           r"\qquad": "2em", r"\!": "0em"}


class _Parser:
    def __init__(self, latex: str) -> None:
        self.tokens = [t for t in _TOKENS.findall(latex) if not t.isspace()]
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end of formula")
        self.pos += 1
        return tok

    def expect(self, tok: str) -> None:
        got = self.take()
        if got != tok:
            raise ValueError(f"expected {tok!r}, got {got!r}")

    def raw_group(self) -> str:
        """The literal text of a ``{…}`` group (for \\mathrm and friends)."""
        self.expect("{")
        depth, out = 1, []
        while True:
            tok = self.take()
            if tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0:
                    return "".join(out)
            out.append(tok)

    def row(self, stop: tuple[str, ...] = ()) -> str:
        items = []
        while self.peek() is not None and self.peek() not in stop:
            items.append(self.scripted())
        return items[0] if len(items) == 1 else "<mrow>" + "".join(items) + "</mrow>"

    def scripted(self) -> str:
        base = self.atom()
        sub = sup = None
        while self.peek() in ("_", "^"):
            which = self.take()
            arg = self.atom()
            if which == "_":
                sub = arg
            else:
                sup = arg
        if sub is not None and sup is not None:
            return f"<msubsup>{base}{sub}{sup}</msubsup>"
        if sub is not None:
            return f"<msub>{base}{sub}</msub>"
        if sup is not None:
            return f"<msup>{base}{sup}</msup>"
        return base

    def atom(self) -> str:
        tok = self.take()
        if tok == "{":
            inner = self.row(("}",))
            self.expect("}")
            return inner if inner.startswith("<mrow>") else f"<mrow>{inner}</mrow>"
        if tok in (r"\frac", r"\tfrac", r"\dfrac"):
            return f"<mfrac>{self.atom()}{self.atom()}</mfrac>"
        if tok in (r"\mathrm", r"\operatorname"):
            return f'<mi mathvariant="normal">{escape(self.raw_group())}</mi>'
        if tok == r"\text":
            return f"<mtext>{escape(self.raw_group())}</mtext>"
        if tok in (r"\left", r"\right"):
            delim = self.take()
            return "" if delim == "." else f'<mo stretchy="true">{escape(delim)}</mo>'
        if tok == r"\begin":
            return self.matrix(self.raw_group())
        if tok in _IDENT:
            return f"<mi>{_IDENT[tok]}</mi>"
        if tok in _OPS:
            return f"<mo>{escape(_OPS[tok])}</mo>"
        if tok in _FUNCS:
            return f"<mi>{_FUNCS[tok]}</mi><mo>&#x2061;</mo>"
        if tok in _SPACES:
            return f'<mspace width="{_SPACES[tok]}"/>'
        if tok.startswith("\\"):
            raise ValueError(f"unsupported LaTeX command {tok}")
        if tok[0].isdigit():
            return f"<mn>{tok}</mn>"
        if tok.isalpha():
            return f"<mi>{escape(tok)}</mi>"
        if tok == "-":
            return "<mo>−</mo>"
        return f"<mo>{escape(tok)}</mo>"

    def matrix(self, env: str) -> str:
        fences = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "matrix": ("", "")}
        if env not in fences:
            raise ValueError(f"unsupported LaTeX environment {env}")
        rows, cells = [], []
        while True:
            cells.append(self.row(("&", r"\\", r"\end")))
            tok = self.take()
            if tok == "&":
                continue
            rows.append(cells)
            cells = []
            if tok == r"\end":
                self.raw_group()
                break
        table = "<mtable>" + "".join(
            "<mtr>" + "".join(f"<mtd>{c}</mtd>" for c in r) + "</mtr>" for r in rows) + "</mtable>"
        left, right = fences[env]
        if not left:
            return table
        return f"<mrow><mo>{left}</mo>{table}<mo>{right}</mo></mrow>"


def to_mathml(latex: str, display: bool = True) -> str:
    """Translate ``latex`` into a ``<math>`` element (raises ValueError for unsupported input)."""
    parser = _Parser(latex)
    body = parser.row()
    if parser.peek() is not None:
        raise ValueError(f"unbalanced braces in {latex!r}")
    mode = ' display="block"' if display else ""
    return f"<math{mode}>{body}</math>"
