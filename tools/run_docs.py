"""Run the Python blocks of a Markdown page, in order, in one namespace — and check their output.

    python tools/run_docs.py docs/tutorial.md            # regenerate docs/figures/ (runs in docs/)
    python tools/run_docs.py --update docs/tutorial.md   # also rewrite the output blocks from what runs

Rules (the same for the test suite, ``tests/test_docs.py``):

* every fenced block whose info string is ``python`` runs, in the order of the page, in one
  namespace per page, with matplotlib's ``Agg`` backend and the page's folder (or the folder
  given) as the working directory;
* ``python no-run`` blocks are shown to the reader but not run, and blocks written as a
  doctest session (``>>>``) are left to a doctest;
* a ``python`` block followed by the comment ``<!-- output -->`` and a ``text`` block must
  print exactly that text: the page cannot show output that the code no longer prints.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
OUTPUT_MARK = "<!-- output -->"


@dataclass
class Block:
    """One fenced block: its info string (``python``, ``python no-run``, ``text``), code and line."""

    info: str
    code: str
    line: int
    output: str | None = None          # the text block labelled as this block's output
    output_span: tuple[int, int] | None = None   # where that text lies in the page

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    @property
    def runs(self) -> bool:
        """A ``python`` block that is neither ``no-run`` nor a doctest session."""
        return (self.language == "python" and "no-run" not in self.info.split()[1:]
                and not self.code.lstrip().startswith(">>>"))


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a page; a text block after ``<!-- output -->`` becomes the output of the block before."""
    found: list[Block] = []
    end = 0
    for m in FENCE.finditer(text):
        between = text[end:m.start()]
        block = Block(m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1)
        if OUTPUT_MARK in between and found and block.language == "text":
            if between.strip() != OUTPUT_MARK:
                raise ValueError(f"line {block.line}: only blank lines may stand between a block, "
                                 f"{OUTPUT_MARK} and its output")
            if found[-1].output is not None or not found[-1].runs:
                raise ValueError(f"line {block.line}: an output block must follow a python block that runs")
            found[-1].output, found[-1].output_span = block.code, m.span(2)
        else:
            found.append(block)
        end = m.end()
    return found


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@contextlib.contextmanager
def _working_directory(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_page(page: Path, workdir: Path | None = None, update: bool = False) -> dict:
    """Run every runnable block of ``page`` in order (in ``workdir``, default the page's folder).

    Returns the namespace. Raises AssertionError naming the page and line when a block
    prints other text than its output block shows — or, with ``update=True``, rewrites
    those output blocks with what the code printed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    page = Path(page).resolve()
    namespace: dict = {"__name__": "__docs__"}
    text = page.read_text(encoding="utf-8")
    printed: list[tuple[tuple[int, int], str]] = []
    with _working_directory(Path(workdir or page.parent)):
        for block in blocks(text):
            if not block.runs:
                continue
            where = f"{page.name}:{block.line}"
            captured = io.StringIO()
            with contextlib.redirect_stdout(captured):
                exec(compile(block.code, where, "exec"), namespace)
            plt.close("all")
            if block.output is not None and update:
                printed.append((block.output_span, _normalise(captured.getvalue()) + "\n"))
            elif block.output is not None and _normalise(captured.getvalue()) != _normalise(block.output):
                raise AssertionError(f"{where}: the block prints\n{captured.getvalue()}\n"
                                     f"but the page shows\n{block.output}")
    for (start, stop), output in reversed(printed):
        text = text[:start] + output + text[stop:]
    if update:
        page.write_text(text, encoding="utf-8")
    return namespace


if __name__ == "__main__":
    update = "--update" in sys.argv[1:]
    for name in [a for a in sys.argv[1:] if a != "--update"] or ["docs/tutorial.md"]:
        run_page(Path(name), update=update)
        print("updated" if update else "ran", name)
