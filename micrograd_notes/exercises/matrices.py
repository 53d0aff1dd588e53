"""Notebook 08, from scalars to matrices: the exercises and their solutions.

``linear_backward``: the three gradients of a linear layer Y = X @ W + b, with X (n, nin),
W (nin, nout), b (nout,). The checker compares with the NumPy twin (``vectorized.Linear``),
first on a square W, where dY·W has the right shape and only its values can tell it from
dY·Wᵀ, then on layers where no two of n, nin and nout agree, and on one where n = nout, so
that a sum over the wrong axis has the right shape.

``two_layer_backward``: the gradients of a two-layer ReLU net with a mean softmax
cross-entropy and L2 on its weights. The checker compares with the formulas worked through
tensor by tensor in the notebook, on batches where H = C (so dscores·W2 fits) and N = C (so
a sum over the wrong axis fits), and names the first tensor that goes wrong and why.

``dX_if_X_doubles``, ``dW_if_X_doubles``: choices ("double", "halve", "stay"), computed here
from the NumPy twin.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.exercises.core import call_answer, choice, code
from micrograd_notes.exercises.mistakes import Suspect, check_order, compare, sum_suspects, unpack
from micrograd_notes.vectorized import Linear, softmax_cross_entropy

NOTEBOOK = "08"
GENERAL = "The general rule: add up every path"
SHAPES = "Shapes decide the formulas"
SQUARE = "Common mistake: trusting the shapes on a square layer"
AXIS = "Which axis to sum: a broadcast value collects its gradient"
TWO_LAYER = "A two-layer net, tensor by tensor"

STARTER = '''\
def linear_backward(X, W, b, dY):
    """The gradients of Y = X @ W + b, for X (n, nin), W (nin, nout), b (nout,),
    given dY (n, nout), the gradient arriving at Y.
    Returns (dX, dW, db), each of the shape of what it is the gradient of."""
    ...
'''

TWO_LAYER_STARTER = '''\
def two_layer_backward(X, y, W1, b1, W2, b2, reg):
    """The gradients of L = mean over the N rows of -log softmax(scores)[y] + reg·(ΣW1² + ΣW2²),
    where scores = relu(X @ W1 + b1) @ W2 + b2; X (N, D), y N integer labels, W1 (D, H),
    b1 (H,), W2 (H, C), b2 (C,). Returns (dW1, db1, dW2, db2)."""
    ...
'''

Array = NDArray[np.float64]
Labels = NDArray[np.int64]
NAMES = ("dX", "dW", "db")
SIZES = [(4, 3, 3), (5, 4, 3), (2, 3, 6), (3, 5, 3)]  # (n, nin, nout), the square W first
TWO_LAYER_NAMES = ("dW1", "db1", "dW2", "db2")
# (N, D, H, C): H = C first, where dscores·W2 has dH's shape; then all different; then N = C,
# where a sum of dscores over axis 1 has db2's shape.
TWO_LAYER_SIZES = [(5, 3, 4, 4), (6, 4, 5, 3), (3, 2, 5, 3)]


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
        Suspect(
            dY @ W,
            "dX is dY·W; it should be dY·Wᵀ (on a square W both have the right shape)",
            SQUARE,
        )
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
        compare("dX", got[0], expected[0], suspects=_dX_suspects(W, dY), like="X")
        transposed = "dW is dYᵀ·X, the transpose of Xᵀ·dY: dW has W's shape (nin, nout)"
        compare(
            "dW",
            got[1],
            expected[1],
            suspects=[Suspect(dY.T @ X, transposed, SHAPES)],
            batch=n,
            like="W",
        )
        reason = "b is added to every row, so its gradient sums over the batch"
        compare(
            "db",
            got[2],
            expected[2],
            suspects=sum_suspects("db", dY, 0, reason, AXIS),
            batch=n,
            like="b",
        )


# ---- the two-layer net -------------------------------------------------------------------


def _two_layer(
    X: Array,
    y: Labels,
    W1: Array,
    b1: Array,
    W2: Array,
    b2: Array,
    reg: float,
    *,
    mean: bool = True,
    l2_factor: float = 2.0,
    relu_gate: bool = True,
    transpose: bool = True,
    from_output: bool = True,
) -> dict[str, Array]:
    """Every gradient of the two-layer net, right by default; each keyword makes one mistake
    (no 1/N, l2_factor·λW, no ReLU gate, dscores·W2 for dH, Z1 in place of H in dW2)."""
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    dscores = softmax_cross_entropy(H @ W2 + b2, y)[1]
    if not mean:
        dscores = dscores * len(y)
    dW2 = (H if from_output else Z1).T @ dscores + l2_factor * reg * W2
    dH = dscores @ (W2.T if transpose else W2)
    dZ1 = dH * (Z1 > 0) if relu_gate else dH
    dW1 = X.T @ dZ1 + l2_factor * reg * W1
    return {
        "dscores": dscores,
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": dZ1.sum(axis=0),
        "dW2": dW2,
        "db2": dscores.sum(axis=0),
    }


def two_layer_backward(
    X: Array, y: Labels, W1: Array, b1: Array, W2: Array, b2: Array, reg: float
) -> tuple[Array, Array, Array, Array]:
    """dscores = (p − onehot(y))/N; dW2 = Hᵀdscores + 2λW2; dH = dscores W2ᵀ; dZ1 = dH ⊙ [Z1 > 0];
    dW1 = Xᵀ dZ1 + 2λW1; the biases get the column sums."""
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    scores = H @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = len(y)
    dscores = p.copy()
    dscores[np.arange(n), y] -= 1.0
    dscores /= n
    dW2 = H.T @ dscores + 2 * reg * W2
    dZ1 = (dscores @ W2.T) * (Z1 > 0)
    dW1 = X.T @ dZ1 + 2 * reg * W1
    return dW1, dZ1.sum(axis=0), dW2, dscores.sum(axis=0)


def two_layer_cases() -> list[tuple[Array, Labels, Array, Array, Array, Array, float]]:
    """(X, y, W1, b1, W2, b2, reg) for each size in TWO_LAYER_SIZES, seeded."""
    rng = np.random.default_rng(88)
    return [
        (
            rng.normal(size=(N, D)),
            rng.integers(0, C, size=N),
            rng.normal(scale=0.8, size=(D, H)),
            rng.normal(scale=0.3, size=H),
            rng.normal(scale=0.8, size=(H, C)),
            rng.normal(scale=0.3, size=C),
            0.1,
        )
        for N, D, H, C in TWO_LAYER_SIZES
    ]


def _two_layer_suspects(case: tuple[Any, ...], name: str) -> list[Suspect]:
    """The wrong answers for one gradient of the two-layer net, each with what it means."""
    N = len(case[1])
    wrong: list[tuple[dict[str, Any], str, str | None]] = [
        ({"mean": False}, f"{name} is off: dscores lacks its 1/N (a mean over N = {N} rows)", None),
        ({"l2_factor": 1.0}, f"{name} has λW for the L2 term; the derivative of λw² is 2λw", None),
        ({"l2_factor": 0.0}, f"{name} lacks the L2 term's gradient 2λW", None),
        ({"from_output": False}, "dW2 uses Z1, the ReLU's input, where its output H belongs", None),
        ({"relu_gate": False}, f"{name} misses the ReLU's gate: dZ1 = dH ⊙ [Z1 > 0]", None),
    ]
    W2 = case[4]
    if W2.shape[0] == W2.shape[1]:  # dscores·W2 only fits a square W2; elsewhere it raises
        wrong.append(({"transpose": False}, "dH is dscores·W2; it should be dscores·W2ᵀ", SQUARE))
    suspects = [
        Suspect(_two_layer(*case, **kwargs)[name], message, section)
        for kwargs, message, section in wrong
    ]
    full = {"db1": "dZ1", "db2": "dscores"}
    if name in full:
        reason = "each bias is added to every row, so its gradient sums over the batch"
        right = _two_layer(*case)[full[name]]
        suspects += sum_suspects(name, right, 0, reason, AXIS)
    return suspects


def two_layer_judge(answer: Any) -> None:
    """Run the learner's two_layer_backward on each batch; raise Wrong naming the first
    gradient that is wrong, from the top of the network down, and why."""
    for case in two_layer_cases():
        X, y, W1, b1, W2, b2, reg = case
        what = f"two_layer_backward with X {X.shape}, W1 {W1.shape}, W2 {W2.shape}"
        copies = (X.copy(), y.copy(), W1.copy(), b1.copy(), W2.copy(), b2.copy(), reg)
        got = unpack(call_answer(answer, *copies, what=what), TWO_LAYER_NAMES, what)
        right = _two_layer(*case)
        expected = [right[name] for name in TWO_LAYER_NAMES]
        check_order(TWO_LAYER_NAMES, got, expected)
        for index in (2, 3, 0, 1):  # dW2, db2, dW1, db1: in the order backward finds them
            name = TWO_LAYER_NAMES[index]
            compare(
                name,
                got[index],
                expected[index],
                suspects=_two_layer_suspects(case, name),
                batch=len(y),
                like=name[1:],
            )


# ---- doubling the inputs -----------------------------------------------------------------

CHANGES = ("double", "halve", "stay")


def _how_it_changes(which: int) -> str:
    """What doubling X does to dX (which = 0) or dW (which = 1), keeping dY, on a seeded layer."""
    X, W, b, dY = cases()[1]
    before = Linear(W, b).backward(X, dY)[which]
    after = Linear(W, b).backward(2 * X, dY)[which]
    if np.allclose(after, 2 * before):
        return "double"
    return "halve" if np.allclose(after, before / 2) else "stay"


EXERCISES = [
    code(
        "linear_backward",
        NOTEBOOK,
        "the three gradients of a linear layer",
        starter=STARTER,
        solution=linear_backward,
        judge=judge,
        section=GENERAL,
    ),
    code(
        "two_layer_backward",
        NOTEBOOK,
        "the gradients of a two-layer net with softmax loss and L2",
        starter=TWO_LAYER_STARTER,
        solution=two_layer_backward,
        judge=two_layer_judge,
        section=TWO_LAYER,
    ),
    choice(
        "dX_if_X_doubles",
        NOTEBOOK,
        "what doubling X does to dX",
        CHANGES,
        _how_it_changes(0),
        section=GENERAL,
        hint="look at which matrices dX is made of",
    ),
    choice(
        "dW_if_X_doubles",
        NOTEBOOK,
        "what doubling X does to dW",
        CHANGES,
        _how_it_changes(1),
        section=GENERAL,
        hint="look at which matrices dW is made of",
    ),
]
