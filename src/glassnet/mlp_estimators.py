"""scikit-learn's ``MLPClassifier`` and ``MLPRegressor``, trained by glassnet.

Same parameter names, same objective, same fitted attributes as scikit-learn's
estimators, so either can replace the other; underneath is a glassnet
:class:`~glassnet.network.Network` (``network_``) trained by
:func:`glassnet.training.fit`, one epoch per call, with glassnet's optimizers.

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

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

from . import activations as _activations
from . import optimizers as _optimizers
from . import training as _training
from .errors import ConfigError
from .layers.dense import Dense
from .param_validation import MLP_CONSTRAINTS, MLP_REGRESSOR_CONSTRAINTS, validate_params
from .network import Network

try:  # scikit-learn ≥ 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn
    def _validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)

try:
    from sklearn.utils.validation import _check_sample_weight
except ImportError:  # pragma: no cover
    def _check_sample_weight(sample_weight, X, dtype=None):
        sw = np.asarray(sample_weight, dtype=np.float64)
        if sw.shape != (X.shape[0],):
            raise ValueError(f"sample_weight.shape == {sw.shape}, expected {(X.shape[0],)}!")
        return sw

__all__ = ["MLPClassifier", "MLPRegressor"]

#: scikit-learn's names of glassnet's activations (for ``out_activation_``)
_SKLEARN_NAME = {"sigmoid": "logistic"}


class _BaseMLP(BaseEstimator):
    """What the classifier and the regressor share: building, the epoch loop, predicting.

    Subclasses define ``_targets(y, incremental, first)`` (validated targets as a 2-D
    float array), ``_output()`` (output activation and loss names) and scoring.
    """

    _parameter_constraints = MLP_CONSTRAINTS

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, dtype="float64"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype

    # ------------------------------------------------------------------ fitted weights, sklearn's view
    @property
    def coefs_(self) -> list[np.ndarray]:
        """The weights in scikit-learn's orientation, ``(fan_in, fan_out)``: ``Wᵀ`` of each layer (views)."""
        return [layer.params["W"].T for layer in self.network_.layers]

    @coefs_.setter
    def coefs_(self, values) -> None:
        self.network_.set_params({f"W{i + 1}": np.asarray(c).T for i, c in enumerate(values)})

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """The biases ``b`` of each layer (views)."""
        return [layer.params["b"] for layer in self.network_.layers]

    @intercepts_.setter
    def intercepts_(self, values) -> None:
        self.network_.set_params({f"b{i + 1}": np.asarray(b) for i, b in enumerate(values)})

    # ------------------------------------------------------------------ pickling (joblib, dask)
    def __getstate__(self):
        # A Network holds its activations and loss as registry objects (functions), which
        # pickle cannot store: keep the architecture by name and the parameters instead.
        state = dict(super().__getstate__())
        if "network_" in state:
            net = state.pop("network_")
            state["_network_state"] = {
                "layers": [(layer.units, layer.activation.name) for layer in net.layers],
                "loss": net.loss.name, "dtype": net.dtype.name, "l2": net.l2,
                "input_shape": net.input_shape, "params": net.get_params()}
        return state

    def __setstate__(self, state):
        saved = state.pop("_network_state", None)
        super().__setstate__(state)
        if saved is not None:
            net = Network([Dense(units, act) for units, act in saved["layers"]], loss=saved["loss"],
                          input_shape=saved["input_shape"], dtype=saved["dtype"], l2=saved["l2"])
            self.network_ = net.set_params(saved["params"])

    # ------------------------------------------------------------------ building
    def _hidden(self) -> tuple[list[int], list[str]]:
        sizes = self.hidden_layer_sizes
        sizes = [int(sizes)] if isinstance(sizes, Integral) else [int(s) for s in sizes]
        acts = [self.activation] * len(sizes) if isinstance(self.activation, str) else list(self.activation)
        if len(acts) != len(sizes):
            raise ConfigError(f"activation has {len(acts)} names; hidden_layer_sizes has {len(sizes)} layers "
                              "(give one activation name, or one per hidden layer)")
        return sizes, [_activations.get(a).name for a in acts]

    def _build(self, n_features: int, n_outputs: int, rng: np.random.Generator) -> Network:
        """Layers ``Dense(s, f)`` with scikit-learn's initialisation (Glorot, Bengio 2010)::

            bound = √(6 / (fan_in + fan_out))   (√(2 / …) when the layer feeds a logistic unit)
            W ~ U(−bound, bound)  (fan_out, fan_in);   b ~ U(−bound, bound)  (fan_out,)
        """
        sizes, acts = self._hidden()
        out_act, loss = self._output(n_outputs)
        units = [n_features] + sizes + [n_outputs]
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(units[:-1], units[1:])):
            hidden_act = acts[min(i, len(acts) - 1)] if acts else "identity"
            bound = np.sqrt((2.0 if hidden_act == "sigmoid" else 6.0) / (fan_in + fan_out))
            W = rng.uniform(-bound, bound, (fan_out, fan_in))
            b = rng.uniform(-bound, bound, fan_out)
            layers.append(Dense(fan_out, acts[i] if i < len(sizes) else out_act, W=W, b=b))
        return Network(layers, loss=loss, input_shape=n_features, dtype=self.dtype, seed=rng,
                       l2=self._l2(n_outputs))

    def _l2(self, n_outputs: int) -> float:
        return float(self.alpha)

    def _loss_scale(self) -> float:
        """The factor from glassnet's loss value to scikit-learn's (1 but for multilabel)."""
        return 1.0

    def _make_optimizer(self) -> _optimizers.Optimizer:
        lr = float(self.learning_rate_init)
        if self.solver == "sgd":
            return _optimizers.SGD(lr, momentum=self.momentum,
                                   nesterov=bool(self.nesterovs_momentum) and self.momentum > 0)
        if self.solver == "rmsprop":
            return _optimizers.RMSprop(lr, eps=self.epsilon)
        cls = _optimizers.AdamW if self.solver == "adamw" else _optimizers.Adam
        return cls(lr, beta1=self.beta_1, beta2=self.beta_2, eps=self.epsilon)

    def _rng(self) -> np.random.Generator:
        """A Generator from ``random_state`` (int, None, Generator or scikit-learn's RandomState)."""
        rs = self.random_state
        if isinstance(rs, np.random.Generator):
            return rs
        if isinstance(rs, np.random.RandomState):
            return np.random.default_rng(rs.randint(np.iinfo(np.int32).max))
        return np.random.default_rng(rs)

    # ------------------------------------------------------------------ training
    def _fit(self, X, y, sample_weight=None, incremental: bool = False):
        validate_params(self)
        first = not hasattr(self, "network_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, first)
        sw = None if sample_weight is None else _check_sample_weight(sample_weight, X, dtype=np.float64)
        rng = self._rng()                         # like scikit-learn: re-seeded on every call
        if first:
            self.network_ = self._build(X.shape[1], Y.shape[1], rng)
            self.n_outputs_ = Y.shape[1]
            self.n_layers_ = len(self.network_.layers) + 1
            self.out_activation_ = _SKLEARN_NAME.get(self.network_.layers[-1].activation.name,
                                                     self.network_.layers[-1].activation.name)
            self.n_iter_, self.t_, self.loss_curve_ = 0, 0, []
            self._no_improvement_count = 0
            self.best_loss_ = None if self.early_stopping else np.inf
            self.validation_scores_ = [] if self.early_stopping else None
            self.best_validation_score_ = -np.inf if self.early_stopping else None
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} outputs; this model was fitted with {self.n_outputs_}")
        self.network_.rng = rng
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer()
        self._fit_epochs(X, Y, sw, rng, incremental)
        return self

    def _fit_epochs(self, X, Y, sw, rng, incremental: bool) -> None:
        """scikit-learn's ``_fit_stochastic``: epochs until ``max_iter`` or no improvement by ``tol``."""
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        early = bool(self.early_stopping)
        val = None
        if early:
            stratify = Y if self._stratify() and self.n_outputs_ == 1 else None
            parts = train_test_split(X, Y, *([] if sw is None else [sw]), test_size=self.validation_fraction,
                                     random_state=int(rng.integers(np.iinfo(np.int32).max)), stratify=stratify)
            X, Xv, Y, Yv = parts[:4]
            sw, swv = (parts[4], parts[5]) if sw is not None else (None, None)
            if Xv.shape[0] < 2:
                raise ValueError("The validation set is too small. Increase 'validation_fraction' "
                                 "or the size of your dataset.")
            val = (Xv, self._decode(Yv), swv)
            self._best_params = self.network_.flat_params.copy()
        n = X.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n)
        else:
            if self.batch_size > n:
                warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is going to be clipped")
            batch_size = int(np.clip(self.batch_size, 1, n))
        opt, schedule = self._optimizer, self.learning_rate if self.solver == "sgd" else "constant"
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            history = _training.fit(self.network_, X, Y, epochs=1, batch_size=batch_size, optimizer=opt,
                                    shuffle=bool(self.shuffle), sample_weight=sw, verbose=0)
            if history.interrupted:
                warnings.warn("Training interrupted by user.")
                break
            self.n_iter_ += 1
            self.t_ += n
            self.loss_ = history.history["loss"][-1] * self._loss_scale()
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
            self._update_no_improvement_count(val)
            if schedule == "invscaling":             # η_t = η₀ / (t + 1)^power_t, t = samples seen
                opt.lr = float(self.learning_rate_init) / (self.t_ + 1) ** self.power_t
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if early else "Training loss"
                msg = f"{what} did not improve more than tol={self.tol:f} for {self.n_iter_no_change} " \
                      "consecutive epochs."
                if schedule == "adaptive" and opt.lr > 1e-6:
                    opt.lr /= 5.0
                    self._no_improvement_count = 0
                    if self.verbose:
                        print(f"{msg} Setting learning rate to {opt.lr:f}")
                else:
                    if self.verbose:
                        print(f"{msg} Stopping.")
                    break
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                              "optimization hasn't converged yet.", ConvergenceWarning)
        if early:
            self.network_.flat_params[...] = self._best_params

    def _update_no_improvement_count(self, val) -> None:
        if val is not None:
            score = self._score_raw(*val)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}")
            self._no_improvement_count = self._no_improvement_count + 1 \
                if score < self.best_validation_score_ + self.tol else 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_params = self.network_.flat_params.copy()
        else:
            loss = self.loss_curve_[-1]
            self._no_improvement_count = self._no_improvement_count + 1 if loss > self.best_loss_ - self.tol else 0
            self.best_loss_ = min(self.best_loss_, loss)

    # ------------------------------------------------------------------ predicting
    def _check_X(self, X) -> np.ndarray:
        check_is_fitted(self)
        return _validate_data(self, X, dtype=self.network_.dtype, reset=False)

    def _forward_all(self, X: np.ndarray) -> list[np.ndarray]:
        """Each layer's output ``f(X Wᵀ + b)``, computed without touching the network's state."""
        outs = []
        for layer in self.network_.layers:
            net = X @ layer.params["W"].T
            net += layer.params["b"]
            X = layer.activation.value(net)
            outs.append(X)
        return outs

    def activations(self, X) -> list[np.ndarray]:
        """The output of every layer for ``X``: ``[out_1, …, out_L]`` (hidden layers, then the output layer).

        ``out_l = f_l(out_{l−1} W_lᵀ + b_l)`` with ``out_0 = X``; the last entry is what
        ``predict_proba`` (classifier) or ``predict`` (regressor) is made from.
        """
        return self._forward_all(self._check_X(X))

    def _output_values(self, X) -> np.ndarray:
        return self._forward_all(self._check_X(X))[-1]


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
        return r2_score(y, self._decode(self._forward_all(X)[-1]), sample_weight=sample_weight)

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` (n_samples, n_features) and targets ``y`` ((n_samples,) or (n_samples, K))."""
        return self._fit(X, y, sample_weight, incremental=False)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, keeping weights and optimizer state between calls."""
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """The network's output: shape (n_samples,) for one target, else (n_samples, K)."""
        return self._decode(self._output_values(X))
