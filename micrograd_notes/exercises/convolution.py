"""Notebook 11, convolution: the exercises and their solutions.

``conv1d_backward``: the gradients of a valid 1-D correlation y[i] = Σ_j x[i+j]·k[j] with
respect to its input and its kernel. The checker compares with the NumPy twin
(``vectorized.Conv1d``) on inputs and kernels of several lengths.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.exercises.core import call_answer, code
from micrograd_notes.exercises.mistakes import Suspect, check_order, compare, unpack
from micrograd_notes.vectorized import Conv1d

NOTEBOOK = "11"
DERIVED = "The backward pass, derived"

STARTER = '''\
def conv1d_backward(x, k, dy):
    """The gradients of y[i] = sum over j of x[i + j] * k[j] (x of length n, k of length m,
    y of length n - m + 1), given dy, the gradient arriving at y.
    Returns (dx, dk): dx of x's length, dk of k's length."""
    ...
'''

Array = NDArray[np.float64]
NAMES = ("dx", "dk")
SIZES = [(8, 3), (6, 4), (7, 2), (5, 5)]  # (n, m): input and kernel lengths


def conv1d_backward(x: Array, k: Array, dy: Array) -> tuple[Array, Array]:
    """dx[i + j] += k[j]·dy[i] and dk[j] += x[i + j]·dy[i]: each product's two factors swap."""
    dx, dk = np.zeros(len(x)), np.zeros(len(k))
    for i in range(len(dy)):
        for j in range(len(k)):
            dx[i + j] += k[j] * dy[i]
            dk[j] += x[i + j] * dy[i]
    return dx, dk


def cases() -> list[tuple[Array, Array, Array]]:
    """(x, k, dy) for each size in SIZES, seeded."""
    rng = np.random.default_rng(11)
    return [(rng.normal(size=n), rng.normal(size=m), rng.normal(size=n - m + 1)) for n, m in SIZES]


def judge(answer: Any) -> None:
    """Run the learner's conv1d_backward on each case; raise Wrong naming the mistake."""
    for x, k, dy in cases():
        n, m = len(x), len(k)
        what = f"conv1d_backward with x of length {n}, k of length {m}"
        got = unpack(call_answer(answer, x.copy(), k.copy(), dy.copy(), what=what), NAMES, what)
        dX, dK, _ = Conv1d(k, 0.0).backward(x[None], dy[None])
        expected = (dX[0], dK)
        check_order(NAMES, got, expected)
        unflipped = np.correlate(np.pad(dy, m - 1), k, mode="valid")
        compare(
            "dx",
            got[0],
            expected[0],
            suspects=[
                Suspect(
                    unflipped,
                    "the kernel is not flipped: dx[t] = Σ_i dy[i]·k[t − i] meets k back to "
                    "front (a full convolution: pad dy, slide the flipped k)",
                )
            ],
            like="x",
            shape_hint=f"every x[t] has a gradient; pad dy with m − 1 = {m - 1} zeros each side",
        )
        compare(
            "dk",
            got[1],
            expected[1],
            suspects=[
                Suspect(
                    expected[1][::-1],
                    "dk is reversed: dk[j] = Σ_i x[i + j]·dy[i], x slid under dy with no flip",
                ),
                Suspect(
                    np.convolve(x, dy, mode="valid"),
                    "dk slides a flipped dy (a convolution): dk[j] = Σ_i x[i + j]·dy[i] slides "
                    "dy as it is (a correlation)",
                ),
            ],
            like="k",
        )


EXERCISES = [
    code(
        "conv1d_backward",
        NOTEBOOK,
        "the gradients of a 1-D convolution, for x and for k",
        starter=STARTER,
        solution=conv1d_backward,
        judge=judge,
        section=DERIVED,
    ),
]
