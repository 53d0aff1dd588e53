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
# activation feeds the whole next layer. A node may only pass its gradient on once it has
# received *everything* from every node that uses it. We try two natural shortcuts, watch them
# fail, and then see the fix.

# %%
import sys

from micrograd_notes import Tape, Value, topological_order
from micrograd_notes.gradcheck import local_diffs
from micrograd_notes.viz import draw, node_name


def push_down(node):
    """Send node.grad to its parents once: down_diff = local_diff · up_diff."""
    for parent, local in zip(node.parents, local_diffs(node.gate, [p.data for p in node.parents])):
        parent.grad += local * node.grad


# %% [markdown]
# The example is the smallest graph with a reused node: b = a + a, then c = b + b. Each add
# doubles, so c = 4a and dc/da = 4.

# %%
a = Value(1.0, "a")
b = a + a
b.label = "b"
c = b + b
c.label = "c"
c.backward()
print("the engine says dc/da =", a.grad)
assert a.grad == 4.0
draw(c)

# %% [markdown]
# ## Shortcut 1: recurse into every parent slot
#
# "Push my gradient down, then do the same for each parent." But c lists b *twice* (c = b + b),
# so b is processed twice, and the second time it pushes its full, already-accumulated gradient
# again. The count doubles.


# %%
def naive_backward(node):
    push_down(node)
    for parent in node.parents:
        if parent.parents:
            naive_backward(parent)


for v in (a, b, c):
    v.grad = 0.0
c.grad = 1.0
naive_backward(c)
print("recursing into every parent slot gives dc/da =", a.grad)
assert a.grad == 8.0  # double-counted: b pushed twice

# %% [markdown]
# ## Shortcut 2: visit each node once, but in the order we meet it
#
# Remembering which nodes were visited stops the double push. But "once" is not enough: the
# node must also come *after* everything that feeds gradient into it. In d = b + c with
# b = 2a and c = b + a, the depth-first walk reaches b straight from d, before c has sent b
# its share.

# %%
a = Value(1.0, "a")
b = a * 2.0
b.label = "b"
c = b + a
c.label = "c"
d = b + c
d.label = "d"


def visit_once_backward(root):
    seen = set()

    def visit(node):
        if id(node) in seen or not node.parents:
            return
        seen.add(id(node))
        push_down(node)  # too early, if a later node still has to send it gradient
        for parent in node.parents:
            visit(parent)

    root.grad = 1.0
    visit(root)


visit_once_backward(d)
print("visit-once-in-walk-order gives dd/da =", a.grad, "(d = 2a + 3a, so the truth is 5)")
assert a.grad == 3.0
a.grad = 0.0  # leaves accumulate: start the real pass from zero
d.backward()
assert a.grad == 5.0
draw(d)

# %% [markdown]
# ## The fix: a topological order
#
# List the nodes so that every node comes after all of its parents (a *topological order*),
# then walk that list backwards. When a node's turn comes, every node that uses it has already
# pushed its share, so its grad is complete, and it pushes exactly once. That is all
# `backward()` does.

# %%
order = topological_order(d)
print(" -> ".join(node_name(n) for n in order))  # the constant 2 is named by its value
assert all(node_name(n) for n in order)
position = {id(n): i for i, n in enumerate(order)}
assert all(position[id(p)] < position[id(n)] for n in order for p in n.parents)

# %% [markdown]
# ## And no recursion at all
#
# The usual way to compute that order is a recursive depth-first search, one Python call per
# level of the graph. Python stops at about a thousand levels, so a long chain breaks it. The
# engine's search keeps its own stack instead.


# %%
def recursive_order(node, seen, out):
    if id(node) not in seen:
        seen.add(id(node))
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
print(f"recursion limit {sys.getrecursionlimit()}: recursive order failed = {failed}")
assert failed

y.backward()
print("the engine's backward on the 100,000-link chain: dy/dx =", x.grad)
assert x.grad == 100_001

# %% [markdown]
# ## A topological order for free: the tape
#
# The search above rediscovers an order that already existed: a node can only be made after
# its parents, so *the order in which the nodes were made* is a topological order. Write the
# nodes down as they are made and there is nothing left to search for. That list is a
# *Wengert list*, or tape (TensorFlow's `GradientTape` is one). Inside `with Tape():` the
# engine records every new node, and `backward()` on a root it recorded sweeps the list
# backwards instead of searching the graph.
#
# Here b is made before a, while b's parents are listed first in `out`: the two orders differ,
# both are valid, and they give the same grads.


# %%
def program(x, w):
    b = x * w
    a = x + w
    return a * b


x, w = Value(0.5, "x"), Value(-1.5, "w")
program(x, w).backward()
by_search = [x.grad, w.grad]
searched = [n.op for n in topological_order(program(x, w), leaves=False)]

x.grad = w.grad = 0.0
with Tape() as tape:
    out = program(x, w)
    out.backward()  # sweeps tape.nodes backwards: no search
by_tape = [x.grad, w.grad]
print("order found by the search:", " -> ".join(searched))
print("order of the tape:        ", " -> ".join(n.op for n in tape.nodes))
position = {id(n): i for i, n in enumerate(tape.nodes)}
assert all(position[id(p)] < position[id(n)] for n in tape.nodes for p in n.parents if not p.is_leaf)
assert [n.op for n in tape.nodes] != searched  # a different order...
assert by_tape == by_search  # ...and the same grads
print("grads from the search:", by_search, " from the tape:", by_tape)

# %% [markdown]
# The tape is opt-in (`micrograd_notes.Tape`) because it has one rule: build the whole graph
# inside it. A node made before the tape opened is not on it, and the gradient would stop there;
# `tape.covers(root)` checks. The training loops of notebook 6 run on a tape.

# %% [markdown]
# **Answer:** a node may pass its gradient on only when it is complete, and only once. Walking
# a topological order backwards guarantees both; building that order with an explicit stack
# makes it work for graphs of any depth.

# %% [markdown]
# ## Exercises
#
# Change one thing, predict the result, then check it: write your answer in place of the
# `...` and run the cell after it.
#
# **1.** Use b three times: b = a + a, c = b + b + b. What is dc/da?

# %%
from micrograd_notes.exercises import Exercise

a = Value(1.0, "a")
b = a + a
(b + b + b).backward()
exercise1 = Exercise.number("dc/da for c = b + b + b, b = a + a", a.grad, hint="c = 6a")

# %%
answer1 = ...

# %%
exercise1.check(answer1)

# %% [markdown]
# **2.** Three doublings: b1 = a + a, b2 = b1 + b1, b3 = b2 + b2 (so db3/da = 8). What does
# shortcut 1, `naive_backward`, give for it?

# %%
a = Value(1.0, "a")
b1 = a + a
b2 = b1 + b1
b3 = b2 + b2
b3.grad = 1.0
naive_backward(b3)
exercise2 = Exercise.number(
    "naive_backward's da for three doublings",
    a.grad,
    hint="b2 is pushed twice, b1 four times, each time with all it has gathered so far",
)

# %%
answer2 = ...

# %%
exercise2.check(answer2)

# %% [markdown]
# **3.** Shorten the chain of the last section to 500 links. Does `recursive_order` still
# fail? Answer "fails" or "works".

# %%
x = Value(0.5, "x")
y = x
for _ in range(500):
    y = y + x
try:
    recursive_order(y, set(), [])
    outcome = "works"
except RecursionError:
    outcome = "fails"
exercise3 = Exercise.choice(
    "recursive_order on a 500-link chain",
    ["fails", "works"],
    outcome,
    hint=f"one Python call per link; the limit is {sys.getrecursionlimit()}",
)

# %%
answer3 = ...

# %%
exercise3.check(answer3)

# %% [markdown]
# ## Answers
#
# The test suite runs these: each exercise accepts its answer and rejects a likely mistake.

# %%
assert exercise1.accepts(6.0) and not exercise1.accepts(4.0)
assert exercise2.accepts(48.0) and not exercise2.accepts(8.0)
assert exercise3.accepts("works") and not exercise3.accepts("fails")
