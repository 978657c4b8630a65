"""Toy data sets to learn with: logic gates, XOR, blobs, moons, circles, spirals, and digits.

Each generator returns ``(X, y)``: ``X`` float64 of shape ``(n, d)``, ``y`` int64
labels of shape ``(n,)``. Each takes ``seed`` (an int, a ``numpy.random.Generator``
or None; ``random_state``, scikit-learn's spelling, is accepted too) and never touches
NumPy's global random state, so the same seed gives the same data. :func:`load_digits`
is scikit-learn's bundled 8x8 digits.
"""

from __future__ import annotations

import numpy as np

from glassnet.errors import DataError

from ._checks import Seed, _count, _non_negative, _seed

__all__ = ["logic_gate", "make_xor", "make_blobs", "make_moons", "make_circles", "make_spirals", "load_digits"]


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    order = rng.permutation(len(y))
    return X[order], y[order]


def _two_classes(first: np.ndarray, second: np.ndarray, noise: float,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Stack two sets of points as classes 0 and 1, add Gaussian noise, shuffle."""
    X = np.vstack([first, second])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.repeat(np.array([0, 1], dtype=np.int64), [len(first), len(second)])
    return _shuffled(rng, X, y)


# --------------------------------------------------------------------------- toy data

_GATES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "xor": [0, 1, 1, 0],
          "nand": [1, 1, 1, 0], "nor": [1, 0, 0, 0]}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth table of a two-input logic gate: 4 points ``[[0,0],[0,1],[1,0],[1,1]]``.

    ``name`` is one of "and", "or", "xor", "nand", "nor" (any case).

    Examples
    --------
    >>> X, y = logic_gate("xor")
    >>> y.tolist()
    [0, 1, 1, 0]
    """
    key = str(name).lower()
    if key not in _GATES:
        raise DataError(f"logic_gate: unknown gate {name!r}; use one of {sorted(_GATES)}.")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, np.array(_GATES[key], dtype=np.int64)


def make_xor(n_samples: int = 200, noise: float = 0.1,
             seed: Seed = None, *, random_state: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Noisy clusters around the corners of the unit square, labelled by XOR.

    Examples
    --------
    >>> X, y = make_xor(100, seed=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 2), [0, 1])
    """
    n = _count(n_samples, "n_samples")
    noise = _non_negative(noise, "noise")
    rng = np.random.default_rng(_seed(seed, random_state, None, "make_xor"))
    corners, labels = logic_gate("xor")
    which = np.arange(n) % 4  # balanced: every corner gets n // 4 or n // 4 + 1 points
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = labels[which]
    return _shuffled(rng, X, y)


def make_blobs(n_samples: int = 300, centers: int | np.ndarray = 3, n_features: int = 2,
               cluster_std: float = 1.0, seed: Seed = None, *,
               random_state: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs, one class per center.

    ``centers`` is a number of centers (placed at random in the box [-10, 10]^d) or
    an array of shape ``(k, n_features)`` giving them.

    Examples
    --------
    >>> X, y = make_blobs(90, centers=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((90, 2), [30, 30, 30])
    """
    n = _count(n_samples, "n_samples")
    cluster_std = _non_negative(cluster_std, "cluster_std")
    rng = np.random.default_rng(_seed(seed, random_state, None, "make_blobs"))
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k, d = _count(centers, "centers"), _count(n_features, "n_features")
        means = rng.uniform(-10.0, 10.0, size=(k, d))
    else:
        means = np.asarray(centers, dtype=np.float64)
        if means.ndim != 2 or means.shape[0] == 0:
            raise DataError(f"centers must be an int or an array of shape (k, n_features), "
                            f"got shape {means.shape}.")
    labels = np.arange(n) % len(means)
    X = means[labels] + cluster_std * rng.standard_normal((n, means.shape[1]))
    return _shuffled(rng, X, labels.astype(np.int64))


def make_moons(n_samples: int = 200, noise: float = 0.1,
               seed: Seed = None, *, random_state: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below), as in scikit-learn.

    Examples
    --------
    >>> X, y = make_moons(100, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((100, 2), [50, 50])
    """
    n = _count(n_samples, "n_samples", minimum=2)
    noise = _non_negative(noise, "noise")
    rng = np.random.default_rng(_seed(seed, random_state, None, "make_moons"))
    n_top = n // 2
    t_top, t_bottom = np.linspace(0, np.pi, n_top), np.linspace(0, np.pi, n - n_top)
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])
    bottom = np.column_stack([1 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])
    return _two_classes(top, bottom, noise, rng)


def make_circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5,
                 seed: Seed = None, *, random_state: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius ``factor`` (class 1) inside one of radius 1 (class 0).

    Examples
    --------
    >>> X, y = make_circles(100, noise=0.0, seed=0)
    >>> round(float(np.hypot(*X[y == 1].T).max()), 3)
    0.5
    """
    n = _count(n_samples, "n_samples", minimum=2)
    noise = _non_negative(noise, "noise")
    if not isinstance(factor, (int, float, np.number)) or not 0 < factor < 1:
        raise DataError(f"factor must be between 0 and 1 (exclusive), got {factor!r}.")
    rng = np.random.default_rng(_seed(seed, random_state, None, "make_circles"))
    n_outer = n // 2
    t_out = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - n_outer, endpoint=False)
    outer = np.column_stack([np.cos(t_out), np.sin(t_out)])
    inner = factor * np.column_stack([np.cos(t_in), np.sin(t_in)])
    return _two_classes(outer, inner, noise, rng)


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
                 seed: Seed = None, *, random_state: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The classic CS231n spiral: ``n_classes`` arms winding out from the origin.

    Each arm's angle goes through 4 radians with Gaussian ``noise`` added to it; the
    radius grows from 0 to 1. Points are grouped by class (not shuffled).

    Examples
    --------
    >>> X, y = make_spirals(300, n_classes=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    """
    n = _count(n_samples, "n_samples")
    k = _count(n_classes, "n_classes")
    noise = _non_negative(noise, "noise")
    rng = np.random.default_rng(_seed(seed, random_state, None, "make_spirals"))
    sizes = [n // k + (j < n % k) for j in range(k)]
    X, y = [], []
    for j, size in enumerate(sizes):
        r = np.linspace(0.0, 1.0, size)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, size) + noise * rng.standard_normal(size)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(size, j, dtype=np.int64))
    return np.vstack(X), np.concatenate(y)


def load_digits(split: bool = True, test_size: float = 0.2, seed: int | None = 0,
                images: bool = False, *, random_state: int | None = None) -> tuple[np.ndarray, ...]:
    """scikit-learn's 1797 handwritten 8x8 digits, pixels scaled to [0, 1].

    ``X`` has shape ``(n, 64)``, or ``(n, 1, 8, 8)`` (channels first, for CNNs) when
    ``images=True``. With ``split=True`` returns ``(X_train, X_test, y_train, y_test)``
    split with every digit in the same proportion on both sides (by ``seed``, or
    ``random_state``, scikit-learn's spelling); else ``(X, y)``.
    Needs scikit-learn (``pip install scikit-learn``).

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_digits()
    >>> X_train.shape, X_test.shape
    ((1437, 64), (360, 64))
    """
    seed = _seed(seed, random_state, 0, "load_digits")
    try:
        from sklearn.datasets import load_digits as sk_load_digits
        from sklearn.model_selection import train_test_split as sk_split
    except ImportError as err:
        raise ImportError("load_digits needs scikit-learn: pip install scikit-learn") from err
    bunch = sk_load_digits()
    X = bunch.data.astype(np.float64) / 16.0
    y = bunch.target.astype(np.int64)
    if images:
        X = X.reshape(-1, 1, 8, 8)
    if not split:
        return X, y
    return tuple(sk_split(X, y, test_size=test_size, stratify=y, random_state=seed))
