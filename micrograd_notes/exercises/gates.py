"""Notebook 02, gates and backward flow: the exercises and their solutions.

``gate_backward``: the learner writes softplus, log(1 + eˣ), as a ``Gate`` with ``forward``
and ``backward``. The checker runs it in the engine: its forward values; each local
derivative with ``check_graph``, which names the node whose derivative is wrong; then
``backward()`` through two small graphs, one where up_diff is not 1 (a dropped up_diff shows)
and one where the parent is used twice (``=`` in place of ``+=`` shows).
"""

from __future__ import annotations

import math
from typing import Any

from micrograd_notes import Gate, Value, check_graph
from micrograd_notes.exercises.core import NotAnswered, Wrong, call, code, describe, is_stub

NOTEBOOK = "02"
GATES = "The sigmoid gate scales by σ(1 − σ)"
TOGETHER = "All four together"

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
    x = Value(0.8, "x")  # the chain rule: up_diff is 3 here, not 1
    y = call(gate, x, what="Softplus()(x)")
    call((y * UP_DIFF).backward, what="(softplus(x) * 3).backward()")
    right = UP_DIFF * _sigmoid(0.8)
    if math.isclose(x.grad, _sigmoid(0.8), rel_tol=1e-6):
        raise Wrong(
            "in softplus(x) * 3, x.grad is sigmoid(x), not 3 sigmoid(x): backward dropped "
            "up_diff; multiply the local derivative by out.grad (the chain rule)"
        )
    if not math.isclose(x.grad, right, rel_tol=1e-6):
        raise Wrong(f"in softplus(x) * 3 at x = 0.8, x.grad is {x.grad:.6g}; expected {right:.6g}")
    x = Value(0.8, "x")  # a parent used twice: the + gate adds 1 into x.grad before softplus
    y = call(gate, x, what="Softplus()(x)")
    call((y + x).backward, what="(softplus(x) + x).backward()")
    right = _sigmoid(0.8) + 1.0
    if math.isclose(x.grad, _sigmoid(0.8), rel_tol=1e-6):
        raise Wrong(
            "in softplus(x) + x, x.grad lost the 1 from the + gate: backward used = where += "
            "is needed (a parent used twice receives from both uses)",
            TOGETHER,
        )
    if not math.isclose(x.grad, right, rel_tol=1e-6):
        raise Wrong(f"in softplus(x) + x at x = 0.8, x.grad is {x.grad:.6g}; expected {right:.6g}")


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
]
