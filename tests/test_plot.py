"""glassnet.plot: what each picture contains (lines, labels, numbers, pixels), under the Agg backend.

Oracles: the numbers published in the seed (the 2-2-2 example), the XOR truth table
and the blob centres for the decision regions, NumPy's histogram and scikit-learn's
confusion matrix for the counts, PyTorch's conv2d for the feature maps.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from numpy.testing import assert_allclose, assert_array_equal  # noqa: E402
from PIL import Image  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import confusion_matrix as sk_confusion_matrix  # noqa: E402

from glassnet import Conv2D, Dense, EarlyStopping, Flatten, MaxPool2D, Network  # noqa: E402
from glassnet.datasets import make_blobs, make_xor  # noqa: E402
from glassnet.errors import ConfigError, DataError  # noqa: E402
from glassnet.explain.seed import PUBLISHED, SEED_X, SEED_Y, matches, seed_network  # noqa: E402
from glassnet.perceptron import Perceptron, encode_targets  # noqa: E402
from glassnet.plot._backend import finish  # noqa: E402
from glassnet.plot.conv import plot_feature_maps, plot_kernels  # noqa: E402
from glassnet.plot.diagram import plot_network  # noqa: E402
from glassnet.plot.history import history_to_html, history_to_png, plot_history  # noqa: E402
from glassnet.plot.notebook import network_to_html, network_to_png  # noqa: E402
from glassnet.plot.regions import (animate_decision_regions, plot_decision_regions, predict_classes,  # noqa: E402
                                   region_color)
from glassnet.plot.weights import confusion_matrix, plot_confusion_matrix, plot_weight_histograms  # noqa: E402

NUMBER = re.compile(r"−?\d+(?:\.\d+)?(?:e[−+-]?\d+)?")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _numbers(fig) -> list[float]:
    return [float(n.replace("−", "-")) for text in _texts(fig) for n in NUMBER.findall(text)]


def _rgb(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255


def _pixel(fig, ax, x: float, y: float, rgb: np.ndarray) -> np.ndarray:
    """The colour drawn at data point (x, y) of ``ax``."""
    px, py = ax.transData.transform((x, y))
    return rgb[int(round(rgb.shape[0] - py)), int(round(px))]


# ---------------------------------------------------------------- learning curves


@pytest.fixture(scope="module")
def trained_xor():
    X, y = make_xor(200, noise=0.1, seed=0)
    net = Network([Dense(8, "tanh"), Dense(2, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    history = net.fit(X, y, epochs=40, batch_size=16, learning_rate=0.05, validation_split=0.25, verbose=0)
    return net, X, y, history


def test_history_has_one_line_per_series_with_the_recorded_values(trained_xor):
    _, _, _, history = trained_xor
    fig = plot_history(history)
    assert [ax.get_title() for ax in fig.axes] == ["Loss", "Accuracy"]
    for ax, key in zip(fig.axes, ("loss", "accuracy")):
        assert len(ax.lines) == 2                                  # train and validation
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == key
        train, val = ax.lines
        assert_array_equal(train.get_xdata(), np.arange(1, 41))
        assert_allclose(train.get_ydata(), history.history[key])
        assert_allclose(val.get_ydata(), history.history[f"val_{key}"])
        assert val.get_linestyle() == "--"


def test_history_without_validation_and_selected_metrics():
    fig = plot_history({"loss": [1.0, 0.5, 0.25], "lr": [0.1, 0.1, 0.1]})
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 1
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["train"]
    fig = plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "lr": [0.1, 0.05]}, metrics=["loss", "lr"],
                       log_loss=True)
    assert [ax.get_title() for ax in fig.axes] == ["Loss", "Learning rate"]
    assert [len(ax.lines) for ax in fig.axes] == [2, 1]
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(ConfigError, match="no 'accuracy'"):
        plot_history({"loss": [1.0]}, metrics="accuracy")
    with pytest.raises(ConfigError, match="empty"):
        plot_history({})


def test_history_marks_the_best_epoch_of_early_stopping():
    X, y = make_xor(80, seed=1)
    net = Network([Dense(4, "tanh"), Dense(2, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    history = net.fit(X, y, epochs=200, learning_rate=0.5, validation_split=0.25, verbose=0,
                      callbacks=[EarlyStopping(patience=2)])
    assert history.best_epoch is not None
    ax = plot_history(history, metrics="loss").axes[0]
    (marker,) = ax.collections
    assert_allclose(marker.get_offsets()[0], [history.best_epoch + 1, history.history["val_loss"][history.best_epoch]])


def test_history_notebook_views(trained_xor):
    _, _, _, history = trained_xor
    png = history_to_png(history)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(png)).size[0] > 300
    page = history_to_html(history)
    assert "<img" in page and "val_accuracy" in page and "40 epochs" in page
    assert plt.get_fignums() == []                                # closed: a notebook shows it once


# ---------------------------------------------------------------- decision regions


def test_xor_regions_have_the_class_colours_in_the_known_quadrants(trained_xor):
    net, X, y, _ = trained_xor
    assert np.mean(predict_classes(net, X) == y) == 1.0
    fig = plot_decision_regions(net, X, y, show_points=False)
    ax = fig.axes[0]
    rgb = _rgb(fig)
    for (px, py), label in zip([(0, 0), (1, 1), (0, 1), (1, 0)], [0, 0, 1, 1]):   # the XOR truth table
        for dx, dy in ((0.1, 0.1), (-0.1, 0.05), (0.0, -0.1)):
            assert_allclose(_pixel(fig, ax, px + dx, py + dy, rgb), region_color(label), atol=4 / 255)
    assert len(ax.images) == 1 and ax.collections           # the regions and the boundary contour


def test_regions_draw_the_points_of_each_class(trained_xor):
    net, X, y, _ = trained_xor
    fig = plot_decision_regions(net, X, y, class_names=["even", "odd"])
    ax = fig.axes[0]
    scatters = [c for c in ax.collections if len(c.get_offsets()) > 0 and c.get_label() in ("even", "odd")]
    assert [c.get_label() for c in scatters] == ["even", "odd"]
    for k, c in enumerate(scatters):
        assert_allclose(np.asarray(c.get_offsets()), X[y == k])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["even", "odd"]
    assert ax.get_title().endswith("100% of the points right")


def _blobs():
    centers = np.array([[-4.0, 0.0], [4.0, 0.0], [0.0, 6.0]])
    X, y = make_blobs(150, centers=centers, cluster_std=0.7, seed=3)
    return centers, X, y


@pytest.mark.parametrize("kind", ["perceptron", "sklearn", "sigmoid-network"])
def test_regions_of_other_classifiers(kind):
    centers, X, y = _blobs()
    if kind == "perceptron":                              # n_i = c_i · p − ‖c_i‖²/2: the largest is the nearest centre
        model = Perceptron(W=centers, b=-0.5 * (centers ** 2).sum(axis=1))
        T, _ = encode_targets(y, coding="onehot")
        assert_array_equal(model.predict(X), T)
    elif kind == "sklearn":
        model = LogisticRegression().fit(X, y)
    else:                                                  # one sigmoid output: class 2 against the rest
        y = (y == 2).astype(int)
        centers = centers[[0, 2]]
        model = Network([Dense(1, "sigmoid")], loss="binary_crossentropy", input_shape=2, seed=0)
        model.fit(X, y, epochs=60, learning_rate=0.1, verbose=0)
    fig = plot_decision_regions(model, X, y, show_points=False)
    rgb = _rgb(fig)
    for label, (cx, cy) in enumerate(centers):
        assert_allclose(_pixel(fig, fig.axes[0], cx, cy, rgb), region_color(label), atol=4 / 255)


def test_regions_reject_inputs_that_are_not_two_dimensional(trained_xor):
    net, *_ = trained_xor
    with pytest.raises(DataError, match=r"shape \(n, 2\)"):
        plot_decision_regions(net, np.zeros((4, 3)))
    with pytest.raises(ConfigError, match="predict"):
        plot_decision_regions(object(), np.zeros((4, 2)))


def test_animation_has_one_frame_per_recorded_epoch(tmp_path):
    X, y = make_xor(120, noise=0.1, seed=2)
    net = Network([Dense(8, "tanh"), Dense(2, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=1)
    path = tmp_path / "xor.gif"
    history = animate_decision_regions(net, X, y, path, epochs=6, every=2, resolution=50, learning_rate=0.05,
                                       batch_size=16)
    assert len(history.epoch) == 6
    with Image.open(path) as gif:
        assert gif.n_frames == 4                            # before training, after epochs 2, 4 and 6
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB")).astype(float) / 255
    # the painted regions fill the plot: both light class colours cover much of the frame
    for label in (0, 1):
        share = np.mean(np.all(np.abs(last - region_color(label)) < 0.03, axis=-1))
        assert share > 0.1, (label, share)
    with pytest.raises(ConfigError, match=r"\.gif or \.mp4"):
        animate_decision_regions(net, X, y, tmp_path / "xor.avi", epochs=1)


def test_mp4_needs_ffmpeg(tmp_path):
    from matplotlib import animation

    X, y = make_xor(40, seed=0)
    net = Network([Dense(2, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=0)
    path = tmp_path / "xor.mp4"
    if animation.writers.is_available("ffmpeg"):
        animate_decision_regions(net, X, y, path, epochs=2, resolution=30)
        assert path.stat().st_size > 0
    else:
        with pytest.raises(ConfigError, match="ffmpeg"):
            animate_decision_regions(net, X, y, path, epochs=2, resolution=30)


# ---------------------------------------------------------------- the network diagram


def _by_gid(fig, prefix: str) -> list:
    return [a for a in fig.findobj() if (a.get_gid() or "").startswith(prefix)]


def test_seed_diagram_shows_the_published_numbers():
    fig = plot_network(seed_network(), SEED_X, SEED_Y, learning_rate=0.5)
    neurons = _by_gid(fig, "neuron:")
    assert len(neurons) == 6 and all(isinstance(n, Circle) for n in neurons)
    assert sorted(n.get_gid()[7:] for n in neurons) == ["h1", "h2", "i1", "i2", "o1", "o2"]
    edges = _by_gid(fig, "edge:")
    assert sorted(e.get_gid() for e in edges) == sorted(f"edge:w{k}" for k in range(1, 9))
    assert len(_by_gid(fig, "bias:")) == 2 and len(_by_gid(fig, "bias-edge:")) == 4
    texts = " | ".join(_texts(fig))
    for value in ("0.593269992", "0.596884378", "0.75136507", "0.772928465", "0.298371109", "0.3775",
                  "0.082167041", "0.05", "0.1"):
        assert value in texts, value
    numbers = _numbers(fig)
    shown = ["net_h1", "out_h1", "out_h2", "out_o1", "out_o2", "E_total", "∂E_total/∂w5",
             "w5⁺", "w6⁺", "w7⁺", "w8⁺", "w1⁺", "w2⁺", "w3⁺", "w4⁺"]
    for key in shown:                                     # every published figure appears, to its printed digits
        assert any(matches(v, PUBLISHED[key]) for v in numbers), (key, PUBLISHED[key])
    assert "w5 = 0.4" in texts and "∂E/∂w5 = 0.082167041" in texts and "b1 = 0.35" in texts


def test_diagram_edges_are_coloured_by_sign_and_sized_by_magnitude():
    net = Network([Dense(2, "tanh", W=[[0.5, -1.0], [0.25, 2.0]]), Dense(1, "sigmoid", W=[[-0.5, 1.0]])],
                  input_shape=2)
    fig = plot_network(net)
    edges = {e.get_gid(): e for e in _by_gid(fig, "edge:")}
    weights = {"edge:w1": 0.5, "edge:w2": -1.0, "edge:w3": 0.25, "edge:w4": 2.0, "edge:w5": -0.5, "edge:w6": 1.0}
    assert set(edges) == set(weights)
    reds = {gid for gid, e in edges.items() if matplotlib.colors.to_rgb(e.get_color())[0] > 0.7}
    assert reds == {gid for gid, w in weights.items() if w < 0}
    by_width = sorted(edges, key=lambda gid: edges[gid].get_linewidth())
    assert by_width == sorted(weights, key=lambda gid: abs(weights[gid]))
    assert "net =" not in " ".join(_texts(fig))           # no input given: no activations written


def test_diagram_counts_neurons_of_a_deeper_network_and_refuses_conv():
    net = Network([Dense(5, "relu"), Dense(4, "relu"), Dense(3, "softmax")], loss="categorical_crossentropy",
                  input_shape=3, seed=0)
    fig = plot_network(net, np.ones(3), 2, show_values=True)    # a class label as the target
    assert len(_by_gid(fig, "neuron:")) == 3 + 5 + 4 + 3
    assert len(_by_gid(fig, "edge:")) == 3 * 5 + 5 * 4 + 4 * 3
    assert {n.get_gid() for n in _by_gid(fig, "neuron:")} >= {"neuron:h1_1", "neuron:h2_4", "neuron:o3"}
    texts = " | ".join(_texts(fig))
    assert "b_h1_1 = 0" in texts and "δ = out − target" in texts and "target = 1" in texts   # label 2 → one-hot
    assert "∂E/∂w" not in texts                           # 15 edges between two layers: too many to label
    assert len(_by_gid(fig, "bias:")) == 2 and "wider than 4 not drawn" in texts   # b1 (5 units) left out, and said
    cnn = Network([Conv2D(2, 3), Flatten(), Dense(2, "softmax")], input_shape=(1, 5, 5), seed=0)
    with pytest.raises(ConfigError, match="dense"):
        plot_network(cnn)


# ---------------------------------------------------------------- histograms and confusion matrix


def test_weight_histograms_count_every_weight(trained_xor):
    net, X, y, _ = trained_xor
    fig = plot_weight_histograms(net)
    assert len(fig.axes) == 2                              # one per layer
    for ax, k in zip(fig.axes, (1, 2)):
        heights = [p.get_height() for p in ax.patches]
        expected, _ = np.histogram(net.params[f"W{k}"], bins=30)
        assert_array_equal(heights, expected)
        assert sum(heights) == net.params[f"W{k}"].size > 0
        assert ax.get_title().startswith(f"W{k}")
    fig = plot_weight_histograms(net, which="both", X=X, y=y)
    assert len(fig.axes) == 4
    _, grads = net.gradients(X, np.eye(2)[y])
    expected, _ = np.histogram(grads["W2"], bins=30)
    assert_array_equal([p.get_height() for p in fig.axes[3].patches], expected)
    assert fig.axes[3].get_title().startswith("∂E/∂W2")
    with pytest.raises(ConfigError, match="which"):
        plot_weight_histograms(net, which="biases")


def test_weight_histogram_labels_never_cover_the_bars(trained_xor):
    # The reviewer saw the n/mean/std box drawn over the tallest bars: every text and the
    # legend must now lie outside every bar (display coordinates, after drawing).
    net, *_ = trained_xor
    fig = plot_weight_histograms(net, include_bias=True)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax, k in zip(fig.axes, (1, 2)):
        W, b = net.params[f"W{k}"], net.params[f"b{k}"]
        edges = np.histogram_bin_edges(np.concatenate([W.ravel(), b.ravel()]), bins=30)
        heights = [p.get_height() for p in ax.patches]
        assert_array_equal(heights[:30], np.histogram(W, bins=edges)[0])     # W and b share the bins
        assert_array_equal(heights[30:], np.histogram(b, bins=edges)[0])
        title = ax.get_title()
        assert f"n = {W.size}" in title and f"mean = {W.mean():.3g}" in title and f"std = {W.std():.3g}" in title
        boxes = [ax.get_legend().get_window_extent(renderer), ax.title.get_window_extent(renderer)]
        boxes += [t.get_window_extent(renderer) for t in ax.texts]
        for bar in ax.patches:
            if bar.get_height() > 0:
                bar_box = bar.get_window_extent(renderer)
                assert not any(bar_box.overlaps(box) for box in boxes), (title, bar.get_height())


def test_confusion_matrix_matches_scikit_learn_and_is_written_in_the_cells(rng):
    y_true = rng.integers(0, 4, 200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, rng.integers(0, 4, 200))
    C = confusion_matrix(y_true, y_pred)
    assert_array_equal(C, sk_confusion_matrix(y_true, y_pred))
    scores = np.eye(4)[y_pred] * 0.9 + 0.025                 # network-like outputs: argmax is y_pred
    fig = plot_confusion_matrix(y_true, scores, class_names=["a", "b", "c", "d"])
    ax = fig.axes[0]
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert cells == {(i, j): str(C[i, j]) for i in range(4) for j in range(4)}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c", "d"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert f"{np.trace(C)} of 200 right" in ax.get_title()
    with pytest.raises(DataError, match="fractions"):
        confusion_matrix([0, 1], [0.5, 1.0])


# ---------------------------------------------------------------- convolution


def test_kernels_one_image_per_filter():
    net = Network([Conv2D(6, 3), Flatten(), Dense(2, "softmax")], input_shape=(1, 6, 6), seed=0)
    fig = plot_kernels(net)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 6
    for f, image in enumerate(images):
        assert_array_equal(image.get_array(), net.params["W1"][f, 0])
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == [f"filter {f}" for f in range(1, 7)]
    assert len([t for ax in fig.axes for t in ax.texts]) == 6 * 9        # each weight written
    rgb = Network([Conv2D(4, 2)], input_shape=(3, 4, 4), seed=0)
    assert sum(1 for ax in plot_kernels(rgb).axes if ax.images) == 12     # F × C
    assert sum(1 for ax in plot_kernels(rgb, channel=2).axes if ax.images) == 4


def test_feature_maps_equal_pytorch_convolution(rng):
    net = Network([Conv2D(5, 3, padding="same", activation="relu"), MaxPool2D(2), Flatten(), Dense(3, "softmax")],
                  input_shape=(1, 8, 8), seed=0)
    image = rng.random((8, 8))
    fig = plot_feature_maps(net, image)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 1 + 5 and shown[0].get_title() == "input"
    assert_array_equal(shown[0].images[0].get_array(), image)
    W, b = (torch.tensor(net.params[k]) for k in ("W1", "b1"))
    expected = torch.relu(torch.nn.functional.conv2d(torch.tensor(image)[None, None], W, b, padding=1))[0].numpy()
    for f, ax in enumerate(shown[1:]):
        assert_allclose(ax.images[0].get_array(), expected[f], atol=1e-12)
    pooled = plot_feature_maps(net, image[None], layer=1, max_maps=3)
    assert sum(1 for ax in pooled.axes if ax.images) == 1 + 3
    with pytest.raises(DataError, match="one sample"):
        plot_feature_maps(net, np.zeros((7, 7)))
    with pytest.raises(ConfigError, match="image-shaped"):
        plot_feature_maps(net, image, layer=3)


# ---------------------------------------------------------------- notebook views and saving


def test_network_notebook_views():
    page = network_to_html(seed_network())
    assert "<table" in page and "Dense(units=2, activation=&#x27;sigmoid&#x27;)" in page and "<img" in page
    assert "frozen: b1, b2" in page
    cnn = Network([Conv2D(2, 3), Flatten(), Dense(2, "softmax")], input_shape=(1, 5, 5), seed=0)
    assert network_to_png(cnn) is None and "<img" not in network_to_html(cnn)
    assert "not built" in network_to_html(Network([Dense(2)]))
    assert plt.get_fignums() == []


def test_saving_needs_a_suffix_and_writes_a_picture(tmp_path):
    fig = plot_history({"loss": [1.0, 0.5, 0.2]})
    with pytest.raises(ConfigError, match="suffix"):
        finish(fig, tmp_path / "curves")
    with pytest.raises(ConfigError, match=r"cannot write \.xyz files; use \.png"):
        finish(fig, tmp_path / "curves.xyz")
    plot_history({"loss": [1.0, 0.5, 0.2]}, path=tmp_path / "curves.png")
    pixels = np.asarray(Image.open(tmp_path / "curves.png").convert("L"))
    assert pixels.shape[1] > 300 and (pixels < 128).mean() > 0.005     # lines and text, not a blank page


def test_predicted_classes_of_one_neuron_models():
    P = np.array([[-2.0, 5.0], [3.0, -1.0]])
    assert predict_classes(Perceptron("hardlims", W=[[1.0, 0.0]], b=[0.0]), P).tolist() == [0, 1]
    tanh = Network([Dense(1, "tanh", W=[[1.0, 0.0]])], input_shape=2)  # tanh output: the threshold is 0
    assert predict_classes(tanh, P).tolist() == [0, 1]


# ---------------------------------------------------------------- labels of any kind, classes_, friendlier errors

def test_confusion_matrix_of_string_labels_matches_scikit_learn():
    y_true = ["setosa", "virginica", "versicolor", "virginica", "setosa"]
    y_pred = ["setosa", "versicolor", "versicolor", "virginica", "virginica"]
    assert_array_equal(confusion_matrix(y_true, y_pred), sk_confusion_matrix(y_true, y_pred))
    order = ["virginica", "setosa"]                        # a subset, reordered, as scikit-learn's labels=
    assert_array_equal(confusion_matrix(y_true, y_pred, labels=order),
                       sk_confusion_matrix(y_true, y_pred, labels=order))
    fig = plot_confusion_matrix(y_true, y_pred)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["setosa", "versicolor", "virginica"]
    assert "3 of 5 right" in ax.get_title()                # setosa, versicolor, virginica right
    fig = plot_confusion_matrix(y_true, y_pred, labels=order)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == order


def test_regions_legend_names_the_estimators_classes():
    centers, X, y = _blobs()
    names = np.array(["a", "b", "c"])[y]
    model = LogisticRegression().fit(X, names)
    fig = plot_decision_regions(model, X, names)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["a", "b", "c"]
    fig = plot_decision_regions(model, X, names, show_points=False)
    rgb = _rgb(fig)
    for label, (cx, cy) in enumerate(centers):              # class k = classes_[k] is painted region_color(k)
        assert_allclose(_pixel(fig, fig.axes[0], cx, cy, rgb), region_color(label), atol=4 / 255)


def test_kernels_of_a_dense_network_names_what_is_missing():
    net = Network([Dense(2)], input_shape=3, seed=0)
    with pytest.raises(ConfigError, match="the network has no Conv2D layer"):
        plot_kernels(net)


def test_animate_regions_takes_record_regions_result_whole(tmp_path):
    from glassnet.plot.regions import animate_regions, record_regions
    X, y = make_xor(40, noise=0.1, seed=2)
    net = Network([Dense(4, "tanh"), Dense(2, "softmax")], loss="categorical_crossentropy", input_shape=2, seed=1)
    recorded = record_regions(net, X, y, epochs=2, resolution=20)
    path = tmp_path / "r.gif"
    animate_regions(recorded, X, y, path)
    with Image.open(path) as gif:
        assert gif.n_frames == 3
    with pytest.raises(ConfigError, match="record_regions"):
        animate_regions(42, X, y, path)
