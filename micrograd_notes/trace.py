"""The backward and forward passes, step by step: what each step did, and its picture.

``trace_backward(root)`` runs backward and records, node by node, the up_diff that arrived,
and for each parent slot the local_diff and the down_diff = local_diff · up_diff sent on.
A ``Trace`` prints as a table (``trace.name(i)`` names node i as its box in the drawing does)
and keeps every node's grad after each step. ``draw_steps`` turns it into one frame per step
(``draw_step`` draws one, when it is asked for), ``show_steps`` puts them behind a slider,
and ``draw_forward_step`` draws the forward pass the same way, one gate at a time.

The pictures are ``viz.to_digraph``'s; ``micrograd_notes.viz`` offers every public name here
too (``from micrograd_notes.viz import trace_backward``), as it did before they moved here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from micrograd_notes.engine import Value
from micrograd_notes.gradcheck import local_diffs
from micrograd_notes.graph import topological_order
from micrograd_notes.helpers import node_name
from micrograd_notes.viz import MAX_NODES, GraphView, _check_size, _fmt, to_digraph

__all__ = [
    "FrameStrip",
    "GradsAfter",
    "Slot",
    "Step",
    "Trace",
    "draw_forward_step",
    "draw_step",
    "draw_steps",
    "forward_order",
    "show_steps",
    "trace_backward",
]


@dataclass(frozen=True)
class Slot:
    """What one step sent down one edge: to which parent, its local_diff and the down_diff."""

    parent: int  # the parent's index in topological order
    local_diff: float
    down_diff: float


@dataclass(frozen=True)
class Step:
    """One node's turn in the backward pass."""

    node: int  # index in topological order
    op: str
    label: str
    up_diff: float  # the node's complete grad when its turn came
    slots: tuple[Slot, ...]


class GradsAfter(Sequence[list[float]]):
    """``trace.grads_after[k][i]``: node i's grad after step k, added up from the steps'
    down_diffs when asked for. Kept for every step, they would take steps × nodes floats:
    650 MB for a graph of 9,000 nodes."""

    def __init__(self, steps: list[Step], size: int) -> None:
        self.steps = steps
        self.size = size  # how many nodes

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, k: int) -> list[float]: ...
    @overload
    def __getitem__(self, k: slice) -> list[list[float]]: ...
    def __getitem__(self, k: int | slice) -> list[float] | list[list[float]]:
        if isinstance(k, slice):
            return [self[i] for i in range(len(self))[k]]
        last = range(len(self.steps))[k]  # a negative k counts from the end; IndexError past it
        grads = [0.0] * self.size
        grads[-1] = 1.0  # the seed: backward() starts the root (last in the order) at 1.0
        for step in self.steps[: last + 1]:
            for slot in step.slots:
                grads[slot.parent] += slot.down_diff
        return grads


class Trace:
    """The steps of one backward pass, with every node's grad after each step."""

    def __init__(
        self,
        root: Value,
        nodes: list[Value],
        steps: list[Step],
        max_nodes: int | None = MAX_NODES,
    ) -> None:
        self.root = root
        self.nodes = nodes
        self.steps = steps
        self.grads_after = GradsAfter(steps, len(nodes))  # [k][i]: node i's grad after step k
        self.max_nodes = max_nodes  # the limit it was traced under, so its frames draw too

    def name(self, i: int) -> str:
        """How the table names node i, as its box in the drawing does: its label, a constant's
        value, or its op and place (``*#3``)."""
        return node_name(self.nodes[i], i)

    def rows(self) -> list[list[str]]:
        """One row per edge: step, node, up_diff, parent, local_diff, down_diff."""
        rows = []
        for k, step in enumerate(self.steps):
            for slot in step.slots:
                rows.append(
                    [
                        str(k + 1),
                        self.name(step.node),
                        _fmt(step.up_diff),
                        self.name(slot.parent),
                        _fmt(slot.local_diff),
                        _fmt(slot.down_diff),
                    ]
                )
        return rows

    HEADER = ("step", "node", "up_diff", "parent", "local_diff", "down_diff = local·up")

    def __str__(self) -> str:
        rows = [list(self.HEADER), *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADER))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self.rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def trace_backward(root: Value, max_nodes: int | None = MAX_NODES) -> Trace:
    """Run ``root.backward()`` and record each step of it, in the order it happened.

    When a node's turn comes in backward(), every node that uses it has already sent its
    share, so its up_diff is its final grad: the steps can be read off after the real pass.
    Replaying their down_diffs in order gives the grads as they stood after each step.

    The trace records one pass on its own (leaves start from 0), and tracing is only a look:
    leaves that already held grads (``backward()`` ran, or several losses were added up) get
    them back afterwards, so a trace never adds a second pass into them. On a fresh graph the
    leaves keep the one pass's grads, as ``backward()`` would leave them.

    A graph of more than ``max_nodes`` nodes is refused, as ``draw`` would refuse its frames
    (``None``: no limit).
    """
    _check_size(root, max_nodes)
    nodes = topological_order(root)
    leaves = [node for node in nodes if node.is_leaf]
    found = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    try:
        root.backward()
    except BaseException:  # an overflow (or Ctrl-C) mid-pass: the leaves get back what they had
        for leaf, grad in zip(leaves, found):
            leaf.grad = grad
        raise
    if any(found):
        for leaf, grad in zip(leaves, found):
            leaf.grad = grad
    index = {id(node): i for i, node in enumerate(nodes)}
    steps = []
    for node in reversed(nodes):
        if node.gate is None:
            continue
        locals_ = local_diffs(node.gate, [p.data for p in node.parents])
        slots = tuple(
            Slot(index[id(p)], local, local * node.grad) for p, local in zip(node.parents, locals_)
        )
        steps.append(Step(index[id(node)], node.op, node.label, node.grad, slots))
    return Trace(root, nodes, steps, max_nodes)


def draw_step(trace: Trace, k: int, rankdir: str = "LR") -> GraphView:
    """Step ``k`` (1 to len(trace.steps)) of the backward pass: the node whose turn it is
    highlighted, every grad as it stood after that step."""
    if not 1 <= k <= len(trace.steps):
        raise ValueError(f"there is no step {k}: this pass has steps 1 to {len(trace.steps)}")
    step = trace.steps[k - 1]
    title = (
        f"step {k}/{len(trace.steps)}: {trace.name(step.node)} passes up_diff "
        f"{_fmt(step.up_diff)} to its parents"
    )
    return GraphView(
        to_digraph(
            trace.root,
            rankdir,
            grads=trace.grads_after[k - 1],
            current=trace.nodes[step.node],
            title=title,
            max_nodes=trace.max_nodes,
        )
    )


def draw_steps(trace: Trace, rankdir: str = "LR") -> list[GraphView]:
    """One frame per step of the backward pass (``draw_step`` for each)."""
    return [draw_step(trace, k, rankdir) for k in range(1, len(trace.steps) + 1)]


def forward_order(trace: Trace) -> list[int]:
    """The forward pass, one step per node made by a gate: their indices in topological
    order, which is the order the forward pass computed them in."""
    return [i for i, node in enumerate(trace.nodes) if not node.is_leaf]


def draw_forward_step(trace: Trace, k: int, rankdir: str = "LR") -> GraphView:
    """Step ``k`` of the forward pass (0 to the number of gate nodes): the node computed at
    step k highlighted, the data known by then (the leaves' and the earlier results'), the
    rest drawn as ``data ?``. Step 0 is before the first gate: only the leaves are known."""
    order = forward_order(trace)
    if not 0 <= k <= len(order):
        raise ValueError(f"there is no forward step {k}: this pass has steps 0 to {len(order)}")
    pending = set(order[k:])
    datas = [None if i in pending else node.data for i, node in enumerate(trace.nodes)]
    if k == 0:
        current, title = None, f"forward pass, step 0/{len(order)}: only the leaves are known"
    else:
        current = trace.nodes[order[k - 1]]
        title = f"forward step {k}/{len(order)}: {trace.name(order[k - 1])} = {_fmt(current.data)}"
    return GraphView(
        to_digraph(
            trace.root,
            rankdir,
            show_grad=False,
            datas=datas,
            current=current,
            title=title,
            max_nodes=trace.max_nodes,
        )
    )


class FrameStrip:
    """Frames side by side as static HTML (what ``show_steps`` gives without ipywidgets)."""

    def __init__(self, frames: list[GraphView]) -> None:
        self.frames = frames

    def _repr_html_(self) -> str:
        cells = "".join(
            f'<div style="display:inline-block;vertical-align:top;margin:4px">{f.svg()}</div>'
            for f in self.frames
        )
        return f'<div style="white-space:nowrap;overflow-x:auto">{cells}</div>'


def show_steps(trace: Trace, rankdir: str = "LR") -> object:
    """In Jupyter: a slider over the frames when ipywidgets is installed, else a strip. The
    slider carries the strip too, as the HTML shown where widgets cannot run (a notebook
    rendered as a web page)."""
    frames = draw_steps(trace, rankdir)
    try:
        import ipywidgets
    except ImportError:
        return FrameStrip(frames)
    out = ipywidgets.HTML(frames[0].svg() if frames else "")
    slider = ipywidgets.IntSlider(value=1, min=1, max=max(1, len(frames)), description="step")

    def show(change: dict[str, int]) -> None:
        out.value = frames[change["new"] - 1].svg()

    slider.observe(show, names="value")
    stepper = ipywidgets.VBox([slider, out])
    widget_bundle = stepper._repr_mimebundle_

    def bundle(**kwargs: object) -> dict[str, str]:
        shown = widget_bundle(**kwargs) or {}  # None where the widget cannot be shown
        return {**shown, "text/html": FrameStrip(frames)._repr_html_()}

    stepper._repr_mimebundle_ = bundle  # this one widget's display, with its static form
    return stepper
