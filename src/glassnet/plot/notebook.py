"""Rich display in Jupyter: what ``Network._repr_html_`` and ``History._repr_html_`` return.

A notebook shows an object by calling its ``_repr_html_`` (or ``_repr_png_``). These
functions build that view — a table of numbers, and a picture when matplotlib is
installed — and never fail for want of matplotlib: the table comes alone then.
"""

from __future__ import annotations

import html

from .diagram import network_to_png
from .history import history_to_html, history_to_png

__all__ = ["network_to_html", "network_to_png", "history_to_html", "history_to_png"]

_DIAGRAM_MAX_UNITS = 16


def network_to_html(network) -> str:
    """A notebook view of a Network: its layers, shapes and parameter counts, and its diagram.

    The diagram is drawn for dense networks of at most 16 neurons per layer.
    """
    if not network.built:
        return f"<pre>{html.escape(repr(network))}</pre><p>(not built yet: no parameters)</p>"
    rows = "".join(f"<tr><td><code>{html.escape(repr(layer))}</code></td><td>{layer.output_shape}</td>"
                   f"<td style='text-align:right'>{layer.n_params}</td></tr>" for layer in network.layers)
    frozen = [n for n, t in network.trainable.items() if not t]
    foot = (f"<p>input shape {network.input_shape}; {network.n_params} parameters"
            + (f" (frozen: {html.escape(', '.join(frozen))})" if frozen else "")
            + f"; loss <code>{html.escape(network.loss.name)}</code>; {network.dtype.name}</p>")
    table = ("<table><tr><th>layer</th><th>output shape</th><th>params</th></tr>" + rows + "</table>")
    picture = ""
    sizes = [network.input_shape[0]] + [getattr(layer, "units", 0) for layer in network.layers]
    if len(network.input_shape) == 1 and max(sizes) <= _DIAGRAM_MAX_UNITS:
        try:
            from ._backend import png_img_tag
            png = network_to_png(network)
            picture = png_img_tag(png, alt="network diagram") if png is not None else ""
        except ImportError:
            picture = ""
    return f"<div><b>Network</b>{table}{foot}{picture}</div>"
