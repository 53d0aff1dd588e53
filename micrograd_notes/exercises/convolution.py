"""Notebook 11, convolution: the exercises and their solutions.

``conv1d_backward``: the gradients of a valid 1-D correlation y[i] = Σ_j x[i+j]·k[j] with
respect to its input and its kernel. The checker compares with the NumPy twin
(``vectorized.Conv1d``) on inputs and kernels of several lengths.

``conv2d_backward``: the same in 2-D, y[r, c] = Σ_(i,j) x[r+i, c+j]·k[i, j], checked against
``vectorized.Conv2d`` on images and kernels that are not square (so that rows and columns
cannot be mixed up unseen) and on one square kernel (where a transposed dk has the right
shape). A kernel flipped along one axis only is named.

``conv_dx_entry``: one entry of dx worked by hand, for a kernel met back to front.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.exercises.core import call_answer, code, number
from micrograd_notes.exercises.mistakes import Suspect, check_order, compare, unpack
from micrograd_notes.vectorized import Conv1d, Conv2d, correlate

NOTEBOOK = "11"
DERIVED = "The backward pass, derived"
TWO_D = "In 2-D"

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


def _check_case(
    answer: Any,
    what: str,
    case: tuple[Array, Array, Array],
    expected: tuple[Array, Array],
    dx_suspects: list[Suspect],
    dk_suspects: list[Suspect],
    dx_hint: str,
) -> None:
    """Call the learner's function on one (x, k, dy) and compare its (dx, dk) with
    ``expected``; raise Wrong naming the first mistake seen."""
    x, k, dy = case
    got = unpack(call_answer(answer, x.copy(), k.copy(), dy.copy(), what=what), NAMES, what)
    check_order(NAMES, got, expected)
    compare("dx", got[0], expected[0], suspects=dx_suspects, like="x", shape_hint=dx_hint)
    compare("dk", got[1], expected[1], suspects=dk_suspects, like="k")


def judge(answer: Any) -> None:
    """Run the learner's conv1d_backward on each case; raise Wrong naming the mistake."""
    for x, k, dy in cases():
        n, m = len(x), len(k)
        dX, dK, _ = Conv1d(k, 0.0).backward(x[None], dy[None])
        _check_case(
            answer,
            f"conv1d_backward with x of length {n}, k of length {m}",
            (x, k, dy),
            (dX[0], dK),
            dx_suspects=[
                Suspect(
                    np.correlate(np.pad(dy, m - 1), k, mode="valid"),
                    "the kernel is not flipped: dx[t] = Σ_i dy[i]·k[t − i] meets k back to "
                    "front (a full convolution: pad dy, slide the flipped k)",
                )
            ],
            dk_suspects=[
                Suspect(
                    dK[::-1],
                    "dk is reversed: dk[j] = Σ_i x[i + j]·dy[i], x slid under dy with no flip",
                ),
                Suspect(
                    np.convolve(x, dy, mode="valid"),
                    "dk slides a flipped dy (a convolution): dk[j] = Σ_i x[i + j]·dy[i] slides "
                    "dy as it is (a correlation)",
                ),
            ],
            dx_hint=f"every x[t] has a gradient; pad dy with m − 1 = {m - 1} zeros each side",
        )


STARTER_2D = '''\
def conv2d_backward(x, k, dy):
    """The gradients of y[r, c] = sum over i, j of x[r + i, c + j] * k[i, j]
    (x of shape (H, W), k of shape (kh, kw), y of shape (H - kh + 1, W - kw + 1)),
    given dy, the gradient arriving at y. Returns (dx, dk), of x's and k's shapes."""
    ...
'''

SIZES_2D = [((5, 6), (2, 3)), ((6, 4), (3, 2)), ((4, 7), (1, 3)), ((5, 5), (3, 3))]


def conv2d_backward(x: Array, k: Array, dy: Array) -> tuple[Array, Array]:
    """dx[r + i, c + j] += k[i, j]·dy[r, c] and dk[i, j] += x[r + i, c + j]·dy[r, c]."""
    dx, dk = np.zeros(x.shape), np.zeros(k.shape)
    for r in range(dy.shape[0]):
        for c in range(dy.shape[1]):
            dx[r : r + k.shape[0], c : c + k.shape[1]] += k * dy[r, c]
            dk += x[r : r + k.shape[0], c : c + k.shape[1]] * dy[r, c]
    return dx, dk


def cases_2d() -> list[tuple[Array, Array, Array]]:
    """(x, k, dy) for each pair of shapes in SIZES_2D, seeded."""
    rng = np.random.default_rng(111)
    return [
        (
            rng.normal(size=xs),
            rng.normal(size=ks),
            rng.normal(size=(xs[0] - ks[0] + 1, xs[1] - ks[1] + 1)),
        )
        for xs, ks in SIZES_2D
    ]


def judge_2d(answer: Any) -> None:
    """Run the learner's conv2d_backward on each case; raise Wrong naming the mistake."""
    both_axes = "meets k back to front along both axes"
    for x, k, dy in cases_2d():
        (kh, kw), padded = k.shape, np.pad(dy, [(k.shape[0] - 1,) * 2, (k.shape[1] - 1,) * 2])
        dX, dK, _ = Conv2d(k, 0.0).backward(x[None], dy[None])
        rule = "dx[p, q] = Σ dy[r, c]·k[p − r, q − c]"
        _check_case(
            answer,
            f"conv2d_backward with x of shape {x.shape}, k of shape {k.shape}",
            (x, k, dy),
            (dX[0], dK),
            dx_suspects=[
                Suspect(
                    correlate(padded, k),
                    f"the kernel is not flipped: {rule} {both_axes} (pad dy, slide k turned "
                    "by 180°)",
                ),
                Suspect(
                    correlate(padded, k[:, ::-1]),
                    f"the kernel is flipped left to right only: {rule} {both_axes} (turn it "
                    "by 180°)",
                ),
                Suspect(
                    correlate(padded, k[::-1, :]),
                    f"the kernel is flipped upside down only: {rule} {both_axes} (turn it by 180°)",
                ),
            ],
            dk_suspects=[
                Suspect(
                    dK[::-1, ::-1],
                    "dk is turned by 180°: dk[i, j] = Σ dy[r, c]·x[r + i, c + j] slides dy "
                    "over x as it is, no flip",
                ),
                Suspect(
                    correlate(x, dy[::-1, ::-1]),
                    "dk slides a flipped dy over x (a convolution): dk[i, j] = "
                    "Σ dy[r, c]·x[r + i, c + j] slides dy as it is (a correlation)",
                ),
            ],
            dx_hint=(
                f"every pixel of x has a gradient; pad dy with kh − 1 = {kh - 1} rows "
                f"and kw − 1 = {kw - 1} columns of zeros on each side"
            ),
        )


def conv_dx_entry() -> float:
    """dx[2] for the kernel (1, 2, 3), an input of 5 numbers and dy = (1, −2, 0)."""
    dX, _, _ = Conv1d(np.array([1.0, 2.0, 3.0]), 0.0).backward(
        np.zeros((1, 5)), np.array([[1.0, -2.0, 0.0]])
    )
    return float(dX[0, 2])


def _unflipped_dx_entry() -> float:
    """The same entry with the kernel slid over the padded dy as it is."""
    padded = np.pad(np.array([1.0, -2.0, 0.0]), 2)
    return float(padded[2:5] @ np.array([1.0, 2.0, 3.0]))


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
    number(
        "conv_dx_entry",
        NOTEBOOK,
        "one entry of dx, by hand: kernel (1, 2, 3), dy = (1, −2, 0)",
        conv_dx_entry(),
        section=DERIVED,
        mistakes={
            _unflipped_dx_entry(): "that slides the kernel over dy unflipped; dx_t = Σ_i g_i·"
            "w_(t−i) meets the kernel back to front",
            3.0: "that counts only window 0; x_2 sits in windows 0, 1 and 2",
        },
        hint="list the windows that cover x_2 and the weight x_2 meets in each",
    ),
    code(
        "conv2d_backward",
        NOTEBOOK,
        "the gradients of a 2-D convolution, for x and for k",
        starter=STARTER_2D,
        solution=conv2d_backward,
        judge=judge_2d,
        section=TWO_D,
    ),
]
