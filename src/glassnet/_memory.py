"""Arrays that start on a cache-line boundary.

NumPy hands out memory aligned to 16 bytes; a large array then usually starts 16 bytes
past a page boundary, so the element-wise loops over it straddle 64-byte cache lines and
the vectorised (AVX) loads split. The flat parameter, gradient and optimizer-state vectors
are made here instead, starting on a 64-byte boundary.
"""

from __future__ import annotations

import numpy as np

ALIGN = 64


def zeros(n: int, dtype) -> np.ndarray:
    """A zero-filled 1-D array of ``n`` elements whose first byte is 64-byte aligned."""
    dtype = np.dtype(dtype)
    raw = np.zeros(n * dtype.itemsize + ALIGN, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGN
    return raw[start:start + n * dtype.itemsize].view(dtype)
