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
# # 1. Build it yourself
#
# **Question:** what is the least code that can do backpropagation?
#
# Before we use the package, we write our own engine, in this notebook, from an empty class.
# It ends up about seventy lines long, and it trains a model. Along the way we fill in every
# gradient of a neuron by hand, find out why a graph must be walked in a particular order, and
# see what goes wrong when a training loop forgets one line. At the end we check our engine
# against `micrograd_notes.Value` and say why that one is written differently.

# %%
import gc
import inspect
import math
import sys
import tracemalloc
import weakref

import numpy as np

from micrograd_notes.extras import require

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it

# %% [markdown]
# ## Step 1: a number that remembers where it came from
#
# A `Value` holds a number (`data`) and, once we get that far, the derivative of the final
# output with respect to it (`grad`). What makes it more than a float: a result records the
# values it was computed from (`parents`, a tuple, so `a * a` keeps both slots) and the
# operation (`op`). Adding and multiplying are enough to begin with.


# %%
class Value:
    """A number that remembers which numbers it was made from."""

    def __init__(self, data, parents=(), op="", label=""):
        self.data = float(data)
        self.grad = 0.0  # d(output)/d(self): zero until a backward pass fills it in
        self.parents = parents
        self.op = op
        self.label = label
        self._backward = lambda: None  # step 3 gives each result its own; a leaf has none

    def __repr__(self):
        name = self.label or self.op
        return f"Value({name + ' ' if name else ''}data={self.data:.4g}, grad={self.grad:.4g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*")


a, b = Value(2.0, label="a"), Value(-3.0, label="b")
c = a * b + 10
print(c, "made by", c.op, "from", c.parents)
assert c.data == 4.0 and c.op == "+" and c.parents[0].op == "*"
assert (a * a).parents == (a, a)  # both slots, in order

# %% [markdown]
# Next, tanh, the squashing function of our neuron. Python lets us add a method to a class that
# already exists, so the engine can grow one cell at a time: we write a plain function and
# attach it to `Value`.


# %%
def tanh(self):
    return Value(math.tanh(self.data), (self,), "tanh")


Value.tanh = tanh
assert Value(0.5).tanh().data == math.tanh(0.5)

# %% [markdown]
# ## Step 2: every gradient of one neuron, by hand
#
# A neuron with two inputs: o = tanh(x1·w1 + x2·w2 + b). We build it from named pieces so each
# piece has a gradient of its own to fill in.

# %%
x1, x2 = Value(1.5, label="x1"), Value(-0.5, label="x2")
w1, w2 = Value(0.8, label="w1"), Value(1.2, label="w2")
b = Value(0.4, label="b")
x1w1 = x1 * w1
x2w2 = x2 * w2
s = x1w1 + x2w2
n = s + b
o = n.tanh()
print(o)


def neuron(x1, x2, w1, w2, b):
    """The same neuron on plain floats, to measure slopes with."""
    return math.tanh(x1 * w1 + x2 * w2 + b)


def measured_slope(i, h=1e-6):
    """d o / d(input i) by a central difference: nudge one input both ways."""
    args = [1.5, -0.5, 0.8, 1.2, 0.4]
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (neuron(*up) - neuron(*down)) / (2 * h)


assert o.data == neuron(1.5, -0.5, 0.8, 1.2, 0.4)

# %% [markdown]
# We go backwards from o. Every step uses one rule:
#
# > **down_diff = local_diff · up_diff**
#
# up_diff is the gradient already known at a node's output; local_diff is how much that node's
# output moves when one of its inputs moves; their product is the gradient of that input.
#
# The start: o moves exactly as much as o does, so do/do = 1.

# %%
o.grad = 1.0

# %% [markdown]
# o = tanh(n), and the slope of tanh is 1 − tanh² = 1 − o².

# %%
n.grad = (1 - o.data**2) * o.grad
print("dn:", n.grad)
assert math.isclose(n.grad, (math.tanh(1.0 + 1e-6) - math.tanh(1.0 - 1e-6)) / 2e-6)

# %% [markdown]
# n = s + b. Adding has slope 1 in each input, so both receive n's gradient unchanged.

# %%
s.grad = 1.0 * n.grad
b.grad = 1.0 * n.grad

# %% [markdown]
# s = x1w1 + x2w2: another sum, the same rule.

# %%
x1w1.grad = 1.0 * s.grad
x2w2.grad = 1.0 * s.grad

# %% [markdown]
# x1w1 = x1 · w1. Moving w1 by a little moves the product by x1 times as much, so the local_diff
# for w1 is x1, and the other way round. A product swaps its inputs on the way back.

# %%
w1.grad = x1.data * x1w1.grad
x1.grad = w1.data * x1w1.grad
w2.grad = x2.data * x2w2.grad
x2.grad = w2.data * x2w2.grad

for i, leaf in enumerate([x1, x2, w1, w2, b]):
    print(f"d o / d {leaf.label}: by hand {leaf.grad:+.6f}, measured {measured_slope(i):+.6f}")
    assert math.isclose(leaf.grad, measured_slope(i), rel_tol=1e-6)
by_hand = {leaf.label: leaf.grad for leaf in [x1, x2, w1, w2, b]}

# %% [markdown]
# All five agree with the measured slopes. Notice that every cell needed only the node's own
# rule and the gradient just above it, never the rest of the graph.
#
# ## Step 3: each node carries its own backward rule
#
# Writing those lines by hand does not scale. The rule for a node is known the moment the node
# is made, so we store it there: each operation gives its result a small function,
# `_backward`, that sends the result's gradient to its parents. It closes over the parents and
# the result, so it can run later.
#
# First a version with a bug that is easy to make: it *sets* the parents' grads.


# %%
def add_overwriting(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad = 1.0 * out.grad
        other.grad = 1.0 * out.grad

    out._backward = _backward
    return out


p = Value(3.0)
double = add_overwriting(p, p)  # p + p = 2p, so the gradient should be 2
double.grad = 1.0
double._backward()
print("d(p + p)/dp with '=':", p.grad)
assert p.grad == 1.0  # the second slot overwrote the first

# %% [markdown]
# When one value feeds a node twice, or feeds two nodes, its gradient is the *sum* of what
# each use sends back (the two paths of the chain rule add). So the rules must add with `+=`.


# %%
def __add__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad += out.grad
        other.grad += out.grad

    out._backward = _backward
    return out


def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out


def tanh(self):
    out = Value(math.tanh(self.data), (self,), "tanh")

    def _backward():
        self.grad += (1 - out.data**2) * out.grad

    out._backward = _backward
    return out


Value.__add__, Value.__mul__, Value.tanh = __add__, __mul__, tanh

p = Value(3.0)
double = p + p
double.grad = 1.0
double._backward()
assert p.grad == 2.0

# %% [markdown]
# Rebuild the neuron with the new rules and call each node's `_backward` ourselves, from o
# down, in the same order as the hand-written cells.


# %%
def build_neuron():
    x1, x2 = Value(1.5, label="x1"), Value(-0.5, label="x2")
    w1, w2, b = Value(0.8, label="w1"), Value(1.2, label="w2"), Value(0.4, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    return n.tanh(), [x1, x2, w1, w2, b], [x1w1, x2w2, s, n]


o, leaves, (x1w1, x2w2, s, n) = build_neuron()
o.grad = 1.0
for node in [o, n, s, x1w1, x2w2]:
    node._backward()
assert all(math.isclose(leaf.grad, by_hand[leaf.label]) for leaf in leaves)

# %% [markdown]
# The order matters. Called from the inputs up, each node passes on a gradient that has not
# arrived yet: zero.

# %%
o, leaves, (x1w1, x2w2, s, n) = build_neuron()
o.grad = 1.0
for node in [x1w1, x2w2, s, n, o]:
    node._backward()
print("grads, rules run inputs first:", [leaf.grad for leaf in leaves])
assert all(leaf.grad == 0.0 for leaf in leaves)

# %% [markdown]
# ## Step 4: the order, found by the computer
#
# A node may pass its gradient on only after *every* node that uses it has sent it its
# share. Listing the nodes so that each comes after its parents is a
# *topological sort*; walking that list backwards gives a safe order. The natural way to write
# it is recursive: visit the parents first, then list the node.


# %%
def topological_sort_recursive(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


o, leaves, inner = build_neuron()
order = topological_sort_recursive(o)
print(" -> ".join(v.label or v.op for v in order))
position = {v: i for i, v in enumerate(order)}
assert all(position[p] < position[v] for v in order for p in v.parents)

# %% [markdown]
# The recursion has a limit. Each level of the graph is one Python call, and Python refuses to
# go deeper than `sys.getrecursionlimit()` calls. A long chain, like many steps of a
# recurrent network, is deeper than that.

# %%
depth = 3 * sys.getrecursionlimit()
x = Value(0.5, label="x")
chain = x
for _ in range(depth):
    chain = chain + x  # chain = (depth + 1) · x
try:
    topological_sort_recursive(chain)
    hit_the_limit = False
except RecursionError:
    hit_the_limit = True
print(f"a chain {depth} deep, recursion limit {sys.getrecursionlimit()}: RecursionError =",
      hit_the_limit)
assert hit_the_limit

# %% [markdown]
# The same search without recursion keeps its own stack: for each node on the current path,
# the parents it has yet to look at. It lists nodes in exactly the same order.


# %%
def topological_sort(root):
    order, seen = [], {root}
    stack = [(root, iter(root.parents))]
    while stack:
        node, pending = stack[-1]
        for parent in pending:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:  # no parent left to visit: the node is finished
            stack.pop()
            order.append(node)
    return order


assert topological_sort(o) == order


def backward(self):
    """Fill in d(self)/d(node) for every node self depends on."""
    self.grad = 1.0
    for node in reversed(topological_sort(self)):
        node._backward()


Value.backward = backward

o.backward()
assert all(math.isclose(leaf.grad, by_hand[leaf.label]) for leaf in leaves)
chain.backward()
print("d chain / dx =", x.grad)
assert x.grad == depth + 1

# %% [markdown]
# ## Step 5: a few more operations
#
# A loss needs subtraction and squares; sums of Python numbers need `0 + value` to work. Each
# new operation is a forward formula and its local derivative; subtraction reuses add and
# negate.


# %%
def __pow__(self, k):
    out = Value(self.data**k, (self,), f"**{k}")

    def _backward():
        self.grad += k * self.data ** (k - 1) * out.grad

    out._backward = _backward
    return out


def exp(self):
    out = Value(math.exp(self.data), (self,), "exp")

    def _backward():
        self.grad += out.data * out.grad

    out._backward = _backward
    return out


Value.__pow__, Value.exp = __pow__, exp
# The rest are made from gates we already have, so they need no backward rule of their own.
Value.__neg__ = lambda self: self * -1
Value.__sub__ = lambda self, other: self + (-other)
Value.__rsub__ = lambda self, other: (-self) + other  # 2 - v
Value.__radd__ = lambda self, other: self + other  # 0 + v, as sum() does
Value.__rmul__ = lambda self, other: self * other  # 2 * v
Value.__truediv__ = lambda self, other: self * other**-1
Value.__rtruediv__ = lambda self, other: self**-1 * other  # 1 / v
one_liners = [Value.__neg__, Value.__sub__, Value.__rsub__, Value.__radd__, Value.__rmul__,
              Value.__truediv__, Value.__rtruediv__]


def measured(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


for name, f in [
    ("x**3", lambda v: v**3),
    ("exp(x)", lambda v: v.exp() if isinstance(v, Value) else math.exp(v)),
    ("2 - x", lambda v: 2 - v),
    ("sum([x, x, 3])", lambda v: sum([v, v, 3])),
    ("1 / x", lambda v: 1 / v),
    ("x / (x + 1)", lambda v: v / (v + 1)),
]:
    x = Value(0.7)
    out = f(x)
    out.backward()
    print(f"d({name})/dx at 0.7: engine {x.grad:+.6f}, measured {measured(f, 0.7):+.6f}")
    assert math.isclose(x.grad, measured(f, 0.7), rel_tol=1e-6)

# %% [markdown]
# That is the whole engine. Counting the lines we actually wrote for it (the class, the
# operations we kept, the sort and `backward`; blank lines left out):

# %%
engine_parts = [Value.__init__, Value.__repr__, __add__, __mul__, tanh, __pow__, exp,
                *one_liners, topological_sort, backward]
class_header = 2  # "class Value:" and its docstring (Python keeps no source for a notebook class)
engine_lines = class_header + sum(
    len([line for line in inspect.getsource(f).splitlines() if line.strip()]) for f in engine_parts
)
print("lines of engine:", engine_lines)
assert engine_lines < 80

# %% [markdown]
# ## Step 6: the gradient points uphill
#
# Give the neuron a target, 0.2, and a loss, the squared miss L = (o − 0.2)². After
# `backward()`, each input's grad says how fast L grows when that input grows. So moving every
# input a little *along* its grad should raise L, and moving it *against* its grad should
# lower it: the second is all of learning.

# %%
o, leaves, _ = build_neuron()
loss = (o - 0.2) ** 2
loss.backward()
before = loss.data


def loss_after_nudge(step):
    """The loss once every input has moved by step · its grad (then moved back)."""
    for leaf in leaves:
        leaf.data += step * leaf.grad
    after = ((neuron(*[leaf.data for leaf in leaves])) - 0.2) ** 2
    for leaf in leaves:
        leaf.data -= step * leaf.grad
    return after


uphill, downhill = loss_after_nudge(+0.01), loss_after_nudge(-0.01)
print(f"loss {before:.6f}; along +grad {uphill:.6f}; along -grad {downhill:.6f}")
assert downhill < before < uphill
# To first order the change is step · (sum of grad²): the gradient predicts the move.
predicted = 0.01 * sum(leaf.grad**2 for leaf in leaves)
assert math.isclose(uphill - before, predicted, rel_tol=0.05)

# %% [markdown]
# ## Step 7: a training loop, bare
#
# A model with two parameters, so we can draw its whole loss surface: one tanh neuron,
# prediction = tanh(w·x + b), fitted to four points. The points were made with w = 1.5 and
# b = −0.5, so the lowest loss is 0, at that spot.
#
# The loop is: forward, backward, and step every parameter against its gradient,
# `p.data -= lr * p.grad`. A first try forgets something.

# %%
xs = [-2.0, -1.0, 0.5, 2.0]
ys = [math.tanh(1.5 * x - 0.5) for x in xs]


def loss_of(w, b):
    return sum(((w * x + b).tanh() - y) ** 2 for x, y in zip(xs, ys))


def train(steps, lr, reset_grads):
    w, b = Value(-1.0, label="w"), Value(1.5, label="b")
    path, losses = [(w.data, b.data)], []
    for _ in range(steps):
        loss = loss_of(w, b)
        losses.append(loss.data)
        if reset_grads:
            w.grad = b.grad = 0.0
        loss.backward()
        for p in (w, b):
            p.data -= lr * p.grad
        path.append((w.data, b.data))
    return path, losses


path_forgetful, losses_forgetful = train(steps=80, lr=0.2, reset_grads=False)
print(f"without resetting grads: loss {losses_forgetful[0]:.3f} -> {losses_forgetful[-1]:.3f},"
      f" w = {path_forgetful[-1][0]:.1f}")

# %% [markdown]
# The loss does not get small, and w runs off to a large value. The reason: the rules *add*
# into `grad` (they have to, step 3), and nothing ever clears the parameters' grads. Each step
# builds a fresh graph, so the inner nodes start at 0, but w and b are the same two objects
# every time: their grads pile up, and each step moves by the sum of all gradients so far, not
# by the current one. Two backward passes at the same point show it plainly:

# %%
w, b = Value(0.3), Value(0.1)
loss_of(w, b).backward()
once = w.grad
loss_of(w, b).backward()  # the next step's graph, same w and b, grads not reset
print(f"dL/dw after one backward pass: {once:.6f}; after two: {w.grad:.6f}")
assert math.isclose(w.grad, 2 * once)
assert min(losses_forgetful[-20:]) > 0.1  # never settles
assert path_forgetful[-1][0] > 10 * 1.5  # w ends far beyond the w = 1.5 that fits

# %% [markdown]
# The fix is one line: set every parameter's grad to 0 before each backward pass.

# %%
path, losses = train(steps=80, lr=0.2, reset_grads=True)
print(f"with grads reset: loss {losses[0]:.3f} -> {losses[-1]:.6f}; "
      f"w = {path[-1][0]:.3f}, b = {path[-1][1]:.3f}")
assert losses[-1] < 1e-3
assert all(later <= earlier for earlier, later in zip(losses, losses[1:]))  # never goes up

# %% [markdown]
# ## The altitude map
#
# With two parameters the loss is a landscape over the (w, b) plane, an altitude map as note
# 000 puts it: the colour is the height.
# The arrows are −grad at points of a grid, computed by our own engine: they point downhill,
# across the contour lines. Gradient descent follows them into the valley. The run that never
# reset its grads keeps the speed of every past step and flies off the map.

# %%
W, B = np.meshgrid(np.linspace(-2.0, 3.0, 120), np.linspace(-2.0, 2.5, 120))
altitude = sum((np.tanh(W * x + B) - y) ** 2 for x, y in zip(xs, ys))

grid_w, grid_b = np.meshgrid(np.linspace(-1.75, 2.75, 10), np.linspace(-1.75, 2.25, 9))
arrows = np.zeros(grid_w.shape + (2,))
for i, j in np.ndindex(grid_w.shape):
    w, b = Value(grid_w[i, j]), Value(grid_b[i, j])
    loss_of(w, b).backward()
    downhill = -np.array([w.grad, b.grad])
    arrows[i, j] = downhill / (np.linalg.norm(downhill) + 1e-12)  # direction only
# The map is drawn with NumPy; at a grid point it is the same loss our engine computes.
assert math.isclose(loss_of(Value(W[40, 70]), Value(B[40, 70])).data, altitude[40, 70])

fig, ax = plt.subplots(figsize=(7.5, 5.5))
filled = ax.contourf(W, B, altitude, levels=30, cmap="viridis")
ax.contour(W, B, altitude, levels=15, colors="white", linewidths=0.4, alpha=0.6)
fig.colorbar(filled, ax=ax, label="loss L(w, b)")
ax.quiver(grid_w, grid_b, arrows[..., 0], arrows[..., 1], color="white", alpha=0.8,
          scale=28, width=0.003, label="−grad (downhill), direction only")
ax.plot(*zip(*path), "o-", color="orange", markersize=3, label="gradient descent, grads reset")
ax.plot(*zip(*path_forgetful), "x--", color="red", markersize=4,
        label="grads never reset")
ax.plot(*path[0], "s", color="black", markersize=8, label="start (w, b) = (−1, 1.5)")
ax.plot(1.5, -0.5, "*", color="gold", markersize=16, markeredgecolor="black",
        label="minimum (1.5, −0.5)")
ax.set(xlim=(-2, 3), ylim=(-2, 2.5), xlabel="weight w", ylabel="bias b",
       title="Loss of tanh(w·x + b) on four points")
ax.legend(loc="lower left", fontsize=8, facecolor="lightgray", framealpha=1)
plt.show()

# %% [markdown]
# ## Step 8: the same numbers as the package
#
# Our seventy lines and `micrograd_notes.Value` should agree on any expression both can build.
# One function builds the expression from either class.

# %%
import micrograd_notes  # noqa: E402


def expression(V):
    a, b, c = V(0.7), V(-1.3), V(2.0)
    e = (a * b + c).tanh() * a - (b**2).exp() / c + 3 * a
    return e, [a, b, c]


ours, our_leaves = expression(Value)
theirs, their_leaves = expression(micrograd_notes.Value)
ours.backward()
theirs.backward()
print(f"value: ours {ours.data:.12f}, package {theirs.data:.12f}")
for name, mine, pkg in zip("abc", our_leaves, their_leaves):
    print(f"d/d{name}: ours {mine.grad:+.12f}, package {pkg.grad:+.12f}")
    assert math.isclose(mine.grad, pkg.grad, rel_tol=1e-12, abs_tol=1e-15)
assert math.isclose(ours.data, theirs.data, rel_tol=1e-12)

# %% [markdown]
# ### Why the package's engine looks different
#
# Same idea, same numbers, but `micrograd_notes/engine.py` is longer and is not built from
# closures. It trades a little directness for things a toy can ignore:
#
# - **One rule per kind of gate, shared.** Our `__mul__` makes a brand-new `_backward`
#   function for every product. The package has one `Mul` gate object whose `backward(out)`
#   receives the node, so a node stores only a pointer to its gate. Our closure also refers to
#   `out`, and `out` refers to the closure: every node is a reference cycle, so dropping a graph
#   frees nothing until Python's cycle collector runs. (Checked below.)
# - **`__slots__`.** Each package node keeps its fields in fixed slots instead of a dictionary,
#   which makes a node several times smaller; big graphs are mostly nodes.
# - **An iterative walk in its own module.** `micrograd_notes.graph.topological_order` is our
#   stack-based sort with a few shortcuts, written once for anything with `parents`.
# - **Checks and careful semantics.** It refuses NaN and infinity with a message, names the
#   operation when an operand is wrong, and resets the grads of inner nodes at the start of
#   `backward()` while leaves keep adding (PyTorch's rule), so calling it twice on one graph
#   doubles the leaves' grads. Ours is right only on a fresh graph: run twice, the inner grads
#   left over from the first pass are sent down again, and the error compounds with depth.
#
# The second backward, the cycle and the size, measured:

# %%
def second_backward_ratio(V):
    """w.grad after two backward() calls on one graph, over its value after one."""
    w = V(0.5)
    out = (w * 3.0).tanh() * 2.0
    out.backward()
    first = w.grad
    out.backward()
    return w.grad / first


print("second backward on the same graph multiplies w.grad by: ours",
      second_backward_ratio(Value), "| package", second_backward_ratio(micrograd_notes.Value))
assert second_backward_ratio(micrograd_notes.Value) == 2.0
assert second_backward_ratio(Value) > 2.0

# %%
gc.disable()  # so the collector cannot run while we look
try:
    o, _, _ = build_neuron()
    still_there = weakref.ref(o)
    del o
    survived_del = still_there() is not None
    gc.collect()
    freed_by_collector = still_there() is None
finally:
    gc.enable()
print("our neuron after del:", "still alive" if survived_del else "freed",
      "| after gc.collect():", "freed" if freed_by_collector else "still alive")
assert survived_del and freed_by_collector


def bytes_per_node(V, n=20_000):
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    x = V(1.0)
    chain = x
    for _ in range(n):
        chain = chain * x
    used = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    return used / n  # each step makes one product node (x is a Value: no constant leaf)


ours_bytes = bytes_per_node(Value)
package_bytes = bytes_per_node(micrograd_notes.Value)
print(f"memory per node: ours ~{ours_bytes:.0f} bytes, package ~{package_bytes:.0f} bytes")
assert ours_bytes > 2 * package_bytes

# %% [markdown]
# **Answer:** a value that records its parents, a local-derivative rule per operation that
# *adds* `local_diff · up_diff` into each parent, and a walk of the graph in reverse
# topological order. Seventy lines; the rest of the package is speed, memory and care.
#
# ## Exercises
#
# Change something and predict the result before you run it. Replace the `...` with your answer
# and run the checker cell under it.

# %%
from micrograd_notes.exercises import Exercise  # noqa: E402

mul_down_diff = Exercise.number(
    "c = a * b with a = 3, b = -2, and dL/dc = 4 arrives from above. What is dL/da?",
    -8.0,
    hint="down_diff = local_diff · up_diff, and the local_diff of a product is the other input",
)
three_backwards = Exercise.number(
    "Keep w and b fixed; three times, build the loss afresh and call backward() on it, never "
    "resetting grads. w.grad is now how many times dL/dw?",
    3.0,
    hint="each pass adds into grad",
)
which_way = Exercise.choice(
    "To make the loss smaller, each parameter moves ...",
    ["along its grad", "against its grad", "it does not matter"],
    "against its grad",
    hint="look at Step 6: which nudge raised the loss?",
)

# %%
answer = ...  # dL/da
mul_down_diff.check(answer);

# %%
answer = ...  # how many times dL/dw
three_backwards.check(answer);

# %%
answer = ...  # one of the options
which_way.check(answer);

# %% [markdown]
# ## Answers
#
# The checkers accept the right answers and turn down a wrong one; the first two are computed
# with our own engine.

# %%
a, b = Value(3.0), Value(-2.0)
c = a * b
c.grad = 4.0
c._backward()
assert mul_down_diff.accepts(a.grad) and not mul_down_diff.accepts(b.grad)

w, b = Value(0.3), Value(0.1)
loss_of(w, b).backward()
single = w.grad
loss_of(w, b).backward()
loss_of(w, b).backward()
assert three_backwards.accepts(w.grad / single) and not three_backwards.accepts(1)

assert which_way.accepts("against its grad") and not which_way.accepts("along its grad")
