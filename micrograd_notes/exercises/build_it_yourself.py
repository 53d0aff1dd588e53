"""Notebook 01, build it yourself: the exercises and their solutions.

``neuron_grads``: the learner works out by hand the gradient of a tanh neuron's squared error,
L = (tanh(w·x + b) − y)², with respect to every weight and the bias, for a neuron of any
number of inputs. The checker compares with the engine's ``backward()`` on neurons of 1, 3 and
4 inputs, and names the slips of the chain: tanh's local derivative left out or taken at the
wrong place, a product that does not swap its inputs, the loss's own derivative dropped or
halved or turned round.

Three more worked by hand: one mul gate's down_diff (``mul_down_diff``), grads that pile up
when nobody resets them (``passes_without_reset``), and the learning rate whose first step
lands on the minimum (``step_that_lands``). Each expected value
is computed here with the engine.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import Wrong, call_answer, code, exact_gradient, number
from micrograd_notes.exercises.mistakes import Suspect, compare, unpack

NOTEBOOK = "01"
BY_HAND = "Step 2: every gradient of one neuron, by hand"
STEP_SIZE = "Step 7: how far to step: the learning rate"
LOOP = "Step 8: a training loop, bare"

STARTER = '''\
def neuron_grads(xs, ws, b, y):
    """For L = (o - y)**2 with o = tanh(ws[0]*xs[0] + ... + ws[n-1]*xs[n-1] + b):
    return (dws, db), where dws[i] = dL/dws[i] (a list, one per weight) and db = dL/db.
    Plain floats and math.tanh: no Value."""
    ...
'''


def neuron_grads(
    xs: Sequence[float], ws: Sequence[float], b: float, y: float
) -> tuple[list[float], float]:
    """dL/dw_i = 2(o − y) · (1 − o²) · x_i and dL/db = 2(o − y) · (1 − o²), o = tanh(w·x + b)."""
    o = math.tanh(sum(w * x for w, x in zip(ws, xs)) + b)
    dn = 2.0 * (o - y) * (1.0 - o * o)  # dL/do · do/dn: the gradient at the weighted sum n
    return [x * dn for x in xs], dn


def _cases() -> list[tuple[list[float], list[float], float, float]]:
    """Neurons of 1, 3 and 4 inputs, away from tanh's flat ends so every slip shows."""
    rng = np.random.default_rng(1)
    cases = []
    for n in (1, 3, 4):
        xs = [float(v) for v in rng.uniform(-1.5, 1.5, n)]
        ws = [float(v) for v in rng.uniform(-1.0, 1.0, n)]
        cases.append((xs, ws, float(rng.uniform(-0.5, 0.5)), float(rng.uniform(-0.8, 0.8))))
    return cases


CASES = _cases()


def engine_grads(
    xs: Sequence[float], ws: Sequence[float], b: float, y: float
) -> tuple[list[float], float]:
    """The same gradient by the engine's backward(): what the learner's is compared with."""
    weights, bias = [Value(w) for w in ws], Value(b)
    o = (Value.sum([w * x for w, x in zip(weights, xs)]) + bias).tanh()
    ((o - y) ** 2).backward()
    return [w.grad for w in weights], bias.grad


def _slips(xs: list[float], ws: list[float], b: float, y: float) -> list[tuple[float, Any, str]]:
    """(gradient at n, what multiplies it for dws, message) for each known slip."""
    n = sum(w * x for w, x in zip(ws, xs)) + b
    o = math.tanh(n)
    loss, tanh = 2.0 * (o - y), 1.0 - o * o
    return [
        (loss, xs, "tanh's local derivative 1 − o² is missing (o = tanh(n) sits between n and L)"),
        (
            loss * (1.0 - n * n),
            xs,
            "that takes 1 − n², with n the input of tanh: tanh's slope is 1 − tanh(n)² = 1 − o²",
        ),
        (loss * (1.0 - o), xs, "tanh's slope is 1 − o², not 1 − o"),
        (
            loss * tanh,
            ws,
            "dL/dws[i] uses ws[i]: a product sends each input the OTHER input's value, so "
            "dn/dws[i] = xs[i]",
        ),
        (loss * tanh, [1.0] * len(xs), "dL/dws[i] needs dn/dws[i] = xs[i]: multiply by it"),
        (
            tanh,
            xs,
            "that is the gradient of o, not of L: multiply by dL/do = 2(o − y) (the chain rule)",
        ),
        (-loss * tanh, xs, "the sign is flipped: dL/do = 2(o − y), not 2(y − o)"),
        (0.5 * loss * tanh, xs, "half the right value: the slope of u² is 2u, so dL/do = 2(o − y)"),
    ]


def judge(answer: Any) -> None:
    """Run the learner's neuron_grads on each neuron; raise Wrong naming the mistake."""
    for xs, ws, b, y in CASES:
        what = f"neuron_grads({len(xs)} inputs)"
        got = call_answer(answer, list(xs), list(ws), b, y, what=what)
        if isinstance(got, (list, tuple)) and all(isinstance(g, numbers.Real) for g in got):
            raise Wrong(
                f"{what} returned one flat list of {len(got)} numbers: return a pair "
                "(dws, db), dws a list with one gradient per weight and db a number",
                "",
            )
        dws, db = unpack(got, ["dws", "db"], what)
        right_dws, right_db = engine_grads(xs, ws, b, y)
        slips = _slips(xs, ws, b, y)
        when = f"for a neuron of {len(xs)} input{'s' * (len(xs) > 1)}"
        compare(
            "dws",
            dws,
            right_dws,
            suspects=[Suspect([g * m for m in times], f"dws: {why}") for g, times, why in slips],
            like="ws: one entry per weight",
            when=when,
        )
        if isinstance(db, (list, tuple)) and len(db) == 1:
            raise Wrong(f"{when}, db is a list of one; return it as a number", "")
        compare(
            "db",
            db,
            right_db,
            suspects=[Suspect(g, f"db: {why}") for g, _, why in slips if "ws[i]" not in why],
            like="b: a single number",
            when=when,
        )


# c = a·b with a = 3, b = −2, and dL/dc = 4 arriving from above: L = 4c.
MUL_UP = 4.0
MUL_DA, MUL_DB = exact_gradient(lambda v: v[0] * v[1] * MUL_UP, [3.0, -2.0])


def _passes_without_reset(passes: int = 3) -> float:
    """w.grad after `passes` backward passes with no reset, over its value after one."""
    xs = [-2.0, -1.0, 0.5, 2.0]  # the notebook's tanh model and its four points
    ys = [math.tanh(1.5 * x - 0.5) for x in xs]
    w, b = Value(0.3), Value(0.1)
    grads = []
    for _ in range(passes):
        Value.sum([((w * x + b).tanh() - y) ** 2 for x, y in zip(xs, ys)]).backward()
        grads.append(w.grad)
    return grads[-1] / grads[0]


def _step_that_lands(x: float = 2.0, target: float = 3.0) -> float:
    """The lr with w − lr · dL/dw = the minimum target/x, for L(w) = (x·w − target)², from w = 0."""
    w = Value(0.0)
    ((w * x - target) ** 2).backward()
    return (w.data - target / x) / w.grad


STEP_THAT_LANDS = _step_that_lands()


EXERCISES = [
    code(
        "neuron_grads",
        NOTEBOOK,
        "the gradient of a tanh neuron's squared error, by hand",
        starter=STARTER,
        solution=neuron_grads,
        judge=judge,
        section=BY_HAND,
    ),
    number(
        "mul_down_diff",
        NOTEBOOK,
        "dL/da for c = a·b, a = 3, b = −2, dL/dc = 4",
        MUL_DA,
        section=BY_HAND,
        mistakes={
            MUL_DB: "that is dL/db: a receives the OTHER input, b, times up_diff",
            MUL_DA / MUL_UP: "that is local_diff alone: multiply it by up_diff, dL/dc",
            -MUL_DA: "the sign is flipped",
        },
        hint="down_diff = local_diff · up_diff, and a product's local_diff for a is b",
    ),
    number(
        "passes_without_reset",
        NOTEBOOK,
        "w.grad after three backward passes without a reset, in units of dL/dw",
        _passes_without_reset(),
        section=LOOP,
        mistakes={1.0: "every backward pass adds into grad, and nothing here sets it back to 0"},
        hint="each backward pass adds its dL/dw into w.grad",
    ),
    number(
        "step_that_lands",
        NOTEBOOK,
        "the learning rate whose first step lands on the minimum of (2w − 3)²",
        STEP_THAT_LANDS,
        section=STEP_SIZE,
        mistakes={
            2 * STEP_THAT_LANDS: "twice too large: that step lands on the mirror image, as far "
            "past the minimum as it started before it (did you drop a factor of 2?)",
            STEP_THAT_LANDS / 2: "half the right step: it goes only halfway",
        },
        hint="write dL/dw as a number times (w − the minimum), as the notebook did for (3w − 6)²",
    ),
]
