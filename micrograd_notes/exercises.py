"""Exercises for the walkthroughs: the learner writes an answer, a checker says right or wrong.

Each notebook ends with a few "change this and predict the result" questions. An answer cell
starts as ``...`` (Python's Ellipsis, meaning "not answered yet"), so a notebook runs top to
bottom before the learner has tried anything. The checker never raises: it prints one line,
``right``, ``not answered yet``, or what is wrong, and returns True or False.

The notebooks end with an "Answers" section that asserts ``accepts(right)`` and
``not accepts(wrong)`` for each exercise, so the test suite proves every exercise can be solved
and that its checker tells a right answer from a wrong one.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOT_ANSWERED: Any = ...


@dataclass(frozen=True)
class Exercise:
    """A question and a judge: ``judge(answer)`` returns None when right, else what is wrong."""

    question: str
    judge: Callable[[Any], str | None]

    def problem(self, answer: Any) -> str | None:
        """What is wrong with ``answer`` (None when it is right)."""
        if answer is NOT_ANSWERED:
            return "not answered yet: replace the ... with your answer"
        try:
            return self.judge(answer)
        except Exception as error:  # a learner's odd answer must never crash the notebook
            return f"could not check this answer ({type(error).__name__}: {error})"

    def accepts(self, answer: Any) -> bool:
        """True when ``answer`` is right, silently."""
        return answer is not NOT_ANSWERED and self.problem(answer) is None

    def check(self, answer: Any) -> bool:
        """Print one line saying whether ``answer`` is right, and return that."""
        problem = self.problem(answer)
        print(f"{self.question}\n  -> " + ("right" if problem is None else problem))
        return problem is None

    @classmethod
    def number(
        cls,
        question: str,
        expected: float,
        *,
        rel_tol: float = 1e-6,
        abs_tol: float = 1e-9,
        hint: str = "",
    ) -> Exercise:
        """A numeric answer, right when it is within rel_tol or abs_tol of expected."""

        def judge(answer: Any) -> str | None:
            if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
                return f"expected a number, got {type(answer).__name__}: {answer!r}"
            given = float(answer)
            if math.isclose(given, expected, rel_tol=rel_tol, abs_tol=abs_tol):
                return None
            direction = "too high" if given > expected else "too low"
            return f"{answer!r} is {direction}" + (f"; hint: {hint}" if hint else "")

        return cls(question, judge)

    @classmethod
    def choice(cls, question: str, options: list[str], right: str, *, hint: str = "") -> Exercise:
        """An exercise whose answer is one of ``options`` (a string)."""
        if right not in options:
            raise ValueError(f"the right answer {right!r} is not among the options {options}")

        def judge(answer: Any) -> str | None:
            if answer not in options:
                return f"answer with one of {options}, got {answer!r}"
            if answer == right:
                return None
            return f"{answer!r} is not it" + (f"; hint: {hint}" if hint else "")

        return cls(question, judge)
