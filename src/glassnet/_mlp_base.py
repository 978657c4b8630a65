"""What glassnet's scikit-learn MLPs share: building the network, the epoch loop, predicting.

:class:`_BaseMLP` follows scikit-learn's ``BaseMultilayerPerceptron``: ``__init__`` only
stores the parameters, ``fit`` validates them (:mod:`glassnet.param_validation`), builds
``Dense`` layers with scikit-learn's Glorot initialisation and runs
:func:`glassnet.training.fit` one epoch at a time, with scikit-learn's stopping rules
(``tol``, ``n_iter_no_change``, ``early_stopping``) and learning-rate schedules. The
classifier and the regressor are in :mod:`glassnet.mlp_estimators`.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from . import activations as _activations
from . import optimizers as _optimizers
from . import training as _training
from .errors import ConfigError, DivergenceError
from .layers.dense import Dense
from .network import Network
from .param_validation import MLP_CONSTRAINTS, validate_params

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
            try:
                history = _training.fit(self.network_, X, Y, epochs=1, batch_size=batch_size, optimizer=opt,
                                        shuffle=bool(self.shuffle), sample_weight=sw, verbose=0)
            except DivergenceError as exc:
                self._diverged(exc, early, opt, self.n_iter_ + 1)
            if history.interrupted:
                warnings.warn("Training interrupted by user.")
                break
            self.n_iter_ += 1
            self.t_ += n
            self.loss_ = history.history["loss"][-1] * self._loss_scale()
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
            try:
                self._update_no_improvement_count(val)
            except DivergenceError as exc:
                self._diverged(exc, early, opt, self.n_iter_)
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

    def _diverged(self, exc: DivergenceError, early: bool, opt, iteration: int) -> None:
        """Re-raise a divergence in this estimator's terms: which iteration, which weights were kept.

        ``training.fit`` already put back the weights from before the bad epoch (never NaN);
        with ``early_stopping`` the best validated weights are put back instead.
        """
        if early:
            self.network_.flat_params[...] = self._best_params
            kept = "the weights with the best validation score so far were put back"
        elif iteration > 1:
            kept = f"the weights after iteration {iteration - 1} (the last good ones) were kept"
        else:
            kept = "the initial weights were kept"
        err = DivergenceError(
            f"{type(self).__name__}: training diverged in iteration {iteration} (the loss or the "
            f"validation predictions became infinite or NaN); {kept}. Lower learning_rate_init (it was {opt.lr:g}; try {opt.lr / 10:g}) "
            "or standardise X (sklearn.preprocessing.StandardScaler) and, for regression, y.")
        err.history = getattr(exc, "history", None)
        raise err from exc

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
