"""Notebook 11's exercises: conv1d_backward, with each mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.convolution import (
    cases,
    cases_2d,
    conv1d_backward,
    conv2d_backward,
)
from micrograd_notes.vectorized import correlate

EX = exercise("conv1d_backward")


def test_the_solution_agrees_with_the_scalar_engine_on_every_case() -> None:
    for x, k, dy in cases():
        xv, kv = [Value(v) for v in x], [Value(v) for v in k]
        ys = [Value.dot(kv, xv[i : i + len(k)]) for i in range(len(dy))]
        Value.sum([g * yi for g, yi in zip(dy, ys)]).backward()
        dx, dk = conv1d_backward(x, k, dy)
        assert np.allclose(dx, [v.grad for v in xv], rtol=1e-12, atol=1e-14)
        assert np.allclose(dk, [v.grad for v in kv], rtol=1e-12, atol=1e-14)


def test_numpys_convolve_and_correlate_pass() -> None:
    def with_numpy(x, k, dy):
        return np.convolve(dy, k, mode="full"), np.correlate(x, dy, mode="valid")

    assert EX.accepts(with_numpy)


def test_swapped_results_are_named() -> None:
    def swapped(x, k, dy):
        dx, dk = conv1d_backward(x, k, dy)
        return dk, dx

    assert_mistake(EX, swapped, "your dx is what dk should be: return (dx, dk)")


def test_an_unflipped_kernel_is_named() -> None:
    def unflipped(x, k, dy):
        return np.correlate(np.pad(dy, len(k) - 1), k, mode="valid"), np.correlate(x, dy, "valid")

    assert_mistake(EX, unflipped, "the kernel is not flipped", "The backward pass, derived")


def test_a_wrong_output_length_is_named() -> None:
    def unpadded(x, k, dy):
        return np.correlate(dy, k[::-1], mode="same"), np.correlate(x, dy, mode="valid")

    assert_mistake(EX, unpadded, "dx has shape (6,); expected (8,), the shape of x",
                   "pad dy with m − 1 = 2 zeros")  # fmt: skip


def test_a_flipped_dk_and_a_sign_flip_are_named() -> None:
    def flipped_dk(x, k, dy):
        return np.convolve(dy, k, mode="full"), np.convolve(x, dy, mode="valid")

    def reversed_dk(x, k, dy):
        return np.convolve(dy, k, mode="full"), np.correlate(x, dy, mode="valid")[::-1]

    def negative(x, k, dy):
        return -np.convolve(dy, k, mode="full"), np.correlate(x, dy, mode="valid")

    assert_mistake(EX, flipped_dk, "dk slides a flipped dy (a convolution)")
    assert_mistake(EX, reversed_dk, "dk is reversed")
    assert_mistake(EX, negative, "dx has the wrong sign")


# ---- conv2d_backward ----------------------------------------------------------------------

EX2 = exercise("conv2d_backward")


def _full(dy, k):
    return np.pad(dy, [(k.shape[0] - 1,) * 2, (k.shape[1] - 1,) * 2])


def test_the_2d_solution_agrees_with_the_scalar_engine_on_every_case() -> None:
    for x, k, dy in cases_2d():
        xv = [[Value(v) for v in row] for row in x]
        kv = [[Value(v) for v in row] for row in k]
        kh, kw = k.shape
        terms = []
        for r in range(dy.shape[0]):
            for c in range(dy.shape[1]):
                window = [xv[r + i][c + j] for i in range(kh) for j in range(kw)]
                y = Value.dot([w for row in kv for w in row], window)
                terms.append(dy[r, c] * y)
        Value.sum(terms).backward()
        dx, dk = conv2d_backward(x, k, dy)
        assert np.allclose(dx, [[v.grad for v in row] for row in xv], rtol=1e-12, atol=1e-14)
        assert np.allclose(dk, [[v.grad for v in row] for row in kv], rtol=1e-12, atol=1e-14)


def test_the_2d_checker_accepts_numpy_written_another_way() -> None:
    def with_windows(x, k, dy):
        dx = correlate(_full(dy, k), k[::-1, ::-1])
        return dx, correlate(x, dy)

    assert EX2.accepts(with_windows)


def test_a_2d_kernel_not_flipped_or_flipped_along_one_axis_is_named() -> None:
    def unflipped(x, k, dy):
        return correlate(_full(dy, k), k), correlate(x, dy)

    def left_right(x, k, dy):
        return correlate(_full(dy, k), k[:, ::-1]), correlate(x, dy)

    def upside_down(x, k, dy):
        return correlate(_full(dy, k), k[::-1, :]), correlate(x, dy)

    assert_mistake(EX2, unflipped, "the kernel is not flipped", "(reread 'In 2-D')")
    assert_mistake(EX2, left_right, "flipped left to right only", "180°")
    assert_mistake(EX2, upside_down, "flipped upside down only")


def test_a_2d_dk_turned_convolved_or_transposed_is_named() -> None:
    def turned(x, k, dy):
        return conv2d_backward(x, k, dy)[0], correlate(x, dy)[::-1, ::-1]

    def convolved(x, k, dy):
        return conv2d_backward(x, k, dy)[0], correlate(x, dy[::-1, ::-1])

    def transposed(x, k, dy):
        dk = correlate(x, dy)
        return conv2d_backward(x, k, dy)[0], dk.T if dk.shape[0] == dk.shape[1] else dk

    assert_mistake(EX2, turned, "dk is turned by 180°")
    assert_mistake(EX2, convolved, "dk slides a flipped dy over x (a convolution)")
    assert_mistake(EX2, transposed, "dk is transposed")


def test_a_2d_dx_without_padding_and_swapped_results_are_named() -> None:
    def unpadded(x, k, dy):
        return correlate(dy, k), correlate(x, dy)

    def swapped(x, k, dy):
        dx, dk = conv2d_backward(x, k, dy)
        return dk, dx

    def rows_for_columns(x, k, dy):  # the loops read dy's shape the wrong way round
        dx, dk = np.zeros(x.shape), np.zeros(k.shape)
        for r in range(dy.shape[1]):
            for c in range(dy.shape[0]):
                dx[r : r + k.shape[0], c : c + k.shape[1]] += k * dy[c, r]
        return dx, dk

    assert_mistake(EX2, unpadded, "dx has shape (3, 2); expected (5, 6), the shape of x",
                   "pad dy with kh − 1 = 1 rows")  # fmt: skip
    assert_mistake(EX2, swapped, "your dx is what dk should be")
    assert EX2.grade(rows_for_columns).status == "wrong"


def test_the_dx_entry_and_its_known_slips() -> None:
    entry = exercise("conv_dx_entry")
    probe = [Value(0.0) for _ in range(5)]
    k = [1.0, 2.0, 3.0]
    ys = [Value.dot([Value(w) for w in k], probe[i : i + 3]) for i in range(3)]
    Value.sum([g * yi for g, yi in zip([1.0, -2.0, 0.0], ys)]).backward()
    assert entry.accepts(probe[2].grad)
    assert "unflipped" in entry.problem(-3.0)
    assert "only window 0" in entry.problem(3.0)
