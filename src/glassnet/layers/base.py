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

from ..errors import ConfigError


class Layer:
    """Base class: a layer with no parameters that passes its input through."""

    #: the short name used in model files and summaries
    kind = "layer"
    #: what the axes of the kernel ``W`` are, added to the message of a wrong-shape initialiser
    kernel_axes = ""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.trainable: dict[str, bool] = {}
        self.state: dict[str, np.ndarray] = {}  # non-trained buffers saved with the model
        self.input_shape: tuple[int, ...] | None = None
        self.output_shape: tuple[int, ...] | None = None
        self.dtype = np.float64
        self._buffers: dict[str, np.ndarray] = {}  # work arrays kept between batches: see _buffer

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator, dtype) -> tuple[int, ...]:
        self.input_shape = tuple(input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        self.dtype = np.dtype(dtype)
        return self.output_shape

    def _initial(self, name: str, initializer, shape: tuple[int, ...], fan_in: int, fan_out: int,
                 rng: np.random.Generator) -> np.ndarray:
        """Call an initialiser and check what it returns (a user's callable may get it wrong)."""
        value = np.asarray(initializer(shape, fan_in, fan_out, rng, self.dtype))
        if value.shape != shape:
            axes = f" {self.kernel_axes}" if name == "W" and self.kernel_axes else ""
            raise ConfigError(f"the initializer of {name} returned shape {value.shape}; "
                              f"this layer needs {name} of shape {shape}{axes}")
        return value.astype(self.dtype, copy=False)

    def _buffer(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A work array of the layer's dtype, kept and reused while its shape stays the same.

        A new one is made when the batch size (or the dtype) changes. Only for arrays the
        layer does not hand out for keeps: reusing them spares the allocator from fetching
        new memory pages at every batch.
        """
        buffers = self.__dict__.setdefault("_buffers", {})
        buf = buffers.get(name)
        if buf is None or buf.shape != shape or buf.dtype != self.dtype:
            buf = buffers[name] = np.empty(shape, dtype=self.dtype)
        return buf

    def _ones(self, n: int) -> np.ndarray:
        """A kept vector of ``n`` ones: ``1ᵀδ`` sums δ's rows as a matrix–vector product, which is
        faster than NumPy's reduction (the bias gradient)."""
        ones = self._buffers.get("ones")
        if ones is None or ones.shape[0] != n or ones.dtype != self.dtype:
            ones = self._buffers["ones"] = np.ones(n, dtype=self.dtype)
        return ones

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
