"""Notebook 04's exercises: directional_check, with each mistake submitted on purpose, and the
three choices about halving the nudge."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_mistake

from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.gradient_checking import _plain, cases, directional_check

EX = exercise("directional_check")


def by_numpy(f, xs, grad, v, h):
    """Another right answer: NumPy arrays and np.dot, the sums in another order."""
    x, g, d = np.array(xs), np.array(grad), np.array(v)
    a = float(np.dot(g, d))
    n = (f(list(x + h * d)) - f(list(x - h * d))) / (2 * h)
    return abs(a - n) / max(abs(a), abs(n))


def parts(f, xs, grad, v, h):
    """a = <grad, v> and the three values of f a learner may use."""
    a = sum(g * vi for g, vi in zip(grad, v))
    up = f([x + h * vi for x, vi in zip(xs, v)])
    down = f([x - h * vi for x, vi in zip(xs, v)])
    return a, up, down, f(list(xs))


def test_right_answers_pass() -> None:
    assert EX.accepts(directional_check)
    assert EX.accepts(by_numpy)


def test_the_cases_have_a_wrong_gradient_both_ways_and_the_true_one() -> None:
    ratios = []
    for what, g, xs, grad, v, h in cases():
        f = _plain(g)
        a, up, down, _ = parts(f, xs, grad, v, h)
        n = (up - down) / (2 * h)
        ratios.append(a / n)
        assert n > 0, what  # v points uphill
    assert math.isclose(ratios[0], 1.25, rel_tol=1e-5)  # a above n
    assert math.isclose(ratios[1], 0.8, rel_tol=1e-5)  # a below n
    assert all(math.isclose(r, 1.0, rel_tol=1e-8) for r in ratios[2:])  # the true gradients


def test_finite_difference_slips_are_named() -> None:
    def one_sided(f, xs, grad, v, h):
        a, up, _, here = parts(f, xs, grad, v, h)
        n = (up - here) / h
        return abs(a - n) / max(abs(a), abs(n))

    def one_sided_down(f, xs, grad, v, h):
        a, _, down, here = parts(f, xs, grad, v, h)
        n = (here - down) / h
        return abs(a - n) / max(abs(a), abs(n))

    def over_h(f, xs, grad, v, h):
        a, up, down, _ = parts(f, xs, grad, v, h)
        n = (up - down) / h
        return abs(a - n) / max(abs(a), abs(n))

    def every_x_by_h(f, xs, grad, v, h):
        a = sum(g * vi for g, vi in zip(grad, v))
        n = (f([x + h for x in xs]) - f([x - h for x in xs])) / (2 * h)
        return abs(a - n) / max(abs(a), abs(n))

    assert_mistake(EX, one_sided, "one-sided difference (f(x + h v) - f(x)) / h",
                   "(reread 'A gradient check along a random direction')")  # fmt: skip
    assert_mistake(EX, one_sided_down, "one-sided difference (f(x) - f(x - h v)) / h")
    assert_mistake(EX, over_h, "divides by h instead of 2h")
    assert_mistake(EX, every_x_by_h, "nudges every x_i by h, not by h·v_i")


def test_a_slope_without_v_is_named() -> None:
    def sum_of_grad(f, xs, grad, v, h):
        _, up, down, _ = parts(f, xs, grad, v, h)
        a, n = sum(grad), (up - down) / (2 * h)
        return abs(a - n) / max(abs(a), abs(n))

    assert_mistake(EX, sum_of_grad, "a is sum(grad)", "sum(grad[i] * v[i])")


def test_relative_error_slips_are_named() -> None:
    def relative(top, bottom):
        def answer(f, xs, grad, v, h):
            a, up, down, _ = parts(f, xs, grad, v, h)
            n = (up - down) / (2 * h)
            return top(a, n) / bottom(a, n)

        return answer

    def difference(a, n):
        return abs(a - n)

    def one(a, n):
        return 1.0

    assert_mistake(EX, relative(lambda a, n: a - n, lambda a, n: max(abs(a), abs(n))),
                   "a - n without the absolute value")  # fmt: skip
    assert_mistake(EX, relative(lambda a, n: n - a, lambda a, n: max(abs(a), abs(n))),
                   "n - a without the absolute value")  # fmt: skip
    assert_mistake(EX, relative(difference, one), "the absolute error |a - n|")
    assert_mistake(EX, relative(difference, lambda a, n: abs(a)), "divides by |a| alone")
    assert_mistake(EX, relative(difference, lambda a, n: abs(n)), "divides by |n| alone")
    assert_mistake(EX, relative(difference, lambda a, n: abs(a) + abs(n)), "divides by |a| + |n|")


def test_odd_results_are_named() -> None:
    def the_pair(f, xs, grad, v, h):
        a, up, down, _ = parts(f, xs, grad, v, h)
        return a, (up - down) / (2 * h)

    def in_place(f, xs, grad, v, h):
        result = directional_check(f, xs, grad, v, h)
        for i, vi in enumerate(v):
            xs[i] += h * vi  # nudged, and never put back
        return result

    def negative(f, xs, grad, v, h):
        return -directional_check(f, xs, grad, v, h) - 1.0

    def big_on_the_truth(f, xs, grad, v, h):
        return directional_check(f, xs, grad, v, h) + 0.01

    assert_mistake(EX, the_pair, "return one number, the relative error")
    assert_mistake(EX, in_place, "changed the list xs it was given")
    assert_mistake(EX, negative, "a relative error is never negative")
    assert_mistake(
        EX, big_on_the_truth, "a gradient whose entry 1 is wrong", "the relative error is 0.2"
    )


@pytest.mark.parametrize(
    ("name", "right", "named"),
    [
        ("one_sided_halved", "halve", {"quarter": "that is the central difference"}),
        ("central_halved", "quarter", {"halve": "that is the one-sided difference"}),
        ("rounding_halved", "double", {"quarter": "rounding rules", "halve": "rounding does"}),
    ],
)
def test_halving_the_nudge(name: str, right: str, named: dict[str, str]) -> None:
    # The measured answers are the ones the error model gives: truncation error ~ h for the
    # one-sided difference, ~ h² for the central one, rounding error ~ 1/h.
    ex = exercise(name)
    assert ex.solution() == right
    assert ex.accepts(right.upper())
    for wrong, words in named.items():
        assert_mistake(ex, wrong, words, "(reread 'How big a nudge?')")
    assert_mistake(ex, "stay", "not it")
