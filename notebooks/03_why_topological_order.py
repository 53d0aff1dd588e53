# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3. Why backward needs a topological order
#
# **Question:** why can't `backward()` just recurse from the output to its parents?
#
# It can, for a tree. But real graphs reuse values: a weight feeds many neurons, an
# activation feeds the whole next layer. A node may pass its gradient on only once it has
# received *everything* from every node that uses it, and it must pass it on exactly once.
# We try two natural shortcuts, draw them failing and step through them node by node, and
# then see the fix that notebook 01 already used: a topological order. The notebook ends with
# how the package's engine keeps that order cheap, in time and in memory.
#
# One move is repeated all through: a node *pushes* its gradient down, sending each parent
# down_diff = local_diff · up_diff, where up_diff is the node's own grad. `push_down` does
# that once for one node; the gate's local derivatives come from the package.

# %%
import gc
import re
import sys
import tracemalloc

import ipywidgets as widgets

from micrograd_notes import Tape, Value, gc_paused
from micrograd_notes import topological_order as engine_order
from micrograd_notes.gradcheck import local_diffs
from micrograd_notes.viz import GraphView, node_name, to_digraph


def push_down(node):
    """Send node.grad to its parents once: each gets local_diff · up_diff."""
    for parent, local in zip(node.parents, local_diffs(node.gate, [p.data for p in node.parents])):
        parent.grad += local * node.grad


COLUMN_PT = 680  # as in notebook 02: a column is about 920 px, 690 pt; wider would be shrunk


def width_pt(view):
    """How wide a drawing is, in points."""
    return float(re.search(r'<svg width="([\d.]+)pt"', view.svg()).group(1))


def picture(root, title, grads=None, current=None):
    """The graph under root, a title on top, and the grads its nodes hold now (or `grads`,
    one per node in topological order). Drawn compact to fit a notebook's column, so the
    colours are said in words instead of a legend box; a graph too long to fit from left to
    right is drawn from top to bottom (the inputs on top)."""
    graph = to_digraph(root, title=title, grads=grads, current=current, legend=False)
    graph.graph_attr["ranksep"] = "0.3"
    view = GraphView(graph)
    if width_pt(view) > COLUMN_PT:
        graph.graph_attr["rankdir"] = "TB"
        view = GraphView(graph)
    assert width_pt(view) <= COLUMN_PT, f"{width_pt(view):.0f} pt wide"
    return view


# %% [markdown]
# ## Shortcut 1: recurse into every parent slot
#
# The smallest graph with a reused node: b = a + a, then c = b + b. Each add doubles, so
# c = 4a and dc/da = 4.
#
# The first idea: "push my gradient down, then do the same for each parent". But c lists b
# *twice* (c = b + b), so the recursion reaches b twice, and the second time b pushes its
# full, already complete gradient again.


# %%
def naive_backward(node, push=push_down):
    push(node)
    for parent in node.parents:
        if parent.parents:  # a leaf has nothing to push
            naive_backward(parent, push)


def doubling_graph():
    a = Value(1.0, "a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    return a, b, c


a, b, c = doubling_graph()
c.grad = 1.0
naive_backward(c)
print("shortcut 1 gives dc/da =", a.grad, "(the truth is 4)")
assert a.grad == 8.0  # b pushed twice
picture(c, "shortcut 1: b pushes its grad 2 twice, so a collects 8")

# %% [markdown]
# In every drawing here a box is a value, with its name, data and grad; an oval is the
# operation that made the box it points to; the output is yellow, inputs blue, constants grey,
# and in the step-through below, the node whose turn it is is orange.
#
# The picture shows the grads the shortcut left behind. b's own grad is right (2: one from
# each slot of c); the damage is done on the way down. Each time b pushes, it sends its 2 down
# both edges to a, 4 in all, and the recursion made b push twice: 8. A deeper stack of
# doublings compounds it (an exercise at the end counts how much).
#
# ## Shortcut 2: visit each node once, in the order the walk meets it
#
# Remembering which nodes were visited stops the double push. But "once" is not enough: the
# node must also wait until everything that feeds gradient into it has done so. Take
# b = 2a, c = b + a, d = b + c, so d = 2a + (2a + a) = 5a and dd/da = 5. The depth-first walk
# goes from d to its first parent, b, and pushes b's gradient at once, before c, the other
# user of b, has sent b its share.


# %%
def visit_once_backward(root, push=push_down):
    seen = set()

    def visit(node):
        if node in seen or not node.parents:
            return
        seen.add(node)
        push(node)  # too early, if a node not yet visited still has to send it gradient
        for parent in node.parents:
            visit(parent)

    root.grad = 1.0
    visit(root)


def diamond_graph():
    a = Value(1.0, "a")
    b = a * 2.0
    b.label = "b"
    c = b + a
    c.label = "c"
    d = b + c
    d.label = "d"
    return a, b, c, d


a, b, c, d = diamond_graph()
visit_once_backward(d)
print("shortcut 2 gives dd/da =", a.grad, "(the truth is 5)")
print("grads left behind: b", b.grad, " c", c.grad, " a", a.grad)
assert a.grad == 3.0 and b.grad == 2.0 and c.grad == 1.0
picture(d, "shortcut 2: b pushed when its grad was 1, before c sent it 1 more: a gets 3")

# %% [markdown]
# Read the boxes: b's grad ends at 2 (1 from d, 1 from c), yet a received only 2 · 1 from b,
# plus 1 from c: 3, where the truth is 2 · 2 + 1 = 5. b had pushed while it held only d's
# share; c's share arrived after b's turn was over, and nothing ever sent it on. Even the
# constant 2 shows the symptom: its grad is a · (b's grad when it pushed) = 1, not 2.
#
# ## The fix: a topological order
#
# List the nodes so that every node comes after all of its parents (a *topological order*),
# then walk that list backwards. When a node's turn comes, every node that uses it comes later
# in the list, so it has already pushed its share: the node's grad is complete, and it pushes
# exactly once. That is all `backward()` does.


# %%
def topological_backward(root, push=push_down):
    root.grad = 1.0
    for node in reversed(engine_order(root)):
        if node.parents:
            push(node)


order = engine_order(d)
print("a topological order:", " -> ".join(node_name(n) for n in order))
position = {n: i for i, n in enumerate(order)}
assert all(position[p] < position[n] for n in order for p in n.parents)

a, b, c, d = diamond_graph()
topological_backward(d)
print("walking it backwards gives dd/da =", a.grad)
assert a.grad == 5.0 and b.grad == 2.0
picture(d, "the order walked backwards: d, c, then b, whose grad 2 is complete: a gets 5")

# %% [markdown]
# Reversed, the order visits d, then c, then b: c pushes into b before b's turn, so b pushes
# 2, and a gets 2 · 2 + 1 = 5. The engine agrees:

# %%
a, b, c, d = diamond_graph()
d.backward()
assert a.grad == 5.0

# %% [markdown]
# ## Step through the failing shortcuts
#
# The pictures above are the end of each pass. To see *when* it goes wrong, record a frame
# after every push: which node pushed, the up_diff it pushed, and every node's grad at that
# moment. Pick a pass and move the slider; the node whose turn it is is drawn in orange.


# %%
class Film:
    """The frames of one backward pass: after each push, who pushed what, and every grad."""

    def __init__(self, root):
        self.root = root
        self.nodes = engine_order(root)
        self.frames = []  # (the node that pushed, its up_diff, every node's grad after)

    def push(self, node):
        push_down(node)
        self.frames.append((node, node.grad, [n.grad for n in self.nodes]))

    def grad_of(self, k, node):
        """node's grad after push k (counted from 1)."""
        return self.frames[k - 1][2][self.nodes.index(node)]

    def draw(self, k):
        node, up_diff, grads = self.frames[k - 1]
        title = f"push {k}/{len(self.frames)}: {node_name(node)} pushes up_diff {up_diff:g}"
        return picture(self.root, title, grads, current=node)


def filmed(make_graph, backward):
    """Build a fresh graph, run one backward pass on it, and keep its frames."""
    *leaves, root = make_graph()
    root.grad = 1.0
    film = Film(root)
    backward(root, film.push)
    return film


films = {
    "shortcut 1": filmed(doubling_graph, naive_backward),
    "shortcut 2": filmed(diamond_graph, visit_once_backward),
    "topological order": filmed(diamond_graph, topological_backward),
}


def step_through(films):
    """A pass to choose and a slider over its pushes. Where widgets cannot run (a notebook
    shown as a web page) it shows every frame, one under the other."""
    views = {name: [film.draw(k) for k in range(1, len(film.frames) + 1)] for name, film in films.items()}
    choose = widgets.ToggleButtons(options=list(films), description="pass")
    push = widgets.IntSlider(value=1, min=1, max=len(views[choose.value]), description="push")
    frame = widgets.HTML(views[choose.value][0].svg())

    def show(_):
        push.max = len(views[choose.value])
        frame.value = views[choose.value][push.value - 1].svg()

    choose.observe(show, names="value")
    push.observe(show, names="value")
    box = widgets.VBox([choose, push, frame])
    static = "".join(
        f"<p><b>{name}</b></p>" + "".join(f"<div>{view.svg()}</div>" for view in frames)
        for name, frames in views.items()
    )
    as_widget = box._repr_mimebundle_
    box._repr_mimebundle_ = lambda **kw: {**as_widget(**kw), "text/html": static}
    return box, views


stepper, views = step_through(films)
stepper

# %% [markdown]
# The frames, as numbers (the same ones the slider draws):

# %%
for name, film in films.items():
    pushes = ", ".join(f"{node_name(node)} pushes {up:g}" for node, up, _ in film.frames)
    a = film.nodes[0]
    print(f"{name:18s} {pushes};  a.grad after each push: {[film.grad_of(k, a) for k in (1, 2, 3)]}")

one, two, right = films.values()
a1, b1, _ = one.nodes
assert [(node_name(n), up) for n, up, _ in one.frames] == [("c", 1.0), ("b", 2.0), ("b", 2.0)]
assert [one.grad_of(k, a1) for k in (1, 2, 3)] == [0.0, 4.0, 8.0]  # b's second push doubles a
b2 = next(n for n in two.nodes if n.label == "b")
assert [(node_name(n), up) for n, up, _ in two.frames] == [("d", 1.0), ("b", 1.0), ("c", 1.0)]
assert two.grad_of(2, b2) == 1.0 and two.grad_of(3, b2) == 2.0  # b's grad completes after it pushed
assert [(node_name(n), up) for n, up, _ in right.frames] == [("d", 1.0), ("c", 1.0), ("b", 2.0)]
assert right.grad_of(3, right.nodes[0]) == 5.0

# The widget shows those frames: choose a pass, move the slider, read the picture.
choose, push, frame = stepper.children
choose.value, push.value = "shortcut 2", 3
assert frame.value == views["shortcut 2"][2].svg() and "grad 3" in frame.value
choose.value, push.value = "shortcut 1", 1  # back to the start

# %% [markdown]
# Shortcut 1's third frame is b pushing 2 for the second time, doubling a from 4 to 8.
# Shortcut 2's second frame is b pushing 1; only in the third frame does c raise b's grad to
# 2, too late. In the topological order b comes last, and pushes 2.
#
# ## And no recursion at all
#
# The usual way to find a topological order is a recursive depth-first search: list a
# node's parents first (recursively), then the node. That is one Python call per level of the
# graph, and Python refuses to go deeper than `sys.getrecursionlimit()` calls. A long chain,
# like many steps of a recurrent network, is deeper than that.


# %%
def recursive_order(node, seen, out):
    if node not in seen:
        seen.add(node)
        for parent in node.parents:
            recursive_order(parent, seen, out)
        out.append(node)


x = Value(0.5, "x")
y = x
for _ in range(100_000):
    y = y + x  # y = 100001 x
try:
    recursive_order(y, set(), [])
    failed = False
except RecursionError:
    failed = True
print(f"recursion limit {sys.getrecursionlimit()}: the recursive search on 100,000 links failed = {failed}")
assert failed

y.backward()
print("the engine's backward on the same chain: dy/dx =", x.grad)
assert x.grad == 100_001

# %% [markdown]
# The engine's search does the same depth-first walk without recursion: it keeps its own
# stack, a Python list of the nodes it is in the middle of, so the depth of the graph is
# limited only by memory. Writing such a search is the first exercise at the end.
#
# ## A topological order for free: the tape
#
# The search rediscovers an order that already existed: a node can only be made after its
# parents, so *the order in which the nodes were made* is a topological order. Write the
# nodes down as they are made and there is nothing left to search for. That list is a
# *Wengert list*, or tape (TensorFlow's `GradientTape` is one). Inside `with Tape():` the
# engine records every new node, and `backward()` on a root it recorded sweeps the list
# backwards instead of searching the graph.
#
# Here b is made before a, while the search lists a first (it visits `out`'s parents in the
# order a, b): the two orders differ, both are valid, and they give the same grads.


# %%
def program(x, w):
    b = x * w
    a = x + w
    return a * b


x, w = Value(0.5, "x"), Value(-1.5, "w")
program(x, w).backward()
by_search = [x.grad, w.grad]
searched = [n.op for n in engine_order(program(x, w), leaves=False)]

x.grad = w.grad = 0.0
with Tape() as tape:
    out = program(x, w)
    out.backward()  # sweeps tape.nodes backwards: no search
by_tape = [x.grad, w.grad]
print("order found by the search:", " -> ".join(searched))
print("order of the tape:        ", " -> ".join(n.op for n in tape.nodes))
position = {n: i for i, n in enumerate(tape.nodes)}
assert all(position[p] < position[n] for n in tape.nodes for p in n.parents if not p.is_leaf)
assert [n.op for n in tape.nodes] != searched  # a different order...
assert by_tape == by_search  # ...and the same grads
print("grads from the search:", by_search, " from the tape:", by_tape)

# %% [markdown]
# The tape is opt-in (`micrograd_notes.Tape`) because it has one rule: build the whole graph
# inside it. A node made before the tape opened is not on it, and the gradient would stop
# there; `tape.covers(root)` checks. The package's training loops run on a tape, one per step.
#
# ## The backward pass as a program
#
# With a tape, `backward()` no longer looks at the shape of the graph at all: it runs down a
# fixed list and, for each node, does the same few multiply-adds into the same parents. When
# every step builds the same graph (a training step on a fixed network), that list of
# multiply-adds is the same every time: the backward pass is a straight-line program, one
# statement per edge, that could be written out once and run again.
#
# `tape.compile` writes that program. Each gate carries its rule twice: as the method
# `backward` the engine calls, and as two lines of code beside it, `gate.code` (the forward)
# and `gate.code_diffs` (the down_diff it sends each parent, local_diff · up_diff). The
# compiler walks the tape once and copies them out, with the nodes' names filled in: one
# line per node for the forward pass, then one line per edge, in reverse order, for the
# backward pass. Here are two neurons, h = tanh(w1·x1 + w2·x2 + b1) feeding
# out = tanh(w3·h + b2), recorded on a tape and compiled, beside their drawing.

# %%
import html

from IPython.display import HTML

x1, x2 = Value(2.0, "x1"), Value(-1.0, "x2")
w1, w2, b1 = Value(-3.0, "w1"), Value(1.0, "w2"), Value(6.9, "b1")
w3, b2 = Value(0.8, "w3"), Value(-0.2, "b2")
params = [w1, w2, b1, w3, b2]
with Tape() as tape:
    h = (w1 * x1 + w2 * x2 + b1).tanh()
    h.label = "h"
    out = (w3 * h + b2).tanh()
    out.label = "out"
step = tape.compile(out, params=params, inputs=[x1, x2])
out.backward()  # the engine's grads, for the drawing
drawing = to_digraph(out, "TB", params=params, legend=False,
                     title="h = tanh(w1·x1 + w2·x2 + b1)\nout = tanh(w3·h + b2)")
drawing.graph_attr["ranksep"] = "0.25"
HTML('<div style="display:flex; gap:2em; align-items:flex-start; flex-wrap:wrap">'
     f"<div>{GraphView(drawing).svg()}</div>"
     f'<pre style="font-size:12px">{html.escape(step.source)}</pre></div>')

# %% [markdown]
# Each line is a box or an edge of the drawing. A result with no label of its own is named
# after its place in the drawing: `v3` is the box `*#3`, and `v3 = w1 * x1  # *` is the
# oval that made it. (The `if -1e308 < v9 < 1e308 else 1.0 / 0.0` of a tanh line refuses an
# overflow that tanh would turn into 1: the step then runs on the engine, which names it.) The backward lines read bottom-up through the picture: the seed
# `dout = 1.0` at the yellow box, then `dv13 = (1.0 - out * out) * dout  # tanh`, the tanh
# gate under `out` sending its grad down to `+#13`, local_diff 1 − out² times up_diff.
# `dh = w3 * dv11  # *` is the `*` gate swapping its inputs: h's grad is w3 times the grad of
# `*#11`. Where a node has several parents, its rule sends each one a line. The program reads
# each parameter's grad first (`dw1 = P[0].grad`) and adds into it, so a parameter's grad
# accumulates, as with `backward()`.
#
# Calling `step()` runs the program: it reads the parameters' and the inputs' current data,
# and leaves in every parameter's grad what `out.backward()` leaves there. The backward pass
# is this program:

# %%
engine_grads = [p.grad for p in params]
for p in params:
    p.grad = 0.0
value = step()
print(f"step() = {value:.6f}, out.data = {out.data:.6f}")
print("grads from the program:", [round(p.grad, 6) for p in params])
print("grads from backward(): ", [round(g, 6) for g in engine_grads])
assert value == out.data and [p.grad for p in params] == engine_grads  # bit for bit
assert step.check() == 0.0  # the same check, done by the step itself against the engine

# %% [markdown]
# Bit for bit the same: the program does the engine's multiply-adds in the engine's order,
# without building a node, looking up a gate or walking a list. That is why the package's
# training loops run compiled (the demo, the training lab, the later notebooks' long runs):
# the demo's step takes about a third of the time of the same network written by hand with
# lists of floats, and less than a sixth of the engine's (README, "Performance"). A batch of
# a hundred points would repeat the same lines a hundred times; instead, when the loss is a
# mean over the samples, the compiler checks that every sample's graph has the first one's
# shape and writes the body once, as a loop over the samples.
#
# Because it is the recorded graph, the program is valid while every step builds a graph of
# that shape. Gates whose result depends on the data (relu, max, abs, min) still choose at
# every call, in their lines; but an `if` on `.data` in the code that built the graph was
# decided once, while the tape recorded, and the program takes that branch every time (the
# package's docs say which signs of one `compile` reports).

# %% [markdown]
# ## One rule per gate, not a closure per node
#
# In notebook 01 every node carried a backward rule of its own: a small function made along
# with the node, which remembers the node so it can read the node's grad. The package's
# engine gives the same numbers with a different layout: one `Gate` object per kind of
# operation (one `*` gate for every product), a node that points to its gate and its parents,
# and `gate.backward(node)` told which node it works on. The difference is what stays in
# memory. Here is a node in the first style, cut down to `*`:


# %%
class ClosureValue:
    """A node that carries its own backward rule, a closure that refers back to the node."""

    def __init__(self, data, parents=()):
        self.data, self.grad, self.parents = data, 0.0, parents
        self._backward = lambda: None

    def __mul__(self, other):
        out = ClosureValue(self.data * other.data, (self, other))

        def _backward():  # refers to out, which refers to _backward: a reference cycle
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out


# %% [markdown]
# `out` holds `_backward`, and `_backward` holds `out`: every node is a *reference cycle*.
# Python frees most objects by counting references, the moment the last one goes; an object
# in a cycle always has one left, so it waits for the *cyclic garbage collector* (`gc`), which
# runs now and then and searches for unreachable cycles. A package node points only to its
# parents and its shared gate, so a graph has no cycle at all.
#
# Measured on a chain of 20,000 products built each way, with `tracemalloc` counting the
# bytes Python holds, and the collector paused so that only reference counting frees anything:


# %%
def chain(V, n):
    x = V(1.0)
    y = x
    for _ in range(n):
        y = y * x
    return y


def memory(V, n=20_000):
    """Bytes per node while the chain lives, bytes per node left after `del`, and how many
    objects the cycle collector then finds to free."""
    with gc_paused():
        gc.collect()
        tracemalloc.start()
        y = chain(V, n)
        alive = tracemalloc.get_traced_memory()[0]
        del y
        left = tracemalloc.get_traced_memory()[0]
        found = gc.collect()
        tracemalloc.stop()
    return alive / n, left / n, found


closures, gates = memory(ClosureValue), memory(Value)
for name, (alive, left, found) in (("closure per node", closures), ("rule per gate", gates)):
    print(f"{name:16s}: {alive:4.0f} bytes per node alive, {left:4.0f} left after del, "
          f"{found:6,} objects found by gc.collect()")
assert closures[0] > 4 * gates[0]  # the closure and its cells cost more than the node
assert closures[1] > 0.9 * closures[0] and gates[1] < 1  # del frees nothing / everything
assert closures[2] >= 20_000 and gates[2] < 100

# %% [markdown]
# The closure design costs more than four times the memory per node (about 520 bytes
# against 112), and dropping its graph frees nothing until the collector runs: every node, its
# closure, the closure's cells and the rest, seven objects per node, wait for `gc.collect()`.
# The package's graph is gone the moment `del` runs, and the collector finds nothing.
#
# No cycles also means the collector has nothing to do in the engine's graphs. Yet while a
# big graph is built, it still starts after every few hundred new objects and looks through
# the live ones, finding nothing to free. `gc_paused()` switches it off while a graph is built,
# which is safe precisely because nothing in the graph needs it. Counted with `gc.callbacks`
# (a list of functions Python calls when the collector starts and stops):

# %%
runs = []


def count_runs(phase, info):
    if phase == "start":
        runs.append(info["generation"])


gc.callbacks.append(count_runs)
try:
    y = chain(Value, 50_000)
    with_gc = len(runs)
    del y
    runs.clear()
    with gc_paused():
        y = chain(Value, 50_000)
        del y
    paused = len(runs)
finally:
    gc.callbacks.remove(count_runs)
print(f"building 50,000 nodes: the collector ran {with_gc} times; under gc_paused(): {paused}")
assert with_gc > 10 and paused == 0

# %% [markdown]
# Each of those runs was work for nothing, which is why the package's training steps build
# their graphs inside `with gc_paused(), Tape():`.
#
# **Answer:** a node may pass its gradient on only when its grad is complete, and only once.
# Walking a topological order backwards guarantees both; finding that order with a stack of
# its own (or getting it free from a tape) makes it work for graphs of any depth; and one rule
# per gate keeps the graph free of reference cycles, so it is small and freed at once.
#
# ## Exercises
#
# ### Exercise: a topological order, without recursion
#
# Write `topological_order(root)`: every node the root depends on (leaves included) and the
# root itself, in one list, each node once, every node after all of its parents. It must work
# on a chain of 10,000 links, deeper than the recursion limit: keep your own stack (a Python
# list) of nodes still to finish. Reread "The fix: a topological order" and "And no recursion
# at all". The checker runs it on a diamond, a neuron and a long chain.

# %%
from micrograd_notes.exercises import exercise


def topological_order(root):
    """Every node that root depends on (leaves included) and root itself, in a list:
    each node once, every node after all of its parents."""
    ...


# %%
exercise("topological_order").check(topological_order);

# %% [markdown]
# ### Exercise: how badly shortcut 1 double-counts
#
# Three doublings: b1 = a + a, b2 = b1 + b1, b3 = b2 + b2, so db3/da = 8. Run shortcut 1,
# `naive_backward`, on b3 in your head (or on paper): which grad does a end with? Count how
# many times each node pushes, and what it holds each time.

# %%
shortcut_one_grad = ...

# %%
exercise("shortcut_one_grad").check(shortcut_one_grad);

# %% [markdown]
# ### Exercise: shortcut 2 with the operands swapped
#
# Build the second graph with d = c + b instead of d = b + c (the same function, 5a). Which
# dd/da does shortcut 2, `visit_once_backward`, give now? Follow the depth-first walk: whose
# turn comes first, and what has b received by its turn?

# %%
shortcut_two_swapped = ...

# %%
exercise("shortcut_two_swapped").check(shortcut_two_swapped);
