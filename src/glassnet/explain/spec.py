"""A small network described in a JSON or TOML file, for ``glassnet explain SPEC``.

::

    {
      "title": "The seed's network",                 (optional)
      "inputs": [0.05, 0.10],                          one sample, or a list of samples
      "targets": [0.01, 0.99],
      "loss": "total_error",                           (default total_error)
      "learning_rate": 0.5,
      "update": "simultaneous",                        (or "sequential"; optional)
      "layers": [
        {"activation": "sigmoid", "weights": [[0.15, 0.20], [0.25, 0.30]], "biases": 0.35,
         "trainable": ["weights"]},
        {"activation": "sigmoid", "weights": [[0.40, 0.45], [0.50, 0.55]], "biases": [0.60, 0.60],
         "trainable": ["weights"]}
      ]
    }

``weights`` has one row per neuron and one column per input (S×R); ``biases`` is one
number per neuron, or one number shared by the layer, or omitted (no bias);
``trainable`` lists what gradient descent updates (default both; ``true``/``false`` for
all or nothing). Every error names the field at fault (``layers[1].weights``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import activations, losses
from ..errors import ConfigError
from ..layers.dense import Dense
from ..network import Network

_TOP = {"title", "inputs", "input", "targets", "target", "loss", "learning_rate", "update", "layers", "view",
        "notation"}
_LAYER = {"units", "activation", "weights", "biases", "trainable"}


@dataclass
class Spec:
    network: Network
    X: np.ndarray
    y: np.ndarray
    learning_rate: float
    update: str
    title: str | None
    view: str | None
    notation: str | None


def read_spec_file(path) -> dict:
    """Parse ``path`` as JSON (``.json``) or TOML (``.toml``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    if path.suffix.lower() == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:
            try:
                import tomli as tomllib
            except ModuleNotFoundError:
                raise ConfigError(f"{path}: reading TOML needs Python 3.11 or later (tomllib) or the 'tomli' "
                                  "package; install tomli, or write the spec as JSON") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    elif path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    else:
        raise ConfigError(f"{path}: a spec file must end in .json or .toml; got {path.suffix or 'no suffix'!r}")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the spec must be an object/table at the top level; got {type(data).__name__}")
    return data


def _matrix(value, field: str, ndim: int, source: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}{field}: expected numbers ({'a list of rows' if ndim == 2 else 'a list'}); "
                          f"got {value!r}") from None
    if arr.ndim != ndim:
        raise ConfigError(f"{source}{field}: expected {'a list of rows (a matrix)' if ndim == 2 else 'a list'}; "
                          f"got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ConfigError(f"{source}{field}: is empty")
    if not np.all(np.isfinite(arr)):
        raise ConfigError(f"{source}{field}: values must be finite numbers")
    return arr


def _get(spec: dict, names: tuple[str, ...], source: str, required: bool = True):
    for n in names:
        if n in spec:
            return spec[n]
    if required:
        raise ConfigError(f"{source}missing field {names[0]!r}")
    return None


def build(spec: dict, source: str = "") -> Spec:
    """Build the network, data and settings a spec describes (``source`` prefixes error messages)."""
    source = f"{source}: " if source else ""
    unknown = sorted(set(spec) - _TOP)
    if unknown:
        raise ConfigError(f"{source}unknown field {unknown[0]!r}; the fields are {', '.join(sorted(_TOP))}")
    X = _matrix(_get(spec, ("inputs", "input"), source), "inputs", 2 if _nested(spec, "inputs", "input") else 1,
                source)
    X = X.reshape(1, -1) if X.ndim == 1 else X
    layers_spec = _get(spec, ("layers",), source)
    if not isinstance(layers_spec, list) or not layers_spec:
        raise ConfigError(f"{source}layers: expected a non-empty list of layers; got {layers_spec!r}")
    layers, frozen = [], []
    n_in = X.shape[1]
    for k, ls in enumerate(layers_spec):
        where = f"layers[{k}]"
        if not isinstance(ls, dict):
            raise ConfigError(f"{source}{where}: expected an object with weights and activation; got {ls!r}")
        bad = sorted(set(ls) - _LAYER)
        if bad:
            raise ConfigError(f"{source}{where}: unknown field {bad[0]!r}; a layer has {', '.join(sorted(_LAYER))}")
        if "weights" not in ls:
            raise ConfigError(f"{source}{where}: missing field 'weights' (one row per neuron, one column per input)")
        W = _matrix(ls["weights"], f"{where}.weights", 2, source)
        S = W.shape[0]
        if "units" in ls and ls["units"] != S:
            raise ConfigError(f"{source}{where}.units is {ls['units']!r} but {where}.weights has {S} rows")
        if W.shape[1] != n_in:
            raise ConfigError(f"{source}{where}.weights: expected shape {S}×{n_in} ({S} neurons × {n_in} inputs "
                              f"from the {'inputs' if k == 0 else f'layers[{k - 1}]'}); got {W.shape[0]}×{W.shape[1]}")
        try:
            act = activations.get(ls.get("activation", "identity"))
        except ConfigError as exc:
            raise ConfigError(f"{source}{where}.activation: {exc}") from None
        b = None
        if "biases" in ls:
            braw = ls["biases"]
            b = (np.full(S, float(braw)) if isinstance(braw, (int, float)) and not isinstance(braw, bool)
                 else _matrix(braw, f"{where}.biases", 1, source))
            if b.shape != (S,):
                raise ConfigError(f"{source}{where}.biases: expected {S} numbers (one per neuron) or one number; "
                                  f"got {b.shape[0]}")
        try:
            layers.append(Dense(S, act, use_bias=b is not None, W=W, b=b))
        except ConfigError as exc:
            raise ConfigError(f"{source}{where}.activation: {exc}") from None
        trainable = ls.get("trainable", True)
        if isinstance(trainable, bool):
            trainable = ["weights", "biases"] if trainable else []
        if not isinstance(trainable, list) or any(t not in ("weights", "biases") for t in trainable):
            raise ConfigError(f"{source}{where}.trainable: expected true, false or a list of 'weights'/'biases'; "
                              f"got {ls['trainable']!r}")
        if "weights" not in trainable:
            frozen.append(f"W{k + 1}")
        if "biases" not in trainable and b is not None:
            frozen.append(f"b{k + 1}")
        n_in = S
    try:
        loss = losses.get(spec.get("loss", "total_error"))
    except ConfigError as exc:
        raise ConfigError(f"{source}loss: {exc}") from None
    network = Network(layers, loss=loss, input_shape=X.shape[1])
    if frozen:
        network.freeze(*frozen)
    y = _matrix(_get(spec, ("targets", "target"), source), "targets",
                2 if _nested(spec, "targets", "target") else 1, source)
    y = y.reshape(1, -1) if y.ndim == 1 else y
    if y.shape != (X.shape[0], n_in):
        raise ConfigError(f"{source}targets: expected {X.shape[0]} sample(s) of {n_in} value(s) (the last layer "
                          f"has {n_in} neurons); got shape {y.shape}")
    lr = spec.get("learning_rate", 0.5)
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or lr <= 0:
        raise ConfigError(f"{source}learning_rate: expected a positive number; got {lr!r}")
    update = spec.get("update", "simultaneous")
    if update not in ("simultaneous", "sequential"):
        raise ConfigError(f"{source}update: expected 'simultaneous' or 'sequential'; got {update!r}")
    for field, allowed in (("view", ("scalar", "matrix")), ("notation", ("seed", "batch"))):
        if spec.get(field) is not None and spec[field] not in allowed:
            raise ConfigError(f"{source}{field}: expected {' or '.join(map(repr, allowed))}; got {spec[field]!r}")
    return Spec(network, X, y, float(lr), update, spec.get("title"), spec.get("view"), spec.get("notation"))


def _nested(spec: dict, *names: str) -> bool:
    value = _get(spec, names, "", required=False)
    return isinstance(value, list) and bool(value) and isinstance(value[0], list)


def load_spec(path) -> Spec:
    """Read and build a spec file; errors name the file and the field."""
    return build(read_spec_file(path), str(path))
