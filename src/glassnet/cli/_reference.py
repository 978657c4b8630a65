"""The Markdown reference of every subcommand (the generated part of ``docs/cli.md``), from the parsers.

    python -m glassnet.cli._reference docs/cli.md

rewrites the text between the markers :data:`BEGIN` and :data:`END`; a test checks that the
file is up to date, so the reference never drifts from the options the command really takes.
"""

from __future__ import annotations

import argparse
import sys

BEGIN, END = "<!-- BEGIN GENERATED: glassnet.cli._reference.render_reference -->", "<!-- END GENERATED -->"


def _arg_row(action: argparse.Action) -> list[str] | None:
    if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
        return None
    if action.option_strings:
        name = ", ".join(action.option_strings)
        if action.nargs != 0:
            metavar = action.metavar or action.dest.upper()
            name += f" [{metavar}]" if action.nargs == "?" else f" {metavar}"
    else:
        name = action.metavar or action.dest
        name += " …" if action.nargs in ("*", "+") else ""
    text = (action.help or "").replace("|", "\\|").replace("%(default)s", str(action.default))
    if action.choices and "{" not in text:
        text += f" (one of: {', '.join(map(str, action.choices))})"
    return [f"`{name}`", text]


def render_reference(parser: argparse.ArgumentParser | None = None) -> str:
    """Markdown for every subcommand: description, arguments and examples, straight from the parsers."""
    from . import build_parser

    parser = parser or build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parts = []
    for name, p in sub.choices.items():
        rows = [r for r in map(_arg_row, p._actions) if r]
        parts.append(f"## `glassnet {name}`\n\n{p.description}\n\n| argument | meaning |\n|---|---|\n" +
                     "\n".join(f"| {a} | {b} |" for a, b in rows) + "\n")
        if p.epilog:
            parts.append(f"```\n{p.epilog.strip()}\n```\n")
    return "\n".join(parts)


def update_reference(path: str) -> bool:
    """Rewrite the generated part of ``path`` (between the markers); True if it changed."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if BEGIN not in text or END not in text.split(BEGIN, 1)[1]:
        raise SystemExit(f"{path}: the markers {BEGIN} … {END} are missing")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    new = f"{head}{BEGIN}\n\n{render_reference()}\n{END}{tail}"
    if new != text:
        from ..io import atomic_write

        atomic_write(path, new)
    return new != text


def main(argv: list[str]) -> int:
    """``python -m glassnet.cli._reference FILE…``: update each file's generated reference."""
    if not argv:
        print("usage: python -m glassnet.cli._reference docs/cli.md", file=sys.stderr)
        return 2
    for path in argv:
        print("updated" if update_reference(path) else "up to date", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
