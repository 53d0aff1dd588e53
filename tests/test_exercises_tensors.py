"""Notebook 09's exercises: batchnorm_backward, embedding_backward and broadcast_axes, with
each recognised mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.tensors import (
    BATCHNORM_SIZES,
    EMBEDDING_CASES,
    EPS,
    _batchnorm_dX,
    batchnorm_backward,
    batchnorm_cases,
    embedding_backward,
    embedding_cases,
)

BN = exercise("batchnorm_backward")
EMB = exercise("embedding_backward")

as_values = np.vectorize(Value, otypes=[object])
grads_of = np.vectorize(lambda v: v.grad, otypes=[float])


def test_the_batchnorm_solution_agrees_with_the_scalar_engine() -> None:
    for X, gamma, beta, dY in batchnorm_cases():
        Xv, gv, bv = as_values(X), as_values(gamma), as_values(beta)
        mu = Xv.mean(axis=0)
        xhat = (Xv - mu) * (((Xv - mu) ** 2).mean(axis=0) + EPS) ** -0.5
        ((gv * xhat + bv) * dY).sum().backward()
        for ours, engine in zip(batchnorm_backward(X, gamma, beta, dY), (Xv, gv, bv)):
            assert np.allclose(ours, grads_of(engine), rtol=0, atol=1e-12)


def test_the_step_by_step_reference_is_right_when_it_makes_no_mistake() -> None:
    X, gamma, beta, dY = batchnorm_cases()[1]
    assert np.allclose(_batchnorm_dX(X, gamma, dY), batchnorm_backward(X, gamma, beta, dY)[0])


def test_the_batchnorm_cases_start_square_and_include_both_other_shapes() -> None:
    n, d = BATCHNORM_SIZES[0]
    assert n == d
    assert any(n > d for n, d in BATCHNORM_SIZES) and any(n < d for n, d in BATCHNORM_SIZES)


def _bn(**mistake):
    """A batchnorm_backward whose dX makes one mistake (see tensors._batchnorm_dX)."""

    def answer(X, gamma, beta, dY, eps=1e-5):
        _, dgamma, dbeta = batchnorm_backward(X, gamma, beta, dY)
        return _batchnorm_dX(X, gamma, dY, **mistake), dgamma, dbeta

    return answer


def test_each_missing_path_is_named() -> None:
    section = "Batch norm backward: three paths"
    both = _bn(mean_path=False, var_path=False)
    assert_mistake(BN, both, "treats the mean and the variance as constants", section)
    assert_mistake(BN, _bn(mean_path=False), "misses the path through the mean")
    assert_mistake(BN, _bn(var_path=False), "misses the path through the variance")


def test_a_missing_1_over_n_is_named_in_each_path_and_overall() -> None:
    def times_n(X, gamma, beta, dY, eps=1e-5):
        dX, dgamma, dbeta = batchnorm_backward(X, gamma, beta, dY)
        return dX * len(X), dgamma, dbeta

    assert_mistake(BN, _bn(mean_n=False), "the mean's path lacks its 1/N")
    assert_mistake(BN, _bn(var_n=False), "the variance's path lacks its 1/N")
    assert_mistake(BN, times_n, "N = 4 times the right value: a missing 1/N")


def test_the_wrong_axis_and_the_unbiased_variance_are_named() -> None:
    assert_mistake(BN, _bn(axis=1), "normalises each row (axis 1)", "axis 0")
    assert_mistake(BN, _bn(ddof=1), "divides the variance by N − 1")


def test_mistakes_in_dgamma_and_dbeta_are_named() -> None:
    def dgamma_with_x(X, gamma, beta, dY, eps=1e-5):
        dX, _, dbeta = batchnorm_backward(X, gamma, beta, dY)
        return dX, (dY * X).sum(axis=0), dbeta

    def dbeta_other_axis(X, gamma, beta, dY, eps=1e-5):
        dX, dgamma, _ = batchnorm_backward(X, gamma, beta, dY)
        return dX, dgamma, dY.sum(axis=1)

    def dbeta_unsummed(X, gamma, beta, dY, eps=1e-5):
        dX, dgamma, _ = batchnorm_backward(X, gamma, beta, dY)
        return dX, dgamma, dY

    def swapped(X, gamma, beta, dY, eps=1e-5):
        dX, dgamma, dbeta = batchnorm_backward(X, gamma, beta, dY)
        return dX, dbeta, dgamma

    assert_mistake(BN, dgamma_with_x, "dgamma uses X where x̂ belongs")
    assert_mistake(BN, dbeta_other_axis, "dbeta sums over axis 1 instead of axis 0", "Broadcast")
    assert_mistake(BN, dbeta_unsummed, "dbeta is not summed over axis 0")
    assert_mistake(BN, swapped, "your dgamma is what dbeta should be")


def test_a_batchnorm_that_returns_two_arrays_or_raises_is_named() -> None:
    def two(X, gamma, beta, dY, eps=1e-5):
        return batchnorm_backward(X, gamma, beta, dY)[:2]

    def raises(X, gamma, beta, dY, eps=1e-5):
        dX = dY @ np.ones((3, 3))  # (4, 4) @ (3, 3): the first batch has D = 4
        return dX, dY.sum(axis=0), dY.sum(axis=0)

    assert_mistake(BN, two, "should return the 3 arrays (dX, dgamma, dbeta)")
    assert_mistake(BN, raises, "raised ValueError", "dX = dY @ np.ones((3, 3))")


# ---- embedding_backward -----------------------------------------------------------------


def test_the_embedding_solution_agrees_with_the_scalar_engine() -> None:
    for E, ix, dout in embedding_cases():
        Ev = as_values(E)
        (Ev[ix] * dout).sum().backward()
        assert np.allclose(embedding_backward(E, ix, dout), grads_of(Ev), rtol=0, atol=1e-12)


def test_the_embedding_cases_repeat_indices_leave_rows_unused_and_include_v_equal_d() -> None:
    assert all(len(set(ix)) < len(ix) for _, _, ix in EMBEDDING_CASES)
    assert any(len(set(ix)) < v for v, _, ix in EMBEDDING_CASES)
    assert any(v == d for v, d, _ in EMBEDDING_CASES)


def test_assignment_in_place_of_a_scatter_add_is_named() -> None:
    def assigned(E, ix, dout):
        dE = np.zeros_like(E)
        dE[ix] = dout
        return dE

    def fancy_plus_equals(E, ix, dout):
        dE = np.zeros_like(E)
        dE[ix] += dout
        return dE

    for answer in (assigned, fancy_plus_equals):
        assert_mistake(EMB, answer, "kept only one of its gradients", "np.add.at", "scatter-add")


def test_a_loop_with_plus_equals_is_right() -> None:
    def loop(E, ix, dout):
        dE = np.zeros_like(E)
        for n, v in enumerate(ix):
            dE[v] += dout[n]
        return dE

    assert EMB.accepts(loop)


def test_returning_dout_averaging_and_a_transpose_are_named() -> None:
    def averaged(E, ix, dout):
        counts = np.bincount(ix, minlength=len(E))[:, None]
        return embedding_backward(E, ix, dout) / np.maximum(counts, 1)

    def transposed(E, ix, dout):
        return embedding_backward(E, ix, dout).T

    assert_mistake(EMB, lambda E, ix, dout: dout, "dE is dout itself")
    assert_mistake(EMB, averaged, "averaged; they add")
    assert_mistake(EMB, transposed, "dE has shape (3, 6), the transpose of (6, 3)")


# ---- broadcast_axes -----------------------------------------------------------------------


def test_the_axes_are_those_the_value_was_copied_along() -> None:
    ex = exercise("broadcast_axes")
    assert ex.accepts("0 and 2") and ex.accepts(" 0 AND 2 ")
    value = np.zeros((1, 7, 1))
    assert (value + np.zeros((4, 7, 3))).shape == (4, 7, 3)  # the case the exercise asks about
    assert_mistake(ex, "1", "already fills")
    assert_mistake(ex, "all three", "not it", "size 1")
