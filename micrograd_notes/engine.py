"""The engine: ``Value``, the gates it is built from, and ``backward()``.

Every number in a computation is a ``Value``. An operation makes a new ``Value`` that records
its ``parents`` (an ordered tuple) and its gate. Each gate below is one small class, with its
forward computation from the parents' data and, right beside it, its backward rule: the local
derivative of the output with respect to each parent, multiplied by the gradient that
arrives from above and added into that parent::

    down_diff = local_diff * up_diff          # parent.grad += local_diff * out.grad

``backward()`` visits the nodes in reverse topological order, so a node's ``grad`` is complete
before its rule passes it on.

Why a rule per gate rather than a closure per node: a closure built inside ``__mul__`` costs
one new function object per node (about 540 bytes a node, against 144 here), and a closure
that captures its own output node turns every graph into reference cycles that only Python's
cyclic garbage collector can free. A gate's rule is shared by all its nodes and receives the
output node as its argument, so a graph only points from children to parents: dropping the
root frees the whole graph at once, by reference counting.
"""

from __future__ import annotations

import gc
import math
import numbers
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any, Union

from micrograd_notes.graph import topological_order

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
    # Make NumPy hand `np.float64(2) * v` over to Value.__rmul__ instead of
    # building an object array.
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
    # The micrograd lecture's own code (its ``trace``, ``draw_dot``, ``build_topo`` and its
    # backward-by-hand cells) reads these three names; with them it runs on this package
    # with only its import changed. New code should use ``parents``, ``op`` and ``backward()``.

    @property
    def _prev(self) -> set[Value]:
        """The parents as a set, as micrograd keeps them (so ``a * a`` has one entry)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """The gate's symbol, as ``op``: ``""`` for a leaf."""
        return self.op

    def _backward(self) -> None:
        """Run this node's gate rule once: add local_diff · self.grad into each parent's grad.

        Does nothing on a leaf. ``backward()`` is this, called on every node in reverse
        topological order; calling it by hand, node by node, is the lecture's way to see it.
        """
        if self._gate is not None:
            self._gate.backward(self)

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
    # ``a < b`` compares ``a.data`` with ``b``'s data and returns a plain bool, so builtin
    # ``max(a, b)``, ``sorted(values)`` and ``if loss < best:`` work. ``==`` and ``hash`` are
    # left as identity on purpose: a Value is a node of a graph, kept in sets and used as a
    # dict key by every walk over the graph, and two nodes holding equal numbers are still two
    # nodes. (Builtin ``max(a, b)`` hands back one of the two nodes; ``a.max(b)`` is the gate.)

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

        A grad that overflows a float is an ``OverflowError`` naming the node and the gate
        whose backward rule sent it, raised when that node's turn comes, before the inf goes any
        further. The pass stops there and grads are left part-way: the named node holds the
        inf, the nodes not yet reached hold partial sums, and leaves keep what was added to
        them. Clear them with ``zero_grad()`` before trying again. (Inside a ``Tape``, the
        sweep visits only the taped inner nodes, so a leaf whose grad overflows is not named
        here; the optimizers refuse a non-finite grad before they step.)
        """
        seed = _seed(grad)
        if self._gate is None:  # the root is itself a leaf: d(x)/dx = 1, and leaves accumulate
            total = self.grad + seed
            if total - total:  # inf: see _overflow
                raise OverflowError(
                    f"backward: the grad of {_name(self)} overflows a float ({self.grad:g} + "
                    f"{seed:g}); set its grad to 0.0 before trying again"
                )
            self.grad = total
            return
        order = _backward_order(self)  # parents before children
        for node in order:
            if node._gate is not None:
                node.grad = 0.0
        self.grad = seed
        for node in reversed(order):  # children before parents: each grad is complete
            g = node.grad
            if g - g:  # inf or nan (see _overflow): stop before it spreads to the parents
                raise _grad_overflow(node, order)
            if g and node._gate is not None:  # an up_diff of 0 sends 0: skip the gate's work
                try:  # free unless raised (3.11+); a rule computing x ** k raises on overflow
                    node._gate.backward(node)
                except OverflowError:
                    raise _rule_overflow(node) from None


dot = Value.dot


# ================================================================================================
# The gates. Each one: the forward computation, then the local derivatives that send
# down_diff = local_diff * up_diff into each parent. ``out.grad`` is the up_diff.
# ================================================================================================


class Gate:
    """An operation: ``forward`` computes the output from the parents, ``backward`` adds
    local_diff * up_diff into each parent's grad.

    This is also how to add an operation of your own: subclass ``Gate``, give it a
    ``symbol`` and the two methods, and call an instance on Values (or numbers)::

        class Square(Gate):
            symbol = "sq"

            def forward(self, a):            # a float, from the parents' data
                return a.data * a.data

            def backward(self, out):         # d/da = 2a
                (a,) = out.parents
                a.grad += 2.0 * a.data * out.grad

        y = Square()(x)                      # a new Value whose parent is x

    ``backward`` must *add* (``+=``): a parent used twice receives from both uses.
    ``gradcheck.check_graph`` checks such a gate's derivatives against finite differences.
    """

    symbol = "?"
    many = False  # True for a gate of any number of parents: its node keeps them in _many

    # Each gate takes its own fixed parents (a, b, ...); ``**_`` only lets them say so to mypy.
    def forward(self, *parents: Any, **_: Any) -> float:
        """The output's value, from the parents' data."""
        raise NotImplementedError

    def backward(self, out: Value) -> None:
        """Add local_diff * out.grad into each of ``out.parents``' grad."""
        raise NotImplementedError

    def __call__(self, *operands: Operand) -> Value:
        """A new Value: this gate run forward on ``operands`` (numbers become constant leaves)."""
        if not operands:
            raise TypeError(f"{self!r} needs at least one operand")
        parents = _lift_tuple(list(operands), self.symbol)
        # A gate written outside the engine may return an int, a NumPy scalar, a Value or NaN:
        # check what forward gives before it becomes a node.
        data = self.forward(*parents)
        if type(data) is not float:
            if isinstance(data, Value) or not isinstance(data, numbers.Real):
                raise TypeError(
                    f"{self!r}: forward must return a number computed from the parents' "
                    f".data, got {type(data).__name__}"
                )
            data = float(data)
        if math.isnan(data):
            raise ValueError(f"{self!r}: forward returned nan, not a number")
        if math.isinf(data):  # an overflow, named as every built-in gate names one
            raise _overflow(self, parents, data)
        if self.many or len(parents) > 2:
            return _node(data, self, None, None, parents)
        return _node(data, self, parents[0], parents[1] if len(parents) == 2 else None, ())

    def __repr__(self) -> str:
        return f"<gate {self.symbol}>"


class Add(Gate):
    """a + b;  d/da = 1, d/db = 1: the add gate hands up_diff unchanged to both inputs."""

    symbol = "+"

    def forward(self, a: Value, b: Value) -> float:
        return a.data + b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += out.grad
        b.grad += out.grad


class Sub(Gate):
    """a - b;  d/da = 1, d/db = -1."""

    symbol = "-"

    def forward(self, a: Value, b: Value) -> float:
        return a.data - b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += out.grad
        b.grad -= out.grad


class Mul(Gate):
    """a * b;  d/da = b, d/db = a: the mul gate swaps its inputs."""

    symbol = "*"

    def forward(self, a: Value, b: Value) -> float:
        return a.data * b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad


class Div(Gate):
    """a / b;  d/da = 1/b, d/db = -a/b^2."""

    symbol = "/"

    def forward(self, a: Value, b: Value) -> float:
        if b.data == 0.0:
            raise ZeroDivisionError(f"division: {a.data!r} / 0 is undefined")
        return a.data / b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += out.grad / b.data
        b.grad -= out.data / b.data * out.grad  # a/b^2 = (a/b)/b


class Neg(Gate):
    """-a;  d/da = -1."""

    symbol = "neg"

    def forward(self, a: Value) -> float:
        return -a.data

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad -= out.grad


class PowConst(Gate):
    """a ** k for a number k;  d/da = k a^(k-1)."""

    def __init__(self, k: float) -> None:
        self.k = k
        self.symbol = f"**{k:g}"

    def forward(self, base: Value) -> float:
        a, k = base.data, self.k
        if a < 0.0 and not k.is_integer():
            raise ValueError(f"power: {a!r} ** {k!r} is not a real number")
        if a == 0.0 and k < 0.0:
            raise ZeroDivisionError(f"power: 0 ** {k!r} is undefined")
        if a == 0.0 and 0.0 < k < 1.0:
            raise ValueError(f"power: the derivative of x ** {k!r} is infinite at x = 0")
        try:
            return math.pow(a, k)
        except OverflowError:
            raise OverflowError(f"power: {a!r} ** {k!r} overflows a float") from None

    def backward(self, out: Value) -> None:
        a = out._a
        k = self.k
        if k != 0.0:  # x ** 0 = 1 is flat; skipping also avoids 0 ** -1 at x = 0
            a.grad += k * a.data ** (k - 1.0) * out.grad


_power_gates: dict[float, PowConst] = {}


def _power_gate(k: float) -> PowConst:
    """One shared gate per exponent, so ``x ** 2`` nodes cost no extra memory."""
    gate = _power_gates.get(k)
    if gate is None:
        if not math.isfinite(k):
            raise ValueError(f"power: exponent must be finite, got {k}")
        gate = _power_gates[k] = PowConst(k)
    return gate


class Pow(Gate):
    """a ** b for a Value b (a > 0);  d/da = b a^(b-1), d/db = a^b ln a."""

    symbol = "**"

    def forward(self, base: Value, exponent: Value) -> float:
        a, b = base.data, exponent.data
        if a <= 0.0:
            raise ValueError(
                f"power: {a!r} ** b with a Value exponent needs a positive base "
                "(its derivative in b is a^b ln a); use a number exponent for this base"
            )
        try:
            return math.pow(a, b)
        except OverflowError:
            raise OverflowError(f"power: {a!r} ** {b!r} overflows a float") from None

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += b.data * out.data / a.data * out.grad  # b a^(b-1) = b a^b / a
        b.grad += out.data * math.log(a.data) * out.grad


class Exp(Gate):
    """e^a;  d/da = e^a, the output itself."""

    symbol = "exp"

    def forward(self, a: Value) -> float:
        try:
            return math.exp(a.data)
        except OverflowError:
            raise OverflowError(
                f"exp: e ** {a.data!r} overflows a float (the limit is ~709.78)"
            ) from None

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad += out.data * out.grad


class Log(Gate):
    """ln a for a > 0;  d/da = 1/a."""

    symbol = "log"

    def forward(self, a: Value) -> float:
        if a.data <= 0.0:
            raise ValueError(f"log: needs a positive input, got {a.data!r}")
        return math.log(a.data)

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad += out.grad / a.data


class Tanh(Gate):
    """tanh(a);  d/da = 1 - tanh(a)^2. math.tanh saturates to +-1 without overflowing."""

    symbol = "tanh"

    def forward(self, a: Value) -> float:
        return math.tanh(a.data)

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad += (1.0 - out.data * out.data) * out.grad


class Sigmoid(Gate):
    """s(a) = 1 / (1 + e^-a);  d/da = s (1 - s): the sigmoid gate scales by s(1 - s)."""

    symbol = "sigmoid"

    def forward(self, a: Value) -> float:
        # Only ever exponentiate a non-positive number, so e^x cannot overflow.
        x = a.data
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad += out.data * (1.0 - out.data) * out.grad


class ReLU(Gate):
    """max(0, a);  d/da = 1 if a > 0 else 0 (relu'(0) is taken as 0)."""

    symbol = "relu"

    def forward(self, a: Value) -> float:
        return a.data if a.data > 0.0 else 0.0

    def backward(self, out: Value) -> None:
        a = out._a
        if a.data > 0.0:
            a.grad += out.grad


class Abs(Gate):
    """|a|;  d/da = sign(a), taken as 0 at a = 0."""

    symbol = "abs"

    def forward(self, a: Value) -> float:
        return abs(a.data)

    def backward(self, out: Value) -> None:
        a = out._a
        if a.data > 0.0:
            a.grad += out.grad
        elif a.data < 0.0:
            a.grad -= out.grad


class Max(Gate):
    """max(a, b);  the max gate routes up_diff to the larger input; a tie gives each half."""

    symbol = "max"

    def forward(self, a: Value, b: Value) -> float:
        return a.data if a.data >= b.data else b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        if a.data > b.data:
            a.grad += out.grad
        elif b.data > a.data:
            b.grad += out.grad
        else:
            a.grad += 0.5 * out.grad
            b.grad += 0.5 * out.grad


class Min(Gate):
    """min(a, b);  routes up_diff to the smaller input; a tie gives each half."""

    symbol = "min"

    def forward(self, a: Value, b: Value) -> float:
        return a.data if a.data <= b.data else b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        if a.data < b.data:
            a.grad += out.grad
        elif b.data < a.data:
            b.grad += out.grad
        else:
            a.grad += 0.5 * out.grad
            b.grad += 0.5 * out.grad


class Sum(Gate):
    """x_1 + ... + x_n;  d/dx_i = 1 for every i."""

    symbol = "sum"
    many = True

    def forward(self, *xs: Value) -> float:
        total = 0.0
        for x in xs:  # left to right, exactly as a chain of + gates would add
            total += x.data
        return total

    def backward(self, out: Value) -> None:
        up_diff = out.grad
        for x in out._many:
            x.grad += up_diff


class Dot(Gate):
    """w_1 x_1 + ... + w_n x_n (+ b);  d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""

    symbol = "dot"
    many = True

    def forward(self, *wxb: Value) -> float:
        # Add left to right, exactly as w_1*x_1 + w_2*x_2 + ... + b would: fused and primitive
        # neurons agree bit for bit (sum() would not: it compensates rounding in 3.12+).
        n = len(wxb) // 2  # n weights, then n inputs, then the bias if the count is odd
        total = 0.0
        for w, x in zip(wxb[:n], wxb[n : 2 * n]):
            total += w.data * x.data
        if len(wxb) % 2:
            total += wxb[-1].data
        return total

    def backward(self, out: Value) -> None:
        up_diff = out.grad
        wxb = out._many
        n = len(wxb) // 2
        if len(wxb) % 2:
            wxb[-1].grad += up_diff
        for w, x in zip(wxb[:n], wxb[n : 2 * n]):
            w.grad += x.data * up_diff
            x.grad += w.data * up_diff


ADD, SUB, MUL, DIV, NEG = Add(), Sub(), Mul(), Div(), Neg()
POW, EXP, LOG, TANH, SIGMOID = Pow(), Exp(), Log(), Tanh(), Sigmoid()
RELU, ABS, MAX, MIN, SUM, DOT = ReLU(), Abs(), Max(), Min(), Sum(), Dot()


# ================================================================================================
# How the engine makes nodes, and the errors that name what went wrong. Speed-only code lives
# here, below the teaching path: the node constructors are written out by hand because
# nearly every node goes through them (measurement notes beside each).
# ================================================================================================


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


# ``_node`` written out for one and for two parents: nearly every node is made by one of
# these two, and one call fewer per node is 4% of building a large graph (callgrind).


def _unary(gate: Gate, a: Value) -> Value:
    """A new node: ``gate`` run forward on one parent."""
    data = gate.forward(a)
    if data - data:  # inf - inf and nan - nan are nan, x - x is 0.0: see _overflow
        raise _overflow(gate, (a,), data)
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._gate = gate
    out._a = a
    out._b = None  # type: ignore[assignment]
    out._many = ()
    if _taping and (tape := _open_tape()) is not None:  # see Tape, at the end of this file
        tape.append(out)
    return out


def _binary(gate: Gate, a: Value, b: Value) -> Value:
    """A new node: ``gate`` run forward on two parents (every + and * comes here)."""
    data = gate.forward(a, b)
    if data - data:  # inf or nan: see _overflow
        raise _overflow(gate, (a, b), data)
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._gate = gate
    out._a = a
    out._b = b
    out._many = ()
    if _taping and (tape := _open_tape()) is not None:  # see Tape, at the end of this file
        tape.append(out)
    return out


def _apply(gate: Gate, parents: tuple[Value, ...]) -> Value:
    """A new node: ``gate`` run forward on its parents, however many it takes."""
    if gate.many or len(parents) > 2:
        data = gate.forward(*parents)
        if data - data:  # inf or nan: see _overflow
            raise _overflow(gate, parents, data)
        return _node(data, gate, None, None, parents)
    return _unary(gate, *parents) if len(parents) == 1 else _binary(gate, *parents)


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


def _name(node: Value) -> str:
    """How an error names a node: its label, or its gate, and its data."""
    if node.label:
        return f"{node.label!r} (data {node.data:.6g})"
    kind = f"a {node.op} node" if node.op else "a constant leaf"
    return f"{kind} (data {node.data:.6g})"


def _grad_overflow(node: Value, order: list[Value]) -> OverflowError:
    """The error for a grad found inf or nan at its node's turn in ``backward()``."""
    users = [child for child in order if any(p is node for p in child.parents)]
    senders = ", ".join(f"the {c.op} gate of {_name(c)}" for c in users[:3])
    return OverflowError(
        f"backward: the grad of {_name(node)} overflows a float ({node.grad}), sent by the "
        f"backward rule of {senders or 'the seed'}. The grads are left part-way: "
        "zero_grad() before the next try, and rescale the inputs or the loss"
    )


def _rule_overflow(node: Value) -> OverflowError:
    """The error for a gate's backward rule that raised OverflowError itself."""
    parents = ", ".join(_name(p) for p in node.parents[:3])
    return OverflowError(
        f"backward: the backward rule of the {node.op} gate overflows a float, from "
        f"{_name(node)} with grad {node.grad:.6g} to {parents}. The grads are left "
        "part-way: zero_grad() "
        "before the next try, and rescale the inputs or the loss"
    )


def _as_float(data: object) -> float:
    """Convert a real number to float; anything else is a TypeError that says what it got."""
    if isinstance(data, Value):
        raise TypeError("Value(...) got a Value; use that Value itself, or its .data")
    if isinstance(data, numbers.Real):  # int, bool, float, Fraction, NumPy ints and floats
        return float(data)
    raise TypeError(f"Value data must be a real number, got {type(data).__name__}: {data!r}")


def _compared(x: object) -> float | None:
    """What a comparison compares: a Value's data or a real number; None for anything else."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real):
        return float(x)
    return None


def _seed(grad: object) -> float:
    """backward()'s seed as a finite float, or an error that says what was passed."""
    if isinstance(grad, Value) or not isinstance(grad, numbers.Real):
        raise TypeError(f"backward: grad must be a real number, got {type(grad).__name__}")
    seed = float(grad)
    if not math.isfinite(seed):
        raise ValueError(f"backward: grad must be finite, got {seed}")
    return seed


def _number(x: object, op: str) -> float:
    """A plain operand as a float, or a TypeError naming the operation."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        return float(x)
    raise TypeError(f"unsupported operand for {op}: Value and {type(x).__name__} ({x!r})")


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


# ================================================================================================
# Opt-in speed: a tape, and a pause of the cyclic garbage collector. Neither changes a result;
# together they make the demo's training step about 1.5x faster. A training loop:
#
#     with gc_paused(), Tape():
#         loss = ...          # build the graph: every new node is recorded on the tape
#         loss.backward()     # sweeps the tape backwards: no graph walk at all
#         ...                 # update the weights, note loss.data
#         del loss            # the graph is freed as the tape goes, before the GC is back
#
# Without a tape, each new node pays for one check of the global ``_taping`` and nothing else.
# With one, it also pays for finding this thread's list: a ContextVar, whose ``get`` is the
# cheapest per-thread lookup Python has (half a ``threading.local`` attribute; callgrind).
# ================================================================================================

# The list the open tapes of this thread (or asyncio task) record into; None when none is open.
_tape_list: ContextVar[list[Value] | None] = ContextVar("micrograd_notes_tape", default=None)
_open_tape = _tape_list.get
_taping = False  # True while some thread has a tape open: the only check on the default path
_open_lists = 0  # how many outermost tapes are open, in all threads
_open_lock = threading.Lock()


def _count_open_list(change: int) -> None:
    global _taping, _open_lists
    with _open_lock:
        _open_lists += change
        _taping = _open_lists > 0


def _backward_order(root: Value) -> list[Value]:
    """The nodes ``backward()`` visits, parents before children: this thread's tape up to
    ``root`` when the root was recorded on it (inner nodes only: leaves are not taped), else
    a topological sort from the root (leaves too, so each one's grad is checked)."""
    nodes = _open_tape() if _taping and root._gate is not None else None  # no leaf is taped
    if nodes:
        if nodes[-1] is root:  # the usual case: the loss is the newest node
            return nodes
        for k in range(len(nodes) - 2, -1, -1):
            if nodes[k] is root:
                return nodes[: k + 1]
    return topological_order(root)


class Tape:
    """A Wengert list: every node made in this thread while the tape is open, in order.

    A node can only be made after its parents, so the order of creation is already a
    topological order: a tape gets for free what ``topological_order`` searches the graph
    for. While a tape is open, ``root.backward()`` on a root recorded on it sweeps the
    recording backwards from the root instead of searching (the same grads, less work).

    - Nodes on the tape that the root does not depend on receive no gradient and send none;
      their grads are reset to 0 like every intermediate's.
    - A root not on the tape (a leaf, or made before the tape opened) is sorted as usual.
    - Build the whole graph inside the tape: a node made *before* it opened is not on it, so
      the sweep treats it like a leaf (it collects gradient; nothing flows past it to its
      parents). ``covers(root)`` checks this.
    - Tapes nest: an inner tape records into the outer one's list, and its ``nodes`` are
      the part made while it was open. A tape belongs to the thread that opened it; other
      threads' nodes are not recorded. The recording stops on leaving the ``with`` block,
      also by an exception; ``nodes`` stays readable afterwards.
    - The tape keeps its nodes alive until the tape itself is dropped: open one per training
      step, not one around the whole loop.
    """

    def __init__(self) -> None:
        self._list: list[Value] = []
        self._start = 0
        self._stop: int | None = None  # None while recording
        self._thread: int | None = None
        self._opened: Token[list[Value] | None] | None = None  # set by the outermost tape

    def __enter__(self) -> Tape:
        if self._thread is not None:
            raise RuntimeError("this Tape has already recorded; open a new Tape()")
        self._thread = threading.get_ident()
        nodes = _open_tape()
        if nodes is None:  # the first open tape of this thread starts a list
            nodes = []
            self._opened = _tape_list.set(nodes)
            _count_open_list(+1)
        self._list = nodes
        self._start = len(nodes)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if threading.get_ident() != self._thread:
            raise RuntimeError("a Tape must be closed by the thread that opened it")
        self._stop = len(self._list)
        if self._opened is not None:
            _tape_list.reset(self._opened)
            _count_open_list(-1)

    @property
    def nodes(self) -> list[Value]:
        """The nodes recorded so far, parents before children (leaves are not recorded)."""
        return self._list[self._start : self._stop]

    def covers(self, root: Value) -> bool:
        """True if every non-leaf node ``root`` depends on, the root included, is on this tape."""
        recorded = {id(node) for node in self.nodes}
        return all(id(node) in recorded for node in topological_order(root, leaves=False))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Switch Python's cyclic garbage collector off inside the block; restore it after.

    Why it is safe here: the engine's graphs hold no reference cycles (a node points only to
    its parents), so reference counting frees every node and the cyclic collector never
    finds anything to free in them. Yet while a big graph is built it keeps walking the
    growing pile of live nodes: pure waste, about a fifth of building time. The previous
    state comes back on leaving the block, also on an exception; nested and concurrent
    blocks switch it back on only when the last one ends. Cycles made by other code inside
    the block are not lost: they are collected after it.

    Drop a big graph before the block ends (open the block outside a ``Tape``, which holds
    the graph until it closes): a graph still alive when the collector comes back costs
    its next pass a walk over every node, most of what the pause saved.
    """
    global _paused, _was_enabled
    with _pause_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


_paused = 0  # how many gc_paused() blocks are open, in all threads
_was_enabled = True  # the collector's state when the first of them opened
_pause_lock = threading.Lock()
