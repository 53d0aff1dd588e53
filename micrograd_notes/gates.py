"""The gate table: every operation the engine knows, its forward and its local derivatives.

A gate is one small class: ``forward`` computes the output from the parents' data, and
``backward`` (right beside it) adds local_diff * up_diff into each parent's grad, where the
up_diff is ``out.grad``. One instance of each gate is shared by all the nodes it makes.

    gate      symbol    forward                  local derivatives (out: the gate's output)
    --------  --------  -----------------------  --------------------------------------------
    Add       +         a + b                    d/da = 1,  d/db = 1
    Sub       -         a - b                    d/da = 1,  d/db = -1
    Mul       *         a * b                    d/da = b,  d/db = a
    Div       /         a / b                    d/da = 1/b,  d/db = -a/b^2
    Neg       neg       -a                       d/da = -1
    PowConst  **k       a ** k, k a number       d/da = k a^(k-1)
    Pow       **        a ** b, b a Value        d/da = b a^(b-1),  d/db = a^b ln a
    Exp       exp       e^a                      d/da = e^a = out
    Log       log       ln a                     d/da = 1/a
    Tanh      tanh      tanh a                   d/da = 1 - out^2
    Sigmoid   sigmoid   1 / (1 + e^-a)           d/da = out (1 - out)
    ReLU      relu      max(0, a)                d/da = 1 if a > 0 else 0
    Abs       abs       |a|                      d/da = sign(a), 0 at a = 0
    Max       max       max(a, b)                1 to the larger input; a tie: 1/2 each
    Min       min       min(a, b)                1 to the smaller input; a tie: 1/2 each
    Sum       sum       x_1 + ... + x_n          d/dx_i = 1
    Dot       dot       w_1 x_1 + ... (+ b)      d/dw_i = x_i,  d/dx_i = w_i,  d/db = 1

Each gate states its local derivatives three times, side by side: ``backward`` with floats (the
rule ``backward()`` runs), ``code_diffs`` as lines of code (the compiled step's, compiled.py),
and ``local_values(out)`` with Values, the formulas above built from the gate's own nodes
(``out``, ``out._a``, ...), so that ``grad`` (``higher.py``) can build the backward pass as a
graph and differentiate it again. Tanh's is ``1.0 - out * out``: made from
the output node, it is a function of a in the graph, not a number. Where a local derivative is
a constant (add, sub, neg, sum, relu, abs, max, min: 1, -1, 0 or 1/2) it stays a plain number,
so those gates' second derivatives are 0. At a kink the first derivative is a convention
(relu'(0) = 0, |x|'(0) = 0, 1/2 each on a max or min tie) and the second is 0 there too: the
true one is not a number at that point.

Why a class per gate rather than a closure per node (micrograd's way): a closure built in
``__mul__`` costs a new function object per node (about 540 bytes a node, against 144 here),
and a closure that captures its own output node makes every graph a knot of reference cycles
that only Python's cyclic garbage collector can free. A gate's rule is shared by all its
nodes and receives the output node as its argument, so a graph only points from children to
parents: dropping the root frees the whole graph at once, by reference counting.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from types import FunctionType
from typing import Any, TypeAlias

from micrograd_notes.engine import Operand, Value
from micrograd_notes.helpers import quoted, real_to_float
from micrograd_notes.nodes import _lift_tuple, _node, _overflow

# A local derivative as ``local_values`` gives it: a Value built from the gate's own nodes, or a
# plain number where it is a constant (1, -1, 0, 1/2), which the backward graph needs no node for.
Local: TypeAlias = Value | float


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

    ``backward`` must *add* (``+=``) and return nothing: a parent used twice receives from
    both uses. (PyTorch's ``Function.backward`` returns its gradients instead; a ``backward``
    here that returns something is a ``TypeError``, since nothing would read it.)
    ``gradcheck.check_graph`` checks such a gate's derivatives against finite differences.
    For gradients of gradients (``micrograd_notes.grad``), also give ``local_values(self,
    out)``: the same local derivatives, one per parent, written with Values (``2.0 * a``).
    """

    symbol = "?"
    many = False  # True for a gate of any number of parents: its node keeps them in _many

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A gate written outside this module gets its backward checked for returning a value
        # (see _adds_only). The built-in gates below are not wrapped: they pay nothing.
        super().__init_subclass__(**kwargs)
        if cls.__module__ != __name__ and isinstance(vars(cls).get("backward"), FunctionType):
            cls.backward = _adds_only(cls.backward)  # type: ignore[method-assign, assignment]

    # Each gate takes its own fixed parents (a, b, ...); ``**_`` only lets them say so to mypy.
    # A gate without backward still runs forward: write and try forward first, then backward.
    def forward(self, *parents: Any, **_: Any) -> float:
        """The output's value, from the parents' data."""
        raise NotImplementedError(_missing(self, "forward"))

    def backward(self, out: Value) -> None:
        """Add local_diff * out.grad into each of ``out.parents``' grad."""
        raise NotImplementedError(_missing(self, "backward"))

    def __call__(self, *operands: Operand) -> Value:
        """A new Value: this gate run forward on ``operands`` (numbers become constant leaves)."""
        parents = _lift_tuple(list(operands), self.symbol)
        if len(parents) == 0:  # (not `if not parents`: this narrows its type for pyright)
            raise TypeError(f"{self!r} needs at least one operand")
        # A gate written outside the engine may return an int, a NumPy scalar, a Value or NaN:
        # check what forward gives before it becomes a node.
        result = self.forward(*parents)
        data = real_to_float(result)
        if data is None:
            raise TypeError(
                f"{self!r}: forward must return a number computed from the parents' "
                f".data, got {type(result).__name__}"
            )
        if math.isnan(data):
            raise ValueError(f"{self!r}: forward returned nan, not a number")
        if math.isinf(data):  # an overflow (10 ** 400 too), named as a built-in gate names one
            raise _overflow(self, parents, data)
        if self.many or len(parents) > 2:
            return _node(data, self, None, None, parents)
        return _node(data, self, parents[0], parents[1] if len(parents) == 2 else None, ())

    def __repr__(self) -> str:
        return f"<gate {self.symbol}>"


class Add(Gate):
    """a + b;  d/da = 1, d/db = 1: the add gate hands up_diff unchanged to both inputs."""

    symbol = "+"
    # The same rule as code, for the compiled step (compiled.py): the forward, then the down_diff
    # to a and to b. Where the engine would raise, or an inf would be hidden (tanh(inf) = 1), the
    # code divides 1.0 by 0.0 (out of +-1e308 counts as inf): the step reruns on the engine.
    code = "{a} + {b}"
    code_diffs = ("{up}", "{up}")

    def forward(self, a: Value, b: Value) -> float:
        return a.data + b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += out.grad
        b.grad += out.grad

    def local_values(self, out: Value) -> tuple[Local, Local]:
        return 1.0, 1.0


class Sub(Gate):
    """a - b;  d/da = 1, d/db = -1."""

    symbol = "-"
    code = "{a} - {b}"
    code_diffs = ("{up}", "-{up}")

    def forward(self, a: Value, b: Value) -> float:
        return a.data - b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += out.grad
        b.grad -= out.grad

    def local_values(self, out: Value) -> tuple[Local, Local]:
        return 1.0, -1.0


class Mul(Gate):
    """a * b;  d/da = b, d/db = a: the mul gate swaps its inputs."""

    symbol = "*"
    code = "{a} * {b}"
    code_diffs = ("{b} * {up}", "{a} * {up}")

    def forward(self, a: Value, b: Value) -> float:
        return a.data * b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    def local_values(self, out: Value) -> tuple[Local, Local]:
        return out._b, out._a  # the other input: a node of the graph, not its number


class Div(Gate):
    """a / b;  d/da = 1/b, d/db = -a/b^2."""

    symbol = "/"
    code = "{a} / {b} if -1e308 < {b} < 1e308 else 1.0 / 0.0"  # x / inf would hide the inf
    code_diffs = ("{up} / {b}", "-{out} / {b} * {up}")

    def forward(self, a: Value, b: Value) -> float:
        if b.data == 0.0:
            raise ZeroDivisionError(f"division: {a.data!r} / 0 is undefined")
        return a.data / b.data

    def backward(self, out: Value) -> None:
        a, b = out._a, out._b
        a.grad += out.grad / b.data
        b.grad -= out.data / b.data * out.grad  # a/b^2 = (a/b)/b

    def local_values(self, out: Value) -> tuple[Local, Local]:
        return 1.0 / out._b, -out / out._b


class Neg(Gate):
    """-a;  d/da = -1."""

    symbol = "neg"
    code = "-{a}"
    code_diffs = ("-{up}",)

    def forward(self, a: Value) -> float:
        return -a.data

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad -= out.grad

    def local_values(self, out: Value) -> tuple[Local]:
        return (-1.0,)


class PowConst(Gate):
    """a ** k for a number k;  d/da = k a^(k-1)."""

    code = "pow({a}, {k})"
    code_diffs = ("{k} * {a} ** ({k} - 1.0) * {up}",)

    def __init__(self, k: float) -> None:
        self.k = k
        self.symbol = f"**{k:g}"
        if k < 1.0:  # 0 ** 0.5 (an infinite slope), inf ** -1 = 0: refused, see Add
            self.code = "pow({a}, {k}) if 0.0 < abs({a}) < 1e308 else 1.0 / 0.0"

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

    def local_values(self, out: Value) -> tuple[Local]:
        a, k = out._a, self.k
        if k == 0.0 or k == 1.0:  # x ** 0 is flat; x ** 1 has slope 1
            return (k,)
        return (k * (a if k == 2.0 else a ** (k - 1.0)),)


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
    code = "pow({a}, {b}) if 0.0 < {a} < 1e308 and -1e308 < {b} < 1e308 else 1.0 / 0.0"
    code_diffs = ("{b} * {out} / {a} * {up}", "{out} * log({a}) * {up}")

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

    def local_values(self, out: Value) -> tuple[Local, Local]:
        a, b = out._a, out._b
        return b * out / a, out * a.log()


class Exp(Gate):
    """e^a;  d/da = e^a, the output itself."""

    symbol = "exp"
    code = "exp({a}) if {a} > -1e308 else 1.0 / 0.0"  # e^-inf = 0 would hide the inf
    code_diffs = ("{out} * {up}",)

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

    def local_values(self, out: Value) -> tuple[Local]:
        return (out,)  # the output node itself: e^a differentiates to e^a again


class Log(Gate):
    """ln a for a > 0;  d/da = 1/a."""

    symbol = "log"
    code = "log({a})"
    code_diffs = ("{up} / {a}",)

    def forward(self, a: Value) -> float:
        if a.data <= 0.0:
            raise ValueError(f"log: needs a positive input, got {a.data!r}")
        return math.log(a.data)

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad += out.grad / a.data

    def local_values(self, out: Value) -> tuple[Local]:
        return (1.0 / out._a,)


class Tanh(Gate):
    """tanh(a);  d/da = 1 - tanh(a)^2. math.tanh saturates to +-1 without overflowing."""

    symbol = "tanh"
    code = "tanh({a}) if -1e308 < {a} < 1e308 else 1.0 / 0.0"  # tanh(inf) = 1: see Add
    code_diffs = ("(1.0 - {out} * {out}) * {up}",)

    def forward(self, a: Value) -> float:
        return math.tanh(a.data)

    def backward(self, out: Value) -> None:
        a = out._a
        a.grad += (1.0 - out.data * out.data) * out.grad

    def local_values(self, out: Value) -> tuple[Local]:
        return (1.0 - out * out,)


class Sigmoid(Gate):
    """s(a) = 1 / (1 + e^-a);  d/da = s (1 - s): the sigmoid gate scales by s(1 - s)."""

    symbol = "sigmoid"
    code = "1.0 / (1.0 + exp(-{a})) if 0.0 <= {a} < 1e308 else exp({a}) / (1.0 + exp({a}))"
    code += " if -1e308 < {a} < 0.0 else 1.0 / 0.0"  # either branch: inf refused (see Add)
    code_diffs = ("{out} * (1.0 - {out}) * {up}",)

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

    def local_values(self, out: Value) -> tuple[Local]:
        return (out * (1.0 - out),)


class ReLU(Gate):
    """max(0, a);  d/da = 1 if a > 0 else 0 (relu'(0) is taken as 0)."""

    symbol = "relu"
    code = "{a} if {a} > 0.0 else 0.0 if {a} > -1e308 else 1.0 / 0.0"  # -inf or nan: see Add
    code_diffs = ("{up} if {a} > 0.0 else 0.0",)

    def forward(self, a: Value) -> float:
        return a.data if a.data > 0.0 else 0.0

    def backward(self, out: Value) -> None:
        a = out._a
        if a.data > 0.0:
            a.grad += out.grad

    def local_values(self, out: Value) -> tuple[Local]:
        return (1.0 if out._a.data > 0.0 else 0.0,)  # a number: relu'' = 0 (and 0 at the kink)


class Abs(Gate):
    """|a|;  d/da = sign(a), taken as 0 at a = 0."""

    symbol = "abs"
    code = "abs({a})"
    code_diffs = ("{up} if {a} > 0.0 else -{up} if {a} < 0.0 else 0.0",)

    def forward(self, a: Value) -> float:
        return abs(a.data)

    def backward(self, out: Value) -> None:
        a = out._a
        if a.data > 0.0:
            a.grad += out.grad
        elif a.data < 0.0:
            a.grad -= out.grad

    def local_values(self, out: Value) -> tuple[Local]:
        a = out._a.data
        return (1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0,)


class Max(Gate):
    """max(a, b);  the max gate routes up_diff to the larger input; a tie gives each half."""

    symbol = "max"
    code = "{a} if {a} >= {b} > -1e308 else {b} if {b} > {a} > -1e308 else 1.0 / 0.0"
    code_diffs = (
        "{up} if {a} > {b} else 0.5 * {up} if {a} == {b} else 0.0",
        "{up} if {b} > {a} else 0.5 * {up} if {a} == {b} else 0.0",
    )

    def forward(self, a: Value, b: Value) -> float:
        return a.data if a.data >= b.data else b.data

    def backward(self, out: Value) -> None:
        _route(out)

    def local_values(self, out: Value) -> tuple[Local, Local]:
        return _routed(out)


class Min(Gate):
    """min(a, b);  routes up_diff to the smaller input; a tie gives each half."""

    symbol = "min"
    code = "{a} if {a} <= {b} < 1e308 else {b} if {b} < {a} < 1e308 else 1.0 / 0.0"
    code_diffs = (
        "{up} if {a} < {b} else 0.5 * {up} if {a} == {b} else 0.0",
        "{up} if {b} < {a} else 0.5 * {up} if {a} == {b} else 0.0",
    )

    def forward(self, a: Value, b: Value) -> float:
        return a.data if a.data <= b.data else b.data

    def backward(self, out: Value) -> None:
        _route(out)

    def local_values(self, out: Value) -> tuple[Local, Local]:
        return _routed(out)


def _route(out: Value) -> None:
    """The backward rule of max and min: d/d(the input passed on) = 1, d/d(the other) = 0;
    on a tie neither derivative exists, and each input gets half of up_diff."""
    a, b = out._a, out._b
    if a.data == b.data:
        a.grad += 0.5 * out.grad
        b.grad += 0.5 * out.grad
    elif out.data == a.data:  # the output holds the data of the input it passed on
        a.grad += out.grad
    else:
        b.grad += out.grad


def _routed(out: Value) -> tuple[Local, Local]:
    """``_route``'s local derivatives as numbers: 1 to the input passed on, 0 to the other, 1/2
    each on a tie. Constants, so max and min have a second derivative of 0 wherever a first
    exists."""
    a, b = out._a, out._b
    if a.data == b.data:
        return 0.5, 0.5
    return (1.0, 0.0) if out.data == a.data else (0.0, 1.0)


class Sum(Gate):
    """x_1 + ... + x_n;  d/dx_i = 1 for every i."""

    symbol = "sum"
    many = True
    code = "{x} + ..."
    code_diffs = ("{up}",)

    def forward(self, *xs: Value) -> float:
        total = 0.0
        for x in xs:  # left to right, exactly as a chain of + gates would add
            total += x.data
        return total

    def backward(self, out: Value) -> None:
        up_diff = out.grad
        for x in out._many:
            x.grad += up_diff

    def local_values(self, out: Value) -> tuple[Local, ...]:
        return (1.0,) * len(out._many)


class Dot(Gate):
    """w_1 x_1 + ... + w_n x_n (+ b);  d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""

    symbol = "dot"
    many = True
    code = "{w} * {x} + ... + {b}"
    code_diffs = ("{x} * {up}", "{w} * {up}", "{up}")

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

    def local_values(self, out: Value) -> tuple[Local, ...]:
        wxb = out._many
        n = len(wxb) // 2
        return (*wxb[n : 2 * n], *wxb[:n], *((1.0,) if len(wxb) % 2 else ()))


ADD, SUB, MUL, DIV, NEG = Add(), Sub(), Mul(), Div(), Neg()
POW, EXP, LOG, TANH, SIGMOID = Pow(), Exp(), Log(), Tanh(), Sigmoid()
RELU, ABS, MAX, MIN, SUM, DOT = ReLU(), Abs(), Max(), Min(), Sum(), Dot()


# ---- the checks of a gate written outside this module (see Gate) ---------------------------------

_WHAT_EACH_DOES = {
    "forward": "forward(self, a, ...), returning the output's number from the parents' .data",
    "backward": "backward(self, out), adding local_diff * out.grad into each parent's .grad",
}


def _named(gate: Gate) -> str:
    """A gate as an error names it: its class and its symbol."""
    return f"the gate {type(gate).__name__} (symbol {gate.symbol!r})"


def _missing(gate: Gate, method: str) -> str:
    """The message for a gate class that does not define ``method``."""
    return f"{_named(gate)} has no {method} method: define {_WHAT_EACH_DOES[method]}"


def _adds_only(backward: Callable[[Any, Value], object]) -> Callable[[Any, Value], None]:
    """``backward``, refusing to return a value: the habit of PyTorch's ``Function``, whose
    backward returns the gradients, would here leave every grad at 0.0 without a word."""

    @functools.wraps(backward)
    def checked(gate: Gate, out: Value) -> None:
        returned = backward(gate, out)
        if returned is not None:
            raise TypeError(
                f"{_named(gate)}: backward returned {quoted(returned)}; it must add into the "
                "parents' grads and return nothing, as in `a.grad += local_diff * out.grad` "
                "for each parent a in out.parents"
            )

    return checked
