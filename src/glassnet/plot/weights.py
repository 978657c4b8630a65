"""Histograms of each layer's weights and gradients, and the confusion matrix of a classifier.

Weights that all sit near zero, or gradients that shrink layer after layer toward the
input, are the vanishing-gradient problem made visible; a layer whose weights spread
far wider than the others may need a smaller learning rate or an L2 penalty.

The confusion matrix counts, for every true class (row) and predicted class (column),
how many samples fell there: the diagonal is right, everything else is a mistake.

>>> import numpy as np
>>> from glassnet.plot.weights import confusion_matrix
>>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2]).tolist()
[[1, 0, 0], [0, 1, 1], [0, 0, 1]]
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from ._backend import figure_and_axes, finish, pyplot

_WHICH = ("weights", "gradients", "both")


def _layers_with_weights(network) -> list[tuple[int, object]]:
    from ..network import Network

    if not isinstance(network, Network):
        raise ConfigError(f"network must be a glassnet Network; got {type(network).__name__}")
    if not network.built:
        raise ConfigError("the network has no weights yet: give input_shape or call build() first")
    layers, k = [], 0
    for layer in network.layers:
        if layer.params:
            k += 1
            if "W" in layer.params:
                layers.append((k, layer))
    return layers


def plot_weight_histograms(network, which: str = "weights", X=None, y=None, include_bias: bool = False,
                           bins: int = 30, path=None):
    """One histogram per layer of its weights ``W`` (and/or their gradients ``∂E/∂W``).

    Parameters
    ----------
    network : Network
    which : "weights", "gradients" or "both"
        "both" draws two columns: the weights on the left, the gradients on the right.
    X, y : arrays, optional
        With them, the gradients are those of the loss on ``(X, y)``; without, those of
        the network's last backward pass (e.g. the last batch of training).
    include_bias : bool
        Overlay the biases ``b`` (in orange) on the weights.
    bins : int
    path : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
        One row per layer with weights, titled ``W1 (Dense(units=…))`` etc.
    """
    if which not in _WHICH:
        raise ConfigError(f"which must be one of {', '.join(map(repr, _WHICH))}; got {which!r}")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ConfigError(f"bins must be a positive integer; got {bins!r}")
    layers = _layers_with_weights(network)
    grads = network.grads
    if which != "weights" and X is not None:
        if y is None:
            raise ConfigError("X was given without y: the gradients need the targets too")
        from ..training import _targets            # class labels → one-hot for a softmax output
        X = network._check_input(X)
        _, grads = network.gradients(X, _targets(network, y, X.shape[0]))
    columns = ["weights", "gradients"] if which == "both" else [which]
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()
    fig, axes = plt.subplots(len(layers), len(columns), figsize=(4.6 * len(columns), 2.6 * len(layers) + 0.6),
                             layout="constrained", squeeze=False)
    for row, (k, layer) in enumerate(layers):
        for col, kind in enumerate(columns):
            ax = axes[row, col]
            if kind == "weights":
                values, name, color = layer.params["W"].ravel(), f"W{k}", "C0"
            else:
                values, name, color = grads[f"W{k}"].ravel(), f"∂E/∂W{k}", "C2"
            biases = layer.params["b"].ravel() if kind == "weights" and include_bias and "b" in layer.params else None
            both = values if biases is None else np.concatenate([values, biases])
            edges = np.histogram_bin_edges(both, bins=int(bins))     # one set of bins for W and b
            counts, _, _ = ax.hist(values, bins=edges, color=color, edgecolor="white", linewidth=0.5, label=name)
            top = float(np.max(counts))
            if biases is not None:
                b_counts, _, _ = ax.hist(biases, bins=edges, color="C1", alpha=0.7, edgecolor="white", linewidth=0.5,
                                         label=f"b{k}")
                top = max(top, float(np.max(b_counts)))
                ax.legend(loc="upper center", ncols=2, fontsize="small", frameon=False)
            # Head-room above the tallest bar keeps the legend clear of the bars.
            ax.set_ylim(0, max(top, 1.0) * (1.3 if biases is not None else 1.08))
            ax.axvline(0.0, color="black", linewidth=0.8, alpha=0.6)
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
            mean, std = float(values.mean()), float(values.std())
            # The statistics go in the title's second line, outside the bars, never over them.
            ax.set_title(f"{name}  ({layer!r})\nn = {values.size}   mean = {mean:.3g}   std = {std:.3g}", fontsize=10)
            ax.set_xlabel("gradient" if kind == "gradients" else "weight")
            ax.set_ylabel("count")
    return finish(fig, path)


def confusion_matrix(y_true, y_pred, n_classes: int | None = None, labels=None) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    ``y_true``/``y_pred`` are class indices (0, 1, ...), one-hot targets / network
    outputs of shape (n, K), whose largest entry is taken, or labels of any kind
    (strings, as the scikit-learn estimators return): these index the matrix in sorted
    order. ``labels``, as in scikit-learn, gives the classes and their order; samples
    whose true or predicted label is not among them are left out.

    >>> confusion_matrix(["b", "a", "b"], ["b", "b", "b"]).tolist()
    [[0, 1], [0, 2]]
    """
    return _confusion(y_true, y_pred, n_classes, labels)[0]


def _labels(y, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    y = y.reshape(-1)
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            raise DataError(f"{name} must hold class indices (0, 1, ...), labels or rows of class scores; "
                            "got fractions")
        y = y.astype(np.int64)
    return y.astype(np.int64)


def _is_index(y: np.ndarray) -> bool:
    return y.dtype.kind in "iubf"


def _confusion(y_true, y_pred, n_classes=None, labels=None) -> tuple[np.ndarray, list | None]:
    """The matrix, and the labels indexing it when the inputs were labels rather than indices."""
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if labels is None and (_is_index(t) and _is_index(p) or t.ndim == 2 and p.ndim == 2):
        t, p = _labels(t, "y_true"), _labels(p, "y_pred")
        if t.shape != p.shape:
            raise DataError(f"y_true has {t.shape[0]} samples; y_pred has {p.shape[0]}")
        K = int(max(t.max(initial=-1), p.max(initial=-1))) + 1 if n_classes is None else int(n_classes)
        if t.size and (t.min() < 0 or p.min() < 0 or max(t.max(), p.max()) >= K):
            raise DataError(f"class labels must lie in 0 … {K - 1}; got y_true in {t.min()} … {t.max()}, "
                            f"y_pred in {p.min()} … {p.max()}")
        C = np.zeros((K, K), dtype=np.int64)
        np.add.at(C, (t, p), 1)
        return C, None
    t, p = t.reshape(-1) if t.ndim <= 1 else t, p.reshape(-1) if p.ndim <= 1 else p
    if t.ndim != 1 or p.ndim != 1:
        raise DataError("with labels, y_true and y_pred must be 1-D arrays of labels; "
                        f"got shapes {t.shape} and {p.shape}")
    if t.shape != p.shape:
        raise DataError(f"y_true has {t.shape[0]} samples; y_pred has {p.shape[0]}")
    if labels is None:
        try:
            labels = sorted(set(t.tolist()) | set(p.tolist()))
        except TypeError as err:
            raise DataError("y_true and y_pred mix labels that cannot be sorted (such as numbers and strings); "
                            "give labels=[...] in the order you want") from err
    else:
        labels = list(np.asarray(labels, dtype=object).reshape(-1).tolist())
        if not labels or len(set(labels)) != len(labels):
            raise DataError(f"labels must be a non-empty list of distinct class labels; got {labels!r}")
    index = {label: i for i, label in enumerate(labels)}
    ti = np.array([index.get(v, -1) for v in t.tolist()], dtype=np.int64)
    pi = np.array([index.get(v, -1) for v in p.tolist()], dtype=np.int64)
    keep = (ti >= 0) & (pi >= 0)
    C = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(C, (ti[keep], pi[keep]), 1)
    return C, labels


def plot_confusion_matrix(y_true, y_pred, class_names=None, normalize: bool = False, ax=None,
                          title: str | None = None, path=None, labels=None):
    """The confusion matrix as a heat map, with the count written in every cell.

    Parameters
    ----------
    y_true, y_pred : arrays
        Class indices, one-hot targets / network outputs (n, K), or labels of any kind
        (such as the strings a scikit-learn estimator predicts), shown in sorted order.
    class_names : sequence of str, optional
        Names shown on the axes (default: the labels, or the indices).
    normalize : bool
        Colour by the fraction of each true class (rows sum to 1); the cells still show
        the counts, with the percentage below.
    path : str or Path, optional
    labels : sequence, optional
        The classes and their order, as scikit-learn's ``labels=`` (samples with other
        labels are left out).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_classes = None if class_names is None or labels is not None else len(class_names)
    C, found = _confusion(y_true, y_pred, n_classes, labels)
    K = C.shape[0]
    if class_names is not None and len(class_names) != K:
        raise DataError(f"class_names has {len(class_names)} names for {K} classes {found if found else ''}".rstrip())
    names = [str(c) for c in (class_names if class_names is not None else found if found is not None else range(K))]
    fig, ax = figure_and_axes(ax, figsize=(1.0 + 0.55 * max(K, 4), 0.6 + 0.55 * max(K, 4)))
    rows = C.sum(axis=1, keepdims=True)
    shade = C / np.maximum(rows, 1) if normalize else C
    image = ax.imshow(shade, cmap="Blues", vmin=0, vmax=1 if normalize else max(int(C.max()), 1))
    threshold = (1 if normalize else max(int(C.max()), 1)) / 2
    for i in range(K):
        for j in range(K):
            text = f"{C[i, j]}" + (f"\n{shade[i, j]:.0%}" if normalize else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=9 if K <= 10 else 7,
                    color="white" if shade[i, j] > threshold else "black")
    ax.set_xticks(range(K), names)
    ax.set_yticks(range(K), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    total = int(C.sum())
    accuracy = np.trace(C) / total if total else 0.0
    ax.set_title(title if title is not None else f"Confusion matrix: {np.trace(C)} of {total} right ({accuracy:.1%})")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="fraction of the true class" if normalize else "count")
    return finish(fig, path)
