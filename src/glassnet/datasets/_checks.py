"""Argument checks and type aliases shared by the dataset modules."""

from __future__ import annotations

import os

import numpy as np

from glassnet.errors import DataError

Seed = int | np.random.Generator | None
PathLike = str | os.PathLike


def _count(value, name: str, minimum: int = 1) -> int:
    """Check that ``value`` is an int >= ``minimum`` (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise DataError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _non_negative(value, name: str) -> float:
    """Check that ``value`` is a number >= 0 (NaN is refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value >= 0:
        raise DataError(f"{name} must be a number >= 0, got {value!r}.")
    return float(value)



def _seed(seed, random_state, default, owner: str):
    """The seed from ``seed`` or scikit-learn's spelling ``random_state`` (not both).

    ``random_state=None`` counts as not given, so ``seed``'s default applies.
    """
    if random_state is None:
        return seed
    seed_given = not (seed is default or (type(seed) is int and type(default) is int and seed == default))
    if seed_given:
        raise DataError(f"{owner} got both seed={seed!r} and random_state={random_state!r}; they are the same "
                        "parameter (random_state is scikit-learn's spelling of seed): give only one.")
    return random_state
