"""Small datasets to learn with, and readers for the files real data comes in.

* Toy generators -- :func:`logic_gate`, :func:`make_xor`, :func:`make_blobs`,
  :func:`make_moons`, :func:`make_circles`, :func:`make_spirals` -- return
  ``(X, y)``: ``X`` float64 of shape ``(n, d)``, ``y`` int64 labels of shape ``(n,)``.
  Each takes ``seed`` (an int, a ``numpy.random.Generator`` or None; ``random_state``,
  scikit-learn's spelling, is accepted too) and never
  touches NumPy's global random state, so the same seed gives the same data.
* :func:`load_digits` -- scikit-learn's bundled 8x8 handwritten digits.
* Readers -- :func:`read_idx` / :func:`load_idx` (the MNIST file format),
  :func:`read_csv`, :func:`load_npz`; and :func:`write_idx`.
* Helpers -- :func:`one_hot`, :func:`encode_labels`, :func:`standardize`,
  :func:`train_test_split`.

Bad input raises :class:`~glassnet.errors.DataError` naming the file, line and
column (1-based) or the argument at fault, and what to do about it.
"""

from __future__ import annotations

from .files import load_idx, load_npz, read_csv, read_idx, write_idx
from .preprocessing import encode_labels, one_hot, standardize, train_test_split
from .toy import load_digits, logic_gate, make_blobs, make_circles, make_moons, make_spirals, make_xor

__all__ = [
    "logic_gate", "make_xor", "make_blobs", "make_moons", "make_circles", "make_spirals",
    "load_digits", "read_idx", "load_idx", "write_idx", "read_csv", "load_npz",
    "one_hot", "encode_labels", "standardize", "train_test_split",
]
