"""Writing the compiled step's program: names, and lines copied from the gates' templates.

``compiled.py`` decides what to compile; this module writes it. Each gate carries its forward
(``code``) and the down_diff it sends each parent (``code_diffs``) as Python expressions of
``{a}``, ``{b}`` (the parents' data), ``{out}`` (its own), ``{up}`` (its grad, the up_diff)
and its own numbers (``{k}``); a gate of many parents repeats the part of ``code`` before
`` + ...`` once per term. ``Program`` fills them in with the nodes' names, a line per node for
the forward pass, then a line per parent slot, in reverse order, for the backward pass, and
turns the source into the function a call runs.

Names: a label when it makes a free Python name; else ``p3`` (parameter 3), ``x0`` (input 0,
or a sample's leaf read at each call), ``c1`` (a sample's own constant), ``v12`` (a node: in a
program without a loop, its number in the drawing of the graph, ``*#12``), and ``d`` before
any of them for its grad. A constant is written as its number.
"""

from __future__ import annotations

import keyword
import linecache
import re
import textwrap
import weakref
from collections.abc import Callable
from operator import attrgetter

from micrograd_notes.batch import CompileError, Loop, parents_of
from micrograd_notes.engine import Value
from micrograd_notes.gates import Abs, Max, Min, PowConst, ReLU
from micrograd_notes.graph import topological_order

GUARD = 3  # a rule of this many lines or more runs under ``if up_diff:``, as the engine skips
# a node whose grad is 0 (a relu that is off: most of a sample beyond the hinge's margin)
RESERVED = {"P", "X", "S", "O", "i", "k", "saved", "step", "exp", "log", "tanh", "pow", "abs"}
RESERVED |= {"len", "range", "enumerate", "_"}
_OFF = (ReLU, Abs, Max, Min)  # gates that send 0 where they are off: a grad of exactly 0
_DATA = attrgetter("data")


_PLACE = re.compile(r"{(\w+)}")
Operands = dict[str, str]
Expansion = tuple[str, list[tuple[Value, str, Operands]]]  # a forward line; each parent's slot
_SIMPLE = re.compile(r"[^+\-]*")  # no sum or difference: a leading minus can become ``-=``


def _literal(x: float) -> str:
    """A float as Python source that reads back exactly; a negative one in parentheses."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _targets(names: list[str]) -> str:
    """Names to unpack a tuple into: ``a, b``, ``(a,)``, or ``_`` for none."""
    return ", ".join(names) if len(names) > 1 else f"({names[0]},)" if names else "_"


class Program:
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
        self._expansions: dict[tuple[int, bool], Expansion] = {}
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

    def _free(self, wanted: object, fallback: str, grad: bool) -> str:
        # Only an ASCII label: Python reads a name as its NFKC form, so a full-width "ｘ"
        # would be the same variable as "x" (and "Ｐ" the program's own P).
        label = wanted if isinstance(wanted, str) and wanted.isascii() else ""
        name = label if label.isidentifier() and not keyword.iskeyword(label) else fallback
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

    def _expanded(self, node: Value, inside: bool) -> Expansion:
        """``_expand(node, inside)``, worked out once: the backward pass and the forward pass
        each need half of it."""
        key = (id(node), inside)
        if key not in self._expansions:
            self._expansions[key] = self._expand(node, inside)
        return self._expansions[key]

    def _expand(self, node: Value, inside: bool) -> Expansion:
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
        expression = self._expanded(node, inside)[0]
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
        slots = self._expanded(node, inside)[1]
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
        # Tracebacks show the program's lines while it lives (linecache is how they find them).
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        weakref.finalize(self, linecache.cache.pop, filename, None)
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
        words += "d(loss)/d(parameter). A line that divides 1.0 by 0.0 stops where the engine "
        words += "would raise: the step then runs on the engine, which says why."
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
        gates = _gated(loop.body)
        for node in reversed(loop.body):
            if id(node) in gates and self.grads.get(id(node)) in inside:
                self._emit(2, f"if not {self.grads[id(node)]}:  # {gates[id(node)]} sent 0: so")
                self._emit(3, "continue  # does every node before it, in this sample")
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


def _gated(body: list[Value]) -> dict[int, str]:
    """The nodes of a sample that every earlier node of it reaches the sample's term through
    (no edge jumps over them) and whose grad comes through a gate that can send 0 (relu, abs,
    max, min): the op of that gate, by id. When such a node's grad is 0, so is every grad
    before it in the sample, and the engine skips their rules: the loop goes on to the next
    sample (the hinge's relu, off for every sample beyond the margin)."""
    place = {id(n): k for k, n in enumerate(body)}
    reach = list(range(len(body)))  # the furthest node each one feeds
    through: dict[int, str] = {}
    for k, node in enumerate(body):
        for p in parents_of(node):
            if id(p) in place:
                reach[place[id(p)]] = max(reach[place[id(p)]], k)
                if isinstance(node._gate, _OFF):
                    through[id(p)] = node.op
    found, furthest = {}, -1
    for k, node in enumerate(body[:-1]):
        if furthest <= k and id(node) in through:
            found[id(node)] = through[id(node)]
        furthest = max(furthest, reach[k])
    return found
