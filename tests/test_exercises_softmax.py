"""Notebook 05's exercises: softmax_ce_backward, with each mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.softmax import cases, softmax_ce_backward
from micrograd_notes.losses import softmax_cross_entropy

EX = exercise("softmax_ce_backward")


def probabilities(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def onehot(y, classes):
    return np.eye(classes)[y]


def test_the_solution_agrees_with_the_scalar_engine_on_every_case() -> None:
    for _, scores, y in cases():
        logits = [[Value(s) for s in row] for row in scores]
        softmax_cross_entropy(logits, list(y)).backward()
        engine = np.array([[v.grad for v in row] for row in logits])
        assert np.allclose(softmax_ce_backward(scores, y), engine, rtol=1e-9, atol=1e-12)


def test_a_loop_written_by_hand_passes() -> None:
    def by_rows(scores, y):
        grads = []
        for row, label in zip(scores, y):
            e = np.exp(row - max(row))
            p = e / e.sum()
            p[label] -= 1
            grads.append(p / len(y))
        return np.array(grads)

    assert EX.accepts(by_rows)


def test_a_missing_one_over_n_and_a_sign_flip_are_named() -> None:
    def no_mean(scores, y):
        return probabilities(scores) - onehot(y, scores.shape[1])

    def flipped(scores, y):
        return (onehot(y, scores.shape[1]) - probabilities(scores)) / len(y)

    assert_mistake(EX, no_mean, "N = 5 times too big: a missing 1/N", "collapses to p − y")
    assert_mistake(EX, flipped, "y - p", "a sign flip")


def test_the_other_slips_are_named() -> None:
    def no_onehot(scores, y):
        return probabilities(scores) / len(y)

    def by_classes(scores, y):
        return (probabilities(scores) - onehot(y, scores.shape[1])) / scores.shape[1]

    def down_the_columns(scores, y):
        e = np.exp(scores - scores.max(axis=0))
        return (e / e.sum(axis=0) - onehot(y, scores.shape[1])) / len(y)

    def whole_rows(scores, y):
        p = probabilities(scores)
        p[y] -= 1
        return p / len(y)

    def transposed(scores, y):
        return softmax_ce_backward(scores, y).T

    assert_mistake(EX, no_onehot, "subtract 1 at each row's true class")
    assert_mistake(EX, by_classes, "the number of classes C = 3, not of rows N = 5")
    assert_mistake(EX, down_the_columns, "taken down the columns (axis 0)")
    assert_mistake(EX, whole_rows, "p[y] -= 1 subtracts 1 from whole rows")
    assert_mistake(EX, transposed, "has shape (3, 5), the transpose of (5, 3)")


def test_an_unshifted_softmax_overflows_on_big_scores_and_is_named() -> None:
    def naive(scores, y):
        e = np.exp(scores)
        p = e / e.sum(axis=1, keepdims=True)
        p[np.arange(len(y)), y] -= 1
        return p / len(y)

    assert_mistake(EX, naive, "for scores near ±1000", "nan or inf", "subtract each row's max",
                   "(reread 'Stability: logits of ±1000')")  # fmt: skip


def test_returning_the_loss_is_a_shape_mistake() -> None:
    def the_loss(scores, y):
        return -np.log(probabilities(scores)[np.arange(len(y)), y]).mean()

    assert_mistake(EX, the_loss, "dscores is a single number; expected shape (5, 3)")


# ---- the number and choice exercises -------------------------------------------------------


def test_one_entry_of_the_gradient_by_hand() -> None:
    # By hand: p = (1, 2, 5) / 8, so ∂L/∂z_2 = p_2 - 1 = 5/8 - 1.
    ex = exercise("ce_true_class_grad")
    assert ex.solution() == pytest.approx(5 / 8 - 1, abs=1e-15)
    assert ex.accepts(-0.375) and ex.accepts(np.float64(-0.3750))
    assert_mistake(ex, 0.375, "the sign", "(reread 'Cross-entropy on top: everything collapses")
    assert_mistake(ex, 0.625, "that is p_2 itself")
    assert_mistake(ex, -0.5, "too low", "hint: p = e^z / Σ e^z first")


def test_one_entry_of_the_jacobian() -> None:
    # By hand: off the diagonal, J_01 = -p_0 p_1 = -0.5 · 0.3.
    ex = exercise("softmax_jacobian_entry")
    assert ex.solution() == pytest.approx(-0.5 * 0.3, abs=1e-15)
    assert_mistake(ex, 0.15, "the sign", "(reread 'The softmax and its Jacobian')")
    assert_mistake(ex, 0.25, "the diagonal entry ∂p_0/∂z_0")
    assert_mistake(ex, 0.21, "the diagonal entry ∂p_1/∂z_1")


def test_the_shortcut_is_right_for_cross_entropy_only() -> None:
    ex = exercise("softmax_shortcut_loss")
    assert ex.solution() == "cross-entropy"
    assert ex.accepts("Cross Entropy") and ex.accepts("cross_entropy")
    assert_mistake(ex, "mean squared error", "nothing cancels")
    assert_mistake(ex, "both", "only one of the two losses")
    assert_mistake(ex, "neither", "where does the 1/p of the log go?")


def test_a_temperature_keeps_both_sums_at_zero() -> None:
    # Σ q = 1 still (columns), and z + t gives z/T + t/T, a shift of every logit (rows).
    ex = exercise("temperature_sums")
    assert ex.solution() == "both"
    assert_mistake(ex, "columns", "shifts every z/T by the same t/T",
                   "(reread 'Rows and columns: two sums, two reasons')")  # fmt: skip
    assert_mistake(ex, "rows", "what do the q's always sum to?")
    assert_mistake(ex, "neither", "ask both questions")
