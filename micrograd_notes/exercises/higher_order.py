"""Notebook 13, gradients of gradients: the exercises and their solutions.

``newton_step``: one step of Newton's method, x − H⁻¹·∇f, for a function of Values at a point
given as a list of floats. The checker works out the step with ``grad`` and ``hessian`` and
compares, first on a tilted valley of two variables, where the off-diagonal curvature matters
(so dividing each slope by its own curvature H_ii shows), then on functions of three variables
and of one.

Two more: the curvature of a curve at a point (a number), and what a Hessian–vector product
costs (a choice).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import Wrong, call_answer, choice, code, number
from micrograd_notes.exercises.mistakes import Suspect, compare
from micrograd_notes.higher import grad, hessian

NOTEBOOK = "13"
CURVATURE = "Curvature"
NEWTON = "Newton's method"
HVP = "Hessian–vector products"

Array = NDArray[np.float64]

# ---- newton_step ------------------------------------------------------------------------------

STARTER = '''\
def newton_step(f, point):
    """One step of Newton's method for f (a function of Values, one per coordinate) from
    point (a list of floats): the point minus H⁻¹·∇f, where ∇f and H are the gradient and
    the Hessian of f at the point. Returns the new point as a list of floats."""
    ...
'''


def newton_step(f: Callable[..., Value], point: list[float]) -> list[float]:
    """x − H⁻¹·∇f: the minimum of the quadratic that matches f's value, slope and curvature."""
    g = np.array([d.data for d in grad(f, tuple(range(len(point))))(*point)])
    H = np.array(hessian(f)(*point))
    return (np.array(point) - np.linalg.solve(H, g)).tolist()


def _valley(x: Value, y: Value) -> Value:
    return (1.0 - x) ** 2 + 10.0 * (y - x**2) ** 2


def _three(x: Value, y: Value, z: Value) -> Value:
    return (x * y).tanh() + 0.5 * x**2 + y**2 + (z - x).exp() + z**2


def _one(x: Value) -> Value:
    return x * x.tanh() + 0.1 * x**4


# (function, its name in messages, point): the tilted valley first, where H is far from diagonal.
CASES: list[tuple[Callable[..., Value], str, list[float]]] = [
    (_valley, "a valley f(x, y)", [0.3, -0.2]),
    (_three, "f(x, y, z)", [0.4, -0.3, 0.2]),
    (_one, "f(x)", [0.9]),
]


def _suspects(point: Array, g: Array, H: Array) -> list[Suspect]:
    step = np.linalg.solve(H, g)
    return [
        Suspect(
            point - g,
            "that is a gradient step (learning rate 1): Newton divides the slope by the "
            "curvature, the step is H⁻¹·∇f",
        ),
        Suspect(
            point - H @ g,
            "that steps by H·∇f: Newton's step d solves H·d = ∇f, so d = H⁻¹·∇f "
            "(np.linalg.solve(H, g))",
        ),
        Suspect(point + step, "the step goes uphill: the new point is x − H⁻¹·∇f, not x + H⁻¹·∇f"),
        Suspect(
            point - g / np.diag(H),
            "each slope is divided by its own curvature H_ii: the off-diagonal entries of H "
            "count too (solve with the whole H)",
        ),
        Suspect(step, "that is the step H⁻¹·∇f itself: return the new point x − H⁻¹·∇f"),
    ]


def judge(answer: Any) -> None:
    """Run the learner's newton_step on each case; raise Wrong naming the mistake."""
    for f, name, point in CASES:
        what = f"newton_step on {name} at {point}"
        got = call_answer(answer, f, list(point), what=what)
        if isinstance(got, (list, tuple)) and any(isinstance(v, Value) for v in got):
            raise Wrong(f"{what} returned Values: give plain numbers (each Value's .data)", "")
        g = np.array([d.data for d in grad(f, tuple(range(len(point))))(*point)])
        H = np.array(hessian(f)(*point))
        compare(
            "the new point",
            got,
            np.array(newton_step(f, point)),
            suspects=_suspects(np.array(point), g, H),
            when=f"on {name} at {point}",
        )


# ---- the number and choice exercises --------------------------------------------------------


def _curve(x: Value) -> Value:
    """The exercise's curve: y = ln(1 + x²)."""
    return (1.0 + x * x).log()


CURVE_AT = 0.5


def _curvature(power: float = 1.5) -> float:
    """κ = |f″| / (1 + f′²)^(3/2) of the curve at CURVE_AT (another power for a mistake)."""
    slope = grad(_curve)(CURVE_AT).data
    bend = grad(grad(_curve))(CURVE_AT).data
    return abs(bend) / (1.0 + slope * slope) ** power


def _second_derivative() -> float:
    return grad(grad(_curve))(CURVE_AT).data


EXERCISES = [
    code(
        "newton_step",
        NOTEBOOK,
        "one step of Newton's method, x − H⁻¹·∇f",
        starter=STARTER,
        solution=newton_step,
        judge=judge,
        section=NEWTON,
    ),
    number(
        "curvature",
        NOTEBOOK,
        "the curvature of y = ln(1 + x²) at x = 0.5",
        _curvature(),
        section=CURVATURE,
        mistakes={
            _second_derivative(): "that is f″ alone: the curvature divides it by "
            "(1 + f′²)^(3/2), since the curve is tilted there",
            1.0 / _curvature(): "that is the radius of the circle, 1/κ",
            _curvature(0.5): "the power of (1 + f′²) is 3/2, not 1/2",
            _curvature(1.0): "the power of (1 + f′²) is 3/2, not 1",
        },
        hint="κ = |f″| / (1 + f′²)^(3/2), with f′ and f″ from grad",
    ),
    choice(
        "hvp_cost",
        NOTEBOOK,
        "H·v for a model of a million parameters costs about as much as ...",
        ["a few gradients", "a thousand gradients", "a million gradients"],
        "a few gradients",
        section=HVP,
        mistakes={
            "a million gradients": "that is building H row by row, one sweep per parameter; "
            "H·v is the gradient of ∇f·v, two sweeps",
            "a thousand gradients": "the cost does not grow with the number of parameters: "
            "the graph of H·v stayed a fixed multiple of f's",
        },
    ),
]

