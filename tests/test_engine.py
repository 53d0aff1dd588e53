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


def test_registry_covers_every_gate() -> None:
    gates = {
        cls
        for cls in vars(engine).values()
        if isinstance(cls, type) and issubclass(cls, engine.Gate) and cls is not engine.Gate
    }
    covered = {type(case.build(*[Value(1.5) for _ in case.domain]).gate) for case in OPS}
    assert gates == covered


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
        (lambda x: x.log(), 1e-320, r"grad of 'x' .* overflows a float \(inf\), .* log gate"),
        (lambda x: x * 1e200 * 1e200, 1e-300, r"grad of 'x' .* the \* gate of a \* node"),
        (lambda x: 1 / x, 1e-160, r"grad of 'x' .* overflows a float \(-inf\), .* the / gate"),
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


# ---- opt-in speed: the tape and the GC pause --------------------------------------------------


def _grads_both_ways(plan) -> tuple[list[float], list[float], Tape]:
    """Leaf grads of the plan's graph from the sort and from a tape (built inside it)."""
    xs = [Value(x) for x in plan.inputs]
    build(plan, xs).backward()
    sorted_grads = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    with Tape() as tape:
        build(plan, xs).backward()
    return sorted_grads, [x.grad for x in xs], tape


@settings(max_examples=60, deadline=None)
@given(plans())
def test_tape_gives_the_sorts_grads(plan) -> None:
    sorted_grads, taped_grads, tape = _grads_both_ways(plan)
    # The same terms, maybe added in another order: equal up to rounding.
    assert taped_grads == pytest.approx(sorted_grads, rel=1e-12, abs=1e-12)
    # The plan's unused intermediates are on the tape too: nodes the root does not reach.
    order = tape.nodes
    position = {id(n): k for k, n in enumerate(order)}
    for node in order:
        assert not node.is_leaf
        for parent in node.parents:
            assert parent.is_leaf or position[id(parent)] < position[id(node)]


def test_backward_on_a_tape_does_not_walk_the_graph(monkeypatch) -> None:
    def no_walk(*args, **kwargs):
        raise AssertionError("backward() searched the graph")

    x = Value(3.0)
    with Tape() as tape:
        y = (x * x + x).tanh() * x
        monkeypatch.setattr(engine, "topological_order", no_walk)
        y.backward()
    assert tape.nodes[-1] is y
    assert x.grad == pytest.approx(
        (1 - math.tanh(12.0) ** 2) * 7.0 * 3.0 + math.tanh(12.0), rel=1e-14
    )


def test_nodes_the_root_does_not_reach_change_nothing() -> None:
    x, w = Value(1.5), Value(-0.5)
    with Tape():
        before = (x * w).exp()  # on the tape, unreachable from the root
        before.backward()  # gives it and x, w grads
        stale = before.grad
        root = (x * x + w).relu()
        after = (w * 10).tanh()  # recorded after the root
        after.grad = 7.0  # a stale grad that must not flow anywhere
        x.grad = w.grad = 0.0
        root.backward()
    assert stale == 1.0
    assert (x.grad, w.grad) == (3.0, 1.0)  # d/dx x^2 + w = 2x; d/dw = 1
    assert root.grad == 1.0


def test_root_not_on_the_tape_is_sorted() -> None:
    x = Value(2.0)
    made_before = x * x * x
    with Tape() as tape:
        junk = x + 1.0
        made_before.backward()  # made before the tape opened: the sort does it
        assert x.grad == 12.0
        x.grad = 0.0
        x.backward()  # a leaf root
    assert x.grad == 1.0
    assert tape.nodes == [junk]


def test_covers_tells_whether_a_graph_was_built_on_the_tape() -> None:
    x = Value(2.0)
    made_before = x * x
    with Tape() as tape:
        inside = (x * 3.0).relu()
        mixed = made_before + inside
    assert tape.covers(inside)
    assert not tape.covers(mixed)


def test_tapes_nest() -> None:
    x = Value(0.5)
    with Tape() as outer:
        a = x.exp()
        with Tape() as inner:
            b = a * x  # uses a node recorded by the outer tape only
            b.backward()  # sweeps the outer list, which holds a as well
            assert x.grad == pytest.approx(math.exp(0.5) * 1.5, rel=1e-14)
        c = b + 1.0
    assert inner.nodes == [b]
    assert outer.nodes == [a, b, c]
    assert not engine._taping


def test_tape_stops_on_an_exception_and_keeps_what_it_recorded() -> None:
    x = Value(1.0)
    with pytest.raises(ZeroDivisionError), Tape() as tape:
        y = x * 2.0
        x / 0.0
    after = x + 1.0
    assert tape.nodes == [y]
    assert not engine._taping
    after.backward()
    assert x.grad == 1.0


def test_tape_records_once() -> None:
    tape = Tape()
    with tape:
        pass
    with pytest.raises(RuntimeError, match="already recorded"), tape:
        pass


def test_tape_belongs_to_its_thread() -> None:
    import threading

    x = Value(1.0)
    made_elsewhere: list[Value] = []
    other_tape: list[Tape] = []
    errors: list[BaseException] = []

    def other_thread() -> None:
        made_elsewhere.append(x * 5.0)  # while the main thread's tape is open
        with Tape() as tape:  # a tape of its own, open at the same time
            y = x * 7.0
            y.backward()
        other_tape.append(tape)
        try:
            main_tape.__exit__(None, None, None)
        except RuntimeError as error:
            errors.append(error)

    with Tape() as main_tape:
        mine = x * 3.0
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        also_mine = mine + 1.0
    assert main_tape.nodes == [mine, also_mine]
    assert len(other_tape[0].nodes) == 1 and other_tape[0].nodes[0].data == 7.0
    assert all(node is not made_elsewhere[0] for node in main_tape.nodes)
    assert "thread that opened it" in str(errors[0])
    assert x.grad == 7.0
    assert not engine._taping


def test_gc_paused_restores_the_previous_state() -> None:
    was_enabled = gc.isenabled()  # whatever the rest of the process left: put it back after
    try:
        for before in (True, False):  # on before the block, then off before it
            if before:
                gc.enable()
            else:
                gc.disable()
            with gc_paused():
                assert not gc.isenabled()
                with gc_paused():
                    assert not gc.isenabled()
                assert not gc.isenabled()  # the outer block is still open
            assert gc.isenabled() == before
            with pytest.raises(KeyError), gc_paused():
                raise KeyError("boom")
            assert gc.isenabled() == before
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_gc_paused_frees_graphs_by_reference_counting() -> None:
    with gc_paused():
        with Tape() as tape:
            x = Value(0.5)
            y = x
            for _ in range(1000):
                y = (y * x + x).tanh()
            y.backward()
            grad = x.grad
            # Ids, not the nodes: holding them would keep them alive.
            made = {id(node) for node in tape.nodes} | {id(x)}
        del x, y, tape
        # Still inside the pause, so the cyclic collector has not run: whatever of this
        # graph is gone went by reference counting. None of it may be left.
        left = [o for o in gc.get_objects() if type(o) is Value and id(o) in made]
    assert len(made) == 3001 and left == []
    assert grad != 0.0


def test_training_on_the_fast_path_matches_the_default_path() -> None:
    from micrograd_notes.data import make_moons
    from micrograd_notes.losses import hinge, l2
    from micrograd_notes.nn import MLP

    X, y01 = make_moons(12, seed=3)
    inputs, labels = X.tolist(), (2.0 * y01 - 1.0).tolist()

    def score(model: MLP, x: list[float]) -> Value:
        out = x
        for layer in model.layers:  # a Layer returns a list, always
            out = layer(out)
        return out[0]

    def train(fast: bool) -> list[float]:
        model = MLP(2, [6, 6, 1], seed=3)
        params = model.parameters()
        for _ in range(3):
            with (
                gc_paused() if fast else contextlib.nullcontext(),
                Tape() if fast else contextlib.nullcontext(),
            ):
                loss = hinge([score(model, x) for x in inputs], labels) + l2(params, 1e-3)
                model.zero_grad()
                loss.backward()
                for p in params:
                    p.data -= 0.3 * p.grad
        return [p.data for p in params]

    # Each weight sums the same terms, perhaps in another order: equal up to rounding.
    assert train(fast=True) == pytest.approx(train(fast=False), rel=1e-12, abs=1e-15)


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
