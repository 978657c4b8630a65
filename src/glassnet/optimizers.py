"""Optimizers: how a gradient becomes a change of the parameters.

Every optimizer here updates parameters *in place* from their gradients with
``step(params, grads)``. ``params`` is normally the network's one flat vector
(:attr:`Network.flat_params`) and ``grads`` its gradient (:attr:`Network.flat_grads`),
so an update is a handful of vectorised passes over one contiguous buffer; a list of
arrays works too (state is kept per array, by position). The state (momentum, moment
estimates) is allocated once, on the first step, in the parameters' dtype, and the
update runs over cache-sized chunks of the vector so that its passes stay in cache.

The optimizers follow ``torch.optim``'s update rules exactly (the tests compare
20-step trajectories), ordered by increasing complexity: :class:`SGD` (with momentum
and Nesterov), :class:`RMSprop`, :class:`Adam` and :class:`AdamW`.

Learning-rate schedules give the rate for each epoch (:class:`StepDecay`,
:class:`ExponentialDecay`, :class:`CosineAnnealing`, :class:`ReduceLROnPlateau`; they
live in :mod:`glassnet.schedules` and are importable from here too);
:func:`clip_grad_norm` rescales gradients whose global norm is too large.

>>> import numpy as np
>>> p, g = np.array([1.0, -2.0]), np.array([0.5, 0.5])
>>> SGD(lr=0.1).step(p, g)
>>> p.tolist()
[0.95, -2.05]
"""

from __future__ import annotations

import inspect
import math
from typing import Sequence

import numpy as np

from . import _memory
from .errors import ConfigError

#: elements updated per pass: small enough that a chunk of every buffer stays in cache
CHUNK = 65536


def _number(value, name: str, owner: str, low: float = 0.0, high: float = math.inf,
            low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a float in the given interval, or a ConfigError naming it."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    v = float(value) if ok else math.nan
    ok = ok and math.isfinite(v) and (v > low if low_open else v >= low) and (v < high if high_open else v <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open or high == math.inf else ']'}"
        raise ConfigError(f"the {name!r} parameter of {owner} must be a number in {interval}; got {value!r}")
    return v


def _learning_rate(lr, learning_rate, default: float, owner: str):
    """The learning rate from ``lr`` or its Keras/PyTorch spelling ``learning_rate`` (not both)."""
    if learning_rate is None:
        return default if lr is None else lr
    if lr is not None:
        raise ConfigError(f"{owner} got both lr={lr!r} and learning_rate={learning_rate!r}; they are the same "
                          "parameter (learning_rate is the Keras/PyTorch spelling of lr): give only one")
    return learning_rate


def _as_list(arrays, name: str) -> list[np.ndarray]:
    if isinstance(arrays, np.ndarray):
        return [arrays]
    arrays = list(arrays)
    if not all(isinstance(a, np.ndarray) for a in arrays):
        raise ConfigError(f"{name} must be a NumPy array or a list of arrays")
    return arrays


def clip_grad_norm(grads: np.ndarray | Sequence[np.ndarray], max_norm: float) -> float:
    """Scale ``grads`` in place so that their global L2 norm is at most ``max_norm``.

    ``norm = √(Σ g²)`` over every array together; when ``norm > max_norm`` every
    gradient is multiplied by ``max_norm / (norm + 1e-6)`` (as
    ``torch.nn.utils.clip_grad_norm_``). Returns the norm *before* clipping.
    (Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural
    networks", 2013.)
    """
    max_norm = _number(max_norm, "max_norm", "clip_grad_norm", low_open=True)
    grads = _as_list(grads, "grads")
    total = math.sqrt(sum(float(np.dot(g.reshape(-1), g.reshape(-1))) for g in grads))
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for g in grads:
            g *= coef
    return total


class Optimizer:
    """Base class: validates, clips, keeps per-parameter state and walks the chunks.

    Subclasses define ``_slots`` (the names of their state buffers) and
    ``_update(p, g, t, state)``, which updates one chunk ``p`` in place from its
    gradient ``g`` using the chunk's state buffers and a scratch buffer ``t``.
    """

    name = "optimizer"
    _slots: tuple[str, ...] = ()
    _decoupled = False  # True when weight decay shrinks θ directly (AdamW) instead of adding λθ to g
    #: the update rule in plain text (for explanations)
    rule = ""

    #: the learning rate used when neither ``lr`` nor ``learning_rate`` is given
    default_lr = 0.01

    def __init__(self, lr: float | None = None, weight_decay: float = 0.0, clip_norm: float | None = None,
                 *, learning_rate: float | None = None):
        owner = type(self).__name__
        lr = _learning_rate(lr, learning_rate, self.default_lr, owner)
        self.lr = _number(lr, "learning_rate" if learning_rate is not None else "lr", owner, low_open=True)
        self.initial_lr = self.lr
        self.weight_decay = _number(weight_decay, "weight_decay", owner)
        self.clip_norm = None if clip_norm is None else _number(clip_norm, "clip_norm", owner, low_open=True)
        self.reset()

    def reset(self) -> None:
        """Forget all state (momentum, moments, step count); the learning rate is kept."""
        self.iterations = 0
        self.state: list[dict[str, np.ndarray]] = []
        self._scratch: np.ndarray | None = None  # two rows: a temporary and the decayed gradient
        self._chunks: list[list[tuple]] = []
        self._sizes: list[int] | None = None

    def _allocate(self, params: list[np.ndarray]) -> None:
        self.state = [{slot: _memory.zeros(p.size, p.dtype) for slot in self._slots} for p in params]
        dtype = np.result_type(*[p.dtype for p in params])
        width = -(-min(CHUNK, max(p.size for p in params)) // 16) * 16    # both rows cache-line aligned
        self._scratch = _memory.zeros(2 * width, dtype).reshape(2, width)
        self._chunks = []

    def _make_chunks(self) -> None:
        """Per array, its chunks: ``(lo, hi, views of the state, two scratch rows)``, made once."""
        size = self._scratch.shape[1]
        self._chunks = [[(lo, min(lo + size, n), {k: v[lo:lo + size] for k, v in state.items()},
                          self._scratch[0, :min(size, n - lo)], self._scratch[1, :min(size, n - lo)])
                         for lo in range(0, n, size)] for n, state in zip(self._sizes, self.state)]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_chunks"] = []                          # views: remade after unpickling
        return state

    def step(self, params: np.ndarray | Sequence[np.ndarray], grads: np.ndarray | Sequence[np.ndarray]) -> None:
        """Update ``params`` in place from ``grads`` (arrays of the same shapes).

        The gradient arrays are left as they are (unless ``clip_norm`` rescales them), so
        they still show ``∂E/∂θ`` after the step.
        """
        params, grads = _as_list(params, "params"), _as_list(grads, "grads")
        if len(params) != len(grads) or any(p.shape != g.shape for p, g in zip(params, grads)):
            raise ConfigError("params and grads must have the same number of arrays with the same shapes; got "
                              f"{[p.shape for p in params]} and {[g.shape for g in grads]}")
        if not all(a.flags.c_contiguous and a.flags.writeable for a in params + grads):
            raise ConfigError("params and grads must be writeable C-contiguous arrays (updated in place)")
        sizes = [p.size for p in params]
        if self._sizes is None:
            self._allocate(params)
            self._sizes = sizes
        elif sizes != self._sizes:
            raise ConfigError(f"{type(self).__name__} holds state for parameters of sizes {self._sizes}; "
                              f"got {sizes} (the network changed: call reset())")
        if not self._chunks:
            self._make_chunks()
        if self.clip_norm is not None:
            clip_grad_norm(grads, self.clip_norm)
        self.iterations += 1
        self._prepare()
        coupled_decay = self.weight_decay and not self._decoupled
        for p, g, chunks in zip(params, grads, self._chunks):
            p, g = p.reshape(-1), g.reshape(-1)
            for lo, hi, state, t, t2 in chunks:
                pc, gc = p[lo:hi], g[lo:hi]
                if coupled_decay:                    # g ← grad + λ θ  (L2 penalty λ/2 ‖θ‖²)
                    gc = np.multiply(pc, self.weight_decay, out=t2)
                    gc += g[lo:hi]
                self._update(pc, gc, t, state)

    def _prepare(self) -> None:
        """Compute the scalars of this step (bias corrections) once for all chunks."""

    def _update(self, p, g, t, state) -> None:
        raise NotImplementedError

    def config(self) -> dict:
        return {"lr": self.lr}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.config().items())})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum (heavy ball or Nesterov).

    Robbins & Monro, 1951; Polyak, 1964 (momentum); Sutskever et al., 2013 (Nesterov form)::

        g = grad + weight_decay * p
        if momentum:
            v = g if first step else momentum * v + (1 - dampening) * g
            g = g + momentum * v if nesterov else v
        p = p - lr * g

    ``learning_rate`` is accepted as the Keras spelling of ``lr`` (give one, not both);
    the default rate is 0.01.

    Examples
    --------
    >>> opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    >>> SGD(learning_rate=0.1).lr
    0.1
    """

    name = "sgd"
    rule = "θ ← θ − η g   (with momentum: v ← μ v + g; θ ← θ − η v)"

    def __init__(self, lr: float | None = None, momentum: float = 0.0, nesterov: bool = False,
                 dampening: float = 0.0, weight_decay: float = 0.0, clip_norm: float | None = None,
                 *, learning_rate: float | None = None):
        self.momentum = _number(momentum, "momentum", "SGD", high=1.0)
        self.dampening = _number(dampening, "dampening", "SGD", high=1.0)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ConfigError("SGD with nesterov=True needs momentum > 0 and dampening = 0; "
                              f"got momentum={momentum!r}, dampening={dampening!r}")
        self._slots = ("velocity",) if self.momentum else ()
        super().__init__(lr, weight_decay, clip_norm, learning_rate=learning_rate)

    def _update(self, p, g, t, state):
        if self.momentum:
            v = state["velocity"]
            if self.iterations == 1:
                v[...] = g
            else:
                v *= self.momentum
                v += g if not self.dampening else (1.0 - self.dampening) * g
            if self.nesterov:
                np.multiply(v, self.momentum, out=t)
                t += g                               # g + μ v
                t *= -self.lr
            else:
                np.multiply(v, -self.lr, out=t)
        else:
            np.multiply(g, -self.lr, out=t)
        p += t

    def config(self):
        cfg = {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}
        if self.dampening:
            cfg["dampening"] = self.dampening
        if self.weight_decay:
            cfg["weight_decay"] = self.weight_decay
        return cfg


class RMSprop(Optimizer):
    """Divide the step by a running root-mean-square of recent gradients.

    Hinton, Srivastava & Swersky, Neural Networks for Machine Learning, lecture 6e, 2012;
    centered form from Graves, "Generating sequences with recurrent neural networks", 2013::

        g = grad + weight_decay * p
        s = rho * s + (1 - rho) * g²
        d = √(s − a²) + eps  with  a = rho * a + (1 - rho) * g  if centered  else  √s + eps
        if momentum:  b = momentum * b + g / d;  p = p - lr * b
        else:         p = p - lr * g / d

    ``rho`` is ``torch.optim.RMSprop``'s ``alpha`` (Keras calls it ``rho``). ``learning_rate``
    is accepted as the Keras spelling of ``lr`` (give one, not both); the default rate is 0.01.
    """

    name = "rmsprop"
    rule = "s ← ρ s + (1 − ρ) g²;  θ ← θ − η g / (√s + ε)"

    def __init__(self, lr: float | None = None, rho: float = 0.99, eps: float = 1e-8, momentum: float = 0.0,
                 centered: bool = False, weight_decay: float = 0.0, clip_norm: float | None = None,
                 *, learning_rate: float | None = None):
        self.rho = _number(rho, "rho", "RMSprop", high=1.0)
        self.eps = _number(eps, "eps", "RMSprop")
        self.momentum = _number(momentum, "momentum", "RMSprop", high=1.0)
        self.centered = bool(centered)
        self._slots = ("square_avg",) + (("grad_avg",) if self.centered else ()) + \
            (("momentum_buffer",) if self.momentum else ())
        super().__init__(lr, weight_decay, clip_norm, learning_rate=learning_rate)

    def _update(self, p, g, t, state):
        s = state["square_avg"]
        s *= self.rho
        np.multiply(g, 1.0 - self.rho, out=t)
        t *= g
        s += t                                       # s ← ρ s + (1 − ρ) g²
        if self.centered:
            a = state["grad_avg"]
            np.subtract(g, a, out=t)
            t *= 1.0 - self.rho
            a += t                                   # a ← ρ a + (1 − ρ) g
            np.multiply(a, a, out=t)
            np.subtract(s, t, out=t)
            np.sqrt(t, out=t)
        else:
            np.sqrt(s, out=t)
        t += self.eps
        np.divide(g, t, out=t)                       # g / d
        if self.momentum:
            b = state["momentum_buffer"]
            b *= self.momentum
            b += t
            np.multiply(b, -self.lr, out=t)
        else:
            t *= -self.lr
        p += t

    def config(self):
        cfg = {"lr": self.lr, "rho": self.rho, "eps": self.eps}
        if self.momentum:
            cfg["momentum"] = self.momentum
        if self.centered:
            cfg["centered"] = True
        if self.weight_decay:
            cfg["weight_decay"] = self.weight_decay
        return cfg


class Adam(Optimizer):
    """Adaptive moment estimation. Kingma & Ba, "Adam: A method for stochastic optimization", 2015;
    ``amsgrad`` from Reddi, Kale & Kumar, "On the convergence of Adam and beyond", 2018::

        g = grad + weight_decay * p                 # (AdamW: p = p * (1 - lr * weight_decay) instead)
        m = beta1 * m + (1 - beta1) * g             # first moment
        v = beta2 * v + (1 - beta2) * g²            # second moment
        v̂ = max(v̂, v) if amsgrad else v
        # Bias correction, then the step:
        p = p - lr / (1 - beta1**t) * m / (√v̂ / √(1 - beta2**t) + eps)

    The moments are kept as decaying *sums*, ``M = m / (1 − β₁)`` and ``V = v / (1 − β₂)``,
    which are updated in two passes each (``M ← β₁ M + g``, ``V ← β₂ V + g²``), and the
    constant factors go into two scalars computed once per step::

        p -= [lr (1 − β₁) √(1 − β₂ᵗ) / ((1 − β₁ᵗ) √(1 − β₂))] · M / (√V̂ + eps √(1 − β₂ᵗ) / √(1 − β₂))

    — the same number as torch's form, in ten passes over the parameters instead of twelve
    (the tests compare 20-step trajectories with ``torch.optim.Adam``). ``state["m"]`` and
    ``state["v"]`` hold ``M`` and ``V``.

    ``learning_rate`` is accepted as the Keras spelling of ``lr`` (give one, not both);
    the default rate is 0.001.
    """

    name = "adam"
    rule = "m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  θ ← θ − η m̂ / (√v̂ + ε)"
    default_lr = 0.001

    def __init__(self, lr: float | None = None, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 amsgrad: bool = False, weight_decay: float = 0.0, clip_norm: float | None = None,
                 *, learning_rate: float | None = None):
        owner = type(self).__name__
        self.beta1 = _number(beta1, "beta1", owner, high=1.0, high_open=True)
        self.beta2 = _number(beta2, "beta2", owner, high=1.0, high_open=True)
        self.eps = _number(eps, "eps", owner)
        self.amsgrad = bool(amsgrad)
        self._slots = ("m", "v") + (("v_max",) if self.amsgrad else ())
        super().__init__(lr, weight_decay, clip_norm, learning_rate=learning_rate)

    def _prepare(self):
        # Bias correction, and the factors (1 − β₁) and √(1 − β₂) of the stored sums.
        t = self.iterations
        root = math.sqrt(1.0 - self.beta2 ** t) / math.sqrt(1.0 - self.beta2)
        self._step_size = self.lr * (1.0 - self.beta1) / (1.0 - self.beta1 ** t) * root
        self._eps_hat = self.eps * root

    def _update(self, p, g, t, state):
        if self._decoupled and self.weight_decay:
            p *= 1.0 - self.lr * self.weight_decay
        m, v = state["m"], state["v"]
        m *= self.beta1
        m += g                                       # M ← β₁ M + g
        np.square(g, out=t)
        v *= self.beta2
        v += t                                       # V ← β₂ V + g²
        if self.amsgrad:
            v = np.maximum(state["v_max"], v, out=state["v_max"])
        np.sqrt(v, out=t)
        t += self._eps_hat
        np.divide(m, t, out=t)
        t *= -self._step_size
        p += t

    def config(self):
        cfg = {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}
        if self.amsgrad:
            cfg["amsgrad"] = True
        if self.weight_decay or self._decoupled:
            cfg["weight_decay"] = self.weight_decay
        return cfg


class AdamW(Adam):
    """Adam with decoupled weight decay. Loshchilov & Hutter, "Decoupled weight decay
    regularization", 2019::

        p = p * (1 - lr * weight_decay)             # decay the weights, not the gradient
        ... then Adam's update with g = grad

    Unlike L2 in Adam, the decay is not rescaled by the adaptive denominator.
    ``learning_rate`` is accepted as the Keras spelling of ``lr`` (give one, not both);
    the default rate is 0.001.
    """

    name = "adamw"
    rule = "θ ← θ (1 − η λ);  then Adam's step"
    _decoupled = True

    def __init__(self, lr: float | None = None, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 amsgrad: bool = False, weight_decay: float = 0.01, clip_norm: float | None = None,
                 *, learning_rate: float | None = None):
        super().__init__(lr, beta1, beta2, eps, amsgrad, weight_decay, clip_norm, learning_rate=learning_rate)


_REGISTRY: dict[str, type[Optimizer]] = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW}


def get(optimizer: str | Optimizer = "adam", **kwargs) -> Optimizer:
    """An optimizer from a name (``"adam"``) and its arguments; an Optimizer passes through.

    The arguments are the optimizer's own, so ``get("sgd", learning_rate=0.1)`` and
    ``get("sgd", lr=0.1)`` give the same optimizer. An unknown argument is a ConfigError
    that lists the valid ones.
    """
    if isinstance(optimizer, Optimizer):
        if kwargs:
            raise ConfigError(f"arguments {sorted(kwargs)} given with an optimizer instance; set them on it")
        return optimizer
    if isinstance(optimizer, str):
        key = optimizer.strip().lower()
        if key in _REGISTRY:
            cls = _REGISTRY[key]
            valid = [p for p in inspect.signature(cls).parameters if p != "self"]
            unknown = sorted(set(kwargs) - set(valid))
            if unknown:
                raise ConfigError(f"{cls.__name__} takes no argument {', '.join(map(repr, unknown))}; "
                                  f"valid arguments: {', '.join(valid)}")
            return cls(**kwargs)
        raise ConfigError(f"unknown optimizer {optimizer!r}; valid names: {', '.join(sorted(_REGISTRY))}")
    raise ConfigError(f"optimizer must be a name or an Optimizer; got {type(optimizer).__name__}")


def names() -> list[str]:
    return sorted(_REGISTRY)


# ---------------------------------------------------------------- learning-rate schedules
# They live in schedules.py and are re-exported here. The import comes last because
# schedules.py takes _number from this module.

from .schedules import CosineAnnealing, ExponentialDecay, ReduceLROnPlateau, Schedule, StepDecay  # noqa: E402


__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "clip_grad_norm", "get", "names",
           "Schedule", "StepDecay", "ExponentialDecay", "CosineAnnealing", "ReduceLROnPlateau"]
