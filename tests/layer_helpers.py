"""Helpers shared by the layer tests (compared with PyTorch autograd)."""

from __future__ import annotations

import numpy as np

#: the relative error allowed against PyTorch in float64
TOL = 1e-9


def rel(a, b) -> float:
    """Largest deviation relative to the reference's largest entry."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def built(layer, input_shape, dtype=np.float64, seed=0):
    """``layer`` built for samples of ``input_shape`` (initial weights from ``seed``)."""
    layer.build(input_shape, np.random.default_rng(seed), dtype)
    return layer
