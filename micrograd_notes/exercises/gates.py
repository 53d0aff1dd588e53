"""Notebook 02, gates and backward flow: the exercises and their solutions.

``gate_backward``: the learner writes softplus, log(1 + eˣ), as a ``Gate`` with ``forward``
and ``backward``. The checker runs it in the engine: its forward values; each local
derivative with ``check_graph``, which names the node whose derivative is wrong; then
``backward()`` through two small graphs, one where up_diff is not 1 (a dropped up_diff shows)
and one where the parent is used twice (``=`` in place of ``+=`` shows).

Three more by hand: the mul gate under a scale (``mul_gate_grad``), the max gate with a new
winner (``max_gate_grad``), and what a ten times larger feature does to the ratio of the
weight gradients (``bigger_feature``, computed on the notebook's own data).
"""

from __future__ import annotations

import math
from typing import Any

from micrograd_notes import Gate, Value, check_graph
from micrograd_notes.exercises.core import (
    NotAnswered,
    Wrong,
    call,
    choice,
    code,
    describe,
    exact_gradient,
    is_stub,
    number,
)

NOTEBOOK = "02"
GATES = "The sigmoid gate scales by σ(1 − σ)"
USED_TWICE = "A parent used twice: its gradients add"
MUL = "The mul gate swaps its inputs"
MAX = "The max gate routes the gradient to the winner"
LARGE = "Why large inputs make large weight gradients"

STARTER = '''\
class Softplus(Gate):
    """softplus(x) = log(1 + e^x), a smooth relu."""

    symbol = "softplus"

    def forward(self, a):
        """The output's value, from the parent's data a.data."""
        ...

    def backward(self, out):
        """Add local_diff * up_diff into the parent's grad (the parent is out.parents[0])."""
        ...
'''


def _softplus(x: float) -> float:
    """log(1 + e^x), written so that e^x never overflows: max(x, 0) + log(1 + e^-|x|)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x) = (1 + tanh(x/2)) / 2, the second form free of overflow."""
    return 0.5 * (1.0 + math.tanh(0.5 * x))


class Softplus(Gate):
    """softplus(x) = log(1 + e^x);  d/dx = e^x / (1 + e^x) = sigmoid(x)."""

    symbol = "softplus"

    def forward(self, a: Value) -> float:
        return _softplus(a.data)

    def backward(self, out: Value) -> None:
        (a,) = out.parents
        a.grad += _sigmoid(a.data) * out.grad


POINTS = (-3.0, -0.4, 0.0, 1.3, 6.0)
UP_DIFF = 3.0


def _gate_class(answer: Any) -> type[Gate]:
    if isinstance(answer, Gate):
        answer = type(answer)
    if not (isinstance(answer, type) and issubclass(answer, Gate)):
        raise Wrong(f"expected your Softplus class, a subclass of Gate; got {describe(answer)}", "")
    for method in ("forward", "backward"):
        if is_stub(getattr(answer, method)):
            raise NotAnswered(f"Softplus.{method} is still ...")
    return answer


def _derivative_slip(x: float, said: float) -> str:
    """What a wrong local derivative at x is, when it is a known slip."""
    slips = [
        (0.0, "backward added nothing to the parent's grad: add local_diff * out.grad into it"),
        (_sigmoid(-x), "that is sigmoid(-x) = 1 / (1 + e^x): the sign of x is flipped"),
        (math.exp(x), "that is e^x: the derivative of log(u) is 1/u, so divide by 1 + e^x"),
        (_softplus(x), "that is softplus(x), the output itself: the derivative is its slope"),
    ]
    for value, meaning in slips:
        if math.isclose(said, value, rel_tol=1e-6, abs_tol=1e-12):
            return f": {meaning}"
    return ""


def judge(answer: Any) -> None:
    """Run the learner's Softplus gate in the engine; raise Wrong naming the mistake."""
    gate = call(_gate_class(answer), what="Softplus()")
    for x in POINTS:  # forward
        y = call(gate, Value(x, "x"), what=f"Softplus()(Value({x}))")
        if not math.isclose(y.data, _softplus(x), rel_tol=1e-9, abs_tol=1e-12):
            raise Wrong(
                f"forward at x = {x} gives {y.data:.6g}; log(1 + e^x) is {_softplus(x):.6g}"
            )
    for x in POINTS:  # each local derivative, on its own
        y = call(gate, Value(x, "x"), what=f"Softplus()(Value({x}))")
        y.label = "y"
        report = call(check_graph, y, 1e-6, 1e-6, 1e-5, False, what="check_graph on your gate")
        if report.mismatches:
            m = report.mismatches[0]
            raise Wrong(
                f"wrong local derivative at x = {x}: {m.where}: your backward gives "
                f"{m.analytical:.6g}, finite differences {m.numerical:.6g}"
                + _derivative_slip(x, m.analytical)
            )
    leaf = Value(0.8, "x")  # the chain rule: up_diff is 3 here, not 1
    y = call(gate, leaf, what="Softplus()(x)")
    call((y * UP_DIFF).backward, what="(softplus(x) * 3).backward()")
    right = UP_DIFF * _sigmoid(0.8)
    if math.isclose(leaf.grad, _sigmoid(0.8), rel_tol=1e-6):
        raise Wrong(
            "in softplus(x) * 3, x.grad is sigmoid(x), not 3 sigmoid(x): backward dropped "
            "up_diff; multiply the local derivative by out.grad (the chain rule)"
        )
    if not math.isclose(leaf.grad, right, rel_tol=1e-6):
        raise Wrong(
            f"in softplus(x) * 3 at x = 0.8, x.grad is {leaf.grad:.6g}; expected {right:.6g}"
        )
    leaf = Value(0.8, "x")  # a parent used twice: the + gate adds 1 into x.grad before softplus
    y = call(gate, leaf, what="Softplus()(x)")
    call((y + leaf).backward, what="(softplus(x) + x).backward()")
    right = _sigmoid(0.8) + 1.0
    if math.isclose(leaf.grad, _sigmoid(0.8), rel_tol=1e-6):
        raise Wrong(
            "in softplus(x) + x, x.grad lost the 1 from the + gate: backward used = where += "
            "is needed (a parent used twice receives from both uses)",
            USED_TWICE,
        )
    if not math.isclose(leaf.grad, right, rel_tol=1e-6):
        raise Wrong(
            f"in softplus(x) + x at x = 0.8, x.grad is {leaf.grad:.6g}; expected {right:.6g}"
        )


MUL_A, MUL_B = exact_gradient(lambda v: v[0] * v[1] * 3.0, [2.0, -5.0])
MAX_A, MAX_B = exact_gradient(lambda v: v[0].max(v[1]) * 3.0, [4.0, 6.0])


def _gradient_ratio(scale_first: float) -> float:
    """|dL/dw1| / |dL/dw2| for the notebook's large-input data, its first feature scaled."""
    import numpy as np  # here, not at the top: the playground grades gate_backward without it

    rng = np.random.default_rng(0)
    raw = np.column_stack([rng.normal(500.0, 10.0, 50), rng.normal(0.0, 1.0, 50)])
    data = raw * [scale_first, 1.0]
    ws = [Value(0.1), Value(0.1)]
    (Value.sum([Value.dot(ws, list(row)) ** 2 for row in data]) * (1 / len(data))).backward()
    return abs(ws[0].grad) / abs(ws[1].grad)


def _verdict(before: float, after: float) -> str:
    return "grow" if after > 1.5 * before else "shrink" if after < before / 1.5 else "stay"


def bigger_feature() -> str:
    """What a ten times larger first feature does to the ratio: "grow", "shrink" or "stay"."""
    return _verdict(_gradient_ratio(1.0), _gradient_ratio(10.0))


EXERCISES = [
    code(
        "gate_backward",
        NOTEBOOK,
        "softplus as a Gate: a class Softplus with forward and backward",
        starter=STARTER,
        solution=Softplus,
        judge=judge,
        section=GATES,
        answer_name="Softplus",
    ),
    number(
        "mul_gate_grad",
        NOTEBOOK,
        "a.grad for out = a · b · 3, a = 2, b = −5",
        MUL_A,
        section=MUL,
        mistakes={
            MUL_B: "that is b.grad: a receives the OTHER input, b, times up_diff",
            MUL_A / 3: "that leaves out up_diff, the 3 the product is multiplied by",
            -MUL_A: "the sign is flipped",
        },
        hint="the mul gate swaps: a receives b times up_diff",
    ),
    number(
        "max_gate_grad",
        NOTEBOOK,
        "a.grad for out = max(a, b) · 3, a = 4, b = 6",
        MAX_A,
        section=MAX,
        mistakes={
            MAX_B: "that is what the winner gets: which of a and b is larger now?",
            MAX_B / 2: "a tie splits the gradient, but 4 and 6 are no tie",
        },
        hint="which input wins now?",
    ),
    choice(
        "bigger_feature",
        NOTEBOOK,
        "the ratio of the weight gradients with a 10x larger first feature",
        ["grow", "shrink", "stay"],
        bigger_feature,  # worked out at the first check (it needs NumPy)
        section=LARGE,
        mistakes={
            "stay": "the first feature's size enters dL/dw1 through its input, and every "
            "up_diff through w · x",
            "shrink": "a larger input makes its own weight's gradient larger (the mul gate swaps)",
        },
    ),
]
