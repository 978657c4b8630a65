"""Finite-difference gradient checks you can run on your own network.

For every parameter entry θ the analytic gradient (from backpropagation) is compared
with the central difference

    (E(θ + h) − E(θ − h)) / 2h

and their relative error ``|a − n| / max(|a|, |n|)`` (0 when both are 0).
Unlike a pass/fail check, the whole table is returned, so you can see *which*
weight is wrong.

An entry passes when its relative error is within the tolerance, or when ``|a − n|``
is below the rounding noise of the difference itself, ``4 ε |E| / h`` (ε the machine
epsilon): E is only known to about ε|E|, so a gradient much smaller than ε|E|/h —
a saturated sigmoid, a large loss — cannot be measured this way, and is not called
wrong for it.

>>> import numpy as np
>>> from glassnet import Network, Dense, gradcheck
>>> net = Network([Dense(3, "tanh"), Dense(1)], loss="mse", input_shape=2, seed=0)
>>> X, y = np.random.default_rng(0).normal(size=(4, 2)), np.ones((4, 1))
>>> report = gradcheck(net, X, y)
>>> report.ok
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ConfigError


@dataclass
class GradCheckRow:
    name: str           # "W1[0, 1]"
    analytic: float
    numeric: float
    rel_error: float
    noise: float = 0.0  # rounding error the numeric value may carry: 4 ε max|E(θ ± h)| / h

    def passes(self, tolerance: float) -> bool:
        """Relative error within ``tolerance``, or a difference below the rounding noise."""
        return self.rel_error <= tolerance or abs(self.analytic - self.numeric) <= self.noise


@dataclass
class GradCheckReport:
    rows: list[GradCheckRow]
    tolerance: float

    @property
    def max_rel_error(self) -> float:
        return max((r.rel_error for r in self.rows), default=0.0)

    @property
    def failures(self) -> list[GradCheckRow]:
        """The rows that do not pass."""
        return [r for r in self.rows if not r.passes(self.tolerance)]

    @property
    def ok(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        w = max([len(r.name) for r in self.rows] + [9])
        lines = [f"{'parameter':<{w}}  {'analytic':>16}  {'numeric':>16}  {'rel. error':>10}"]
        for r in self.rows:
            flag = ("" if r.rel_error <= self.tolerance else
                    "  (below rounding noise)" if r.passes(self.tolerance) else "  <-- FAIL")
            lines.append(f"{r.name:<{w}}  {r.analytic:>16.9e}  {r.numeric:>16.9e}  {r.rel_error:>10.2e}{flag}")
        verdict = "OK" if self.ok else "FAILED"
        failed = len(self.failures)
        lines.append(f"{verdict}: {len(self.rows)} entries" + (f", {failed} failed" if failed else "") +
                     f", max relative error {self.max_rel_error:.2e} (tolerance {self.tolerance:.0e})")
        return "\n".join(lines)

    _repr_pretty_ = lambda self, p, cycle: p.text(str(self))  # noqa: E731  (IPython display)


def relative_error(a, b) -> np.ndarray:
    """``|a − b| / max(|a|, |b|)``, 0 where both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.abs(a), np.abs(b))
    return np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0.0)


def gradcheck(network, X, y, eps: float = 1e-6, tolerance: float = 1e-5, sample_weight=None,
              params: list[str] | None = None, verbose: bool = False) -> GradCheckReport:
    """Compare backpropagation's gradients with central finite differences, entry by entry.

    Parameters
    ----------
    network : Network
    X, y : arrays
        A (small) batch and its targets.
    eps : float
        The step h. Use float64 networks: float32 differences are too coarse.
    tolerance : float
        The relative error above which an entry is flagged.
    params : list of names, optional
        Check only these parameters (default: all, trainable or not).
    verbose : bool
        Print the table.

    Returns
    -------
    GradCheckReport
        ``rows`` (name, analytic, numeric, relative error), ``max_rel_error``, ``ok``.
    """
    if network.dtype != np.float64:
        raise ConfigError("gradcheck needs a float64 network: float32 finite differences are too coarse")
    # The gradients come from a training pass, so the differences must too: the same
    # dropout masks throughout, and batch-norm running statistics left as they were.
    state = [{k: v.copy() for k, v in layer.state.items()} for layer in network.layers]
    _, analytic = network.gradients(X, y, sample_weight)
    dropouts = [layer for layer in network.layers if hasattr(layer, "fix_mask")]
    masks = [layer.fixed_mask for layer in dropouts]
    for layer in dropouts:
        layer.fix_mask(layer.keep)
    try:
        rows = _differences(network, X, y, sample_weight, analytic, params, eps)
    finally:
        for layer, mask in zip(dropouts, masks):
            layer.fix_mask(mask)
        for layer, saved in zip(network.layers, state):
            for k, v in saved.items():
                layer.state[k][...] = v
    report = GradCheckReport(rows, tolerance)
    if verbose:
        print(report)
    return report


def _differences(network, X, y, sample_weight, analytic, params, eps) -> list[GradCheckRow]:
    """One row per parameter entry: the central difference beside backpropagation's value."""
    values = network.params
    names = params or list(values)
    rows = []
    for name in names:
        if name not in values:
            raise ConfigError(f"no parameter named {name!r}; the network has {', '.join(values)}")
        p = values[name]
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            e_plus = network.loss_value(X, y, sample_weight, training=True)
            p[idx] = old - eps
            e_minus = network.loss_value(X, y, sample_weight, training=True)
            p[idx] = old
            numeric = (e_plus - e_minus) / (2 * eps)
            noise = 4 * np.finfo(np.float64).eps * max(abs(e_plus), abs(e_minus)) / eps
            a = float(analytic[name][idx])
            label = f"{name}[{', '.join(map(str, idx))}]"
            rows.append(GradCheckRow(label, a, numeric, float(relative_error(a, numeric)), noise))
    return rows
