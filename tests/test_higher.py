"""grad and hessian: the backward pass built out of gates, differentiated again.

Finite differences judge every derivative: ``gradcheck`` on ``grad(f)`` checks second
derivatives for every gate of the registry, and closed forms check the second and third.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import OPS, OpCase, build, plans

from micrograd_notes import (
    Gate,
    Tape,
    Value,
    central_difference,
    gates,
    grad,
    gradcheck,
    hessian,
)
from micrograd_notes.higher import derivatives

TIGHT = {"eps": 1e-6, "atol": 1e-6, "rtol": 1e-6}


def _inputs(case: OpCase, data: st.DataObject) -> list[float]:
    xs = [data.draw(domain) for domain in case.domain]
    if case.apart and abs(xs[0] - xs[1]) < 1e-3:
        xs[1] = xs[0] + 0.5  # off the tie, where max/min has no derivative
    return xs


# ---- every gate: grad agrees with backward(), and grad(f) passes gradcheck -----------------


@pytest.mark.parametrize("case", OPS, ids=lambda c: c.name)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_grad_of_every_gate_agrees_with_backward(case: OpCase, data: st.DataObject) -> None:
    xs = _inputs(case, data)
    leaves = [Value(x) for x in xs]
    case.build(*leaves).backward()
    got = grad(case.build, tuple(range(len(xs))))(*xs)
    assert [g.data for g in got] == pytest.approx([v.grad for v in leaves], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("case", OPS, ids=lambda c: c.name)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_grad_of_every_gate_is_itself_right_by_gradcheck(case: OpCase, data: st.DataObject) -> None:
    # Each first derivative, as a function of all the inputs, against central differences:
    # every second derivative of the gate, mixed ones included.
    xs = _inputs(case, data)
    for i in range(len(xs)):
        gradcheck(grad(case.build, i), xs, **TIGHT)


@settings(max_examples=25, deadline=None)
@given(plans(max_ops=25))
def test_grad_of_a_random_graph_agrees_with_backward_and_passes_gradcheck(plan) -> None:
    leaves = [Value(x) for x in plan.inputs]
    build(plan, leaves).backward()
    argnums = tuple(range(len(plan.inputs)))
    first = grad(lambda *xs: build(plan, list(xs)), argnums)(*plan.inputs)
    assert [g.data for g in first] == pytest.approx([v.grad for v in leaves], rel=1e-9, abs=1e-12)
    for i in argnums:
        gradcheck(grad(lambda *xs: build(plan, list(xs)), i), plan.inputs, atol=1e-4, rtol=1e-4)


def test_every_gate_writes_its_local_derivatives_with_values_beside_backward() -> None:
    for cls in vars(gates).values():
        if isinstance(cls, type) and issubclass(cls, Gate) and cls is not Gate:
            assert "local_values" in vars(cls), f"{cls.__name__} has no local_values"
            assert "backward" in vars(cls), cls.__name__


# ---- closed forms: second and third derivatives --------------------------------------------


def nth(f, n: int):
    """The n-th derivative of f, as a function, by grad applied n times."""
    for _ in range(n):
        f = grad(f)
    return f


@pytest.mark.parametrize("x", [-2.1, -0.3, 0.0, 0.7, 1.9])
def test_tanh_derivatives_are_the_closed_forms(x: float) -> None:
    t = math.tanh(x)
    want = [1 - t * t, -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)]
    got = [nth(lambda v: v.tanh(), n)(x).data for n in (1, 2, 3)]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("x", [-3.0, 0.0, 0.7, 2.5])
def test_sigmoid_derivatives_are_the_closed_forms(x: float) -> None:
    s = 1 / (1 + math.exp(-x))
    want = [s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)]
    got = [nth(lambda v: v.sigmoid(), n)(x).data for n in (1, 2, 3)]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("x", [-4.0, 0.0, 1.3])
def test_every_derivative_of_exp_is_exp(x: float) -> None:
    got = [nth(lambda v: v.exp(), n)(x).data for n in (1, 2, 3, 4)]
    assert got == pytest.approx([math.exp(x)] * 4, rel=1e-14)


@pytest.mark.parametrize("x", [0.3, 1.0, 4.2])
def test_log_derivatives_are_the_closed_forms(x: float) -> None:
    got = [nth(lambda v: v.log(), n)(x).data for n in (1, 2, 3)]
    assert got == pytest.approx([1 / x, -1 / x**2, 2 / x**3], rel=1e-13)


@pytest.mark.parametrize("k", [2.0, 3.0, 4.0, -1.0, 0.5, -2.5, 1.0, 0.0])
@pytest.mark.parametrize("x", [0.4, 1.7])
def test_power_derivatives_are_the_closed_forms(k: float, x: float) -> None:
    want = [k * x ** (k - 1), k * (k - 1) * x ** (k - 2), k * (k - 1) * (k - 2) * x ** (k - 3)]
    got = [nth(lambda v: v**k, n)(x).data for n in (1, 2, 3)]
    assert got == pytest.approx(want, rel=1e-13, abs=1e-13)


def test_division_and_a_value_exponent_have_the_closed_form_second_derivatives() -> None:
    x, b = 1.3, 0.6
    assert nth(lambda v: 2.0 / v, 2)(x).data == pytest.approx(4 / x**3, rel=1e-13)
    assert nth(lambda v: 2.0 / v, 3)(x).data == pytest.approx(-12 / x**4, rel=1e-13)
    H = hessian(lambda a, e: a**e)(x, b)
    want = [
        [b * (b - 1) * x ** (b - 2), x ** (b - 1) * (1 + b * math.log(x))],
        [x ** (b - 1) * (1 + b * math.log(x)), x**b * math.log(x) ** 2],
    ]
    for row, want_row in zip(H, want):
        assert row == pytest.approx(want_row, rel=1e-13)


# ---- kinks: relu, abs, max, min ------------------------------------------------------------


@pytest.mark.parametrize("x", [-1.5, 0.0, 2.0])
def test_relu_and_abs_have_second_derivative_zero_everywhere_including_the_kink(x: float) -> None:
    for f in (lambda v: v.relu(), lambda v: abs(v)):
        assert nth(f, 2)(x).data == 0.0
        assert nth(f, 3)(x).data == 0.0
    # At the kink the first derivative is the convention of backward(): relu'(0) = |x|'(0) = 0.
    assert grad(lambda v: v.relu())(0.0).data == 0.0
    assert grad(lambda v: abs(v))(0.0).data == 0.0


def test_at_the_kink_the_true_second_derivative_is_no_number() -> None:
    # What grad's 0 at x = 0 stands in for: finite differences of relu' grow as 1 / eps.
    relu_slope = grad(lambda v: v.relu())
    for eps in (1e-3, 1e-6):
        assert central_difference(lambda x: relu_slope(x).data, 0.0, eps=eps) == pytest.approx(
            1 / (2 * eps)
        )


def test_max_and_min_split_a_tie_and_have_second_derivative_zero() -> None:
    for op in (lambda a, b: a.max(b), lambda a, b: a.min(b)):
        assert [g.data for g in grad(op, (0, 1))(1.0, 1.0)] == [0.5, 0.5]  # a tie: half each
        for a, b in ((1.0, 1.0), (2.0, -1.0), (-1.0, 2.0)):
            assert hessian(op)(a, b) == [[0.0, 0.0], [0.0, 0.0]]
    assert [g.data for g in grad(lambda a, b: a.max(b), (0, 1))(2.0, -1.0)] == [1.0, 0.0]
    assert [g.data for g in grad(lambda a, b: a.min(b), (0, 1))(2.0, -1.0)] == [0.0, 1.0]


# ---- hessian -------------------------------------------------------------------------------


def three(x, y, z):
    return x * y * z + x.tanh() * y.exp() + z.log() * x**2 + (y / z).sigmoid()


def test_the_hessian_of_three_variables_is_finite_differences_of_grad() -> None:
    xs = [0.7, -0.4, 1.6]
    H = hessian(three)(*xs)
    firsts = grad(three, (0, 1, 2))
    for i in range(3):
        for j in range(3):
            numerical = central_difference(lambda *v, i=i: firsts(*v)[i].data, *xs, arg=j, eps=1e-5)
            assert H[i][j] == pytest.approx(numerical, rel=1e-7, abs=1e-8), (i, j)
    assert all(H[i][j] == pytest.approx(H[j][i], rel=1e-12) for i in range(3) for j in range(3))
    assert all(type(h) is float for row in H for h in row)


def test_hessian_with_argnums_takes_a_sub_matrix_and_leaves_the_callers_grads_alone() -> None:
    x, w = Value(0.7), Value(2.0)
    x.grad = w.grad = 5.0
    assert hessian(lambda v: v * w)(1.0) == [[0.0]]  # d/dv = w, a leaf of the caller's
    full = hessian(three)(x, -0.4, 1.6)
    assert hessian(three, (0, 2))(x, -0.4, 1.6) == [
        [full[0][0], full[0][2]],
        [full[2][0], full[2][2]],
    ]
    assert hessian(three, 1)(x, -0.4, 1.6) == [[full[1][1]]]
    assert x.grad == w.grad == 5.0


def test_hessian_of_a_product_of_inputs_is_exact() -> None:
    # d(xy)/dx is y itself, an input leaf: its derivative in y is 1.
    assert hessian(lambda x, y: x * y)(2.0, 3.0) == [[0.0, 1.0], [1.0, 0.0]]


def test_hessian_works_with_a_tape_open() -> None:
    with Tape():
        assert hessian(three)(0.7, -0.4, 1.6) == hessian(three)(0.7, -0.4, 1.6)
    assert hessian(three)(0.7, -0.4, 1.6)[0][1] == pytest.approx(
        central_difference(lambda y: grad(three, (0, 1))(0.7, y, 1.6)[0].data, -0.4), rel=1e-7
    )


# ---- what grad takes and gives --------------------------------------------------------------


def test_a_tuple_argnums_gives_a_tuple() -> None:
    def f(x, y, z):
        return x * y + z.exp()

    both = grad(f, (0, 2))(2.0, 3.0, 0.5)
    assert isinstance(both, tuple) and len(both) == 2
    assert [g.data for g in both] == [3.0, math.exp(0.5)]
    one = grad(f, (1,))(2.0, 3.0, 0.5)
    assert isinstance(one, tuple) and [g.data for g in one] == [2.0]
    assert isinstance(grad(f, 1)(2.0, 3.0, 0.5), Value)


def test_arguments_not_differentiated_are_passed_as_they_are() -> None:
    def loss(w, data):
        return Value.sum((w * x - y) ** 2 for x, y in data)

    data = [(1.0, 2.0), (2.0, 3.0)]
    assert grad(loss)(0.5, data).data == 2 * ((0.5 - 2.0) * 1.0 + (1.0 - 3.0) * 2.0)


def test_a_function_that_does_not_depend_on_x_has_derivative_zero_as_a_value() -> None:
    y = Value(3.0)
    d = grad(lambda x: y * y)(1.0)
    assert isinstance(d, Value) and d.data == 0.0
    assert grad(grad(lambda x: y * y))(1.0).data == 0.0
    assert grad(lambda x: Value(4.0))(1.0).data == 0.0
    assert grad(lambda x: x)(1.0).data == 1.0  # the identity: the seed itself
    assert grad(lambda x: x * 3.0 + 1.0)(7.0).data == 3.0


def test_grad_takes_values_and_differentiates_through_them() -> None:
    x = Value(0.7)
    d = grad(lambda v: v.tanh())(x)
    d.backward()  # the first derivative, a graph of x: its own gradient is tanh''
    t = math.tanh(0.7)
    assert x.grad == pytest.approx(-2 * t * (1 - t * t), rel=1e-14)


def test_grad_leaves_every_existing_grad_alone() -> None:
    x, y = Value(0.3), Value(-1.2)
    x.grad, y.grad = 2.0, 7.0
    z = x * y
    z.grad = 4.0
    grad(lambda a: (a * y).tanh() + z)(x)
    assert (x.grad, y.grad, z.grad) == (2.0, 7.0, 4.0)


def test_nested_grads_do_not_confuse_their_variables() -> None:
    # d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1: the inner derivative must not see x move.
    assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(2.0).data == 1.0
    # d/dx [x · d/dy (x · y)] = d/dx [x · x] = 2x.
    assert grad(lambda x: x * grad(lambda y: x * y)(1.0))(2.0).data == 4.0


def test_a_derivative_with_respect_to_an_inner_node_holds_its_parents_fixed() -> None:
    a = Value(2.0)
    inner = a * a
    # f = inner * a: d f / d inner = a, whatever inner is made of.
    assert derivatives(inner * a, [inner])[0] is a


def test_a_deep_chain_needs_no_recursion() -> None:
    def chain(x):
        for _ in range(20_000):
            x = (x * 0.9999).tanh()
        return x

    d2 = grad(grad(chain))(0.3)
    assert math.isfinite(d2.data)


def test_the_backward_graph_reuses_the_forward_nodes() -> None:
    # tanh' = 1 - t·t is built from the tanh node itself, not from a copy of its number.
    x = Value(0.5)
    t = x.tanh()
    (d,) = derivatives(t, [x])
    assert d.op == "-" and d.parents[1].parents == (t, t)


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("argnums", [-1, 1.5, "0", (), (0, "a"), True, [0, 1], None])
def test_bad_argnums_are_refused_when_grad_is_made(argnums) -> None:
    with pytest.raises(TypeError, match="argnums must be an argument position"):
        grad(lambda x: x, argnums)


def test_argnums_out_of_range_is_an_index_error() -> None:
    with pytest.raises(IndexError, match=r"grad\(f\): argnums 2 is out of range for 2 arguments"):
        grad(f, (0, 2))(1.0, 2.0)
    with pytest.raises(IndexError, match="for 0 arguments"):
        grad(f)()


def f(x, y=None):
    return x * x


def test_an_argument_that_is_not_a_number_is_named() -> None:
    with pytest.raises(TypeError, match=r"grad\(f\): argument 0 must be a number or a Value"):
        grad(f)("1.0")
    with pytest.raises(TypeError, match="argument 1 must be"):
        hessian(lambda x, y: x * y)(1.0, [2.0])


def test_a_result_that_is_not_one_value_is_refused() -> None:
    with pytest.raises(TypeError, match=r"returned a list of 2 items; it must return one Value"):
        grad(lambda x: [x, x * x])(1.0)
    with pytest.raises(TypeError, match="returned a plain float, not a Value"):
        grad(lambda x: math.tanh(x.data))(1.0)
    with pytest.raises(TypeError, match="must return a Value, got NoneType"):
        grad(lambda x: None)(1.0)
    with pytest.raises(TypeError, match=r"hessian\(<lambda>\): f returned a tuple"):
        hessian(lambda x: (x,))(1.0)


class Square(Gate):
    symbol = "sq"

    def forward(self, a):
        return a.data * a.data

    def backward(self, out):
        (a,) = out.parents
        a.grad += 2.0 * a.data * out.grad


def test_a_gate_without_a_value_rule_is_named_with_the_method_to_write() -> None:
    y = Square()(Value(3.0))
    y.backward()  # the float path needs only backward
    with pytest.raises(NotImplementedError) as caught:
        grad(lambda x: Square()(x) + x)(3.0)
    message = str(caught.value)
    assert "<gate sq> (Square) has no local derivative written with Values" in message
    assert "local_values(self, out)" in message


def test_a_gate_with_a_value_rule_is_differentiated_twice() -> None:
    class Cube(Gate):
        symbol = "cube"

        def forward(self, a):
            return a.data**3

        def backward(self, out):
            out.parents[0].grad += 3.0 * out.parents[0].data ** 2 * out.grad

        def local_values(self, out):
            (a,) = out.parents
            return (3 * a * a,)

    assert nth(Cube(), 2)(1.5).data == pytest.approx(9.0)
    assert nth(Cube(), 3)(1.5).data == pytest.approx(6.0)


def test_a_gate_that_rewrites_backward_but_inherits_the_value_rule_is_refused() -> None:
    class BrokenMul(gates.Mul):
        def backward(self, out):
            out._a.grad += out.grad  # wrong on purpose

    with pytest.raises(NotImplementedError, match="BrokenMul rewrites backward but inherits"):
        grad(lambda x: BrokenMul()(x, x))(2.0)


def test_a_value_rule_of_the_wrong_size_or_kind_is_named() -> None:
    class Two(Square):
        def local_values(self, out):
            return (1.0, 2.0)

    class Text(Square):
        def local_values(self, out):
            return ("2a",)

    wrong_size = r"Two\.local_values gave 2 local derivatives for 1 parent$"
    with pytest.raises(ValueError, match=wrong_size):
        grad(Two())(1.0)
    with pytest.raises(TypeError, match=r"Text\.local_values must give Values or numbers, got str"):
        grad(Text())(1.0)


def test_a_local_derivative_that_cannot_be_a_value_is_named() -> None:
    # x ** 1.5 at 0: its slope is 0, but the slope as a graph holds 0 ** 0.5, whose own
    # derivative is infinite there.
    with pytest.raises(ValueError, match=r"grad: the local derivative of the \*\*1.5 gate at 0"):
        grad(lambda x: x**1.5)(0.0)
