"""The few error types glassnet raises.

Every error glassnet raises on purpose derives from :class:`GlassnetError`, so a
caller (or the CLI) can catch them all in one place. Each also derives from the
built-in type a Python user would expect (``ValueError`` for bad values), so
``except ValueError`` keeps working.

Messages name what was wrong, what was expected and what to do about it.
"""

from __future__ import annotations


class GlassnetError(Exception):
    """Base class of every error glassnet raises on purpose."""


class DataError(GlassnetError, ValueError):
    """Input data that cannot be used: wrong shape, NaN/inf, empty, ragged, unreadable.

    The message names the argument, file, line or column at fault.
    """


class ConfigError(GlassnetError, ValueError):
    """A network, layer, activation, loss, optimizer or spec that is set up wrongly."""


class ModelFileError(GlassnetError, ValueError):
    """A model file that cannot be loaded or saved safely. Nothing was run and nothing was lost."""


class NotFittedError(GlassnetError, ValueError):
    """A model used for prediction before it was trained or built."""


class DivergenceError(GlassnetError, ArithmeticError):
    """Training produced a NaN or infinite loss (the last good weights are kept)."""
