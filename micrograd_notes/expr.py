"""Build a Value graph from a small arithmetic expression, safely.

The text is parsed with Python's ``ast`` and walked against a whitelist: numbers, names,
``+ - * / **``, unary minus, and calls of the gate functions below. Nothing is ever passed
to ``eval``; anything else (attributes, subscripts, lambdas, comprehensions, keywords,
strings, ...) is an ``ExpressionError`` that says what was refused.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping

from micrograd_notes.engine import Value

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


# How deeply an expression may nest: ``a+a+...+a`` with n terms nests n deep, ``tanh(tanh(x))``
# 3. ``build`` below recurses once per level (twice through a call), so this keeps it well
# inside Python's recursion limit of 1000, while a 300-term sum still draws.
MAX_DEPTH = 300


class ExpressionError(ValueError):
    """An expression that cannot be built, with the reason in one line."""


# What building and back-propagating a user's expression can raise because of the input
# itself (a bad name, log of a negative, x / 0, an overflow): the CLI and the playground both
# show these as one line, never as a traceback.
INPUT_ERRORS = (ExpressionError, ArithmeticError, ValueError, TypeError)


def _too_deep(limit: str = f"{MAX_DEPTH} levels") -> ExpressionError:
    return ExpressionError(f"the expression is nested too deeply (limit {limit})")


def _shown(text: str, limit: int = 60) -> str:
    """The expression as an error quotes it: at most ``limit`` characters."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3]) + "..."


def _depth(tree: ast.AST) -> int:
    """How many expressions deep the syntax tree nests, counted without recursion."""
    deepest, todo = 0, [(tree, 0)]
    while todo:
        node, depth = todo.pop()
        depth += isinstance(node, ast.expr)  # not the operators and contexts in between
        deepest = max(deepest, depth)
        todo.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def parse(text: str, values: Mapping[str, float | Value]) -> Value:
    """The Value graph of ``text``, with each name a labelled leaf taking its value from ``values``
    (a Value given there is used as that leaf itself, as ``gradcheck`` needs).

    A name used twice is the same leaf, so ``x * x`` shows both edges into one node.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        if "too many nested parentheses" in err.msg:  # Python's parser allows 200
            raise _too_deep("200 nested parentheses") from None
        raise ExpressionError(f"syntax error in {_shown(text)}: {err.msg}") from None
    except (RecursionError, MemoryError):
        # Python's own parser gives up this way on very deep nesting ('-' * 100000 + 'a'):
        # its fixed-size stack, not a lack of memory.
        raise _too_deep() from None
    if _depth(tree) > MAX_DEPTH:
        raise _too_deep()
    leaves: dict[str, Value] = {}

    def leaf(name: str) -> Value:
        if name in FUNCTIONS:
            raise ExpressionError(f"{name} is a function: call it, as in {name}(x)")
        if name not in values:
            raise ExpressionError(f"no value for {name!r}: add {name}=NUMBER")
        if name not in leaves:
            given = values[name]
            leaves[name] = given if isinstance(given, Value) else Value(given, name)
        return leaves[name]

    def build(node: ast.AST) -> Value:
        if isinstance(node, ast.Constant):
            return Value(_constant(node.value))
        if isinstance(node, ast.Name):
            return leaf(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = _literal(node.right)
            if exponent is not None:  # x ** 2: a number exponent, so negative x is fine
                return build(node.left) ** exponent
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](build(node.left), build(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return call(node)
        raise ExpressionError(f"not allowed in an expression: {_describe(node)}")

    def call(node: ast.Call) -> Value:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(
                f"only the functions {', '.join(FUNCTIONS)} can be called, "
                f"not the result of {_describe(node.func)}"
            )
        if node.func.id not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function {node.func.id}; the functions are {', '.join(FUNCTIONS)}"
            )
        if node.keywords:
            raise ExpressionError(f"{node.func.id}() takes no keyword arguments")
        arity, method = FUNCTIONS[node.func.id]
        if len(node.args) != arity or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(f"{node.func.id}() takes {arity} argument{'s' * (arity > 1)}")
        return method(*[build(a) for a in node.args])

    root = build(tree.body)
    unused = sorted(values.keys() - leaves.keys())
    if unused:
        raise ExpressionError(f"value given for a name not in the expression: {', '.join(unused)}")
    return root


def _constant(value: object) -> float:
    """A number written in the expression, as a finite float, or an ExpressionError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError(f"only numbers are allowed as constants, not {value!r:.60}")
    number = float(value) if isinstance(value, float) or abs(value) <= 1e308 else math.inf
    if not math.isfinite(number):  # 1e400 is read as inf; a 400-digit integer cannot convert
        raise ExpressionError(
            f"a number in the expression does not fit in a float ({str(value)[:20]}...; "
            "the largest is about 1.8e308)"
        )
    return number


def _literal(node: ast.AST) -> float | None:
    """The number written at ``node`` (``2``, ``-0.5``), or None if it is not a plain number."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = -1.0, node.operand
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return sign * _constant(value)
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
        return "the operator ^ (for a power, write x ** 2)"
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
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ExpressionError(f"expected NAME=NUMBER, got {pair!r}")
        if name in values:
            raise ExpressionError(f"{name} is given twice")
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"{name}={number!r}: not a number") from None
        if not math.isfinite(value):
            raise ExpressionError(f"{name}={number}: must be finite")
        values[name] = value
    return values
