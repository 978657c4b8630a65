"""glassnet.trained: a model from ``glassnet train``, used from Python in the data's own units and labels.

Oracle: ``glassnet predict`` on the same rows. It writes ``repr`` of every float, which reads back
to the same float, so Python and the command line must agree exactly, not approximately.
"""

from __future__ import annotations

import csv
import doctest
import io as _io
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

from glassnet import ConfigError, DataError, Dense, ModelFileError, Network, NotFittedError, io, trained
from glassnet.cli import main

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def predicted(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(_io.StringIO(text)))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    """scikit-learn's iris as a CSV with string labels, a classifier trained on it with --standardize, the rows."""
    folder = tmp_path_factory.mktemp("iris")
    data = load_iris()
    species = data.target_names[data.target]
    frame = pd.DataFrame(data.data, columns=FEATURES).assign(species=species)
    frame.to_csv(folder / "iris.csv", index=False)
    model = folder / "iris.safetensors"
    assert main(["train", str(folder / "iris.csv"), "--target", "species", "--standardize", "-q",
                 "-o", str(model)]) == 0
    return folder / "iris.csv", model, frame


@pytest.fixture(scope="module")
def houses(tmp_path_factory):
    """A regressor trained with --standardize (inputs and target) on a CSV whose target is far from 0."""
    folder = tmp_path_factory.mktemp("houses")
    rng = np.random.default_rng(3)
    X = rng.normal([120.0, 3.0, 30.0], [40.0, 1.0, 15.0], size=(200, 3))
    price = 1000 + 5 * X[:, 0] + 80 * X[:, 1] - 4 * X[:, 2] + rng.normal(0, 20, 200)
    frame = pd.DataFrame(X, columns=["area", "rooms", "age"]).assign(price=price)
    frame.to_csv(folder / "houses.csv", index=False)
    model = folder / "houses.safetensors"
    assert main(["train", str(folder / "houses.csv"), "--target", "price", "--standardize", "--layers", "16",
                 "--epochs", "30", "-q", "-o", str(model)]) == 0
    return folder / "houses.csv", model, frame


# ---------------------------------------------------------------- the same numbers as glassnet predict


def test_a_classifier_with_string_labels_predicts_what_glassnet_predict_does(iris, capsys):
    data, path, frame = iris
    header, rows = predicted(cli(capsys, "predict", path, data, "--proba"))
    model = trained.load(path)
    X = frame[FEATURES].to_numpy()
    assert model.task == "classify" and model.classes == ["setosa", "versicolor", "virginica"]
    assert model.features == FEATURES and model.target == "species"
    assert header == ["prediction", "p_setosa", "p_versicolor", "p_virginica"]
    assert model.predict(X).tolist() == [r[0] for r in rows]
    np.testing.assert_array_equal(model.predict_proba(X), [[float(v) for v in r[1:]] for r in rows])
    assert np.mean(model.predict(X) == frame["species"]) > 0.9

    setosa = [[5.1, 3.5, 1.4, 0.2]]                   # the review's row: the bare network gets it wrong
    assert model.predict(setosa).tolist() == ["setosa"] and model.predict_proba(setosa)[0, 0] > 0.5
    with pytest.warns(UserWarning, match="glassnet.trained.load"):
        bare = io.load(path)
    assert not np.allclose(bare.predict(setosa), model.predict_proba(setosa))
    np.testing.assert_array_equal(bare.predict(model.network_input(setosa)), model.predict_proba(setosa))


def test_a_regressor_with_standardize_predicts_what_glassnet_predict_does(houses, capsys):
    data, path, frame = houses
    header, rows = predicted(cli(capsys, "predict", path, data))
    model = trained.load(path)
    X = frame[["area", "rooms", "age"]].to_numpy()
    assert header == ["prediction"] and model.task == "regress" and model.classes is None
    y = model.predict(X)
    assert y.shape == (200,)
    np.testing.assert_array_equal(y, [float(r[0]) for r in rows])
    assert abs(np.mean(y) - frame["price"].mean()) < 100       # in dollars: the target's scaling is undone
    assert abs(np.mean(model.network.predict(model.network_input(X)))) < 1
    with pytest.raises(ConfigError, match="predict_proba is for classifiers.*use predict"):
        model.predict_proba(X)


def test_evaluate_scores_the_same_predictions(houses, capsys):
    data, path, frame = houses
    out = cli(capsys, "evaluate", path, data)
    mae = float(next(line.split()[1] for line in out.splitlines() if line.startswith("mae")))
    y = trained.load(path).predict(frame[["area", "rooms", "age"]])
    assert mae == pytest.approx(np.mean(np.abs(y - frame["price"])), rel=1e-5)


# ---------------------------------------------------------------- columns by name


def test_a_dataframe_is_matched_by_column_name(iris, recwarn):
    _, path, frame = iris
    model = trained.load(path)
    expected = model.predict(frame[FEATURES].to_numpy())
    shuffled = frame[["species", "petal_width", "sepal_length", "petal_length", "sepal_width"]]
    assert model.predict(shuffled).tolist() == expected.tolist()       # reordered; the target left out
    assert not recwarn.list


def test_other_column_names_are_taken_by_position_with_a_warning(iris):
    _, path, frame = iris
    model = trained.load(path)
    renamed = frame[FEATURES].set_axis(["a", "b", "c", "d"], axis=1)
    with pytest.warns(UserWarning, match=r"the feature columns a, b, c, d are not the model's sepal_length") as w:
        labels = model.predict(renamed)
    assert w[0].filename == __file__                   # the warning points at the caller's line
    assert labels.tolist() == model.predict(frame[FEATURES].to_numpy()).tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(frame[FEATURES].to_numpy())      # a plain array has no names to compare,
        model.predict(pd.DataFrame(frame[FEATURES].to_numpy()))    # nor has pandas' 0, 1, 2, 3 (as scikit-learn)


def test_bad_input_is_named(iris):
    _, path, frame = iris
    model = trained.load(path)
    with pytest.raises(DataError, match=r"X: has 3 feature column\(s\); the model takes 4 \(sepal_length"):
        model.predict(np.ones((2, 3)))
    with pytest.raises(DataError, match="single sample"):
        model.predict([5.1, 3.5, 1.4, 0.2])
    with pytest.raises(DataError, match=r"y: label\(s\) iris, rose are not among the model's classes"):
        model.network_target(["setosa", "rose", "iris"])
    assert model.network_target(["virginica", "setosa"]).tolist() == [2, 0]


# ---------------------------------------------------------------- bare networks and odd metadata


def test_a_network_saved_without_training_metadata(tmp_path, recwarn):
    net = Network([Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    io.save(net, tmp_path / "bare.safetensors")
    model = trained.load(tmp_path / "bare.safetensors")
    assert model.task == "classify" and model.classes == [0, 1, 2] and model.features is None
    X = np.array([[0.5, -1.0], [2.0, 1.0]])
    np.testing.assert_array_equal(model.predict_proba(X), net.predict(X))     # nothing to undo
    assert repr(model) == f"TrainedModel({str(tmp_path / 'bare.safetensors')!r}: classify into 0, 1, 2 from " \
                          "inputs of shape (2,))"
    one = Network([Dense(1, "sigmoid")], loss="binary_crossentropy", input_shape=2, seed=0)
    proba = trained.TrainedModel(one).predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], one.predict(X)[:, 0])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    regressor = trained.TrainedModel(Network([Dense(2)], loss="mse", input_shape=2, seed=0))
    assert regressor.task == "regress" and regressor.predict(X).shape == (2, 2)
    assert not recwarn.list


@pytest.mark.parametrize("training, words", [
    ({"task": "cluster"}, "task 'cluster'"),
    ({"task": "classify", "classes": ["a", "b"]}, "2 classes do not fit"),
    ({"task": "classify", "classes": ["a", "b", "c"], "feature_names": ["x"]}, "feature_names"),
    ({"task": "classify", "classes": ["a", "b", "c"], "feature_names": ["x", "y"], "header": "yes"}, "header must"),
    ({"task": "regress", "standardize": {"mean": [0.0]}}, "standardize must be"),
    ({"task": "regress", "standardize": {"mean": [0.0, 1.0], "std": [1.0, 0.0]}}, "positive standard deviations"),
])
def test_metadata_that_does_not_fit_the_network_is_refused(tmp_path, training, words):
    net = Network([Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    io.save(net, tmp_path / "odd.safetensors", metadata=training)
    with pytest.raises(ModelFileError, match="odd.safetensors: the training metadata") as info:
        trained.load(tmp_path / "odd.safetensors")
    assert words in str(info.value)


def test_what_is_not_a_trained_model(tmp_path):
    with pytest.raises(ConfigError, match="network must be a glassnet Network"):
        trained.TrainedModel("model.safetensors")
    with pytest.raises(NotFittedError):
        trained.TrainedModel(Network([Dense(2)]))
    with pytest.raises(ModelFileError, match="no such file"):
        trained.load(tmp_path / "missing.safetensors")


def test_the_docstring_examples_run():
    failures, tried = doctest.testmod(trained, optionflags=doctest.ELLIPSIS)
    assert tried >= 4 and failures == 0


# ---------------------------------------------------------------- an oracle that does not share the code


def by_hand(path, X):
    """Predictions worked out from the model file's own record, without glassnet.trained: standardise
    with the stored mean and std, run the bare network, then argmax → class names (a classifier) or
    ``out * std + mean`` (a regressor)."""
    record = io.info(path)["training"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # io.load's "use glassnet.trained" advice
        net = io.load(path)
    scale = record["standardize"]
    inputs = (np.asarray(X, dtype=float) - np.array(scale["mean"])) / np.array(scale["std"])
    out = net.predict(inputs)
    if record["task"] == "classify":
        return np.array(record["classes"])[out.argmax(axis=1)], out
    target = record["target_scale"]
    return (out * np.array(target["std"]) + np.array(target["mean"]))[:, 0], None


def test_a_classifier_predicts_what_its_record_says_by_hand(iris, capsys):
    data, path, frame = iris
    X = frame[FEATURES].to_numpy()
    labels, proba = by_hand(path, X)
    model = trained.load(path)
    assert model.predict(X).tolist() == labels.tolist()
    np.testing.assert_allclose(model.predict_proba(X), proba, rtol=1e-12)
    _, rows = predicted(cli(capsys, "predict", path, data))
    assert [r[0] for r in rows] == labels.tolist()


def test_a_regressor_predicts_what_its_record_says_by_hand(houses, capsys):
    data, path, frame = houses
    X = frame[["area", "rooms", "age"]].to_numpy()
    values, _ = by_hand(path, X)
    assert abs(values.mean() - frame["price"].mean()) < 100             # the oracle itself is in dollars
    np.testing.assert_allclose(trained.load(path).predict(X), values, rtol=1e-12)
    _, rows = predicted(cli(capsys, "predict", path, data))
    np.testing.assert_allclose([float(r[0]) for r in rows], values, rtol=1e-12)


# ---------------------------------------------------------------- some names, other names, no names


def test_a_frame_that_lacks_some_of_the_models_columns_is_refused_naming_them(iris):
    _, path, frame = iris
    model = trained.load(path)
    partial = frame[["petal_width", "petal_length", "sepal_width", "sepal_length", "species"]].rename(
        columns={"sepal_length": "sepal_len"})
    with pytest.raises(DataError, match=r"X: has no column sepal_length, which the model takes") as info:
        model.predict(partial)
    assert "sepal_len" in str(info.value)                          # the columns it has, to compare
    with pytest.raises(DataError, match=r"has no columns petal_length, petal_width,"):
        model.predict(frame[["sepal_length", "sepal_width", "species", "species"]])


def test_columns_named_x0_x1_in_a_header_are_matched_by_name(tmp_path, recwarn):
    net = Network([Dense(2)], loss="mse", input_shape=3, seed=0)
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]])
    names = ["x0", "x1", "x2"]
    model = trained.TrainedModel(net, {"task": "regress", "feature_names": names, "header": True})
    reordered = pd.DataFrame(X, columns=names)[["x2", "x1", "x0"]]
    np.testing.assert_array_equal(model.predict(reordered), net.predict(X))
    assert not recwarn.list
    for record in ({"header": False}, {}):                         # no header, or a file from before it was recorded
        positional = trained.TrainedModel(net, {"task": "regress", "feature_names": names, **record})
        np.testing.assert_array_equal(positional.predict(reordered), net.predict(X[:, ::-1]))


def test_an_empty_feature_name_is_shown_quoted():
    net = Network([Dense(2)], loss="mse", input_shape=3, seed=0)
    model = trained.TrainedModel(net, {"task": "regress", "feature_names": ["", "a", "b"]})
    with pytest.raises(DataError, match=r"the model takes 3 \('', a, b\)"):
        model.predict(np.ones((1, 2)))


def test_one_hot_labels_are_refused_with_a_hint(iris):
    _, path, frame = iris
    model = trained.load(path)
    one_hot = np.eye(3)[[0, 2, 1]]
    with pytest.raises(DataError, match=r"y: .*shape \(3, 3\).*one label per sample.*y\.argmax\(axis=1\)"):
        model.network_target(one_hot)
    assert model.network_target(np.array([["virginica"], ["setosa"]])).tolist() == [2, 0]    # (n, 1) is fine
