"""glassnet — neural networks you can see through.

Train real networks on NumPy, and see every step of the mathematics behind them
with the actual numbers.

The few public names::

    Network, Dense, Conv2D, ...   build a network (glassnet.layers has them all)
    fit, evaluate                 train and score (also Network.fit / Network.evaluate)
    gradcheck                     finite-difference check of backpropagation
    activations, losses,          registries: activations.get("sigmoid"), losses.get("total_error"),
    optimizers, initializers      optimizers.get("adam"), ...
    datasets, io                  data readers and toy sets; safe model files (save/load)
    explain                       the math of a pass, step by step: explain.explain(net, X, y)
    Perceptron                    the single-layer perceptron and its learning rule
"""

from . import activations, datasets, explain, initializers, io, losses, optimizers, training
from .errors import ConfigError, DataError, DivergenceError, GlassnetError, ModelFileError, NotFittedError
from .gradcheck import gradcheck
from .layers import AveragePool2D, BatchNorm, Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D, Reshape
from .network import Network
from .perceptron import Perceptron
from .training import Callback, EarlyStopping, History, evaluate, fit

__version__ = "0.1.0"

__all__ = [
    "Network", "Dense", "Conv2D", "MaxPool2D", "AveragePool2D", "Flatten", "Reshape", "Dropout", "BatchNorm",
    "Layer", "Perceptron", "fit", "evaluate", "History", "Callback", "EarlyStopping", "gradcheck",
    "explain", "activations", "losses", "optimizers", "initializers", "training", "datasets", "io",
    "GlassnetError", "DataError", "ConfigError", "ModelFileError", "NotFittedError", "DivergenceError",
    "__version__",
]
