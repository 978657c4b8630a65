"""Readers for the files real data comes in: IDX (the MNIST format), CSV and ``.npz``.

Bad input raises :class:`~glassnet.errors.DataError` naming the file, line and
column (1-based) at fault, and what to do about it.
"""

from __future__ import annotations

import csv
import gzip
import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from glassnet.errors import DataError

from ._checks import PathLike

__all__ = ["read_idx", "load_idx", "write_idx", "read_csv", "csv_first_row", "csv_column_names", "headerless_names",
           "load_npz"]

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


def headerless_names(width: int) -> list[str]:
    """The names :func:`read_csv` gives the columns of a file without a header: "x0", "x1", ..."""
    return [f"x{j}" for j in range(width)]


def _names(first: list[str], header: bool) -> list[str]:
    """The column names: the header's cells, or "x0", "x1", ... when the file has no header."""
    return [c.strip() for c in first] if header else headerless_names(len(first))


def csv_first_row(path: PathLike, delimiter: str = ",") -> tuple[list[str], bool]:
    """A CSV file's first row (its cells, stripped) and whether :func:`read_csv` takes it as a header.

    Reads only the start of the file. The second value is what ``header="infer"`` decides; a
    caller that knows better (the first row is a model's own column names, all numbers: pandas
    writes ``0,1,2`` for unnamed columns) can pass ``header=True`` to :func:`read_csv`.
    ``([], False)`` when the file cannot be read or has no rows (:func:`read_csv` says why).

    Examples
    --------
    >>> csv_first_row("iris.csv")           # doctest: +SKIP
    (['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], True)
    >>> csv_first_row("noheader.csv")       # doctest: +SKIP
    (['5.1', '3.5', '1.4', '0.2', 'setosa'], False)
    """
    try:
        with open(path, "rb") as fh:
            gzipped = fh.read(2) == b"\x1f\x8b"
        with (gzip.open if gzipped else open)(path, "rb") as fh:
            head = fh.read(1 << 20)
    except (OSError, EOFError, zlib.error):
        return [], False
    if len(head) == 1 << 20 and b"\n" in head:     # more follows: leave out the last, perhaps partial, line
        head = head[:head.rindex(b"\n")]
    rows = []
    for row in csv.reader(head.decode("utf-8-sig", errors="replace").splitlines(), delimiter=delimiter):
        if len(row) > 1 or "".join(row).strip():
            rows.append(row)
            if len(rows) == 2:
                break
    if not rows:
        return [], False
    return [c.strip() for c in rows[0]], _looks_like_header(rows[0], rows[1] if len(rows) > 1 else None)


def csv_column_names(path: PathLike, delimiter: str = ",", header: bool | str = "infer") -> list[str]:
    """The names :func:`read_csv` gives a CSV file's columns, reading only its first rows.

    The header's cells when the first row is one (``header="infer"`` decides as :func:`read_csv`
    does; True or False says), else "x0", "x1", ...; an empty list when the file cannot be read
    or has no rows (:func:`read_csv` says why).

    Examples
    --------
    >>> csv_column_names("iris.csv")        # doctest: +SKIP
    ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']
    >>> csv_column_names("noheader.csv")    # doctest: +SKIP
    ['x0', 'x1', 'x2', 'x3', 'x4']
    """
    first, inferred = csv_first_row(path, delimiter)
    return _names(first, inferred if header == "infer" else bool(header))


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
    names = _names(rows[0][1], header)
    if header:
        rows.pop(0)
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
