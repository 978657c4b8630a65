"""The 2-D convolution layer: ``net = W ⋆ x + b``, ``out = f(net)``.

Images are channels-first: a batch ``x`` has shape ``(n, C, H, W)``. The kernel ``W``
has shape ``(F, C, kh, kw)`` — F filters, each looking at all C input channels through a
``kh × kw`` window — and ``b`` has shape ``(F,)``. With stride ``s`` and the input padded
with zeros, output pixel ``(p, q)`` of filter ``f`` is (a cross-correlation, as in every
deep-learning library)::

    net[n, f, p, q] = b[f] + Σ_c Σ_i Σ_j W[f, c, i, j] · x[n, c, s·p + i, s·q + j]

**im2col.** Copy every window into one column of a matrix ``X_col`` of shape
``(C·kh·kw, n·Ho·Wo)`` (rows ordered ``(c, i, j)`` like ``W``'s axes): then the whole
convolution is one matrix product ``NET = W_mat X_col`` with ``W_mat = W.reshape(F, C·kh·kw)``.
The copy is made with ``kh·kw`` shifted, strided slices of the padded input — one per
kernel offset ``(i, j)``, each moving a whole ``(C, n, Ho, Wo)`` block — never a loop over
pixels. Everything runs channel-major (``(C, n, …)``) so those blocks are contiguous.

Backpropagation, with ``δ = ∂E/∂net = ∂E/∂out ⊙ f′(net)`` laid out as ``(F, n·Ho·Wo)``::

    ∂E/∂W = δ X_colᵀ                (F, C·kh·kw)  — reshaped to (F, C, kh, kw)
    ∂E/∂b = Σ over n, p, q of δ     (F,)
    ∂E/∂X_col = W_matᵀ δ            then col2im: each column is added back onto the
                                    input pixels it was copied from (overlaps add up)
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers
from ..errors import ConfigError, DataError, NotFittedError
from .base import Layer


def pair(value, name: str, minimum: int = 1) -> tuple[int, int]:
    """``value`` as a pair of integers >= ``minimum`` (an int means the same for both axes)."""
    items = (value, value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    try:
        items = tuple(items)
    except TypeError:
        items = ()
    if (len(items) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in items)
            or any(v < minimum for v in items)):
        raise ConfigError(f"{name} must be an integer >= {minimum} or a pair of them; got {value!r}")
    return int(items[0]), int(items[1])


# ∂E/∂W = δ colsᵀ is a (F, n·Ho·Wo)·(n·Ho·Wo, C·kh·kw) product. When C·kh·kw is tiny (a first
# layer on one-channel images), OpenBLAS's GEMM runs it ~2.3× slower than C·kh·kw matrix-vector
# products (373 → 156 µs for 8 filters, 3×3, batch 128 of 28×28); from ~72 columns on GEMM wins.
_FEW_COLUMNS = 16


def _padding(padding, kernel: tuple[int, int], stride: tuple[int, int],
             size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Zeros added ``(top, bottom, left, right)``.

    ``"same"`` gives ``ceil(H / s)`` outputs (Keras/TensorFlow's rule; with stride 1 it equals
    PyTorch's ``padding="same"``): ``total = max((ceil(H/s) − 1)·s + k − H, 0)``, the odd one
    going to the bottom/right.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0, 0, 0
        pads = []
        for k, s, h in zip(kernel, stride, size):
            total = max((-(-h // s) - 1) * s + k - h, 0)
            pads += [total // 2, total - total // 2]
        return tuple(pads)
    ph, pw = pair(padding, "padding", minimum=0)
    return ph, ph, pw, pw


class Conv2D(Layer):
    """``filters`` learned ``kh × kw`` filters slid over a channels-first image.

    Parameters
    ----------
    filters : int
        F, the number of output channels.
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : "valid", "same", int or (int, int), default "valid"
        ``"valid"`` adds nothing; ``"same"`` pads so that the output has ``ceil(H / s)`` rows;
        an integer ``p`` adds ``p`` zeros on every side (PyTorch's ``padding=p``).
    activation : str or Activation, default "identity"
        Element-wise only (softmax over image columns would mean nothing).
    use_bias : bool, default True
    kernel_initializer, bias_initializer : name, number, array or callable
        ``W`` (shape ``(F, C, kh, kw)``, fan_in ``C·kh·kw``, fan_out ``F·kh·kw``) and ``b``.
    W, b : array-like, optional
        Initial values given directly.

    Attributes
    ----------
    needs_input_grad : bool
        When False, :meth:`backward` fills the gradients but skips ``∂E/∂x`` (returns None):
        set it on a first layer, whose input is data.

    Examples
    --------
    >>> import numpy as np
    >>> from glassnet import Network
    >>> from glassnet.layers.conv import Conv2D
    >>> net = Network([Conv2D(4, 3, padding="same", activation="relu")], input_shape=(1, 8, 8), seed=0)
    >>> net.forward(np.zeros((2, 1, 8, 8))).shape
    (2, 4, 8, 8)
    """

    kind = "conv2d"
    kernel_axes = "(filters, channels, kh, kw)"

    def __init__(self, filters: int, kernel_size, stride=1, padding="valid", activation="identity",
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 W=None, b=None):
        super().__init__()
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters < 1:
            raise ConfigError(f"Conv2D filters must be a positive integer; got {filters!r}")
        self.filters = int(filters)
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = pair(stride, "stride")
        if isinstance(padding, str):
            if padding.strip().lower() not in ("valid", "same"):
                raise ConfigError(f"padding must be 'valid', 'same' or a non-negative integer; got {padding!r}")
            padding = padding.strip().lower()
        else:
            ph, pw = pair(padding, "padding", minimum=0)
            padding = ph if ph == pw else (ph, pw)
        self.padding = padding
        self.activation = activations.get(activation)
        if not self.activation.differentiable or not self.activation.elementwise:
            raise ConfigError(f"Conv2D needs an element-wise, differentiable activation such as 'relu'; "
                              f"got {self.activation.name!r}")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(W if W is not None else kernel_initializer)
        self.bias_initializer = initializers.get(b if b is not None else bias_initializer)
        self.needs_input_grad = True

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ConfigError(f"Conv2D expects images of shape (C, H, W), channels first; got {input_shape}")
        _, H, W = input_shape
        self.pads = _padding(self.padding, self.kernel_size, self.stride, (H, W))
        top, bottom, left, right = self.pads
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        Ho, Wo = (H + top + bottom - kh) // sh + 1, (W + left + right - kw) // sw + 1
        if Ho < 1 or Wo < 1:
            last = tuple(input_shape)[-1] in (1, 3) and tuple(input_shape)[0] not in (1, 3)
            hint = (f". Images are channels first, (C, H, W); {tuple(input_shape)} looks channels last: use "
                    f"input_shape={(input_shape[2], input_shape[0], input_shape[1])} and "
                    "X = np.moveaxis(X, -1, 1)") if last else "; use a smaller kernel or more padding"
            raise ConfigError(f"Conv2D kernel {self.kernel_size} is larger than the padded input "
                              f"{(H + top + bottom, W + left + right)}{hint}")
        return (self.filters, Ho, Wo)

    def build(self, input_shape, rng, dtype):
        shape = super().build(input_shape, rng, dtype)
        C, (kh, kw), F = input_shape[0], self.kernel_size, self.filters
        fan_in, fan_out = C * kh * kw, F * kh * kw
        self.params["W"] = self._initial("W", self.kernel_initializer, (F, C, kh, kw), fan_in, fan_out, rng)
        self.trainable["W"] = True
        if self.use_bias:
            self.params["b"] = self._initial("b", self.bias_initializer, (F,), fan_in, fan_out, rng)
            self.trainable["b"] = True
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return shape

    def _windows(self, image: np.ndarray, i: int, j: int) -> np.ndarray:
        """The pixels kernel offset ``(i, j)`` meets at every output position (a strided view)."""
        (_, Ho, Wo), (sh, sw) = self.output_shape, self.stride
        return image[:, :, i:i + sh * (Ho - 1) + 1:sh, j:j + sw * (Wo - 1) + 1:sw]

    # ------------------------------------------------------------------ passes
    def forward(self, x, training=False):
        if self.output_shape is None:
            raise NotFittedError("Conv2D has no kernel yet: build it (a Network does) before the forward pass")
        if x.ndim != 4 or x.shape[1:] != self.input_shape:
            raise DataError(f"Conv2D expects input of shape (n, {', '.join(map(str, self.input_shape))}); "
                            f"got {x.shape}")
        self.input = x
        n, (C, H, W), (kh, kw) = x.shape[0], self.input_shape, self.kernel_size
        F, Ho, Wo = self.output_shape
        top, bottom, left, right = self.pads
        image = x.transpose(1, 0, 2, 3)  # channel-major view (C, n, H, W)
        if any(self.pads):
            image = np.zeros((C, n, H + top + bottom, W + left + right), dtype=self.dtype)
            image[:, :, top:top + H, left:left + W] = x.transpose(1, 0, 2, 3)
        cols = self._buffer("cols", (C, kh, kw, n, Ho, Wo))
        for i in range(kh):
            for j in range(kw):
                cols[:, i, j] = self._windows(image, i, j)
        self.cols = cols.reshape(C * kh * kw, n * Ho * Wo)
        net_cm = (self.params["W"].reshape(F, -1) @ self.cols).reshape(F, n, Ho, Wo)  # the single GEMM
        if self.use_bias:
            net_cm += self.params["b"][:, None, None, None]
        # net is shown as (n, F, Ho, Wo) — a view of the channel-major result, not a copy; the
        # activation reads it in that order and writes out contiguously (one pass for both).
        self.net = net_cm.transpose(1, 0, 2, 3)
        self.out = self.activation.apply(self.net, into=np.empty(self.net.shape, dtype=self.dtype))
        return self.out

    def backward(self, dout):
        """``δ = dout ⊙ f′(net)``, then :meth:`backward_net`.

        δ is written channel-major (``(F, n, Ho, Wo)`` in memory, seen as ``(n, F, Ho, Wo)``),
        the layout the gradient's matrix products need, so no transposed copy is made.
        """
        self.dout = dout
        F, Ho, Wo = self.output_shape
        into = np.empty((F, dout.shape[0], Ho, Wo), dtype=self.dtype).transpose(1, 0, 2, 3)
        return self.backward_net(self.activation.vjp(self.net, self.out, dout, into=into))

    def backward_net(self, delta):
        """Given ``δ = ∂E/∂net`` (n, F, Ho, Wo): fill ``∂E/∂W``, ``∂E/∂b`` and return ``∂E/∂x``."""
        self.delta = delta
        n, F = delta.shape[0], self.filters
        d = delta.transpose(1, 0, 2, 3)                                         # (F, n, Ho, Wo)
        if not d.flags.c_contiguous:
            d = self._buffer("delta", d.shape)
            d[...] = delta.transpose(1, 0, 2, 3)
        d = d.reshape(F, -1)                                                    # (F, n·Ho·Wo)
        gW = self.grads["W"].reshape(F, -1)
        if self.cols.shape[0] <= _FEW_COLUMNS:  # e.g. 3×3 on grey images: one matrix-vector product per column
            for c, column in enumerate(self.cols):
                np.matmul(d, column, out=gW[:, c])
        else:
            np.matmul(d, self.cols.T, out=gW)
        if self.use_bias:  # Σ over the columns, as a matrix-vector product with ones (faster than sum)
            np.matmul(d, self._ones(d.shape[1]), out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        (C, H, W), (kh, kw), (_, Ho, Wo) = self.input_shape, self.kernel_size, self.output_shape
        top, bottom, left, right = self.pads
        dcols = (self.params["W"].reshape(F, -1).T @ d).reshape(C, kh, kw, n, Ho, Wo)
        dimage = np.zeros((C, n, H + top + bottom, W + left + right), dtype=self.dtype)
        for i in range(kh):  # col2im: each window's gradient goes back where it came from
            for j in range(kw):
                self._windows(dimage, i, j)[...] += dcols[:, i, j]
        dx = dimage[:, :, top:top + H, left:left + W].transpose(1, 0, 2, 3)
        return np.ascontiguousarray(dx)

    def config(self):
        cfg = {"filters": self.filters, "kernel_size": list(self.kernel_size)}
        if self.stride != (1, 1):
            cfg["stride"] = list(self.stride)
        if self.padding != "valid":
            cfg["padding"] = list(self.padding) if isinstance(self.padding, tuple) else self.padding
        cfg["activation"] = activations.to_config(self.activation)
        if not self.use_bias:
            cfg["use_bias"] = False
        return cfg
