"""Notebook 05, softmax and cross-entropy: the exercises and their solutions.

``softmax_ce_backward``: the gradient of the mean softmax cross-entropy of a batch with
respect to its scores, (softmax(scores) − onehot(y)) / N. The checker compares with the NumPy
twin (``vectorized.softmax_cross_entropy``) on batches with more rows than classes, fewer,
as many, and with scores near ±1000, where e^score overflows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes import vectorized
from micrograd_notes.exercises.core import Wrong, call_answer, code
from micrograd_notes.exercises.mistakes import Suspect, as_array, compare

NOTEBOOK = "05"
COLLAPSE = "Cross-entropy on top: everything collapses to p − y"
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
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = len(y)
    p[np.arange(n), y] -= 1.0
    return p / n


def _softmax(scores: Array, axis: int) -> Array:
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


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
]
