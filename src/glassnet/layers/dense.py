"""The fully connected layer: ``net = W x + b``, ``out = f(net)``.

``W`` has shape ``(S, R)`` — S neurons, R inputs — and ``W[i, j]`` is the strength of
the connection from input ``j`` to neuron ``i``, as in the textbooks. For a batch
``X`` of shape ``(n, R)`` (one sample per row) the same computation reads
``NET = X Wᵀ + b`` with shape ``(n, S)``.

Backpropagation, with ``δ = ∂E/∂net = ∂E/∂out ⊙ f′(net)``::

    ∂E/∂W = δᵀ X        (S, R)   — entry (i, j) sums δ_i · x_j over the batch
    ∂E/∂b = Σ_rows δ    (S,)
    ∂E/∂X = δ W         (n, R)   — what the layer below receives

In training mode ``net``, ``out``, ``δ`` and ``∂E/∂X`` are written into arrays kept
between batches (no allocation per batch): after a pass they hold that pass's values,
until the next training pass overwrites them. Outside training every pass makes new
arrays, so what ``predict`` returns is never changed afterwards.
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers
from ..errors import ConfigError
from .base import Layer


class Dense(Layer):
    """A layer of ``units`` neurons, each connected to every input.

    Parameters
    ----------
    units : int
        S, the number of neurons.
    activation : str or Activation, default "identity"
    use_bias : bool, default True
    kernel_initializer, bias_initializer : name, number, array or callable
        Initial ``W`` (shape ``(units, inputs)``) and ``b`` (shape ``(units,)``).
    W, b : array-like, optional
        Initial values given directly (shortcut for the initialisers).

    Attributes
    ----------
    needs_input_grad : bool
        When False, :meth:`backward` fills the gradients but skips ``∂E/∂X`` (returns
        None). A Network sets it to False on a first layer, whose input is data.

    Examples
    --------
    >>> layer = Dense(2, activation="sigmoid", W=[[.15, .20], [.25, .30]], b=[.35, .35])
    """

    kind = "dense"
    kernel_axes = "(units, inputs)"

    def __init__(self, units: int, activation="identity", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", W=None, b=None):
        super().__init__()
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ConfigError(f"Dense units must be a positive integer; got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        if not self.activation.differentiable:
            raise ConfigError(
                f"activation {self.activation.name!r} has no useful derivative (it is a step), so a network "
                "trained by backpropagation cannot use it; use glassnet.Perceptron for hard limits, "
                "or a smooth activation such as 'sigmoid' or 'tanh'")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(W if W is not None else kernel_initializer)
        self.bias_initializer = initializers.get(b if b is not None else bias_initializer)
        self._init_names = (kernel_initializer if isinstance(kernel_initializer, str) and W is None else None,
                            bias_initializer if isinstance(bias_initializer, str) and b is None else None)
        self.needs_input_grad = True

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ConfigError(f"Dense expects flat inputs of shape (R,); got {input_shape}: add a Flatten layer first")
        return (self.units,)

    def build(self, input_shape, rng, dtype):
        shape = super().build(input_shape, rng, dtype)
        R, S = input_shape[0], self.units
        self.params["W"] = self._initial("W", self.kernel_initializer, (S, R), R, S, rng)
        self.trainable["W"] = True
        if self.use_bias:
            self.params["b"] = self._initial("b", self.bias_initializer, (S,), R, S, rng)
            self.trainable["b"] = True
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return shape

    def forward(self, x, training=False):
        self.input = x
        shape = (x.shape[0], self.units)
        net = np.matmul(x, self.params["W"].T, out=self._buffer("net", shape) if training else None)
        if self.use_bias:
            net += self.params["b"]
        self.net = net
        self.out = self.activation.apply(net, into=self._buffer("out", shape) if training else None)
        if self.out.dtype != net.dtype or self.out.shape != net.shape:
            raise ConfigError(f"activation {self.activation.name!r} turned net of dtype {net.dtype}, shape "
                              f"{net.shape} into out of dtype {self.out.dtype}, shape {self.out.shape}; "
                              "an activation must keep both (cast with .astype(net.dtype))")
        return self.out

    def backward(self, dout):
        """``δ = dout ⊙ f′(net)``, then :meth:`backward_net`."""
        self.dout = dout
        delta = self.activation.vjp(self.net, self.out, dout, into=self._buffer("delta", self.net.shape))
        if delta.dtype != self.net.dtype or delta.shape != self.net.shape:
            raise ConfigError(f"the derivative of activation {self.activation.name!r} gave dtype {delta.dtype}, "
                              f"shape {delta.shape}; expected dtype {self.net.dtype}, shape {self.net.shape} "
                              "like net (cast with .astype(net.dtype))")
        return self.backward_net(delta)

    def backward_net(self, delta):
        """Given ``δ = ∂E/∂net``: fill ``∂E/∂W = δᵀ X``, ``∂E/∂b = Σ δ`` and return ``∂E/∂X = δ W``."""
        self.delta = delta
        np.matmul(delta.T, self.input, out=self.grads["W"])
        if self.use_bias:                            # Σ_rows δ = 1ᵀ δ (a matrix–vector product: faster than np.sum)
            np.matmul(self._ones(delta.shape[0]), delta, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return np.matmul(delta, self.params["W"], out=self._buffer("dx", self.input.shape))

    def config(self):
        cfg = {"units": self.units, "activation": activations.to_config(self.activation)}
        if not self.use_bias:
            cfg["use_bias"] = False
        return cfg
