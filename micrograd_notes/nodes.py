"""How the engine makes nodes, records them on an open tape, and names what went wrong.

Speed-only code, kept out of the teaching path (``engine.py``, ``gates.py``): nearly every
node of every graph is made by ``_unary`` or ``_binary`` below, so they are written out by
hand, and every name they use is a global of this module (one dict lookup, no attribute
lookup). Measurement notes sit beside each trick (callgrind instruction counts).
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Callable
from contextvars import ContextVar
from fractions import Fraction
from typing import TYPE_CHECKING

from micrograd_notes.engine import Operand, Value
from micrograd_notes.graph import topological_order
from micrograd_notes.helpers import node_name, real_to_float

if TYPE_CHECKING:
    from micrograd_notes.gates import Gate


# ---- the recording a Tape reads (see tape.py) -------------------------------------------------
#
# Without a tape, each new node pays for one check of the global ``_taping`` and nothing else.
# With one, it also pays for finding this thread's list: a ContextVar, whose ``get`` is the
# cheapest per-thread lookup Python has (half a ``threading.local`` attribute; callgrind).

# The list the open tapes of this thread (or asyncio task) record into; None when none is open.
_tape_list: ContextVar[list[Value] | None] = ContextVar("micrograd_notes_tape", default=None)
_open_tape = _tape_list.get
# Where this thread's open tapes saw a comparison of Values (the tape's length then): a branch
# on data that a compiled step would take at every call (see compiled.py).
_compared_at: ContextVar[list[int] | None] = ContextVar("micrograd_compared", default=None)
_taping = False  # True while some thread has a tape open: the only check on the default path
_open_lists = 0  # how many outermost tapes are open, in all threads
_open_lock = threading.Lock()


def _count_open_list(change: int) -> None:
    """An outermost tape opened (+1) or closed (-1): keep ``_taping`` true while any is open."""
    global _taping, _open_lists
    with _open_lock:
        _open_lists += change
        _taping = _open_lists > 0


def _backward_order(root: Value) -> list[Value]:
    """The inner nodes ``backward()`` visits, parents before children: this thread's tape up
    to ``root`` when the root was recorded on it, else a topological sort from the root.
    Leaves are in neither (see ``Value.backward``)."""
    nodes = _open_tape() if _taping else None
    if nodes:
        if nodes[-1] is root:  # the usual case: the loss is the newest node
            return nodes
        for k in range(len(nodes) - 2, -1, -1):
            if nodes[k] is root:
                return nodes[: k + 1]
    return topological_order(root, leaves=False)


# ---- making nodes -------------------------------------------------------------------------------

_new_value = Value.__new__


def _node(
    data: float, gate: Gate | None, a: Value | None, b: Value | None, many: tuple[Value, ...]
) -> Value:
    """A new node, skipping the checks of ``Value()``: the engine's own constructor."""
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._gate = gate
    out._a = a  # type: ignore[assignment]
    out._b = b  # type: ignore[assignment]
    out._many = many
    if _taping and gate is not None and (tape := _open_tape()) is not None:
        tape.append(out)  # a new inner node goes on this thread's open tape (see Tape)
    return out


# ``_node`` written out for the gates of one parent or two, which make nearly every node:
# one call fewer per node is 4% of building a large graph (callgrind).


def _binary(gate: Gate, a: Value, b: Value | None = None) -> Value:
    """A new node: ``gate`` run forward on ``a`` and ``b``, or on ``a`` alone when ``b`` is
    None (every +, * and relu comes here)."""
    data = gate.forward(a) if b is None else gate.forward(a, b)
    if data - data:  # inf - inf and nan - nan are nan, x - x is 0.0: see _overflow
        raise _overflow(gate, (a,) if b is None else (a, b), data)
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._gate = gate
    out._a = a
    out._b = b  # type: ignore[assignment]
    out._many = ()
    if _taping and (tape := _open_tape()) is not None:  # see Tape
        tape.append(out)
    return out


_unary = _binary  # the same constructor, for a gate of one parent: ``_unary(EXP, x)``


def _apply(gate: Gate, parents: tuple[Value, ...]) -> Value:
    """A new node: ``gate`` run forward on its parents, however many it takes."""
    if gate.many or len(parents) > 2:
        data = gate.forward(*parents)
        if data - data:  # inf or nan: see _overflow
            raise _overflow(gate, parents, data)
        return _node(data, gate, None, None, parents)
    return _binary(gate, *parents)


def _lift_tuple(items: list[Operand], op: str) -> tuple[Value, ...]:
    """``_lift`` over a list, as a tuple; when all are Values (the usual case, as in a
    neuron) that is checked in one C-level pass instead of a Python loop."""
    if _ONLY_VALUE.issuperset(map(type, items)):
        return tuple(items)  # type: ignore[arg-type]
    return tuple(_lift(x, op) for x in items)


_ONLY_VALUE = frozenset({Value})


def _lift(x: Operand, op: str) -> Value:
    """A Value as is; a plain number as a new constant leaf."""
    if isinstance(x, Value):
        return x
    data = _number(x, op)
    if not math.isfinite(data):
        raise ValueError(f"{op}: operand must be finite, got {data}")
    return _node(data, None, None, None, ())  # a constant leaf


# ---- reading what the engine is given -----------------------------------------------------------


def _number(x: object, op: str) -> float:
    """A plain operand as a float, or a TypeError naming the operation."""
    if type(x) is float:
        return x
    number = real_to_float(x)
    if number is None:
        raise TypeError(f"unsupported operand for {op}: Value and {type(x).__name__} ({x!r})")
    return number


def _as_float(data: object) -> float:
    """``Value(data)``'s data as a float; anything but a real number is a TypeError."""
    number = real_to_float(data)
    if number is not None:
        return number
    if isinstance(data, Value):
        raise TypeError("Value(...) got a Value; use that Value itself, or its .data")
    raise TypeError(f"Value data must be a real number, got {type(data).__name__}: {data!r}")


def _compared(x: object) -> float | int | Fraction | None:
    """What a comparison compares ``data`` with: a Value's data, or a real number kept exact
    (an int as an int, a fraction as a Fraction: a float compares with those exactly, where
    rounding to a float would make 2.0**53 < 2**53 + 1 false and 1.0 < 10**400 an error);
    None for anything else. While a tape records, the comparison is noted on it
    (``Tape.comparisons``)."""
    if _taping and (marks := _compared_at.get()) is not None and (tape := _open_tape()) is not None:
        marks.append(len(tape))
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Integral):  # NumPy's ints too
        return int(x)
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    return real_to_float(x)


def _seed(grad: object) -> float:
    """backward()'s seed as a finite float, or an error that says what was passed."""
    seed = real_to_float(grad)
    if seed is None:
        raise TypeError(f"backward: grad must be a real number, got {type(grad).__name__}")
    if not math.isfinite(seed):
        raise ValueError(f"backward: grad must be finite, got {seed}")
    return seed


# ---- the errors that name what went wrong -------------------------------------------------------


def _overflow(gate: Gate, parents: tuple[Value, ...], data: float) -> OverflowError:
    """The error for a gate whose output is not finite although its inputs are.

    A Value's data is finite from the start, and every gate here is finite on finite
    inputs unless a float overflows (1e308 * 10, or 1e308 - -1e308), so one check of the
    output, in the constructors every gate goes through, finds every overflow before
    an inf (or the nan that inf - inf makes later) gets into the graph. The check is
    ``data - data``, a subtraction and a truth test: no function call, because it runs for
    every node. With backward()'s check of each grad it costs about 1.2% of the instructions
    of a demo training step (callgrind; README, "Numbers the engine is careful about").
    """
    xs = [p.data for p in parents]
    if len(xs) == 2 and gate.symbol in ("+", "-", "*", "/", "**"):
        what = f"{xs[0]!r} {gate.symbol} {xs[1]!r}"
    else:
        shown = ", ".join(map(repr, xs[:4])) + (", ..." if len(xs) > 4 else "")
        what = f"{gate.symbol}({shown})"
    if not all(map(math.isfinite, xs)):  # someone set .data to inf or nan by hand
        return OverflowError(f"{gate.symbol}: {what} has a non-finite operand")
    return OverflowError(f"{gate.symbol}: {what} overflows a float (the limit is ~1.8e308)")


def _truth_refused(value: Value) -> TypeError:
    """The error for ``bool(v)``, ``if v:``, ``v or w`` (see the comparisons in engine.py)."""
    return TypeError(
        f"the truth value of a Value is ambiguous ({value!r}): compare its data, as in "
        "`if v.data != 0:` or `if v < 0:`, or test the node with `if v is not None:`"
    )


def _backward_set() -> AttributeError:
    """The error for ``v._backward = ...``, the micrograd lecture's way to add an operation."""
    return AttributeError(
        "a Value's _backward cannot be set: here an operation is a Gate, one class shared by "
        "all its nodes, not a closure per node. Subclass micrograd_notes.Gate with a symbol, "
        "forward(self, a, ...) and backward(self, out), then call an instance on Values: "
        "see help(micrograd_notes.Gate)"
    )


def _namer(root: Value) -> Callable[[Value], str]:
    """How an error about the graph of ``root`` names a node: its name in the drawing of
    ``root`` (``helpers.node_name``, numbered as the drawing numbers them), and its data."""
    places = {id(node): k for k, node in enumerate(topological_order(root))}
    return lambda node: f"{node_name(node, places.get(id(node)))!r} (data {node.data:.6g})"


def _leaf_root_overflow(root: Value, seed: float) -> OverflowError:
    """The error for ``backward()`` on a leaf whose grad would overflow with the seed added."""
    return OverflowError(
        f"backward: the grad of {_namer(root)(root)} overflows a float ({root.grad:g} + "
        f"{seed:g}); set its grad to 0.0 before trying again"
    )


def _grad_overflow(node: Value, order: list[Value]) -> OverflowError:
    """The error for a grad found inf or nan at its node's turn in ``backward()``."""
    name = _namer(order[-1])  # the root is last on either path
    users = [child for child in order if any(p is node for p in child.parents)]
    senders = ", ".join(f"the {c.op} gate of {name(c)}" for c in users[:3])
    return OverflowError(
        f"backward: the grad of {name(node)} overflows a float ({node.grad}), sent by the "
        f"backward rule of {senders or 'the seed'}. The grads are left part-way: "
        "zero_grad() before the next try, and rescale the inputs or the loss"
    )


def _rule_overflow(node: Value, order: list[Value]) -> OverflowError:
    """The error for a gate's backward rule that raised OverflowError itself."""
    name = _namer(order[-1])
    parents = ", ".join(name(p) for p in node.parents[:3])
    return OverflowError(
        f"backward: the backward rule of the {node.op} gate overflows a float, from "
        f"{name(node)} with grad {node.grad:.6g} to {parents}. The grads are left "
        "part-way: zero_grad() before the next try, and rescale the inputs or the loss"
    )
