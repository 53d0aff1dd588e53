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
# product of factors. Then a network with two inputs, two ReLU layers of two units and a
# softmax over two outputs, where every one of the eight weights of the last two layers gets
# its own formula, and the formulas are then regrouped into matrix products. The numbers are
# chosen so that every unit is active: no gradient is zero by accident.
#
# The study notes this follows make a few slips on the way. Each one is reproduced exactly as
# written, shown failing against the engine, and then fixed.

# %%
import math

import numpy as np

from micrograd_notes import Value
from micrograd_notes.exercises import Exercise
from micrograd_notes.extras import require
from micrograd_notes.graph import topological_order
from micrograd_notes.losses import mse, softmax_cross_entropy


def close(a, b, tol=1e-12):
    """Equal to rounding error (scalars or arrays)."""
    return np.allclose(a, b, rtol=0, atol=tol)

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it


# %% [markdown]
# ## 1. One unit per layer
#
# x → h1 = w1·x → a1 = A(h1) → h2 = w2·a1 → a2 = A(h2) → h3 = w3·a2 → y = h3, with the loss
# L = (y − t)² / n for a batch of n = 1. The activation A is tanh here, so A′(h) = 1 − tanh²(h).
# (The last unit has no activation: y = h3, so ∂y/∂h3 = 1.)
#
# Each weight's gradient is the product of the local derivatives on the one path from L down
# to it:
#
# * ∂L/∂y = 2(y − t)/n
# * ∂L/∂w3 = a2 · ∂y/∂h3 · ∂L/∂y
# * ∂L/∂w2 = a1 · A′(h2) · w3 · ∂y/∂h3 · ∂L/∂y
# * ∂L/∂w1 = x · A′(h1) · w2 · A′(h2) · w3 · ∂y/∂h3 · ∂L/∂y

# %%
x_, t_, n_ = 0.8, 0.3, 1
w1, w2, w3 = Value(1.2, "w1"), Value(-0.7, "w2"), Value(1.5, "w3")
h1 = w1 * x_
a1 = h1.tanh()
h2 = w2 * a1
a2 = h2.tanh()
h3 = w3 * a2
y_ = h3
L = (y_ - t_) ** 2 / n_
L.backward()


def tanh_prime(h):
    return 1 - math.tanh(h) ** 2


dL_dy = 2 * (y_.data - t_) / n_
dy_dh3 = 1.0
by_hand = {
    "w3": a2.data * dy_dh3 * dL_dy,
    "w2": a1.data * tanh_prime(h2.data) * w3.data * dy_dh3 * dL_dy,
    "w1": x_ * tanh_prime(h1.data) * w2.data * tanh_prime(h2.data) * w3.data * dy_dh3 * dL_dy,
}
for w in (w1, w2, w3):
    print(f"dL/d{w.label}: by hand {by_hand[w.label]:+.6f}, engine {w.grad:+.6f}")
    assert close(by_hand[w.label], w.grad)

# %% [markdown]
# A finite difference agrees too: nudge w2 both ways and watch L.


# %%
def chain_loss(w1, w2, w3):
    y = w3 * math.tanh(w2 * math.tanh(w1 * x_))
    return (y - t_) ** 2 / n_


eps = 1e-6
numeric = (chain_loss(1.2, -0.7 + eps, 1.5) - chain_loss(1.2, -0.7 - eps, 1.5)) / (2 * eps)
assert abs(numeric - by_hand["w2"]) < 1e-8
print(f"finite difference dL/dw2 = {numeric:+.6f}")

# %% [markdown]
# ## 2. Two units per layer: the network and its names
#
# Inputs x1, x2; three weight layers. Names follow the notes: **w_ij** (with the layer number
# in front for layers 2 and 3) is the weight *into* unit i *from* unit j of the layer below,
# so unit i of a layer computes h_i = Σ_j (input j) · w_ij. Written with one sample as a row,
# h = x · W, that puts w_ij in row j and column i of W:
#
# W1 = [[w11, w21], [w12, w22]], and likewise for W2 and W3.
#
# Then a1 = ReLU(h1), h2 = a1 · W2, a2 = ReLU(h2), h3 = a2 · W3 and y = softmax(h3), with
# the cross-entropy loss L = −log y_c of the true class c.

# %%
x = np.array([1.0, 0.5])
label = 0  # the true class: target (t1, t2) = (1, 0)
t = np.eye(2)[label]
# Row j, column i holds w_ij (weight into unit i from unit j).
W1 = np.array([[0.5, 0.4], [-0.3, 0.8]])  # [[w11, w21], [w12, w22]]
W2 = np.array([[0.7, 0.3], [-0.1, 0.9]])  # [[w211, w221], [w212, w222]]
W3 = np.array([[0.6, -0.4], [-0.5, 0.8]])  # [[w311, w321], [w312, w322]]


def weight_name(layer, i, j):
    return f"w{'' if layer == 1 else layer}{i}{j}"


# %% [markdown]
# The forward pass, unit by unit, with the engine's Values labelled h11, a11, ... so we can
# look them up later.


# %%
def forward(x, W1, W2, W3, label):
    """The 2-2-2 network on one sample, built from labelled Values; returns every node by name."""
    nodes = {}
    xs = [Value(float(v), f"x{k + 1}") for k, v in enumerate(x)]
    inputs = xs
    for layer, W in ((1, W1), (2, W2), (3, W3)):
        Wv = [
            [Value(float(W[j, i]), weight_name(layer, i + 1, j + 1)) for i in range(2)]
            for j in range(2)
        ]
        for row in Wv:
            for w in row:
                nodes[w.label] = w
        hs = []
        for i in range(2):
            h = inputs[0] * Wv[0][i] + inputs[1] * Wv[1][i]
            h.label = f"h{layer}{i + 1}"
            nodes[h.label] = h
            hs.append(h)
        if layer < 3:
            inputs = []
            for i, h in enumerate(hs):
                a = h.relu()
                a.label = f"a{layer}{i + 1}"
                nodes[a.label] = a
                inputs.append(a)
    loss = softmax_cross_entropy([hs], [label])
    loss.label = "L"
    nodes["L"] = loss
    nodes.update({v.label: v for v in xs})
    return nodes


net = forward(x, W1, W2, W3, label)
net["L"].backward()
h1v = np.array([net["h11"].data, net["h12"].data])
h2v = np.array([net["h21"].data, net["h22"].data])
a1v, a2v = np.maximum(h1v, 0), np.maximum(h2v, 0)
h3v = np.array([net["h31"].data, net["h32"].data])
y = np.exp(h3v) / np.exp(h3v).sum()
print("h1 =", h1v, " h2 =", h2v, " h3 =", h3v, " y =", y)
assert (h1v > 0).all() and (h2v > 0).all(), "every ReLU unit is active"
assert close(-np.log(y[label]), net["L"].data)

# %% [markdown]
# A picture of the network, every weight labelled. Each label sits near the start of its
# arrow, where the arrows into the two units of the next layer do not yet cross.


# %%
def draw_network(ax):
    layers = [
        ["x1", "x2"],
        ["h11 | a11", "h12 | a12"],
        ["h21 | a21", "h22 | a22"],
        ["h31", "h32"],
        ["y1", "y2"],
    ]
    pos = {(k, r): (2.2 * k, 1.0 - 1.6 * r) for k in range(5) for r in range(2)}
    for k in range(3):  # the three weight layers
        for j in range(2):  # from unit j of layer k
            for i in range(2):  # into unit i of layer k + 1
                (x0, y0), (x1_, y1_) = pos[(k, j)], pos[(k + 1, i)]
                ax.annotate(
                    "",
                    xy=(x1_ - 0.35, y1_),
                    xytext=(x0 + 0.35, y0),
                    arrowprops=dict(arrowstyle="->", color="0.4"),
                )
                f = 0.3 if i == j else 0.22
                lx, ly = x0 + 0.35 + f * (x1_ - x0 - 0.7), y0 + f * (y1_ - y0)
                ax.text(
                    lx,
                    ly,
                    weight_name(k + 1, i + 1, j + 1),
                    fontsize=9,
                    ha="center",
                    va="center",
                    bbox=dict(boxstyle="round,pad=0.15", fc="#fff6d5", ec="0.6"),
                )
    for r in range(2):  # softmax: each output depends on both scores
        for s in range(2):
            (x0, y0), (x1_, y1_) = pos[(3, r)], pos[(4, s)]
            ax.annotate(
                "",
                xy=(x1_ - 0.3, y1_),
                xytext=(x0 + 0.3, y0),
                arrowprops=dict(arrowstyle="->", color="0.7", ls="--"),
            )
    colours = ["#bfe3ff", "#c8f0c0", "#c8f0c0", "#ffffff", "#ffe08a"]
    for (k, r), (px, py) in pos.items():
        ax.text(
            px,
            py,
            layers[k][r],
            ha="center",
            va="center",
            fontsize=9,
            bbox=dict(
                boxstyle="circle,pad=0.3" if k in (0, 4) else "round,pad=0.3",
                fc=colours[k],
                ec="0.3",
            ),
        )
    for k, name in enumerate(
        ["input x", "layer 1\n(ReLU)", "layer 2\n(ReLU)", "layer 3\n(scores h3)", "softmax y"]
    ):
        ax.text(2.2 * k, 1.5, name, ha="center", fontsize=9)
    kinds = [
        ("#bfe3ff", "input"),
        ("#c8f0c0", "ReLU unit: h before, a after"),
        ("#ffffff", "score (no activation)"),
        ("#ffe08a", "softmax output"),
    ]
    handles = [plt.Rectangle((0, 0), 1, 1, fc=fc, ec="0.3", label=text) for fc, text in kinds]
    handles.append(
        plt.Line2D([], [], color="0.7", ls="--", label="softmax: each y uses both scores")
    )
    ax.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    ax.set_xlim(-0.6, 9.4)
    ax.set_ylim(-1.5, 1.95)
    ax.axis("off")
    ax.set_title(
        "The 2-2-2 network: w_ij is the weight into unit i from unit j (layer number in front)"
    )


fig, ax = plt.subplots(figsize=(10, 4))
draw_network(ax)
plt.show()

# %% [markdown]
# ## Slip: the second unit of the first layer
#
# The notes multiply out x · W1 and write its second entry as h12 = x1·w21 + x2·w12. The
# second column of W1 is (w21, w22), so the weight from x2 into unit 2 is w22.

# %%
w = {name: v.data for name, v in net.items() if name.startswith("w")}
notes_h12 = x[0] * w["w21"] + x[1] * w["w12"]  # as written in the notes
right_h12 = x[0] * w["w21"] + x[1] * w["w22"]
print(
    f"notes' h12 = {notes_h12:.4f}, engine's h12 = {net['h12'].data:.4f}, with w22: {right_h12:.4f}"
)
assert not close(notes_h12, net["h12"].data)
assert close(right_h12, net["h12"].data)

# %% [markdown]
# ## The gradient arriving at the scores
#
# Call Δy_i = ∂L/∂h3i, what arrives at score i. For softmax followed by cross-entropy it is
# simply y_i − t_i: the two derivatives multiply out to that (notebook 9 works it through).
# The notes write ∂L/∂y_i = y_i − t_i and then treat the softmax as y = h3 ("for now"); the
# two steps together land on this same number, so it is what we use.

# %%
dy = y - t  # Δy1, Δy2
assert close(dy, [net["h31"].grad, net["h32"].grad])
print("Δy =", dy)

# %% [markdown]
# ## Layer 3: four weights, four formulas
#
# Weight w3ij sits on one path only: from L through score h3i to a2j. So
# ∂L/∂w3ij = ∂h3i/∂w3ij · Δy_i = a2j · Δy_i.

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
print("dW3 =\n", dW3)

# %% [markdown]
# ### Slip: Δy1 in dw322
#
# The notes write dw322 = a22 · Δy1 and carry it into the matrix. Weight w322 feeds score
# h32, so its gradient needs Δy2. Only this one entry is wrong; the other three are right.
# (With two classes y1 + y2 = 1, so Δy1 = −Δy2: here the slip flips the entry's sign.)

# %%
notes_dW3 = np.array([[a21 * dy1, a21 * dy2], [a22 * dy1, a22 * dy1]])  # as written
engine_dW3 = np.array([[net["w311"].grad, net["w321"].grad], [net["w312"].grad, net["w322"].grad]])
wrong = ~np.isclose(notes_dW3, engine_dW3, rtol=0, atol=1e-12)
print("entries that disagree with the engine:\n", wrong)
assert wrong.tolist() == [[False, False], [False, True]]
assert close(dW3, engine_dW3)

# %% [markdown]
# ### Regrouped: dW3 = A2ᵀ · dz3
#
# Entry (j, i) is a2j · Δy_i: the outer product of a2 (as a column) with Δy (as a row). With
# one sample as a row vector A2 and dz3 = Δy, that is A2ᵀ · dz3. The notes' product form is
# right, which is what gives the slip away: it does not match their own entry-by-entry matrix.

# %%
A2, dz3 = a2v[None, :], dy[None, :]
assert close(A2.T @ dz3, dW3)

# %% [markdown]
# ## Layer 2: first, what arrives at a2
#
# a2j feeds both scores, so its gradient is a sum over two paths:
# ∂L/∂a2j = w31j · Δy1 + w32j · Δy2.

# %%
dL_da21 = w["w311"] * dy1 + w["w321"] * dy2
dL_da22 = w["w312"] * dy1 + w["w322"] * dy2
assert close([dL_da21, dL_da22], [net["a21"].grad, net["a22"].grad])

# %% [markdown]
# ### Slip: a node that is not there
#
# For ∂L/∂a22 the notes write the factor ∂y2/∂a32 on the second path. The network has no
# a32: layer 3 ends in the scores h31, h32. The factor meant is ∂y2/∂h32 (taken as 1 with
# the softmax treated as y = h3, as above), and the path is then w322 · Δy2: the formula the
# cell above checked against the engine.

# %%
names = {node.label for node in topological_order(net["L"])}
assert "a32" not in names and "h32" in names
print("labelled nodes in the engine's graph:", sorted(n for n in names if n))

# %% [markdown]
# ### Four weights, four formulas
#
# ∂L/∂w2ij = a1j · ReLU′(h2i) · ∂L/∂a2i. With every unit active, each ReLU′ is 1, and no
# entry is zero.

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
print("dW2 =\n", dW2)

# %% [markdown]
# ### Regrouped
#
# * The row (∂L/∂a21, ∂L/∂a22) is Δy · W3ᵀ.
# * Multiplying by ReLU′ entry by entry is the same as multiplying by diag(ReLU′(h2)):
#   dz2 = (dz3 · W3ᵀ) ⊙ ReLU′(h2).
# * Then dW2 = A1ᵀ · dz2, the same pattern as layer 3.

# %%
A1 = a1v[None, :]
dL_dA2 = dz3 @ W3.T
assert close(dL_dA2, [[dL_da21, dL_da22]])
dz2 = dL_dA2 * relu_prime
assert close(dz2, dL_dA2 @ np.diag(relu_prime))
assert close(A1.T @ dz2, dW2)

# %% [markdown]
# ## Layer 1, and the notes' summary slip
#
# The same step once more: dz1 = (dz2 · W2ᵀ) ⊙ ReLU′(h1). The first layer's input is x
# itself, so dW1 = Xᵀ · dz1. The notes' summary writes dW1 = A1ᵀ · (...) as for layer 2:
# the activations of layer 1 in place of the input.

# %%
X = x[None, :]
dz1 = (dz2 @ W2.T) * (h1v > 0)
engine_dW1 = np.array([[net["w11"].grad, net["w21"].grad], [net["w12"].grad, net["w22"].grad]])
notes_dW1 = A1.T @ dz1  # as written
print("with A1ᵀ:\n", notes_dW1, "\nwith Xᵀ:\n", X.T @ dz1)
assert not close(notes_dW1, engine_dW1)
assert close(X.T @ dz1, engine_dW1)

# %% [markdown]
# ## Rows or columns: two ways to write one layer
#
# The notes disagree on how to write vectors. One (000, followed above) writes a sample as a
# row: h = a · W with W of shape (inputs, outputs). Another (001) writes it as a column:
# z = Wc · a with Wc = Wᵀ of shape (outputs, inputs), so that Wc[i, j] = w_ij reads in the
# order of its name. The gradient then comes out as δ · aᵀ (a column times a row), the
# transpose of aᵀ · δ. Same layer, same numbers.

# %%
# Row convention (note 000): layer 2.
h2_row = a1v[None, :] @ W2  # (1, 2)
dW2_row = a1v[None, :].T @ dz2  # (2, 2), row j column i
# Column convention (note 001): the same layer.
W2c = W2.T
h2_col = W2c @ a1v[:, None]  # (2, 1)
dW2_col = dz2.T @ a1v[None, :]  # δ (column) times aᵀ (row), row i column j
assert close(h2_row.ravel(), h2_col.ravel())
assert close(dW2_col, dW2_row.T)
assert close(dW2_col[1, 0], net["w221"].grad)  # Wc[i, j] is w_ij in both
print("the row and column forms agree on h2 and on every entry of dW2")

# %% [markdown]
# In the column form, note 001 states the backward pass as a recursion over layers:
# δ3 = ∂L/∂z3 at the output, then δ_k = ReLU′(z_k) ⊙ (Wc_(k+1)ᵀ δ_(k+1)) going down, and
# ∂L/∂Wc_k = δ_k · a_(k−1)ᵀ (a bias would get δ_k itself). It gives every weight of the
# network:

# %%
Wcs = [W1.T, W2.T, W3.T]
acts, zs = [x[:, None]], []
for k, Wc in enumerate(Wcs):
    zs.append(Wc @ acts[-1])
    acts.append(np.maximum(zs[-1], 0) if k < 2 else zs[-1])
deltas = [dy[:, None]]  # δ3: what arrives at the scores
for Wc, z in zip(reversed(Wcs[1:]), reversed(zs[:-1])):
    deltas.insert(0, (z > 0) * (Wc.T @ deltas[0]))
for k, (delta, a_prev) in enumerate(zip(deltas, acts[:-1]), start=1):
    engine = np.array(
        [[net[weight_name(k, i + 1, j + 1)].grad for j in range(2)] for i in range(2)]
    )
    assert close(delta @ a_prev.T, engine), k
print("the column recursion gives the engine's gradient for all three layers")

# %% [markdown]
# ## The whole batch at once
#
# The regrouped formulas work unchanged for a batch: one sample per row of X. With a mean loss
# over B samples each Δy row is divided by B, and each product of the form Aᵀ · dz sums the
# contributions of all samples. Four samples, every unit active in every one:

# %%
Xb = np.array([[1.0, 0.5], [1.2, 0.8], [1.5, 0.2], [0.9, 0.3]])
labels = [0, 1, 0, 1]
B = len(Xb)

H1 = Xb @ W1
Ab1 = np.maximum(H1, 0)
H2 = Ab1 @ W2
Ab2 = np.maximum(H2, 0)
H3 = Ab2 @ W3
Y = np.exp(H3) / np.exp(H3).sum(axis=1, keepdims=True)
assert (H1 > 0).all() and (H2 > 0).all()

dZ3 = (Y - np.eye(2)[labels]) / B
dZ2 = (dZ3 @ W3.T) * (H2 > 0)
dZ1 = (dZ2 @ W2.T) * (H1 > 0)
by_formula = {1: Xb.T @ dZ1, 2: Ab1.T @ dZ2, 3: Ab2.T @ dZ3}

Wv = {
    k: [[Value(float(W[j, i])) for i in range(2)] for j in range(2)]
    for k, W in ((1, W1), (2, W2), (3, W3))
}
scores = []
for row in Xb:
    act = [Value(float(v)) for v in row]
    for k in (1, 2, 3):
        h = [act[0] * Wv[k][0][i] + act[1] * Wv[k][1][i] for i in range(2)]
        act = [v.relu() for v in h] if k < 3 else h
    scores.append(act)
batch_loss = softmax_cross_entropy(scores, labels)
batch_loss.backward()
for k in (1, 2, 3):
    engine = np.array([[v.grad for v in row] for row in Wv[k]])
    assert close(by_formula[k], engine), k
print(f"batch loss {batch_loss.data:.6f}; dW1, dW2, dW3 from the formulas match the engine")

# %% [markdown]
# ## Two slips about the squared-error loss
#
# The notes' first example uses L = (y − t)²/n, whose derivative they write correctly:
# ∂L/∂y = 2(y − t)/n. In the two-unit section they write ∂L/∂y_i = y_i − t_i, which drops the
# 2/n. (That is the right number for softmax with cross-entropy, as above, but not for a
# squared error.) Take the network's scores as the outputs, y = h3, with the squared error of
# one sample (n = 1):

# %%
fresh = forward(x, W1, W2, W3, label)  # a new graph, all grads 0
scores_v = [fresh["h31"], fresh["h32"]]
target = [0.2, 0.9]
se = Value.sum([(s - tt) ** 2 for s, tt in zip(scores_v, target)]) / 1
se.backward()
engine_dL_dy = [s.grad for s in scores_v]
notes_dL_dy = [s.data - tt for s, tt in zip(scores_v, target)]  # as written: y - t
right_dL_dy = [2 * (s.data - tt) / 1 for s, tt in zip(scores_v, target)]
print("engine", engine_dL_dy, "\nnotes ", notes_dL_dy)
assert not close(notes_dL_dy, engine_dL_dy)
assert close(right_dL_dy, engine_dL_dy)

# %% [markdown]
# The notes also leave a to-do: the squared error over a batch should be divided by the batch
# size. Summed, the gradient grows with the number of samples, so a learning rate that works
# for one batch size is wrong for the next. The package's `mse` takes the mean.

# %%
preds = [Value(0.3), Value(-0.2), Value(1.1), Value(0.6)]
targets = [0.0, 0.5, 1.0, 0.4]
mean_loss = mse(preds, targets)
mean_loss.backward()
mean_grads = [v.grad for v in preds]
summed = [Value(v.data) for v in preds]
Value.sum([(v - tt) ** 2 for v, tt in zip(summed, targets)]).backward()  # as in the notes
summed_grads = [v.grad for v in summed]
print("mean:", np.round(mean_grads, 4), " summed:", np.round(summed_grads, 4))
assert not close(summed_grads, mean_grads)
assert close(np.array(summed_grads) / len(preds), mean_grads)

# %% [markdown]
# ## A slip in note 004: which x?
#
# Note 004 writes one layer as y = x W with x a row of n numbers and W of shape (n, m), so
# y_i = Σ_j x_j W_ji. It then states ∂y_i/∂W_jk = x_i when i = k (0 otherwise). But W_jk
# multiplies x_j, so the derivative is x_j. With n = 3 inputs and m = 2 outputs:

# %%
xs3 = [0.5, -1.5, 2.0]
Wl = [[Value(float(v)) for v in row] for row in [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]]
worst_notes, worst_right = 0.0, 0.0
for i in range(2):
    y_i = Value.sum([xs3[j] * Wl[j][i] for j in range(3)])
    for row in Wl:
        for v in row:
            v.grad = 0.0
    y_i.backward()
    for j in range(3):
        for k in range(2):
            notes = xs3[i] if i == k else 0.0  # as written
            right = xs3[j] if i == k else 0.0
            worst_notes = max(worst_notes, abs(Wl[j][k].grad - notes))
            worst_right = max(worst_right, abs(Wl[j][k].grad - right))
print(f"largest error: with x_i {worst_notes:.3g}, with x_j {worst_right:.3g}")
assert worst_notes > 0.1 and worst_right == 0.0

# %% [markdown]
# One more small thing on the same page: the note lays the entries x_j · ∂L/∂y_i out with one
# row per output i, a matrix of shape (m, n), and says it equals xᵀ · ∂L/∂y. That product has
# shape (n, m), W's shape: the laid-out matrix is its transpose.

# %%
x_row = np.array([xs3])  # (1, n)
dy_row = np.array([[0.7, -1.1]])  # (1, m): some gradient arriving at y
laid_out = np.array([[x_row[0, j] * dy_row[0, i] for j in range(3)] for i in range(2)])
assert laid_out.shape == (2, 3) and (x_row.T @ dy_row).shape == (3, 2)
assert close(laid_out.T, x_row.T @ dy_row)

# %% [markdown]
# **Answer:** yes. Each weight's gradient is a product of local derivatives along its paths,
# summed over the paths; grouped, the products become Aᵀ · dz for every layer, with X for the
# first. Every slip above shows up at once as a number that disagrees with the engine.

# %% [markdown]
# ## Exercises
#
# Change one thing, predict the result, then check it. Each answer is a number; the cell after
# it says whether it is right.
#
# **1.** Make the true class 1 instead of 0 (target t = (0, 1)). What is dw311 now?
# (Hint: only Δy changes.)


# %%
def dW_for(W1, W2, W3, label):
    """Every weight gradient of the 2-2-2 network on the sample x, by name."""
    nodes = forward(x, W1, W2, W3, label)
    nodes["L"].backward()
    return {name: v.grad for name, v in nodes.items() if name.startswith("w")}


exercise1 = Exercise.number(
    "dw311 when the true class is 1",
    dW_for(W1, W2, W3, 1)["w311"],
    hint="Δy1 = y1 − t1, and t1 is now 0",
)

# %%
answer1 = ...

# %%
exercise1.check(answer1)

# %% [markdown]
# **2.** Set w211 = −0.5 (row 0, column 0 of W2). Unit h21 goes negative. How many of the
# four entries of dW2 are then exactly zero?

# %%
W2_dead = W2.copy()
W2_dead[0, 0] = -0.5
dead = dW_for(W1, W2_dead, W3, label)
exercise2 = Exercise.number(
    "zero entries of dW2 with w211 = -0.5",
    sum(dead[name] == 0.0 for name in ("w211", "w212", "w221", "w222")),
    hint="ReLU′(h21) = 0 stops the gradient into every weight that feeds h21",
)

# %%
answer2 = ...

# %%
exercise2.check(answer2)

# %% [markdown]
# **3.** With two classes y1 + y2 = 1, so Δy2 = −Δy1. Without computing anything, what is
# dw311 + dw321?

# %%
exercise3 = Exercise.number(
    "dw311 + dw321", net["w311"].grad + net["w321"].grad, abs_tol=1e-12, hint="factor out a21"
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
assert exercise1.accepts(a21 * y[0]) and not exercise1.accepts(a21 * (y[0] - 1))
assert exercise2.accepts(2) and not exercise2.accepts(4)
assert exercise3.accepts(0.0) and not exercise3.accepts(2 * dw311)
