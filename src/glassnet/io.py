"""Model files: a network's weights, architecture and training settings in one safetensors file.

A glassnet model file is a plain `safetensors <https://huggingface.co/docs/safetensors>`_
file — an 8-byte little-endian header length, a JSON header, then the raw tensor bytes —
so PyTorch, JAX or NumPy can read it without glassnet (see ``docs/model-files.md``)::

    tensors      W1, b1, W2, b2, …  (the network's parameter names; layer buffers such as
                 running_mean3 too); F32 or F64, little-endian
    __metadata__ glassnet_format   "model" or "checkpoint"
                 format_version    "1"
                 glassnet_version  the version that wrote it
                 architecture      {"input_shape", "dtype", "loss", ["l2",] "layers": [{"kind", "config"}]}
                                   (a parametric activation as {"name": "leaky_relu", "alpha": 0.2})
                 trainable         {"W1": true, …}
                 training          the caller's settings (optional)
                 optimizer, training_state   checkpoints only (arrays as tensors "optimizer.…")
                 sha256            of the header (without this entry) and the tensor bytes

Loading never runs code from the file: layer kinds, activations and losses are looked up
by name in glassnet's registries, never imported, and nothing is unpickled. Everything —
header structure, offsets, architecture, every tensor's name, shape and dtype, the
checksum and finiteness of the values — is checked before the weights are used; any
problem raises :class:`~glassnet.errors.ModelFileError` naming the file and the problem.
The byte layout and the checks of the header live in :mod:`glassnet._safetensors`; this
module turns them into networks. Saving is atomic (:func:`atomic_write`: temporary file,
fsync, ``os.replace``): a failed or interrupted save leaves the previous file byte-identical.

Next door: :mod:`glassnet.checkpoints` adds the optimizer's and the loop's state to a model file
(and checks that a network can resume from it), and :mod:`glassnet._files` writes files safely
(:func:`atomic_write` and :func:`check_destination` are importable from here too).

>>> import os, tempfile
>>> from glassnet import Network, Dense
>>> net = Network([Dense(2, "sigmoid")], input_shape=2, seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
>>> save(net, path)
>>> sorted(load(path).params)
['W1', 'b1']
"""

from __future__ import annotations

import importlib
import json
import math
import os
import warnings

import numpy as np

from . import activations, losses
from ._files import _write_model_file, atomic_write, check_destination
from ._safetensors import (DTYPE_CODES, DTYPES, FORMAT_VERSION, MAX_FILE_BYTES, MAX_HEADER_BYTES,  # noqa: F401
                           encode, fail, is_int, parse_metadata, read_header, short, verify_checksum)
from .errors import ModelFileError
from .layers.base import Layer
from .network import Network

__all__ = ["register_layer", "layer_kinds", "architecture", "save", "check_destination", "atomic_write",
           "load", "info"]

_ALLOCATION_CAP = 2**27               # parameters a layer may create before its shapes are known
_PREFIXES = ("optimizer.", "training.")


# ---------------------------------------------------------------- layer kinds

_LAYER_KINDS: dict[str, type[Layer]] = {}
_LAYER_MODULES = ("dense", "conv", "pooling", "reshape", "dropout", "batchnorm")


def register_layer(cls: type[Layer]) -> type[Layer]:
    """Let model files name a layer class by its ``kind`` (as ``activations.register`` does for activations)."""
    if not (isinstance(cls, type) and issubclass(cls, Layer)) or cls.kind in ("", Layer.kind):
        raise ModelFileError(f"register_layer() takes a Layer subclass with its own `kind`; got {cls!r}")
    layer_kinds()[cls.kind] = cls  # glassnet's own kinds are collected first
    return cls


def layer_kinds() -> dict[str, type[Layer]]:
    """The layer classes a model file may name, by kind (glassnet's own plus registered ones)."""
    if not _LAYER_KINDS:
        for name in _LAYER_MODULES:
            try:
                module = importlib.import_module(f"glassnet.layers.{name}")  # fixed names only
            except ImportError:
                continue
            for obj in vars(module).values():
                if (isinstance(obj, type) and issubclass(obj, Layer) and obj.__module__ == module.__name__
                        and obj.kind != Layer.kind):
                    _LAYER_KINDS.setdefault(obj.kind, obj)
    return _LAYER_KINDS


# ---------------------------------------------------------------- describing a network

def architecture(network: Network) -> dict:
    """The JSON description a model file stores: input shape, dtype, loss (with its L2 penalty, if any)
    and each layer's kind and config."""
    arch = {"input_shape": list(network.input_shape) if network.built else None,
            "dtype": network.dtype.name, "loss": network.loss.name,
            "layers": [{"kind": layer.kind, "config": layer.config()} for layer in network.layers]}
    if getattr(network, "l2", 0.0):
        arch["l2"] = network.l2
    return arch


def _named_state(network: Network) -> list[tuple[str, Layer, str]]:
    """Layer buffers (e.g. BatchNorm's running_mean) named like parameters: ``running_mean3``."""
    named, k = [], 0
    for i, layer in enumerate(network.layers, 1):
        k += bool(layer.params)
        for local in layer.state:
            named.append((f"{local}{k}" if layer.params else f"{local}_layer{i}", layer, local))
    return named


def _check_saveable(network: Network, path: str) -> dict:
    if not isinstance(network, Network):
        raise ModelFileError(f"cannot save {path}: expected a glassnet Network; got {type(network).__name__}")
    if not network.built:
        raise ModelFileError(f"cannot save {path}: the network has no weights yet (give input_shape or train it)")
    kinds = layer_kinds()
    for i, layer in enumerate(network.layers, 1):
        if kinds.get(layer.kind) is not type(layer):
            raise ModelFileError(
                f"cannot save {path}: layer {i} is a {type(layer).__name__} (kind {layer.kind!r}), which model files "
                f"cannot name; register it first with glassnet.io.register_layer({type(layer).__name__})")
        for act in (v for v in vars(layer).values() if isinstance(v, activations.Activation)):
            if not activations.is_named(act):
                raise ModelFileError(
                    f"cannot save {path}: layer {i} uses activation {act.name!r}, a user-defined activation that "
                    f"is not the registered activation of that name; register it under a name of its own with "
                    f"glassnet.activations.register(...) before saving and before loading")
    if losses._REGISTRY.get(network.loss.name) is not network.loss:
        raise ModelFileError(f"cannot save {path}: the loss {network.loss.name!r} is not registered; "
                             "register it with glassnet.losses.register(...) before saving and before loading")
    arch = architecture(network)
    _dumps(arch, path, "the architecture")
    return arch


# ---------------------------------------------------------------- writing

def _dumps(obj, path: str, what: str) -> str:
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False, ensure_ascii=True)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"cannot save {path}: {what} is not plain JSON ({exc})") from None


def _network_tensors(network: Network, path: str) -> dict[str, np.ndarray]:
    tensors = dict(network.params)
    tensors.update({name: layer.state[local] for name, layer, local in _named_state(network)})
    for name, arr in tensors.items():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        if bad:
            raise ModelFileError(f"refusing to save {path}: {name} holds {bad} NaN/inf value(s) "
                                 "(training diverged?); save the last good weights instead")
    return tensors


def _metadata(network, arch, kind: str, training, path: str) -> dict[str, str]:
    from . import __version__
    meta = {"glassnet_format": kind, "format_version": str(FORMAT_VERSION), "glassnet_version": __version__,
            "architecture": _dumps(arch, path, "the architecture"),
            "trainable": _dumps(network.trainable, path, "the trainable flags")}
    if training is not None:
        if not isinstance(training, dict):
            raise ModelFileError(f"cannot save {path}: metadata must be a dict; got {type(training).__name__}")
        meta["training"] = _dumps(training, path, "metadata")
    return meta


def save(network: Network, path, *, overwrite: bool = False, metadata: dict | None = None) -> None:
    """Write ``network`` (weights, architecture, trainable flags) to ``path`` atomically.

    Parameters
    ----------
    network : Network
        A built network whose weights are all finite.
    path : str or os.PathLike
        Usually ``something.safetensors``; its folder must exist.
    overwrite : bool, default False
        Replace an existing file (otherwise that is an error).
    metadata : dict, optional
        Training settings to keep with the model (plain JSON), read back by :func:`info`.
    """
    path = os.fspath(path)
    arch = _check_saveable(network, path)
    tensors = _network_tensors(network, path)
    _write_model_file(path, encode(tensors, _metadata(network, arch, "model", metadata, path)), overwrite)


# ---------------------------------------------------------------- reading

def _param_shapes(layer: Layer, in_shape: tuple[int, ...]) -> dict | None:
    """The shapes ``layer.build(in_shape)`` will give its parameters, worked out without building it.

    A layer may say so itself (``param_shapes(input_shape)``); glassnet's own layers are known here
    (tests check this table against their ``build``); None when unknown.
    """
    if callable(getattr(layer, "param_shapes", None)):
        return layer.param_shapes(tuple(in_shape))
    bias = getattr(layer, "use_bias", False)
    if layer.kind == "dense":
        return {"W": (layer.units, in_shape[0]), **({"b": (layer.units,)} if bias else {})}
    if layer.kind == "conv2d":
        return {"W": (layer.filters, in_shape[0], *layer.kernel_size), **({"b": (layer.filters,)} if bias else {})}
    if layer.kind == "batchnorm":
        return {"gamma": (in_shape[0],), "beta": (in_shape[0],)}
    if layer.kind in ("maxpool2d", "averagepool2d", "flatten", "reshape", "dropout"):
        return {}
    return None


def _check_size(layer: Layer, i: int, in_shape, out_shape, budget: int, path: str) -> None:
    """Refuse a layer that would allocate more parameters than the file holds (before it allocates)."""
    shapes = _param_shapes(layer, in_shape)
    if shapes is not None:
        need, limit = sum(math.prod(s) for s in shapes.values()), budget
    else:  # no layer connects more than every input to every output (plus a bias each)
        need, limit = (math.prod(in_shape) + 1) * (math.prod(out_shape) + 1), max(budget, _ALLOCATION_CAP)
    if need > limit:
        raise fail(path, f"layer {i} ({layer.kind}) would create {'up to ' if shapes is None else ''}"
                         f"{need:,} parameters, but the file holds only {budget:,} values")


def _network_from_architecture(arch, path: str, budget: int) -> Network:
    """Build the skeleton network the architecture describes, checking every name and size on the way."""
    if not isinstance(arch, dict) or not {"input_shape", "dtype", "loss", "layers"} <= set(arch) <= {
            "input_shape", "dtype", "loss", "layers", "l2"}:
        raise fail(path, "the architecture must be an object with input_shape, dtype, loss, layers (and l2)")
    l2 = arch.get("l2", 0.0)
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not 0 < l2 < math.inf:
        if "l2" in arch:
            raise fail(path, f"the architecture's l2 {short(l2)} is not a positive number")
    shape = arch["input_shape"]
    if (not isinstance(shape, list) or not 1 <= len(shape) <= 8
            or not all(is_int(s) and 1 <= s <= 2**31 for s in shape)):
        raise fail(path, f"the architecture's input_shape {short(shape)} is not a list of 1–8 positive sizes")
    if arch["dtype"] not in DTYPE_CODES:
        raise fail(path, f"the architecture's dtype {short(arch['dtype'])} is not 'float32' or 'float64'")
    if not isinstance(arch["loss"], str) or arch["loss"] not in losses._REGISTRY:
        raise fail(path, f"unknown loss {short(arch['loss'])}; known: {', '.join(losses.names())} "
                         "(register a custom loss with glassnet.losses.register before loading)")
    if not isinstance(arch["layers"], list) or not 1 <= len(arch["layers"]) <= 10_000:
        raise fail(path, "the architecture's layers must be a non-empty list")
    kinds, layers, current = layer_kinds(), [], tuple(shape)
    for i, entry in enumerate(arch["layers"], 1):
        if not isinstance(entry, dict) or set(entry) != {"kind", "config"} or not isinstance(entry["config"], dict):
            raise fail(path, f"layer {i} must be an object {{\"kind\": ..., \"config\": {{...}}}}")
        kind, config = entry["kind"], entry["config"]
        if not isinstance(kind, str) or kind not in kinds:
            raise fail(path, f"layer {i} has unknown kind {short(kind)}; known kinds: {', '.join(sorted(kinds))} "
                             "(model files name glassnet's layers, never code to import)")
        if "activation" in config:
            act = config["activation"]              # a name, or {"name": ..., **params} for a parametric one
            name = act.get("name") if isinstance(act, dict) else act
            if not isinstance(name, str) or (name not in activations._REGISTRY
                                             and name not in activations._FACTORIES):
                raise fail(path, f"layer {i} ({kind}) has unknown activation {short(act)}; "
                                 f"known: {', '.join(activations.names())} (register a custom activation with "
                                 "glassnet.activations.register before loading)")
            try:
                activations.get(act)
            except Exception as exc:  # noqa: BLE001 — untrusted parameters
                raise fail(path, f"layer {i} ({kind}) has activation {short(act)} that cannot be rebuilt: "
                                 f"{exc}") from None
        try:
            layer = kinds[kind](**config)
            out_shape = layer.compute_output_shape(current)
        except Exception as exc:  # noqa: BLE001 — the config is untrusted: any failure is a bad file
            raise fail(path, f"layer {i} ({kind}) cannot be rebuilt from config {short(config)} "
                             f"on inputs of shape {current}: {exc}") from None
        _check_size(layer, i, current, out_shape, budget, path)
        layers.append(layer)
        current = tuple(out_shape)
    try:
        extra = {"l2": float(l2)} if "l2" in arch else {}
        return Network(layers, loss=arch["loss"], input_shape=shape, dtype=arch["dtype"], seed=0, **extra)
    except Exception as exc:  # noqa: BLE001 — MemoryError included
        raise fail(path, f"the architecture cannot be built: {exc}") from None


def _markers(obj, found: list) -> list:
    """The tensor names a checkpoint's JSON state refers to."""
    if isinstance(obj, dict):
        if set(obj) == {"__tensor__"}:
            found.append(obj["__tensor__"])
        for value in obj.values():
            _markers(value, found)
    elif isinstance(obj, list):
        for value in obj:
            _markers(value, found)
    return found


def _match(net: Network, specs: dict, parsed: dict, fmt: str, path: str) -> None:
    """Every tensor the architecture implies, with its shape and dtype; nothing else (checkpoint state aside)."""
    expected = dict(net.params)
    expected.update({name: layer.state[local] for name, layer, local in _named_state(net)})
    for name, arr in expected.items():
        if name not in specs:
            raise fail(path, f"tensor {name!r} (shape {list(arr.shape)}) is missing; the architecture needs it")
        dtype, shape = specs[name][:2]
        if shape != arr.shape:
            raise fail(path, f"tensor {name!r} has shape {list(shape)}, but the architecture needs {list(arr.shape)}")
        if DTYPES[dtype].name != arr.dtype.name:
            raise fail(path, f"tensor {name!r} is {dtype}, but the architecture's dtype is {net.dtype.name}")
    referenced = _markers([parsed.get("optimizer"), parsed.get("training_state")], []) if fmt == "checkpoint" else []
    for name in referenced:
        if not isinstance(name, str) or not name.startswith(_PREFIXES) or name not in specs:
            raise fail(path, f"the checkpoint's state refers to a tensor {short(name)} that it does not hold")
    unexpected = sorted(set(specs) - set(expected) - set(referenced))
    if unexpected:
        raise fail(path, f"holds tensor(s) {', '.join(map(repr, unexpected[:5]))} that the architecture "
                         f"has no place for (it needs {', '.join(expected)})")
    trainable = parsed["trainable"]
    if (not isinstance(trainable, dict) or set(trainable) != set(net.params)
            or not all(isinstance(v, bool) for v in trainable.values())):
        raise fail(path, f"the trainable flags must give true/false for exactly {', '.join(net.params)}")


def _read(path, want: str):
    path = os.fspath(path)
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise fail(path, "no such file") from None
    except IsADirectoryError:
        raise fail(path, "is a folder, not a model file") from None
    except OSError as exc:
        raise fail(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        with f:
            header, specs, data_len = read_header(f, path, os.fstat(f.fileno()).st_size)
            fmt, parsed = parse_metadata(header["__metadata__"], path, want)
            budget = sum(math.prod(s[1]) for s in specs.values())
            net = _network_from_architecture(parsed["architecture"], path, budget)
            _match(net, specs, parsed, fmt, path)
            if want == "info":
                return net, fmt, parsed, specs, header["__metadata__"]
            data = f.read(data_len)
    except OSError as exc:
        raise fail(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) != data_len:
        raise fail(path, "the file shrank while it was being read")
    verify_checksum(header, data, path)
    arrays = {}
    for name, (dtype, shape, begin, end) in specs.items():
        arr = np.frombuffer(memoryview(data)[begin:end], dtype=DTYPES[dtype]).reshape(shape)
        if not np.isfinite(arr).all():
            raise fail(path, f"tensor {name!r} holds NaN or infinite values")
        arrays[name] = arr
    net.freeze(*[name for name, flag in parsed["trainable"].items() if not flag])
    net.set_params({name: arrays[name] for name in net.params})
    for name, layer, local in _named_state(net):
        layer.state[local][...] = arrays[name]
    return net, fmt, parsed, specs, arrays


def load(path) -> Network:
    """Read a model (or the model inside a checkpoint) saved by :func:`save`, checking everything first.

    This is the bare network. A model written by ``glassnet train --standardize`` expects
    standardised inputs (and, for regression, predicts standardised targets): loading one
    warns, and :func:`glassnet.trained.load` gives a model that takes and returns the data's
    own units and labels.

    Raises
    ------
    ModelFileError
        Naming the file and the problem: not a glassnet file, damaged (truncated, a flipped
        bit: the file carries a SHA-256), an unknown layer kind, activation or loss, or
        weights that do not fit the architecture. Nothing from the file is ever executed.

    Warns
    -----
    UserWarning
        When the file's training metadata records input standardisation or target scaling as
        ``glassnet train`` does (``{"mean": [...], "std": [...]}``), which the returned network
        does not apply (Python shows it once per file and caller).
    """
    net, _, parsed, _, _ = _read(path, "model")
    training = parsed.get("training")
    scaled = [what for key, what in (("standardize", "standardised inputs"), ("target_scale", "scaled targets"))
              if isinstance(training, dict) and _is_scaling(training.get(key))]
    if scaled:
        warnings.warn(f"{os.fspath(path)} was trained on {' and '.join(scaled)}; the network glassnet.io.load "
                      "returns does not apply that scaling, so its predictions on raw data are wrong. Use "
                      f"glassnet.trained.load({os.fspath(path)!r}) to predict in the data's own units",
                      UserWarning, stacklevel=2)
    return net


def _is_scaling(entry) -> bool:
    """Whether a training-metadata entry is a standardisation as ``glassnet train`` records it,
    ``{"mean": [...], "std": [...]}`` (not some other note saved under the same key)."""
    return isinstance(entry, dict) and isinstance(entry.get("mean"), list) and isinstance(entry.get("std"), list)


def info(path) -> dict:
    """What a model file holds — format, versions, architecture, parameters, training settings — without its weights.

    The header and architecture are checked as by :func:`load`; the tensor data is not read.
    """
    net, fmt, parsed, specs, meta = _read(path, "info")
    return {"path": os.fspath(path), "format": fmt, "glassnet_version": meta["glassnet_version"],
            "format_version": int(meta["format_version"]), "architecture": parsed["architecture"],
            "trainable": parsed["trainable"], "training": parsed.get("training"), "n_params": net.n_params,
            "tensors": {name: {"dtype": s[0], "shape": list(s[1])} for name, s in sorted(specs.items())},
            "summary": net.summary()}
