"""The engine: ``Value`` and ``backward()``.

Every number in a computation is a ``Value``. An operation makes a new ``Value`` that records
its ``parents`` (an ordered tuple) and the gate that made it. A gate (``gates.py``: one small
class per operation) knows its forward computation and, right beside it, its local
derivatives; its backward rule multiplies them by the gradient that arrives from above and
adds the result into each parent::

    down_diff = local_diff * up_diff          # parent.grad += local_diff * out.grad

``backward()`` visits the nodes in reverse topological order, so a node's ``grad`` is complete
before its rule passes it on.

This file is the teaching path: read it top to bottom, then the gate table. Fast node making
and the error messages are in ``nodes.py``; the opt-in speed of a tape in ``tape.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial
from typing import Union

Operand = Union["Value", float, int]


class Value:
    """A scalar in a computation graph: its ``data``, the ``grad`` of the output, its history.

    ``Value(data, label="")`` makes a leaf. ``data`` must be a finite real number (ints and
    NumPy scalars are converted to float). ``grad`` starts at 0.0 and is filled by
    ``backward()`` on some output that depends on this value.
    """

    # A node's parents live in slots, not in a tuple of their own: ``_a`` for a gate of one
    # input, ``_a`` and ``_b`` for a gate of two, ``_many`` for sum and dot (any number; ()
    # for a leaf). One object per node instead of two halves what Python's cyclic garbage
    # collector has to walk while a big graph is built: building the 275k-node benchmark
    # graph takes about 30% less time. The ``parents`` property assembles the tuple.
    __slots__ = ("data", "grad", "label", "_gate", "_a", "_b", "_many")
    # Make NumPy hand `np.float64(2) * v` to Value.__rmul__, not build an object array.
    __array_ufunc__ = None

    def __init__(self, data: float, label: str = "") -> None:
        self.data = data if type(data) is float else _as_float(data)
        if not math.isfinite(self.data):
            raise ValueError(f"Value data must be finite, got {self.data}")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self.grad = 0.0
        self.label = label
        self._gate: Gate | None = None
        self._a: Value = None  # type: ignore[assignment]  # set on every node made by a gate
        self._b: Value = None  # type: ignore[assignment]  # set on every two-input node
        self._many: tuple[Value, ...] = ()

    @property
    def parents(self) -> tuple[Value, ...]:
        """The values this one was computed from, in order (``()`` for a leaf).

        A tuple, never a set: ``a * a`` has the parents ``(a, a)``.
        """
        if self._b is not None:
            return (self._a, self._b)
        if self._a is not None:
            return (self._a,)
        return self._many

    @property
    def op(self) -> str:
        """The gate's symbol (``"*"``, ``"relu"``, ...); ``""`` for a leaf."""
        return "" if self._gate is None else self._gate.symbol

    @property
    def gate(self) -> Gate | None:
        """The gate that made this value (its forward and local derivatives); None for a leaf."""
        return self._gate

    @property
    def is_leaf(self) -> bool:
        """True for a value made by hand (an input, a weight or a constant)."""
        return self._gate is None

    # ---- for learners coming from micrograd ------------------------------------------------
    # The micrograd lecture's code (``trace``, ``draw_dot``, ``build_topo``, backward by hand)
    # reads these three names: it runs here with its import changed. New code: parents, op.

    @property
    def _prev(self) -> set[Value]:
        """The parents as a set, as micrograd keeps them (so ``a * a`` has one entry)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """The gate's symbol, as ``op``: ``""`` for a leaf."""
        return self.op

    @property
    def _backward(self) -> Callable[[], None]:
        """This node's gate rule: call it to run it once, by hand (a leaf's does nothing)."""
        return (lambda: None) if self._gate is None else partial(self._gate.backward, self)

    @_backward.setter
    def _backward(self, closure: object) -> None:  # the lecture's `out._backward = _backward`
        raise _backward_set()  # an operation here is a Gate, not a closure per node: say so

    def __repr__(self) -> str:
        parts = [f"data={self.data:.6g}", f"grad={self.grad:.6g}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self._gate is not None:
            parts.append(f"op={self.op!r}")
        return f"Value({', '.join(parts)})"

    # ---- arithmetic; a plain number mixed in becomes a constant leaf ----------------------
    # (``other if type(other) is Value else _lift(...)`` skips a call in the common case:
    # 6% of building a large graph, measured with callgrind.)

    def __add__(self, other: Operand) -> Value:
        """self + other;  d/dself = 1, d/dother = 1."""
        return _binary(ADD, self, other if type(other) is Value else _lift(other, "+"))

    def __radd__(self, other: Operand) -> Value:
        """other + self, for a plain number on the left."""
        return _binary(ADD, _lift(other, "+"), self)

    def __sub__(self, other: Operand) -> Value:
        """self - other;  d/dself = 1, d/dother = -1."""
        return _binary(SUB, self, other if type(other) is Value else _lift(other, "-"))

    def __rsub__(self, other: Operand) -> Value:
        """other - self, for a plain number on the left."""
        return _binary(SUB, _lift(other, "-"), self)

    def __mul__(self, other: Operand) -> Value:
        """self * other;  d/dself = other, d/dother = self."""
        return _binary(MUL, self, other if type(other) is Value else _lift(other, "*"))

    def __rmul__(self, other: Operand) -> Value:
        """other * self, for a plain number on the left."""
        return _binary(MUL, _lift(other, "*"), self)

    def __truediv__(self, other: Operand) -> Value:
        """self / other;  d/dself = 1/other, d/dother = -self/other^2."""
        return _binary(DIV, self, other if type(other) is Value else _lift(other, "/"))

    def __rtruediv__(self, other: Operand) -> Value:
        """other / self, for a plain number on the left."""
        return _binary(DIV, _lift(other, "/"), self)

    def __pow__(self, other: Operand) -> Value:
        """self ** k (number k: any base) or self ** b (Value b: base > 0)."""
        if isinstance(other, Value):
            return _binary(POW, self, other)
        return _unary(_power_gate(_number(other, "**")), self)

    def __rpow__(self, other: Operand) -> Value:
        """other ** self, for a positive plain number on the left."""
        return _binary(POW, _lift(other, "**"), self)

    def __neg__(self) -> Value:
        """-self;  d/dself = -1."""
        return _unary(NEG, self)

    def __abs__(self) -> Value:
        """|self|;  d/dself = sign(self), 0 at 0."""
        return _unary(ABS, self)

    # ---- comparisons: of data, for control flow (not gates; no gradient flows) -------------
    # ``a < b`` compares ``a.data`` with ``b``'s data, or with a number exactly as Python compares
    # a float with it, and gives a bool: ``max(a, b)``, ``sorted(values)``, ``if loss < best:``
    # work. ``==`` and ``hash`` stay identity (a Value is a node, kept in sets and dicts by every
    # graph walk), and ``bool(v)`` is refused: ``if v:`` may mean ``v is not None`` or ``v.data``.

    def __lt__(self, other: Operand) -> bool:
        """self.data < other (a Value's data or a number)."""
        o = _compared(other)
        return NotImplemented if o is None else self.data < o

    def __le__(self, other: Operand) -> bool:
        """self.data <= other."""
        o = _compared(other)
        return NotImplemented if o is None else self.data <= o

    def __gt__(self, other: Operand) -> bool:
        """self.data > other."""
        o = _compared(other)
        return NotImplemented if o is None else self.data > o

    def __ge__(self, other: Operand) -> bool:
        """self.data >= other."""
        o = _compared(other)
        return NotImplemented if o is None else self.data >= o

    def __bool__(self) -> bool:
        """Refused: ``if v:`` might mean ``v.data != 0`` or ``v is not None``; write which."""
        raise _truth_refused(self)

    # ---- named gates ------------------------------------------------------------------------

    def exp(self) -> Value:
        """e^x."""
        return _unary(EXP, self)

    def log(self) -> Value:
        """Natural logarithm, for x > 0."""
        return _unary(LOG, self)

    def tanh(self) -> Value:
        """tanh(x)."""
        return _unary(TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x)."""
        return _unary(SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x)."""
        return _unary(RELU, self)

    def abs(self) -> Value:
        """|x|."""
        return _unary(ABS, self)

    def max(self, other: Operand) -> Value:
        """The larger of self and other; a tie sends half the gradient to each."""
        return _binary(MAX, self, other if type(other) is Value else _lift(other, "max"))

    def min(self, other: Operand) -> Value:
        """The smaller of self and other; a tie sends half the gradient to each."""
        return _binary(MIN, self, other if type(other) is Value else _lift(other, "min"))

    @staticmethod
    def sum(values: Iterable[Operand]) -> Value:
        """One node for x_1 + ... + x_n (n parents), instead of a chain of n - 1 adds."""
        return _apply(SUM, _lift_tuple(list(values), "sum"))

    @staticmethod
    def dot(ws: Iterable[Operand], xs: Iterable[Operand], bias: Operand | None = None) -> Value:
        """One node for w_1 x_1 + ... + w_n x_n (+ b): a neuron's weighted sum.

        Its parents are ``(w_1, ..., w_n, x_1, ..., x_n)``, with ``b`` last when given.
        """
        ws = ws if isinstance(ws, list) else list(ws)
        xs = xs if isinstance(xs, list) else list(xs)
        if len(ws) != len(xs):
            raise ValueError(f"dot: {len(ws)} weights but {len(xs)} inputs")
        operands = [*ws, *xs] if bias is None else [*ws, *xs, bias]
        return _apply(DOT, _lift_tuple(operands, "dot"))

    # ---- the backward pass --------------------------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``grad`` with grad · d(self)/d(node) for every node this value depends on.

        The semantics are PyTorch's: the root is seeded with ``grad`` (1.0 by default;
        PyTorch's ``gradient=``), the ``grad`` of every intermediate (non-leaf) node is reset
        first, and leaves *accumulate*: calling ``backward()`` twice doubles a leaf's grad.
        Clear leaves between steps with ``Module.zero_grad()`` or by setting ``grad = 0.0``.
        A non-leaf root is reset too, so ``out.grad = 5`` before ``backward()`` has no
        effect: pass ``out.backward(5.0)`` instead.

        The pass visits the inner nodes only (a leaf has no rule to run), found by a graph
        search from the root, or read off an open ``Tape``. A grad that overflows a float stops
        it at that node's turn, with an ``OverflowError`` naming the node and the gate that
        sent it; the grads are left part-way: ``zero_grad()`` before trying again. A leaf's
        grad is checked where it is read: the optimizers refuse one that is not finite.
        """
        seed = _seed(grad)
        if self._gate is None:  # the root is itself a leaf: d(x)/dx = 1, and leaves accumulate
            total = self.grad + seed
            if total - total:  # inf: see nodes._overflow
                raise _leaf_root_overflow(self, seed)
            self.grad = total
            return
        order = _backward_order(self)  # the inner nodes, parents before children
        for node in order:
            node.grad = 0.0
        self.grad = seed
        for node in reversed(order):  # children before parents: each grad is complete
            g = node.grad
            if g - g:  # inf or nan (see nodes._overflow): stop before it spreads to the parents
                raise _grad_overflow(node, order)
            if g:  # an up_diff of 0 sends 0: skip the gate's work
                try:  # free unless raised (3.11+); a rule computing x ** k raises on overflow
                    node._gate.backward(node)  # type: ignore[union-attr]  # an inner node
                except OverflowError:
                    raise _rule_overflow(node, order) from None


dot = Value.dot


# ---- wiring ---------------------------------------------------------------------------------
# The gates and the node constructors make Values, so they are imported once Value exists.
# They become globals of this module, which the operators above read directly: one dict
# lookup each, no attribute lookup on the hot path. (Replacing one here, as in
# ``engine.MUL = MyMul()``, changes what every ``*`` does from then on.)

from micrograd_notes.gates import (  # noqa: E402
    ABS,
    ADD,
    DIV,
    DOT,
    EXP,
    LOG,
    MAX,
    MIN,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SUB,
    SUM,
    TANH,
    Gate,
    _power_gate,
)
from micrograd_notes.nodes import (  # noqa: E402
    _apply,
    _as_float,
    _backward_order,
    _backward_set,
    _binary,
    _compared,
    _grad_overflow,
    _leaf_root_overflow,
    _lift,
    _lift_tuple,
    _number,
    _rule_overflow,
    _seed,
    _truth_refused,
    _unary,
)
from micrograd_notes.tape import Tape, gc_paused  # noqa: E402

__all__ = ["Gate", "Operand", "Tape", "Value", "dot", "gc_paused"]  # public here, as before


def __getattr__(name: str) -> object:
    """Names code reads here from before the split (``engine.Mul``): from gates or nodes."""
    from micrograd_notes import gates, nodes

    for module in (gates, nodes):
        if name in vars(module):
            return vars(module)[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
