"""Learning curves: the loss and every metric per epoch, on the training and validation data.

A :class:`~glassnet.training.History` records, per epoch, ``loss`` (and ``accuracy`` for
classification) and, with validation data, ``val_loss``/``val_accuracy``. Each quantity
gets one panel; the training curve is solid, the validation curve dashed in the same
panel. A gap that opens between them is overfitting; a validation curve that turns up
while the training curve keeps falling is where :class:`~glassnet.training.EarlyStopping`
stops (its best epoch is marked).

>>> import numpy as np
>>> from glassnet import Network, Dense
>>> from glassnet.datasets import make_moons
>>> from glassnet.plot.history import plot_history
>>> X, y = make_moons(200, seed=0)
>>> net = Network([Dense(8, "tanh"), Dense(2, "softmax")], loss="categorical_crossentropy", seed=0)
>>> history = net.fit(X, y, epochs=20, validation_split=0.25, verbose=0)
>>> fig = plot_history(history)                          # doctest: +SKIP
>>> [ax.get_title() for ax in fig.axes]                  # doctest: +SKIP
['Loss', 'Accuracy']
"""

from __future__ import annotations

import html

import numpy as np

from ..errors import ConfigError
from ._backend import finish, png_img_tag, pyplot, to_png

_TITLES = {"loss": "Loss", "accuracy": "Accuracy", "lr": "Learning rate"}


def _series(history) -> tuple[dict[str, list[float]], list[int]]:
    """The recorded lists and the epoch numbers (1-based) of a History or a plain dict."""
    if hasattr(history, "history") and isinstance(history.history, dict):
        data = history.history
        epochs = [e + 1 for e in getattr(history, "epoch", [])]
    elif isinstance(history, dict):
        data, epochs = history, []
    else:
        raise ConfigError(f"history must be a glassnet History (from fit) or a dict of lists; "
                          f"got {type(history).__name__}")
    if not data or not any(len(v) for v in data.values()):
        raise ConfigError("history is empty: nothing was recorded (train for at least one epoch)")
    n = max(len(v) for v in data.values())
    return data, epochs if len(epochs) == n else list(range(1, n + 1))


def metric_names(history, include_lr: bool = False) -> list[str]:
    """The quantities a history holds, without the ``val_`` prefix, loss first.

    >>> metric_names({"loss": [1.0], "val_loss": [1.1], "accuracy": [.5], "lr": [.1]})
    ['loss', 'accuracy']
    """
    data, _ = _series(history)
    names = []
    for key in data:
        base = key[4:] if key.startswith("val_") else key
        if base not in names and (include_lr or base != "lr"):
            names.append(base)
    return sorted(names, key=lambda k: (k != "loss", k == "lr"))


def plot_history(history, metrics=None, ax=None, title: str | None = None, log_loss: bool = False,
                 path=None):
    """Learning curves of a training run: one panel per quantity, train solid, validation dashed.

    Parameters
    ----------
    history : History or dict of lists
        What :func:`glassnet.training.fit` returned (or its ``history`` dict).
    metrics : str or list of str, optional
        Which quantities to draw (``"loss"``, ``"accuracy"``, ``"lr"``, ...), without the
        ``val_`` prefix. Default: every recorded one except the learning rate.
    ax : Axes or list of Axes, optional
        Where to draw: one axes per quantity. Default: a new figure.
    title : str, optional
        A title over the whole figure.
    log_loss : bool
        A logarithmic y axis for the loss panel.
    path : str or Path, optional
        Save the figure there (.png, .svg, .pdf, ...).

    Returns
    -------
    matplotlib.figure.Figure
        Each panel has one line per recorded series, labelled ``"train"`` / ``"validation"``.
    """
    data, epochs = _series(history)
    names = metric_names(history, include_lr=True)
    if metrics is None:
        metrics = [m for m in names if m != "lr"] or names
    elif isinstance(metrics, str):
        metrics = [metrics]
    for m in metrics:
        if m not in names:
            raise ConfigError(f"metrics: the history has no {m!r}; it records {', '.join(names)}")
    if ax is None:
        plt = pyplot()
        fig, axes = plt.subplots(1, len(metrics), figsize=(5.2 * len(metrics), 4), layout="constrained",
                                 squeeze=False)
        axes = list(axes[0])
    else:
        axes = [ax] if not isinstance(ax, (list, tuple, np.ndarray)) else list(np.ravel(ax))
        if len(axes) != len(metrics):
            raise ConfigError(f"ax: {len(metrics)} quantities to draw ({', '.join(metrics)}) need "
                              f"{len(metrics)} axes; got {len(axes)}")
        fig = axes[0].figure
    best = getattr(history, "best_epoch", None)
    for a, m in zip(axes, metrics):
        for key, label, style in ((m, "train", "-"), (f"val_{m}", "validation", "--")):
            if key in data:
                values = np.asarray(data[key], dtype=float)
                a.plot(epochs[:len(values)], values, style, color="C0" if label == "train" else "C1",
                       linewidth=2, label=label, marker="o" if len(values) <= 20 else None, markersize=4)
        if best is not None and f"val_{m}" in data and best < len(data[f"val_{m}"]):
            a.scatter([best + 1], [data[f"val_{m}"][best]], s=90, facecolors="none", edgecolors="black",
                      linewidths=1.5, zorder=4, label=f"best epoch ({best + 1})")
        a.set_title(_TITLES.get(m, m.replace("_", " ").capitalize()))
        a.set_xlabel("epoch")
        a.set_ylabel(m.replace("_", " "))
        if m == "loss" and log_loss:
            a.set_yscale("log")
        if m == "accuracy":
            a.set_ylim(min(0.0, a.get_ylim()[0]), 1.02)
        a.grid(True, alpha=0.3)
        if len(epochs) <= 12:
            a.set_xticks(epochs)
        a.legend(loc="best")
    if title:
        fig.suptitle(title)
    return finish(fig, path)


def history_to_png(history, dpi: int = 90) -> bytes:
    """The learning curves as PNG bytes (for a notebook's ``_repr_png_``)."""
    return to_png(plot_history(history), dpi=dpi)


def history_to_html(history) -> str:
    """A notebook view of a History: the last value of every series, then the learning curves.

    Without matplotlib (or before any epoch) the table alone is returned.
    """
    data = getattr(history, "history", history) or {}
    n = max((len(v) for v in data.values()), default=0)
    flags = [f for f in ("interrupted", "diverged") if getattr(history, f, False)]
    head = f"<b>History</b>: {n} epoch{'s' if n != 1 else ''}" + (f" ({', '.join(flags)})" if flags else "")
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v[-1]:.6g}</td><td>{min(v):.6g}</td>"
                   f"<td>{max(v):.6g}</td></tr>" for k, v in data.items() if v)
    table = ("<table><tr><th>series</th><th>last</th><th>min</th><th>max</th></tr>" + rows + "</table>"
             if rows else "")
    picture = ""
    if n:
        try:
            picture = png_img_tag(history_to_png(history), alt="learning curves")
        except ImportError:
            picture = ""
    return f"<div>{head}{table}{picture}</div>"
