"""The expression parser behind `micrograd-notes draw`: what it builds, what it refuses."""

from __future__ import annotations

import math

import pytest

from micrograd_notes.expr import ExpressionError, parse, parse_assignments


@pytest.mark.parametrize(
    ("text", "values", "want"),
    [
        ("x * w + b", {"x": 2.0, "w": 3.0, "b": -1.0}, 5.0),
        ("tanh(x) + relu(-x) + sigmoid(0)", {"x": 0.5}, math.tanh(0.5) + 0.5),
        ("x ** 2 + (-x) ** 3 + 2 ** x", {"x": -2.0}, 4 + 8 + 0.25),
        (
            "max(x, y) - min(x, y) + abs(-x) / exp(0) + log(y)",
            {"x": 1.0, "y": 3.0},
            2 + 1 + math.log(3),
        ),
        ("+x - -x", {"x": 1.5}, 3.0),
    ],
)
def test_builds_the_expression(text: str, values: dict, want: float) -> None:
    assert parse(text, values).data == pytest.approx(want, rel=1e-14)


def test_a_name_used_twice_is_one_leaf() -> None:
    root = parse("x * x", {"x": 3.0})
    assert root.parents[0] is root.parents[1] and root.parents[0].label == "x"


@pytest.mark.parametrize(
    ("text", "values", "words"),
    [
        ("__import__('os')", {}, "unknown function __import__"),
        ("().__class__", {}, "attribute access"),
        ("x.real", {"x": 1.0}, "attribute access"),
        ("x[0]", {"x": 1.0}, "indexing"),
        ("lambda: 1", {}, "lambda"),
        ("[i for i in (1, 2)]", {}, "comprehension"),
        ("(i for i in (1, 2))", {}, "generator expression"),
        ("x if x else 1", {"x": 1.0}, "if/else"),
        ("x < 1", {"x": 1.0}, "comparison"),
        ("x and 1", {"x": 1.0}, "and/or"),
        ("(y := 2)", {}, "assignment"),
        ("'a'", {}, "only numbers"),
        ("True + 1", {}, "only numbers"),
        ("x // 2", {"x": 1.0}, "the operator FloorDiv"),
        ("~x", {"x": 1.0}, "the operator Invert"),
        ("open('f')", {}, "unknown function open"),
        ("tanh(x=1)", {}, "no keyword arguments"),
        ("tanh(*x)", {"x": 1.0}, "takes 1 argument"),
        ("max(1)", {}, "takes 2 arguments"),
        ("tanh", {}, "tanh is a function"),
        ("x + y", {"x": 1.0}, "no value for 'y'"),
        ("x", {"x": 1.0, "z": 2.0}, "not in the expression: z"),
        ("x +", {}, "syntax error"),
        ("1j", {}, "only numbers"),
    ],
)
def test_refuses_with_a_clear_reason(text: str, values: dict, words: str) -> None:
    with pytest.raises(ExpressionError, match=words):
        parse(text, values)


def test_parse_assignments() -> None:
    assert parse_assignments(["x=2", " y = -1.5"]) == {"x": 2.0, "y": -1.5}
    for bad, words in [
        ("x", "NAME=NUMBER"),
        ("1x=2", "NAME=NUMBER"),
        ("x=a", "not a number"),
        ("x=nan", "finite"),
    ]:
        with pytest.raises(ExpressionError, match=words):
            parse_assignments([bad])
    with pytest.raises(ExpressionError, match="given twice"):
        parse_assignments(["x=1", "x=2"])
