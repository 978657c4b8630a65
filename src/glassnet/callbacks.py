"""Callbacks: hooks that :func:`~glassnet.training.fit` calls around epochs and batches.

:class:`Callback` is the base class (override the hooks you need);
:class:`EarlyStopping` stops when a monitored value stops improving,
:class:`LearningRateScheduler` sets the learning rate from a schedule each epoch and
:class:`ProgressBar` shows progress. :func:`snapshot` and :func:`restore` copy a
network's weights and state out and back in (for the best epoch, or a resumable run).

All of these are also importable from :mod:`glassnet.training`.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from . import schedules as _schedules
from .errors import ConfigError

__all__ = ["Callback", "EarlyStopping", "LearningRateScheduler", "ProgressBar", "snapshot", "restore"]


class Callback:
    """Hooks called by :func:`~glassnet.training.fit`; override the ones you need.

    During training ``self.network``, ``self.optimizer`` and ``self.history`` are set;
    set ``self.stop_training = True`` to end training after the current epoch.
    ``logs`` holds this epoch's numbers (``loss``, ``val_loss``, ...); ``on_batch_end``
    gets the batch's ``loss`` and ``size``. Raising ``KeyboardInterrupt`` from a hook
    stops training as Ctrl-C does.
    """

    network = optimizer = history = None
    stop_training = False

    def on_train_begin(self, logs: dict) -> None: ...
    def on_train_end(self, logs: dict) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict) -> None: ...
    def on_batch_end(self, batch: int, logs: dict) -> None: ...


def snapshot(network) -> tuple[np.ndarray, list[dict[str, np.ndarray]]]:
    """A copy of every parameter and every layer's non-trained state (e.g. running means)."""
    return network._flat.copy(), [{k: v.copy() for k, v in layer.state.items()} for layer in network.layers]


def restore(network, snap) -> None:
    """Put a :func:`snapshot` back into the network (in place: views stay valid)."""
    flat, states = snap
    network._flat[...] = flat
    for layer, state in zip(network.layers, states):
        for k, v in state.items():
            layer.state[k][...] = v


def _monitored(monitor: str, logs: dict, who: str) -> float:
    if monitor not in logs:
        hint = " (give validation_data or validation_split, or monitor 'loss')" if monitor.startswith("val_") else ""
        raise ConfigError(f"{who} monitors {monitor!r} but the epoch logs have {', '.join(logs)}{hint}")
    return logs[monitor]


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights`` the network ends with the weights of its best epoch
    (unless training was interrupted or diverged: then the current weights are kept).
    ``mode`` is ``"min"``, ``"max"`` or ``"auto"`` (max for accuracies).
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = True):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 0:
            raise ConfigError(f"EarlyStopping patience must be an integer >= 0; got {patience!r}")
        if mode not in ("auto", "min", "max"):
            raise ConfigError(f"EarlyStopping mode must be 'auto', 'min' or 'max'; got {mode!r}")
        self.monitor, self.patience, self.min_delta = monitor, int(patience), abs(float(min_delta))
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self.restore_best_weights = bool(restore_best_weights)

    def on_train_begin(self, logs):
        self.best, self.best_epoch, self.best_weights, self.wait = math.inf, None, None, 0

    def on_epoch_end(self, epoch, logs):
        value = _monitored(self.monitor, logs, "EarlyStopping")
        score = value if self.mode == "min" else -value
        if score < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = score, epoch, 0
            if self.restore_best_weights:
                self.best_weights = snapshot(self.network)
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stop_training = True
                self.history.stopped_epoch = epoch
        self.history.best_epoch = self.best_epoch

    def on_train_end(self, logs):
        if (self.best_weights is not None and not self.history.interrupted and not self.history.diverged
                and self.history.epoch and self.history.epoch[-1] != self.best_epoch):
            restore(self.network, self.best_weights)


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate from a schedule each epoch (and record it as ``lr``).

    A :class:`~glassnet.schedules.Schedule` sets ``lr = schedule(epoch, initial_lr)``
    before each epoch; a :class:`~glassnet.schedules.ReduceLROnPlateau` updates it
    after each epoch from its monitored value.
    """

    def __init__(self, schedule):
        if not isinstance(schedule, (_schedules.Schedule, _schedules.ReduceLROnPlateau)):
            raise ConfigError(f"schedule must be a glassnet.optimizers Schedule or ReduceLROnPlateau; "
                              f"got {type(schedule).__name__}")
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs):
        if isinstance(self.schedule, _schedules.Schedule):
            self.optimizer.lr = float(self.schedule(epoch, self.optimizer.initial_lr))

    def on_epoch_end(self, epoch, logs):
        if isinstance(self.schedule, _schedules.ReduceLROnPlateau):
            value = _monitored(self.schedule.monitor, logs, "ReduceLROnPlateau")
            self.optimizer.lr = self.schedule.step(value, self.optimizer.lr)


class ProgressBar(Callback):
    """A rich progress bar over the batches of each epoch (``style="bar"``), or one
    printed line per epoch (``style="lines"``)."""

    def __init__(self, epochs: int, steps: int, style: str = "bar"):
        self.epochs, self.steps, self.style = epochs, steps, style
        self._progress = None

    def on_train_begin(self, logs):
        if self.style == "bar":
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeRemainingColumn(), TextColumn("{task.fields[info]}"), transient=False)
            self._progress.start()

    def on_epoch_begin(self, epoch, logs):
        if self._progress is not None:
            self._task = self._progress.add_task(f"epoch {epoch + 1}/{self.epochs}", total=self.steps, info="")

    def on_batch_end(self, batch, logs):
        if self._progress is not None:
            self._progress.update(self._task, advance=1, info=f"loss {logs['loss']:.4g}")

    def on_epoch_end(self, epoch, logs):
        info = "  ".join(f"{k} {v:.4g}" for k, v in logs.items())
        if self._progress is not None:
            self._progress.update(self._task, info=info)
        else:
            print(f"epoch {epoch + 1}/{self.epochs}  {info}", flush=True)

    def on_train_end(self, logs):
        if self._progress is not None:
            self._progress.stop()


class _CallbackList:
    def __init__(self, callbacks: Sequence[Callback]):
        self.callbacks = list(callbacks)

    def __getattr__(self, hook):
        def call(*args):
            for cb in self.callbacks:
                getattr(cb, hook)(*args)
        return call

    @property
    def stop_training(self) -> bool:
        return any(cb.stop_training for cb in self.callbacks)
