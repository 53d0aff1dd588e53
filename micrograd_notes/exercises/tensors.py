"""Notebook 09, tensors, broadcasting and batch norm: the exercises and their solutions.

``batchnorm_backward``: the gradients of batch norm over a batch X (N, D), each feature
normalised by its own mean and variance over the batch, then scaled by gamma and shifted by
beta. The checker compares with the formula derived in the notebook (itself checked there
against the scalar engine) on a square batch first, where statistics over the wrong axis
have the right shape, then on batches with more and fewer rows than features. It names the
paths left out (through the mean, through the variance), a missing 1/N, the variance with
N − 1, and sums over the wrong axis.

``embedding_backward``: the gradient of a table lookup E[ix] with respect to the table. The
checker uses index lists with repeated indices and an unused row, and names the assignment
that keeps one gradient of a repeated index where np.add.at adds them all.

``broadcast_axes``: a choice, which axes to sum the gradient of a (1, T, 1) value added to a
(B, T, C) tensor, computed here from the two shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.exercises.core import call_answer, choice, code
from micrograd_notes.exercises.mistakes import Suspect, check_order, compare, sum_suspects, unpack

NOTEBOOK = "09"
BROADCAST = "Broadcasting: a copied value sums its gradients"
BATCHNORM = "Batch norm backward: three paths to every input"
EMBEDDING = "Embedding lookup: a scatter-add"

EPS = 1e-5

BATCHNORM_STARTER = '''\
def batchnorm_backward(X, gamma, beta, dY, eps=1e-5):
    """The gradients of batch norm: for X (N, D), each column (feature) j is normalised over
    the batch, xhat = (X - mu) / sqrt(var + eps) with mu and var the column's mean and
    variance (var = mean of (X - mu)**2), then Y = gamma * xhat + beta, gamma and beta (D,).
    Given dY (N, D), returns (dX, dgamma, dbeta)."""
    ...
'''

EMBEDDING_STARTER = '''\
def embedding_backward(E, ix, dout):
    """The gradient of out = E[ix] with respect to the table E (V, d), where ix is a list of
    N row numbers (some may repeat) and dout (N, d) the gradient arriving at out.
    Returns dE, of E's shape."""
    ...
'''

Array = NDArray[np.float64]
BATCHNORM_NAMES = ("dX", "dgamma", "dbeta")
BATCHNORM_SIZES = [(4, 4), (6, 3), (3, 5)]  # (N, D): square first


# ---- batch norm ---------------------------------------------------------------------------


def batchnorm_backward(
    X: Array, gamma: Array, beta: Array, dY: Array, eps: float = EPS
) -> tuple[Array, Array, Array]:
    """dX = (1/N)·(1/√(σ²+ε))·(N dx̂ − Σ dx̂ − x̂ Σ dx̂ x̂), with dx̂ = γ dY and sums over the
    batch; dγ = Σ dY x̂; dβ = Σ dY."""
    n = len(X)
    mu = X.mean(axis=0)
    inv_std = 1.0 / np.sqrt(X.var(axis=0) + eps)
    xhat = (X - mu) * inv_std
    dxhat = dY * gamma
    dX = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dX, (dY * xhat).sum(axis=0), dY.sum(axis=0)


def _batchnorm_dX(
    X: Array,
    gamma: Array,
    dY: Array,
    *,
    axis: int = 0,
    mean_path: bool = True,
    var_path: bool = True,
    mean_n: bool = True,
    var_n: bool = True,
    ddof: int = 0,
) -> Array:
    """dX along the three paths, step by step; each keyword makes one mistake (statistics
    over ``axis`` 1, a path left out, a 1/N left out, the variance divided by N − ddof)."""
    n = X.shape[axis]
    mu = X.mean(axis=axis, keepdims=True)
    xc = X - mu
    var = (xc**2).sum(axis=axis, keepdims=True) / (n - ddof)
    inv_std = (var + EPS) ** -0.5
    dxhat = dY * gamma
    dvar = (dxhat * xc).sum(axis=axis, keepdims=True) * -0.5 * inv_std**3
    dmu = -(dxhat * inv_std).sum(axis=axis, keepdims=True)  # (σ²'s own term in μ sums to 0)
    dX: Array = dxhat * inv_std
    if var_path:
        dX = dX + dvar * 2.0 * xc / ((n - ddof) if var_n else 1)
    if mean_path:
        dX = dX + dmu / (n if mean_n else 1)
    return dX


def _dX_suspects(X: Array, gamma: Array, dY: Array) -> list[Suspect]:
    n = len(X)
    wrong: list[tuple[dict[str, Any], str]] = [
        (
            {"mean_path": False, "var_path": False},
            "dX treats the mean and the variance as constants (dY·γ/√(σ²+ε)): it misses the "
            "paths from every x through μ and through σ²",
        ),
        ({"mean_path": False}, "dX misses the path through the mean μ"),
        ({"var_path": False}, "dX misses the path through the variance σ²"),
        ({"mean_n": False}, f"dX: the mean's path lacks its 1/N (∂μ/∂x = 1/N, N = {n})"),
        ({"var_n": False}, f"dX: the variance's path lacks its 1/N (∂σ²/∂x = 2(x − μ)/N, N = {n})"),
        ({"ddof": 1}, "dX divides the variance by N − 1; batch norm's variance divides by N"),
        (
            {"axis": 1},
            "dX normalises each row (axis 1); batch norm takes each feature's mean and variance "
            "over the batch, axis 0",
        ),
    ]
    return [Suspect(_batchnorm_dX(X, gamma, dY, **kw), message) for kw, message in wrong]


def batchnorm_cases() -> list[tuple[Array, Array, Array, Array]]:
    """(X, gamma, beta, dY) for each size, seeded; features off-centre and of several scales."""
    rng = np.random.default_rng(9)
    out = []
    for n, d in BATCHNORM_SIZES:
        scale, offset = rng.uniform(0.5, 3.0, size=d), rng.normal(scale=2.0, size=d)
        X = rng.normal(size=(n, d)) * scale + offset
        out.append((X, rng.normal(size=d), rng.normal(size=d), rng.normal(size=(n, d))))
    return out


def batchnorm_judge(answer: Any) -> None:
    """Run the learner's batchnorm_backward on each batch; raise Wrong naming the mistake."""
    for X, gamma, beta, dY in batchnorm_cases():
        what = f"batchnorm_backward with X {X.shape}"
        copies = (X.copy(), gamma.copy(), beta.copy(), dY.copy())
        got = unpack(call_answer(answer, *copies, what=what), BATCHNORM_NAMES, what)
        expected = batchnorm_backward(X, gamma, beta, dY)
        check_order(BATCHNORM_NAMES, got, expected)
        n = len(X)
        compare("dX", got[0], expected[0], suspects=_dX_suspects(X, gamma, dY), batch=n, like="X")
        xhat = (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + EPS)
        reason = "γ multiplies every row of x̂, so its gradient sums over the batch"
        compare(
            "dgamma",
            got[1],
            expected[1],
            suspects=[
                *sum_suspects("dgamma", dY * xhat, 0, reason, BROADCAST),
                Suspect((dY * X).sum(axis=0), "dgamma uses X where x̂ belongs: γ multiplies x̂"),
            ],
            batch=n,
            like="gamma",
        )
        reason = "β is added to every row, so its gradient sums over the batch"
        compare(
            "dbeta",
            got[2],
            expected[2],
            suspects=sum_suspects("dbeta", dY, 0, reason, BROADCAST),
            batch=n,
            like="beta",
        )


# ---- embedding lookup ---------------------------------------------------------------------

# (V, d, ix): repeats and an unused row; V = d (a transpose fits); more lookups than rows.
EMBEDDING_CASES = [
    (6, 3, [2, 0, 2, 5, 2, 1]),
    (4, 4, [3, 3, 1]),
    (3, 2, [0, 1, 0, 0, 2, 1, 0, 2]),
]


def embedding_backward(E: Array, ix: Any, dout: Array) -> Array:
    """dE[v] = Σ over the n with ix[n] = v of dout[n]: a scatter-add (np.add.at)."""
    dE = np.zeros_like(E)
    np.add.at(dE, ix, dout)  # adds once per occurrence; dE[ix] += dout would keep one
    return dE


def embedding_cases() -> list[tuple[Array, list[int], Array]]:
    """(E, ix, dout) for each case, seeded."""
    rng = np.random.default_rng(99)
    return [
        (rng.normal(size=(v, d)), list(ix), rng.normal(size=(len(ix), d)))
        for v, d, ix in EMBEDDING_CASES
    ]


def _last_one_wins(E: Array, ix: list[int], dout: Array) -> Array:
    dE = np.zeros_like(E)
    dE[ix] = dout  # for a repeated index, NumPy keeps one assignment (the last, in practice)
    return dE


def _averaged(E: Array, ix: list[int], dout: Array) -> Array:
    counts = np.bincount(ix, minlength=len(E))[:, None]
    return embedding_backward(E, ix, dout) / np.maximum(counts, 1)


def embedding_judge(answer: Any) -> None:
    """Run the learner's embedding_backward on each lookup; raise Wrong naming the mistake."""
    for E, ix, dout in embedding_cases():
        what = f"embedding_backward with E {E.shape} and {len(ix)} lookups"
        got = call_answer(answer, E.copy(), list(ix), dout.copy(), what=what)
        compare(
            "dE",
            got,
            embedding_backward(E, ix, dout),
            suspects=[
                Suspect(
                    _last_one_wins(E, ix, dout),
                    "a row looked up more than once kept only one of its gradients: "
                    "dE[ix] = dout (or +=) keeps one; np.add.at(dE, ix, dout) adds them all",
                ),
                Suspect(
                    dout,
                    "dE is dout itself, one row per lookup: add row n of dout into row ix[n] "
                    "of a table of zeros",
                ),
                Suspect(
                    _averaged(E, ix, dout),
                    "the gradients of a repeated row are averaged; they add (paths add)",
                ),
            ],
            like="E",
        )


# ---- which axes to sum --------------------------------------------------------------------

SMALL, BIG = (1, 7, 1), (4, 7, 3)  # a (1, T, 1) value added to a (B, T, C) tensor
AXES = ("0", "1", "2", "0 and 1", "0 and 2", "1 and 2", "all three")


def _axes_copied_along(small: tuple[int, ...], big: tuple[int, ...]) -> str:
    """The axes along which broadcasting copies ``small`` to fill ``big``, as an option."""
    axes = [str(k) for k, (s, b) in enumerate(zip(small, big)) if s == 1 and b > 1]
    return "all three" if len(axes) == 3 else " and ".join(axes)


EXERCISES = [
    code(
        "batchnorm_backward",
        NOTEBOOK,
        "the gradients of batch norm",
        starter=BATCHNORM_STARTER,
        solution=batchnorm_backward,
        judge=batchnorm_judge,
        section=BATCHNORM,
    ),
    code(
        "embedding_backward",
        NOTEBOOK,
        "the gradient of a table lookup",
        starter=EMBEDDING_STARTER,
        solution=embedding_backward,
        judge=embedding_judge,
        section=EMBEDDING,
    ),
    choice(
        "broadcast_axes",
        NOTEBOOK,
        "the axes a broadcast value's gradient sums over",
        AXES,
        _axes_copied_along(SMALL, BIG),
        section=BROADCAST,
        mistakes={
            "1": "axis 1 is the one the value already fills (T entries of its own)",
            "1 and 2": "the value already has its own entry along axis 1",
            "0 and 1": "the value already has its own entry along axis 1",
        },
        hint="which axes does the value have size 1 along?",
    ),
]
