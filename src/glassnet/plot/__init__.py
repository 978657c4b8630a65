"""Plots of what a network learned (matplotlib, an optional dependency: ``pip install glassnet[plot]``).

Each plotting module imports matplotlib only inside its functions, so ``import glassnet``
never needs it; without a display, the non-interactive ``Agg`` backend is used.

* :mod:`glassnet.plot.perceptron` — input vectors by class and the perceptron's
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
