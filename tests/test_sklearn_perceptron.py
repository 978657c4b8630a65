"""glassnet's perceptron against scikit-learn's, and the estimator against scikit-learn's checks.

The equivalence. scikit-learn's ``Perceptron`` (an ``SGDClassifier`` with the perceptron
loss) labels the classes y = ±1 and, on a *mistake* ``y (w·x + b) ≤ 0``, updates
``w += eta0 · y · x``, ``b += eta0 · y``. glassnet with ``hardlims`` has ``a ∈ {−1, +1}``
and ``e = t − a``, which is 0 on a correct answer and ``2y`` on a mistake, so
``W += η · 2y · x``: with the same η and both started from zero (or glassnet from twice
scikit-learn's start), glassnet's weights are exactly **twice** scikit-learn's after
every step, and both make the same decisions — the sign of a positive multiple.

One difference: at exactly ``w·x + b = 0``, scikit-learn counts a mistake for either
class, while ``hardlims(0) = +1`` is right for y = +1. From zero weights the very first
net input is 0, so the data sets below start with a sample of the negative class (both
then update) and use continuous random values (no other exact zero). For several
classes, scikit-learn trains one-vs-rest ±1 problems in parallel, exactly glassnet's
one neuron per class; starting both from a random non-zero ``W0`` (glassnet at ``2 W0``)
removes the tie at the start for every class at once.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.utils.estimator_checks import parametrize_with_checks

from glassnet.errors import ConfigError
from glassnet.perceptron import Perceptron, encode_targets
from glassnet.sklearn import PerceptronClassifier


def _sk(epochs: int, eta: float, **kw) -> SkPerceptron:
    return SkPerceptron(penalty=None, alpha=0.0, eta0=eta, shuffle=False, tol=None, max_iter=epochs,
                        fit_intercept=True, **kw)


def _fit_sk(model, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=None always runs max_iter epochs
        return model.fit(X, y, **kw)


def _binary(seed: int, n: int, d: int, shift: float):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.where(X @ rng.normal(size=d) + shift > 0, 1, -1)
    first = int(np.flatnonzero(y == -1)[0])
    order = np.r_[first, np.delete(np.arange(n), first)]  # a negative sample first (see above)
    return X[order], y[order]


@pytest.mark.parametrize("seed, n, d, shift, eta", [(0, 40, 2, 0.3, 1.0), (1, 100, 5, -0.5, 0.1),
                                                      (2, 200, 10, 0.0, 2.5), (3, 60, 3, 1.0, 1.0)])
def test_binary_agrees_with_sklearn_up_to_factor_two(seed, n, d, shift, eta):
    X, y = _binary(seed, n, d, shift)
    net = Perceptron("hardlims")
    report = net.train(X, y, learning_rate=eta, epochs=500)
    assert report.converged
    sk = _fit_sk(_sk(report.epochs, eta), X, y)
    assert_allclose(net.W, 2 * sk.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(net.b, 2 * sk.intercept_, rtol=1e-10, atol=1e-12)
    X_new = np.random.default_rng(seed + 100).normal(size=(500, d))
    assert_array_equal(np.where(net.predict(X_new).ravel() > 0, 1, -1), sk.predict(X_new))
    # the estimator wrapper gives the same decisions and weights
    clf = PerceptronClassifier(learning_rate=eta, max_epochs=500).fit(X, y)
    assert_array_equal(clf.predict(X_new), sk.predict(X_new))
    assert_allclose(clf.coef_, 2 * sk.coef_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed, S, R", [(0, 3, 4), (1, 4, 3)])
def test_multiclass_one_vs_rest_agrees_with_sklearn(seed, S, R):
    # A separable S-class problem with R inputs (S = 3, R = 4 is the multi-neuron case).
    rng = np.random.default_rng(seed)
    # each center a vertex of a simplex (S ≤ R) or of a regular tetrahedron (S = 4, R = 3):
    # every class is separable from the rest.
    tetrahedron = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
    centers = 6 * np.eye(S, R) if S <= R else 4 * tetrahedron
    y = np.repeat(np.arange(S), 25)
    X = centers[y] + 0.6 * rng.normal(size=(len(y), R))
    W0, b0 = 0.01 * rng.normal(size=(S, R)), 0.01 * rng.normal(size=S)
    T, classes = encode_targets(y, "hardlims")
    net = Perceptron("hardlims", W=2 * W0, b=2 * b0)
    report = net.train(X, T, epochs=500)
    assert report.converged and net.W.shape == (S, R)
    sk = _fit_sk(_sk(report.epochs, 1.0), X, y, coef_init=W0, intercept_init=b0)
    assert_allclose(net.W, 2 * sk.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(net.b, 2 * sk.intercept_, rtol=1e-10, atol=1e-12)
    X_new = centers[rng.integers(0, S, 300)] + 2.0 * rng.normal(size=(300, R))
    assert_array_equal(classes[np.argmax(net.net_input(X_new), axis=1)], sk.predict(X_new))
    assert_array_equal(net.predict(X), T)


def test_hardlim_targets_give_the_same_boundary_at_half_scale():
    # With 0/1 targets e = t − a is ±1 on a mistake: the weights are exactly scikit-learn's.
    X, y = _binary(5, 80, 3, 0.2)
    net = Perceptron("hardlim")
    report = net.train(X, (y > 0).astype(float), epochs=500)
    sk = _fit_sk(_sk(report.epochs, 1.0), X, y)
    assert_allclose(net.W, sk.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(net.b, sk.intercept_, rtol=1e-10, atol=1e-12)


def test_estimator_with_string_labels_and_attributes():
    X = np.array([[1, -1, -1], [1, 1, -1], [1, -1, 1], [1, 1, 1]], dtype=float)
    y = np.array(["orange", "apple", "orange", "apple"])
    clf = PerceptronClassifier().fit(X, y)
    assert clf.classes_.tolist() == ["apple", "orange"]
    assert clf.predict(X).tolist() == y.tolist()
    assert clf.converged_ and clf.n_iter_ >= 1 and clf.n_updates_ >= 1 and clf.n_features_in_ == 3
    assert clf.decision_function(X).shape == (4,)
    assert "Converged" in clf.report_.message


def test_estimator_binary_coding_and_pocket():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 20)
    X = 5 * np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]])[y] + rng.normal(size=(80, 2))
    clf = PerceptronClassifier(transfer="hardlim", coding="binary").fit(X, y)
    assert clf.coef_.shape == (2, 2)  # ⌈log₂ 4⌉ neurons
    assert (clf.predict(X) == y).mean() == 1.0
    noisy = y.copy()
    noisy[:6] = (noisy[:6] + 1) % 4
    assert PerceptronClassifier(pocket=True, max_epochs=20).fit(X, noisy).score(X, noisy) >= 0.85


@pytest.mark.parametrize("params, match", [
    ({"transfer": "sigmoid"}, "'transfer' parameter of PerceptronClassifier"),
    ({"learning_rate": 0}, r"'learning_rate' parameter .* float in the range \(0.0, inf\)"),
    ({"normalized": 1}, r"'normalized' parameter .* instance of 'bool'"),
    ({"max_epochs": 0}, "'max_epochs' parameter"),
    ({"mode": "stochastic"}, "'mode' parameter"),
    ({"shuffle": True, "mode": "batch"}, "'shuffle' parameter"),
])
def test_estimator_rejects_bad_parameters_in_fit(params, match):
    clf = PerceptronClassifier(**params)  # __init__ only stores
    with pytest.raises(ConfigError, match=match):             # as the MLP estimators: a ValueError too
        clf.fit(np.eye(2), [0, 1])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")   # scikit-learn's data: not separable
@parametrize_with_checks([PerceptronClassifier(), PerceptronClassifier(mode="batch", transfer="hardlim"),
                          PerceptronClassifier(shuffle=True, init="random", random_state=0)])
def test_sklearn_compatible_estimator(estimator, check):
    # No expected failures: every check passes as is. (scikit-learn itself skips its pandas and
    # array-API checks when pandas is missing or SCIPY_ARRAY_API is unset; they pass when present.)
    check(estimator)


def test_one_class_is_refused_naming_the_label():
    with pytest.raises(ValueError, match=r"only one class: 'cat'$"):
        PerceptronClassifier().fit([[0.0, 1.0], [1.0, 0.0]], ["cat", "cat"])


def test_unconverged_fit_warns_like_scikit_learn():
    from sklearn.datasets import load_iris
    X, y = load_iris(return_X_y=True)                        # versicolor and virginica overlap
    with pytest.warns(ConvergenceWarning, match=r"after 5 epochs \(max_epochs=5 ran out\) with \d+ of 150 .* misclassified"):
        clf = PerceptronClassifier(max_epochs=5).fit(X, y)
    assert not clf.converged_
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)    # separable data: no warning
        assert PerceptronClassifier().fit([[0.0, 0.0], [1.0, 1.0]], [0, 1]).converged_
