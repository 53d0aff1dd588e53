"""The shared helpers: reading a real number, quoting a value, and one name per node everywhere."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest

from micrograd_notes import Value, viz
from micrograd_notes.helpers import node_name, quoted, real_to_float


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (3, 3.0),
        (True, 1.0),
        (2.5, 2.5),
        (Fraction(1, 4), 0.25),
        (np.float32(0.5), 0.5),
        (np.int64(7), 7.0),
        (10**400, math.inf),  # float() would raise OverflowError
        (-(10**400), -math.inf),
        (math.nan, math.nan),
    ],
)
def test_real_numbers_become_floats(x: object, expected: float) -> None:
    got = real_to_float(x)
    assert type(got) is float
    assert got == expected or (math.isnan(got) and math.isnan(expected))


@pytest.mark.parametrize("x", ["1.0", None, [1.0], 1 + 2j, Value(1.0), np.array([1.0])])
def test_anything_else_is_none(x: object) -> None:
    assert real_to_float(x) is None


def test_quoted_cuts_a_long_repr() -> None:
    assert quoted("abc") == "'abc'"
    long = quoted("x" * 500)
    assert long == "'" + "x" * 55 + "'..."  # 60 characters, the quotes still paired
    assert quoted(list(range(100)), limit=20) == "[0, 1, 2, 3, 4, 5..."


def test_quoted_cuts_a_string_with_escapes_within_the_limit() -> None:
    for text in ["\n" * 500, "\x00" * 500, "a\tb" * 200, "é" * 500]:
        shown = quoted(text, limit=40)
        assert len(shown) <= 40 and shown.endswith("'...")
        assert eval(shown.removesuffix("...")) == text[: len(eval(shown.removesuffix("...")))]


def test_a_node_is_named_by_its_label_its_value_or_its_op_and_place() -> None:
    x = Value(2.0, "x")
    inner = x * 0.125
    assert [node_name(n) for n in (x, inner.parents[1], inner)] == ["x", "0.125", "*"]
    assert node_name(inner, 2) == "*#2"
    inner.label = "h"
    assert node_name(inner, 2) == "h"


def _box_names(root: Value) -> set[str]:
    """The name in the first field of every box of the drawing of ``root``."""
    source = viz.to_digraph(root, legend=False).source
    return set(re.findall(r'label="\{ ([^|]*?) \|', source))


def test_the_trace_table_names_only_what_the_drawing_shows() -> None:
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    root = (x * y + x * 2.0).tanh() * (y * y)  # unlabelled *, + and tanh nodes, a constant
    trace = viz.trace_backward(root)
    shown = _box_names(root)
    table = {name for row in trace.rows() for name in (row[1], row[3])}
    assert {"*#2", "2", "*#4", "+#5", "tanh#6", "*#7", "*#8"} <= table
    assert table <= shown
    assert [trace.name(i) for i in range(len(trace.nodes))] == [
        node_name(node, i) for i, node in enumerate(trace.nodes)
    ]


def test_an_error_names_a_node_as_the_drawing_does() -> None:
    x = Value(1.0, "x")
    root = (x * 1e-300) * 1e200 * 1e200
    with pytest.raises(OverflowError) as caught:
        root.backward()
    named = re.findall(r"'([^']+)' \(data", str(caught.value))
    assert named == ["*#2", "*#4"]  # the node whose grad overflowed, and the gate that sent it
    assert set(named) <= _box_names(root)
