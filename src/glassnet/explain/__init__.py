"""Show the math: every step of a small network's forward pass, error, backpropagation and update.

>>> from glassnet.explain import explain, seed_network, SEED_X, SEED_Y
>>> e = explain(seed_network(), SEED_X, SEED_Y, learning_rate=0.5)
>>> e.step("∂E_total/∂w5").formula
'∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5'
>>> round(e.step("w5⁺").value, 8)
0.35891648

``print(e)`` shows it in the terminal; in Jupyter ``e`` displays itself with LaTeX;
``e.save("step.html")`` writes a standalone page (MathML, no JavaScript).
"""

from __future__ import annotations

from ..errors import ConfigError
from .convolution import explain_conv
from .record import Explanation, Section, Step, Table, check_digits, format_number
from .recorder import Trace, record
from .seed import (PUBLISHED, PUBLISHED_LONG_RUN, SEED_LEARNING_RATE, SEED_X, SEED_Y, TrainingRun,
                   seed_network, seed_summary, train)

VIEWS = ("scalar", "matrix")
NOTATIONS = ("seed", "batch")


def explain(network, X, y, learning_rate: float = 0.5, view: str = "scalar", notation: str = "seed",
            order: str = "simultaneous", digits: int = 9, title: str | None = None) -> Explanation:
    """Explain one round of training of ``network`` on ``(X, y)``, step by step, with its numbers.

    Parameters
    ----------
    network : Network
        Dense layers only. It is left unchanged.
    X, y : array-like
        Inputs (one row per sample) and targets. The scalar view takes one sample.
    learning_rate : float
        η of the update ``w⁺ = w − η ∂E/∂w``.
    view : "scalar" or "matrix"
        Every weight one by one (refused above 100 weights), or the same step with
        δ vectors and matrices.
    notation : "seed" or "batch"
        Matrix view only: column vectors with ``W`` of shape S×R (``net = W x + b``), or
        batch-first rows (``NET = X Wᵀ + b``, X of shape n×d).
    order : "simultaneous" or "sequential"
        The update order (see :meth:`glassnet.Network.train_step`).
    digits : int
        Significant digits shown (a whole number ≥ 1).

    Returns
    -------
    Explanation
    """
    if view not in VIEWS:
        raise ConfigError(f"view must be one of {', '.join(VIEWS)}; got {view!r}")
    if notation not in NOTATIONS:
        raise ConfigError(f"notation must be one of {', '.join(NOTATIONS)}; got {notation!r}")
    digits = check_digits(digits)
    trace = record(network, X, y, learning_rate, order=order)
    if view == "scalar":
        from .scalar import scalar_sections
        sections = scalar_sections(trace, digits)
    else:
        from .matrix import matrix_sections
        sections = matrix_sections(trace, notation, digits)
    sizes = "-".join(str(s) for s in [trace.layers[0].n_inputs] + [r.units for r in trace.layers])
    title = title or f"One round of training of a {sizes} network, step by step ({view} view)"
    return Explanation(title, sections, digits=digits)


def explain_seed(view: str = "scalar", notation: str = "seed", order: str = "simultaneous") -> Explanation:
    """The seed's worked example: one full round, step by step, checked against the published figures."""
    from .seed import published_step_section
    e = explain(seed_network(), SEED_X, SEED_Y, SEED_LEARNING_RATE, view=view, notation=notation, order=order,
                title="The seed's worked example: one round of a 2-2-2 sigmoid network")
    e.intro = ("Inputs 0.05 and 0.10, targets 0.01 and 0.99, learning rate 0.5, biases fixed "
               "(as in the published example).")
    if view == "scalar":
        e.sections.append(published_step_section(e, order))
    return e


__all__ = ["explain", "explain_seed", "explain_conv", "seed_network", "seed_summary", "train", "record", "Explanation",
           "Section", "Step", "Table", "Trace", "TrainingRun", "format_number", "SEED_X", "SEED_Y",
           "SEED_LEARNING_RATE", "PUBLISHED", "PUBLISHED_LONG_RUN"]
