"""Notebook 13's exercises: damped_newton_step, with each mistake submitted on purpose, and
the number and choice exercises."""

from __future__ import annotations

import itertools
import math

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value, grad, hessian
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.higher_order import CASES, damped_newton_step

EX = exercise("damped_newton_step")


def value(f, point):
    return f(*[Value(float(c)) for c in point]).data


def newton_direction(f, point):
    """d = −H⁻¹·∇f, and ∇f, at the point."""
    g = np.array([d.data for d in grad(f, tuple(range(len(point))))(*point)])
    return -np.linalg.solve(np.array(hessian(f)(*point)), g), g


def stepper(direction=lambda d, g: d, halve=True, fallback=True, give=lambda x, new: new):
    """A damped_newton_step written here, with the mistakes asked for (none by default)."""

    def answer(f, point):
        x = np.array(point)
        d, g = newton_direction(f, point)
        step = direction(d, g)
        start = value(f, x)
        for k in range(31 if halve else 1):
            if value(f, x + step / 2**k) < start:
                return list(give(x, x + step / 2**k))
        return list(give(x, x if fallback else x + step))

    return answer


def test_the_cases_need_three_halvings_two_none_and_the_fallback() -> None:
    halvings = []
    for f, _, point in CASES:
        d, _ = newton_direction(f, point)
        x, start = np.array(point), value(f, point)
        lower = [k for k in range(31) if value(f, x + d / 2**k) < start]
        halvings.append(lower[0] if lower else None)
        if lower:
            assert np.allclose(damped_newton_step(f, point), x + d / 2 ** lower[0], rtol=1e-15)
        else:
            assert damped_newton_step(f, point) == point
    assert halvings == [3, 2, 0, None]


def test_the_solution_agrees_with_newtons_step_from_finite_differences() -> None:
    # ∇f and H by central differences of f alone: where the full step is taken, the same.
    f, _, point = CASES[2]
    h, n = 1e-4, len(point)
    x, e = np.array(point), np.eye(len(point)) * 1e-4
    g = np.array([(value(f, x + e[i]) - value(f, x - e[i])) / (2 * h) for i in range(n)])
    H = np.array(
        [
            [
                (value(f, x + e[i] + e[j]) - value(f, x + e[i] - e[j]) - value(f, x - e[i] + e[j])
                 + value(f, x - e[i] - e[j])) / (4 * h * h)
                for j in range(n)
            ]
            for i in range(n)
        ]
    )  # fmt: skip
    assert np.allclose(damped_newton_step(f, point), x - np.linalg.solve(H, g), rtol=1e-5)


def test_the_damped_step_reaches_rosenbrocks_minimum_going_downhill_all_the_way() -> None:
    f, _, _ = CASES[0]
    point, values = [-1.2, 1.0], []
    for _ in range(40):
        values.append(value(f, point))
        point = damped_newton_step(f, point)
    assert np.allclose(point, [1.0, 1.0], atol=1e-8)
    assert all(b <= a for a, b in itertools.pairwise(values))


def test_a_hand_written_right_step_is_accepted_as_a_list_or_an_array() -> None:
    assert EX.accepts(stepper())
    assert EX.accepts(lambda f, p: np.array(damped_newton_step(f, p)))


def test_the_full_step_without_a_line_search_is_named() -> None:
    message = assert_mistake(EX, stepper(halve=False, fallback=False), "raises f", "halve it")
    assert "from 4.731 to 1397" in message  # the first case: near Newton's step 1 on the valley


def test_halving_once_too_often_is_named() -> None:
    def always_halved(f, point):
        x = np.array(point)
        d, _ = newton_direction(f, point)
        start = value(f, x)
        for k in range(1, 31):
            if value(f, x + d / 2**k) < start:
                return list(x + d / 2**k)
        return list(x)

    assert_mistake(EX, always_halved, "the full step already lowers f here")


def test_a_gradient_step_is_named() -> None:
    assert_mistake(EX, lambda f, p: list(np.array(p) - newton_direction(f, p)[1]), "gradient step")


def test_the_wrong_sign_is_named() -> None:
    assert_mistake(EX, stepper(direction=lambda d, g: -d), "goes the wrong way")


def test_returning_the_step_instead_of_the_point_is_named() -> None:
    assert_mistake(EX, stepper(give=lambda x, new: new - x), "the step itself")


def test_a_missing_fallback_on_the_hill_is_named() -> None:
    # No halving lowers f at the hill's side: the loop ends and the full step is returned.
    message = assert_mistake(EX, stepper(fallback=False), "a hill", "raises f")
    assert "from -0.415 to 0" in message


def test_an_endless_halving_loop_is_stopped(monkeypatch) -> None:
    from micrograd_notes.exercises import core

    monkeypatch.setattr(core, "TIME_LIMIT", 1.0)

    def forever(f, point):
        x = np.array(point)
        d, _ = newton_direction(f, point)
        while value(f, x + d) >= value(f, x):  # d underflows to 0, and then x + 0 = x
            d = d / 2
        return list(x + d)

    assert_mistake(EX, forever, "loop forever")


def test_values_in_place_of_numbers_are_named() -> None:
    def values(f, point):
        return [Value(c) for c in damped_newton_step(f, point)]

    assert_mistake(EX, values, "returned Values", ".data")


def test_the_curvature_and_its_mistakes() -> None:
    ex = exercise("curvature")
    x = 0.5
    slope, bend = 2 * x / (1 + x * x), 2 * (1 - x * x) / (1 + x * x) ** 2  # of ln(1 + x²)
    kappa = bend / (1 + slope**2) ** 1.5
    assert ex.accepts(kappa) and ex.accepts(float(f"{kappa:.4g}"))
    assert "f″ alone" in ex.problem(bend)
    assert "the radius" in ex.problem(1 / kappa)
    assert "not 1/2" in ex.problem(bend / math.sqrt(1 + slope**2))
    assert "not 1" in ex.problem(bend / (1 + slope**2))


def test_an_hvp_costs_a_few_gradients() -> None:
    ex = exercise("hvp_cost")
    assert ex.accepts("A few gradients")
    assert "one sweep per parameter" in ex.problem("a million gradients")
    assert "does not grow" in ex.problem("a thousand gradients")
