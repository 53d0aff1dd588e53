"""Notebook 00, derivatives and the chain rule: the exercises and their solutions.

``numerical_gradient``: the learner measures every partial derivative of a function of several
inputs with a central difference. The checker runs it on functions the engine computes, and
compares with the central difference at the same h (so only the method is judged, not the
truncation error every central difference has); the engine's ``backward()`` gives the exact
gradient, which names a learner who used an h of their own.

Three numbers worked out by hand: a slope (``slope_of_f``), a chain of two links
(``chain_of_cube``) and an input with three paths (``x_used_twice``). Each expected value is
computed here by the engine's ``backward()`` (``exact_gradient``), never typed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import (
    Wrong,
    call_answer,
    code,
    describe,
    exact_gradient,
    number,
)
from micrograd_notes.exercises.mistakes import Suspect, as_array, close, compare

NOTEBOOK = "00"
SLOPE = "A derivative is a slope you can measure"
PARTIAL = "Partial derivatives: nudge one input, hold the others fixed"
CHAIN = "One path: the chain rule multiplies"
PATHS = "Two paths: the contributions add"

STARTER = '''\
def numerical_gradient(f, xs, h):
    """[df/dx_1, ..., df/dx_n] at the point xs, each by a central difference:
    (f(..., x_i + h, ...) - f(..., x_i - h, ...)) / 2h, nudging one x_i at a time.
    f takes a list of floats and returns a float."""
    ...
'''


def numerical_gradient(
    f: Callable[[list[float]], float], xs: Sequence[float], h: float
) -> list[float]:
    """∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every i."""
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)  # copies: xs itself is never changed
        up[i] += h
        down[i] -= h
        grads.append((f(up) - f(down)) / (2 * h))
    return grads


# Functions with curvature in every input (so a one-sided difference is visibly off), each
# computed by the engine from Values.
def _wave(v: list[Value]) -> Value:
    return (v[0] * 1.5).tanh()


def _mix(v: list[Value]) -> Value:
    return (v[0] * v[1] + v[2]).tanh() + v[0] ** 3 + (v[1] * 0.5).exp() * v[2]


def _bowl(v: list[Value]) -> Value:
    return (
        Value.sum([(x - 0.3 * i) ** 2 * (1.0 + 0.2 * i) for i, x in enumerate(v)])
        + (v[0] * v[4]).sigmoid() * v[2] ** 3
    )


CASES = [
    (_wave, [0.4], 1e-2),
    (_mix, [0.7, -1.2, 0.5], 1e-2),
    (_bowl, [0.2, -0.5, 1.1, 0.9, -1.3], 1e-3),
]


def _plain(g: Callable[[list[Value]], Value]) -> Callable[[Sequence[float]], float]:
    """The engine's function g as one of floats, the f the learner is given."""

    def f(xs: Sequence[float]) -> float:
        """f(xs): a float, for a list of floats."""
        if not isinstance(xs, (list, tuple, np.ndarray)):
            raise TypeError(f"f takes one argument, the list of every x; got {describe(xs)}")
        return g([Value(x) for x in xs]).data

    return f


def _one_sided(f: Callable[[list[float]], float], xs: list[float], h: float) -> list[float]:
    return [(f([*xs[:i], x + h, *xs[i + 1 :]]) - f(xs)) / h for i, x in enumerate(xs)]


def _suspects(f: Callable[[list[float]], float], xs: list[float], h: float) -> list[Suspect]:
    central = np.array(numerical_gradient(f, xs, h))
    moved = [x + h for x in xs], [x - h for x in xs]
    return [
        Suspect(
            _one_sided(f, xs, h),
            "that is the one-sided difference (f(x + h) - f(x)) / h, whose error shrinks only "
            "as h: use (f(x + h) - f(x - h)) / 2h",
        ),
        Suspect(
            _one_sided(f, xs, -h),
            "that is the one-sided difference (f(x) - f(x - h)) / h: "
            "use (f(x + h) - f(x - h)) / 2h",
        ),
        Suspect(2 * central, "that divides by h instead of 2h: the two points are 2h apart"),
        Suspect(central * 2 * h, "that is f(x + h) - f(x - h), not yet divided by 2h"),
        Suspect(
            [(f(moved[0]) - f(moved[1])) / (2 * h)] * len(xs),
            "that nudges every x at once: nudge one x_i at a time, holding the others fixed",
            PARTIAL,
        ),
    ]


def judge(answer: Any) -> None:
    """Run the learner's numerical_gradient on each case; raise Wrong naming the mistake."""
    for g, xs, h in CASES:
        f = _plain(g)
        given = list(xs)
        what = f"numerical_gradient(f, {given}, h={h:g})"
        got = call_answer(answer, f, given, h, what=what)
        if given != xs:
            raise Wrong(
                f"numerical_gradient changed the list xs it was given (now {describe(given)}): "
                "nudge a copy; x + h - h is not always x in floating point"
            )
        expected = np.array(numerical_gradient(f, xs, h))
        array = as_array("the gradient", got, expected)
        exact = np.array(exact_gradient(g, xs))
        near_exact = array.shape == exact.shape and np.all(
            np.abs(array - exact) <= 1e-4 * np.abs(exact) + 1e-7
        )
        if near_exact and not close(array, expected):
            raise Wrong(
                f"{what}: close to the derivative, but not the central difference with the "
                "h you were given: use that h"
            )
        compare(
            "the gradient",
            array,
            expected,
            suspects=_suspects(f, xs, h),
            like="xs: one entry per x_i",
            when=f"at xs = {xs}, h = {h:g}",
        )


# f(x) = 3x² - 4x + 5 at x = -1.
(SLOPE_OF_F,) = exact_gradient(lambda v: 3 * v[0] ** 2 - 4 * v[0] + 5, [-1.0])
# z = y³ with y = 3x + 1, at x = 0.5: dz/dy · dy/dx, and dz/dy alone.
(CHAIN_OF_CUBE,) = exact_gradient(lambda v: (3 * v[0] + 1) ** 3, [0.5])
(CUBE_OUTER,) = exact_gradient(lambda v: v[0] ** 3, [3 * 0.5 + 1])
(CHAIN_OF_SQUARE,) = exact_gradient(lambda v: (3 * v[0] + 1) ** 2, [0.5])  # the notebook's own
# z = x·y + x·x at x = 2, y = -3: one path through x·y, two through x·x.
USED_TWICE_X, _ = exact_gradient(lambda v: v[0] * v[1] + v[0] * v[0], [2.0, -3.0])
ONE_PATH_OF_XX = -3.0 + 2.0  # y + x: x·x counted as one path of rate x
(ONLY_XX,) = exact_gradient(lambda v: v[0] * v[0], [2.0])  # the path through x·y forgotten


EXERCISES = [
    code(
        "numerical_gradient",
        NOTEBOOK,
        "every partial derivative by a central difference",
        starter=STARTER,
        solution=numerical_gradient,
        judge=judge,
        section=SLOPE,
    ),
    number(
        "slope_of_f",
        NOTEBOOK,
        "the slope of 3x² − 4x + 5 at x = −1",
        SLOPE_OF_F,
        section=SLOPE,
        mistakes={
            -SLOPE_OF_F: "the sign is flipped: left of its lowest point the parabola goes down",
            12.0: "that is f(-1), the height of the curve; the slope is how fast it changes",
        },
        hint="differentiate term by term, or measure it with slope(f, -1.0)",
    ),
    number(
        "chain_of_cube",
        NOTEBOOK,
        "dz/dx for z = y³, y = 3x + 1, at x = 0.5",
        CHAIN_OF_CUBE,
        section=CHAIN,
        mistakes={
            CUBE_OUTER: "that is dz/dy alone: multiply by dy/dx along the path (the chain rule)",
            CHAIN_OF_SQUARE: "that is the chain with z = y², not z = y³",
        },
        hint="dz/dx = dz/dy · dy/dx",
    ),
    number(
        "x_used_twice",
        NOTEBOOK,
        "dz/dx for z = x·y + x·x at x = 2, y = −3",
        USED_TWICE_X,
        section=PATHS,
        mistakes={
            ONE_PATH_OF_XX: "x·x uses x twice, so it gives x two paths, each of rate x",
            ONLY_XX: "the path through x·y is missing",
        },
        hint="list every path from x to z and add their contributions",
    ),
]
