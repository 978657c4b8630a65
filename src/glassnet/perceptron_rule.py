"""The perceptron learning rule, epoch by epoch: how a :class:`~glassnet.perceptron.Perceptron` trains.

The rule (Rosenblatt, 1958; as taught in Hagan, Demuth & Beale, *Neural Network
Design*, ch. 4, and MATLAB's ``learnp``) corrects the weights by the error ``e = t − a``
of each presentation of an input vector ``p`` with target ``t``::

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
inputs and Novikoff's bound (R/γ)² on the number of updates (see
:func:`~glassnet.margin.novikoff`). What the report says in words, and its trace table,
come from :mod:`glassnet.perceptron_trace`.

:func:`run` is called by :meth:`~glassnet.perceptron.Perceptron.train` once the
arguments are checked; :class:`PerceptronReport` is also importable from
:mod:`glassnet.perceptron`.

>>> from glassnet.perceptron import Perceptron
>>> report = Perceptron().train([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], epochs=50)   # XOR
>>> report.converged, report.cycled, report.separable
(False, True, False)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .margin import novikoff, separable
from .perceptron_trace import explanation as _explanation
from .perceptron_trace import message as _message

if TYPE_CHECKING:
    from .perceptron import Perceptron


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


def _state_key(W: np.ndarray, b: np.ndarray) -> bytes:
    """A short fingerprint of the weights, to notice that an epoch ends where an earlier one did."""
    return hashlib.blake2b(W.tobytes() + b.tobytes(), digest_size=16).digest()


def run(model: Perceptron, P, T, epochs, lr, mode, normalized, shuffle, pocket, trace) -> PerceptronReport:
    """Train ``model`` in place on checked ``P`` (Q, R) and ``T`` (Q, S); what happened, as a report.

    Epochs run until one changes nothing (converged), ``epochs`` run out, or, without
    shuffling, the weights at the end of an epoch repeat those of an earlier one (cycling).
    With ``pocket`` the best weights seen are put back at the end.
    """
    state = _Run(model, P, T, lr, normalized, pocket, trace)
    history = [{"epoch": 0, "W": model.W.copy(), "b": model.b.copy(), "errors": _errors(model, P, T)}]
    seen = {_state_key(model.W, model.b): 0}
    converged = cycled = False
    cycle_from = None
    epoch = 0
    for epoch in range(1, epochs + 1):
        if mode == "online":
            order = model.rng.permutation(len(P)) if shuffle else np.arange(len(P))
            changed = state.online_epoch(epoch, order)
        else:
            changed = state.batch_epoch(epoch)
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
    if state.pocket is not None and state.pocket[0] < errors:
        errors = state.pocket[0]
        model.W[...], model.b[...] = state.pocket[1], state.pocket[2]
    converged = converged or errors == 0
    report = PerceptronReport(converged=converged, epochs=epoch, updates=state.updates, errors=errors,
                              cycled=cycled, history=history, updates_per_neuron=state.counts, model=model)
    if converged and mode == "online" and not normalized:
        report.margin, report.radius, report.bound = novikoff(P, T, bias=model.bias, W=model.W, b=model.b)
    if not converged:
        report.separable = separable(P, T, bias=model.bias)
    report.message = _message(report, len(P), cycle_from, pocket)
    if trace:
        report.presentations = state.rows
        report.explanation = _explanation(model, report, lr, mode, normalized)
    return report


__all__ = ["PerceptronReport"]
