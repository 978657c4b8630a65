"""The perceptron: S hard-limit neurons on R inputs, trained by the perceptron rule.

A layer of ``S`` neurons reads an input vector ``p`` of ``R`` numbers through the
weights ``W`` (shape ``(S, R)``; ``W[i, j]`` joins input ``j`` to neuron ``i``) and the
biases ``b`` (shape ``(S,)``)::

    n = W p + b            net input
    a = hardlim(n)         1 if n ≥ 0 else 0      (or hardlims: +1 if n ≥ 0 else −1)

Each neuron splits input space with the hyperplane ``W[i] · p + b[i] = 0``. The
perceptron learning rule (Rosenblatt, 1958) corrects the weights by the error
``e = t − a`` of each presentation::

    W ← W + η e pᵀ         # ΔW = η e pᵀ
    b ← b + η e            # Δb = η e

:meth:`Perceptron.train` checks its arguments and runs the rule: online or batch,
normalized, with the pocket, until it converges, cycles or runs out of epochs, as told
in :mod:`glassnet.perceptron_rule` (which also defines :class:`PerceptronReport`).
:func:`encode_targets` and :func:`decode_outputs` turn class labels into targets and
back (:mod:`glassnet.perceptron_targets`); :func:`novikoff` is :mod:`glassnet.margin`'s.

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

import numbers

import numpy as np

from . import activations
from .errors import ConfigError, DataError, NotFittedError
from .margin import novikoff
from .perceptron_rule import PerceptronReport, run
from .perceptron_targets import TARGET_VALUES, decode_outputs, encode_targets
from .validation import as_float_array

_TRANSFERS = ("hardlim", "hardlims")


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
        lo, hi = TARGET_VALUES[self.transfer.name]
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
        return run(self, P, T, int(epochs), float(learning_rate), mode, normalized, bool(shuffle),
                   bool(pocket), bool(trace))

    def __getstate__(self) -> dict:
        # The transfer function is pickled by its registry name (its lambdas can't be).
        return {**self.__dict__, "transfer": self.transfer.name}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, transfer=activations.get(state["transfer"]))

    def __repr__(self) -> str:
        shape = "unbuilt" if self.W is None else f"S={self.W.shape[0]}, R={self.W.shape[1]}"
        return f"Perceptron({shape}, transfer={self.transfer.name!r}, bias={self.bias})"


__all__ = ["Perceptron", "PerceptronReport", "encode_targets", "decode_outputs", "novikoff"]
