"""Notebook 10's exercises: sgd_step with each slip submitted on purpose, and the numbers."""

from __future__ import annotations

import pytest
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.training import CASES, sgd_step
from micrograd_notes.optim import SGD

EX = exercise("sgd_step")


def test_the_solution_and_the_packages_optimizer_pass() -> None:
    def with_optimizer(params, compute_loss, lr):
        opt = SGD(params, lr=lr)
        opt.zero_grad()
        loss = compute_loss()
        loss.backward()
        opt.step()
        return loss.data

    def clear_after_forward(params, compute_loss, lr):
        loss = compute_loss()  # building the graph first is fine: the grads are not touched
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data = p.data - lr * p.grad
        return float(loss.data)

    assert EX.accepts(sgd_step)
    assert EX.accepts(with_optimizer)
    assert EX.accepts(clear_after_forward)


@pytest.mark.parametrize("make", CASES.values(), ids=list(CASES))
def test_the_solution_lowers_each_models_loss(make) -> None:
    params, compute_loss, lr = make()
    before = sgd_step(params, compute_loss, lr)
    assert compute_loss().data < before


def test_grads_not_cleared_are_named() -> None:
    def accumulates(params, compute_loss, lr):
        loss = compute_loss()
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data

    assert_mistake(EX, accumulates, "grads were not cleared", "accumulate", "(reread 'One")


def test_an_update_before_backward_is_named() -> None:
    def too_early(params, compute_loss, lr):
        for p in params:
            p.data -= lr * p.grad
            p.grad = 0.0
        loss = compute_loss()
        loss.backward()
        return loss.data

    assert_mistake(EX, too_early, "grads left from the step before")


def test_a_parameter_rebound_instead_of_changed_is_named() -> None:
    def rebinds(params, compute_loss, lr):
        for p in params:
            p.grad = 0.0
        loss = compute_loss()
        loss.backward()
        for p in params:
            p = p - lr * p.grad  # the slip: a new Value, the model untouched
        return loss.data

    def clears_before_update(params, compute_loss, lr):
        loss = compute_loss()
        loss.backward()
        for p in params:
            p.grad = 0.0
            p.data -= lr * p.grad
        return loss.data

    assert_mistake(EX, rebinds, "no parameter moved", "p.data")
    assert_mistake(EX, clears_before_update, "no parameter moved")


def _step(params, compute_loss, change):
    for p in params:
        p.grad = 0.0
    loss = compute_loss()
    loss.backward()
    for p in params:
        p.data = change(p.data, p.grad)
    return loss.data


def test_the_sign_lr_twice_no_lr_and_a_doubled_step_are_named() -> None:
    def uphill(params, compute_loss, lr):
        return _step(params, compute_loss, lambda d, g: d + lr * g)

    def lr_twice(params, compute_loss, lr):
        return _step(params, compute_loss, lambda d, g: d - lr * (lr * g))

    def no_lr(params, compute_loss, lr):
        return _step(params, compute_loss, lambda d, g: d - g)

    def backward_twice(params, compute_loss, lr):
        for p in params:
            p.grad = 0.0
        loss = compute_loss()
        loss.backward()
        compute_loss().backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data

    assert_mistake(EX, uphill, "up the gradient", "p − lr·grad")
    assert_mistake(EX, lr_twice, "lr²·grad", "applied twice")
    assert_mistake(EX, no_lr, "the whole gradient")
    assert_mistake(EX, backward_twice, "backward() run twice")


def test_the_loss_returned_is_checked() -> None:
    def returns_value(params, compute_loss, lr):
        loss = compute_loss()
        _step(params, compute_loss, lambda d, g: d - lr * g)
        return loss

    def returns_after(params, compute_loss, lr):
        _step(params, compute_loss, lambda d, g: d - lr * g)
        return compute_loss().data

    def returns_nothing(params, compute_loss, lr):
        _step(params, compute_loss, lambda d, g: d - lr * g)

    assert_mistake(EX, returns_value, "returned the loss Value", "loss.data")
    assert_mistake(EX, returns_after, "the loss after the step")
    assert EX.grade(returns_nothing).status == "not answered"


def test_a_step_that_raises_is_named_with_its_line() -> None:
    def typo(params, compute_loss, lr):
        loss = compute_loss()
        loss.backwards()
        return loss.data

    assert_mistake(EX, typo, "AttributeError", "loss.backwards()")


def test_the_number_exercises_and_their_known_slips() -> None:
    slope, distance = exercise("hinge_slope"), exercise("momentum_distance")
    assert slope.accepts(-1 / 100) and distance.accepts(0.1 * 0.5 * (1 + 1.9 + 2.71))
    assert "mean over the 100 points" in slope.problem(-1.0)
    assert "beyond the margin" in slope.problem(0.0)
    assert "sign is flipped" in slope.problem(0.01)
    assert "three plain steps" in distance.problem(0.15)
    assert "third step alone" in distance.problem(0.1355)
    assert "sum of the velocities" in distance.problem(2.805)


def test_the_hinge_slope_is_the_engines() -> None:
    s = Value(0.3)
    others = [Value(5.0) for _ in range(99)]
    from micrograd_notes.losses import hinge

    hinge([s, *others], [1] * 100).backward()
    assert exercise("hinge_slope").accepts(s.grad)
