"""Layers: each one a small module, all under one contract (see :mod:`.base`)."""

from .base import Layer
from .batchnorm import BatchNorm
from .conv import Conv2D
from .dense import Dense
from .dropout import Dropout
from .pooling import AveragePool2D, MaxPool2D
from .reshape import Flatten, Reshape

__all__ = ["Layer", "Dense", "Conv2D", "MaxPool2D", "AveragePool2D", "Flatten", "Reshape", "Dropout", "BatchNorm"]
