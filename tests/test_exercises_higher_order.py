"""Notebook 13's exercises: newton_step, with each mistake submitted on purpose, and the
number and choice exercises."""

from __future__ import annotations

import math

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value, grad, hessian
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.higher_order import CASES, newton_step

EX = exercise("newton_step")


def slope_and_curvature(f, point):
    """∇f and H at the point, as NumPy arrays."""
    g = np.array([d.data for d in grad(f, tuple(range(len(point))))(*point)])
    return g, np.array(hessian(f)(*point))


def stepper(move):
    """A newton_step that returns move(point, g, H) as a list."""

    def answer(f, point):
        g, H = slope_and_curvature(f, point)
        return list(move(np.array(point), g, H))

    return answer


def test_the_solution_lands_on_the_minimum_of_a_quadratic_in_one_step() -> None:
    def bowl(x, y):
        return 3 * (x - 1) ** 2 + (x - 1) * (y + 2) + 2 * (y + 2) ** 2

    assert np.allclose(newton_step(bowl, [4.0, 5.0]), [1.0, -2.0], rtol=0, atol=1e-12)


def test_the_solution_agrees_with_finite_differences() -> None:
    # ∇f and H by central differences of f alone, then the step x - H⁻¹∇f.
    h = 1e-4
    for f, _, point in CASES:
        n = len(point)

        def value(p, f=f):
            return f(*[Value(c) for c in p]).data

        e = np.eye(n) * h
        x = np.array(point)
        g = np.array([(value(x + e[i]) - value(x - e[i])) / (2 * h) for i in range(n)])
        H = np.array(
            [
                [
                    (value(x + e[i] + e[j]) - value(x + e[i] - e[j]) - value(x - e[i] + e[j])
                     + value(x - e[i] - e[j])) / (4 * h * h)
                    for j in range(n)
                ]
                for i in range(n)
            ]
        )  # fmt: skip
        assert np.allclose(newton_step(f, point), x - np.linalg.solve(H, g), rtol=1e-5, atol=1e-6)


def test_the_cases_start_with_a_valley_whose_hessian_is_far_from_diagonal() -> None:
    f, _, point = CASES[0]
    _, H = slope_and_curvature(f, point)
    assert abs(H[0, 1]) > 0.5 * min(abs(H[0, 0]), abs(H[1, 1]))
    assert sorted(len(p) for _, _, p in CASES) == [1, 2, 3]


def test_a_hand_written_right_step_is_accepted_as_a_list_or_an_array() -> None:
    assert EX.accepts(stepper(lambda x, g, H: x - np.linalg.inv(H) @ g))
    assert EX.accepts(lambda f, p: np.array(newton_step(f, p)))


def test_a_gradient_step_is_named() -> None:
    assert_mistake(EX, stepper(lambda x, g, H: x - g), "a gradient step", "H⁻¹·∇f")


def test_multiplying_by_h_is_named() -> None:
    assert_mistake(EX, stepper(lambda x, g, H: x - H @ g), "steps by H·∇f", "solve")


def test_an_uphill_step_is_named() -> None:
    assert_mistake(
        EX, stepper(lambda x, g, H: x + np.linalg.solve(H, g)), "goes uphill", "x − H⁻¹·∇f"
    )


def test_the_diagonal_only_step_is_named() -> None:
    assert_mistake(
        EX, stepper(lambda x, g, H: x - g / np.diag(H)), "its own curvature H_ii", "off-diagonal"
    )


def test_returning_the_step_instead_of_the_point_is_named() -> None:
    assert_mistake(EX, stepper(lambda x, g, H: np.linalg.solve(H, g)), "the step H⁻¹·∇f itself")


def test_a_step_for_two_variables_only_fails_with_the_line_on_three() -> None:
    def two_by_two(f, point):
        g, H = slope_and_curvature(f, point)
        (a, b), (c, d) = H  # the 2 x 2 inverse written out
        det = a * d - b * c
        return [point[0] - (d * g[0] - b * g[1]) / det, point[1] - (a * g[1] - c * g[0]) / det]

    message = assert_mistake(EX, two_by_two, "f(x, y, z)", "raised ValueError")
    assert "(a, b), (c, d) = H" in message


def test_values_in_place_of_numbers_are_named() -> None:
    def values(f, point):
        return [Value(c) for c in newton_step(f, point)]

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
