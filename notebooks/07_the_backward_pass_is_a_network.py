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
# **Question:** what does the backward pass of a network look like, what does it cost, in
# arithmetic and in memory, and how does it relate to carrying derivatives forward instead?
#
# Notebook 06 ended with the δ recursion. Written with each sample as a column (06's "Rows or
# columns"), for a unit with pre-activation z = w_1·a_1 + w_2·a_2 + b and output a = σ(z):
#
# > ∂C/∂w_i = ∂z/∂w_i · ∂C/∂z = a_i · δ,  where δ = ∂C/∂z
# >
# > δ_k = σ′(z_k) ⊙ (W_(k+1)ᵀ · δ_(k+1))
#
# The first factor of ∂C/∂w_i is the input a_i on that weight, known from the forward pass.
# The second, δ, is what the backward pass finds for every unit. Here we draw the recursion as
# a network of its own, the forward one with its arrows reversed, and see that this reversed
# network is **linear**: it multiplies by the Jacobian without ever building it. It has a
# mirror image, forward mode, which pushes derivatives the other way. Then we count the work
# of each in multiply-adds, and say what the backward pass keeps in memory.

# %%
import math
import tracemalloc

from micrograd_notes.figures import label_axes, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon

from micrograd_notes import Value, edges, topological_order
from micrograd_notes.exercises import exercise
from micrograd_notes.gradcheck import local_diffs
from micrograd_notes.nn import MLP

# %% [markdown]
# ## A small network, forward
#
# Two inputs, three sigmoid units, two sigmoid outputs. The loss is the squared error with a
# half in front, C = ½ Σ_k (o_k − y_k)², so that ∂C/∂o_k = o_k − y_k exactly: the ½ cancels
# the 2 the square brings down (the factor whose absence was 06's first common mistake). We run
# the network layer by layer to hold on to every z (pre-activation) and a (output).

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
# At an output unit, o = σ(z) and ∂C/∂o = o − y, so δ = σ′(z) · (o − y), with
# σ′(z) = σ(z)(1 − σ(z)).
#
# At a hidden unit, a reaches the loss through every output unit it feeds: a nudge in a moves
# each next z_j by w_ji times as much. The paths add, and then the unit's own slope multiplies:
#
# > δ_i = σ′(z_i) · Σ_j w_ji · δ_j
#
# Read that as a unit of a network: its inputs are the δ_j of the layer *above*, its weights
# are the same w_ji (W transposed: the index that was "to" is now "from"), and instead of a
# squashing function it multiplies by a fixed number, its **gain** σ′(z_i), which the forward
# pass has already fixed. No σ, no threshold: every unit of this reversed network is linear,
# an amplifier. Both networks, drawn in the same places:

# %%
def sigmoid_slope(a):
    """σ′(z), from the unit's output a = σ(z)."""
    return a * (1 - a)


gain_hidden, gain_out = sigmoid_slope(a_hidden), sigmoid_slope(a_out)
seed = a_out - np.array(y)  # ∂C/∂o, what the loss sends into the reversed network
delta_out = gain_out * seed
delta_hidden = gain_hidden * (W2.T @ delta_out)
delta_in = W1.T @ delta_hidden  # the inputs have no activation: gain 1

# %% [markdown]
# The drawing code places each weight on its own arrow where it touches no other arrow, label
# or unit, and checks that every arrowhead ends outside the shape it points at.

# %%
def edge_point(shape, toward, gap=0.07):
    """Where an arrow to or from `shape` meets it: a box is left along the line to `toward`;
    an amplifier (a triangle pointing left) sends from its tip and takes in on its flat side."""
    kind, (cx, cy), (hw, hh) = shape
    tx, ty = toward
    if kind == "amp":
        if tx < cx:  # leaving: from the tip
            return np.array([cx - hw - gap, cy])
        side = cx + hw + gap  # arriving: on the flat side, spread by where it comes from
        return np.array([side, cy + np.clip((ty - cy) * 0.25, -0.55 * hh, 0.55 * hh)])
    dx, dy = tx - cx, ty - cy
    s = min(hw / abs(dx) if dx else np.inf, hh / abs(dy) if dy else np.inf)
    length = math.hypot(dx, dy)
    return np.array([cx + s * dx + gap * dx / length, cy + s * dy + gap * dy / length])


def arrow(ax, source, target, colour="0.4"):
    """An arrow from shape to shape, head and tail outside both; returns its two ends."""
    p = edge_point(source, target[1])
    q = edge_point(target, source[1])
    ax.add_patch(FancyArrowPatch(p, q, arrowstyle="-|>", mutation_scale=13, shrinkA=0,
                                 shrinkB=0, lw=1.1, color=colour))
    return p, q


def unit(ax, kind, centre, size, text, face, edge):
    """A box (forward) or an amplifier triangle (backward) with its text inside."""
    (cx, cy), (w, h) = centre, size
    if kind == "amp":
        patch = Polygon([(cx - w / 2, cy), (cx + w / 2, cy + h / 2), (cx + w / 2, cy - h / 2)],
                        fc=face, ec=edge, lw=1.4)
        ax.text(cx + 0.17 * w, cy, text, ha="center", va="center", fontsize=9)
    else:
        patch = FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, fc=face, ec=edge, lw=1.2,
                               boxstyle="round,pad=0,rounding_size=0.1")
        ax.text(cx, cy, text, ha="center", va="center", fontsize=9)
    ax.add_patch(patch)
    return kind, (cx, cy), (w / 2, h / 2)


def layout_problems(fig, ax, segments, labels, shapes, fixed,
                    fractions=(0.25, 0.75, 0.35, 0.65, 0.5, 0.18, 0.82), clearance=6):
    """Place each label on its segment clear of every other segment, label, shape and fixed
    text; then check that no segment crosses a fixed text and no arrowhead ends inside a shape.
    Returns the problems found (an empty list when the drawing is clean)."""
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    ts = np.linspace(0, 1, 300)[:, None]
    dots = np.vstack([to_px(p + ts * (q - p)) for p, q in segments])
    owner = np.repeat(np.arange(len(segments)), len(ts))
    taken = [to_px(np.array([[c[0] - s[0], c[1] - s[1]], [c[0] + s[0], c[1] + s[1]]]))
             for _, c, s in shapes]
    taken = [(lo[0], lo[1], hi[0], hi[1]) for lo, hi in taken]
    fixed_px = [t.get_window_extent(renderer).padded(2) for t in fixed]
    taken += [(e.x0, e.y0, e.x1, e.y1) for e in fixed_px]

    def crossing(e, skip):
        inside = ((dots[:, 0] > e.x0) & (dots[:, 0] < e.x1) & (dots[:, 1] > e.y0)
                  & (dots[:, 1] < e.y1) & (owner != skip))
        return [f"segment {i}" for i in np.unique(owner[inside])]

    problems = []
    for k, text in enumerate(labels):
        if text is None:
            continue
        p, q = segments[k]
        for attempt, f in enumerate(fractions):
            artist = ax.text(*(p + f * (q - p)), text, ha="center", va="center", fontsize=9,
                             zorder=5, bbox=dict(boxstyle="round,pad=0.15", fc="white",
                                                 ec="0.7", lw=0.6))
            e = artist.get_window_extent(renderer).padded(clearance)
            hits = crossing(e, k) + [f"{x0:.0f},{y0:.0f}" for x0, y0, x1, y1 in taken
                                     if e.x0 < x1 and e.x1 > x0 and e.y0 < y1 and e.y1 > y0]
            if not hits or attempt == len(fractions) - 1:
                taken.append((e.x0, e.y0, e.x1, e.y1))
                problems += [f"label {text!r} touches {hit}" for hit in hits]
                break
            artist.remove()
    for i, (text, e) in enumerate(zip(fixed, fixed_px)):
        problems += [f"{text.get_text()!r} is crossed by {hit}" for hit in crossing(e, -1)]
        problems += [f"{text.get_text()!r} overlaps {other.get_text()!r}"
                     for other, f in zip(fixed[i + 1 :], fixed_px[i + 1 :]) if e.overlaps(f)]
    patches = [p for p in ax.patches if not isinstance(p, FancyArrowPatch)]
    for p, q in segments:
        head = ax.transData.transform(q)
        problems += [f"an arrowhead at {q.round(2)} ends inside a unit" for patch in patches
                     if patch.contains_point(head)]
    return problems


def draw_networks(width=8.0):
    """Forward (top) and backward (bottom), the units in the same places."""
    xlim, ylim = (-1.05, 12.55), (-2.75, 3.45)
    panel = width * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])  # equal scales in x and y
    fig = plt.figure(figsize=(width, 2 * panel + 0.25), layout="none")
    top = fig.add_axes((0, (panel + 0.25) / (2 * panel + 0.25), 1, panel / (2 * panel + 0.25)))
    bottom = fig.add_axes((0, 0, 1, panel / (2 * panel + 0.25)))
    columns, loss_x = [0.0, 4.0, 8.0], 11.2
    rows = {2: [1.1, -1.1], 3: [1.95, 0.0, -1.95]}
    problems = []
    for ax, backward in ((top, False), (bottom, True)):
        ax.set(xlim=xlim, ylim=ylim)
        ax.axis("off")
        where = {"in": [(columns[0], r) for r in rows[2]],
                 "hidden": [(columns[1], r) for r in rows[3]],
                 "out": [(columns[2], r) for r in rows[2]]}
        fixed = []
        if not backward:
            ins = [unit(ax, "box", c, (1.35, 0.5), f"x{i + 1} = {v:+.2f}", "#cde6f7", "#2c6aa0")
                   for i, (c, v) in enumerate(zip(where["in"], a_in))]
            mids = [unit(ax, "box", c, (1.35, 0.85), f"z = {z.data:+.2f}\na = {a:.2f}",
                         "#cde6f7", "#2c6aa0")
                    for c, z, a in zip(where["hidden"], z_hidden, a_hidden)]
            outs = [unit(ax, "box", c, (1.35, 0.85), f"z = {z.data:+.2f}\no = {a:.2f}",
                         "#cde6f7", "#2c6aa0")
                    for c, z, a in zip(where["out"], z_out, a_out)]
            lossbox = unit(ax, "box", (loss_x, 0.0), (1.9, 1.05),
                           "C = ½Σ(o − y)²\ny = (1, 0)", "#ffe7a6", "0.3")
            pairs = [(ins[i], mids[j], W1[j, i]) for i in range(2) for j in range(3)]
            pairs += [(mids[i], outs[j], W2[j, i]) for i in range(3) for j in range(2)]
            segments = [arrow(ax, s, t) for s, t, _ in pairs]
            segments += [arrow(ax, o, lossbox) for o in outs]
            labels = [f"{w:+.2f}" for *_, w in pairs] + [None, None]
            shapes = [*ins, *mids, *outs, lossbox]
            fixed.append(ax.text(xlim[0] + 0.1, ylim[1] - 0.1, "forward: each unit computes "
                                 "a = σ(z), z = Σ w·a + b; the weights W on the arrows",
                                 fontsize=10.5, va="top"))
        else:
            ins = [unit(ax, "box", c, (1.35, 0.7), f"∂C/∂x{i + 1}\n{d:+.4f}", "white", "0.3")
                   for i, (c, d) in enumerate(zip(where["in"], delta_in))]
            amps = []
            for c, g, d in [*zip(where["hidden"], gain_hidden, delta_hidden),
                            *zip(where["out"], gain_out, delta_out)]:
                amps.append(unit(ax, "amp", c, (1.45, 1.2), f"×{g:.3f}", "#fde2c8", "#c0661c"))
                fixed.append(ax.text(c[0], c[1] + 0.7, f"δ = {d:+.4f}", ha="center",
                                     va="bottom", fontsize=9, color="#8a3c00"))
            mids, outs = amps[:3], amps[3:]
            lossbox = unit(ax, "box", (loss_x, 0.0), (1.9, 1.05), "seed:\n∂C/∂o = o − y",
                           "#ffe7a6", "0.3")
            pairs = [(outs[j], mids[i], W2[j, i]) for i in range(3) for j in range(2)]
            pairs += [(mids[j], ins[i], W1[j, i]) for i in range(2) for j in range(3)]
            segments = [arrow(ax, s, t) for s, t, _ in pairs]
            segments += [arrow(ax, lossbox, o) for o in outs]
            labels = [f"{w:+.2f}" for *_, w in pairs] + [f"{s:+.3f}" for s in seed]
            shapes = [*ins, *amps, lossbox]
            fixed.append(ax.text(xlim[0] + 0.1, ylim[1] - 0.1, "backward: the same weights, "
                                 "arrows reversed (Wᵀ); each unit an amplifier: δ = σ′(z)·Σ w·δ",
                                 fontsize=10.5, va="top"))
        problems += layout_problems(fig, ax, segments, labels, shapes, fixed)
    return fig, problems


fig, problems = draw_networks()
assert problems == [], problems
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Each amplifier shows its gain σ′(z) inside and its δ above. The output units' δ is the seed
# times the gain; each hidden unit's δ is the sum of what arrives, each δ above times the
# weight on its arrow, times the gain. The inputs have no activation, so what arrives there is
# ∂C/∂x itself.
#
# ## The engine computes exactly that
#
# `backward()` keeps every node's grad, so each z node now holds its δ = ∂C/∂z. The output
# units, then one reversed layer, δ_hidden = diag(σ′(z)) · W2ᵀ · δ_out, written as a matrix
# product:

# %%
engine_delta_out = np.array([z.grad for z in z_out])
engine_delta_hidden = np.array([z.grad for z in z_hidden])
reversed_layer = np.diag(gain_hidden) @ W2.T  # 3 x 2: the whole reversed layer as one matrix
print("δ_out    engine:", engine_delta_out, "\n         by hand:", delta_out)
print("δ_hidden engine:", engine_delta_hidden, "\n   diag(σ′)·W2ᵀ·δ_out:",
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


loss_grads = grads_for_seed(seed)
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
# ## Never build the Jacobian: multiply by it
#
# A linear map has a matrix. For the reversed network it is the transpose of the **Jacobian**
# J = ∂o/∂x, the 2 × 2 matrix of how each output moves with each input. By the chain rule J is
# a product of one factor per layer, each a weight matrix with the gains on its rows:
#
# > J = diag(σ′(z_out)) · W2 · diag(σ′(z_hidden)) · W1
#
# and the backward pass, seeded with s, computes sᵀ · J (that is Jᵀ · s, a **vector–Jacobian
# product**) without ever forming J:

# %%
J = np.diag(gain_out) @ W2 @ np.diag(gain_hidden) @ W1
print("J = ∂o/∂x =\n", J.round(5))
assert np.allclose(J.T @ seed, grads_for_seed(seed)[-2:], rtol=1e-12, atol=0)  # ∂C/∂x

# %% [markdown]
# Both give the same numbers; the difference is the order of the work. Take a chain of L
# layers of width n and a seed s:
#
# - **Jacobian first**: multiply the layer factors together, sᵀ · (J_L · (J_(L−1) ⋯ J_1)).
#   Each step is a matrix times a matrix: n³ multiply-adds, so about (L − 1)·n³ in all.
# - **Vector first**, as the backward pass does: ((sᵀ · J_L) · J_(L−1)) ⋯ J_1. Each step is a
#   vector times a matrix, n² multiply-adds, and a diagonal factor is n multiplications (the
#   gains, entry by entry; the n × n diagonal matrix is never written down either). About L·n².
#
# Counting the multiplications of each order on random layers:

# %%
class Counter:
    """Counts the multiplications of the products it is asked to do."""

    def __init__(self):
        self.multiplies = 0

    def matmul(self, A, B):
        self.multiplies += A.shape[0] * A.shape[1] * (B.shape[1] if B.ndim == 2 else 1)
        return A @ B

    def scale(self, gain, v):  # a diagonal matrix times a vector: entry by entry
        self.multiplies += v.size
        return gain * v


def vjp_both_ways(n, layers=8, seed_=0):
    """sᵀ·J for a chain of `layers` layers of width n: (Jacobian-first, vector-first) counts."""
    rng = np.random.default_rng(seed_)
    Ws = [rng.normal(size=(n, n)) / math.sqrt(n) for _ in range(layers)]
    gains = [rng.uniform(0.0, 0.25, size=n) for _ in range(layers)]
    s = rng.normal(size=n)
    first = Counter()  # J = J_L ⋯ J_1, each J_k = diag(gain_k) W_k, built, then sᵀ J
    J_all = first.scale(gains[0][:, None], Ws[0])
    for W, g in zip(Ws[1:], gains[1:]):
        J_all = first.matmul(first.scale(g[:, None], W), J_all)
    by_jacobian = first.matmul(s[None, :], J_all)[0]
    second = Counter()  # the backward pass: the vector goes through, layer by layer
    v = s
    for W, g in zip(reversed(Ws), reversed(gains)):
        v = second.matmul(W.T, second.scale(g, v))
    assert np.allclose(v, by_jacobian, rtol=1e-9, atol=1e-12)
    return first.multiplies, second.multiplies


widths_chain = [2, 4, 8, 16, 32, 64, 128]
costs = np.array([vjp_both_ways(n) for n in widths_chain])
for n, (jac, vec) in zip(widths_chain, costs):
    print(f"n = {n:>3}: Jacobian first {jac:>10,} multiply-adds, vector first {vec:>7,} "
          f"({jac / vec:.0f}x fewer)")

# %%
fig, ax = plt.subplots(figsize=(6.4, 4.2))
n_arr = np.array(widths_chain, dtype=float)
ax.plot(n_arr, costs[:, 0], "o-", label="Jacobian first: matrix × matrix")
ax.plot(n_arr, costs[:, 1], "s-", label="vector first (backward pass): vector × matrix")
# The guides are drawn a factor 3 off the data, so that both stay visible.
for power, anchor, name in ((3, 3 * costs[0, 0], "slope 3: ∝ n³"),
                            (2, costs[0, 1] / 3, "slope 2: ∝ n²")):
    ax.plot(n_arr, anchor * (n_arr / n_arr[0]) ** power, ":", color="0.5", lw=1)
    ax.text(n_arr[-1] * 1.08, anchor * (n_arr[-1] / n_arr[0]) ** power, name, fontsize=9,
            va="center", color="0.35")
ax.set(xscale="log", yscale="log", xlim=(1.6, 450))
label_axes(ax, "layer width n (8 layers)", "multiply-adds for sᵀ·J",
           "Multiply by the Jacobian; never build it")
ax.legend(loc="upper left")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# The vector-first order follows the n² guide and the Jacobian-first order the n³ guide: at
# width 128 the backward pass's order does 112 times fewer multiply-adds. Building J also
# needs n² numbers of memory per factor; the backward pass only ever holds one vector.

# %%
assert np.allclose(np.diff(np.log(costs[2:, 1])) / np.diff(np.log(n_arr[2:])), 2, atol=0.1)
assert np.allclose(np.diff(np.log(costs[3:, 0])) / np.diff(np.log(n_arr[3:])), 3, atol=0.1)
assert round(costs[-1, 0] / costs[-1, 1]) == 112

# %% [markdown]
# ## Forward mode: the same network, linearised
#
# The backward pass carries ∂C/∂(something) from the loss down. There is a mirror image that
# carries derivatives up, with the forward pass: give every number a second part, its
# **tangent**, the rate at which it moves when the input moves in a chosen direction v. A
# number a + ȧ·ε with the rule ε² = 0 (a **dual number**) does exactly that: multiplying
# (a + ȧε)(b + ḃε) = ab + (ȧb + aḃ)ε keeps the product rule in the ε part, and a function
# f(a + ȧε) = f(a) + f′(a)·ȧ·ε keeps the chain rule. Run the network on duals with ẋ = v and
# the outputs come out carrying ȯ = J·v, a **Jacobian–vector product** (JVP).
#
# Look at what the tangents go through, unit by unit: ż_j = Σ_i w_ji ȧ_i (a bias is a constant:
# its tangent is 0), then ȧ_j = σ′(z_j) · ż_j. That is a network too: the **same** weights W,
# the same direction as the forward pass, and at each unit the same gain σ′(z) as the
# backward pass. It is the network's **linearisation** at x, and the backward network is its
# **transpose**: W on the way up, Wᵀ on the way down.

# %%
class Dual:
    """A dual number val + tan·ε with ε² = 0: a value and its tangent, carried forward."""

    def __init__(self, val, tan=0.0):
        self.val, self.tan = val, tan

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other, 0.0)  # a constant: tangent 0

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.val + other.val, self.tan + other.tan)

    __radd__ = __add__

    def __sub__(self, other):
        other = Dual.lift(other)
        return Dual(self.val - other.val, self.tan - other.tan)

    def __mul__(self, other):
        other = Dual.lift(other)
        return Dual(self.val * other.val, self.tan * other.val + self.val * other.tan)

    __rmul__ = __mul__

    def tanh(self):
        t = tanh_of(self.val)
        return Dual(t, (1 - t * t) * self.tan)

    def sigmoid(self):
        s = sigmoid_of(self.val)
        return Dual(s, s * (1 - s) * self.tan)


def tanh_of(v):
    return v.tanh() if hasattr(v, "tanh") else math.tanh(v)


def sigmoid_of(v):
    return v.sigmoid() if hasattr(v, "sigmoid") else 0.5 * (1 + math.tanh(0.5 * v))


def small_network(xs):
    """The 2-3-2 sigmoid network above, on any kind of number (floats, Values, duals)."""
    b1 = [n.b.data for n in model.layers[0].neurons]
    b2 = [n.b.data for n in model.layers[1].neurons]
    hid = [sigmoid_of(b1[j] + sum(W1[j, i] * xs[i] for i in range(2))) for j in range(3)]
    return [sigmoid_of(b2[k] + sum(W2[k, j] * hid[j] for j in range(3))) for k in range(2)]


v = np.array([0.7, -0.3])  # a direction to move the input in
tangent_out = np.array([o.tan for o in small_network([Dual(xi, vi) for xi, vi in zip(a_in, v)])])
print("forward mode, ȯ = J·v:", tangent_out.round(6), "   J @ v:", (J @ v).round(6))
assert np.allclose(tangent_out, J @ v, rtol=1e-12)
assert np.allclose([o.val for o in small_network([Dual(xi) for xi in a_in])], a_out, rtol=1e-12)

# %% [markdown]
# One tangent pass gives one **column** of J (with v = e_i, J·e_i); one backward pass gives one
# **row** (seeded with e_k, e_kᵀ·J). Building J both ways, and checking the defining property
# of a transpose on random vectors, u·(J·v) = (Jᵀ·u)·v:

# %%
columns_by_jvp = np.column_stack(
    [[o.tan for o in small_network([Dual(xi, float(i == k)) for k, xi in enumerate(a_in)])]
     for i in range(2)]
)
rows_by_vjp = np.vstack([grads_for_seed(e)[-2:] for e in np.eye(2)])  # the grads of x1, x2
assert np.allclose(columns_by_jvp, J, rtol=1e-12) and np.allclose(rows_by_vjp, J, rtol=1e-12)
rng = np.random.default_rng(0)
for _ in range(3):
    u, w_ = rng.normal(size=2), rng.normal(size=2)
    jvp_w = np.array([o.tan for o in small_network([Dual(a, b) for a, b in zip(a_in, w_)])])
    vjp_u = grads_for_seed(u)[-2:]
    assert math.isclose(u @ jvp_w, vjp_u @ w_, rel_tol=1e-12)
print("J by two tangent passes (columns) = J by two backward passes (rows); u·(Jv) = (Jᵀu)·v")

# %% [markdown]
# ## When forward mode wins
#
# A tangent pass costs a small multiple of the forward pass and gives J·v for one direction v:
# one pass per **input**. A backward pass costs a small multiple of the forward pass too and
# gives uᵀ·J for one seed u: one pass per **output**. So for the whole Jacobian of a function
# with n inputs and m outputs, forward mode takes n passes and reverse mode m.
#
# A loss has one output and many parameters, so training uses reverse mode. Forward mode wins
# the other way round: few inputs, many outputs, such as a curve or an image that depends on a
# handful of settings. Counting real multiplications on a tanh network from 2 inputs to 64
# outputs and on its mirror, 64 inputs to 2 outputs, needs a number that counts its own
# arithmetic, and a backward pass that can run on it: 06's recursion, written out.

# %%
class Counted:
    """A float that counts the multiplications and additions done with it (class-wide)."""

    multiplies = adds = 0

    def __init__(self, v):
        self.v = float(v)

    @staticmethod
    def value(other):
        """A plain float for a Counted or a number; None for anything else (a Dual)."""
        if isinstance(other, Counted):
            return other.v
        return float(other) if isinstance(other, (int, float)) else None

    def __add__(self, other):
        if (o := Counted.value(other)) is None:
            return NotImplemented  # a Dual: let it do the sum
        Counted.adds += 1
        return Counted(self.v + o)

    __radd__ = __add__

    def __sub__(self, other):
        if (o := Counted.value(other)) is None:
            return NotImplemented
        Counted.adds += 1
        return Counted(self.v - o)

    def __rsub__(self, other):
        Counted.adds += 1
        return Counted(Counted.value(other) - self.v)

    def __mul__(self, other):
        if (o := Counted.value(other)) is None:
            return NotImplemented
        Counted.multiplies += 1
        return Counted(self.v * o)

    __rmul__ = __mul__

    def tanh(self):  # one per unit, in the forward pass only; counted as neither
        return Counted(math.tanh(self.v))

    @classmethod
    def reset(cls):
        cls.multiplies = cls.adds = 0


def layers_of(theta, sizes):
    """The flat parameter list as [(rows of W, b), ...], neuron by neuron as nn.MLP keeps them."""
    out, k = [], 0
    for nin, nout in zip(sizes, sizes[1:]):
        rows, bias = [], []
        for _ in range(nout):
            rows.append(theta[k : k + nin])
            bias.append(theta[k + nin])
            k += nin + 1
        out.append((rows, bias))
    return out


def network(theta, sizes, x):
    """A tanh MLP with a linear last layer, on any kind of number: its list of outputs."""
    return run_layers(layers_of(theta, sizes), x)


def run_layers(layers, x):
    """The forward pass through layers [(rows of W, b), ...]: tanh, then linear at the top."""
    values = list(x)
    for k, (rows, bias) in enumerate(layers):
        zs = []
        for w, b in zip(rows, bias):
            z = b
            for wi, vi in zip(w, values):
                z = z + wi * vi
            zs.append(z)
        values = zs if k == len(layers) - 1 else [tanh_of(z) for z in zs]
    return values


def forward_keep(theta, sizes, x):
    """The forward pass of `network`, keeping every layer's input a for the backward pass:
    (the layers, the kept a's, the outputs)."""
    layers = layers_of(theta, sizes)
    acts = [list(x)]
    for k, (rows, bias) in enumerate(layers):
        zs = [sum((wi * ai for wi, ai in zip(w, acts[-1])), b) for w, b in zip(rows, bias)]
        acts.append(zs if k == len(layers) - 1 else [tanh_of(z) for z in zs])
    return layers, acts[:-1], acts[-1]


def backward_from(layers, acts, seed, to_input=True):
    """06's δ recursion: the gradients of Σ seed·output for every parameter (in theta's
    order), and for every input if `to_input` (else None)."""
    grads, delta = [], [s if isinstance(s, Counted) else float(s) for s in seed]
    for k in reversed(range(len(layers))):
        rows, _ = layers[k]
        layer_grads = []
        for d in delta:
            layer_grads += [d * a for a in acts[k]] + [d]  # dW = δ·aᵀ, db = δ
        grads = layer_grads + grads
        if k == 0 and not to_input:
            return grads, None
        back = [sum((rows[j][i] * delta[j] for j in range(len(rows))), 0.0)
                for i in range(len(acts[k]))]  # Wᵀ·δ
        delta = back if k == 0 else [(1 - a * a) * b for a, b in zip(acts[k], back)]
    return grads, delta  # delta is now ∂/∂x


def counted(function, *args):
    """(the result, the multiplications it did) with Counted numbers."""
    Counted.reset()
    result = function(*args)
    return result, Counted.multiplies


def plain(v):
    return v.v if isinstance(v, Counted) else v


def jacobian_costs(sizes, seed_=4):
    """The whole Jacobian of a tanh network by n tangent passes and by m backward passes
    (after one forward pass): (forward-mode multiplies, reverse-mode multiplies)."""
    rng = np.random.default_rng(seed_)
    n_params = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    theta = [Counted(v) for v in rng.normal(size=n_params) / 2]
    x0 = rng.normal(size=sizes[0])
    Counted.reset()
    cols = [[plain(o.tan) for o in network(theta, sizes, [Dual(Counted(xi), float(i == k))
                                                         for k, xi in enumerate(x0)])]
            for i in range(sizes[0])]
    forward_mode = Counted.multiplies
    Counted.reset()
    layers, acts, _ = forward_keep(theta, sizes, [Counted(xi) for xi in x0])  # kept for all m
    rows = [[plain(g) for g in backward_from(layers, acts, e)[1]] for e in np.eye(sizes[-1])]
    reverse_mode = Counted.multiplies
    assert np.allclose(np.array(cols).T, np.array(rows), rtol=1e-9, atol=1e-12)
    return forward_mode, reverse_mode


for sizes in ([2, 16, 64], [64, 16, 2]):
    fwd, rev = jacobian_costs(sizes)
    winner = "forward" if fwd < rev else "reverse"
    print(f"{sizes[0]:>2} inputs -> {sizes[-1]:>2} outputs: forward mode {sizes[0]:>2} passes, "
          f"{fwd:>7,} multiplies; reverse mode {sizes[-1]:>2} passes, {rev:>7,}: {winner} wins")
few_in, many_in = jacobian_costs([2, 16, 64]), jacobian_costs([64, 16, 2])
assert few_in[0] * 20 < few_in[1] and many_in[1] * 20 < many_in[0]

# %% [markdown]
# From 2 inputs to 64 outputs, forward mode gets the whole 64 × 2 Jacobian in 2 passes and
# 6,400 multiply-adds; reverse mode needs 64 backward passes (after one forward pass kept for
# all of them) and 138,272, over 20 times more. The mirror network, 64 inputs to 2 outputs,
# turns it round: 204,800 for forward mode against 5,344 for reverse mode.

# %% [markdown]
# ## Counting the work
#
# Seed the backward pass with the loss's gradient and it gives every gradient at once. How
# much does that cost, next to the forward pass, and next to the other ways to get the same
# numbers? There are four ways:
#
# 1. **the backward pass**: one forward pass, then one backward pass;
# 2. **forward mode**: one tangent pass per parameter, each giving one ∂C/∂θ_i;
# 3. **finite differences** (notebook 00): nudge one parameter up, then down, two forward passes
#    per parameter;
# 4. **summing over paths**: one product of local derivatives per path from a parameter to the
#    loss, which gets a section of its own below, since its cost follows the number of paths.
#
# We count **multiply-adds**: the multiplications, each of which (w·a added into a sum, δ·w
# added into a sum) comes with an addition. `Counted` numbers count them as the code runs, on
# a network of 2 inputs, two tanh layers of width h and one linear output, with the squared
# error (out − target)² as its loss.

# %%
def loss_of(theta, sizes, x, target):
    diff = network(theta, sizes, x)[0] - target
    return diff * diff


x_in, target = [0.5, -1.2], 0.3


def four_costs(width, sizes=None, x_in=x_in):
    """Multiplications of a forward pass, a backward pass, forward mode and finite differences
    for the model 2-width-width-1 (or of the sizes given), and the gradients each found."""
    sizes = sizes or [2, width, width, 1]
    model_ = MLP(sizes[0], sizes[1:], activation="tanh", seed=1)
    theta = [p.data for p in model_.parameters()]
    n_params = len(theta)
    loss_value, forward = counted(loss_of, [Counted(v) for v in theta], sizes, x_in, target)
    layers, acts, out = forward_keep([Counted(v) for v in theta], sizes, x_in)
    seed_ = [2 * (out[0].v - target)]  # ∂(out − target)²/∂out, the loss's own gradient
    (grads, _), backward = counted(backward_from, layers, acts, seed_, False)
    Counted.reset()
    by_tangents = [plain(loss_of([Dual(Counted(v), float(i == k)) for k, v in enumerate(theta)],
                                 sizes, x_in, target).tan) for i in range(n_params)]
    forward_mode = Counted.multiplies
    Counted.reset()
    h, by_differences = 1e-6, []
    for i in range(n_params):
        up = [Counted(v + h * (i == k)) for k, v in enumerate(theta)]
        down = [Counted(v - h * (i == k)) for k, v in enumerate(theta)]
        by_differences.append((loss_of(up, sizes, x_in, target).v
                               - loss_of(down, sizes, x_in, target).v) / (2 * h))
    finite = Counted.multiplies
    return {"parameters": n_params, "forward": forward, "backward": backward,
            "forward mode": forward_mode, "finite differences": finite,
            "grads": [np.array([plain(g) for g in grads]), np.array(by_tangents),
                      np.array(by_differences)], "loss": loss_value.v}

# %% [markdown]
# First, for one width, the three ways agree with each other and with the engine's
# `backward()` on the package's `MLP` built from the same primitive gates:

# %%
r = four_costs(3)
engine_model = MLP(2, [3, 3, 1], activation="tanh", fused=False, seed=1)
engine_loss = (engine_model(x_in) - target) ** 2
engine_loss.backward()
engine_grads = np.array([p.grad for p in engine_model.parameters()])
reverse_grad, tangent_grad, difference_grad = r["grads"]
assert math.isclose(engine_loss.data, r["loss"], rel_tol=1e-12)
assert np.allclose(reverse_grad, engine_grads, rtol=1e-12, atol=1e-15)
assert np.allclose(tangent_grad, engine_grads, rtol=1e-12, atol=1e-15)
assert np.allclose(difference_grad, engine_grads, rtol=1e-5, atol=1e-8)
print(f"{r['parameters']} parameters: the backward pass, forward mode and finite differences "
      "agree with the engine")

# %% [markdown]
# Now the counts, as the models grow:

# %%
widths = [1, 2, 3, 4, 6, 8, 11, 16]
runs = [four_costs(w) for w in widths]
methods = ["forward", "backward", "forward mode", "finite differences"]
print(f"{'parameters':>10}" + "".join(f"{m:>20}" for m in methods) + f"{'backward/forward':>18}")
for r in runs:
    print(f"{r['parameters']:>10}" + "".join(f"{r[m]:>20,}" for m in methods)
          + f"{r['backward'] / r['forward']:>18.2f}")

P = np.array([r["parameters"] for r in runs], dtype=float)
count = {m: np.array([r[m] for r in runs], dtype=float) for m in methods}

# %%
fig, ax = plt.subplots(figsize=(7.2, 4.8))
labels = {
    "forward": "one forward pass",
    "backward": "one backward pass (every gradient)",
    "forward mode": "forward mode: one tangent pass per parameter",
    "finite differences": "finite differences: two passes per parameter",
}
markers = {"forward": "o", "backward": "s", "forward mode": "^", "finite differences": "v"}
for m in methods:
    ax.plot(P, count[m], marker=markers[m], label=labels[m])
for power, anchor, name in ((1, count["forward"][0] / 3, "slope 1: ∝ P"),
                            (2, count["forward mode"][0] * 3, "slope 2: ∝ P²")):  # a factor 3 off
    ax.plot(P, anchor * (P / P[0]) ** power, ":", color="0.5", lw=1)
    ax.text(P[-1] * 1.1, anchor * (P[-1] / P[0]) ** power, name, fontsize=9, va="center",
            color="0.35")
ax.set(xscale="log", yscale="log", xlim=(P[0] / 1.3, P[-1] * 3.2))
label_axes(ax, "number of parameters P", "multiply-adds",
           "Work to get every gradient of one loss")
ax.legend(loc="upper left")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# The forward and backward passes run along the slope-1 guide: their work grows with the number
# of parameters. They are no longer the same curve: the backward pass does about twice the
# forward pass's multiply-adds, 2.0 to 2.2 times in the table. Where that comes from, per
# weight and per unit:
#
# - the forward pass: one multiply-add per weight (w·a into z), and one for the loss's square;
# - the backward pass: one per weight for dW = δ·a, one per weight to send δ down through it
#   (Wᵀ·δ), except in the first layer, whose δ would only reach the inputs, which nobody
#   needs; and two per hidden unit for its gain, (1 − a·a)·Σ.
#
# So the ratio is 2, less the first layer's share of the weights, plus a little for the gains:
# near 2 when the first layer is small, as here (a little over, from the gains), and near 1
# when the first layer holds most of the weights. The counts match that tally exactly, and a
# model of 64 inputs into 8 units comes close to 1:

# %%
for r, width in zip(runs, widths):
    sizes = [2, width, width, 1]
    weights = [a * b for a, b in zip(sizes, sizes[1:])]
    hidden_units = sum(sizes[1:-1])
    assert r["forward"] == sum(weights) + 1
    assert r["backward"] == 2 * sum(weights) - weights[0] + 2 * hidden_units
wide = four_costs(None, sizes=[64, 8, 1], x_in=list(np.linspace(-1, 1, 64)))
print(f"64-8-1: forward {wide['forward']:,}, backward {wide['backward']:,} multiply-adds: "
      f"{wide['backward'] / wide['forward']:.2f} times")
ratio = count["backward"] / count["forward"]
assert np.all((ratio >= 2) & (ratio <= 2.25)), ratio
assert 1 < wide["backward"] / wide["forward"] < 1.1

# %% [markdown]
# Forward mode and finite differences run along the slope-2 guide: a whole pass per parameter.
# (A tangent pass costs about three forward passes here, because each product of duals is three
# products of numbers, a·b, ȧ·b and a·ḃ; so in multiply-adds forward mode even loses to finite
# differences. What it buys is exactness: no step size to choose, no rounding to fight.)

# %%
per_tangent_pass = count["forward mode"] / (P * count["forward"])
assert np.all((per_tangent_pass > 2.5) & (per_tangent_pass < 3.5)), per_tangent_pass
assert np.array_equal(count["finite differences"], 2 * P * count["forward"])
for m in ("forward mode", "finite differences"):
    slope = np.diff(np.log(count[m][-3:])) / np.diff(np.log(P[-3:]))
    assert np.all((slope > 1.8) & (slope < 2.2)), (m, slope)
slope = np.diff(np.log(count["backward"][-3:])) / np.diff(np.log(P[-3:]))
assert np.all((slope > 0.9) & (slope < 1.1)), slope
biggest = runs[-1]
print(f"{biggest['parameters']} parameters: forward mode costs "
      f"{biggest['forward mode'] / biggest['backward']:.0f}x the backward pass, finite "
      f"differences {biggest['finite differences'] / biggest['backward']:.0f}x")

# %% [markdown]
# ## What reverse mode costs in memory
#
# The backward pass is cheap in arithmetic because it reuses what the forward pass computed:
# every a (for dW = δ·aᵀ) and every gain σ′(z). So all of them must be **kept** until the
# backward pass has used them. The engine keeps the whole graph, one node for every
# intermediate number, from the first gate of the forward pass until `backward()` is done;
# the memory grows with the depth of the network. Forward mode needs only the layer it is
# computing and the one before it: its memory stays flat however deep the network.
#
# Measured with Python's `tracemalloc`, which records the peak of the memory allocated while
# code runs, on tanh layers of width 8: the engine's forward and backward pass, and one tangent
# pass of duals through the same weights:

# %%
def peak_bytes(work):
    """The peak of Python's traced memory while `work()` runs (and its result is alive)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    kept = work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del kept
    return peak


def reverse_run(deep, width=8):
    net = MLP(width, [width] * deep + [1], activation="tanh", fused=False, seed=5)
    xs = [0.1 * i for i in range(width)]
    theta = [p.data for p in net.parameters()]

    def work():
        out = net(xs)
        out.backward()
        return out

    return net, xs, theta, work


def forward_mode_run(theta, sizes, xs):
    layers = layers_of(theta, sizes)  # the weights, laid out before the measuring starts

    def work():
        return run_layers(layers, [Dual(v, 1.0) for v in xs])

    return work


depths = [1, 2, 4, 8, 16]
memory = []
for deep in depths:
    net, xs, theta, work = reverse_run(deep)
    sizes = [8] * (deep + 1) + [1]
    nodes = len(topological_order(net(xs)))
    memory.append((deep, nodes, peak_bytes(work), peak_bytes(forward_mode_run(theta, sizes, xs))))
print(f"{'layers':>6} {'graph nodes kept':>17} {'reverse mode peak':>18} {'forward mode peak':>18}")
for deep, nodes, rev, fwd in memory:
    print(f"{deep:>6} {nodes:>17,} {rev / 1024:>15,.0f} KB {fwd / 1024:>15,.1f} KB")

# %%
nodes_per_layer = np.diff([m[1] for m in memory]) / np.diff(depths)
assert len(set(nodes_per_layer)) == 1  # every layer adds the same number of nodes to keep
assert memory[-1][2] > 8 * memory[0][2]  # reverse mode: 16 times the layers, > 8 times the bytes
assert memory[-1][3] < 1.5 * memory[0][3]  # forward mode: about flat

# %% [markdown]
# Every layer adds the same number of nodes to the graph, and reverse mode's peak memory grows
# with them; forward mode's barely moves. That is the price of the cheap backward pass, and
# what training large networks runs into first: memory, not arithmetic. The usual way out is
# to keep only some layers' values and recompute the others during the backward pass
# (*checkpointing*), trading a second forward pass for memory.
#
# ## Why not just sum over paths?
#
# The fourth way. The chain rule, done naively, says: a parameter's gradient is a sum over
# every path from it to the loss, of the product of the local derivatives along the path. That
# is correct, but the paths multiply: in a chain of fully connected layers of width 3 there are
# 3 ways through each layer. The backward pass never lists paths; each node adds up what
# arrives from the nodes above it, once, so its work follows the number of edges.
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


depths_paths = list(range(1, 13))
path_counts, edge_counts, naive_work = [], [], []
for depth in depths_paths:
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
for depth, paths, n_edges in zip(depths_paths, path_counts, edge_counts):
    print(f"{depth:>5} {paths:>14,} {n_edges:>20,}")

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(depths_paths, path_counts, "o-", label="paths from the input to the output")
ax.plot(depths_paths[: len(naive_work)], naive_work, "x:",
        label="multiplications when summing over paths (run to depth 6)")
ax.plot(depths_paths, edge_counts, "s-", label="edges: one multiply-add each in the backward pass")
ax.set(yscale="log")
label_axes(ax, "hidden layers of width 3", "count",
           "Summing over paths explodes; backprop follows the edges")
ax.legend(loc="upper left")
assert style_problems(fig) == []
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
# transposed and each unit turned into a linear amplifier of gain σ′(z): a linear map of its
# seed, which multiplies the seed by the Jacobian without ever building it. It costs one to two
# forward passes of multiply-adds, whatever the size (2.0 to 2.2 here, gains included; 1.04
# with a wide first layer), but keeps every intermediate value in memory until it is done.
# Forward mode is the same linearised network run forwards (W, not Wᵀ): one pass per input
# instead of one per output, so it wins when there are few inputs and many outputs. Finite
# differences pay a pass per parameter, and summing over paths pays per path, which multiplies
# with depth.
#
# ## Exercises
#
# ### Exercise: a tangent pass
#
# Write forward mode for a tanh network with arrays instead of dual numbers, each sample a
# column: z_k = W_k · a_(k−1) + b_k, a_k = tanh(z_k) for every layer but the last, which is
# linear. Given the input x and a direction v, return the output y and ẏ = J·v. The checker
# builds J with the engine's backward passes, one per output, on networks of several shapes,
# and names the mistake it sees.

# %%
def jvp(Ws, bs, x, v):
    """Forward mode for the network z_k = W_k @ a_(k-1) + b_k, a_k = tanh(z_k) for every layer
    but the last, which is linear (a_0 = x). Ws = [W_1, ..., W_L], W_k of shape
    (n_k, n_(k-1)); bs = [b_1, ..., b_L]; x and v have shape (n_0,).
    Returns (y, y_dot): the output y = a_L, and y_dot = J @ v, where J = dy/dx."""
    ...

# %%
exercise("jvp").check(jvp);

# %% [markdown]
# ### Exercise: a hidden unit's δ
#
# A sigmoid unit has z = 0. It feeds two units whose δ are 0.4 and −0.2, through weights 1.5
# and 2.0. What is its own δ = ∂C/∂z?

# %%
hidden_delta = ...

# %%
exercise("hidden_delta").check(hidden_delta);

# %% [markdown]
# ### Exercise: the multiply-adds of a backward pass
#
# A network has 100 inputs, a hidden layer of 50 sigmoid units and 10 linear outputs, and no
# biases. For one sample, with the seed at the outputs given and each hidden unit's gain σ′(z)
# kept from the forward pass, how many multiplications does the backward pass do to get every
# dW? Nothing needs ∂C/∂x.

# %%
backward_multiply_adds = ...

# %%
exercise("backward_multiply_adds").check(backward_multiply_adds);

# %% [markdown]
# ### Exercise: forward or reverse?
#
# You need the whole Jacobian of a function with 3 inputs and 1,000 outputs. Which takes fewer
# passes: "forward mode", "reverse mode", or are they "the same"?

# %%
forward_or_reverse = ...

# %%
exercise("forward_or_reverse").check(forward_or_reverse);
