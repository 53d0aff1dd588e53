"""The compiled step: a recorded tape written out as a Python function (``Tape.compile``).

A tape lists the nodes of one step in the order they were made. When every step builds a
graph of the same shape (the same network, the same batch size), that list can be written out
once as the program the engine runs: a local variable per node, each gate's forward as one
line, then the reverse sweep, one line per down_diff = local_diff · up_diff. The lines come
from the gates: each gate in ``gates.py`` carries its rule as a small code template (``code``
for the forward, ``code_diffs`` for the down_diff it sends each parent) beside its ``forward``
and ``backward``. ``step.source`` is the program; ``step()`` runs it.

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
  ``code_diffs`` as the built-in gates do.
- An overflow, a division by zero, a log of a non-positive number: the step runs again
  through the engine, on the recorded graph, which raises its own error naming the node. A
  non-finite grad that a switched-off gate stops (relu, abs, max and min send 0) before it
  reaches a parameter goes unseen, where the engine would name it.
"""

from __future__ import annotations

import keyword
import linecache
import math
import re
import textwrap
import warnings
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import TypeAlias

from micrograd_notes.batch import (
    CompileError,
    Loop,
    baked_reads,
    find_loop,
    needed,
    outer,
    parents_of,
)
from micrograd_notes.engine import Value
from micrograd_notes.gates import PowConst
from micrograd_notes.graph import topological_order
from micrograd_notes.nodes import _count_open_list, _overflow, _tape_list

STRAIGHT_LINE_LIMIT = 10_000  # inner nodes: beyond this, a program without a loop is refused
RELATIVE = 1e-12  # check(): the largest relative difference allowed from the engine's grads
GUARD = 3  # a rule of this many lines or more runs under ``if up_diff:``, as the engine skips
# a node whose grad is 0 (a relu that is off: most of a sample beyond the hinge's margin)
RESERVED = {"P", "X", "S", "O", "i", "k", "saved", "step", "exp", "log", "tanh", "pow", "abs"}
RESERVED |= {"len", "range", "enumerate", "_"}

__all__ = ["BakedBranchWarning", "CompileError", "CompiledStep", "Leaves", "compile_step"]
Leaves: TypeAlias = "Value | Iterable[Leaves]"  # a Value, a list of them, lists of lists...


class BakedBranchWarning(UserWarning):
    """Something in the recorded graph was read off ``.data``: every call repeats it."""


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
        _template(node)
    read = {*param_ids, *map(id, input_list)}
    notes += baked_reads(nodes, loop, position, comparisons, read)
    baked = [note for note in notes if note.startswith("baked")]
    if baked:
        warnings.warn("compile: " + "; ".join(baked), BakedBranchWarning, stacklevel=3)
    program = _Program(root, param_list, input_list, position, loop)
    program.write(nodes, list(outputs))
    return CompiledStep(program, tape, notes)


def _leaves(values: object, what: str) -> list[Value]:
    """The leaves in ``params`` or ``inputs`` (lists of lists are flattened), each once."""
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
        elif isinstance(item, (list, tuple)):
            todo.extend(reversed(item))
        else:
            raise CompileError(f"compile: {what} must hold Values, got {type(item).__name__}")
    return list(found.values())


def _template(node: Value) -> tuple[str, dict[str, str]]:
    """The node's gate's ``code`` and ``code_diffs``; a CompileError names a gate without."""
    gate = node._gate
    kind = type(gate)
    rule = next(c for c in kind.__mro__ if "backward" in vars(c))
    written = next((c for c in kind.__mro__ if "code_diffs" in vars(c)), None)
    if written is None or written is not rule or getattr(gate, "code", None) is None:
        why = "has no code template" if written is None else (
            f"has a backward of its own but the code template of {written.__name__}"
        )  # fmt: skip
        raise CompileError(
            f"compile: the gate {gate!r} ({kind.__name__}) {why}. Give its class `code` (the "
            "forward, a Python expression of {a} and {b}) and `code_diffs` (the down_diff it "
            "sends each parent, from {up}, {out}, {a} and {b}), as every gate in gates.py "
            "has, or step on the engine (loss.backward() on a Tape)"
        )
    return gate.code, gate.code_diffs  # type: ignore[union-attr]


# ---- writing the program -----------------------------------------------------------------------

_PLACE = re.compile(r"{(\w+)}")
Operands = dict[str, str]
_SIMPLE = re.compile(r"[^+\-]*")  # no sum or difference: a leading minus can become ``-=``


def _literal(x: float) -> str:
    """A float as Python source that reads back exactly; a negative one in parentheses."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _targets(names: list[str]) -> str:
    """Names to unpack a tuple into: ``a, b``, ``(a,)``, or ``_`` for none."""
    return ", ".join(names) if len(names) > 1 else f"({names[0]},)" if names else "_"


class _Program:
    """The generated source, and what each call passes to it."""

    def __init__(self, root: Value, params: list[Value], inputs: list[Value],
                 position: dict[int, int], loop: Loop | None) -> None:  # fmt: skip
        self.root, self.params, self.inputs, self.loop = root, params, inputs, loop
        self.position = position
        self.names: dict[int, str] = {}  # id -> how the program reads a node's or leaf's data
        self.inside: dict[int, str] = {}  # the same, inside the loop (a sample's own leaves)
        self.grads: dict[int, str] = {}  # id -> the local name of a node's or parameter's grad
        self.taken = set(RESERVED)
        self.lines: list[str] = []
        self.nodes: list[Value] = []  # every node, or those outside the loop
        self.used: list[Value] = []  # the parameters the loss depends on: their grads
        self.reads: list[list[Value]] = []  # per sample: the leaves read at every call
        self.constants: list[list[float]] = []  # per sample: its own constants
        self.outputs: list[object] = []  # O: a node, or (in the loop) one node per sample
        self.row: list[str] = []  # the names a row of S is unpacked into
        self.source = ""
        self.function: Callable[..., tuple[float, list[float]]] | None = None

    def rows(self) -> list[tuple[float, ...]]:
        """S: one row per sample, the data of its leaves read now, then its constants."""
        if self.loop is None:
            return []
        data = [list(map(_DATA, column)) for column in self.reads]
        if not data and not self.constants:
            return [()] * len(self.loop.samples)
        return list(zip(*data, *self.constants))

    # ---- names: a label when it makes a free Python name, else p3, x0, c1, v12

    def _free(self, wanted: str, fallback: str, grad: bool) -> str:
        name = wanted if wanted.isidentifier() and not keyword.iskeyword(wanted) else fallback
        while name in self.taken or (grad and "d" + name in self.taken):
            name += "_"
        self.taken.update((name, "d" + name) if grad else (name,))
        return name

    def _name(self, node: Value, fallback: str, grad: bool, inside: bool = False) -> str:
        name = self._free("" if inside else node.label, fallback, grad)
        (self.inside if inside else self.names)[id(node)] = name
        if grad:
            self.grads[id(node)] = "d" + name
        return name

    def _name_leaves(self, nodes: list[Value], own: set[int]) -> None:
        """Parameters (their data and grad) and inputs are read into names; constants are
        written as numbers; ``own``: a sample's own leaves, named by ``_name_columns``."""
        params = {id(p): j for j, p in enumerate(self.params)}
        inputs = {id(x): j for j, x in enumerate(self.inputs)}
        for node in nodes:
            for p in parents_of(node):
                if p._gate is not None or id(p) in self.names or id(p) in own:
                    continue
                if id(p) in params:
                    self._name(p, f"p{params[id(p)]}", grad=True)
                    self.used.append(p)
                elif id(p) in inputs:
                    self._name(p, f"x{inputs[id(p)]}", grad=False)
                else:
                    self.names[id(p)] = _literal(p.data)
        self.used.sort(key=lambda p: params[id(p)])

    def _name_columns(self) -> list[str]:
        """A sample's own leaves: read at each call (x0, ...) or a constant of its own (c0,
        ...); a constant every sample has the same is written as that number."""
        assert self.loop is not None
        inputs = {id(x) for x in self.inputs}
        read, own = [], []
        for leaf, column in zip(self.loop.leaves, self.loop.columns):
            if any(id(x) in inputs for x in column):
                read.append((leaf, column))
            elif all(x.data == leaf.data for x in column):
                self.inside[id(leaf)] = _literal(leaf.data)
            else:
                own.append((leaf, column))
        names = [self._name(leaf, f"x{c}", False, True) for c, (leaf, _) in enumerate(read)]
        names += [self._name(leaf, f"c{c}", False, True) for c, (leaf, _) in enumerate(own)]
        self.reads = [column for _, column in read]
        self.constants = [[x.data for x in column] for _, column in own]
        return names

    def _data(self, node: Value, inside: bool) -> str:
        if inside and id(node) in self.inside:
            return self.inside[id(node)]
        return self.names[id(node)]

    # ---- lines

    def _emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def _expand(self, node: Value, inside: bool) -> tuple[str, list[tuple[Value, str, Operands]]]:
        """The forward expression of ``node``, and for each parent slot the parent, its name
        in the template and the operands to fill its down_diff with, in the order the
        engine's rule adds them. A gate of many parents repeats the part of its template
        before `` + ...`` once per term (``{w} * {x}``: the first n parents are the w's, the
        next n the x's) and ends with the part after it when a parent is left (``{b}``)."""
        gate, parents = node._gate, parents_of(node)
        code: str = gate.code  # type: ignore[union-attr]
        common = {name: _literal(v) for name, v in vars(gate).items() if isinstance(v, float)}
        common["out"] = self._data(node, inside)
        common["up"] = self.grads.get(id(node), "0.0")
        data = [self._data(p, inside) for p in parents]
        if not gate.many:  # type: ignore[union-attr]
            operands = {**common, **dict(zip("ab", data))}
            return code.format_map(operands), [(p, m, operands) for p, m in zip(parents, "ab")]
        head, _, tail = code.partition(" + ...")
        names, ends = _PLACE.findall(head), _PLACE.findall(tail)
        n = len(parents) // len(names)
        left = len(parents) - n * len(names)
        if left not in (0, len(ends)):
            raise CompileError(f"compile: the template {code!r} of {gate!r} does not fit "
                               f"{len(parents)} parents")  # fmt: skip
        terms = [{**common, **{m: data[j * n + i] for j, m in enumerate(names)}} for i in range(n)]
        last = {**common, **dict(zip(ends, data[n * len(names) :]))}
        expression = " + ".join(head.format_map(o) for o in terms)
        sends = [(parents[n * len(names) + j], m, last) for j, m in enumerate(ends[:left])]
        if left:
            expression += tail.format_map(last)
        for i, o in enumerate(terms):
            sends += [(parents[j * n + i], m, o) for j, m in enumerate(names)]
        return expression, sends

    def _forward(self, node: Value, depth: int, inside: bool) -> None:
        expression, _ = self._expand(node, inside)
        symbol = node.op
        self._emit(depth, f"{self._data(node, inside)} = {expression}  # {symbol}")

    def _backward(self, node: Value, depth: int, inside: bool, defined: set[str]) -> None:
        """The lines of ``node``'s rule: each parent that needs a grad gets its down_diff."""
        up = self.grads.get(id(node))
        if up is None or up not in defined:  # it needs no grad, or received none
            return
        gate = node._gate
        if isinstance(gate, PowConst) and gate.k == 0.0:
            return  # x ** 0 is flat: nothing to send (the engine skips it too)
        code: str = gate.code  # type: ignore[union-attr]
        names = dict.fromkeys(_PLACE.findall(code) if gate.many else "ab")  # type: ignore[union-attr]
        diffs = dict(zip(names, gate.code_diffs))  # type: ignore[union-attr]
        _, slots = self._expand(node, inside)
        sends = [
            (self.grads[id(p)], diffs[m].format_map(o))
            for p, m, o in slots
            if id(p) in self.grads and m in diffs
        ]
        if not sends:
            return
        if len(sends) >= GUARD:
            for target in dict.fromkeys(t for t, _ in sends):
                if target not in defined:
                    self._emit(depth, f"{target} = 0.0  # {node.op}: sums what the rule sends")
                    defined.add(target)
            self._emit(depth, f"if {up}:  # {node.op}: an up_diff of 0 sends nothing")
            depth += 1
        for target, expression in sends:
            if target not in defined:
                statement = f"{target} = {expression}"
                defined.add(target)
            elif expression.startswith("-") and _SIMPLE.fullmatch(expression[1:]):
                statement = f"{target} -= {expression[1:]}"
            else:
                statement = f"{target} += {expression}"
            self._emit(depth, f"{statement}  # {node.op}")

    # ---- the whole program

    def write(self, nodes: list[Value], outputs: list[Value]) -> None:
        """Write the program of ``nodes`` (every node, or those outside the loop), and turn
        it into the function each call runs."""
        loop, position = self.loop, self.position
        self.nodes = nodes
        body = loop.body if loop else []
        ordered = sorted([*nodes, *body], key=lambda n: position[id(n)])
        grad = {id(p) for p in self.params}  # a node needs a grad if a parent does
        for node in ordered:
            if any(id(p) in grad for p in parents_of(node)):
                grad.add(id(node))
        self._name_leaves(nodes, set())
        self._name_leaves(body, set(loop.slot) if loop else set())
        self.row = self._name_columns() if loop else []
        columns = self.row
        if loop is None:  # the drawing's numbers: v5 is the box *#5 of viz.draw(loss)
            number = {id(n): k for k, n in enumerate(topological_order(self.root))}
            for node in nodes:
                self._name(node, f"v{number[id(node)]}", id(node) in grad)
        else:
            first = [n for n in nodes if position[id(n)] < position[id(loop.total)]]
            rest = [n for n in nodes if n not in first]
            inside = {id(n) for n in body}
            for k, node in enumerate([*first, *body, *rest]):
                self._name(node, f"v{k}", id(node) in grad, inside=id(node) in inside)
        written = self._outputs(outputs)
        back = self._backward_pass(nodes)
        self.lines = []
        self._header()
        self._emit(1, "# forward: each node's data, in the order the tape recorded them")
        if loop is None:
            for node in nodes:
                self._forward_line(node, 1, False, written)
        else:
            words = set(re.findall(r"\w+", "\n".join(back)))
            keep = [self.inside[id(n)] for n in body if self.inside[id(n)] in words]
            self._loop_forward(nodes, columns, keep, written)
            back = [line.replace("#KEEP#", _targets(keep)) for line in back if
                    "#KEEP#" not in line or keep]  # fmt: skip
        self.lines += back
        grads = [self.grads[id(p)] for p in self.used]
        rows = [", ".join(grads[k : k + 8]) + "," for k in range(0, len(grads), 8)]
        self._emit(1, f"return {self.names[id(self.root)]}, [")
        self.lines += ["        " + row for row in rows] + ["    ]"]
        self.source = "\n".join(self.lines) + "\n"
        filename = f"<compiled step {id(self):x}>"
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        namespace: dict[str, object] = {}
        exec(compile(self.source, filename, "exec"), namespace)  # the source written above
        self.function = namespace["step"]  # type: ignore[assignment]

    def _header(self) -> None:
        loop = self.loop
        what = f"{len(loop.samples)} samples in one loop" if loop else "straight-line"
        said = ["P: the parameters", "X: the inputs (their .data is read at every call)"]
        if loop:
            said.append("S: one row per sample (its inputs' data, then its own constants)")
        if self.outputs:
            said.append("O: the nodes whose .data is written")
        words = "; ".join(said) + ". Returns the loss, and each parameter's grad plus "
        words += "d(loss)/d(parameter)."
        self.lines += [
            "from math import exp, log, pow, tanh",
            "",
            "",
            "def step(P, X, S, O):",
            f'    """One forward and backward pass of the recorded graph ({what}).',
            "",
            *textwrap.wrap(words, 92, initial_indent="    ", subsequent_indent="    "),
            '    """',
        ]
        params = {id(p): j for j, p in enumerate(self.params)}
        inputs = {id(x): j for j, x in enumerate(self.inputs)}
        read = [x for x in self.inputs if id(x) in self.names]
        if self.used or read:
            self._emit(1, "# the parameters and the inputs: read at every call")
        for p in self.used:
            self._emit(1, f"{self.names[id(p)]} = P[{params[id(p)]}].data")
        for x in read:
            self._emit(1, f"{self.names[id(x)]} = X[{inputs[id(x)]}].data")

    def _forward_line(self, node: Value, depth: int, inside: bool, written: dict[int, str]) -> None:
        self._forward(node, depth, inside)
        if id(node) in written:
            name = self._data(node, inside)
            self._emit(depth, f"{written[id(node)]} = {name}  # an output: its .data is written")

    def _loop_forward(self, nodes: list[Value], columns: list[str], keep: list[str],
                      written: dict[int, str]) -> None:  # fmt: skip
        loop = self.loop
        assert loop is not None
        total, position = loop.total, self.position
        for node in nodes:
            if position[id(node)] < position[id(total)]:
                self._forward_line(node, 1, False, written)
        name = self.names[id(total)]
        self._emit(1, f"{name} = 0.0  # sum: the loop below adds each sample's term")
        if keep:
            self._emit(1, "saved = []  # what the backward pass needs of each sample")
        target = _targets(columns)
        if any("[i]" in w for w in written.values()):
            target = f"i, {target if len(columns) < 2 else f'({target})'}"
            self._emit(1, f"for {target} in enumerate(S):  # one sample at a time: a row of S")
        else:
            self._emit(1, f"for {target} in S:  # one sample at a time: a row of S")
        for node in loop.body:
            self._forward_line(node, 2, True, written)
        self._emit(2, f"{name} += {self.inside[id(loop.body[-1])]}  # sum")
        if keep:
            self._emit(2, f"saved.append(({', '.join(keep)},))")
        for node in nodes:
            if position[id(node)] > position[id(total)]:
                self._forward_line(node, 1, False, written)

    def _backward_pass(self, nodes: list[Value]) -> list[str]:
        """The backward pass's lines: the seed, the parameters' grads so far, then each
        node's rule in reverse tape order (the loop over samples where the engine's sweep
        reaches them). A ``#KEEP#`` line unpacks what the forward loop saved."""
        loop, position = self.loop, self.position
        self.lines = []
        root = self.root
        self._emit(1, "# backward: the seed, then each node's down_diffs, in reverse order")
        defined = {self.grads[id(root)]} if id(root) in self.grads else set()
        if defined:
            self._emit(1, f"{self.grads[id(root)]} = 1.0  # the seed: d(loss)/d(loss)")
        params = {id(p): j for j, p in enumerate(self.params)}
        for p in self.used:
            self._emit(1, f"{self.grads[id(p)]} = P[{params[id(p)]}].grad")
            defined.add(self.grads[id(p)])
        pending = loop is not None
        for node in reversed(nodes):
            if pending and position[id(node)] < loop.touch[1]:  # type: ignore[union-attr]
                self._loop_backward(defined)
                pending = False
            if loop is None or node is not loop.total:
                self._backward(node, 1, False, defined)
        if pending:
            self._loop_backward(defined)
        return self.lines

    def _loop_backward(self, defined: set[str]) -> None:
        loop = self.loop
        assert loop is not None
        total, term = loop.total, loop.body[-1]
        if self.grads.get(id(total)) not in defined or id(term) not in self.grads:
            return  # nothing in the samples needs a grad
        self._emit(1, "for k in range(len(S) - 1, -1, -1):  # the samples again, last first")
        if self.row:
            self._emit(2, f"{_targets(self.row)} = S[k]")
        self._emit(2, "#KEEP# = saved[k]")
        inside = set(defined)
        self._emit(2, f"{self.grads[id(term)]} = {self.grads[id(total)]}  # sum")
        inside.add(self.grads[id(term)])
        for node in reversed(loop.body):
            self._backward(node, 2, True, inside)

    def _outputs(self, outputs: list[Value]) -> dict[int, str]:
        """Where each node of ``outputs`` has its .data written: ``O[j]``, or ``O[j][i]`` for
        a node of a sample (O[j] then holds that node of every sample)."""
        written: dict[int, str] = {}
        places: dict[int, int] | None = None
        for node in outputs:
            if not isinstance(node, Value) or node.is_leaf:
                raise CompileError("compile: outputs must be nodes made by gates")
            if id(node) in self.names:
                written[id(node)] = f"O[{len(self.outputs)}].data"
                self.outputs.append(node)
                continue
            if self.loop is not None and places is None:
                places = {}
                for nodes in self.loop.samples:
                    places.update(zip(map(id, nodes), range(len(nodes))))
            k = places.get(id(node)) if places is not None else None
            if k is None:
                raise CompileError("compile: an output is not a node the loss depends on")
            key = id(self.loop.body[k])  # type: ignore[union-attr]
            if key not in written:
                written[key] = f"O[{len(self.outputs)}][i].data"
                self.outputs.append([nodes[k] for nodes in self.loop.samples])  # type: ignore[union-attr]
        return written


_DATA = attrgetter("data")


class CompiledStep:
    """One forward and backward pass of a recorded graph, as a Python function: ``step()``.

    Made by ``Tape.compile``. ``source`` is the generated program, ``samples`` the number of
    samples its loop runs over (0: a straight-line program), ``notes`` what the compiler
    found (why there is no loop; what looks read off ``.data``). See ``compiled.py``'s notes
    for what a call reads and writes, and for the limits.
    """

    def __init__(self, program: _Program, tape: list[Value], notes: list[str]) -> None:
        self.source = program.source
        self.notes = tuple(notes)
        self.samples = len(program.loop.samples) if program.loop else 0
        self.params = program.params
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
        if loss - loss or not math.isfinite(sum(grads)):  # inf or nan: see nodes._overflow
            return self.through_engine()
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
