"""What a convolutional layer learned: its kernels, and the feature maps it makes of one image.

A :class:`~glassnet.layers.conv.Conv2D` layer holds ``F`` filters of shape
``(C, kh, kw)``. :func:`plot_kernels` draws each one as a small image on one shared,
symmetric colour scale (red positive, blue negative, white zero), with its numbers
written in the cells when the kernels are small. :func:`plot_feature_maps` runs one
image through the network and shows what a layer makes of it: one map per filter,
``out[f] = f(W[f] ⋆ image + b[f])`` — bright where the filter's pattern is found.

>>> import numpy as np
>>> from glassnet import Network, Conv2D, Flatten, Dense
>>> from glassnet.plot.conv import plot_kernels
>>> net = Network([Conv2D(4, 3, activation="relu"), Flatten(), Dense(10, "softmax")],
...               loss="categorical_crossentropy", input_shape=(1, 8, 8), seed=0)
>>> fig = plot_kernels(net)                                 # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from ._backend import finish, pyplot


def _conv_layer(model, layer=None):
    """The Conv2D layer to draw: ``model`` itself, or layer ``layer`` (index or object) of a Network."""
    from ..layers.conv import Conv2D
    from ..network import Network

    if isinstance(model, Conv2D):
        return model, None
    if not isinstance(model, Network):
        raise ConfigError(f"model must be a glassnet Network or a Conv2D layer; got {type(model).__name__}")
    if not model.built:
        raise ConfigError("the network has no weights yet: give input_shape or call build() first")
    return _pick(model, layer, lambda l: isinstance(l, Conv2D), "a Conv2D layer"), model


def _pick(network, layer, wanted, what: str):
    if layer is None:
        for candidate in network.layers:
            if wanted(candidate):
                return candidate
        raise ConfigError(f"the network has no {what.removeprefix('a ')}: {network!r}")
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        if not -len(network.layers) <= layer < len(network.layers):
            raise ConfigError(f"layer must be an index from 0 to {len(network.layers) - 1}; got {layer}")
        chosen = network.layers[layer]
    elif any(layer is l for l in network.layers):
        chosen = layer
    else:
        raise ConfigError(f"layer must be an index into network.layers or one of its layers; got {layer!r}")
    if not wanted(chosen):
        raise ConfigError(f"layer {layer!r} is {type(chosen).__name__}; this picture needs {what}")
    return chosen


def _grid(n: int, max_cols: int = 8) -> tuple[int, int]:
    cols = min(n, max_cols)
    return -(-n // cols), cols


def plot_kernels(model, layer=None, channel: int | None = None, annotate="auto", path=None):
    """Every filter of a Conv2D layer as an image: ``F`` images (``F × C`` with several channels).

    Parameters
    ----------
    model : Network or Conv2D
    layer : int or Layer, optional
        Which layer of the network (default: the first Conv2D).
    channel : int, optional
        With several input channels, draw only this one (``F`` images); default all:
        one row of filters per input channel.
    annotate : bool or "auto"
        Write each weight in its cell; "auto" does for kernels up to 5 × 5 and at most 16 images.
    path : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
        The kernel images are the axes' ``images``, one per axes, titled ``filter 1`` … .
    """
    conv, _ = _conv_layer(model, layer)
    W = conv.params["W"]                                  # (F, C, kh, kw)
    F, C, kh, kw = W.shape
    if channel is not None:
        if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)) or not 0 <= channel < C:
            raise ConfigError(f"channel must be an input channel from 0 to {C - 1}; got {channel!r}")
        channels = [int(channel)]
    else:
        channels = list(range(C))
    n = F * len(channels)
    if annotate == "auto":
        annotate = kh * kw <= 25 and n <= 16
    rows, cols = (len(channels), F) if len(channels) > 1 else _grid(F)
    cell = 1.5 if annotate else 1.1
    plt = pyplot()
    fig, axes = plt.subplots(rows, cols, figsize=(cell * cols + 1.2, cell * rows + 0.8), layout="constrained",
                             squeeze=False)
    limit = float(np.abs(W).max()) or 1.0
    image = None
    for index in range(rows * cols):
        ax = axes.flat[index]
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= n:
            ax.set_axis_off()
            continue
        f, c = (index % F, channels[index // F]) if len(channels) > 1 else (index, channels[0])
        kernel = W[f, c]
        image = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_title(f"filter {f + 1}" + (f", channel {c + 1}" if C > 1 else ""), fontsize=9)
        if annotate:
            for i in range(kh):
                for j in range(kw):
                    v = kernel[i, j]
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                            color="white" if abs(v) > 0.6 * limit else "black")
    fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    fig.suptitle(f"Kernels of {conv!r}: {F} filters of {C} × {kh} × {kw}", fontsize=11)
    return finish(fig, path)


def plot_feature_maps(network, image, layer=None, max_maps: int = 32, cmap: str = "viridis", path=None):
    """The input image and the feature maps a layer makes of it (one per output channel).

    Parameters
    ----------
    network : Network
    image : array of shape (C, H, W), (H, W) or (1, C, H, W)
        One sample, as the network takes it.
    layer : int or Layer, optional
        Whose output to show: any layer with image-shaped output (Conv2D, pooling, …);
        default the first Conv2D.
    max_maps : int
        Draw at most this many maps (the first ones).
    path : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
        The first axes holds the input, then one axes per map (titled ``map 1`` …).
    """
    from ..layers.conv import Conv2D
    from ..network import Network

    if not isinstance(network, Network):
        raise ConfigError(f"network must be a glassnet Network; got {type(network).__name__}")
    x = np.asarray(image, dtype=np.float64)
    shape = network.input_shape if network.built else (1,) + x.shape[-2:] if x.ndim == 2 else x.shape[-3:]
    if x.shape == shape:
        x = x[None]                                       # one sample → a batch of one
    elif shape[0] == 1 and x.shape == shape[1:]:
        x = x[None, None]                                 # (H, W) for one channel
    if x.shape != (1,) + tuple(shape):
        raise DataError(f"image must be one sample of shape {tuple(shape)}; got shape {np.asarray(image).shape}")
    if isinstance(max_maps, bool) or not isinstance(max_maps, (int, np.integer)) or max_maps < 1:
        raise ConfigError(f"max_maps must be a positive integer; got {max_maps!r}")
    network.forward(x)
    if layer is None:
        chosen = _pick(network, None, lambda l: isinstance(l, Conv2D), "a Conv2D layer")
    else:
        chosen = _pick(network, layer, lambda l: l.output_shape is not None and len(l.output_shape) == 3,
                       "a layer with image-shaped output (F, H, W)")
    maps = np.asarray(chosen.out)[0]                       # (F, Ho, Wo)
    shown = maps[:int(max_maps)]
    n = len(shown) + 1
    rows, cols = _grid(n, max_cols=min(9, max(n, 2)))
    plt = pyplot()
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols + 0.4, 1.75 * rows + 0.7), layout="constrained",
                             squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_axis_off()
    first = axes.flat[0]
    first.set_axis_on()
    picture = x[0, 0] if x.shape[1] == 1 else np.clip(np.moveaxis(x[0, :3], 0, -1), 0, 1)
    first.imshow(picture, cmap="gray_r" if x.shape[1] == 1 else None, interpolation="nearest")
    first.set_title("input", fontsize=9, fontweight="bold")
    for f, fmap in enumerate(shown):
        ax = axes.flat[f + 1]
        ax.set_axis_on()
        ax.imshow(fmap, cmap=cmap, interpolation="nearest")
        ax.set_title(f"map {f + 1}  (max {fmap.max():.2g})", fontsize=8)
    more = f" (first {len(shown)} of {len(maps)})" if len(shown) < len(maps) else ""
    fig.suptitle(f"Feature maps of {chosen!r}{more}", fontsize=11)
    return finish(fig, path)
