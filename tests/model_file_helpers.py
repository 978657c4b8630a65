"""Helpers shared by the model-file tests (io, checkpoints, safe writes); the ``saved`` fixture is in conftest.py."""

from __future__ import annotations

from glassnet import Dense, Network


def small_net(dtype="float64", seed=0):
    return Network([Dense(3, "tanh"), Dense(2, "sigmoid")], loss="mse", input_shape=2, dtype=dtype, seed=seed)
