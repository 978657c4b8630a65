"""glassnet — neural networks you can see through.

Train real networks on NumPy, and see every step of the mathematics behind them
with the actual numbers.

The few public names::

    Network, Dense, ...        build a network (glassnet.layers has them all)
    gradcheck                  finite-difference check of backpropagation
    activations, losses        registries: get("sigmoid"), get("total_error")
"""

from . import activations, initializers, losses
from .errors import ConfigError, DataError, DivergenceError, GlassnetError, ModelFileError, NotFittedError
from .gradcheck import gradcheck
from .layers import Dense, Layer
from .network import Network

__version__ = "0.1.0"

__all__ = [
    "Network", "Dense", "Layer", "gradcheck", "activations", "losses", "initializers",
    "GlassnetError", "DataError", "ConfigError", "ModelFileError", "NotFittedError", "DivergenceError",
    "__version__",
]
