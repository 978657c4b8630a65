"""Learning-rate schedules: the rate for each epoch of training.

A :class:`Schedule` gives ``lr(epoch, initial_lr)`` before each epoch
(:class:`StepDecay`, :class:`ExponentialDecay`, :class:`CosineAnnealing`);
:class:`ReduceLROnPlateau` lowers the rate after epochs in which a monitored value
stopped improving. :class:`~glassnet.callbacks.LearningRateScheduler` applies either
to an optimizer during :func:`~glassnet.training.fit`. All of these are also
importable from :mod:`glassnet.optimizers`.

>>> [StepDecay(step_size=2, gamma=0.5)(epoch, 1.0) for epoch in range(5)]
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

import math

import numpy as np

from .errors import ConfigError
from .optimizers import _number

__all__ = ["Schedule", "StepDecay", "ExponentialDecay", "CosineAnnealing", "ReduceLROnPlateau"]


class Schedule:
    """A learning rate for each epoch: ``lr(epoch, initial_lr)``, epochs counted from 0.

    The fit loop sets ``optimizer.lr = schedule(epoch, optimizer.initial_lr)`` before
    each epoch (as calling ``torch.optim.lr_scheduler``'s ``step()`` once per epoch).
    """

    def __call__(self, epoch: int, initial_lr: float) -> float:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class StepDecay(Schedule):
    """``lr = initial_lr * gamma ** (epoch // step_size)``: divide by 1/gamma every ``step_size`` epochs."""

    def __init__(self, step_size: int, gamma: float = 0.1):
        if isinstance(step_size, bool) or not isinstance(step_size, (int, np.integer)) or step_size < 1:
            raise ConfigError(f"the 'step_size' parameter of StepDecay must be a positive integer; got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = _number(gamma, "gamma", "StepDecay", low_open=True)

    def __call__(self, epoch, initial_lr):
        return initial_lr * self.gamma ** (epoch // self.step_size)


class ExponentialDecay(Schedule):
    """``lr = initial_lr * gamma ** epoch``."""

    def __init__(self, gamma: float):
        self.gamma = _number(gamma, "gamma", "ExponentialDecay", low_open=True)

    def __call__(self, epoch, initial_lr):
        return initial_lr * self.gamma ** epoch


class CosineAnnealing(Schedule):
    """``lr = min_lr + (initial_lr − min_lr) · (1 + cos(π · epoch / period)) / 2``.

    Falls from ``initial_lr`` to ``min_lr`` over ``period`` epochs, then rises again
    (as ``torch.optim.lr_scheduler.CosineAnnealingLR``; Loshchilov & Hutter, "SGDR:
    Stochastic gradient descent with warm restarts", 2017).
    """

    def __init__(self, period: int, min_lr: float = 0.0):
        if isinstance(period, bool) or not isinstance(period, (int, np.integer)) or period < 1:
            raise ConfigError(f"the 'period' parameter of CosineAnnealing must be a positive integer; got {period!r}")
        self.period = int(period)
        self.min_lr = _number(min_lr, "min_lr", "CosineAnnealing")

    def __call__(self, epoch, initial_lr):
        return self.min_lr + (initial_lr - self.min_lr) * (1 + math.cos(math.pi * epoch / self.period)) / 2


class ReduceLROnPlateau:
    """Multiply the learning rate by ``factor`` when a monitored value stops improving.

    After each epoch, ``step(value, lr) -> lr``: a value counts as better than the best so
    far when ``value < best · (1 − threshold)`` (``mode="min"``) or ``value > best · (1 +
    threshold)`` (``mode="max"``); after more than ``patience`` epochs without
    improvement the rate becomes ``max(lr · factor, min_lr)``, then ``cooldown`` epochs
    pass before counting again (as ``torch.optim.lr_scheduler.ReduceLROnPlateau`` with
    ``threshold_mode="rel"``).
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, mode: str = "min", cooldown: int = 0, min_lr: float = 0.0):
        if mode not in ("min", "max"):
            raise ConfigError(f"the 'mode' parameter of ReduceLROnPlateau must be 'min' or 'max'; got {mode!r}")
        self.monitor, self.mode = monitor, mode
        self.factor = _number(factor, "factor", "ReduceLROnPlateau", high=1.0, high_open=True)
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ConfigError(f"the {name!r} parameter of ReduceLROnPlateau must be an integer >= 0; got {value!r}")
        self.patience, self.cooldown = int(patience), int(cooldown)
        self.threshold = _number(threshold, "threshold", "ReduceLROnPlateau")
        self.min_lr = _number(min_lr, "min_lr", "ReduceLROnPlateau")
        self.best = math.inf if mode == "min" else -math.inf
        self.bad_epochs = 0
        self.cooldown_left = 0

    def _better(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best * (1.0 - self.threshold)
        return value > self.best * (1.0 + self.threshold)

    def step(self, value: float, lr: float) -> float:
        """Record this epoch's ``value`` and return the learning rate for the next epoch."""
        value = float(value)
        if self._better(value):
            self.best, self.bad_epochs = value, 0
        else:
            self.bad_epochs += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad_epochs = 0                      # bad epochs in cooldown do not count
        if self.bad_epochs > self.patience:
            new = max(lr * self.factor, self.min_lr)
            if lr - new > 1e-8:
                lr = new
            self.cooldown_left, self.bad_epochs = self.cooldown, 0
        return lr

    def __repr__(self) -> str:
        return (f"ReduceLROnPlateau(monitor={self.monitor!r}, factor={self.factor}, patience={self.patience}, "
                f"mode={self.mode!r})")
