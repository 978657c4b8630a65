"""What the perceptron tells its user: the one-paragraph result and the trace table.

:func:`message` turns a :class:`~glassnet.perceptron.PerceptronReport` into the sentence
that says whether training converged, with Novikoff's bound, or why not (cycling, the
epoch limit, data that are not linearly separable). :func:`explanation` turns the
recorded presentations into an :class:`~glassnet.explain.record.Explanation`: one row per
presentation with ``p``, ``n = Wp + b``, ``a = f(n)``, ``e = t − a``, ``ΔW = η e pᵀ``,
``Δb = η e`` and the new ``W`` and ``b``; the renderers of :mod:`glassnet.explain` print it.
"""

from __future__ import annotations

import numpy as np


def message(r, Q: int, cycle_from, pocket: bool) -> str:
    """The report's sentence: converged (with Novikoff's bound) or why not, for ``Q`` training vectors."""
    if r.converged:
        text = (f"Converged: all {Q} training vectors are classified correctly after {r.epochs} "
                f"epoch{'s' * (r.epochs != 1)} and {r.updates} weight update{'s' * (r.updates != 1)}.")
        if r.bound is not None:
            g = ", ".join(_num(v) for v in r.margin)
            bd = ", ".join(_num(v) for v in r.bound)
            start = r.history[0]
            from_zero = not (np.any(start["W"]) or np.any(start["b"]))
            text += (f" Margin γ = {g}, radius R = {_num(r.radius)}: Novikoff's bound (R/γ)² = {bd} "
                     f"updates per neuron from zero weights; actual: {', '.join(map(str, r.updates_per_neuron))}"
                     + ("." if from_zero else " (from the given initial weights, so the bound is a guide only)."))
        return text
    why = (f"the weights at the end of epoch {r.epochs} are those of epoch {cycle_from}, so the rule "
           f"would cycle forever" if r.cycled else f"the epoch limit ({r.epochs}) was reached")
    text = (f"Not converged: {why}; {r.errors} of {Q} training vectors are still misclassified"
            f"{' by the pocket weights (the best seen)' if pocket else ''}.")
    if r.separable is False:
        text += (" The data are not linearly separable by this perceptron: no hyperplane W p + b = 0 "
                 "puts every class on its own side. A multi-layer network (glassnet.Network with a "
                 "hidden layer) can learn a boundary like this one.")
    elif r.separable:
        text += " The data are linearly separable, so more epochs will find a separating hyperplane."
    else:
        text += (" The data appear not to be linearly separable by this perceptron (too many to check); "
                 "a multi-layer network (glassnet.Network with a hidden layer) can learn such boundaries.")
    return text



def _num(x) -> str:
    from .explain.record import format_number
    return format_number(float(x), 6)


def _fmt(v) -> str | float:
    """A cell: a number for one value, ``[1, −0.8]`` for a vector, ``[1, 0; 0, 1]`` for a matrix."""
    v = np.asarray(v, dtype=np.float64)
    if v.size == 1:
        return float(v.ravel()[0])
    if v.ndim == 2 and v.shape[0] > 1:
        return "[" + "; ".join(", ".join(_num(x) for x in row) for row in v) + "]"
    return "[" + ", ".join(_num(x) for x in v.ravel()) + "]"


def _show(cell) -> str:
    return _num(cell) if isinstance(cell, float) else cell


def _row(r: dict, bias: bool) -> list:
    if r["index"] is None:  # batch mode: the epoch's summed change
        cells = ["Σ", r["epoch"], "", "", "", "", "", _fmt(r["dW"])] + ([_fmt(r["db"])] if bias else [])
    else:
        cells = [r["presentation"], r["epoch"]] + [_fmt(r[k]) for k in ("p", "t", "n", "a", "e", "dW")]
        cells += [_fmt(r["db"])] if bias else []
    return cells + [_fmt(r["W"])] + ([_fmt(r["b"])] if bias else [])


def explanation(model, report, lr, mode, normalized):
    """The trace as an :class:`~glassnet.explain.record.Explanation`: initial weights, one row per
    presentation (one Σ row per epoch in batch mode), and the result."""
    from .explain.record import Explanation, Section, Table

    rows = [_row(r, model.bias) for r in report.presentations]

    eta = "" if lr == 1 else "η "
    p = "p̂" if normalized else "p"
    header = ["#", "epoch", "p", "t", "n = Wp + b" if model.bias else "n = Wp", f"a = {model.transfer.name}(n)",
              "e = t − a", f"ΔW = {eta}e {p}ᵀ"]
    header += [f"Δb = {eta}e"] if model.bias else []
    header += ["W", "b"] if model.bias else ["W"]
    notes = [f"{model.transfer.name}: {model.transfer.formula}."]
    if normalized:
        notes.append("p̂ = p / √(1 + ‖p‖²) (learnpn)." if normalized in (True, "learnpn") else "p̂ = p / ‖p‖.")
    if mode == "batch":
        notes.append("Batch mode: every row uses the weights of the start of the epoch; the row Σ applies "
                     "the summed change.")
    if lr != 1:
        notes.append(f"η = {_num(lr)}.")
    W0, b0 = (_show(_fmt(report.history[0][k])) for k in ("W", "b"))
    init = Section("Initial weights", [f"W = {W0}" + (f", b = {b0}" if model.bias else " (no bias)")])
    table = Section("Presentations", [Table("One row per presentation", header, rows, notes)])
    intro = ("The perceptron rule: n = W p + b, a = f(n), e = t − a, W ← W + η e pᵀ, b ← b + η e "
             f"({mode} mode).")
    return Explanation(f"Perceptron training ({model.transfer.name}, {mode})",
                       [init, table, Section("Result", [report.message])], intro=intro)
