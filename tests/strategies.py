"""Hypothesis strategies and the op registry that drive the engine's tests.

``OPS`` pairs every gate (and each reflected form) with a plain-float twin written
independently with ``math``, and with the input domain on which it is smooth: inputs are
kept off kinks (relu at 0, max ties) and off singularities (log at 0, x / 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from micrograd_notes import Value


def reals(lo: float, hi: float, off: float | None = None, margin: float = 1e-3):
    """Floats in [lo, hi], at least ``margin`` away from the point ``off`` when given."""
    floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if off is None:
        return floats
    return floats.filter(lambda x: abs(x - off) > margin)


ANY = reals(-5.0, 5.0)
POSITIVE = reals(0.05, 5.0)
NONZERO = reals(-5.0, 5.0, off=0.0, margin=0.05)


@dataclass(frozen=True)
class OpCase:
    """One gate: how to build it from Values, its float twin, and where to draw inputs."""

    name: str
    build: Callable[..., Value]
    twin: Callable[..., float]
    domain: tuple[st.SearchStrategy[float], ...]
    # Pairs of inputs the gate is not smooth on (a tie for max/min), to be kept apart.
    apart: bool = False


def _sigmoid(x: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * x))  # an identity, independent of the engine's branches


OPS: list[OpCase] = [
    OpCase("add", lambda a, b: a + b, lambda a, b: a + b, (ANY, ANY)),
    OpCase("radd", lambda a: 2.5 + a, lambda a: 2.5 + a, (ANY,)),
    OpCase("sub", lambda a, b: a - b, lambda a, b: a - b, (ANY, ANY)),
    OpCase("rsub", lambda a: 2.5 - a, lambda a: 2.5 - a, (ANY,)),
    OpCase("mul", lambda a, b: a * b, lambda a, b: a * b, (ANY, ANY)),
    OpCase("rmul", lambda a: -1.5 * a, lambda a: -1.5 * a, (ANY,)),
    OpCase("div", lambda a, b: a / b, lambda a, b: a / b, (ANY, NONZERO)),
    OpCase("rdiv", lambda a: 2.0 / a, lambda a: 2.0 / a, (NONZERO,)),
    OpCase("neg", lambda a: -a, lambda a: -a, (ANY,)),
    OpCase("pow2", lambda a: a**2, lambda a: a * a, (ANY,)),
    OpCase("pow3", lambda a: a**3, lambda a: a * a * a, (ANY,)),
    OpCase("pow-1", lambda a: a**-1, lambda a: 1.0 / a, (NONZERO,)),
    OpCase("pow0.5", lambda a: a**0.5, math.sqrt, (POSITIVE,)),
    OpCase("pow-2.5", lambda a: a**-2.5, lambda a: math.pow(a, -2.5), (POSITIVE,)),
    OpCase("pow0", lambda a: a**0, lambda a: 1.0, (ANY,)),
    OpCase("powv", lambda a, b: a**b, math.pow, (POSITIVE, reals(-3.0, 3.0))),
    OpCase("rpow", lambda a: 2.0**a, lambda a: math.pow(2.0, a), (ANY,)),
    OpCase("exp", lambda a: a.exp(), math.exp, (reals(-20.0, 20.0),)),
    OpCase("log", lambda a: a.log(), math.log, (POSITIVE,)),
    OpCase("tanh", lambda a: a.tanh(), math.tanh, (ANY,)),
    OpCase("sigmoid", lambda a: a.sigmoid(), _sigmoid, (reals(-20.0, 20.0),)),
    OpCase("relu", lambda a: a.relu(), lambda a: max(a, 0.0), (reals(-5.0, 5.0, off=0.0),)),
    OpCase("abs", lambda a: abs(a), abs, (reals(-5.0, 5.0, off=0.0),)),
    OpCase("abs_method", lambda a: a.abs(), abs, (reals(-5.0, 5.0, off=0.0),)),
    OpCase("max", lambda a, b: a.max(b), max, (ANY, ANY), apart=True),
    OpCase("min", lambda a, b: a.min(b), min, (ANY, ANY), apart=True),
    OpCase("max_number", lambda a: a.max(0.5), lambda a: max(a, 0.5), (reals(-5, 5, off=0.5),)),
    OpCase("sum", lambda a, b, c: Value.sum([a, b, c]), lambda a, b, c: a + b + c, (ANY,) * 3),
    OpCase(
        "dot",
        lambda w1, x1, w2, x2: Value.dot([w1, w2], [x1, x2]),
        lambda w1, x1, w2, x2: w1 * x1 + w2 * x2,
        (ANY,) * 4,
    ),
    OpCase(
        "dot_bias",
        lambda w1, x1, b: Value.dot([w1], [x1], b),
        lambda w1, x1, b: w1 * x1 + b,
        (ANY,) * 3,
    ),
]


# ---- random expression graphs --------------------------------------------------------------

UNARY = ("tanh", "sigmoid", "relu", "neg", "exp", "log", "abs", "square", "rdiv")
BINARY = ("add", "sub", "mul", "div", "max", "min", "pow")
KINK_MARGIN = 1e-3  # how far a relu/abs input or a max/min pair must stay from its kink


@dataclass(frozen=True)
class Plan:
    """A random expression graph: input values and ops over earlier nodes (with reuse)."""

    inputs: tuple[float, ...]
    ops: tuple[tuple[str, int, int], ...]


@st.composite
def plans(draw: st.DrawFn, max_inputs: int = 6, max_ops: int = 60) -> Plan:
    """A graph of 1 to ``max_ops`` ops over 1 to ``max_inputs`` inputs.

    Every op picks its operands among all earlier nodes, so inputs and intermediates are
    reused. An op that would sit on a kink, leave its domain or grow past 1e4 (where finite
    differences lose their meaning) is replaced by tanh, which is smooth everywhere.
    """
    n_inputs = draw(st.integers(1, max_inputs))
    inputs = draw(st.lists(reals(-2.0, 2.0), min_size=n_inputs, max_size=n_inputs))
    data = list(inputs)
    ops = []
    for k in range(n_inputs, n_inputs + draw(st.integers(1, max_ops))):
        name = draw(st.sampled_from(UNARY + BINARY))
        # Favour recent nodes so graphs are deep, not only wide.
        i = draw(st.integers(max(0, k - 4), k - 1) | st.integers(0, k - 1))
        j = draw(st.integers(0, k - 1))
        if not is_safe(name, data[i], data[j]):
            name = "tanh"
        data.append(apply_op(name, Value(data[i]), Value(data[j])).data)
        ops.append((name, i, j))
    return Plan(tuple(inputs), tuple(ops))


def apply_op(name: str, a, b):
    """One op of a plan, written with operators that Values, floats and tensors all accept."""
    if name == "tanh":
        return a.tanh()
    if name == "sigmoid":
        return a.sigmoid()
    if name == "relu":
        return a.relu()
    if name == "neg":
        return -a
    if name == "exp":
        return a.exp()
    if name == "log":
        return a.log()
    if name == "abs":
        return abs(a)
    if name == "square":
        return a**2
    if name == "rdiv":
        return 1.0 / a
    if name == "add":
        return a + b
    if name == "sub":
        return a - b
    if name == "mul":
        return a * b
    if name == "div":
        return a / b
    if name == "max":
        return a.max(b)
    if name == "min":
        return a.min(b)
    if name == "pow":
        return a**b
    raise ValueError(name)


def build(plan: Plan, inputs: list[Value]) -> Value:
    """The plan's graph over the given input Values; the root is the last node."""
    nodes = list(inputs)
    for name, i, j in plan.ops:
        nodes.append(apply_op(name, nodes[i], nodes[j]))
    return nodes[-1]


def is_safe(name: str, a: float, b: float) -> bool:
    """True if the op is well inside its domain, away from its kinks, and stays moderate."""
    if name in ("relu", "abs") and abs(a) < KINK_MARGIN:
        return False
    if name in ("max", "min") and abs(a - b) < KINK_MARGIN:
        return False
    if name == "exp" and a > 5.0:
        return False
    if name == "log" and a < 0.05:
        return False
    if name == "rdiv" and abs(a) < 0.1:
        return False
    if name == "div" and abs(b) < 0.1:
        return False
    if name == "pow" and (a < 0.1 or abs(b) > 3.0):
        return False
    return abs(apply_op(name, Value(a), Value(b)).data) < 1e4
