"""Graph walks: topological order, leaves, edges; on Values and on plain node objects."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from hypothesis import given, settings
from strategies import Plan, build, plans

from micrograd_notes import Value, edges, topological_order


@dataclass(eq=False)  # eq=False keeps hashing by identity, as the walk requires
class Node:
    name: str
    parents: tuple[Node, ...] = field(default=())


def test_walks_any_object_with_parents() -> None:
    a, b = Node("a"), Node("b")
    c = Node("c", (a, b))
    d = Node("d", (c, a))
    assert [n.name for n in topological_order(d)] == ["a", "b", "c", "d"]
    assert [n.name for n in topological_order(d, leaves=False)] == ["c", "d"]


def test_leaf_root() -> None:
    a = Node("a")
    assert topological_order(a) == [a]
    assert topological_order(a, leaves=False) == []


def test_order_follows_parent_slots_left_to_right() -> None:
    x, y = Value(1.0, "x"), Value(2.0, "y")
    z = y * x
    assert topological_order(z) == [y, x, z]


def test_edges_once_per_parent_slot() -> None:
    a = Value(3.0, "a")
    b = a * a
    assert edges(b) == [(a, b), (a, b)]
    c = b + a
    assert edges(c) == [(a, b), (a, b), (b, c), (a, c)]


@settings(max_examples=50, deadline=None)
@given(plans())
def test_random_graphs_order_is_topological_and_complete(plan: Plan) -> None:
    inputs = [Value(x) for x in plan.inputs]
    root = build(plan, inputs)
    order = topological_order(root)
    position = {id(n): k for k, n in enumerate(order)}
    assert len(position) == len(order)  # each node once
    assert order[-1] is root
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    # Complete: every node reachable from the root is listed.
    reachable, stack = {id(root)}, [root]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in reachable:
                reachable.add(id(parent))
                stack.append(parent)
    assert reachable == set(position)
    assert len(edges(root)) == sum(len(n.parents) for n in order)


def test_deep_chain_of_plain_nodes() -> None:
    # 20 times Python's recursion limit: a recursive walk would fail long before the end.
    depth = 20 * sys.getrecursionlimit()
    node = Node("0")
    for k in range(1, depth):
        node = Node(str(k), (node,))
    order = topological_order(node)
    assert len(order) == depth and order[0].name == "0" and order[-1] is node
