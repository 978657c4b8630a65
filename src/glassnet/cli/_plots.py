"""The pictures ``glassnet train --plots DIR`` draws after training.

* ``history.png``: the loss (and accuracy) curves of every epoch, resumed ones included;
* ``weights.png``: a histogram of each layer's weights;
* ``confusion.png``: classification with test rows — the confusion matrix of the test rows;
* ``regions.png``: classification with two features — the decision regions over all rows.

:func:`paths` decides and checks the files before training (so a bad DIR costs nothing);
:func:`draw` draws them with :mod:`glassnet.plot` once the model is saved.

Every command's pictures (``explain --plot`` and ``perceptron --plot`` too) are checked with
:func:`check_figure` before any work and written with :func:`save_figure`: whole, or not at all.
Their format is the file's suffix (:func:`file_suffix`), one matplotlib writes without an outside
program (:data:`FIGURE_FORMATS`; not pgf, which runs LaTeX).
"""

from __future__ import annotations

import io
import os

import numpy as np

from ._common import check_output
from ..errors import ConfigError


def paths(folder: str, meta: dict, overwrite: bool) -> dict[str, str]:
    """The pictures ``--plots DIR`` will draw for this run, checked (and DIR created) before training.

    Returns
    -------
    dict
        ``{"history": "DIR/history.png", …}``, the names of :func:`draw`'s pictures to their files.
    """
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ConfigError(f"--plots {folder} is a file; give a folder")
    names = ["history", "weights"]
    if meta["task"] == "classify" and meta["n_test"]:
        names.append("confusion")
    if meta["task"] == "classify" and meta["n_features"] == 2:
        names.append("regions")
    os.makedirs(folder, exist_ok=True)
    files = {n: os.path.join(folder, f"{n}.png") for n in names}
    for path in files.values():
        check_output(path, overwrite, "--plots")
    return files


#: picture formats matplotlib writes by itself (with Pillow): no LaTeX (pgf), no raw pixel dumps (raw, rgba)
FIGURE_FORMATS = ("png", "svg", "svgz", "pdf", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp", "avif")

#: formats Pillow writes only when it was built with the codec
_PILLOW_CODECS = ("webp", "avif")


def file_suffix(path) -> str:
    """The suffix of ``path`` that names its format: lower case, without the dot (``""`` when there is none).

    >>> file_suffix("out/Net.PNG"), file_suffix("step.html"), file_suffix("README")
    ('png', 'html', '')
    """
    return os.path.splitext(str(path))[1][1:].lower()


def figure_formats(extra: tuple[str, ...] = ()) -> list[str]:
    """The formats :func:`check_figure` accepts here: :data:`FIGURE_FORMATS` that this matplotlib and Pillow
    write, then ``extra`` (formats the caller writes itself, such as the perceptron's ``gif`` animation)."""
    from matplotlib.backend_bases import FigureCanvasBase
    from PIL import features

    supported = FigureCanvasBase.get_supported_filetypes()
    pillow = {f for f in _PILLOW_CODECS if f in features.modules and features.check_module(f)}
    return [f for f in FIGURE_FORMATS if f in supported and (f not in _PILLOW_CODECS or f in pillow)] + [
        f for f in extra if f not in FIGURE_FORMATS]


def check_figure(path: str, overwrite: bool, option: str, extra: tuple[str, ...] = ()) -> str:
    """Refuse, before any work, a picture file that cannot or must not be written; its format (``"png"``…).

    The format is the file's suffix: one of :func:`figure_formats` — those matplotlib writes without an
    outside program (not pgf, which runs LaTeX), plus ``extra``, formats the caller writes itself
    (``extra=("gif",)`` for the perceptron's animation, which Pillow draws whatever matplotlib's version).
    An existing file needs ``--overwrite``, as every output of the command line.
    """
    suffix = file_suffix(path)
    if not suffix:
        raise ConfigError(f"{option} {path}: the file name needs a suffix such as .png, .svg or .pdf")
    formats = figure_formats(extra)
    if suffix not in formats:
        raise ConfigError(f"{option} {path}: cannot write .{suffix} files; use .png, .svg or .pdf "
                          f"(or {', '.join('.' + f for f in formats if f not in ('png', 'svg', 'pdf'))})")
    check_output(str(path), overwrite, option)
    return suffix


def save_figure(fig, path: str, dpi: int = 150) -> None:
    """Write ``fig`` to ``path`` (format from the suffix) atomically: a reader never sees part of a picture."""
    from ..io import atomic_write

    buffer = io.BytesIO()
    fig.savefig(buffer, format=file_suffix(path), dpi=dpi, bbox_inches="tight")
    atomic_write(path, buffer.getvalue())


def draw(files: dict, net, meta: dict, Xtr, ytr, Xte, yte) -> None:
    """Draw the pictures named in ``files`` (matplotlib's Agg backend, figures closed after saving)."""
    from .. import plot
    from ..plot.regions import predict_classes

    plt = plot.pyplot()
    names = [str(c) for c in meta.get("classes") or []] or None
    figures = {"history": plot.plot_history(meta["history"], title=f"Training on {meta['data']}"),
               "weights": plot.plot_weight_histograms(net)}
    if "confusion" in files:
        figures["confusion"] = plot.plot_confusion_matrix(yte.astype(np.int64).ravel(), predict_classes(net, Xte),
                                                          class_names=names, title="Test rows")
    if "regions" in files:
        X = np.concatenate([Xtr, Xte])
        y = np.concatenate([ytr, yte]).astype(np.int64).ravel()
        features = meta.get("feature_names") or ["feature 1", "feature 2"]
        if meta.get("standardize"):
            features = [f"{f} (standardized)" for f in features]
        figures["regions"] = plot.plot_decision_regions(net, X, y, class_names=names, feature_names=features)
    for name, fig in figures.items():
        save_figure(fig, files[name])
        plt.close(fig)
