"""scikit-learn's ``MLPClassifier`` and ``MLPRegressor``, trained by glassnet.

Same parameter names, same objective, same fitted attributes as scikit-learn's
estimators, so either can replace the other; underneath is a glassnet
:class:`~glassnet.network.Network` (``network_``) trained by
:func:`glassnet.training.fit`, one epoch per call, with glassnet's optimizers
(the shared machinery is in :mod:`glassnet._mlp_base`).

The objective is scikit-learn's, term for term (a test compares SGD steps with
scikit-learn's to 1e-10)::

    E = Σ_i w_i L_i / Σ_i w_i + alpha / (2 Σ_i w_i) · Σ_layers ‖W‖²      (w_i = 1 without sample_weight)

with ``L_i`` the binary cross-entropy (one sigmoid output: two classes), the categorical
cross-entropy (softmax: more classes) or ``½ Σ_k (y_ik − ŷ_ik)²`` (regression). For
multilabel targets glassnet's binary cross-entropy *averages* over the K labels where
scikit-learn sums, so ``alpha / K`` is used: the objective is scikit-learn's divided by K
(same minimiser; ``loss_`` is reported multiplied by K, in scikit-learn's units).

>>> import numpy as np
>>> from glassnet.mlp_estimators import MLPClassifier
>>> X = np.array([[0., 0], [0, 1], [1, 0], [1, 1]]); y = np.array(["no", "yes", "yes", "no"])
>>> clf = MLPClassifier((8,), "tanh", solver="adam", learning_rate_init=0.05, max_iter=500,
...                     random_state=0).fit(X, y)
>>> clf.predict(X).tolist()
['no', 'yes', 'yes', 'no']
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from ._mlp_base import _BaseMLP, _validate_data
from .errors import DivergenceError
from .param_validation import MLP_REGRESSOR_CONSTRAINTS

__all__ = ["MLPClassifier", "MLPRegressor"]


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier: scikit-learn's ``MLPClassifier`` trained by glassnet.

    Two classes: one sigmoid output and binary cross-entropy; more classes: softmax and
    categorical cross-entropy; a multilabel indicator ``y``: one sigmoid per label. Labels
    may be strings. See ``docs/sklearn.md`` for every parameter and its scikit-learn twin.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default (100,)
    activation : str or list of str, default "relu"
        scikit-learn's ``identity``, ``logistic``, ``tanh``, ``relu`` or any glassnet
        activation (``softplus``, ``leaky_relu``, …); a list gives one per hidden layer.
    solver : {"adam", "sgd", "rmsprop", "adamw"}, default "adam"
    alpha : float ≥ 0, default 1e-4
        L2 penalty ``alpha / (2 Σ w_i) · Σ ‖W‖²`` (``Network(l2=alpha)``).
    batch_size : int or "auto" (``min(200, n)``)
    learning_rate : {"constant", "invscaling", "adaptive"}; only for ``solver="sgd"``
    learning_rate_init, power_t, max_iter, shuffle, random_state, tol, verbose, warm_start,
    momentum, nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, epsilon,
    n_iter_no_change
        As scikit-learn's; ``max_iter`` counts epochs.
    dtype : {"float64", "float32"}, default "float64"

    Attributes
    ----------
    classes_, n_features_in_, feature_names_in_, coefs_ (``(fan_in, fan_out)``, views of
    ``Wᵀ``), intercepts_, n_iter_, loss_, loss_curve_, best_loss_, validation_scores_,
    best_validation_score_, n_layers_, n_outputs_, out_activation_, t_
        As scikit-learn's.
    network_ : glassnet.Network
        The trained network (``W`` of shape ``(fan_out, fan_in)``).
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _validate_input(self, X, y, incremental: bool, first: bool):
        X, y = _validate_data(self, X, y, multi_output=True, dtype=np.dtype(self.dtype), reset=first)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental and set(classes) != set(self.classes_):
                raise ValueError("warm_start can only be used where `y` has the same classes as in the previous "
                                 f"call to fit. Previously got {self.classes_}, `y` has {classes}")
            if len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(f"`y` has classes not in `self.classes_`. `self.classes_` has {self.classes_}. "
                                 f"'y' has {classes}.")
        return X, self._label_binarizer.transform(y).astype(np.dtype(self.dtype))

    def _multilabel(self) -> bool:
        return self._label_binarizer.y_type_.startswith("multilabel")

    def _output(self, n_outputs: int) -> tuple[str, str]:
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax", "categorical_crossentropy"
        return "sigmoid", "binary_crossentropy"

    def _l2(self, n_outputs: int) -> float:
        return float(self.alpha) / (n_outputs if self._multilabel() else 1)

    def _loss_scale(self) -> float:
        return float(self.n_outputs_) if self._multilabel() else 1.0

    def _stratify(self) -> bool:
        return True

    def _decode(self, Y: np.ndarray) -> np.ndarray:
        return self._label_binarizer.inverse_transform(Y)

    def _score_raw(self, X, y, sample_weight=None) -> float:
        from sklearn.metrics import accuracy_score
        return accuracy_score(y, self._decode(self._forward_all(X)[-1]), sample_weight=sample_weight)

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` (n_samples, n_features) and labels ``y``; returns ``self``."""
        return self._fit(X, y, sample_weight, incremental=False)

    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``(X, y)``, keeping weights and optimizer state between calls.

        ``classes`` (every label that will ever be seen) is required on the first call,
        unless ``y`` is a multilabel indicator matrix — as scikit-learn's (and what
        ``dask_ml.wrappers.Incremental`` passes on).
        """
        if not hasattr(self, "classes_"):
            if classes is None:
                if not type_of_target(y).startswith("multilabel"):
                    raise ValueError("classes must be passed on the first call to partial_fit.")
                self._label_binarizer = LabelBinarizer().fit(y)
            else:
                self._label_binarizer = LabelBinarizer().fit(np.asarray(classes))
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(self.classes_, unique_labels(classes)):
            raise ValueError(f"`classes={classes!r}` is not the same as on last call to partial_fit, "
                             f"was: {self.classes_!r}")
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """The most probable class of each sample (each label above 0.5 for multilabel ``y``)."""
        return self._decode(self._output_values(X))

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``."""
        p = self._output_values(X)
        if self.n_outputs_ == 1 and not self._multilabel():
            return np.hstack([1 - p, p])
        return p

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor: scikit-learn's ``MLPRegressor`` trained by glassnet.

    Identity output; the loss per sample is ``½ Σ_k (y_k − ŷ_k)²`` (scikit-learn's
    ``squared_error``, glassnet's ``total_error``). Parameters and attributes as
    :class:`MLPClassifier`, plus:

    Parameters
    ----------
    loss : {"squared_error", "mse"}, default "squared_error"
        ``"mse"`` is glassnet's mean squared error ``(1/K) Σ_k (y_k − ŷ_k)²`` (no ½):
        twice the gradient of scikit-learn's for one output.
    """

    _parameter_constraints = MLP_REGRESSOR_CONSTRAINTS

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, dtype="float64",
                 loss="squared_error"):
        super().__init__(hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
                         learning_rate=learning_rate, learning_rate_init=learning_rate_init, power_t=power_t,
                         max_iter=max_iter, shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose,
                         warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
                         early_stopping=early_stopping, validation_fraction=validation_fraction, beta_1=beta_1,
                         beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change, dtype=dtype)
        self.loss = loss

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _validate_input(self, X, y, incremental: bool, first: bool):
        X, y = _validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.dtype(self.dtype),
                              reset=first)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, (y.reshape(-1, 1) if y.ndim == 1 else y).astype(np.dtype(self.dtype))

    def _output(self, n_outputs: int) -> tuple[str, str]:
        return "identity", "mse" if self.loss == "mse" else "total_error"

    def _stratify(self) -> bool:
        return False

    def _decode(self, Y: np.ndarray) -> np.ndarray:
        return Y.ravel() if Y.shape[1] == 1 else Y

    def _score_raw(self, X, y, sample_weight=None) -> float:
        from sklearn.metrics import r2_score
        pred = self._decode(self._forward_all(X)[-1])
        if not np.isfinite(pred).all():             # finite weights, overflowing outputs: diverging too
            raise DivergenceError("the predictions for the validation set became infinite or NaN")
        return r2_score(y, pred, sample_weight=sample_weight)

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` (n_samples, n_features) and targets ``y`` ((n_samples,) or (n_samples, K))."""
        return self._fit(X, y, sample_weight, incremental=False)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, keeping weights and optimizer state between calls."""
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """The network's output: shape (n_samples,) for one target, else (n_samples, K)."""
        return self._decode(self._output_values(X))
