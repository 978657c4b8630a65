"""The perceptron rule: textbook examples value by value, online and batch, convergence and its bound.

Oracles: the worked examples of Hagan, Demuth & Beale, *Neural Network Design* (2nd ed.,
ch. 4), arithmetic worked by hand in the comments, truth tables (AND and OR converge, XOR
cannot) and Novikoff's theorem (updates never exceed (R/γ)²). The model itself, the margin
and the CLI are tested in test_perceptron.py; the scikit-learn comparison is in
test_sklearn_perceptron.py.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import glassnet.perceptron_rule
from glassnet.perceptron import Perceptron

GATE_P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def _after_each(report) -> list:
    """W (and b) after each presentation, from the recorded trace."""
    return [(r["W"].tolist(), r["b"].tolist()) for r in report.presentations if r["index"] is not None]


# --------------------------------------------------------------------- textbook examples


def test_hdb_chapter4_test_problem_every_presentation():
    # Hagan, Demuth & Beale, Neural Network Design, ch. 4, "Test Problem":
    # p1 = [1, 2], t1 = 1; p2 = [−1, 2], t2 = 0; p3 = [0, −1], t3 = 0; no bias; w(0) = [1.0, −0.8].
    P = np.array([[1, 2], [-1, 2], [0, -1]], dtype=float)
    T = np.array([1, 0, 0])
    net = Perceptron(W=[[1.0, -0.8]], bias=False)
    report = net.train(P, T, trace=True)
    rows = report.presentations
    # p1: n = 1·1 − 0.8·2 = −0.6 → a = 0, e = 1 → w = [1, −0.8] + [1, 2] = [2.0, 1.2]     (book: [2.0 1.2])
    # p2: n = −2 + 2.4 = 0.4   → a = 1, e = −1 → w = [2, 1.2] − [−1, 2] = [3.0, −0.8]    (book: [3.0 −0.8])
    # p3: n = 0 + 0.8 = 0.8    → a = 1, e = −1 → w = [3, −0.8] − [0, −1] = [3.0, 0.2]    (book: [3.0 0.2])
    assert_allclose([r["n"][0] for r in rows[:3]], [-0.6, 0.4, 0.8], atol=1e-12)
    assert [r["a"][0] for r in rows[:3]] == [0, 1, 1]
    assert [r["e"][0] for r in rows[:3]] == [1, -1, -1]
    assert_allclose(rows[0]["dW"], [[1, 2]])
    assert_allclose(rows[1]["dW"], [[1, -2]])
    assert_allclose(rows[2]["dW"], [[0, 1]])
    assert_allclose([r["W"][0] for r in rows[:3]], [[2.0, 1.2], [3.0, -0.8], [3.0, 0.2]], atol=1e-12)
    # Second epoch: n = 3 + 0.4 = 3.4 (a = 1 = t1), −3 + 0.4 = −2.6 (0 = t2), −0.2 (0 = t3): no error.
    assert_allclose([r["n"][0] for r in rows[3:]], [3.4, -2.6, -0.2], atol=1e-12)
    assert report.converged and report.epochs == 2 and report.updates == 3 and report.errors == 0
    assert_allclose(net.W, [[3.0, 0.2]], atol=1e-12)
    assert_array_equal(net.b, [0.0])  # bias=False: no bias at all
    assert_array_equal(net.predict(P).ravel(), T)


def test_hdb_chapter4_solved_problem_with_bias():
    # Hagan, Demuth & Beale, ch. 4 solved problems: p1 = [2, 2], t1 = 0; p2 = [1, −2], t2 = 1;
    # p3 = [−2, 2], t3 = 0; p4 = [−1, 1], t4 = 1; W(0) = [0, 0], b(0) = 0, applied in order.
    P = np.array([[2, 2], [1, -2], [-2, 2], [-1, 1]], dtype=float)
    T = np.array([0, 1, 0, 1])
    net = Perceptron()
    report = net.train(P, T, trace=True)
    # 1: hardlim(0) = 1, e = −1 → W(1) = [−2, −2], b(1) = −1
    # 2: hardlim(−2 + 4 − 1 = 1) = 1 = t2 → unchanged
    # 3: hardlim(4 − 4 − 1 = −1) = 0 = t3 → unchanged
    # 4: hardlim(2 − 2 − 1 = −1) = 0, e = 1 → W(4) = [−3, −1], b(4) = 0
    # 5: p1: hardlim(−8) = 0 = t1 → unchanged
    # 6: p2: hardlim(−3 + 2 + 0 = −1) = 0, e = 1 → W(6) = [−2, −3], b(6) = 1
    # 7, 8: p3: hardlim(4 − 6 + 1 = −1) = 0 ✓; p4: hardlim(2 − 3 + 1 = 0) = 1 ✓; then p1, p2 ✓.
    expected = [([[-2, -2]], [-1]), ([[-2, -2]], [-1]), ([[-2, -2]], [-1]), ([[-3, -1]], [0]),
                ([[-3, -1]], [0]), ([[-2, -3]], [1]), ([[-2, -3]], [1]), ([[-2, -3]], [1])]
    assert _after_each(report)[:8] == expected
    assert_allclose([r["n"][0] for r in report.presentations[:8]], [0, 1, -1, -1, -8, -1, -1, 0])
    assert report.converged and report.updates == 3 and report.epochs == 3
    assert_array_equal(net.W, [[-2, -3]])
    assert_array_equal(net.b, [1])


def test_hdb_four_class_two_neuron_problem():
    # Data of HDB ch. 4 solved problems (four classes coded by two hardlim neurons), trained
    # from W(0) = I, b(0) = [1, 1] with the rule; each value worked by hand:
    P = np.array([[1, 1], [1, 2], [2, -1], [2, 0], [-1, 2], [-2, 1], [-1, -1], [-2, -2]], dtype=float)
    T = np.array([[0, 0], [0, 0], [0, 1], [0, 1], [1, 0], [1, 0], [1, 1], [1, 1]])
    net = Perceptron(W=np.eye(2), b=[1, 1])
    report = net.train(P, T, trace=True)
    rows = report.presentations
    # 1: n = I[1, 1] + [1, 1] = [2, 2] → a = [1, 1], e = [−1, −1]
    #    W = I − [[1, 1], [1, 1]] = [[0, −1], [−1, 0]], b = [0, 0]
    assert_array_equal(rows[0]["n"], [2, 2])
    assert_array_equal(rows[0]["W"], [[0, -1], [-1, 0]])
    assert_array_equal(rows[0]["b"], [0, 0])
    # 3: p3 = [2, −1]: n = [1, −2] → a = [1, 0], e = [−1, 1]
    #    W = [[0, −1], [−1, 0]] + [[−2, 1], [2, −1]] = [[−2, 0], [1, −1]], b = [−1, 1]
    assert_array_equal(rows[2]["n"], [1, -2])
    assert_array_equal(rows[2]["W"], [[-2, 0], [1, -1]])
    assert_array_equal(rows[2]["b"], [-1, 1])
    # 9 (epoch 2, p1): n = [−2 − 1, 1 − 1 + 1] = [−3, 1] → a = [0, 1], e = [0, −1]
    #    W = [[−2, 0], [0, −2]], b = [−1, 0]; no more errors.
    assert_array_equal(rows[8]["n"], [-3, 1])
    assert report.converged and report.updates == 3 and report.epochs == 3
    assert_array_equal(net.W, [[-2, 0], [0, -2]])
    assert_array_equal(net.b, [-1, 0])
    assert_array_equal(report.updates_per_neuron, [2, 3])


def test_batch_mode_by_hand():
    # HDB test problem in batch form, w(0) = [1, −0.8], no bias.
    # Epoch 1: n = [−0.6, −2.6, 0.8], a = [0, 0, 1], e = [1, 0, −1]
    #          ΔW = 1·[1, 2] + (−1)·[0, −1] = [1, 3] → w = [2, 2.2]
    # Epoch 2: n = [6.4, 2.4, −2.2], a = [1, 1, 0], e = [0, −1, 0] → ΔW = [1, −2] → w = [3, 0.2]
    # Epoch 3: n = [3.4, −2.6, −0.2] → no error.
    P = np.array([[1, 2], [-1, 2], [0, -1]], dtype=float)
    net = Perceptron(W=[[1.0, -0.8]], bias=False)
    report = net.train(P, [1, 0, 0], mode="batch", trace=True)
    sums = [r for r in report.presentations if r["index"] is None]
    assert_allclose(sums[0]["dW"], [[1, 3]])
    assert_allclose(sums[0]["W"], [[2, 2.2]])
    assert_allclose(sums[1]["W"], [[3, 0.2]])
    assert_allclose([r["n"][0] for r in report.presentations[4:7]], [6.4, 2.4, -2.2])
    assert report.converged and report.epochs == 3 and report.updates == 2


def test_normalized_rules_by_hand():
    # p = [3, 4], t = 1, W(0) = [−1, 0], b = 0: n = −3 → a = 0, e = 1.
    # learnpn: p̂ = p / √(1 + 25) → W = [−1 + 3/√26, 4/√26], b = 1.   unit: p̂ = [0.6, 0.8].
    for normalized, expected in ((True, [-1 + 3 / np.sqrt(26), 4 / np.sqrt(26)]), ("unit", [-0.4, 0.8])):
        net = Perceptron(W=[[-1.0, 0.0]], b=[0.0])
        report = net.train([[3.0, 4.0]], [1], normalized=normalized, trace=True)
        assert_allclose(report.presentations[0]["W"], [expected], rtol=1e-15)
        assert_allclose(net.b, [1.0])


def test_learning_rate_scales_the_change():
    # η = 0.5 on the HDB test problem: first step w = [1, −0.8] + 0.5·[1, 2] = [1.5, 0.2]
    net = Perceptron(W=[[1.0, -0.8]], bias=False)
    report = net.train([[1, 2], [-1, 2], [0, -1]], [1, 0, 0], learning_rate=0.5, trace=True)
    assert_allclose(report.presentations[0]["W"], [[1.5, 0.2]])
    assert report.converged


# --------------------------------------------------------------------- convergence


@pytest.mark.parametrize("gate, T", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])])
@pytest.mark.parametrize("transfer", ["hardlim", "hardlims"])
def test_and_or_converge(gate, T, transfer):
    T = np.array(T) if transfer == "hardlim" else 2 * np.array(T) - 1
    net = Perceptron(transfer)
    report = net.train(GATE_P, T)
    assert report.converged and report.errors == 0 and not report.cycled
    assert "Converged" in report.message
    assert_array_equal(net.predict(GATE_P).ravel(), T)
    # Novikoff: updates from zero weights never exceed (R/γ)².
    assert report.updates <= report.bound[0]


def test_and_gate_values():
    # AND from zero weights, hardlim, in order: converges to W = [2, 1], b = −3 after 11 updates
    # (the trace is printed in docs/perceptron.md; the final boundary 2p₁ + p₂ = 3).
    net = Perceptron()
    report = net.train(GATE_P, [0, 0, 0, 1])
    assert (report.epochs, report.updates) == (6, 11)
    assert_array_equal(net.W, [[2, 1]])
    assert_array_equal(net.b, [-3])


def test_xor_does_not_converge_and_says_why():
    report = Perceptron().train(GATE_P, [0, 1, 1, 0], epochs=50)
    assert report.converged is False
    assert report.cycled  # same weights at two epoch ends: stopped early
    assert report.epochs < 50
    assert report.separable is False
    assert "not linearly separable by this perceptron" in report.message
    assert "multi-layer" in report.message
    assert report.errors > 0


def test_xor_with_shuffle_reaches_the_epoch_limit():
    report = Perceptron(seed=0).train(GATE_P, [0, 1, 1, 0], epochs=7, shuffle=True)
    assert not report.converged and not report.cycled and report.epochs == 7
    assert "epoch limit" in report.message and "not linearly separable" in report.message


def test_pocket_keeps_the_best_weights():
    rng = np.random.default_rng(3)
    P = rng.normal(size=(60, 2))
    T = (P[:, 0] + 0.3 * P[:, 1] > 0).astype(float)
    T[:5] = 1 - T[:5]  # label noise: not separable
    plain = Perceptron().train(P, T, epochs=30)
    net = Perceptron()
    pocket = net.train(P, T, epochs=30, pocket=True)
    # the errors reported are those of the weights kept, counted here independently
    wrong = int(np.sum((P @ net.W[0] + net.b[0] >= 0).astype(float) != T))
    assert pocket.errors == wrong
    assert pocket.errors <= plain.errors
    assert pocket.errors <= min(h["errors"] for h in pocket.history)
    assert not pocket.converged and "pocket" in pocket.message


def test_shuffle_is_seeded():
    P = np.random.default_rng(0).normal(size=(40, 3))
    T = (P @ [1.0, -2.0, 0.5] > 0.1).astype(float)
    a, b = Perceptron(seed=1), Perceptron(seed=1)
    ra, rb = a.train(P, T, shuffle=True), b.train(P, T, shuffle=True)
    assert ra.converged and rb.converged
    assert_array_equal(a.W, b.W)


def test_updates_never_exceed_novikoff_bound():
    rng = np.random.default_rng(2)
    for k in range(5):
        P = rng.normal(size=(50, 4))
        T = np.where(P @ rng.normal(size=4) - 0.2 > 0, 1.0, -1.0)
        report = Perceptron("hardlims").train(P, T, epochs=1000)
        assert report.converged
        assert report.updates <= report.bound[0], (k, report.updates, report.bound)
        assert "Novikoff" in report.message and str(report.updates) in report.message


def test_module_example_runs():
    failures, tried = doctest.testmod(glassnet.perceptron_rule)
    assert tried > 0 and failures == 0
