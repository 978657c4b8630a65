"""Loss functions: value, gradient and formula side by side.

A loss compares a network's output ``out`` with the ``target``. Each loss here is
written per sample — ``per_sample(out, target)`` gives one number per row and
``grad(out, target)`` its derivative ``∂L_i/∂out_i`` — and the batch loss is their
(weighted) mean over the rows::

    E = Σ_i w_i L_i / Σ_i w_i        ∂E/∂out_i = w_i ∂L_i/∂out_i / Σ_i w_i

(w_i = 1 unless sample weights are given). For one sample, as in the seed example,
``total_error`` is exactly the textbook ``E_total = Σ_k ½ (target_k − out_k)²``.

Cross-entropy after the matching output activation (softmax for categorical, sigmoid
for binary) is *fused*: the product of the loss gradient and the activation's Jacobian
simplifies to ``∂L/∂net = out − target`` (derivation in :class:`Loss`), which is both
cheaper and immune to overflow; the fused value is computed from ``net`` with the
log-sum-exp trick, so it never takes the log of 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import _CONSTANTS, _constant, _rowwise_max, _rowwise_sum, exp_nonpositive
from .errors import ConfigError

Array = np.ndarray


def _floor(x: Array) -> float:
    """The smallest ``out`` a cross-entropy takes the log of or divides by.

    1e−300 in float64 and 1e−37 in float32: both normal numbers of their dtype, so
    ``ln`` and ``1/out`` stay finite (a float64 floor would round to 0 in float32).
    """
    return 1e-37 if x.dtype == np.float32 else 1e-300


@dataclass(frozen=True, eq=False)
class Loss:
    """A loss ``L(out, target)`` with its gradient and formulas.

    Parameters
    ----------
    name : str
    per_sample : callable ``(out, target) -> (n,)``
    grad : callable ``(out, target) -> (n, K)``, the derivative ``∂L_i/∂out_i``
    formula, derivative_formula : str
        Plain text, per output ``k``, in the names ``out`` and ``target``.
    latex, derivative_latex : str
    fused_with : str or None
        The name of the output activation this loss fuses with. With it:
        ``∂L/∂net = out − target`` per sample. For softmax + categorical
        cross-entropy, ``∂L/∂net_j = Σ_k (−t_k/o_k) o_k([k=j] − o_j) = o_j Σ_k t_k − t_j
        = o_j − t_j`` when the targets of a row sum to one; for sigmoid + binary
        cross-entropy, ``(−t/o + (1−t)/(1−o)) · o(1−o) = o − t``, divided by K because
        that loss averages over the K outputs.
    per_sample_from_net : callable ``(net, target) -> (n,)`` or None
        The fused loss value, computed stably from the pre-activation.
    terms : callable ``(out, target) -> (n, K)`` or None
        Each output's share of the per-sample loss, ``E_ik`` with ``Σ_k E_ik = L_i``
        (the explanation shows them as ``E_o1, E_o2, …``). The built-in losses define
        ``per_sample`` as its row sum, so the formula is written once; a loss without
        it is still trained and explained, but by its total only.
    terms_from_net : callable ``(net, target) -> (n, K)`` or None
        The same shares of the fused loss, from the pre-activation; the built-ins
        define ``per_sample_from_net`` as its row sum.
    """

    name: str
    per_sample: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    formula: str = ""
    derivative_formula: str = ""
    latex: str = ""
    derivative_latex: str = ""
    fused_with: str | None = None
    per_sample_from_net: Callable[[Array, Array], Array] | None = None
    fused_formula: str = ""
    terms: Callable[[Array, Array], Array] | None = None
    terms_from_net: Callable[[Array, Array], Array] | None = None

    # -- reductions over the batch -------------------------------------------------
    @staticmethod
    def _weights(n: int, sample_weight: Array | None) -> Array | None:
        if sample_weight is None:
            return None
        w = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        if w.shape[0] != n:
            raise ConfigError(f"sample_weight has {w.shape[0]} entries; expected one per sample ({n})")
        if not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
            raise ConfigError("sample_weight must be finite and non-negative with a positive sum; "
                              f"got min {float(w.min())!r}, sum {float(w.sum())!r}")
        return w

    def value(self, out: Array, target: Array, sample_weight: Array | None = None) -> float:
        """The batch loss ``E``: the (weighted) mean of the per-sample losses."""
        return self._reduce(self.per_sample(out, target), sample_weight)

    def value_from_net(self, net: Array, target: Array, sample_weight: Array | None = None) -> float:
        """The fused batch loss, computed from the pre-activation ``net``."""
        if self.per_sample_from_net is None:
            raise ConfigError(f"loss {self.name!r} has no fused form")
        return self._reduce(self.per_sample_from_net(net, target), sample_weight)

    def _reduce(self, per_sample: Array, sample_weight: Array | None) -> float:
        w = self._weights(per_sample.shape[0], sample_weight)
        if w is None:
            return float(per_sample.sum()) / per_sample.shape[0]
        return float((per_sample * w).sum() / w.sum())

    def sample_factors(self, n: int, sample_weight: Array | None = None) -> Array:
        """Each sample's share ``s_i`` of the batch loss ``E = Σ_i s_i L_i`` (and of its gradient):
        ``1/n``, or ``w_i / Σ_j w_j`` with sample weights (float64, shape ``(n,)``)."""
        w = self._weights(n, sample_weight)
        return np.full(n, 1.0 / n) if w is None else w / w.sum()

    def _scale(self, g: Array, sample_weight: Array | None) -> Array:
        n = g.shape[0]
        if sample_weight is None:
            g *= 1.0 / n
        else:
            g *= self.sample_factors(n, sample_weight).astype(g.dtype).reshape((n,) + (1,) * (g.ndim - 1))
        return g

    def gradient(self, out: Array, target: Array, sample_weight: Array | None = None) -> Array:
        """``∂E/∂out`` for the whole batch (the per-sample gradients, scaled by the reduction)."""
        return self._scale(np.array(self.grad(out, target), dtype=out.dtype), sample_weight)

    def fused_delta(self, out: Array, target: Array, sample_weight: Array | None = None) -> Array:
        """``∂E/∂net`` of the fused output layer: ``(out − target)``, scaled by the reduction.

        For categorical cross-entropy the exact form is ``out · Σ_k target_k − target``,
        which is ``out − target`` whenever a row of targets sums to one (one-hot labels,
        probability targets) and stays right for rows that do not.
        """
        if self.name == "categorical_crossentropy":
            g = np.multiply(out, _rowwise_sum(np.asarray(target, dtype=out.dtype)), dtype=out.dtype)
            g -= target
        else:
            g = np.subtract(out, target, dtype=out.dtype)
        if self.name == "binary_crossentropy":
            g *= 1.0 / out.shape[-1]
        return self._scale(g, sample_weight)

    def value_from_labels(self, out: Array, net: Array, labels: Array) -> float:
        """Categorical cross-entropy for one-hot targets given as class labels (the fit loop's path).

        With ``t = e_label`` the loss of a row is ``L_i = −ln out_i,label``; a row whose
        ``out_label`` underflowed is computed from ``net`` instead, as
        ``logsumexp(net_i) − net_i,label`` (:meth:`value_from_net`'s formula).
        """
        self._require_labels_form()
        rows = _arange(labels.shape[0])
        picked = out[rows, labels]
        if picked.min() >= _floor(out) * 1e7:        # no underflow: ln of a normal number
            return -float(np.log(picked).sum()) / labels.shape[0]
        onehot = np.zeros_like(out)
        onehot[rows, labels] = 1
        return self.value_from_net(net, onehot)

    def fused_delta_from_labels(self, out: Array, labels: Array, into: Array | None = None) -> Array:
        """``∂E/∂net = (out − e_label) / n`` for the fused softmax + categorical cross-entropy,
        targets given as class labels: the same numbers as :meth:`fused_delta` with one-hot
        targets, without building them."""
        self._require_labels_form()
        if into is None:
            g = out.copy()
        else:
            np.copyto(into, out)
            g = into
        g[_arange(labels.shape[0]), labels] -= 1
        g *= 1.0 / labels.shape[0]
        return g

    def _require_labels_form(self) -> None:
        if self.name != "categorical_crossentropy":
            raise ConfigError(f"loss {self.name!r} takes targets, not class labels "
                              "(only categorical_crossentropy has a class-label form)")

    def fuses(self, activation) -> bool:
        """True when this loss after ``activation`` has the simple gradient ``out − target``."""
        return self.fused_with is not None and getattr(activation, "name", None) == self.fused_with

    def __reduce__(self):
        """A registered loss pickles by its name (the built-ins hold lambdas); another one by value."""
        if _REGISTRY.get(self.name) is self:
            return (get, (self.name,))
        return object.__reduce_ex__(self, 2)

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


# ---------------------------------------------------------------- the losses


def _arange(n: int) -> Array:
    """``np.arange(n)``, kept per length with the other small constants (row indices for
    picking one entry per row)."""
    rows = _CONSTANTS.get(("arange", n))
    return _constant(("arange", n), np.arange(n)) if rows is None else rows


def _log(x: Array) -> Array:
    return np.log(np.maximum(x, _floor(x)))


def _row_sum(terms: Callable[[Array, Array], Array]) -> Callable[[Array, Array], Array]:
    """The per-sample loss ``L_i = Σ_k E_ik`` from a per-output ``terms`` function."""
    def per_sample(a: Array, target: Array) -> Array:
        t = terms(a, target)
        return _rowwise_sum(t.reshape(t.shape[0], -1))[:, 0]
    return per_sample


def _sse_terms(out: Array, target: Array) -> Array:
    return 0.5 * (target - out) ** 2


def _mse_terms(out: Array, target: Array) -> Array:
    return (target - out) ** 2 / _flat(out).shape[1]


def _bce_terms(out: Array, target: Array) -> Array:
    return -(target * _log(out) + (1 - target) * _log(1 - out)) / out.shape[-1]


def _bce_grad(out: Array, target: Array) -> Array:
    o = np.maximum(out, _floor(out))
    q = np.maximum(1 - out, _floor(out))
    return (-target / o + (1 - target) / q) / out.shape[-1]


def _bce_terms_from_net(net: Array, target: Array) -> Array:
    # −[t log σ(z) + (1−t) log(1−σ(z))] = max(z, 0) − z t + log(1 + e^−|z|)
    return (np.maximum(net, 0) - net * target + np.log1p(exp_nonpositive(-np.abs(net)))) / net.shape[-1]


def _cce_terms(out: Array, target: Array) -> Array:
    return -(target * _log(out))


def _cce_terms_from_net(net: Array, target: Array) -> Array:
    # −t_k log softmax(z)_k = t_k (logsumexp(z) − z_k)
    m = _rowwise_max(net)
    lse = m + np.log(_rowwise_sum(exp_nonpositive(net - m)))
    return target * (lse - net)


def _flat(a: Array) -> Array:
    return a.reshape(a.shape[0], -1)


_REGISTRY: dict[str, Loss] = {}


def register(loss: Loss) -> Loss:
    """Add a loss to the registry so it can be named by string."""
    if not isinstance(loss, Loss):
        raise ConfigError(f"register() takes a Loss; got {type(loss).__name__}")
    _REGISTRY[loss.name] = loss
    return loss


total_error = register(Loss(
    "total_error",
    per_sample=_row_sum(_sse_terms),
    grad=lambda out, target: out - target,
    formula="E = Σ ½ (target − out)²",
    derivative_formula="−(target − out)",
    latex=r"E = \sum \tfrac{1}{2}(\mathrm{target} - \mathrm{out})^2",
    derivative_latex=r"-(\mathrm{target} - \mathrm{out})",
    terms=_sse_terms,
))
mse = register(Loss(
    "mse",
    per_sample=_row_sum(_mse_terms),
    grad=lambda out, target: 2 * (out - target) / _flat(out).shape[1],
    formula="E = (1/K) Σ (target − out)²",
    derivative_formula="−2 (target − out) / K",
    latex=r"E = \frac{1}{K}\sum (\mathrm{target} - \mathrm{out})^2",
    derivative_latex=r"-\frac{2}{K}(\mathrm{target} - \mathrm{out})",
    terms=_mse_terms,
))
binary_crossentropy = register(Loss(
    "binary_crossentropy",
    per_sample=_row_sum(_bce_terms),
    grad=_bce_grad,
    formula="E = −(1/K) Σ [target ln(out) + (1 − target) ln(1 − out)]",
    derivative_formula="(−target/out + (1 − target)/(1 − out)) / K",
    latex=r"E = -\frac{1}{K}\sum [t \ln o + (1-t)\ln(1-o)]",
    derivative_latex=r"\frac{1}{K}\left(-\frac{t}{o} + \frac{1-t}{1-o}\right)",
    fused_with="sigmoid",
    per_sample_from_net=_row_sum(_bce_terms_from_net),
    fused_formula="(out − target) / K",
    terms=_bce_terms,
    terms_from_net=_bce_terms_from_net,
))
categorical_crossentropy = register(Loss(
    "categorical_crossentropy",
    per_sample=_row_sum(_cce_terms),
    grad=lambda out, target: -target / np.maximum(out, _floor(out)),
    formula="E = −Σ target ln(out)",
    derivative_formula="−target / out",
    latex=r"E = -\sum t \ln o",
    derivative_latex=r"-\frac{t}{o}",
    fused_with="softmax",
    per_sample_from_net=_row_sum(_cce_terms_from_net),
    fused_formula="out − target",
    terms=_cce_terms,
    terms_from_net=_cce_terms_from_net,
))

_ALIASES = {"sse": "total_error", "squared_error": "mse", "mean_squared_error": "mse",
            "bce": "binary_crossentropy", "log_loss": "categorical_crossentropy",
            "cross_entropy": "categorical_crossentropy", "crossentropy": "categorical_crossentropy",
            "cce": "categorical_crossentropy",
            # Keras' name for the same loss on integer labels; glassnet's categorical
            # cross-entropy takes class labels as well as one-hot targets.
            "sparse_categorical_crossentropy": "categorical_crossentropy"}


def get(loss: str | Loss) -> Loss:
    """Look a loss up by name; a Loss passes through."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str):
        key = loss.strip().lower().replace("-", "_")
        key = _ALIASES.get(key, key)
        if key in _REGISTRY:
            return _REGISTRY[key]
        raise ConfigError(f"unknown loss {loss!r}; valid names: {', '.join(sorted(_REGISTRY))}")
    raise ConfigError(f"loss must be a name or a Loss; got {type(loss).__name__}")


def names() -> list[str]:
    """The registered loss names."""
    return sorted(_REGISTRY)
