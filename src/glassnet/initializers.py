"""Weight initialisers: how a layer's parameters are filled before training.

Each initialiser is a function ``init(shape, fan_in, fan_out, rng, dtype) -> array``.
``fan_in`` is the number of inputs feeding one neuron (R for a dense layer,
``C·kh·kw`` for a convolution) and ``fan_out`` the number of neurons fed.

=================  ============================================  =========================
name               distribution                                  reference
=================  ============================================  =========================
glorot_uniform     U(−a, a), a = √(6 / (fan_in + fan_out))      Glorot & Bengio, 2010
glorot_normal      N(0, 2 / (fan_in + fan_out))                  Glorot & Bengio, 2010
he_uniform         U(−a, a), a = √(6 / fan_in)                   He et al., 2015
he_normal          N(0, 2 / fan_in)                              He et al., 2015
lecun_uniform      U(−a, a), a = √(3 / fan_in)                   LeCun et al., 1998
lecun_normal       N(0, 1 / fan_in)                              LeCun et al., 1998
zeros, ones        0, 1
constant(v)        v
an array           that array (its shape must match)
=================  ============================================  =========================

(Keras truncates its "normal" variants; these are the plain normal distributions.)
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .errors import ConfigError

Initializer = Callable[..., np.ndarray]


def _uniform(scale: Callable[[int, int], float]) -> Initializer:
    def init(shape, fan_in, fan_out, rng, dtype=np.float64):
        a = scale(fan_in, fan_out)
        return rng.uniform(-a, a, size=shape).astype(dtype, copy=False)
    return init


def _normal(var: Callable[[int, int], float]) -> Initializer:
    def init(shape, fan_in, fan_out, rng, dtype=np.float64):
        return (rng.standard_normal(size=shape) * np.sqrt(var(fan_in, fan_out))).astype(dtype, copy=False)
    return init


def constant(value: float) -> Initializer:
    """Every entry equal to ``value``."""
    if not np.isfinite(value):
        raise ConfigError(f"a constant initial value must be finite; got {value!r}")
    def init(shape, fan_in, fan_out, rng, dtype=np.float64):
        return np.full(shape, value, dtype=dtype)
    init.__name__ = f"constant({value!r})"
    return init


def from_array(array) -> Initializer:
    """The given array, checked against the parameter's shape."""
    arr = np.array(array, dtype=np.float64)

    def init(shape, fan_in, fan_out, rng, dtype=np.float64):
        if arr.shape != tuple(shape):
            raise ConfigError(f"initial values have shape {arr.shape}; the parameter needs shape {tuple(shape)}")
        if not np.all(np.isfinite(arr)):
            raise ConfigError("initial values contain NaN or inf")
        return arr.astype(dtype)
    return init


_REGISTRY: dict[str, Initializer] = {
    "glorot_uniform": _uniform(lambda i, o: np.sqrt(6.0 / (i + o))),
    "glorot_normal": _normal(lambda i, o: 2.0 / (i + o)),
    "he_uniform": _uniform(lambda i, o: np.sqrt(6.0 / i)),
    "he_normal": _normal(lambda i, o: 2.0 / i),
    "lecun_uniform": _uniform(lambda i, o: np.sqrt(3.0 / i)),
    "lecun_normal": _normal(lambda i, o: 1.0 / i),
    "zeros": constant(0.0),
    "ones": constant(1.0),
}
_ALIASES = {"xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal", "xavier": "glorot_uniform",
            "glorot": "glorot_uniform", "he": "he_normal", "kaiming_uniform": "he_uniform",
            "kaiming_normal": "he_normal", "lecun": "lecun_normal", "zero": "zeros"}


def get(init) -> Initializer:
    """An initialiser from a name, a number (constant), an array, or a callable."""
    if callable(init):
        return init
    if isinstance(init, str):
        key = init.strip().lower()
        key = _ALIASES.get(key, key)
        if key in _REGISTRY:
            return _REGISTRY[key]
        raise ConfigError(f"unknown initializer {init!r}; valid names: {', '.join(sorted(_REGISTRY))}")
    if isinstance(init, (int, float, np.integer, np.floating)) and not isinstance(init, (bool, np.bool_)):
        return constant(float(init))
    if isinstance(init, (list, tuple, np.ndarray)):
        return from_array(init)
    raise ConfigError(f"initializer must be a name, number, array or callable; got {type(init).__name__}")


def names() -> list[str]:
    return sorted(_REGISTRY)
