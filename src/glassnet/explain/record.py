"""What an explanation is made of: steps, tables and notes, grouped into sections.

The recorder (:mod:`.recorder`) and any other part of glassnet that explains itself
(the perceptron, for one) produce these plain records; the renderers turn them into
terminal text, Markdown with LaTeX, or a standalone HTML page with MathML. Nothing
here computes anything: every number in a record is a value the engine produced.

* :class:`Step` — one computed quantity, written three ways::

      out_h1 = 1 / (1 + e^(−net_h1)) = 1 / (1 + e^(−0.3775)) = 0.593269992
      ^quantity ^formula               ^substituted             ^value

* :class:`Table` — a trace table (one row per presentation, per round, …);
* a plain ``str`` — a paragraph of prose;
* :class:`Section` — a titled list of the above, with optional closing notes;
* :class:`Explanation` — a titled list of sections that renders itself and shows
  itself in Jupyter.

>>> e = Explanation("One step", [Section("Forward pass", [Step("net", "w · x", "2 · 3", 6.0)])])
>>> print(e.render("text").splitlines()[-1])
net = w · x = 2 · 3 = 6
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union

import numpy as np

from ..errors import ConfigError

FORMATS = ("text", "markdown", "html")


@dataclass
class Step:
    """One computed quantity: ``quantity = formula = substituted = value``.

    Parameters
    ----------
    quantity : str
        Its name in the seed's notation: ``"net_h1"``, ``"∂E_total/∂w5"``, ``"w5⁺"``.
    formula : str
        The right-hand side in symbols (``"out_h1 · (1 − out_h1)"``); may be empty.
    substituted : str
        The same with the numbers put in; may be empty.
    value : float, ndarray or None
        The engine's value (a matrix or vector in the matrix view).
    quantity_latex, formula_latex, substituted_latex : str
        LaTeX forms for the Markdown and HTML renderers (empty: the renderer uses the
        plain text, set upright).
    note : str
        A short remark printed after the step (``"b1 is fixed: not trained"``).
    """

    quantity: str
    formula: str = ""
    substituted: str = ""
    value: Union[float, np.ndarray, None] = None
    quantity_latex: str = ""
    formula_latex: str = ""
    substituted_latex: str = ""
    note: str = ""


@dataclass
class Table:
    """A table of values: ``header`` names the columns, each row holds one cell per column.

    Cells may be numbers (rendered with :func:`format_number`) or strings.
    """

    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise ConfigError(f"Table {self.title!r}: row {i} has {len(row)} cells; "
                                  f"the header has {len(self.header)}")


Item = Union[Step, Table, str]


@dataclass
class Section:
    """A titled group of steps, tables and paragraphs, with optional closing notes."""

    title: str
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    """A whole explanation: a title, an optional introduction, and sections.

    ``str(e)`` is the terminal text; Jupyter shows the Markdown/LaTeX form
    (``_repr_markdown_``) or the HTML/MathML form (``_repr_html_``).
    """

    title: str
    sections: list[Section] = field(default_factory=list)
    intro: str = ""
    digits: int = 9

    # ------------------------------------------------------------------ access
    @property
    def steps(self) -> list[Step]:
        """Every step of every section, in order."""
        return [item for s in self.sections for item in s.items if isinstance(item, Step)]

    def step(self, quantity: str) -> Step:
        """The first step computing ``quantity`` (``e.step("w5⁺").value``)."""
        for s in self.steps:
            if s.quantity == quantity:
                return s
        raise KeyError(f"no step computes {quantity!r}")

    def section(self, title: str) -> Section:
        """The first section whose title starts with ``title``."""
        for s in self.sections:
            if s.title.startswith(title):
                return s
        raise KeyError(f"no section titled {title!r}")

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    # ------------------------------------------------------------------ output
    def render(self, format: str = "text", width: int = 100) -> str:
        """The explanation as ``"text"`` (terminal), ``"markdown"`` (with LaTeX) or ``"html"``."""
        if format == "text":
            from .render_text import render_text
            return render_text(self, width=width)
        if format == "markdown":
            from .render_markdown import render_markdown
            return render_markdown(self)
        if format == "html":
            from .render_html import render_html
            return render_html(self)
        raise ConfigError(f"format must be one of {', '.join(FORMATS)}; got {format!r}")

    def save(self, path, format: str | None = None) -> Path:
        """Write the explanation to ``path``; the format follows the suffix (.md, .html, else text)."""
        path = Path(path)
        if format is None:
            format = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(
                path.suffix.lower(), "text")
        path.write_text(self.render(format), encoding="utf-8")
        return path

    def __str__(self) -> str:
        return self.render("text")

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_html_(self) -> str:
        from .render_html import render_html
        return render_html(self, standalone=False)

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(str(self))


# ---------------------------------------------------------------- numbers


def check_digits(digits) -> int:
    """``digits`` (significant digits shown) if it is a whole number ≥ 1, else :class:`ConfigError`."""
    if isinstance(digits, (bool, np.bool_)) or not isinstance(digits, (int, np.integer)) or digits < 1:
        raise ConfigError(f"digits must be a whole number ≥ 1 (significant digits shown); got {digits!r}")
    return int(digits)


def format_number(x, digits: int = 9) -> str:
    """``x`` with ``digits`` significant digits, trailing zeros dropped, minus as ``−``.

    Positional notation from 1e-7 to 1e9 (``0.0000351085481``), scientific outside.

    >>> format_number(0.7413650695516)
    '0.74136507'
    >>> format_number(-2.0)
    '−2'
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        s = str(int(x))
    else:
        v = float(x)
        if v == 0 or not np.isfinite(v):
            s = "0" if v == 0 else str(v)
        elif 1e-7 <= abs(v) < 1e9:
            s = np.format_float_positional(v, precision=digits, unique=False, fractional=False, trim="-")
        else:
            s = np.format_float_scientific(v, precision=digits - 1, unique=False, trim="-")
    return s.replace("-", "−")
