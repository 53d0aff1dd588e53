"""Notebook 06, backpropagation by hand: the exercises and their solutions.

``relu_net_backward``: the δ recursion of a ReLU network without biases, on a batch. The
network is H_1 = X W_1, A_1 = relu(H_1), H_2 = A_1 W_2, ..., up to the scores S = A_(L-1) W_L,
which have no activation. Given dS, the gradient arriving at the scores, the learner returns
every δ_k = ∂L/∂H_k and every dW_k = A_(k-1)ᵀ δ_k (A_0 = X). The checker compares with the
NumPy twin (``vectorized.Linear`` and ``activation_backward``), first on a network whose layers
are all square, where W in place of Wᵀ, or one layer's activations in place of another's, have
the right shape and only the values tell, then on layers of different widths. Every hidden
layer has units on both sides of 0, so a missing ReLU′ gate shows.

Three number exercises on the notebook's 2-2-2 network (its numbers are ``SAMPLE``, ``W1``,
``W2``, ``W3`` below; a test checks that the notebook defines the same), each computed here by
the engine.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes import vectorized
from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import Wrong, call_answer, code, describe, number
from micrograd_notes.exercises.mistakes import Suspect, close, compare, unpack
from micrograd_notes.losses import softmax_cross_entropy
from micrograd_notes.vectorized import Linear, activation_backward, activation_forward

NOTEBOOK = "06"
LAYER3 = "Layer 3: four weights, four formulas"
LAYER2 = "Layer 2: four weights, regrouped"
LAYER1 = "Layer 1: the input is X"
RECURSION = "The δ recursion"
OUTPUT = "The output layer as an identity-weight layer"
NO_OUTPUT_RELU = "Common mistake: an activation the output layer does not have"
WRONG_LAYER = "Common mistake: the wrong layer's activations"

Array = NDArray[np.float64]

# ---- the 2-2-2 network of the notebook ---------------------------------------------------
# Row j, column i of W_k holds the weight into unit i of layer k from unit j below it.

SAMPLE = (1.0, 0.5)
LABEL = 0
W1 = ((0.5, 0.4), (-0.3, 0.8))
W2 = ((0.7, 0.3), (-0.1, 0.9))
W3 = ((0.6, -0.4), (-0.5, 0.8))


def engine_grads(
    weights: tuple[Any, ...], label: int, sample: tuple[float, ...] = SAMPLE
) -> tuple[list[Array], list[float]]:
    """Every dW_k and ∂L/∂x of the ReLU network (no biases, scores without activation) under
    softmax cross-entropy with the true class ``label``, by the scalar engine."""
    xs = [Value(v) for v in sample]
    Wv = [[[Value(float(w)) for w in row] for row in W] for W in weights]
    act = xs
    for k, W in enumerate(Wv):
        h = [Value.sum([act[j] * W[j][i] for j in range(len(act))]) for i in range(len(W[0]))]
        act = h if k == len(Wv) - 1 else [v.relu() for v in h]
    softmax_cross_entropy([act], [label]).backward()
    return [np.array([[w.grad for w in row] for row in W]) for W in Wv], [x.grad for x in xs]


def _dw311_class_1() -> float:
    return float(engine_grads((W1, W2, W3), 1)[0][2][0, 0])


def _dead_unit_zeros() -> int:
    dead = np.array(W2)
    dead[0, 0] = -0.5  # w211
    return int(np.sum(engine_grads((W1, dead, W3), LABEL)[0][1] == 0.0))


def _input_gradient() -> float:
    return float(engine_grads((W1, W2, W3), LABEL)[1][0])


def _input_gradient_untransposed() -> float:
    """δ1·W1 in place of δ1·W1ᵀ, its first entry (δ1 by the twin)."""
    X, Ws = np.array([SAMPLE]), [np.array(W) for W in (W1, W2, W3)]
    scores = twin_forward(X, Ws)[1][-1]
    dS = vectorized.softmax_cross_entropy(scores, np.array([LABEL]))[1]
    delta1 = twin_backward(X, Ws, dS)[0][0]
    return float((delta1 @ Ws[0])[0, 0])


def _class_0_dw311() -> float:
    return float(engine_grads((W1, W2, W3), LABEL)[0][2][0, 0])


# ---- relu_net_backward -------------------------------------------------------------------

STARTER = '''\
def relu_net_backward(X, Ws, dS):
    """The backward pass of a ReLU network without biases, on a batch X of shape (n, n_0):
    H_1 = X @ W_1, A_1 = relu(H_1), H_2 = A_1 @ W_2, ..., and the scores S = A_(L-1) @ W_L
    have no activation. Ws = [W_1, ..., W_L], W_k of shape (n_(k-1), n_k); dS (n, n_L) is
    the gradient arriving at the scores.
    Returns (deltas, dWs), two lists of L arrays, the bottom layer first:
    deltas[k] = dL/dH_(k+1) (so deltas[-1] is dS) and dWs[k] = dL/dW_(k+1)."""
    ...
'''

NAMES = ("deltas", "dWs")
# (n, widths): the all-square network first, then widths that differ, then a single sample.
SIZES = [(4, (3, 3, 3, 3)), (5, (4, 6, 3, 2)), (3, (2, 5, 4)), (1, (3, 4, 4, 2))]


def relu_net_backward(X: Array, Ws: list[Array], dS: Array) -> tuple[list[Array], list[Array]]:
    """δ_L = dS; δ_k = (δ_(k+1) W_(k+1)ᵀ) ⊙ relu′(H_k); dW_k = A_(k-1)ᵀ δ_k with A_0 = X."""
    acts, pres = [X], []
    for W in Ws[:-1]:  # the forward pass, keeping every H and A the backward pass needs
        H = acts[-1] @ W
        pres.append(H)
        acts.append(np.maximum(H, 0.0))
    deltas = [dS]
    for W, H in zip(reversed(Ws[1:]), reversed(pres)):
        deltas.insert(0, (deltas[0] @ W.T) * (H > 0.0))
    return deltas, [A.T @ delta for A, delta in zip(acts, deltas)]


def cases() -> list[tuple[Array, list[Array], Array]]:
    """(X, Ws, dS) for each size in SIZES, seeded; every hidden layer has units on both sides
    of 0 (checked by the tests)."""
    rng = np.random.default_rng(6)
    out = []
    for n, widths in SIZES:
        X = rng.normal(size=(n, widths[0]))
        Ws = [rng.normal(size=pair) for pair in itertools.pairwise(widths)]
        out.append((X, Ws, rng.normal(size=(n, widths[-1]))))
    return out


def twin_forward(X: Array, Ws: list[Array]) -> tuple[list[Array], list[Array]]:
    """[A_0 = X, A_1, ..., A_(L-1)] and [H_1, ..., H_L = S], by the NumPy twin."""
    acts, pres = [X], []
    for k, W in enumerate(Ws):
        H = Linear(W, np.zeros(W.shape[1])).forward(acts[-1])
        pres.append(H)
        if k < len(Ws) - 1:
            acts.append(activation_forward(H, "relu"))
    return acts, pres


def twin_backward(X: Array, Ws: list[Array], dS: Array) -> tuple[list[Array], list[Array]]:
    """Every δ and dW, by the NumPy twin's layers (Linear.backward, activation_backward)."""
    acts, pres = twin_forward(X, Ws)
    deltas, dWs = [dS], list[Array]()
    for k in reversed(range(len(Ws))):
        dA, dW, _ = Linear(Ws[k], np.zeros(Ws[k].shape[1])).backward(acts[k], deltas[0])
        dWs.insert(0, dW)
        if k > 0:
            deltas.insert(0, activation_backward(pres[k - 1], acts[k], dA, "relu"))
    return deltas, dWs


def _fits(a: Array, b: Array) -> bool:
    """a @ b has a shape (the inner sizes agree)."""
    return bool(a.shape[-1] == b.shape[0])


def _delta_suspects(
    k: int, Ws: list[Array], pres: list[Array], acts: list[Array], up: Array
) -> list[Suspect]:
    """The wrong δ of layer k + 1 (0-based k), given the right δ above it, ``up``."""
    layer, top = k + 1, len(Ws) - 1
    if k == top:
        wrong = [
            Suspect(
                up * (pres[k] > 0.0),
                f"the top δ (deltas[{k}]) is gated by ReLU′(S): the scores have no ReLU, so the "
                "top δ is dS itself",
                NO_OUTPUT_RELU,
            )
        ]
        if _fits(up, Ws[k].T):
            wrong.append(
                Suspect(
                    up @ Ws[k].T,
                    f"the top δ (deltas[{k}]) is dS·W{layer}ᵀ, what arrives at A{layer - 1}: "
                    "the top δ is dS itself",
                    OUTPUT,
                )
            )
        return wrong
    W, H = Ws[k + 1], pres[k]
    back = up @ W.T  # what arrives at A_(k+1)
    wrong = [
        Suspect(
            back,
            f"δ of layer {layer} (deltas[{k}]) has no ReLU′ gate: multiply δ{layer + 1}·"
            f"W{layer + 1}ᵀ by ReLU′(H{layer}), which is 0 where H{layer} ≤ 0",
        ),
        Suspect(
            back * acts[k + 1],
            f"δ of layer {layer} (deltas[{k}]) is multiplied by A{layer} = ReLU(H{layer}): "
            f"multiply by its slope ReLU′(H{layer}), 1 where H{layer} > 0 and 0 elsewhere",
        ),
    ]
    if _fits(up, W):
        wrong.append(
            Suspect(
                (up @ W) * (H > 0.0),
                f"δ of layer {layer} (deltas[{k}]) uses δ{layer + 1}·W{layer + 1}: the weights "
                f"go back transposed, δ{layer + 1}·W{layer + 1}ᵀ (on a square W both fit)",
                LAYER2,
            )
        )
    if pres[k + 1].shape == back.shape:
        wrong.append(
            Suspect(
                back * (pres[k + 1] > 0.0),
                f"δ of layer {layer} (deltas[{k}]) is gated by ReLU′(H{layer + 1}), the layer "
                f"above: the gate is the unit's own slope, ReLU′(H{layer})",
            )
        )
    return wrong


def _input_name(k: int) -> str:
    """The input of layer k + 1 (0-based k): X for the first, A_k above it."""
    return "X" if k == 0 else f"A{k}"


def _dW_suspects(k: int, pres: list[Array], acts: list[Array], delta: Array) -> list[Suspect]:
    """The wrong dW of layer k + 1 (0-based k), given its right δ."""
    layer = k + 1
    wrong = [
        Suspect(
            delta.T @ acts[k],
            f"dWs[{k}] is δ{layer}ᵀ·{_input_name(k)}, the transpose of {_input_name(k)}ᵀ·δ{layer}:"
            " dW has W's shape",
            LAYER2,
        )
    ]
    top = k == len(pres) - 1
    own, own_name = (pres[k], "S") if top else (acts[k + 1], f"A{layer}")  # the layer's output
    if own.shape[1] == acts[k].shape[1]:  # A_(k+1)ᵀ δ has W's shape only on a square layer
        wrong.append(
            Suspect(
                own.T @ delta,
                f"dWs[{k}] uses the layer's own output {own_name}; a weight of layer {layer} "
                f"multiplies the layer's input, so dW{layer} = {_input_name(k)}ᵀ·δ{layer}",
                WRONG_LAYER,
            )
        )
    if k >= 1:
        wrong.append(
            Suspect(
                pres[k - 1].T @ delta,
                f"dWs[{k}] uses H{k}, before the ReLU: the input of layer {layer} is "
                f"A{k} = ReLU(H{k})",
                WRONG_LAYER,
            )
        )
        if acts[k - 1].shape[1] == acts[k].shape[1]:
            wrong.append(
                Suspect(
                    acts[k - 1].T @ delta,
                    f"dWs[{k}] uses {_input_name(k - 1)}, the input of the layer "
                    f"below; layer {layer}'s input is A{k}",
                    WRONG_LAYER,
                )
            )
    return wrong


def _as_list(name: str, got: Any, expected: list[Array], what: str) -> list[Any]:
    """The learner's list of L arrays, or ``Wrong`` saying what it is instead."""
    count = len(expected)
    if not isinstance(got, (list, tuple)):
        raise Wrong(f"{what}: {name} should be a list of {count} arrays, got {describe(got)}", "")
    if len(got) != count:
        top = " (the top one is dS itself)" if name == "deltas" else ""
        raise Wrong(
            f"{what}: {name} should hold {count} arrays, one per layer{top}; got {len(got)}",
            RECURSION if name == "deltas" else None,
        )
    return list(got)


def _reversed(got: list[Any], expected: list[Array]) -> bool:
    """True when the learner's list is the right one with its layers in the other order."""
    if len(got) < 2:
        return False
    for item, want in zip(got[::-1], expected):
        try:
            if not close(np.asarray(item, dtype=np.float64), want):
                return False
        except (TypeError, ValueError, OverflowError):
            return False
    return True


def judge(answer: Any) -> None:
    """Run the learner's relu_net_backward on each network; raise Wrong naming the mistake."""
    for X, Ws, dS in cases():
        widths = "-".join(str(n) for n in (Ws[0].shape[0], *(W.shape[1] for W in Ws)))
        what = f"relu_net_backward on a {widths} network, batch of {len(X)}"
        result = call_answer(answer, X.copy(), [W.copy() for W in Ws], dS.copy(), what=what)
        got = unpack(result, NAMES, what)
        deltas, dWs = twin_backward(X, Ws, dS)
        acts, pres = twin_forward(X, Ws)
        got_deltas = _as_list("deltas", got[0], deltas, what)
        got_dWs = _as_list("dWs", got[1], dWs, what)
        for name, items, want in (("deltas", got_deltas, deltas), ("dWs", got_dWs, dWs)):
            if _reversed(items, want) and not _reversed(want, want):
                raise Wrong(f"{name} is top layer first: give the bottom layer's first")
        for k in reversed(range(len(Ws))):  # top down, the order the recursion runs
            up = dS if k == len(Ws) - 1 else deltas[k + 1]
            compare(
                f"deltas[{k}]",
                got_deltas[k],
                deltas[k],
                suspects=_delta_suspects(k, Ws, pres, acts, up),
                batch=len(X),
                like=f"H{k + 1}",
                when=what if len(X) == 1 else "",
            )
        for k in range(len(Ws)):
            compare(
                f"dWs[{k}]",
                got_dWs[k],
                dWs[k],
                suspects=_dW_suspects(k, pres, acts, deltas[k]),
                batch=len(X),
                like=f"W{k + 1}",
            )


EXERCISES = [
    code(
        "relu_net_backward",
        NOTEBOOK,
        "the δ recursion and every dW of a ReLU network",
        starter=STARTER,
        solution=relu_net_backward,
        judge=judge,
        section=RECURSION,
    ),
    number(
        "dw311_class_1",
        NOTEBOOK,
        "dw311 of the 2-2-2 network when the true class is 1",
        _dw311_class_1(),
        section=LAYER3,
        mistakes={
            _class_0_dw311(): "that is dw311 for the true class 0, computed in the notebook; "
            "with class 1 the target is t = (0, 1)",
        },
        hint="only Δ changes: Δ1 = p1 − t1, and t1 is now 0",
    ),
    number(
        "dead_unit_zeros",
        NOTEBOOK,
        "entries of dW2 that are exactly 0 when w211 = -0.5",
        _dead_unit_zeros(),
        section=LAYER2,
        mistakes={
            4: "not all four: only the weights into the unit whose h is negative lose their "
            "gradient",
            0: "ReLU′(h) = 0 for a unit with a negative h: what does that do to the weights "
            "into it?",
        },
        hint="which unit of layer 2 has a negative h, and which weights feed it?",
    ),
    number(
        "input_gradient",
        NOTEBOOK,
        "∂L/∂x1 of the 2-2-2 network: one more step of the recursion",
        _input_gradient(),
        section=RECURSION,
        mistakes={
            _input_gradient_untransposed(): "that multiplies by W1 itself; the recursion sends "
            "δ1 down through W1ᵀ",
        },
        hint="what arrives at x is δ1 · W1ᵀ; x1 is its first entry",
    ),
]
