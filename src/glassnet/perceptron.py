"""The perceptron: S hard-limit neurons on R inputs, trained by the perceptron rule.

A layer of ``S`` neurons reads an input vector ``p`` of ``R`` numbers through the
weights ``W`` (shape ``(S, R)``; ``W[i, j]`` joins input ``j`` to neuron ``i``) and the
biases ``b`` (shape ``(S,)``)::

    n = W p + b            net input
    a = hardlim(n)         1 if n ≥ 0 else 0      (or hardlims: +1 if n ≥ 0 else −1)

Each neuron splits input space with the hyperplane ``W[i] · p + b[i] = 0``. The
perceptron learning rule (Rosenblatt, 1958; as taught in Hagan, Demuth & Beale,
*Neural Network Design*, ch. 4, and MATLAB's ``learnp``) corrects the weights by the
error ``e = t − a`` of each presentation::

    e = t − a
    W ← W + η e pᵀ         # ΔW = η e pᵀ
    b ← b + η e            # Δb = η e

``mode="online"`` applies it after every input vector, in the order given (or shuffled
with a seed); ``mode="batch"`` sums the changes of a whole epoch and applies them once.
``normalized=True`` is MATLAB's ``learnpn``: the change uses ``p / √(1 + ‖p‖²)``
instead of ``p`` (``normalized="unit"`` uses ``p / ‖p‖``), so long inputs don't
dominate. The bias change stays ``η e``.

Training stops after the first epoch without an error (``converged=True``). On data no
hyperplane can separate (XOR), it stops at the epoch limit, or as soon as the weights
at the end of an epoch repeat (the rule is then cycling forever), and says so: it never
raises. ``pocket=True`` keeps the weights with the fewest training errors seen
(Gallant's pocket algorithm with ratchet, checked after every update).

For separable data the report gives each neuron's margin γ, the radius R of the
inputs and Novikoff's bound (R/γ)² on the number of updates (see :func:`novikoff`).

>>> import numpy as np
>>> from glassnet.perceptron import Perceptron
>>> P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); T = np.array([0, 0, 0, 1])  # AND
>>> net = Perceptron()
>>> report = net.train(P, T)
>>> report.converged, report.epochs, report.updates, net.W.tolist(), net.b.tolist()
(True, 6, 11, [[2.0, 1.0]], [-3.0])
>>> net.predict(P).ravel().tolist()
[0.0, 0.0, 0.0, 1.0]
"""

from __future__ import annotations

import hashlib
import numbers
from dataclasses import dataclass, field

import numpy as np

from . import activations
from .errors import ConfigError, DataError, NotFittedError
from .margin import novikoff, separable
from .perceptron_trace import explanation as _explanation
from .perceptron_trace import message as _message
from .validation import as_float_array

_TRANSFERS = ("hardlim", "hardlims")
_TARGETS = {"hardlim": (0.0, 1.0), "hardlims": (-1.0, 1.0)}


@dataclass
class PerceptronReport:
    """What training did.

    Attributes
    ----------
    converged : bool
        True when every training vector is classified correctly by the final weights.
    epochs : int
        Epochs run, counting the final error-free one.
    updates : int
        Presentations that changed ``W`` or ``b`` (online), or epochs that did (batch).
    errors : int
        Training vectors misclassified by the final weights (any neuron wrong).
    cycled : bool
        The weights at the end of an epoch repeated earlier ones: training stopped early.
    message : str
        One paragraph for a person.
    history : list of dict
        ``{"epoch", "W", "b", "errors"}`` at the start and after each epoch (for plots).
    updates_per_neuron : ndarray (S,)
        Presentations at which neuron i's error was non-zero.
    margin, bound : ndarray (S,) or None
        Margin γ of each neuron's separation and Novikoff's bound (R/γ)² on its updates
        (online rule, not normalized, data separable).
    radius : float or None
        R = max ‖[p, 1]‖ (‖p‖ without a bias) over the training vectors.
    separable : bool or None
        Whether the data are linearly separable (checked by linear programming when
        training did not converge); None when not checked.
    model : Perceptron
    presentations : list of dict or None
        With ``trace=True``: the numbers of each presentation, ``{"presentation", "epoch",
        "index", "p", "t", "n", "a", "e", "dW", "db", "W", "b"}`` (W and b after it). In
        batch mode each epoch ends with a row whose ``index`` is None: the summed change.
    explanation : Explanation or None
        With ``trace=True``: the same as a table, rendered by ``explanation.render(format)``.
    """

    converged: bool
    epochs: int
    updates: int
    errors: int
    cycled: bool = False
    message: str = ""
    history: list = field(default_factory=list)
    updates_per_neuron: np.ndarray | None = None
    margin: np.ndarray | None = None
    radius: float | None = None
    bound: np.ndarray | None = None
    separable: bool | None = None
    model: "Perceptron | None" = None
    presentations: list | None = None
    explanation: object = None

    def __str__(self) -> str:
        return self.message


class Perceptron:
    """A single layer of S perceptron neurons: ``a = hardlim(W p + b)``.

    Parameters
    ----------
    transfer : {"hardlim", "hardlims"}
        Outputs 0/1 or −1/+1; targets must use the same two values.
    bias : bool, default True
        ``False``: no bias at all (``n = W p``).
    W, b : array-like, optional
        Initial weights (S, R) and biases (S,); ``W`` fixes S and R.
    init : {"zeros", "random"}
        Initial weights when ``W`` is not given: zeros (MATLAB's default), or uniform in
        [−1, 1) drawn from ``seed``.
    seed : int, Generator or None
        For ``init="random"`` and ``shuffle=True``.
    dtype : "float64" (default) or "float32"
    """

    def __init__(self, transfer: str = "hardlim", *, bias: bool = True, W=None, b=None,
                 init: str = "zeros", seed=None, dtype="float64"):
        try:
            name = activations.get(transfer).name
        except ConfigError:
            name = None
        if name not in _TRANSFERS:
            raise ConfigError(f"transfer must be 'hardlim' or 'hardlims'; got {transfer!r}")
        if init not in ("zeros", "random"):
            raise ConfigError(f"init must be 'zeros' or 'random'; got {init!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype.name not in ("float64", "float32"):
            raise ConfigError(f"dtype must be 'float64' or 'float32'; got {self.dtype.name!r}")
        self.transfer = activations.get(name)
        self.bias = bool(bias)
        self.init = init
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.W: np.ndarray | None = None
        self.b: np.ndarray | None = None
        if W is not None:
            self.W = as_float_array(W, "W", self.dtype).copy()
            if self.W.ndim != 2:
                raise ConfigError(f"W must have shape (S, R); got shape {self.W.shape}")
            self._set_bias(b, self.W.shape[0])
        elif b is not None:
            raise ConfigError("b was given without W; give both, or neither")

    def _set_bias(self, b, S: int) -> None:
        if not self.bias:
            if b is not None and np.any(np.asarray(b) != 0):
                raise ConfigError("b was given but bias=False; drop b or set bias=True")
            self.b = np.zeros(S, self.dtype)
            return
        self.b = np.zeros(S, self.dtype) if b is None else as_float_array(b, "b", self.dtype, min_ndim=1).ravel().copy()
        if self.b.shape != (S,):
            raise ConfigError(f"b must have shape ({S},) to match W's {S} neurons; got shape {self.b.shape}")

    def _build(self, S: int, R: int) -> None:
        if self.init == "zeros":
            self.W = np.zeros((S, R), self.dtype)
        else:
            self.W = self.rng.uniform(-1.0, 1.0, (S, R)).astype(self.dtype)
        b = None if not self.bias or self.init == "zeros" else self.rng.uniform(-1.0, 1.0, S)
        self._set_bias(b, S)

    # ------------------------------------------------------------------ use
    def net_input(self, P) -> np.ndarray:
        """``n = W p + b`` for each row ``p`` of ``P``: shape (Q, S)."""
        P = self._check_inputs(P)
        return P @ self.W.T + self.b

    def predict(self, P) -> np.ndarray:
        """``a = hardlim(W p + b)`` for each row of ``P``: shape (Q, S)."""
        return self.transfer(self.net_input(P))

    def _check_inputs(self, P) -> np.ndarray:
        if self.W is None:
            raise NotFittedError("this Perceptron has no weights yet: give W or call train() first")
        P = as_float_array(P, "P", self.dtype)
        if P.ndim != 2 or P.shape[1] != self.W.shape[1]:
            raise DataError(f"P has {P.shape[1:]} inputs per vector (P.shape = {P.shape}); this perceptron "
                            f"has R = {self.W.shape[1]} inputs (W.shape = {self.W.shape})")
        return P

    def _check_targets(self, T, Q: int) -> np.ndarray:
        T = as_float_array(T, "T", self.dtype, min_ndim=1)
        T = T.reshape(-1, 1) if T.ndim == 1 else T
        if T.ndim != 2 or T.shape[0] != Q:
            raise DataError(f"T must have one row per input vector ({Q}); got shape {T.shape}")
        lo, hi = _TARGETS[self.transfer.name]
        bad = ~np.isin(T, (lo, hi))
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise DataError(f"T must hold only {lo:g} and {hi:g} (the outputs of {self.transfer.name}); "
                            f"got {T[row, col]:g} at row {row}, column {col} (0-based). For class labels use "
                            f"glassnet.perceptron.encode_targets(y, {self.transfer.name!r})")
        if self.W is not None and T.shape[1] != self.W.shape[0]:
            raise DataError(f"T has {T.shape[1]} columns; this perceptron has S = {self.W.shape[0]} neurons, "
                            "one target column per neuron")
        return T

    # ------------------------------------------------------------------ training
    def train(self, P, T, epochs: int = 100, learning_rate: float = 1.0, mode: str = "online",
              normalized: bool | str = False, shuffle: bool = False, pocket: bool = False,
              trace: bool = False) -> PerceptronReport:
        """Train with the perceptron rule until an epoch has no error, or ``epochs`` run out.

        Parameters
        ----------
        P : array-like (Q, R)
            Input vectors, one per row.
        T : array-like (Q,) or (Q, S)
            Targets: 0/1 for hardlim, −1/+1 for hardlims.
        epochs : int
            The most passes through the data.
        learning_rate : float
            η in ``W ← W + η e pᵀ``.
        mode : {"online", "batch"}
        normalized : bool or {"learnpn", "unit"}
            Use ``p / √(1 + ‖p‖²)`` (True, "learnpn") or ``p / ‖p‖`` ("unit") in ΔW.
        shuffle : bool
            Present the vectors in a new random order each epoch (online mode; from ``seed``).
        pocket : bool
            Keep the weights with the fewest training errors seen.
        trace : bool
            Record one table row per presentation (``report.explanation``).

        Returns
        -------
        PerceptronReport
        """
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ConfigError(f"epochs must be an integer ≥ 1; got {epochs!r}")
        if (isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real)
                or not np.isfinite(learning_rate) or learning_rate <= 0):
            raise ConfigError(f"learning_rate must be a finite number > 0; got {learning_rate!r}")
        if mode not in ("online", "batch"):
            raise ConfigError(f"mode must be 'online' or 'batch'; got {mode!r}")
        if normalized not in (False, True, "learnpn", "unit"):
            raise ConfigError(f"normalized must be False, True, 'learnpn' or 'unit'; got {normalized!r}")
        if shuffle and mode == "batch":
            raise ConfigError("shuffle=True has no effect in batch mode (the order does not matter); drop it")
        P = as_float_array(P, "P", self.dtype)
        if P.ndim != 2:
            raise DataError(f"P must have shape (Q, R), one input vector per row; got shape {P.shape}")
        T = self._check_targets(T, P.shape[0])
        if self.W is None:
            self._build(T.shape[1], P.shape[1])
        P = self._check_inputs(P)
        return _run(self, P, T, int(epochs), float(learning_rate), mode, normalized, bool(shuffle),
                   bool(pocket), bool(trace))

    def __getstate__(self) -> dict:
        # The transfer function is pickled by its registry name (its lambdas can't be).
        return {**self.__dict__, "transfer": self.transfer.name}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, transfer=activations.get(state["transfer"]))

    def __repr__(self) -> str:
        shape = "unbuilt" if self.W is None else f"S={self.W.shape[0]}, R={self.W.shape[1]}"
        return f"Perceptron({shape}, transfer={self.transfer.name!r}, bias={self.bias})"


# ---------------------------------------------------------------- the rule, epoch by epoch


def _update_vectors(P: np.ndarray, normalized) -> np.ndarray:
    """The vectors the rule adds: ``p``, ``p / √(1 + ‖p‖²)`` (learnpn) or ``p / ‖p‖`` (unit; 0 stays 0)."""
    if not normalized:
        return P
    sq = np.einsum("ij,ij->i", P, P)[:, None]
    if normalized == "unit":
        norm = np.sqrt(sq)
        return np.divide(P, norm, out=np.zeros_like(P), where=norm > 0)
    return P / np.sqrt(1 + sq)


def _errors(model: Perceptron, P: np.ndarray, T: np.ndarray) -> int:
    """How many input vectors get a wrong output from at least one neuron."""
    return int(np.count_nonzero((model.transfer(P @ model.W.T + model.b) != T).any(axis=1)))


class _Run:
    """The state of one call to :meth:`Perceptron.train` (kept together so each epoch stays short)."""

    def __init__(self, model, P, T, lr, normalized, pocket, trace):
        self.model, self.P, self.T, self.lr = model, P, T, lr
        self.U = _update_vectors(P, normalized)
        self.counts = np.zeros(T.shape[1], dtype=np.int64)
        self.updates = 0
        self.pocket = (_errors(model, P, T), model.W.copy(), model.b.copy()) if pocket else None
        self.rows: list | None = [] if trace else None
        self.presented = 0

    def apply(self, dW: np.ndarray, db: np.ndarray) -> None:
        m = self.model
        m.W += dW
        if m.bias:
            m.b += db
        self.updates += 1
        if self.pocket is not None:
            errors = _errors(m, self.P, self.T)
            if errors < self.pocket[0]:
                self.pocket = (errors, m.W.copy(), m.b.copy())

    def record(self, epoch, q, n, a, e, dW, db) -> None:
        """Keep one presentation's numbers (when tracing); ``q`` is None for a batch's summed change."""
        if self.rows is not None:
            self.presented += q is not None
            m = self.model
            self.rows.append({"presentation": self.presented if q is not None else None, "epoch": epoch,
                              "index": q, "p": None if q is None else self.P[q].copy(),
                              "t": None if q is None else self.T[q].copy(), "n": n, "a": a, "e": e,
                              "dW": dW.copy(), "db": db.copy(), "W": m.W.copy(), "b": m.b.copy()})

    def online_epoch(self, epoch: int, order: np.ndarray) -> int:
        """Present each vector in ``order``; returns how many changed the weights.

        The weights change only after an error, so the net inputs of the vectors up to
        the next error are computed together, in blocks sized to twice the last run of
        correct answers (a wasted tail costs one vectorised product, not a Python loop).
        """
        m, f, P, T, U, lr = self.model, self.model.transfer, self.P, self.T, self.U, self.lr
        changed, i, block, run = 0, 0, 8, 0
        while i < len(order):
            idx = order[i:i + block]
            N = P[idx] @ m.W.T + m.b
            A = f(N)
            E = T[idx] - A
            wrong = np.flatnonzero(E.any(axis=1))
            stop = int(wrong[0]) + 1 if wrong.size else len(idx)
            if self.rows is not None:
                zero_W, zero_b = np.zeros_like(m.W), np.zeros_like(m.b)
                for k in range(stop - 1 if wrong.size else stop):
                    self.record(epoch, idx[k], N[k], A[k], E[k], zero_W, zero_b)
            if wrong.size:
                k = stop - 1
                e = E[k]
                dW, db = lr * np.outer(e, U[idx[k]]), lr * e if m.bias else np.zeros_like(e)
                self.apply(dW, db)
                self.counts += e != 0
                self.record(epoch, idx[k], N[k], A[k], e, dW, db)
                changed += 1
                block, run = min(4096, max(8, 2 * (run + stop))), 0
            else:
                block, run = min(4096, 2 * block), run + stop
            i += stop
        return changed

    def batch_epoch(self, epoch: int) -> int:
        """Present every vector with the same weights, then apply the summed change once."""
        m, P, T, U, lr = self.model, self.P, self.T, self.U, self.lr
        N = P @ m.W.T + m.b
        A = m.transfer(N)
        E = T - A
        for q in range(len(P) if self.rows is not None else 0):
            db = lr * E[q] if m.bias else np.zeros_like(E[q])
            self.record(epoch, q, N[q], A[q], E[q], lr * np.outer(E[q], U[q]), db)
        if not E.any():
            return 0
        self.counts += (E != 0).sum(axis=0)
        dW, db = lr * E.T @ U, lr * E.sum(axis=0)
        self.apply(dW, db)
        self.record(epoch, None, None, None, None, dW, db if m.bias else np.zeros_like(db))
        return 1


def _run(model: Perceptron, P, T, epochs, lr, mode, normalized, shuffle, pocket, trace) -> PerceptronReport:
    run = _Run(model, P, T, lr, normalized, pocket, trace)
    history = [{"epoch": 0, "W": model.W.copy(), "b": model.b.copy(), "errors": _errors(model, P, T)}]
    seen = {_state_key(model.W, model.b): 0}
    converged = cycled = False
    cycle_from = None
    epoch = 0
    for epoch in range(1, epochs + 1):
        if mode == "online":
            order = model.rng.permutation(len(P)) if shuffle else np.arange(len(P))
            changed = run.online_epoch(epoch, order)
        else:
            changed = run.batch_epoch(epoch)
        history.append({"epoch": epoch, "W": model.W.copy(), "b": model.b.copy(),
                        "errors": _errors(model, P, T)})
        if changed == 0:
            converged = True
            break
        key = _state_key(model.W, model.b)
        if not shuffle and key in seen:
            cycled, cycle_from = True, seen[key]
            break
        seen[key] = epoch
    errors = history[-1]["errors"]
    if run.pocket is not None and run.pocket[0] < errors:
        errors = run.pocket[0]
        model.W[...], model.b[...] = run.pocket[1], run.pocket[2]
    converged = converged or errors == 0
    report = PerceptronReport(converged=converged, epochs=epoch, updates=run.updates, errors=errors,
                              cycled=cycled, history=history, updates_per_neuron=run.counts, model=model)
    if converged and mode == "online" and not normalized:
        report.margin, report.radius, report.bound = novikoff(P, T, bias=model.bias, W=model.W, b=model.b)
    if not converged:
        report.separable = separable(P, T, bias=model.bias)
    report.message = _message(report, len(P), cycle_from, pocket)
    if trace:
        report.presentations = run.rows
        report.explanation = _explanation(model, report, lr, mode, normalized)
    return report


# ---------------------------------------------------------------- class labels ↔ targets


def encode_targets(y, transfer: str = "hardlim", coding: str = "onehot") -> tuple[np.ndarray, np.ndarray]:
    """Turn class labels into perceptron targets: returns ``(T, classes)``.

    Two classes need one neuron (``classes[1]`` ↔ the high output). More classes use
    ``coding="onehot"`` (S = K neurons, one per class) or ``"binary"`` (S = ⌈log₂ K⌉
    neurons spelling the class index in bits, most significant first).

    >>> T, classes = encode_targets(["a", "b", "c"], "hardlims")
    >>> T.tolist()
    [[1.0, -1.0, -1.0], [-1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
    """
    if transfer not in _TARGETS:
        raise ConfigError(f"transfer must be 'hardlim' or 'hardlims'; got {transfer!r}")
    if coding not in ("onehot", "binary"):
        raise ConfigError(f"coding must be 'onehot' or 'binary'; got {coding!r}")
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise DataError(f"y must be a non-empty 1-D array of labels; got shape {y.shape}")
    classes, index = np.unique(y, return_inverse=True)
    K = len(classes)
    if K < 2:
        raise DataError(f"y has only one class ({classes[0].item()!r}); a classifier needs at least two")
    if K == 2:
        bits = index.reshape(-1, 1)
    elif coding == "onehot":
        bits = (index[:, None] == np.arange(K)).astype(int)
    else:
        S = int(np.ceil(np.log2(K)))
        bits = (index[:, None] >> np.arange(S - 1, -1, -1)) & 1
    lo, hi = _TARGETS[transfer]
    return np.where(bits == 1, hi, lo).astype(np.float64), classes


def decode_outputs(N, classes, coding: str = "onehot") -> np.ndarray:
    """Class labels from net inputs ``N`` (Q, S), the inverse of :func:`encode_targets`.

    One neuron: ``n ≥ 0`` → ``classes[1]``. One-hot: the neuron with the largest net
    input wins (ties to the first). Binary: the bits ``n ≥ 0``, clipped to the last class.
    """
    N = np.asarray(N)
    classes = np.asarray(classes)
    if N.shape[1] == 1:
        return classes[(N[:, 0] >= 0).astype(int)]
    if coding == "onehot":
        return classes[np.argmax(N, axis=1)]
    index = ((N >= 0).astype(int) << np.arange(N.shape[1] - 1, -1, -1)).sum(axis=1)
    return classes[np.minimum(index, len(classes) - 1)]


def _state_key(W: np.ndarray, b: np.ndarray) -> bytes:
    return hashlib.blake2b(W.tobytes() + b.tobytes(), digest_size=16).digest()


__all__ = ["Perceptron", "PerceptronReport", "encode_targets", "decode_outputs", "novikoff"]
