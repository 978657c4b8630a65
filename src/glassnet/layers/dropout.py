"""Inverted dropout: during training each input is kept with probability ``1 − rate``
and scaled by ``1 / (1 − rate)``; in evaluation the layer passes its input through.

With a random keep-mask ``m`` (``m_i = 1`` with probability ``1 − p``)::

    out = x ⊙ m / (1 − p)          ∂E/∂x = ∂E/∂out ⊙ m / (1 − p)

The scaling keeps the expected value of every output equal to its input, so nothing
needs rescaling at prediction time (Srivastava et al., 2014, "Dropout: a simple way to
prevent neural networks from overfitting").

The mask is drawn from the Generator the layer receives in :meth:`Dropout.build` (the
network's, so a seeded network drops the same units every run). :meth:`Dropout.fix_mask`
makes every training pass use a given mask — for tests and worked examples.
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError, NotFittedError
from .base import Layer


class Dropout(Layer):
    """Zero a random fraction ``rate`` of the inputs while training (inverted dropout).

    Parameters
    ----------
    rate : float in [0, 1)
        The probability ``p`` of dropping each input.

    Attributes
    ----------
    keep : bool array or None
        The keep-mask ``m`` of the last training pass (None after an evaluation pass).
    scale : array or None
        ``m / (1 − p)``, what the input and the gradient were multiplied by.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dropout(0.5)
    >>> _ = layer.build((4,), np.random.default_rng(0), np.float64)
    >>> layer.fix_mask([[True, False, True, False]])
    >>> layer.forward(np.ones((1, 4)), training=True)
    array([[2., 0., 2., 0.]])
    >>> layer.forward(np.ones((1, 4)))
    array([[1., 1., 1., 1.]])
    """

    kind = "dropout"

    def __init__(self, rate: float):
        super().__init__()
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or not 0 <= rate < 1:
            raise ConfigError(f"Dropout rate must be a number in [0, 1); got {rate!r}")
        self.rate = float(rate)
        self.rng: np.random.Generator | None = None
        self.fixed_mask: np.ndarray | None = None
        self.keep = self.scale = None

    def build(self, input_shape, rng, dtype):
        self.rng = rng
        return super().build(input_shape, rng, dtype)

    def fix_mask(self, keep) -> None:
        """Use the boolean keep-mask ``keep`` (shape ``(n, *input_shape)``) in every training pass;
        ``None`` goes back to random masks."""
        self.fixed_mask = None if keep is None else np.asarray(keep, dtype=bool)

    def forward(self, x, training=False):
        if not training or self.rate == 0.0:
            self.keep = self.scale = None
            self.out = x
            return x
        if self.fixed_mask is not None:
            if self.fixed_mask.shape != x.shape:
                raise DataError(f"the fixed dropout mask has shape {self.fixed_mask.shape}; "
                                f"the input has shape {x.shape}")
            self.keep = self.fixed_mask
        elif self.rng is None:
            raise NotFittedError("Dropout needs build() (or a Network) to receive its random Generator")
        else:
            self.keep = self.rng.random(x.shape, dtype=self.dtype) >= self.rate
        self.scale = np.multiply(self.keep, 1.0 / (1.0 - self.rate), dtype=self.dtype)
        self.out = x * self.scale
        return self.out

    def backward(self, dout):
        return dout if self.scale is None else dout * self.scale

    def config(self):
        return {"rate": self.rate}
