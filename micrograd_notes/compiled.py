"""The compiled step: a recorded tape written out as a Python function (``Tape.compile``).

A tape lists the nodes of one step in the order they were made. When every step builds a
graph of the same shape (the same network, the same batch size), that list can be written out
once as the program the engine runs: a local variable per node, each gate's forward as one
line, then the reverse sweep, one line per down_diff = local_diff · up_diff. The lines come
from the gates: each gate in ``gates.py`` carries its rule as a small code template (``code``
for the forward, ``code_diffs`` for the down_diff it sends each parent) beside its ``forward``
and ``backward``; ``program.py`` copies them out. ``step.source`` is the program; ``step()``
runs it.

A call reads the current ``.data`` of every leaf in ``params`` and ``inputs``; every other
leaf is a constant, written into the program as a number. It returns the loss as a float and
adds the loss's gradient into every parameter's ``grad``, as ``loss.backward()`` would
(leaves accumulate: clearing them stays the caller's job). Nodes in ``outputs`` get their new
``.data`` (the scores, to measure accuracy). Inputs' and constants' grads are not computed.

Size. A mean over a batch (``Value.sum`` of one term per sample, as every loss in
``losses.py`` makes it) whose terms come from subgraphs of one shape becomes a loop over the
samples, whose body is one sample's graph (``batch.py`` finds it): the program does not grow
with the batch. Otherwise the program is straight-line, a line per node and per edge, refused
beyond ``STRAIGHT_LINE_LIMIT`` nodes (it would take seconds to compile). ``step.notes`` says
which, and why.

Honest limits:

- The program is the recorded graph: it is valid while the step's graph keeps its shape.
- Gates whose result depends on the data (relu, abs, max, min, the stable sigmoid's two
  branches) follow the data at every call, as the engine does.
- A Python branch on ``.data`` in the code that built the graph (``if z.data > 0:``, a shift
  ``m = max(z.data for z in zs)``) was decided once, when the tape recorded: the compiled
  step takes the same branch at every call. Two signs of one are detected and reported in a
  ``BakedBranchWarning`` and in ``step.notes``: a comparison of Values while the tape was
  open, and a constant equal to the data an earlier node had (a number read off ``.data``).
  A branch on ``z.data`` itself leaves no trace in the graph and cannot be seen.
- A gate of your own is refused, by name, unless its class carries ``code`` and
  ``code_diffs`` as the built-in gates do; so is a subclass that overrides ``forward`` or
  ``backward`` but inherits the template written for its parent's rule.
- An overflow, a division by zero, a log of a non-positive number, a power outside the
  engine's domain: the step runs again through the engine, on the recorded graph, which
  raises its own error naming the node. So does an inf or nan in the forward pass that a
  later gate would turn into a number (tanh(inf) = 1, relu(-inf) = 0, exp(-inf) = 0,
  x / inf = 0): each built-in gate's code refuses such an input (it divides 1.0 by 0.0),
  and counts a number beyond +-1e308 as one (the engine then gives the result). A gate of
  your own is trusted to do the same. A non-finite grad that a switched-off gate stops
  (relu, abs, max and min send 0) before it reaches a parameter goes unseen, where the
  engine would name it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from typing import TypeAlias

from micrograd_notes.batch import (
    CompileError,
    baked_reads,
    find_loop,
    needed,
    outer,
)
from micrograd_notes.engine import Value
from micrograd_notes.nodes import _count_open_list, _overflow, _tape_list
from micrograd_notes.program import Program

STRAIGHT_LINE_LIMIT = 10_000  # inner nodes: beyond this, a program without a loop is refused
RELATIVE = 1e-12  # check(): the largest relative difference allowed from the engine's grads

__all__ = ["BakedBranchWarning", "CompileError", "CompiledStep", "Leaves", "compile_step"]
Leaves: TypeAlias = "Value | Iterable[Leaves]"  # a Value, a list of them, lists of lists...


class BakedBranchWarning(UserWarning):
    """Something in the recorded graph looks read off ``.data``: if it was, every call repeats
    it."""


def compile_step(
    tape: list[Value],
    root: Value,
    params: Iterable[Value],
    inputs: Leaves = (),
    outputs: Iterable[Value] = (),
    comparisons: Sequence[int] = (),
) -> CompiledStep:
    """The compiled step of ``root``, recorded on ``tape`` (``Tape.compile`` calls this)."""
    if not isinstance(root, Value):
        raise CompileError(f"compile: the loss must be a Value, got {type(root).__name__}")
    if root.is_leaf:
        raise CompileError("compile: the loss is a leaf (a number by itself): nothing to compile")
    end = next((k for k in range(len(tape) - 1, -1, -1) if tape[k] is root), None)
    if end is None:
        raise CompileError(
            "compile: the loss was not made while this tape was open: build it inside "
            "`with Tape() as tape:` and compile it with that tape"
        )
    tape = tape[: end + 1]
    position = dict(zip(map(id, tape), range(len(tape))))  # at C speed: every node
    param_list = _leaves(params, "params")
    param_ids = {id(p): j for j, p in enumerate(param_list)}
    input_list = [x for x in _leaves(inputs, "inputs") if id(x) not in param_ids]
    loop, why = find_loop(tape, root, position, param_ids)
    notes = [] if loop else [f"no loop over samples: {why}"]
    if loop is None:
        nodes = needed(tape, root, position)
        if len(nodes) > STRAIGHT_LINE_LIMIT:
            raise CompileError(
                f"compile: {len(nodes):,} nodes and no loop over samples ({why}); a program "
                f"without a loop is made for at most {STRAIGHT_LINE_LIMIT:,} nodes. Make the "
                "loss a mean (Value.sum) of one term per sample, each built the same way, "
                "or step on the engine (loss.backward() on a Tape)"
            )
    else:
        nodes = sorted(outer(root, loop.total), key=lambda n: position[id(n)])
    for node in [*nodes, *(loop.body if loop else ())]:
        _check_template(node)
    read = {*param_ids, *map(id, input_list)}
    notes += baked_reads(nodes, loop, position, comparisons, read)
    baked = [note for note in notes if note.startswith("baked")]
    if baked:
        warnings.warn("compile: " + "; ".join(baked), BakedBranchWarning, stacklevel=3)
    program = Program(root, param_list, input_list, position, loop)
    program.write(nodes, list(outputs))
    return CompiledStep(program, tape, notes)


def _leaves(values: object, what: str) -> list[Value]:
    """The leaves in ``params`` or ``inputs`` (any iterables, nested ones flattened), each once."""
    found: dict[int, Value] = {}
    todo = [values]
    while todo:
        item = todo.pop()
        if isinstance(item, Value):
            if not item.is_leaf:
                raise CompileError(
                    f"compile: {what} must be leaves (Values made by hand), but one was made "
                    f"by the {item.op} gate"
                )
            found.setdefault(id(item), item)
        elif isinstance(item, Iterable) and not isinstance(item, str):  # a list, a generator
            todo.extend(reversed(list(item)))
        else:
            raise CompileError(f"compile: {what} must hold Values, got {type(item).__name__}")
    return list(found.values())


def _check_template(node: Value) -> None:
    """Refuse, by name, a gate without ``code`` and ``code_diffs``, or whose template was
    written for another rule: ``code`` must come from the class that defines ``forward`` or
    from a subclass of it, ``code_diffs`` likewise with ``backward`` (a subclass of Mul that
    changes its forward but keeps Mul's ``code`` would compute Mul's product)."""
    gate = node._gate
    kind = type(gate)
    for rule, template in (("forward", "code"), ("backward", "code_diffs")):
        ruled = _owner(kind, rule)
        written = _owner(kind, template)
        if written is None or getattr(gate, template) is None:
            why = "has no code template"
        elif ruled is not None and not issubclass(written, ruled):
            why = f"has a {rule} of its own but the code template of {written.__name__}"
        else:
            continue
        raise CompileError(
            f"compile: the gate {gate!r} ({kind.__name__}) {why}. Give its class `code` (the "
            "forward, a Python expression of {a} and {b}) and `code_diffs` (the down_diff it "
            "sends each parent, from {up}, {out}, {a} and {b}), as every gate in gates.py "
            "has, or step on the engine (loss.backward() on a Tape)"
        )


def _owner(kind: type, name: str) -> type | None:
    """The class along ``kind``'s MRO that defines ``name``, or None."""
    return next((c for c in kind.__mro__ if name in vars(c)), None)


class CompiledStep:
    """One forward and backward pass of a recorded graph, as a Python function: ``step()``.

    Made by ``Tape.compile``. ``source`` is the generated program, ``samples`` the number of
    samples its loop runs over (0: a straight-line program), ``notes`` what the compiler
    found (why there is no loop; what looks read off ``.data``). See ``compiled.py``'s notes
    for what a call reads and writes, and for the limits.
    """

    def __init__(self, program: Program, tape: list[Value], notes: list[str]) -> None:
        self.source = program.source
        self.notes = tuple(notes)
        self.samples = len(program.loop.samples) if program.loop else 0
        self._program = program
        self._tape = tape  # the recorded graph, to run the step through the engine
        self._order: list[Value] | None = None

    def __call__(self) -> float:
        """Run the step: returns the loss; adds d(loss)/d(p) into every parameter's grad."""
        program = self._program
        try:
            loss, grads = program.function(  # type: ignore[misc]
                program.params, program.inputs, program.rows(), program.outputs
            )
        except (ArithmeticError, ValueError):  # let the engine name the node
            return self.through_engine()
        total = sum(grads)  # inf or nan if a grad is; finite grads may add up to inf too
        if loss - loss or (total - total and not all(map(math.isfinite, grads))):
            return self.through_engine()  # inf or nan (x - x is 0.0 only for finite x)
        for p, g in zip(program.used, grads):
            p.grad = g
        return loss

    def through_engine(self) -> float:
        """The same step on the engine: every node of the recorded graph recomputed from its
        parents by its gate, then ``loss.backward()`` along the tape. Its errors name the
        node, as the engine names it."""
        if self._order is None:
            program = self._program
            keep = set(map(id, program.nodes))
            if program.loop is not None:
                keep.update(id(n) for nodes in program.loop.samples for n in nodes)
            self._order = [n for n in self._tape if id(n) in keep]
        for node in self._order:
            parents = node.parents
            data = node._gate.forward(*parents)  # type: ignore[union-attr]
            if data - data:  # inf or nan
                raise _overflow(node._gate, parents, data)  # type: ignore[arg-type]
            node.data = data
        root = self._program.root
        # backward() sweeps the recorded order, as it does inside the tape (an open tape is
        # what it looks for): the grads add up in the same order as the compiled step's.
        opened = _tape_list.set(self._order)
        _count_open_list(+1)
        try:
            root.backward()
        finally:
            _tape_list.reset(opened)
            _count_open_list(-1)
        return root.data

    def check(self) -> float:
        """Run the step compiled and through the engine, each from grads of 0, and raise
        AssertionError if the loss or any parameter's grad differs by more than 1e-12
        relative. Returns the largest relative difference; the grads are left as they were."""
        params = self._program.used
        before = [p.grad for p in params]
        results = []
        for run in (self, self.through_engine):
            for p in params:
                p.grad = 0.0
            results.append([run(), *(p.grad for p in params)])
        for p, g in zip(params, before):
            p.grad = g
        worst = 0.0
        for k, (mine, theirs) in enumerate(zip(*results)):
            gap = abs(mine - theirs) / max(abs(mine), abs(theirs)) if mine != theirs else 0.0
            if gap > RELATIVE:
                what = "the loss" if k == 0 else f"the grad of parameter {k - 1}"
                raise AssertionError(
                    f"compiled step: {what} is {mine!r}, the engine's {theirs!r} "
                    f"(relative difference {gap:.3g}, more than {RELATIVE:g})"
                )
            worst = max(worst, gap)
        return worst

    def __repr__(self) -> str:
        shape = f"a loop over {self.samples} samples" if self.samples else "straight-line"
        return (
            f"<CompiledStep: {shape}, {len(self._program.used)} parameters, "
            f"{len(self.source) / 1000:.0f} KB of source>"
        )
