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
                 trainable         {"W1": true, …}
                 training          the caller's settings (optional)
                 optimizer, training_state   checkpoints only (arrays as tensors "optimizer.…")
                 sha256            of the header (without this entry) and the tensor bytes

Loading never runs code from the file: layer kinds, activations and losses are looked up
by name in glassnet's registries, never imported, and nothing is unpickled. Everything —
header structure, offsets, architecture, every tensor's name, shape and dtype, the
checksum and finiteness of the values — is checked before the weights are used; any
problem raises :class:`~glassnet.errors.ModelFileError` naming the file and the problem.
Saving is atomic (temporary file, fsync, ``os.replace``): a failed or interrupted save
leaves the previous file byte-identical.

>>> import os, tempfile
>>> from glassnet import Network, Dense
>>> net = Network([Dense(2, "sigmoid")], input_shape=2, seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
>>> save(net, path)
>>> sorted(load(path).params)
['W1', 'b1']
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib
import json
import math
import os
import tempfile
from dataclasses import dataclass

import numpy as np

from . import activations, losses
from .errors import ModelFileError
from .layers.base import Layer
from .network import Network

FORMAT_VERSION = 1
MAX_HEADER_BYTES = 100_000_000        # the limit the safetensors library itself uses
MAX_FILE_BYTES = 64 * 2**30
_ALLOCATION_CAP = 2**27               # parameters a layer may create before its shapes are known
_DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
_DTYPE_CODES = {"float32": "F32", "float64": "F64"}
_PREFIXES = ("optimizer.", "training.")
_META_KEYS = {"model": {"glassnet_format", "format_version", "glassnet_version", "architecture", "trainable",
                        "sha256"},
              "checkpoint": {"glassnet_format", "format_version", "glassnet_version", "architecture", "trainable",
                             "sha256", "optimizer", "training_state"}}

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
            if activations._REGISTRY.get(act.name) is not act:
                raise ModelFileError(
                    f"cannot save {path}: layer {i} uses activation {act.name!r}, which is not the registered "
                    f"activation of that name; register it (under its own name) with "
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


def _canonical(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _split_state(value, prefix: str, tensors: dict, path: str):
    """JSON for ``value`` with each array replaced by ``{"__tensor__": name}`` (stored in ``tensors``)."""
    if isinstance(value, np.ndarray):
        if value.dtype.name not in _DTYPE_CODES:
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


def _encode(tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> list:
    """The file as chunks: length + header, then each tensor's bytes (sorted by itemsize, then name)."""
    order = sorted(tensors, key=lambda n: (-tensors[n].dtype.itemsize, n))
    header, chunks, offset = {}, [], 0
    for name in order:
        arr = np.ascontiguousarray(tensors[name], dtype=_DTYPES[_DTYPE_CODES[tensors[name].dtype.name]])
        header[name] = {"dtype": _DTYPE_CODES[arr.dtype.name], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + arr.nbytes]}
        chunks.append(memoryview(arr.reshape(-1)).cast("B"))
        offset += arr.nbytes
    digest = hashlib.sha256(_canonical({**header, "__metadata__": metadata}))
    for chunk in chunks:
        digest.update(chunk)
    text = json.dumps({"__metadata__": {**metadata, "sha256": digest.hexdigest()}, **header},
                      separators=(",", ":"), ensure_ascii=True).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the safetensors library writes it
    return [len(text).to_bytes(8, "little") + text, *chunks]


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
    _atomic_write(path, _encode(tensors, _metadata(network, arch, "model", metadata, path)), overwrite)


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
    _atomic_write(path, _encode(tensors, meta), overwrite)


def _save_error(path: str, exc: OSError) -> ModelFileError:
    reason = {errno.ENOSPC: "the disk is full (no space left on device)",
              errno.EDQUOT: "the disk quota is exceeded",
              errno.EACCES: "permission denied (is the folder read-only?)",
              errno.EPERM: "permission denied (is the folder read-only?)",
              errno.EROFS: "the file system is read-only"}.get(exc.errno, exc.strerror or str(exc))
    return ModelFileError(f"could not save {path}: {reason}; any previous file there is unchanged")


def _atomic_write(path: str, chunks: list, overwrite: bool) -> None:
    """Temporary file in the same folder → write, fsync → ``os.replace`` → fsync the folder."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ModelFileError(f"cannot save {path}: it is a folder; give a file name such as model.safetensors")
    if not os.path.isdir(folder):
        raise ModelFileError(f"cannot save {path}: the folder {folder} does not exist (create it first)")
    if os.path.lexists(path) and not overwrite:
        raise ModelFileError(f"{path} already exists; pass overwrite=True (glassnet: --overwrite) to replace it")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ModelFileError(f"could not save {path}: the folder {folder} is not writable")
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except OSError as exc:
        raise _save_error(path, exc) from exc
    try:
        try:
            for chunk in chunks:
                view = memoryview(chunk).cast("B")
                while view:
                    view = view[os.write(fd, view):]
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:  # KeyboardInterrupt too: never leave the temporary behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _save_error(path, exc) from exc
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename itself durable (POSIX)
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- reading

@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns: the network and the state to resume training from."""

    network: Network
    optimizer_state: dict
    training_state: dict
    training: dict | None  # the settings given to save_checkpoint(metadata=...)
    path: str


def _fail(path: str, problem: str) -> ModelFileError:
    return ModelFileError(f"{path}: {problem}")


def _short(obj, limit: int = 120) -> str:
    text = repr(obj)
    return text if len(text) <= limit else text[:limit] + "…"


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _strict_json(raw, path: str, what: str):
    """Standard JSON only: no NaN/Infinity literals, no duplicate keys, valid UTF-8."""
    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj:
                raise ValueError(f"duplicate key {key!r}")
            obj[key] = value
        return obj

    def constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except (ValueError, RecursionError) as exc:
        raise _fail(path, f"{what} is not valid JSON ({_short(str(exc), 200)}): "
                          "the file is damaged or not a glassnet model file") from None


def _sniff(head: bytes, path: str) -> None:
    """Name the usual wrong files, whose first bytes make no sense as a header length."""
    if head.startswith(b"PK\x03\x04"):
        raise _fail(path, "is a zip archive (a NumPy .npz, a PyTorch .pt or a Keras file?), not a glassnet "
                          "model file; glassnet reads .safetensors files written by glassnet.io.save")
    if head.startswith(b"\x93NUMPY"):
        raise _fail(path, "is a NumPy .npy file, not a glassnet model file")
    if head.startswith(b"\x89HDF"):
        raise _fail(path, "is an HDF5 file (Keras .h5?), not a glassnet model file")
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise _fail(path, "is a Python pickle; glassnet never unpickles files (unpickling can run code). "
                          "Save models with glassnet.io.save")


def _check_spec(name: str, spec, path: str) -> tuple[str, tuple[int, ...], int, int]:
    if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data_offsets"}:
        raise _fail(path, f"tensor {name!r}: its header entry must have exactly dtype, shape and data_offsets")
    dtype, shape, offsets = spec["dtype"], spec["shape"], spec["data_offsets"]
    if dtype not in _DTYPES:
        raise _fail(path, f"tensor {name!r} has dtype {_short(dtype)}; glassnet files hold only F32 or F64")
    if not isinstance(shape, list) or len(shape) > 8 or not all(_is_int(s) and s >= 0 for s in shape):
        raise _fail(path, f"tensor {name!r} has shape {_short(shape)}; expected a list of at most 8 sizes ≥ 0")
    if (not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_int(o) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]):
        raise _fail(path, f"tensor {name!r} has data_offsets {_short(offsets)}; expected [begin, end], 0 ≤ begin ≤ end")
    nbytes = math.prod(shape) * _DTYPES[dtype].itemsize
    if offsets[1] - offsets[0] != nbytes:
        raise _fail(path, f"tensor {name!r}: shape {shape} × {dtype} needs {nbytes:,} bytes, "
                          f"but its data_offsets span {offsets[1] - offsets[0]:,}")
    return dtype, tuple(shape), offsets[0], offsets[1]


def _check_offsets(specs: dict, data_len: int, path: str) -> None:
    """The tensors must tile the data section exactly: no overlap, no gap, nothing left over."""
    position = 0
    for begin, end, name in sorted((s[2], s[3], name) for name, s in specs.items()):
        if begin < position:
            raise _fail(path, f"tensor {name!r} (bytes {begin}–{end}) overlaps the tensor before it")
        if begin > position:
            raise _fail(path, f"the data has a gap of {begin - position} bytes before tensor {name!r}")
        position = end
    if position != data_len:
        hint = "truncated?" if position > data_len else "unexpected trailing bytes"
        raise _fail(path, f"the tensors need {position:,} bytes of data but the file holds {data_len:,} ({hint})")


def _read_header(f, path: str, size: int):
    if size > MAX_FILE_BYTES:
        raise _fail(path, f"is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a glassnet model file may be")
    if size < 8:
        raise _fail(path, f"is only {size} bytes long: too short for a safetensors file (truncated?)")
    head = f.read(8)
    n = int.from_bytes(head, "little")
    if n > MAX_HEADER_BYTES or 8 + n > size or f.read(1) != b"{":
        _sniff(head, path)  # only now: a real header length may begin with the bytes of a signature
    f.seek(8)
    if n > MAX_HEADER_BYTES:
        raise _fail(path, f"declares a {n:,}-byte header, more than the {MAX_HEADER_BYTES:,} allowed: "
                          "the file is damaged or not a safetensors file")
    if 8 + n > size:
        raise _fail(path, f"declares a {n:,}-byte header but only {size - 8:,} bytes follow (truncated?)")
    raw = f.read(n)
    if len(raw) != n or not raw.startswith(b"{"):
        raise _fail(path, "the header does not start with '{': the file is damaged or not a safetensors file")
    header = _strict_json(raw, path, "the header")
    if not isinstance(header, dict):
        raise _fail(path, "the header is not a JSON object")
    meta = header.get("__metadata__")
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise _fail(path, "has no glassnet metadata (a safetensors file from another tool?); "
                          "glassnet loads files written by glassnet.io.save")
    specs = {name: _check_spec(name, spec, path) for name, spec in header.items() if name != "__metadata__"}
    _check_offsets(specs, size - 8 - n, path)
    return header, specs, size - 8 - n


def _parse_metadata(meta: dict, path: str, want: str) -> tuple[str, dict]:
    fmt = meta.get("glassnet_format")
    if fmt not in _META_KEYS:
        raise _fail(path, f"is not a glassnet model file (glassnet_format is {_short(fmt)})")
    if want == "checkpoint" and fmt != "checkpoint":
        raise _fail(path, "is a model file, not a checkpoint: it holds no optimizer state to resume from")
    version = meta.get("format_version")
    if version != str(FORMAT_VERSION):
        newer = isinstance(version, str) and version.isdigit() and int(version) > FORMAT_VERSION
        raise _fail(path, f"has format_version {_short(version)}; this glassnet reads version {FORMAT_VERSION}"
                          + (": upgrade glassnet to load it" if newer else ""))
    missing = sorted(_META_KEYS[fmt] - set(meta))
    extra = sorted(set(meta) - _META_KEYS[fmt] - {"training"})
    if missing or extra:
        raise _fail(path, "metadata " + "; ".join(
            ([f"lacks {', '.join(missing)}"] if missing else []) + ([f"has unknown {', '.join(extra)}"] if extra else [])))
    sha = meta["sha256"]
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise _fail(path, "its sha256 checksum is malformed")
    parsed = {key: _strict_json(meta[key], path, f"the metadata entry {key!r}")
              for key in ("architecture", "trainable", "training", "optimizer", "training_state") if key in meta}
    if "training" in parsed and not isinstance(parsed["training"], dict):
        raise _fail(path, "the metadata entry 'training' is not a JSON object")
    return fmt, parsed


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
        raise _fail(path, f"layer {i} ({layer.kind}) would create {'up to ' if shapes is None else ''}"
                          f"{need:,} parameters, but the file holds only {budget:,} values")


def _network_from_architecture(arch, path: str, budget: int) -> Network:
    """Build the skeleton network the architecture describes, checking every name and size on the way."""
    if not isinstance(arch, dict) or not {"input_shape", "dtype", "loss", "layers"} <= set(arch) <= {
            "input_shape", "dtype", "loss", "layers", "l2"}:
        raise _fail(path, "the architecture must be an object with input_shape, dtype, loss, layers (and l2)")
    l2 = arch.get("l2", 0.0)
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not 0 < l2 < math.inf:
        if "l2" in arch:
            raise _fail(path, f"the architecture's l2 {_short(l2)} is not a positive number")
    shape = arch["input_shape"]
    if (not isinstance(shape, list) or not 1 <= len(shape) <= 8
            or not all(_is_int(s) and 1 <= s <= 2**31 for s in shape)):
        raise _fail(path, f"the architecture's input_shape {_short(shape)} is not a list of 1–8 positive sizes")
    if arch["dtype"] not in _DTYPE_CODES:
        raise _fail(path, f"the architecture's dtype {_short(arch['dtype'])} is not 'float32' or 'float64'")
    if not isinstance(arch["loss"], str) or arch["loss"] not in losses._REGISTRY:
        raise _fail(path, f"unknown loss {_short(arch['loss'])}; known: {', '.join(losses.names())} "
                          "(register a custom loss with glassnet.losses.register before loading)")
    if not isinstance(arch["layers"], list) or not 1 <= len(arch["layers"]) <= 10_000:
        raise _fail(path, "the architecture's layers must be a non-empty list")
    kinds, layers, current = layer_kinds(), [], tuple(shape)
    for i, entry in enumerate(arch["layers"], 1):
        if not isinstance(entry, dict) or set(entry) != {"kind", "config"} or not isinstance(entry["config"], dict):
            raise _fail(path, f"layer {i} must be an object {{\"kind\": ..., \"config\": {{...}}}}")
        kind, config = entry["kind"], entry["config"]
        if not isinstance(kind, str) or kind not in kinds:
            raise _fail(path, f"layer {i} has unknown kind {_short(kind)}; known kinds: {', '.join(sorted(kinds))} "
                              "(model files name glassnet's layers, never code to import)")
        if "activation" in config and (not isinstance(config["activation"], str)
                                       or config["activation"] not in activations._REGISTRY):
            raise _fail(path, f"layer {i} ({kind}) has unknown activation {_short(config['activation'])}; "
                              f"known: {', '.join(activations.names())} (register a custom activation with "
                              "glassnet.activations.register before loading)")
        try:
            layer = kinds[kind](**config)
            out_shape = layer.compute_output_shape(current)
        except Exception as exc:  # noqa: BLE001 — the config is untrusted: any failure is a bad file
            raise _fail(path, f"layer {i} ({kind}) cannot be rebuilt from config {_short(config)} "
                              f"on inputs of shape {current}: {exc}") from None
        _check_size(layer, i, current, out_shape, budget, path)
        layers.append(layer)
        current = tuple(out_shape)
    try:
        extra = {"l2": float(l2)} if "l2" in arch else {}
        return Network(layers, loss=arch["loss"], input_shape=shape, dtype=arch["dtype"], seed=0, **extra)
    except Exception as exc:  # noqa: BLE001 — MemoryError included
        raise _fail(path, f"the architecture cannot be built: {exc}") from None


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


def _join_state(obj, arrays: dict):
    if isinstance(obj, dict):
        if set(obj) == {"__tensor__"}:
            return arrays[obj["__tensor__"]].copy()
        if set(obj) == {"__float__"}:
            return float(obj["__float__"])
        return {k: _join_state(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_join_state(v, arrays) for v in obj]
    return obj


def _match(net: Network, specs: dict, parsed: dict, fmt: str, path: str) -> None:
    """Every tensor the architecture implies, with its shape and dtype; nothing else (checkpoint state aside)."""
    expected = dict(net.params)
    expected.update({name: layer.state[local] for name, layer, local in _named_state(net)})
    for name, arr in expected.items():
        if name not in specs:
            raise _fail(path, f"tensor {name!r} (shape {list(arr.shape)}) is missing; the architecture needs it")
        dtype, shape = specs[name][:2]
        if shape != arr.shape:
            raise _fail(path, f"tensor {name!r} has shape {list(shape)}, but the architecture needs {list(arr.shape)}")
        if _DTYPES[dtype].name != arr.dtype.name:
            raise _fail(path, f"tensor {name!r} is {dtype}, but the architecture's dtype is {net.dtype.name}")
    referenced = _markers([parsed.get("optimizer"), parsed.get("training_state")], []) if fmt == "checkpoint" else []
    for name in referenced:
        if not isinstance(name, str) or not name.startswith(_PREFIXES) or name not in specs:
            raise _fail(path, f"the checkpoint's state refers to a tensor {_short(name)} that it does not hold")
    unexpected = sorted(set(specs) - set(expected) - set(referenced))
    if unexpected:
        raise _fail(path, f"holds tensor(s) {', '.join(map(repr, unexpected[:5]))} that the architecture "
                          f"has no place for (it needs {', '.join(expected)})")
    trainable = parsed["trainable"]
    if (not isinstance(trainable, dict) or set(trainable) != set(net.params)
            or not all(isinstance(v, bool) for v in trainable.values())):
        raise _fail(path, f"the trainable flags must give true/false for exactly {', '.join(net.params)}")


def _read(path, want: str):
    path = os.fspath(path)
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except IsADirectoryError:
        raise _fail(path, "is a folder, not a model file") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        with f:
            header, specs, data_len = _read_header(f, path, os.fstat(f.fileno()).st_size)
            fmt, parsed = _parse_metadata(header["__metadata__"], path, want)
            budget = sum(math.prod(s[1]) for s in specs.values())
            net = _network_from_architecture(parsed["architecture"], path, budget)
            _match(net, specs, parsed, fmt, path)
            if want == "info":
                return net, fmt, parsed, specs, header["__metadata__"]
            data = f.read(data_len)
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) != data_len:
        raise _fail(path, "the file shrank while it was being read")
    meta = {k: v for k, v in header["__metadata__"].items() if k != "sha256"}
    digest = hashlib.sha256(_canonical({**header, "__metadata__": meta}))
    digest.update(data)
    if digest.hexdigest() != header["__metadata__"]["sha256"]:
        raise _fail(path, "checksum mismatch: the file was changed or damaged after glassnet saved it")
    arrays = {}
    for name, (dtype, shape, begin, end) in specs.items():
        arr = np.frombuffer(memoryview(data)[begin:end], dtype=_DTYPES[dtype]).reshape(shape)
        if not np.isfinite(arr).all():
            raise _fail(path, f"tensor {name!r} holds NaN or infinite values")
        arrays[name] = arr
    net.freeze(*[name for name, flag in parsed["trainable"].items() if not flag])
    net.set_params({name: arrays[name] for name in net.params})
    for name, layer, local in _named_state(net):
        layer.state[local][...] = arrays[name]
    return net, fmt, parsed, specs, arrays


def load(path) -> Network:
    """Read a model (or the model inside a checkpoint) saved by :func:`save`, checking everything first.

    Raises
    ------
    ModelFileError
        Naming the file and the problem: not a glassnet file, damaged (truncated, a flipped
        bit: the file carries a SHA-256), an unknown layer kind, activation or loss, or
        weights that do not fit the architecture. Nothing from the file is ever executed.
    """
    return _read(path, "model")[0]


def load_checkpoint(path) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint` (checked like :func:`load`)."""
    net, _, parsed, _, arrays = _read(path, "checkpoint")
    return Checkpoint(net, _join_state(parsed["optimizer"], arrays), _join_state(parsed["training_state"], arrays),
                      parsed.get("training"), os.fspath(path))


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
