"""The playground's Python side: everything the page shows is computed here, by micrograd_notes.

The page runs this module under Pyodide, in a Web Worker; its JavaScript only draws and wires.
Functions take and return plain data (str, float, list, dict) so that results cross to
JavaScript as they are. Nothing here imports numpy or matplotlib, which Pyodide lacks here.
The page's exercises are checked here too, by the notebooks' own checkers. The training lab's
side is lab.py.
"""

from __future__ import annotations

import ast
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, unquote

from micrograd_notes import Gate, Value, central_difference, gradcheck, viz
from micrograd_notes.exercises import core
from micrograd_notes.exercises import gates as gate_exercises
from micrograd_notes.exercises import topological_order as order_exercises
from micrograd_notes.exercises.progress import answer_in, run_code
from micrograd_notes.expr import (
    INPUT_ERRORS,
    ExpressionError,
    check_length,
    parse,
    parse_assignments,
)
from micrograd_notes.graph import count_nodes
from micrograd_notes.trace import Trace, draw_forward_step, draw_step, forward_order, trace_backward

EXAMPLE_QUERY = "?expr=tanh(x*w%20%2B%20b)&x=2&w=-3&b=6.88"  # a neuron, as in the notes

# The errors that the CLI's `draw` reports as one line: bad expressions, the engine's own
# refusals (log of a negative, x / 0, a graph over the drawing limit), rendering failures.
USER_ERRORS = (*INPUT_ERRORS, viz.RenderError)  # the CLI's input errors, and a failed render

# Python's parser runs on the WebAssembly stack in the page, which is far smaller than a
# native one: there, a sum of about 900 terms or 199 brackets inside one another overflow it,
# and Python cannot survive that. Expressions are measured before they reach the parser
# (expr.check_length), with limits well inside those.
MAX_LENGTH = 20_000  # characters
MAX_CHAIN = 300  # operations in a row
MAX_BRACKETS = 50  # brackets inside one another
MAX_NODES = viz.MAX_NODES  # the most nodes the page draws
MESSAGE_LENGTH = 160  # an error shown in the page is one line of at most this many characters


def one_line(message: str) -> str:
    """An error message as the page shows it: its first line, at most MESSAGE_LENGTH long."""
    line = message.strip().split("\n", 1)[0]
    return line if len(line) <= MESSAGE_LENGTH else line[: MESSAGE_LENGTH - 1] + "…"


# ---- the link: expression and values in the URL query ---------------------------------------


def read_query(query: str) -> tuple[str, list[str]]:
    """``?expr=x*w&x=2&w=-3`` as ``("x*w", ["x=2", "w=-3"])``: the expression and its
    NAME=NUMBER assignments in the link's order; ``("", [])`` when the link holds none.

    The first ``expr`` is the expression (a later one is a variable named expr). A ``+``
    is a plus, as the learner meant it, not a space as in a form: links write a space as %20.
    """
    expr, assignments = None, []
    for part in query.removeprefix("?").split("&"):
        if not part:
            continue
        key, _, value = (unquote(text) for text in part.partition("="))
        if key == "expr" and expr is None:
            expr = value
        else:  # a name; parse_assignments judges it like the CLI would
            assignments.append(f"{key}={value}")
    return expr or "", assignments


def share_query(expr: str, assignments: Sequence[str]) -> str:
    """The query that ``read_query`` reads back as (expr, assignments): ``+``, ``&``, ``=``
    and spaces escaped, brackets and ``* / -`` left readable."""

    def escape(text: str) -> str:
        return quote(text, safe="()*/-.,")

    parts = [f"expr={escape(expr.strip())}"]
    for pair in assignments:
        name, _, number = pair.partition("=")
        parts.append(f"{escape(name.strip())}={escape(number.strip())}")
    return "?" + "&".join(parts)


def split_values(text: str) -> list[str]:
    """The values box, ``"x=2, w = -3  b=6.88"``, as ``["x=2", "w=-3", "b=6.88"]``."""
    text = re.sub(r"\s*=\s*", "=", text.strip())
    return [pair for pair in re.split(r"[\s,;]+", text) if pair]


# ---- the expression, measured before Python's parser sees it ----------------------------------


def check_size(expr: str) -> None:
    """Refuse, in one line, an expression too long or too deep for Python's parser in the page."""
    if len(expr) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(expr):,} characters long; the page takes up to "
            f"{MAX_LENGTH:,}: draw a smaller part"
        )
    check_length(expr.strip(), MAX_CHAIN, MAX_BRACKETS)


def names_in(expr: str) -> set[str] | None:
    """The names an expression uses, or None when it does not parse (the parse will say why).
    Call ``check_size`` first."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


# ---- the graph and its forward and backward passes ---------------------------------------------


class Explained:
    """One expression, built and back-propagated: its picture, its table, its steps.

    Frames are drawn when the page asks for one: a big graph's first step is one drawing
    away, not one per step.
    """

    def __init__(self, expr: str, assignments: Sequence[str]) -> None:
        check_size(expr)
        used = names_in(expr)
        kept = [pair for pair in assignments if used is None or _name(pair) in used]
        self.unused = [_name(pair) for pair in assignments if pair not in kept]
        self.expr = expr
        self.values = parse_assignments(kept)  # keyed by the names Python reads (NFKC)
        root = parse(expr, self.values)
        if count_nodes(root, MAX_NODES) > MAX_NODES:
            raise ExpressionError(
                f"this graph has more than {MAX_NODES:,} nodes, the most the page draws: "
                "draw a smaller part of the expression"
            )
        self.trace = trace_backward(root)  # runs backward(), as `micrograd-notes draw` does
        self.forward = forward_order(self.trace)
        self.query = share_query(expr, kept)

    def nodes(self) -> list[dict[str, object]]:
        """Every node in topological order: name, op, data and grad (numbers and as text),
        and ``id``, its box's name in the drawing (``v3``; a repeated leaf's copies start so)."""
        return [
            {
                "id": f"v{i}",  # viz.to_digraph names node i's box v{i}, its copies v{i}_for...
                "name": self.trace.name(i),
                "op": node.op or "leaf",
                "data": node.data,
                "grad": node.grad,
                "data_text": f"{node.data:.6g}",
                "grad_text": f"{node.grad:.6g}",
            }
            for i, node in enumerate(self.trace.nodes)
        ]

    def frame(self, k: int) -> dict[str, object]:
        """Frame 0 is the whole graph after backward(); frame k >= 1 is step k of the pass,
        with that step's rows of the trace table (up_diff, local_diff, down_diff per edge)
        and, for each row, the indices of the node and parent it names."""
        steps = self.trace.steps
        if not 0 <= k <= len(steps):
            raise ValueError(f"there is no step {k}: this pass has steps 1 to {len(steps)}")
        if k == 0:
            view = viz.draw(self.trace.root)
            return {"pass": "backward", "step": 0, "svg": view.svg(), "node": None, "rows": []}
        step = steps[k - 1]
        return {
            "pass": "backward",
            "step": k,
            "svg": draw_step(self.trace, k).svg(),
            "node": self.trace.name(step.node),
            "rows": [row for row in self.trace.rows() if row[0] == str(k)],
            "row_nodes": [[step.node, slot.parent] for slot in step.slots],
        }

    FORWARD_HEADER = ("step", "node", "op", "inputs", "data")

    def forward_frame(self, k: int) -> dict[str, object]:
        """Step k of the forward pass (0: only the leaves known; then one per gate node): the
        node computed then, from which inputs, and the picture with the data known so far."""
        svg = draw_forward_step(self.trace, k).svg()  # refuses a k out of range
        if k == 0:
            return {"pass": "forward", "step": 0, "svg": svg, "node": None, "rows": []}
        i = self.forward[k - 1]
        node = self.trace.nodes[i]
        index = {id(n): j for j, n in enumerate(self.trace.nodes)}
        parents = [index[id(p)] for p in node.parents]
        inputs = ", ".join(
            f"{self.trace.name(j)} = {viz._fmt(self.trace.nodes[j].data)}" for j in parents
        )
        return {
            "pass": "forward",
            "step": k,
            "svg": svg,
            "node": self.trace.name(i),
            "rows": [[str(k), self.trace.name(i), node.op, inputs, viz._fmt(node.data)]],
            "row_nodes": [[i, *parents]],
        }

    def summary(self) -> dict[str, object]:
        """What the page shows first: value, query, the full picture, the node table."""
        return {
            "error": None,
            "value_text": f"{self.trace.root.data:.6g}",
            "query": self.query,
            "unused": self.unused,
            "steps": len(self.trace.steps),
            "forward_steps": len(self.forward),
            "header": list(Trace.HEADER),
            "forward_header": list(self.FORWARD_HEADER),
            "nodes": self.nodes(),
            **self.frame(0),
        }

    def check(self) -> dict[str, object]:
        """``gradcheck`` for each input on its own: backward()'s grad beside the central
        difference (the package's eps), and whether the two agree within gradcheck's
        tolerances."""
        names = [n.label for n in self.trace.nodes if n.is_leaf and n.label]
        rows: list[dict[str, object]] = []
        for name in names:

            def f(leaf: Value, name: str = name) -> Value:
                return parse(self.expr, {**self.values, name: leaf})

            def f_float(x: float, name: str = name) -> float:
                return parse(self.expr, {**self.values, name: x}).data

            x = self.values[name]
            analytical = next(n.grad for n in self.trace.nodes if n.label == name)
            try:
                numerical = central_difference(f_float, x)
                agrees = gradcheck(f, [Value(x, name)], raise_exception=False).ok
            except INPUT_ERRORS as err:  # a nudge left the domain: log(x) at x = 1e-7, say
                rows.append({"name": name, "error": one_line(str(err))})
                continue
            rows.append(
                {
                    "name": name,
                    "data_text": f"{x:.6g}",
                    "analytical_text": f"{analytical:.10g}",
                    "numerical_text": f"{numerical:.10g}",
                    "difference_text": f"{abs(numerical - analytical):.2g}",
                    "agrees": agrees,
                }
            )
        return {"error": None, "rows": rows, "ok": all(row.get("agrees") for row in rows)}


def _name(pair: str) -> str:
    """The name a NAME=NUMBER pair gives a value, as Python reads names (NFKC: 𝑥 is x)."""
    return unicodedata.normalize("NFKC", pair.partition("=")[0].strip())


_shown: Explained | None = None  # the expression on the page, for its frames


def explain(expr: str, values_text: str) -> dict[str, object]:
    """Build ``expr`` with the values typed in the box, run backward, draw: the page's view,
    or ``{"error": message}`` with the one line the CLI would print. Values for names the
    expression does not use are left out (and listed as ``unused``)."""
    global _shown
    try:
        _shown = Explained(expr, split_values(values_text))
        return _shown.summary()
    except USER_ERRORS as err:
        return {"error": one_line(str(err))}


def explain_query(query: str) -> dict[str, object]:
    """The page opened from a link: its expression and values (the example when it has none).
    Keys that are not names in the expression (``utm_source=...``) are ignored."""
    expr, assignments = read_query(query)
    if not expr:
        expr, assignments = read_query(EXAMPLE_QUERY)
    try:
        check_size(expr)
        used = names_in(expr)
    except ExpressionError:  # explain says so below
        used = None
    if used is not None:
        assignments = [pair for pair in assignments if _name(pair) in used]
    values_text = " ".join(assignments)
    return {**explain(expr, values_text), "expr": expr, "values_text": values_text}


def _on_shown(answer: Callable[[Explained], dict[str, object]]) -> dict[str, object]:
    if _shown is None:
        return {"error": "draw an expression first"}
    try:
        return {"error": None, **answer(_shown)}
    except USER_ERRORS as err:
        return {"error": one_line(str(err))}


def frame(k: int) -> dict[str, object]:
    """Step ``k`` of the backward pass of the expression on the page (0: the whole graph)."""
    return _on_shown(lambda shown: shown.frame(k))


def forward_frame(k: int) -> dict[str, object]:
    """Step ``k`` of the forward pass of the expression on the page."""
    return _on_shown(lambda shown: shown.forward_frame(k))


def check() -> dict[str, object]:
    """Finite differences against backward() for each input of the expression on the page."""
    return _on_shown(lambda shown: shown.check())


# ---- the exercises: the learner's code, judged by the notebooks' own checkers -------------------

# The page offers the code exercises of notebooks 02 and 03, from their two modules only:
# catalog() would import every notebook's, and most of those need NumPy.
EXERCISES = {
    ex.name: ex
    for module in (gate_exercises, order_exercises)
    for ex in module.EXERCISES
    if ex.kind == "code"
}
YOUR_CODE = "<your code>"  # the file the learner's code runs as: messages name its lines
MAX_CODE = 100_000  # characters in the code box
# What the notebooks have imported where they ask (the gate's starter subclasses Gate).
PRELUDE: dict[str, Any] = {"math": math, "Gate": Gate, "Value": Value}


def exercises() -> list[dict[str, str]]:
    """The page's exercises: the name, notebook, title, section and starter of each."""
    return [
        {
            "name": ex.name,
            "notebook": ex.notebook,
            "title": ex.title,
            "section": ex.section,
            "answer_name": ex.answer_name,
            "starter": ex.starter,
        }
        for ex in EXERCISES.values()
    ]


def check_exercise(name: str, source: str) -> dict[str, str]:
    """Run the learner's code, then the notebooks' checker on what it defines: ``status``
    ("right", "wrong", "not answered", or "error" when the code itself stopped) and the
    checker's one-line ``message``."""
    ex = EXERCISES.get(name)
    if ex is None:
        return {"status": "error", "message": f"this page has no exercise {name!r}"}
    if len(source) > MAX_CODE:
        return {
            "status": "error",
            "message": f"your code is {len(source):,} characters; the box takes {MAX_CODE:,}",
        }
    limit = sys.getrecursionlimit()
    try:
        return _run_and_grade(ex, source)
    except KeyboardInterrupt as err:  # the page has no Ctrl+C: the learner's code raised it
        stopped = f"{core.describe_error(err)}{core.learner_line(err)}"
        return {"status": "error", "message": f"your code stopped: {stopped}"}
    finally:  # a limit the learner raised would let the page's own recursion overflow Wasm
        sys.setrecursionlimit(limit)


def _run_and_grade(ex: core.Exercise, source: str) -> dict[str, str]:
    """check_exercise's work: run the code in a fresh namespace, then grade its answer."""
    namespace = {"__name__": "__main__", **PRELUDE}  # as in a notebook (see answer_in)
    try:
        with core.time_limit(core.TIME_LIMIT):  # its top level may loop forever too
            stopped = run_code(source, YOUR_CODE, namespace)
    except core.TimeUp:
        stopped_by = core.timed_out()
        return {"status": stopped_by.status, "message": stopped_by.message or ""}
    if stopped:
        return {"status": "error", "message": f"your code stopped: {stopped}"}
    if ex.answer_name not in namespace:
        return {
            "status": "not answered",
            "message": f"not answered yet: your code defines no {ex.answer_name}",
        }
    grade = ex.grade(answer_in(namespace, ex))
    return {"status": grade.status, "message": grade.message or "right"}


def use_viz_js(render_js: Callable[[str], object]) -> None:
    """Render every picture with the page's viz.js (Graphviz compiled to WebAssembly)."""

    def render(source: str) -> str:
        try:
            return str(render_js(source))
        except Exception as err:  # a JavaScript error crosses as a JsException
            raise viz.RenderError(f"viz.js could not render the graph: {err}") from None

    viz.use_renderer(render)


def versions() -> dict[str, str]:
    """The Python and package versions the page runs, for its footer."""
    import sys

    import micrograd_notes

    return {"python": sys.version.split()[0], "micrograd_notes": micrograd_notes.__version__}
