"""Checking gradients against finite differences.

``central_difference`` is the oracle: (f(x + eps) - f(x - eps)) / 2eps, whose error shrinks
as eps^2. ``gradcheck`` compares what ``backward()`` says about a function's inputs with that
oracle. ``check_graph`` goes further: it checks every node's own local derivatives, so a
wrong derivative is pinned to the node and gate that is wrong, not only seen at the inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from micrograd_notes.engine import Value
from micrograd_notes.gates import Gate
from micrograd_notes.graph import topological_order
from micrograd_notes.nodes import _apply

# What a gate raises when a nudged input leaves its domain (log near 0, say).
_DOMAIN_ERRORS = (ValueError, ZeroDivisionError, OverflowError)


def central_difference(
    f: Callable[..., float], *vals: float, arg: int = 0, eps: float = 1e-6
) -> float:
    """(f(..., x + eps, ...) - f(..., x - eps, ...)) / 2eps, for x = vals[arg]."""
    if not eps > 0.0:
        raise ValueError(f"central_difference: eps must be positive, got {eps}")
    if not 0 <= arg < len(vals):
        raise IndexError(f"central_difference: arg {arg} is out of range for {len(vals)} values")
    return (f(*_nudged(vals, arg, eps)) - f(*_nudged(vals, arg, -eps))) / (2.0 * eps)


@dataclass(frozen=True)
class Mismatch:
    """One derivative on which ``backward()`` and finite differences disagree."""

    where: str
    numerical: float
    analytical: float

    def __str__(self) -> str:
        return f"{self.where}: numerical {self.numerical:.10g}, analytical {self.analytical:.10g}"


@dataclass
class GradcheckReport:
    """What a check compared: how many derivatives, which disagreed, which were skipped."""

    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every checked derivative agreed."""
        return not self.mismatches

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = f"{self.checked} derivatives checked, {len(self.mismatches)} mismatched"
        lines = [head, *(f"  {m}" for m in self.mismatches)]
        lines += [f"  skipped {s}" for s in self.skipped]
        return "\n".join(lines)


class GradcheckError(AssertionError):
    """Raised when a check finds a mismatch; ``.report`` holds the whole report."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(f"gradient check failed: {report}")
        self.report = report


def _close(numerical: float, analytical: float, atol: float, rtol: float) -> bool:
    # Written so that a NaN on either side counts as a mismatch.
    return abs(numerical - analytical) <= atol + rtol * abs(numerical)


def _finish(report: GradcheckReport, raise_exception: bool) -> GradcheckReport:
    if raise_exception and not report.ok:
        raise GradcheckError(report)
    return report


def _output(result: object) -> Value:
    if not isinstance(result, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(result).__name__}")
    return result


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check d f / d input_i from ``backward()`` against central differences, for every i.

    ``f`` takes one Value per input and returns a Value. It is called on fresh copies of the
    inputs, so their own ``grad`` is left alone. A derivative passes when
    |numerical - analytical| <= atol + rtol * |numerical|. On a mismatch this raises
    ``GradcheckError`` naming each bad input, or, with ``raise_exception=False``, returns the
    report (which is falsy).
    """
    datas = [x.data if isinstance(x, Value) else float(x) for x in inputs]
    labels = [x.label if isinstance(x, Value) else "" for x in inputs]
    leaves = [Value(d, label) for d, label in zip(datas, labels)]
    _output(f(*leaves)).backward()

    def f_float(*xs: float) -> float:
        return _output(f(*[Value(x) for x in xs])).data

    report = GradcheckReport()
    for i, leaf in enumerate(leaves):
        numerical = central_difference(f_float, *datas, arg=i, eps=eps)
        report.checked += 1
        if not _close(numerical, leaf.grad, atol, rtol):
            name = f" ({leaf.label!r})" if leaf.label else ""
            where = f"input {i}{name} = {leaf.data:.6g}"
            report.mismatches.append(Mismatch(where, numerical, leaf.grad))
    return _finish(report, raise_exception)


def _forward(gate: Gate) -> Callable[..., float]:
    """The gate's forward as a function of plain floats (fresh leaves for each call)."""
    return lambda *xs: gate.forward(*[Value(x) for x in xs])


def local_diffs(gate: Gate, xs: Sequence[float]) -> list[float]:
    """d out / d x_i of one gate at the point xs, as its backward rule computes them."""
    scratch = [Value(x) for x in xs]  # one leaf per slot, so `a * a` gives both slots
    out = _apply(gate, tuple(scratch))
    out.grad = 1.0
    gate.backward(out)
    return [s.grad for s in scratch]


def check_graph(
    root: Value,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check every node of the graph under ``root`` on its own.

    For each node made by a gate: its ``data`` must equal the gate re-run on its parents'
    data (a stale graph shows up here), and each local derivative from the gate's backward
    rule must match central differences of the gate's forward. A mismatch names the node
    (its place in topological order, op and label) and the parent slot. A point where the
    one-sided differences disagree (relu at 0, a max tie) or where a nudge leaves the gate's
    domain is listed under ``skipped``: no single derivative exists there to compare.
    """
    report = GradcheckReport()
    for index, node in enumerate(topological_order(root, leaves=False)):
        gate = node.gate
        assert gate is not None  # leaves=False keeps only nodes made by a gate
        name = f"node {index} ({gate.symbol}{f' {node.label!r}' if node.label else ''})"
        xs = [p.data for p in node.parents]

        forward = _forward(gate)
        replayed = forward(*xs)
        report.checked += 1
        if not _close(replayed, node.data, atol, rtol):
            report.mismatches.append(Mismatch(f"{name} forward value", replayed, node.data))

        for slot, analytical in enumerate(local_diffs(gate, xs)):
            where = f"{name}, d/d parent {slot}"
            try:
                numerical = central_difference(forward, *xs, arg=slot, eps=eps)
                one_sided_up = (forward(*_nudged(xs, slot, eps)) - replayed) / eps
                one_sided_down = (replayed - forward(*_nudged(xs, slot, -eps))) / eps
            except _DOMAIN_ERRORS as err:
                report.skipped.append(f"{where}: a nudge of {eps:g} leaves the domain ({err})")
                continue
            if not _close(one_sided_up, one_sided_down, 10 * atol, 10 * rtol):
                report.skipped.append(f"{where}: not differentiable at {xs[slot]:.6g}")
                continue
            report.checked += 1
            if not _close(numerical, analytical, atol, rtol):
                report.mismatches.append(Mismatch(where, numerical, analytical))
    return _finish(report, raise_exception)


def _nudged(xs: Sequence[float], slot: int, h: float) -> list[float]:
    moved = list(xs)
    moved[slot] += h
    return moved
