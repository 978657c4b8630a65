"""Tests for glassnet.gradcheck: the report on a correct network, and on a broken one.

The report's numeric column is recomputed here independently (central differences
of the loss, by hand), and a deliberately wrong derivative must be caught and its
rows flagged.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from glassnet import Dense, Network, activations, gradcheck
from glassnet.activations import Activation
from glassnet.errors import ConfigError
from glassnet.gradcheck import GradCheckRow, relative_error


def data(n=5, R=3, K=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, R)), np.eye(K)[rng.integers(K, size=n)]


def correct_net(seed=0) -> Network:
    return Network([Dense(4, "tanh"), Dense(3, "softplus"), Dense(2, "softmax")],
                   loss="categorical_crossentropy", input_shape=3, seed=seed)


def test_report_on_a_correct_network():
    net = correct_net()
    X, y = data()
    before = net.get_params()
    report = gradcheck(net, X, y)
    assert report.ok and not report.failures
    assert len(report.rows) == net.n_params == 4 * 3 + 4 + 3 * 4 + 3 + 2 * 3 + 2
    assert report.rows[0].name == "W1[0, 0]" and report.rows[1].name == "W1[0, 1]"
    assert report.rows[12].name == "b1[0]" and report.rows[-1].name == "b3[1]"
    _, grads = net.gradients(X, y)
    for row in report.rows:  # the analytic column is backpropagation's gradient
        name, idx = re.fullmatch(r"(\w+)\[(.*)\]", row.name).groups()
        assert row.analytic == grads[name][tuple(int(i) for i in idx.split(", "))]
    assert report.max_rel_error < 1e-6
    assert report.max_rel_error == max(r.rel_error for r in report.rows)
    for k, v in net.params.items():  # every parameter restored exactly
        np.testing.assert_array_equal(v, before[k])


def test_numeric_column_is_a_central_difference():
    net = correct_net()
    X, y = data()
    report = gradcheck(net, X, y, eps=1e-5, params=["b2"])
    assert [r.name for r in report.rows] == ["b2[0]", "b2[1]", "b2[2]"]
    for j, row in enumerate(report.rows):
        b = net.params["b2"]
        old = b[j]
        b[j] = old + 1e-5
        up = net.loss_value(X, y)
        b[j] = old - 1e-5
        down = net.loss_value(X, y)
        b[j] = old
        assert row.numeric == pytest.approx((up - down) / 2e-5, rel=1e-12)


def test_str_shows_the_table_and_verdict():
    net = correct_net()
    text = str(gradcheck(net, *data(), params=["W3"]))
    lines = text.splitlines()
    assert lines[0].split() == ["parameter", "analytic", "numeric", "rel.", "error"]
    assert len(lines) == 1 + 6 + 1
    assert lines[1].startswith("W3[0, 0]") and "FAIL" not in text
    assert re.fullmatch(r"OK: 6 entries, max relative error \S+ \(tolerance 1e-05\)", lines[-1])


def broken_net() -> Network:
    """A user activation whose derivative is wrong (the derivative of tanh is 1 − out², not 1 − out)."""
    bad_tanh = Activation("bad_tanh", value=np.tanh, derivative=lambda net, out: 1 - out)
    return Network([Dense(3, bad_tanh), Dense(2, "sigmoid")], loss="mse", input_shape=2, seed=4)


def test_a_wrong_derivative_is_caught_and_its_rows_flagged():
    net = broken_net()
    X, y = data(R=2)
    report = gradcheck(net, X, y)
    assert not report.ok
    failed = {r.name for r in report.failures}
    # The wrong derivative enters ∂E/∂W1 and ∂E/∂b1 only; the last layer's gradients
    # do not go through it and stay right.
    assert failed == {r.name for r in report.rows if r.name.startswith(("W1", "b1"))}
    assert all(r.passes(report.tolerance) for r in report.rows if r.name.startswith(("W2", "b2")))
    text = str(report)
    for line in text.splitlines()[1:-1]:
        assert line.endswith("<-- FAIL") == any(line.startswith(name + " ") for name in failed)
    assert text.splitlines()[-1].startswith(f"FAILED: 17 entries, {len(failed)} failed")
    assert report.max_rel_error > 1e-2


def test_rounding_noise_is_not_called_a_failure():
    # A gradient far below ε|E|/h cannot be measured by differences: such a row passes,
    # marked as below the noise; a wrong value above the noise still fails.
    tiny = GradCheckRow("W1[0, 0]", analytic=1e-12, numeric=0.0, rel_error=1.0, noise=1e-9)
    wrong = GradCheckRow("W1[0, 1]", analytic=1e-3, numeric=2e-3, rel_error=0.5, noise=1e-9)
    assert tiny.passes(1e-5) and not wrong.passes(1e-5)
    from glassnet.gradcheck import GradCheckReport
    text = str(GradCheckReport([tiny, wrong], 1e-5))
    assert "(below rounding noise)" in text.splitlines()[1] and text.splitlines()[2].endswith("<-- FAIL")


def test_saturated_correct_network_passes():
    # Large inputs saturate the sigmoids: gradients of 1e-9 and a large loss.
    net = Network([Dense(3, "sigmoid"), Dense(2, "sigmoid")], loss="binary_crossentropy", input_shape=3, seed=5)
    X, y = data(n=6, seed=1)
    report = gradcheck(net, 30 * X, y)
    assert report.ok, str(report)


def test_options_and_refusals(capsys):
    net = correct_net()
    X, y = data()
    assert gradcheck(net, X, y, params=["b1", "b3"], sample_weight=np.arange(1, 6)).ok
    gradcheck(net, X, y, params=["b3"], verbose=True)
    assert "b3[1]" in capsys.readouterr().out
    with pytest.raises(ConfigError, match="no parameter named 'W7'"):
        gradcheck(net, X, y, params=["W7"])
    net32 = Network([Dense(2, "tanh")], loss="mse", dtype="float32")  # not yet built
    with pytest.raises(ConfigError, match="float64"):
        gradcheck(net32, X, np.zeros((5, 2)))


def test_relative_error():
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1.0, 0.0) == 1.0
    assert relative_error(2.0, 1.0) == relative_error(1.0, 2.0) == 0.5
    np.testing.assert_array_equal(relative_error([1.0, -4.0], [1.0, 4.0]), [0.0, 2.0])


def test_frozen_parameters_are_checked_too():
    net = correct_net().freeze("W1")
    report = gradcheck(net, *data())
    assert report.ok and sum(r.name.startswith("W1") for r in report.rows) == 12
    assert activations.get("softmax") is net.layers[-1].activation


def test_gradcheck_with_dropout_and_batchnorm_uses_training_passes():
    """Dropout masks and batch statistics make training passes differ from evaluation:
    the finite differences must be taken in training mode with the same masks."""
    from glassnet import BatchNorm, Dropout

    rng = np.random.default_rng(3)
    net = Network([Dense(6, "tanh"), BatchNorm(), Dropout(0.5), Dense(3, "softmax")],
                  loss="categorical_crossentropy", input_shape=4, seed=3)
    X = rng.normal(size=(8, 4))
    y = np.eye(3)[rng.integers(0, 3, 8)]
    before = {k: v.copy() for k, v in net.layers[1].state.items()}
    report = gradcheck(net, X, y)
    assert report.ok, str(report)
    assert net.layers[2].fixed_mask is None            # random masks again afterwards
    for k, v in before.items():                        # running statistics untouched
        np.testing.assert_array_equal(net.layers[1].state[k], v)


def test_gradcheck_takes_class_labels():
    from glassnet import Dense, Network, gradcheck
    net = Network([Dense(3, "tanh"), Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    X = np.array([[0.3, -0.7], [1.1, 0.4]])
    gradcheck(net, X, np.array([0, 2]))
