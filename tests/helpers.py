"""Test helpers shared by several test files."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from micrograd_notes import Value


def numerical_grads(
    params: Sequence[Value], loss: Callable[[], Value], eps: float = 1e-6
) -> list[float]:
    """d loss / d p for each parameter by central differences, nudging p.data in place."""
    grads = []
    for p in params:
        start = p.data
        p.data = start + eps
        up = loss().data
        p.data = start - eps
        down = loss().data
        p.data = start
        grads.append((up - down) / (2 * eps))
    return grads


def assert_close_lists(
    got: Sequence[float], want: Sequence[float], rtol: float, atol: float
) -> None:
    """Element-wise |got - want| <= atol + rtol |want|, naming the first bad index."""
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert abs(g - w) <= atol + rtol * abs(w), f"index {i}: got {g!r}, want {w!r}"
