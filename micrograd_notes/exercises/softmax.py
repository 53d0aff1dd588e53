"""Notebook 05, softmax and cross-entropy: the exercises and their solutions.

``softmax_ce_backward``: the gradient of the mean softmax cross-entropy of a batch with
respect to its scores, (softmax(scores) − onehot(y)) / N. The checker compares with the NumPy
twin (``vectorized.softmax_cross_entropy``) on batches with more rows than classes, fewer,
as many, and with scores near ±1000, where e^score overflows.

``ce_true_class_grad`` and ``softmax_jacobian_entry``: one entry of each gradient, worked out
by hand; ``softmax_shortcut_loss`` and ``temperature_sums``: choices. Each expected answer is
computed here by the scalar engine (its backward pass, through a softmax written from the
definition), never typed in.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes import vectorized
from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import Wrong, call_answer, choice, code, number
from micrograd_notes.exercises.mistakes import Suspect, as_array, compare
from micrograd_notes.losses import mse, softmax_cross_entropy

NOTEBOOK = "05"
JACOBIAN = "The softmax and its Jacobian"
SUMS = "Rows and columns: two sums, two reasons"
COLLAPSE = "Cross-entropy on top: everything collapses to p − y"
SHORTCUT = '"Treat the softmax as y = x": right for cross-entropy, wrong for MSE'
STABILITY = "Stability: logits of ±1000"

STARTER = '''\
def softmax_ce_backward(scores, y):
    """d loss / d scores, for loss = the mean over the N rows of -log softmax(scores[n])[y[n]].
    scores: an (N, C) array of logits; y: N integer labels, the true class of each row.
    Returns an (N, C) array."""
    ...
'''

Array = NDArray[np.float64]


def softmax_ce_backward(scores: Array, y: NDArray[np.int64]) -> Array:
    """(p − onehot(y)) / N, with p = softmax of each row (shifted by the row's max first)."""
    shifted = scores - scores.max(axis=1, keepdims=True)  # softmax is unchanged; e^ <= 1
    p: Array = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = len(y)
    p[np.arange(n), y] -= 1.0
    return p / n


def _softmax(scores: Array, axis: int) -> Array:
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    p: Array = e / e.sum(axis=axis, keepdims=True)
    return p


def _suspects(scores: Array, y: NDArray[np.int64]) -> list[Suspect]:
    n, classes = scores.shape
    p = _softmax(scores, axis=1)
    onehot = np.eye(classes)[y]
    suspects = [
        Suspect(
            p - onehot, f"dscores is N = {n} times too big: a missing 1/N (the loss is a mean)"
        ),
        Suspect((onehot - p) / n, "dscores is y - p: the gradient is p - y (a sign flip)"),
        Suspect(p / n, "dscores is p / N: subtract 1 at each row's true class, (p - y) / N"),
        Suspect(
            (p - onehot) / classes,
            f"dscores is divided by the number of classes C = {classes}, not of rows N = {n}",
        ),
        Suspect(
            (_softmax(scores, axis=0) - onehot) / n,
            "the softmax is taken down the columns (axis 0): take it along each row (axis 1)",
        ),
    ]
    if y.max() < n:  # the slip p[y] -= 1 (else it raises, and that error is named instead)
        whole_rows = p.copy()
        whole_rows[y] -= 1.0
        suspects.append(
            Suspect(
                whole_rows / n,
                "p[y] -= 1 subtracts 1 from whole rows: subtract it at one entry per row, "
                "p[np.arange(N), y] -= 1",
            )
        )
    return suspects


def cases() -> list[tuple[str, Array, NDArray[np.int64]]]:
    """(when, scores, y): more rows than classes, fewer, as many, and scores near ±1000."""
    rng = np.random.default_rng(5)
    shapes = [(5, 3), (2, 7), (4, 4)]
    out = [
        ("", rng.normal(size=shape) * 2.0, rng.integers(0, shape[1], size=shape[0]))
        for shape in shapes
    ]
    big = rng.normal(size=(3, 4)) * 1000.0
    out.append(("for scores near ±1000", big, rng.integers(0, 4, size=3)))
    return out


def judge(answer: Any) -> None:
    """Run the learner's softmax_ce_backward on each batch; raise Wrong naming the mistake."""
    for when, scores, y in cases():
        what = f"softmax_ce_backward on scores of shape {scores.shape}"
        got = call_answer(answer, scores.copy(), y.copy(), what=what)
        expected = vectorized.softmax_cross_entropy(scores, y)[1]
        if when:
            array = as_array("dscores", got, expected)
            if array.shape == expected.shape and not np.isfinite(array).all():
                raise Wrong(
                    f"{when}, dscores has nan or inf: e^1000 overflows a float; subtract "
                    "each row's max from its scores first (the softmax does not change)",
                    STABILITY,
                )
        compare(
            "dscores",
            got,
            expected,
            suspects=_suspects(scores, y),
            batch=len(y),
            like="scores",
            when=when,
        )


# ---- the number and choice exercises, computed by the engine ----------------------------------


def _softmax_values(z: list[Value]) -> list[Value]:
    """p_i = e^z_i / Σ_j e^z_j, from the definition."""
    e = [zi.exp() for zi in z]
    total = Value.sum(e)
    return [ei / total for ei in e]


def jacobian(function: Any, z_data: list[float]) -> Array:
    """J[i, j] = ∂ function(z)[i] / ∂z_j by the engine's backward(), one row per pass."""
    rows = []
    for i in range(len(z_data)):
        z = [Value(v) for v in z_data]
        function(z)[i].backward()
        rows.append([zj.grad for zj in z])
    return np.array(rows)


def true_class_grad() -> float:
    """∂L/∂z_2 of the cross-entropy for logits (log 1, log 2, log 5), true class 2."""
    z = [Value(math.log(v)) for v in (1.0, 2.0, 5.0)]
    softmax_cross_entropy([z], [2]).backward()
    return z[2].grad


def jacobian_entry() -> float:
    """∂p_0/∂z_1 where p = softmax(z) = (0.5, 0.3, 0.2) (logits log p give that p)."""
    return float(jacobian(_softmax_values, [math.log(v) for v in (0.5, 0.3, 0.2)])[0, 1])


def shortcut_loss() -> str:
    """Under which loss the gradient at the logits is p − y, the shortcut's answer: measured
    for both losses at one point (a mean over the 3 outputs for MSE, as the package has it,
    so the shortcut there is (p − y) · 2/3, its gradient at p)."""
    z_data, label = [0.4, -1.1, 1.7], 0
    target = [1.0 if k == label else 0.0 for k in range(3)]
    p = np.array([q.data for q in _softmax_values([Value(v) for v in z_data])])
    right: list[str] = []
    for name in ("cross-entropy", "mean squared error"):
        z = [Value(v) for v in z_data]
        if name == "cross-entropy":
            softmax_cross_entropy([z], [label]).backward()
            shortcut = p - target
        else:
            mse(_softmax_values(z), target).backward()
            shortcut = (p - target) * 2 / 3
        if np.allclose([zj.grad for zj in z], shortcut, atol=1e-12):
            right.append(name)
    return {0: "neither", 2: "both"}.get(len(right), right[0])


def temperature_sums() -> str:
    """Which sums of q = softmax(z / 2)'s Jacobian vanish: measured at random logits."""
    rng = np.random.default_rng(2)
    z_data = [float(v) for v in rng.normal(size=4)]
    J = jacobian(lambda z: _softmax_values([zj / 2.0 for zj in z]), z_data)
    rows = bool(np.abs(J.sum(axis=1)).max() < 1e-12)
    columns = bool(np.abs(J.sum(axis=0)).max() < 1e-12)
    return {(True, True): "both", (True, False): "rows", (False, True): "columns"}.get(
        (rows, columns), "neither"
    )


EXERCISES = [
    code(
        "softmax_ce_backward",
        NOTEBOOK,
        "the gradient of the mean softmax cross-entropy",
        starter=STARTER,
        solution=softmax_ce_backward,
        judge=judge,
        section=COLLAPSE,
    ),
    number(
        "ce_true_class_grad",
        NOTEBOOK,
        "∂L/∂z_2 of the cross-entropy for logits (log 1, log 2, log 5), true class 2",
        true_class_grad(),
        section=COLLAPSE,
        mistakes={
            -true_class_grad(): "the sign: the true class's entry is p_c - 1, never positive",
            1.0 + true_class_grad(): "that is p_2 itself: subtract y_2 = 1",
        },
        hint="p = e^z / Σ e^z first; then the entry of p - y",
    ),
    number(
        "softmax_jacobian_entry",
        NOTEBOOK,
        "∂p_0/∂z_1 of the softmax at p = (0.5, 0.3, 0.2)",
        jacobian_entry(),
        section=JACOBIAN,
        mistakes={
            -jacobian_entry(): "the sign: off the diagonal, raising z_1 lowers p_0",
            0.5 * (1 - 0.5): "that is the diagonal entry ∂p_0/∂z_0 = p_0 (1 - p_0)",
            0.3 * (1 - 0.3): "that is the diagonal entry ∂p_1/∂z_1 = p_1 (1 - p_1)",
        },
        hint="i is not j here: which of the two cases of the quotient rule is it?",
    ),
    choice(
        "softmax_shortcut_loss",
        NOTEBOOK,
        "the loss under which 'treat the softmax as y = x' is right",
        ["cross-entropy", "mean squared error", "both", "neither"],
        shortcut_loss(),
        section=SHORTCUT,
        mistakes={
            "mean squared error": "under MSE the gradient at the logits is Jᵀ (p - y): nothing "
            "cancels the softmax's Jacobian",
            "both": "only one of the two losses cancels the softmax's Jacobian",
        },
        hint="where does the 1/p of the log go?",
    ),
    choice(
        "temperature_sums",
        NOTEBOOK,
        "which sums of softmax(z / T)'s Jacobian are 0",
        ["rows", "columns", "both", "neither"],
        temperature_sums(),
        section=SUMS,
        mistakes={
            "columns": "the q's sum to 1, right; and a shift of every z by t shifts every z/T "
            "by the same t/T: what does that do to q?",
            "rows": "a shift changes nothing, right; and what do the q's always sum to?",
        },
        hint="ask both questions: do the q's sum to 1, and does a shift of every z change q?",
    ),
]
