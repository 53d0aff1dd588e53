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
# # 7. The backward pass is a network too
#
# **Question:** what does the backward pass of a network look like, and why does it cost no
# more than the forward pass?
#
# Split the gradient of a weight in two. For a unit with pre-activation
# z = w_1·a_1 + w_2·a_2 + b and output a = σ(z):
#
# > ∂C/∂w_i = ∂z/∂w_i · ∂C/∂z = a_i · δ,  where δ = ∂C/∂z
#
# The first factor is the input a_i on that weight, already known from the forward pass. The
# second, δ, is what the backward pass has to find for every unit. We will see that the δ's are
# computed by a second network, the forward one with its arrows reversed, and that this
# reversed network is *linear*. Then we count the work, instead of timing it.

# %%
import math

import numpy as np

from micrograd_notes import Value, edges, topological_order
from micrograd_notes.exercises import Exercise
from micrograd_notes.extras import require
from micrograd_notes.gradcheck import local_diffs
from micrograd_notes.nn import MLP

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it

# %% [markdown]
# ## A small network, forward
#
# Two inputs, three sigmoid units, two sigmoid outputs, and the loss C = ½ Σ (o_k − y_k)². We
# run it layer by layer so we can hold on to every z (pre-activation) and a (output).

# %%
model = MLP(2, [3, 2], activation="sigmoid", last="sigmoid", seed=3)
x = [Value(0.6, "x1"), Value(-0.4, "x2")]
y = [1.0, 0.0]

hidden = model.layers[0](x)
outputs = model.layers[1](hidden)
loss = 0.5 * Value.sum((o - t) ** 2 for o, t in zip(outputs, y))
loss.backward()

z_hidden = [a.parents[0] for a in hidden]  # each unit's output is sigmoid(z): its parent is z
z_out = [o.parents[0] for o in outputs]
W1 = np.array([[w.data for w in n.w] for n in model.layers[0].neurons])  # 3 x 2
W2 = np.array([[w.data for w in n.w] for n in model.layers[1].neurons])  # 2 x 3
a_in = np.array([v.data for v in x])
a_hidden = np.array([a.data for a in hidden])
a_out = np.array([o.data for o in outputs])
print("hidden z:", np.round([z.data for z in z_hidden], 3), " a:", np.round(a_hidden, 3))
print("output z:", np.round([z.data for z in z_out], 3), " o:", np.round(a_out, 3))
print(f"loss C = {loss.data:.4f}")

# %% [markdown]
# ## Running it backwards
#
# At an output unit, o = σ(z) and ∂C/∂o = o − y, so δ = σ'(z) · (o − y), with
# σ'(z) = σ(z)(1 − σ(z)).
#
# At a hidden unit, a reaches the loss through every output unit it feeds: a nudge in a moves
# each next z_j by w_ji times as much. The two paths add, and then the unit's own slope
# multiplies:
#
# > δ_i = σ'(z_i) · Σ_j w_ji · δ_j
#
# Read that as a unit of a network: its inputs are the δ_j of the layer *above*, its weights
# are the same w_ji (W transposed, since the index that was "to" is now "from"), and instead
# of a squashing function it multiplies by a fixed number, its gain σ'(z_i), which the forward
# pass has already fixed. No σ, no threshold: every unit of this reversed network is linear.
# Here are both networks, drawn in the same places.


# %%
def sigmoid_slope(a):
    """σ'(z), from the unit's output a = σ(z)."""
    return a * (1 - a)


gain_hidden, gain_out = sigmoid_slope(a_hidden), sigmoid_slope(a_out)
delta_out = gain_out * (a_out - np.array(y))
delta_hidden = gain_hidden * (W2.T @ delta_out)
delta_in = W1.T @ delta_hidden  # the inputs have no activation: gain 1

columns = {"in": 0.0, "hidden": 1.0, "out": 2.0}
rows = {2: [0.7, -0.7], 3: [1.2, 0.0, -1.2]}


def place(layer, count):
    return [(columns[layer], r) for r in rows[count]]


def draw_layer_edges(ax, src, dst, W, reverse):
    """One arrow per weight W[j, i] from src[i] to dst[j] (or back), labelled with its value."""
    for j, (x1, y1) in enumerate(dst):
        for i, (x0, y0) in enumerate(src):
            start, end = ((x1, y1), (x0, y0)) if reverse else ((x0, y0), (x1, y1))
            ax.annotate("", xy=end, xytext=start,
                        arrowprops=dict(arrowstyle="-|>", color="0.55", lw=1,
                                        shrinkA=17, shrinkB=17))
            t = 0.3 + 0.12 * j  # stagger the labels of the edges into one unit
            lx, ly = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            ax.text(lx, ly, f"{W[j, i]:+.2f}", fontsize=7, ha="center", va="center",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))


fig, (left, right) = plt.subplots(1, 2, figsize=(14, 6.6))
p_in, p_hidden, p_out = place("in", 2), place("hidden", 3), place("out", 2)

# Forward: circles compute a = σ(w·a + b).
draw_layer_edges(left, p_in, p_hidden, W1, reverse=False)
draw_layer_edges(left, p_hidden, p_out, W2, reverse=False)
for (px, py), text in [
    *zip(p_in, [f"x{i + 1}\n{v:+.2f}" for i, v in enumerate(a_in)]),
    *zip(p_hidden, [f"σ\nz={z.data:+.2f}\na={a:.2f}" for z, a in zip(z_hidden, a_hidden)]),
    *zip(p_out, [f"σ\nz={z.data:+.2f}\no={a:.2f}" for z, a in zip(z_out, a_out)]),
]:
    left.add_patch(plt.Circle((px, py), 0.2, fc="#cfe3f7", ec="#2c6aa0", lw=1.5))
    left.text(px, py, text, ha="center", va="center", fontsize=7.5)
for (px, py), target in zip(p_out, y):
    left.annotate(f"C ← (o − {target:g})²/2", xy=(px + 0.22, py), xytext=(px + 0.55, py),
                  fontsize=8, va="center", arrowprops=dict(arrowstyle="<-", color="0.4"))
left.set_title("forward: a = σ(W·a + b), weights W on the edges")

# Backward: the same places, arrows reversed, each unit a linear amplifier with gain σ'(z).
draw_layer_edges(right, p_hidden, p_out, W2, reverse=True)
draw_layer_edges(right, p_in, p_hidden, W1, reverse=True)
for (px, py), gain, delta in [*zip(p_hidden, gain_hidden, delta_hidden),
                              *zip(p_out, gain_out, delta_out)]:
    right.add_patch(plt.Polygon([(px + 0.2, py + 0.2), (px + 0.2, py - 0.2), (px - 0.2, py)],
                                fc="#fde2c8", ec="#c0661c", lw=1.5))
    right.text(px + 0.06, py + 0.3, f"× σ'(z) = {gain:.3f}", ha="center", fontsize=7.5)
    right.text(px + 0.06, py - 0.34, f"δ = {delta:+.4f}", ha="center", fontsize=7.5,
               color="#8a3c00")
for (px, py), d in zip(p_in, delta_in):
    right.add_patch(plt.Circle((px, py), 0.17, fc="white", ec="0.3"))
    right.text(px, py, f"∂C/∂x\n{d:+.3f}", ha="center", va="center", fontsize=7)
for (px, py), seed in zip(p_out, a_out - np.array(y)):
    right.annotate(f"seed ∂C/∂o = {seed:+.3f}", xy=(px + 0.22, py), xytext=(px + 0.55, py),
                   fontsize=8, va="center", arrowprops=dict(arrowstyle="->", color="0.4"))
right.set_title("backward: the same weights (Wᵀ), each unit × σ'(z); δ flows right to left")

for ax in (left, right):
    ax.set(xlim=(-0.45, 3.0), ylim=(-1.75, 2.1), aspect="equal")
    ax.set_xticks([0, 1, 2], ["inputs", "hidden layer", "output layer"])
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
left.plot([], [], "o", mfc="#cfe3f7", mec="#2c6aa0", ms=10, label="unit: σ of its weighted sum")
right.plot([], [], "<", mfc="#fde2c8", mec="#c0661c", ms=10,
           label="unit: weighted sum × σ'(z), linear")
left.legend(loc="upper center", fontsize=8)
right.legend(loc="upper center", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The engine computes exactly that
#
# `backward()` keeps every node's grad, so each z node now holds its δ = ∂C/∂z. The output
# units, then one reversed layer, δ_hidden = diag(σ'(z)) · W2ᵀ · δ_out, written as a matrix
# product:

# %%
engine_delta_out = np.array([z.grad for z in z_out])
engine_delta_hidden = np.array([z.grad for z in z_hidden])
reversed_layer = np.diag(gain_hidden) @ W2.T  # 3 x 2: the whole reversed layer as one matrix
print("δ_out   engine:", engine_delta_out, "\n        by hand:", delta_out)
print("δ_hidden engine:", engine_delta_hidden, "\n        diag(σ'(z))·W2ᵀ·δ_out:",
      reversed_layer @ delta_out)
assert np.allclose(engine_delta_out, delta_out, rtol=1e-12, atol=0)
assert np.allclose(engine_delta_hidden, reversed_layer @ delta_out, rtol=1e-12, atol=0)
assert np.allclose([v.grad for v in x], delta_in, rtol=1e-12, atol=0)

# %% [markdown]
# And the split we started from: each weight's gradient is the input on its edge (from the
# forward pass) times the δ of the unit it feeds (from the backward pass). For a whole layer
# that is an outer product, dW = δ · aᵀ, and db = δ.

# %%
dW2 = np.array([[w.grad for w in n.w] for n in model.layers[1].neurons])
dW1 = np.array([[w.grad for w in n.w] for n in model.layers[0].neurons])
assert np.allclose(dW2, np.outer(delta_out, a_hidden), rtol=1e-12, atol=0)
assert np.allclose(dW1, np.outer(delta_hidden, a_in), rtol=1e-12, atol=0)
assert np.allclose([n.b.grad for n in model.layers[1].neurons], delta_out, rtol=1e-12, atol=0)
print("dW2 = δ_out · a_hiddenᵀ =\n", np.round(dW2, 5))

# %% [markdown]
# ## The reversed network is linear in its seed
#
# What goes *into* the reversed network is the seed, ∂C/∂o at the outputs. Its weights and
# gains were all fixed by the forward pass; the seed only flows through them, multiplied and
# added. So the reversed network is a linear map: twice the seed gives twice every gradient,
# and the gradients for a sum of two seeds are the sums of their gradients.
#
# To feed it any seed s we take the backward pass of S = Σ s_k · o_k, whose gradient at o_k is
# exactly s_k. Seeding it with o − y must give the gradients of the loss itself.

# %%
leaves_of_interest = [*model.parameters(), *x]


def grads_for_seed(seed):
    """Every parameter's and input's gradient when the backward pass is seeded with `seed`."""
    for leaf in leaves_of_interest:
        leaf.grad = 0.0  # leaves add up across backward passes: start each from zero
    Value.sum(s * o for s, o in zip(seed, outputs)).backward()
    return np.array([leaf.grad for leaf in leaves_of_interest])


loss_grads = grads_for_seed(a_out - np.array(y))
for leaf in leaves_of_interest:
    leaf.grad = 0.0
loss.backward()
assert np.allclose(loss_grads, [leaf.grad for leaf in leaves_of_interest], rtol=1e-12, atol=0)

s, t = np.array([0.3, -1.1]), np.array([-0.8, 0.25])
assert np.allclose(grads_for_seed(2 * s), 2 * grads_for_seed(s), rtol=1e-12, atol=0)
assert np.allclose(grads_for_seed(s + t), grads_for_seed(s) + grads_for_seed(t), rtol=1e-12,
                   atol=1e-15)
print(f"{len(leaves_of_interest)} gradients: twice the seed gives twice each, and seeds add")

# %% [markdown]
# The forward network is not linear: doubling its input does not double its output.

# %%
doubled = model([2 * v.data for v in x])
assert not np.allclose([o.data for o in doubled], 2 * a_out)

# %% [markdown]
# ## Counting the work
#
# Seed 002's claim: going backwards from the output costs about as much as one forward pass,
# however many parameters there are. We count gate evaluations (each `+`, `*`, `tanh`, ...
# computed once), which are exact and the same on every machine, for four ways to get all
# the gradients of a loss:
#
# - **backward**: one forward pass, then one backward pass that runs each gate's rule once;
# - **forward mode**: dual numbers carry a value and its derivative along one direction, so
#   each pass gives the derivative for one parameter: one pass per parameter;
# - **finite differences**: nudge one parameter up, then down: two passes per parameter.
#
# The models: 2 inputs, two tanh layers of width h, one linear output, built from primitive
# gates (`fused=False`) so that every `*` and `+` is a gate of its own. One function runs a
# model on any kind of number, given its parameters as a flat list in the model's order.


# %%
def squared_error(theta, sizes, x, target):
    """(mlp(x) - target)², the network written out gate by gate, for any kind of number."""
    values, k = list(x), 0
    for layer, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        last = layer == len(sizes) - 2
        outs = []
        for _ in range(nout):
            w, b = theta[k : k + nin], theta[k + nin]
            k += nin + 1
            z = w[0] * values[0]
            for wi, vi in zip(w[1:], values[1:]):
                z = z + wi * vi
            z = z + b
            outs.append(z if last else z.tanh())
        values = outs
    return (values[0] - target) ** 2


class Dual:
    """A number a + b·ε with ε² = 0: `val` is a, `tan` is the derivative carried along."""

    gate_evaluations = 0  # counted across all dual numbers, like the engine's nodes

    def __init__(self, val, tan=0.0):
        self.val, self.tan = val, tan

    def _made(self, val, tan):
        Dual.gate_evaluations += 1
        return Dual(val, tan)

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return self._made(self.val + other.val, self.tan + other.tan)

    def __sub__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return self._made(self.val - other.val, self.tan - other.tan)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return self._made(self.val * other.val, self.tan * other.val + self.val * other.tan)

    def __pow__(self, k):
        return self._made(self.val**k, k * self.val ** (k - 1) * self.tan)

    def tanh(self):
        t = math.tanh(self.val)
        return self._made(t, (1 - t * t) * self.tan)


def gates(root):
    """Gate evaluations of the forward pass that built root: one per node made by a gate."""
    return len(topological_order(root, leaves=False))


def backward_counting(root):
    """The engine's backward pass written out, counting the gate rules it runs."""
    inner = topological_order(root, leaves=False)
    for node in inner:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(inner):
        node.gate.backward(node)
    return len(inner)


# %% [markdown]
# First, for one model, every method gives the same gradient. (And `squared_error` on Values
# builds the same loss as the package's `MLP(..., fused=False)`.)

# %%
x_in, target = [0.5, -1.2], 0.3


def setup(width):
    model = MLP(2, [width, width, 1], activation="tanh", fused=False, seed=1)
    sizes = [2, width, width, 1]
    return model, sizes, [p.data for p in model.parameters()]


def all_four(width):
    """Each method's gradient and its count of gate evaluations, for one model width."""
    model, sizes, theta = setup(width)
    params = [Value(v) for v in theta]
    root = squared_error(params, sizes, x_in, target)
    forward = gates(root)
    backward = backward_counting(root)
    reverse_grad = np.array([p.grad for p in params])

    forward_mode_grad = []
    Dual.gate_evaluations = 0
    for i in range(len(theta)):  # one pass per parameter: tangent 1 on that one, 0 elsewhere
        duals = [Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate(theta)]
        forward_mode_grad.append(squared_error(duals, sizes, x_in, target).tan)
    forward_mode = Dual.gate_evaluations

    finite_grad, finite = [], 0
    h = 1e-6
    for i in range(len(theta)):  # two passes per parameter
        ends = []
        for step in (+h, -h):
            nudged = [Value(v + (step if j == i else 0.0)) for j, v in enumerate(theta)]
            end = squared_error(nudged, sizes, x_in, target)
            finite += gates(end)
            ends.append(end.data)
        finite_grad.append((ends[0] - ends[1]) / (2 * h))
    return {
        "model": model, "root": root, "parameters": len(theta), "forward": forward,
        "backward": backward, "forward mode": forward_mode, "finite differences": finite,
        "grads": (reverse_grad, np.array(forward_mode_grad), np.array(finite_grad)),
    }


r = all_four(3)
reverse_grad, forward_mode_grad, finite_grad = r["grads"]
assert np.allclose(forward_mode_grad, reverse_grad, rtol=1e-12, atol=1e-15)
assert np.allclose(finite_grad, reverse_grad, rtol=1e-5, atol=1e-8)

package_loss = (r["model"](x_in) - target) ** 2
package_loss.backward()
assert math.isclose(package_loss.data, r["root"].data, rel_tol=1e-12)
assert np.allclose([p.grad for p in r["model"].parameters()], reverse_grad, rtol=1e-12)
assert gates(package_loss) == r["forward"]
print(f"{r['parameters']} parameters: the three methods agree; gate evaluations:",
      {k: r[k] for k in ("forward", "backward", "forward mode", "finite differences")})

# %% [markdown]
# Now the counts, as the models grow.

# %%
widths = [1, 2, 3, 4, 6, 8, 11]
runs = [all_four(w) for w in widths]
methods = ["forward", "backward", "forward mode", "finite differences"]
print(f"{'parameters':>10}" + "".join(f"{m:>20}" for m in methods))
for r in runs:
    print(f"{r['parameters']:>10}" + "".join(f"{r[m]:>20,}" for m in methods))

P = np.array([r["parameters"] for r in runs])
count = {m: np.array([r[m] for r in runs]) for m in methods}
fig, ax = plt.subplots(figsize=(7, 4.5))
styles = {"forward": dict(marker="o", ms=10, mfc="none", lw=3, alpha=0.6),
          "backward": dict(marker="s", ms=4, ls="--"),
          "forward mode": dict(marker="^"), "finite differences": dict(marker="v")}
labels = {
    "forward": "one forward pass",
    "backward": "one backward pass (all gradients)",
    "forward mode": "forward mode: one dual pass per parameter",
    "finite differences": "finite differences: two passes per parameter",
}
for m in methods:
    ax.plot(P, count[m], label=labels[m], **styles[m])
ax.set(xscale="log", yscale="log", xlabel="number of parameters",
       ylabel="gate evaluations", title="Work to get every gradient of one loss")
ax.grid(True, which="major", alpha=0.3)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The backward pass runs each gate's rule once: exactly as many gate evaluations as the forward
# pass, at every size. Inside, a rule does about one multiply-add for each input of its gate,
# so the backward pass's arithmetic follows the number of edges, and with at most two inputs
# per gate here that is at most twice the number of gates: a constant factor, whatever the
# size. The other two
# pay one whole forward pass (or two) per parameter, so their cost over the forward pass's is
# the parameter count itself.

# %%
assert np.all(count["backward"] <= 1 * count["forward"])
for r in runs:
    assert len(edges(r["root"])) <= 2 * r["forward"]  # backward's multiply-adds: one per edge
assert np.array_equal(count["forward mode"], P * count["forward"])
assert np.array_equal(count["finite differences"], 2 * P * count["forward"])
for m in ("forward mode", "finite differences"):
    assert np.all(np.diff(count[m] / count["backward"]) > 0)  # the gap widens with size
biggest = runs[-1]
print(f"{biggest['parameters']} parameters: forward mode costs "
      f"{biggest['forward mode'] / biggest['backward']:.0f}x the backward pass, finite "
      f"differences {biggest['finite differences'] / biggest['backward']:.0f}x")

# %% [markdown]
# ## Why not just sum over paths?
#
# The chain rule, done naively, says: a parameter's gradient is a sum over every path from it
# to the loss, of the product of the local derivatives along the path. That is correct, but
# the paths multiply: in a chain of fully connected layers of width 3 there are 3 ways through
# each layer. The backward pass never lists paths; each node adds up what arrives from the
# nodes above it, once, so its work follows the number of edges.
#
# Counting paths is itself a backward pass, with every local derivative set to 1: the number
# of paths from a node to the output is the sum of those of the nodes it feeds.


# %%
def paths_to_output(root):
    """For every node, how many paths lead from it to root (a backward pass with all 1s)."""
    paths = {root: 1}
    for node in reversed(topological_order(root)):
        for parent in node.parents:
            paths[parent] = paths.get(parent, 0) + paths[node]
    return paths


def sum_over_paths(root, source):
    """d root / d source as a sum over all paths, one product per path; and its multiplications."""
    local = {}
    total, multiplications = 0.0, 0
    stack = [(root, 1.0)]
    while stack:
        node, product = stack.pop()
        if node is source:
            total += product
            continue
        if node.is_leaf:
            continue
        if node not in local:  # each node's local derivatives computed once, to be fair
            local[node] = local_diffs(node.gate, [p.data for p in node.parents])
        for parent, d in zip(node.parents, local[node]):
            stack.append((parent, product * d))
            multiplications += 1
    return total, multiplications


depths = list(range(1, 13))
path_counts, edge_counts, naive_work = [], [], []
for depth in depths:
    net = MLP(1, [3] * depth + [1], activation="tanh", seed=2)
    source = Value(0.4, "x")
    out = net([source])
    path_counts.append(paths_to_output(out)[source])
    edge_counts.append(len(edges(out)))
    if depth <= 6:
        out.backward()
        by_paths, work = sum_over_paths(out, source)
        assert math.isclose(by_paths, source.grad, rel_tol=1e-9)
        naive_work.append(work)
print("depth   paths from x   edges in the graph")
for depth, paths, n_edges in zip(depths, path_counts, edge_counts):
    print(f"{depth:>5} {paths:>14,} {n_edges:>20,}")

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(depths, path_counts, "o-", label="paths from the input to the output")
ax.plot(depths[: len(naive_work)], naive_work, "x:",
        label="multiplications when summing over paths (run to depth 6)")
ax.plot(depths, edge_counts, "s-", label="edges: one multiply-add each in the backward pass")
ax.set(yscale="log", xlabel="hidden layers of width 3", ylabel="count",
       title="Summing over paths explodes; backprop follows the edges")
ax.grid(True, which="major", alpha=0.3)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Each extra layer multiplies the paths by 3 and adds the same number of edges.

# %%
assert all(b == 3 * a for a, b in zip(path_counts, path_counts[1:]))
assert len(set(np.diff(edge_counts))) == 1  # a constant step: linear in depth
assert all(w > p for w, p in zip(naive_work, path_counts))  # at least one product per path
assert path_counts[-1] > 100 * edge_counts[-1]

# %% [markdown]
# **Answer:** the backward pass is the forward network run in reverse with its weights
# transposed and each unit turned into a linear amplifier of gain σ'(z); it is linear in its
# seed. It visits each gate once, so it costs about one forward pass whatever the size, while
# forward mode and finite differences pay a pass per parameter, and summing over paths pays
# per path, which multiplies with depth.
#
# ## Exercises
#
# Predict, then check. Replace each `...` and run the cell.

# %%
hidden_delta = Exercise.number(
    "A sigmoid unit has z = 0 and feeds two units whose δ are 0.4 and -0.2, through weights "
    "1.5 and 2.0. What is its own δ = ∂C/∂z?",
    0.05,
    hint="δ = σ'(z) · Σ w·δ, and σ'(0) = 1/4",
)
paths_width_4 = Exercise.number(
    "One input, five fully connected hidden layers of width 4, one output: how many paths lead "
    "from the input to the output?",
    4**5,
    hint="each layer multiplies the number of ways through",
)
finite_passes = Exercise.number(
    "A model has 1,000 parameters. How many forward passes do central finite differences take "
    "for one full gradient?",
    2000,
    hint="each parameter is nudged up and down",
)

# %%
answer = ...  # δ of the unit
hidden_delta.check(answer);

# %%
answer = ...  # number of paths
paths_width_4.check(answer);

# %%
answer = ...  # forward passes
finite_passes.check(answer);

# %% [markdown]
# ## Answers
#
# Each right answer is computed here, by the engine or by counting, and each checker is shown
# to turn down a wrong one.

# %%
z = Value(0.0, "z")
a = z.sigmoid()
(0.4 * (1.5 * a) + (-0.2) * (2.0 * a)).backward()  # the two units above, seeded with their δ
assert hidden_delta.accepts(z.grad) and not hidden_delta.accepts(0.2)  # 0.2 forgets σ'

source = Value(1.0)
out = MLP(1, [4] * 5 + [1], activation="tanh")([source])
assert paths_width_4.accepts(paths_to_output(out)[source])
assert not paths_width_4.accepts(4 * 5)

passes = 0


def counted_loss(theta):
    """Any function of 1,000 parameters, counting how often it is run."""
    global passes
    passes += 1
    return sum(t * t for t in theta)


theta = [0.01 * i for i in range(1000)]
for i in range(len(theta)):
    up, down = list(theta), list(theta)
    up[i] += 1e-6
    down[i] -= 1e-6
    slope = (counted_loss(up) - counted_loss(down)) / 2e-6
    assert math.isclose(slope, 2 * theta[i], abs_tol=1e-4)
assert finite_passes.accepts(passes) and not finite_passes.accepts(len(theta))
