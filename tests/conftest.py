"""Shared fixtures for the tests.

Tests never touch NumPy's global random state: each one takes its own seeded
``Generator`` from the ``rng`` fixture. ``strict_floats`` turns every floating-point
warning into an error (overflow, underflow, invalid, division by zero), so a test
run inside it proves the code is quiet at extreme inputs.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed."""
    return np.random.default_rng(20240611)


@contextlib.contextmanager
def _strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


@pytest.fixture
def strict_floats():
    """A context manager: inside it any NumPy floating-point event or warning raises."""
    return _strict


@pytest.fixture
def saved(tmp_path):
    """A small network (model_file_helpers.small_net) saved to ``model.safetensors``."""
    import glassnet.io as gio
    from model_file_helpers import small_net

    path = tmp_path / "model.safetensors"
    gio.save(small_net(), path)
    return path
