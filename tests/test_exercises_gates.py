"""Notebook 02's exercises: gate_backward (softplus as a Gate), each mistake on purpose."""

from __future__ import annotations

import math

from helpers import assert_mistake

from micrograd_notes import Gate
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.gates import Softplus

EX = exercise("gate_backward")


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_the_solution_passes_as_a_class_or_an_instance_and_so_does_a_plain_version() -> None:
    class Plain(Gate):
        symbol = "softplus"

        def forward(self, a):
            return math.log(1.0 + math.exp(a.data))

        def backward(self, out):
            a = out.parents[0]
            a.grad += math.exp(a.data) / (1.0 + math.exp(a.data)) * out.grad

    assert EX.accepts(Softplus) and EX.accepts(Softplus()) and EX.accepts(Plain)


def gate(forward, backward) -> type[Gate]:
    """A softplus gate made of the two methods given."""
    return type(
        "Softplus", (Gate,), {"symbol": "softplus", "forward": forward, "backward": backward}
    )


def right_forward(self, a):
    return math.log1p(math.exp(a.data))


def test_equals_where_plus_equals_is_needed_is_named() -> None:
    def backward(self, out):
        (a,) = out.parents
        a.grad = sigmoid(a.data) * out.grad

    assert_mistake(
        EX, gate(right_forward, backward), "used = where += is needed", "A parent used twice"
    )


def test_a_dropped_up_diff_is_named() -> None:
    def backward(self, out):
        (a,) = out.parents
        a.grad += sigmoid(a.data)

    assert_mistake(EX, gate(right_forward, backward), "dropped up_diff", "chain rule")


def test_a_wrong_local_derivative_names_the_node_and_the_slip() -> None:
    def flipped(self, out):
        (a,) = out.parents
        a.grad += sigmoid(-a.data) * out.grad

    def no_denominator(self, out):
        (a,) = out.parents
        a.grad += math.exp(a.data) * out.grad

    def the_output(self, out):
        (a,) = out.parents
        a.grad += out.data * out.grad

    def half(self, out):
        (a,) = out.parents
        a.grad += 0.5 * sigmoid(a.data) * out.grad

    for backward, slip in [
        (flipped, "the sign of x is flipped"),
        (no_denominator, "that is e^x"),
        (the_output, "the output itself"),
        (half, "finite differences"),
    ]:
        assert_mistake(EX, gate(right_forward, backward), "wrong local derivative at x = -3.0",
                       "node 0 (softplus 'y'), d/d parent 0", slip)  # fmt: skip


def test_a_backward_that_returns_its_derivative_instead_of_adding_it_is_named() -> None:
    def returns(self, out):
        (a,) = out.parents
        return sigmoid(a.data) * out.grad

    assert_mistake(EX, gate(right_forward, returns), "add")


def test_a_wrong_forward_is_named_with_the_value_expected() -> None:
    def no_one(self, a):
        return math.log(math.exp(a.data))

    message = assert_mistake(EX, gate(no_one, Softplus.backward), "forward at x = -3.0 gives -3")
    assert "log(1 + e^x) is 0.0485874" in message


def test_a_forward_that_returns_a_value_or_raises_is_named() -> None:
    def a_value(self, a):
        return (1 + a.exp()).log()

    def raises(self, a):
        return math.log(a.data) + 1.0

    assert_mistake(
        EX, gate(a_value, Softplus.backward), "TypeError", "forward must return a number"
    )
    assert_mistake(
        EX, gate(raises, Softplus.backward), "ValueError", "return math.log(a.data) + 1.0"
    )


def test_a_half_written_gate_is_not_answered_yet_and_other_answers_are_refused() -> None:
    def stub(self, out): ...

    half = gate(right_forward, stub)
    assert EX.grade(half).status == "not answered"
    assert "Softplus.backward is still ..." in (EX.problem(half) or "")
    assert_mistake(EX, lambda x: x, "a subclass of Gate")
    assert_mistake(EX, object, "a subclass of Gate")

    class NeedsArgs(Softplus):
        def __init__(self, scale):
            self.scale = scale

    assert_mistake(EX, NeedsArgs, "Softplus() raised TypeError")


# ---- the numbers and the choice ---------------------------------------------------------------


def test_the_scaled_mul_gate_and_its_slips() -> None:
    ex = exercise("mul_gate_grad")
    assert ex.accepts(-5.0 * 3.0)
    assert_mistake(ex, 2.0 * 3.0, "that is b.grad", "(reread 'The mul gate swaps its inputs')")
    assert_mistake(ex, -5.0, "leaves out up_diff")
    assert_mistake(ex, 15.0, "the sign is flipped")


def test_the_max_gate_with_a_new_winner_and_its_slips() -> None:
    ex = exercise("max_gate_grad")
    assert ex.accepts(0) and ex.accepts(0.0) and ex.accepts(-0.0)
    assert_mistake(ex, 3.0, "what the winner gets")
    assert_mistake(ex, 1.5, "no tie")


def test_a_larger_first_feature_grows_the_ratio() -> None:
    ex = exercise("bigger_feature")
    assert ex.accepts("grow") and ex.accepts(" Grow")
    assert_mistake(ex, "stay", "through its input")
    assert_mistake(ex, "shrink", "larger input makes its own weight's gradient larger")
