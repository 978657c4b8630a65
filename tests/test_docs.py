"""The documentation runs: every Python block of docs/*.md, the tutorial's printed output and figures,
and the generated API reference.

The tutorial's blocks run in order in one namespace, in a temporary folder, with matplotlib's Agg
backend (``tools/run_docs.py``); a block followed by ``<!-- output -->`` and a text block must print
exactly that text. Pages whose code another test already runs are listed in ``RUN_ELSEWHERE`` and
the test checks that the other test still reads them.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module                 # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


run_docs = _tool("run_docs")
gen_api_docs = _tool("gen_api_docs")

#: pages whose Python blocks another test runs (so that expensive ones are not run twice)
RUN_ELSEWHERE = {
    "scaling.md": "tests/test_distributed.py",
    "model-files.md": "tests/test_io.py",
    "sklearn.md": "tests/test_sklearn_mlp.py",
    "perceptron.md": "tests/test_perceptron.py",     # its examples are doctests
}
#: pages whose Python blocks are illustrations, not a program (they use a reader's own ``net, X, y``)
NOT_A_PROGRAM: set[str] = set()

FIGURE = re.compile(r"!\[[^\]]*\]\((figures/[^)]+\.png)\)")


# ---------------------------------------------------------------- the runner itself


def test_blocks_pairs_a_python_block_with_its_labelled_output():
    page = ("```python\nprint(1)\n```\n\n<!-- output -->\n```text\n1\n```\n\n"
            "```python no-run\nboom()\n```\n\n```python\n>>> 1\n1\n```\n\n```text\nnot an output\n```\n")
    found = run_docs.blocks(page)
    assert [(b.info, b.runs) for b in found] == [("python", True), ("python no-run", False), ("python", False),
                                                 ("text", False)]
    assert found[0].output == "1\n" and found[0].line == 1


def test_a_block_that_prints_something_else_fails(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\nx = 2\nprint(x * 21)\n```\n\n<!-- output -->\n```text\n41\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"page.md:1: the block prints\n42"):
        run_docs.run_page(page)
    run_docs.run_page(page, update=True)              # rewrites the output block from what the code prints
    assert "```text\n42\n```" in page.read_text(encoding="utf-8")
    run_docs.run_page(page)


def test_blocks_share_one_namespace_and_run_in_the_working_directory(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\nfrom pathlib import Path\nPath('made.txt').write_text('x')\n```\n\ntext\n\n"
                    "```python\nprint(Path('made.txt').read_text())\n```\n<!-- output -->\n```text\nx\n```\n",
                    encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    run_docs.run_page(page, workdir=work)
    assert (work / "made.txt").exists() and not (tmp_path / "made.txt").exists()


# ---------------------------------------------------------------- the tutorial


def test_tutorial_runs_prints_its_output_and_draws_its_figures(tmp_path):
    """One test (one run of the page, ~9 s on one core): pytest-xdist would run a shared fixture per worker."""
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):        # see tests/test_cnn_digits.py
        namespace = run_docs.run_page(DOCS / "tutorial.md", workdir=tmp_path)   # raises if an output differs
    seconds = time.perf_counter() - start
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    shown = [b for b in run_docs.blocks(text) if b.output is not None]
    assert len(shown) >= 15, "the tutorial shows the output of its blocks"
    assert seconds < 60, f"the tutorial took {seconds:.1f} s to run (aim: under 30 s)"
    # the numbers it teaches, checked here against the published ones (typed in from the seed)
    assert round(namespace["seed"].loss_value(namespace["x"], namespace["target"]), 9) == 0.291027774
    assert f"{namespace['runs']['numpy', 'sequential'][2][0]:.9f}" == "0.015912196"
    assert f"{namespace['runs']['numpy', 'simultaneous'][0][9999]:.10f}" == "0.0000351085"
    _check_figures(tmp_path)


def test_tutorial_output_blocks_show_the_published_figures():
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    outputs = "\n".join(b.output for b in run_docs.blocks(text) if b.output is not None)
    for figure in ("0.298371109", "0.35891648", "0.149780716", "0.291027924", "0.0000351085", "0.015912196",
                   "0.984065734"):
        assert figure in outputs


def _png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def _check_figures(work: Path) -> None:
    """Every figure the tutorial shows was drawn by its code into ``work``, is a real picture, and is committed."""
    referenced = FIGURE.findall((DOCS / "tutorial.md").read_text(encoding="utf-8"))
    assert len(referenced) >= 8
    made = sorted(p.relative_to(work).as_posix() for p in (work / "figures").glob("*.png"))
    assert made == sorted(set(referenced)), "every figure drawn is shown, and every figure shown is drawn"
    for name in referenced:
        new, committed = _png(work / name), _png(DOCS / name)
        height, width, _ = new.shape
        assert 250 <= height <= 2500 and 400 <= width <= 3000, f"{name}: {width}×{height} pixels"
        assert committed.shape == new.shape, f"{name}: regenerate docs/figures (python tools/run_docs.py docs/tutorial.md)"
        ink = np.any(np.abs(new - 255) > 40, axis=2).mean()
        assert 0.02 < ink < 0.95, f"{name}: {ink:.1%} of the pixels are drawn on"


def test_no_figure_in_docs_figures_is_orphaned():
    shown = set()
    for page in DOCS.glob("*.md"):
        shown.update(FIGURE.findall(page.read_text(encoding="utf-8")))
    on_disk = {p.relative_to(DOCS).as_posix() for p in (DOCS / "figures").glob("*.png")}
    assert on_disk == shown


# ---------------------------------------------------------------- the other pages


def _pages():
    return sorted(p.name for p in DOCS.glob("*.md") if p.name != "tutorial.md")


@pytest.mark.parametrize("name", _pages())
def test_python_blocks_of_each_page_run(name, tmp_path):
    page = DOCS / name
    runnable = [b for b in run_docs.blocks(page.read_text(encoding="utf-8")) if b.runs]
    if name in RUN_ELSEWHERE:
        other = (ROOT / RUN_ELSEWHERE[name]).read_text(encoding="utf-8")
        assert f'"{name}"' in other, f"{RUN_ELSEWHERE[name]} no longer runs docs/{name}"
    elif name in NOT_A_PROGRAM:
        assert runnable, f"docs/{name}: mark its illustrative blocks ```python no-run and drop it from NOT_A_PROGRAM"
    else:
        run_docs.run_page(page, workdir=tmp_path)


# ---------------------------------------------------------------- the API reference


def test_api_reference_is_generated_from_the_code():
    committed = (DOCS / "api.md").read_text(encoding="utf-8")
    assert committed == gen_api_docs.render(), (
        "docs/api.md is out of date: run  PYTHONPATH=src python tools/gen_api_docs.py docs/api.md")


def test_api_reference_lists_every_public_name():
    import glassnet

    text = (DOCS / "api.md").read_text(encoding="utf-8")
    for name in glassnet.__all__:
        assert f"`glassnet.{name}`" in text or f"`glassnet.{name}(" in text, name
    for module_name, _ in gen_api_docs.MODULES:
        module = importlib.import_module(module_name)
        assert f"## {module_name}\n" in text
        for name in gen_api_docs.public_names(module):
            assert f"{module_name}.{name}" in text, f"{module_name}.{name}"
    # signatures and first paragraphs come from the code
    assert "`glassnet.gradcheck.gradcheck(network, X, y, eps=1e-06, tolerance=1e-05" in text
    assert "| `sigmoid` | out = 1 / (1 + e^(−net)) | out · (1 − out) |" in text


def test_first_paragraph_and_signature_helpers():
    def f(a, b: int = 1, *, c=None) -> str:
        """Do a thing
        over two lines.

        More detail.
        """

    assert gen_api_docs.first_paragraph(f) == "Do a thing over two lines."
    assert gen_api_docs.signature(f) == "(a, b=1, *, c=None)"
