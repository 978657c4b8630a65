"""Small datasets to learn with, and readers for the files real data comes in.

* Toy generators -- :func:`logic_gate`, :func:`make_xor`, :func:`make_blobs`,
  :func:`make_moons`, :func:`make_circles`, :func:`make_spirals` -- return
  ``(X, y)``: ``X`` float64 of shape ``(n, d)``, ``y`` int64 labels of shape ``(n,)``.
  Each takes ``seed`` (an int, a ``numpy.random.Generator`` or None) and never
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

import csv
import gzip
import math
import os
import zipfile
from pathlib import Path

import numpy as np

from glassnet.errors import DataError

Seed = int | np.random.Generator | None
PathLike = str | os.PathLike

__all__ = [
    "logic_gate", "make_xor", "make_blobs", "make_moons", "make_circles", "make_spirals",
    "load_digits", "read_idx", "load_idx", "write_idx", "read_csv", "load_npz",
    "one_hot", "encode_labels", "standardize", "train_test_split",
]


def _count(value, name: str, minimum: int = 1) -> int:
    """Check that ``value`` is an int >= ``minimum`` (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise DataError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _non_negative(value, name: str) -> float:
    """Check that ``value`` is a number >= 0 (NaN is refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value >= 0:
        raise DataError(f"{name} must be a number >= 0, got {value!r}.")
    return float(value)


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
             seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Noisy clusters around the corners of the unit square, labelled by XOR.

    Examples
    --------
    >>> X, y = make_xor(100, seed=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 2), [0, 1])
    """
    n = _count(n_samples, "n_samples")
    noise = _non_negative(noise, "noise")
    rng = np.random.default_rng(seed)
    corners, labels = logic_gate("xor")
    which = np.arange(n) % 4  # balanced: every corner gets n // 4 or n // 4 + 1 points
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = labels[which]
    return _shuffled(rng, X, y)


def make_blobs(n_samples: int = 300, centers: int | np.ndarray = 3, n_features: int = 2,
               cluster_std: float = 1.0, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
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
    rng = np.random.default_rng(seed)
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
               seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below), as in scikit-learn.

    Examples
    --------
    >>> X, y = make_moons(100, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((100, 2), [50, 50])
    """
    n = _count(n_samples, "n_samples", minimum=2)
    noise = _non_negative(noise, "noise")
    rng = np.random.default_rng(seed)
    n_top = n // 2
    t_top, t_bottom = np.linspace(0, np.pi, n_top), np.linspace(0, np.pi, n - n_top)
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])
    bottom = np.column_stack([1 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])
    return _two_classes(top, bottom, noise, rng)


def make_circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5,
                 seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
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
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    t_out = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - n_outer, endpoint=False)
    outer = np.column_stack([np.cos(t_out), np.sin(t_out)])
    inner = factor * np.column_stack([np.cos(t_in), np.sin(t_in)])
    return _two_classes(outer, inner, noise, rng)


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
                 seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
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
    rng = np.random.default_rng(seed)
    sizes = [n // k + (j < n % k) for j in range(k)]
    X, y = [], []
    for j, size in enumerate(sizes):
        r = np.linspace(0.0, 1.0, size)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, size) + noise * rng.standard_normal(size)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(size, j, dtype=np.int64))
    return np.vstack(X), np.concatenate(y)


def load_digits(split: bool = True, test_size: float = 0.2, seed: int | None = 0,
                images: bool = False) -> tuple[np.ndarray, ...]:
    """scikit-learn's 1797 handwritten 8x8 digits, pixels scaled to [0, 1].

    ``X`` has shape ``(n, 64)``, or ``(n, 1, 8, 8)`` (channels first, for CNNs) when
    ``images=True``. With ``split=True`` returns ``(X_train, X_test, y_train, y_test)``
    split with every digit in the same proportion on both sides; else ``(X, y)``.
    Needs scikit-learn (``pip install scikit-learn``).

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_digits()
    >>> X_train.shape, X_test.shape
    ((1437, 64), (360, 64))
    """
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


# --------------------------------------------------------------------------- IDX (MNIST)

# type code -> big-endian dtype, as the IDX format defines them
_IDX_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def _read_bytes(path: PathLike) -> bytes:
    """The file's bytes, un-gzipped when they start with the gzip magic 1f 8b."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; check the path.") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read the file ({err.strerror or err}).") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise DataError(f"{path}: corrupt gzip data ({err}); download it again.") from None
    return data


def read_idx(path: PathLike) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed or not.

    Returns the array with the file's shape and dtype (uint8, int8, int16, int32,
    float32 or float64) in native byte order.

    Examples
    --------
    >>> labels = read_idx("train-labels-idx1-ubyte.gz")  # doctest: +SKIP
    >>> labels.shape, labels.dtype                        # doctest: +SKIP
    ((60000,), dtype('uint8'))
    """
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise DataError(f"{path}: bad magic number {data[:4].hex(' ') or '(empty file)'}; "
                        f"an IDX file starts with two zero bytes. Is this an IDX file?")
    code, ndim = data[2], data[3]
    if code not in _IDX_TYPES:
        raise DataError(f"{path}: unknown IDX type code 0x{code:02X}; expected one of "
                        f"{', '.join(f'0x{c:02X}' for c in _IDX_TYPES)}.")
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise DataError(f"{path}: header too short for {ndim} dimensions; the file is truncated.")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_TYPES[code]
    expected = math.prod(shape) * dtype.itemsize
    got = len(data) - header
    if got != expected:
        problem = "truncated" if got < expected else "has trailing bytes"
        raise DataError(f"{path}: {problem}: dimensions {shape} need {expected} data bytes, "
                        f"found {got}. Download or write the file again.")
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def load_idx(images_path: PathLike, labels_path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Load an MNIST-style pair of IDX files as ``X`` of shape ``(n, rows*cols)`` and ``y``.

    ``X`` is float64, divided by 255 when the images are unsigned bytes (so in [0, 1]).

    Examples
    --------
    >>> X, y = load_idx("train-images-idx3-ubyte.gz",
    ...                 "train-labels-idx1-ubyte.gz")  # doctest: +SKIP
    """
    images, labels = read_idx(images_path), read_idx(labels_path)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise DataError(f"{labels_path}: labels must be a 1-D integer array, got "
                        f"{labels.dtype} with shape {labels.shape}. Are the two paths swapped?")
    if len(images) != len(labels):
        raise DataError(f"{images_path} holds {len(images)} images but {labels_path} holds "
                        f"{len(labels)} labels; use files from the same set.")
    X = images.reshape(len(images), -1).astype(np.float64)
    if images.dtype == np.uint8:
        X /= 255.0
    return X, labels.astype(np.int64)


def write_idx(path: PathLike, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file, gzip-compressed when ``path`` ends with ".gz".

    The dtype must be one IDX can hold: uint8, int8, int16, int32, float32, float64.

    Examples
    --------
    >>> write_idx("labels.idx1-ubyte.gz", np.array([3, 1, 4], dtype=np.uint8))  # doctest: +SKIP
    """
    array = np.asarray(array)
    codes = {dt.newbyteorder("="): c for c, dt in _IDX_TYPES.items()}
    if array.dtype.newbyteorder("=") not in codes:
        raise DataError(f"write_idx: array dtype {array.dtype} cannot be stored in IDX; cast it "
                        f"first, e.g. array.astype(np.int32) or array.astype(np.uint8).")
    if array.ndim == 0:
        raise DataError("write_idx: array must have at least one dimension.")
    code = codes[array.dtype.newbyteorder("=")]
    data = (bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
            + array.astype(_IDX_TYPES[code]).tobytes())
    if str(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    Path(path).write_bytes(data)


# --------------------------------------------------------------------------- CSV and NPZ

def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _looks_like_header(first: list[str], second: list[str] | None) -> bool:
    """A header has a non-numeric cell above a numeric one (so string labels aren't one)."""
    for j, cell in enumerate(first):
        below = second[j] if second is not None and j < len(second) else ""
        if cell.strip() and not _is_number(cell) and (second is None or _is_number(below)):
            return True
    return False


def _column_index(path: PathLike, target: str | int, names: list[str]) -> int:
    """The 0-based index of the target column, given by name or (possibly negative) index."""
    if isinstance(target, str):
        if target not in names:
            raise DataError(f"{path}: no column named {target!r}; available columns: {names}.")
        return names.index(target)
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise DataError(f"target must be a column name, an index or None, got {target!r}.")
    if not -len(names) <= target < len(names):
        raise DataError(f"{path}: target column index {target} is out of range for "
                        f"{len(names)} columns {names}.")
    return int(target) % len(names)


def _cell_value(cell: str, where: str) -> float:
    """The finite number in a feature cell; ``where`` says where it is for the error."""
    cell = cell.strip()
    if not cell:
        raise DataError(f"{where}: empty cell (a missing value); fill it in or drop the row.")
    try:
        value = float(cell)
    except ValueError:
        raise DataError(f"{where} ({cell!r}): not a number; fix the cell, or pass target= "
                        f"if this is the label column.") from None
    if not np.isfinite(value):
        raise DataError(f"{where} ({cell!r}): not a finite number (NaN or inf); fill it in "
                        f"or drop the row.")
    return value


def read_csv(path: PathLike, target: str | int | None = None, delimiter: str = ",",
             header: bool | str = "infer") -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """Read a numeric CSV file into ``(X, y, feature_names)``.

    Parameters
    ----------
    path : str or path-like
        UTF-8 text (a byte-order mark is fine); blank lines are skipped.
    target : str, int or None
        The label column, by header name or 0-based index (negative counts from
        the end). ``y`` is None when not given.
    delimiter : str
        One character separating the fields.
    header : "infer", True or False
        "infer" takes the first row as a header when it has a non-numeric cell above
        a numeric one. Without a header, columns are named "x0", "x1", ...

    Returns
    -------
    X : float64 array of shape (n, d)
    y : int64 (whole numbers), float64 (other numbers) or str array, or None
        String labels are returned as they are; see :func:`encode_labels`.
    feature_names : list of str

    Examples
    --------
    >>> X, y, names = read_csv("iris.csv", target="species")  # doctest: +SKIP
    """
    if header not in ("infer", True, False):
        raise DataError(f"header must be 'infer', True or False, got {header!r}.")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise DataError(f"delimiter must be a single character, got {delimiter!r}.")
    try:
        text = _read_bytes(path).decode("utf-8-sig")  # "-sig" drops a byte-order mark
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text (byte {err.start + 1}); save it as UTF-8.") from None
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    rows = [(reader.line_num, row) for row in reader if len(row) > 1 or "".join(row).strip()]
    if not rows:
        raise DataError(f"{path}: the file is empty; it needs at least one row of numbers.")
    if header == "infer":
        header = _looks_like_header(rows[0][1], rows[1][1] if len(rows) > 1 else None)
    width = len(rows[0][1])
    for line, row in rows:
        if len(row) != width:
            raise DataError(f"{path} line {line}: has {len(row)} fields, expected {width} "
                            f"(like line {rows[0][0]}); fix that row or check the delimiter.")
    names = [c.strip() for c in rows.pop(0)[1]] if header else [f"x{j}" for j in range(width)]
    if not rows:
        raise DataError(f"{path}: has a header but no data rows.")
    t = None if target is None else _column_index(path, target, names)
    features = [j for j in range(width) if j != t]
    if not features:
        raise DataError(f"{path}: no feature columns are left besides the target.")

    X = np.array([[_cell_value(row[j], f"{path} line {line}, column {j + 1}") for j in features]
                  for line, row in rows], dtype=np.float64).reshape(len(rows), len(features))
    if t is None:
        return X, None, [names[j] for j in features]
    labels = [row[t].strip() for _, row in rows]
    if all(_is_number(label) for label in labels):
        y = np.array([_cell_value(row[t], f"{path} line {line}, column {t + 1} (target)")
                      for line, row in rows])
        y = y.astype(np.int64) if np.all(y == np.round(y)) else y
    else:
        for (line, _), label in zip(rows, labels):
            if not label:
                raise DataError(f"{path} line {line}, column {t + 1}: empty target cell; "
                                f"every row needs a label.")
        y = np.array(labels, dtype=str)
    return X, y, [names[j] for j in features]


def load_npz(path: PathLike, features: str = "X",
             target: str | None = "y") -> tuple[np.ndarray, np.ndarray | None]:
    """Load features and targets saved with ``np.savez``: returns ``(X, y)``.

    ``X`` is float64 with its stored shape; ``y`` is None when ``target`` is None.

    Examples
    --------
    >>> X, y = load_npz("train.npz")                       # doctest: +SKIP
    >>> X, y = load_npz("train.npz", "images", "labels")  # doctest: +SKIP
    """
    if not Path(path).is_file():
        raise DataError(f"{path}: no such file; check the path.")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as err:
        raise DataError(f"{path}: cannot load as .npz ({err}).") from None
    if not hasattr(archive, "files"):
        raise DataError(f"{path}: not an .npz archive (a single .npy array?); save one with "
                        f"np.savez(path, X=X, y=y).")
    with archive:
        for key in (features, target):
            if key is not None and key not in archive.files:
                raise DataError(f"{path}: no array named {key!r}; the file holds "
                                f"{archive.files}. Pass features=/target= to pick them.")
        try:
            X, y = archive[features], None if target is None else archive[target]
        except (ValueError, OSError, zipfile.BadZipFile) as err:  # e.g. pickled objects
            raise DataError(f"{path}: cannot read the arrays ({err}).") from None
    if X.dtype.kind not in "biuf":
        raise DataError(f"{path}: {features!r} has dtype {X.dtype}; features must be numeric.")
    if y is not None and (y.ndim == 0 or X.ndim == 0 or len(y) != len(X)):
        raise DataError(f"{path}: {features!r} has shape {X.shape} but {target!r} has shape "
                        f"{y.shape}; they need the same number of rows.")
    if y is not None and y.dtype.kind in "biu":
        y = y.astype(np.int64)
    return X.astype(np.float64), y


# --------------------------------------------------------------------------- helpers

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
                     seed: Seed = 0, stratify: bool = True) -> tuple[np.ndarray, ...]:
    """Split into ``(X_train, X_test, y_train, y_test)``, shuffled, deterministic by seed.

    ``test_size`` is a fraction in (0, 1) or a number of rows. With ``stratify``
    each class is split in the same proportion (as near as whole rows allow).

    Examples
    --------
    >>> X, y = make_blobs(100, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    >>> len(X_train), len(X_test)
    (80, 20)
    """
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
