"""Exercises: the learner writes an answer, a checker says right or names the mistake.

In a notebook::

    from micrograd_notes.exercises import exercise

    def linear_backward(X, W, b, dY):      # the starter: exercise("linear_backward").starter
        ...

    exercise("linear_backward").check(linear_backward)   # prints one line, returns a bool

``catalog()`` lists every exercise in course order; each has ``name``, ``notebook`` (two
digits), ``kind`` ("code", "number" or "choice"), ``section``, ``problem(answer)``,
``accepts(answer)``, ``check(answer)`` and ``solution()``; code exercises also ``starter``.
``micrograd-notes exercises PATH`` grades a notebook or a Python file of answers.
The framework is in ``core.py``, the array-mistake recognisers in ``mistakes.py``, and each
notebook's exercises and solutions in a module of their own (``matrices.py`` for 08, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from micrograd_notes.exercises import core
from micrograd_notes.exercises.core import (
    Grade,
    NotAnswered,
    Wrong,
    catalog,
    choice,
    code,
    exercise,
    number,
)

__all__ = [
    "Exercise",
    "Grade",
    "NotAnswered",
    "Wrong",
    "catalog",
    "choice",
    "code",
    "exercise",
    "number",
]


# ================================================================================================
# LEGACY, to delete once every notebook uses exercise(name): the old notebooks' spelling,
# ``Exercise.number(question, expected, hint=...)`` and ``Exercise.choice(question, options,
# right, hint=...)``, built with the new kinds (so nan, huge answers and hand-rounded numbers
# get the new answers). Such an exercise is named by its question and is in no catalogue.
# ================================================================================================


class Exercise:
    """LEGACY: the old notebooks' two constructors. (The class of every exercise is
    ``core.Exercise``; it takes this name when the legacy spelling is deleted.)"""

    @staticmethod
    def number(
        question: str, expected: float, *, hint: str = "", abs_tol: float = 1e-12, **_: Any
    ) -> core.Exercise:
        """LEGACY: a number exercise named by its question (rel_tol is ignored: 4 figures)."""
        return number(question, "", question, expected, section="", hint=hint, abs_tol=abs_tol)

    @staticmethod
    def choice(
        question: str, options: Sequence[str], right: str, *, hint: str = ""
    ) -> core.Exercise:
        """LEGACY: a choice exercise named by its question."""
        return choice(question, "", question, options, right, section="", hint=hint)
