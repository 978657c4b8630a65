"""What every plotting module shares: pyplot (lazily), a figure or the caller's axes, saving.

matplotlib itself is imported by :func:`glassnet.plot.pyplot` (``Agg`` when there is no
display); this module only calls it when a picture is drawn, so importing a plotting
module never imports matplotlib.
"""

from __future__ import annotations

import base64
import io
import os

from ..errors import ConfigError

#: class colours (matplotlib's ``tab10``) as RGB in [0, 1], so tests and users can look them up
CLASS_COLORS = [(0.122, 0.467, 0.706), (1.000, 0.498, 0.055), (0.173, 0.627, 0.173), (0.839, 0.153, 0.157),
                (0.580, 0.404, 0.741), (0.549, 0.337, 0.294), (0.890, 0.467, 0.761), (0.498, 0.498, 0.498),
                (0.737, 0.741, 0.133), (0.090, 0.745, 0.812)]


def pyplot():
    """matplotlib.pyplot on a headless-safe backend (see :func:`glassnet.plot.pyplot`)."""
    from . import pyplot as _pyplot  # at call time: glassnet.plot may still be importing this module
    return _pyplot()


def class_color(k: int) -> tuple[float, float, float]:
    """The colour of class ``k`` (cycling through ten)."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def figure_and_axes(ax=None, figsize=(6.4, 4.8)):
    """``(figure, axes)``: the caller's axes, or one new axes on a new figure."""
    if ax is not None:
        return ax.figure, ax
    fig = pyplot().figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def finish(fig, path=None, dpi: int = 150):
    """Save ``fig`` to ``path`` (format from the suffix: .png, .svg, .pdf, ...) when given; return ``fig``."""
    if path is not None:
        path = os.fspath(path)
        if not os.path.splitext(path)[1]:
            raise ConfigError(f"path needs a file suffix such as .png, .svg or .pdf; got {path!r}")
        suffix = os.path.splitext(path)[1][1:].lower()
        if suffix not in fig.canvas.get_supported_filetypes():
            raise ConfigError(f"path {path!r}: matplotlib cannot write .{suffix} files; use .png, .svg or .pdf")
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return fig


def to_png(fig, dpi: int = 100, close: bool = True) -> bytes:
    """The figure as PNG bytes (closed afterwards, so a notebook does not show it twice)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    if close:
        pyplot().close(fig)
    return buf.getvalue()


def png_img_tag(png: bytes, alt: str = "") -> str:
    """An ``<img>`` element with the PNG inlined (for ``_repr_html_``)."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{alt}" src="data:image/png;base64,{data}"/>'
