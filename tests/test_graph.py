"""Graph walks: topological order, leaves, edges; on Values and on plain node objects."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from hypothesis import given, settings
from strategies import Plan, build, plans

from micrograd_notes import Value, edges, topological_order
from micrograd_notes.graph import count_nodes


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


class CountingNode:
    """A node that counts how often its parents are asked for."""

    asked = 0

    def __init__(self, parent: CountingNode | None) -> None:
        self._parents = () if parent is None else (parent,)

    @property
    def parents(self) -> tuple[CountingNode, ...]:
        CountingNode.asked += 1
        return self._parents


def test_count_nodes_stops_at_the_limit() -> None:
    node = None
    for _ in range(20_000):
        node = CountingNode(node)
    CountingNode.asked = 0
    assert count_nodes(node, 100) == 101  # one past the limit: enough to refuse
    assert CountingNode.asked <= 101  # the other 19,899 links were never visited


def test_count_nodes_counts_a_small_graph_exactly() -> None:
    x = Value(1.0)
    y = x * x + x
    assert count_nodes(y, 100) == len(topological_order(y)) == 3
    assert count_nodes(y, 2) == 3
