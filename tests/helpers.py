"""Test helpers shared by several test files."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

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


def balanced_sum(leaves: int) -> str:
    """``((x+x)+(x+x))...`` with ``leaves`` copies of x: shallow enough for any parser."""
    terms = ["x"] * leaves
    while len(terms) > 1:
        terms = [f"({a}+{b})" for a, b in zip(terms[::2], terms[1::2])]
    return terms[0]


def load_script(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as module ``name`` without putting its folder on sys.path
    (where web/build.py would shadow PyPI's ``build`` package for every later import)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass in it looks its module up there
    spec.loader.exec_module(module)
    return module
