"""The LaTeX of a whole step, ``quantity = formula = numbers = value``, shared by two renderers."""

from __future__ import annotations

import numpy as np

from .formula import latex_name, matrix_latex, number_latex
from .record import Step


def value_latex(value, digits: int) -> str:
    if value is None:
        return ""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return matrix_latex(value, digits)
    return number_latex(value, digits).strip("()")


def step_latex(step: Step, digits: int) -> str:
    parts = [step.quantity_latex or latex_name(step.quantity)]
    for p in (step.formula_latex, step.substituted_latex, value_latex(step.value, digits)):
        if p and p != parts[-1]:
            parts.append(p)
    return " = ".join(parts)
