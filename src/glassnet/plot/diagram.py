"""The network drawn as a diagram: neurons in layers, each weight an edge.

Every neuron is a circle (inputs ``i1, i2, …``, hidden ``h1, …``, outputs ``o1, …`` —
the seed's notation, shared with :mod:`glassnet.explain`), every weight ``W[i, j]`` an
edge from input ``j`` to neuron ``i``: **blue** when positive, **red** when negative, its
width proportional to ``|w|``. Biases are square nodes (the constant input 1) joined
by thin dashed edges to layers of up to four neurons.
Weights are numbered ``w1, w2, …`` layer by layer, neuron by neuron, input by input (so
in the seed ``w5`` joins ``h1`` to ``o1``).

Given one input ``x`` the diagram writes the forward pass on it (``net`` and ``out`` of
every neuron); given its target ``y`` too, one step of backpropagation: ``∂E/∂w`` on
every edge, ``∂E/∂out`` (or ``δ``) of the outputs and the error ``E``; given a
``learning_rate`` as well, the updated weights ``w⁺ = w − η ∂E/∂w``. The numbers come
from the engine (``Network.forward`` and ``Network.backward``); the weights are not changed.

>>> from glassnet.explain import seed_network, SEED_X, SEED_Y
>>> from glassnet.plot.diagram import plot_network
>>> fig = plot_network(seed_network(), SEED_X, SEED_Y)       # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from ._backend import finish, pyplot

_DX, _DY = 6.5, 3.2                  # distance between layers and between neurons (data units)
_POSITIVE, _NEGATIVE = "#1f5fbf", "#d62728"
_FILL = {"input": "#e8f1e4", "hidden": "#dde9f7", "output": "#fde8d4"}
_MAX_UNITS = 100
_MAX_BIAS_EDGES = 4                  # wider layers: biases are left out of the picture (too many lines)


def _dense_layers(network) -> list:
    from ..layers.dense import Dense
    from ..network import Network

    if not isinstance(network, Network):
        raise ConfigError(f"network must be a glassnet Network; got {type(network).__name__}")
    if not network.built:
        raise ConfigError("the network has no weights yet: give input_shape or call build() first")
    layers = [layer for layer in network.layers if layer.params]
    for layer in network.layers:
        if layer.params and not isinstance(layer, Dense):
            raise ConfigError(f"the diagram draws dense networks; layer {type(layer).__name__} has its own "
                              "pictures (glassnet.plot.conv.plot_kernels, plot_feature_maps)")
    sizes = [layers[0].params["W"].shape[1]] + [layer.units for layer in layers]
    if max(sizes) > _MAX_UNITS:
        raise ConfigError(f"the diagram draws layers of at most {_MAX_UNITS} neurons; this network has "
                          f"{max(sizes)}: use glassnet.plot.weights.plot_weight_histograms instead")
    return layers


def unit_names(n_inputs: int, units: list[int]) -> list[list[str]]:
    """``[["i1", "i2"], ["h1", "h2"], ["o1", "o2"]]``; two hidden layers give ``h1_1, …, h2_1, …``."""
    from ..explain.recorder import neuron_prefixes

    names = [[f"i{j + 1}" for j in range(n_inputs)]]
    for prefix, S in zip(neuron_prefixes(len(units)), units):
        names.append([f"{prefix}{i + 1}" for i in range(S)])
    return names


def _bias_names(layer, index: int, names: list[str], trainable: bool) -> list[str] | None:
    b = layer.params.get("b")
    if b is None:
        return None
    if not trainable and np.all(b == b[0]):
        return [f"b{index}"] * len(names)     # one shared, fixed bias (as in the seed)
    return [f"b_{n}" for n in names]


def _one_sample(network, x, y):
    """Forward (and backward) pass on one sample: the loss, the gradients and the target (encoded)."""
    x = np.asarray(x, dtype=np.float64)
    x = x.reshape(1, -1) if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[0] != 1:
        raise DataError(f"x must be one input vector, shape (R,) or (1, R); got shape {x.shape}")
    if y is None:
        network.forward(x)
        return None, None, None
    from ..training import _targets                # a class label → one-hot for a softmax output

    y = np.asarray(y)
    if y.ndim == 0:
        y = y.reshape(1)                         # one class label, or the target of one output
    elif y.ndim == 1 and y.size > 1:
        y = y.reshape(1, -1)                     # the target vector of this one sample
    out = network.forward(x)                     # evaluation mode: dropout off
    y = _targets(network, y, 1)
    loss = network._loss(out, y)
    grads = {k: v.copy() for k, v in network.backward(y).items()}
    return loss, grads, y[0]


def _fmt(value, digits: int) -> str:
    """``value`` to ``digits`` decimal places, trailing zeros dropped, minus as ``−`` (as the seed prints)."""
    v = float(value)
    if v != 0 and (abs(v) < 10.0 ** -digits or abs(v) >= 1e7):
        text = f"{v:.{max(digits - 6, 3)}e}"
    else:
        text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
        text = "0" if text in ("-0", "") else text
    return text.replace("-", "−")


def plot_network(network, x=None, y=None, learning_rate: float | None = None, ax=None, digits: int = 9,
                 show_values="auto", title: str | None = None, path=None):
    """Draw ``network`` as neurons and weighted edges, with the numbers of one sample if given.

    Parameters
    ----------
    network : Network
        Dense layers (with any activations; Dropout and the like are skipped).
    x : array of shape (R,) or (1, R), optional
        One input: every neuron shows its ``net`` and ``out``.
    y : array of shape (K,) or (1, K), optional
        Its target: every edge shows ``∂E/∂w`` of this sample, outputs show ``∂E/∂out``.
    learning_rate : float, optional
        With ``y``: every edge also shows ``w⁺ = w − η ∂E/∂w``.
    digits : int
        Significant digits of the numbers written (9, as published in the seed).
    show_values : bool or "auto"
        Write the numbers; "auto" does when every layer has at most 4 neurons.
    path : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
        Neurons are circles with gid ``"neuron:<name>"``, weights lines with gid
        ``"edge:<wk>"``, biases squares ``"bias:<name>"`` joined by ``"bias-edge:…"`` lines.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, FancyBboxPatch

    layers = _dense_layers(network)
    if learning_rate is not None and (y is None or not learning_rate > 0):
        raise ConfigError(f"learning_rate needs y (the target) and must be > 0; got {learning_rate!r}")
    loss, grads, target = (None, None, None) if x is None else _one_sample(network, x, y)
    sizes = [layers[0].params["W"].shape[1]] + [layer.units for layer in layers]
    names = unit_names(sizes[0], sizes[1:])
    if show_values == "auto":
        show_values = max(sizes) <= 4
    show_edges = show_values and all(s * r <= 4 for s, r in zip(sizes[1:], sizes[:-1]))
    trainable = network.trainable

    tall = max(sizes)
    dy = (_DY + (1.0 if learning_rate is not None else 0.0)) if tall <= 6 else max(_DY * 6 / tall, 0.25)
    radius = min(0.5, 0.38 * dy)
    pos = [[(k * _DX, ((S - 1) / 2 - i) * dy) for i in range(S)] for k, S in enumerate(sizes)]
    top = max(p[0][1] for p in pos)

    if ax is None:
        width = (len(sizes) - 1) * _DX + (7.5 if show_values else 2.0)
        height = 2 * top + (4.2 if show_values else 2.4)
        scale = min(0.85, 13.0 / width, 9.0 / height)
        fig = pyplot().figure(figsize=(width * scale, height * scale))
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.90 if (title or loss is not None) else 0.98))
    fig = ax.figure
    ax.set_aspect("equal")
    ax.set_axis_off()

    weights = [layer.params["W"] for layer in layers]
    biggest = max(float(np.abs(W).max()) for W in weights) or 1.0
    box = dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor="none", alpha=0.88)
    halo = dict(boxstyle="square,pad=0.05", facecolor="white", edgecolor="none", alpha=0.9)
    bias_rise = 0.75 * dy if tall > 1 else 0.75 * _DY
    fs = 9 if show_values else 8
    counter = 0
    for k, layer in enumerate(layers):
        W = weights[k]
        Wname, bname = f"W{k + 1}", f"b{k + 1}"
        gW = None if grads is None else grads[f"W{k + 1}"]
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                counter += 1
                w = float(W[i, j])
                (x0, y0), (x1, y1) = pos[k][j], pos[k + 1][i]
                d = np.hypot(x1 - x0, y1 - y0)
                ux, uy = (x1 - x0) / d, (y1 - y0) / d
                line = Line2D([x0 + radius * ux, x1 - radius * ux], [y0 + radius * uy, y1 - radius * uy],
                              color=_POSITIVE if w >= 0 else _NEGATIVE, alpha=0.85, zorder=1,
                              linewidth=0.6 + 5.4 * abs(w) / biggest, solid_capstyle="round")
                line.set_gid(f"edge:w{counter}")
                ax.add_line(line)
                if not show_edges:
                    continue
                above = f"w{counter} = {_fmt(w, digits)}"
                below = []
                if gW is not None:
                    below.append(f"∂E/∂w{counter} = {_fmt(gW[i, j], digits)}")
                    if learning_rate is not None and trainable[Wname]:
                        below.append(f"w{counter}⁺ = {_fmt(w - learning_rate * gW[i, j], digits)}")
                # where along the edge to write: level edges in the middle; crossing ones apart, both
                # in the upper half (edges going down near their start, edges going up near their end)
                t = 0.5 if abs(y1 - y0) < 1e-9 else (0.27 if y1 < y0 else 0.73)
                px, py = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                angle = np.degrees(np.arctan2(y1 - y0, x1 - x0))
                nx, ny = -uy * 0.12, ux * 0.12           # a little off the line, on either side
                ax.text(px + nx, py + ny, above, rotation=angle, rotation_mode="anchor", ha="center",
                        va="bottom", fontsize=fs, zorder=4, bbox=halo)
                if below:
                    ax.text(px - nx, py - ny, "\n".join(below), rotation=angle, rotation_mode="anchor",
                            ha="center", va="top", fontsize=fs, zorder=4, bbox=halo, color="#5a2d82",
                            linespacing=1.2)
        bnames = _bias_names(layer, k + 1, names[k + 1], trainable.get(bname, False))
        if bnames is not None and len(bnames) <= _MAX_BIAS_EDGES:
            b = layer.params["b"]
            bx, by = pos[k + 1][0][0] - 0.3 * _DX, top + bias_rise
            shared = len(set(bnames)) == 1
            node = FancyBboxPatch((bx - 0.3, by - 0.3), 0.6, 0.6, boxstyle="round,pad=0.02", facecolor="#f2f2f2",
                                  edgecolor="black", linewidth=1, zorder=3)
            node.set_gid(f"bias:b{k + 1}")
            ax.add_patch(node)
            ax.text(bx, by, "1", ha="center", va="center", fontsize=fs, zorder=4)
            if show_values:
                label = f"{bnames[0]} = {_fmt(b[0], digits)}" if shared else "biases (at the neurons)"
                if shared and grads is not None and trainable.get(bname, False):
                    label += f"   ∂E/∂{bnames[0]} = {_fmt(grads[bname].sum(), digits)}"
                ax.text(bx - 0.45, by, label, ha="right", va="center", fontsize=fs, zorder=4)
            for i, (x1, y1) in enumerate(pos[k + 1]):
                d = np.hypot(x1 - bx, y1 - by)
                edge = Line2D([bx + 0.3 * (x1 - bx) / d, x1 - radius * (x1 - bx) / d],
                              [by + 0.3 * (y1 - by) / d, y1 - radius * (y1 - by) / d],
                              color="grey", linestyle=(0, (4, 3)), linewidth=0.9, zorder=0.5)
                edge.set_gid(f"bias-edge:{bnames[i]}->{names[k + 1][i]}")
                ax.add_line(edge)

    for k, layer_pos in enumerate(pos):
        kind = "input" if k == 0 else "output" if k == len(pos) - 1 else "hidden"
        values = None
        if x is not None and k > 0:
            values = layers[k - 1]
        for i, (cx, cy) in enumerate(layer_pos):
            circle = Circle((cx, cy), radius, facecolor=_FILL[kind], edgecolor="black", linewidth=1.4, zorder=3)
            circle.set_gid(f"neuron:{names[k][i]}")
            ax.add_patch(circle)
            if radius >= 0.3:
                ax.text(cx, cy, names[k][i], ha="center", va="center", fontsize=11 if tall <= 6 else 8,
                        fontweight="bold", zorder=5)
            if not show_values or x is None:
                continue
            if k == 0:
                ax.text(cx - radius - 0.25, cy, f"{names[0][i]} = {_fmt(np.ravel(x)[i], digits)}", ha="right",
                        va="center", fontsize=fs + 1, zorder=4)
                continue
            lines = [f"net = {_fmt(values.net[0, i], digits)}", f"out = {_fmt(values.out[0, i], digits)}"]
            own = _bias_names(values, k, names[k], trainable.get(f"b{k}", False))
            if own is not None and len(set(own)) > 1:             # a bias of its own: written at the neuron
                lines.insert(0, f"{own[i]} = {_fmt(values.params['b'][i], digits)}")
                if grads is not None and trainable[f"b{k}"]:
                    lines.insert(1, f"∂E/∂{own[i]} = {_fmt(grads[f'b{k}'][i], digits)}")
            if kind == "output" and y is not None:
                lines.append(f"target = {_fmt(target[i], digits)}")
                if network._fused():
                    lines.append(f"δ = out − target = {_fmt(values.delta[0, i], digits)}")
                else:
                    lines.append(f"∂E/∂out = {_fmt(values.dout[0, i], digits)}")
            if kind == "output":
                ax.text(cx + radius + 0.25, cy, "\n".join(lines), ha="left", va="center", fontsize=fs + 0.5,
                        zorder=4, linespacing=1.3)
            else:
                above = cy >= 0
                ax.text(cx, cy + (radius + 0.15) * (1 if above else -1), "\n".join(lines), ha="center",
                        va="bottom" if above else "top", fontsize=fs, bbox=box, zorder=4, linespacing=1.25)

    xs = [p[0] for lp in pos for p in lp]
    left = 2.6 if show_values and x is not None else 1.0
    right = 3.8 if show_values and x is not None else 1.0
    ax.set_xlim(min(xs) - left, max(xs) + right)
    has_bias = any("b" in layer.params and layer.units <= _MAX_BIAS_EDGES for layer in layers)
    ax.set_ylim(-top - radius - (1.3 if show_values and x is not None else 0.4),
                top + max(bias_rise + 0.5 if has_bias else 0.0, radius + (1.3 if show_values and x is not None
                                                                          else 0.4)))
    if title is None:
        acts = ", ".join(layer.activation.name for layer in layers)
        title = f"{'-'.join(map(str, sizes))} network ({acts})"
        if loss is not None:
            title += f":  E = {_fmt(loss, digits)}"
    fig.suptitle(title, fontsize=12)
    key = "blue: w > 0   red: w < 0   width ∝ |w|"
    if any("b" in layer.params and layer.units > _MAX_BIAS_EDGES for layer in layers):
        key += f"   (biases of layers wider than {_MAX_BIAS_EDGES} not drawn)"     # said, not silently dropped
    fig.text(0.99, 0.01, key, ha="right", va="bottom", fontsize=8, color="dimgrey")
    return finish(fig, path)


def network_to_png(network, dpi: int = 80) -> bytes | None:
    """The diagram as PNG bytes, or None when it cannot be drawn (not built, not dense, too big)."""
    from ._backend import to_png
    try:
        _dense_layers(network)
    except ConfigError:
        return None
    return to_png(plot_network(network, show_values=False), dpi=dpi)
