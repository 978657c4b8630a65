"""Plain-text rendering for the terminal: aligned, wrapped to a width (100 columns by default).

A step reads ``quantity = formula = numbers = value``; when that is too long, each
``=`` starts a new line under the first one. Tables are aligned column by column,
numbers to the right. Nothing is cut: a long line is wrapped, never truncated.
"""

from __future__ import annotations

import textwrap

import numpy as np

from .formula import matrix_text
from .record import Explanation, Section, Step, Table, format_number


def value_text(value, digits: int) -> str:
    if value is None:
        return ""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return matrix_text(value, digits)
    return format_number(value, digits)


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def render_step(step: Step, width: int = 100, digits: int = 9) -> list[str]:
    parts = [p for p in (step.formula, step.substituted, value_text(step.value, digits)) if p]
    dedup = []
    for p in parts:                 # "= 0.05 = 0.05" says nothing twice
        if not dedup or dedup[-1] != p:
            dedup.append(p)
    one_line = " = ".join([step.quantity] + dedup)
    if len(one_line) <= width:
        lines = [one_line]
    else:
        pad = " " * (len(step.quantity) + 1)
        lines = []
        for k, p in enumerate(dedup):
            head = f"{step.quantity} = " if k == 0 else f"{pad}= "
            lines += _wrap(p, width, head, " " * (len(head) + 2))
    if step.note:
        lines += _wrap(f"({step.note})", width, "    ", "     ")
    return lines


def render_table(table: Table, width: int = 100, digits: int = 9) -> list[str]:
    cells = [[c if isinstance(c, str) else format_number(c, digits) for c in row] for row in table.rows]
    numeric = [all(not isinstance(row[i], str) for row in table.rows) and bool(table.rows)
               for i in range(len(table.header))]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(table.header)]

    def line(row):
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)).rstrip()

    lines = [table.title, line(table.header), "  ".join("-" * w for w in widths).rstrip()]
    lines += [line(r) for r in cells]
    for note in table.notes:
        lines += _wrap(note, width)
    return lines


def render_section(section: Section, width: int = 100, digits: int = 9) -> list[str]:
    lines = [section.title, "─" * min(len(section.title), width)]
    for item in section.items:
        if isinstance(item, Step):
            lines += render_step(item, width, digits)
        elif isinstance(item, Table):
            lines += [""] + render_table(item, width, digits) + [""]
        else:
            lines += _wrap(str(item), width) + [""]
    for note in section.notes:
        lines += _wrap(note, width, "Note: ", "      ")
    return lines


def render_text(explanation: Explanation, width: int = 100) -> str:
    """The explanation as terminal text, no line longer than ``width`` (unless one word is)."""
    lines = [explanation.title, "═" * min(len(explanation.title), width)]
    if explanation.intro:
        lines += [""] + _wrap(explanation.intro, width)
    for section in explanation.sections:
        lines += [""] + render_section(section, width, explanation.digits)
    cleaned = []
    for ln in lines:                # no double blank lines
        if ln == "" and cleaned and cleaned[-1] == "":
            continue
        cleaned.append(ln)
    return "\n".join(cleaned).rstrip() + "\n"
