"""Checkpoints: a model file plus the optimizer's and the training loop's state, to resume training from.

A checkpoint is a :mod:`glassnet.io` model file with ``glassnet_format = "checkpoint"`` and two
more metadata entries (see ``docs/model-files.md``)::

    optimizer        the optimizer's state as JSON: step count, learning rate, …
    training_state   the loop's state as JSON: epoch, best loss, history, the Generator's state, …

Arrays anywhere in that state (Adam's ``m`` and ``v``, a permutation) are stored as tensors
named ``optimizer.m``, ``training.perm``, …, and the JSON holds ``{"__tensor__": "optimizer.m"}``
in their place; a non-finite float is written ``{"__float__": "inf"}``. Loading checks the file
exactly as :func:`glassnet.io.load` does — every tensor the state refers to must be in the file
— and puts the arrays back. :func:`check_compatible` refuses to resume a network that differs from
the saved one.

>>> import os, tempfile
>>> import numpy as np
>>> from glassnet import Network, Dense
>>> net = Network([Dense(2, "sigmoid")], input_shape=2, seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt")
>>> save_checkpoint(net, {"t": 3, "m": np.zeros(6)}, {"epoch": 3, "best_loss": float("inf")}, path)
>>> ckpt = load_checkpoint(path)
>>> ckpt.optimizer_state["t"], ckpt.training_state
(3, {'epoch': 3, 'best_loss': inf})
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from ._files import _write_model_file
from ._safetensors import DTYPE_CODES, encode
from .errors import ModelFileError
from .io import _check_saveable, _dumps, _metadata, _network_tensors, _read, architecture
from .network import Network


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns: the network and the state to resume training from."""

    network: Network
    optimizer_state: dict
    training_state: dict
    training: dict | None  # the settings given to save_checkpoint(metadata=...)
    path: str


# ---------------------------------------------------------------- writing

def save_checkpoint(network: Network, optimizer_state: dict, training_state: dict, path, *,
                    overwrite: bool = True, metadata: dict | None = None) -> None:
    """Write a checkpoint to resume training from: the model plus the optimizer's and the loop's state.

    Arrays anywhere in ``optimizer_state`` / ``training_state`` (e.g. Adam's ``m`` and ``v``)
    are stored as tensors ``optimizer.m``, ``training.…``; the rest (step counts, epoch,
    history, a Generator's ``bit_generator.state``) as JSON. Non-finite floats survive
    (``best_loss = inf``); tuples come back as lists. Checkpoints overwrite by default.
    """
    path = os.fspath(path)
    arch = _check_saveable(network, path)
    tensors = _network_tensors(network, path)
    if not isinstance(optimizer_state, dict) or not isinstance(training_state, dict):
        raise ModelFileError(f"cannot save {path}: optimizer_state and training_state must be dicts")
    meta = _metadata(network, arch, "checkpoint", metadata, path)
    meta["optimizer"] = _dumps(_split_state(optimizer_state, "optimizer", tensors, path), path, "optimizer_state")
    meta["training_state"] = _dumps(_split_state(training_state, "training", tensors, path), path, "training_state")
    _write_model_file(path, encode(tensors, meta), overwrite)


def _split_state(value, prefix: str, tensors: dict, path: str):
    """JSON for ``value`` with each array replaced by ``{"__tensor__": name}`` (stored in ``tensors``)."""
    if isinstance(value, np.ndarray):
        if value.dtype.name not in DTYPE_CODES:
            raise ModelFileError(f"cannot save {path}: {prefix} must be a float32 or float64 array; "
                                 f"got dtype {value.dtype.name} (store counts as plain numbers)")
        if not np.isfinite(value).all():
            raise ModelFileError(f"refusing to save {path}: {prefix} holds NaN/inf values")
        tensors[prefix] = value
        return {"__tensor__": prefix}
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str) or not key or "." in key or key.startswith("__"):
                raise ModelFileError(f"cannot save {path}: key {key!r} in {prefix} must be a plain name")
        return {k: _split_state(v, f"{prefix}.{k}", tensors, path) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split_state(v, f"{prefix}.{i}", tensors, path) for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}  # 'inf', '-inf', 'nan' (e.g. a best loss not yet set)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ModelFileError(f"cannot save {path}: {prefix} is a {type(value).__name__}; "
                         "expected arrays, numbers, strings, lists or dicts")


# ---------------------------------------------------------------- reading

def load_checkpoint(path) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint` (checked like :func:`load`)."""
    net, _, parsed, _, arrays = _read(path, "checkpoint")
    return Checkpoint(net, _join_state(parsed["optimizer"], arrays), _join_state(parsed["training_state"], arrays),
                      parsed.get("training"), os.fspath(path))


def _join_state(obj, arrays: dict):
    """The inverse of :func:`_split_state`: each ``{"__tensor__": name}`` becomes a copy of that array."""
    if isinstance(obj, dict):
        if set(obj) == {"__tensor__"}:
            return arrays[obj["__tensor__"]].copy()
        if set(obj) == {"__float__"}:
            return float(obj["__float__"])
        return {k: _join_state(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_join_state(v, arrays) for v in obj]
    return obj


def check_compatible(saved, network: Network, *, input_shape=None) -> None:
    """Refuse to resume ``network`` from ``saved`` (a :class:`Checkpoint` or Network) unless they match.

    Compares input shape (``network``'s, or ``input_shape`` when it is not built yet),
    dtype, loss and each layer's kind and configuration (not ``l2``, a training setting
    that may change on resuming), and raises
    :class:`~glassnet.errors.ModelFileError` listing every difference.
    """
    where = saved.path if isinstance(saved, Checkpoint) else "checkpoint"
    a = architecture(saved.network if isinstance(saved, Checkpoint) else saved)
    b = architecture(network)
    if input_shape is not None:
        b["input_shape"] = [int(input_shape)] if np.isscalar(input_shape) else [int(s) for s in input_shape]
    diffs = []
    if a["input_shape"] is not None and b["input_shape"] is not None and a["input_shape"] != b["input_shape"]:
        diffs.append(f"input shape: saved {tuple(a['input_shape'])}, now {tuple(b['input_shape'])}")
    for key in ("dtype", "loss"):
        if a[key] != b[key]:
            diffs.append(f"{key}: saved {a[key]}, now {b[key]}")
    if len(a["layers"]) != len(b["layers"]):
        diffs.append(f"number of layers: saved {len(a['layers'])}, now {len(b['layers'])}")
    for i, (la, lb) in enumerate(zip(a["layers"], b["layers"]), 1):
        if la["kind"] != lb["kind"]:
            diffs.append(f"layer {i}: saved {la['kind']}, now {lb['kind']}")
            continue
        for key in sorted(set(la["config"]) | set(lb["config"])):
            if la["config"].get(key) != lb["config"].get(key):
                diffs.append(f"layer {i} ({la['kind']}) {key}: saved {la['config'].get(key)!r}, "
                             f"now {lb['config'].get(key)!r}")
    if diffs:
        raise ModelFileError(f"{where}: cannot resume: the saved network differs from this one — " + "; ".join(diffs))
