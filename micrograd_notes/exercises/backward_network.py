"""Notebook 07, the backward pass is a network: the exercises and their solutions.

``jvp``: forward mode for a tanh network, written with arrays. Each sample is a column:
z_k = W_k a_(k-1) + b_k, a_k = tanh(z_k) for every layer but the last, which is linear. Given
the input x and a direction v, the learner returns the output y and its directional
derivative ẏ = J v, where J = ∂y/∂x: the tangent goes forward through the same weights W (not
Wᵀ), each unit scaling it by its gain tanh′(z) = 1 − a², and a bias, a constant, adds nothing
to it. The checker builds J row by row with the engine's ``backward()`` (one pass per output)
and compares, first on a network of square layers, where Wᵀ in place of W has the right shape
and only the values tell, then on layers of different widths.

Three more: a hidden unit's δ, a backward pass's multiply-adds, and forward or reverse mode.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import call_answer, choice, code, number
from micrograd_notes.exercises.mistakes import Suspect, check_order, compare, unpack

NOTEBOOK = "07"
BACKWARDS = "Running it backwards"
LINEARISED = "Forward mode: the same network, linearised"
COUNTING = "Counting the work"
WHEN = "When forward mode wins"

Array = NDArray[np.float64]

# ---- jvp -------------------------------------------------------------------------------------

STARTER = '''\
def jvp(Ws, bs, x, v):
    """Forward mode for the network z_k = W_k @ a_(k-1) + b_k, a_k = tanh(z_k) for every layer
    but the last, which is linear (a_0 = x). Ws = [W_1, ..., W_L], W_k of shape
    (n_k, n_(k-1)); bs = [b_1, ..., b_L]; x and v have shape (n_0,).
    Returns (y, y_dot): the output y = a_L, and y_dot = J @ v, where J = dy/dx."""
    ...
'''

NAMES = ("y", "y_dot")
SIZES = [(3, 3, 3, 3), (2, 4, 3), (4, 5, 2, 3), (1, 3, 1)]  # the all-square network first


def jvp(Ws: list[Array], bs: list[Array], x: Array, v: Array) -> tuple[Array, Array]:
    """ż_k = W_k ȧ_(k-1) (the bias is constant), ȧ_k = tanh′(z_k) ż_k = (1 − a_k²) ż_k."""
    a, a_dot = x, v
    for k, (W, b) in enumerate(zip(Ws, bs)):
        z, z_dot = W @ a + b, W @ a_dot
        if k < len(Ws) - 1:
            a = np.tanh(z)
            a_dot = (1.0 - a * a) * z_dot
        else:
            a, a_dot = z, z_dot
    return a, a_dot


def cases() -> list[tuple[list[Array], list[Array], Array, Array]]:
    """(Ws, bs, x, v) for each size in SIZES, seeded."""
    rng = np.random.default_rng(7)
    out = []
    for widths in SIZES:
        Ws = [rng.normal(size=(n_out, n_in)) for n_in, n_out in itertools.pairwise(widths)]
        bs = [rng.normal(size=n_out) * 0.5 for n_out in widths[1:]]
        out.append((Ws, bs, rng.normal(size=widths[0]), rng.normal(size=widths[0])))
    return out


def engine_output_and_jacobian(Ws: list[Array], bs: list[Array], x: Array) -> tuple[Array, Array]:
    """y and J = ∂y/∂x by the scalar engine: one backward pass per output, each a row of J."""
    rows, y = [], []
    for i in range(Ws[-1].shape[0]):
        xs = [Value(float(v)) for v in x]
        act = xs
        for k, (W, b) in enumerate(zip(Ws, bs)):
            zs = [Value.sum([float(W[r, c]) * act[c] for c in range(len(act))]) + float(b[r])
                  for r in range(W.shape[0])]  # fmt: skip
            act = zs if k == len(Ws) - 1 else [z.tanh() for z in zs]
        act[i].backward()
        rows.append([v.grad for v in xs])
        y = [a.data for a in act]
    return np.array(y), np.array(rows)


def _pass_with(
    Ws: list[Array],
    bs: list[Array],
    x: Array,
    v: Array,
    weight: Callable[[Array], Array] = lambda W: W,
    gain: Callable[[Array, Array], Array] = lambda z, a: 1.0 - a * a,
    bias_in_tangent: bool = False,
    gain_on_last: bool = False,
) -> tuple[Array, Array]:
    """A tangent pass with one mistake in it (the right pass with the defaults)."""
    a, a_dot = x, v
    for k, (W, b) in enumerate(zip(Ws, bs)):
        z, z_dot = W @ a + b, weight(W) @ a_dot + (b if bias_in_tangent else 0.0)
        last = k == len(Ws) - 1
        a = z if last else np.tanh(z)
        a_dot = gain(z, np.tanh(z)) * z_dot if (gain_on_last or not last) else z_dot
    return a, a_dot


def _tangent_suspects(Ws: list[Array], bs: list[Array], x: Array, v: Array) -> list[Suspect]:
    wrong: list[tuple[dict[str, Any], str]] = [
        (
            dict(gain=lambda z, a: np.ones_like(z)),
            "y_dot has no gains: each unit scales the tangent by tanh′(z) = 1 − a², as the "
            "backward pass scales δ by σ′(z)",
        ),
        (
            dict(gain=lambda z, a: 1.0 - z * z),
            "y_dot uses 1 − z² as the gain: tanh′(z) = 1 − tanh²(z) = 1 − a²",
        ),
        (
            dict(gain=lambda z, a: a),
            "y_dot is scaled by a = tanh(z) itself: scale it by the slope tanh′(z) = 1 − a²",
        ),
        (
            dict(bias_in_tangent=True),
            "y_dot has the biases added in: a bias is a constant, so its tangent is 0 and "
            "ż = W·ȧ alone",
        ),
        (
            dict(gain_on_last=True),
            "y_dot is scaled by a gain at the last layer, which is linear (no tanh, gain 1)",
        ),
    ]
    suspects = [Suspect(_pass_with(Ws, bs, x, v, **mistake)[1], said) for mistake, said in wrong]
    if all(W.shape[0] == W.shape[1] for W in Ws):
        suspects.append(
            Suspect(
                _pass_with(Ws, bs, x, v, weight=lambda W: W.T)[1],
                "y_dot goes through Wᵀ: the tangent flows forward through W itself; Wᵀ is "
                "the backward pass's (on a square W both fit)",
            )
        )
    if len(x) == len(v):
        suspects.append(
            Suspect(
                jvp(Ws, bs, x, x)[1],
                "y_dot starts from x: the tangent starts from the direction v (ẋ = v)",
            )
        )
    return suspects


def judge(answer: Any) -> None:
    """Run the learner's jvp on each network; raise Wrong naming the mistake."""
    for Ws, bs, x, v in cases():
        widths = "-".join(str(n) for n in (Ws[0].shape[1], *(W.shape[0] for W in Ws)))
        what = f"jvp on a {widths} network"
        got = unpack(
            call_answer(
                answer, [W.copy() for W in Ws], [b.copy() for b in bs], x.copy(), v.copy(),
                what=what,
            ),
            NAMES,
            what,
        )  # fmt: skip
        y, J = engine_output_and_jacobian(Ws, bs, x)
        expected = (y, J @ v)
        check_order(NAMES, got, expected)
        compare(
            "y",
            got[0],
            y,
            suspects=[
                Suspect(np.tanh(y), "y has a tanh on the last layer, which is linear", LINEARISED)
            ],
            like="the output",
        )
        compare("y_dot", got[1], expected[1], suspects=_tangent_suspects(Ws, bs, x, v), like="y")


# ---- the number and choice exercises --------------------------------------------------------


def _hidden_delta() -> float:
    """δ of a sigmoid unit at z = 0 feeding two units (δ 0.4 and -0.2, weights 1.5 and 2.0)."""
    z = Value(0.0)
    a = z.sigmoid()
    # The units above, seeded with their δ: the gradient reaching a is Σ w·δ.
    (0.4 * (1.5 * a) + (-0.2) * (2.0 * a)).backward()
    return z.grad


def _gain_forgotten() -> float:
    return 1.5 * 0.4 + 2.0 * (-0.2)


SIZES_COUNTED = (100, 50, 10)


class _Counter:
    """Counts the multiplications of the matrix products it is asked to do."""

    def __init__(self) -> None:
        self.multiplies = 0

    def matmul(self, A: Array, B: Array) -> Array:
        A2, B2 = np.atleast_2d(A), np.atleast_2d(B)
        self.multiplies += A2.shape[0] * A2.shape[1] * B2.shape[-1]
        return A @ B

    def scale(self, gain: Array, x: Array) -> Array:
        self.multiplies += x.size
        return gain * x


def _backward_multiplies(sizes: tuple[int, ...], to_input: bool = False, gains: bool = True) -> int:
    """Multiplications of one backward pass of a sigmoid net with a linear output, for one
    sample, its gains σ′(z) kept from the forward pass: dW = δ aᵀ for every layer, Wᵀ δ for
    every layer but the first (unless ``to_input``), one multiply per hidden unit's gain."""
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(n_out, n_in)) for n_in, n_out in itertools.pairwise(sizes)]
    acts = [rng.normal(size=(n, 1)) for n in sizes[:-1]]
    gain_of = [rng.uniform(0, 0.25, size=(n, 1)) for n in sizes[1:-1]]
    count = _Counter()
    delta = rng.normal(size=(sizes[-1], 1))  # the seed, given
    for k in reversed(range(len(Ws))):
        count.matmul(delta, acts[k].T)  # dW_k
        if k > 0 or to_input:
            back = count.matmul(Ws[k].T, delta)
            delta = count.scale(gain_of[k - 1], back) if (k > 0 and gains) else back
    return count.multiplies


def _forward_multiplies(sizes: tuple[int, ...]) -> int:
    return sum(n_in * n_out for n_in, n_out in itertools.pairwise(sizes))


EXERCISES = [
    code(
        "jvp",
        NOTEBOOK,
        "forward mode: a tangent pass through a tanh network",
        starter=STARTER,
        solution=jvp,
        judge=judge,
        section=LINEARISED,
    ),
    number(
        "hidden_delta",
        NOTEBOOK,
        "δ of a sigmoid unit at z = 0 feeding two units",
        _hidden_delta(),
        section=BACKWARDS,
        mistakes={_gain_forgotten(): "that is Σ w·δ without the unit's gain σ′(z)"},
        hint="δ = σ′(z) · Σ w·δ, and σ(0) = 1/2",
    ),
    number(
        "backward_multiply_adds",
        NOTEBOOK,
        "multiply-adds of one backward pass of a 100-50-10 network",
        _backward_multiplies(SIZES_COUNTED),
        section=COUNTING,
        mistakes={
            _forward_multiplies(SIZES_COUNTED): "that is the forward pass's count, W·a for both "
            "layers",
            _backward_multiplies(SIZES_COUNTED, to_input=True): "that also sends δ down to the "
            "input, which nothing needs",
            _backward_multiplies(SIZES_COUNTED, gains=False): "the hidden units' gains cost a "
            "multiplication each",
        },
        hint="each layer's dW = δ·aᵀ, then Wᵀ·δ and the gains for the layer below",
    ),
    choice(
        "forward_or_reverse",
        NOTEBOOK,
        "the whole Jacobian of 3 inputs -> 1,000 outputs: which mode?",
        ["forward mode", "reverse mode", "the same"],
        "forward mode",
        section=WHEN,
        mistakes={
            "reverse mode": "reverse mode takes one backward pass per output: 1,000 of them",
            "the same": "one mode takes a pass per input, the other a pass per output",
        },
    ),
]
