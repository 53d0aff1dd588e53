"""Notebook 13, gradients of gradients: the exercises and their solutions.

``damped_newton_step``: Newton's step d = −H⁻¹·∇f for a function of Values, halved until it
lowers f (a backtracking line search, the guard the notebook names after watching a full step
climb out of Rosenbrock's valley). The checker works the answer out with ``grad`` and
``hessian`` and compares on four cases: a point of that valley where the full step raises f
and three halvings are needed, a point where two are, a function of three variables where the
full step is right as it is, and the top of a hill, where Newton's step leads to the maximum
and no halving helps, so the point must come back unchanged.

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
VALLEY = "Newton against gradient descent on a valley"
HVP = "Hessian–vector products"

Array = NDArray[np.float64]
HALVINGS = 30  # at most this many: x + d/2^30 is x to about nine digits

# ---- damped_newton_step -----------------------------------------------------------------------

STARTER = '''\
def damped_newton_step(f, point):
    """Newton's step from point (a list of floats) for f (which takes one Value per coordinate
    and returns a Value), halved until it lowers f: with d = −H⁻¹·∇f at the point, the first
    of x + d, x + d/2, x + d/4, ..., x + d/2**30 at which f is lower than at x; x itself if
    none is. Returns the new point as a list of floats."""
    ...
'''


def _value(f: Callable[..., Value], point: Array) -> float:
    return f(*[Value(float(c)) for c in point]).data


def _newton_direction(f: Callable[..., Value], point: Array) -> tuple[Array, Array, Array]:
    """(d = −H⁻¹·∇f, ∇f, H) at the point."""
    g = np.array([d.data for d in grad(f, tuple(range(len(point))))(*point.tolist())])
    H = np.array(hessian(f)(*point.tolist()))
    return -np.linalg.solve(H, g), g, H


def _backtrack(f: Callable[..., Value], point: Array, d: Array) -> Array:
    """The first of x + d, x + d/2, ... (HALVINGS halvings at most) lower than f(x); else x."""
    start = _value(f, point)
    for k in range(HALVINGS + 1):
        trial = point + d * 0.5**k
        if _value(f, trial) < start:
            return trial
    return point


def damped_newton_step(f: Callable[..., Value], point: list[float]) -> list[float]:
    """x + d/2^k for the least k with f(x + d/2^k) < f(x), d = −H⁻¹·∇f; x if there is none."""
    x = np.array(point, dtype=float)
    d, _, _ = _newton_direction(f, x)
    return [float(c) for c in _backtrack(f, x, d)]


def _rosenbrock(x: Value, y: Value) -> Value:
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _three(x: Value, y: Value, z: Value) -> Value:
    return (x * y).tanh() + 0.5 * x**2 + y**2 + (z - x).exp() + z**2


def _hill(x: Value, y: Value) -> Value:
    return -(x * x) - y * y - 0.5 * x * y


# (function, its name in messages, point): the full step fails first, then needs two halvings,
# then is right as it is, then nothing works (a hill: Newton's step goes to its top).
CASES: list[tuple[Callable[..., Value], str, list[float]]] = [
    (_rosenbrock, "Rosenbrock's f", [-1.175, 1.38]),
    (_rosenbrock, "Rosenbrock's f", [0.76, 0.58]),
    (_three, "f(x, y, z)", [0.4, -0.3, 0.2]),
    (_hill, "a hill f(x, y)", [0.5, 0.3]),
]


def _suspects(f: Callable[..., Value], point: Array) -> list[Suspect]:
    d, g, _ = _newton_direction(f, point)
    full, start = point + d, _value(f, point)
    if _value(f, full) < start:
        halved = "the full step already lowers f here: take it, and halve only while f is not lower"
        said = [(point + d / 2, halved)]
    else:  # first: on the hill the full step lands on 0, which is also x - x
        end = _value(f, full)
        end = end if abs(end) > 1e-12 else 0.0  # the hill's top, but for rounding
        rises = f"the full Newton step raises f (from {start:.4g} to {end:.4g})"
        said = [(full, rises + ": halve it until f is lower than at the start")]
    said += [
        (point - g, "that is a gradient step (learning rate 1), not Newton's d = −H⁻¹·∇f"),
        (_backtrack(f, point, -d), "the step goes the wrong way: Newton's is d = −H⁻¹·∇f"),
        (_backtrack(f, point, d) - point, "that is the step itself: return the new point"),
    ]
    return [Suspect(value, message) for value, message in said]


def judge(answer: Any) -> None:
    """Run the learner's damped_newton_step on each case; raise Wrong naming the mistake."""
    for f, name, point in CASES:
        what = f"damped_newton_step on {name} at {point}"
        got = call_answer(answer, f, list(point), what=what)
        if isinstance(got, (list, tuple)) and any(isinstance(v, Value) for v in got):
            raise Wrong(f"{what} returned Values: give plain numbers (each Value's .data)", "")
        expected = np.array(damped_newton_step(f, point))
        compare(
            "the new point",
            got,
            expected,
            suspects=_suspects(f, np.array(point)),
            when=f"on {name} at {point}",
        )


# ---- the number and choice exercises --------------------------------------------------------


def _curve(x: Value) -> Value:
    """The exercise's curve: y = ln(1 + x²)."""
    return (1.0 + x * x).log()


CURVE_AT = 0.5


def _curvature(power: float = 1.5) -> float:
    """κ = |f″| / (1 + f′²)^(3/2) of the curve at CURVE_AT (another power for a mistake)."""
    slope = float(grad(_curve)(CURVE_AT).data)
    bend = float(grad(grad(_curve))(CURVE_AT).data)
    return abs(bend) / float((1.0 + slope * slope) ** power)


def _second_derivative() -> float:
    return float(grad(grad(_curve))(CURVE_AT).data)


EXERCISES = [
    code(
        "damped_newton_step",
        NOTEBOOK,
        "Newton's step, halved until it lowers f",
        starter=STARTER,
        solution=damped_newton_step,
        judge=judge,
        section=VALLEY,
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
