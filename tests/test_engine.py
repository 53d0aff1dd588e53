"""The engine: every gate's value and gradient, the backward pass, errors, memory."""

from __future__ import annotations

import contextlib
import gc
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import OPS, OpCase, build, plans

from micrograd_notes import Tape, Value, engine, gc_paused, gradcheck
from micrograd_notes.optim import SGD

TIGHT = {"eps": 1e-6, "atol": 1e-6, "rtol": 1e-6}


# ---- every gate against its plain-float twin and central differences ----------------------


@pytest.mark.parametrize("case", OPS, ids=lambda c: c.name)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_gate_value_and_gradient(case: OpCase, data: st.DataObject) -> None:
    xs = [data.draw(domain) for domain in case.domain]
    if case.apart:
        assert len(xs) == 2
        if abs(xs[0] - xs[1]) < 1e-3:
            xs[1] = xs[0] + 0.5  # off the tie, where max/min has no derivative
    out = case.build(*[Value(x) for x in xs])
    assert out.data == pytest.approx(case.twin(*xs), rel=1e-12, abs=1e-12)
    gradcheck(case.build, xs, **TIGHT)


# ---- the backward pass -----------------------------------------------------------------------


def test_diamond_collects_from_both_paths() -> None:
    x = Value(3.0)
    y = (x + x) * x  # 2x^2
    y.backward()
    assert y.data == 18.0
    assert x.grad == 12.0  # d(2x^2)/dx = 4x


def test_square_records_both_edges() -> None:
    a = Value(-3.0)
    b = a * a
    assert b.parents == (a, a)  # a tuple, never a set: both slots are kept
    b.backward()
    assert a.grad == -6.0


def test_parents_are_the_operands_in_order() -> None:
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    assert a.parents == ()
    assert a.relu().parents == (a,) and (a**2).parents == (a,)
    assert (a - b).parents == (a, b) and (b - a).parents == (b, a)
    left, right = (5 - a).parents
    assert left.data == 5.0 and left.is_leaf and right is a  # a number becomes a leaf
    for values in ([a], [a, b], [a, b, c, a]):
        assert Value.sum(values).parents == tuple(values)
    assert Value.dot([a], [b]).parents == (a, b)
    assert Value.dot([a, b], [c, a], b).parents == (a, b, c, a, b)


def test_each_node_is_one_object_for_the_cycle_collector() -> None:
    # Parents are kept in the node's own slots, not in a tuple per node: the cyclic
    # garbage collector, which walks every tracked object, sees one object per node.
    x = Value(0.5)
    nodes = [x]
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(1000):
        nodes.append((nodes[-1] * x + x).relu())  # three nodes
    assert len(gc.get_objects()) - before <= 3000 + 50


def test_node_used_by_many_paths() -> None:
    x = Value(0.5)
    h = x.tanh()
    y = Value.sum([h * k for k in range(1, 11)])  # 55 tanh(x)
    y.backward()
    assert x.grad == pytest.approx(55 * (1 - math.tanh(0.5) ** 2), rel=1e-14)


def test_backward_twice_accumulates_into_leaves_only() -> None:
    x = Value(2.0)
    h = x * x
    y = h + x
    y.backward()
    assert (x.grad, h.grad, y.grad) == (5.0, 1.0, 1.0)
    y.backward()
    # Leaves accumulate (as in PyTorch); intermediate nodes are reset first.
    assert (x.grad, h.grad, y.grad) == (10.0, 1.0, 1.0)


def test_backward_from_a_leaf_seeds_it() -> None:
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


def test_chain_deeper_than_recursion_limit() -> None:
    # The README's claim, checked once at full size. The cyclic collector is paused only to
    # halve the time: it has nothing to free here, yet walks the million live nodes.
    x = Value(0.25)
    y = x
    with gc_paused():
        for _ in range(10**6):
            y = y + x
        y.backward()
        assert y.data == 0.25 * (10**6 + 1)
        assert x.grad == 10**6 + 1
        del y  # freeing a chain this deep must not overflow the C stack either


def test_fused_sum_and_dot_match_primitive_gates_exactly() -> None:
    ws = [Value(w) for w in (0.3, -1.7, 2.2, 0.01)]
    xs = [Value(x) for x in (1.1, 0.4, -0.9, 5.0)]
    b = Value(-0.35)
    fused = Value.dot(ws, xs, b).tanh()
    fused.backward()
    fused_grads = [v.grad for v in ws + xs + [b]]
    for v in ws + xs + [b]:
        v.grad = 0.0
    total = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        total = total + w * x
    primitive = (total + b).tanh()
    primitive.backward()
    assert fused.data == primitive.data  # same order of additions: bit for bit
    assert fused_grads == [v.grad for v in ws + xs + [b]]


@settings(max_examples=40, deadline=None)
@given(plans())
def test_random_graphs_match_central_differences(plan) -> None:
    gradcheck(lambda *xs: build(plan, list(xs)), list(plan.inputs), atol=1e-5, rtol=1e-5)


def test_topological_order_is_deterministic() -> None:
    def program() -> list[str]:
        x, y = Value(1.0, "x"), Value(2.0, "y")
        z = (x * y + x).relu() * (y - x).tanh()
        z.label = "z"
        from micrograd_notes import topological_order

        return [f"{n.op}:{n.label}:{n.data!r}" for n in topological_order(z)]

    assert program() == program()


# ---- numerics at the edges -------------------------------------------------------------------


@pytest.mark.parametrize("x", [1e308, -1e308, 800.0, -800.0, 0.0])
def test_sigmoid_and_tanh_are_stable(x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for gate in ("sigmoid", "tanh"):
            v = Value(x)
            out = getattr(v, gate)()
            out.backward()
            assert math.isfinite(out.data) and math.isfinite(v.grad)
    assert Value(1e308).sigmoid().data == 1.0
    assert Value(-1e308).sigmoid().data == 0.0


def test_relu_derivative_at_zero_is_zero() -> None:
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


@pytest.mark.parametrize("gate", ["max", "min"])
def test_tie_splits_gradient(gate: str) -> None:
    a, b = Value(1.5), Value(1.5)
    getattr(a, gate)(b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)
    c = Value(2.0)
    getattr(c, gate)(c).backward()  # the same node in both slots gets the whole gradient
    assert c.grad == 1.0


def test_abs_derivative_at_zero_is_zero() -> None:
    x = Value(0.0)
    abs(x).backward()
    assert x.grad == 0.0


def test_power_zero_is_flat_everywhere() -> None:
    x = Value(0.0)
    (x**0).backward()
    assert x.grad == 0.0


# ---- conversions and clear errors ------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [3, True, np.float64(2.5), np.float32(0.5), np.int64(7), Fraction(1, 4)]
)
def test_real_numbers_convert_to_float(data) -> None:
    v = Value(data)
    assert type(v.data) is float and v.data == float(data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("1.0", "str"),
        (None, "NoneType"),
        ([1.0], "list"),
        (1 + 2j, "complex"),
        (Value(1.0), "got a Value"),
        (np.array([1.0, 2.0]), "ndarray"),
    ],
)
def test_non_numbers_are_type_errors(data, words: str) -> None:
    with pytest.raises(TypeError, match=words):
        Value(data)


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf])
def test_non_finite_data_is_rejected(data: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        Value(data)


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Value(0.0).log(), ValueError, r"log: needs a positive input, got 0\.0"),
        (lambda: Value(-2.0).log(), ValueError, r"log: .* got -2\.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"division: 1\.0 / 0"),
        (lambda: 3 / Value(0.0), ZeroDivisionError, r"division: 3\.0 / 0"),
        (lambda: Value(710.0).exp(), OverflowError, r"exp: .*710\.0"),
        (lambda: Value(-2.0) ** Value(0.5), ValueError, r"power: -2\.0 \*\* b .*positive base"),
        (lambda: Value(0.0) ** Value(2.0), ValueError, "positive base"),
        (lambda: (-2.0) ** Value(0.5), ValueError, "positive base"),
        (lambda: Value(-2.0) ** 0.5, ValueError, r"power: -2\.0 \*\* 0\.5 is not a real"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"power: 0 \*\* -1"),
        (lambda: Value(0.0) ** 0.5, ValueError, "infinite at x = 0"),
        (lambda: Value(1e200) ** 2, OverflowError, "power: .*overflows"),
        (lambda: Value(1.0) ** math.inf, ValueError, "exponent must be finite"),
        (lambda: Value(1.0) + math.nan, ValueError, r"\+: operand must be finite"),
        (lambda: Value(1.0) * "2", TypeError, r"unsupported operand for \*: Value and str"),
        (lambda: [1.0] + Value(1.0), TypeError, "list"),  # noqa: RUF005 - the point of the test
        (lambda: Value(1.0).max(None), TypeError, "max: Value and NoneType"),
        (lambda: Value.dot([1.0, 2.0], [1.0]), ValueError, "dot: 2 weights but 1 inputs"),
        (lambda: Value.sum([Value(1.0), "x"]), TypeError, "sum: Value and str"),
    ],
)
def test_bad_inputs_raise_clear_errors(make, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        make()


# ---- overflow: no finite inputs silently give an inf or nan ----------------------------------


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Value(1e308) * 10, r"\*: 1e\+308 \* 10\.0 overflows a float"),
        (lambda: Value(1e308) + 1e308, r"\+: 1e\+308 \+ 1e\+308 overflows"),
        (lambda: -1e308 - Value(1e308), r"-: -1e\+308 - 1e\+308 overflows"),
        (lambda: Value(1e308) / 1e-10, r"/: 1e\+308 / 1e-10 overflows"),
        (lambda: Value.sum([1e308, 1e308]), r"sum: sum\(1e\+308, 1e\+308\) overflows"),
        (lambda: Value.dot([1e308, 1.0], [10.0, 1.0]), r"dot: dot\(1e\+308, .*overflows"),
        (lambda: Value(700.0).exp() * Value(700.0).exp(), r"\*: .* overflows a float"),
        (lambda: Value(2.0) ** Value(2000.0), r"power: 2\.0 \*\* 2000\.0 overflows"),
    ],
)
def test_every_gate_refuses_to_overflow(make, words: str) -> None:
    with pytest.raises(OverflowError, match=words):
        make()


def test_an_overflow_cannot_hide_behind_max() -> None:
    a = Value(1e308)
    with pytest.raises(OverflowError, match=r"\*: 1e\+308 \* 10\.0"):
        (a * 10 - a * 10).max(1)


def test_a_hand_set_infinite_operand_is_named_as_such() -> None:
    a = Value(1.0)
    a.data = math.inf  # data is writable: the gate still refuses to pass the inf on
    with pytest.raises(OverflowError, match=r"\+: inf \+ 1\.0 has a non-finite operand"):
        a + 1


@pytest.mark.parametrize(
    ("make", "leaf", "words"),
    [
        # the power gate's rule computes 1e-200 ** -2 and Python raises
        (lambda x: x**-1, 1e-200, r"backward rule of the \*\*-1 gate overflows"),
        # an inner node is named as the drawing of the root names it: op#place
        (
            lambda x: (x * 1.0).log(),
            1e-320,
            r"grad of '\*#2' \(data 9.99989e-321\) overflows .* log gate of 'log#3'",
        ),
        (lambda x: (x * 1.0) * 1e200 * 1e200, 1e-300, r"grad of '\*#2' .* the \* gate of '\*#4'"),
        (lambda x: 1 / (x * 1.0), 1e-160, r"grad of '\*#3' .* \(-inf\), .* the / gate of '/#4'"),
    ],
)
def test_backward_stops_at_the_first_grad_overflow(make, leaf: float, words: str) -> None:
    x = Value(leaf, "x")
    out = make(x)
    with pytest.raises(OverflowError, match=words) as caught:
        out.backward()
    assert "left part-way" in str(caught.value)


def test_backward_error_names_the_inner_node_whose_grad_overflowed() -> None:
    x = Value(1.0, "x")
    h = x * 1e-300
    h.label = "h"
    y = h * 1e200 * 1e200
    with pytest.raises(OverflowError, match=r"grad of 'h' \(data 1e-300\) overflows"):
        y.backward()
    assert h.grad == math.inf and x.grad == 0.0  # found at h's turn: nothing went on to x


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(
    ("make", "leaf", "sign"),
    [
        (lambda x: x.log(), 1e-320, 1.0),
        (lambda x: x * 1e200 * 1e200, 1e-300, 1.0),
        (lambda x: 1 / x, 1e-160, -1.0),
    ],
)
def test_a_leafs_grad_is_checked_by_the_optimizer_on_both_paths(make, leaf, sign, fast) -> None:
    # One rule on both paths: backward() checks each grad it passes on; a leaf passes
    # nothing on, so the optimizer that reads its grad refuses the inf before any step.
    x = Value(leaf, "x")
    optimizer = SGD([x], lr=0.1)
    with (
        gc_paused() if fast else contextlib.nullcontext(),
        Tape() if fast else contextlib.nullcontext(),
    ):
        make(x).backward()
    assert x.grad == sign * math.inf
    with pytest.raises(OverflowError, match=r"parameter 0 has a non-finite grad \((-)?inf\)"):
        optimizer.step()
    assert x.data == leaf


def test_numpy_scalar_on_the_left_defers_to_value() -> None:
    x = Value(3.0)
    y = np.float64(2.0) * x
    assert isinstance(y, Value) and y.data == 6.0
    y.backward()
    assert x.grad == 2.0


def test_repr_shows_data_grad_label_and_op() -> None:
    a = Value(2.0, "a")
    assert repr(a) == "Value(data=2, grad=0, label='a')"
    assert repr(a * 3) == "Value(data=6, grad=0, op='*')"
    assert (a**2).op == "**2" and a.op == "" and a.is_leaf and not (a + 1).is_leaf


# ---- memory: a graph holds no reference cycle -----------------------------------------------


def _values_alive() -> int:
    return sum(type(o) is Value for o in gc.get_objects())


def _frees_by_refcount(make_root) -> bool:
    """True if dropping the last reference to the root frees every node with no gc help."""
    gc.collect()
    before = _values_alive()
    was_enabled = gc.isenabled()
    gc.disable()  # the cyclic collector must not run: reference counting alone must do it
    try:
        root = make_root()
        assert _values_alive() > before
        del root
        freed = _values_alive() == before
        found_garbage = gc.collect() > 0
    finally:
        if was_enabled:
            gc.enable()
    return freed and not found_garbage


def test_graph_is_freed_without_the_cycle_collector() -> None:
    def make_root() -> Value:
        xs = [Value(float(i), f"x{i}") for i in range(1, 21)]
        out = Value(0.0)
        for i, x in enumerate(xs):
            out = out + (x * xs[i - 1]).tanh() - x.exp().log() + x**2 / 3 + x.max(1.0)
        root = Value.dot(xs, xs, out).sigmoid() + Value.sum(xs).relu() ** Value(0.5).abs()
        root.backward()
        return root

    assert _frees_by_refcount(make_root)


def test_cycle_check_fails_on_a_cyclic_graph() -> None:
    # The check above must be able to fail: with a cycle made by hand (x -> y -> x),
    # reference counting cannot free the nodes and the cyclic collector finds them.
    def make_cyclic_root() -> Value:
        x = Value(1.0)
        y = x * 2
        x._a = y  # the slot behind x.parents: now x -> y -> x
        return y

    assert not _frees_by_refcount(make_cyclic_root)


# ---- comparisons compare data; == and hash stay identity ------------------------------------


def test_comparisons_compare_data_with_values_and_numbers() -> None:
    a, b = Value(2.0), Value(3.0)
    assert a < b and a <= b and b > a and b >= a and not a > b and not b <= a
    assert a < 2.5 and a <= 2 and a >= 2 and not a > 2  # a number on the right
    assert 2.5 > a and 1 < a and np.float64(1.0) < a  # noqa: SIM300 - a number on the left
    assert all(type(c) is bool for c in (a < b, a <= 2, 3 > a, a >= b))  # noqa: SIM300


def test_builtin_max_sorted_and_a_best_loss_work_on_values() -> None:
    values = [Value(x) for x in (0.3, -1.0, 2.5, 0.0)]
    assert max(values) is values[2] and min(values) is values[1]
    assert [v.data for v in sorted(values)] == [-1.0, 0.0, 0.3, 2.5]
    best = math.inf
    for loss in values:
        if loss < best:
            best = loss.data
    assert best == -1.0


def test_a_number_is_compared_exactly_as_python_compares_a_float_with_it() -> None:
    big = Value(2.0**53)
    assert big < 2**53 + 1 and big <= 2**53 + 1 and not big >= 2**53 + 1  # no rounding
    assert 2**53 + 1 > big and not 2**53 + 1 < big  # noqa: SIM300 - the number on the left
    assert big > Fraction(2**53 - 1, 1) and big < Fraction(2**54 + 1, 2)
    assert Value(1.0) < 10**400 and Value(1.0) > -(10**400) and 10**400 > Value(-1.0)  # noqa: SIM300
    assert Value(1.0) < np.int64(2) and Value(2.5) > np.float32(2.25)
    assert all(type(c) is bool for c in (big < 2**53 + 1, big > Fraction(1, 3), big < np.int64(1)))


@pytest.mark.parametrize(
    "use",
    [bool, lambda v: v or 1.0, lambda v: not v, lambda v: 1 if v else 0, lambda v: any([v])],
    ids=["bool", "or", "not", "if", "any"],
)
def test_the_truth_value_of_a_value_is_refused_and_says_to_compare_data(use) -> None:
    for v in (Value(0.0), Value(2.0) * 3):  # zero or not, leaf or not: ambiguous either way
        with pytest.raises(TypeError, match=r"truth value of a Value is ambiguous.*v\.data"):
            use(v)
    v = Value(0.0)
    assert (v.data or 1.0) == 1.0 and v is not None and [v]  # what to write instead


def test_equality_and_hash_stay_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a  # identity is the point
    assert len({a, b}) == 2 and {a: "a", b: "b"}[b] == "b"
    with pytest.raises(TypeError, match="'<' not supported"):
        _ = a < "1"


# ---- backward(grad): the seed ---------------------------------------------------------------


def test_backward_seed_scales_every_grad() -> None:
    x, y = Value(2.0), Value(-3.0)
    out = (x * y).tanh()
    out.backward()
    once = (x.grad, y.grad)
    x.grad = y.grad = 0.0
    out.backward(grad=5.0)
    assert out.grad == 5.0
    assert (x.grad, y.grad) == pytest.approx((5 * once[0], 5 * once[1]), rel=1e-15)
    leaf = Value(1.0)
    leaf.backward(-2)
    assert leaf.grad == -2.0


def test_a_grad_set_on_the_root_by_hand_is_replaced_by_the_seed() -> None:
    x = Value(2.0)
    out = x * 3.0
    out.grad = 5.0  # does nothing: backward() resets the root; the seed is its argument
    out.backward()
    assert (out.grad, x.grad) == (1.0, 3.0)


@pytest.mark.parametrize(
    ("grad", "error", "words"),
    [
        ("1", TypeError, "grad must be a real number, got str"),
        (Value(1.0), TypeError, "grad must be a real number, got Value"),
        (math.nan, ValueError, "grad must be finite, got nan"),
    ],
)
def test_a_bad_seed_is_refused(grad: object, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        (Value(1.0) * 2).backward(grad)  # type: ignore[arg-type]


# ---- micrograd's names: _prev, _op, _backward() ---------------------------------------------


def test_prev_and_op_are_micrograds_names_read_only() -> None:
    a, b = Value(2.0), Value(-1.0)
    c = a * b
    assert c._prev == {a, b} and c._op == "*"
    assert (a * a)._prev == {a}  # a set, as in micrograd; `parents` keeps both slots
    assert a._prev == set() and a._op == ""
    with pytest.raises(AttributeError):
        c._prev = {a}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        c._op = "+"  # type: ignore[misc]


def test_underscore_backward_runs_one_gate_rule_once() -> None:
    a, b = Value(2.0), Value(-1.0)
    c = a * b
    a._backward()  # a leaf: nothing to do
    assert (a.grad, b.grad) == (0.0, 0.0)
    c.grad = 3.0
    c._backward()
    assert (a.grad, b.grad) == (-3.0, 6.0)
    c._backward()  # once more: it adds again, as any gate rule does
    assert (a.grad, b.grad) == (-6.0, 12.0)


def test_setting_underscore_backward_as_the_lecture_does_says_to_write_a_gate() -> None:
    a, b = Value(2.0), Value(-1.0)
    c = a * b

    def _backward() -> None:  # the lecture's closure for this node
        a.grad += b.data * c.grad

    with pytest.raises(AttributeError, match=r"an operation is a Gate.*Subclass micrograd_notes"):
        c._backward = _backward  # type: ignore[method-assign]
    c.grad = 1.0
    c._backward()  # the node's own rule is still there
    assert (a.grad, b.grad) == (-1.0, 2.0)


# ---- a gate of your own ---------------------------------------------------------------------


class Cube(engine.Gate):
    """x^3;  d/dx = 3x^2."""

    symbol = "cube"

    def forward(self, x: Value) -> float:
        return x.data**3

    def backward(self, out: Value) -> None:
        (x,) = out.parents
        x.grad += 3.0 * x.data**2 * out.grad


class MulAdd(engine.Gate):
    """a b + c;  d/da = b, d/db = a, d/dc = 1: three parents."""

    symbol = "fma"

    def forward(self, a: Value, b: Value, c: Value) -> float:
        return a.data * b.data + c.data

    def backward(self, out: Value) -> None:
        a, b, c = out.parents
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad
        c.grad += out.grad


def test_a_gate_of_your_own_makes_nodes_and_back_propagates() -> None:
    x, y = Value(1.5, "x"), Value(-2.0, "y")
    cube, fma = Cube(), MulAdd()
    out = fma(cube(x), y, x) * 2  # 2 (x^3 y + x)
    assert out.data == 2 * (1.5**3 * -2.0 + 1.5)
    inner = out.parents[0]
    assert inner.op == "fma" and inner.parents[1:] == (y, x) and inner.parents[0].op == "cube"
    out.backward()
    assert x.grad == pytest.approx(2 * (3 * 1.5**2 * -2.0 + 1), rel=1e-14)
    assert y.grad == pytest.approx(2 * 1.5**3, rel=1e-14)
    assert gradcheck(lambda x, y: fma(cube(x), y, x) * 2, [x, y]).ok
    assert isinstance(cube(2), Value) and cube(2).data == 8.0  # a number becomes a leaf


def test_a_gate_of_your_own_gets_clear_errors() -> None:
    class Wrong(engine.Gate):
        symbol = "wrong"

        def forward(self, a: Value) -> float:
            return a * 2  # type: ignore[return-value]  # a Value, not a number

    class Nan(engine.Gate):
        symbol = "nan"

        def forward(self, a: Value) -> float:
            return math.nan

    with pytest.raises(TypeError, match=r"forward must return a number .* got Value"):
        Wrong()(1.0)
    with pytest.raises(ValueError, match="forward returned nan"):
        Nan()(1.0)
    with pytest.raises(TypeError, match="needs at least one operand"):
        Cube()()
    with pytest.raises(TypeError, match="unsupported operand for cube: Value and str"):
        Cube()("2")
    assert isinstance(Cube()(np.int64(2)).data, float)


def test_a_gate_of_your_own_that_overflows_is_named_like_a_built_in_one() -> None:
    class Square(engine.Gate):
        symbol = "square"

        def forward(self, a: Value) -> float:
            return a.data * a.data

    with pytest.raises(OverflowError, match=r"square: .*overflows a float"):
        Square()(Value(1e200))
    with pytest.raises(OverflowError, match="overflows a float"):
        _ = Value(1e200) * Value(1e200)  # the built-in gate: the same kind of error


def test_a_leaf_roots_grad_that_overflows_is_an_error() -> None:
    x = Value(1.0, "x")
    x.grad = 1.7e308
    with pytest.raises(OverflowError, match=r"backward: the grad of 'x'"):
        x.backward(1e308)
    assert x.grad == 1.7e308  # left as it was
