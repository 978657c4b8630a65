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
    if first_non_finite_row(arr) is not None:
        if arr.dtype != np.float64:
            _check_range(X, arr, name)  # finite in the data but beyond float32's range?
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
    row = first_non_finite_row(arr)
    if row is None:
        return
    arr = np.atleast_1d(arr)
    sample = arr[row].reshape(-1)
    col = int(np.argmax(~np.isfinite(sample)))
    where = f"row {row}" + (f", column {col}" if arr.ndim > 1 else "")
    raise DataError(f"{name} contains {sample[col]} at {where} (0-based); "
                    "remove or impute the non-finite values first")


#: rows are checked in blocks of about this many entries, so that the check needs a
#: small temporary (1 MiB of booleans) rather than one as large as the data
_BLOCK = 1 << 20


def first_non_finite_row(arr: np.ndarray) -> int | None:
    """The index of the first row (along axis 0) holding NaN or inf, or None when all is finite.

    Checked a block of rows at a time: ``np.isfinite`` on the whole of a 60,000 × 784
    array would make a 47 MB temporary.
    """
    arr = np.atleast_1d(arr)
    per_row = max(1, arr[:1].size)
    rows = max(1, _BLOCK // per_row)
    for start in range(0, arr.shape[0], rows):
        block = np.isfinite(arr[start:start + rows])
        if not block.all():
            return start + int(np.argmin(block.reshape(block.shape[0], -1).all(axis=1)))
    return None
