"""The perceptron in pictures: input vectors by class and the decision boundary.

A neuron's decision boundary is the line ``W[i, 0] p₁ + W[i, 1] p₂ + b[i] = 0``; on the
side ``W[i]`` points to, the neuron outputs its high value. With the ``history`` of a
:class:`~glassnet.perceptron.PerceptronReport` the boundary is drawn after every epoch
(older epochs fainter), or animated into a GIF, one frame per epoch (MATLAB's
``plotpv`` and ``plotpc``, for two inputs).

>>> import numpy as np
>>> from glassnet.perceptron import Perceptron
>>> from glassnet.plot.perceptron import plot_training
>>> P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); T = np.array([0, 1, 1, 1])
>>> report = Perceptron().train(P, T)
>>> fig = plot_training(P, T, report.history)   # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from . import pyplot
from ._backend import finish

_MARKERS = ["o", "s", "^", "v", "D", "P", "X", "*"]


def _inputs(P, T) -> tuple[np.ndarray, np.ndarray]:
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != 2:
        raise DataError(f"the plot draws 2-D inputs (R = 2); got P of shape {P.shape}")
    T = np.asarray(T, dtype=np.float64)
    T = T.reshape(-1, 1) if T.ndim == 1 else T
    if T.shape[0] != P.shape[0]:
        raise DataError(f"T has {T.shape[0]} rows; P has {P.shape[0]} input vectors")
    return P, T


def _limits(P: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    lo, hi = P.min(axis=0), P.max(axis=0)
    pad = np.maximum(0.25 * (hi - lo), 0.5)
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def boundary_points(w, b: float, xlim, ylim) -> tuple[np.ndarray, np.ndarray] | None:
    """Two points of the line ``w₁ x + w₂ y + b = 0`` spanning the box; None when ``w = 0``."""
    w0, w1 = float(w[0]), float(w[1])
    if w0 == 0 and w1 == 0:
        return None
    if abs(w1) >= abs(w0):
        x = np.array(xlim, dtype=float)
        return x, -(w0 * x + b) / w1
    y = np.array(ylim, dtype=float)
    return -(w1 * y + b) / w0, y


def plot_vectors(P, T, ax=None, feature_names=("p₁", "p₂")):
    """Scatter the input vectors, one marker per distinct target (MATLAB's ``plotpv``)."""
    P, T = _inputs(P, T)
    plt = pyplot()
    ax = ax if ax is not None else plt.figure().add_subplot()
    codes = np.unique(T, axis=0)
    for k, code in enumerate(codes):
        mask = (T == code).all(axis=1)
        label = "t = " + (f"{code[0]:g}" if code.size == 1 else "[" + ", ".join(f"{c:g}" for c in code) + "]")
        ax.scatter(P[mask, 0], P[mask, 1], marker=_MARKERS[k % len(_MARKERS)], s=60, label=label,
                   edgecolors="black", zorder=3)
    xlim, ylim = _limits(P)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    return ax


def plot_boundary(W, b, ax, label: str | None = None, alpha: float = 1.0, **style):
    """Draw each neuron's decision line ``W[i] · p + b[i] = 0`` (MATLAB's ``plotpc``); returns the lines."""
    W = np.atleast_2d(np.asarray(W, dtype=np.float64))
    b = np.zeros(W.shape[0]) if b is None else np.asarray(b, dtype=np.float64).ravel()
    if W.shape[1] != 2:
        raise DataError(f"the plot draws boundaries of 2-input perceptrons; got W of shape {W.shape}")
    lines = []
    for i in range(W.shape[0]):
        pts = boundary_points(W[i], b[i], ax.get_xlim(), ax.get_ylim())
        if pts is None:
            continue
        name = label if W.shape[0] == 1 or label is None else f"{label}, neuron {i + 1}"
        (line,) = ax.plot(*pts, color=f"C{i}", alpha=alpha, label=name, **style)
        lines.append(line)
    return lines


def plot_training(P, T, history, ax=None, feature_names=("p₁", "p₂"), every_epoch: bool = True, path=None):
    """The input vectors and the boundary after each epoch (the last one bold); returns the figure.

    ``history`` is ``report.history`` (a list of ``{"epoch", "W", "b", "errors"}``).
    The initial weights (epoch 0) are drawn dashed when they define a line. With
    ``path`` (.png, .svg, .pdf, ...) the figure is also saved there, as the other plot
    functions do.
    """
    if not history:
        raise ConfigError("history is empty: train the perceptron first (report.history)")
    ax = plot_vectors(P, T, ax, feature_names)
    shown = history if every_epoch else history[-1:]
    last = len(shown) - 1
    for k, h in enumerate(shown):
        final = k == last
        style = {"linewidth": 2.5} if final else {"linewidth": 1, "linestyle": "--" if h["epoch"] == 0 else "-"}
        alpha = 1.0 if final else 0.25 + 0.5 * k / max(last, 1)
        plot_boundary(h["W"], h["b"], ax, label=f"epoch {h['epoch']}" if final or k == 0 else None,
                      alpha=alpha, **style)
    end = history[-1]
    ax.set_title(f"Perceptron after epoch {end['epoch']}: {end['errors']} misclassified")
    ax.legend(loc="best", fontsize="small")
    return finish(ax.figure, path)


def animate_training(P, T, history, path, fps: float = 2.0, feature_names=("p₁", "p₂")):
    """Write a GIF (Pillow) with one frame per epoch: the vectors and that epoch's boundary.

    Returns the path written.
    """
    if not history:
        raise ConfigError("history is empty: train the perceptron first (report.history)")
    plt = pyplot()
    from matplotlib.animation import FuncAnimation, PillowWriter

    fig = plt.figure()
    ax = plot_vectors(P, T, fig.add_subplot(), feature_names)
    S = np.atleast_2d(history[0]["W"]).shape[0]
    lines = [ax.plot([], [], color=f"C{i}", linewidth=2.5)[0] for i in range(S)]

    def frame(k):
        h = history[k]
        W = np.atleast_2d(h["W"])
        for i, line in enumerate(lines):
            pts = boundary_points(W[i], float(np.ravel(h["b"])[i]), ax.get_xlim(), ax.get_ylim())
            line.set_data(*(pts if pts is not None else ([], [])))
        ax.set_title(f"epoch {h['epoch']}: {h['errors']} misclassified")
        return lines

    anim = FuncAnimation(fig, frame, frames=len(history), blit=False)
    anim.save(str(path), writer=PillowWriter(fps=fps))
    plt.close(fig)
    return path
