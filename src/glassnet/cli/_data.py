"""Reading DATA for ``glassnet train``, ``predict`` and ``evaluate``, and what its target is.

* Reading: a CSV file (with ``--target``), an ``.npz`` archive, or IDX files (an images file plus
  a labels file, as two paths or with ``--labels``), into a :class:`Data`. Every problem is a
  :class:`~glassnet.errors.DataError` naming the file (and line, column, row).
* Refusing, before anything else, a DATA path that is plainly something else (:func:`what_file`:
  a model file, a network spec).
* Leaving out the index column pandas writes with ``DataFrame.to_csv`` (:func:`drop_pandas_index`).
* Deciding the task from the target (labels → classify, continuous numbers → regress) and encoding
  labels — strings too — as 0..K-1.

Reading DATA for a trained model, whose settings give the defaults, is in :mod:`._model`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import os
import sys
from dataclasses import dataclass

import numpy as np

from .. import datasets
from .._safetensors import looks_like_safetensors, sniff_data
from ..datasets.files import csv_first_row, headerless_names
from ..errors import ConfigError, DataError
from ..validation import check_finite

#: integer targets with at most this many distinct values are taken as class labels
MAX_AUTO_CLASSES = 20


# ---------------------------------------------------------------- reading data

@dataclass
class Data:
    """Features ``X`` (2-D float64), targets ``y`` (or None) and where they came from.

    ``header`` says whether a CSV file's first row named its columns (None for .npz and IDX files):
    without one, ``feature_names`` are :func:`glassnet.datasets.read_csv`'s "x0", "x1", ..., which
    only say where each column was.
    """

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str] | None
    target: str | None
    source: str
    header: bool | None = None


def data_kind(path: str) -> str:
    """"csv", "npz" or "idx", from the file name (``.gz`` ignored), else from the first bytes."""
    name = os.path.basename(str(path)).lower()
    name = name[:-3] if name.endswith(".gz") else name
    if name.endswith(".npz"):
        return "npz"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if "idx" in name or "ubyte" in name:
        return "idx"
    with contextlib.suppress(OSError, EOFError):
        with open(path, "rb") as fh:
            head = fh.read(2)
        if head == b"\x1f\x8b":
            with gzip.open(path, "rb") as fh:
                head = fh.read(2)
        if head == b"\x00\x00":
            return "idx"
    return "csv"


def _idx_images(path: str) -> np.ndarray:
    images = datasets.read_idx(path)
    X = images.reshape(len(images), -1).astype(np.float64)
    return X / 255.0 if images.dtype == np.uint8 else X


def _check_X(X: np.ndarray, path: str, key: str = "X") -> np.ndarray:
    """2-D, at least one row and one column, finite; images (n, h, w) are flattened."""
    if X.ndim < 2:
        raise DataError(f"{path}: {key!r} has shape {X.shape}; features must be 2-D (samples × features) — "
                        f"one feature per sample? save {key}.reshape(-1, 1)")
    if X.shape[0] == 0:
        raise DataError(f"{path}: {key!r} has 0 rows (shape {X.shape}); at least one sample is needed")
    X = X.reshape(X.shape[0], -1)
    if X.shape[1] == 0:
        raise DataError(f"{path}: {key!r} has 0 feature columns (shape {X.shape})")
    try:
        check_finite(X, key)
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from None
    return X


#: what DATA may be, for the messages that refuse something else
DATA_FORMATS = "a CSV file (with --target COL), an .npz archive, or IDX files (images and labels)"
_SPECS = {".json": "a JSON file", ".toml": "a TOML file", ".yaml": "a YAML file", ".yml": "a YAML file"}
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".npz", ".gz")
_DATA_WORDS = {"npz": "an .npz archive of data", "idx": "an IDX data file", "csv": "a CSV file"}


def what_file(path: str) -> str | None:
    """What the file at ``path`` plainly is, in words — the one guess behind the messages that refuse
    a file given in the wrong place (DATA that is a model or a spec, MODEL that is data):

    * "a model file": it starts as a safetensors file does (a header length that fits, then ``{``);
    * "a JSON file", "a TOML file", "a YAML file" (network specs): by the name's suffix, or a first
      ``{`` or ``[`` in a file whose name has no data suffix;
    * data: what the first 8 bytes say (:func:`glassnet._safetensors.sniff_data`: text, IDX, gzip),
      else what the name says (:func:`data_kind`) — never for a name ending in ``.safetensors``:
      that is a damaged model file (``glassnet train`` names MNIST's model
      ``glassnet-train-images-idx3-ubyte.safetensors``), which the model reader describes;
    * None: the file cannot be read, or nothing about it is plain.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return None
    if looks_like_safetensors(path):
        return "a model file"
    name = os.path.basename(str(path)).lower()
    suffix = os.path.splitext(name)[1]
    if suffix in _SPECS:
        return _SPECS[suffix]
    if suffix not in _DATA_SUFFIXES and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "a JSON file"
    sniffed = sniff_data(head[:8])
    if sniffed or name.endswith(".safetensors"):
        return sniffed
    kind = data_kind(path)
    return _DATA_WORDS[kind] if kind != "csv" or suffix in (".csv", ".tsv", ".txt") else None


def check_data_file(path: str) -> None:
    """Refuse, naming it, a data path that does not exist, is a folder, or is plainly not data — a network
    spec (JSON, TOML), a model file — before any other check on DATA."""
    if os.path.isdir(path):
        raise DataError(f"{path} is a folder; DATA must be a file (CSV, .npz or IDX)")
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    kind = what_file(path)
    if kind in _SPECS.values():
        raise DataError(f"{path} is {kind}, not data: DATA may be {DATA_FORMATS}; "
                        f"a network spec (.json or .toml) goes to glassnet explain ('glassnet explain {path}')")
    if kind == "a model file":
        raise DataError(f"{path} is a model file, not data: DATA may be {DATA_FORMATS} "
                        "(glassnet predict and evaluate take MODEL first, then DATA)")


def load_data(paths: list[str], *, target: str | None, labels: str | None = None, features: str = "X",
              delimiter: str = ",", need_target: bool = True, keep_index: bool = False,
              header: bool | str = "infer") -> Data:
    """Read DATA as given on the command line: one CSV/npz/IDX file, or an IDX images file and its labels.

    A CSV file's first row is its header when it looks like one (``header="infer"``, as
    :func:`glassnet.datasets.read_csv` decides), or as ``header`` says; :attr:`Data.header` records
    which. Its target is recorded by the name ``read_csv`` gives its column (``x4`` in a file without
    a header, never a cell of its first row), so that the same name finds it again. A pandas index
    column is left out of the features (see :func:`drop_pandas_index`) unless ``keep_index``.
    """
    if len(paths) > 2 or (len(paths) == 2 and labels):
        raise ConfigError(f"DATA takes one file, or an IDX images file and its labels file; got {len(paths)} "
                          f"paths{' and --labels' if labels else ''}")
    for name in [*paths, *([labels] if labels else [])]:
        check_data_file(name)
    path = paths[0]
    if len(paths) == 2 or labels or data_kind(path) == "idx":
        label_path = paths[1] if len(paths) == 2 else labels
        if label_path is None:
            if need_target:
                raise ConfigError(f"{path} is an IDX images file: give its labels file too, as a second path "
                                  "or with --labels")
            return Data(_idx_images(path), None, None, None, path)
        X, y = datasets.load_idx(path, label_path)
        return Data(_check_X(X, path), y, None, None, f"{path} + {label_path}")
    if data_kind(path) == "npz":
        key = target or ("y" if need_target else None)
        X, y = datasets.load_npz(path, features, key)
        return Data(_check_X(X, path, features), _check_y(y, path, key), None, key, path)
    first, inferred = csv_first_row(path, delimiter)
    header = inferred if header == "infer" else bool(header)
    columns = first if header else headerless_names(len(first))
    if need_target and target is None:
        raise ConfigError(f"{path}: give --target COLUMN, the column to predict (columns: "
                          f"{', '.join(columns) or 'none found'})")
    col = target
    if target is not None and target.lstrip("-").isdigit() and target not in columns:
        col = int(target)                             # a column index, when no column has that name
    try:
        X, y, names = datasets.read_csv(path, target=col, delimiter=delimiter, header=header)
    except DataError as exc:                          # say it in the command line's words
        raise DataError(str(exc).replace("pass target=", "pass --target COL")) from None
    if isinstance(col, int) and y is not None:
        col = columns[col] if -len(columns) <= col < len(columns) else target
    data = Data(X, y, names, col if y is not None else None, path, header)
    if not keep_index and columns[:1] == [""] and data.target != "":
        data = drop_pandas_index(data)
    return data


#: what the note on a left-out index column advises when training
INDEX_ADVICE = "write the file with index=False to leave it out, or pass --keep-index if it is a measurement"


def drop_pandas_index(data: Data, advice: str = INDEX_ADVICE) -> Data:
    """``data`` without its first feature column when that column is a pandas index, with a note on stderr.

    ``DataFrame.to_csv(path)`` writes the index as a first column whose header cell is empty. It
    holds 0..n-1 for a fresh DataFrame, other distinct whole numbers after shuffling or a
    train/test split, and whole numbers that repeat after ``pd.concat([a, b])`` (each part keeps
    its own 0, 1, ...). Row numbers are never a measurement, and training on them silently gives a
    model that depends on the row order, so such a column — no name, whole numbers ≥ 0, repeated
    or not — is left out, as ``pd.read_csv(path, index_col=0)`` would read it, rather than refused:
    the file is what pandas users write by default. One line on stderr says what happened and,
    in ``advice``, what to do: ``index=False`` when writing, or ``glassnet train --keep-index`` for
    a real measurement that has no name and happens to hold such numbers. A first column that
    has a name, or holds other values, stays a feature.
    """
    X, names = data.X, data.feature_names
    if not names or names[0] != "" or X.shape[1] < 2:
        return data
    first = X[:, 0]
    if not (np.all(first == np.round(first)) and np.all(first >= 0)):
        return data
    if np.array_equal(first, np.arange(len(first))):
        rows = f"0..{len(first) - 1}"
    elif np.unique(first).size == first.size:
        rows = "distinct whole numbers"
    else:
        rows = "whole numbers, some repeated, as pd.concat leaves them"
    print(f"glassnet: note: {data.source}: the first column has no name and holds row numbers ({rows}), the index "
          f"pandas writes with DataFrame.to_csv; it is not used as a feature ({advice})", file=sys.stderr)
    return dataclasses.replace(data, X=X[:, 1:], feature_names=names[1:])


def _check_y(y, path: str, key: str | None):
    if y is None or y.dtype.kind not in "fc":
        return y
    try:
        check_finite(y, key or "y")
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from None
    return y


# ---------------------------------------------------------------- the task and the labels

def decide_task(y: np.ndarray, task: str, where: str) -> str:
    """"classify" or "regress": ``task`` unless it is "auto", then from the target values."""
    kind = y.dtype.kind
    whole = kind in "iub" or (kind == "f" and bool(np.all(y == np.round(y))))
    if task == "auto":
        if kind in "USOb":
            return "classify"
        return "classify" if whole and y.ndim == 1 and np.unique(y).size <= MAX_AUTO_CLASSES else "regress"
    if task == "classify":
        if y.ndim != 1:
            raise DataError(f"{where}: --task classify needs one label per sample; the target has shape {y.shape}")
        if not whole and kind not in "USO":
            i = int(np.argmax(y != np.round(y)))
            raise DataError(f"{where}: --task classify needs class labels, but the target holds continuous values "
                            f"({y[i]:g} in row {i + 1}); use --task regress")
        return "classify"
    if task == "regress":
        if kind in "USO":
            raise DataError(f"{where}: --task regress needs numbers, but the target holds labels such as "
                            f"{str(y[0])!r}; use --task classify")
        return "regress"
    raise ConfigError(f"--task must be auto, classify or regress; got {task!r}")


def encode_classes(y: np.ndarray, where: str) -> tuple[list, np.ndarray]:
    """Class labels as plain JSON values (sorted) and ``y`` as 0..K-1; at least two classes."""
    classes, y_int = datasets.encode_labels(y)
    if classes.size < 2:
        raise DataError(f"{where}: the target has only one class ({classes[0].item()!r}) in {y.size} "
                        "sample(s); a classifier needs at least two")
    return classes.tolist(), y_int
