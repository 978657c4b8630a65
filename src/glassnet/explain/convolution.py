"""Convolution and max pooling, explained on a tiny image.

One 2×2 kernel slides over a small image (5×5 by default). Each output cell is a sum of
four multiply-adds. A 2×2 max-pool keeps the largest cell of each window. The backward
pass then shows how max pooling sends each window's gradient to its winning position
only, and how the kernel's gradient collects ``δ · x`` from the cells that received one.
The values are the engine's: a real ``Network([Conv2D, MaxPool2D, Flatten])``
runs forward and backward.

>>> e = explain_conv()
>>> e.step("net_11").formula
'w_11 · x_11 + w_12 · x_12 + w_21 · x_21 + w_22 · x_22 + b'
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..network import Network
from .formula import number_text
from .record import Explanation, Section, Table
from ..validation import as_float_array
from .record import check_digits
from .steps import derivative_formula, formula_step, make_step, product, total, value_formula

DEFAULT_IMAGE = [[1, 2, 0, 1, 3],
                 [0, 1, 3, 2, 1],
                 [2, 0, 1, 0, 2],
                 [1, 3, 2, 1, 0],
                 [0, 1, 0, 2, 1]]
DEFAULT_KERNEL = [[1.0, -1.0], [0.5, 2.0]]


def explain_conv(image=None, kernel=None, bias: float = 0.0, activation="identity", targets=None,
                 loss: str = "total_error", digits: int = 9) -> Explanation:
    """Explain a 2×2-kernel convolution and 2×2 max pooling, forward and backward.

    Parameters
    ----------
    image : 2-D array-like, default a 5×5 example
        At most 9×9, so every cell keeps a one-digit name (``x_34``).
    kernel : 2-D array-like, default ``[[1, −1], [0.5, 2]]``
    bias : float
        Finite.
    activation : name of the convolution's activation (default identity)
    targets : array-like for the pooled outputs, default zeros
        One finite value per pooled output (read row by row).
    loss : the loss on the pooled outputs (default total_error)
    """
    from ..layers import Conv2D, Flatten, MaxPool2D

    check_digits(digits)
    x = as_float_array(DEFAULT_IMAGE if image is None else image, "image", min_ndim=1)
    k = as_float_array(DEFAULT_KERNEL if kernel is None else kernel, "kernel", min_ndim=1)
    if isinstance(bias, bool) or not isinstance(bias, (int, float, np.integer, np.floating)) or not np.isfinite(bias):
        raise ConfigError(f"bias must be a finite number; got {bias!r}")
    bias = float(bias)
    if x.ndim != 2 or not (2 <= x.shape[0] <= 9 and 2 <= x.shape[1] <= 9):
        raise ConfigError(f"image must be a 2-D array between 2×2 and 9×9; got shape {x.shape}")
    if k.ndim != 2 or k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        raise ConfigError(f"kernel must be a 2-D array no larger than the image {x.shape}; got shape {k.shape}")
    H, W = x.shape
    kh, kw = k.shape
    Ho, Wo = H - kh + 1, W - kw + 1
    if Ho < 2 or Wo < 2:
        raise ConfigError(f"a {kh}×{kw} kernel on a {H}×{W} image leaves {Ho}×{Wo} cells: too few to pool 2×2")
    conv = Conv2D(1, (kh, kw), activation=activation, W=k.reshape(1, 1, kh, kw), b=[float(bias)])
    pool = MaxPool2D(2)
    net = Network([conv, pool, Flatten()], loss=loss, input_shape=(1, H, W))
    Po, Qo = pool.output_shape[1:]
    if targets is None:
        y = np.zeros((1, Po * Qo))
    else:
        y = as_float_array(targets, "targets", min_ndim=1).reshape(1, -1)
        if y.size != Po * Qo:
            raise ConfigError(f"targets must hold {Po * Qo} values, one per pooled output ({Po}×{Qo}); "
                              f"got {y.size}")
    E, grads = net.gradients(x.reshape(1, 1, H, W), y)     # the engine's forward and backward pass

    cells = lambda a, b: f"{a + 1}{b + 1}"  # noqa: E731  (1-based names: x_11 is the top-left pixel)
    sections = [Section("The image and the kernel", [
        Table("Image x", [""] + [f"col {j + 1}" for j in range(W)],
              [[f"row {i + 1}"] + [float(v) for v in x[i]] for i in range(H)]),
        Table("Kernel w", [""] + [f"col {j + 1}" for j in range(kw)],
              [[f"row {i + 1}"] + [float(v) for v in k[i]] for i in range(kh)]),
        f"Bias b = {number_text(bias, digits)}. Output cell (p, q) is Σ_i Σ_j w_ij · x_(p+i−1)(q+j−1) + b: "
        "the kernel laid over the image with its top-left corner on pixel (p, q)."])]

    steps = []
    for p in range(Ho):
        for q in range(Wo):
            terms = [(f"w_{cells(i, j)}", f"x_{cells(p + i, q + j)}", k[i, j], x[p + i, q + j])
                     for i in range(kh) for j in range(kw)]
            steps.append(make_step(f"net_{cells(p, q)}", " + ".join(f"{w} · {xx}" for w, xx, _, _ in terms) + " + b",
                                   " + ".join(product([wv, xv], digits) for _, _, wv, xv in terms)
                                   + f" + {number_text(bias, digits)}", float(conv.net[0, 0, p, q])))
            if conv.activation.name != "identity":
                u = cells(p, q)
                steps.append(formula_step(f"out_{u}", value_formula(conv.activation),
                                          {"net": f"net_{u}", "out": f"out_{u}"}, {"net": float(conv.net[0, 0, p, q])},
                                          digits, float(conv.out[0, 0, p, q])))
    note = [] if conv.activation.name != "identity" else ["The activation is the identity, so out_pq = net_pq."]
    sections.append(Section(f"Convolution: {Ho}×{Wo} cells, {kh * kw} multiply-adds each", steps, note))

    out_name = "net" if conv.activation.name == "identity" else "out"
    pool_steps, winners = [], {}
    for P in range(Po):
        for Q in range(Qo):
            window = [(2 * P + i, 2 * Q + j) for i in range(2) for j in range(2)]
            values = [float(conv.out[0, 0, a, b]) for a, b in window]
            win = window[int(np.argmax(values))]                     # the first maximum, as the engine routes
            winners[(P, Q)] = win
            pool_steps.append(make_step(
                f"pool_{cells(P, Q)}", "max(" + ", ".join(f"{out_name}_{cells(a, b)}" for a, b in window) + ")",
                "max(" + ", ".join(number_text(v, digits) for v in values) + ")", float(pool.out[0, 0, P, Q]),
                note=f"the winner is {out_name}_{cells(*win)}"))
    sections.append(Section("Max pooling, 2×2 windows", pool_steps))

    err = []
    dpool = net.loss.gradient(pool.out.reshape(1, -1), y)       # ∂E/∂pool, as the engine's backward began
    for P in range(Po):
        for Q in range(Qo):
            idx = P * Qo + Q
            u = cells(P, Q)
            err.append(formula_step(f"∂E/∂pool_{u}", derivative_formula(net.loss),
                                    {"target": f"target_{u}", "out": f"pool_{u}", "K": Po * Qo},
                                    {"target": float(y[0, idx]), "out": float(pool.out[0, 0, P, Q]), "K": Po * Qo},
                                    digits, float(dpool[0, idx])))
    sections.append(Section("Error on the pooled outputs", [make_step("E", "", "", E)] + err,
                            notes=[f"Loss {net.loss.name}: {net.loss.formula}; targets "
                                   + ", ".join(number_text(v, digits) for v in y[0]) + "."]))

    routed = []
    for (P, Q), (a, b) in winners.items():
        others = [f"{out_name}_{cells(2 * P + i, 2 * Q + j)}" for i in range(2) for j in range(2)
                  if (2 * P + i, 2 * Q + j) != (a, b)]
        routed.append(make_step(f"∂E/∂{out_name}_{cells(a, b)}", f"∂E/∂pool_{cells(P, Q)}", "",
                                float(conv.dout[0, 0, a, b]),
                                note=f"the winner takes the whole gradient; {', '.join(others)} get 0"))
    grid = Table(f"∂E/∂{out_name} after pooling (the engine's array)", [""] + [f"col {j + 1}" for j in range(Wo)],
                 [[f"row {i + 1}"] + [float(v) for v in conv.dout[0, 0, i]] for i in range(Ho)])
    sections.append(Section("Backward: max pooling routes each gradient to its winner", routed + [grid],
                            notes=["max passes its input through unchanged where it wins, so its derivative "
                                   "is 1 there and 0 at the other positions of the window."]))

    back = []
    delta = conv.delta[0, 0]
    if conv.activation.name != "identity":
        fprime = conv.activation.derivative(conv.net, conv.out)[0, 0]
        for (a, b) in winners.values():
            u = cells(a, b)
            back.append(formula_step(f"∂out_{u}/∂net_{u}", derivative_formula(conv.activation),
                                     {"net": f"net_{u}", "out": f"out_{u}"},
                                     {"net": float(conv.net[0, 0, a, b]), "out": float(conv.out[0, 0, a, b])},
                                     digits, float(fprime[a, b])))
            back.append(make_step(f"δ_{u}", f"∂E/∂out_{u} · ∂out_{u}/∂net_{u}",
                                  product([float(conv.dout[0, 0, a, b]), float(fprime[a, b])], digits),
                                  float(delta[a, b])))
    live = [(a, b) for a in range(Ho) for b in range(Wo) if delta[a, b] != 0]
    dname = "δ" if conv.activation.name != "identity" else "∂E/∂net"
    for i in range(kh):
        for j in range(kw):
            names = [f"{dname}_{cells(a, b)} · x_{cells(a + i, b + j)}" for a, b in live]
            nums = [product([float(delta[a, b]), float(x[a + i, b + j])], digits) for a, b in live]
            back.append(make_step(f"∂E/∂w_{cells(i, j)}", " + ".join(names) or "0", " + ".join(nums),
                                  float(grads["W1"][0, 0, i, j])))
    back.append(make_step("∂E/∂b", " + ".join(f"{dname}_{cells(a, b)}" for a, b in live) or "0",
                          total([float(delta[a, b]) for a, b in live], digits), float(grads["b1"][0])))
    sections.append(Section("Backward: the kernel's gradient", back, notes=[
        "∂E/∂w_ij = Σ_pq δ_pq · x_(p+i−1)(q+j−1): only the cells that won their pooling window have δ ≠ 0, "
        "so only they contribute."]))
    return Explanation(f"A {kh}×{kw} convolution and 2×2 max pooling on a {H}×{W} image, step by step",
                       sections, digits=digits)
