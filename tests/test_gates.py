"""The gate table: every gate is in the test registry and in the index at the top of gates.py."""

from __future__ import annotations

import inspect
import re
from fractions import Fraction

import pytest
from strategies import OPS

from micrograd_notes import Value, check_graph, gates

GATE_CLASSES = {
    cls
    for cls in vars(gates).values()
    if isinstance(cls, type) and issubclass(cls, gates.Gate) and cls is not gates.Gate
}


def test_registry_covers_every_gate() -> None:
    covered = {type(case.build(*[Value(1.5) for _ in case.domain]).gate) for case in OPS}
    assert covered == GATE_CLASSES


def test_the_index_lists_every_gate_with_its_symbol() -> None:
    index = gates.__doc__.split("-----\n", 1)[1].split("\n\n", 1)[0]
    rows = {m[1]: m[2] for m in re.finditer(r"^ +(\w+) +(\S+) ", index, flags=re.M)}
    assert set(rows) == {cls.__name__ for cls in GATE_CLASSES}
    for cls in GATE_CLASSES:
        if cls is not gates.PowConst:  # its symbol is made per exponent: **2, **-1, ...
            assert rows[cls.__name__] == cls.symbol
    assert rows["PowConst"] == "**k" and gates.PowConst(2.0).symbol == "**2"


# ---- the Gate base class: what a gate of your own is told ------------------------------------


class Square(gates.Gate):
    """a^2;  d/da = 2a."""

    symbol = "sq"

    def forward(self, a: Value) -> float:
        return a.data * a.data

    def backward(self, out: Value) -> None:
        (a,) = out.parents
        a.grad += 2.0 * a.data * out.grad


@pytest.mark.parametrize(
    "result", [10**400, -(10**400), Fraction(10**400, 3)], ids=["1e400", "-1e400", "fraction"]
)
def test_a_forward_too_large_for_a_float_names_the_gate(result: object) -> None:
    class Huge(Square):
        symbol = "huge"

        def forward(self, a: Value) -> float:
            return result  # type: ignore[return-value]  # a number no float holds

    with pytest.raises(OverflowError, match=r"^huge: huge\(1\.0\) overflows a float"):
        Huge()(1.0)


class ReturnsItsDerivative(gates.Gate):
    """a^2, with PyTorch's habit: backward returns the local derivative times up_diff."""

    symbol = "sq"

    def forward(self, a: Value) -> float:
        return a.data * a.data

    def backward(self, out: Value) -> float:  # type: ignore[override]
        (a,) = out.parents
        return 2.0 * a.data * out.grad


class ReturnsOneGradPerParent(gates.Gate):
    """a * b, as a PyTorch Function writes it: a tuple of grads, one per input."""

    symbol = "mul"

    def forward(self, a: Value, b: Value) -> float:
        return a.data * b.data

    def backward(self, out: Value) -> tuple[float, float]:  # type: ignore[override]
        a, b = out.parents
        return b.data * out.grad, a.data * out.grad


def test_a_backward_that_returns_its_derivatives_is_an_error() -> None:
    x, y = Value(3.0, "x"), Value(-2.0, "y")
    words = (
        r"the gate ReturnsItsDerivative \(symbol 'sq'\): backward returned 6\.0; "
        r"it must add into the parents' grads and return nothing"
    )
    with pytest.raises(TypeError, match=words):
        ReturnsItsDerivative()(x).backward()
    with pytest.raises(TypeError, match=r"backward returned \(-2\.0, 3\.0\); it must add into"):
        (ReturnsOneGradPerParent()(x, y) * 1.0).backward()
    with pytest.raises(TypeError, match="must add into the parents' grads"):  # node by node too
        ReturnsItsDerivative()(x)._backward()
    with pytest.raises(TypeError, match="must add into the parents' grads"):
        check_graph(ReturnsItsDerivative()(x))


def test_a_gate_that_adds_and_returns_nothing_is_left_as_written() -> None:
    x = Value(3.0)
    Square()(x).backward()
    assert x.grad == 6.0
    assert "a.grad += 2.0 * a.data * out.grad" in inspect.getsource(Square.backward)  # as written


def test_the_built_in_gates_pay_nothing_for_that_check() -> None:
    # Only gates written outside gates.py get their backward wrapped: the built-in rules are
    # the plain functions of the table, called directly by backward().
    for cls in GATE_CLASSES:
        rule = vars(cls).get("backward")
        if rule is not None:
            assert not hasattr(rule, "__wrapped__"), cls.__name__
            assert rule.__qualname__ == f"{cls.__name__}.backward"


def test_a_gate_without_forward_or_backward_names_the_method_and_the_gate() -> None:
    class OnlyBackward(gates.Gate):
        symbol = "ob"

        def backward(self, out: Value) -> None:
            pass

    class OnlyForward(gates.Gate):
        symbol = "of"

        def forward(self, a: Value) -> float:
            return 2.0 * a.data

    words = r"the gate OnlyBackward \(symbol 'ob'\) has no forward method: define forward\("
    with pytest.raises(NotImplementedError, match=words):
        OnlyBackward()(1.0)
    y = OnlyForward()(Value(1.5))  # forward runs: write and try it before backward
    assert y.data == 3.0
    words = r"the gate OnlyForward \(symbol 'of'\) has no backward method: define backward\("
    with pytest.raises(NotImplementedError, match=words):
        (y * 2.0).backward()
