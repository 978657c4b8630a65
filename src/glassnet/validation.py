"""Checks on user input, with messages that say what was wrong and what to do."""

from __future__ import annotations

import numpy as np

from .errors import DataError


def as_float_array(X, name: str = "X", dtype=np.float64, min_ndim: int = 2) -> np.ndarray:
    """``X`` as a finite float array of ``dtype`` with at least one row.

    Raises :class:`DataError` for ragged or non-numeric data, too few dimensions,
    zero rows or columns, and NaN/inf (naming the first bad row).
    """
    try:
        with np.errstate(over="ignore"):  # a number too large for float32 becomes inf: reported below
            arr = np.asarray(X, dtype=dtype)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{name} could not be read as a numeric array ({exc}); "
                        "check for ragged rows or non-numeric values") from None
    if arr.ndim < min_ndim:
        hint = " (a single sample? use X.reshape(1, -1); a single feature? use X.reshape(-1, 1))" if arr.ndim == 1 else ""
        raise DataError(f"{name} must have at least {min_ndim} dimensions (samples first); got shape {arr.shape}{hint}")
    if arr.shape[0] == 0:
        raise DataError(f"{name} has 0 samples (shape {arr.shape}); at least one is needed")
    if arr.size == 0:
        raise DataError(f"{name} has 0 features (shape {arr.shape}); at least one is needed")
    if arr.dtype != np.float64 and not np.isfinite(arr).all():
        _check_range(X, arr, name)
    check_finite(arr, name)
    return arr


def _check_range(X, arr: np.ndarray, name: str) -> None:
    """Raise :class:`DataError` for a finite number that overflowed the narrower dtype."""
    wide = np.asarray(X, dtype=np.float64)
    check_finite(wide, name)  # NaN or inf already in the data: say so first
    wide = wide.reshape(arr.shape[0], -1)
    over = ~np.isfinite(arr.reshape(arr.shape[0], -1))
    if over.any():
        row = int(np.argmax(over.any(axis=1)))
        col = int(np.argmax(over[row]))
        where = f"row {row}" + (f", column {col}" if arr.ndim > 1 else "")
        raise DataError(f"{name} holds {wide[row, col]:g} at {where} (0-based), beyond the "
                        f"{arr.dtype.name} range (±{np.finfo(arr.dtype).max:.3g}); rescale the data or use "
                        "dtype='float64'")


def check_finite(arr: np.ndarray, name: str = "X") -> None:
    """Raise :class:`DataError` naming the first row holding NaN or inf."""
    if not np.isfinite(arr).all():
        bad = ~np.isfinite(arr.reshape(arr.shape[0], -1) if arr.ndim > 1 else arr.reshape(-1, 1))
        row = int(np.argmax(bad.any(axis=1)))
        col = int(np.argmax(bad[row]))
        value = arr.reshape(arr.shape[0], -1)[row, col] if arr.ndim > 1 else arr[row]
        where = f"row {row}" + (f", column {col}" if arr.ndim > 1 else "")
        raise DataError(f"{name} contains {value} at {where} (0-based); "
                        "remove or impute non-finite values before training")
