"""Activation (transfer) functions: value, derivative and formula side by side.

A neuron computes its *net input* ``net = w·x + b`` and then its output
``out = f(net)``. Each activation below keeps together

* ``value(net) -> out``: the function itself;
* ``derivative(net, out) -> f'(net)``: its derivative, element by element, written
  in whichever of ``net`` or ``out`` is cheaper (the sigmoid's is ``out (1 − out)``);
* ``formula`` / ``derivative_formula``: the same two in plain text, written with the
  names ``net`` and ``out`` so that the explanation can put numbers in their place;
* ``latex`` / ``derivative_latex``: the same for Markdown/LaTeX renderers.

The built-in activations can also write their value into a given array
(``apply(net, into=buffer)``, ``vjp(..., into=buffer)``): layers use this in training
to reuse the same buffers batch after batch instead of allocating new ones.

Softmax is not element-wise: its Jacobian couples the outputs of a layer, so it
overrides :meth:`Activation.vjp` (the vector–Jacobian product used by backpropagation).

The hard limits ``hardlim`` and ``hardlims`` are the perceptron's transfer functions.
Their derivative is zero almost everywhere, so gradient descent can't train through
them: they are marked ``differentiable=False`` and a network refuses them.

Your own activation works everywhere a built-in one does (training, gradient
checks, explanations, model files once registered)::

    >>> import numpy as np
    >>> from glassnet.activations import Activation, sigmoid
    >>> swish = Activation(
    ...     "swish",
    ...     value=lambda net: net * sigmoid(net),
    ...     derivative=lambda net, out: out + sigmoid(net) * (1 - out),
    ...     formula="out = net · σ(net)",
    ...     derivative_formula="out + σ(net) · (1 − out)",
    ... )
    >>> float(swish(np.array([1.0]))[0])  # doctest: +ELLIPSIS
    0.7310585...
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .errors import ConfigError

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Activation:
    """An activation function ``out = f(net)`` with its derivative and formulas.

    Parameters
    ----------
    name : str
        The registry name (``"sigmoid"``).
    value : callable ``(net) -> out``
    derivative : callable ``(net, out) -> f'(net)`` or None
        Element-wise derivative. ``None`` (or ``differentiable=False``) for functions
        gradient descent cannot train through.
    formula, derivative_formula : str
        Plain-text formulas in the names ``net`` and ``out``.
    latex, derivative_latex : str
        LaTeX forms of the same.
    differentiable : bool
        False for the hard limits.
    value_into : callable ``(net, into) -> into``, optional
        The same function, writing its result into the array ``into`` (no allocation).
    """

    name: str
    value: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array] | None = None
    formula: str = ""
    derivative_formula: str = ""
    latex: str = ""
    derivative_latex: str = ""
    differentiable: bool = True
    elementwise: bool = True
    params: dict = field(default_factory=dict)
    value_into: Callable[[Array, Array], Array] | None = None

    def __call__(self, net: Array) -> Array:
        return self.value(net)

    def apply(self, net: Array, into: Array | None = None) -> Array:
        """``out = f(net)``, written into the array ``into`` when given and ``value_into`` exists."""
        if into is not None and self.value_into is not None:
            return self.value_into(net, into)
        return self.value(net)

    def vjp(self, net: Array, out: Array, dout: Array, into: Array | None = None) -> Array:
        """Backpropagate through the activation: ``∂E/∂net = ∂E/∂out ⊙ f'(net)``.

        Written into ``into`` when given (and the derivative has its dtype and shape).
        """
        if self.derivative is None:
            raise ConfigError(f"activation {self.name!r} has no derivative; it cannot be trained by backpropagation")
        d = self.derivative(net, out)
        if into is not None and d.dtype == into.dtype and d.shape == into.shape:
            return np.multiply(dout, d, out=into)
        return dout * d

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Activation({self.name!r}{extra})"

    # An activation is immutable: a copy is the activation itself (as for a function).
    def __copy__(self) -> "Activation":
        return self

    def __deepcopy__(self, memo: dict) -> "Activation":
        return self

    def __reduce__(self):
        """Pickle by name: a built-in as its name, a parametric one as name + params, both rebuilt
        from the registry when unpickled; any other activation by value (its functions must then be
        importable module-level functions, not lambdas)."""
        if self.name in _BUILTIN and _REGISTRY.get(self.name) is self:
            return (get, (self.name,))
        spec = to_config(self)
        if isinstance(spec, dict):
            return (get, (spec,))
        import pickle
        state = {f: getattr(self, f) for f in self.__dataclass_fields__}
        for f, v in state.items():
            if callable(v):
                try:
                    pickle.dumps(v)
                except Exception as exc:  # noqa: BLE001 — lambdas, closures, local functions
                    raise pickle.PicklingError(
                        f"cannot pickle activation {self.name!r}: its {f} {getattr(v, '__qualname__', v)!r} cannot "
                        f"be pickled ({exc}); define it as a module-level function (not a lambda or a nested "
                        "function), or save the network with glassnet.io.save instead") from None
        return (_rebuild, (type(self), state))


def _rebuild(cls: type, state: dict) -> Activation:
    """Unpickle a user-defined activation from its fields."""
    obj = object.__new__(cls)
    for k, v in state.items():
        object.__setattr__(obj, k, v)
    return obj


# ---------------------------------------------------------------- the functions


#: per float dtype, the x below which e^x comes within a factor e of the smallest normal number
_EXP_FLOOR = {np.dtype(t).char: float(np.log(np.finfo(t).tiny) + 1) for t in (np.float16, np.float32, np.float64)}


def exp_nonpositive(x: Array) -> Array:
    """``e^x`` for ``x ≤ 0``, without a floating-point underflow.

    Where ``e^x`` would come within a factor e of the smallest normal number of the
    dtype or below it (x < −707 in float64, x < −86 in float32) the result is set to 0
    directly instead of underflowing (an absolute change below 1e−307, resp. 4e−38), so
    σ(−1e4) stays quiet even under ``np.errstate(all="raise")``. NaN stays NaN.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    floor = _EXP_FLOOR.get(x.dtype.char)
    small = x < (np.log(np.finfo(x.dtype).tiny) + 1 if floor is None else floor)
    if small.any():
        return np.exp(x, out=np.zeros_like(x), where=~small)
    return np.exp(x)


_expit = None


def _sigmoid(net: Array, out: Array | None = None) -> Array:
    """``1 / (1 + e^−net)`` in one pass: SciPy's ``expit``, which never overflows or underflows.

    (SciPy is imported on the first call: it would slow down ``import glassnet``.)
    """
    global _expit
    if _expit is None:
        from scipy.special import expit as _expit
    return _expit(net, out=out)


def _softplus(net: Array) -> Array:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
    return np.maximum(net, 0) + np.log1p(exp_nonpositive(-np.abs(net)))


def _rowwise_max(x: Array) -> Array:
    """``x.max(axis=-1, keepdims=True)``: each row's largest entry, picked by its ``argmax``.

    (The same numbers; for short rows such as a softmax's ten outputs, picking is about
    three times faster than NumPy's reduction along the last axis.)
    """
    k = x.shape[-1]
    flat = x.reshape(-1)
    i = x.reshape(-1, k).argmax(axis=1)
    starts = _CONSTANTS.get(("starts", flat.size, k))
    if starts is None:
        starts = _constant(("starts", flat.size, k), np.arange(0, flat.size, k))
    i += starts
    return flat[i].reshape(x.shape[:-1] + (1,))


def _rowwise_sum(x: Array) -> Array:
    """``Σ_k x[..., k]`` with the last axis kept (``x @ 1``: a matrix–vector product, faster
    than NumPy's reduction along a short last axis)."""
    ones = _CONSTANTS.get(("ones", x.shape[-1], x.dtype.char))
    if ones is None:
        ones = _constant(("ones", x.shape[-1], x.dtype.char), np.ones((x.shape[-1], 1), dtype=x.dtype))
    return np.matmul(x, ones)


#: small constant arrays (row starts, columns of ones) kept per shape and dtype
_CONSTANTS: dict[tuple, Array] = {}


def _constant(key: tuple, value: Array) -> Array:
    if len(_CONSTANTS) >= 256:                       # many batch sizes seen: start again
        _CONSTANTS.clear()
    value.flags.writeable = False
    _CONSTANTS[key] = value
    return value


def _softmax(net: Array, out: Array | None = None) -> Array:
    """``e^(net − max) / Σ e^(net − max)`` along the last axis, written into ``out`` when given."""
    if net.dtype.kind != "f":
        net = net.astype(np.float64)
    z = np.subtract(net, _rowwise_max(net), out=out)
    small = z < _EXP_FLOOR.get(z.dtype.char, -np.inf)
    if small.any():                                  # as exp_nonpositive: 0 instead of an underflow
        np.exp(z, out=z, where=~small)
        z[small] = 0
    else:
        np.exp(z, out=z)
    return np.divide(z, _rowwise_sum(z), out=z)


class _Softmax(Activation):
    def vjp(self, net: Array, out: Array, dout: Array, into: Array | None = None) -> Array:
        """``∂E/∂net_k = out_k (∂E/∂out_k − Σ_j ∂E/∂out_j out_j)`` (the softmax Jacobian applied)."""
        return np.multiply(out, dout - (dout * out).sum(axis=-1, keepdims=True), out=into)


_ZEROS: dict[tuple, Array] = {}


def _relu(net: Array, into: Array | None = None) -> Array:
    """``max(net, 0)``, compared against an array of zeros as long as net's last axis (the last
    two for images) rather than the scalar 0: NumPy's vectorised loop needs both operands in
    memory, and with a scalar it falls back to one ~2–2.5× slower (10 → 4 µs on 128 × 256
    float32, 260 → 135 µs on a 128 × 8 × 26 × 26 feature map). The same numbers."""
    if not isinstance(net, np.ndarray):                   # a Python or NumPy scalar
        return np.maximum(net, 0, out=into)
    shape = net.shape[-2:] if net.ndim > 2 else net.shape[-1:]
    zeros = _ZEROS.get((shape, net.dtype))
    if zeros is None:
        zeros = _ZEROS[(shape, net.dtype)] = np.zeros(shape, dtype=net.dtype)
    return np.maximum(net, zeros, out=into)


class _ReLU(Activation):
    def vjp(self, net: Array, out: Array, dout: Array, into: Array | None = None) -> Array:
        """``∂E/∂net = ∂E/∂out ⊙ [net > 0]`` in one pass, without building an array of 0s and 1s."""
        return np.multiply(dout, net > 0, out=into)


def _leaky_value(net: Array, alpha: float) -> Array:
    return np.where(net > 0, net, alpha * net)


def _leaky_derivative(net: Array, out: Array, alpha: float) -> Array:
    return np.where(net > 0, 1.0, alpha).astype(net.dtype, copy=False)


class _Parametric(Activation):
    """An activation made by a factory of :data:`_FACTORIES` (``leaky_relu(alpha)``): it is named by
    ``{"name": ..., **params}`` in model files and pickles, and rebuilt from those."""


def leaky_relu(alpha: float = 0.01) -> Activation:
    """Leaky ReLU with slope ``alpha`` for negative inputs: ``out = net if net > 0 else alpha · net``.

    Its slope is recorded in ``params`` (``{"alpha": 0.2}``); model files and pickles store it.

    >>> leaky_relu(0.2)(np.array([-1.0, 2.0]))
    array([-0.2,  2. ])
    """
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real) or not np.isfinite(alpha):
        raise ConfigError(f"leaky_relu's alpha must be a finite number; got {alpha!r}")
    a = float(alpha)
    return _Parametric(
        "leaky_relu",
        value=functools.partial(_leaky_value, alpha=a),
        derivative=functools.partial(_leaky_derivative, alpha=a),
        formula=f"out = net if net > 0 else {a:g} · net",
        derivative_formula=f"[net > 0] + {a:g} · [net ≤ 0]",
        latex=rf"\mathrm{{out}} = \max(\mathrm{{net}}, {a:g}\,\mathrm{{net}})",
        derivative_latex=rf"[\mathrm{{net}} > 0] + {a:g}\,[\mathrm{{net}} \le 0]",
        params={"alpha": a},
    )


#: the parametric activations: name -> factory taking the params as keyword arguments
_FACTORIES: dict[str, Callable[..., Activation]] = {"leaky_relu": leaky_relu}


def _one(net: Array, out: Array) -> Array:
    return np.ones_like(net)


_REGISTRY: dict[str, Activation] = {}
#: glassnet's own names (and aliases): register() never replaces them
_BUILTIN: frozenset[str] = frozenset()
_ALIASES = {"linear": "identity", "logistic": "sigmoid", "purelin": "identity", "logsig": "sigmoid",
            "tansig": "tanh", "leakyrelu": "leaky_relu"}


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def register(activation: Activation, *, replace: bool = False) -> Activation:
    """Add an activation to the registry so it can be named by string (and saved in model files).

    A built-in name (``"sigmoid"``, ``"leaky_relu"``, …) is never replaced; another registered
    name only with ``replace=True`` (every layer that names it then gets the new one).
    """
    if not isinstance(activation, Activation):
        raise ConfigError(f"register() takes an Activation; got {type(activation).__name__}")
    name = activation.name
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"an activation's name must be a non-empty string; got {name!r}")
    if _key(name) in _BUILTIN or name in _BUILTIN:
        raise ConfigError(f"cannot register activation {name!r}: it is the name of a built-in activation, which "
                          "would change every layer that uses it; choose another name (for a parametric one such "
                          "as leaky_relu(0.2), pass the object itself: it is saved with its parameters)")
    if name in _REGISTRY and _REGISTRY[name] is not activation and not replace:
        raise ConfigError(f"cannot register activation {name!r}: that name is already registered; choose another "
                          "name, or pass replace=True to replace it (every layer naming it then uses the new one)")
    _REGISTRY[name] = activation
    return activation


identity = register(Activation(
    "identity",
    value=lambda net: net,
    derivative=_one,
    formula="out = net",
    derivative_formula="1",
    latex=r"\mathrm{out} = \mathrm{net}",
    derivative_latex="1",
))
sigmoid = register(Activation(
    "sigmoid",
    value=_sigmoid,
    derivative=lambda net, out: out * (1 - out),
    formula="out = 1 / (1 + e^(−net))",
    derivative_formula="out · (1 − out)",
    latex=r"\mathrm{out} = \frac{1}{1 + e^{-\mathrm{net}}}",
    derivative_latex=r"\mathrm{out}\,(1 - \mathrm{out})",
    value_into=_sigmoid,
))
tanh = register(Activation(
    "tanh",
    value=np.tanh,
    derivative=lambda net, out: 1 - out * out,
    formula="out = tanh(net)",
    derivative_formula="1 − out²",
    latex=r"\mathrm{out} = \tanh(\mathrm{net})",
    derivative_latex=r"1 - \mathrm{out}^2",
    value_into=lambda net, into: np.tanh(net, out=into),
))
relu = register(_ReLU(
    "relu",
    value=_relu,
    derivative=lambda net, out: (net > 0).astype(net.dtype),
    formula="out = max(0, net)",
    derivative_formula="[net > 0]",
    latex=r"\mathrm{out} = \max(0, \mathrm{net})",
    derivative_latex=r"[\mathrm{net} > 0]",
    value_into=_relu,
))
register(leaky_relu(0.01))
softplus = register(Activation(
    "softplus",
    value=_softplus,
    derivative=lambda net, out: _sigmoid(net),
    formula="out = ln(1 + e^net)",
    derivative_formula="1 / (1 + e^(−net))",
    latex=r"\mathrm{out} = \ln(1 + e^{\mathrm{net}})",
    derivative_latex=r"\frac{1}{1 + e^{-\mathrm{net}}}",
))
softmax = register(_Softmax(
    "softmax",
    value=_softmax,
    derivative=None,
    formula="out_k = e^(net_k) / Σ_j e^(net_j)",
    derivative_formula="∂out_k/∂net_j = out_k ([k = j] − out_j)",
    latex=r"\mathrm{out}_k = \frac{e^{\mathrm{net}_k}}{\sum_j e^{\mathrm{net}_j}}",
    derivative_latex=r"\frac{\partial \mathrm{out}_k}{\partial \mathrm{net}_j} = \mathrm{out}_k([k=j] - \mathrm{out}_j)",
    elementwise=False,
    value_into=_softmax,
))
hardlim = register(Activation(
    "hardlim",
    value=lambda net: (net >= 0).astype(net.dtype),
    formula="out = 1 if net ≥ 0 else 0",
    latex=r"\mathrm{out} = [\mathrm{net} \ge 0]",
    differentiable=False,
))
hardlims = register(Activation(
    "hardlims",
    value=lambda net: np.where(net >= 0, 1.0, -1.0).astype(net.dtype),
    formula="out = +1 if net ≥ 0 else −1",
    latex=r"\mathrm{out} = \operatorname{sign}(\mathrm{net})",
    differentiable=False,
))


_BUILTIN = frozenset(_REGISTRY) | frozenset(_ALIASES)


def get(activation: str | dict | Activation | None) -> Activation:
    """Look an activation up by name (``None`` means identity); an Activation passes through.

    A parametric activation is named with its parameters, as model files store it:
    ``{"name": "leaky_relu", "alpha": 0.2}``.

    >>> get("sigmoid").value(np.array([0.0]))
    array([0.5])
    >>> get({"name": "leaky_relu", "alpha": 0.2}).params
    {'alpha': 0.2}
    """
    if activation is None:
        return identity
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        key = _key(activation)
        key = _ALIASES.get(key, key)
        if key in _REGISTRY:
            return _REGISTRY[key]
        if activation in _REGISTRY:                  # a user's name with capitals
            return _REGISTRY[activation]
        raise ConfigError(f"unknown activation {activation!r}; valid names: {', '.join(sorted(_REGISTRY))}")
    if isinstance(activation, dict):
        name = activation.get("name")
        params = {k: v for k, v in activation.items() if k != "name"}
        if not isinstance(name, str):
            raise ConfigError(f"an activation given as an object needs a \"name\" string; got {activation!r}")
        key = _ALIASES.get(_key(name), _key(name))
        if key in _FACTORIES:
            try:
                return _FACTORIES[key](**params)
            except TypeError as exc:
                raise ConfigError(f"activation {name!r} cannot take parameters {params!r}: {exc}") from None
        if not params:
            return get(name)
        raise ConfigError(f"activation {name!r} takes no parameters; got {params!r} (parametric activations: "
                          f"{', '.join(sorted(_FACTORIES))})")
    raise ConfigError(f"activation must be a name or an Activation; got {type(activation).__name__}")


def to_config(activation: Activation) -> str | dict:
    """How model files name an activation: its name, or for a parametric one (made by
    :func:`leaky_relu`) its name with its parameters, ``{"name": "leaky_relu", "alpha": 0.2}``.
    :func:`get` turns either back into the activation."""
    if type(activation) is _Parametric and activation.name in _FACTORIES:
        return {"name": activation.name, **activation.params}
    return activation.name


def is_named(activation: Activation) -> bool:
    """Whether :func:`to_config` describes the activation fully, so that a model file (or another
    process) rebuilds the same function: a registered activation or a parametric built-in one."""
    spec = to_config(activation)
    return isinstance(spec, dict) or _REGISTRY.get(spec) is activation


def names() -> list[str]:
    """The registered activation names."""
    return sorted(_REGISTRY)
