"""Losses, each a mean over the batch and built from Value gates (so backward() just works).

Label conventions: ``hinge`` takes labels in {-1, +1}; ``binary_cross_entropy`` takes
{0, 1}; ``softmax_cross_entropy`` takes class indices 0..K-1. These labels are constants:
plain numbers, or, for hinge and binary cross-entropy, leaf Values holding them (the inputs of
a compiled step, into which each mini-batch's labels are written; they get a grad too). A
computed Value is refused with an error saying to pass its ``.data``. ``mse`` takes targets
that are numbers or Values; a Value target is part of the graph and gets a grad too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from micrograd_notes.engine import Value
from micrograd_notes.helpers import real_to_float


def _batch(preds: Sequence[object], targets: Sequence[object], name: str) -> int:
    if len(preds) != len(targets):
        raise ValueError(f"{name}: {len(preds)} predictions but {len(targets)} targets")
    if not preds:
        raise ValueError(f"{name}: the batch is empty")
    return len(preds)


def _values(preds: Sequence[object], name: str) -> None:
    """Every prediction must be a Value: one per input, not a model's list of outputs."""
    for i, p in enumerate(preds):
        if not isinstance(p, Value):
            raise TypeError(
                f"{name}: prediction {i} is a {type(p).__name__}, not a Value; pass one Value "
                "per input (from a model with several outputs, pick one: out[0])"
            )


def _target(t: object, i: int, name: str) -> Value | float:
    """An mse target: a Value (kept in the graph) or a real number (a constant)."""
    if isinstance(t, Value):
        return t
    number = real_to_float(t)
    if number is None:
        raise TypeError(f"{name}: target {i} must be a number or a Value, got {t!r}")
    return number


def _labels(labels: Sequence[object], name: str) -> None:
    """Class labels are constants: refuse a Value with advice, before checking the values."""
    for i, y in enumerate(labels):
        if isinstance(y, Value):
            raise TypeError(
                f"{name}: label {i} is a Value; labels are constants, pass plain numbers "
                f"(its .data, {y.data!r})"
            )


def _two_classes(
    labels: Sequence[object], name: str, classes: tuple[int, int], said: str
) -> list[Value | float]:
    """Labels of two classes: each a number in ``classes`` (as a float) or a leaf Value holding
    one (kept: a compiled step's input); a computed Value is refused with advice."""
    found: list[Value | float] = []
    for i, y in enumerate(labels):
        if isinstance(y, Value) and not y.is_leaf:
            raise TypeError(
                f"{name}: label {i} is a computed Value; labels are constants, pass plain "
                f"numbers (its .data, {y.data!r}) or leaf Values"
            )
        value = y.data if isinstance(y, Value) else y
        number = real_to_float(value)
        if number is None or number not in classes:
            raise ValueError(f"{name}: labels must be {said}, got {value!r}")
        found.append(y if isinstance(y, Value) else number)
    return found


def _mean(terms: list[Value]) -> Value:
    return Value.sum(terms) * (1.0 / len(terms))


def mse(preds: Sequence[Value], targets: Sequence[Value | float]) -> Value:
    """(1/n) Σ (p_i - t_i)^2: mean squared error over the batch (targets: numbers or Values)."""
    _batch(preds, targets, "mse")
    _values(preds, "mse")
    ts = [_target(t, i, "mse") for i, t in enumerate(targets)]
    return _mean([(p - t) ** 2 for p, t in zip(preds, ts)])


def hinge(scores: Sequence[Value], labels: Sequence[float | Value]) -> Value:
    """(1/n) Σ max(0, 1 - y_i s_i) for labels y_i in {-1, +1}: the max-margin loss."""
    _batch(scores, labels, "hinge")
    _values(scores, "hinge")
    ys = _two_classes(labels, "hinge", (-1, 1), "-1 or +1")
    return _mean([(1.0 - y * s).relu() for s, y in zip(scores, ys)])


def softplus(z: Value) -> Value:
    """log(1 + e^z) = log(1 + e^-|z|) + max(z, 0), without overflow for any z; d/dz = sigmoid(z).

    e is only ever raised to a non-positive power. Both forms are the same function, and this
    one has no branch on z.data: the graph has one shape whatever z is, so a compiled step
    (tape.compile) computes it right for any z. Its floats are those of the two-branch form
    (z + log(1 + e^-z) for z > 0, log(1 + e^z) otherwise), and at z = 0, where |z| has no
    slope, max's tie sends half: d/dz = 1/2 = sigmoid(0).
    """
    return (1.0 + (-abs(z)).exp()).log() + z.max(0.0)


def binary_cross_entropy(logits: Sequence[Value], labels: Sequence[float | Value]) -> Value:
    """(1/n) Σ [softplus(z_i) - y_i z_i] = -mean of y log σ(z) + (1-y) log(1-σ(z)), from logits."""
    _batch(logits, labels, "binary_cross_entropy")
    _values(logits, "binary_cross_entropy")
    ys = _two_classes(labels, "binary_cross_entropy", (0, 1), "0 or 1")
    return _mean([softplus(z) - y * z for z, y in zip(logits, ys)])


def log_sum_exp(zs: Sequence[Value]) -> Value:
    """log Σ e^z_i = m + log Σ e^(z_i - m) with m = max z_i, so e^ never overflows.

    m is a plain number, not a Value: the shift cancels out and moves no gradient.
    """
    m = max(z.data for z in zs)
    return Value.sum([(z - m).exp() for z in zs]).log() + m


def softmax_cross_entropy(logits: Sequence[Sequence[Value]], labels: Sequence[int]) -> Value:
    """(1/n) Σ [log Σ_k e^z_ik - z_iy_i]: -mean log softmax(z_i)[y_i], for class indices y_i."""
    _batch(logits, labels, "softmax_cross_entropy")
    _labels(labels, "softmax_cross_entropy")
    terms = []
    for row, y in zip(logits, labels):
        if isinstance(y, bool) or not float(y).is_integer() or not 0 <= y < len(row):
            raise ValueError(
                f"softmax_cross_entropy: label {y!r} is not a class index in 0..{len(row) - 1}"
            )
        terms.append(log_sum_exp(row) - row[int(y)])
    return _mean(terms)


def l2(params: Sequence[Value], alpha: float) -> Value:
    """alpha Σ p_i^2: L2 regularisation (one fused node: dot(p, p))."""
    if not (math.isfinite(alpha) and alpha >= 0.0):
        raise ValueError(f"l2: alpha must be a finite number >= 0, got {alpha!r}")
    return Value.dot(params, params) * alpha


def accuracy(scores: Sequence[Value], labels: Sequence[float]) -> float:
    """Fraction of scores whose sign matches the label's class: labels in {-1, +1} or {0, 1}
    (a label > 0 is the positive class; a score of 0 counts as wrong)."""
    _batch(scores, labels, "accuracy")
    _values(scores, "accuracy")
    return sum((s.data > 0) == (y > 0) and s.data != 0 for s, y in zip(scores, labels)) / len(
        scores
    )
