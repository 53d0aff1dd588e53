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

from micrograd_notes.exercises.core import (
    Exercise,
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
