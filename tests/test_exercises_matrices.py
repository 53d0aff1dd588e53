"""Notebook 08's exercises: linear_backward, with each mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.matrices import SIZES, cases, linear_backward

EX = exercise("linear_backward")


def test_the_solution_agrees_with_the_scalar_engine() -> None:
    X, W, b, dY = cases()[1]
    Xv = [[Value(x) for x in row] for row in X]
    Wv = [[Value(w) for w in row] for row in W]
    bv = [Value(v) for v in b]
    # L = Σ dY ⊙ (X W + b): its gradients are those of the layer given dY from above.
    terms = [
        dY[i, j] * (Value.dot([Wv[k][j] for k in range(len(W))], Xv[i]) + bv[j])
        for i in range(len(X))
        for j in range(len(b))
    ]
    Value.sum(terms).backward()
    dX, dW, db = linear_backward(X, W, b, dY)
    assert np.allclose(dX, [[v.grad for v in row] for row in Xv], rtol=1e-12)
    assert np.allclose(dW, [[v.grad for v in row] for row in Wv], rtol=1e-12)
    assert np.allclose(db, [v.grad for v in bv], rtol=1e-12)


def test_the_cases_include_a_square_w_and_shapes_that_all_differ() -> None:
    assert SIZES[0][1] == SIZES[0][2]
    assert any(len({n, nin, nout}) == 3 for n, nin, nout in SIZES)
    assert any(n == nout != nin for n, nin, nout in SIZES)  # a wrong axis sum fits there


def test_a_transposed_dw_is_named() -> None:
    def transposed(X, W, b, dY):
        return dY @ W.T, dY.T @ X, dY.sum(axis=0)

    assert_mistake(EX, transposed, "dW is dYᵀ·X, the transpose of Xᵀ·dY", "Shapes decide")


def test_db_not_summed_over_the_batch_or_summed_over_the_wrong_axis_is_named() -> None:
    def unsummed(X, W, b, dY):
        return dY @ W.T, X.T @ dY, dY

    def other_axis(X, W, b, dY):
        return dY @ W.T, X.T @ dY, dY.sum(axis=1)

    def every_axis(X, W, b, dY):
        return dY @ W.T, X.T @ dY, dY.sum()

    assert_mistake(EX, unsummed, "db is not summed over axis 0", "sums over the batch")
    assert_mistake(EX, other_axis, "db sums over axis 1 instead of axis 0")
    assert_mistake(EX, every_axis, "db sums over every axis")


def test_dy_w_in_place_of_dy_w_transposed_is_named() -> None:
    def untransposed(X, W, b, dY):
        return dY @ W, X.T @ dY, dY.sum(axis=0)

    assert_mistake(EX, untransposed, "dX is dY·W; it should be dY·Wᵀ")


def test_a_product_that_does_not_fit_is_named_with_its_line() -> None:
    def misfit(X, W, b, dY):
        dX = dY @ W.T
        dW = X @ dY
        return dX, dW, dY.sum(axis=0)

    assert_mistake(EX, misfit, "raised ValueError", "dW = X @ dY")


def test_a_mean_a_sign_flip_and_a_swap_are_named() -> None:
    def mean(X, W, b, dY):
        return dY @ W.T, X.T @ dY / len(X), dY.sum(axis=0)

    def flipped(X, W, b, dY):
        return -(dY @ W.T), X.T @ dY, dY.sum(axis=0)

    def swapped(X, W, b, dY):
        return X.T @ dY, dY @ W.T, dY.sum(axis=0)

    def two(X, W, b, dY):
        return dY @ W.T, X.T @ dY

    assert_mistake(EX, mean, "dW is 1/N of the right value (N = 4)")
    assert_mistake(EX, flipped, "dX has the wrong sign")
    assert_mistake(EX, swapped, "your dX is what dW should be: return (dX, dW, db) in that order")
    assert_mistake(EX, two, "should return the 3 arrays (dX, dW, db)")


def test_lists_of_lists_are_arrays_too() -> None:
    def as_lists(X, W, b, dY):
        return [list(r) for r in dY @ W.T], (X.T @ dY).tolist(), list(dY.sum(axis=0))

    assert EX.accepts(as_lists)
