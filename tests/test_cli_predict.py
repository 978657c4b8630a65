"""``glassnet predict``, ``evaluate`` and ``info``, and the generated reference ``docs/cli.md``.

Oracles: scikit-learn's metrics (confusion matrix, precision/recall/F1, MSE/MAE/R²) on the
same labels and predictions, and an independent reader of the model file (``safetensors``).
"""

from __future__ import annotations

import csv
import io as _io
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file
from sklearn import metrics

from glassnet import Dense, Network, io
from glassnet.cli import _common as C
from glassnet.cli import main
from glassnet.datasets import load_digits

from test_cli_train import blobs_csv, cli, one_error_line, write_csv

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


@pytest.fixture(scope="module")
def animals(tmp_path_factory):
    """A small classifier trained on string labels, and its data."""
    folder = tmp_path_factory.mktemp("animals")
    data = blobs_csv(folder / "animals.csv")
    model = folder / "animals.safetensors"
    assert main(["train", str(data), "--target", "animal", "--standardize", "--layers", "8", "--epochs", "5",
                 "-q", "-o", str(model)]) == 0
    return data, model


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    """A digits classifier after one epoch (so that it still confuses some digits), and a CSV of test digits."""
    folder = tmp_path_factory.mktemp("digits")
    model = folder / "d.safetensors"
    assert main(["train", "--epochs", "1", "--layers", "16", "-q", "-o", str(model)]) == 0
    _, X_test, _, y_test = load_digits()
    rows = [",".join([f"p{j}" for j in range(64)] + ["digit"])]
    rows += [",".join([*(repr(float(v)) for v in x), str(t)]) for x, t in zip(X_test, y_test)]
    data = write_csv(folder / "digits.csv", "\n".join(rows) + "\n")
    return model, data, y_test


def read_rows(text: str) -> list[list[str]]:
    return list(csv.reader(_io.StringIO(text)))


# ---------------------------------------------------------------- predict


def test_predict_gives_back_string_labels_and_probabilities(animals, tmp_path, capsys):
    data, model = animals
    code, out, err = cli(capsys, "predict", model, data, "--proba")
    assert code == 0, err
    rows = read_rows(out)
    assert rows[0] == ["prediction", "p_cat", "p_dog", "p_emu"]
    assert len(rows) == 61 and {r[0] for r in rows[1:]} <= {"cat", "dog", "emu"}
    proba = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert [r[0] for r in rows[1:]] == np.array(["cat", "dog", "emu"])[proba.argmax(axis=1)].tolist()

    target = tmp_path / "pred.csv"
    code, out, err = cli(capsys, "predict", model, data, "-o", target)
    assert code == 0 and out == "" and "wrote 60 predictions" in err
    assert read_rows(target.read_text())[1:] == [[r[0]] for r in rows[1:]]


def test_predict_selects_columns_by_name(animals, tmp_path, capsys):
    data, model = animals
    table = read_rows(data.read_text())
    order = [3, 2, 0, 1]                              # animal, f2, f0, f1
    shuffled = write_csv(tmp_path / "shuffled.csv", "\n".join(",".join(r[j] for j in order) for r in table))
    assert cli(capsys, "predict", model, data)[1] == cli(capsys, "predict", model, shuffled)[1]


def test_predict_with_the_wrong_number_of_features(animals, tmp_path, capsys):
    _, model = animals
    data = write_csv(tmp_path / "four.csv", "1,2,3,4\n5,6,7,8\n")
    one_error_line(*cli(capsys, "predict", model, data), "four.csv", "has 4 feature column(s)",
                   "the model takes 3 (f0, f1, f2)")


def test_predict_output_file_faults(animals, tmp_path, capsys):
    data, model = animals
    target = tmp_path / "p.csv"
    target.write_text("keep me")
    one_error_line(*cli(capsys, "predict", model, data, "-o", target), str(target), "already exists")
    assert target.read_text() == "keep me"
    one_error_line(*cli(capsys, "predict", model, data, "-o", tmp_path / "no" / "p.csv"), "does not exist")
    assert cli(capsys, "predict", model, data, "-o", target, "--overwrite", "-q")[0] == 0
    assert target.read_text().startswith("prediction\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]     # no temporary left behind


def test_predict_with_a_bare_model_file_and_bad_model_files(tmp_path, capsys):
    net = Network([Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    net.set_params({"W1": [[1, 0], [0, 1], [-1, -1]], "b1": [0, 0, 0]})
    io.save(net, tmp_path / "bare.safetensors")
    data = write_csv(tmp_path / "x.csv", "5,0\n0,5\n-5,-5\n")
    code, out, err = cli(capsys, "predict", tmp_path / "bare.safetensors", data)
    assert code == 0, err
    assert out.split() == ["prediction", "0", "1", "2"]

    (tmp_path / "evil.safetensors").write_bytes(pickle.dumps({"a": 1}))
    one_error_line(*cli(capsys, "predict", tmp_path / "evil.safetensors", data), "evil.safetensors", "pickle")
    one_error_line(*cli(capsys, "info", tmp_path / "missing.safetensors"), "missing.safetensors", "no such file")


# ---------------------------------------------------------------- evaluate


def test_classification_metrics_match_scikit_learn(rng):
    y_true = rng.integers(0, 4, size=300)
    y_pred = np.where(rng.random(300) < 0.6, y_true, rng.integers(0, 3, size=300))   # class 3 never predicted
    m = C.classification_metrics(y_true, y_pred, 4)
    np.testing.assert_array_equal(m["confusion"], metrics.confusion_matrix(y_true, y_pred, labels=range(4)))
    p, r, f, _ = metrics.precision_recall_fscore_support(y_true, y_pred, labels=range(4), zero_division=0)
    np.testing.assert_allclose(m["precision"], p, rtol=1e-12)
    np.testing.assert_allclose(m["recall"], r, rtol=1e-12)
    np.testing.assert_allclose(m["f1"], f, rtol=1e-12)
    assert m["accuracy"] == metrics.accuracy_score(y_true, y_pred)


def test_regression_metrics_match_scikit_learn(rng):
    y_true, y_pred = rng.normal(size=(50, 2)), rng.normal(size=(50, 2))
    m = C.regression_metrics(y_true, y_pred)
    assert m["mse"] == pytest.approx(metrics.mean_squared_error(y_true, y_pred), rel=1e-12)
    assert m["mae"] == pytest.approx(metrics.mean_absolute_error(y_true, y_pred), rel=1e-12)
    assert m["r2"] == pytest.approx(metrics.r2_score(y_true, y_pred), rel=1e-12)


def test_evaluate_prints_the_confusion_matrix(digits_model, capsys):
    model, data, y_test = digits_model
    code, out, err = cli(capsys, "predict", model, data, "--target", "digit")
    assert code == 0, err
    y_pred = np.array([int(v) for v in out.split()[1:]])
    code, out, err = cli(capsys, "evaluate", model, data, "--target", "digit")
    assert code == 0, err
    accuracy = float(next(ln for ln in out.splitlines() if ln.startswith("accuracy")).split()[1])
    assert accuracy == pytest.approx(metrics.accuracy_score(y_test, y_pred), abs=5e-5)
    matrix = out.split("confusion matrix")[1].splitlines()[3:13]
    printed = np.array([[int(v) for v in line.split()[1:]] for line in matrix])
    np.testing.assert_array_equal(printed, metrics.confusion_matrix(y_test, y_pred))
    assert (np.diag(printed) < printed.sum(axis=1)).any()      # it does confuse some digits


def test_evaluate_uses_the_trained_target_and_refuses_unknown_labels(animals, tmp_path, capsys):
    data, model = animals
    code, out, err = cli(capsys, "evaluate", model, data)       # the target column 'animal' from the model
    assert code == 0, err
    assert "samples   60" in out and "true \\ predicted  cat  dog  emu" in out
    other = blobs_csv(tmp_path / "other.csv", labels=("cat", "yak", "gnu"))
    one_error_line(*cli(capsys, "evaluate", model, other), "other.csv", "gnu, yak", "cat, dog, emu")
    plain = write_csv(tmp_path / "plain.csv", "a,b,c,y\n1,2,3,cat\n")
    one_error_line(*cli(capsys, "evaluate", model, plain), "plain.csv", "--target")


def test_evaluate_regression_in_the_targets_units(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 3))
    y = 100 + 40 * X[:, 0] + rng.normal(size=80)
    np.savez(tmp_path / "r.npz", X=X, y=y)
    model = tmp_path / "r.safetensors"
    assert cli(capsys, "train", tmp_path / "r.npz", "--standardize", "--layers", "8", "--epochs", "30",
               "-q", "-o", model)[0] == 0
    y_pred = np.array([float(v) for v in cli(capsys, "predict", model, tmp_path / "r.npz")[1].split()[1:]])
    code, out, err = cli(capsys, "evaluate", model, tmp_path / "r.npz")
    assert code == 0, err
    printed = {ln.split()[0]: float(ln.split()[1]) for ln in out.splitlines()}
    assert printed["mse"] == pytest.approx(metrics.mean_squared_error(y, y_pred), rel=1e-5)
    assert printed["mae"] == pytest.approx(metrics.mean_absolute_error(y, y_pred), rel=1e-5)
    assert printed["r2"] == pytest.approx(metrics.r2_score(y, y_pred), rel=1e-5, abs=1e-6)


# ---------------------------------------------------------------- info


def test_info_shows_architecture_parameters_and_training(animals, capsys):
    _, model = animals
    code, out, err = cli(capsys, "info", model)
    assert code == 0, err
    n_params = sum(a.size for a in load_file(str(model)).values())    # counted by safetensors itself
    assert n_params == 3 * 8 + 8 + 8 * 3 + 3
    assert f"parameters  {n_params}" in out and "Dense(units=8, activation='relu')" in out
    assert "classes        cat, dog, emu" in out and "standardize    yes (mean and std of 3 column(s))" in out
    code, out, err = cli(capsys, "info", model, "--json")
    info = json.loads(out)
    assert info["n_params"] == n_params and info["training"]["target"] == "animal"


# ---------------------------------------------------------------- the reference


def test_docs_cli_md_is_generated_from_the_parsers():
    text = DOCS.read_text(encoding="utf-8")
    from glassnet.cli import _reference as R

    generated = text.split(R.BEGIN, 1)[1].split(R.END, 1)[0]
    assert generated.strip() == R.render_reference().strip(), (
        "docs/cli.md is out of date: run  PYTHONPATH=src python -m glassnet.cli._reference docs/cli.md")
    for command in ("train", "predict", "evaluate", "info"):
        assert f"## `glassnet {command}`" in generated
    assert "`--resume CHECKPOINT`" in generated and "`--early-stopping [PATIENCE]`" in generated
