"""Decision regions of a 2-D classifier, and how they move while a network trains.

The plane is sampled on a ``resolution × resolution`` grid; every grid point gets the
class the model predicts there, painted in a light version of that class's colour
(:data:`~glassnet.plot._backend.CLASS_COLORS`), with the boundaries between classes
drawn in black and the data on top in the full colours. Any model works:

* a glassnet :class:`~glassnet.network.Network`: several outputs (softmax) → the
  largest; one output → ``out ≥ 0.5`` (``out ≥ 0`` for tanh or identity);
* a glassnet :class:`~glassnet.perceptron.Perceptron`: one neuron → its high output;
  several → the neuron with the largest net input (one-hot coding);
* anything with ``predict(X)`` (scikit-learn classifiers): its labels; with a
  ``classes_`` attribute, class ``k`` is ``classes_[k]`` and the legend names it so.

>>> from glassnet import Network, Dense
>>> from glassnet.datasets import make_xor
>>> from glassnet.plot.regions import plot_decision_regions
>>> X, y = make_xor(200, seed=0)
>>> net = Network([Dense(8, "tanh"), Dense(2, "softmax")], loss="categorical_crossentropy", seed=0)
>>> _ = net.fit(X, y, epochs=100, learning_rate=0.05, verbose=0)
>>> fig = plot_decision_regions(net, X, y)                 # doctest: +SKIP
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import ConfigError, DataError
from ._backend import class_color, figure_and_axes, finish, pyplot

_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def predict_classes(model, X) -> np.ndarray:
    """The class index (0, 1, ...) ``model`` predicts for every row of ``X``."""
    X = np.asarray(X, dtype=np.float64)
    from ..network import Network
    from ..perceptron import Perceptron

    if isinstance(model, Network):
        out = np.asarray(model.predict(X.astype(model.dtype, copy=False)))
        out = out.reshape(out.shape[0], -1)
        if out.shape[1] > 1:
            return out.argmax(axis=1)
        act = getattr(getattr(model.layers[-1], "activation", None), "name", "sigmoid")
        return (out[:, 0] >= (0.0 if act in ("tanh", "identity", "linear") else 0.5)).astype(np.int64)
    if isinstance(model, Perceptron):
        N = model.net_input(X)
        return (N[:, 0] >= 0).astype(np.int64) if N.shape[1] == 1 else N.argmax(axis=1)
    if not callable(getattr(model, "predict", None)):
        raise ConfigError(f"model must be a glassnet Network or Perceptron, or have a predict method; "
                          f"got {type(model).__name__}")
    out = np.asarray(model.predict(X))
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    out = out.reshape(-1)
    classes = _classes(model)
    if classes is not None:
        return _index_by(out, classes, "the predictions")
    if out.dtype.kind == "f" and not np.all(out == np.round(out)):
        return (out >= 0.5).astype(np.int64)
    if out.dtype.kind in "iub" or out.dtype.kind == "f":
        return out.astype(np.int64)
    return np.unique(out, return_inverse=True)[1]  # string labels: their sorted order


def _classes(model) -> list | None:
    """A scikit-learn-style model's ``classes_`` as a list (None for glassnet networks or without one)."""
    from ..network import Network
    from ..perceptron import Perceptron

    if isinstance(model, (Network, Perceptron)):
        return None
    classes = getattr(model, "classes_", None)
    return None if classes is None else list(np.asarray(classes).reshape(-1).tolist())


def _index_by(values: np.ndarray, classes: list, name: str) -> np.ndarray:
    """The position of every value in ``classes``, or a DataError naming the unknown ones."""
    index = {c: i for i, c in enumerate(classes)}
    out = np.array([index.get(v, -1) for v in values.tolist()], dtype=np.int64)
    if (out < 0).any():
        unknown = sorted({str(v) for v, i in zip(values.tolist(), out) if i < 0})[:5]
        raise DataError(f"{name} holds labels {unknown} that are not among the model's classes_ {classes}")
    return out


def _points(X, y=None, classes: list | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise DataError(f"decision regions are drawn for 2-D inputs: X must have shape (n, 2); got {X.shape}")
    if y is None:
        return X, None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:          # one-hot targets
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise DataError(f"y has {y.shape[0]} labels; X has {X.shape[0]} points")
    if classes is not None:
        return X, _index_by(y, classes, "y")      # class k is classes_[k]
    if y.dtype.kind == "f" and np.all(y == np.round(y)):
        y = y.astype(np.int64)                    # 0.0 / 1.0 targets
    elif y.dtype.kind not in "iub":
        y = np.unique(y, return_inverse=True)[1]  # other labels: their sorted order
    return X, y.astype(np.int64)


def grid(X, resolution: int = 200, margin: float = 0.15):
    """The sampling grid around the data: ``(xs, ys, points)``, ``points`` of shape (resolution², 2).

    The box is the data's range widened by ``margin`` of its size on every side.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ConfigError(f"resolution must be an integer >= 2; got {resolution!r}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = np.maximum(margin * (hi - lo), 0.5 * (hi - lo == 0) + 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], int(resolution))
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], int(resolution))
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def region_color(k: int, lightness: float = 0.6) -> tuple[float, float, float]:
    """The light colour of class ``k``'s region: its colour mixed with white."""
    return tuple(c + lightness * (1.0 - c) for c in class_color(k))


def _paint(labels: np.ndarray, n_classes: int) -> np.ndarray:
    palette = np.array([region_color(k) for k in range(max(n_classes, 1))])
    return palette[np.clip(labels, 0, len(palette) - 1)]


def _draw(ax, xs, ys, labels, n_classes, X, y, class_names, show_points: bool):
    """Paint the regions (an image), the class boundaries and the points; returns the image artist."""
    extent = (xs[0], xs[-1], ys[0], ys[-1])
    image = ax.imshow(_paint(labels, n_classes), origin="lower", extent=extent, interpolation="nearest",
                      aspect="auto", zorder=0)
    contours = None
    if len(np.unique(labels)) > 1:
        contours = ax.contour(xs, ys, labels, levels=np.arange(n_classes - 1) + 0.5, colors="black",
                              linewidths=1.2, zorder=1)
    if show_points and y is not None:
        for k in range(n_classes):
            mask = y == k
            if mask.any():
                name = class_names[k] if class_names is not None else f"class {k}"
                ax.scatter(X[mask, 0], X[mask, 1], s=28, color=class_color(k), edgecolors="black",
                           linewidths=0.6, marker=_MARKERS[k % len(_MARKERS)], label=str(name), zorder=3)
        ax.legend(loc="best", fontsize="small", framealpha=0.9)
    elif show_points:
        ax.scatter(X[:, 0], X[:, 1], s=20, color="black", zorder=3)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    return image, contours


def plot_decision_regions(model, X, y=None, ax=None, resolution: int = 200, class_names=None,
                          feature_names=("x₁", "x₂"), title: str | None = None, show_points: bool = True,
                          path=None):
    """The plane coloured by the class ``model`` predicts, with the data on top.

    Parameters
    ----------
    model : Network, Perceptron or any object with ``predict``
    X : array of shape (n, 2)
        The data (it also sets the plotted box, 15 % wider than the data).
    y : array of shape (n,) or one-hot (n, K), optional
        The true classes: points are drawn in their class's colour.
    resolution : int
        Grid points per axis.
    class_names : sequence of str, optional
        Legend names of the classes (default: the model's ``classes_`` when it has them,
        else ``class 0``, ``class 1``, ...).
    show_points : bool
        Draw the data points (the regions alone with False).
    path : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
        The regions are ``ax.images[0]``; class ``k`` is painted :func:`region_color` (k).
    """
    classes = _classes(model)
    if class_names is None and classes is not None:
        class_names = [str(c) for c in classes]
    X, y = _points(X, y, classes)
    xs, ys, pts = grid(X, resolution)
    labels = predict_classes(model, pts).reshape(len(ys), len(xs))
    n_classes = int(max(labels.max(), -1 if y is None else y.max())) + 1
    if class_names is not None:
        n_classes = max(n_classes, len(class_names))
    fig, ax = figure_and_axes(ax)
    _draw(ax, xs, ys, labels, n_classes, X, y, class_names, show_points)
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    if title is None:
        title = f"Decision regions of {type(model).__name__}"
        if y is not None:
            title += f": {np.mean(predict_classes(model, X) == y):.0%} of the points right"
    ax.set_title(title)
    return finish(fig, path)


def record_regions(network, X, y, epochs: int = 50, every: int = 1, resolution: int = 120,
                   optimizer="adam", learning_rate: float | None = None, batch_size: int = 32, **fit_kwargs):
    """Train ``network`` with :func:`~glassnet.training.fit`, one epoch at a time, and record its regions.

    A frame is taken before training (epoch 0) and after every ``every``-th epoch (and the
    last). One optimizer is used throughout, so momentum and Adam's moments carry on
    from epoch to epoch exactly as in a single ``fit(epochs=epochs)`` call.

    Returns
    -------
    frames : list of dict
        ``{"epoch", "labels" (grid of class indices), "loss", "accuracy"}``; ``xs``/``ys``
        (the grid) are in every frame.
    history : History
        The merged history of all the epochs.
    """
    from .. import optimizers
    from ..training import History, fit

    Xp, yp = _points(X, y)
    for name, value in (("epochs", epochs), ("every", every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigError(f"{name} must be a positive integer; got {value!r}")
    if isinstance(optimizer, optimizers.Optimizer):
        opt = optimizer
    else:
        opt = optimizers.get(optimizer, **({} if learning_rate is None else {"lr": learning_rate}))
    xs, ys, pts = grid(Xp, resolution)
    merged = History()

    def frame(epoch):
        logs = {k: v[-1] for k, v in merged.history.items()}
        return {"epoch": epoch, "labels": predict_classes(network, pts).reshape(len(ys), len(xs)),
                "loss": logs.get("loss"), "accuracy": logs.get("accuracy"), "xs": xs, "ys": ys}

    network._check_input(np.asarray(X, dtype=np.float64)[:1])   # builds the network if needed
    frames = [frame(0)]
    for epoch in range(1, epochs + 1):
        h = fit(network, X, y, epochs=1, batch_size=batch_size, optimizer=opt, verbose=0, **fit_kwargs)
        merged._append(epoch - 1, {k: v[-1] for k, v in h.history.items()})
        if h.interrupted or h.diverged:
            merged.interrupted, merged.diverged = h.interrupted, h.diverged
            frames.append(frame(epoch))
            break
        if epoch % every == 0 or epoch == epochs:
            frames.append(frame(epoch))
    return frames, merged


def animate_regions(frames, X, y, path, fps: float = 5.0, class_names=None, feature_names=("x₁", "x₂"),
                    dpi: int = 80):
    """Write the recorded frames (from :func:`record_regions`) as a GIF (Pillow) or MP4 (ffmpeg).

    ``frames`` is the list :func:`record_regions` returns first; its whole
    ``(frames, history)`` tuple is accepted too.

    The format follows ``path``'s suffix. Returns the path written.
    """
    from matplotlib import animation

    if isinstance(frames, tuple) and len(frames) == 2 and isinstance(frames[0], list):
        frames = frames[0]                        # record_regions' (frames, history), passed whole
    if not isinstance(frames, (list, tuple)) or not all(isinstance(f, dict) and "labels" in f for f in frames):
        raise ConfigError("frames must be the list of frames record_regions() returns "
                          "(frames, history = record_regions(...)); got "
                          f"{type(frames).__name__}")
    if not frames:
        raise ConfigError("frames is empty: record them with record_regions() first")
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".gif":
        writer = animation.PillowWriter(fps=fps)
    elif suffix == ".mp4":
        if not animation.writers.is_available("ffmpeg"):
            raise ConfigError("path: writing .mp4 needs ffmpeg on the PATH (it was not found); "
                              "install ffmpeg or write a .gif")
        writer = animation.FFMpegWriter(fps=fps)
    else:
        raise ConfigError(f"path must end in .gif or .mp4; got {path!r}")
    Xp, yp = _points(X, y)
    n_classes = int(max(max(f["labels"].max() for f in frames), -1 if yp is None else yp.max())) + 1
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
    xs, ys = frames[0]["xs"], frames[0]["ys"]
    state = {"image": None, "contours": None}

    def draw(k):
        f = frames[k]
        if state["image"] is None:
            state["image"], state["contours"] = _draw(ax, xs, ys, f["labels"], n_classes, Xp, yp,
                                                      class_names, True)
            ax.set_xlabel(feature_names[0])
            ax.set_ylabel(feature_names[1])
        else:
            state["image"].set_data(_paint(f["labels"], n_classes))
            if state["contours"] is not None:
                state["contours"].remove()
            state["contours"] = None
            if len(np.unique(f["labels"])) > 1:
                state["contours"] = ax.contour(xs, ys, f["labels"], levels=np.arange(n_classes - 1) + 0.5,
                                               colors="black", linewidths=1.2, zorder=1)
        numbers = "" if f["loss"] is None else f"   loss {f['loss']:.4f}"
        if f["accuracy"] is not None:
            numbers += f"   accuracy {f['accuracy']:.0%}"
        ax.set_title(f"epoch {f['epoch']}{numbers}")
        return [state["image"]]

    anim = animation.FuncAnimation(fig, draw, frames=len(frames), blit=False, repeat=False)
    anim.save(path, writer=writer, dpi=dpi)
    plt.close(fig)
    return path


def animate_decision_regions(network, X, y, path, epochs: int = 50, every: int = 1, fps: float = 5.0,
                             resolution: int = 120, class_names=None, **fit_kwargs):
    """Train ``network`` for ``epochs`` and write its moving decision regions to ``path`` (.gif/.mp4).

    One frame before training and one after every ``every``-th epoch; ``fit_kwargs``
    (``optimizer``, ``learning_rate``, ``batch_size``, ...) go to :func:`record_regions`.
    Returns the :class:`~glassnet.training.History` of the training.
    """
    frames, history = record_regions(network, X, y, epochs=epochs, every=every, resolution=resolution,
                                     **fit_kwargs)
    animate_regions(frames, X, y, path, fps=fps, class_names=class_names)
    return history
