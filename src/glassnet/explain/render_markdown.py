"""Markdown with LaTeX (``$$ … $$``), as Jupyter and most Markdown viewers with MathJax/KaTeX show it."""

from __future__ import annotations

from .latexparts import step_latex
from .record import Explanation, Step, Table, format_number


def _cell(c, digits: int) -> str:
    s = c if isinstance(c, str) else format_number(c, digits)
    return s.replace("|", r"\|")


def render_table(table: Table, digits: int) -> list[str]:
    lines = [f"**{table.title}**", "", "| " + " | ".join(table.header) + " |",
             "|" + "|".join("---" for _ in table.header) + "|"]
    lines += ["| " + " | ".join(_cell(c, digits) for c in row) + " |" for row in table.rows]
    return lines + [""] + [f"*{n}*" for n in table.notes]


def render_markdown(explanation: Explanation) -> str:
    """The explanation as Markdown: headings, one display formula per step, tables."""
    digits = explanation.digits
    out = [f"# {explanation.title}", ""]
    if explanation.intro:
        out += [explanation.intro, ""]
    for section in explanation.sections:
        out += [f"## {section.title}", ""]
        for item in section.items:
            if isinstance(item, Step):
                out += ["$$", step_latex(item, digits), "$$", ""]
                if item.note:
                    out += [f"*({item.note})*", ""]
            elif isinstance(item, Table):
                out += render_table(item, digits) + [""]
            else:
                out += [str(item), ""]
        out += [f"> **Note:** {n}\n" for n in section.notes]
    return "\n".join(out).rstrip() + "\n"
