"""Declarative checks of estimator parameters, with scikit-learn's uniform message.

An estimator lists, for each parameter, the kinds of value it accepts; ``fit`` calls
:func:`validate_params`, which raises

    The 'alpha' parameter of MLPClassifier must be a float in the range [0.0, inf). Got -1 instead.

— the wording of scikit-learn's own estimators, so users and tools see the same text.

>>> class Est:
...     _parameter_constraints = {"alpha": [Interval(Real, 0, None, "left")]}
...     def __init__(self, alpha): self.alpha = alpha
>>> validate_params(Est(-1))
Traceback (most recent call last):
...
glassnet.errors.ConfigError: The 'alpha' parameter of Est must be a float in the range [0.0, inf). Got -1 instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Callable

import numpy as np

from . import activations
from .errors import ConfigError

__all__ = ["Interval", "Options", "Check", "validate_params", "MLP_CONSTRAINTS", "MLP_REGRESSOR_CONSTRAINTS"]


@dataclass(frozen=True)
class Interval:
    """A number of ``kind`` (``Real`` or ``Integral``) between ``low`` and ``high`` (None: unbounded)."""

    kind: type
    low: float | None
    high: float | None
    closed: str  # "left", "right", "both" or "neither"

    def __call__(self, v) -> bool:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, self.kind):
            return False
        if self.kind is Real and not np.isfinite(v) and (self.low is not None and self.high is not None):
            return False
        lo_ok = self.low is None or (v >= self.low if self.closed in ("left", "both") else v > self.low)
        hi_ok = self.high is None or (v <= self.high if self.closed in ("right", "both") else v < self.high)
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        real = self.kind is Real
        fmt = (lambda x: repr(float(x))) if real else (lambda x: str(int(x)))
        lo = "-inf" if self.low is None else fmt(self.low)
        hi = "inf" if self.high is None else fmt(self.high)
        left = "[" if self.closed in ("left", "both") and self.low is not None else "("
        right = "]" if self.closed in ("right", "both") and self.high is not None else ")"
        return f"{'a float' if real else 'an int'} in the range {left}{lo}, {hi}{right}"


@dataclass(frozen=True)
class Options:
    """One of a few values (``{'adam', 'sgd'}``)."""

    values: frozenset

    def __call__(self, v) -> bool:
        try:
            return v in self.values
        except TypeError:
            return False

    def __str__(self) -> str:
        items = sorted(self.values, key=str)
        if all(isinstance(x, str) for x in items):
            return f"a str among {{{', '.join(repr(x) for x in items)}}}"
        return f"one of {{{', '.join(repr(x) for x in items)}}}"


@dataclass(frozen=True)
class Check:
    """Any other test, with the words that describe what passes it."""

    test: Callable[[Any], bool]
    text: str

    def __call__(self, v) -> bool:
        try:
            return bool(self.test(v))
        except (TypeError, ValueError):
            return False

    def __str__(self) -> str:
        return self.text


def validate_params(estimator) -> None:
    """Check every parameter of ``estimator`` against its ``_parameter_constraints``.

    Raises
    ------
    ConfigError
        (a ``ValueError``) with scikit-learn's message, naming the parameter, what it
        may be and what it was.
    """
    for name, constraints in type(estimator)._parameter_constraints.items():
        value = getattr(estimator, name)
        if not any(c(value) for c in constraints):
            texts = [str(c) for c in constraints]
            expected = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]
            raise ConfigError(f"The {name!r} parameter of {type(estimator).__name__} must be {expected}. "
                              f"Got {value!r} instead.")


# ---------------------------------------------------------------- the multi-layer perceptrons' table


def _is_sizes(v) -> bool:
    if isinstance(v, (bool, np.bool_, str)):
        return False
    if isinstance(v, Integral):
        return v >= 1
    return all(isinstance(s, Integral) and not isinstance(s, (bool, np.bool_)) and s >= 1 for s in v)


def _trainable_activation(name) -> bool:
    try:
        return isinstance(name, str) and activations.get(name).differentiable
    except ConfigError:
        return False


def _is_activation(v) -> bool:
    if isinstance(v, str):
        return _trainable_activation(v)
    return isinstance(v, (list, tuple)) and all(_trainable_activation(a) for a in v)


_BOOL = Check(lambda v: isinstance(v, (bool, np.bool_)), "an instance of 'bool'")
_UNIT_OPEN = Interval(Real, 0, 1, "left")

#: scikit-learn's ``BaseMultilayerPerceptron._parameter_constraints``, with glassnet's
#: activations and solvers, no ``lbfgs``/``max_fun``, and ``dtype``
MLP_CONSTRAINTS: dict[str, list] = {
    "hidden_layer_sizes": [Check(_is_sizes, "an int in the range [1, inf) or an array-like of them")],
    "activation": [Check(_is_activation, "a str among {'identity', 'logistic', 'tanh', 'relu'} or another "
                         "trainable glassnet activation (glassnet.activations.names()), or a list of them, "
                         "one per hidden layer")],
    "solver": [Options(frozenset({"adam", "sgd", "rmsprop", "adamw"}))],
    "alpha": [Interval(Real, 0, None, "left")],
    "batch_size": [Options(frozenset({"auto"})), Interval(Integral, 1, None, "left")],
    "learning_rate": [Options(frozenset({"constant", "invscaling", "adaptive"}))],
    "learning_rate_init": [Interval(Real, 0, None, "neither")],
    "power_t": [Interval(Real, 0, None, "left")],
    "max_iter": [Interval(Integral, 1, None, "left")],
    "shuffle": [_BOOL],
    "random_state": [Interval(Integral, 0, 2**32 - 1, "both"),
                     Check(lambda v: isinstance(v, (np.random.RandomState, np.random.Generator)),
                           "an instance of 'numpy.random.RandomState' or 'numpy.random.Generator'"),
                     Check(lambda v: v is None, "None")],
    "tol": [Interval(Real, 0, None, "left")],
    "verbose": [Interval(Integral, 0, None, "left"), _BOOL],
    "warm_start": [_BOOL],
    "momentum": [Interval(Real, 0, 1, "both")],
    "nesterovs_momentum": [_BOOL],
    "early_stopping": [_BOOL],
    "validation_fraction": [_UNIT_OPEN],
    "beta_1": [_UNIT_OPEN],
    "beta_2": [_UNIT_OPEN],
    "epsilon": [Interval(Real, 0, None, "neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, "left"), Options(frozenset({np.inf}))],
    "dtype": [Options(frozenset({"float64", "float32"}))],
}

MLP_REGRESSOR_CONSTRAINTS: dict[str, list] = {**MLP_CONSTRAINTS,
                                              "loss": [Options(frozenset({"squared_error", "mse"}))]}
