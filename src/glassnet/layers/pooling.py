"""Pooling layers: the maximum or the mean of each ``kh × kw`` window, channel by channel.

For a channels-first batch ``x`` of shape ``(n, C, H, W)``, pool size ``(kh, kw)`` and
stride ``(sh, sw)`` (default: the pool size, so windows tile the image), output pixel
``(p, q)`` of each channel reads the window ``x[sh·p : sh·p + kh, sw·q : sw·q + kw]``.
Padding is ``"valid"``: windows that would run off the image are dropped, so
``Ho = ⌊(H − kh) / sh⌋ + 1``.

The computation never loops over pixels: for each of the ``kh·kw`` offsets ``(i, j)``
the view ``x[:, :, i::sh, j::sw]`` holds that offset's pixel of *every* window, and the
pool is an element-wise maximum (or sum) of those ``kh·kw`` strided views.

Backpropagation::

    max:      ∂E/∂x = ∂E/∂out at the position that won the maximum, 0 elsewhere
    average:  ∂E/∂x = ∂E/∂out / (kh·kw) at every position of the window

(gradients add where overlapping windows share a pixel). Ties in a max window: the
gradient goes to the *first* maximum in row-major order of the window, as PyTorch does.
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError, NotFittedError
from .base import Layer
from .conv import pair


class _Pool2D(Layer):
    """Shared shape logic of the pooling layers."""

    def __init__(self, pool_size=2, stride=None, padding: str = "valid"):
        super().__init__()
        self.pool_size = pair(pool_size, "pool_size")
        self.stride = self.pool_size if stride is None else pair(stride, "stride")
        if padding != "valid":
            raise ConfigError(f"{type(self).__name__} padding must be 'valid'; got {padding!r}")

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ConfigError(f"{type(self).__name__} expects images of shape (C, H, W), channels first; "
                              f"got {input_shape}")
        C, H, W = input_shape
        (kh, kw), (sh, sw) = self.pool_size, self.stride
        if kh > H or kw > W:
            hint = ""
            if W in (1, 3) and C not in (1, 3):
                hint = (f". Images are channels first, (C, H, W); {tuple(input_shape)} looks channels last: use "
                        f"{(W, C, H)} and X = np.moveaxis(X, -1, 1)")
            raise ConfigError(f"{type(self).__name__} pool_size {self.pool_size} is larger than the "
                              f"image {(H, W)}{hint}")
        return (C, (H - kh) // sh + 1, (W - kw) // sw + 1)

    def build(self, input_shape, rng, dtype):
        shape = super().build(input_shape, rng, dtype)
        (kh, kw), (sh, sw) = self.pool_size, self.stride
        _, H, W = self.input_shape
        _, Ho, Wo = shape
        self._disjoint = sh >= kh and sw >= kw                   # no pixel in two windows
        self._tiles = self._disjoint and H == sh * Ho and W == sw * Wo and (sh, sw) == (kh, kw)
        return shape

    def _offsets(self):
        return [(i, j) for i in range(self.pool_size[0]) for j in range(self.pool_size[1])]

    def _window(self, image: np.ndarray, i: int, j: int) -> np.ndarray:
        """Offset ``(i, j)``'s pixel of every window: a strided view of shape (n, C, Ho, Wo)."""
        (_, Ho, Wo), (sh, sw) = self.output_shape, self.stride
        return image[:, :, i:i + sh * (Ho - 1) + 1:sh, j:j + sw * (Wo - 1) + 1:sw]

    def _check(self, x: np.ndarray) -> None:
        if self.output_shape is None:
            raise NotFittedError(f"{type(self).__name__} needs build() (a Network does it) before the forward pass")
        if x.ndim != 4 or x.shape[1:] != self.input_shape:
            raise DataError(f"{type(self).__name__} expects input of shape "
                            f"(n, {', '.join(map(str, self.input_shape))}); got {x.shape}")

    def _input_grad(self) -> np.ndarray:
        """A buffer for ∂E/∂x: uninitialised when the windows tile the image (every entry is written)."""
        make = np.empty if self._tiles else np.zeros
        return make(self.input.shape, dtype=self.dtype)

    def config(self):
        cfg = {"pool_size": list(self.pool_size)}
        if self.stride != self.pool_size:
            cfg["stride"] = list(self.stride)
        return cfg


class MaxPool2D(_Pool2D):
    """The maximum of each window: ``out[n, c, p, q] = max_{i,j} x[n, c, sh·p + i, sw·q + j]``.

    Parameters
    ----------
    pool_size : int or (int, int), default 2
    stride : int or (int, int), optional
        Defaults to ``pool_size``.
    padding : "valid"

    Examples
    --------
    >>> import numpy as np
    >>> layer = MaxPool2D(2)
    >>> _ = layer.build((1, 2, 2), np.random.default_rng(0), np.float64)
    >>> layer.forward(np.array([[[[1., 4.], [3., 2.]]]]))
    array([[[[4.]]]])
    """

    kind = "maxpool2d"

    def forward(self, x, training=False):
        self._check(x)
        self.input = x
        offsets = self._offsets()
        # One contiguous plane per window offset (kept: backward compares them with the maxima,
        # and comparisons on contiguous memory are several times faster than on strided views).
        planes = self._buffer("planes", (len(offsets), x.shape[0]) + self.output_shape)
        for k, (i, j) in enumerate(offsets):
            planes[k] = self._window(x, i, j)
        self.planes = planes
        self.out = planes.max(axis=0)
        return self.out

    def backward(self, dout):
        """Route ``dout`` to the first position of each window that equals its maximum."""
        dx = self._input_grad()
        shape = self.out.shape
        win = np.empty(shape, dtype=bool)        # contiguous temporaries: NumPy's fast loops
        taken = np.zeros(shape, dtype=bool)
        routed = None if self._disjoint else np.empty(shape, dtype=self.dtype)
        offsets = self._offsets()
        for k, (i, j) in enumerate(offsets):
            np.equal(self.planes[k], self.out, out=win)
            if k:
                np.greater(win, taken, out=win)  # a winner not already taken by an earlier tie
            if k < len(offsets) - 1:
                np.logical_or(taken, win, out=taken)
            if self._disjoint:
                np.multiply(dout, win, out=self._window(dx, i, j))
            else:
                np.multiply(dout, win, out=routed)
                self._window(dx, i, j)[...] += routed
        return dx


class AveragePool2D(_Pool2D):
    """The mean of each window: ``out[n, c, p, q] = (1 / kh·kw) Σ_{i,j} x[n, c, sh·p + i, sw·q + j]``.

    Parameters
    ----------
    pool_size : int or (int, int), default 2
    stride : int or (int, int), optional
        Defaults to ``pool_size``.
    padding : "valid"
    """

    kind = "averagepool2d"

    def forward(self, x, training=False):
        self._check(x)
        self.input = x
        first, *rest = self._offsets()
        out = np.empty((x.shape[0],) + self.output_shape, dtype=self.dtype)
        out[...] = self._window(x, *first)
        for i, j in rest:
            np.add(out, self._window(x, i, j), out=out)
        out *= self.dtype.type(1.0 / (self.pool_size[0] * self.pool_size[1]))
        self.out = out
        return out

    def backward(self, dout):
        """Share ``dout`` equally among the ``kh·kw`` pixels of each window."""
        dx = self._input_grad()
        share = np.multiply(dout, 1.0 / (self.pool_size[0] * self.pool_size[1]), dtype=self.dtype)
        for i, j in self._offsets():
            if self._disjoint:
                self._window(dx, i, j)[...] = share
            else:
                self._window(dx, i, j)[...] += share
        return dx
