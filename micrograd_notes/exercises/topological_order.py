"""Notebook 03, why topological order: the exercises and their solutions.

``topological_order``: the learner lists every node of a graph, parents before children, each
once. Many orders are right, so the checker does not compare with one: it checks the three
properties on graphs the engine builds (a diamond where a node is reached along two paths and
used twice by one gate, a neuron, and a chain far deeper than Python's recursion limit), with
the engine's own order telling which nodes there are.

``shortcut_one_grad`` and ``shortcut_two_swapped``: numbers the learner works out by following
the notebook's two failing shortcuts by hand. Both are computed here by running the shortcuts,
written as the notebook writes them, on graphs the engine builds.
"""

from __future__ import annotations

import gc
from typing import Any

from micrograd_notes import graph
from micrograd_notes.engine import Value
from micrograd_notes.exercises.core import (
    NotAnswered,
    TimeUp,
    Wrong,
    call_answer,
    code,
    describe,
    number,
)
from micrograd_notes.gradcheck import local_diffs

NOTEBOOK = "03"
SHORTCUT_1 = "Shortcut 1: recurse into every parent slot"
SHORTCUT_2 = "Shortcut 2: visit each node once, in the order the walk meets it"
ORDER = "The fix: a topological order"
NO_RECURSION = "And no recursion at all"
CHAIN = 10_000  # links: more than the recursion limit, in Jupyter (3,000) as in Python (1,000)

STARTER = '''\
def topological_order(root):
    """Every node that root depends on (leaves included) and root itself, in a list:
    each node once, every node after all of its parents."""
    ...
'''


def topological_order(root: Value) -> list[Value]:
    """A depth-first search that lists a node once all its parents are listed (post-order),
    with a list as its stack instead of recursion."""
    order: list[Value] = []
    visited = set()
    stack = [(root, False)]  # (node, are its parents listed already?)
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))  # comes back to it after its parents
            stack.extend((p, False) for p in reversed(node.parents) if p not in visited)
    return order


def _named(value: Value, label: str) -> Value:
    value.label = label
    return value


def diamond() -> tuple[str, Value]:
    """f = e·e, e = d·c, d = c + a, c = a·b: c reached along two paths, e used twice by one gate."""
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = _named(a * b, "c")
    d = _named(c + a, "d")
    e = _named(d * c, "e")
    return "the graph f = e·e, e = d·c, d = c + a, c = a·b", _named(e * e, "f")


def neuron() -> tuple[str, Value]:
    """out = tanh(w1·x1 + w2·x2 + b)."""
    x1, x2, w1, w2, b = (
        Value(v, n) for v, n in [(2, "x1"), (0, "x2"), (-3, "w1"), (1, "w2"), (6.9, "b")]
    )
    s = _named(_named(w1 * x1, "w1x1") + _named(w2 * x2, "w2x2"), "s")
    return "a neuron, tanh(w1·x1 + w2·x2 + b)", _named(_named(s + b, "z").tanh(), "out")


def chain() -> tuple[str, Value]:
    """x0 -> x1 = x0 + 1 -> ... : a chain deeper than Python's recursion limit."""
    node = Value(0.0, "x0")
    for i in range(1, CHAIN + 1):
        node = _named(node + 1.0, f"x{i}")
    return f"a chain of {CHAIN:,} links", node


def _name(node: Value) -> str:
    return f"'{node.label}' ({node.op or 'a leaf'})"


def check_order(got: Any, root: Value, where: str) -> None:
    """Raise Wrong unless ``got`` lists the graph of ``root``: each node once, parents first."""
    nodes = graph.topological_order(root)  # the engine's order: which nodes there are
    if not isinstance(got, (list, tuple)):
        raise Wrong(f"on {where}, expected a list of Values, got {describe(got)}", "")
    if len(got) > 2 * len(nodes) + 10:
        raise Wrong(f"on {where}, the list has {len(got):,} entries for {len(nodes):,} nodes")
    for i, node in enumerate(got):
        if not isinstance(node, Value):
            raise Wrong(
                f"on {where}, entry {i} is {describe(node)}: list the Value nodes themselves", ""
            )
    members, seen = set(nodes), set()
    for node in got:
        if node in seen:
            raise Wrong(
                f"on {where}, {_name(node)} appears twice: visit each node once "
                "(keep a set of the nodes visited)"
            )
        if node not in members:
            raise Wrong(f"on {where}, {_name(node)} is not in the root's graph")
        seen.add(node)
    missing = [node for node in nodes if node not in seen]
    if missing:
        raise Wrong(
            f"on {where}, {_name(missing[0])} is missing ({len(missing)} of {len(nodes)} nodes "
            "are): list every node the root depends on, leaves and the root included"
        )
    position = {node: i for i, node in enumerate(got)}
    late = [(n, p) for n in got for p in n.parents if position[p] > position[n]]
    if late and len(late) == sum(len(n.parents) for n in got):
        raise Wrong(
            f"on {where}, every node comes before its parents: that is the order backward() "
            "walks; return it the other way round, parents first"
        )
    if late:
        child, parent = late[0]
        raise Wrong(
            f"on {where}, {_name(child)} comes before its parent {_name(parent)}: "
            "a node goes after every node it is computed from"
        )


def judge(answer: Any) -> None:
    """Run the learner's topological_order on each graph; raise Wrong naming the mistake."""
    for build in (diamond, neuron, chain):
        where, root = build()
        # A chain freed from its root frees each node inside its child's freeing: in the
        # browser (Pyodide) a chain of about 2,500 nodes overflows the WebAssembly stack that
        # way, and Python dies. So a list of every node, parents first, is let go last, after
        # every other reference to the graph (the learner's garbage too): it frees them root
        # first, one at a time.
        nodes = graph.topological_order(root)
        mistake = _mistake_on(answer, root, where)
        del root
        gc.collect()  # the learner's cyclic garbage, such as a recursive closure's set of nodes
        del nodes
        if mistake is not None:
            raise mistake


def _mistake_on(answer: Any, root: Value, where: str) -> BaseException | None:
    """What is wrong with the learner's order of one graph (None if nothing), as an exception
    made afresh: it holds no frame of the check, so no node outlives ``judge``'s list."""
    try:
        got = call_answer(answer, root, what=f"topological_order on {where}")
        check_order(got, root, where)
    except Wrong as caught:
        recursed = isinstance(caught.__cause__, RecursionError)
        return Wrong(str(caught), NO_RECURSION if recursed else caught.section)
    except NotAnswered as caught:
        return NotAnswered(str(caught))
    except TimeUp:
        return TimeUp()
    return None


# ---- the two shortcuts, as the notebook writes them, for the number exercises ----------------


def push_down(node: Value) -> None:
    """Send node.grad to its parents once: each gets local_diff · up_diff."""
    assert node.gate is not None
    for parent, local in zip(node.parents, local_diffs(node.gate, [p.data for p in node.parents])):
        parent.grad += local * node.grad


def naive_backward(node: Value) -> None:
    """Shortcut 1: push, then recurse into every parent slot (a parent used twice, twice)."""
    push_down(node)
    for parent in node.parents:
        if parent.parents:
            naive_backward(parent)


def visit_once_backward(root: Value) -> None:
    """Shortcut 2: push each node once, in the order a depth-first walk from the root meets it."""
    seen = set()

    def visit(node: Value) -> None:
        if node in seen or not node.parents:
            return
        seen.add(node)
        push_down(node)
        for parent in node.parents:
            visit(parent)

    root.grad = 1.0
    visit(root)


def shortcut_one_on_three_doublings() -> float:
    """a.grad after shortcut 1 on b3 = b2 + b2, b2 = b1 + b1, b1 = a + a (truly db3/da = 8)."""
    a = Value(1.0, "a")
    b1 = a + a
    b2 = b1 + b1
    b3 = b2 + b2
    b3.grad = 1.0
    naive_backward(b3)
    return a.grad


def shortcut_two_on(swapped: bool) -> float:
    """a.grad after shortcut 2 on d = b + c (or c + b), c = b + a, b = 2a (truly dd/da = 5)."""
    a = Value(1.0, "a")
    b = a * 2.0
    c = b + a
    d = c + b if swapped else b + c
    visit_once_backward(d)
    return a.grad


EXERCISES = [
    code(
        "topological_order",
        NOTEBOOK,
        "list a graph's nodes, parents first, each once",
        starter=STARTER,
        solution=topological_order,
        judge=judge,
        section=ORDER,
    ),
    number(
        "shortcut_one_grad",
        NOTEBOOK,
        "the grad shortcut 1 gives a for three doublings",
        shortcut_one_on_three_doublings(),
        section=SHORTCUT_1,
        mistakes={
            8.0: "that is the true db3/da; shortcut 1 pushes b2 and b1 more than once",
        },
        hint="count how often each node is reached, and what it holds each time it pushes",
    ),
    number(
        "shortcut_two_swapped",
        NOTEBOOK,
        "the grad shortcut 2 gives a when d = c + b",
        shortcut_two_on(swapped=True),
        section=SHORTCUT_2,
        mistakes={
            shortcut_two_on(swapped=False): "that is what it gives for d = b + c; with c listed "
            "first, the walk reaches c before b",
        },
        hint="the walk goes from d to c first, and from c to b: what does b hold by then?",
    ),
]
