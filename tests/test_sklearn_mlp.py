"""glassnet's MLPClassifier / MLPRegressor against scikit-learn: its estimator checks, its
own MLPs as oracles (same weights in, same weights out after SGD steps), and its tools
(Pipeline, GridSearchCV)."""

from __future__ import annotations

import pickle
import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from glassnet.errors import ConfigError
from glassnet.mlp_estimators import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Small matrices: BLAS threads only contend on a busy machine (16 s instead of 1.5 s for digits)."""
    with threadpool_limits(limits=1):
        yield


# ---------------------------------------------------------------- scikit-learn's contract

# scikit-learn tests its own MLPs with max_iter=100 (sklearn/utils/_test_common); no expected failures.
@parametrize_with_checks([MLPClassifier(max_iter=100, random_state=0), MLPRegressor(max_iter=100, random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_parameter_errors_use_sklearns_message():
    X, y = np.eye(4), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match=re.escape(
            "The 'alpha' parameter of MLPClassifier must be a float in the range [0.0, inf). Got -1 instead.")):
        MLPClassifier(alpha=-1).fit(X, y)
    with pytest.raises(ConfigError, match=r"The 'solver' parameter of MLPRegressor must be a str among "
                                          r"\{'adam', 'adamw', 'rmsprop', 'sgd'\}. Got 'lbfgs' instead."):
        MLPRegressor(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="'activation' parameter .* Got 'hardlim' instead"):
        MLPClassifier(activation="hardlim").fit(X, y)          # a step has no useful derivative
    with pytest.raises(ConfigError, match="activation has 1 names; hidden_layer_sizes has 2 layers"):
        MLPClassifier((3, 3), activation=["tanh"]).fit(X, y)
    with pytest.raises(ValueError, match="'max_iter' parameter .* an int in the range \\[1, inf\\). Got 0"):
        MLPClassifier(max_iter=0).fit(X, y)


# ---------------------------------------------------------------- oracle: scikit-learn's own MLPs

def _same_start(sk, gn, X, y, sw=None):
    """Fit both once (to create them), copy scikit-learn's weights into glassnet, then warm-start both."""
    sk.fit(X, y, sample_weight=sw)
    gn.fit(X, y, sample_weight=sw)
    gn.coefs_, gn.intercepts_ = sk.coefs_, sk.intercepts_
    start = [w.copy() for w in sk.coefs_]
    for est in (sk, gn):
        est.set_params(warm_start=True, max_iter=4)
        est.fit(X, y, sample_weight=sw)
    assert max(np.abs(w - w0).max() for w, w0 in zip(sk.coefs_, start)) > 1e-3   # the steps did move them


SGD_SETTINGS = [dict(momentum=0.0, learning_rate="constant"),
                dict(momentum=0.0, learning_rate="invscaling", power_t=0.25),
                dict(momentum=0.9, nesterovs_momentum=False),
                dict(momentum=0.9, nesterovs_momentum=True)]


@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression", "regression2"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_sgd_steps_equal_sklearns(kind, settings, weighted, rng):
    # Full batch, no shuffling, alpha > 0: each epoch is one step θ ← θ − η (∂E/∂θ), E and its
    # L2 term as scikit-learn defines them; 1 + 4 steps from the same weights must agree.
    X = rng.normal(size=(30, 4))
    y = {"binary": rng.integers(0, 2, 30), "multiclass": rng.integers(0, 3, 30),
         "regression": rng.normal(size=30), "regression2": rng.normal(size=(30, 2))}[kind]
    sw = rng.uniform(0.2, 3.0, 30) if weighted else None
    common = dict(hidden_layer_sizes=(5, 3), activation="tanh", solver="sgd", alpha=0.3, batch_size=30,
                  shuffle=False, learning_rate_init=0.1, max_iter=1, random_state=0, **settings)
    regression = kind.startswith("regression")
    sk_cls, gn_cls = (SkMLPRegressor, MLPRegressor) if regression else (SkMLPClassifier, MLPClassifier)
    sk, gn = sk_cls(**common), gn_cls(**common)
    _same_start(sk, gn, X, y, sw)
    for a, b in zip(sk.coefs_ + sk.intercepts_, gn.coefs_ + gn.intercepts_):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-10)
    if kind != "regression2":   # scikit-learn reports ½·mean over outputs, but descends ½·sum (see docs)
        np.testing.assert_allclose(gn.loss_curve_[1:], sk.loss_curve_[1:], rtol=1e-10)  # [0]: other inits
    assert gn.t_ == sk.t_ and gn.n_iter_ == sk.n_iter_ == 4


def test_regressor_mse_loss_is_twice_the_squared_error(rng):
    # glassnet's "mse" is (y − ŷ)² without the ½: SGD on it with (η, α) takes the same steps
    # as on scikit-learn's ½(y − ŷ)² with (2η, α/2).
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    common = dict(hidden_layer_sizes=(4,), solver="sgd", momentum=0.0, batch_size=20, shuffle=False,
                  max_iter=5, random_state=0)
    a = MLPRegressor(loss="mse", learning_rate_init=0.01, alpha=0.2, **common).fit(X, y)
    b = MLPRegressor(loss="squared_error", learning_rate_init=0.02, alpha=0.1, **common).fit(X, y)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)


def test_multilabel_objective_is_sklearns_divided_by_k(rng):
    # glassnet's binary cross-entropy averages over the K labels (scikit-learn sums), and the
    # estimator uses alpha / K: the gradient is scikit-learn's / K, so η·K here is η there.
    X, Y = rng.normal(size=(25, 3)), rng.integers(0, 2, (25, 4))
    common = dict(hidden_layer_sizes=(6,), activation="logistic", solver="sgd", alpha=0.2, batch_size=25,
                  shuffle=False, momentum=0.0, max_iter=1, random_state=0)
    sk = SkMLPClassifier(learning_rate_init=0.05, **common)
    gn = MLPClassifier(learning_rate_init=0.05 * 4, **common)
    _same_start(sk, gn, X, Y)
    for a, b in zip(sk.coefs_ + sk.intercepts_, gn.coefs_ + gn.intercepts_):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-10)
    np.testing.assert_allclose(gn.loss_curve_[1:], sk.loss_curve_[1:], rtol=1e-10)   # in sklearn's units
    assert gn.out_activation_ == sk.out_activation_ == "logistic"
    assert gn.predict(X).shape == (25, 4) and gn.predict_proba(X).shape == (25, 4)


def test_digits_accuracy_comparable_with_sklearn():
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    gn = MLPClassifier((64,), max_iter=100, random_state=0).fit(Xtr, ytr).score(Xte, yte)
    sk = SkMLPClassifier((64,), max_iter=100, random_state=0).fit(Xtr, ytr).score(Xte, yte)
    assert gn > 0.95 and abs(gn - sk) < 0.015, (gn, sk)


# ---------------------------------------------------------------- sample weights, labels, errors

def test_integer_sample_weights_equal_repeated_rows(rng):
    X, y = rng.normal(size=(12, 3)), rng.integers(0, 3, 12)
    w = rng.integers(0, 4, 12)
    w[:3] = [0, 1, 2]
    params = dict(hidden_layer_sizes=(7,), max_iter=20, shuffle=False, random_state=1, learning_rate_init=0.01)
    a = MLPClassifier(batch_size=12, **params).fit(X, y, sample_weight=w)
    b = MLPClassifier(batch_size=int(w.sum()), **params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(p, q, rtol=1e-9, atol=1e-12)


def test_string_labels_and_probabilities(rng):
    X = rng.normal(size=(60, 2))
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    clf = MLPClassifier((10,), learning_rate_init=0.05, max_iter=200, random_state=0).fit(X, y)
    assert clf.classes_.tolist() == ["no", "yes"] and clf.n_outputs_ == 1 and clf.out_activation_ == "logistic"
    assert clf.score(X, y) > 0.95
    P = clf.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[P.argmax(axis=1)], clf.predict(X))
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(clf.predict_log_proba(X), np.log(P))


def test_continuous_targets_to_classifier_raise_sklearns_error(rng):
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier(max_iter=2).fit(rng.normal(size=(10, 2)), rng.normal(size=10))


def test_predict_before_fit_and_wrong_feature_count(rng):
    X, y = rng.normal(size=(20, 4)), rng.integers(0, 2, 20)
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X)
    clf = MLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 4 features as input"):
        clf.predict(X[:, :3])


# ---------------------------------------------------------------- continuing training

def test_warm_start_continues_from_the_weights(rng):
    # Plain SGD keeps no state, so 3 epochs then 4 more equal 7 epochs in one go.
    X, y = rng.normal(size=(40, 3)), rng.normal(size=40)
    params = dict(hidden_layer_sizes=(6,), solver="sgd", momentum=0.0, shuffle=False, random_state=0,
                  learning_rate_init=0.05)
    once = MLPRegressor(max_iter=7, **params).fit(X, y)
    twice = MLPRegressor(max_iter=3, warm_start=True, **params).fit(X, y)
    twice.set_params(max_iter=4).fit(X, y)
    for p, q in zip(once.coefs_, twice.coefs_):
        np.testing.assert_allclose(p, q, rtol=1e-12)
    assert twice.loss_curve_ == pytest.approx(once.loss_curve_, rel=1e-12)
    cold = MLPRegressor(max_iter=3, **params).fit(X, y)           # without warm_start: starts over
    np.testing.assert_array_equal(cold.fit(X, y).coefs_[0], MLPRegressor(max_iter=3, **params).fit(X, y).coefs_[0])


def test_partial_fit_calls_equal_fit_epochs(rng):
    # Each partial_fit is one epoch and Adam's moments carry over, so k calls equal fit(max_iter=k).
    X, y = rng.normal(size=(50, 3)), rng.choice(["a", "b", "c"], 50)
    params = dict(hidden_layer_sizes=(8,), shuffle=False, random_state=0, learning_rate_init=0.01)
    full = MLPClassifier(max_iter=3, **params).fit(X, y)
    part = MLPClassifier(**params)
    for _ in range(3):
        part.partial_fit(X, y, classes=["a", "b", "c"])
    for p, q in zip(full.coefs_ + full.intercepts_, part.coefs_ + part.intercepts_):
        np.testing.assert_array_equal(p, q)
    assert part.t_ == 150 and part.loss_curve_ == full.loss_curve_


def test_partial_fit_needs_classes_first_and_accepts_chunks(rng):
    X, y = rng.normal(size=(30, 2)), np.repeat([0, 1, 2], 10)
    clf = MLPClassifier((4,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call to partial_fit"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:10], y[:10], classes=[0, 1, 2])       # a chunk that holds only class 0
    assert clf.classes_.tolist() == [0, 1, 2] and clf.predict_proba(X).shape == (30, 3)
    clf.partial_fit(X[10:], y[10:])
    with pytest.raises(ValueError, match="classes not in"):
        clf.partial_fit(X, np.full(30, 7))
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        MLPRegressor(early_stopping=True).partial_fit(X, y)


def test_pickled_estimator_keeps_training_identically(rng):
    # What dask_ml's Incremental and joblib do: ship the estimator, then call partial_fit there.
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    a = MLPClassifier((5,), random_state=0).partial_fit(X, y, classes=[0, 1])
    b = pickle.loads(pickle.dumps(a))
    for est in (a, b):
        est.partial_fit(X, y)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(p, q)
    assert b.network_.params["W1"] is not a.network_.params["W1"]


# ---------------------------------------------------------------- reproducibility (issue 7, item 4)

@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_same_random_state_gives_bit_identical_fits(dtype, rng):
    X, y = rng.normal(size=(80, 5)), rng.integers(0, 3, 80)
    params = dict(hidden_layer_sizes=(10, 6), batch_size=16, max_iter=15, early_stopping=True,
                  validation_fraction=0.2, dtype=dtype)
    a = MLPClassifier(random_state=42, **params).fit(X, y)
    b = MLPClassifier(random_state=42, **params).fit(X, y)
    c = MLPClassifier(random_state=np.random.default_rng(42), **params).fit(X, y)
    d = MLPClassifier(random_state=43, **params).fit(X, y)
    for p, q, r in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, c.coefs_ + c.intercepts_):
        assert p.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(p, q)
        np.testing.assert_array_equal(p, r)
    assert a.loss_curve_ == b.loss_curve_ and a.validation_scores_ == b.validation_scores_
    assert not np.array_equal(a.coefs_[0], d.coefs_[0])


# ---------------------------------------------------------------- what the estimators show

def test_activations_of_every_layer(rng):
    X, y = rng.normal(size=(15, 4)), rng.integers(0, 3, 15)
    clf = MLPClassifier((6, 5), activation=["relu", "softplus"], max_iter=5, random_state=0).fit(X, y)
    outs = clf.activations(X)
    assert [o.shape for o in outs] == [(15, 6), (15, 5), (15, 3)] and clf.n_layers_ == 4
    # By hand from sklearn-oriented coefs_ (fan_in, fan_out): relu, softplus, softmax.
    h1 = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0)
    h2 = np.log1p(np.exp(h1 @ clf.coefs_[1] + clf.intercepts_[1]))
    z = h2 @ clf.coefs_[2] + clf.intercepts_[2]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    for got, want in zip(outs, [h1, h2, p / p.sum(axis=1, keepdims=True)]):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(outs[-1], clf.predict_proba(X))
    assert clf.network_.params["W1"].shape == (6, 4) and clf.coefs_[0].shape == (4, 6)


def test_early_stopping_keeps_the_best_validation_weights(rng):
    X = rng.normal(size=(200, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.normal(size=200)
    reg = MLPRegressor((16,), early_stopping=True, n_iter_no_change=3, tol=0.0, max_iter=300, learning_rate_init=0.05,
                       random_state=0).fit(X, y)
    assert reg.best_loss_ is None and len(reg.validation_scores_) == reg.n_iter_ < 300
    assert reg.best_validation_score_ == max(reg.validation_scores_) > 0.9
    # The same run stopped at the best epoch ends with the weights that were restored.
    best = int(np.argmax(reg.validation_scores_)) + 1
    assert best < reg.n_iter_
    short = reg.set_params(max_iter=best).fit(X, y)
    assert short.validation_scores_[-1] == short.best_validation_score_
    long = MLPRegressor(**{**reg.get_params(), "max_iter": 300}).fit(X, y)
    for p, q in zip(long.coefs_ + long.intercepts_, short.coefs_ + short.intercepts_):
        np.testing.assert_array_equal(p, q)


# ---------------------------------------------------------------- scikit-learn's tools

def test_pipeline_and_grid_search():
    X, y = load_digits(return_X_y=True)
    X, y = X[:400], y[:400]
    pipe = Pipeline([("scale", StandardScaler()), ("mlp", MLPClassifier((32,), learning_rate_init=0.01,
                                                                   max_iter=30, random_state=0))])
    assert pipe.fit(X, y).score(X, y) > 0.95
    grid = {"mlp__alpha": [1e-4, 1e-1], "mlp__activation": ["relu", "tanh"]}
    results = []
    for n_jobs in (1, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            search = GridSearchCV(pipe, grid, cv=3, n_jobs=n_jobs).fit(X, y)
        results.append(search.cv_results_["mean_test_score"])
        assert search.best_score_ > 0.85
    np.testing.assert_array_equal(results[0], results[1])     # processes give the same numbers


def test_docs_example_runs():
    """The Python block of docs/sklearn.md (it imports from glassnet.sklearn, which re-exports the MLPs)."""
    from pathlib import Path
    text = (Path(__file__).resolve().parents[1] / "docs" / "sklearn.md").read_text()
    block = re.findall(r"```python\n(.*?)```", text, flags=re.S)[0]
    namespace: dict = {"print": lambda *args: None}
    exec(compile(block, "docs/sklearn.md", "exec"), namespace)
    assert namespace["model"].score(namespace["X_test"], namespace["y_test"]) > 0.95
    assert [a.shape for a in namespace["mlp"].activations(namespace["X_test"][:5])] == [(5, 64), (5, 10)]


# ---------------------------------------------------------------- a diverging loss

def _diverging(**kw):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = X @ [1.0, 2.0, 3.0] * 50                    # unscaled targets: SGD with momentum blows up
    est = MLPRegressor((8,), solver="sgd", learning_rate_init=0.005, momentum=0.9, max_iter=50,
                       batch_size=16, random_state=0, **kw)
    return est, X, y


def test_divergence_stops_and_keeps_the_last_good_weights():
    from glassnet.errors import DivergenceError

    est, X, y = _diverging()
    with pytest.raises(DivergenceError, match=r"MLPRegressor: training diverged in iteration \d+ .*"
                                              r"learning_rate_init \(it was 0.005; try 0.0005\)") as info:
        est.fit(X, y)
    k = est.n_iter_                                 # completed iterations before the bad one
    assert f"diverged in iteration {k + 1}" in str(info.value) and f"after iteration {k}" in str(info.value)
    assert k >= 2 and np.isfinite(est.network_.flat_params).all()
    # The oracle: the same run stopped by max_iter just before the bad iteration.
    ref, _, _ = _diverging()
    ref.set_params(max_iter=k).fit(X, y)
    np.testing.assert_array_equal(est.network_.flat_params, ref.network_.flat_params)
    np.testing.assert_array_equal(est.predict(X), ref.predict(X))


def test_divergence_with_early_stopping_puts_back_the_best_validated_weights():
    from glassnet.errors import DivergenceError

    est, X, y = _diverging(early_stopping=True, validation_fraction=0.25, n_iter_no_change=50)
    best = {}
    real = MLPRegressor._update_no_improvement_count

    def spy(self, val):                             # record the weights each time the best score improves
        before = self.best_validation_score_
        real(self, val)
        if self.best_validation_score_ > before:
            best["params"] = self.network_.flat_params.copy()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MLPRegressor, "_update_no_improvement_count", spy)
        with pytest.raises(DivergenceError, match="best validation score so far were put back") as info:
            est.fit(X, y)
    assert "params" in best and np.isfinite(est.network_.flat_params).all()
    assert f"diverged in iteration {len(est.validation_scores_) + 1} " in str(info.value)
    np.testing.assert_array_equal(est.network_.flat_params, best["params"])
