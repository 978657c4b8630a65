"""Layers: each one a small module, all under one contract (see :mod:`.base`)."""

from .base import Layer
from .dense import Dense

__all__ = ["Layer", "Dense"]
