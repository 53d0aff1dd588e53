"""Notebook 07's exercises: jvp, with each mistake submitted on purpose, and the number and
choice exercises."""

from __future__ import annotations

import numpy as np
from helpers import assert_mistake

from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.backward_network import (
    SIZES,
    cases,
    engine_output_and_jacobian,
    jvp,
)

EX = exercise("jvp")


def tangent_pass(weight=None, gain=None, bias=False, last_gain=False, start=None, last_tanh=False):
    """A jvp with the mistakes asked for (the right one with none)."""

    def answer(Ws, bs, x, v):
        a, a_dot = x, (v if start is None else start(x, v))
        for k, (W, b) in enumerate(zip(Ws, bs)):
            M = W if weight is None else weight(W)
            z, z_dot = W @ a + b, M @ a_dot + (b if bias else 0)
            last = k == len(Ws) - 1
            a = np.tanh(z) if (last_tanh or not last) else z
            g = (1 - np.tanh(z) ** 2) if gain is None else gain(z)
            a_dot = g * z_dot if (last_gain or not last) else z_dot
        return a, a_dot

    return answer


def test_the_solution_agrees_with_the_engine_and_with_a_central_difference() -> None:
    for Ws, bs, x, v in cases():
        y, J = engine_output_and_jacobian(Ws, bs, x)
        got_y, got_dot = jvp(Ws, bs, x, v)
        assert np.allclose(got_y, y, rtol=1e-12) and np.allclose(got_dot, J @ v, rtol=1e-10)
        h = 1e-6
        numeric = (jvp(Ws, bs, x + h * v, v)[0] - jvp(Ws, bs, x - h * v, v)[0]) / (2 * h)
        assert np.allclose(numeric, got_dot, rtol=1e-6, atol=1e-8)


def test_the_cases_start_with_a_square_network_and_include_different_widths() -> None:
    assert len(set(SIZES[0])) == 1
    assert any(len(set(widths)) == len(widths) for widths in SIZES)


def test_the_hand_written_right_pass_is_accepted() -> None:
    assert EX.accepts(tangent_pass())


def test_w_transposed_is_named() -> None:
    assert_mistake(EX, tangent_pass(weight=lambda W: W.T), "goes through Wᵀ", "on a square W")


def test_a_missing_gain_is_named() -> None:
    assert_mistake(EX, tangent_pass(gain=lambda z: np.ones_like(z)), "y_dot has no gains")


def test_a_gain_from_z_and_a_gain_by_a_are_named() -> None:
    assert_mistake(EX, tangent_pass(gain=lambda z: 1 - z * z), "uses 1 − z² as the gain")
    assert_mistake(EX, tangent_pass(gain=np.tanh), "scaled by a = tanh(z) itself")


def test_a_bias_in_the_tangent_is_named() -> None:
    assert_mistake(EX, tangent_pass(bias=True), "biases added in", "its tangent is 0")


def test_a_gain_at_the_linear_last_layer_is_named() -> None:
    assert_mistake(EX, tangent_pass(last_gain=True), "gain at the last layer, which is linear")


def test_a_tanh_on_the_last_layer_is_named() -> None:
    assert_mistake(EX, tangent_pass(last_tanh=True), "y has a tanh on the last layer")


def test_a_tangent_started_from_x_is_named() -> None:
    assert_mistake(EX, tangent_pass(start=lambda x, v: x), "starts from x", "ẋ = v")


def test_swapped_results_and_a_missing_result_are_named() -> None:
    def swapped(Ws, bs, x, v):
        y, y_dot = jvp(Ws, bs, x, v)
        return y_dot, y

    def only_tangent(Ws, bs, x, v):
        return jvp(Ws, bs, x, v)[1]

    assert_mistake(EX, swapped, "your y is what y_dot should be")
    assert_mistake(EX, only_tangent, "should return the 2 arrays (y, y_dot)")


def test_a_product_that_does_not_fit_is_named_with_its_line() -> None:
    def misfit(Ws, bs, x, v):
        a, a_dot = x, v
        for W, b in zip(Ws, bs):
            a, a_dot = np.tanh(W @ a + b), a_dot[:, None] @ W
        return a, a_dot

    assert_mistake(EX, misfit, "jvp on a 3-3-3-3 network raised ValueError", "a_dot[:, None] @ W")


def test_the_hidden_delta_and_its_gainless_mistake() -> None:
    ex = exercise("hidden_delta")
    sigma_prime = 0.5 * (1 - 0.5)
    assert ex.accepts(sigma_prime * (1.5 * 0.4 + 2.0 * -0.2))
    assert "without the unit's gain" in ex.problem(1.5 * 0.4 + 2.0 * -0.2)


def test_the_backward_pass_multiply_adds_and_their_mistakes() -> None:
    ex = exercise("backward_multiply_adds")
    dW = 100 * 50 + 50 * 10
    assert ex.accepts(dW + 50 * 10 + 50)
    assert "forward pass's count" in ex.problem(100 * 50 + 50 * 10)
    assert "down to the input" in ex.problem(dW + 50 * 10 + 50 + 100 * 50)
    assert "gains cost" in ex.problem(dW + 50 * 10)


def test_forward_mode_wins_for_few_inputs_and_many_outputs() -> None:
    ex = exercise("forward_or_reverse")
    assert ex.accepts("Forward mode") and ex.accepts("forward-mode")
    assert "one backward pass per output" in ex.problem("reverse mode")
