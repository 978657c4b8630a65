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
from glassnet.cli._data import Data, drop_pandas_index
from glassnet.cli._report import classification_metrics, regression_metrics
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
    m = classification_metrics(y_true, y_pred, 4)
    np.testing.assert_array_equal(m["confusion"], metrics.confusion_matrix(y_true, y_pred, labels=range(4)))
    p, r, f, _ = metrics.precision_recall_fscore_support(y_true, y_pred, labels=range(4), zero_division=0)
    np.testing.assert_allclose(m["precision"], p, rtol=1e-12)
    np.testing.assert_allclose(m["recall"], r, rtol=1e-12)
    np.testing.assert_allclose(m["f1"], f, rtol=1e-12)
    assert m["accuracy"] == metrics.accuracy_score(y_true, y_pred)


def test_regression_metrics_match_scikit_learn(rng):
    y_true, y_pred = rng.normal(size=(50, 2)), rng.normal(size=(50, 2))
    m = regression_metrics(y_true, y_pred)
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


# ---------------------------------------------------------------- DATA as users write it


def test_a_headerless_csv_records_the_target_as_its_column(animals, tmp_path, capsys):
    data, _ = animals
    lines = data.read_text().splitlines()[1:]                      # blobs without the header row
    bare = write_csv(tmp_path / "noheader.csv", "\n".join(lines) + "\n")
    model = tmp_path / "nh.safetensors"
    code, out, err = cli(capsys, "train", bare, "--target", "3", "--layers", "8", "--epochs", "5", "-q", "-o", model)
    assert code == 0, err
    code, out, err = cli(capsys, "info", model, "--json")
    training = json.loads(out)["training"]
    assert training["target"] == "x3" and training["feature_names"] == ["x0", "x1", "x2"]    # not a row's 'cat'
    code, out, err = cli(capsys, "evaluate", model, bare)        # the same file finds its target again
    assert code == 0 and err == "" and "samples   60" in out and "true \\ predicted  cat  dog  emu" in out
    code, out, err = cli(capsys, "predict", model, bare)
    assert code == 0 and err == "" and out.splitlines()[0] == "prediction" and len(out.splitlines()) == 61
    assert cli(capsys, "predict", model, bare, "--target", "x3")[1] == out


def test_a_pandas_index_column_is_not_a_feature(animals, tmp_path, capsys):
    data, _ = animals
    lines = data.read_text().splitlines()
    indexed = write_csv(tmp_path / "idx.csv", "\n".join(["," + lines[0]] + [f"{i},{line}" for i, line in
                                                                          enumerate(lines[1:])]) + "\n")
    model = tmp_path / "idx.safetensors"
    code, out, err = cli(capsys, "train", indexed, "--target", "animal", "--layers", "8", "--epochs", "5", "-q",
                         "-o", model)
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("glassnet: note: ") and "idx.csv" in err
    assert "(0..59)" in err and "DataFrame.to_csv" in err and "index=False" in err
    training = json.loads(cli(capsys, "info", model, "--json")[1])["training"]
    assert training["feature_names"] == ["f0", "f1", "f2"] and training["n_features"] == 3
    code, out, err = cli(capsys, "predict", model, data)          # the model takes the file without the index
    assert code == 0 and err == ""
    assert cli(capsys, "predict", model, indexed)[1] == out


def test_an_unnamed_column_of_whole_numbers_is_an_index():
    X = np.array([[3.0, 1.5], [0.0, 2.5], [7.0, 0.5]])
    for first in ([3.0, 0.0, 7.0], [0.0, 0.0, 1.0]):            # df_test.to_csv(); pd.concat([a, b]).to_csv()
        data = Data(np.column_stack([first, X[:, 1]]), None, ["", "a"], None, "shuffled.csv")
        dropped = drop_pandas_index(data)
        assert dropped.feature_names == ["a"] and dropped.X.tolist() == [[1.5], [2.5], [0.5]]
    for first, names in [([0.0, 1.5, 2.0], ["", "a"]), ([0.0, -1.0, 2.0], ["", "a"]), ([0.0, 1.0, 2.0], ["id", "a"])]:
        data = Data(np.column_stack([first, X[:, 1]]), None, names, None, "x.csv")
        assert drop_pandas_index(data) is data


def test_a_concatenated_frames_index_is_dropped_and_keep_index_keeps_it(animals, tmp_path, capsys):
    data, _ = animals
    lines = data.read_text().splitlines()
    halves = [f"{i % 30},{line}" for i, line in enumerate(lines[1:])]     # pd.concat([a, b]).to_csv(): 0..29 twice
    indexed = write_csv(tmp_path / "concat.csv", "\n".join(["," + lines[0]] + halves) + "\n")
    model = tmp_path / "concat.safetensors"
    code, out, err = cli(capsys, "train", indexed, "--target", "animal", "--layers", "8", "--epochs", "2", "-q",
                         "-o", model)
    assert code == 0 and err.count("\n") == 1 and err.startswith("glassnet: note: ")
    assert "repeated" in err and "pd.concat" in err and "--keep-index" in err
    assert json.loads(cli(capsys, "info", model, "--json")[1])["training"]["feature_names"] == ["f0", "f1", "f2"]
    kept = tmp_path / "kept.safetensors"
    code, out, err = cli(capsys, "train", indexed, "--target", "animal", "--layers", "8", "--epochs", "2", "-q",
                         "--keep-index", "-o", kept)
    assert code == 0 and err == ""
    training = json.loads(cli(capsys, "info", kept, "--json")[1])["training"]
    assert training["feature_names"] == ["", "f0", "f1", "f2"] and training["settings"]["keep_index"] is True
    code, out, err = cli(capsys, "predict", kept, indexed)       # the model takes its index column
    assert code == 0 and err == "" and len(out.splitlines()) == 61


def test_feature_names_that_differ_from_the_models_are_used_by_position_with_a_warning(animals, tmp_path, capsys):
    data, model = animals
    code, expected, err = cli(capsys, "predict", model, data)
    assert err == ""
    table = data.read_text().splitlines()
    renamed = write_csv(tmp_path / "renamed.csv", "\n".join(["a,b,c,animal"] + table[1:]) + "\n")
    code, out, err = cli(capsys, "evaluate", model, renamed)
    assert code == 0 and "samples   60" in out
    assert err.count("\n") == 1 and err.startswith("glassnet: warning: ")
    assert "renamed.csv" in err and "a, b, c" in err and "f0, f1, f2" in err and "by position" in err
    code, out, err = cli(capsys, "predict", model, renamed)
    assert out == expected and err.startswith("glassnet: warning: ")
    headerless = write_csv(tmp_path / "bare.csv", "\n".join(line.rsplit(",", 1)[0] for line in table[1:]) + "\n")
    code, out, err = cli(capsys, "predict", model, headerless)
    assert out == expected and err.count("\n") == 1 and "bare.csv has no header row" in err


def test_model_and_data_swapped(animals, tmp_path, capsys):
    data, model = animals
    for command in ("predict", "evaluate"):
        line = one_error_line(*cli(capsys, command, data, model), "animals.csv is not a glassnet model file",
                              "MODEL comes first", "(the two look swapped)", f"glassnet {command} MODEL")
        assert "byte header" not in line
    np.savez(tmp_path / "d.npz", X=np.ones((2, 3)))
    one_error_line(*cli(capsys, "predict", tmp_path / "d.npz", data), "d.npz is not a glassnet model file",
                   ".npz", "MODEL comes first")
    one_error_line(*cli(capsys, "predict", model, model), "is a model file, not data", "CSV", ".npz", "IDX")


def test_evaluate_names_the_models_target_when_the_file_lacks_it(animals, tmp_path, capsys):
    data, model = animals
    table = data.read_text().splitlines()
    unlabelled = write_csv(tmp_path / "nolabel.csv", "\n".join(line.rsplit(",", 1)[0] for line in table) + "\n")
    one_error_line(*cli(capsys, "evaluate", model, unlabelled), "nolabel.csv: has no column 'animal'",
                   "the target the model was trained on", "columns: f0, f1, f2", "--target COL")
    code, out, err = cli(capsys, "predict", model, unlabelled)     # predict needs no target
    assert code == 0 and len(out.splitlines()) == 61


@pytest.mark.parametrize("name, text, kind", [
    ("seed.json", '{\n "layers": [2, 2],\n "x": 1\n}\n', "JSON"),
    ("spec.toml", 'title = "mine"\nlayers = [2, 2]\n', "TOML"),
    ("spec", '  {"layers": [2, 2]}', "JSON"),
])
def test_a_network_spec_is_not_data(tmp_path, capsys, name, text, kind):
    path = write_csv(tmp_path / name, text)
    line = one_error_line(*cli(capsys, "train", path, "--target", "x"), f"{name} is a {kind} file, not data",
                          "a CSV file", "an .npz archive", "IDX files", "glassnet explain")
    assert "fields" not in line


def test_a_file_with_some_but_not_all_of_the_models_columns_is_refused_naming_them(animals, tmp_path, capsys):
    data, model = animals
    table = read_rows(data.read_text())
    rows = [[r[2], r[1], r[0], r[3]] for r in table]                 # f2, f1, g0 (renamed), animal
    rows[0][2] = "g0"
    partial = write_csv(tmp_path / "partial.csv", "\n".join(",".join(r) for r in rows) + "\n")
    for command in ("evaluate", "predict"):
        one_error_line(*cli(capsys, command, model, partial), "partial.csv: has no column f0, which the model takes",
                       "f2, f1, g0")


def test_a_header_named_x0_x1_is_a_header(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int)
    lines = [",".join([*(f"{v:.6f}" for v in x), str(t)]) for x, t in zip(X, y)]
    data = write_csv(tmp_path / "x.csv", "\n".join(["x0,x1,x2,y"] + lines) + "\n")
    swapped = write_csv(tmp_path / "swapped.csv", "\n".join(["x2,x1,x0,y"] + [
        ",".join([*line.split(",")[2::-1], line.split(",")[3]]) for line in lines]) + "\n")
    model = tmp_path / "x.safetensors"
    assert cli(capsys, "train", data, "--target", "y", "--layers", "8", "--epochs", "20", "-q", "-o", model)[0] == 0
    training = json.loads(cli(capsys, "info", model, "--json")[1])["training"]
    code, expected, err = cli(capsys, "predict", model, data)
    code, out, err = cli(capsys, "predict", model, swapped)
    assert code == 0 and err == "" and out == expected                # by name, and no warning
    assert training["header"] is True and training["feature_names"] == ["x0", "x1", "x2"]

    legacy = tmp_path / "legacy.safetensors"                       # a model file from before "header" was recorded
    del training["header"]
    io.save(io.load(model), legacy, metadata=training)
    code, out, err = cli(capsys, "predict", legacy, swapped)
    assert code == 0 and out != expected and "glassnet: warning: " in err and "by position" in err


def test_a_headerless_file_whose_target_is_the_first_column(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 3))
    y = X @ [2.0, -1.0, 0.5] + 10
    full = write_csv(tmp_path / "h.csv", "".join(f"{t:.6f},{a:.6f},{b:.6f},{c:.6f}\n" for t, (a, b, c) in zip(y, X)))
    feats = write_csv(tmp_path / "feats.csv", "".join(f"{a:.6f},{b:.6f},{c:.6f}\n" for a, b, c in X))
    model = tmp_path / "hf.safetensors"
    assert cli(capsys, "train", full, "--target", "0", "--task", "regress", "--layers", "none", "--epochs", "5",
               "-q", "-o", model)[0] == 0
    training = json.loads(cli(capsys, "info", model, "--json")[1])["training"]
    assert training["target"] == "x0" and training["feature_names"] == ["x1", "x2", "x3"]
    code, expected, err = cli(capsys, "predict", model, full)       # the target column is read and dropped
    assert code == 0 and err == "" and len(expected.splitlines()) == 81
    code, out, err = cli(capsys, "predict", model, feats)          # the features alone
    assert code == 0 and err == "" and out == expected
    assert cli(capsys, "evaluate", model, full)[0] == 0
    one_error_line(*cli(capsys, "evaluate", model, feats), "feats.csv", "no header row", "'x0'", "--target COL")
    assert training["header"] is False


def test_an_all_numeric_header_that_is_the_models_is_a_header(tmp_path, capsys):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 3))
    y = (X[:, 1] > 0).astype(int)                                     # numbers under "y": a header
    body = [",".join(f"{v:.6f}" for v in x) for x in X]
    data = write_csv(tmp_path / "train.csv", "\n".join(["0,1,2,y"] + [f"{b},{t}" for b, t in zip(body, y)]) + "\n")
    model = tmp_path / "num.safetensors"
    assert cli(capsys, "train", data, "--target", "y", "--layers", "8", "--epochs", "2", "-q", "-o", model)[0] == 0
    code, expected, err = cli(capsys, "predict", model, data)
    expected = expected.splitlines()
    plain = write_csv(tmp_path / "plain.csv", "\n".join(["0,1,2"] + body[:5]) + "\n")          # to_csv(index=False)
    indexed = write_csv(tmp_path / "indexed.csv", "\n".join([",0,1,2"] + [f"{i},{b}" for i, b in enumerate(body[:5])])
                        + "\n")                                                                # to_csv()
    for path in (plain, indexed):
        code, out, err = cli(capsys, "predict", model, path)
        assert code == 0 and out.splitlines() == expected[:6], err
        assert "no header" not in err and "warning" not in err


def test_a_damaged_model_file_named_like_idx_data_is_reported_as_damaged(animals, tmp_path, capsys):
    data, model = animals
    damaged = tmp_path / "glassnet-train-images-idx3-ubyte.safetensors"     # train's default name for MNIST
    damaged.write_bytes(model.read_bytes()[:300])
    line = one_error_line(*cli(capsys, "predict", damaged, data), "glassnet-train-images-idx3-ubyte.safetensors",
                          "truncated")
    assert "IDX" not in line and "MODEL comes first" not in line


def test_evaluate_refuses_one_hot_labels_with_a_hint(tmp_path, capsys):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(90, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    np.savez(tmp_path / "d.npz", X=X, y=y)
    np.savez(tmp_path / "onehot.npz", X=X, y=np.eye(3)[y])
    model = tmp_path / "d.safetensors"
    assert cli(capsys, "train", tmp_path / "d.npz", "--layers", "4", "--epochs", "1", "-q", "-o", model)[0] == 0
    one_error_line(*cli(capsys, "evaluate", model, tmp_path / "onehot.npz"), "onehot.npz", "shape (90, 3)",
                   "y.argmax(axis=1)")


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
