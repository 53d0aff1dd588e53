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
# Notebook 00 measured derivatives and found the rules that combine them: local rates multiply
# along a path and add across paths. Here we put those rules into code. We write our own
# engine in this notebook, starting from a class that holds one number; it ends up well under
# a hundred lines, and it trains a model. Along the way we fill in every gradient of a neuron by hand, find out why a
# graph must be walked in a particular order, see why a step downhill needs a size of its own,
# and see what goes wrong when a training loop forgets one line. At the end we check our
# engine's numbers against the package's `micrograd_notes.Value`.

# %%
import inspect
import math

import numpy as np
from micrograd_notes.figures import label_axes, slider_figure, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

from matplotlib.colors import LogNorm


try:
    import ipywidgets as widgets
except ImportError:  # the sliders need ipywidgets; everything else runs without it
    widgets = None


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
    """d o / d(input i) by a central difference (notebook 00): nudge that input alone."""
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
# it is recursive: visit the parents first, then list the node. A set remembers the nodes
# already listed, so a node reached along two paths is listed once.

# %%
def topological_sort(root):
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
order = topological_sort(o)
print(" -> ".join(v.label or v.op for v in order))
position = {v: i for i, v in enumerate(order)}
assert all(position[p] < position[v] for v in order for p in v.parents)
assert len(order) == len(set(order)) == 10  # 5 leaves, 2 products, 2 sums, the tanh

# %% [markdown]
# `backward()` seeds the output's grad with 1 (do/do = 1) and runs every node's rule, output
# first: the reverse of the sort.

# %%
def backward(self):
    """Fill in d(self)/d(node) for every node self depends on."""
    self.grad = 1.0
    for node in reversed(topological_sort(self)):
        node._backward()


Value.backward = backward

o.backward()
assert all(math.isclose(leaf.grad, by_hand[leaf.label]) for leaf in leaves)
p = Value(3.0)
(p * p + p).backward()  # p reaches the output along three paths: 2p + 1
print("d(p·p + p)/dp at p = 3:", p.grad)
assert p.grad == 2 * 3.0 + 1

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
# ## Step 6: what the gradient predicts
#
# Give the neuron a target, 0.2, and a loss, the squared miss L = (o − 0.2)². After
# `backward()`, each input's grad is ∂L/∂(that input): how fast L changes when that input moves
# and the others stay put. Move several inputs at once, by small amounts Δ, and the changes
# add up (notebook 00: contributions add), so the gradient predicts
#
# > ΔL ≈ grad_w1 · Δw1 + grad_w2 · Δw2 + grad_b · Δb
#
# "≈" because the grads are slopes at one point: the prediction is good for small moves and
# drifts for large ones, where the surface bends.

# %%
TARGET = 0.2
start = [1.5, -0.5, 0.8, 1.2, 0.4]  # x1, x2, w1, w2, b as in build_neuron
o, leaves, _ = build_neuron()
loss = (o - TARGET) ** 2
loss.backward()
grad = {leaf.label: leaf.grad for leaf in leaves}
print("loss:", f"{loss.data:.6f};", "grads:", {k: round(v, 6) for k, v in grad.items()})


def loss_change(dw1, dw2, db):
    """(the actual ΔL, the gradient's prediction) when w1, w2, b move by dw1, dw2, db."""
    x1, x2, w1, w2, b = start
    moved = (neuron(x1, x2, w1 + dw1, w2 + dw2, b + db) - TARGET) ** 2
    predicted = grad["w1"] * dw1 + grad["w2"] * dw2 + grad["b"] * db
    return moved - loss.data, predicted

# %% [markdown]
# Move the sliders and compare the two numbers: for moves of a few hundredths they agree to a
# few parts in a hundred, and for moves of 0.5 they part ways. (Without a live kernel, the
# cell after it computes two settings.)

# %%
if widgets is not None:
    sliders = [
        widgets.FloatSlider(value=0.05, min=-0.5, max=0.5, step=0.01, description=f"Δ{name}")
        for name in ("w1", "w2", "b")
    ]
    report = widgets.HTML()

    def show_change(_=None):
        actual, predicted = loss_change(*(slider.value for slider in sliders))
        report.value = (
            f"actual ΔL = <b>{actual:+.5f}</b>, predicted grad·Δ = <b>{predicted:+.5f}</b>, "
            f"off by {actual - predicted:+.5f}"
        )

    for slider in sliders:
        slider.observe(show_change, names="value")
    show_change()
    display(widgets.VBox([*sliders, report]))

# %%
for deltas in [(0.01, -0.02, 0.01), (0.5, 0.5, 0.5)]:
    actual, predicted = loss_change(*deltas)
    print(f"Δ(w1, w2, b) = {deltas}: actual ΔL {actual:+.5f}, predicted {predicted:+.5f}")
small, large = loss_change(0.01, -0.02, 0.01), loss_change(0.5, 0.5, 0.5)
assert math.isclose(small[0], small[1], rel_tol=0.05)  # small moves: the gradient predicts
assert abs(large[0] - large[1]) > 0.3 * abs(large[1])  # large moves: it does not

# %% [markdown]
# The prediction says which way to move. Choose Δ = −t · grad for a small t > 0: the
# predicted change is −t · (grad_w1² + grad_w2² + grad_b²), negative whatever the grads are. A
# step *against* the gradient lowers the loss; along it, the loss rises. The picture moves
# (w1, w2, b) along that line by a distance t and draws the true ΔL against the straight
# line the gradient predicts:

# %%
g = np.array([grad["w1"], grad["w2"], grad["b"]])
downhill = -g / np.linalg.norm(g)  # a unit step against the gradient
ts = np.linspace(-1.0, 1.0, 101)
actual = [loss_change(*(t * downhill))[0] for t in ts]
fig, ax = plt.subplots(figsize=(6.0, 3.6))
ax.plot(ts, actual, color="black", label="actual ΔL")
ax.plot(ts, -np.linalg.norm(g) * ts, "--", lw=2, label="predicted: grad · Δ")
ax.axvline(0, color="grey", lw=0.8)
label_axes(ax, "distance t moved against the gradient (t < 0: along it)", "change in loss ΔL",
           "A small step against the gradient lowers the loss")
ax.legend()
assert style_problems(fig) == []
plt.show()
assert loss_change(*(0.01 * downhill))[0] < 0 < loss_change(*(-0.01 * downhill))[0]

# %% [markdown]
# ## Step 7: how far to step: the learning rate
#
# So learning is: compute the gradient, and move every parameter against it. The plainest
# update moves each parameter by its gradient, w ← w − dL/dw. Try it on the smallest model
# there is: one weight w, a prediction w · x for one sample x = 3 with target 6, and the loss
# L(w) = (3w − 6)², lowest (0) at w = 2.

# %%
def one_weight_run(lr, steps):
    """w after each step of w ← w − lr · dL/dw on L(w) = (3w − 6)², from w = 0."""
    w = Value(0.0)
    ws = [w.data]
    for _ in range(steps):
        loss = (w * 3 - 6) ** 2
        w.grad = 0.0
        loss.backward()
        w.data -= lr * w.grad
        ws.append(w.data)
    return ws


ws = one_weight_run(lr=1.0, steps=4)  # lr = 1: the step is the whole gradient
for k, w in enumerate(ws):
    print(f"step {k}: w = {w:8g},  L = {(3 * w - 6) ** 2:12.6g}")
assert all(math.isclose(abs(b - 2), 17 * abs(a - 2)) for a, b in zip(ws, ws[1:]))

# %% [markdown]
# Every step *overshoots*: w jumps past 2 to the far side, farther away than it started, and
# the loss grows without end. The gradient was right about the direction; the size was the
# trouble. Here dL/dw = 2 · (3w − 6) · 3 = 18 · (w − 2): the slope is 18 times the distance
# to the minimum, so a step of one whole gradient moves w 18 distances, 17 past the minimum.
# The gradient says which way is downhill and how steep it is there, not how far away the
# bottom is.
#
# So the step gets a size of its own, the **learning rate** lr:
#
# > w ← w − lr · dL/dw
#
# Here a step changes the distance to the minimum, w − 2, into (1 − 18 · lr) · (w − 2). That
# factor must be between −1 and 1 for the steps to close in, so lr must lie between 0 and
# 1/9: too large and every step overshoots by more than it gains; too small and the steps
# crawl.

# %%
runs = {lr: one_weight_run(lr, steps=10) for lr in [1.0, 0.12, 0.1, 0.05, 0.01]}
fig, ax = plt.subplots(figsize=(6.5, 4.0))
for (lr, ws), marker in zip(runs.items(), "os^vD"):
    factor = 1 - 18 * lr
    ax.semilogy([abs(w - 2) for w in ws], marker + "-", ms=4,
                label=f"lr = {lr:g}: × {factor:+.2f} per step")
label_axes(ax, "step", "distance to the minimum |w − 2| (log scale)",
           "Too large a step overshoots and diverges")
ax.legend(loc="upper left", ncols=1)
assert style_problems(fig) == []
plt.show()
for lr, ws in runs.items():
    assert math.isclose(abs(ws[-1] - 2), 2 * abs(1 - 18 * lr) ** 10, rel_tol=1e-3)
assert abs(runs[0.12][-1] - 2) > 2 > abs(runs[0.1][-1] - 2)  # just over 1/9 diverges; under does not

# %% [markdown]
# At lr = 1 the distance grows 17-fold per step, and at 0.12, just over 1/9, it still grows
# (by 1.16). At 0.1 each step flips w to the other side but closes in; at 0.05 every step
# removes 90% of the distance; at 0.01 the steps are safe but slow. A real model has many
# weights and a loss that bends differently in each direction, so nobody computes the best
# lr: one tries a few and watches the loss.
#
# ## Step 8: a training loop, bare
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


def train(steps, lr, reset_grads=True):
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
path, losses = train(steps=80, lr=0.2)
print(f"with grads reset: loss {losses[0]:.3f} -> {losses[-1]:.6f}; "
      f"w = {path[-1][0]:.3f}, b = {path[-1][1]:.3f}")
assert losses[-1] < 1e-3
assert all(later <= earlier for earlier, later in zip(losses, losses[1:]))  # never goes up

# %% [markdown]
# ## The altitude map
#
# With two parameters the loss is a landscape over the (w, b) plane, like an altitude map:
# the colour is the height (on a log scale, so that the low ground shows its detail). The
# arrows are −grad at points of a grid, computed by our own engine: they point downhill,
# across the contour lines, and their **length is the slope** there. Where the ground is flat
# the arrows shrink to dots: on the plateaus to the upper left and right, and along the floor
# of the long valley that runs down to the right of the minimum.

# %%
W, B = np.meshgrid(np.linspace(-2.0, 6.0, 200), np.linspace(-2.0, 4.5, 200))
altitude = sum((np.tanh(W * x + B) - y) ** 2 for x, y in zip(xs, ys))
grid_w, grid_b = np.meshgrid(np.linspace(-1.6, 5.6, 13), np.linspace(-1.7, 4.2, 11))
downhill = np.zeros(grid_w.shape + (2,))
for i, j in np.ndindex(grid_w.shape):
    w, b = Value(grid_w[i, j]), Value(grid_b[i, j])
    loss_of(w, b).backward()
    downhill[i, j] = -w.grad, -b.grad
slopes = np.hypot(downhill[..., 0], downhill[..., 1])
# The map is drawn with NumPy; at a grid point it is the same loss our engine computes.
assert math.isclose(loss_of(Value(W[40, 70]), Value(B[40, 70])).data, altitude[40, 70])
print(f"slope |grad| on the grid: from {slopes.min():.1e} to {slopes.max():.1f}")


def draw_altitude_map(ax):
    """The loss as colour, and −grad as arrows whose length is the slope."""
    filled = ax.contourf(W, B, altitude, levels=np.logspace(-3, 1.25, 18), norm=LogNorm(),
                         cmap="viridis", extend="both")
    arrows = ax.quiver(grid_w, grid_b, downhill[..., 0], downhill[..., 1], color="white",
                       edgecolor="black", linewidth=0.5, angles="xy", scale_units="xy",
                       scale=12, width=0.004)
    ax.quiverkey(arrows, 0.02, 1.035, 5, "−grad, drawn to scale: this arrow is |grad| = 5",
                 labelpos="E", coordinates="axes")
    ax.plot(1.5, -0.5, "*", color="gold", markersize=16, markeredgecolor="black",
            label="minimum (1.5, −0.5)")
    ax.set(xlim=(-2, 6), ylim=(-2, 4.5))
    label_axes(ax, "weight w", "bias b")
    return filled


def draw_run(ax, lr, style, colour):
    """Gradient descent with this learning rate, 80 steps from (w, b) = (−1, 1.5)."""
    path, losses = train(steps=80, lr=lr)
    ax.plot(*zip(*path), style, color=colour, markersize=3,
            label=f"lr = {lr:g}: loss {losses[-1]:.2g} after 80 steps")
    return path, losses


fig, ax = plt.subplots(figsize=(7.5, 6.0))
fig.colorbar(draw_altitude_map(ax), ax=ax, label="loss L(w, b), log scale")
runs = {lr: draw_run(ax, lr, style, colour)
        for lr, style, colour in [(0.05, "o-", "#E69F00"), (0.2, "s-", "#D55E00"),
                                  (1.0, "^-", "#CC79A7")]}
ax.plot(-1.0, 1.5, "s", color="black", markersize=8, label="start (w, b) = (−1, 1.5)")
ax.set_title("Loss of tanh(w·x + b) on four points", pad=26)  # room for the arrow key
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, frameon=False)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Read the arrows: long on the steep wall to the left, dots on the valley floor. That is why
# the run at lr = 0.05 (orange) slows to a crawl once it reaches the valley: its steps are lr
# times a slope that is nearly 0 there. At lr = 0.2 (red) it gets down to the minimum. At
# lr = 1 (purple) the first step is so long that it jumps clean over the valley onto the flat
# plateau on the far side; there the slope is so small that it never finds its way back.

# %%
# The valley floor: for each w from 2 to 5, the b of lowest loss (searched finely), and the
# slope there.
fine_b = np.linspace(-2.5, 1.0, 35_001)
floor_slopes = []
for w_value in np.linspace(2.0, 5.0, 7):
    column = sum((np.tanh(w_value * x + fine_b) - y) ** 2 for x, y in zip(xs, ys))
    w, b = Value(w_value), Value(fine_b[np.argmin(column)])
    loss_of(w, b).backward()
    floor_slopes.append(math.hypot(w.grad, b.grad))
print(f"along the valley floor, w from 2 to 5: |grad| at most {max(floor_slopes):.3f}; "
      f"on the wall to the left up to {slopes.max():.1f}")
(path_slow, losses_slow), (path_good, losses_good), (path_far, losses_far) = runs.values()
print(f"lr = 1: first step to (w, b) = ({path_far[1][0]:.2f}, {path_far[1][1]:.2f}), "
      f"then to ({path_far[-1][0]:.2f}, {path_far[-1][1]:.2f}) with loss {losses_far[-1]:.3f}")
assert max(floor_slopes) < 0.05 and slopes.max() > 5
assert losses_good[-1] < 1e-3 < losses_slow[-1] < 0.01  # lr = 0.2 arrives; 0.05 crawls
assert path_far[2][0] > 3 and losses_far[-1] > 0.5  # lr = 1 jumps the valley and stays out

# %% [markdown]
# Try it: the slider under the picture sets the learning rate and redraws the run. Somewhere
# between 0.2 and 1 the first step starts to clear the valley. (The cell after it checks four
# settings without a live kernel.)

# %%
def show_run(lr):
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    fig.colorbar(draw_altitude_map(ax), ax=ax, label="loss L(w, b), log scale")
    path, losses = draw_run(ax, lr, "o-", "#D55E00")
    (w_end, b_end) = path[-1]
    ax.set_title(f"lr = {lr:.3g}: loss {losses[0]:.3g} → {losses[-1]:.3g} in 80 steps, "
                 f"ending at ({w_end:.3g}, {b_end:.3g})", pad=26)
    ax.legend(loc="lower left")
    return fig


if widgets is not None:
    slider_figure(show_run, widgets.FloatLogSlider(value=0.2, base=10, min=-2, max=0.5,
                                                   step=0.05, description="lr"))

# %%
settings = {lr: train(steps=80, lr=lr) for lr in [0.01, 0.2, 1.0, 3.0]}
for lr, (path, losses) in settings.items():
    print(f"lr = {lr:4g}: loss {losses[0]:.3g} -> {losses[-1]:.3g}, "
          f"ends at (w, b) = ({path[-1][0]:.2f}, {path[-1][1]:.2f})")
assert settings[0.01][1][-1] > 0.5  # too small: after 80 steps still on the way down
assert settings[0.2][1][-1] < 1e-3  # about right: at the minimum
for lr in (1.0, 3.0):  # too large: thrown over the valley, stranded on the plateau
    path, losses = settings[lr]
    assert losses[-1] > 0.5 and path[-1][0] > 3
for lr in (0.01, 3.0):  # what the slider draws keeps the house style
    slid = show_run(lr)
    assert style_problems(slid) == [], style_problems(slid)
    plt.close(slid)

# %% [markdown]
# ## Step 9: the same numbers as the package
#
# Our small engine and `micrograd_notes.Value` should agree on any expression both can build.
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
# The package's engine is organised differently inside (a later notebook says how and why),
# but it computes the same numbers by the same rules.
#
# **Answer:** a value that records its parents, a local-derivative rule per operation that
# *adds* `local_diff · up_diff` into each parent, and a walk of the graph in reverse
# topological order: that is all of backpropagation. Training adds two things: a step size
# (the learning rate), because the gradient gives a direction and a steepness but not a
# distance, and a reset of the parameters' grads before each backward pass.
#
# ## Exercises
#
# Replace the `...` with your answer and run the cell under it: it says whether the answer is
# right and, if not, which mistake it looks like.
#
# ### Exercise: a neuron's gradient, by hand
#
# Write `neuron_grads(xs, ws, b, y)` for a neuron with any number of inputs,
# o = tanh(ws[0]·xs[0] + … + ws[n−1]·xs[n−1] + b), and the loss L = (o − y)²: return
# `(dws, db)`, the list of ∂L/∂ws[i] and the number ∂L/∂b. Work it out with the rules of
# steps 2 and 6, using plain floats and `math.tanh` (no `Value`); the checker compares with
# the package's `backward()` on neurons of several sizes.

# %%
from micrograd_notes.exercises import exercise  # noqa: E402


def neuron_grads(xs, ws, b, y):
    """For L = (o - y)**2 with o = tanh(ws[0]*xs[0] + ... + ws[n-1]*xs[n-1] + b):
    return (dws, db), where dws[i] = dL/dws[i] (a list, one per weight) and db = dL/db.
    Plain floats and math.tanh: no Value."""
    ...

# %%
exercise("neuron_grads").check(neuron_grads);

# %% [markdown]
# ### Exercise: one step down the chain
#
# c = a · b with a = 3 and b = −2, and the gradient arriving at c from above is dL/dc = 4.
# What is dL/da?

# %%
mul_down_diff = ...

# %%
exercise("mul_down_diff").check(mul_down_diff);

# %% [markdown]
# ### Exercise: three passes, no reset
#
# Keep w and b fixed. Three times, build the tanh model's loss afresh and call `backward()` on
# it, never resetting grads. `w.grad` is now how many times dL/dw?

# %%
passes_without_reset = ...

# %%
exercise("passes_without_reset").check(passes_without_reset);

# %% [markdown]
# ### Exercise: a step that lands
#
# One weight again, now with x = 2 and target 3: L(w) = (2w − 3)². Which learning rate makes
# the very first step land exactly on the minimum, wherever w starts?

# %%
step_that_lands = ...

# %%
exercise("step_that_lands").check(step_that_lands);
