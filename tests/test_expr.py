"""The expression parser behind `micrograd-notes draw`: what it builds, what it refuses."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_notes import Value
from micrograd_notes.cli import main
from micrograd_notes.expr import MAX_CHAIN, ExpressionError, parse, parse_assignments


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


def test_a_value_given_as_a_value_is_that_leaf() -> None:
    # What gradcheck needs: the expression as a function of leaves it made itself.
    x = Value(3.0, "x")
    root = parse("x * x + y", {"x": x, "y": 1.0})
    root.backward()
    assert root.parents[0].parents[0] is x and x.grad == 6.0


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


# ---- depth, huge numbers, and fuzzing ---------------------------------------------------------


def test_a_chain_is_limited_before_python_runs_out_of_stack() -> None:
    at_limit = "+".join(["a"] * (MAX_CHAIN + 1))  # MAX_CHAIN additions
    assert parse(at_limit, {"a": 1.0}).data == MAX_CHAIN + 1
    in_a_call = "+".join(["a"] * MAX_CHAIN)  # the call is one more level
    assert parse(f"tanh({in_a_call})", {"a": 0.0}).data == 0.0
    calls = "tanh" + "(a)" * (MAX_CHAIN + 2)  # tanh(a)(a)...: calls of calls nest too
    for text in [at_limit + "+a", f"-({at_limit})", "-" * 10**5 + "a", "a" + "**a" * 3000, calls]:
        with pytest.raises(ExpressionError, match=f"at most {MAX_CHAIN:,} operations in a row"):
            parse(text, {"a": 1.0})


def test_a_long_refused_expression_is_quoted_short() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("x y " * 300, {"x": 1.0})
    assert "syntax error in 'x y x y" in str(caught.value) and len(str(caught.value)) < 150


@pytest.mark.parametrize("text", ["x * 1e400", "x * " + "9" * 400, "x ** " + "9" * 400])
def test_a_number_too_big_for_a_float_is_refused(text: str) -> None:
    with pytest.raises(ExpressionError, match="does not fit in a float"):
        parse(text, {"x": 1.0})


# Pieces an expression is made of, so that random strings are often nearly valid.
PIECES = [*"xyz0123456789.e+-*/()!,= _[]'\"", "**", "tanh(", "log(", "max(", "1e308", "lambda"]
VALID = ["x * y + z", "tanh(x * y + 0.5)", "max(x, y) ** 2 / (z + 1)", "log(abs(x) + 1) - exp(y)"]


def _check_outcome(text: str) -> None:
    """Either a Value, or one of the package's own one-line errors."""
    try:
        root = parse(text, {"x": 1.5, "y": -2.0, "z": 0.25})
    except (ExpressionError, ArithmeticError, ValueError) as err:  # the engine's own, too
        message = str(err)
        assert message and "\n" not in message and len(message) < 300, message
    else:
        assert math.isfinite(root.data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_fuzz_random_expressions(text: str) -> None:
    _check_outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(VALID), st.integers(0, 40), st.text(max_size=6), st.integers(0, 6))
def test_fuzz_mutated_expressions(base: str, at: int, insert: str, cut: int) -> None:
    at = min(at, len(base))
    _check_outcome(base[:at] + insert + base[at + cut :])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_fuzz_the_draw_command_writes_only_its_output(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "g.dot"
        try:
            code = main(["draw", text, "x=1.5", "-o", str(out)])
        except SystemExit as exit_:  # argparse refusing, e.g. an expression like --x
            code = exit_.code
        assert code in (0, 2)
        assert [p.name for p in Path(folder).iterdir()] == (["g.dot"] if code == 0 else [])


# ---- names as Python reads them, long input, numbers at the edge of a float -------------------


def test_a_name_is_folded_the_same_in_the_expression_and_in_its_value() -> None:
    # Python reads the mathematical italic 𝑥 in an expression as x (NFKC); its value must
    # reach it whichever way it is written.
    assert parse("𝑥*2", parse_assignments(["𝑥=3"])).data == 6.0
    assert parse("𝑥*2", {"𝑥": 3.0}).data == 6.0
    assert parse("x*2", {"𝑥": 3.0}).data == 6.0
    with pytest.raises(ExpressionError, match="given twice"):
        parse_assignments(["𝑥=3", "x=4"])
    with pytest.raises(ExpressionError, match="the same name"):
        parse("x", {"𝑥": 3.0, "x": 4.0})


LONG = "q" * 100_000


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (f"{LONG} + 1", []),  # an unknown name
        (f"{LONG}(1)", []),  # an unknown function
        ("x + 1", [f"x={LONG}"]),  # a value that is not a number
        ("x + 1", [f"{LONG}=1", "x=1"]),  # a value for a name not in the expression
        ("x + 1", [f"x{LONG}"]),  # not NAME=NUMBER at all
        ("x + 1", [f"{LONG}=1", f"{LONG}=2"]),  # a name given twice
        ("x + 1", [f"x=1{'0' * 100_000}"]),  # a number too big for a float
        ("x * " + "9" * 100_000, ["x=1"]),  # the same, in the expression
        (f"x.{LONG}", ["x=1"]),
        (f"x + 'a{LONG}'", ["x=1"]),
    ],
)
def test_an_error_about_long_input_is_one_short_line(text: str, pairs: list[str]) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, parse_assignments(pairs))
    message = str(caught.value)
    assert "\n" not in message and len(message) <= 150, message[:300]


def test_a_long_integer_that_fits_in_a_float_is_read() -> None:
    big = 15 * 10**307  # 1.5e308 written out: 309 digits, under the largest float
    assert parse(f"x * {big}", {"x": 1.0}).data == float(big)
    assert parse(f"x ** {big // 10**307}", {"x": 2.0}).data == 2.0**15


def test_an_empty_expression_is_named_empty() -> None:
    for text in ["", "   ", "\n"]:
        with pytest.raises(ExpressionError, match="the expression is empty"):
            parse(text, {})


def test_caret_is_explained_as_not_a_power() -> None:
    with pytest.raises(ExpressionError, match=r"\^ .*use \*\* for powers.*x\*\*2"):
        parse("x^2", {"x": 3.0})


def test_a_mistyped_function_is_suggested() -> None:
    with pytest.raises(ExpressionError, match=r"unknown function tnah: did you mean tanh\?"):
        parse("tnah(x)", {"x": 1.0})
    with pytest.raises(ExpressionError) as caught:  # nothing close: no guess
        parse("open(x)", {"x": 1.0})
    assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize("number", ["1e400", "1e999", "9" * 400])
def test_a_number_too_big_for_a_float_is_worded_the_same_everywhere(number: str) -> None:
    with pytest.raises(ExpressionError) as in_expression:
        parse(f"x * {number}", {"x": 1.0})
    with pytest.raises(ExpressionError) as as_value:
        parse_assignments([f"x={number}"])
    for caught in (in_expression, as_value):
        assert "does not fit in a float (the largest is about 1.8e308)" in str(caught.value)
        assert number[:6] in str(caught.value)  # the number as written, not "inf"


# ---- long expressions: the limit is the graph's, and said in terms ---------------------------


def test_a_flat_sum_of_hundreds_of_terms_builds() -> None:
    names = [f"x{i}" for i in range(1000)]
    root = parse(" + ".join(names), dict.fromkeys(names, 1.0))
    assert root.data == 1000.0
    assert parse("*".join(["a"] * 1000), {"a": 1.0}).data == 1.0
    assert parse("-" * 999 + "a", {"a": 2.0}).data == -2.0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("+".join(["a"] * 5000), "a sum of 5,000 terms"),
        ("+".join(["a"] * 100_000), "a sum of 100,000 terms"),
        ("*".join(["a"] * 3000), "a product of 3,000 factors"),
        ("-" * 100_000 + "a", "100,000 signs"),
        ("a" + "**a" * 3000, "3,000 powers"),
        ("tanh(" * 250 + "a" + ")" * 250, "250 brackets inside one another"),
    ],
)
def test_too_long_an_expression_says_what_is_too_long(text: str, words: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, {"a": 1.0})
    message = str(caught.value)
    assert words in message and "\n" not in message and len(message) <= 150, message
