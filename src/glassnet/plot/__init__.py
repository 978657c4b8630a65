"""Plots of what a network learned (matplotlib, an optional dependency: ``pip install glassnet[plot]``).

Each plotting module imports matplotlib only inside its functions, so ``import glassnet``
never needs it; without a display, the non-interactive ``Agg`` backend is used.

* :mod:`~glassnet.plot.history` — loss and metric curves, train and validation;
* :mod:`~glassnet.plot.regions` — decision regions of a 2-D classifier, and their animation;
* :mod:`~glassnet.plot.diagram` — the network as a diagram, weights and numbers on it;
* :mod:`~glassnet.plot.weights` — histograms of weights/gradients, confusion matrix;
* :mod:`~glassnet.plot.conv` — learned kernels and feature maps;
* :mod:`~glassnet.plot.perceptron` — input vectors by class and the perceptron's
  decision boundary after each epoch (a figure, or a GIF animation).
"""

from __future__ import annotations

import os
import sys


def pyplot():
    """matplotlib.pyplot, on the ``Agg`` backend when there is no display.

    Raises ImportError with the install command when matplotlib is missing.
    """
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'glassnet[plot]'") from None
    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


from .conv import plot_feature_maps, plot_kernels  # noqa: E402  (these import matplotlib lazily)
from .diagram import plot_network  # noqa: E402
from .history import plot_history  # noqa: E402
from .regions import animate_decision_regions, animate_regions, plot_decision_regions, record_regions  # noqa: E402
from .weights import confusion_matrix, plot_confusion_matrix, plot_weight_histograms  # noqa: E402

__all__ = ["pyplot", "plot_history", "plot_decision_regions", "record_regions", "animate_regions",
           "animate_decision_regions", "plot_network", "plot_weight_histograms", "confusion_matrix",
           "plot_confusion_matrix", "plot_kernels", "plot_feature_maps"]
