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


# The initialisers are small callable objects of module-level classes and functions (not closures),
# so that a network holding them can be pickled.

def _glorot_uniform_limit(i, o):
    return np.sqrt(6.0 / (i + o))


def _glorot_normal_var(i, o):
    return 2.0 / (i + o)


def _he_uniform_limit(i, o):
    return np.sqrt(6.0 / i)


def _he_normal_var(i, o):
    return 2.0 / i


def _lecun_uniform_limit(i, o):
    return np.sqrt(3.0 / i)


def _lecun_normal_var(i, o):
    return 1.0 / i


class _Uniform:
    """``U(−a, a)`` with ``a = limit(fan_in, fan_out)``."""

    def __init__(self, name: str, limit: Callable[[int, int], float]):
        self.__name__, self.limit = name, limit

    def __call__(self, shape, fan_in, fan_out, rng, dtype=np.float64):
        a = self.limit(fan_in, fan_out)
        return rng.uniform(-a, a, size=shape).astype(dtype, copy=False)

    def __repr__(self) -> str:
        return f"initializers.get({self.__name__!r})"


class _Normal:
    """``N(0, var(fan_in, fan_out))``."""

    def __init__(self, name: str, var: Callable[[int, int], float]):
        self.__name__, self.var = name, var

    def __call__(self, shape, fan_in, fan_out, rng, dtype=np.float64):
        return (rng.standard_normal(size=shape) * np.sqrt(self.var(fan_in, fan_out))).astype(dtype, copy=False)

    def __repr__(self) -> str:
        return f"initializers.get({self.__name__!r})"


class _Constant:
    def __init__(self, value: float):
        self.value = value
        self.__name__ = f"constant({value!r})"

    def __call__(self, shape, fan_in, fan_out, rng, dtype=np.float64):
        return np.full(shape, self.value, dtype=dtype)

    def __repr__(self) -> str:
        return f"initializers.{self.__name__}"


class _FromArray:
    __name__ = "from_array"

    def __init__(self, array: np.ndarray):
        self.array = array

    def __call__(self, shape, fan_in, fan_out, rng, dtype=np.float64):
        arr = self.array
        if arr.shape != tuple(shape):
            raise ConfigError(f"initial values have shape {arr.shape}; the parameter needs shape {tuple(shape)}")
        if not np.all(np.isfinite(arr)):
            raise ConfigError("initial values contain NaN or inf")
        return arr.astype(dtype)


def constant(value: float) -> Initializer:
    """Every entry equal to ``value``."""
    if not np.isfinite(value):
        raise ConfigError(f"a constant initial value must be finite; got {value!r}")
    return _Constant(value)


def from_array(array) -> Initializer:
    """The given array, checked against the parameter's shape."""
    return _FromArray(np.array(array, dtype=np.float64))


_REGISTRY: dict[str, Initializer] = {
    "glorot_uniform": _Uniform("glorot_uniform", _glorot_uniform_limit),
    "glorot_normal": _Normal("glorot_normal", _glorot_normal_var),
    "he_uniform": _Uniform("he_uniform", _he_uniform_limit),
    "he_normal": _Normal("he_normal", _he_normal_var),
    "lecun_uniform": _Uniform("lecun_uniform", _lecun_uniform_limit),
    "lecun_normal": _Normal("lecun_normal", _lecun_normal_var),
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
