"""Notebook 08, from scalars to matrices: the exercises and their solutions.

``linear_backward``: the three gradients of a linear layer Y = X @ W + b, with X (n, nin),
W (nin, nout), b (nout,). The checker compares with the NumPy twin (``vectorized.Linear``),
first on a square W, where dY·W has the right shape and only its values can tell it from
dY·Wᵀ, then on layers where no two of n, nin and nout agree, and on one where n = nout, so
that a sum over the wrong axis has the right shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.exercises.core import call_answer, code
from micrograd_notes.exercises.mistakes import Suspect, check_order, compare, sum_suspects, unpack
from micrograd_notes.vectorized import Linear

NOTEBOOK = "08"
SHAPES = "Shapes decide the formulas"

STARTER = '''\
def linear_backward(X, W, b, dY):
    """The gradients of Y = X @ W + b, for X (n, nin), W (nin, nout), b (nout,),
    given dY (n, nout), the gradient arriving at Y.
    Returns (dX, dW, db), each of the shape of what it is the gradient of."""
    ...
'''

Array = NDArray[np.float64]
NAMES = ("dX", "dW", "db")
SIZES = [(4, 3, 3), (5, 4, 3), (2, 3, 6), (3, 5, 3)]  # (n, nin, nout), the square W first


def linear_backward(X: Array, W: Array, b: Array, dY: Array) -> tuple[Array, Array, Array]:
    """dX = dY Wᵀ, dW = Xᵀ dY, db = Σ_rows dY (b is added to every row)."""
    return dY @ W.T, X.T @ dY, dY.sum(axis=0)


def cases() -> list[tuple[Array, Array, Array, Array]]:
    """(X, W, b, dY) for each size in SIZES, seeded."""
    rng = np.random.default_rng(8)
    return [
        (
            rng.normal(size=(n, nin)),
            rng.normal(size=(nin, nout)),
            rng.normal(size=nout),
            rng.normal(size=(n, nout)),
        )
        for n, nin, nout in SIZES
    ]


def _dX_suspects(W: Array, dY: Array) -> list[Suspect]:
    if W.shape[0] != W.shape[1]:  # dY·W only fits a square W; elsewhere it raises, named so
        return []
    return [
        Suspect(dY @ W, "dX is dY·W; it should be dY·Wᵀ (on a square W both have the right shape)")
    ]


def judge(answer: Any) -> None:
    """Run the learner's linear_backward on each layer; raise Wrong naming the mistake."""
    for X, W, b, dY in cases():
        what = f"linear_backward with X {X.shape}, W {W.shape}"
        got = unpack(
            call_answer(answer, X.copy(), W.copy(), b.copy(), dY.copy(), what=what), NAMES, what
        )
        expected = Linear(W, b).backward(X, dY)
        check_order(NAMES, got, expected)
        n = len(X)
        compare(
            "dX",
            got[0],
            expected[0],
            suspects=_dX_suspects(W, dY),
            like="X",
        )
        compare(
            "dW",
            got[1],
            expected[1],
            suspects=[
                Suspect(
                    dY.T @ X, "dW is dYᵀ·X, the transpose of Xᵀ·dY: dW has W's shape (nin, nout)"
                )
            ],
            batch=n,
            like="W",
        )
        compare(
            "db",
            got[2],
            expected[2],
            suspects=sum_suspects(
                "db", dY, 0, "b is added to every row, so its gradient sums over the batch"
            ),
            batch=n,
            like="b",
        )


EXERCISES = [
    code(
        "linear_backward",
        NOTEBOOK,
        "the three gradients of a linear layer",
        starter=STARTER,
        solution=linear_backward,
        judge=judge,
        section=SHAPES,
    ),
]
