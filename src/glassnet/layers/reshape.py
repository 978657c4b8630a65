"""Layers that only change the shape of each sample: :class:`Flatten` and :class:`Reshape`.

No arithmetic happens, so backpropagation only undoes the reshape:
``∂E/∂x = (∂E/∂out).reshape(x.shape)``. Between a convolution or pooling layer
``(n, C, H, W)`` and a dense layer ``(n, R)``, Flatten gives ``R = C·H·W`` in
channel-major order (PyTorch's ``nn.Flatten`` order), so weights carry over between the two.
"""

from __future__ import annotations

import math


from ..errors import ConfigError, DataError
from .base import Layer


class Flatten(Layer):
    """Each sample as one vector: ``(n, d1, d2, …) → (n, d1·d2·…)``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Flatten()
    >>> layer.build((2, 3, 3), np.random.default_rng(0), np.float64)
    (18,)
    """

    kind = "flatten"

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, x, training=False):
        if x.shape[1:] != self.input_shape:
            raise DataError(f"Flatten expects samples of shape {self.input_shape}; got {x.shape[1:]}")
        self.out = x.reshape(x.shape[0], -1)
        return self.out

    def backward(self, dout):
        return dout.reshape((dout.shape[0],) + self.input_shape)


class Reshape(Layer):
    """Each sample reshaped to ``target_shape`` (for example ``(64,) → (1, 8, 8)``).

    Parameters
    ----------
    target_shape : tuple of int
        The shape of one sample after the layer; its size must equal the input's.
    """

    kind = "reshape"

    def __init__(self, target_shape):
        super().__init__()
        try:
            shape = tuple(int(s) for s in target_shape)
        except (TypeError, ValueError):
            raise ConfigError(f"Reshape target_shape must be a tuple of positive integers; "
                              f"got {target_shape!r}") from None
        if not shape or any(s < 1 for s in shape):
            raise ConfigError(f"Reshape target_shape must be a tuple of positive integers; got {target_shape!r}")
        self.target_shape = shape

    def compute_output_shape(self, input_shape):
        if math.prod(input_shape) != math.prod(self.target_shape):
            raise ConfigError(f"Reshape cannot turn samples of shape {tuple(input_shape)} "
                              f"({math.prod(input_shape)} values) into {self.target_shape} "
                              f"({math.prod(self.target_shape)} values)")
        return self.target_shape

    def forward(self, x, training=False):
        if x.shape[1:] != self.input_shape:
            raise DataError(f"Reshape expects samples of shape {self.input_shape}; got {x.shape[1:]}")
        self.out = x.reshape((x.shape[0],) + self.target_shape)
        return self.out

    def backward(self, dout):
        return dout.reshape((dout.shape[0],) + self.input_shape)

    def config(self):
        return {"target_shape": list(self.target_shape)}
