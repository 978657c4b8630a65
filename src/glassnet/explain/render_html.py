"""A standalone HTML page: formulas in MathML, no JavaScript, nothing fetched from the network.

Browsers render MathML natively (Chromium since version 109, Firefox, Safari), so
the page works offline. A Content-Security-Policy forbids scripts and remote loads.
"""

from __future__ import annotations

from html import escape

from .latexparts import step_latex
from .mathml import to_mathml
from .record import Explanation, Section, Step, Table, format_number
from .render_text import render_step

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.step { margin: 0.4rem 0; overflow-x: auto; overflow-y: hidden; padding: 0.15rem 0; }
.step math { text-align: left; margin-left: 0; }
.step math { font-size: 1.15rem; }
.note { color: #555; font-style: italic; margin: 0 0 0.6rem 1.5rem; }
table { border-collapse: collapse; margin: 0.8rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { font-weight: bold; text-align: left; }
pre.fallback { background: #f6f6f6; padding: 0.3rem; }
"""


def _step_html(step: Step, digits: int, strict: bool) -> str:
    try:
        body = to_mathml(step_latex(step, digits))
    except ValueError:
        if strict:
            raise
        body = f'<pre class="fallback">{escape(chr(10).join(render_step(step, 100, digits)))}</pre>'
    note = f'<div class="note">({escape(step.note)})</div>' if step.note else ""
    return f'<div class="step">{body}</div>{note}'


def _table_html(table: Table, digits: int) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    rows = "".join("<tr>" + "".join(
        f'<td class="num">{escape(format_number(c, digits))}</td>' if not isinstance(c, str)
        else f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in table.notes)
    return f"<table><caption>{escape(table.title)}</caption><tr>{head}</tr>{rows}</table>{notes}"


def _section_html(section: Section, digits: int, strict: bool) -> str:
    parts = [f"<section><h2>{escape(section.title)}</h2>"]
    for item in section.items:
        if isinstance(item, Step):
            parts.append(_step_html(item, digits, strict))
        elif isinstance(item, Table):
            parts.append(_table_html(item, digits))
        else:
            parts.append(f"<p>{escape(str(item))}</p>")
    parts += [f"<p><strong>Note:</strong> {escape(n)}</p>" for n in section.notes]
    return "".join(parts) + "</section>"


def render_html(explanation: Explanation, standalone: bool = True, strict: bool = False) -> str:
    """The explanation as HTML; ``standalone`` makes a whole page, else a fragment (for Jupyter).

    ``strict=True`` raises if a formula cannot be written in MathML instead of showing
    its plain-text form (the tests use it).
    """
    d = explanation.digits
    body = f"<h1>{escape(explanation.title)}</h1>"
    if explanation.intro:
        body += f"<p>{escape(explanation.intro)}</p>"
    body += "\n".join(_section_html(s, d, strict) for s in explanation.sections)
    if not standalone:
        return f'<div class="glassnet-explanation">{body}</div>'
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>{escape(explanation.title)}</title><style>{_CSS}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")
