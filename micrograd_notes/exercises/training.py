"""Notebook 10, training an MLP: the exercises and their solutions.

``sgd_step``: one step of plain gradient descent, written by the learner: clear the grads,
build the loss, ``backward()``, move every parameter against its gradient. The checker runs
it on three small models whose parameters arrive holding stale grads (as they do in a loop,
from the step before), and compares with the same step done right; a wrong step is matched
against the usual slips (grads not cleared, the sign, lr twice or not at all, the update made
before ``backward()`` or to a new Value instead of ``p.data``).

``hinge_slope`` and ``momentum_distance`` are numbers worked by hand from the formulas of the
notebook; the module computes them with the package's loss and optimizer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import Wrong, as_number, call_answer, code, number
from micrograd_notes.exercises.mistakes import Suspect, as_array, compare
from micrograd_notes.losses import hinge, l2, mse, softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD

NOTEBOOK = "10"
STEP = "One training step"
HINGE = "The hinge loss"
MOMENTUM = "Momentum"

STARTER = '''\
def sgd_step(params, compute_loss, lr):
    """One step of plain gradient descent. params: the model's parameters (Values);
    compute_loss(): builds the loss (a Value) from them, afresh at each call; lr: the
    learning rate. Moves every parameter one step against its gradient and returns the
    loss's value (a float) before the step."""
    ...
'''


def sgd_step(params: list[Value], compute_loss: Callable[[], Value], lr: float) -> float:
    """p ← p − lr · ∂L/∂p for every parameter, with the grads cleared first (they add up)."""
    for p in params:
        p.grad = 0.0
    loss = compute_loss()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.data


# ---- the three models the checker trains one step -------------------------------------------


def _scores(model: MLP, xs: list[list[float]]) -> list[Value]:
    """The model's one output for each input (an MLP with one output gives a Value)."""
    return [cast(Value, model(x)) for x in xs]


def _rows(model: MLP, xs: list[list[float]]) -> list[list[Value]]:
    """The model's outputs for each input, a list of Values per input."""
    return [cast(list[Value], model(x)) for x in xs]


def _regression() -> tuple[list[Value], Callable[[], Value], float]:
    """A 3-5-1 tanh MLP, mean squared error on 6 points, plus L2."""
    rng = np.random.default_rng(10)
    model = MLP(3, [5, 1], activation="tanh", seed=3)
    xs, ts = rng.normal(size=(6, 3)).tolist(), rng.normal(size=6).tolist()
    params = model.parameters()
    return params, lambda: mse(_scores(model, xs), ts) + l2(params, 0.01), 0.3


def _classes() -> tuple[list[Value], Callable[[], Value], float]:
    """A 2-4-3 ReLU MLP, softmax cross-entropy on 7 points of 3 classes."""
    rng = np.random.default_rng(11)
    model = MLP(2, [4, 3], seed=4)
    xs, ys = rng.normal(size=(7, 2)).tolist(), [0, 1, 2, 1, 0, 2, 2]
    return model.parameters(), lambda: softmax_cross_entropy(_rows(model, xs), ys), 0.2


def _margin() -> tuple[list[Value], Callable[[], Value], float]:
    """A 2-3-1 ReLU MLP with the hinge loss on 5 points."""
    rng = np.random.default_rng(12)
    model = MLP(2, [3, 1], seed=5)
    xs, ys = rng.normal(size=(5, 2)).tolist(), [1, -1, 1, 1, -1]
    return model.parameters(), lambda: hinge(_scores(model, xs), ys), 0.05


CASES = {
    "a 3-5-1 tanh MLP with squared error and L2": _regression,
    "a 2-4-3 ReLU MLP with softmax cross-entropy": _classes,
    "a 2-3-1 ReLU MLP with the hinge loss": _margin,
}


def _state(params: list[Value]) -> tuple[list[float], list[float]]:
    return [p.data for p in params], [p.grad for p in params]


def _restore(params: list[Value], data: list[float], grads: list[float]) -> None:
    for p, d, g in zip(params, data, grads):
        p.data, p.grad = d, g


def _fresh_gradient(params: list[Value], compute_loss: Callable[[], Value]) -> tuple[float, Any]:
    """The loss and ∂L/∂p at the parameters' present values; the parameters are left as found."""
    data, grads = _state(params)
    for p in params:
        p.grad = 0.0
    loss = compute_loss()
    loss.backward()
    fresh = np.array([p.grad for p in params])
    _restore(params, data, grads)
    return loss.data, fresh


def _suspects(p0: Any, g: Any, stale: Any, lr: float) -> list[Suspect]:
    """The parameters after each usual slip, from p0 with fresh grads g and stale grads."""
    return [
        Suspect(
            p0 - lr * (g + stale),
            "the grads were not cleared before backward(), so it added this step's gradient to "
            "the last step's (grads accumulate): set every p.grad to 0 first",
        ),
        Suspect(
            p0 - lr * stale,
            "the parameters moved by the grads left from the step before: move them after "
            "this step's backward(), with the grads it gives",
        ),
        Suspect(
            p0,
            "no parameter moved: change p.data itself, after backward() (p = p - lr * p.grad "
            "makes a new Value and leaves the model's parameter as it was)",
        ),
        Suspect(
            p0 + lr * g,
            "the parameters moved up the gradient (p + lr·grad): a step of "
            "descent goes against it, p − lr·grad",
        ),
        Suspect(p0 - lr * lr * g, "the step is lr²·grad: the learning rate is applied twice"),
        Suspect(p0 - g, "the step is the whole gradient: multiply it by the learning rate lr"),
        Suspect(
            p0 - 2 * lr * g,
            "the step is twice lr·grad: did backward() run twice without clearing the grads?",
        ),
    ]


def judge(answer: Any) -> None:
    """Run the learner's sgd_step once on each model; raise Wrong naming the mistake."""
    for description, make in CASES.items():
        params, compute_loss, lr = make()
        rng = np.random.default_rng(len(params))
        stale = rng.normal(size=len(params))  # grads left over from the step before
        for p, s in zip(params, stale):
            p.grad = float(s)
        p0 = np.array([p.data for p in params])
        loss_before, g = _fresh_gradient(params, compute_loss)
        after = p0 - lr * g
        what = f"sgd_step on {description}, lr = {lr:g}"
        returned = call_answer(answer, params, compute_loss, lr, what=what)
        got = as_array("the parameters after the step", [p.data for p in params], after)
        compare(
            "the parameters after the step",
            got,
            after,
            suspects=_suspects(p0, g, stale, lr),
            when=f"on {description}",
        )
        if isinstance(returned, Value):
            raise Wrong(
                "sgd_step returned the loss Value: return its value, loss.data (a float)", ""
            )
        given = as_number(returned)
        if math.isclose(given, loss_before, rel_tol=1e-9, abs_tol=1e-12):
            continue
        loss_after = compute_loss().data
        if math.isclose(given, loss_after, rel_tol=1e-9, abs_tol=1e-12):
            raise Wrong(
                f"on {description}, sgd_step returned the loss after the step; return the loss "
                "its gradient came from, the one before the step"
            )
        raise Wrong(
            f"on {description}, sgd_step returned {given:.6g}; the loss before the step is "
            f"{loss_before:.6g}"
        )


def hinge_slope() -> float:
    """∂L/∂s_0 for the mean hinge loss over 100 points, point 0 with y = +1 and s = 0.3."""
    scores = [Value(0.3)] + [Value(2.0) for _ in range(99)]  # the others beyond the margin
    hinge(scores, [1] * 100).backward()
    return scores[0].grad


def momentum_distance() -> float:
    """How far SGD (lr 0.1, momentum 0.9) moves a parameter in 3 steps of gradient 0.5."""
    p = Value(0.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    for _ in range(3):
        p.grad = 0.5
        opt.step()
    return abs(p.data)


def _plain_distance() -> float:
    """The same three steps without momentum: 3 · lr · g."""
    p = Value(0.0)
    opt = SGD([p], lr=0.1)
    for _ in range(3):
        p.grad = 0.5
        opt.step()
    return abs(p.data)


def _last_step() -> float:
    """Only the third step of the momentum run: lr · (1 + β + β²) · g."""
    return 0.1 * (1 + 0.9 + 0.9**2) * 0.5


EXERCISES = [
    code(
        "sgd_step",
        NOTEBOOK,
        "one step of gradient descent: clear, forward, backward, update",
        starter=STARTER,
        solution=sgd_step,
        judge=judge,
        section=STEP,
    ),
    number(
        "hinge_slope",
        NOTEBOOK,
        "∂L/∂s of one point's score, for the mean hinge loss over 100 points",
        hinge_slope(),
        section=HINGE,
        mistakes={
            -1.0: "that is the slope of the point's own term; the loss is the mean over the "
            "100 points",
            0.0: "0 is the slope beyond the margin, where y·s ≥ 1; is this point there?",
            -hinge_slope(): "the sign is flipped: raising the score of a +1 point lowers its loss",
        },
        hint="write the point's term of the loss, then its slope in s",
    ),
    number(
        "momentum_distance",
        NOTEBOOK,
        "how far three steps of SGD with momentum move a parameter",
        momentum_distance(),
        section=MOMENTUM,
        mistakes={
            _plain_distance(): "that is three plain steps of lr·g: momentum adds the velocity "
            "of the steps before",
            _last_step(): "that is the third step alone; add the first two",
            momentum_distance() / 0.1: "that is the sum of the velocities; each step moves lr "
            "times its velocity",
        },
        hint="write v after each step (v ← β·v + g), then add up the steps lr·v",
    ),
]
