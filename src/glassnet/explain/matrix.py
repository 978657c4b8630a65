"""The matrix view: the same round with δ vectors and weight matrices.

Two notations (the numbers are the same):

* ``"seed"`` — column vectors, one column per sample, ``W`` of shape S×R (neuron i ←
  input j): ``net⁽ℓ⁾ = W⁽ℓ⁾ out⁽ℓ−1⁾ + b⁽ℓ⁾``, ``δ⁽ℓ⁾ = (W⁽ℓ+1⁾ᵀ δ⁽ℓ+1⁾) ⊙ f′(net⁽ℓ⁾)``,
  ``∂E/∂W⁽ℓ⁾ = δ⁽ℓ⁾ out⁽ℓ−1⁾ᵀ``;
* ``"batch"`` — batch-first rows, ``X`` of shape n×d as the engine stores it:
  ``NET⁽ℓ⁾ = OUT⁽ℓ−1⁾ W⁽ℓ⁾ᵀ + b⁽ℓ⁾``, ``Δ⁽ℓ⁾ = (Δ⁽ℓ+1⁾ W⁽ℓ+1⁾) ⊙ f′(NET⁽ℓ⁾)``,
  ``∂E/∂W⁽ℓ⁾ = Δ⁽ℓ⁾ᵀ OUT⁽ℓ−1⁾``.

Every value is printed in full, however large: nothing is cut.
"""

from __future__ import annotations

import numpy as np

from .formula import matrix_text, number_text, text_to_latex
from .record import Section, Step, Table
from .recorder import Trace
from .steps import (derivative_formula, loss_formula, make_step, named_step, product, total, update_formula,
                    value_formula)


def matrix_sections(trace: Trace, notation: str = "seed", digits: int = 9) -> list[Section]:
    seed = notation == "seed"
    L = len(trace.layers)

    def orient(a):                     # batch arrays (n, S) → the notation's layout
        return a.T if seed else a

    def m(a) -> str:
        return matrix_text(orient(a), digits)

    def name(base: str, l: int) -> str:
        return f"{base.upper() if not seed and base in ('net', 'out') else base}⁽{l}⁾"

    def d(l: int) -> str:
        return f"{'δ' if seed else 'Δ'}⁽{l}⁾"

    x = "x" if seed else "X"
    intro = (["Column vectors, one column per sample; W⁽ℓ⁾ has one row per neuron and one column per input "
              "(S×R), so entry (i, j) joins input j to neuron i."] if seed else
             [f"Batch-first: each row is a sample (X is {trace.n_samples}×{trace.layers[0].n_inputs}); "
              "W⁽ℓ⁾ is still S×R, so a layer computes NET = X Wᵀ + b."])
    shapes = Table("Shapes", ["layer", "W", "b", "activation", "trained"],
                   [[f"{r.index}", f"{r.units}×{r.n_inputs}", "-" if r.b is None else f"{r.units}",
                     r.activation.name, ", ".join(k for k, t in (("W", r.trainable_W), ("b", r.trainable_b)) if t)
                     or "nothing"] for r in trace.layers])
    sections = [Section("The network", intro + [shapes])]

    fwd = []
    for rec in trace.layers:
        l, below = rec.index, (x if rec.index == 1 else name("out", rec.index - 1))
        b_part = "" if rec.b is None else f" + b⁽{l}⁾"
        b_num = "" if rec.b is None else " + " + matrix_text(rec.b if seed else rec.b.reshape(1, -1), digits)
        if seed:
            fwd.append(make_step(name("net", l), f"W⁽{l}⁾ {below}{b_part}",
                                 f"{matrix_text(rec.W, digits)} {m(rec.input)}{b_num}", orient(rec.net)))
        else:
            fwd.append(make_step(name("net", l), f"{below} W⁽{l}⁾ᵀ{b_part}",
                                 f"{m(rec.input)} {matrix_text(rec.W, digits)}ᵀ{b_num}", orient(rec.net)))
        act = rec.activation
        if act.elementwise:
            fwd.append(named_step(name("out", l), value_formula(act), {"net": name("net", l)}, orient(rec.out),
                                  note="element by element"))
        else:
            fwd.append(make_step(name("out", l), f"{act.name}({name('net', l)})", "", orient(rec.out),
                                 note=f"{act.formula}, over each sample's outputs"))
    sections.append(Section("Forward pass", fwd))
    last = trace.layers[-1]
    target = "target" if seed else "Y"
    loss_names = {"out": name("out", L), "target": target, "K": last.units}
    sections.append(_error_section(trace, loss_names, seed, digits))

    updated = {}
    for rec in reversed(trace.layers):
        l = rec.index
        act = rec.activation
        items, notes = [], []
        if l == L and trace.fused:
            items.append(_reduced_step(trace, d(l), (trace.loss.fused_formula, ""), loss_names, seed,
                                       orient(rec.delta),
                                       f"{act.name} with {trace.loss.name}: ∂E/∂out ⊙ f′ simplifies"))
        else:
            if l == L:
                items.append(_reduced_step(trace, f"∂E/∂{name('out', l)}", derivative_formula(trace.loss),
                                           loss_names, seed, orient(rec.dout)))
            else:
                above = trace.layers[l]
                w_name = f"W⁽{l + 1}⁾" + ("⁺" if updated.get(l + 1) else "")
                W_used = above.W_new if updated.get(l + 1) else above.W
                if seed:
                    items.append(make_step(f"∂E/∂{name('out', l)}", f"{w_name}ᵀ {d(l + 1)}",
                                           f"{matrix_text(W_used, digits)}ᵀ {m(above.delta)}", orient(rec.dout)))
                else:
                    items.append(make_step(f"∂E/∂{name('out', l)}", f"{d(l + 1)} {w_name}",
                                           f"{m(above.delta)} {matrix_text(W_used, digits)}", orient(rec.dout)))
                if updated.get(l + 1):
                    notes.append(f"Sequential order: layer {l + 1} was already updated, so its new weights "
                                 f"{w_name} carry the error back.")
            if act.elementwise:
                fprime = act.derivative(rec.net, rec.out)
                step = named_step(f"f′({name('net', l)})", derivative_formula(act),
                                  {"net": name("net", l), "out": name("out", l)}, orient(fprime),
                                  note=f"{act.name}′, element by element")
                step.quantity_latex = rf"f'\left({text_to_latex(name('net', l))}\right)"
                items.append(step)
                items.append(make_step(d(l), f"∂E/∂{name('out', l)} ⊙ f′({name('net', l)})",
                                       f"{m(rec.dout)} ⊙ {m(fprime)}", orient(rec.delta)))
            else:
                items.append(make_step(d(l), f"J{name('net', l)}ᵀ · ∂E/∂{name('out', l)}", "", orient(rec.delta),
                                       note=f"the Jacobian of {act.name}: {act.derivative_formula}"))
        below = x if l == 1 else name("out", l - 1)
        if seed:
            items.append(make_step(f"∂E/∂W⁽{l}⁾", f"{d(l)} {below}ᵀ", f"{m(rec.delta)} {m(rec.input)}ᵀ", rec.dW))
        else:
            items.append(make_step(f"∂E/∂W⁽{l}⁾", f"{d(l)}ᵀ {below}", f"{m(rec.delta)}ᵀ {m(rec.input)}", rec.dW))
        if rec.b is not None and rec.trainable_b:
            several = trace.n_samples > 1
            items.append(make_step(f"∂E/∂b⁽{l}⁾", f"Σ over samples of {d(l)}" if several else d(l), "", rec.db,
                                   formula_latex=(r"\sum_{\mathrm{samples}} " if several else "")
                                   + text_to_latex(d(l))))
        sections.append(Section(f"Backward pass: layer {l}", items, notes))
        if trace.order == "sequential":
            sections.append(_update(trace, [rec], digits))
            updated[l] = True
    if trace.order == "simultaneous":
        sections.append(_update(trace, trace.layers, digits))
    sections.append(Section("After the update", [make_step("E⁺", "", "", trace.loss_after,
                                                           note="a fresh forward pass with the new weights")]))
    return sections


# ---------------------------------------------------------------- the batch's reduction


def _grouped(text: str) -> str:
    """``text`` in parentheses, unless it is one parenthesised group already."""
    depth = 0
    for k, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0 and k < len(text) - 1:
            break
    else:
        if text.startswith("(") and text.endswith(")"):
            return text
    return f"({text})"


def _reduced_step(trace: Trace, quantity: str, formula: tuple[str, str], names: dict, seed: bool, value,
                  note: str = "") -> Step:
    """``∂E/∂out`` (or the fused δ) of the batch: one sample's formula times the engine's reduction.

    The loss gives the formula of one sample, ``∂L_i/∂out_i``; the engine's batch loss is
    ``E = Σ_i s_i L_i`` (:attr:`Trace.sample_factors`), so ``∂E/∂out_i = s_i ∂L_i/∂out_i``:
    ``(1/n) · (…)`` for the mean, each sample's column (row) times its ``s_i`` with sample weights.
    """
    step = named_step(quantity, formula, names, value, note=note)
    n = trace.n_samples
    text, latex = step.formula, step.formula_latex
    if trace.is_mean:
        if n > 1:
            step.formula = f"(1/{n}) · {_grouped(text)}"
            step.formula_latex = rf"\frac{{1}}{{{n}}} \left({latex}\right)"
    elif seed:
        step.formula = f"{_grouped(text)} · diag(s)"
        step.formula_latex = rf"\left({latex}\right) \operatorname{{diag}}(s)"
    else:
        step.formula = f"diag(s) · {_grouped(text)}"
        step.formula_latex = rf"\operatorname{{diag}}(s) \left({latex}\right)"
    return step


def _error_section(trace: Trace, names: dict, seed: bool, digits: int) -> Section:
    """E of the batch: each sample's loss ``L_i`` by the loss's own formula, then the engine's reduction."""
    n, formula = trace.n_samples, loss_formula(trace.loss)
    notes = [f"{names['target']} = {matrix_text(trace.y.T if seed else trace.y, digits)}"]
    last = trace.layers[-1]
    if trace.fused and np.any((last.out == 0) | (last.out == 1)):
        notes.append(f"An output rounded to exactly 0 or 1, where ln would give −∞; like the engine, L is computed "
                     f"from net ({last.activation.name} and {trace.loss_name} together), which stays finite.")
    if n == 1 and trace.is_mean:
        return Section("Error", [named_step("E", formula, names, trace.loss_before)], notes=notes)
    per = trace.per_sample_loss
    L = named_step("L", formula, names, per.reshape(1, -1) if seed else per.reshape(-1, 1),
                   note=f"one per sample: each {'column' if seed else 'row'}'s loss, Σ over its outputs")
    terms = [f"L_{i + 1}" for i in range(n)]
    if n > 4:
        terms = terms[:2] + ["…", terms[-1]]
    if trace.is_mean:
        def mean(body: str) -> str:
            return rf"\frac{{1}}{{{n}}} \left({text_to_latex(body)}\right)"
        E = make_step("E", f"(1/{n}) · ({' + '.join(terms)})", f"(1/{n}) · ({total(per, digits)})",
                      trace.loss_before, formula_latex=mean(" + ".join(terms)), substituted_latex=mean(total(per, digits)))
        notes.append(f"E is the mean of the {n} samples' losses (the engine's reduction), so ∂E/∂{names['out']} "
                     f"carries the same factor 1/{n}; ∂E/∂W and ∂E/∂b then add up the samples' shares.")
    else:
        s = trace.sample_factors
        E = make_step("E", " + ".join(f"s_{i + 1} · L_{i + 1}" for i in range(n)),
                      " + ".join(product([float(s[i]), float(per[i])], digits) for i in range(n)), trace.loss_before)
        notes.append(f"s = {matrix_text(s.reshape(1, -1), digits)}: each sample's share w_i / Σ_j w_j of the batch "
                     f"(its sample weight). E = Σ_i s_i L_i, so ∂E/∂{names['out']} carries each sample's s_i.")
    return Section("Error", [L, E], notes=notes)


def _update(trace: Trace, records, digits: int) -> Section:
    eta = number_text(trace.learning_rate, digits)
    items, fixed = [], []
    for rec in records:
        l = rec.index
        for p, old, grad, new, trained in (("W", rec.W, rec.dW, rec.W_new, rec.trainable_W),
                                           ("b", rec.b, rec.db, rec.b_new, rec.trainable_b)):
            if old is None:
                continue
            if not trained:
                fixed.append(f"{p}⁽{l}⁾")
                continue
            items.append(make_step(f"{p}⁽{l}⁾⁺", update_formula(f"{p}⁽{l}⁾"),
                                   f"{matrix_text(old, digits)} − {eta} · {matrix_text(grad, digits)}", new))
    title = "Update" + ("" if len(records) > 1 else f": layer {records[0].index}") + f" (η = {eta})"
    return Section(title, items, [f"Fixed (not trained): {', '.join(fixed)}."] if fixed else [])
