"""The notebooks' exercise checkers: right, wrong, not answered, and odd answers."""

from __future__ import annotations

import pytest

from micrograd_notes.exercises import Exercise


def test_number_exercise_accepts_the_right_answer_and_says_why_a_wrong_one_is_wrong(capsys) -> None:
    ex = Exercise.number("d(x*x)/dx at x=3?", 6.0, hint="the product rule")
    assert ex.accepts(6.0) and ex.accepts(6) and ex.accepts(6.0 + 1e-9)
    assert not ex.accepts(5.0) and not ex.accepts(True)
    assert ex.check(6.0) is True
    assert ex.check(9.0) is False
    out = capsys.readouterr().out
    assert "-> right" in out and "9.0 is too high; hint: the product rule" in out


def test_an_unanswered_exercise_says_so_and_does_not_raise(capsys) -> None:
    ex = Exercise.number("anything", 1.0)
    assert ex.check(...) is False
    assert not ex.accepts(...)
    assert "not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize("answer", ["6", None, [6.0], object()])
def test_odd_answers_get_a_message_not_a_traceback(answer) -> None:
    problem = Exercise.number("q", 6.0).problem(answer)
    assert problem is not None and "expected a number" in problem


def test_a_judge_that_raises_is_reported_as_a_problem() -> None:
    ex = Exercise("length?", lambda answer: None if len(answer) == 2 else "wrong length")
    assert ex.accepts([1, 2]) and not ex.accepts([1])
    assert "TypeError" in (ex.problem(3) or "")


def test_choice_exercise() -> None:
    ex = Exercise.choice("which grows?", ["forward", "backward"], "forward", hint="count passes")
    assert ex.accepts("forward")
    assert "not it; hint: count passes" in (ex.problem("backward") or "")
    assert "one of" in (ex.problem("sideways") or "")
    with pytest.raises(ValueError, match="not among the options"):
        Exercise.choice("q", ["a"], "b")
