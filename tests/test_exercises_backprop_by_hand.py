"""Notebook 06's exercises: relu_net_backward, with each mistake submitted on purpose, and the
number exercises on the notebook's 2-2-2 network."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest
from helpers import assert_mistake, notebook_source

from micrograd_notes import Value
from micrograd_notes.exercises import backprop_by_hand as module
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.backprop_by_hand import SIZES, cases, relu_net_backward

EX = exercise("relu_net_backward")


def forward(X, Ws):
    acts, pres = [X], []
    for W in Ws[:-1]:
        pres.append(acts[-1] @ W)
        acts.append(np.maximum(pres[-1], 0.0))
    pres.append(acts[-1] @ Ws[-1])
    return acts, pres


def backward_with(step, dW_input=None, top=None):
    """A relu_net_backward whose δ step is ``step(delta_above, W_above, H, A)`` and whose dW
    uses ``dW_input(k, acts, pres)`` as the layer's input (the right one when None)."""

    def answer(X, Ws, dS):
        acts, pres = forward(X, Ws)
        deltas = [dS if top is None else top(dS, pres[-1], Ws[-1])]
        for k in reversed(range(len(Ws) - 1)):
            deltas.insert(0, step(deltas[0], Ws[k + 1], pres[k], acts[k + 1]))
        inputs = [acts[k] if dW_input is None else dW_input(k, acts, pres) for k in range(len(Ws))]
        return deltas, [A.T @ d for A, d in zip(inputs, deltas)]

    return answer


def right_step(up, W, H, A):
    return (up @ W.T) * (H > 0)


# ---- the solution ----------------------------------------------------------------------------


def test_the_solution_agrees_with_the_scalar_engine() -> None:
    X, Ws, dS = cases()[1]
    Wv = [[[Value(w) for w in row] for row in W] for W in Ws]
    terms = []
    for n, row in enumerate(X):
        act = [Value(v) for v in row]
        for k, W in enumerate(Wv):
            h = [Value.sum([act[j] * W[j][i] for j in range(len(W))]) for i in range(len(W[0]))]
            act = h if k == len(Wv) - 1 else [v.relu() for v in h]
        terms += [dS[n, i] * s for i, s in enumerate(act)]  # its gradient at s is dS
    Value.sum(terms).backward()
    _, dWs = relu_net_backward(X, Ws, dS)
    for dW, W in zip(dWs, Wv):
        assert np.allclose(dW, [[w.grad for w in row] for row in W], rtol=1e-12, atol=1e-12)


def test_the_cases_have_a_square_network_and_dead_and_live_units_in_every_hidden_layer() -> None:
    assert len(set(SIZES[0][1])) == 1
    assert any(len(set(widths)) == len(widths) for _, widths in SIZES)
    for X, Ws, _ in cases():
        _, pres = forward(X, Ws)
        for H in pres[:-1]:
            assert (H > 0).any() and (H < 0).any()


def test_a_loop_over_single_samples_passes() -> None:
    def by_samples(X, Ws, dS):
        parts = [relu_net_backward(X[n : n + 1], Ws, dS[n : n + 1]) for n in range(len(X))]
        deltas = [np.vstack([p[0][k] for p in parts]) for k in range(len(Ws))]
        dWs = [sum(p[1][k] for p in parts) for k in range(len(Ws))]
        return deltas, dWs

    assert EX.accepts(by_samples)


# ---- the mistakes, each submitted on purpose -------------------------------------------------


def test_a_missing_relu_gate_is_named() -> None:
    answer = backward_with(lambda up, W, H, A: up @ W.T)
    assert_mistake(EX, answer, "deltas[1]", "has no ReLU′ gate", "The δ recursion")


def test_a_gate_by_the_activation_itself_is_named() -> None:
    answer = backward_with(lambda up, W, H, A: (up @ W.T) * A)
    assert_mistake(EX, answer, "multiplied by A2 = ReLU(H2)", "its slope")


def test_the_transposed_weights_are_named() -> None:
    answer = backward_with(lambda up, W, H, A: (up @ W) * (H > 0))
    assert_mistake(EX, answer, "uses δ3·W3", "transposed", "Layer 2: four weights, regrouped")


def test_the_gate_of_the_layer_above_is_named() -> None:
    def answer(X, Ws, dS):
        acts, pres = forward(X, Ws)
        deltas = [dS]
        for k in reversed(range(len(Ws) - 1)):
            deltas.insert(0, (deltas[0] @ Ws[k + 1].T) * (pres[k + 1] > 0))
        return deltas, [A.T @ d for A, d in zip(acts, deltas)]

    assert_mistake(EX, answer, "gated by ReLU′(H3), the layer above")


def test_a_relu_on_the_scores_is_named() -> None:
    answer = backward_with(right_step, top=lambda dS, S, W: dS * (S > 0))
    assert_mistake(
        EX,
        answer,
        "the scores have no ReLU",
        "Common mistake: an activation the output layer does not have",
    )


def test_the_layers_own_output_in_place_of_its_input_is_named() -> None:
    def own_output(k, acts, pres):
        return pres[-1] if k == len(pres) - 1 else acts[k + 1]

    message = assert_mistake(
        EX, backward_with(right_step, dW_input=own_output), "the layer's own output"
    )
    assert "Common mistake: the wrong layer's activations" in message


def test_the_first_layers_output_in_place_of_x_is_named() -> None:
    # The classic slip: dW1 = A1ᵀ·δ1, every other layer right.
    def slip(k, acts, pres):
        return acts[1] if k == 0 else acts[k]

    assert_mistake(
        EX,
        backward_with(right_step, dW_input=slip),
        "dWs[0] uses the layer's own output A1",
        "Xᵀ·δ1",
    )


def test_the_pre_activation_in_place_of_the_activation_is_named() -> None:
    def before_relu(k, acts, pres):
        return acts[0] if k == 0 else pres[k - 1]

    assert_mistake(EX, backward_with(right_step, dW_input=before_relu), "uses H1, before the ReLU")


def test_the_input_of_the_layer_below_is_named() -> None:
    def below(k, acts, pres):
        return acts[max(k - 1, 0)]

    assert_mistake(EX, backward_with(right_step, dW_input=below), "dWs[1] uses X, the input of")


def test_a_transposed_dw_is_named() -> None:
    def answer(X, Ws, dS):
        deltas, _ = relu_net_backward(X, Ws, dS)
        acts, _ = forward(X, Ws)
        return deltas, [d.T @ A for A, d in zip(acts, deltas)]

    assert_mistake(EX, answer, "dWs[0] is δ1ᵀ·X, the transpose of Xᵀ·δ1")


def test_lists_top_first_missing_the_top_delta_and_a_mean_are_named() -> None:
    def top_first(X, Ws, dS):
        deltas, dWs = relu_net_backward(X, Ws, dS)
        return deltas[::-1], dWs

    def no_top(X, Ws, dS):
        deltas, dWs = relu_net_backward(X, Ws, dS)
        return deltas[:-1], dWs

    def mean(X, Ws, dS):
        deltas, dWs = relu_net_backward(X, Ws, dS)
        return deltas, [dW / len(X) for dW in dWs]

    def one_list(X, Ws, dS):
        return relu_net_backward(X, Ws, dS)[1]

    assert_mistake(EX, top_first, "deltas is top layer first")
    assert_mistake(EX, no_top, "deltas should hold 3 arrays", "the top one is dS itself")
    assert_mistake(EX, mean, "dWs[0] is 1/N of the right value (N = 4)")
    assert_mistake(EX, one_list, "should return the 2 arrays (deltas, dWs)")


def test_a_product_that_does_not_fit_is_named_with_its_line() -> None:
    def misfit(X, Ws, dS):
        acts, pres = forward(X, Ws)
        deltas = [dS]
        for k in reversed(range(len(Ws) - 1)):
            deltas.insert(0, (Ws[k + 1] @ deltas[0]) * (pres[k] > 0))
        return deltas, [A.T @ d for A, d in zip(acts, deltas)]

    assert_mistake(EX, misfit, "raised ValueError", "Ws[k + 1] @ deltas[0]")


# ---- the number exercises --------------------------------------------------------------------


def test_the_notebook_defines_the_network_the_module_checks() -> None:
    source = notebook_source("06")
    for name in ("W1", "W2", "W3"):
        found = re.search(rf"^{name} = np\.array\((.+?)\)", source, flags=re.MULTILINE)
        assert found, name
        assert ast.literal_eval(found.group(1)) == [list(r) for r in getattr(module, name)]
    found = re.search(r"^x = np\.array\((.+?)\)", source, flags=re.MULTILINE)
    assert found and tuple(ast.literal_eval(found.group(1))) == module.SAMPLE
    assert re.search(rf"^label = {module.LABEL}\b", source, flags=re.MULTILINE)


def test_dw311_for_class_1_is_a21_times_p1() -> None:
    x = np.array(module.SAMPLE)
    W1, W2, W3 = (np.array(W) for W in (module.W1, module.W2, module.W3))
    a2 = np.maximum(np.maximum(x @ W1, 0) @ W2, 0)
    s = a2 @ W3
    p = np.exp(s) / np.exp(s).sum()
    ex = exercise("dw311_class_1")
    assert ex.accepts(a2[0] * p[0])
    assert "true class 0" in ex.problem(a2[0] * (p[0] - 1))


def test_a_dead_unit_zeroes_two_entries_of_dw2() -> None:
    ex = exercise("dead_unit_zeros")
    assert ex.accepts(2)
    assert "not all four" in ex.problem(4)


def test_the_input_gradient_is_delta1_times_w1_transposed() -> None:
    ex = exercise("input_gradient")
    x = np.array(module.SAMPLE)
    Ws = [np.array(W) for W in (module.W1, module.W2, module.W3)]
    s = np.maximum(np.maximum(x @ Ws[0], 0) @ Ws[1], 0) @ Ws[2]
    p = np.exp(s) / np.exp(s).sum()
    deltas, _ = relu_net_backward(x[None], Ws, (p - np.eye(2)[module.LABEL])[None])
    assert ex.accepts((deltas[0] @ Ws[0].T)[0, 0])
    assert "W1 itself" in ex.problem((deltas[0] @ Ws[0])[0, 0])


@pytest.mark.parametrize("name", ["dw311_class_1", "input_gradient"])
def test_the_notebook_prints_what_the_number_exercises_need_but_not_their_answers(name) -> None:
    assert f"{name} = ..." in notebook_source("06")
