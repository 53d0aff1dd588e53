"""Gradients of gradients: ``grad`` and ``hessian``.

``backward()`` runs each gate's float rule and leaves numbers in ``.grad``: the end of the line.
``grad(f)`` runs the same reverse sweep with each gate's rule written with Values
(``local_values``, beside ``backward`` in ``gates.py``), so every product
``down_diff = local_diff · up_diff`` and every sum of paths is a new node. The backward pass
becomes a graph of ordinary gates, hanging off the forward graph, and its output, df/dx, is a
``Value`` like any other: it can be drawn, and differentiated again::

    d2f = grad(grad(f))          # d²f/dx², as a function
    d2f(0.7).data

A gate whose local derivative is a constant (add, relu, max, ...) gives a plain number, not a
node, so the graph holds only what the next derivative needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from micrograd_notes.engine import Value
from micrograd_notes.gates import Local  # a local derivative: a Value, or a constant number
from micrograd_notes.graph import topological_order
from micrograd_notes.helpers import real_to_float


def grad(f: Callable[..., Value], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """grad(f)(*args) = ∂f/∂args[argnums], a Value built from gates: grad(grad(f)) is f''.

    ``f`` takes numbers or Values and returns one Value. A number argument becomes a new leaf;
    a Value is used as it is, so an outer ``grad`` can differentiate through an inner one.
    An argument of another kind (a list of data, say) is passed to ``f`` as it is, and may not
    be in ``argnums``. A tuple ``argnums`` gives a tuple of derivatives. A derivative that
    does not depend on the argument at all is ``Value(0.0)``.
    """
    positions = _positions(argnums)

    def gradient_of_f(*args: Any) -> Value | tuple[Value, ...]:
        who = f"grad({_name(f)})"
        inputs = _lifted(args, positions, who)
        out = _scalar(f(*inputs), who)
        grads = derivatives(out, [inputs[i] for i in positions])
        return grads[0] if isinstance(argnums, int) else tuple(grads)

    gradient_of_f.__name__ = f"grad({_name(f)})"
    return gradient_of_f


def hessian(
    f: Callable[..., Value], argnums: int | tuple[int, ...] | None = None
) -> Callable[..., list[list[float]]]:
    """hessian(f)(*xs)[i][j] = ∂²f / ∂x_i ∂x_j, as lists of floats (every argument by default).

    Row i is the gradient of ∂f/∂x_i: the sweep of ``grad`` run twice. Like ``grad``, it
    leaves every ``.grad`` in the caller's graph as it was.
    """
    positions = None if argnums is None else _positions(argnums)

    def hessian_of_f(*args: Any) -> list[list[float]]:
        wanted = tuple(range(len(args))) if positions is None else positions
        if not wanted:
            raise TypeError(f"hessian({_name(f)}): called with no arguments to differentiate")
        inputs = _lifted(args, wanted, f"hessian({_name(f)})")
        out = _scalar(f(*inputs), f"hessian({_name(f)})")
        xs = [inputs[i] for i in wanted]
        return [[d.data for d in derivatives(first, xs)] for first in derivatives(out, xs)]

    hessian_of_f.__name__ = f"hessian({_name(f)})"
    return hessian_of_f


def derivatives(root: Value, wrt: Sequence[Value]) -> list[Value]:
    """d root / d w for each w in ``wrt``, as Values: the backward pass built out of gates.

    The sweep of ``backward()``, node by node in reverse topological order, with Values in
    place of floats: each node's up_diff is the sum of what its children sent it, and each
    parent receives local_diff · up_diff. Only nodes that some w reaches take part.
    """
    order = topological_order(root)
    targets = {id(w) for w in wrt}
    reaches = set(targets)  # the nodes that depend on some w: the only ones worth a derivative
    for node in order:
        if any(id(p) in reaches for p in node.parents):
            reaches.add(id(node))
    sent: dict[int, list[Local]] = {id(root): [1.0]}  # what each node has received so far
    found: dict[int, Local] = {}
    for node in reversed(order):  # children before parents: a node's up_diff is complete
        parts = sent.pop(id(node), None)
        if parts is None or id(node) not in reaches:
            continue
        up_diff = _total(parts)
        if id(node) in targets:
            found[id(node)] = up_diff
        if node.is_leaf:
            continue
        for parent, local_diff in zip(node.parents, _local_values(node)):
            if id(parent) in reaches:
                down_diff = _times(local_diff, up_diff)
                if not (isinstance(down_diff, float) and down_diff == 0.0):
                    sent.setdefault(id(parent), []).append(down_diff)
    return [_as_value(found.get(id(w), 0.0)) for w in wrt]


def _times(local_diff: Local, up_diff: Local) -> Local:
    """local_diff · up_diff, with no node where a factor is the number 0, 1 or -1."""
    if isinstance(local_diff, float) and isinstance(up_diff, float):
        return local_diff * up_diff
    for number, other in ((local_diff, up_diff), (up_diff, local_diff)):
        if isinstance(number, float):
            if number == 0.0:
                return 0.0
            if number == 1.0:
                return other
            if number == -1.0:
                return -other
    return local_diff * up_diff


def _total(parts: list[Local]) -> Local:
    """The sum of the paths into a node: one node for all of them (a number if all are)."""
    values = [part for part in parts if isinstance(part, Value)]
    constant = sum((part for part in parts if isinstance(part, float)), 0.0)
    if not values:
        return constant
    if constant:
        values.append(Value(constant))
    return values[0] if len(values) == 1 else Value.sum(values)


def _as_value(derivative: Local) -> Value:
    return derivative if isinstance(derivative, Value) else Value(derivative)


def _local_values(node: Value) -> tuple[Local, ...]:
    """The local derivatives of ``node``'s gate, as Values (or constant numbers), one per
    parent; an error naming the gate and the method to write when it has none."""
    gate = node.gate
    cls = type(gate)
    rule = getattr(gate, "local_values", None)
    if rule is None:
        raise NotImplementedError(
            f"grad: the gate {gate!r} ({cls.__name__}) has no local derivative written with "
            f"Values: give {cls.__name__} a method local_values(self, out) that returns one "
            "local derivative per parent, built from out and out.parents with Value operations "
            "(a plain number where it is a constant), as the gates in gates.py do"
        )
    backward_home, values_home = _defined_in(cls, "backward"), _defined_in(cls, "local_values")
    if backward_home is not values_home and issubclass(backward_home, values_home):
        raise NotImplementedError(
            f"grad: {backward_home.__name__} rewrites backward but inherits local_values from "
            f"{values_home.__name__}: give {backward_home.__name__} its own local_values(self, "
            "out), the same derivatives written with Values"
        )
    try:
        locals_ = tuple(rule(node))
    except (ValueError, ZeroDivisionError, OverflowError) as err:
        raise type(err)(
            f"grad: the local derivative of the {node.op} gate at {node.data:.6g} cannot be "
            f"built as a Value ({err})"
        ) from None
    if len(locals_) != len(node.parents):
        raise ValueError(
            f"grad: {cls.__name__}.local_values gave {len(locals_)} local derivatives for "
            f"{len(node.parents)} parent{'s' if len(node.parents) != 1 else ''}"
        )
    return tuple(_local(d, cls.__name__) for d in locals_)


def _local(derivative: object, gate_name: str) -> Local:
    """A local derivative as the sweep takes it: a Value, or a number as a float."""
    if isinstance(derivative, Value):
        return derivative
    number = real_to_float(derivative)
    if number is None:
        raise TypeError(
            f"grad: {gate_name}.local_values must give Values or numbers, got "
            f"{type(derivative).__name__}"
        )
    return number


def _defined_in(cls: type, name: str) -> type:
    """The class in ``cls``'s MRO that defines the method ``name``."""
    return next(k for k in cls.__mro__ if name in vars(k))


# ---- reading what grad is given --------------------------------------------------------------


def _name(f: object) -> str:
    return getattr(f, "__name__", type(f).__name__)


def _positions(argnums: object) -> tuple[int, ...]:
    """``argnums`` as a tuple of argument positions, or a TypeError saying what it must be."""
    items = argnums if isinstance(argnums, tuple) else (argnums,)
    if not items or not all(type(i) is int and i >= 0 for i in items):
        raise TypeError(
            "grad: argnums must be an argument position (0, 1, ...) or a non-empty tuple of "
            f"them, got {argnums!r:.60}"
        )
    return cast("tuple[int, ...]", items)


def _lifted(args: tuple[Any, ...], positions: tuple[int, ...], who: str) -> list[Any]:
    """The arguments, each number made a Value (a new leaf); anything else (data) as it is,
    except at a position to differentiate by, which must be a number or a Value."""
    if max(positions) >= len(args):
        raise IndexError(
            f"{who}: argnums {max(positions)} is out of range for {len(args)} "
            f"argument{'s' if len(args) != 1 else ''}"
        )
    inputs = list(args)
    for i, arg in enumerate(args):
        number = None if isinstance(arg, (Value, bool)) else real_to_float(arg)
        if number is not None:
            inputs[i] = Value(number)
        elif i in positions and not isinstance(arg, Value):
            raise TypeError(
                f"{who}: argument {i} must be a number or a Value to differentiate by, "
                f"got {type(arg).__name__}"
            )
    return inputs


def _scalar(result: object, who: str) -> Value:
    """f's result, which must be one Value."""
    if isinstance(result, Value):
        return result
    if isinstance(result, (list, tuple)):
        raise TypeError(
            f"{who}: f returned a {type(result).__name__} of {len(result)} items; it must "
            "return one Value (a scalar): take their sum, or one of them"
        )
    if real_to_float(result) is not None:
        raise TypeError(
            f"{who}: f returned a plain {type(result).__name__}, not a Value: build its "
            "result from its arguments with Value operations (math.tanh(x.data) cuts the graph)"
        )
    raise TypeError(f"{who}: f must return a Value, got {type(result).__name__}")
