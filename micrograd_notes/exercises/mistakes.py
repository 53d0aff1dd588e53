"""Naming what is wrong with an array that a learner's code returned.

``compare(name, got, expected)`` returns quietly when ``got`` is ``expected`` to float
rounding, and otherwise raises ``Wrong`` with one line naming the mistake. It tries, in order:

1. the wrong answers the exercise computed from the same inputs (``Suspect``s: "dY·W in
   place of dY·Wᵀ", "not summed over the batch"), each with what it means;
2. a wrong shape: transposed, one row per sample left unsummed, or else the shape expected;
3. the mistakes any array gradient invites: a sign flip, a transpose, a reversal, a factor of
   2, a missing 1/N (or one too many);
4. the first wrong entry, with the value expected there.

The helpers below build the suspects several exercises share (``sum_suspects``) and check a
tuple of results (``unpack``, ``check_order``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.exercises.core import Wrong, describe

Array = NDArray[np.float64]

RTOL = 1e-6  # right to float rounding: a learner's sums in another order differ by ~1e-15
ATOL = 1e-9  # times the largest expected entry, for entries that should be ~0


@dataclass(frozen=True)
class Suspect:
    """A wrong answer computed from the inputs, and the mistake it means (one line)."""

    value: Any
    message: str
    section: str | None = None  # the section to reread; None: the exercise's own


def close(got: Array, expected: Array) -> bool:
    """Same shape, and every entry within RTOL of it (ATOL of the largest, near zero)."""
    if got.shape != expected.shape:
        return False
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    return bool(np.all(np.abs(got - expected) <= RTOL * np.abs(expected) + ATOL * scale))


def as_array(name: str, got: Any, expected: Array) -> Array:
    """The learner's result as a float array, or ``Wrong`` saying what it is instead."""
    want = f"an array of numbers of shape {expected.shape}"
    if got is None or isinstance(got, (str, bytes, dict, set)) or np.iscomplexobj(got):
        raise Wrong(f"{name} should be {want}, got {describe(got)}", "")
    if isinstance(got, (list, tuple)) and len(got) > 10 * expected.size + 10:
        raise Wrong(f"{name} has {len(got):,} entries; expected shape {expected.shape}", "")
    try:
        return np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise Wrong(f"{name} should be {want}, got {describe(got)}", "") from None


def compare(
    name: str,
    got: Any,
    expected: Any,
    *,
    suspects: Sequence[Suspect] = (),
    batch: int | None = None,
    like: str = "",
    shape_hint: str = "",
    when: str = "",
) -> None:
    """Return when ``got`` is ``expected``; else raise ``Wrong`` naming the mistake.

    ``batch`` is the number of samples N (it names "a missing 1/N" and an unsummed batch);
    ``like`` names what the result has the shape of ("W"); ``shape_hint`` is said after a
    wrong shape; ``when`` starts every message ("for scores near ±1000").
    """
    expected = np.asarray(expected, dtype=np.float64)
    start = f"{when}, " if when else ""
    array = as_array(name, got, expected)
    if close(array, expected):
        return
    for suspect in suspects:
        if close(array, np.asarray(suspect.value, dtype=np.float64)):
            raise Wrong(start + suspect.message, suspect.section)
    if array.shape != expected.shape:
        hint = f": {shape_hint}" if shape_hint else ""
        raise Wrong(start + shape_problem(name, array, expected, batch, like) + hint)
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise Wrong(f"{start}{name}{_at(index)} is {array[index]}, not a finite number")
    raise Wrong(
        start + (value_problem(name, array, expected, batch) or first_wrong(name, array, expected))
    )


def shape_problem(
    name: str, got: Array, expected: Array, batch: int | None = None, like: str = ""
) -> str:
    """What a wrong shape says: a transpose, a batch not summed, or the shape expected."""
    want = expected.shape
    if got.ndim == 2 and got.shape == want[::-1]:
        return f"{name} has shape {got.shape}, the transpose of {want}: is it transposed?"
    if batch is not None and got.shape == (batch, *want):
        return (
            f"{name} has shape {got.shape}, one row per sample: it still needs the sum over "
            f"the batch (axis 0) that gives {want}"
        )
    if got.ndim == 0 and want:
        return f"{name} is a single number; expected shape {want}"
    return f"{name} has shape {got.shape}; expected {want}" + (
        f", the shape of {like}" if like else ""
    )


def value_problem(name: str, got: Array, expected: Array, batch: int | None = None) -> str | None:
    """A mistake any array gradient invites, seen in the values: sign, transpose, reversal, a
    factor of 2 or of N. None when it is none of these."""
    if close(got, -expected):
        return f"{name} has the wrong sign (a sign flip)"
    if got.ndim == 2 and got.shape[0] == got.shape[1] and close(got, expected.T):
        return f"{name} is transposed"
    if got.ndim == 1 and got.size > 1 and close(got, expected[::-1]):
        return f"{name} is reversed (flipped end to end)"
    factors = [(2.0, "twice the right value (a factor of 2)"), (0.5, "half the right value")]
    if batch is not None and batch > 2:
        factors += [
            (float(batch), f"N = {batch} times the right value: a missing 1/N"),
            (1.0 / batch, f"1/N of the right value (N = {batch}): divided by N once too often"),
        ]
    for factor, words in factors:
        if close(got, factor * expected):
            return f"{name} is {words}"
    return None


def first_wrong(name: str, got: Array, expected: Array) -> str:
    """``dW[1, 2] is 0.3125, expected -0.4412``: the first entry that is off."""
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    off = np.abs(got - expected) > RTOL * np.abs(expected) + ATOL * scale
    index = tuple(int(i) for i in np.argwhere(off)[0])
    return f"{name}{_at(index)} is {got[index]:.6g}, expected {expected[index]:.6g}"


def _at(index: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, index))}]" if index else ""


# ---- shared suspects and tuples of results -----------------------------------------------


def sum_suspects(
    name: str, full: Array, axis: int, reason: str, section: str | None = None
) -> list[Suspect]:
    """The wrong answers of a gradient that must sum ``full`` over ``axis``: no sum at all, a
    sum over another axis, a sum over every axis. ``reason`` says why that axis; ``section``
    is the one to reread (None: the exercise's own)."""
    suspects = [Suspect(full, f"{name} is not summed over axis {axis}: {reason}", section)]
    for other in range(full.ndim):
        if other != axis:
            suspects.append(
                Suspect(
                    full.sum(axis=other),
                    f"{name} sums over axis {other} instead of axis {axis}: {reason}",
                    section,
                )
            )
    suspects.append(
        Suspect(full.sum(), f"{name} sums over every axis, not only axis {axis}", section)
    )
    return suspects


def unpack(got: Any, names: Sequence[str], what: str) -> tuple[Any, ...]:
    """The learner's result as one item per name, or ``Wrong`` saying what was expected."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        expected = f"({', '.join(names)})"
        raise Wrong(
            f"{what} should return the {len(names)} arrays {expected}, got {describe(got)}", ""
        )
    return tuple(got)


def check_order(names: Sequence[str], got: Sequence[Any], expected: Sequence[Array]) -> None:
    """``Wrong`` when one of the learner's results is another's right answer (swapped)."""
    for i, item in enumerate(got):
        for j, want in enumerate(expected):
            if i == j:
                continue
            try:
                array = np.asarray(item, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                continue
            if close(array, want) and not close(array, expected[i]):
                order = ", ".join(names)
                raise Wrong(
                    f"your {names[i]} is what {names[j]} should be: return ({order}) in that order"
                )
