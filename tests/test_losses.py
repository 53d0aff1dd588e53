"""Losses: values against NumPy references, gradients against central differences, stability."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_notes import Value, gradcheck
from micrograd_notes.losses import (
    accuracy,
    binary_cross_entropy,
    hinge,
    l2,
    log_sum_exp,
    mse,
    softmax_cross_entropy,
    softplus,
)

TIGHT = {"atol": 1e-7, "rtol": 1e-6}


def test_mse_value_and_gradient() -> None:
    preds, targets = [0.5, -1.0, 2.0], [1.0, 0.0, 2.5]
    want = np.mean((np.array(preds) - np.array(targets)) ** 2)
    assert mse([Value(p) for p in preds], targets).data == pytest.approx(want, rel=1e-14)
    gradcheck(lambda *ps: mse(ps, targets), preds, **TIGHT)


def test_hinge_value_and_gradient() -> None:
    scores, labels = [0.3, -2.0, 1.7, -0.4], [1, -1, -1, 1]
    want = np.mean(np.maximum(0, 1 - np.array(labels) * np.array(scores)))
    assert hinge([Value(s) for s in scores], labels).data == pytest.approx(want, rel=1e-14)
    gradcheck(lambda *ss: hinge(ss, labels), scores, **TIGHT)


def _np_bce(z: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def test_binary_cross_entropy_value_and_gradient() -> None:
    logits, labels = [0.3, -2.0, 4.5, -0.1], [1, 0, 1, 1]
    got = binary_cross_entropy([Value(z) for z in logits], labels).data
    assert got == pytest.approx(_np_bce(np.array(logits), np.array(labels)), rel=1e-12)
    gradcheck(lambda *zs: binary_cross_entropy(zs, labels), logits, **TIGHT)


@pytest.mark.parametrize("z", [1000.0, -1000.0, 0.0, 1e-12, -1e-12])
@pytest.mark.parametrize("y", [0, 1])
def test_binary_cross_entropy_is_stable_and_right_at_the_seam(z: float, y: int) -> None:
    logit = Value(z)
    loss = binary_cross_entropy([logit], [y])
    loss.backward()
    assert loss.data == pytest.approx(_np_bce(np.array([z]), np.array([y])), rel=1e-12, abs=1e-12)
    sigmoid = 0.5 * (1 + math.tanh(z / 2))
    assert logit.grad == pytest.approx(sigmoid - y, abs=1e-12)  # d/dz = σ(z) - y, even at 0


def test_softplus_gradient_is_sigmoid_on_both_branches() -> None:
    gradcheck(softplus, [0.7], **TIGHT)
    gradcheck(softplus, [-0.7], **TIGHT)
    z = Value(0.0)
    softplus(z).backward()
    assert z.grad == 0.5  # sigmoid(0): max's tie sends half, |z| sends nothing at 0


@settings(max_examples=200, deadline=None)
@given(st.floats(-800.0, 800.0, allow_nan=False) | st.sampled_from([0.0, -0.0, 1e-300, -1e-300]))
def test_softplus_gives_the_floats_of_its_two_branch_form(z0: float) -> None:
    # log(1 + e^z) as z + log(1 + e^-z) for z > 0 and log(1 + e^z) otherwise, chosen by a
    # branch on z.data; softplus is the same function with no branch (so a compiled step can
    # take any z), and it computes the same floats, grads included.
    def branches(z: Value) -> Value:
        return z + (1.0 + (-z).exp()).log() if z.data > 0.0 else (1.0 + z.exp()).log()

    a, b = Value(z0), Value(z0)
    mine, theirs = softplus(a) - 0.3 * a, branches(b) - 0.3 * b
    mine.backward(0.7)
    theirs.backward(0.7)
    assert (mine.data, a.grad) == (theirs.data, b.grad)


def test_hinge_and_cross_entropy_take_leaf_labels_as_part_of_the_graph() -> None:
    scores = [Value(0.3), Value(-1.2)]
    for loss, labels in ((hinge, [1.0, -1.0]), (binary_cross_entropy, [1.0, 0.0])):
        leaves = [Value(y) for y in labels]
        as_leaves, as_numbers = loss(scores, leaves), loss(scores, labels)
        assert as_leaves.data == as_numbers.data
        as_leaves.backward()
        assert leaves[0].grad != 0.0  # a leaf label is in the graph: d(loss)/d(label)
        with pytest.raises(ValueError, match="labels must be"):
            loss(scores, [Value(0.5), leaves[1]])  # a leaf's data is checked as a number is


def _np_softmax_ce(z: np.ndarray, y: np.ndarray) -> float:
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


def test_softmax_cross_entropy_value_and_gradient() -> None:
    logits = [[0.2, -1.0, 3.0], [1.5, 1.4, -0.3]]
    labels = [2, 0]
    rows = [[Value(z) for z in row] for row in logits]
    got = softmax_cross_entropy(rows, labels).data
    assert got == pytest.approx(_np_softmax_ce(np.array(logits), np.array(labels)), rel=1e-12)
    flat = [z for row in logits for z in row]
    gradcheck(lambda *zs: softmax_cross_entropy([zs[:3], zs[3:]], labels), flat, **TIGHT)


def test_softmax_cross_entropy_is_stable_for_huge_logits() -> None:
    rows = [[Value(1000.0), Value(-1000.0), Value(999.0)]]
    loss = softmax_cross_entropy(rows, [2])
    loss.backward()
    want = _np_softmax_ce(np.array([[1000.0, -1000.0, 999.0]]), np.array([2]))
    assert loss.data == pytest.approx(want, rel=1e-12)
    p = math.exp(-1) / (1 + math.exp(-1))  # softmax probability of the 999 logit
    assert [v.grad for v in rows[0]] == pytest.approx([1 - p, 0.0, p - 1], abs=1e-12)


def test_log_sum_exp_shift_moves_no_gradient() -> None:
    zs = [Value(1.0), Value(2.0)]
    log_sum_exp(zs).backward()
    e = [math.exp(1.0), math.exp(2.0)]
    assert [z.grad for z in zs] == pytest.approx([e[0] / sum(e), e[1] / sum(e)], rel=1e-14)


def test_l2_value_and_gradient() -> None:
    ps = [Value(0.5), Value(-2.0)]
    loss = l2(ps, 0.1)
    loss.backward()
    assert loss.data == pytest.approx(0.1 * (0.25 + 4.0), rel=1e-14)
    assert [p.grad for p in ps] == pytest.approx([0.1, -0.4], rel=1e-14)


def test_accuracy_counts_signs() -> None:
    assert accuracy([Value(0.5), Value(-0.1), Value(0.0)], [1, 1, -1]) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: hinge([Value(1.0)], [0]), r"hinge: labels must be -1 or \+1, got 0"),
        (lambda: binary_cross_entropy([Value(1.0)], [-1]), "labels must be 0 or 1"),
        (lambda: softmax_cross_entropy([[Value(1.0), Value(2.0)]], [2]), r"label 2 .* 0\.\.1"),
        (lambda: softmax_cross_entropy([[Value(1.0)]], [0.5]), "not a class index"),
        (lambda: mse([Value(1.0)], [1.0, 2.0]), "mse: 1 predictions but 2 targets"),
        (lambda: mse([], []), "the batch is empty"),
        (lambda: l2([Value(1.0)], -1.0), "alpha must be"),
    ],
)
def test_bad_labels_and_shapes_raise_clear_errors(make, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        make()


def test_mse_takes_value_targets_into_the_graph() -> None:
    preds, targets = [0.5, -1.0, 2.0], [1.0, 0.0, 2.5]
    ts = [Value(t) for t in targets]
    loss = mse([Value(p) for p in preds], ts)
    assert loss.data == mse([Value(p) for p in preds], targets).data
    loss.backward()  # d/dt_i = -2 (p_i - t_i) / n
    assert [t.grad for t in ts] == pytest.approx(
        [-2 * (p - t) / 3 for p, t in zip(preds, targets)], rel=1e-14
    )
    gradcheck(lambda *pt: mse(pt[:3], pt[3:]), preds + targets, **TIGHT)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (
            lambda: hinge([Value(1.0)], [Value(1.0) * 1.0]),
            r"hinge: label 0 is a computed Value; .*\.data, 1\.0\) or leaf Values",
        ),
        (lambda: binary_cross_entropy([Value(1.0)], [-Value(0.0)]), "label 0 is a computed Value"),
        (lambda: softmax_cross_entropy([[Value(1.0)]], [Value(0.0)]), "label 0 is a Value"),
        (lambda: mse([Value(1.0)], ["1"]), "mse: target 0 must be a number or a Value, got '1'"),
        (lambda: mse([[Value(1.0)]], [1.0]), r"prediction 0 is a list, not a Value; .*out\[0\]"),
        (lambda: hinge([Value(1.0), [Value(1.0)]], [1, -1]), "hinge: prediction 1 is a list"),
        (lambda: accuracy([1.0], [1]), "accuracy: prediction 0 is a float, not a Value"),
    ],
)
def test_values_where_constants_belong_are_refused_with_advice(make, words: str) -> None:
    with pytest.raises(TypeError, match=words):
        make()
