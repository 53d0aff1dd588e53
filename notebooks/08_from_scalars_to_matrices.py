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
# # 8. From scalars to matrices
#
# **Question:** the engine works one number at a time; tensor libraries work on whole
# matrices. Are they computing the same thing, and how do we find the matrix formulas without
# guessing?
#
# Notebook 06 regrouped one layer's gradients, worked out weight by weight, into Aᵀ · dz and
# dz · Wᵀ. Here we derive those formulas for a whole batch from one general rule, see how far
# the shapes of the matrices can be trusted to find them (not as far as is often said), run
# a network both ways, scalar by scalar and a matrix at a time, and take a two-layer network
# with a softmax loss and L2 regularisation apart, one tensor at a time.

# %%
import time

from micrograd_notes.figures import label_axes, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch, Rectangle

from micrograd_notes import Value
from micrograd_notes.data import make_spiral
from micrograd_notes.exercises import exercise
from micrograd_notes.losses import l2, softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.vectorized import Linear, VectorizedMLP

as_values = np.vectorize(Value, otypes=[object])  # an array of numbers -> an array of Values
grads_of = np.vectorize(lambda v: v.grad, otypes=[float])  # an array of Values -> their grads
relu_of = np.vectorize(lambda v: v.relu(), otypes=[object])  # ReLU on every Value of an array

# %% [markdown]
# ## The general rule: add up every path
#
# A fully connected layer on a batch computes Y = X W + b, with one sample per row of X:
# X is (n, nin), W is (nin, nout), b is (nout,) and Y is (n, nout). Written entry by entry,
#
# Y_ij = Σ_k X_ik W_kj + b_j.
#
# Some loss f sits on top, and the layers above have already sent back dY, the matrix of
# ∂f/∂Y_ij. What is ∂f/∂W_kl? The weight W_kl reaches f through every entry of Y it appears
# in, and notebook 00 showed that the contributions of several paths add. So, for any input X
# of any shape and the intermediate values q it feeds:
#
# **∂f/∂X = Σ_q ∂f/∂q · ∂q/∂X**, one term per intermediate q.
#
# Here the q are the entries Y_ij, and their local derivatives are read off the line above:
#
# - ∂Y_ij/∂W_kl = X_ik when j = l, and 0 otherwise (W_kl only reaches column l);
# - ∂Y_ij/∂X_ik = W_kj (X_ik reaches every column of row i);
# - ∂Y_ij/∂b_l = 1 when j = l, and 0 otherwise (b_l is added to every row of column l).
#
# Putting them into the rule and dropping the zero terms:
#
# - dW_kl = Σ_i Σ_j dY_ij · ∂Y_ij/∂W_kl = Σ_i X_ik dY_il, which is entry (k, l) of **Xᵀ dY**;
# - dX_ik = Σ_j dY_ij W_kj, which is entry (i, k) of **dY Wᵀ**;
# - db_l = Σ_i dY_il: **the column sums of dY**.
#
# First the rule exactly as written: for every entry of W, X and b, loop over every entry of
# Y and add dY_ij times the local derivative. Then the three matrix products.

# %%
rng = np.random.default_rng(0)
n, nin, nout = 5, 3, 4
layer = Linear(rng.normal(size=(nin, nout)), rng.normal(size=nout))
X = rng.normal(size=(n, nin))
dY = rng.normal(size=(n, nout))  # pretend this arrived from the layers above

rule_dW, rule_dX, rule_db = np.zeros((nin, nout)), np.zeros((n, nin)), np.zeros(nout)
for i in range(n):
    for j in range(nout):  # one intermediate q = Y_ij at a time
        for k in range(nin):
            rule_dW[k, j] += dY[i, j] * X[i, k]  # dY_ij · ∂Y_ij/∂W_kj (zero for other columns)
            rule_dX[i, k] += dY[i, j] * layer.W[k, j]  # dY_ij · ∂Y_ij/∂X_ik
        rule_db[j] += dY[i, j]  # dY_ij · ∂Y_ij/∂b_j

dX, dW, db = layer.backward(X, dY)  # dY Wᵀ, Xᵀ dY, column sums
assert np.allclose(rule_dW, X.T @ dY, rtol=0, atol=1e-14) and np.allclose(rule_dW, dW)
assert np.allclose(rule_dX, dY @ layer.W.T, rtol=0, atol=1e-14) and np.allclose(rule_dX, dX)
assert np.allclose(rule_db, dY.sum(axis=0), rtol=0, atol=1e-14) and np.allclose(rule_db, db)
print("dX", dX.shape, " dW", dW.shape, " db", db.shape, ": the rule and the products agree")

# %% [markdown]
# Each gradient came out with the shape of what it is the gradient of: dX like X, dW like W,
# db like b. That is no accident. There is one partial derivative per entry of W, so dW has
# one entry per entry of W.
#
# ## Never build the Jacobian: multiply by it
#
# The rule is a product with a big matrix. Lay Y and X out as long vectors (n·nout = 20 and
# n·nin = 15 numbers). All the local derivatives ∂Y_ij/∂X_rk together form the **Jacobian**
# J, a 20 × 15 matrix, and the rule says: the row vector dY (flattened) times J is dX
# (flattened). That product is called a *vector–Jacobian product*. We build J here, once, to
# see what it holds.

# %%
J = np.zeros((n * nout, n * nin))  # J[(i, j), (r, k)] = ∂Y_ij / ∂X_rk
for i in range(n):
    for j in range(nout):
        for k in range(nin):
            J[i * nout + j, i * nin + k] = layer.W[k, j]  # Y_ij only depends on row i of X

assert np.allclose((dY.ravel() @ J).reshape(n, nin), dY @ layer.W.T, rtol=0, atol=1e-14)
nonzero, W = np.count_nonzero(J), layer.W
print(f"J is {J.shape}: {J.size} entries; {nonzero} are not 0: W's {W.size} entries, {n} times")
assert nonzero == n * layer.W.size and J.size == (n * nout) * (n * nin)

# %% [markdown]
# Of the 300 entries, 240 are zero (sample i's outputs do not depend on sample r's inputs),
# and the other 60 are the 12 numbers of W, repeated once per sample. The product dY Wᵀ does
# the same arithmetic without ever writing J down. At a realistic size the difference is the
# difference between possible and impossible:

# %%
batch, width = 64, 512
jacobian_entries = (batch * width) ** 2
print(
    f"a batch of {batch} through a {width} → {width} layer: J would hold {jacobian_entries:.3g} numbers "
    f"({jacobian_entries * 8 / 1e9:.1f} GB of float64);"
)
print(f"dY Wᵀ reads W's {width * width:,} numbers and does {batch * width * width:,} multiply-adds")
assert jacobian_entries == 2**30  # 1.07e9

# %% [markdown]
# So a backward pass never builds a Jacobian; it multiplies by it, using what the Jacobian is
# made of (here W, transposed). Notebook 07 drew the same thing for one sample: the reversed
# network carries Wᵀ on its edges.
#
# ## Shapes decide the formulas
#
# The fact that every gradient has the shape of its variable gives a memory aid called
# **dimension analysis**. With X (n, nin), W (nin, nout) and dY (n, nout):
#
# | gradient | must have shape | a product that fits |
# | --- | --- | --- |
# | dX | (n, nin) | dY · Wᵀ : (n, nout)(nout, nin) |
# | dW | (nin, nout) | Xᵀ · dY : (nin, n)(n, nout) |
# | db | (nout,) | the column sums of dY (b was added to every row) |
#
# In every product the inner sizes match, and they are *summed away*: each entry of the
# result is one row of the left factor times one column of the right factor, added up. The
# picture draws each formula to scale for this layer (n = 5, nin = 3, nout = 4), one square
# per number, and picks out one entry of each result with what it is made of (rows and
# columns counted from 0, as NumPy counts them).

# %%
def draw_product(ax, terms, title):
    """Matrices as grids of squares, left to right, to scale; a string between them is an
    operator. A matrix is (name, shape, colour, hatch, picked): ``picked`` is the set of
    (row, column) squares to outline, the ones that make the picked entry of the result.
    A shape of one number, (m,), is a vector: one row of m squares."""
    x = 0.0
    for term in terms:
        if isinstance(term, str):
            width = 0.9 + 0.33 * (len(term) - 1)
            ax.text(
                x + width / 2,
                0,
                term,
                fontsize=13 if len(term) == 1 else 10,
                ha="center",
                va="center",
            )
            x += width
            continue
        name, shape, colour, hatch, picked = term
        rows, cols = (1, shape[0]) if len(shape) == 1 else shape
        top = rows / 2
        for r in range(rows):
            for c in range(cols):
                on = (r, c) in picked
                ax.add_patch(
                    Rectangle(
                        (x + c, top - r - 1),
                        1,
                        1,
                        fc=colour,
                        ec="black" if on else "0.55",
                        lw=2.2 if on else 0.6,
                        hatch=hatch,
                        zorder=3 if on else 2,
                        alpha=1.0 if on or not picked else 0.55,
                    )
                )
        ax.text(x + cols / 2, top + 0.3, f"{name}  {shape}", ha="center", va="bottom", fontsize=10)
        x += cols + 0.25
    ax.set_xlim(-0.3, x + 0.3)
    ax.set_ylim(-3.2, 3.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10, loc="left")


blue, green, orange, purple = "#a6d4f2", "#8fd9bf", "#f5cf80", "#e8bcd7"  # Okabe-Ito, lightened
k_, l_, i_ = 1, 2, 3  # the entries picked out: dW[1, 2], dX[3, 1], db[2]
fig, axes = plt.subplots(3, 1, figsize=(8.0, 8.6))
draw_product(
    axes[0],
    [
        ("dW", (nin, nout), green, "", {(k_, l_)}),
        "=",
        ("Xᵀ", (nin, n), blue, "//", {(k_, c) for c in range(n)}),
        "·",
        ("dY", (n, nout), orange, "", {(r, l_) for r in range(n)}),
    ],
    f"dW = Xᵀ · dY:  dW[{k_}, {l_}] = row {k_} of Xᵀ times column {l_} of dY, {n} products added:\n"
    f"the batch size n = {n} is summed away",
)
draw_product(
    axes[1],
    [
        ("dX", (n, nin), blue, "", {(i_, k_)}),
        "=",
        ("dY", (n, nout), orange, "", {(i_, c) for c in range(nout)}),
        "·",
        ("Wᵀ", (nout, nin), green, "//", {(r, k_) for r in range(nout)}),
    ],
    f"dX = dY · Wᵀ:  dX[{i_}, {k_}] = row {i_} of dY times column {k_} of Wᵀ, {nout} products added:\n"
    f"the outputs nout = {nout} are summed away",
)
draw_product(
    axes[2],
    [
        ("db", (nout,), purple, "", {(0, l_)}),
        "= column sums of",
        ("dY", (n, nout), orange, "", {(r, l_) for r in range(n)}),
    ],
    f"db = Σ over the rows of dY:  db[{l_}] adds column {l_} of dY, {n} numbers:\n"
    f"b is a vector of shape (nout,) = ({nout},), and the batch is summed away",
)
fig.legend(
    handles=[
        Patch(fc=blue, ec="0.4", label="X and dX: (n, nin)"),
        Patch(fc=blue, ec="0.4", hatch="//", label="Xᵀ: (nin, n), X transposed"),
        Patch(fc=green, ec="0.4", label="W and dW: (nin, nout)"),
        Patch(fc=green, ec="0.4", hatch="//", label="Wᵀ: (nout, nin), W transposed"),
        Patch(fc=orange, ec="0.4", label="Y and dY: (n, nout)"),
        Patch(fc=purple, ec="0.4", label="b and db: (nout,)"),
        Patch(fc="white", ec="black", lw=2.2, label="one entry and what it sums"),
    ],
    loc="outside lower center",
    ncol=2,
    fontsize=9,
    frameon=False,
)
fig.suptitle(
    f"Each entry of a product sums a row times a column (n = {n}, nin = {nin}, nout = {nout})"
)
assert style_problems(fig) == []
plt.show()

# The outlined squares really are what the picked entries add up.
assert np.isclose(dW[k_, l_], sum(X.T[k_, r] * dY[r, l_] for r in range(n)))
assert np.isclose(dX[i_, k_], sum(dY[i_, c] * layer.W.T[c, k_] for c in range(nout)))
assert np.isclose(db[l_], sum(dY[r, l_] for r in range(n)))

# %% [markdown]
# ## Common mistake: trusting the shapes on a square layer
#
# Dimension analysis is often taught as "only one product fits the shape, so it must be the
# right one". On this layer, where n = 5, nin = 3 and nout = 4 all differ, that happens to be
# true. It is false whenever two of the sizes coincide.
#
# Take the last layer of notebook 06's 2-2-2 network: one sample (n = 1) with two inputs
# and two outputs, so W3 is 2 × 2. The gradient arriving at its scores is dz3 = p − y (from
# the softmax cross-entropy of notebook 05), and the gradient it passes down to the
# activations a2 must have a2's shape, (1, 2). Both dz3 · W3ᵀ and dz3 · W3 have that shape.

# %%
x06 = np.array([1.0, 0.5])  # notebook 06's input, weights and true class
W1 = np.array([[0.5, 0.4], [-0.3, 0.8]])
W2 = np.array([[0.7, 0.3], [-0.1, 0.9]])
W3 = np.array([[0.6, -0.4], [-0.5, 0.8]])
label = 0

# The network from Values, to ask the engine what really arrives at a2.
a1 = relu_of(as_values(x06[None, :]) @ as_values(W1))  # one sample as a row: (1, 2)
a2 = relu_of(a1 @ as_values(W2))
scores = a2 @ as_values(W3)
softmax_cross_entropy([list(scores[0])], [label]).backward()

dz3 = grads_of(scores)  # (1, 2): p − y
with_transpose, without = dz3 @ W3.T, dz3 @ W3
print(
    "dz3       =",
    dz3.round(4),
    "\ndz3 · W3ᵀ =",
    with_transpose.round(4),
    with_transpose.shape,
    "\ndz3 · W3  =",
    without.round(4),
    without.shape,
    "\nthe engine's grad at a2:",
    grads_of(a2).round(4),
)
assert with_transpose.shape == without.shape == a2.shape == (1, 2)
assert np.allclose(grads_of(a2), with_transpose, rtol=0, atol=1e-12)
assert np.abs(without - with_transpose).max() > 0.05

# %% [markdown]
# Both products fit; they differ (−0.7125 against −0.7837 in the first entry, 0.9262 against
# 0.8550 in the second), and only dz3 · W3ᵀ is what the engine computes. A shape check
# cannot tell them apart. The same happens to dW3: with n = 1 both a2ᵀ · dz3 and its
# transpose dz3ᵀ · a2 are 2 × 2.
#
# How often can the shapes decide? Count, for each gradient, the products of the two matrices
# it is made of (either one transposed or not, in either order) that have the right shape, on
# the 5-3-4 layer above and on square ones:

# %%
def fitting_products(A, B, shape):
    """The distinct products of A or Aᵀ with B or Bᵀ, in either order, that have this shape."""
    found = []
    for P in (A, A.T):
        for Q in (B, B.T):
            for left, right in ((P, Q), (Q, P)):
                if left.shape[1] == right.shape[0]:
                    product = left @ right
                    if product.shape == shape and not any(np.allclose(product, f) for f in found):
                        found.append(product)
    return found


rows = []
for sizes in [(5, 3, 4), (1, 2, 2), (3, 3, 3)]:
    n_, nin_, nout_ = sizes
    X_, W_, dY_ = (
        rng.normal(size=(n_, nin_)),
        rng.normal(size=(nin_, nout_)),
        rng.normal(size=(n_, nout_)),
    )
    count_dX = len(fitting_products(dY_, W_, (n_, nin_)))
    count_dW = len(fitting_products(X_, dY_, (nin_, nout_)))
    rows.append((sizes, count_dX, count_dW))
    print(f"n, nin, nout = {sizes}: products of dX's shape: {count_dX}, of dW's shape: {count_dW}")
assert rows[0][1:] == (1, 1)  # all sizes differ: the shape decides
assert rows[1][1:] == (2, 2)  # notebook 06's layer: two candidates each
assert rows[2][1:] == (8, 8)  # all sizes equal: every product fits, and all 8 differ

# %% [markdown]
# With all three sizes different, one product fits each shape. On notebook 06's layer two
# do, and when n = nin = nout all eight products fit, and all eight are different. Dimension
# analysis is a mnemonic: good for recalling a formula, useless for checking one on exactly
# the square layers where the transposes are easiest to slip. To check a formula, derive it with the
# general rule, or compare it with the engine, as the next sections do. (The exercise
# at the end tries your code on a square layer first, for this reason.)
#
# ## Which axis to sum: a broadcast value collects its gradient
#
# In Y = X W + b the bias b has shape (nout,) but is added to an (n, nout) matrix: NumPy
# *broadcasts* it, copying it into every row. Each copy is a path from b_l to the loss, and
# paths add, so b_l collects the gradients of its whole column: db = dY summed over axis 0,
# the axis along which b was copied.
#
# The same holds for any broadcast: **a value copied along an axis gets the sum of the
# gradients along that axis**, and keeps its own shape. A column s of shape (n, 1) added to Y
# is copied along axis 1, so ds = dY summed over axis 1, kept as (n, 1); a single number c,
# of shape (1, 1), is copied along both axes and gets the sum of all of dY. The engine, which
# sees every copy as one more use of the same Value, agrees:

# %%
Xv, Wv, bv = as_values(X), as_values(layer.W), as_values(layer.b)
sv, cv = as_values(rng.normal(size=(n, 1))), as_values([[0.3]])
Yv = Xv @ Wv + bv + sv + cv  # b copied down the rows, s across the columns, c everywhere
(Yv * dY).sum().backward()  # a loss whose gradient at Y is exactly dY
assert np.allclose(grads_of(bv), dY.sum(axis=0), rtol=0, atol=1e-12)
assert np.allclose(grads_of(sv), dY.sum(axis=1, keepdims=True), rtol=0, atol=1e-12)
assert np.allclose(grads_of(cv), dY.sum(keepdims=True), rtol=0, atol=1e-12)
print(
    "b: dY summed over axis 0",
    grads_of(bv).shape,
    "  s: over axis 1",
    grads_of(sv).shape,
    "  c: over both axes",
    grads_of(cv).shape,
)

# %% [markdown]
# **Common mistake: the wrong axis.** Summing dY over axis 1 for the bias gives a vector with
# one entry per *sample*. Usually its shape gives it away, but when the batch happens to be
# as big as the layer is wide (n = nout), it has exactly b's shape:

# %%
square_dY = rng.normal(size=(4, 4))  # n = nout = 4
wrong_db, right_db = square_dY.sum(axis=1), square_dY.sum(axis=0)
print(
    "over axis 1:",
    wrong_db.round(3),
    wrong_db.shape,
    "\nover axis 0:",
    right_db.round(3),
    right_db.shape,
)
assert wrong_db.shape == right_db.shape and not np.allclose(wrong_db, right_db)

# %% [markdown]
# ## The same layer, one scalar at a time
#
# The last section asked the engine only about the broadcast values. Now every entry: build
# Y = X W + b from `Value`s, make the loss f = Σ Y ⊙ dY (whose gradient with respect to Y is
# exactly dY), and let the scalar engine back-propagate. Every entry of dX, dW and db agrees
# with the matrix formulas. The layer's backward returns dW and db as well as dX: dX is what
# the layer below needs, and dW and db are what this layer learns from.

# %%
Xv, Wv, bv = as_values(X), as_values(layer.W), as_values(layer.b)
((Xv @ Wv + bv) * dY).sum().backward()
for name, engine, formula in [("dX", Xv, dX), ("dW", Wv, dW), ("db", bv, db)]:
    gap = np.abs(grads_of(engine) - formula).max()
    print(f"{name}: largest difference from the engine {gap:.1e}")
    assert gap < 1e-12

# %% [markdown]
# ## Common mistake: a backward pass that hands back only dX
#
# A layer's backward pass can compute all three products and hand back only dX. The layer
# below still gets its gradient, every shape fits and nothing raises, so the slip is easy to
# miss. The update of W and b then has nothing to work with. Here are both versions of a
# layer's backward pass, each putting the gradients it hands on in `grads`. Each one trains a
# layer from zero weights to fit targets T, with the mean squared error and plain gradient
# descent.

# %%
fit_rng = np.random.default_rng(1)  # a generator of its own: rng's draws stay as they were
T = X @ fit_rng.normal(size=(nin, nout)) + fit_rng.normal(size=nout)  # a line can fit T


def backward_right(W, b, X, dY, grads):
    grads["W"], grads["b"] = X.T @ dY, dY.sum(axis=0)
    return dY @ W.T


def backward_dropped(W, b, X, dY, grads):
    dW, db = X.T @ dY, dY.sum(axis=0)  # computed...
    return dY @ W.T  # ...but never handed on: grads keeps its zeros


def train_layer(backward, steps=200, lr=0.5):
    """Fit Y = X W + b to T from zero weights; the loss before each step, and the final W."""
    W, b = np.zeros((nin, nout)), np.zeros(nout)
    grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
    losses = []
    for _ in range(steps):
        Y = X @ W + b
        losses.append(((Y - T) ** 2).mean())
        backward(W, b, X, 2 * (Y - T) / Y.size, grads)  # dL/dY of the mean squared error
        W -= lr * grads["W"]
        b -= lr * grads["b"]
    return losses, W


runs = {backward.__name__: train_layer(backward) for backward in (backward_right, backward_dropped)}
for name, (losses, W_fit) in runs.items():
    print(f"{name:16s}: loss {losses[0]:.4f} -> {losses[-1]:.2g} after 200 steps; "
          f"largest |W| {np.abs(W_fit).max():.3f}")
right_losses, _ = runs["backward_right"]
dropped_losses, dropped_W = runs["backward_dropped"]
assert right_losses[-1] < 0.01 * right_losses[0]
assert dropped_losses[-1] == dropped_losses[0] and not dropped_W.any()
assert round(right_losses[0], 4) == 0.8390 and f"{right_losses[-1]:.2g}" == "5.1e-06"  # quoted below

# %% [markdown]
# With every gradient handed on, the loss falls from 0.8390 to 5.1e-06. With dX alone it stays
# at 0.8390 for all 200 steps, and W is still all zeros: the layer never learned anything. The
# layer below would still have received its gradient, so in a deeper network only this
# layer's weights freeze. That is why `linear_backward` returns three arrays, and why its
# checker refuses an answer that returns fewer.

# %% [markdown]
# ## A whole network, both ways
#
# This is what a tensor library such as PyTorch does: one operation per layer on the whole
# batch, each with a matrix backward rule like the ones above. The package's NumPy twin,
# `micrograd_notes.vectorized`, does it with nothing but NumPy: `VectorizedMLP` copies the
# weights of an `MLP` into matrices (neuron j of a layer becomes column j of W) and runs the
# batch through with the formulas above. On a spiral dataset (180 points, 3 classes) with a
# softmax cross-entropy loss, both give the same loss and the same gradient for every weight.

# %%
Xs, ys = make_spiral(60, classes=3, seed=1)
model = MLP(2, [16, 16, 3], seed=2)

start = time.perf_counter()
scalar_loss = softmax_cross_entropy([model(x) for x in Xs.tolist()], ys.tolist())
scalar_loss.backward()
scalar_seconds = time.perf_counter() - start

twin = VectorizedMLP.from_mlp(model)
start = time.perf_counter()
matrix_loss, grads = twin.loss_and_grads(Xs, ys)
matrix_seconds = time.perf_counter() - start

assert abs(matrix_loss - scalar_loss.data) < 1e-12
worst = 0.0
for layer_, (gW, gb) in zip(model.layers, grads):
    for j, neuron in enumerate(layer_.neurons):
        worst = max(
            worst,
            *(abs(w.grad - gW[i, j]) for i, w in enumerate(neuron.w)),
            abs(neuron.b.grad - gb[j]),
        )
n_weights = len(model.parameters())
print(
    f"loss {scalar_loss.data:.6f} both ways; largest difference over all {n_weights} gradients {worst:.1e}"
)
assert worst < 1e-10
print(
    f"time for one forward and backward pass: scalar engine {scalar_seconds * 1000:.0f} ms, "
    f"matrices {matrix_seconds * 1000:.2f} ms (about {scalar_seconds / matrix_seconds:.0f} times less)"
)

# %% [markdown]
# The numbers are the same; the time is not. The scalar engine makes a Python object for
# every multiplication and addition, and the matrix form hands whole products to compiled
# code. (The times vary from machine to machine; the ratio printed is this run's.)
#
# ## A two-layer net, tensor by tensor
#
# Now a network with everything the course has met so far: X → (W1, b1) → ReLU → (W2, b2) →
# scores → softmax cross-entropy, averaged over the batch, plus one new term, *L2
# regularisation*: λ times the sum of the squared weights. It grows with the size of the
# weights, so gradient descent on the total pulls every weight a little towards 0 as well as
# towards a lower data loss (a common way to keep a network from fitting its training data
# too closely; the biases are left out of it). With λ = 0.05:
#
# L = (1/N) Σ_n −log p_(n, y_n) + λ (Σ W1² + Σ W2²).
#
# We write its forward pass in NumPy keeping every intermediate tensor, then its backward pass
# **one tensor at a time**, from the loss down. After each line, that tensor's gradient is
# compared, entry by entry, with the scalar engine's gradient for the same intermediate.
# Each step is one of the rules above or of an earlier notebook:
#
# 1. dscores = (p − onehot(y)) / N: softmax cross-entropy's gradient (notebook 05), divided
#    by N because the loss is a mean over the N samples;
# 2. dW2 = Hᵀ dscores + 2λ W2 and db2 = the column sums of dscores: the linear layer, plus
#    the derivative of λ w², which is 2λw, for each weight on its own;
# 3. dH = dscores W2ᵀ: the linear layer's dX;
# 4. dZ1 = dH ⊙ [Z1 > 0]: ReLU passes the gradient where its input was positive (notebook
#    02's max gate, against 0), entry by entry;
# 5. dW1 = Xᵀ dZ1 + 2λ W1 and db1 = the column sums of dZ1.
#
# A seeded batch of N = 12 points, D = 4 features, H = 10 hidden units and C = 3 classes.

# %%
rng = np.random.default_rng(3)
N, D, H, C = 12, 4, 10, 3
reg = 0.05
Xn = rng.normal(size=(N, D))
yn = rng.integers(0, C, size=N)
params = {
    "W1": rng.normal(scale=0.5, size=(D, H)),
    "b1": rng.normal(scale=0.1, size=H),
    "W2": rng.normal(scale=0.5, size=(H, C)),
    "b2": rng.normal(scale=0.1, size=C),
}


def forward(P):
    """The loss and every intermediate tensor, in NumPy."""
    Z1 = Xn @ P["W1"] + P["b1"]
    Hid = np.maximum(Z1, 0.0)
    scores = Hid @ P["W2"] + P["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)  # notebook 05: no overflow
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(N), yn]).mean() + reg * (
        (P["W1"] ** 2).sum() + (P["W2"] ** 2).sum()
    )
    return loss, {"Z1": Z1, "H": Hid, "scores": scores, "probs": probs}


# The same network from Values, keeping the same intermediates: the engine's side.
leaves = {name: as_values(a) for name, a in params.items()}
Z1v = as_values(Xn) @ leaves["W1"] + leaves["b1"]
Hv = relu_of(Z1v)
scoresv = Hv @ leaves["W2"] + leaves["b2"]
engine_loss = softmax_cross_entropy(scoresv.tolist(), yn.tolist()) + l2(
    [*leaves["W1"].ravel(), *leaves["W2"].ravel()], reg
)
engine_loss.backward()

loss, cache = forward(params)
print(f"loss: NumPy {loss:.12f}, engine {engine_loss.data:.12f}")
assert abs(loss - engine_loss.data) < 1e-12


def cmp(name, ours, engine_values):
    """Compare one tensor's gradient with the engine's, entry by entry."""
    gap = np.abs(ours - grads_of(engine_values)).max()
    print(f"{name:8} {str(ours.shape):8} largest difference from the engine {gap:.1e}")
    assert ours.shape == engine_values.shape and gap < 1e-10, name


probs, Hid, Z1 = cache["probs"], cache["H"], cache["Z1"]
dscores = probs.copy()
dscores[np.arange(N), yn] -= 1.0
dscores /= N
cmp("dscores", dscores, scoresv)
dW2 = Hid.T @ dscores + 2 * reg * params["W2"]
cmp("dW2", dW2, leaves["W2"])
db2 = dscores.sum(axis=0)
cmp("db2", db2, leaves["b2"])
dH = dscores @ params["W2"].T
cmp("dH", dH, Hv)
dZ1 = dH * (Z1 > 0)
cmp("dZ1", dZ1, Z1v)
dW1 = Xn.T @ dZ1 + 2 * reg * params["W1"]
cmp("dW1", dW1, leaves["W1"])
db1 = dZ1.sum(axis=0)
cmp("db1", db1, leaves["b1"])
ours = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

# %% [markdown]
# Seven tensors, each equal to the engine's to rounding. Comparing every intermediate, not
# only the final dW1, is what makes this a useful way to work: a mistake shows up at the
# first tensor it touches, not three steps later.
#
# ### A relative-error gradient check over every parameter
#
# The engine and the formulas could share a mistake, so last comes a check that knows no
# derivative at all: central differences (notebook 04) of the NumPy loss, for each of the
# parameters. The measure is the relative error |a − n| / max(|a|, |n|) between an analytical
# derivative a and a numerical one n, which reads the same for large and small gradients (a
# floor of 1e-8 in the denominator keeps two tiny numbers from counting as far apart). ReLU
# has a kink at 0, where a nudge could jump across it and the difference would mean nothing,
# so we first make sure no input to a ReLU sits within 1e-3 of 0.
#
# First the wrong way: a regularisation gradient of λW, with the 2 forgotten, must fail.

# %%
def relative_errors(analytical, P, eps=1e-6):
    """|a − n| / max(|a|, |n|, 1e-8) for every entry of every parameter, by name."""
    errors = {}
    for name, A in P.items():
        out = np.zeros(A.shape)
        for idx in np.ndindex(A.shape):
            start = A[idx]
            A[idx] = start + eps
            up = forward(P)[0]
            A[idx] = start - eps
            down = forward(P)[0]
            A[idx] = start
            numerical = (up - down) / (2 * eps)
            a = analytical[name][idx]
            out[idx] = abs(a - numerical) / max(abs(a), abs(numerical), 1e-8)
        errors[name] = out
    return errors


assert np.abs(Z1).min() > 1e-3  # no ReLU input near its kink

forgot_the_2 = {**ours, "W2": ours["W2"] - reg * params["W2"]}  # λW2 in place of 2λW2
bad = relative_errors(forgot_the_2, params)
good = relative_errors(ours, params)
print(
    "worst relative error, with λW2:",
    {k: f"{v.max():.1e}" for k, v in bad.items()},
    f"(the best entry of W2: {bad['W2'].min():.1e})",
)
print("worst relative error, right:   ", {k: f"{v.max():.1e}" for k, v in good.items()})
n_params = sum(a.size for a in params.values())
print(f"{n_params} parameters checked")
assert bad["W2"].min() > 1e-3 and max(v.max() for v in good.values()) < 1e-6
assert n_params == D * H + H + H * C + C == 83

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
names = list(params)
for offset, (errors, colour, text) in enumerate(
    [
        (good, "#0072B2", "the gradients above"),
        (bad, "#D55E00", "with λW2 in place of 2λW2"),
    ]
):
    for g, name in enumerate(names):
        e = np.maximum(errors[name].ravel(), 1e-16)  # an exact 0 drawn at the floor
        xs = g + (offset - 0.5) * 0.3 + np.linspace(-0.1, 0.1, e.size)
        ax.scatter(xs, e, s=14, color=colour, label=text if g == 0 else None)
ax.set_yscale("log")
ax.axhline(1e-6, color="0.3", ls="--", lw=1, label="1e-6: the check's bound")
ax.set_xticks(range(len(names)), [f"{name} ({params[name].size} entries)" for name in names])
label_axes(
    ax,
    "parameter tensor",
    "relative error, log scale",
    "Central differences against each of the 83 derivatives",
)
ax.legend(loc="center right", bbox_to_anchor=(1.0, 0.62))
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Every one of the 83 derivatives agrees with its central difference to a relative error
# under 1e-7 (the blue points), while the forgotten 2 puts all 30 entries of W2 between
# 0.005 and 1.9 (the orange ones: large where λw is a large part of the entry's gradient,
# above 1 where it even flips the sign). The other tensors do not notice: the 2 only enters
# dW2.
#
# **Answer:** yes, it is the same computation. The matrix formulas are the scalar chain rule,
# ∂f/∂X = Σ_q ∂f/∂q · ∂q/∂X, summed over the batch and written as products; a broadcast
# value sums its gradient along the axis it was copied along. The shapes help to remember
# the formulas but cannot check them on a square layer; the engine, a tensor at a time, can.
#
# ## Exercises
#
# ### Exercise: the backward pass of a linear layer
#
# Write `linear_backward(X, W, b, dY)` for Y = X @ W + b, returning `(dX, dW, db)`. Reread
# "The general rule: add up every path". The checker runs your function on several layers,
# a square one first, against the NumPy twin.

# %%
def linear_backward(X, W, b, dY):
    """The gradients of Y = X @ W + b, for X (n, nin), W (nin, nout), b (nout,),
    given dY (n, nout), the gradient arriving at Y.
    Returns (dX, dW, db), each of the shape of what it is the gradient of."""
    ...

# %%
exercise("linear_backward").check(linear_backward);

# %% [markdown]
# ### Exercise: the two-layer net, whole
#
# Write `two_layer_backward(X, y, W1, b1, W2, b2, reg)`: the forward pass of the network
# of "A two-layer net, tensor by tensor" and then its backward pass, returning
# `(dW1, db1, dW2, db2)`. Work one tensor at a time, as that section did; the checker runs
# your function on several batches and says which tensor goes wrong first.

# %%
def two_layer_backward(X, y, W1, b1, W2, b2, reg):
    """The gradients of L = mean over the N rows of -log softmax(scores)[y] + reg·(ΣW1² + ΣW2²),
    where scores = relu(X @ W1 + b1) @ W2 + b2; X (N, D), y N integer labels, W1 (D, H),
    b1 (H,), W2 (H, C), b2 (C,). Returns (dW1, db1, dW2, db2)."""
    ...

# %%
exercise("two_layer_backward").check(two_layer_backward);

# %% [markdown]
# ### Exercise: double the inputs
#
# Double every input of a linear layer (X → 2X) and keep the same dY. What happens to dX:
# does it "double", "halve" or "stay"? Answer with one of the three words, as a string.

# %%
dX_if_X_doubles = ...

# %%
exercise("dX_if_X_doubles").check(dX_if_X_doubles);

# %% [markdown]
# And what happens to dW, with the same change?

# %%
dW_if_X_doubles = ...

# %%
exercise("dW_if_X_doubles").check(dW_if_X_doubles);
