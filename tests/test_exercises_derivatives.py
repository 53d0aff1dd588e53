"""Notebook 00's exercises: numerical_gradient, with each mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_mistake

from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.derivatives import (
    CASES,
    _plain,
    exact_gradient,
    numerical_gradient,
)
from micrograd_notes.exercises.mistakes import ATOL, RTOL

EX = exercise("numerical_gradient")


def test_the_solution_passes_and_so_does_another_right_way_to_write_it() -> None:
    def with_numpy(f, xs, h):
        xs = np.array(xs, dtype=float)
        grads = np.zeros_like(xs)
        for i in range(len(xs)):
            step = np.zeros_like(xs)
            step[i] = h
            grads[i] = (f(list(xs + step)) - f(list(xs - step))) / 2 / h
        return grads

    assert EX.accepts(numerical_gradient)
    assert EX.accepts(with_numpy)


@pytest.mark.parametrize("g, xs, h", CASES)
def test_the_checkers_central_differences_agree_with_the_engines_gradient(g, xs, h) -> None:
    f = _plain(g)
    central = np.array(numerical_gradient(f, xs, h))
    assert np.allclose(central, exact_gradient(g, xs), rtol=0, atol=20 * h**2)  # error ~ h²
    # ...and a one-sided difference is off by far more than the checker's tolerance.
    one_sided = [(f([*xs[:i], x + h, *xs[i + 1 :]]) - f(xs)) / h for i, x in enumerate(xs)]
    tolerance = RTOL * np.abs(central) + ATOL * max(1.0, np.abs(central).max())
    assert np.all(np.abs(one_sided - central) > 100 * tolerance)


def test_a_one_sided_difference_is_named() -> None:
    def forward_only(f, xs, h):
        grads = []
        for i in range(len(xs)):
            up = list(xs)
            up[i] += h
            grads.append((f(up) - f(xs)) / h)
        return grads

    def backward_only(f, xs, h):
        grads = []
        for i in range(len(xs)):
            down = list(xs)
            down[i] -= h
            grads.append((f(xs) - f(down)) / h)
        return grads

    assert_mistake(EX, forward_only, "one-sided difference (f(x + h) - f(x)) / h")
    assert_mistake(EX, backward_only, "one-sided difference (f(x) - f(x - h)) / h")


def test_dividing_by_h_instead_of_2h_or_not_at_all_is_named() -> None:
    def over_h(f, xs, h):
        return [
            (f([*xs[:i], x + h, *xs[i + 1 :]]) - f([*xs[:i], x - h, *xs[i + 1 :]])) / h
            for i, x in enumerate(xs)
        ]

    def undivided(f, xs, h):
        return [
            f([*xs[:i], x + h, *xs[i + 1 :]]) - f([*xs[:i], x - h, *xs[i + 1 :]])
            for i, x in enumerate(xs)
        ]

    assert_mistake(EX, over_h, "divides by h instead of 2h", "(reread 'A derivative is")
    assert_mistake(EX, undivided, "not yet divided by 2h")


def test_nudging_every_input_at_once_is_named() -> None:
    def all_at_once(f, xs, h):
        slope = (f([x + h for x in xs]) - f([x - h for x in xs])) / (2 * h)
        return [slope] * len(xs)

    assert_mistake(EX, all_at_once, "nudges every x at once")


def test_an_h_of_ones_own_is_named() -> None:
    def own_h(f, xs, h):
        return numerical_gradient(f, xs, 1e-6)

    assert_mistake(EX, own_h, "not the central difference with the h you were given")


def test_changing_the_callers_list_is_named() -> None:
    def in_place(f, xs, h):
        grads = []
        for i in range(len(xs)):
            xs[i] += h
            up = f(xs)
            xs[i] -= 2 * h
            down = f(xs)
            xs[i] += h  # x + h - 2h + h is not always x
            grads.append((up - down) / (2 * h))
        return grads

    assert_mistake(EX, in_place, "changed the list xs it was given")


def test_calling_f_with_the_numbers_spread_out_is_named_with_the_line() -> None:
    def spread(f, xs, h):
        up = [x + h for x in xs]
        return [f(*up) for _ in xs]

    assert_mistake(
        EX, spread, "f takes one argument, the list of every x", "return [f(*up) for _ in xs]"
    )


def test_a_wrong_length_and_a_wrong_entry_are_named() -> None:
    def short(f, xs, h):
        return numerical_gradient(f, xs, h)[:-1]

    def off_by_one(f, xs, h):
        grads = numerical_gradient(f, xs, h)
        grads[-1] += 1.0
        return grads

    assert_mistake(EX, short, "has shape (0,); expected (1,)")
    assert_mistake(EX, off_by_one, "the gradient[0] is", "expected")


# ---- the numbers worked out by hand -----------------------------------------------------------


def test_the_slope_of_f_by_hand_passes_and_its_slips_are_named() -> None:
    ex = exercise("slope_of_f")
    assert ex.kind == "number" and ex.accepts(-10.0) and ex.accepts(np.float64(-10))
    assert_mistake(ex, 10.0, "the sign is flipped")
    assert_mistake(ex, 12.0, "the height of the curve")
    assert_mistake(ex, -7.0, "too high", "hint")  # the one-sided difference with h = 1


def test_a_chain_of_two_links_multiplies_and_its_slips_are_named() -> None:
    ex = exercise("chain_of_cube")
    assert ex.accepts(3 * 2.5**2 * 3) and ex.accepts(56.25)
    assert_mistake(ex, 3 * 2.5**2, "dz/dy alone", "(reread 'One path: the chain rule multiplies')")
    assert_mistake(ex, 2 * 2.5 * 3, "z = y², not z = y³")


def test_three_paths_add_and_a_forgotten_one_is_named() -> None:
    ex = exercise("x_used_twice")
    assert ex.accepts(-3.0 + 2 * 2.0)
    assert_mistake(ex, -3.0 + 2.0, "x·x uses x twice", "Two paths: the contributions add")
    assert_mistake(ex, 2 * 2.0, "the path through x·y is missing")


def test_nudging_every_input_at_once_sends_the_learner_to_partial_derivatives() -> None:
    def all_at_once(f, xs, h):
        slope = (f([x + h for x in xs]) - f([x - h for x in xs])) / (2 * h)
        return [slope] * len(xs)

    assert_mistake(EX, all_at_once, "(reread 'Partial derivatives: nudge one input, hold")
