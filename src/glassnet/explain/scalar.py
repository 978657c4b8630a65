"""The scalar view: every neuron, every weight, every chain-rule factor, one number at a time.

This is the seed's presentation, for any small dense network: the forward pass
neuron by neuron, each output's share of the error, the chain rule for every weight
(``∂E_total/∂w5 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5``), a hidden
neuron's ``∂E_total/∂out_h1`` as the sum over the paths through the layer above, and
each update ``w5⁺ = w5 − η · ∂E_total/∂w5``
(:func:`.steps.update_formula`). All values come from a :class:`Trace`.
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from .formula import latex_name, number_text
from .record import Section, Table
from .recorder import Trace, scalar_names
from .steps import (derivative_formula, formula_step, fused_step, jacobian_step, loss_term_formula, make_step,
                    product, softmax_value_step, total, update_formula, value_formula)

MAX_SCALAR_WEIGHTS = 100


def scalar_sections(trace: Trace, digits: int = 9) -> list[Section]:
    """The scalar explanation of a one-sample round, as sections."""
    n_weights = sum(r.W.size for r in trace.layers)
    if n_weights > MAX_SCALAR_WEIGHTS:
        raise ConfigError(f"the scalar view writes every weight out one by one and this network has "
                          f"{n_weights} weights (the limit is {MAX_SCALAR_WEIGHTS}); use the matrix view "
                          "(view='matrix', or --view matrix on the command line)")
    if trace.n_samples != 1:
        raise ConfigError(f"the scalar view follows one sample through the network; X has {trace.n_samples} "
                          "rows. Pass one row (X[:1]) or use the matrix view, which shows the whole batch")
    names = scalar_names(trace)
    sections = [_network_section(trace, names, digits), _forward_section(trace, names, digits),
                _error_section(trace, names, digits)]
    updated: dict = {}
    for L in range(len(trace.layers) - 1, -1, -1):
        sections.append(_backward_section(trace, names, L, updated, digits))
        if trace.order == "sequential":
            sections.append(_update_section(trace, names, [L], digits))
            updated[L] = True
    if trace.order == "simultaneous":
        sections.append(_update_section(trace, names, list(range(len(trace.layers))), digits))
    sections.append(_after_section(trace, names, digits))
    return sections


def _layer_title(L: int, n_layers: int) -> str:
    return "output layer" if L == n_layers - 1 else (
        "hidden layer" if n_layers == 2 else f"hidden layer {L + 1}")


def _network_section(trace: Trace, names: dict, digits: int) -> Section:
    units = names["units"]
    data = [[units[0][j], float(trace.X[0, j])] for j in range(len(units[0]))]
    data += [[f"target_{u}", float(trace.y[0, k])] for k, u in enumerate(units[-1])]
    params = []
    for L, rec in enumerate(trace.layers):
        for i in range(rec.units):
            for j in range(rec.n_inputs):
                params.append([names["weights"][L][i][j], f"{units[L][j]} → {units[L + 1][i]}",
                               float(rec.W[i, j]), "yes" if rec.trainable_W else "no (fixed)"])
        if rec.b is not None:
            seen = set()
            for i in range(rec.units):
                b = names["biases"][L][i]
                if b not in seen:
                    seen.add(b)
                    shared = "_" not in b and rec.units > 1
                    target = ", ".join(units[L + 1]) if shared else units[L + 1][i]
                    params.append([b, f"bias of {target}", float(rec.b[i]),
                                   "yes" if rec.trainable_b else "no (fixed)"])
    return Section("The network", [
        f"A network with {_count(trace.layers[0].n_inputs, 'input')} and {_layers_text(trace)}. "
        f"Loss {trace.loss_name}, learning rate η = {number_text(trace.learning_rate, digits)}, "
        f"update order {trace.order}.",
        Table("Input and targets", ["name", "value"], data),
        Table("Parameters", ["name", "connects", "value", "trained"], params)])


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(n: int, noun: str) -> str:
    """``"2 inputs"``, ``"1 input"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _layers_text(trace: Trace) -> str:
    """``"two layers: 2 sigmoid neurons, then 2 sigmoid neurons"`` (``"one layer of 3 tanh neurons"``)."""
    parts = [_count(r.units, f"{r.activation.name} neuron") for r in trace.layers]
    n = len(parts)
    if n == 1:
        return f"one layer of {parts[0]}"
    return f"{_WORDS[n] if n < len(_WORDS) else n} layers: " + ", then ".join(parts)


def _forward_section(trace: Trace, names: dict, digits: int) -> Section:
    items = []
    units = names["units"]
    for L, rec in enumerate(trace.layers):
        inputs = units[0] if L == 0 else [f"out_{u}" for u in units[L]]
        for i, u in enumerate(units[L + 1]):
            terms = [f"{names['weights'][L][i][j]} · {inputs[j]}" for j in range(rec.n_inputs)]
            nums = [f"{number_text(rec.W[i, j], digits)} · {number_text(rec.input[0, j], digits)}"
                    for j in range(rec.n_inputs)]
            if rec.b is not None:
                terms.append(names["biases"][L][i])
                nums.append(number_text(rec.b[i], digits))
            items.append(make_step(f"net_{u}", " + ".join(terms), " + ".join(nums), float(rec.net[0, i])))
        for i, u in enumerate(units[L + 1]):
            if rec.activation.elementwise:
                items.append(formula_step(f"out_{u}", value_formula(rec.activation),
                                          {"net": f"net_{u}", "out": f"out_{u}"}, {"net": float(rec.net[0, i])},
                                          digits, float(rec.out[0, i])))
            else:
                items.append(softmax_value_step(rec.activation, u, units[L + 1], list(rec.net[0]), digits,
                                                f"out_{u}", float(rec.out[0, i])))
    return Section("Forward pass", items)


def _error_shares(trace: Trace):
    """Each output's share ``E_k`` of the engine's loss (:attr:`glassnet.losses.Loss.terms`), or None.

    A fused output layer's loss is computed from ``net`` (so it stays finite where
    ``out`` rounds to 0 or 1), and so are its shares. None for a loss that gives no
    per-output terms: the explanation then shows only the total.
    """
    loss, last = trace.loss, trace.layers[-1]
    terms = (loss.terms_from_net, last.net) if trace.fused else (loss.terms, last.out)
    if terms[0] is None:
        return None
    return np.asarray(terms[0](terms[1], trace.y), dtype=np.float64).reshape(-1)


def _error_section(trace: Trace, names: dict, digits: int) -> Section:
    outs = names["units"][-1]
    last = trace.layers[-1]
    K = len(outs)
    notes = [f"Loss {trace.loss_name}: {trace.loss.formula}."]
    shares = _error_shares(trace)
    if shares is None:
        notes.append(f"The loss {trace.loss_name} gives no per-output terms (Loss.terms), so only its total is shown.")
        return Section("Error", [make_step("E_total", "", "", trace.loss_before)], notes=notes)
    items = []
    for k, u in enumerate(outs):
        items.append(formula_step(f"E_{u}", loss_term_formula(trace.loss),
                                  {"target": f"target_{u}", "out": f"out_{u}", "K": K},
                                  {"target": float(trace.y[0, k]), "out": float(last.out[0, k]), "K": K},
                                  digits, float(shares[k])))
    items.append(make_step("E_total", " + ".join(f"E_{u}" for u in outs), total(shares, digits),
                           trace.loss_before))
    if trace.fused and np.any((last.out == 0) | (last.out == 1)):
        notes.append(f"An output rounded to exactly 0 or 1, where ln would give −∞; like the engine, the E_k "
                     f"shown are computed from net ({last.activation.name} and {trace.loss_name} together), "
                     "which stays finite.")
    return Section("Error", items, notes=notes)


def _weight_name(names: dict, L: int, i: int, j: int, updated: dict) -> str:
    return names["weights"][L][i][j] + ("⁺" if updated.get(L) else "")


def _backward_section(trace: Trace, names: dict, L: int, updated: dict, digits: int) -> Section:
    rec = trace.layers[L]
    units = names["units"]
    here = units[L + 1]
    is_output = L == len(trace.layers) - 1
    items, notes = [], []
    act = rec.activation
    fused = is_output and trace.fused
    # ∂E_total/∂out for each neuron of this layer
    if is_output and not fused:
        for k, u in enumerate(here):
            items.append(formula_step(f"∂E_total/∂out_{u}", derivative_formula(trace.loss),
                                      {"target": f"target_{u}", "out": f"out_{u}", "K": len(here)},
                                      {"target": float(trace.y[0, k]), "out": float(rec.out[0, k]), "K": len(here)},
                                      digits, float(rec.dout[0, k])))
    elif not is_output:
        above = trace.layers[L + 1]
        W_used = above.W_new if updated.get(L + 1) else above.W
        # E = Σ_k E_k and only E_k depends on net_k (an elementwise output layer, a loss given per output)
        separable = (L + 1 == len(trace.layers) - 1 and above.activation.elementwise
                     and trace.loss.terms is not None)
        if separable:
            for k, v in enumerate(units[L + 2]):
                items.append(make_step(f"∂E_{v}/∂net_{v}", f"∂E_total/∂net_{v}", "", float(above.delta[0, k]),
                                       note="" if k else f"E_total = {' + '.join(f'E_{o}' for o in units[L + 2])} "
                                       f"and only E_{v} depends on net_{v}, so ∂E_{v}/∂net_{v} is the output "
                                       f"layer's ∂E_total/∂net_{v}; the same holds for each output"))
        for j, u in enumerate(here):
            paths, path_names = [], []
            for k, v in enumerate(units[L + 2]):
                w = _weight_name(names, L + 1, k, j, updated)
                items.append(make_step(f"∂net_{v}/∂out_{u}", w, "", float(W_used[k, j])))
                top = f"∂E_{v}" if separable else "∂E_total"
                q = f"{top}/∂out_{u}" if separable else f"∂E_total/∂out_{u} (via net_{v})"
                value = float(above.delta[0, k] * W_used[k, j])
                step = make_step(q, f"{top}/∂net_{v} · ∂net_{v}/∂out_{u}",
                                 product([float(above.delta[0, k]), float(W_used[k, j])], digits), value)
                if not separable:
                    step.quantity_latex = latex_name(f"∂E_total/∂out_{u}") + r"\,\Big|_{\mathrm{via}\;" + \
                        latex_name(f"net_{v}") + "}"
                items.append(step)
                paths.append(value)
                path_names.append(q if separable else f"∂E_total/∂net_{v} · ∂net_{v}/∂out_{u}")
            items.append(make_step(f"∂E_total/∂out_{u}", " + ".join(path_names), total(paths, digits),
                                   float(rec.dout[0, j])))
        if updated.get(L + 1):
            notes.append("Sequential order: the layer above was already updated, so these paths use its new "
                         "weights (marked ⁺). Textbook gradient descent would use the old ones.")
    # δ = ∂E_total/∂net for each neuron
    fprime = act.derivative(rec.net, rec.out) if act.elementwise and not fused else None
    if fused:
        for k, u in enumerate(here):
            step = fused_step(trace.loss, {"target": f"target_{u}", "out": f"out_{u}", "K": len(here)},
                              {"target": float(trace.y[0, k]), "out": float(rec.out[0, k]), "K": len(here)},
                              digits, f"∂E_total/∂net_{u}", float(rec.delta[0, k]), act.name)
            if k:
                step.note = ""          # said once is enough
            items.append(step)
    elif fprime is not None:
        for k, u in enumerate(here):
            items.append(formula_step(f"∂out_{u}/∂net_{u}", derivative_formula(act),
                                      {"net": f"net_{u}", "out": f"out_{u}"},
                                      {"net": float(rec.net[0, k]), "out": float(rec.out[0, k])}, digits,
                                      float(fprime[0, k])))
            items.append(make_step(f"∂E_total/∂net_{u}", f"∂E_total/∂out_{u} · ∂out_{u}/∂net_{u}",
                                   product([float(rec.dout[0, k]), float(fprime[0, k])], digits),
                                   float(rec.delta[0, k])))
    else:
        S = len(here)
        jac = np.stack([act.vjp(rec.net, rec.out, np.eye(S, dtype=rec.net.dtype)[[a]])[0] for a in range(S)])
        for b, ub in enumerate(here):
            for a, ua in enumerate(here):
                items.append(jacobian_step(act, ua, ub, float(rec.out[0, a]), float(rec.out[0, b]), digits,
                                           float(jac[a, b])))
            items.append(make_step(f"∂E_total/∂net_{ub}",
                                   " + ".join(f"∂E_total/∂out_{ua} · ∂out_{ua}/∂net_{ub}" for ua in here),
                                   " + ".join(product([float(rec.dout[0, a]), float(jac[a, b])], digits)
                                              for a in range(S)),
                                   float(rec.delta[0, b])))
        notes.append(f"{act.name} couples the outputs of its layer, so each net_k reaches E through every out_j.")
    # the weights' gradients
    inputs = units[0] if L == 0 else [f"out_{v}" for v in units[L]]
    for i, u in enumerate(here):
        for j in range(rec.n_inputs):
            w = names["weights"][L][i][j]
            items.append(make_step(f"∂net_{u}/∂{w}", inputs[j], "", float(rec.input[0, j])))
            if fprime is not None:
                chain = [f"∂E_total/∂out_{u}", f"∂out_{u}/∂net_{u}", f"∂net_{u}/∂{w}"]
                nums = [float(rec.dout[0, i]), float(fprime[0, i]), float(rec.input[0, j])]
            else:
                chain = [f"∂E_total/∂net_{u}", f"∂net_{u}/∂{w}"]
                nums = [float(rec.delta[0, i]), float(rec.input[0, j])]
            items.append(make_step(f"∂E_total/∂{w}", " · ".join(chain), product(nums, digits), float(rec.dW[i, j])))
        if rec.b is not None and rec.trainable_b:
            b = names["biases"][L][i]
            items.append(make_step(f"∂net_{u}/∂{b}", "", "", 1, note="" if i else "a bias is added to net as it is, so its factor is 1"))
            items.append(make_step(f"∂E_total/∂{b}", f"∂E_total/∂net_{u} · ∂net_{u}/∂{b}",
                                   product([float(rec.delta[0, i]), 1], digits), float(rec.db[i])))
    return Section(f"Backward pass: {_layer_title(L, len(trace.layers))}", items, notes)


def _update_section(trace: Trace, names: dict, layers: list[int], digits: int) -> Section:
    eta = number_text(trace.learning_rate, digits)
    items, fixed = [], []
    for L in layers:
        rec = trace.layers[L]
        for i in range(rec.units):
            for j in range(rec.n_inputs):
                w = names["weights"][L][i][j]
                if rec.trainable_W:
                    items.append(make_step(f"{w}⁺", update_formula(w, "E_total"),
                                           f"{number_text(rec.W[i, j], digits)} − {eta} · "
                                           f"{number_text(rec.dW[i, j], digits)}", float(rec.W_new[i, j])))
                else:
                    fixed.append(w)
        if rec.b is not None:
            for i in range(rec.units):
                b = names["biases"][L][i]
                if rec.trainable_b:
                    items.append(make_step(f"{b}⁺", update_formula(b, "E_total"),
                                           f"{number_text(rec.b[i], digits)} − {eta} · "
                                           f"{number_text(rec.db[i], digits)}", float(rec.b_new[i])))
                elif b not in fixed:
                    fixed.append(b)
    notes = [f"Fixed (not trained): {', '.join(fixed)}."] if fixed else []
    which = "all layers" if len(layers) > 1 else _layer_title(layers[0], len(trace.layers))
    return Section(f"Update: {which} (η = {eta})", items, notes)


def _after_section(trace: Trace, names: dict, digits: int) -> Section:
    items = [make_step(f"out_{u}⁺", "", "", float(trace.out_after[0, k])) for k, u in enumerate(names["units"][-1])]
    items.append(make_step("E_total⁺", "", "", trace.loss_after,
                           note=_change(trace.loss_before, trace.loss_after) + number_text(trace.loss_before, digits)))
    return Section("After the update: a fresh forward pass with the new weights", items)


def _change(before: float, after: float) -> str:
    """How the error moved: a step too large makes it go up (or stay at inf)."""
    return "down from " if after < before else "up from " if after > before else "was "
