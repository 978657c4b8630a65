"""A network: a stack of layers, a loss, and every parameter by name.

Forward pass: each layer turns its input into its output, keeping what
backpropagation needs (for a dense layer, ``net`` and ``out``). Backward pass: the
loss gives ``∂E/∂out`` of the last layer and each layer, from the top down, turns
``∂E/∂out`` into the gradients of its parameters and ``∂E/∂in`` for the layer below —
the chain rule, one layer at a time.

Parameters are named by the layer they belong to, counting only layers that have
parameters: ``W1, b1`` for the first, ``W2, b2`` for the second, and so on. They all
live in one flat, contiguous buffer (trainable ones first), and so do their
gradients, so an optimizer updates every parameter in a few vectorised operations.

>>> import numpy as np
>>> from glassnet import Network, Dense
>>> net = Network([Dense(2, "sigmoid"), Dense(2, "sigmoid")], loss="total_error", input_shape=2, seed=0)
>>> out = net.forward(np.array([[0.05, 0.10]]))
>>> sorted(net.params)
['W1', 'W2', 'b1', 'b2']
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from . import _memory, losses
from . import training as _training
from .errors import ConfigError, DataError, NotFittedError
from .layers.base import Layer
from .validation import as_float_array

_DTYPES = {"float64": np.float64, "float32": np.float32}

# Built-in activations whose outputs are not probabilities (unbounded, or in (−1, 1)): a
# cross-entropy after them takes the log of negative numbers or of numbers above 1. An
# activation not named here (sigmoid, softmax, one you registered) is trusted.
_NOT_PROBABILITIES = frozenset({"identity", "linear", "relu", "leaky_relu", "tanh", "elu", "selu", "gelu",
                                "swish", "silu", "softplus", "softsign", "hardlims"})


def _check_pairing(layers: Sequence[Layer], loss: losses.Loss) -> None:
    """Refuse a cross-entropy after an output layer that cannot produce probabilities.

    Such a network would train without an error and learn nothing useful (categorical
    cross-entropy of one output is 0 whatever the weights; after ``identity`` the loss
    takes logs of negative numbers).
    """
    if loss.name not in ("categorical_crossentropy", "binary_crossentropy"):
        return
    last = layers[-1]
    activation = getattr(getattr(last, "activation", None), "name", None)
    if activation is None:                          # not a layer with an activation: nothing to judge
        return
    units = getattr(last, "units", None)
    fix = (f"the output layer's activation is {activation!r}. glassnet computes the {loss.fused_with} + "
           f"{loss.name} pair together from the pre-activation (as PyTorch's loss on logits does), so "
           f"adding {loss.fused_with!r} is both right and numerically stable")
    if loss.name == "categorical_crossentropy":
        if units == 1:
            raise ConfigError(
                "loss 'categorical_crossentropy' needs a softmax output layer with one unit per class "
                "(at least 2); this network's output layer has 1 unit, and the categorical cross-entropy "
                "of a single output is 0 whatever the weights. For two classes use Dense(1, 'sigmoid') with "
                "loss='binary_crossentropy', or Dense(2, 'softmax') with 'categorical_crossentropy'")
        if activation.startswith(tuple(_NOT_PROBABILITIES)):
            raise ConfigError(f"loss 'categorical_crossentropy' needs a softmax output layer "
                              f"(e.g. Dense({units or 'K'}, 'softmax')); {fix}")
    elif activation.startswith(tuple(_NOT_PROBABILITIES)):
        raise ConfigError(f"loss 'binary_crossentropy' needs sigmoid outputs "
                          f"(e.g. Dense({units or 1}, 'sigmoid')); {fix}")


def _dtype(dtype) -> np.dtype:
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise ConfigError(f"dtype must be 'float64' or 'float32'; got {dtype!r}") from None
    if d.name not in _DTYPES:
        raise ConfigError(f"dtype must be 'float64' or 'float32'; got {d.name!r}")
    return d


class Network:
    """A feed-forward network of layers trained by backpropagation.

    Parameters
    ----------
    layers : sequence of Layer
    loss : str or Loss, default "total_error"
    input_shape : int or tuple, optional
        The shape of one sample (``2`` or ``(1, 28, 28)``). Without it the network is
        built on the first forward pass.
    dtype : "float64" (default) or "float32"
    seed : int, Generator or None
        Seeds the initial weights and any randomness in training (dropout, shuffling).
    l2 : float, default 0.0
        L2 penalty on the kernels ``W`` (not the biases), scikit-learn's ``alpha``:
        ``E = E_data + l2 / (2 n) · Σ ‖W‖²`` for a batch of ``n`` samples (``n = Σ w_i``
        with sample weights), so ``∂E/∂W`` gains ``(l2 / n) · W``. Keras'
        ``kernel_regularizer=L2(c)`` on every layer is ``l2 = 2 c n``; PyTorch's
        ``weight_decay`` (on kernels only, plain SGD) is ``l2 / n``.
    """

    def __init__(self, layers: Sequence[Layer], loss="total_error", input_shape=None,
                 dtype="float64", seed=None, l2: float = 0.0):
        layers = list(layers)
        if not layers:
            raise ConfigError("a Network needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise ConfigError(f"layer {i} is a {type(layer).__name__}, not a glassnet Layer")
        self.layers = layers
        self.loss = loss
        self.dtype = _dtype(dtype)
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.seed = None if isinstance(seed, np.random.Generator) else seed
        if isinstance(l2, bool) or not isinstance(l2, (int, float, np.integer, np.floating)) \
                or not 0 <= float(l2) < np.inf:
            raise ConfigError(f"l2 must be a finite number >= 0 (scikit-learn's alpha); got {l2!r}")
        self.l2 = float(l2)
        self.input_shape: tuple[int, ...] | None = None
        self._names: list[tuple[str, Layer, str]] = []  # (global name, layer, local name)
        if input_shape is not None:
            self.build(input_shape)

    @property
    def loss(self) -> losses.Loss:
        """The loss (set it by name or as a Loss; a cross-entropy must match the output layer)."""
        return self._loss_fn

    @loss.setter
    def loss(self, value) -> None:
        value = losses.get(value)
        _check_pairing(self.layers, value)
        self._loss_fn = value

    # ------------------------------------------------------------------ building
    @property
    def built(self) -> bool:
        return self.input_shape is not None

    def build(self, input_shape) -> "Network":
        """Create every layer's parameters for samples of shape ``input_shape``."""
        shape = (int(input_shape),) if np.isscalar(input_shape) else tuple(int(s) for s in input_shape)
        if not shape or any(s < 1 for s in shape):
            raise ConfigError(f"input_shape must be positive sizes; got {input_shape!r}")
        self.input_shape = shape
        self._names = []
        k = 0
        for i, layer in enumerate(self.layers, start=1):
            try:
                shape = layer.build(shape, self.rng, self.dtype)
            except ConfigError as err:               # say which layer: there may be several Conv2D
                raise ConfigError(f"layer {i} of {len(self.layers)} ({type(layer).__name__}), "
                                  f"given samples of shape {shape}: {err}") from None
            if layer.params:
                k += 1
                for local in layer.params:
                    self._names.append((f"{local}{k}", layer, local))
        self.output_shape = shape
        self._allocate()
        return self

    def _allocate(self) -> None:
        """Move all parameters (trainable first) into one flat buffer; gradients likewise."""
        order = sorted(self._names, key=lambda e: not e[1].trainable[e[2]])
        sizes = [layer.params[local].size for _, layer, local in order]
        self._flat = _memory.zeros(sum(sizes), self.dtype)
        self._flat_grad = _memory.zeros(sum(sizes), self.dtype)
        self._n_trainable = 0
        offset = 0
        for (name, layer, local), size in zip(order, sizes):
            shape = layer.params[local].shape
            view = self._flat[offset:offset + size].reshape(shape)
            view[...] = layer.params[local]
            layer.params[local] = view
            layer.grads[local] = self._flat_grad[offset:offset + size].reshape(shape)
            if layer.trainable[local]:
                self._n_trainable += size
            offset += size

    def __setstate__(self, state: dict) -> None:
        """After ``copy.deepcopy`` or unpickling: join the parameters into one buffer again
        (each was copied on its own, so they no longer share the flat buffer)."""
        self.__dict__.update(state)
        if self.built:
            self._allocate()

    def _require_built(self) -> None:
        if not self.built:
            raise NotFittedError("the network has no parameters yet: give input_shape, call build(), "
                                 "or run a forward pass first")

    # ------------------------------------------------------------------ parameters
    @property
    def params(self) -> dict[str, np.ndarray]:
        """Every parameter by name (views: writing into them changes the network)."""
        self._require_built()
        return {name: layer.params[local] for name, layer, local in self._names}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """The gradient ``∂E/∂param`` of every parameter from the last backward pass (views)."""
        self._require_built()
        return {name: layer.grads[local] for name, layer, local in self._names}

    @property
    def trainable(self) -> dict[str, bool]:
        """Which parameters gradient descent updates (change with :meth:`freeze`/:meth:`unfreeze`)."""
        self._require_built()
        return {name: layer.trainable[local] for name, layer, local in self._names}

    def _entry(self, name: str) -> tuple[Layer, str]:
        for n, layer, local in self._names:
            if n == name:
                return layer, local
        raise ConfigError(f"no parameter named {name!r}; the network has {', '.join(self.params)}")

    def freeze(self, *names: str) -> "Network":
        """Keep these parameters fixed during training (the seed example freezes ``b1, b2``)."""
        return self._set_trainable(names, False)

    def unfreeze(self, *names: str) -> "Network":
        return self._set_trainable(names, True)

    def _set_trainable(self, names: Iterable[str], flag: bool) -> "Network":
        self._require_built()
        for name in names:
            layer, local = self._entry(name)
            layer.trainable[local] = flag
        self._allocate()
        return self

    def set_params(self, values: dict) -> "Network":
        """Set parameters by name from arrays (shapes must match)."""
        self._require_built()
        for name, value in values.items():
            layer, local = self._entry(name)
            arr = np.asarray(value, dtype=self.dtype)
            target = layer.params[local]
            if arr.shape != target.shape:
                raise ConfigError(f"parameter {name} has shape {target.shape}; got an array of shape {arr.shape}")
            if not np.all(np.isfinite(arr)):
                raise ConfigError(f"parameter {name}: values must be finite")
            target[...] = arr
        return self

    def get_params(self) -> dict[str, np.ndarray]:
        """A copy of every parameter by name."""
        return {k: v.copy() for k, v in self.params.items()}

    @property
    def n_params(self) -> int:
        self._require_built()
        return int(self._flat.size)

    @property
    def flat_params(self) -> np.ndarray:
        """The trainable parameters as one contiguous vector (a view)."""
        self._require_built()
        return self._flat[:self._n_trainable]

    @property
    def flat_grads(self) -> np.ndarray:
        """The gradients of the trainable parameters as one contiguous vector (a view)."""
        self._require_built()
        return self._flat_grad[:self._n_trainable]

    # ------------------------------------------------------------------ passes
    def _check_input(self, X) -> np.ndarray:
        X = as_float_array(X, "X", self.dtype)
        if not self.built:
            self.build(X.shape[1:])
        if X.shape[1:] != self.input_shape:
            raise DataError(f"X has samples of shape {X.shape[1:]} (X.shape = {X.shape}); "
                            f"this network takes samples of shape {self.input_shape}")
        return X

    def _check_target(self, y, n: int) -> np.ndarray:
        """Targets as the output needs them: shape ``(n,) + output_shape``, float.

        For softmax + categorical cross-entropy, class labels are one-hot encoded here
        (the one conversion every entry point uses): integers ``0 … K−1``, as a vector
        of shape ``(n,)`` or a column ``(n, 1)``; floats only when every one is a whole
        number (labels read from a text file), anything else is refused.
        """
        labels = self._class_label_vector(y, n)
        if labels is not None:
            onehot = np.zeros((n, self.output_shape[0]), dtype=self.dtype)
            onehot[np.arange(n), labels] = 1
            return onehot
        y = as_float_array(y, "y", self.dtype, min_ndim=1)
        if y.ndim == 1 and len(self.output_shape) == 1 and self.output_shape[0] == 1:
            y = y.reshape(-1, 1)
        if y.shape != (n,) + self.output_shape:
            raise DataError(f"y has shape {y.shape}; for {n} samples this network's output has shape "
                            f"{(n,) + self.output_shape}" +
                            (" (one-hot encode class labels, e.g. glassnet.datasets.one_hot(y))"
                             if y.ndim == 1 and self.loss.name != "categorical_crossentropy" else ""))
        return y

    def _class_label_vector(self, y, n: int) -> np.ndarray | None:
        """``y`` as integer class labels of shape ``(n,)`` when it is a vector or column of class
        labels for a softmax + categorical cross-entropy output; None when it is not labels."""
        K = self.output_shape
        if self.loss.name != "categorical_crossentropy" or len(K) != 1 or K[0] < 2:
            return None
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:          # a column of labels (as read from a table)
            y = y[:, 0]
        if y.ndim != 1 or y.dtype.kind not in "iubf" or y.shape[0] != n:
            return None                               # not a label vector: the shape check explains
        if y.dtype.kind == "f":
            whole = np.isfinite(y) & (y == np.round(y))
            if not whole.all():
                bad = y[~whole][0]
                raise DataError(f"y is a vector of {n} numbers, so it is read as class labels, but it holds "
                                f"{bad!r}, which is not a whole number: give integer class labels 0 to "
                                f"{K[0] - 1} (e.g. y.astype(int)) or one-hot targets of shape ({n}, {K[0]})")
        if n and (y.min() < 0 or y.max() >= K[0]):
            raise DataError(f"y holds class labels from {y.min()} to {y.max()}; this network has {K[0]} outputs "
                            f"(labels 0 to {K[0] - 1}): give labels in that range, or a softmax layer "
                            "with one unit per class")
        return y.astype(np.intp)

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Run every layer on ``X`` (batch-first) and return the network's output.

        Afterwards each layer holds its input and output (a dense layer also ``net``).
        """
        X = self._check_input(X)
        return self._forward(X, training)

    def _forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            X = layer.forward(X, training)
        return X

    predict = forward

    @property
    def outputs(self) -> list[np.ndarray]:
        """Each layer's output from the last forward pass."""
        return [getattr(layer, "out", None) for layer in self.layers]

    def loss_value(self, X, y, sample_weight=None, training: bool = False) -> float:
        """The loss ``E`` of the network on ``(X, y)`` (``training=True``: as in a training
        pass — dropout on, batch normalisation with the batch's statistics)."""
        X = self._check_input(X)
        y = self._check_target(y, X.shape[0])
        out = self._forward(X, training)
        return self._loss(out, y, sample_weight)

    def _fused(self) -> bool:
        last = self.layers[-1]
        return hasattr(last, "backward_net") and self.loss.fuses(getattr(last, "activation", None))

    def _loss(self, out: np.ndarray, y: np.ndarray, sample_weight=None, labels=None) -> float:
        # labels: one-hot targets given as class indices (fit's path for softmax + cross-entropy)
        if labels is not None:
            value = self.loss.value_from_labels(out, self.layers[-1].net, labels)
        elif self._fused():
            value = self.loss.value_from_net(self.layers[-1].net, y, sample_weight)
        else:
            value = self.loss.value(out, y, sample_weight)
        if self.l2:                                   # + l2/(2n) Σ‖W‖² (scikit-learn's convention)
            n = out.shape[0] if sample_weight is None else float(np.sum(sample_weight))
            value += 0.5 * self.l2 / n * sum(float(np.vdot(W, W)) for W in self._kernels())
        return value

    def _kernels(self) -> list[np.ndarray]:
        """The weight arrays the L2 penalty applies to: every layer's ``W`` (not biases)."""
        return [layer.params["W"] for layer in self.layers if "W" in layer.params]

    def backward(self, y, sample_weight=None) -> dict[str, np.ndarray]:
        """Backpropagate the loss of the last forward pass against targets ``y``.

        Returns the gradient of every parameter by name (views into the gradient buffer).
        """
        self._require_built()
        last = self.layers[-1]
        out = getattr(last, "out", None)
        if out is None:
            raise NotFittedError("backward() needs a forward pass first")
        y = self._check_target(y, out.shape[0])
        self._backward(out, y, sample_weight)
        return self.grads

    def _backward(self, out: np.ndarray, y: np.ndarray, sample_weight=None, labels=None) -> np.ndarray:
        last = self.layers[-1]
        if labels is not None:
            d = last.backward_net(self.loss.fused_delta_from_labels(out, labels, into=last._buffer("delta", out.shape)))
        elif self._fused():
            d = last.backward_net(self.loss.fused_delta(out, y, sample_weight))
        else:
            d = last.backward(self.loss.gradient(out, y, sample_weight))
        for layer in reversed(self.layers[:-1]):
            if d is None:                             # a layer skipped ∂E/∂x: none below has parameters
                break
            d = layer.backward(d)
        if self.l2:                                   # ∂/∂W of l2/(2n) Σ‖W‖² = (l2/n) W
            n = out.shape[0] if sample_weight is None else float(np.sum(sample_weight))
            for layer in self.layers:
                if "W" in layer.params:
                    layer.grads["W"] += (self.l2 / n) * layer.params["W"]
        return d

    def gradients(self, X, y, sample_weight=None) -> tuple[float, dict[str, np.ndarray]]:
        """The loss and a copy of every parameter's gradient on ``(X, y)``."""
        X = self._check_input(X)
        y = self._check_target(y, X.shape[0])
        out = self._forward(X, training=True)
        loss = self._loss(out, y, sample_weight)
        self._backward(out, y, sample_weight)
        return loss, {k: v.copy() for k, v in self.grads.items()}

    def step(self, learning_rate: float) -> None:
        """Plain gradient descent on the trainable parameters: ``θ ← θ − η ∂E/∂θ``."""
        self.flat_params[...] -= learning_rate * self.flat_grads

    def train_step(self, X, y, learning_rate: float, sample_weight=None, order: str = "simultaneous") -> float:
        """One forward pass, backward pass and gradient-descent step; returns the loss before the step.

        ``order="simultaneous"`` (default) is textbook gradient descent: every gradient
        comes from the same weights, then all are updated. ``order="sequential"``
        updates each layer, from the top down, before the ``∂E/∂out`` of the layer
        below is computed — so that signal goes through the *updated* weights (as
        some published code does; see ``docs/explain.md``).
        """
        if order == "simultaneous":
            loss, _ = self.gradients(X, y, sample_weight)
            self.step(learning_rate)
            return loss
        if order != "sequential":
            raise ConfigError(f"order must be 'simultaneous' or 'sequential'; got {order!r}")
        X = self._check_input(X)
        y = self._check_target(y, X.shape[0])
        out = self._forward(X, training=True)
        loss = self._loss(out, y, sample_weight)
        last = self.layers[-1]
        fused = self._fused()
        d = self.loss.fused_delta(out, y, sample_weight) if fused else self.loss.gradient(out, y, sample_weight)
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            backward = last.backward_net if (fused and layer is last) else layer.backward
            backward(d)                                   # fills this layer's gradients
            kept = {k: g.copy() for k, g in layer.grads.items()}
            for local, p in layer.params.items():         # update this layer now
                if layer.trainable[local]:
                    p -= learning_rate * layer.grads[local]
            d_below = backward(d)                         # ∂E/∂in through the updated weights
            for k, g in kept.items():
                layer.grads[k][...] = g
            d = d_below
        return loss

    # Training and evaluation live in glassnet.training; as methods they keep their full
    # signatures and docstrings (help(Network.fit) lists every argument).
    fit = _training.fit
    evaluate = _training.evaluate

    # ------------------------------------------------------------------ description
    def summary(self) -> str:
        """A table of layers, output shapes and parameter counts."""
        self._require_built()
        rows = [("layer", "output shape", "params")]
        for layer in self.layers:
            rows.append((repr(layer), str(layer.output_shape), str(layer.n_params)))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
        frozen = [n for n, t in self.trainable.items() if not t]
        lines.append(f"total parameters: {self.n_params}" + (f" (frozen: {', '.join(frozen)})" if frozen else ""))
        lines.append(f"loss: {self.loss.name}, dtype: {self.dtype.name}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Jupyter: a layer table and the network diagram."""
        from .plot.notebook import network_to_html
        return network_to_html(self)

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Network([{inner}], loss={self.loss.name!r}, input_shape={self.input_shape})"
