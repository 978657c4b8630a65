"""The perceptron model: its weights, inputs and targets, errors, margins, the trace, and the CLI.

Oracles: arithmetic worked by hand, truth tables for separability, libsvm (scikit-learn's
SVC, a dual solver — the code under test solves the primal with SLSQP) for the maximum
margin. The rule, epoch by epoch, is tested in test_perceptron_rule.py, the label coding in
test_perceptron_targets.py, and the scikit-learn comparison in test_sklearn_perceptron.py.
"""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import glassnet.perceptron
from glassnet.cli import main
from glassnet.errors import ConfigError, DataError, NotFittedError
from glassnet.margin import novikoff, separable
from glassnet.perceptron import Perceptron, decode_outputs, encode_targets

GATE_P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


# --------------------------------------------------------------------- the model


def test_random_init_is_seeded_and_bias_free_stays_free():
    a, b = Perceptron(init="random", seed=5), Perceptron(init="random", seed=5)
    ra = a.train(GATE_P, [0, 1, 1, 1], epochs=1)
    b.train(GATE_P, [0, 1, 1, 1], epochs=1)
    assert_array_equal(a.W, b.W)
    W0 = ra.history[0]["W"]
    assert np.all(W0 != 0) and np.all(np.abs(W0) < 1)  # uniform in [−1, 1)
    nb = Perceptron(bias=False)
    nb.train(np.array([[1.0, 2.0], [-1.0, -1.0]]), [1, 0])
    assert_array_equal(nb.b, [0.0])


def test_multi_neuron_s3_r4_three_classes():
    rng = np.random.default_rng(7)
    centers = np.array([[4, 0, 0, 0], [0, 4, 0, 0], [0, 0, 4, 4]], dtype=float)
    labels = np.repeat(["setosa", "versicolor", "virginica"], 20)
    P = np.repeat(centers, 20, axis=0) + 0.5 * rng.normal(size=(60, 4))
    T, classes = encode_targets(labels, "hardlim")
    net = Perceptron()
    report = net.train(P, T)
    assert net.W.shape == (3, 4) and net.b.shape == (3,)
    assert report.converged
    assert_array_equal(net.predict(P), T)
    assert_array_equal(decode_outputs(net.net_input(P), classes), labels)
    assert np.all(report.updates_per_neuron <= report.bound)


def test_float32_is_kept():
    net = Perceptron(dtype="float32")
    net.train(GATE_P.astype(np.float32), [0, 1, 1, 1])
    assert net.W.dtype == np.float32 and net.b.dtype == np.float32
    assert net.predict(GATE_P).dtype == np.float32


def test_pickle_round_trip():
    net = Perceptron("hardlims")
    net.train(GATE_P, [-1, 1, 1, 1])
    back = pickle.loads(pickle.dumps(net))
    assert back.transfer.name == "hardlims"
    assert_array_equal(back.predict(GATE_P), net.predict(GATE_P))


# --------------------------------------------------------------------- separability and margins


def test_separable_matches_the_truth_tables():
    assert separable(GATE_P, [0, 0, 0, 1]) is True
    assert separable(GATE_P, [0, 1, 1, 0]) is False
    # Without a bias every boundary passes through the origin: p = [0, 0] gets n = 0 for any W,
    # so it cannot be put strictly on the side of t = 0, and OR is not separable.
    assert separable(GATE_P, [0, 1, 1, 1], bias=False) is False


def _svm_margin(Z: np.ndarray) -> float:
    """Independent maximum margin through the origin: libsvm (scikit-learn's SVC, SMO on the dual).

    The points ``z_i`` labelled +1 and their mirror images ``−z_i`` labelled −1 are symmetric
    about the origin, so the hard-margin SVM's intercept is 0 and its margin is ``1 / ‖w‖``.
    """
    from sklearn.svm import SVC

    svc = SVC(kernel="linear", C=1e10, tol=1e-10).fit(np.vstack([Z, -Z]), np.r_[np.ones(len(Z)), -np.ones(len(Z))])
    assert abs(svc.intercept_[0]) < 1e-8
    return 1 / np.linalg.norm(svc.coef_)


def test_max_margin_by_hand_and_by_libsvm():
    # Two points through the origin: z1 = +[1, 0], z2 = −[0, 1] = [0, −1]; the nearest point of their
    # convex hull to the origin is [0.5, −0.5], so γ = √0.5 and R = 1: bound (R/γ)² = 2.
    margin, radius, bound = novikoff([[1.0, 0.0], [0.0, 1.0]], [1, 0], bias=False)
    assert_allclose(margin, [np.sqrt(0.5)], rtol=1e-8)
    assert radius == 1.0
    assert_allclose(bound, [2.0], rtol=1e-7)
    rng = np.random.default_rng(11)
    for _ in range(3):
        P = rng.normal(size=(30, 3))
        T = (P @ rng.normal(size=3) + 0.3 > 0).astype(float)
        margin, radius, bound = novikoff(P, T)
        Z = np.where(T > 0, 1.0, -1.0)[:, None] * np.hstack([P, np.ones((30, 1))])
        assert_allclose(margin[0], _svm_margin(Z), rtol=1e-5)
        assert_allclose(radius, np.sqrt(1 + (P ** 2).sum(axis=1)).max())


# --------------------------------------------------------------------- targets and bad input


@pytest.mark.parametrize("transfer, T, bad", [("hardlim", [0, 1, 2, 1], "2"), ("hardlims", [0, 1, 1, 1], "0"),
                                               ("hardlim", [-1, 1, 1, 1], "−1|-1")])
def test_targets_outside_the_transfer_range(transfer, T, bad):
    with pytest.raises(DataError, match=rf"T must hold only .*got ({bad}) at row"):
        Perceptron(transfer).train(GATE_P, T)


def test_bad_input_is_named():
    with pytest.raises(DataError, match="R = 2 inputs"):
        Perceptron(W=[[1.0, 2.0]]).train(np.ones((3, 3)), [0, 1, 0])
    net = Perceptron()
    net.train(GATE_P, [0, 1, 1, 1])
    with pytest.raises(DataError, match="R = 2"):
        net.predict(np.ones((2, 3)))
    with pytest.raises(DataError, match="nan at row 1"):
        Perceptron().train([[0.0, 1.0], [np.nan, 1.0]], [0, 1])
    with pytest.raises(DataError, match="one row per input vector"):
        Perceptron().train(GATE_P, [0, 1, 1])
    with pytest.raises(DataError, match="S = 1 neurons"):
        Perceptron(W=[[1.0, 1.0]]).train(GATE_P, np.zeros((4, 2)))
    with pytest.raises(ConfigError, match="transfer must be 'hardlim' or 'hardlims'"):
        Perceptron("sigmoid")
    with pytest.raises(ConfigError, match="epochs must be an integer"):
        Perceptron().train(GATE_P, [0, 1, 1, 1], epochs=0)
    for bad in (-1, "a", None, True, float("nan")):   # strings and None too: a ConfigError, never a TypeError
        with pytest.raises(ConfigError, match=f"learning_rate must be a finite number > 0; got {bad!r}"):
            Perceptron().train(GATE_P, [0, 1, 1, 1], learning_rate=bad)
    with pytest.raises(ConfigError, match="b must have shape"):
        Perceptron(W=[[1.0, 1.0]], b=[0.0, 0.0])
    with pytest.raises(NotFittedError):
        Perceptron().predict(GATE_P)


# --------------------------------------------------------------------- the trace


def test_trace_is_an_explanation_table():
    from glassnet.explain.record import Explanation, Table

    P = np.array([[1, 2], [-1, 2], [0, -1]], dtype=float)
    report = Perceptron(W=[[1.0, -0.8]], bias=False).train(P, [1, 0, 0], trace=True)
    assert isinstance(report.explanation, Explanation)
    table = report.explanation.section("Presentations").items[0]
    assert isinstance(table, Table)
    assert table.header[:8] == ["#", "epoch", "p", "t", "n = Wp", "a = hardlim(n)", "e = t − a", "ΔW = e pᵀ"]
    assert len(table.rows) == 6  # 2 epochs × 3 presentations
    assert table.rows[0][2] == "[1, 2]" and table.rows[0][-1] == "[2, 1.2]"
    text = report.explanation.render("text")
    assert "[3, −0.8]" in text and "Converged" in text


# --------------------------------------------------------------------- CLI


def test_cli_example_and(capsys):
    assert main(["perceptron", "--example", "and"]) == 0
    out = capsys.readouterr().out
    assert "Converged" in out and "W = [2, 1]" in out and "b = [−3]" in out


def test_cli_example_xor_reports_not_separable(capsys):
    assert main(["perceptron", "--example", "xor"]) == 0
    out = capsys.readouterr().out
    assert "Not converged" in out and "not linearly separable" in out and "multi-layer" in out


def test_cli_trace(capsys):
    assert main(["perceptron", "--example", "or", "--trace", "--transfer", "hardlims"]) == 0
    out = capsys.readouterr().out
    assert "a = hardlims(n)" in out and "e = t − a" in out


def test_cli_csv_with_string_labels(tmp_path, capsys):
    path = tmp_path / "fruit.csv"
    path.write_text("shape,texture,weight,fruit\n1,-1,-1,orange\n1,1,-1,apple\n1,-1,1,orange\n1,1,1,apple\n")
    assert main(["perceptron", str(path), "--target", "fruit", "--epochs", "5"]) == 0
    out = capsys.readouterr().out
    assert "R = 3 inputs" in out and "Converged" in out and "apple" in out and "orange" in out


def test_cli_errors(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n0,1,0\n1,0,1\n")
    assert main(["perceptron", str(path)]) == 1
    assert "--target" in capsys.readouterr().err
    assert main(["perceptron"]) == 1
    assert "--example" in capsys.readouterr().err
    assert main(["perceptron", str(tmp_path / "missing.csv"), "--target", "y"]) == 1
    assert "missing.csv" in capsys.readouterr().err
    path.write_text("a,b,y\n0,1,cat\n1,0,cat\n")
    assert main(["perceptron", str(path), "--target", "y"]) == 1
    err = capsys.readouterr().err                   # the label as the user wrote it, not np.str_('cat')
    assert "only one class ('cat')" in err and "np." not in err and len(err.strip().splitlines()) == 1


def test_cli_plot(tmp_path, capsys):
    png, gif = tmp_path / "b.png", tmp_path / "b.gif"
    assert main(["perceptron", "--example", "or", "--plot", str(png)]) == 0
    assert main(["perceptron", "--example", "and", "--plot", str(gif)]) == 0
    assert png.stat().st_size > 1000 and gif.read_bytes()[:6] in (b"GIF89a", b"GIF87a")


def test_docs_examples_run():
    """The examples in docs/perceptron.md, with their printed output, are doctests."""
    import doctest
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "docs" / "perceptron.md"
    result = doctest.testfile(str(path), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0


def test_module_example_runs():
    failures, tried = doctest.testmod(glassnet.perceptron)
    assert tried > 0 and failures == 0
