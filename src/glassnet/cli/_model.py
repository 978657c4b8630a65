"""Using a trained model from the command line: ``glassnet predict`` and ``evaluate``.

:class:`glassnet.trained.TrainedModel` turns DATA into the network's inputs and its outputs back
into the user's labels or units (the same code Python users call); here it only meets the command
line: a data file given as MODEL is named as such, DATA's defaults (target, delimiter, ``.npz``
arrays) come from the training run, and warnings are one line on stderr that names the file.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import warnings

import numpy as np

from ._data import Data, check_data_file, data_kind, drop_pandas_index, load_data, what_file
from .._safetensors import looks_like_safetensors
from ..datasets.files import csv_first_row, headerless_names
from ..errors import DataError, ModelFileError


def load_model(path: str, data: list[str], command: str):
    """The :class:`~glassnet.trained.TrainedModel` in MODEL. A data file given as MODEL (the two
    arguments swapped) is named as such, with the order the command takes."""
    from .. import trained

    kind = what_file(path) if os.path.isfile(path) else None
    if kind and kind != "a model file":
        swapped = " (the two look swapped)" if any(looks_like_safetensors(p) for p in data) else ""
        raise ModelFileError(f"{path} is not a glassnet model file: it is {kind}. MODEL comes first, then "
                             f"DATA{swapped}: glassnet {command} MODEL.safetensors DATA")
    return trained.load(path)


def model_data(paths: list[str], model, args, need_target: bool) -> Data:
    """Read DATA for a trained model: the target column/array defaults to the one it was trained on.

    A CSV file's first row is its header when it looks like one, or when it is the model's own
    column names though all numbers (pandas writes ``0,1,2`` for a DataFrame's unnamed columns).
    The model's target column is read — and, without ``need_target``, dropped — only when the
    file holds it: by name in a file with a header; in one without, when the file has the model's
    features and one column more (a file of the features alone has none of its columns to spare).
    """
    settings = model.training.get("settings") or {}
    delimiter = getattr(args, "delimiter", None) or settings.get("delimiter", ",")
    features = getattr(args, "features", None) or settings.get("features", "X")
    labels = getattr(args, "labels", None)
    target = args.target
    for name in paths:
        check_data_file(name)
    kind = data_kind(paths[0]) if len(paths) == 1 else "idx"
    if kind != "csv" or labels:
        if target is None and model.target and kind == "npz" and need_target:
            target = model.target
        return load_data(paths, target=target, labels=labels, features=features, delimiter=delimiter,
                         need_target=need_target)
    first, header = csv_first_row(paths[0], delimiter)
    header = header or _is_models_header(first, model)
    columns = first if header else headerless_names(len(first))
    if target is None and model.target:
        if _holds_target(columns, header, model):
            target = model.target
        elif need_target:
            raise DataError(_no_target(paths[0], columns, header, model))
    data = load_data(paths, target=target, delimiter=delimiter, need_target=need_target, keep_index=True,
                     header=header)
    if not need_target:                               # the target column was read so as to be left out
        data = dataclasses.replace(data, y=None)
    if columns[:1] == [""] and data.target != "" and "" not in (model.features or []):
        data = drop_pandas_index(data, "the model was not trained on it")
    return data


def _is_models_header(first: list[str], model) -> bool:
    """Whether a CSV file's first row, which does not look like a header, is the model's own column
    names: its features, perhaps after the empty cell of a pandas index, with or without its target."""
    if not model.named:
        return False
    cells = list(first)
    if cells[:1] == [""] and model.features[:1] != [""]:
        cells = cells[1:]
    if model.target in cells and model.target not in model.features:
        cells.remove(model.target)
    return cells == model.features


def _holds_target(columns: list[str], header: bool, model) -> bool:
    """Whether a CSV file with these ``columns`` holds the model's target column (see :func:`model_data`)."""
    if model.target not in columns:
        return False
    return header or not model.features or len(columns) == len(model.features) + 1


def _no_target(path: str, columns: list[str], header: bool, model) -> str:
    """Why evaluate finds no true values in a CSV file."""
    from ..trained import _listed

    fix = "add that column, or name the column of true values with --target COL"
    if header:
        return (f"{path}: has no column {model.target!r}, the target the model was trained on, so there are no "
                f"true values to score against (columns: {_listed(columns, 20)}); {fix}")
    if model.target in columns:
        return (f"{path}: has no header row and {len(columns)} column(s), not the model's {len(model.features)} "
                f"feature(s) plus its target {model.target!r}, so there are no true values to score against; {fix}")
    return (f"{path}: has no header row, so the model's target {model.target!r} cannot be found by name and there "
            "are no true values to score against; name the column of true values with --target COL")


def model_input(model, data: Data) -> np.ndarray:
    """DATA's features as the model's network takes them (:meth:`~glassnet.trained.TrainedModel.network_input`:
    columns by name, standardised); each warning it gives (columns taken by position) as one line on stderr,
    and one for a file without a header given to a model that knows its columns by name."""
    from ..trained import _listed

    named = None if data.header is False else data.feature_names      # "x0", "x1", ... are positions
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X = model.network_input(data.X, columns=named, source=data.source)
    messages = [str(warning.message) for warning in caught]
    if data.header is False and model.named:
        messages.append(f"{data.source} has no header row, so its columns are taken by position as the model's "
                        f"features {_listed(model.features)}")
    for message in messages:
        print(f"glassnet: warning: {' '.join(message.split())}", file=sys.stderr)
    return X
