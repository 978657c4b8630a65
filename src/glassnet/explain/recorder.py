"""Record one round of training from the engine's own computation.

:func:`record` runs the engine — ``Network.train_step`` (forward pass, loss, backward
pass, gradient-descent update, in either update order), then a fresh forward pass
with the new weights — and copies what each layer kept: its input, ``net``, ``out``,
``∂E/∂out``, ``δ = ∂E/∂net``, the gradients and the parameters before and after.
Nothing is recomputed here; the views (:mod:`.scalar`, :mod:`.matrix`) only arrange
these numbers into steps. The network is left as it was found.

>>> import numpy as np
>>> from glassnet.explain.seed import seed_network, SEED_X, SEED_Y
>>> trace = record(seed_network(), SEED_X, SEED_Y, learning_rate=0.5)
>>> round(trace.loss_before, 9)
0.298371109
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import ConfigError
from ..layers.dense import Dense

ORDERS = ("simultaneous", "sequential")


@dataclass
class LayerRecord:
    """What one dense layer computed in the recorded round (copies, batch-first)."""

    index: int                      # 1-based, as in W1, b1
    activation: object
    input: np.ndarray               # (n, R)
    W: np.ndarray                   # (S, R), before the update
    b: np.ndarray | None            # (S,)
    net: np.ndarray                 # (n, S)
    out: np.ndarray                 # (n, S)
    dout: np.ndarray | None         # ∂E/∂out (None for a fused output layer)
    delta: np.ndarray               # ∂E/∂net
    dW: np.ndarray
    db: np.ndarray | None
    W_new: np.ndarray
    b_new: np.ndarray | None
    trainable_W: bool
    trainable_b: bool

    @property
    def units(self) -> int:
        return self.W.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.W.shape[1]


@dataclass
class Trace:
    """One recorded round: the layers, the loss before and after, the settings."""

    layers: list[LayerRecord]
    X: np.ndarray
    y: np.ndarray
    loss_name: str
    loss: object
    learning_rate: float
    order: str
    fused: bool
    loss_before: float
    loss_after: float
    out_after: np.ndarray
    sample_factors: np.ndarray      # s_i of E = Σ_i s_i L_i: the loss's own Loss.sample_factors (1/n for the mean)
    per_sample_loss: np.ndarray     # L_i, the loss of each sample, as the engine computes it
    names: dict = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def is_mean(self) -> bool:
        """True when the reduction is the plain mean over the samples (every ``s_i = 1/n``)."""
        return bool(np.all(self.sample_factors == 1.0 / self.n_samples))


def _copy(a):
    return None if a is None else np.array(a, copy=True)


def _check_distributions(y: np.ndarray) -> None:
    """Softmax + categorical cross-entropy is explained by its fused ``∂E/∂net = out − target``,
    which holds when each sample's targets sum to 1 (the engine computes ``out · Σ target − target``).
    Samples are numbered from 1, as the explanation's ``L_1, L_2, …``."""
    sums = np.asarray(y, dtype=np.float64).sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1) > 1e-9)
    if bad.size:
        raise ConfigError(f"targets: with a softmax output and categorical_crossentropy each sample's targets must "
                          f"sum to 1 (one-hot labels or probabilities), as the explained ∂E/∂net = out − target "
                          f"assumes; sample {bad[0] + 1} sums to {sums[bad[0]]:g}")


def check_dense(network) -> list[Dense]:
    """The network's layers, if every one is a Dense layer (what the explanation knows)."""
    for i, layer in enumerate(network.layers):
        if not isinstance(layer, Dense):
            raise ConfigError(f"explain() shows dense networks step by step; layer {i} is "
                              f"{type(layer).__name__}. (Convolution and pooling have their own "
                              "explanation: glassnet.explain.explain_conv.)")
    return list(network.layers)


def record(network, X, y, learning_rate: float, order: str = "simultaneous", sample_weight=None) -> Trace:
    """Run one round of training on ``network`` and record every value it computed.

    Parameters
    ----------
    network : Network
        A network of Dense layers. It is restored afterwards (parameters unchanged).
    X, y : array-like
        Inputs (batch-first) and targets.
    learning_rate : float
        η of the gradient-descent update: finite and positive.
    order : "simultaneous" or "sequential"
        See :meth:`glassnet.Network.train_step`.
    """
    if order not in ORDERS:
        raise ConfigError(f"order must be one of {', '.join(ORDERS)}; got {order!r}")
    number = (int, float, np.integer, np.floating)
    if (isinstance(learning_rate, (bool, np.bool_)) or not isinstance(learning_rate, number)
            or not np.isfinite(learning_rate) or not learning_rate > 0):
        raise ConfigError(f"learning_rate must be a finite positive number; got {learning_rate!r}")
    X = network._check_input(X)
    layers = check_dense(network)
    if getattr(network, "l2", 0):
        raise ConfigError(f"explain() shows the loss and its gradients without a weight penalty; this network has "
                          f"l2={network.l2!r}. Explain a copy without it — plain = copy.deepcopy(network); "
                          f"plain.l2 = 0.0; explain(plain, X, y) — which shows the data part: the penalty adds "
                          f"(l2/n)·W to each ∂E/∂W and l2/(2n)·Σ‖W‖² to E (n samples)")
    y = network._check_target(y, X.shape[0])
    before = network.get_params()
    trainable = network.trainable
    fused = network._fused()
    if fused and network.loss.name == "categorical_crossentropy":
        _check_distributions(y)
    for layer in layers:            # so that a stale value from an earlier pass is never recorded
        layer.dout = None
    try:
        loss_before = network.train_step(X, y, float(learning_rate), sample_weight, order=order)
        after = network.get_params()
        records = []
        for k, layer in enumerate(layers, start=1):
            has_b = f"b{k}" in before
            records.append(LayerRecord(
                index=k, activation=layer.activation, input=_copy(layer.input),
                W=before[f"W{k}"], b=before.get(f"b{k}"), net=_copy(layer.net), out=_copy(layer.out),
                dout=None if (fused and layer is layers[-1]) else _copy(layer.dout),
                delta=_copy(layer.delta), dW=_copy(layer.grads["W"]),
                db=_copy(layer.grads["b"]) if has_b else None,
                W_new=after[f"W{k}"], b_new=after.get(f"b{k}"),
                trainable_W=trainable[f"W{k}"], trainable_b=has_b and trainable[f"b{k}"]))
        out_after = np.array(network.forward(X), copy=True)
        loss_after = network._loss(out_after, y, sample_weight)
    finally:
        network.set_params(before)
    loss, last = network.loss, records[-1]
    per_sample = loss.per_sample_from_net(last.net, y) if fused else loss.per_sample(last.out, y)
    return Trace(records, X.copy(), y.copy(), loss.name, loss, float(learning_rate), order,
                 fused, float(loss_before), float(loss_after), out_after,
                 sample_factors=loss.sample_factors(X.shape[0], sample_weight),
                 per_sample_loss=np.asarray(per_sample, dtype=np.float64).reshape(-1))


# ---------------------------------------------------------------- names in the seed's notation


def neuron_prefixes(n_layers: int) -> list[str]:
    """``["h", "o"]`` for one hidden layer; ``["h1_", "h2_", "o"]`` for two; ``["o"]`` for none."""
    hidden = n_layers - 1
    if hidden == 1:
        return ["h", "o"]
    return [f"h{l}_" for l in range(1, hidden + 1)] + ["o"]


def scalar_names(trace: Trace) -> dict:
    """Names of every input, neuron, weight and bias, in the seed's notation.

    Weights are numbered ``w1, w2, …`` layer by layer, neuron by neuron, input by
    input (so in the seed ``w5`` joins ``h1`` to ``o1``). A layer whose biases are all
    equal and fixed shares one name, ``b1`` (as in the seed); otherwise each neuron has
    its own, ``b_h1``.
    """
    prefixes = neuron_prefixes(len(trace.layers))
    units = [[f"i{j + 1}" for j in range(trace.layers[0].n_inputs)]]
    weights, biases = [], []
    counter = 0
    for rec, prefix in zip(trace.layers, prefixes):
        units.append([f"{prefix}{i + 1}" for i in range(rec.units)])
        w = []
        for i in range(rec.units):
            row = []
            for j in range(rec.n_inputs):
                counter += 1
                row.append(f"w{counter}")
            w.append(row)
        weights.append(w)
        if rec.b is None:
            biases.append(None)
        elif not rec.trainable_b and np.all(rec.b == rec.b[0]):
            biases.append([f"b{rec.index}"] * rec.units)
        else:
            biases.append([f"b_{u}" for u in units[-1]])
    return {"units": units, "weights": weights, "biases": biases}
