"""The layer contract every layer follows.

* ``build(input_shape, rng, dtype) -> output_shape`` creates the parameters
  (``params``: local name → array) and their gradients (``grads``, same names);
* ``forward(x, training) -> out`` keeps what ``backward`` needs (never overwriting a
  pre-activation in place: explanations need both ``net`` and ``out``);
* ``backward(dout) -> dx`` takes ``∂E/∂out`` and fills ``grads`` with ``∂E/∂param``,
  returning ``∂E/∂x`` for the layer below.

Shapes are batch-first: ``x`` has shape ``(n, *input_shape)``.
A :class:`~glassnet.network.Network` moves every layer's parameters into one flat,
contiguous buffer (and the gradients into another), so layers must write their
gradients *into* ``grads[name]`` (``out=`` or ``[...] =``), never rebind them.
"""

from __future__ import annotations

import numpy as np


class Layer:
    """Base class: a layer with no parameters that passes its input through."""

    #: the short name used in model files and summaries
    kind = "layer"

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.trainable: dict[str, bool] = {}
        self.state: dict[str, np.ndarray] = {}  # non-trained buffers saved with the model
        self.input_shape: tuple[int, ...] | None = None
        self.output_shape: tuple[int, ...] | None = None
        self.dtype = np.float64

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator, dtype) -> tuple[int, ...]:
        self.input_shape = tuple(input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        self.dtype = np.dtype(dtype)
        return self.output_shape

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return input_shape

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout

    def config(self) -> dict:
        """The arguments that rebuild this layer (JSON-serialisable, no code)."""
        return {}

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"
