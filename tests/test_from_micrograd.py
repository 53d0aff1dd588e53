"""Code written for micrograd runs here with its import changed: the lecture's cells, the demo.

micrograd's lecture builds a ``Value`` cell by cell, walks it with ``_prev`` and ``_op``,
draws it with its own ``draw_dot``, fills in grads by hand and then with ``_backward()``
node by node. Its demo trains an MLP on the moons with a hinge loss. The tests below are
small cells of our own in that style; each one would run on micrograd too.
"""

from __future__ import annotations

import itertools
import math

import graphviz
import pytest

from micrograd_notes.engine import Value
from micrograd_notes.nn import MLP
from micrograd_notes.viz import GraphView, can_render_svg, draw_dot

# ---- the lecture's style: a labelled expression, walked through _prev and _op ---------------


def _expression() -> tuple[Value, dict[str, Value]]:
    """out = (p * q + r) * u, every node labelled, as the lecture labels its expression."""
    p = Value(1.5, label="p")
    q = Value(-4.0, label="q")
    r = Value(3.0, label="r")
    s = p * q
    s.label = "s"
    t = s + r
    t.label = "t"
    u = Value(0.5, label="u")
    out = t * u
    out.label = "out"
    return out, {"p": p, "q": q, "r": r, "s": s, "t": t, "u": u, "out": out}


def _walk(root: Value) -> tuple[set[Value], set[tuple[Value, Value]]]:
    """Every node and every (parent, child) link, by recursion over ``_prev``."""
    seen: set[Value] = set()
    links: set[tuple[Value, Value]] = set()

    def visit(node: Value) -> None:
        if node in seen:
            return
        seen.add(node)
        for parent in node._prev:
            links.add((parent, node))
            visit(parent)

    visit(root)
    return seen, links


def _topo(root: Value) -> list[Value]:
    """Parents before children, by recursion over ``_prev``: the lecture's ordering."""
    order: list[Value] = []
    done: set[Value] = set()

    def place(node: Value) -> None:
        if node in done:
            return
        done.add(node)
        for parent in node._prev:
            place(parent)
        order.append(node)

    place(root)
    return order


def _lecture_style_digraph(root: Value) -> graphviz.Digraph:
    """A drawing built by hand from ``_prev`` and ``_op``, as the lecture builds its own."""
    g = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, links = _walk(root)
    for node in nodes:
        box = str(id(node))
        g.node(
            box, f"{{ {node.label} | data {node.data:.4f} | grad {node.grad:.4f} }}", shape="record"
        )
        if node._op:
            g.node(box + node._op, node._op)
            g.edge(box + node._op, box)
    for parent, child in links:
        g.edge(str(id(parent)), str(id(child)) + child._op)
    return g


def test_walking_prev_finds_every_node_and_link() -> None:
    out, v = _expression()
    nodes, links = _walk(out)
    assert nodes == set(v.values())
    assert links == {
        (v["p"], v["s"]),
        (v["q"], v["s"]),
        (v["s"], v["t"]),
        (v["r"], v["t"]),
        (v["t"], v["out"]),
        (v["u"], v["out"]),
    }
    assert {n.label: n._op for n in nodes} == {
        "p": "", "q": "", "r": "", "u": "", "s": "*", "t": "+", "out": "*"
    }  # fmt: skip


def test_a_lecture_style_drawing_and_draw_dot_show_the_same_graph() -> None:
    out, _ = _expression()
    out.backward()
    by_hand = _lecture_style_digraph(out).source
    ours = draw_dot(out)
    assert isinstance(ours, GraphView) and isinstance(ours.digraph, graphviz.Digraph)
    # The same boxes and gates: 7 values, 3 gate ovals; 6 links + 3 gate-to-output edges.
    assert by_hand.count("shape=record") == ours.source.count("shape=record") == 7
    assert by_hand.count(" -> ") == ours.source.count(" -> ") == 9
    for label in ("out", "grad 0.5", "grad -2", "grad 0.75", "grad -3"):
        assert label in ours.source
    if can_render_svg():  # how a notebook shows it inline
        assert (ours._repr_svg_() or "").lstrip().startswith(("<?xml", "<svg", "<!--"))


def test_grads_filled_in_by_hand_match_backward() -> None:
    _, v = _expression()
    # The chain rule, one node at a time, from the output down.
    v["out"].grad = 1.0
    v["t"].grad = v["u"].data * v["out"].grad  # out = t * u
    v["u"].grad = v["t"].data * v["out"].grad
    v["s"].grad = 1.0 * v["t"].grad  # t = s + r: a plus routes the gradient unchanged
    v["r"].grad = 1.0 * v["t"].grad
    v["p"].grad = v["q"].data * v["s"].grad  # s = p * q
    v["q"].grad = v["p"].data * v["s"].grad
    by_hand = {name: node.grad for name, node in v.items()}

    fresh, w = _expression()
    fresh.backward()
    assert {name: node.grad for name, node in w.items()} == by_hand
    assert by_hand["p"] == -2.0 and by_hand["u"] == -3.0


def test_underscore_backward_called_node_by_node() -> None:
    out, v = _expression()
    out.grad = 1.0
    for name in ("out", "t", "s"):  # children before parents
        v[name]._backward()
    for leaf in ("p", "q", "r", "u"):
        v[leaf]._backward()  # a leaf has no gate: nothing happens
    by_steps = {name: node.grad for name, node in v.items()}

    fresh, w = _expression()
    fresh.backward()
    assert by_steps == {name: node.grad for name, node in w.items()}


def test_topological_order_over_prev_then_underscore_backward_in_reverse() -> None:
    out, v = _expression()
    order = _topo(out)
    assert order[-1] is out and order.index(v["s"]) < order.index(v["t"])
    out.grad = 1.0
    for node in reversed(order):
        node._backward()
    fresh, w = _expression()
    fresh.backward()
    assert [n.grad for n in v.values()] == [n.grad for n in w.values()]


# ---- the lecture's tanh neuron and its well-known numbers -----------------------------------


def _neuron() -> tuple[Value, Value, dict[str, Value]]:
    """o = tanh(x1 w1 + x2 w2 + b), with b chosen so that the weighted sum is about 0.8814."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    return n, b, {"x1": x1, "x2": x2, "w1": w1, "w2": w2}


def test_the_tanh_neuron_gives_the_lectures_numbers() -> None:
    n, _, leaves = _neuron()
    o = n.tanh()
    o.label = "o"
    o.backward()
    assert n.data == pytest.approx(0.8814, abs=1e-4)
    assert o.data == pytest.approx(math.sqrt(0.5), rel=1e-12)  # tanh(n) = 1/sqrt(2)
    assert n.grad == pytest.approx(0.5, rel=1e-12)  # 1 - o^2
    grads = {name: v.grad for name, v in leaves.items()}
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}, abs=1e-12)
    assert "o" in draw_dot(o).source


def test_tanh_spelled_out_with_exp_gives_the_same_grads() -> None:
    n, _, leaves = _neuron()
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5), rel=1e-12)
    grads = {name: v.grad for name, v in leaves.items()}
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}, abs=1e-12)


# ---- the lecture's little network: tanh everywhere, squared error, a hand-written update ---


def test_the_lectures_training_loop_with_an_all_tanh_mlp() -> None:
    xs = [[1.0, -2.0, 0.5], [0.0, 1.5, -1.0], [2.0, 0.5, 1.0], [-1.0, -0.5, 2.0]]
    targets = [1.0, -1.0, -1.0, 1.0]
    net = MLP(3, [4, 4, 1], activation="tanh", last="tanh")  # the lecture's network
    losses = []
    for _ in range(20):
        outs = [net(x) for x in xs]
        loss = sum((out - t) ** 2 for out, t in zip(outs, targets))
        net.zero_grad()
        loss.backward()
        for p in net.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    assert losses[-1] < 0.05 * losses[0]
    assert all((net(x) > 0) == (t > 0) for x, t in zip(xs, targets))  # compares data


# ---- the demo's style: a training loop that differs from micrograd's only in its import -----

OUR_IMPORT = "from micrograd_notes.engine import Value\nfrom micrograd_notes.nn import MLP\n"
MICROGRAD_IMPORT = "from micrograd.engine import Value\nfrom micrograd.nn import MLP\n"

# The model and the loss: plain micrograd code (a score per input via map, the hinge loss
# written out with relu, L2 as a sum of squares, accuracy from the signs).
SETUP = """
from micrograd_notes.data import make_moons

X, y = make_moons(100, noise=0.1)
y = y * 2 - 1  # labels -1 and +1

model = MLP(2, [16, 16, 1])


def batch_loss():
    inputs = [list(map(Value, row)) for row in X]
    scores = list(map(model, inputs))
    margins = [(1 + -label * score).relu() for label, score in zip(y, scores)]
    data_loss = sum(margins) * (1.0 / len(margins))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    hits = [(label > 0) == (score.data > 0) for label, score in zip(y, scores)]
    return data_loss + reg_loss, sum(hits) / len(hits)
"""

TRAIN = """
steps = 100
for step in range(steps):
    loss, acc = batch_loss()
    model.zero_grad()
    loss.backward()
    lr = 1.0 - 0.9 * step / steps
    for p in model.parameters():
        p.data -= lr * p.grad
loss, acc = batch_loss()
"""


def test_a_micrograd_demo_style_loop_reaches_every_point_of_the_moons() -> None:
    scope: dict[str, object] = {}
    exec(OUR_IMPORT + SETUP + TRAIN, scope)
    assert scope["acc"] == 1.0
    assert scope["loss"].data < 0.05  # type: ignore[attr-defined]


def test_the_same_code_runs_on_micrograd_itself() -> None:
    # Proof that SETUP is micrograd code: one forward and backward pass on micrograd 0.1.0
    # (installed with the bench extra). Its whole loop would take minutes, not seconds.
    pytest.importorskip("micrograd")
    scope: dict[str, object] = {}
    exec(MICROGRAD_IMPORT + SETUP, scope)
    loss, acc = scope["batch_loss"]()  # type: ignore[operator]
    loss.backward()
    assert type(loss).__module__ == "micrograd.engine" and 0.0 <= acc <= 1.0
    assert any(p.grad != 0 for p in scope["model"].parameters())  # type: ignore[attr-defined]
