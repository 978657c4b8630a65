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

from .formula import matrix_text, number_text, rhs, substitute
from .record import Section, Table
from .recorder import Trace
from .steps import make_step, update_formula


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
            fwd.append(make_step(name("out", l), substitute(rhs(act.formula), {"net": name("net", l)}),
                                 "", orient(rec.out), note="element by element"))
        else:
            fwd.append(make_step(name("out", l), f"{act.name}({name('net', l)})", "", orient(rec.out),
                                 note=f"{act.formula}, over each sample's outputs"))
    sections.append(Section("Forward pass", fwd))
    last = trace.layers[-1]
    target = "target" if seed else "Y"
    sections.append(Section("Error", [make_step(
        "E", substitute(rhs(trace.loss.formula), {"out": name("out", L), "target": target, "K": last.units}),
        "", trace.loss_before)], notes=[f"{target} = {m(trace.y)}"] + (
        [f"With {trace.n_samples} samples E is the mean of the per-sample errors, so each δ carries a "
         f"factor 1/{trace.n_samples}."] if trace.n_samples > 1 else [])))

    updated = {}
    for rec in reversed(trace.layers):
        l = rec.index
        act = rec.activation
        items, notes = [], []
        if l == L and trace.fused:
            items.append(make_step(d(l), substitute(trace.loss.fused_formula, {"out": name("out", l), "target": target,
                                                                               "K": rec.units}),
                                   "", orient(rec.delta),
                                   note=f"{act.name} with {trace.loss.name}: ∂E/∂out ⊙ f′ simplifies"))
        else:
            if l == L:
                items.append(make_step(f"∂E/∂{name('out', l)}", substitute(trace.loss.derivative_formula, {
                    "out": name("out", l), "target": target, "K": rec.units}), "", orient(rec.dout)))
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
                items.append(make_step(f"f′({name('net', l)})",
                                       substitute(act.derivative_formula, {"net": name("net", l),
                                                                           "out": name("out", l)}),
                                       "", orient(fprime), note=f"{act.name}′, element by element"))
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
            items.append(make_step(f"∂E/∂b⁽{l}⁾", f"Σ over samples of {d(l)}" if trace.n_samples > 1 else d(l),
                                   "", rec.db))
        sections.append(Section(f"Backward pass: layer {l}", items, notes))
        if trace.order == "sequential":
            sections.append(_update(trace, [rec], digits))
            updated[l] = True
    if trace.order == "simultaneous":
        sections.append(_update(trace, trace.layers, digits))
    sections.append(Section("After the update", [make_step("E⁺", "", "", trace.loss_after,
                                                           note="a fresh forward pass with the new weights")]))
    return sections


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
