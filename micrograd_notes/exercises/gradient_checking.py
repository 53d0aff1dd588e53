"""Notebook 04, gradient checking: the exercises and their solutions.

``directional_check``: the learner checks a claimed gradient along one direction v, comparing
⟨grad, v⟩ with the central difference (f(x + h·v) − f(x − h·v)) / 2h, and returns their
relative error. The checker runs it on functions the engine computes, with the true gradient
(where the answer must come out at rounding level, and a one-sided difference does not) and
with gradients that are wrong on purpose (where the answer is a relative error of order 0.1
and the way it was computed shows).

``one_sided_halved``, ``central_halved`` and ``rounding_halved``: what halving the nudge does
to a finite difference's error, above and below the best nudge. Each answer is measured here:
the mean error over many points, at h and at h/2.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import (
    Wrong,
    as_number,
    call_answer,
    choice,
    code,
    describe,
    exact_gradient,
)

NOTEBOOK = "04"
NUDGE = "How big a nudge?"
RELATIVE = "Relative error: what counts as close"
DIRECTION = "A gradient check along a random direction"

STARTER = '''\
def directional_check(f, xs, grad, v, h):
    """How far the claimed gradient `grad` of f at the point xs is from the truth along the
    direction v: the relative error |a - n| / max(|a|, |n|) (0.0 when both are 0) between
    a = <grad, v> = sum of grad[i] * v[i], what the gradient claims for the slope along v, and
    n = (f(xs + h v) - f(xs - h v)) / 2h, the slope along v measured by a central difference.
    f takes a list of floats and returns a float; xs, grad and v are lists of floats."""
    ...
'''

Floats = Sequence[float]


def relative_error(a: float, n: float) -> float:
    """|a − n| / max(|a|, |n|), and 0 when both are 0."""
    scale = max(abs(a), abs(n))
    return abs(a - n) / scale if scale > 0.0 else 0.0


def directional_check(
    f: Callable[[list[float]], float], xs: Floats, grad: Floats, v: Floats, h: float
) -> float:
    """The relative error between ⟨grad, v⟩ and (f(x + h v) − f(x − h v)) / 2h."""
    claimed = sum(g * vi for g, vi in zip(grad, v))
    up = [x + h * vi for x, vi in zip(xs, v)]
    down = [x - h * vi for x, vi in zip(xs, v)]
    measured = (f(up) - f(down)) / (2 * h)
    return relative_error(claimed, measured)


# ---- the cases: functions the engine computes, smooth in every input -------------------------


def _bowl(v: list[Value]) -> Value:
    return (v[0] * v[1] + v[2]).tanh() + v[0] ** 3 + (v[1] * 0.5).exp() * v[2]


def _neuron(v: list[Value]) -> Value:
    s = v[0] * v[3] + v[1] * v[4] + v[2]
    return s.tanh() ** 2 + (v[4] * 0.3).sigmoid() * v[0]


def _plain(g: Callable[[list[Value]], Value]) -> Callable[[Sequence[float]], float]:
    """The engine's function g as one of a list of floats, the f the learner is given."""

    def f(xs: Sequence[float]) -> float:
        """f(xs): a float, for a list of floats."""
        if not isinstance(xs, (list, tuple, np.ndarray)):
            raise TypeError(f"f takes one argument, the list of every x; got {describe(xs)}")
        return g([Value(float(x)) for x in xs]).data

    return f


Case = tuple[str, Callable[[list[Value]], Value], list[float], list[float], list[float], float]


def cases() -> list[Case]:
    """(what the gradient is, g, xs, grad, v, h): for each function a gradient with a single
    entry wrong, then the true one.

    The wrong entry makes ⟨grad, v⟩ 1.25 times the true slope along v for the first function
    and 0.8 times it for the second (v points uphill: the slope is > 0), so a claimed slope
    above the measured one and one below are both met, and each way of dividing or of taking
    the absolute value goes wrong in one of them. These come first: there every mistake gives
    its own number. With the true gradient the answer is rounding-sized, and only a one-sided
    difference or a wrong direction stands out."""
    rng = np.random.default_rng(4)
    wrong_ones: list[Case] = []
    true_ones: list[Case] = []
    functions: list[tuple[Callable[[list[Value]], Value], int, float]] = [
        (_bowl, 3, 1.25),
        (_neuron, 5, 0.8),
    ]
    for g, n, factor in functions:
        xs = [round(float(x), 3) for x in rng.uniform(-1.0, 1.0, size=n)]
        v = [round(float(x), 3) for x in rng.normal(size=n)]
        exact = exact_gradient(g, xs)
        slope = sum(gi * vi for gi, vi in zip(exact, v))
        if slope < 0:
            v, slope = [-vi for vi in v], -slope
        k = int(np.argmax(np.abs(v)))  # the bug: one entry off, where v is largest
        wrong = list(exact)
        wrong[k] += (factor - 1.0) * slope / v[k]
        wrong_ones.append((f"a gradient whose entry {k} is wrong", g, xs, wrong, v, 1e-4))
        true_ones.append(("the true gradient", g, xs, exact, v, 1e-5))
    return wrong_ones + true_ones


# ---- naming the mistake ----------------------------------------------------------------------

TINY = 1e-7  # with the true gradient and h = 1e-5, a right answer is below this


def _suspects(
    f: Callable[[list[float]], float], xs: Floats, grad: Floats, v: Floats, h: float
) -> list[tuple[float, str]]:
    """What the common mistakes return on these inputs, and what each mistake is."""
    a = sum(g * vi for g, vi in zip(grad, v))
    up = f([x + h * vi for x, vi in zip(xs, v)])
    down = f([x - h * vi for x, vi in zip(xs, v)])
    here = f(list(xs))
    n = (up - down) / (2 * h)
    all_by_h = (f([x + h for x in xs]) - f([x - h for x in xs])) / (2 * h)
    return [
        (
            relative_error(a, (up - here) / h),
            "that uses the one-sided difference (f(x + h v) - f(x)) / h: use the central one",
        ),
        (
            relative_error(a, (here - down) / h),
            "that uses the one-sided difference (f(x) - f(x - h v)) / h: use the central one",
        ),
        (relative_error(a, 2 * n), "that divides by h instead of 2h: the two points are 2h apart"),
        (
            relative_error(a, all_by_h),
            "that nudges every x_i by h, not by h·v_i: move along v, to xs + h v",
        ),
        (
            relative_error(sum(grad), n),
            "a is sum(grad): the slope the gradient claims along v is sum(grad[i] * v[i])",
        ),
        ((a - n) / max(abs(a), abs(n)), "that is a - n without the absolute value |a - n|"),
        ((n - a) / max(abs(a), abs(n)), "that is n - a without the absolute value |a - n|"),
        (abs(a - n), "that is the absolute error |a - n|: divide it by max(|a|, |n|)"),
        (abs(a - n) / abs(a), "that divides by |a| alone: divide by max(|a|, |n|)"),
        (abs(a - n) / abs(n), "that divides by |n| alone: divide by max(|a|, |n|)"),
        (abs(a - n) / (abs(a) + abs(n)), "that divides by |a| + |n|: divide by max(|a|, |n|)"),
    ]


def _matches(got: float, value: float) -> bool:
    return math.isclose(got, value, rel_tol=1e-4, abs_tol=1e-12)


def judge(answer: Any) -> None:
    """Run the learner's directional_check on each case; raise Wrong naming the mistake."""
    for what, g, xs, grad, v, h in cases():
        f = _plain(g)
        given = list(xs)
        call = f"directional_check with {what} (h = {h:g})"
        got = call_answer(answer, f, given, list(grad), list(v), h, what=call)
        if given != xs:
            raise Wrong(
                f"directional_check changed the list xs it was given (now {describe(given)}): "
                "nudge copies; x + h - h is not always x in floating point"
            )
        if isinstance(got, (tuple, list)):
            raise Wrong(
                f"{call} returned {describe(got)}: return one number, the relative error", ""
            )
        try:
            value = as_number(got)
        except Wrong as why:
            raise Wrong(f"{call}: {why}", "") from None
        expected = directional_check(f, xs, grad, v, h)
        right = value < TINY if expected < TINY else math.isclose(value, expected, rel_tol=1e-6)
        if right:
            continue
        for wrong, meaning in _suspects(f, xs, grad, v, h):
            if _matches(value, wrong):
                raise Wrong(f"{call}: {meaning}")
        if value < 0:
            raise Wrong(f"{call} returned {value:.3g}: a relative error is never negative")
        if expected < TINY:
            raise Wrong(
                f"{call} returned {value:.3g}: with the true gradient the two slopes agree to "
                "rounding, so the relative error should be tiny (under 1e-7)"
            )
        raise Wrong(f"{call} returned {value:.6g}; the relative error is {expected:.6g}")


# ---- the number of halvings: measured ---------------------------------------------------------

POINTS = np.linspace(0.5, 1.5, 401)  # where e^x's difference quotients are measured


def _mean_error(h: float, central: bool) -> float:
    """The mean |error| of a difference quotient of e^x over POINTS, with nudge h."""
    errors = []
    for x in POINTS:
        x = float(x)
        if central:
            slope = (math.exp(x + h) - math.exp(x - h)) / (2 * h)
        else:
            slope = (math.exp(x + h) - math.exp(x)) / h
        errors.append(abs(slope - math.exp(x)))
    return float(np.mean(errors))


CHANGES = {"quarter": 0.25, "halve": 0.5, "stay": 1.0, "double": 2.0}


def halved(h: float, central: bool) -> str:
    """What halving the nudge h does to the mean error: the word for error(h/2) / error(h)."""
    ratio = _mean_error(h / 2, central) / _mean_error(h, central)
    return min(CHANGES, key=lambda word: abs(math.log(ratio / CHANGES[word])))


OPTIONS = list(CHANGES)

EXERCISES = [
    code(
        "directional_check",
        NOTEBOOK,
        "check a gradient along a direction: the relative error",
        starter=STARTER,
        solution=directional_check,
        judge=judge,
        section=DIRECTION,
    ),
    choice(
        "one_sided_halved",
        NOTEBOOK,
        "the one-sided difference's error when h halves, at h = 1e-3",
        OPTIONS,
        halved(1e-3, central=False),
        section=NUDGE,
        mistakes={"quarter": "that is the central difference: its truncation error goes as h²"},
        hint="which power of h is the one-sided difference's truncation error?",
    ),
    choice(
        "central_halved",
        NOTEBOOK,
        "the central difference's error when h halves, at h = 1e-3",
        OPTIONS,
        halved(1e-3, central=True),
        section=NUDGE,
        mistakes={"halve": "that is the one-sided difference: the central one cancels the h term"},
        hint="which power of h is the central difference's truncation error?",
    ),
    choice(
        "rounding_halved",
        NOTEBOOK,
        "the central difference's error when h halves, at h = 1e-10",
        OPTIONS,
        halved(1e-10, central=True),
        section=NUDGE,
        mistakes={
            "quarter": "that is true far above the best nudge; at 1e-10 rounding rules",
            "halve": "a smaller nudge helps only while truncation rules; at 1e-10 rounding does",
        },
        hint="at 1e-10, which of the two errors is larger, and how does it depend on h?",
    ),
]
