"""The playground's Python side: everything the page shows is computed here, by micrograd_notes.

The page runs this module under Pyodide, in a Web Worker; its JavaScript only draws and wires.
Functions take and return plain data (str, float, list, dict) so that results cross to
JavaScript as they are. Nothing here imports numpy or matplotlib, which Pyodide lacks here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl, quote

from micrograd_notes import gc_paused, training, viz
from micrograd_notes.expr import INPUT_ERRORS, parse, parse_assignments
from micrograd_notes.nn import MLP
from micrograd_notes.training import ALPHA

EXAMPLE_QUERY = "?expr=tanh(x*w%20%2B%20b)&x=2&w=-3&b=6.88"  # a neuron, as in the notes

# The errors that the CLI's `draw` reports as one line: bad expressions, the engine's own
# refusals (log of a negative, x / 0, a graph over the drawing limit), rendering failures.
USER_ERRORS = (*INPUT_ERRORS, viz.RenderError)  # the CLI's input errors, and a failed render


# ---- the link: expression and values in the URL query ---------------------------------------


def read_query(query: str) -> tuple[str, list[str]]:
    """``?expr=x*w&x=2&w=-3`` as ``("x*w", ["x=2", "w=-3"])``: the expression and its
    NAME=NUMBER assignments in the link's order; ``("", [])`` when the link holds none."""
    expr, assignments = "", []
    for key, value in parse_qsl(query.removeprefix("?"), keep_blank_values=True):
        if key == "expr":
            expr = value
        else:  # every other key is a name; parse_assignments judges it like the CLI would
            assignments.append(f"{key}={value}")
    return expr, assignments


def share_query(expr: str, assignments: Sequence[str]) -> str:
    """The query that ``read_query`` reads back as (expr, assignments): ``+`` and spaces
    escaped (a bare ``+`` means a space in a query), brackets and ``* / -`` left readable."""

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


# ---- the graph and its backward pass ----------------------------------------------------------


class Explained:
    """One expression, built and back-propagated: its picture, its table, its steps."""

    def __init__(self, expr: str, assignments: Sequence[str]) -> None:
        root = parse(expr, parse_assignments(list(assignments)))
        self.trace = viz.trace_backward(root)  # runs backward(), as `micrograd-notes draw` does
        self.view = viz.draw(root)
        self.query = share_query(expr, assignments)
        self._frames: list[viz.GraphView] | None = None

    def nodes(self) -> list[dict[str, object]]:
        """Every node in topological order: name, op, data and grad (numbers and as text)."""
        return [
            {
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
        with that step's rows of the trace table (up_diff, local_diff, down_diff per edge)."""
        steps = self.trace.steps
        if not 0 <= k <= len(steps):
            raise ValueError(f"there is no step {k}: this pass has steps 1 to {len(steps)}")
        if k == 0:
            return {"step": 0, "svg": self.view.svg(), "node": None, "rows": []}
        if self._frames is None:
            self._frames = viz.draw_steps(self.trace)  # built once, each rendered when shown
        rows = [row for row in self.trace.rows() if row[0] == str(k)]
        return {
            "step": k,
            "svg": self._frames[k - 1].svg(),
            "node": self.trace.name(steps[k - 1].node),
            "rows": rows,
        }

    def summary(self) -> dict[str, object]:
        """What the page shows first: value, query, the full picture, the node table."""
        return {
            "error": None,
            "value_text": f"{self.trace.root.data:.6g}",
            "query": self.query,
            "steps": len(self.trace.steps),
            "header": list(viz.Trace.HEADER),
            "nodes": self.nodes(),
            **self.frame(0),
        }


_shown: Explained | None = None  # the expression on the page, for its frames


def explain(expr: str, values_text: str) -> dict[str, object]:
    """Build ``expr`` with the values typed in the box, run backward, draw: the page's view,
    or ``{"error": message}`` with the one line the CLI would print."""
    global _shown
    try:
        _shown = Explained(expr, split_values(values_text))
        return _shown.summary()
    except USER_ERRORS as err:
        return {"error": str(err)}


def explain_query(query: str) -> dict[str, object]:
    """The page opened from a link: its expression and values (the example when it has none)."""
    expr, assignments = read_query(query)
    if not expr and not assignments:
        expr, assignments = read_query(EXAMPLE_QUERY)
    result = explain(expr, " ".join(assignments))
    return {**result, "expr": expr, "values_text": " ".join(assignments)}


def frame(k: int) -> dict[str, object]:
    """Step ``k`` of the expression on the page (0: the whole graph)."""
    if _shown is None:
        return {"error": "draw an expression first"}
    try:
        return {"error": None, **_shown.frame(k)}
    except USER_ERRORS as err:
        return {"error": str(err)}


def use_viz_js(render_js: Callable[[str], object]) -> None:
    """Render every picture with the page's viz.js (Graphviz compiled to WebAssembly)."""

    def render(source: str) -> str:
        try:
            return str(render_js(source))
        except Exception as err:  # a JavaScript error crosses as a JsException
            raise viz.RenderError(f"viz.js could not render the graph: {err}") from None

    viz.use_renderer(render)


# ---- training on a toy dataset ---------------------------------------------------------------


def load_dataset(text: str, name: str) -> tuple[list[list[float]], list[int]]:
    """One dataset from the site's datasets.json (written by build.py from micrograd_notes.data)."""
    sets = json.loads(text)
    if name not in sets:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(sets)}")
    return sets[name]["points"], sets[name]["labels"]


class Training:
    """The demo's training (``micrograd_notes.training.Training``) on the site's data, one step
    at a time: MLP(2, [16, 16, 1]), hinge + alpha·L2 loss, full-batch SGD whose learning rate
    falls from 1.0 to 0.1 over ``steps`` steps."""

    def __init__(
        self,
        points: Sequence[Sequence[float]],
        labels: Sequence[int],
        steps: int = 100,
        seed: int = 0,
        alpha: float = ALPHA,
    ) -> None:
        self.inputs = [[float(a), float(b)] for a, b in points]
        self.model = MLP(2, [16, 16, 1], seed=seed)
        y_signed = [2.0 * y - 1.0 for y in labels]  # hinge wants -1/+1
        self.run = training.Training(self.model, self.inputs, y_signed, steps, alpha)

    @property
    def done(self) -> int:
        """How many steps have been taken."""
        return self.run.done

    def step(self) -> dict[str, float]:
        """One SGD step on the whole set: its loss and training accuracy (before the update)."""
        loss, accuracy = self.run.step()
        return {"step": self.run.done, "loss": loss, "accuracy": accuracy}

    def boundary(self, resolution: int = 40, pad: float = 0.5) -> dict[str, object]:
        """The model's score on a grid over the data (padded by ``pad``): rows from the
        bottom, a positive score predicting class 1. The page colours the plane by its sign."""
        xs = [p[0] for p in self.inputs]
        ys = [p[1] for p in self.inputs]
        x0, x1 = min(xs) - pad, max(xs) + pad
        y0, y1 = min(ys) - pad, max(ys) + pad

        def at(lo: float, hi: float, i: int) -> float:
            return lo + (hi - lo) * (i + 0.5) / resolution  # the cell's centre

        with gc_paused():  # resolution² small graphs, each freed at once: no cycles to find
            scores = [
                [self.model([at(x0, x1, i), at(y0, y1, j)]).data for i in range(resolution)]
                for j in range(resolution)
            ]
        return {"x": [x0, x1], "y": [y0, y1], "scores": scores}


def versions() -> dict[str, str]:
    """The Python and package versions the page runs, for its footer."""
    import sys

    import micrograd_notes

    return {"python": sys.version.split()[0], "micrograd_notes": micrograd_notes.__version__}
