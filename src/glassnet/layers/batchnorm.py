"""Batch normalisation (Ioffe & Szegedy, 2015): standardise each feature over the batch,
then scale and shift it by learned ``γ`` and ``β``.

A feature is a column of a dense input ``(n, F)`` or a channel of an image batch
``(n, C, H, W)`` (statistics over the batch *and* the pixels, like PyTorch's
``BatchNorm1d`` / ``BatchNorm2d``). With ``m`` values per feature::

    μ = (1/m) Σ x        σ² = (1/m) Σ (x − μ)²        x̂ = (x − μ) / √(σ² + ε)
    out = γ x̂ + β

In evaluation (``training=False``) the running estimates replace ``μ`` and ``σ²``. They
are updated at every training pass with PyTorch's convention (``momentum`` is the weight
of the *new* batch; the variance is the unbiased one)::

    running_mean ← (1 − momentum) · running_mean + momentum · μ
    running_var  ← (1 − momentum) · running_var  + momentum · σ² · m / (m − 1)

Backpropagation in training mode (``μ`` and ``σ²`` depend on every ``x``)::

    ∂E/∂β = Σ ∂E/∂out        ∂E/∂γ = Σ ∂E/∂out · x̂
    ∂E/∂x = γ / √(σ² + ε) · (∂E/∂out − ∂E/∂β / m − x̂ · ∂E/∂γ / m)

and in evaluation mode simply ``∂E/∂x = γ / √(running_var + ε) · ∂E/∂out``.
"""

from __future__ import annotations

import numpy as np

from .. import initializers
from ..errors import ConfigError, DataError
from .base import Layer


class BatchNorm(Layer):
    """Normalise each feature (axis 1) over the batch, then ``out = γ x̂ + β``.

    Parameters
    ----------
    momentum : float in [0, 1], default 0.1
        The weight of the current batch in the running statistics (PyTorch's default and
        meaning; Keras's ``momentum=0.99`` is ``1 − 0.01`` in this convention).
    eps : float > 0, default 1e-5
        Added to the variance before the square root.
    gamma_initializer, beta_initializer : default "ones", "zeros"

    Attributes
    ----------
    state : dict
        ``running_mean`` and ``running_var`` (saved with the model, never trained).

    Examples
    --------
    >>> import numpy as np
    >>> layer = BatchNorm()
    >>> _ = layer.build((2,), np.random.default_rng(0), np.float64)
    >>> layer.forward(np.array([[1., 10.], [3., 30.]]), training=True).round(4)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> layer.state["running_mean"]
    array([0.2, 2. ])
    """

    kind = "batchnorm"

    def __init__(self, momentum: float = 0.1, eps: float = 1e-5, gamma_initializer="ones",
                 beta_initializer="zeros"):
        super().__init__()
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ConfigError(f"BatchNorm momentum must be a number in [0, 1]; got {momentum!r}")
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
            raise ConfigError(f"BatchNorm eps must be a positive number; got {eps!r}")
        self.momentum, self.eps = float(momentum), float(eps)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_initializer = initializers.get(beta_initializer)

    def build(self, input_shape, rng, dtype):
        shape = super().build(input_shape, rng, dtype)
        F = input_shape[0]
        self.params["gamma"] = self.gamma_initializer((F,), F, F, rng, self.dtype)
        self.params["beta"] = self.beta_initializer((F,), F, F, rng, self.dtype)
        self.trainable.update(gamma=True, beta=True)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.state = {"running_mean": np.zeros(F, dtype=self.dtype), "running_var": np.ones(F, dtype=self.dtype)}
        # statistics over the batch axis and every axis after the features
        self._axes = (0,) + tuple(range(2, len(input_shape) + 1))
        self._bshape = (1, F) + (1,) * (len(input_shape) - 1)
        return shape

    def forward(self, x, training=False):
        if x.shape[1:] != self.input_shape:
            raise DataError(f"BatchNorm expects samples of shape {self.input_shape}; got {x.shape[1:]}")
        self.input, self.training = x, bool(training)
        if training:
            m = x.size // x.shape[1]
            if m < 2:
                raise DataError(f"BatchNorm needs more than one value per feature when training; got a "
                                f"batch of shape {x.shape} (one sample). In fit this is the last mini-batch "
                                "when the number of training samples is one more than a multiple of "
                                "batch_size (such as 33 samples with batch_size=32): choose a batch_size "
                                "that leaves at least 2 samples in the last batch")
            mean = x.mean(axis=self._axes)
            centred = x - mean.reshape(self._bshape)
            var = np.mean(centred * centred, axis=self._axes)
            self.mean, self.var = mean, var
            self._update_running(mean, var, m)
        else:
            self.mean, self.var = self.state["running_mean"], self.state["running_var"]
            centred = x - self.mean.reshape(self._bshape)
        self.inv_std = 1.0 / np.sqrt(self.var + self.eps)
        self.xhat = centred * self.inv_std.reshape(self._bshape)
        out = self.xhat * self.params["gamma"].reshape(self._bshape)
        out += self.params["beta"].reshape(self._bshape)
        self.out = out
        return out

    def _update_running(self, mean: np.ndarray, var: np.ndarray, m: int) -> None:
        a = self.momentum
        rm, rv = self.state["running_mean"], self.state["running_var"]
        rm *= 1 - a
        rm += a * mean
        rv *= 1 - a
        rv += (a * m / (m - 1)) * var

    def backward(self, dout):
        np.sum(dout, axis=self._axes, out=self.grads["beta"])
        np.sum(dout * self.xhat, axis=self._axes, out=self.grads["gamma"])
        scale = (self.params["gamma"] * self.inv_std).reshape(self._bshape)
        if not self.training:
            return dout * scale
        m = dout.size // dout.shape[1]
        dx = dout - (self.grads["beta"] / m).reshape(self._bshape)
        dx -= self.xhat * (self.grads["gamma"] / m).reshape(self._bshape)
        dx *= scale
        return dx

    def config(self):
        cfg = {}
        if self.momentum != 0.1:
            cfg["momentum"] = self.momentum
        if self.eps != 1e-5:
            cfg["eps"] = self.eps
        return cfg
