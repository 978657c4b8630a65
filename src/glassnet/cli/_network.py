"""The network ``glassnet train`` builds from ``--layers``, ``--activation`` and ``--loss``."""

from __future__ import annotations

from ..errors import ConfigError


def parse_layers(text: str) -> list[int]:
    """``"64,32"`` → ``[64, 32]``; ``""`` or ``"none"`` → no hidden layer."""
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = [0]
    if any(s < 1 for s in sizes):
        raise ConfigError(f"--layers must be hidden-layer sizes such as 64,32 (or 'none'); got {text!r}")
    return sizes


def build_mlp(n_inputs: int, hidden: list[int], activation: str, task: str, n_outputs: int, loss: str | None,
              dtype: str, seed: int):
    """The MLP ``n_inputs → hidden… → outputs``: softmax (K classes), sigmoid (2 classes with
    binary cross-entropy) or identity (regression) on top. Returns ``(network, loss_name)``."""
    from .. import losses
    from ..layers import Dense
    from ..network import Network

    if task == "classify":
        loss = loss or "categorical_crossentropy"
        if loss == "categorical_crossentropy":
            top = Dense(n_outputs, "softmax")
        elif loss == "binary_crossentropy" and n_outputs == 2:
            top = Dense(1, "sigmoid")
        else:
            raise ConfigError(f"--loss {loss} does not fit classification into {n_outputs} classes; use "
                              "categorical_crossentropy (or binary_crossentropy for two classes)")
    else:
        loss = loss or "mse"
        if loss not in losses.names() or "crossentropy" in loss:
            raise ConfigError(f"--loss {loss} does not fit regression; use mse or total_error")
        top = Dense(n_outputs, "identity")
    layers = [Dense(units, activation) for units in hidden] + [top]
    return Network(layers, loss=loss, input_shape=n_inputs, dtype=dtype, seed=seed), loss
