"""scikit-learn estimators backed by glassnet (they pass ``parametrize_with_checks``).

They follow scikit-learn's contract: ``__init__`` only stores its arguments, ``fit``
validates them and the data, fitted attributes end in ``_``, and ``classes_`` keeps the
labels as given (strings too), so they work in pipelines, grid searches and
cross-validation.

* :class:`MLPClassifier`, :class:`MLPRegressor` — drop-in replacements for
  scikit-learn's, with the same parameter names (``hidden_layer_sizes``, ``alpha``, …),
  backed by a :class:`glassnet.Network` (``network_``);
* :class:`PerceptronClassifier` — :class:`glassnet.perceptron.Perceptron` (the
  perceptron rule ``W ← W + η e pᵀ``).

>>> import numpy as np
>>> from glassnet.sklearn import PerceptronClassifier
>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array(["no", "no", "no", "yes"])
>>> clf = PerceptronClassifier().fit(X, y)
>>> clf.predict(X).tolist(), clf.converged_
(['no', 'no', 'no', 'yes'], True)
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .errors import ConfigError
from .mlp_estimators import MLPClassifier, MLPRegressor
from .param_validation import Check, Interval, Options, validate_params
from .perceptron import Perceptron, decode_outputs, encode_targets

try:  # scikit-learn ≥ 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn
    def _validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)

__all__ = ["MLPClassifier", "MLPRegressor", "PerceptronClassifier"]

_BOOL = Check(lambda v: isinstance(v, (bool, np.bool_)), "an instance of 'bool'")


class PerceptronClassifier(ClassifierMixin, BaseEstimator):
    """A perceptron classifier: ``a = hardlims(W x + b)``, trained by the perceptron rule.

    Two classes use one neuron (``classes_[1]`` where ``W x + b ≥ 0``); more classes use
    one neuron per class (``coding="onehot"``, the class with the largest net input
    wins, like scikit-learn's one-vs-rest ``Perceptron``) or ⌈log₂ K⌉ neurons spelling
    the class index in bits (``coding="binary"``).

    Parameters
    ----------
    transfer : {"hardlims", "hardlim"}, default "hardlims"
        Targets ±1 or 0/1 (the same weights up to a factor 2 when started from zero).
    learning_rate : float > 0, default 1.0
    max_epochs : int ≥ 1, default 100
    mode : {"online", "batch"}, default "online"
    normalized : bool, default False
        learnpn: use ``x / √(1 + ‖x‖²)`` in the weight change.
    shuffle : bool, default False
        A new random order of the samples each epoch (online mode).
    pocket : bool, default False
        Keep the weights with the fewest training errors seen (useful on non-separable data).
    fit_intercept : bool, default True
        Learn a bias ``b``.
    init : {"zeros", "random"}, default "zeros"
    coding : {"onehot", "binary"}, default "onehot"
    random_state : int, RandomState or None
        For ``init="random"`` and ``shuffle=True``.

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
    coef_ : ndarray (S, n_features)
        The weights ``W``.
    intercept_ : ndarray (S,)
        The biases ``b`` (zeros without an intercept).
    n_iter_ : int
        Epochs run.
    n_updates_ : int
        Weight updates made.
    converged_ : bool
    report_ : glassnet.perceptron.PerceptronReport
    n_features_in_ : int

    Notes
    -----
    A bad parameter raises :class:`glassnet.errors.ConfigError` (a ``ValueError``) in
    ``fit``, as the MLP estimators do. When ``max_epochs`` run out before every training
    sample is classified correctly, ``fit`` warns with scikit-learn's
    ``ConvergenceWarning`` (``converged_`` is False).
    """

    _parameter_constraints = {
        "transfer": [Options(frozenset({"hardlim", "hardlims"}))],
        "learning_rate": [Interval(Real, 0, None, "neither")],
        "max_epochs": [Interval(Integral, 1, None, "left")],
        "mode": [Options(frozenset({"online", "batch"}))],
        "normalized": [_BOOL],
        "shuffle": [_BOOL],
        "pocket": [_BOOL],
        "fit_intercept": [_BOOL],
        "init": [Options(frozenset({"zeros", "random"}))],
        "coding": [Options(frozenset({"onehot", "binary"}))],
    }

    def __init__(self, transfer="hardlims", learning_rate=1.0, max_epochs=100, mode="online",
                 normalized=False, shuffle=False, pocket=False, fit_intercept=True, init="zeros",
                 coding="onehot", random_state=None):
        self.transfer = transfer
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.mode = mode
        self.normalized = normalized
        self.shuffle = shuffle
        self.pocket = pocket
        self.fit_intercept = fit_intercept
        self.init = init
        self.coding = coding
        self.random_state = random_state

    def _validate_params(self) -> None:
        validate_params(self)
        if self.shuffle and self.mode == "batch":
            raise ConfigError(f"The 'shuffle' parameter of {type(self).__name__} must be False when mode='batch' "
                              "(the order does not matter in batch mode). Got True instead.")

    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and labels ``y``; returns ``self``."""
        self._validate_params()
        X, y = _validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes in the data; "
                             f"got only one class: {self.classes_[0].item()!r}")
        T, _ = encode_targets(y, self.transfer, self.coding)
        seed = None
        if self.init == "random" or self.shuffle:
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        net = Perceptron(self.transfer, bias=self.fit_intercept, init=self.init, seed=seed)
        self.report_ = net.train(X, T, epochs=self.max_epochs, learning_rate=self.learning_rate, mode=self.mode,
                                 normalized=bool(self.normalized), shuffle=bool(self.shuffle),
                                 pocket=bool(self.pocket))
        self.coef_ = net.W
        self.intercept_ = net.b
        self.n_iter_ = self.report_.epochs
        self.n_updates_ = self.report_.updates
        self.converged_ = self.report_.converged
        if not self.converged_:
            why = ("the weights repeated an earlier epoch's" if self.report_.cycled
                   else f"max_epochs={self.max_epochs} ran out")
            warnings.warn(f"{type(self).__name__} stopped after {self.n_iter_} epochs ({why}) with "
                          f"{self.report_.errors} of {len(X)} training samples still misclassified "
                          "(converged_=False): the classes may not be linearly separable. Raise max_epochs, "
                          "use pocket=True to keep the best weights seen, or use an MLPClassifier.",
                          ConvergenceWarning)
        return self

    def decision_function(self, X):
        """Net inputs ``W x + b``: shape (n_samples,) for two classes, else (n_samples, S)."""
        check_is_fitted(self)
        X = _validate_data(self, X, dtype=np.float64, reset=False)
        N = X @ self.coef_.T + self.intercept_
        return N.ravel() if N.shape[1] == 1 else N

    def predict(self, X):
        """The class of each sample (``W x + b ≥ 0`` picks ``classes_[1]`` for two classes)."""
        N = self.decision_function(X)
        return decode_outputs(N.reshape(len(N), -1), self.classes_, self.coding)
