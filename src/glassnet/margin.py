"""Linear separability, the margin γ and Novikoff's bound on the perceptron's updates.

For labels ``y_i = ±1`` and augmented inputs ``x̃_i = [p_i, 1]`` (or ``p_i`` without a
bias), write ``z_i = y_i x̃_i``. The data are strictly separable when some ``u`` gives
``u · z_i > 0`` for every i. Novikoff (1962): if a unit vector ``u`` gives every
``u · z_i ≥ γ > 0`` and ``R = max ‖x̃_i‖``, the perceptron rule started from zero makes at
most ``(R/γ)²`` updates.

>>> import numpy as np
>>> from glassnet.margin import novikoff, separable
>>> P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
>>> separable(P, [0, 0, 0, 1]), separable(P, [0, 1, 1, 0])       # AND, XOR
(True, False)
"""

from __future__ import annotations

import numpy as np



def _signed(P: np.ndarray, T: np.ndarray, bias: bool) -> tuple[np.ndarray, np.ndarray]:
    """``z_i = y_i x̃_i`` per neuron, with ``x̃ = [p, 1]`` (or ``p`` without a bias) and ``y = ±1``."""
    X = np.hstack([P, np.ones((len(P), 1))]) if bias else P
    Y = np.where(T > 0, 1.0, -1.0)
    return X.astype(np.float64), Y


def separable(P, T, bias: bool = True, max_size: int = 2_000_000) -> bool | None:
    """Whether every neuron's classes can be split by a hyperplane (strictly).

    A linear program looks for ``u`` with ``y_i u · x̃_i ≥ 1`` for all i (feasible exactly
    when the data are strictly separable). None when ``Q·R > max_size`` (not checked).
    """
    from scipy.optimize import linprog

    X, Y = _signed(np.asarray(P, float), np.asarray(T, float).reshape(len(P), -1), bias)
    if X.size > max_size:
        return None
    for i in range(Y.shape[1]):
        Z = Y[:, i:i + 1] * X
        res = linprog(np.zeros(X.shape[1]), A_ub=-Z, b_ub=-np.ones(len(Z)), bounds=(None, None), method="highs")
        if res.status != 0:
            return False
    return True


def novikoff(P, T, bias: bool = True, W=None, b=None):
    """Margin γ (per neuron), radius R and Novikoff's bound (R/γ)² for separable data.

    Novikoff (1962): started from zero, the perceptron makes at most ``(R/γ)²`` updates
    when some unit vector ``u`` gives every ``z_i = y_i x̃_i`` the margin ``u · z_i ≥ γ``
    (``x̃ = [p, 1]``, ``R = max ‖x̃‖``). Any such ``u`` gives a valid bound; the largest γ
    gives the tightest. γ here is the larger of

    * the maximum margin: ``u = v / ‖v‖`` where ``v`` minimises ``½ ‖v‖²`` subject to
      ``z_i · v ≥ 1`` for every i (the hard-margin SVM through the origin, in its primal
      form: R + 1 unknowns, solved by SLSQP), γ = min_i u · z_i;
    * the margin of the given hyperplane ``(W[i], b[i])``, when it separates.

    Returns ``(margin, radius, bound)``: arrays (S,), float, arrays (S,); a neuron whose
    data are not strictly separable gets γ = 0 and bound = inf.
    """
    from scipy.optimize import minimize

    P = np.asarray(P, np.float64)
    X, Y = _signed(P, np.asarray(T, float).reshape(len(P), -1), bias)
    radius = float(np.sqrt((X * X).sum(axis=1).max()))
    margins = np.zeros(Y.shape[1])
    for i in range(Y.shape[1]):
        Z = Y[:, i:i + 1] * X
        res = minimize(lambda v: (0.5 * v @ v, v), np.zeros(Z.shape[1]), jac=True, method="SLSQP",
                       constraints=[{"type": "ineq", "fun": lambda v: Z @ v - 1, "jac": lambda v: Z}],
                       options={"maxiter": 500, "ftol": 1e-14})
        candidates = [res.x]
        if W is not None:
            candidates.append(np.append(W[i], b[i]) if bias else np.asarray(W[i], float))
        for u in candidates:
            norm = np.linalg.norm(u)
            if norm > 0:
                margins[i] = max(margins[i], float((Z @ u).min() / norm))
    with np.errstate(divide="ignore"):
        bound = np.where(margins > 0, (radius / np.where(margins > 0, margins, 1)) ** 2, np.inf)
    return margins, radius, bound


__all__ = ["separable", "novikoff"]
