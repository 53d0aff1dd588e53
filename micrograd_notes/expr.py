"""Build a Value graph from a small arithmetic expression, safely.

The text is parsed with Python's ``ast`` and walked against a whitelist: numbers, names,
``+ - * / **``, unary minus, and calls of the gate functions below. Nothing is ever passed
to ``eval``; anything else (attributes, subscripts, lambdas, comprehensions, keywords,
strings, ...) is an ``ExpressionError`` that says what was refused.
"""

from __future__ import annotations

import ast
import difflib
import io
import keyword
import math
import re
import tokenize
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping

from micrograd_notes.engine import Value
from micrograd_notes.helpers import quoted, real_to_float

FUNCTIONS: dict[str, tuple[int, Callable[..., Value]]] = {
    "relu": (1, Value.relu),
    "sigmoid": (1, Value.sigmoid),
    "tanh": (1, Value.tanh),
    "exp": (1, Value.exp),
    "log": (1, Value.log),
    "abs": (1, Value.abs),
    "max": (2, Value.max),
    "min": (2, Value.min),
}

_BINARY: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


# Python's parser reads ``a + b + c`` as ``(a + b) + c``: n operations one after another
# (a sum of n + 1 terms, n signs as in ``- - a``, n powers) nest n levels deep, and Python's
# parser and its ``ast`` module recurse once per level: a few thousand levels are a
# RecursionError or a MemoryError, and on Python 3.10 can crash the interpreter. So the text
# is measured before it is parsed. The graph is built without recursion, so within this the
# only limit is the drawing's, on nodes (viz.MAX_NODES, 2000), which comes first for most
# long chains: a sum of 1,001 different terms is 2,001 nodes.
MAX_CHAIN = 1000
# Python's parser allows at most this many brackets inside one another.
MAX_BRACKETS = 200


class ExpressionError(ValueError):
    """An expression that cannot be built, with the reason in one line."""


# What building and back-propagating a user's expression can raise because of the input
# itself (a bad name, log of a negative, x / 0, an overflow): the CLI and the playground both
# show these as one line, never as a traceback.
INPUT_ERRORS = (ExpressionError, ArithmeticError, ValueError, TypeError)


def _too_long(what: str, max_chain: int = MAX_CHAIN) -> ExpressionError:
    return ExpressionError(
        f"the expression is too long: {what} one after another (at most {max_chain:,} "
        "operations in a row; brackets split a chain)"
    )


def _too_deep(brackets: int | str, max_brackets: int = MAX_BRACKETS) -> ExpressionError:
    return ExpressionError(
        f"the expression is too deep: {brackets} brackets inside one another "
        f"(at most {max_brackets})"
    )


def _named(name: str) -> str:
    """A name (or names) as an error shows it: as written, or quoted and cut short if long."""
    return name if len(name) <= 30 else quoted(name, 30)


# What a run of one operator is, in words: ``a + b + c`` is a sum of 3 terms.
_RUNS = {"+": "terms", "-": "terms", "*": "factors", "/": "factors", "**": "powers"}


class _Bracket:
    """What the measure below keeps for each open bracket (and for the whole text)."""

    def __init__(self) -> None:
        self.operations = 0  # tokens in it that may nest the tree one level deeper
        self.inside = 0  # the deepest chain inside a bracket within it
        self.runs: Counter[str] = Counter()  # those operations, by kind


def check_length(text: str, max_chain: int = MAX_CHAIN, max_brackets: int = MAX_BRACKETS) -> None:
    """Refuse ``text`` if Python's parser would nest it deeper than ``max_chain`` operations
    or ``max_brackets`` brackets, saying what is too long in words; read from its tokens,
    without recursion. (``parse`` checks with the defaults; the web playground, whose
    parser runs on a small WebAssembly stack, with lower limits.)

    Every level of the syntax tree comes from a token (an operator, a bracket, a keyword, a
    dot; a bracket right after a bracket, as in ``f(x)(y)``, is both a level and an
    operation), so the operations within one bracket plus the deepest chain within its own
    brackets bound how deep the tree can nest.
    """
    if len(text) <= max_chain:  # every operation takes a character: nothing to count
        return
    open_ = [_Bracket()]
    brackets, longest = 0, Counter[str]()
    after_operand = False  # after an operand, + and - join terms; elsewhere they are signs
    after_bracket = False
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            word, is_op = token.string, token.type == tokenize.OP
            if is_op and word in "([{":
                if after_bracket:  # a call of a call, f(x)(y)[z], nests like an operator
                    open_[-1].operations += 1
                    open_[-1].runs["operations"] += 1
                open_.append(_Bracket())
                brackets = max(brackets, len(open_) - 1)
            elif is_op and word in ")]}" and len(open_) > 1:
                _close(open_, longest)
            elif is_op or keyword.iskeyword(word):
                kind = "signs" if word in "+-" and not after_operand else _RUNS.get(word)
                open_[-1].operations += 1
                open_[-1].runs[kind or "operations"] += 1
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
                after_operand = word in ")]}" if is_op else not keyword.iskeyword(word)
                after_bracket = is_op and word in ")]}"
    except (tokenize.TokenError, SyntaxError):  # unbalanced: the parser will say so
        pass
    while len(open_) > 1:
        _close(open_, longest)
    longest |= open_[0].runs
    if brackets > max_brackets:
        raise _too_deep(brackets, max_brackets)
    if open_[0].operations + open_[0].inside > max_chain:
        kind, n = longest.most_common(1)[0]
        what = {
            "terms": f"a sum of {n + 1:,} terms",
            "factors": f"a product of {n + 1:,} factors",
            "powers": f"{n:,} powers (**)",
            "signs": f"{n:,} signs (+ or - before a term)",
        }.get(kind, f"{open_[0].operations + open_[0].inside:,} operations")
        raise _too_long(what, max_chain)


def _close(open_: list[_Bracket], longest: Counter[str]) -> None:
    """Close the innermost bracket: its chain, plus one for the bracket, goes to its parent."""
    inner = open_.pop()
    longest |= inner.runs  # | keeps the larger count of each kind
    open_[-1].inside = max(open_[-1].inside, inner.operations + inner.inside + 1)


def parse(text: str, values: Mapping[str, float | Value]) -> Value:
    """The Value graph of ``text``, with each name a labelled leaf taking its value from ``values``
    (a Value given there is used as that leaf itself, as ``gradcheck`` needs).

    A name used twice is the same leaf, so ``x * x`` shows both edges into one node. Names are
    read as Python reads them (NFKC): the value of ``𝑥`` is the value of ``x``.
    """
    if not text.strip():
        raise ExpressionError("the expression is empty: write one, as in x * 2 + 1")
    source = text.strip()
    check_length(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        if "too many nested parentheses" in err.msg:  # check_length counts these first
            raise _too_deep(f"more than {MAX_BRACKETS}") from None
        digits = re.search(r"\d{4000,}", source)  # past Python's limit for reading an int
        if digits and "digits" in err.msg:
            raise _does_not_fit(digits.group()) from None
        raise ExpressionError(f"syntax error in {quoted(text)}: {err.msg}") from None
    except (RecursionError, MemoryError):
        # Python's own parser gives up this way on very deep nesting (its fixed-size stack,
        # not a lack of memory), which check_length refuses first, and on some long text
        # with an error in it, which it then tries to explain.
        raise ExpressionError(
            f"the expression is too long for Python's parser ({len(source):,} characters)"
        ) from None
    values = _fold(values)
    leaves: dict[str, Value] = {}

    def leaf(name: str) -> Value:
        if name in FUNCTIONS:
            raise ExpressionError(f"{name} is a function: call it, as in {name}(x)")
        if name not in values:
            raise ExpressionError(f"no value for {quoted(name)}: add {_named(name)}=NUMBER")
        if name not in leaves:
            given = values[name]
            leaves[name] = given if isinstance(given, Value) else Value(given, name)
        return leaves[name]

    def build(node: ast.expr, operands: list[Value]) -> Value:
        """The Value of ``node``, whose operands (``_operands(node)``) are built already."""
        if isinstance(node, ast.Constant):
            return Value(_number(node, source))
        if isinstance(node, ast.Name):
            return leaf(node.id)
        if isinstance(node, ast.BinOp) and len(operands) == 1:  # x ** 2: a number exponent
            return operands[0] ** _number(node.right, source)
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](*operands)
        if isinstance(node, ast.UnaryOp):
            return -operands[0] if isinstance(node.op, ast.USub) else operands[0]
        assert isinstance(node, ast.Call)  # _operands refused everything else
        return FUNCTIONS[node.func.id][1](*operands)  # type: ignore[attr-defined]

    # Every node after its operands, left to right (the order of a recursive build), found
    # and built without recursion: a sum of 1,000 terms nests 1,000 deep.
    order: list[tuple[ast.expr, int]] = []
    todo: list[ast.expr] = [tree.body]
    while todo:
        node = todo.pop()
        operands = _operands(node, source)
        order.append((node, len(operands)))
        todo.extend(operands)
    built: list[Value] = []
    for node, arity in reversed(order):
        ready = built[len(built) - arity :]  # its operands, built just before it
        del built[len(built) - arity :]
        built.append(build(node, ready))
    root = built[0]
    unused = sorted(values.keys() - leaves.keys())
    if unused:
        names = _named(", ".join(unused))
        raise ExpressionError(f"value given for a name not in the expression: {names}")
    return root


def _operands(node: ast.expr, source: str) -> list[ast.expr]:
    """The sub-expressions ``node`` is built from, or an ExpressionError if it is not allowed
    (``source``, the expression, is quoted when a number in it is too big)."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return []
    pow_of_a_number = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)
    if pow_of_a_number and _literal(node.right, source) is not None:  # type: ignore[attr-defined]
        return [node.left]  # type: ignore[attr-defined]  # x ** 2: so negative x is fine
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return [node.operand]
    if isinstance(node, ast.Call):
        return _arguments(node)
    raise ExpressionError(f"not allowed in an expression: {_describe(node)}")


def _arguments(node: ast.Call) -> list[ast.expr]:
    """The arguments of a call of one of FUNCTIONS, or an ExpressionError saying what is wrong."""
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(
            f"only the functions {', '.join(FUNCTIONS)} can be called, "
            f"not the result of {_describe(node.func)}"
        )
    name = node.func.id
    if name not in FUNCTIONS:
        close = difflib.get_close_matches(name, FUNCTIONS, n=1)
        guess = f": did you mean {close[0]}? The" if close else "; the"
        raise ExpressionError(
            f"unknown function {_named(name)}{guess} functions are {', '.join(FUNCTIONS)}"
        )
    if node.keywords:
        raise ExpressionError(f"{name}() takes no keyword arguments")
    arity = FUNCTIONS[name][0]
    if len(node.args) != arity or any(isinstance(a, ast.Starred) for a in node.args):
        raise ExpressionError(f"{name}() takes {arity} argument{'s' * (arity > 1)}")
    return node.args


def _fold(values: Mapping[str, float | Value]) -> dict[str, float | Value]:
    """``values`` with each name read as Python reads a name in an expression (NFKC)."""
    folded: dict[str, float | Value] = {}
    for name, value in values.items():
        same = unicodedata.normalize("NFKC", name)
        if same in folded:
            raise ExpressionError(f"{_named(name)} and {_named(same)} are the same name to Python")
        folded[same] = value
    return folded


def _constant(value: object) -> float:
    """A number written in the expression, as a finite float, or an ExpressionError."""
    number = None if isinstance(value, bool) else real_to_float(value)  # True is no number
    if number is None:
        raise ExpressionError(f"only numbers are allowed as constants, not {quoted(value)}")
    if not math.isfinite(number):  # an integer past the largest float (1.5e308 written out fits)
        raise _does_not_fit(str(value))
    return number


def _does_not_fit(written: str) -> ExpressionError:
    """The one wording for a number too big for a float, in the expression or as a value."""
    return ExpressionError(
        f"the number {_named(written)} does not fit in a float (the largest is about 1.8e308)"
    )


def _number(node: ast.expr, source: str) -> float:
    """The number written at ``node`` of ``source``, signed (``2``, ``-0.5``), as a float."""
    if isinstance(node, ast.UnaryOp):
        return -_number(node.operand, source)  # only _literal's one sign: no deep recursion
    assert isinstance(node, ast.Constant)
    if isinstance(node.value, float) and math.isinf(node.value):  # Python reads 1e400 as inf
        raise _does_not_fit(ast.get_source_segment(source, node) or "")
    return _constant(node.value)


def _literal(node: ast.expr, source: str) -> float | None:
    """The number written at ``node`` (``2``, ``-0.5``), or None if it is not a plain number."""
    number = (
        node.operand if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) else node
    )
    value = number.value if isinstance(number, ast.Constant) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(node, source)
    return None


def _describe(node: ast.AST) -> str:
    """A short human name for a refused piece of syntax."""
    names = {
        ast.Attribute: "attribute access (a.b)",
        ast.Subscript: "indexing (a[b])",
        ast.Lambda: "lambda",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a generator expression",
        ast.Compare: "a comparison",
        ast.BoolOp: "and/or",
        ast.IfExp: "if/else",
        ast.NamedExpr: "an assignment (:=)",
    }
    for kind, text in names.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
        return "the operator ^ (use ** for powers, as in x**2)"
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.UnaryOp):
        return f"the operator {type(node.op).__name__}"
    return type(node).__name__


def parse_assignments(pairs: list[str]) -> dict[str, float]:
    """``["x=2", "y=-1.5"]`` as ``{"x": 2.0, "y": -1.5}``, refusing anything else clearly."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, number = pair.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads the expression
        if not sep or not name.isidentifier():
            raise ExpressionError(f"expected NAME=NUMBER, got {quoted(pair, 40)}")
        if name in values:
            raise ExpressionError(f"{_named(name)} is given twice")
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"{_named(name)}={quoted(number, 40)}: not a number") from None
        if math.isinf(value) and "inf" not in number.lower():  # 1e400, read as inf
            raise ExpressionError(f"{_named(name)}: {_does_not_fit(number.strip())}")
        if not math.isfinite(value):
            raise ExpressionError(f"{_named(name)}={number.strip()}: must be finite")
        values[name] = value
    return values
