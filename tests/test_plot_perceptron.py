"""Plots of the perceptron: what is drawn (points, lines, labels, pixels), under the Agg backend."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from PIL import Image  # noqa: E402

from glassnet.errors import DataError  # noqa: E402
from glassnet.perceptron import Perceptron  # noqa: E402
from glassnet.plot.perceptron import animate_training, boundary_points, plot_boundary, plot_training  # noqa: E402

P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
T_OR = np.array([0, 1, 1, 1])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _pixels(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"))


def test_boundary_points_lie_on_the_line():
    for w, b in (([1.0, 2.0], -1.0), ([3.0, 0.5], 1.0), ([0.0, -1.0], 0.5), ([2.0, 0.0], -1.0)):
        x, y = boundary_points(w, b, (-2, 2), (-2, 2))
        assert_allclose(w[0] * x + w[1] * y + b, 0, atol=1e-12)
    assert boundary_points([0.0, 0.0], 1.0, (-1, 1), (-1, 1)) is None


def test_training_figure_content():
    report = Perceptron().train(P, T_OR)
    fig = plot_training(P, T_OR, report.history)
    ax = fig.axes[0]
    # one point set per class, with the right points in each
    offsets = sorted((c.get_offsets().data.tolist() for c in ax.collections), key=len)
    assert offsets == [[[0.0, 0.0]], [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]]
    # one line per epoch whose weights are not all zero (epoch 0 starts from W = 0: no line)
    drawn = [h for h in report.history if np.any(h["W"] != 0)]
    assert len(ax.lines) == len(drawn) == report.epochs
    # the last (bold) line is the final boundary W p + b = 0: here p₁ + p₂ − 1 = 0
    x, y = ax.lines[-1].get_data()
    W, b = report.history[-1]["W"][0], report.history[-1]["b"][0]
    assert_allclose(W[0] * np.asarray(x) + W[1] * np.asarray(y) + b, 0, atol=1e-12)
    assert ax.lines[-1].get_linewidth() > ax.lines[0].get_linewidth()
    assert ax.get_xlabel() == "p₁" and ax.get_ylabel() == "p₂"
    assert "0 misclassified" in ax.get_title()
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"t = 0", "t = 1", f"epoch {report.epochs}"}
    gray = _pixels(fig)
    assert (gray < 200).mean() > 0.01  # not blank: markers, line, axes


def test_two_neurons_draw_two_lines_per_epoch():
    X = np.array([[1, 1], [1, 2], [2, -1], [2, 0], [-1, 2], [-2, 1], [-1, -1], [-2, -2]], dtype=float)
    T = np.array([[0, 0], [0, 0], [0, 1], [0, 1], [1, 0], [1, 0], [1, 1], [1, 1]])
    report = Perceptron(W=np.eye(2), b=[1, 1]).train(X, T)
    fig = plot_training(X, T, report.history, every_epoch=False, feature_names=("x", "y"))
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 4  # 2 neurons, 4 target codes
    assert ax.get_xlabel() == "x"


def test_plot_boundary_on_given_axes():
    fig, ax = plt.subplots()
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    lines = plot_boundary([[1.0, -1.0]], [0.0], ax, label="w")
    assert len(lines) == 1 and lines[0].get_label() == "w"


def test_gif_has_one_frame_per_epoch(tmp_path):
    report = Perceptron().train(P, [0, 0, 0, 1])
    path = animate_training(P, [0, 0, 0, 1], report.history, tmp_path / "and.gif", fps=4)
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == len(report.history) == report.epochs + 1
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("L"))
    assert (last < 200).mean() > 0.01


def test_plots_need_two_inputs():
    with pytest.raises(DataError, match="R = 2"):
        plot_training(np.ones((3, 3)), [0, 1, 0], [{"epoch": 0, "W": np.zeros((1, 3)), "b": [0], "errors": 1}])


def test_import_glassnet_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, glassnet, glassnet.perceptron, glassnet.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_training_figure_is_saved_to_path(tmp_path):
    report = Perceptron().train(P, T_OR)
    path = tmp_path / "training.png"
    fig = plot_training(P, T_OR, report.history, path=path)
    assert fig is not None
    with Image.open(path) as png:
        assert png.size[0] > 100
