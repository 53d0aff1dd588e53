"""Notebook 11's exercises: conv1d_backward, with each mistake submitted on purpose."""

from __future__ import annotations

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.convolution import cases, conv1d_backward

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
