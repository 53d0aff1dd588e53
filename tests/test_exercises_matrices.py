"""Notebook 08's exercises: linear_backward, with each mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.matrices import (
    SIZES,
    TWO_LAYER_SIZES,
    _two_layer,
    cases,
    linear_backward,
    two_layer_backward,
    two_layer_cases,
)

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


def test_each_mistake_names_the_section_that_explains_it() -> None:
    def untransposed(X, W, b, dY):
        return dY @ W, X.T @ dY, dY.sum(axis=0)

    def other_axis(X, W, b, dY):
        return dY @ W.T, X.T @ dY, dY.sum(axis=1)

    assert_mistake(EX, untransposed, "(reread 'Common mistake: trusting the shapes")
    assert_mistake(EX, other_axis, "(reread 'Which axis to sum")


# ---- two_layer_backward ------------------------------------------------------------------

TWO = exercise("two_layer_backward")


def test_the_two_layer_solution_agrees_with_the_scalar_engine() -> None:
    from micrograd_notes.losses import l2, softmax_cross_entropy

    X, y, W1, b1, W2, b2, reg = two_layer_cases()[1]
    leaves = [np.vectorize(Value, otypes=[object])(a) for a in (W1, b1, W2, b2)]
    hidden = np.vectorize(lambda v: v.relu(), otypes=[object])(X @ leaves[0] + leaves[1])
    scores = hidden @ leaves[2] + leaves[3]
    loss = softmax_cross_entropy(scores.tolist(), y.tolist())
    (loss + l2([*leaves[0].ravel(), *leaves[2].ravel()], reg)).backward()
    for ours, engine in zip(two_layer_backward(X, y, W1, b1, W2, b2, reg), leaves):
        assert np.allclose(ours, np.vectorize(lambda v: v.grad)(engine), rtol=0, atol=1e-12)


def test_the_two_layer_cases_include_a_square_w2_first_and_a_batch_as_wide_as_c() -> None:
    hidden, classes = TWO_LAYER_SIZES[0][2:]
    assert hidden == classes
    assert any(n == c for n, _, _, c in TWO_LAYER_SIZES)


def _answer(**mistake):
    """A two_layer_backward that makes one mistake (see matrices._two_layer)."""

    def answer(X, y, W1, b1, W2, b2, reg):
        g = _two_layer(X, y, W1, b1, W2, b2, reg, **mistake)
        return g["dW1"], g["db1"], g["dW2"], g["db2"]

    return answer


def test_each_two_layer_mistake_is_named() -> None:
    assert_mistake(TWO, _answer(mean=False), "dW2", "lacks its 1/N")
    assert_mistake(TWO, _answer(l2_factor=1.0), "dW2 has λW", "2λw")
    assert_mistake(TWO, _answer(l2_factor=0.0), "dW2 lacks the L2 term's gradient")
    assert_mistake(TWO, _answer(from_output=False), "dW2 uses Z1", "output H")
    assert_mistake(TWO, _answer(relu_gate=False), "dW1 misses the ReLU's gate")
    assert_mistake(TWO, _answer(transpose=False), "dH is dscores·W2", "W2ᵀ", "square layer")


def test_a_bias_not_summed_or_summed_over_the_wrong_axis_is_named() -> None:
    def unsummed(X, y, W1, b1, W2, b2, reg):
        g = _two_layer(X, y, W1, b1, W2, b2, reg)
        return g["dW1"], g["dZ1"], g["dW2"], g["db2"]

    def other_axis(X, y, W1, b1, W2, b2, reg):
        g = _two_layer(X, y, W1, b1, W2, b2, reg)
        return g["dW1"], g["db1"], g["dW2"], g["dscores"].sum(axis=1)

    assert_mistake(TWO, unsummed, "db1 is not summed over axis 0")
    assert_mistake(TWO, other_axis, "db2 sums over axis 1 instead of axis 0", "Which axis")


def test_a_transposed_weight_gradient_and_a_wrong_order_are_named() -> None:
    def transposed(X, y, W1, b1, W2, b2, reg):
        dW1, db1, dW2, db2 = two_layer_backward(X, y, W1, b1, W2, b2, reg)
        return dW1.T, db1, dW2, db2

    def swapped(X, y, W1, b1, W2, b2, reg):
        dW1, db1, dW2, db2 = two_layer_backward(X, y, W1, b1, W2, b2, reg)
        return dW2, db2, dW1, db1

    assert_mistake(TWO, transposed, "dW1 has shape (4, 3), the transpose of (3, 4)")
    assert_mistake(TWO, swapped, "return (dW1, db1, dW2, db2) in that order")


# ---- doubling the inputs -----------------------------------------------------------------


def test_doubling_x_leaves_dx_and_doubles_dw() -> None:
    assert exercise("dX_if_X_doubles").accepts(" Stay")
    assert exercise("dW_if_X_doubles").accepts("DOUBLE")
    assert_mistake(exercise("dX_if_X_doubles"), "double", "which matrices dX is made of")
    assert_mistake(exercise("dW_if_X_doubles"), "halve", "which matrices dW is made of")
