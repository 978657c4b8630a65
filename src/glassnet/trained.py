"""A model written by ``glassnet train``, used from Python in the data's own units and labels.

``glassnet train`` keeps beside the network what it did to the data: the feature columns, the
standardisation of the features (and of a regression target) and the class labels.
:func:`glassnet.io.load` returns the bare network, which knows none of that; :func:`load`
returns a :class:`TrainedModel`, which applies it on the way in and undoes it on the way out::

    from glassnet import trained
    model = trained.load("iris.safetensors")   # glassnet train iris.csv --target species --standardize
    model.predict([[5.1, 3.5, 1.4, 0.2]])       # array(['setosa'], dtype='<U10')
    model.predict_proba([[5.1, 3.5, 1.4, 0.2]])

``glassnet predict`` and ``glassnet evaluate`` use this same object, so the command line and
Python give the same numbers.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from .datasets.files import headerless_names
from .errors import ConfigError, DataError, ModelFileError, NotFittedError
from .network import Network
from .validation import as_float_array

__all__ = ["TrainedModel", "load"]


def _listed(names: list, limit: int = 8) -> str:
    """``names`` for a message: "a, b, c", an empty name as '', a long list cut short."""
    shown = ", ".join("''" if name == "" else str(name) for name in names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")


class TrainedModel:
    """A trained network together with what ``glassnet train`` did to the data around it.

    ``predict(X)`` standardises ``X`` with the training statistics, runs the network and gives
    back class labels (the ones in the training data, strings too) or values in the target's
    units: ``model.predict(X)`` is ``decode(network.predict(network_input(X)))``.

    Parameters
    ----------
    network : Network
        The trained network; it takes inputs as it saw them in training (standardised, if so).
    training : dict, optional
        The training metadata ``glassnet train`` stores in the model file
        (``glassnet.io.info(path)["training"]``): ``task``, ``classes``, ``feature_names``,
        ``header``, ``target``, ``standardize`` and ``target_scale`` are used. Without ``task`` (a network
        saved with :func:`glassnet.io.save`), the top layer decides: softmax, or one sigmoid unit,
        classifies into the classes 0..K-1; anything else regresses; inputs are used as given.
    path : str or os.PathLike, optional
        The file it was read from, to name in messages.

    Attributes
    ----------
    network : Network
    task : str
        "classify" or "regress".
    classes : list or None
        The class labels, in the order of ``predict_proba``'s columns (classifiers).
    features : list of str or None
        The feature columns the model was trained on, in order (None when they had no names).
    named : bool
        Whether :attr:`features` are real column names (a header's), so that data are matched to
        them by name; False for the "x0", "x1", ... of a file without a header, which only say
        where each column was. Files written before ``header`` was recorded: names other than
        "x0", "x1", ... are taken as real.
    target : str or None
        The column (or ``.npz`` array) the model was trained to predict.
    training : dict
        All of the training metadata (empty for a bare network).

    Examples
    --------
    >>> from glassnet import Dense, Network
    >>> net = Network([Dense(2, "softmax")], loss="categorical_crossentropy", input_shape=1, seed=0)
    >>> net = net.set_params({"W1": [[-1.0], [1.0]], "b1": [0.0, 0.0]})
    >>> model = TrainedModel(net, {"task": "classify", "classes": ["cold", "hot"],
    ...                            "standardize": {"mean": [20.0], "std": [5.0]}})
    >>> model.predict([[10.0], [30.0]]).tolist()         # (10 - 20) / 5 = -2 → cold; +2 → hot
    ['cold', 'hot']
    """

    def __init__(self, network: Network, training: dict | None = None, path=None):
        if not isinstance(network, Network):
            raise ConfigError(f"TrainedModel: network must be a glassnet Network; got {type(network).__name__}")
        if not network.built:
            raise NotFittedError("TrainedModel: the network has no weights yet; train it or give input_shape")
        if training is not None and not isinstance(training, dict):
            raise ConfigError(f"TrainedModel: training must be a dict (the model file's training metadata); "
                              f"got {type(training).__name__}")
        self.network = network
        self.training = dict(training or {})
        self.path = None if path is None else os.fspath(path)
        t = self.training
        n_out = network.output_shape[0] if len(network.output_shape) == 1 else None
        flat_in = network.input_shape[0] if len(network.input_shape) == 1 else None
        self.task = t.get("task") or self._guess_task()
        if self.task not in ("classify", "regress"):
            raise self._bad(f"its task {self.task!r} is neither 'classify' nor 'regress'")
        self.classes = None
        if self.task == "classify":
            guessed = list(range(max(n_out or 2, 2)))
            self.classes = list(t["classes"]) if isinstance(t.get("classes"), list) else guessed
            if n_out is None or len(self.classes) != (2 if n_out == 1 else n_out):
                raise self._bad(f"{len(self.classes)} classes do not fit the network's outputs "
                                f"{network.output_shape}")
        self.features = t.get("feature_names") or None
        if self.features is not None and (not isinstance(self.features, list) or len(self.features) != flat_in):
            raise self._bad(f"its feature_names do not name the network's {network.input_shape} inputs")
        header = t.get("header")
        if header is None:                      # a file from before glassnet train recorded it
            header = self.features != headerless_names(len(self.features or []))
        elif not isinstance(header, bool):
            raise self._bad(f"its header must be true or false (whether the training file had a header row); "
                            f"got {header!r}")
        self.named = bool(self.features) and bool(header)
        self.target = t.get("target")
        self._input_scale = self._scale("standardize", flat_in)
        self._target_scale = self._scale("target_scale", n_out) if self.task == "regress" else None

    def _guess_task(self) -> str:
        top = self.network.layers[-1]
        act = getattr(getattr(top, "activation", None), "name", "")
        k = self.network.output_shape
        return "classify" if act == "softmax" or (act == "sigmoid" and k == (1,)) else "regress"

    def _bad(self, problem: str) -> ModelFileError:
        return ModelFileError(f"{self.path or 'TrainedModel'}: the training metadata does not fit the network: "
                              f"{problem}")

    def _scale(self, key: str, size: int | None):
        """``(mean, std)`` arrays of the standardisation stored under ``key``, or None."""
        scale = self.training.get(key)
        if not scale:
            return None
        try:
            mean, std = (np.asarray(scale[k], dtype=np.float64) for k in ("mean", "std"))
        except (KeyError, TypeError, ValueError):
            raise self._bad(f"{key} must be {{'mean': [...], 'std': [...]}}") from None
        if mean.shape != (size,) or std.shape != (size,) or not np.all(std > 0):
            raise self._bad(f"{key} must hold {size} means and {size} positive standard deviations")
        return mean, std

    # ---------------------------------------------------------------- the data's units → the network's

    def network_input(self, X, columns=None, source: str = "X") -> np.ndarray:
        """``X`` as the network takes it: its columns in the model's order, standardised as in training.

        Columns are matched as scikit-learn matches them. When the model knows its features by name
        (:attr:`named`) and ``X`` has names too, they decide: ``X`` may hold its columns in any order,
        and other columns (the target, say) besides; if it has some of the model's names but not
        all, that is a :class:`~glassnet.errors.DataError` naming the missing ones. Columns are
        taken by position when ``X`` has no names (a plain array), or none of the model's (with a
        ``UserWarning``), or the model has none.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or a pandas DataFrame
        columns : list of str, optional
            The names of ``X``'s columns (a DataFrame's own string names are used when not given).
        source : str, default "X"
            What to call ``X`` in warnings and errors (the command line gives the file's name).

        Raises
        ------
        DataError
            ``X`` lacks some of the model's columns, is not numeric, finite and 2-D, or has another
            number of columns than the model takes.
        """
        return self._prepare(X, columns, source)

    def _prepare(self, X, columns, source: str) -> np.ndarray:
        """:meth:`network_input`, two calls below the caller (so that a warning points at the caller's line)."""
        if columns is None and hasattr(X, "columns") and all(isinstance(c, str) for c in X.columns):
            columns = list(X.columns)                       # a DataFrame's names (as scikit-learn, only strings)
        if columns is not None:
            columns = [str(c) for c in columns]
        if columns is not None and self.named:
            missing = [name for name in self.features if name not in columns]
            if not missing:
                picked = [columns.index(name) for name in self.features]
                X = X.iloc[:, picked] if hasattr(X, "iloc") else np.asarray(X)[:, picked]
                columns = list(self.features)
            elif len(missing) < len(self.features):
                raise DataError(f"{source}: has no column{'s' if len(missing) > 1 else ''} {_listed(missing)}, "
                                f"which the model takes (its columns are matched by name; it has "
                                f"{_listed(columns)}); add or rename {'them' if len(missing) > 1 else 'it'}")
        X = as_float_array(X, source)
        shape = self.network.input_shape
        if len(shape) == 1 and X.ndim == 2 and X.shape[1] != shape[0]:
            hint = f" ({_listed(self.features)})" if self.features else ""
            raise DataError(f"{source}: has {X.shape[1]} feature column(s); the model takes {shape[0]}{hint}")
        if columns is not None and self.features and columns != self.features:
            warnings.warn(self._positional(columns, source), UserWarning, stacklevel=3)
        if self._input_scale is not None:
            mean, std = self._input_scale
            X = (X - mean) / std
        return X

    def _positional(self, columns: list[str], source: str) -> str:
        if not self.named:
            return (f"{source}: the model was trained on columns without names; the columns {_listed(columns)} "
                    "are taken by position")
        return (f"{source}: the feature columns {_listed(columns)} are not the model's {_listed(self.features)}; "
                "they are taken by position (rename them if they are the same measurements in the same order)")

    def network_target(self, y, source: str = "y") -> np.ndarray:
        """True targets as the network's loss takes them: class indices, or standardised values.

        Raises
        ------
        DataError
            A label that is not among the model's classes, labels that are not one per sample (one-hot
            rows, say), or another number of target columns.
        """
        if self.task == "classify":
            y = np.asarray(y)
            if y.ndim != 1 and not (y.ndim == 2 and y.shape[1] == 1):
                raise DataError(f"{source}: the labels have shape {y.shape}; a classifier needs one label per "
                                "sample, shape (n,) — for one-hot labels, give y.argmax(axis=1)")
            y = y.reshape(-1)
            index = {c: i for i, c in enumerate(self.classes)}
            unknown = sorted({str(v) for v in y.tolist() if v not in index})
            if unknown:
                raise DataError(f"{source}: label(s) {', '.join(unknown[:5])} are not among the model's classes "
                                f"({_listed(self.classes, 20)})")
            codes = np.array([index[v] for v in y.tolist()], dtype=np.int64)
            return codes.astype(np.float64) if self.network.output_shape == (1,) else codes
        y = as_float_array(y, source, min_ndim=1)
        if y.ndim > 2:
            raise DataError(f"{source}: the target has shape {y.shape}; a regressor needs one value, or one row "
                            "of values, per sample: shape (n,) or (n, outputs)")
        y = y.reshape(len(y), -1)
        k = int(np.prod(self.network.output_shape))
        if y.shape[1] != k:
            raise DataError(f"{source}: the target has {y.shape[1]} column(s); the model predicts {k}")
        if self._target_scale is not None:
            mean, std = self._target_scale
            y = (y - mean) / std
        return y

    # ---------------------------------------------------------------- the network's units → the data's

    def decode(self, outputs) -> tuple[np.ndarray, np.ndarray | None]:
        """The network's outputs as ``(predictions, probabilities)`` in the data's labels or units.

        A classifier gives its labels and one probability column per class (in the order of
        :attr:`classes`); a regressor gives its values with the target's standardisation undone
        (shape ``(n,)`` for one target) and ``None``.
        """
        return _decode(outputs, self.task, self.classes, self._target_scale)

    def predict(self, X) -> np.ndarray:
        """Class labels (classifiers) or values in the target's units (regressors) for the rows of ``X``.

        ``X`` holds the features in their original units (a DataFrame's columns are matched by name).
        """
        return self.decode(self.network.predict(self._prepare(X, None, "X")))[0]

    def predict_proba(self, X) -> np.ndarray:
        """Classifiers: the probability of each class (columns in the order of :attr:`classes`) for each row."""
        if self.task != "classify":
            raise ConfigError(f"predict_proba is for classifiers; {self!r} is a regressor: use predict")
        return self.decode(self.network.predict(self._prepare(X, None, "X")))[1]

    def __repr__(self) -> str:
        if self.task == "classify":
            what = f"classify{' ' + str(self.target) if self.target else ''} into {_listed(self.classes, 5)}"
        else:
            what = f"regress{' ' + str(self.target) if self.target else ''}"
        inputs = f"{len(self.features)} features" if self.features else f"inputs of shape {self.network.input_shape}"
        scaled = ", standardised" if self._input_scale is not None else ""
        where = f"{self.path!r}: " if self.path else ""
        return f"TrainedModel({where}{what} from {inputs}{scaled})"

def _decode(outputs, task: str, classes: list | None, target_scale) -> tuple[np.ndarray, np.ndarray | None]:
    """:meth:`TrainedModel.decode`, from the pieces of metadata it needs (``glassnet train`` scores its
    test rows with it before the model file exists)."""
    out = np.asarray(outputs)
    out = out.reshape(len(out), -1)
    if task == "classify":
        proba = np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
        return np.asarray(classes)[proba.argmax(axis=1)], proba
    if target_scale is not None:
        mean, std = target_scale
        out = out * std + mean
    return (out[:, 0] if out.shape[1] == 1 else out), None


def load(path) -> TrainedModel:
    """Read a model file (written by ``glassnet train``, or by :func:`glassnet.io.save`) as a :class:`TrainedModel`.

    The file is checked exactly as :func:`glassnet.io.load` checks it, and read once.

    Parameters
    ----------
    path : str or os.PathLike

    Raises
    ------
    ModelFileError
        Naming the file and the problem (see :func:`glassnet.io.load`), or training metadata
        that does not fit the network.

    Examples
    --------
    >>> model = load("iris.safetensors")           # doctest: +SKIP
    >>> model.predict([[5.1, 3.5, 1.4, 0.2]])      # doctest: +SKIP
    array(['setosa'], dtype='<U10')
    """
    from .io import _read

    network, _, parsed, _, _ = _read(path, "model")
    return TrainedModel(network, parsed.get("training"), path)
