"""The fit loop: epochs of shuffled mini-batches, validation, history and callbacks.

One epoch visits every training sample once, in mini-batches of ``batch_size`` taken
in a fresh random order (a permutation of the *indices*, drawn from the network's
Generator: the data itself is never copied, each batch is gathered into a buffer
allocated once). For each batch::

    out = forward(X_batch)                 # training mode (dropout on)
    E   = loss(out, y_batch)               # + the L2 penalty when network.l2 > 0
    backward()                             # ∂E/∂θ for every parameter, in flat_grads
    optimizer.step(flat_params, flat_grads)

The epoch's ``loss`` is the mean of the batch losses weighted by batch size (as
scikit-learn's ``loss_curve_``); ``accuracy`` is counted on the same batches. With
validation data, ``val_loss``/``val_accuracy`` are computed after the epoch in
evaluation mode. Everything goes into a :class:`History`.

Training stops early when a callback asks (:class:`EarlyStopping`), when you press
Ctrl-C (after the current batch, weights kept, ``history.interrupted``), or when the
loss becomes NaN/inf: then the weights of the last epoch that ended well are put
back and :class:`~glassnet.errors.DivergenceError` says so (its ``history`` holds
what was recorded).

>>> import numpy as np
>>> from glassnet import Network, Dense
>>> from glassnet.training import fit
>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float); y = np.array([0, 1, 1, 1.0])
>>> net = Network([Dense(1, "sigmoid")], loss="binary_crossentropy", input_shape=2, seed=0)
>>> history = fit(net, X, y, epochs=50, batch_size=4, optimizer="sgd", learning_rate=1.0, verbose=0)
>>> history.history["accuracy"][-1]
1.0
"""

from __future__ import annotations

import math
import signal
import sys
import threading
from typing import Sequence

import numpy as np

from . import optimizers as _optimizers
from .callbacks import (Callback, EarlyStopping, LearningRateScheduler, ProgressBar, _CallbackList,  # noqa: F401
                        restore, snapshot)
from .errors import ConfigError, DataError, DivergenceError

__all__ = ["fit", "evaluate", "History", "Callback", "EarlyStopping", "LearningRateScheduler", "ProgressBar"]


# ---------------------------------------------------------------- history (the callbacks are in callbacks.py)


class History:
    """What happened during :func:`fit`.

    Attributes
    ----------
    history : dict of lists
        Per completed epoch: ``loss`` (and ``accuracy`` for classification), ``val_loss``
        and ``val_accuracy`` with validation data, ``lr``.
    epoch : list of int
    interrupted : bool
        Ctrl-C (or a ``KeyboardInterrupt`` from a callback) stopped training; weights kept.
    diverged : bool
        The loss became NaN/inf; the last good weights were restored.
    stopped_epoch, best_epoch : int or None
        Set by :class:`EarlyStopping`.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.interrupted = False
        self.diverged = False
        self.stopped_epoch: int | None = None
        self.best_epoch: int | None = None

    def _append(self, epoch: int, logs: dict) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def _repr_html_(self) -> str:
        """Jupyter: the learning curves."""
        from .plot.notebook import history_to_html
        return history_to_html(self)

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items())
        flags = "".join(f", {f}=True" for f in ("interrupted", "diverged") if getattr(self, f))
        return f"History(epochs={len(self.epoch)}{', ' + last if last else ''}{flags})"


# ---------------------------------------------------------------- data


def _targets(network, y, n: int) -> np.ndarray:
    """Targets as the network's output needs them (class labels are one-hot encoded by
    :meth:`Network._check_target`, the conversion every entry point shares)."""
    y = np.asarray(y)
    if y.ndim >= 1 and y.shape[0] != n:
        raise DataError(f"y has {y.shape[0]} rows (y.shape = {y.shape}); X has {n} samples: give one target per sample")
    return network._check_target(y, n)


def _class_labels(network, y: np.ndarray) -> np.ndarray | None:
    """Per-sample class labels for accuracy (None when the loss is not a cross-entropy)."""
    if network.loss.name == "categorical_crossentropy":
        return y.argmax(axis=1)
    if network.loss.name == "binary_crossentropy":
        return y > 0.5
    return None


def _class_sample_weights(network, y: np.ndarray, class_weight) -> np.ndarray:
    """Each sample's weight from its class: ``class_weight[label]`` (float64, shape ``(n,)``).

    The class of a sample is its label: the index of the 1 of a one-hot row (softmax +
    categorical cross-entropy) or the 0/1 target of a single sigmoid output.
    """
    name = network.loss.name
    if name == "categorical_crossentropy":
        labels = y.argmax(axis=1)
        if not _is_one_hot(y, labels):
            raise DataError("class_weight needs one class per sample: give class labels or one-hot targets "
                            "(these targets are probabilities); or weigh samples with sample_weight")
        n_classes = y.shape[1]
    elif name == "binary_crossentropy" and y.shape[1:] == (1,):
        if not np.all((y == 0) | (y == 1)):
            raise DataError("class_weight needs targets that are 0 or 1; these are probabilities: "
                            "weigh samples with sample_weight instead")
        labels, n_classes = y[:, 0].astype(np.intp), 2
    else:
        raise ConfigError(f"class_weight is for classifiers (softmax + categorical_crossentropy, or one sigmoid "
                          f"output + binary_crossentropy); this network has loss {name!r} and outputs of shape "
                          f"{network.output_shape}: use sample_weight")
    counts = np.bincount(labels, minlength=n_classes)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ConfigError(f"class_weight must be a dict {{class: weight}} or 'balanced'; got {class_weight!r}")
        per_class = np.zeros(n_classes)
        present = counts > 0
        per_class[present] = labels.shape[0] / (np.count_nonzero(present) * counts[present])
    elif isinstance(class_weight, dict):
        per_class = np.ones(n_classes)
        for c, w in class_weight.items():
            if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not 0 <= c < n_classes:
                raise ConfigError(f"class_weight has the key {c!r}; classes are the integers 0 to {n_classes - 1}")
            if isinstance(w, bool) or not isinstance(w, (int, float, np.integer, np.floating)) \
                    or not 0 <= float(w) < np.inf:
                raise ConfigError(f"class_weight[{c!r}] must be a finite number >= 0; got {w!r}")
            per_class[int(c)] = float(w)
    else:
        raise ConfigError(f"class_weight must be a dict {{class: weight}} or 'balanced'; "
                          f"got {type(class_weight).__name__}")
    return per_class[labels]


def _trains_on_labels(network, y: np.ndarray, labels: np.ndarray | None, sw) -> bool:
    """Whether training can use the class labels in place of the targets: a fused softmax +
    categorical cross-entropy, no sample weights and targets that are exactly one-hot
    (``fit`` then gathers and reads one index per sample instead of K targets)."""
    if labels is None or labels.dtype == bool or sw is not None or not network._fused():
        return False
    return _is_one_hot(y, labels)


def _is_one_hot(y: np.ndarray, labels: np.ndarray) -> bool:
    """Whether each row of ``y`` is one-hot at ``labels`` (its argmax): one nonzero per row, and it
    is 1 (no n × K temporary)."""
    return np.count_nonzero(y) == y.shape[0] and bool(np.all(y[np.arange(y.shape[0]), labels] == 1))


def _correct(out: np.ndarray, labels: np.ndarray) -> float:
    """How many samples are classified right (for several sigmoid outputs: the fraction of outputs)."""
    if labels.dtype == bool:
        return float(((out > 0.5) == labels).mean(axis=tuple(range(1, out.ndim))).sum())
    return float(np.count_nonzero(out.argmax(axis=1) == labels))


def _data_loss(network, out: np.ndarray, y: np.ndarray, sw) -> float:
    """The loss without the L2 penalty (the penalty is added once per data set by :func:`evaluate`)."""
    if network._fused():
        return network.loss.value_from_net(network.layers[-1].net, y, sw)
    return network.loss.value(out, y, sw)


def _evaluate(network, X, y, labels, sw, batch_size: int) -> dict:
    n = X.shape[0]
    total, correct = 0.0, 0.0
    weight = float(np.sum(sw)) if sw is not None else float(n)
    for lo in range(0, n, batch_size):
        hi = min(lo + batch_size, n)
        out = network._forward(X[lo:hi], training=False)
        wb = sw[lo:hi] if sw is not None else None
        total += _data_loss(network, out, y[lo:hi], wb) * (float(np.sum(wb)) if wb is not None else hi - lo)
        if labels is not None:
            correct += _correct(out, labels[lo:hi])
    logs = {"loss": total / weight}
    if network.l2:
        logs["loss"] += 0.5 * network.l2 / weight * sum(float(np.vdot(W, W)) for W in network._kernels())
    if labels is not None:
        logs["accuracy"] = correct / n
    return logs


def evaluate(network, X, y, batch_size: int = 1024, sample_weight=None) -> dict[str, float]:
    """The loss (with the L2 penalty, if any) and, for classification, the accuracy on ``(X, y)``.

    Computed in evaluation mode (dropout off), in batches of ``batch_size``.

    >>> import numpy as np
    >>> from glassnet import Network, Dense
    >>> net = Network([Dense(2, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    >>> sorted(evaluate(net, np.eye(2), np.array([0, 1])))
    ['accuracy', 'loss']
    """
    X = network._check_input(X)
    y = _targets(network, y, X.shape[0])
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).reshape(-1)
    return _evaluate(network, X, y, _class_labels(network, y), sw, _positive_int(batch_size, "batch_size"))


def _skip_data_gradient(network) -> list:
    """Turn off ``∂E/∂x`` in the lowest layers up to the first one with parameters.

    There ``∂E/∂x`` is ``∂E/∂data``, which training never uses (PyTorch does not compute
    it either). Returns the layers changed, to be switched back after training.
    """
    skipped = []
    for layer in network.layers:
        if getattr(layer, "needs_input_grad", False):
            layer.needs_input_grad = False
            skipped.append(layer)
        if layer.params:
            break
    return skipped


def _in_notebook() -> bool:
    """Whether standard output is a Jupyter kernel's (not a terminal, but someone is watching)."""
    return type(sys.stdout).__module__.split(".")[0] == "ipykernel"


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


# ---------------------------------------------------------------- the loop


def fit(network, X, y, *, epochs: int = 10, batch_size: int = 32, optimizer="adam",
        learning_rate: float | None = None, shuffle: bool = True, validation_split: float = 0.0,
        validation_data: tuple | None = None, sample_weight=None, class_weight=None,
        callbacks: Callback | Sequence[Callback] = (), schedule=None, verbose: int | str = "auto") -> History:
    """Train ``network`` on ``(X, y)`` with mini-batches; return the :class:`History`.

    Parameters
    ----------
    network : Network
    X, y : arrays
        Samples (batch-first) and targets. For a softmax output with categorical
        cross-entropy, ``y`` may be integer class labels (one-hot encoded here).
    epochs, batch_size : int
    optimizer : name or Optimizer, default "adam"
        A name gets a fresh optimizer with ``learning_rate`` (or its default). An
        Optimizer instance keeps its state (momentum, moments) across calls.
    shuffle : bool
        A new order of the training samples every epoch, from ``network.rng``.
    validation_split : float in [0, 1)
        Hold out this fraction of the samples — the *last* ones, before shuffling, as
        Keras does — for ``val_loss`` (and ``val_accuracy``).
    validation_data : (X_val, y_val) or (X_val, y_val, sample_weight_val), optional
    sample_weight : array of shape (n,), optional
    class_weight : dict {class: weight} or "balanced", optional
        Classification only (Keras' and scikit-learn's argument): each training sample
        is weighted by the weight of its class, times its ``sample_weight`` if given.
        Classes not in the dict weigh 1. ``"balanced"`` is scikit-learn's
        ``n_samples / (n_classes · count(class))``, over the training samples.
    callbacks : Callback or list of Callback
        For example ``[EarlyStopping(patience=5)]``.
    schedule : Schedule or ReduceLROnPlateau, optional
        The learning rate per epoch (see :mod:`glassnet.optimizers`).
    verbose : 0, 1, 2 or "auto"
        0 silent; 1 a progress bar when standard output is a terminal, one line per epoch
        in a Jupyter notebook, nothing otherwise (a log file stays clean); 2 one line per
        epoch; "auto" is 1.

    Raises
    ------
    DivergenceError
        The loss became NaN or infinite. The weights from the end of the last good
        epoch are restored first; ``error.history`` has the epochs before.
    """
    epochs, batch_size = _positive_int(epochs, "epochs"), _positive_int(batch_size, "batch_size")
    X = network._check_input(X)
    y = _targets(network, y, X.shape[0])
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).reshape(-1)
    if sw is not None and sw.shape[0] != X.shape[0]:
        raise DataError(f"sample_weight has {sw.shape[0]} entries; X has {X.shape[0]} samples")
    if validation_data is not None and validation_split:
        raise ConfigError("give validation_data or validation_split, not both")
    val = None
    if validation_split:
        if not isinstance(validation_split, (int, float)) or not 0 < validation_split < 1:
            raise ConfigError(f"validation_split must be a fraction in (0, 1); got {validation_split!r}")
        cut = X.shape[0] - int(round(X.shape[0] * validation_split))
        if cut < 1 or cut == X.shape[0]:
            raise DataError(f"validation_split={validation_split} of {X.shape[0]} samples leaves an empty set")
        val = (X[cut:], y[cut:], None if sw is None else sw[cut:])
        X, y, sw = X[:cut], y[:cut], None if sw is None else sw[:cut]
    elif validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ConfigError("validation_data must be (X_val, y_val) or (X_val, y_val, sample_weight_val)")
        Xv = network._check_input(validation_data[0])
        yv = _targets(network, validation_data[1], Xv.shape[0])
        swv = np.asarray(validation_data[2], dtype=np.float64).reshape(-1) if len(validation_data) == 3 else None
        val = (Xv, yv, swv)
    if class_weight is not None:                     # on the training samples only, as Keras does
        cw = _class_sample_weights(network, y, class_weight)
        sw = cw if sw is None else sw * cw

    if isinstance(optimizer, _optimizers.Optimizer):
        if learning_rate is not None:
            raise ConfigError("learning_rate was given with an Optimizer instance: set it on the optimizer")
        opt = optimizer
    else:
        opt = _optimizers.get(optimizer, **({} if learning_rate is None else {"lr": learning_rate}))

    n = X.shape[0]
    steps = -(-n // batch_size)
    labels = _class_labels(network, y)
    by_label = _trains_on_labels(network, y, labels, sw)
    val_labels = None if val is None else _class_labels(network, val[1])
    history = History()
    extra = [] if schedule is None else [LearningRateScheduler(schedule)]
    if verbose == "auto":
        verbose = 1
    terminal = verbose == 1 and sys.stdout.isatty()
    if verbose == 2 or terminal or (verbose == 1 and _in_notebook()):
        extra.append(ProgressBar(epochs, steps, "bar" if terminal else "lines"))
    if isinstance(callbacks, Callback):              # one callback, not in a list
        callbacks = [callbacks]
    try:
        callbacks = list(callbacks)
    except TypeError:
        raise ConfigError(f"callbacks must be a Callback or a list of Callback objects; "
                          f"got {type(callbacks).__name__}") from None
    cbs = _CallbackList(callbacks + extra)
    for cb in cbs.callbacks:
        if not isinstance(cb, Callback):
            raise ConfigError(f"callbacks must be glassnet.training.Callback objects; got {type(cb).__name__}")
        cb.network, cb.optimizer, cb.history, cb.stop_training = network, opt, history, False

    # Buffers for one batch, allocated once; the shuffled order is a permutation of indices.
    xbuf = np.empty((min(batch_size, n),) + X.shape[1:], dtype=X.dtype) if shuffle else None
    ybuf = np.empty((min(batch_size, n),) + y.shape[1:], dtype=y.dtype) if shuffle and not by_label else None
    lbuf = np.empty((min(batch_size, n),) + labels.shape[1:], dtype=labels.dtype) \
        if shuffle and labels is not None else None
    # Only the callbacks that look at batches are called after each batch.
    batch_hooks = [cb.on_batch_end for cb in cbs.callbacks
                   if getattr(type(cb), "on_batch_end", None) is not Callback.on_batch_end
                   or "on_batch_end" in vars(cb)]
    stop = _StopFlag()
    skipped = _skip_data_gradient(network)
    cbs.on_train_begin({})
    try:
        with stop, np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and reported below
            for epoch in range(epochs):
                good = snapshot(network)                # the last weights known to give a finite loss
                cbs.on_epoch_begin(epoch, {})
                params, grads = network.flat_params, network.flat_grads
                order = network.rng.permutation(n) if shuffle else None
                total, weight, correct = 0.0, 0.0, 0.0
                for b in range(steps):
                    lo, hi = b * batch_size, min((b + 1) * batch_size, n)
                    if shuffle:
                        idx = order[lo:hi]
                        xb = X.take(idx, axis=0, out=xbuf[:hi - lo], mode="clip")
                        yb = None if by_label else y.take(idx, axis=0, out=ybuf[:hi - lo], mode="clip")
                        lb = None if labels is None else labels.take(idx, axis=0, out=lbuf[:hi - lo], mode="clip")
                    else:
                        idx, xb, yb = slice(lo, hi), X[lo:hi], y[lo:hi]
                        lb = None if labels is None else labels[lo:hi]
                    wb = None if sw is None else sw[idx]
                    out = network._forward(xb, training=True)
                    lt = lb if by_label else None
                    loss = network._loss(out, yb, wb, lt)  # a NaN/inf anywhere in the pass shows here
                    if not math.isfinite(loss):
                        _diverged(network, good, history, opt, epoch, b, loss)
                    network._backward(out, yb, wb, lt)
                    opt.step(params, grads)
                    size = float(np.sum(wb)) if wb is not None else hi - lo
                    total += loss * size
                    weight += size
                    if lb is not None:
                        correct += _correct(out, lb)
                    for hook in batch_hooks:
                        hook(b, {"loss": loss, "size": hi - lo})
                    if stop.requested:
                        raise KeyboardInterrupt
                if not np.isfinite(params).all():
                    _diverged(network, good, history, opt, epoch, steps - 1, math.nan)
                logs = {"loss": total / weight}
                if labels is not None:
                    logs["accuracy"] = correct / n
                if val is not None:
                    vlogs = _evaluate(network, val[0], val[1], val_labels, val[2], max(batch_size, 1024))
                    if not math.isfinite(vlogs["loss"]):
                        _diverged(network, good, history, opt, epoch, steps - 1, vlogs["loss"])
                    logs.update({f"val_{k}": v for k, v in vlogs.items()})
                logs["lr"] = opt.lr
                history._append(epoch, logs)
                cbs.on_epoch_end(epoch, logs)
                if cbs.stop_training:
                    break
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        for layer in skipped:
            layer.needs_input_grad = True
        cbs.on_train_end({"interrupted": history.interrupted, "diverged": history.diverged})
    return history


def _diverged(network, good, history: History, opt, epoch: int, batch: int, loss: float) -> None:
    restore(network, good)
    history.diverged = True
    where = f"the end of epoch {epoch}" if epoch else "the start of training"
    err = DivergenceError(
        f"training diverged in epoch {epoch + 1}, batch {batch + 1}: the loss became {loss}. "
        f"The weights from {where} (the last good ones) were put back. "
        f"Lower the learning rate (it was {opt.lr:g}; try {opt.lr / 10:g}), or clip the gradients "
        "(e.g. Adam(clip_norm=1.0)), or standardise the inputs.")
    err.history = history
    raise err


class _StopFlag:
    """While active, the first Ctrl-C asks training to stop after the current batch; a
    second one interrupts at once. Only in the main thread (signals go there)."""

    def __init__(self):
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False
