"""Preparing data: one-hot labels, label encoding, standardisation, a stratified split."""

from __future__ import annotations

import numpy as np

from glassnet.errors import DataError

from ._checks import Seed, _count, _seed

__all__ = ["one_hot", "encode_labels", "standardize", "train_test_split"]

def one_hot(y: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """One row per label with a 1.0 in the label's column: shape ``(n, n_classes)``.

    Examples
    --------
    >>> one_hot(np.array([0, 2])).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iuf" or (y.size and np.any(y != np.round(y))):
        raise DataError(f"one_hot: y must be a 1-D array of integer labels, got dtype "
                        f"{y.dtype} with shape {y.shape}; use encode_labels first.")
    if y.size and y.min() < 0:
        raise DataError(f"one_hot: labels must be >= 0, found {y.min()}.")
    y = y.astype(np.int64)
    needed = int(y.max()) + 1 if y.size else 0
    k = needed if n_classes is None else _count(n_classes, "n_classes")
    if k < needed:
        raise DataError(f"one_hot: n_classes={k} but y has label {needed - 1}; "
                        f"pass n_classes >= {needed}.")
    out = np.zeros((len(y), k), dtype=np.float64)
    out[np.arange(len(y)), y] = 1.0
    return out


def encode_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map any labels (strings too) to 0..K-1: returns ``(classes, y_int)``.

    ``classes`` is sorted and ``classes[y_int]`` gives the labels back.

    Examples
    --------
    >>> classes, y_int = encode_labels(np.array(["cat", "dog", "cat"]))
    >>> classes.tolist(), y_int.tolist()
    (['cat', 'dog'], [0, 1, 0])
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise DataError(f"encode_labels: y must be 1-D, got shape {y.shape}.")
    classes, y_int = np.unique(y, return_inverse=True)
    return classes, y_int.reshape(-1).astype(np.int64)


def standardize(X: np.ndarray, mean: np.ndarray | None = None,
                std: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale each column to mean 0, std 1: returns ``(X_std, mean, std)``.

    Compute the statistics on the training data, then pass them back in for the
    test data. Constant columns are only centred (their std is returned as 1).

    Examples
    --------
    >>> X_train, mean, std = standardize(np.array([[1.0, 5.0], [3.0, 5.0]]))
    >>> X_train.tolist(), std.tolist()
    ([[-1.0, 0.0], [1.0, 0.0]], [1.0, 1.0])
    >>> X_test, _, _ = standardize(np.array([[2.0, 6.0]]), mean, std)
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or len(X) == 0:
        raise DataError(f"standardize: X must be a non-empty 2-D array, got shape {X.shape}.")
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    if std is None:
        std = np.where(np.ptp(X, axis=0) == 0, 1.0, X.std(axis=0))
    std = np.asarray(std, dtype=np.float64)
    for name, stat in (("mean", mean), ("std", std)):
        if stat.shape != (X.shape[1],):
            raise DataError(f"standardize: {name} has shape {stat.shape}, expected "
                            f"({X.shape[1]},) to match X's columns.")
    std = np.where(std == 0, 1.0, std)
    return (X - mean) / std, mean, std


def train_test_split(X: np.ndarray, y: np.ndarray, test_size: float | int = 0.2,
                     seed: Seed = 0, stratify: bool = True, *,
                     random_state: Seed = None) -> tuple[np.ndarray, ...]:
    """Split into ``(X_train, X_test, y_train, y_test)``, shuffled, deterministic by seed.

    ``test_size`` is a fraction in (0, 1) or a number of rows. With ``stratify``
    each class is split in the same proportion (as near as whole rows allow).
    ``random_state`` is accepted as scikit-learn's spelling of ``seed`` (give one, not both).

    Examples
    --------
    >>> from glassnet.datasets import make_blobs
    >>> X, y = make_blobs(100, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    >>> len(X_train), len(X_test)
    (80, 20)
    """
    seed = _seed(seed, random_state, 0, "train_test_split")
    X, y = np.asarray(X), np.asarray(y)
    n = len(y)
    if y.ndim != 1 or X.ndim == 0 or len(X) != n:
        raise DataError(f"train_test_split: X (shape {X.shape}) and y (shape {y.shape}) "
                        f"need the same number of rows, and y must be 1-D.")
    if isinstance(test_size, (float, np.floating)) and 0 < test_size < 1:
        n_test = int(np.ceil(test_size * n))
    elif isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    else:
        raise DataError(f"test_size must be a fraction in (0, 1) or a row count, got "
                        f"{test_size!r}.")
    if not 1 <= n_test <= n - 1:
        raise DataError(f"test_size={test_size!r} leaves {n_test} of {n} rows for testing; "
                        f"both sides need at least one row.")
    rng = np.random.default_rng(seed)
    if not stratify:
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:]
    else:
        y_int = np.unique(y, return_inverse=True)[1].reshape(-1)
        quota = n_test * np.bincount(y_int) / n  # each class's fair share of the test rows
        take = np.floor(quota).astype(int)
        # hand the rows left over to the largest remainders, ties broken at random
        order = np.lexsort((rng.random(len(quota)), -(quota - take)))
        take[order[: n_test - take.sum()]] += 1
        test_parts, train_parts = [], []
        for c, k in enumerate(take):
            members = rng.permutation(np.flatnonzero(y_int == c))
            test_parts.append(members[:k])
            train_parts.append(members[k:])
        test = rng.permutation(np.concatenate(test_parts))
        train = rng.permutation(np.concatenate(train_parts))
    return X[train], X[test], y[train], y[test]
