"""Notebook 03's exercises: topological_order, with each mistake submitted on purpose, and the
two numbers read off the failing shortcuts."""

from __future__ import annotations

import gc
import sys
from collections import deque

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value, graph
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.core import NotAnswered, TimeUp, Wrong
from micrograd_notes.exercises.topological_order import (
    _mistake_on,
    chain,
    diamond,
    topological_order,
)

EX = exercise("topological_order")


def kahn(root):
    """Another right order: Kahn's algorithm, children counted first, then peeled off."""
    children: dict = {}
    todo, seen = [root], {root}
    while todo:
        node = todo.pop()
        for parent in node.parents:
            children.setdefault(parent, 0)
            children[parent] += 1
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    ready = deque([root])
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for parent in node.parents:
            children[parent] -= 1
            if children[parent] == 0:
                ready.append(parent)
    return order[::-1]


def test_any_right_order_passes() -> None:
    assert EX.accepts(topological_order)
    assert EX.accepts(graph.topological_order)
    assert EX.accepts(kahn)
    _, root = diamond()
    assert kahn(root) != graph.topological_order(root)  # a different order, also right


def test_a_child_before_its_parent_is_named() -> None:
    def pre_order(root):
        order, seen, stack = [], set(), [root]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                order.append(node)  # listed before its parents
                stack.extend(node.parents)
        return order[::-1]

    assert_mistake(EX, pre_order, "comes before its parent", "The fix: a topological order")


def test_the_order_backward_walks_is_named() -> None:
    def children_first(root):
        return topological_order(root)[::-1]

    assert_mistake(EX, children_first, "every node comes before its parents", "other way round")


def test_a_node_visited_twice_is_named() -> None:
    def no_visited_set(root):
        order = []
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            else:
                stack.append((node, True))
                stack.extend((p, False) for p in reversed(node.parents))
        return order

    assert_mistake(EX, no_visited_set, "'a' (a leaf) appears twice", "keep a set")


def test_a_missing_node_is_named() -> None:
    def no_leaves(root):
        return [n for n in topological_order(root) if n.parents]

    def first_parent_only(root):
        chain = [root]
        while chain[-1].parents:
            chain.append(chain[-1].parents[0])
        return chain[::-1]

    assert_mistake(EX, no_leaves, "'a' (a leaf) is missing", "leaves and the root included")
    assert_mistake(EX, first_parent_only, "is missing")


def recursive(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def test_recursion_fails_on_the_deep_chain_and_is_named() -> None:
    assert_mistake(
        EX, recursive, "a chain of 10,000 links", "RecursionError", "visit(parent)",
        "use a loop and a list as a stack", "(reread 'And no recursion at all')",
    )  # fmt: skip


def test_odd_results_are_named() -> None:
    def labels(root):
        return [n.label for n in topological_order(root)]

    def as_a_set(root):
        return set(topological_order(root))

    def with_a_stranger(root):
        return [Value(1.0, "stranger"), *topological_order(root)]

    assert_mistake(EX, labels, "entry 0 is str 'a'", "list the Value nodes themselves")
    assert_mistake(EX, as_a_set, "expected a list of Values, got set")
    assert_mistake(EX, with_a_stranger, "'stranger' (a leaf) is not in the root's graph")


def test_a_mistake_keeps_no_node_of_the_chain_alive() -> None:
    # In the browser, a 10,000-link chain freed from its root kills Python (see judge): judge
    # lets go of its list of every node last, so nothing else may still hold a node then,
    # such as an exception whose traceback holds the frames of the check.
    def not_yet(root):
        return None

    def times_out(root):
        raise TimeUp  # as the clock raises it inside the learner's code

    for answer, kind in [(recursive, Wrong), (not_yet, NotAnswered), (times_out, TimeUp)]:
        where, root = chain()
        before = sys.getrefcount(root)
        mistake = _mistake_on(answer, root, where)
        assert type(mistake) is kind
        assert (mistake.__traceback__, mistake.__cause__, mistake.__context__) == (None,) * 3
        gc.collect()  # as judge does: the recursive closure's set of nodes is a cycle
        assert sys.getrefcount(root) == before


# ---- the number exercises: the two shortcuts followed by hand ------------------------------

SHORTCUT_ONE = exercise("shortcut_one_grad")
SHORTCUT_TWO = exercise("shortcut_two_swapped")


def test_shortcut_one_on_three_doublings_gives_48() -> None:
    # By hand: b3 pushes 1 into both slots (b2 = 2). b2 is reached twice and pushes what it
    # holds each time: 2 + 2 into b1 the first time (b1 = 4), and again (b1 = 8). b1 is reached
    # four times, pushing 2·4, 2·4 under the first visit of b2 and 2·8, 2·8 under the second:
    # a = 8 + 8 + 16 + 16 = 48.
    assert SHORTCUT_ONE.solution() == 48.0
    assert SHORTCUT_ONE.accepts(48) and SHORTCUT_ONE.accepts(np.float64(48.0))


def test_shortcut_one_names_the_true_derivative_as_a_mistake() -> None:
    assert_mistake(SHORTCUT_ONE, 8.0, "that is the true db3/da", "more than once",
                   "(reread 'Shortcut 1: recurse into every parent slot')")  # fmt: skip
    assert_mistake(SHORTCUT_ONE, 16.0, "too low", "hint: count how often each node is reached")


def test_shortcut_two_with_c_first_is_right_by_luck() -> None:
    # d = c + b: the walk reaches c before b, c sends b its share, and b pushes 2 (a = 1 + 4):
    # the true dd/da = 5, found by an order that only happens to be topological.
    assert SHORTCUT_TWO.solution() == 5.0
    assert_mistake(
        SHORTCUT_TWO,
        3.0,
        "what it gives for d = b + c",
        "reaches c before b",
        "(reread 'Shortcut 2: visit each node once, in the order the walk meets it')",
    )
