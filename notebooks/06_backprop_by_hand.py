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
# # 6. Backpropagation by hand
#
# **Question:** can we write every gradient of a small network ourselves, one number at a
# time, and get exactly what the engine gets?
#
# We do it twice. First a chain with one unit per layer, where each gradient is a single
# product of factors. Then a network with two inputs, two ReLU layers of two units and two
# output scores, where each weight of the top two layers gets a formula of its own, and the
# formulas are then regrouped into matrix products, which give the first layer's too. Those
# products repeat from layer to layer; the pattern they make, the **δ recursion**, is the
# backward pass of any network of layers.
#
# On the way we meet the mistakes that are easy to make when doing this by hand. Each is
# written out, computed, and shown disagreeing with the engine.
#
# ## Which loss, and why
#
# A gradient starts at the loss, so we must say which loss first.
#
# - **The network is a classifier** with two classes: its two scores go through a softmax,
#   p = softmax(h3), and the loss is the **cross-entropy** L = −log p_c of the true class c.
#   That is the usual loss for classification, and notebook 05 worked out its gradient at the
#   scores: the softmax's Jacobian and the 1/p of the log cancel, and what is left is
#   ∂L/∂h3 = p − t, with t the one-hot target. So the backward pass starts from a vector we
#   already know, and this notebook is about everything below the scores.
# - **The warm-up chain has one output**, a real number y to bring close to a target t, so its
#   loss is the **squared error** L = (y − t)², whose slope is ∂L/∂y = 2(y − t).
#
# The two starting gradients look alike, p − t and 2(y − t), and are not interchangeable:
# using one where the other belongs is the first common mistake below.

# %%
import math

from micrograd_notes.figures import style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from micrograd_notes import Value, central_difference, topological_order
from micrograd_notes.exercises import exercise
from micrograd_notes.losses import mse, softmax_cross_entropy



def close(a, b, tol=1e-12):
    """Equal to rounding error (scalars or arrays)."""
    return np.allclose(a, b, rtol=0, atol=tol)

# %% [markdown]
# ## One unit per layer
#
# x → h1 = w1·x → a1 = tanh(h1) → h2 = w2·a1 → a2 = tanh(h2) → h3 = w3·a2 → y = h3, and
# L = (y − t)². The last unit has no activation (y = h3, so ∂y/∂h3 = 1), and
# tanh′(h) = 1 − tanh²(h).
#
# Each weight reaches the loss along one path, so its gradient is the product of the local
# derivatives along that path (notebook 00: one path multiplies):
#
# * ∂L/∂y = 2(y − t)
# * ∂L/∂w3 = a2 · ∂y/∂h3 · ∂L/∂y
# * ∂L/∂w2 = a1 · tanh′(h2) · w3 · ∂y/∂h3 · ∂L/∂y
# * ∂L/∂w1 = x · tanh′(h1) · w2 · tanh′(h2) · w3 · ∂y/∂h3 · ∂L/∂y
#
# Read each product from the right: it starts at the loss and walks down, one factor per
# node, until it meets the weight, whose factor is the input that weight multiplies.

# %%
x_, t_ = 0.8, 0.3
w1, w2, w3 = Value(1.2, "w1"), Value(-0.7, "w2"), Value(1.5, "w3")
h1 = w1 * x_
a1 = h1.tanh()
h2 = w2 * a1
a2 = h2.tanh()
h3 = w3 * a2
y_ = h3
L = (y_ - t_) ** 2
L.backward()


def tanh_prime(h):
    return 1 - math.tanh(h) ** 2


dL_dy = 2 * (y_.data - t_)
dy_dh3 = 1.0
by_hand = {
    "w3": a2.data * dy_dh3 * dL_dy,
    "w2": a1.data * tanh_prime(h2.data) * w3.data * dy_dh3 * dL_dy,
    "w1": x_ * tanh_prime(h1.data) * w2.data * tanh_prime(h2.data) * w3.data * dy_dh3 * dL_dy,
}
print(f"y = {y_.data:.6f}, L = {L.data:.6f}")
for w in (w1, w2, w3):
    print(f"dL/d{w.label}: by hand {by_hand[w.label]:+.6f}, engine {w.grad:+.6f}")
    assert close(by_hand[w.label], w.grad)

# %% [markdown]
# A central difference (notebook 00) agrees too: nudge w2 both ways and watch L.

# %%
def chain_loss(w1, w2, w3, x=x_, t=t_):
    y = w3 * math.tanh(w2 * math.tanh(w1 * x))
    return (y - t) ** 2


numeric = central_difference(chain_loss, 1.2, -0.7, 1.5, arg=1)  # nudges the second: w2
assert abs(numeric - by_hand["w2"]) < 1e-8
print(f"central difference dL/dw2 = {numeric:+.6f}")

# %% [markdown]
# ### Common mistake: y − t as the slope of a squared error
#
# Cross-entropy after a softmax sends p − t into the scores, with no factor in front. It is
# tempting to start the squared error's backward pass the same way:
#
# > wrong: ∂L/∂y = y − t   right: ∂L/∂y = 2(y − t)
#
# The square brings down a 2. Dropping it halves every gradient of the chain:

# %%
wrong_start = y_.data - t_  # the wrong slope of (y − t)²
ratio = {w.label: (by_hand[w.label] / dL_dy * wrong_start) / w.grad for w in (w1, w2, w3)}
print("wrong gradient / engine's gradient:", {k: round(v, 12) for k, v in ratio.items()})
assert all(close(r, 0.5) for r in ratio.values())

# %% [markdown]
# Every gradient is exactly half the engine's. A gradient-descent step still goes downhill,
# only half as far, which is why this mistake can hide: training works, just slower, until a
# gradient check (notebook 04) compares the numbers.
#
# ### Common mistake: a batch's squared error summed, not averaged
#
# On a batch of B samples the loss is the **mean** squared error,
# L = (1/B) Σ_b (y_b − t_b)², so ∂L/∂y_b = 2(y_b − t_b)/B. Leaving out the 1/B, that is
# summing the squares, changes more than a constant: the gradient of a sum is the sum of the
# gradients (notebook 00), so a summed loss's gradient grows with the batch. Feed the chain
# the same four samples twice over (B = 8): the mean's gradient does not move, the sum's
# doubles.

# %%
xs_batch = [0.8, -0.5, 1.3, 0.2]
ts_batch = [0.3, -0.1, 0.9, 0.0]


def chain_grads(xs, ts, reduce):
    """∂L/∂(w1, w2, w3) of the chain on a batch, the squared errors summed or averaged."""
    ws = [Value(1.2), Value(-0.7), Value(1.5)]
    preds = [ws[2] * (ws[1] * (ws[0] * x).tanh()).tanh() for x in xs]
    if reduce == "mean":
        loss = mse(preds, ts)  # the package's loss divides by the batch size
    else:
        loss = Value.sum([(p - t) ** 2 for p, t in zip(preds, ts)])
    loss.backward()
    return np.array([w.grad for w in ws])


for reduce in ("mean", "sum"):
    g4 = chain_grads(xs_batch, ts_batch, reduce)
    g8 = chain_grads(xs_batch * 2, ts_batch * 2, reduce)
    print(f"{reduce:>4}: B = 4 gives {np.round(g4, 5)}, B = 8 gives {np.round(g8, 5)}")
twice = xs_batch * 2, ts_batch * 2  # the same four samples, each twice: B = 8
assert close(chain_grads(*twice, "mean"), chain_grads(xs_batch, ts_batch, "mean"))
assert close(chain_grads(*twice, "sum"), 2 * chain_grads(xs_batch, ts_batch, "sum"))
assert close(chain_grads(xs_batch, ts_batch, "sum"), 4 * chain_grads(xs_batch, ts_batch, "mean"))

# %% [markdown]
# Summed, the same data gives twice the gradient at B = 8; at any batch size the sum's gradient
# is B times the mean's (4 times at B = 4). So a learning rate that works at one batch size
# takes steps too long at a larger one. Dividing by B makes the step size a property of the
# learning rate alone.
#
# ## Two units per layer: the network and its names
#
# Inputs x1, x2; three weight layers. **w_ij** (with the layer number in front for layers 2
# and 3: w2ij, w3ij) is the weight *into* unit i *from* unit j of the layer below, so unit i
# computes h_i = Σ_j (input j) · w_ij. Written with one sample as a row, h = x · W, that puts
# w_ij in row j and column i of W:
#
# W1 = [[w11, w21], [w12, w22]], and likewise for W2 and W3.
#
# Then a1 = ReLU(h1), h2 = a1 · W2, a2 = ReLU(h2), and the scores h3 = a2 · W3 have no
# activation. The loss is p = softmax(h3), L = −log p_c. No unit has a bias, to keep the
# formulas short; a bias would get the same gradient as its unit's h.

# %%
x = np.array([1.0, 0.5])
label = 0  # the true class c: target t = (1, 0)
t = np.eye(2)[label]
# Row j, column i holds w_ij (the weight into unit i from unit j).
W1 = np.array([[0.5, 0.4], [-0.3, 0.8]])  # [[w11, w21], [w12, w22]]
W2 = np.array([[0.7, 0.3], [-0.1, 0.9]])  # [[w211, w221], [w212, w222]]
W3 = np.array([[0.6, -0.4], [-0.5, 0.8]])  # [[w311, w321], [w312, w322]]


def weight_name(layer, i, j):
    """w_ij of a layer: into unit i from unit j (1-based), the layer number in front from 2 on."""
    return f"w{'' if layer == 1 else layer}{i}{j}"

# %% [markdown]
# A picture of the network, every weight on its arrow. The three weight layers are drawn
# alike; the scores go into the loss, which also takes the target.

# %%
def boundary(node, toward, gap=0.06):
    """The point where the line from a box's centre to `toward` leaves the box, plus a gap."""
    (cx, cy), (hw, hh) = node
    dx, dy = toward[0] - cx, toward[1] - cy
    s = min(hw / abs(dx) if dx else np.inf, hh / abs(dy) if dy else np.inf)
    length = math.hypot(dx, dy)
    return np.array([cx + s * dx + gap * dx / length, cy + s * dy + gap * dy / length])


def connect(ax, a, b, **style):
    """An arrow from box a to box b that starts and ends outside both (its head in the open)."""
    p, q = boundary(a, b[0]), boundary(b, a[0])
    ax.add_patch(FancyArrowPatch(p, q, arrowstyle="-|>", mutation_scale=13, shrinkA=0,
                                 shrinkB=0, lw=1.1, color=style.get("color", "0.35")))
    return p, q


def draw_box(ax, centre, size, text, colour):
    (cx, cy), (w, h) = centre, size
    ax.add_patch(FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, fc=colour, ec="0.25", lw=1.0,
                                boxstyle="round,pad=0,rounding_size=0.08"))
    ax.text(cx, cy, text, ha="center", va="center", fontsize=10)
    return (cx, cy), (w / 2, h / 2)


def place_labels(fig, ax, segments, texts, boxes, fraction=(0.5, 0.3, 0.7, 0.22, 0.78)):
    """Put each text on its segment where it touches no other segment, label or box.
    Returns what could not be kept clear (empty when every label is clear)."""
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    box_px = [(to_px(np.subtract(c, s)), to_px(np.add(c, s))) for c, s in boxes]
    dots = [to_px(p + f * (q - p)) for p, q in segments for f in np.linspace(0, 1, 300)[:, None]]
    owner = np.repeat(np.arange(len(segments)), 300)
    dots, placed, clashes = np.array(dots).reshape(-1, 2), [], []
    for k, ((p, q), text) in enumerate(zip(segments, texts)):
        for attempt, f in enumerate(fraction):
            where = p + f * (q - p)
            artist = ax.text(*where, text, ha="center", va="center", fontsize=9, zorder=5,
                             bbox=dict(boxstyle="round,pad=0.2", fc="#fff6d5", ec="0.55"))
            ext = artist.get_window_extent(renderer).expanded(1.0, 1.0).padded(2)
            inside = ((dots[:, 0] > ext.x0) & (dots[:, 0] < ext.x1) & (dots[:, 1] > ext.y0)
                      & (dots[:, 1] < ext.y1) & (owner != k))
            hits = [f"edge {owner[i]}" for i in np.flatnonzero(inside)[:1]]
            hits += [f"label {j}" for j, e in enumerate(placed) if ext.overlaps(e)]
            hits += [f"box {j}" for j, (lo, hi) in enumerate(box_px)
                     if ext.x0 < hi[0] and ext.x1 > lo[0] and ext.y0 < hi[1] and ext.y1 > lo[1]]
            if not hits or attempt == len(fraction) - 1:
                placed.append(ext)
                clashes += [(text, hit) for hit in hits]
                break
            artist.remove()
    return clashes


def draw_network(width=8.0):
    """The 2-2-2 network with every weight named on its arrow; returns (fig, clashes)."""
    xlim, ylim = (-0.55, 12.35), (-1.75, 1.85)
    height = width * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])  # one unit is as tall as wide
    fig = plt.figure(figsize=(width, height), layout="none")
    ax = fig.add_axes((0, 0, 1, 1), xlim=xlim, ylim=ylim)
    ax.axis("off")
    columns, rows = [0.0, 2.9, 5.8, 8.7], [0.85, -0.85]
    kinds = [("x{r}", (0.62, 0.5), "#cde6f7"),
             ("h1{r} → a1{r}", (1.5, 0.5), "#d3efcf"),
             ("h2{r} → a2{r}", (1.5, 0.5), "#d3efcf"),
             ("h3{r}", (0.72, 0.5), "#ffffff")]
    nodes = [[draw_box(ax, (cx, cy), size, text.format(r=r + 1), colour)
              for r, cy in enumerate(rows)] for cx, (text, size, colour) in zip(columns, kinds)]
    segments, names = [], []
    for layer in (1, 2, 3):
        for j, source in enumerate(nodes[layer - 1]):  # from unit j ...
            for i, target in enumerate(nodes[layer]):  # ... into unit i
                segments.append(connect(ax, source, target))
                names.append(weight_name(layer, i + 1, j + 1))
    loss = draw_box(ax, (11.3, 0.0), (1.7, 1.25), "softmax,\ncross-entropy\nL = −log p_c",
                    "#ffe7a6")
    for score in nodes[3]:
        segments.append(connect(ax, score, loss))
        names.append(None)
    ax.add_patch(FancyArrowPatch((11.3, -1.38), boundary(loss, (11.3, -2.0)), shrinkA=0,
                                 shrinkB=0, arrowstyle="-|>", mutation_scale=13, color="0.35"))
    ax.text(11.3, -1.45, "target t", ha="center", va="top", fontsize=10)
    titles = ["input x", "layer 1: ReLU", "layer 2: ReLU", "layer 3: scores,\nno activation"]
    for cx, title in zip(columns, titles):
        ax.text(cx, 1.35, title, ha="center", va="bottom", fontsize=10)
    ax.text(11.3, 1.35, "loss", ha="center", va="bottom", fontsize=10)
    boxes = [node for column in nodes for node in column] + [loss]
    labelled = [(seg, name) for seg, name in zip(segments, names) if name]
    clashes = place_labels(fig, ax, [s for s, _ in labelled], [n for _, n in labelled], boxes)
    return fig, clashes


fig, clashes = draw_network()
assert clashes == [], clashes  # every weight's name sits on its own arrow, touching nothing else
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# The forward pass, unit by unit, with the engine's Values labelled h11, a11, ... so we can
# look them up later.

# %%
def forward(x, Ws, label, relu_layers=None):
    """The ReLU network on one sample, built from labelled Values; returns every node by name.
    Layers 1 to relu_layers (all but the last, unless said) have a ReLU; the last layer gives
    the scores; the loss is softmax cross-entropy."""
    relu_layers = len(Ws) - 1 if relu_layers is None else relu_layers
    nodes = {}
    acts = [Value(float(v), f"x{k + 1}") for k, v in enumerate(x)]
    nodes.update({v.label: v for v in acts})
    for layer, W in enumerate(Ws, start=1):
        Wv = [[Value(float(W[j, i]), weight_name(layer, i + 1, j + 1)) for i in range(W.shape[1])]
              for j in range(W.shape[0])]
        nodes.update({w.label: w for row in Wv for w in row})
        hs = []
        for i in range(W.shape[1]):
            h = Value.sum([acts[j] * Wv[j][i] for j in range(W.shape[0])])
            h.label = f"h{layer}{i + 1}"
            hs.append(h)
        nodes.update({h.label: h for h in hs})
        acts = hs
        if layer <= relu_layers:
            acts = [h.relu() for h in hs]
            for i, a in enumerate(acts):
                a.label = f"a{layer}{i + 1}"
                nodes[a.label] = a
    loss = softmax_cross_entropy([acts], [label])
    loss.label = "L"
    nodes["L"] = loss
    return nodes


net = forward(x, [W1, W2, W3], label)
net["L"].backward()
h1v = np.array([net["h11"].data, net["h12"].data])
h2v = np.array([net["h21"].data, net["h22"].data])
h3v = np.array([net["h31"].data, net["h32"].data])
a1v, a2v = np.maximum(h1v, 0), np.maximum(h2v, 0)
p = np.exp(h3v) / np.exp(h3v).sum()
print("h1 =", h1v, " h2 =", h2v, " h3 =", h3v.round(4), " p =", p.round(6))
assert (h1v > 0).all() and (h2v > 0).all(), "every ReLU unit is active"
assert close(-np.log(p[label]), net["L"].data)

# %% [markdown]
# Every ReLU unit is active here (all four h are positive), so no gradient below will be zero
# by accident. The first score h31 is negative; it has no ReLU, so that changes nothing, but
# it will matter in one of the mistakes below.
#
# ### Common mistake: the wrong weight in the second unit
#
# Multiplying out x · W1 by hand, it is easy to slip on the second entry:
#
# > wrong: h12 = x1·w21 + x2·w12   right: h12 = x1·w21 + x2·w22
#
# Unit 2's weights are the second **column** of W1, (w21, w22): into unit 2 from x1, and into
# unit 2 from x2. The slip takes w12, the weight into unit 1.

# %%
w = {name: v.data for name, v in net.items() if name.startswith("w")}
wrong_h12 = x[0] * w["w21"] + x[1] * w["w12"]
right_h12 = x[0] * w["w21"] + x[1] * w["w22"]
print(f"wrong h12 = {wrong_h12:.4f}, right h12 = {right_h12:.4f}, engine {net['h12'].data:.4f}")
assert not close(wrong_h12, net["h12"].data)
assert close(right_h12, net["h12"].data)

# %% [markdown]
# ## What arrives at the scores: p − t
#
# Call Δ_i = ∂L/∂h3i, the gradient arriving at score i. Notebook 05 showed that for softmax
# followed by cross-entropy it is Δ_i = p_i − t_i (05 wrote it p − y; here y names the chain's
# output, so the one-hot target is t). The engine agrees:

# %%
dy = p - t  # Δ1, Δ2
assert close(dy, [net["h31"].grad, net["h32"].grad])
print("Δ = p − t =", dy.round(6))

# %% [markdown]
# With two classes p1 + p2 = 1 and t1 + t2 = 1, so Δ2 = −Δ1: the two numbers are equal and
# opposite. The true class's score is pushed up (Δ1 < 0: gradient descent raises h31), the
# other's down.
#
# ## Layer 3: four weights, four formulas
#
# Weight w3ij sits on one path only: from L through score h3i, then to a2j. So
#
# > ∂L/∂w3ij = ∂h3i/∂w3ij · Δ_i = a2j · Δ_i

# %%
a21, a22 = a2v
dy1, dy2 = dy
dw311 = a21 * dy1
dw312 = a22 * dy1
dw321 = a21 * dy2
dw322 = a22 * dy2
for name, value in [("w311", dw311), ("w312", dw312), ("w321", dw321), ("w322", dw322)]:
    assert close(value, net[name].grad), name

# Filled in entry by entry, in W3's layout (row j, column i holds dw3ij):
dW3 = np.array([[dw311, dw321], [dw312, dw322]])
print("dW3 =\n", dW3.round(6))

# %% [markdown]
# ### Common mistake: Δ1 where Δ2 belongs
#
# Copying four near-identical formulas, one index slips easily:
#
# > wrong: dw322 = a22 · Δ1   right: dw322 = a22 · Δ2
#
# Weight w322 feeds score h32, so its gradient carries Δ2. Laid out as a matrix, only that
# one entry is wrong; with two classes Δ1 = −Δ2, so here the slip flips the entry's sign.

# %%
wrong_dW3 = np.array([[a21 * dy1, a21 * dy2], [a22 * dy1, a22 * dy1]])
engine_dW3 = np.array([[net["w311"].grad, net["w321"].grad], [net["w312"].grad, net["w322"].grad]])
disagree = ~np.isclose(wrong_dW3, engine_dW3, rtol=0, atol=1e-12)
print("entries that disagree with the engine:\n", disagree)
assert disagree.tolist() == [[False, False], [False, True]]
assert close(wrong_dW3[1, 1], -engine_dW3[1, 1])
assert close(dW3, engine_dW3)

# %% [markdown]
# ### Regrouped: dW3 = A2ᵀ · dz3
#
# Entry (j, i) is a2j · Δ_i: a column of the a's times a row of the Δ's, an outer product.
# With the sample's activations as a row A2 = (a21, a22) and dz3 = (Δ1, Δ2), that is
#
# > dW3 = A2ᵀ · dz3
#
# The product form cannot make the slip above: it puts Δ2 in the whole second column.

# %%
A2, dz3 = a2v[None, :], dy[None, :]
assert close(A2.T @ dz3, dW3)
assert not close(A2.T @ dz3, wrong_dW3)

# %% [markdown]
# ## Layer 2: what arrives at a2
#
# a2j feeds both scores, so its gradient is a sum over two paths (notebook 00: two paths
# add), each a weight times what arrives at the score it feeds:
#
# > ∂L/∂a2j = w31j · Δ1 + w32j · Δ2

# %%
dL_da21 = w["w311"] * dy1 + w["w321"] * dy2
dL_da22 = w["w312"] * dy1 + w["w322"] * dy2
assert close([dL_da21, dL_da22], [net["a21"].grad, net["a22"].grad])
print(f"∂L/∂a21 = {dL_da21:+.6f}, ∂L/∂a22 = {dL_da22:+.6f}")

# %% [markdown]
# ### Common mistake: an activation the output layer does not have
#
# The layers below have a ReLU after every h, and it is natural to write the top the same
# way, as if the scores went through a ReLU into a node a3 before the loss:
#
# > wrong: ∂L/∂a2j = w31j · ReLU′(h31) · Δ1 + w32j · ReLU′(h32) · Δ2
#
# There is no a3: the scores h3 go straight into the softmax. The engine's graph has no node
# a31 or a32. The extra factor is harmless while every score is positive, and here one is not:
# h31 < 0, so ReLU′(h31) = 0 and the wrong formula drops the whole path through h31.

# %%
labels_in_graph = {node.label for node in topological_order(net["L"])}
assert {"a31", "a32"}.isdisjoint(labels_in_graph) and {"h31", "h32"} <= labels_in_graph
relu_prime_h3 = (h3v > 0).astype(float)
wrong_da2 = [w[f"w31{j}"] * relu_prime_h3[0] * dy1 + w[f"w32{j}"] * relu_prime_h3[1] * dy2
             for j in (1, 2)]
print("ReLU′(h3) =", relu_prime_h3, "\nwrong ∂L/∂a2:", np.round(wrong_da2, 6),
      "\nengine:     ", np.round([net["a21"].grad, net["a22"].grad], 6))
assert not close(wrong_da2, [net["a21"].grad, net["a22"].grad])

# %% [markdown]
# ## Layer 2: four weights, regrouped
#
# Weight w2ij feeds h2i, which reaches the loss only through a2i:
#
# > ∂L/∂w2ij = a1j · ReLU′(h2i) · ∂L/∂a2i
#
# With every unit active each ReLU′ is 1, and no entry is zero.

# %%
a11, a12 = a1v
relu_prime = (h2v > 0).astype(float)
dw211 = a11 * relu_prime[0] * dL_da21
dw212 = a12 * relu_prime[0] * dL_da21
dw221 = a11 * relu_prime[1] * dL_da22
dw222 = a12 * relu_prime[1] * dL_da22
for name, value in [("w211", dw211), ("w212", dw212), ("w221", dw221), ("w222", dw222)]:
    assert close(value, net[name].grad), name
dW2 = np.array([[dw211, dw221], [dw212, dw222]])
assert (dW2 != 0).all()
print("dW2 =\n", dW2.round(6))

# %% [markdown]
# Now group them, as for layer 3:
#
# * the row (∂L/∂a21, ∂L/∂a22) is (Δ1·w311 + Δ2·w321, Δ1·w312 + Δ2·w322) = dz3 · W3ᵀ: W3
#   goes back **transposed**, because what flowed into unit i from unit j now flows from i
#   back to j;
# * the ReLU′ factors multiply entry by entry, the same as multiplying by the diagonal matrix
#   diag(ReLU′(h2)): dz2 = (dz3 · W3ᵀ) ⊙ ReLU′(h2);
# * then dW2 = A1ᵀ · dz2, the same pattern as layer 3.

# %%
A1 = a1v[None, :]
dL_dA2 = dz3 @ W3.T
assert close(dL_dA2, [[dL_da21, dL_da22]])
dz2 = dL_dA2 * relu_prime
assert close(dz2, dL_dA2 @ np.diag(relu_prime))
assert close(A1.T @ dz2, dW2)
print("dz2 =", dz2.round(6))

# %% [markdown]
# ## Layer 1: the input is X
#
# The same step once more: dz1 = (dz2 · W2ᵀ) ⊙ ReLU′(h1). What layer 1's weights multiply is
# the input itself, so with the sample as a row X:
#
# > dW1 = Xᵀ · dz1

# %%
X = x[None, :]
dz1 = (dz2 @ W2.T) * (h1v > 0)
engine_dW1 = np.array([[net["w11"].grad, net["w21"].grad], [net["w12"].grad, net["w22"].grad]])
assert close(X.T @ dz1, engine_dW1)
print("dz1 =", dz1.round(6), "\ndW1 =\n", engine_dW1.round(6))

# %% [markdown]
# ### Common mistake: the wrong layer's activations
#
# Written out for three layers, the pattern is dW3 = A2ᵀ·dz3, dW2 = A1ᵀ·dz2, and the next line
# is easy to get wrong by carrying the pattern along without looking:
#
# > wrong: dW1 = A1ᵀ · dz1   right: dW1 = Xᵀ · dz1
#
# A1 is what layer 1 puts **out**; a weight's gradient takes what its layer takes **in**. The
# shapes cannot catch this: A1 and X are both (1, 2) here.

# %%
wrong_dW1 = A1.T @ dz1
print("with A1ᵀ:\n", wrong_dW1.round(6), "\nwith Xᵀ:\n", (X.T @ dz1).round(6))
assert wrong_dW1.shape == engine_dW1.shape and not close(wrong_dW1, engine_dW1)

# %% [markdown]
# ## The output layer as an identity-weight layer
#
# The top of the network looked like a special case: dz3 was "what arrives at the scores",
# while every layer below computed its dz from the one above. It need not be. Put one more
# layer on top with the identity matrix as weights and no activation, out = h3 · I. It
# changes no number of the forward pass, so the loss is the same, and its own dz is the p − t
# the loss sends down. Going back through it is one more step of the same rule:
# dz3 = (p − t) · Iᵀ ⊙ 1 = p − t.
#
# The engine agrees: with a fixed identity layer on top, the loss and every gradient of W1, W2,
# W3 are unchanged, and what arrives at that layer's output is p − t.

# %%
with_identity = forward(x, [W1, W2, W3, np.eye(2)], label, relu_layers=2)
with_identity["L"].backward()
assert close(with_identity["L"].data, net["L"].data)
for name in (weight_name(k, i, j) for k in (1, 2, 3) for i in (1, 2) for j in (1, 2)):
    assert close(with_identity[name].grad, net[name].grad), name
top = [with_identity["h41"].grad, with_identity["h42"].grad]
assert close(top, dy) and close(np.array(top) @ np.eye(2).T, dz3[0])
print("what arrives at the identity layer:", np.round(top, 6), " = p − t")

# %% [markdown]
# So every layer is the same kind of thing: h_k = a_(k−1) · W_k, a_k = f_k(h_k), with
# f = ReLU for the hidden layers and f = identity (f′ = 1) for the scores, and the loss's
# gradient p − t enters at the very top.
#
# ## The δ recursion
#
# Call δ_k = ∂L/∂h_k, the gradient arriving at layer k's h (the dz above). Everything we did by
# hand is three lines, run from the top layer down:
#
# > δ_top = ∂L/∂(scores)  (p − t for softmax cross-entropy)
# >
# > δ_k = (δ_(k+1) · W_(k+1)ᵀ) ⊙ f_k′(h_k)  (back through the weights, then the unit's slope)
# >
# > dW_k = a_(k−1)ᵀ · δ_k,  with a_0 = x  (and a bias, had we one, would get db_k = δ_k)
#
# Each δ is computed once and used twice: for its own layer's dW, and to make the δ below.
# So the backward pass does a fixed amount of work per weight, however deep the network:
# the next notebook counts that work against the forward pass's, and draws this recursion as a
# network of its own.
#
# The recursion's three steps for our network, and the engine's gradients:

# %%
deltas = {3: dz3, 2: dz2, 1: dz1}
inputs = {3: A2, 2: A1, 1: X}
engine_dW = {1: engine_dW1, 2: np.array([[net[weight_name(2, i, j)].grad for i in (1, 2)]
                                         for j in (1, 2)]), 3: engine_dW3}
for k in (3, 2, 1):
    print(f"layer {k}: δ{k} = {deltas[k].round(6)}, dW{k} = a{k - 1}ᵀ·δ{k} = "
          f"{(inputs[k].T @ deltas[k]).round(6).tolist()}")
    assert close(inputs[k].T @ deltas[k], engine_dW[k])

# %% [markdown]
# ## Rows or columns
#
# The same layer is often written the other way round, each sample a **column**:
# z = Wc · a with Wc = Wᵀ of shape (outputs, inputs), so that Wc[i, j] = w_ij reads in the
# order of its name. Nothing changes but the layout: the recursion becomes
# δ_k = f′(z_k) ⊙ (Wc_(k+1)ᵀ · δ_(k+1)), and the gradient comes out as δ · aᵀ (a column times
# a row), the transpose of aᵀ · δ. Layer 2 both ways:

# %%
h2_row = A1 @ W2  # (1, 2)
dW2_row = A1.T @ dz2  # (2, 2): row j, column i
W2c = W2.T
h2_col = W2c @ a1v[:, None]  # (2, 1)
delta3_col = dy[:, None]
delta2_col = (h2v[:, None] > 0) * (W3 @ delta3_col)  # W3 = (W3c)ᵀ: back through the weights
dW2_col = delta2_col @ a1v[None, :]  # δ (column) times aᵀ (row): row i, column j
assert close(h2_row.ravel(), h2_col.ravel())
assert close(delta2_col.ravel(), dz2.ravel())
assert close(dW2_col, dW2_row.T)
assert close(dW2_col[1, 0], net["w221"].grad)  # Wc[i, j] is w_ij
print("rows and columns agree on h2, δ2 and every entry of dW2")

# %% [markdown]
# Notebook 07 uses the column form. Two mistakes live exactly where the two layouts meet.
#
# ### Common mistake: which x?
#
# Take one layer y = x · W, with x a row of n numbers and W of shape (n, m), so
# y_i = Σ_j x_j W_ji. Which input does the derivative of y_i with respect to W_jk bring down?
#
# > wrong: ∂y_i/∂W_jk = x_i when i = k (else 0)   right: ∂y_i/∂W_jk = x_j when i = k (else 0)
#
# W_jk multiplies x_j: the row index of a weight names the input it takes. With n = 3 inputs
# and m = 2 outputs, the engine says which:

# %%
xs3 = [0.5, -1.5, 2.0]
Wl = [[Value(v) for v in row] for row in [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]]
worst_wrong, worst_right = 0.0, 0.0
for i in range(2):
    y_i = Value.sum([xs3[j] * Wl[j][i] for j in range(3)])
    for row in Wl:
        for v in row:
            v.grad = 0.0
    y_i.backward()
    for j in range(3):
        for k in range(2):
            wrong = xs3[i] if i == k else 0.0
            right = xs3[j] if i == k else 0.0
            worst_wrong = max(worst_wrong, abs(Wl[j][k].grad - wrong))
            worst_right = max(worst_right, abs(Wl[j][k].grad - right))
print(f"largest error: with x_i {worst_wrong:.3g}, with x_j {worst_right:.3g}")
assert worst_wrong > 0.1 and worst_right == 0.0

# %% [markdown]
# ### Common mistake: one row per output
#
# Laying out the entries x_j · ∂L/∂y_i of dW with one row per **output** i gives a matrix of
# shape (m, n), and it is tempting to call that xᵀ · ∂L/∂y:
#
# > wrong: dW[i, j] = x_j · ∂L/∂y_i   right: dW[j, i] = x_j · ∂L/∂y_i  (that is, dW = xᵀ · ∂L/∂y)
#
# xᵀ · ∂L/∂y has shape (n, m), W's shape, with one row per **input**. The one-row-per-output
# layout is its transpose: right in the column form, wrong in the row form.

# %%
x_row = np.array([xs3])  # (1, n)
dy_row = np.array([[0.7, -1.1]])  # (1, m): some gradient arriving at y
per_output = np.array([[x_row[0, j] * dy_row[0, i] for j in range(3)] for i in range(2)])
print("one row per output:", per_output.shape, "  xᵀ · ∂L/∂y:", (x_row.T @ dy_row).shape)
assert per_output.shape == (2, 3) and (x_row.T @ dy_row).shape == (3, 2)
assert close(per_output.T, x_row.T @ dy_row)

# %% [markdown]
# ## The whole batch at once
#
# The recursion works unchanged for a batch: one sample per row of X, and one row per sample
# in every h, a and δ. With the mean loss over B samples, each row of the top δ is divided by
# B (notebook 05's mean cross-entropy), and each product aᵀ · δ sums the contributions of all
# samples: the (j, i) entry is Σ_b a_bj δ_bi. Four samples, every unit active in every one:

# %%
Xb = np.array([[1.0, 0.5], [1.2, 0.8], [1.5, 0.2], [0.9, 0.3]])
labels = [0, 1, 0, 1]
B = len(Xb)

H1 = Xb @ W1
Ab1 = np.maximum(H1, 0)
H2 = Ab1 @ W2
Ab2 = np.maximum(H2, 0)
H3 = Ab2 @ W3
P = np.exp(H3) / np.exp(H3).sum(axis=1, keepdims=True)
assert (H1 > 0).all() and (H2 > 0).all()

dZ3 = (P - np.eye(2)[labels]) / B
dZ2 = (dZ3 @ W3.T) * (H2 > 0)
dZ1 = (dZ2 @ W2.T) * (H1 > 0)
by_formula = {1: Xb.T @ dZ1, 2: Ab1.T @ dZ2, 3: Ab2.T @ dZ3}

# The engine: one set of weight Values, shared by all four samples' graphs.
Wv = {k: [[Value(float(W[j, i])) for i in range(2)] for j in range(2)]
      for k, W in ((1, W1), (2, W2), (3, W3))}
scores = []
for row in Xb:
    act = [Value(float(v)) for v in row]
    for k in (1, 2, 3):
        h = [Value.sum([act[j] * Wv[k][j][i] for j in range(2)]) for i in range(2)]
        act = [v.relu() for v in h] if k < 3 else h
    scores.append(act)
batch_loss = softmax_cross_entropy(scores, labels)  # the mean over the batch
batch_loss.backward()
for k in (1, 2, 3):
    assert close(by_formula[k], [[v.grad for v in row] for row in Wv[k]]), k
print(f"batch loss {batch_loss.data:.6f}; dW1, dW2, dW3 from the recursion match the engine")

# %% [markdown]
# Each weight Value is used by all four samples' graphs, so `backward()` adds the four
# samples' contributions into its grad: the same sum over samples that aᵀ · δ does in one
# product. Leaving out the 1/B in the top δ would make every dW B = 4 times too big: the
# summed-loss mistake from the chain again.

# %%
assert close(Ab2.T @ (P - np.eye(2)[labels]), B * by_formula[3])

# %% [markdown]
# **Answer:** yes. Each weight's gradient is a product of local derivatives along its paths,
# summed over the paths. Grouped, the products become the δ recursion: δ at the top is what
# the loss sends (p − t), each δ below is the one above sent back through Wᵀ and gated by the
# unit's slope, and every dW_k is a_(k−1)ᵀ · δ_k, with the input x for the first layer. Every
# mistake above shows up at once as a number that disagrees with the engine.
#
# ## Exercises
#
# ### Exercise: the backward pass of a ReLU network
#
# Write the δ recursion for a ReLU network of any depth, on a batch: the network has no
# biases, a ReLU after every layer but the last, and the scores on top have no activation.
# You get the input batch X, the weights Ws (W_k of shape (inputs, outputs), as above) and
# dS, the gradient arriving at the scores. Run the forward pass to get what the backward pass
# needs, then return every δ and every dW, the bottom layer first. The checker runs your
# function on networks of several shapes, some with dead ReLU units, against the NumPy
# version of each layer, and names the mistake it sees.

# %%
def relu_net_backward(X, Ws, dS):
    """The backward pass of a ReLU network without biases, on a batch X of shape (n, n_0):
    H_1 = X @ W_1, A_1 = relu(H_1), H_2 = A_1 @ W_2, ..., and the scores S = A_(L-1) @ W_L
    have no activation. Ws = [W_1, ..., W_L], W_k of shape (n_(k-1), n_k); dS (n, n_L) is
    the gradient arriving at the scores.
    Returns (deltas, dWs), two lists of L arrays, the bottom layer first:
    deltas[k] = dL/dH_(k+1) (so deltas[-1] is dS) and dWs[k] = dL/dW_(k+1)."""
    ...

# %%
exercise("relu_net_backward").check(relu_net_backward);

# %% [markdown]
# ### Exercise: the other class
#
# Make the true class 1 instead of 0, so the target is t = (0, 1), and keep everything else.
# What is dw311 now? Work it out from the numbers printed above.

# %%
dw311_class_1 = ...

# %%
exercise("dw311_class_1").check(dw311_class_1);

# %% [markdown]
# ### Exercise: a dead unit
#
# Set w211 = −0.5 (row 0, column 0 of W2) and keep everything else. One unit of layer 2 now
# has a negative h. How many of the four entries of dW2 are then exactly zero?

# %%
dead_unit_zeros = ...

# %%
exercise("dead_unit_zeros").check(dead_unit_zeros);

# %% [markdown]
# ### Exercise: into the input
#
# The recursion does not have to stop at layer 1. What is ∂L/∂x1, the gradient arriving at the
# first input of the network (true class 0, the weights as printed)? Work it out from δ1 and
# W1.

# %%
input_gradient = ...

# %%
exercise("input_gradient").check(input_gradient);
