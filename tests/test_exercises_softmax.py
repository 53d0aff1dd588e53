"""Notebook 05's exercises: softmax_ce_backward, with each mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
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
