"""The exercise framework: the three kinds, the catalogue, and answers no checker foresaw."""

from __future__ import annotations

import math
import re
import sys
from fractions import Fraction

import numpy as np
import pytest
from helpers import (
    in_a_thread,
    notebook_headings,
    notebook_outputs,
    notebook_source,
    solution_leaks,
)

from micrograd_notes import Gate, Value
from micrograd_notes.exercises import catalog, choice, code, core, exercise, number
from micrograd_notes.exercises.core import MODULES, Wrong, agrees, call, describe, is_stub

EXACT = 0.0474394


def slope() -> core.Exercise:
    return number(
        "slope",
        "00",
        "a slope",
        EXACT,
        section="A derivative is a slope you can measure",
        mistakes={2 * EXACT: "that divides by h instead of 2h"},
        hint="a hint",
    )


# ---- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        EXACT,
        0.047439,
        0.04744,
        0.04743,
        np.float64(0.047439),
        np.float32(0.04744),
        np.array(0.04744),
    ],
)
def test_a_number_worked_out_by_hand_to_4_significant_figures_passes(answer) -> None:
    assert slope().accepts(answer)
    assert slope().problem(answer) is None


@pytest.mark.parametrize("answer", [0.04746, 0.0474, 0.047, -EXACT, 0.474394])
def test_a_number_off_in_its_4th_significant_figure_or_more_is_wrong(answer) -> None:
    assert not slope().accepts(answer)


def test_agreement_is_one_unit_of_the_4th_significant_figure() -> None:
    assert agrees(1234.0, 1234.4) and agrees(1235.0, 1234.4) and not agrees(1236.0, 1234.4)
    assert agrees(9.9996, 10.0) and agrees(-2.5e-7, -2.5004e-7)
    assert agrees(0.0, 0.0) and agrees(1e-12, 0.0) and not agrees(1e-3, 0.0)
    assert agrees(0.0, 5.551115123125783e-17)  # zero but for rounding
    assert not agrees(0.0, 3e-9) and agrees(0.0, 3e-9, abs_tol=1e-8)
    assert agrees(70, 70) and not agrees(70.5, 70)


def test_a_wrong_number_is_named_with_its_direction_hint_and_section() -> None:
    assert slope().problem(0.06) == (
        "0.06 is too high; hint: a hint (reread 'A derivative is a slope you can measure')"
    )
    assert slope().problem(0.01).startswith("0.01 is too low")


def test_a_known_wrong_number_says_which_mistake_it_is() -> None:
    problem = slope().problem(0.09488)  # 2 x EXACT, to 4 figures
    assert problem is not None and "divides by h instead of 2h" in problem


@pytest.mark.parametrize(
    "answer", [6, 6.0, np.int64(6), np.float32(6.0), np.array(6.0), Fraction(6)]
)
def test_numpy_scalars_0d_arrays_and_other_reals_are_numbers(answer) -> None:
    assert number("six", "00", "", 6.0, section="").accepts(answer)


# Issue 20, case 11: `nan` was "too low". Case 12: `[0] * 10**6` printed a 3-million-character
# line. (These failed on the old exercises.py, checked through its Exercise.number.)
@pytest.mark.parametrize("build", [slope], ids=["number"])
@pytest.mark.parametrize("bad", [math.nan, np.nan, np.float64("nan"), np.array(np.nan)])
def test_issue_20_case_11_nan_is_not_a_number(build, bad) -> None:
    problem = build().problem(bad)
    assert problem is not None and "nan is not a number" in problem
    assert "too" not in problem


@pytest.mark.parametrize("build", [slope], ids=["number"])
@pytest.mark.parametrize(
    "bad", [math.inf, -math.inf, 10**400, -(10**5000)], ids=["inf", "-inf", "1e400", "-1e5000"]
)
def test_an_infinite_or_overflowing_answer_is_not_a_finite_number(build, bad) -> None:
    problem = build().problem(bad)
    assert problem is not None and re.search("not a finite number|too large to be a float", problem)
    assert len(problem) < 200


@pytest.mark.parametrize("build", [slope], ids=["number"])
@pytest.mark.parametrize(
    "bad",
    [[0] * 10**6, "x" * 10**6, b"y" * 10**6, tuple(range(10**5)), {i: i for i in range(10**5)}],
    ids=["list", "str", "bytes", "tuple", "dict"],
)
def test_issue_20_case_12_a_huge_answer_gets_one_short_line(build, bad, capsys) -> None:
    assert build().check(bad) is False
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and len(out) < 300, out[:300]


@pytest.mark.parametrize("bad", ["6", None, [6.0], True, 3 + 1j, Value(6.0), object()])
def test_odd_answers_to_a_number_exercise_say_what_was_expected(bad) -> None:
    problem = number("six", "00", "", 6.0, section="S").problem(bad)
    assert problem is not None and problem.startswith("expected a number")
    assert "reread" not in problem  # a form problem, not a misunderstanding


def test_a_value_is_told_to_give_its_data_or_grad() -> None:
    assert ".data or its .grad" in (
        number("six", "00", "", 6.0, section="").problem(Value(6.0)) or ""
    )


def test_a_number_exercise_refuses_a_non_finite_expected_value() -> None:
    with pytest.raises(ValueError, match="must be finite"):
        number("bad", "00", "", math.nan, section="")


# ---- choices ------------------------------------------------------------------------------------


def shrink() -> core.Exercise:
    return choice(
        "shrink",
        "04",
        "how the error shrinks",
        ["halve", "quarter", "stay the same"],
        "quarter",
        section="S",
        mistakes={"halve": "that is the one-sided difference"},
    )


@pytest.mark.parametrize("answer", ["quarter", "Quarter", " QUARTER ", "quar ter"])
def test_a_choice_is_case_and_space_insensitive(answer) -> None:
    assert shrink().accepts(answer)


def test_options_may_be_written_with_spaces_hyphens_or_underscores() -> None:
    ex = choice("c", "05", "", ["cross-entropy", "mse"], "cross-entropy", section="")
    assert ex.accepts("Cross Entropy") and ex.accepts("cross_entropy") and not ex.accepts("mse")


def test_a_wrong_choice_is_named_and_a_known_one_explained() -> None:
    assert shrink().problem("Halve") == "'Halve': that is the one-sided difference (reread 'S')"
    assert shrink().problem("stay the same") == "'stay the same': not it (reread 'S')"


@pytest.mark.parametrize("bad", ["sideways", "q" * 10**6, 4, None, ["quarter"]])
def test_an_answer_that_is_no_option_lists_the_options(bad) -> None:
    problem = shrink().problem(bad)
    assert problem is not None and "'halve', 'quarter', 'stay the same'" in problem
    assert len(problem) < 300


def test_a_choice_exercise_refuses_options_that_read_the_same_or_a_missing_answer() -> None:
    with pytest.raises(ValueError, match="read the same"):
        choice("c", "00", "", ["a b", "AB"], "a b", section="")
    with pytest.raises(ValueError, match="not among the options"):
        choice("c", "00", "", ["a"], "b", section="")


def test_a_choice_may_work_its_right_option_out_at_the_first_check() -> None:
    # gates.py's bigger_feature needs NumPy to work its option out; the module must import
    # without NumPy in the browser, so the option is worked out when first needed, once.
    calls = []

    def work_out() -> str:
        calls.append("called")
        return "quarter"

    ex = choice("c", "04", "", ["halve", "quarter"], work_out, section="S")
    assert calls == []
    assert ex.accepts(" Quarter") and ex.problem("halve") == "'halve': not it (reread 'S')"
    assert ex.solution() == "quarter" and calls == ["called"]
    wrong = choice("c", "04", "", ["halve", "quarter"], lambda: "double", section="S")
    assert "not among the options" in (wrong.problem("halve") or "")


# ---- code ---------------------------------------------------------------------------------------


def double_list(xs):
    """The solution of a small code exercise."""
    return [2 * x for x in xs]


def judge_double(answer) -> None:
    got = call(answer, [1.0, 2.5], what="double([1.0, 2.5])")
    if got != [2.0, 5.0]:
        raise Wrong(f"double([1.0, 2.5]) gives {describe(got)}")


def doubling() -> core.Exercise:
    starter = 'def double(xs):\n    """Each x times 2."""\n    ...\n'
    return code(
        "double", "00", "", starter=starter, solution=double_list, judge=judge_double, section="S"
    )


def test_a_code_exercise_starts_not_answered_and_its_starter_says_so(capsys) -> None:
    ex = doubling()
    namespace: dict = {}
    exec(ex.starter, namespace)
    for answer in (..., namespace["double"]):
        assert ex.grade(answer).status == "not answered"
        assert ex.check(answer) is False
    assert capsys.readouterr().out.splitlines() == [
        "double: not answered yet: replace the ... with your answer",
        "double: not answered yet: write the body of double (it is still ...)",
    ]
    assert ex.accepts(ex.solution())


def test_a_function_that_raises_is_named_with_its_line() -> None:
    def double(xs):
        total = 0
        return [x / total for x in xs]

    problem = doubling().problem(double)
    assert problem == (
        "double([1.0, 2.5]) raised ZeroDivisionError: float division by zero at line "
        f"{double.__code__.co_firstlineno + 2}: return [x / total for x in xs] (reread 'S')"
    )


def test_the_line_named_is_the_learners_deepest_even_inside_numpy_or_the_engine() -> None:
    def helper(xs):
        return np.ones((2, 3)) @ np.ones((2, 3))

    def double(xs):
        return helper(xs)

    problem = doubling().problem(double) or ""
    assert "ValueError" in problem and "return np.ones((2, 3)) @ np.ones((2, 3))" in problem

    def engine_error(xs):
        return [Value(x).log() * 0 for x in [-1.0]]

    assert "Value(x).log()" in (doubling().problem(engine_error) or "")


def test_a_function_that_returns_none_is_not_answered_yet() -> None:
    def double(xs):
        [2 * x for x in xs]

    ex = code(
        "double",
        "00",
        "",
        starter="",
        solution=double_list,
        judge=lambda f: core.call_answer(f, [1.0], what="double([1.0])"),
        section="",
    )
    grade = ex.grade(double)
    assert grade.status == "not answered" and "returned None" in (grade.message or "")


def test_an_endless_loop_is_stopped_by_the_time_limit(monkeypatch) -> None:
    monkeypatch.setattr(core, "TIME_LIMIT", 0.2)

    def double(xs):
        n = 0
        while True:
            try:
                n += 1
            except Exception:  # a learner's broad except cannot swallow the time limit
                n = 0

    problem = doubling().problem(double)
    assert problem == "the check took longer than 0.2 s: does your code loop forever?"


def test_where_no_timer_signal_rings_the_clock_stops_an_endless_loop(monkeypatch) -> None:
    monkeypatch.setattr(core, "TIME_LIMIT", 0.2)

    def double(xs):
        n = 0
        while True:
            try:
                n += 1
            except Exception:
                n = 0

    assert in_a_thread(doubling().problem, double) == (
        "the check took longer than 0.2 s: does your code loop forever?",
        None,  # the trace function is gone
    )
    assert in_a_thread(doubling().grade, double_list) == (core.Grade("right", None), None)


def test_the_clock_leaves_a_debuggers_trace_function_alone() -> None:
    def debugger(frame, event, arg):
        return None

    def check_under_a_debugger():
        sys.settrace(debugger)
        with core.time_limit(1.0):
            inside = sys.gettrace()
        return inside

    assert in_a_thread(check_under_a_debugger) == (debugger, debugger)


def test_the_time_limit_leaves_no_timer_or_handler_behind() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    doubling().problem(double_list)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize(
    "answer",
    [
        lambda: [2.0, 5.0],  # wrong arity
        lambda xs: exit(3),  # SystemExit
        lambda xs: "x" * 10**6,
        lambda xs: [0] * 10**6,
        42,
        None,
    ],
    ids=["arity", "exit", "string", "huge-list", "int", "none"],
)
def test_hostile_code_answers_get_one_short_line(answer, capsys) -> None:
    assert doubling().check(answer) is False
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and len(out) <= 320, out


def test_is_stub_knows_a_starter_from_an_answer() -> None:
    def empty(a, b):
        """A docstring."""
        ...

    def passes():
        pass

    class Stubbed:
        def forward(self, a): ...

        def backward(self, out): ...

    class Half(Stubbed):
        def forward(self, a):
            return a

    assert is_stub(empty) and is_stub(passes) and is_stub(Stubbed)
    assert not is_stub(double_list) and not is_stub(Half) and not is_stub(lambda: 1)
    assert not is_stub(42) and not is_stub(...)


def test_a_checker_that_fails_on_an_odd_answer_still_answers_in_one_line() -> None:
    def judge(answer) -> None:
        len(answer)  # a checker bug: TypeError on a function

    ex = code("c", "00", "", starter="", solution=1, judge=judge, section="S")
    problem = ex.problem(lambda: 3) or ""
    assert problem.startswith("could not check this answer (TypeError")


def test_describe_never_raises_and_stays_short() -> None:
    class Rude:
        def __repr__(self):
            raise RuntimeError("no")

    assert describe(Rude()).startswith("Rude <Rude")
    assert describe(10**10000) == "an int of about 10,000 digits"
    assert len(describe("z" * 10**6)) < 100 and len(describe(list(range(10**6)))) < 100


# ---- the catalogue ---------------------------------------------------------------------------


def test_the_catalogue_is_in_course_order_and_refuses_a_name_twice(monkeypatch) -> None:
    exercises = catalog()
    prefixes = [ex.notebook for ex in exercises.values()]
    assert prefixes == sorted(prefixes)
    assert all(name == ex.name for name, ex in exercises.items())
    assert all(re.fullmatch(r"\d\d", ex.notebook) for ex in exercises.values())
    assert {"numerical_gradient", "gate_backward", "topological_order", "softmax_ce_backward",
            "linear_backward", "conv1d_backward"} <= set(exercises)  # fmt: skip
    from micrograd_notes.exercises import convolution

    monkeypatch.setattr(
        convolution, "EXERCISES", [*convolution.EXERCISES, exercises["numerical_gradient"]]
    )
    with pytest.raises(ValueError, match="two exercises are named 'numerical_gradient'"):
        catalog()


def test_each_module_holds_the_exercises_of_its_own_notebook() -> None:
    for index, module_name in enumerate(MODULES):
        try:
            module = __import__(f"micrograd_notes.exercises.{module_name}", fromlist=["x"])
        except ModuleNotFoundError:
            continue
        assert {ex.notebook for ex in module.EXERCISES} <= {f"{index:02d}"}, module_name


@pytest.mark.parametrize("ex", list(catalog().values()), ids=lambda ex: ex.name)
def test_every_solution_passes_its_own_checker(ex) -> None:
    assert ex.problem(ex.solution()) is None
    assert ex.accepts(ex.solution())


@pytest.mark.parametrize("ex", list(catalog().values()), ids=lambda ex: ex.name)
def test_every_exercise_names_a_section_of_its_notebook(ex) -> None:
    assert ex.section in notebook_headings(ex.notebook), ex.section


def test_every_number_solution_rounded_to_4_significant_figures_passes() -> None:
    numbers = [ex for ex in catalog().values() if ex.kind == "number"]
    for ex in [*numbers, slope()]:  # slope(): so that the loop is never empty
        assert ex.accepts(float(f"{ex.solution():.4g}")), ex.name


@pytest.mark.parametrize(
    "ex", [ex for ex in catalog().values() if ex.kind == "code"], ids=lambda ex: ex.name
)
def test_every_code_starter_is_a_signature_and_dots_that_the_notebook_can_run(ex) -> None:
    namespace: dict = {}
    exec("from micrograd_notes import Gate\n" + ex.starter, namespace)
    assert ex.starter.rstrip().endswith("...")
    assert ex.grade(namespace[ex.answer_name]).status == "not answered"


def test_no_number_solution_appears_in_its_notebook() -> None:
    # Neither in what the notebook says and computes nor in what it prints.
    for ex in catalog().values():
        if ex.kind == "number":
            text = notebook_source(ex.notebook) + notebook_outputs(ex.notebook)
            assert not solution_leaks(text, ex.solution()), ex.name


def test_the_leak_search_finds_a_solution_written_in_a_notebook() -> None:
    text = "# the slope is 0.04744 here\nx = 4.744e-2\ny = 0.0474\nn = 12\n"
    assert solution_leaks(text, EXACT) == ["0.04744", "4.744e-2"]
    assert solution_leaks(text, -EXACT) == ["0.04744", "4.744e-2"]
    assert solution_leaks(text, 12.0) == []  # small whole numbers: too common to search


def test_an_unknown_name_is_a_key_error_naming_the_close_ones() -> None:
    with pytest.raises(KeyError) as caught:
        exercise("linear_backwards")
    assert str(caught.value).startswith(
        "no exercise is named 'linear_backwards'; did you mean 'linear_backward'"
    )
    with pytest.raises(KeyError, match="no exercise is named 42"):
        exercise(42)  # type: ignore[arg-type]
    assert exercise("linear_backward").name == "linear_backward"


def raises(*args):
    raise RuntimeError("x" * 10**6)


def loops(*args):
    n = 0
    while True:  # a body of its own: Python 3.11 traces no line of `while True: pass`
        n += 1


HOSTILE = {
    "raises": raises,
    "a-string": lambda *args: "x" * 10**6,
    "a-huge-list": lambda *args: [0] * 10**6,
    "a-nested-list": lambda *args: [[[0] * 1000] * 1000],
    "no-arguments": lambda: None,
    "an-int": 42,
    "none": None,
    "a-class": dict,
    "exits": lambda *args: exit(1),
}


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize(
    "ex", [ex for ex in catalog().values() if ex.kind == "code"], ids=lambda ex: ex.name
)
def test_every_code_checker_answers_a_hostile_answer_in_one_short_line(ex, name, capsys) -> None:
    assert ex.check(HOSTILE[name]) is False
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and len(out) <= 320, out


@pytest.mark.parametrize(
    "ex", [ex for ex in catalog().values() if ex.kind == "code"], ids=lambda ex: ex.name
)
@pytest.mark.parametrize("where", ["main thread", "a thread, as in the browser"])
def test_every_code_checker_stops_an_endless_loop(ex, where, monkeypatch) -> None:
    monkeypatch.setattr(core, "TIME_LIMIT", 0.2)
    if ex.name == "gate_backward":
        answer = type("Softplus", (Gate,), {"forward": loops, "backward": loops})
    else:
        answer = loops
    said = ex.problem(answer) if where == "main thread" else in_a_thread(ex.problem, answer)[0]
    assert said == "the check took longer than 0.2 s: does your code loop forever?"
