"""Write ``docs/api.md``, the API reference, from the code: names, signatures, first docstring paragraphs.

    PYTHONPATH=src python tools/gen_api_docs.py docs/api.md

The public names are ``glassnet.__all__`` and each key submodule's ``__all__`` (or, for a
module without one, the functions and classes it defines whose names do not start with
``_``). Activations and losses also get a table of their registry: name, formula,
derivative. ``tests/test_docs.py`` checks that the committed page is what this prints.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

#: the submodules documented, in the order of the page, with one line on each
MODULES = [
    ("glassnet.layers", "the layers: `Dense` (`net = W x + b`, W of shape S×R) and the image layers"),
    ("glassnet.network", "`Network`: forward, backward, parameters and gradients by name"),
    ("glassnet.activations", "activation functions: value, derivative and formulas side by side; `get(name)`"),
    ("glassnet.losses", "losses: total error, MSE, cross-entropies; `get(name)`"),
    ("glassnet.initializers", "initial weights"),
    ("glassnet.optimizers", "SGD, RMSprop, Adam, AdamW, gradient clipping (and the schedules, re-exported)"),
    ("glassnet.schedules", "learning-rate schedules: step, exponential, cosine, reduce on plateau"),
    ("glassnet.training", "the fit loop and history (and the callbacks, re-exported)"),
    ("glassnet.callbacks", "callbacks: early stopping, learning-rate scheduling, progress; weight snapshots"),
    ("glassnet.gradcheck", "finite-difference gradient checks"),
    ("glassnet.perceptron", "the perceptron and its learning rule"),
    ("glassnet.margin", "linear separability, the margin γ and Novikoff's bound"),
    ("glassnet.explain", "the math of one round of training, step by step, with its numbers"),
    ("glassnet.datasets", "toy data sets, digits, IDX, CSV and .npz readers, encoding and splitting"),
    ("glassnet.io", "safe model files (safetensors): save, load, inspect"),
    ("glassnet.trained", "a model from `glassnet train` used in the data's own units and labels: `load(path)` → "
     "`TrainedModel` with `predict`, `predict_proba`"),
    ("glassnet.checkpoints", "checkpoints: a model file plus the optimizer's and the loop's state, to resume from"),
    ("glassnet.plot", "pictures: learning curves, decision regions, the network diagram, histograms, kernels"),
    ("glassnet.sklearn", "scikit-learn estimators"),
    ("glassnet.errors", "the exceptions glassnet raises; each message names what was wrong and what was expected"),
]


def first_paragraph(obj) -> str:
    """The first paragraph of ``obj``'s docstring, on one line ("" without one, or for a dataclass's
    generated ``Name(field: type, …)``)."""
    doc = inspect.getdoc(obj) or ""
    if inspect.isclass(obj) and doc.startswith(f"{obj.__name__}("):
        return ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def signature(obj, method: bool = False) -> str:
    """``(a, b=1, *, c=None)``: parameters and defaults, without annotations, ``self`` or memory addresses."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(…)"
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    if method and params and params[0].name in ("self", "cls"):
        params = params[1:]
    text = str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def public_names(module) -> list[str]:
    """``__all__``, or the functions and classes ``module`` defines (or, for a package, gathers from itself)."""
    if hasattr(module, "__all__"):
        return [n for n in module.__all__ if not n.startswith("__")]
    names = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", "").startswith(module.__name__):
            names.append(name)
    return names


def _methods(cls) -> list[str]:
    """Public methods and properties ``cls`` defines; an undocumented override of a base method is left out."""
    lines = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        inherited = any(name in vars(base) for base in cls.__mro__[1:])
        own = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
        if inherited and not getattr(own, "__doc__", None):
            continue
        if isinstance(member, property):
            doc = first_paragraph(member)
            lines.append(f"  - `.{name}`" + (f" — {doc}" if doc else ""))
        elif inspect.isfunction(member) or isinstance(member, (staticmethod, classmethod)):
            func = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
            if func.__name__ != name:            # an alias such as ``predict = forward``
                lines.append(f"  - `.{name}` — the same as `.{func.__name__}`")
                continue
            doc = first_paragraph(func)
            lines.append(f"  - `.{name}{signature(func, method=True)}`" + (f" — {doc}" if doc else ""))
    return lines


def describe(qualified: str, obj) -> list[str]:
    """Markdown lines for one public name."""
    if inspect.isclass(obj):
        lines = [f"- **class `{qualified}{signature(obj)}`**" + _doc(obj)]
        return lines + _methods(obj)
    if callable(obj) and not inspect.ismodule(obj):
        return [f"- `{qualified}{signature(obj)}`" + _doc(obj)]
    if inspect.ismodule(obj):
        return [f"- `{qualified}` — module: see [{obj.__name__}](#{_anchor(obj.__name__)})"]
    return [f"- `{qualified}` — a {type(obj).__name__}" + (f": `{obj!r}`" if isinstance(obj, (str, int, float))
                                                          else "")]


def _doc(obj) -> str:
    doc = first_paragraph(obj)
    return f" — {doc}" if doc else ""


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9 _-]", "", title.lower()).replace(" ", "-")


def _registry_table(module) -> list[str]:
    rows = ["| name | formula | derivative |", "|---|---|---|"]
    for name in module.names():
        item = module.get(name)
        formula = getattr(item, "formula", "")
        derivative = getattr(item, "derivative_formula", "") or getattr(item, "gradient_formula", "")
        rows.append(f"| `{name}` | {formula.replace('|', '∣')} | {derivative.replace('|', '∣')} |")
    return rows


def render() -> str:
    """The whole page."""
    import glassnet

    out = ["# API reference", "",
           "Generated from the code by `tools/gen_api_docs.py` (signatures and the first paragraph of each "
           "docstring); `tests/test_docs.py` fails when this page is out of date. The tutorial "
           "([tutorial.md](tutorial.md)) shows these names at work; `help(name)` gives the whole docstring.", "",
           "## glassnet", "", first_paragraph(glassnet), ""]
    for name in public_names(glassnet):
        obj = getattr(glassnet, name)
        if inspect.isclass(obj):
            out.append(f"- `glassnet.{name}` — class, see [{_home(obj)}](#{_anchor(_home(obj))})")
        elif inspect.ismodule(obj):
            out.append(f"- `glassnet.{name}` — module, see [{obj.__name__}](#{_anchor(obj.__name__)})")
        else:
            out += describe(f"glassnet.{name}", obj)
    out.append(f"- `glassnet.__version__` — the version string, `{glassnet.__version__!r}`")
    for module_name, summary in MODULES:
        module = importlib.import_module(module_name)
        out += ["", f"## {module_name}", "", f"{summary[0].upper()}{summary[1:]}.", ""]
        if module_name in ("glassnet.activations", "glassnet.losses"):
            out += _registry_table(module) + [""]
        for name in public_names(module):
            out += describe(f"{module_name}.{name}", getattr(module, name))
    return "\n".join(out) + "\n"


def _home(cls) -> str:
    """The documented module a class is listed under (its package, for glassnet.layers.*)."""
    for module_name, _ in MODULES:
        module = importlib.import_module(module_name)
        if cls.__name__ in public_names(module) and getattr(module, cls.__name__) is cls:
            return module_name
    return cls.__module__


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/api.md")
    text = render()
    changed = not target.exists() or target.read_text(encoding="utf-8") != text
    target.write_text(text, encoding="utf-8")
    print("updated" if changed else "up to date", target)
