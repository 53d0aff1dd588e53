"""Walking a computation graph: topological order, nodes and edges.

Works on any object with a ``parents`` tuple (a leaf has ``()``) that hashes by identity
(the default for Python objects); it knows nothing of ``Value``. Every walk is iterative, so
a chain far deeper than Python's recursion limit is fine, and every walk follows parents in
tuple order, so the same program always gives the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, TypeVar


class Node(Protocol):
    """Anything that records the nodes it was computed from, in order."""

    @property
    def parents(self) -> tuple[Any, ...]: ...


N = TypeVar("N", bound=Node)


def topological_order(root: N, *, leaves: bool = True) -> list[N]:
    """Every node reachable from ``root``, each once, parents before children; root last.

    This is the post-order of a depth-first search that visits parents left to right.
    With ``leaves=False`` the nodes with no parents are left out (``backward()`` has no
    work to do for them).
    """
    root_parents = root.parents
    if not root_parents:
        return [root] if leaves else []
    order: list[N] = []
    visited = {root}
    # The node being explored and the iterator over the parents it has yet to visit sit in
    # locals; the stack keeps that pair for each node further down the path: the state a
    # recursive DFS would keep in its call frames.
    node, pending = root, iter(root_parents)
    stack: list[tuple[N, Iterator[N]]] = []
    # Bound methods as locals: this loop runs once per edge of the graph.
    push, pop, seen, finish = stack.append, stack.pop, visited.add, order.append
    all_seen = visited.issuperset
    while True:
        for parent in pending:
            if parent in visited:
                continue
            seen(parent)
            grandparents = parent.parents
            if not grandparents:  # a leaf is finished as soon as it is found
                if leaves:
                    finish(parent)
            elif all_seen(grandparents):
                # Its parents are all finished already (shared weights and inputs make
                # this the common case): finish it now, checked at C speed, without
                # pushing it. The order is the same as if it had been pushed.
                finish(parent)
            else:  # go down into this parent; come back to ``node`` afterwards
                push((node, pending))
                node, pending = parent, iter(grandparents)
                break
        else:  # every parent of ``node`` is finished
            finish(node)
            if not stack:
                return order
            node, pending = pop()


def edges(root: N) -> list[tuple[N, N]]:
    """Every (parent, child) edge, one per parent slot, so ``a * a`` gives two edges."""
    return [(parent, child) for child in topological_order(root) for parent in child.parents]


def count_nodes(root: Node, limit: int) -> int:
    """How many nodes are reachable from ``root``, counting no further than ``limit + 1``.

    A guard against drawing a huge graph can stop as soon as it knows the answer: on a chain of
    a million links this returns after ``limit + 1`` nodes instead of sorting them all.
    """
    seen = {root}
    todo = [root]
    while todo:
        for parent in todo.pop().parents:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
                if len(seen) > limit:  # enough to know: stop
                    return len(seen)
    return len(seen)
