"""The batch in a recorded graph: the samples a compiled step loops over.

A loss over a batch is a mean (``Value.sum`` of one term per sample, times 1/n). When every
term comes from a subgraph of the same shape (the same network on another input), the
compiled step (``compiled.py``) writes one sample's graph once, as the body of a loop over the
samples, instead of writing out every node: its program does not grow with the batch. This
module finds that loop in a tape, checking every sample's graph against the first one, node
by node and edge by edge (at C speed where it can: the check runs over every node of the
batch), and says why when there is none. It also looks for signs of a branch on ``.data``
taken while the tape recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate, chain
from operator import attrgetter, itemgetter
from typing import TypeVar, cast

from micrograd_notes.engine import Value
from micrograd_notes.gates import SUM
from micrograd_notes.graph import topological_order

T = TypeVar("T")


class CompileError(ValueError):
    """A graph the compiler cannot turn into a program: the message says why and what to do."""


def parents_of(node: Value) -> tuple[Value, ...]:
    """A node's parents: ``Value.parents`` without the property's call."""
    return node._many or ((node._a,) if node._b is None else (node._a, node._b))


def needed(tape: list[Value], root: Value, position: dict[int, int]) -> list[Value]:
    """The inner nodes ``root`` depends on, in tape order (all of them must be on the tape)."""
    needed = {id(root)}
    for node in reversed(tape):
        if id(node) in needed:
            needed.update(id(p) for p in parents_of(node) if p._gate is not None)
    if not needed <= position.keys():
        missing = next(n for n in topological_order(root, leaves=False) if id(n) not in position)
        raise CompileError(
            f"compile: the {missing.op} node (data {missing.data:.6g}) was made before the "
            "tape opened: build the whole step inside `with Tape() as tape:`"
        )
    return [node for node in tape if id(node) in needed]


# ---- the loop over samples ---------------------------------------------------------------------


class _NoLoop(Exception):
    """Why a sum's terms cannot become one loop."""


class Loop:
    """A sum whose terms come from subgraphs of one shape, one per sample: one loop.

    ``body`` is sample 0's nodes in tape order; ``samples[i]`` sample i's, in the same places;
    ``columns[c]`` the leaf each sample has in leaf slot c (its inputs and constants);
    ``slot`` maps sample 0's leaves to their slots; ``touch`` is the first and the last tape
    position of a sample's node that sends a down_diff to a parameter.
    """

    def __init__(self, total: Value, samples: list[list[Value]], columns: list[list[Value]],
                 slot: dict[int, int], touch: tuple[int, int]) -> None:  # fmt: skip
        self.total, self.samples, self.columns, self.slot = total, samples, columns, slot
        self.body, self.touch = samples[0], touch

    @property
    def leaves(self) -> list[Value]:
        """Sample 0's own leaves, one per slot (``columns[c][0]``)."""
        return [column[0] for column in self.columns]


_GATE = attrgetter("_gate")


def find_loop(
    tape: list[Value], root: Value, position: dict[int, int], params: dict[int, int]
) -> tuple[Loop | None, str]:
    """The biggest ``Value.sum`` whose terms' subgraphs share one shape, as a loop; or None
    and why there is none."""
    sums = sorted((n for n in tape if n._gate is SUM and len(n._many) > 1), key=_size)
    reasons = []
    for total in sums[:3]:
        try:
            return _loop_over(total, root, position, params), ""
        except _NoLoop as err:
            reasons.append(f"{err} (the sum of {len(total._many)} terms)")
    return None, reasons[0] if reasons else (
        "the loss has no Value.sum of two or more terms (a mean over a batch)"
    )  # fmt: skip


def _size(node: Value) -> int:
    return -len(node._many)


def _loop_over(total: Value, root: Value, position: dict[int, int], params: dict[int, int]) -> Loop:
    """The loop over ``total``'s terms: every sample's graph checked against the first's."""
    terms = total._many
    if any(t._gate is None for t in terms) or len(set(map(id, terms))) < len(terms):
        raise _NoLoop("a term is a leaf, or the same node twice")
    shape = _Shape(_subgraph(terms[0], position), params)
    samples, seen = [shape.body], set(map(id, shape.body))
    columns = [[leaf] for leaf in shape.leaves(shape.flat)]
    first, last = None, -1
    for i, term in enumerate(terms):
        nodes = shape.body if i == 0 else shape.match(i, term, seen, columns)
        if i:
            samples.append(nodes)
        found = list(map(position.get, map(id, nodes)))
        if None in found:
            raise _NoLoop("a node of a sample was made before the tape opened")
        where = cast("list[int]", found)
        if where != sorted(where):
            raise _NoLoop(f"sample {i}'s nodes were made in another order than sample 0's")
        if shape.touching:  # the engine adds into the parameters sample by sample: so must we
            sent = shape.touching(where)
            if min(sent) < last:
                raise _NoLoop(f"samples {i - 1} and {i} were built interleaved")
            first, last = min(sent) if first is None else first, max(sent)
    at = position[id(total)]
    touch = (first, last) if first is not None else (at, at)
    _check_outside(root, total, seen, position, shape.touched, touch)
    slot = {id(column[0]): c for c, column in enumerate(columns)}
    return Loop(total, samples, columns, slot, touch)


class _Shape:
    """The first sample's graph, to check the others against: its nodes (``body``, in tape
    order), their gates, how many parents each has, and each parent slot's reference: the
    body's index of a node of the sample, -1 - j for parameter j, None for a leaf of its own.

    For a sample ``t = (w * x).tanh()``, w parameter 0 and x the sample's own input: ``body``
    is [m, t] (m = w * x), ``flat`` (every parent slot in order) [w, x, m], ``refs``
    [-1, None, 0], ``arity`` [2, 1], ``own`` [1] (slot 1 holds an own leaf), ``pattern`` [0]
    (one distinct own leaf), ``plan`` [(0, 1, 0)] (node 0 is parent 0 of node 1),
    ``params_at`` reads slot 0 (it must hold w itself in every sample), ``inner_at`` slot 2
    (it must hold the sample's node 0), and ``touching`` picks node 0's tape position: the
    node that sends a down_diff to a parameter."""

    def __init__(self, body: list[Value], params: dict[int, int]) -> None:
        self.body, self.size = body, len(body)
        kids = list(map(parents_of, body))
        self.flat = list(chain.from_iterable(kids))
        self.shared = {pid: -1 - j for pid, j in params.items()}
        self.refs = self._refs(body, self.flat)
        self.gates, self.arity = list(map(_GATE, body)), list(map(len, kids))
        self.own = [s for s, r in enumerate(self.refs) if r is None]  # slots of its own leaves
        self.pattern = self._pattern(self.flat)
        self.firsts = [self.pattern.index(c) for c in range(max(self.pattern, default=-1) + 1)]
        # How to find sample i's nodes from its term: node r is parent j of node k (the last
        # node that uses it), for r from the term down, so node k is always found first.
        start = list(accumulate(self.arity, initial=0))
        found: dict[int, tuple[int, int]] = {}
        for k in range(self.size - 1, -1, -1):
            for j, r in enumerate(self.refs[start[k] : start[k + 1]]):
                if r is not None and r >= 0:
                    found.setdefault(r, (k, j))
        self.plan = [(r, *found[r]) for r in range(self.size - 2, -1, -1)]
        param = [r is not None and r < 0 for r in self.refs]  # a slot holding a parameter
        sends = [k for k in range(self.size) if any(param[start[k] : start[k + 1]])]
        self.touching: Callable[[list[int]], tuple[int, ...]] | None = (
            _getter(sends) if sends else None
        )
        self.touched = {id(leaf) for leaf, p in zip(self.flat, param) if p}
        # A sample is checked slot by slot at C speed: its parameters must be the very same
        # objects, its inner slots must point to the same places of its own graph.
        self.params_at = _getter([s for s, p in enumerate(param) if p])
        self.inner_at = _getter([s for s, r in enumerate(self.refs) if r is not None and r >= 0])
        self.param_objects = self.params_at(self.flat)
        self.inner_refs = [r for r in self.refs if r is not None and r >= 0]

    def _refs(self, nodes: list[Value], flat: list[Value]) -> list[int | None]:
        lookup = {**self.shared, **dict(zip(map(id, nodes), range(len(nodes))))}
        return list(map(lookup.get, map(id, flat)))

    def _wired_alike(self, nodes: list[Value], flat: list[Value]) -> bool:
        """Whether a sample's parent slots hold the body's parameters and its own nodes in
        the body's places (its own leaves are checked by ``match``)."""
        if self.params_at(flat) != self.param_objects:  # compared by identity first
            return False
        places = dict(zip(map(id, nodes), range(self.size)))
        return list(map(places.get, map(id, self.inner_at(flat)))) == self.inner_refs

    def _pattern(self, flat: list[Value]) -> list[int]:
        """Which of the sample's own leaves each of its leaf slots holds (x * x: the same)."""
        seen: dict[int, int] = {}
        return [seen.setdefault(id(flat[s]), len(seen)) for s in self.own]

    def leaves(self, flat: list[Value]) -> list[Value]:
        """The sample's own leaves, one per slot of the body's."""
        return [flat[self.own[f]] for f in self.firsts]

    def match(self, i: int, term: Value, seen: set[int], columns: list[list[Value]]) -> list[Value]:
        """Sample i's nodes in the body's places, checked gate by gate and edge by edge; its
        own leaves are added to ``columns``."""
        nodes: list[Value] = [term] * self.size
        kids: list[tuple[Value, ...] | None] = [None] * self.size
        try:
            for r, k, j in self.plan:
                mine = kids[k]
                if mine is None:
                    mine = kids[k] = parents_of(nodes[k])
                nodes[r] = mine[j]
        except IndexError:
            raise _NoLoop(f"sample {i}'s graph has another shape than sample 0's") from None
        if list(map(_GATE, nodes)) != self.gates:
            raise _NoLoop(f"sample {i}'s graph has other gates than sample 0's")
        every = [m if m is not None else parents_of(n) for m, n in zip(kids, nodes)]
        flat = list(chain.from_iterable(every))
        if list(map(len, every)) != self.arity or not self._wired_alike(nodes, flat):
            raise _NoLoop(f"sample {i}'s graph is wired differently from sample 0's")
        before = len(seen)
        seen.update(map(id, nodes))
        if len(seen) < before + self.size:
            raise _NoLoop(f"sample {i} shares a node with another sample")
        leaves = self.leaves(flat)
        if any(x._gate is not None or id(x) in self.shared for x in leaves) or (
            self._pattern(flat) != self.pattern
        ):
            raise _NoLoop(f"sample {i} uses its leaves differently from sample 0")
        for column, leaf in zip(columns, leaves):
            column.append(leaf)
        return nodes


def _getter(places: list[int]) -> Callable[[Sequence[T]], tuple[T, ...]]:
    """``itemgetter(*places)``, returning a tuple for any number of places."""
    if len(places) > 1:
        return itemgetter(*places)
    return lambda items: tuple(items[k] for k in places)


def _subgraph(term: Value, position: dict[int, int]) -> list[Value]:
    """The inner nodes ``term`` depends on (itself included), in tape order."""
    found = {id(term): term}
    todo = [term]
    while todo:
        for p in parents_of(todo.pop()):
            if p._gate is not None and id(p) not in found:
                found[id(p)] = p
                todo.append(p)
    if not found.keys() <= position.keys():
        raise _NoLoop("a node of the first sample was made before the tape opened")
    return sorted(found.values(), key=lambda n: position[id(n)])


def outer(root: Value, total: Value) -> list[Value]:
    """The inner nodes ``root`` depends on outside the loop over ``total``'s terms."""
    found = {id(root): root}
    todo = [root]
    while todo:
        node = todo.pop()
        if node is not total:
            for p in parents_of(node):
                if p._gate is not None and id(p) not in found:
                    found[id(p)] = p
                    todo.append(p)
    return list(found.values())


def _check_outside(
    root: Value, total: Value, inside: set[int], position: dict[int, int],
    touched: set[int], touch: tuple[int, int],
) -> None:  # fmt: skip
    """A node outside the loop uses no node of a sample, is on the tape, and adds into the
    parameters the samples use before or after all of them (as the engine's sweep does)."""
    for node in outer(root, total):
        if id(node) not in position:
            raise _NoLoop("a node outside the samples was made before the tape opened")
        kids = parents_of(node)
        if node is not total and any(id(p) in inside for p in kids):
            raise _NoLoop(f"the {node.op} node outside the sum uses a node of a sample")
        if touch[0] <= position[id(node)] <= touch[1] and any(id(p) in touched for p in kids):
            raise _NoLoop(f"the {node.op} node was made between the samples' nodes")


# ---- what was read off .data -------------------------------------------------------------------


def baked_reads(
    nodes: list[Value],
    loop: Loop | None,
    position: dict[int, int],
    comparisons: Sequence[int],
    read: set[int],
) -> list[str]:
    """Signs of a branch taken on ``.data`` while the tape recorded: comparisons of Values,
    and constants (leaves not in ``read``, the ids of the parameters and inputs) equal to the
    data of a node made before the one that uses them. Whole numbers are not suspected."""
    found = []
    seen = [k for k in comparisons if k <= len(position)]
    if seen:
        found.append(
            f"baked in: {len(seen)} comparison(s) of Values while the tape recorded (a branch "
            "they decided is taken at every call)"
        )
    scan = sorted([*nodes, *(loop.body if loop else ())], key=lambda n: position[id(n)])
    earlier: dict[float, Value] = {}
    suspects: dict[float, tuple[Value, Value]] = {}
    for node in scan:
        for p in parents_of(node):
            suspect = p._gate is None and id(p) not in read and not p.data.is_integer()
            if suspect and p.data in earlier:
                suspects.setdefault(p.data, (node, earlier[p.data]))
        earlier.setdefault(node.data, node)
    if suspects:
        value, (user, source) = next(iter(suspects.items()))
        where = ", in every sample" if loop and any(user is n for n in loop.body) else ""
        found.append(
            f"baked in, perhaps: {len(suspects)} constant(s) equal to the data a node had "
            f"when the tape recorded{where} (the constant {value:.6g} that a {user.op} node "
            f"uses is the data of a {source.op} node): if one was read off .data, it keeps "
            "its value at every call; if the two are equal by chance, all is well"
        )
    return found
