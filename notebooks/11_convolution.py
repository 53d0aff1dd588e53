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
# # 11. Convolution
#
# **Question:** a convolution layer slides one small kernel over its whole input. How do the
# gradients flow back through it, to the kernel and to the input?
#
# We build a 1-D and then a 2-D convolution from scalar gates, derive its two backward
# formulas (dW is the input correlated with dY; dX is dY fully convolved with the kernel),
# check both against the engine, see why a shared weight's gradient is a sum, and train a
# convolution to find a pattern anywhere in an image.

# %%
import tempfile
from pathlib import Path

from micrograd_notes.figures import style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np

from micrograd_notes import Tape, Value, gc_paused, topological_order, vectorized, weights
from micrograd_notes.exercises import exercise
from micrograd_notes.losses import binary_cross_entropy
from micrograd_notes.nn import Conv1d, Conv2d
from micrograd_notes.optim import Adam

# %% [markdown]
# ## A 1-D convolution from scalars
#
# A kernel w of k weights slides along an input x of n numbers; at each of the n − k + 1
# positions that keep it inside the input ("valid"), the output is a weighted sum of the window:
#
# y_i = w_0 x_i + w_1 x_(i+1) + ... + w_(k−1) x_(i+k−1) + b.
#
# (Deep learning calls this a convolution; strictly it is a cross-correlation, since the kernel
# is not flipped. The flip will turn up in the backward pass.) Here it is from `*` and `+`
# gates, next to the package's `Conv1d`, whose outputs are one fused `dot` node each.

# %%
x_data = [0.5, -1.0, 2.0, 0.3, -0.7, 1.2]
w_data, b_data = [0.4, -0.6, 0.9], 0.1
n, k = len(x_data), len(w_data)
m = n - k + 1

x = [Value(v, f"x{i}") for i, v in enumerate(x_data)]
w = [Value(v, f"w{j}") for j, v in enumerate(w_data)]
b = Value(b_data, "b")
y = []
for i in range(m):
    total = b
    for j in range(k):
        total = total + w[j] * x[i + j]
    y.append(total)

conv = Conv1d(k)
conv.load_state_dict({"w.0": 0.4, "w.1": -0.6, "w.2": 0.9, "b": 0.1})
print("from gates:", [round(v.data, 4) for v in y])
print("Conv1d:    ", [round(v.data, 4) for v in conv(x_data)])
assert len(y) == m == 4
assert np.allclose([v.data for v in y], [v.data for v in conv(x_data)], rtol=0, atol=1e-12)

# %% [markdown]
# ## The backward pass, derived
#
# Say a later part of the network sends back g_i = ∂L/∂y_i (call the vector dY). Each y_i is a
# sum of products, so the gate rules of notebook 02 give everything: the add gate passes g_i
# on unchanged, and the multiply gate w_j · x_(i+j) hands each factor g_i times the other
# factor. Where one value feeds several windows, its contributions add (notebook 00: two
# paths add).
#
# **The kernel.** w_j sits in every window, multiplied by x_(i+j) in window i, so
#
# ∂L/∂w_j = Σ_i g_i x_(i+j), that is **dW = x ⋆ dY**:
#
# the same sliding weighted sum as the forward pass, with dY in the role of the kernel
# (a window of length m, slid over x, fits at exactly k positions, one per weight).
#
# **The input.** x_t is multiplied by w_(t−i) in every window i that covers it
# (0 ≤ t − i < k), so
#
# ∂L/∂x_t = Σ_i g_i w_(t−i).
#
# As t grows the kernel index falls: the kernel is met back to front. Pad dY with k − 1 zeros
# on both sides (windows that would hang off the edge contribute nothing), slide the
# **flipped** kernel over it, and you get dX: **dX = pad(dY) ⋆ flip(w)**, a "full"
# convolution, one output per input. We let the engine back-propagate L = Σ g_i y_i and
# compare.

# %%
g = np.array([0.3, -1.1, 0.8, 0.5])  # an upstream gradient dY, any numbers will do
L = Value.sum([gi * yi for gi, yi in zip(g, y)])
L.backward()
dX_engine = np.array([v.grad for v in x])
dW_engine = np.array([v.grad for v in w])
x_arr, w_arr = np.array(x_data), np.array(w_data)

dW_formula = np.array([sum(g[i] * x_arr[i + j] for i in range(m)) for j in range(k)])
padded = np.concatenate([np.zeros(k - 1), g, np.zeros(k - 1)])
flipped = w_arr[::-1]

# The wrong way first: slide the kernel as it is, unflipped, over the padded dY.
dX_unflipped = np.array([padded[t : t + k] @ w_arr for t in range(n)])
print("dX, engine:          ", dX_engine.round(4))
print("dX, kernel unflipped:", dX_unflipped.round(4))
assert not np.allclose(dX_unflipped, dX_engine)

dX_formula = np.array([padded[t : t + k] @ flipped for t in range(n)])
print("dX, kernel flipped:  ", dX_formula.round(4))
assert np.allclose(dX_formula, dX_engine, rtol=0, atol=1e-12)
assert np.allclose(dW_formula, dW_engine, rtol=0, atol=1e-12)
assert abs(b.grad - g.sum()) < 1e-12  # b is in every window: db = Σ dY

# The same two formulas in NumPy's words: correlation for dW, true convolution for dX.
assert np.allclose(dW_engine, np.correlate(x_arr, g, mode="valid"), atol=1e-12)
assert np.allclose(dX_engine, np.convolve(g, w_arr, mode="full"), atol=1e-12)

# %% [markdown]
# `np.convolve` is the textbook convolution, which flips its second argument: that is why the
# backward pass of a layer that does *not* flip is a convolution that does.
#
# ## Shared weights: gradients from several paths add up
#
# In a fully connected layer each weight is used once per sample. Here w_j is used in all
# m = 4 windows: the graph has four multiplication nodes with w_j as a parent, four paths from
# w_j to L. When a value reaches the output along several paths, the path derivatives add
# (notebook 00), and the sum Σ_i g_i x_(i+j) above is exactly that: one term per window. The
# engine does it with its `+=` into `w_j.grad`.

# %%
graph = topological_order(L)
for j in range(k):
    uses = [node for node in graph if any(p is w[j] for p in node.parents)]
    per_path = [g[i] * x_data[i + j] for i in range(m)]
    print(f"w{j}: {len(uses)} paths, contributions {np.round(per_path, 3)}, sum {sum(per_path):.4f}, grad {w[j].grad:.4f}")
    assert len(uses) == m
    assert abs(sum(per_path) - w[j].grad) < 1e-12

# %% [markdown]
# Sharing is what makes a convolution cheap and translation-aware: 3 weights serve 4 outputs
# here (a fully connected layer from 6 inputs to 4 outputs needs 24), and whatever the kernel
# learns to detect, it detects at every position.
#
# ## In 2-D
#
# An image X of H × W pixels and a kernel of kh × kw weights give
# (H − kh + 1) × (W − kw + 1) outputs,
#
# y_(r,c) = b + Σ_(i,j) w_(i,j) x_(r+i, c+j).
#
# With g_(r,c) = ∂L/∂y_(r,c) arriving, the derivation goes as in 1-D, one index pair at a
# time.
#
# **The kernel.** w_(i,j) is in every window (r, c), multiplied by x_(r+i, c+j), so
#
# ∂L/∂w_(i,j) = Σ_(r,c) g_(r,c) x_(r+i, c+j), that is **dW = X ⋆ dY**:
#
# a window of dY's size slid over X, which fits at kh × kw places, one per weight.
#
# **The input.** x_(p,q) meets the weight w_(p−r, q−c) in every window (r, c) that covers it
# (0 ≤ p − r < kh and 0 ≤ q − c < kw), so
#
# ∂L/∂x_(p,q) = Σ_(r,c) g_(r,c) w_(p−r, q−c).
#
# As r grows the kernel's row index falls, and as c grows its column index falls: the kernel
# is met back to front along **both** axes, that is turned by 180°. Pad dY with kh − 1 rows
# and kw − 1 columns of zeros on each side and slide the turned kernel over it:
# **dX = pad(dY) ⋆ flip(W)**. The bias is in every window, so ∂L/∂b = Σ_(r,c) g_(r,c).
#
# We use a kernel that is not square (2 × 3), so that a mix-up of rows and columns cannot
# pass unnoticed, and show that flipping along one axis only is wrong.

# %%
def correlate2d(A, K):
    """Valid 2-D cross-correlation with plain loops: out[r, c] = Σ K[i, j] A[r + i, c + j]."""
    rows, cols = A.shape[0] - K.shape[0] + 1, A.shape[1] - K.shape[1] + 1
    return np.array(
        [[np.sum(A[r : r + K.shape[0], c : c + K.shape[1]] * K) for c in range(cols)] for r in range(rows)]
    )


rng = np.random.default_rng(0)
X2 = rng.normal(size=(4, 5))
conv2 = Conv2d((2, 3), seed=1)
conv2.b.data = 0.2
W2 = np.array([[v.data for v in row] for row in conv2.w])
pixels = [[Value(v) for v in row] for row in X2.tolist()]
Y2 = conv2(pixels)  # 3 rows of 3 outputs
G2 = rng.normal(size=(3, 3))
Value.sum([gv * yv for g_row, y_row in zip(G2, Y2) for gv, yv in zip(g_row, y_row)]).backward()
dX2_engine = np.array([[v.grad for v in row] for row in pixels])
dW2_engine = np.array([[v.grad for v in row] for row in conv2.w])

assert np.allclose([[v.data for v in row] for row in Y2], correlate2d(X2, W2) + 0.2, atol=1e-12)
assert np.allclose(dW2_engine, correlate2d(X2, G2), rtol=0, atol=1e-12)
G2_padded = np.pad(G2, [(1, 1), (2, 2)])  # kh - 1 = 1 row, kw - 1 = 2 columns on each side
kernels = {
    "not flipped": W2,
    "flipped left to right only": W2[:, ::-1],
    "flipped upside down only": W2[::-1, :],
    "turned by 180°": W2[::-1, ::-1],
}
for name, kernel_used in kernels.items():
    error = np.abs(correlate2d(G2_padded, kernel_used) - dX2_engine).max()
    print(f"dX with the kernel {name:>26}: largest error against the engine {error:.1e}")
    assert (error < 1e-12) == (name == "turned by 180°")
print("dW = X ⋆ dY matches the engine to 1e-12")

# %% [markdown]
# The package's NumPy twin, `vectorized.Conv2d`, does the same with matrix operations on a
# whole batch (a leading batch axis), and agrees with the engine to 1e-10.

# %%
twin = vectorized.Conv2d.from_module(conv2)
dX_twin, dW_twin, db_twin = twin.backward(X2[None], G2[None])
assert np.allclose(twin.forward(X2[None])[0], [[v.data for v in row] for row in Y2], rtol=0, atol=1e-10)
assert np.allclose(dX_twin[0], dX2_engine, rtol=0, atol=1e-10)
assert np.allclose(dW_twin, dW2_engine, rtol=0, atol=1e-10)
assert abs(db_twin - conv2.b.grad) < 1e-10
assert abs(conv2.b.grad - G2.sum()) < 1e-12

# %% [markdown]
# ## A pattern detector, trained end to end
#
# The task: 6 × 6 images of noise, half of which contain a 3 × 3 "X" somewhere (at a random
# position). Is there an X in the image? The model is one `Conv2d(3)` followed by the largest
# of its 16 outputs: if the kernel responds to an X, the largest response says whether an X
# is present, wherever it is. That maximum is the logit of a binary cross-entropy loss,
# −[y log σ(z) + (1 − y) log(1 − σ(z))] averaged over the images, with σ the sigmoid and y = 1
# for an image with an X. The max gate routes the gradient to the window that won
# (notebook 02), so each step teaches the kernel from the one window it liked best. The
# model has 10 parameters (9 weights and a bias) and no idea, at the start, what to look for.
#
# One kernel has no symmetry to break (unlike the neurons of a layer), so we start it at zero
# rather than at a random detector, and let the gradient choose. The optimiser is Adam
# (notebook 10); the loop is one small function.

# %%
MOTIF = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])


def make_images(count, seed, size=6, noise=0.3):
    """Noise images; label 1 ones get the motif added at a random place, returned too."""
    rng = np.random.default_rng(seed)
    images = rng.normal(scale=noise, size=(count, size, size))
    labels = rng.integers(0, 2, size=count)
    places = rng.integers(0, size - 2, size=(count, 2))
    for image, label, (r, c) in zip(images, labels, places):
        if label:
            image[r : r + 3, c : c + 3] += MOTIF
    return images, labels, places


def logit(detector, image):
    """The largest of the detector's outputs over the image: its evidence for an X."""
    outputs = [v for row in detector(image.tolist()) for v in row]
    best = outputs[0]
    for v in outputs[1:]:
        best = best.max(v)
    return best


def train_detector(detector, images, labels, steps, lr=0.05):
    """Adam on the binary cross-entropy of the max-response logits; the loss of every step."""
    opt = Adam(detector.parameters(), lr=lr)
    curve = []
    for _ in range(steps):
        with gc_paused(), Tape():  # the fast path (notebook 03): same numbers, less work
            loss = binary_cross_entropy([logit(detector, im) for im in images], labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            curve.append(loss.data)
            del loss
    return curve


def accuracy(detector, images, labels):
    """Fraction of images whose logit has the right sign (> 0: "there is an X")."""
    return np.mean([(logit(detector, im).data > 0) == bool(lab) for im, lab in zip(images, labels)])


train_x, train_y, _ = make_images(60, seed=0)
test_x, test_y, test_places = make_images(200, seed=1)

detector = Conv2d(3)
detector.load_state_dict({name: 0.0 for name in detector.state_dict()})
curve = train_detector(detector, train_x, train_y.tolist(), steps=200)
train_acc, test_acc = accuracy(detector, train_x, train_y), accuracy(detector, test_x, test_y)
kernel = np.array([[v.data for v in row] for row in detector.w])
likeness = np.corrcoef(kernel.ravel(), MOTIF.ravel())[0, 1]
print(f"loss {curve[0]:.3f} -> {curve[-1]:.3f}; accuracy: training {train_acc:.0%}, "
      f"200 new images {test_acc:.0%}")
print(f"correlation of the learned kernel with the X: {likeness:.2f}")
assert curve[-1] < 0.2 * curve[0]
assert test_acc >= 0.95
assert likeness > 0.8

fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(curve, color="k")
ax.set(xlabel="Adam step", ylabel="binary cross-entropy (log scale)", yscale="log",
       title="training the detector")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Where does it fire? On the new images that contain an X, the strongest response should sit
# where the X was put. The NumPy twin computes all 200 response maps at once.

# %%
twin = vectorized.Conv2d.from_module(detector)
responses = twin.forward(test_x)  # (200, 4, 4)
found = [np.unravel_index(np.argmax(resp), resp.shape) == tuple(place)
         for resp, place, lab in zip(responses, test_places, test_y) if lab]
print(f"the strongest response is on the X in {np.mean(found):.0%} of {len(found)} images with one")
assert np.mean(found) >= 0.9

example = int(np.flatnonzero(test_y)[0])
row, col = test_places[example]
fig, (image_ax, response_ax) = plt.subplots(1, 2, figsize=(8.0, 3.6))
shown = image_ax.imshow(test_x[example], cmap="gray")
image_ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 3, 3, fill=False, ec="C1", lw=2))
image_ax.set(title=f"a new image (the X planted at\nrow {row}, column {col}: orange box)",
             xlabel="column", ylabel="row", xticks=range(6), yticks=range(6))
fig.colorbar(shown, ax=image_ax, label="pixel value")
shown = response_ax.imshow(responses[example], cmap="viridis")
best = np.unravel_index(np.argmax(responses[example]), (4, 4))
response_ax.plot(best[1], best[0], "x", color="w", ms=12, mew=2)
response_ax.set(title="the kernel's response at each position\n(white ×: the largest)",
                xlabel="output column", ylabel="output row", xticks=range(4), yticks=range(4))
fig.colorbar(shown, ax=response_ax, label="conv output")
for ax in (image_ax, response_ax):
    ax.grid(False)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Output (r, c) is the window whose top-left pixel is (r, c), so the largest response sits at
# the X's own row and column.
#
# ### How much does the kernel look like the X?
#
# The planted pattern and the learned kernel, drawn on **one** colour scale, symmetric about 0
# (white is 0, red positive, blue negative), with one colour bar, and each cell's number
# written in it. Two separate colour scales would stretch each picture to its own extremes,
# and make any two patterns with the same ordering look alike.

# %%
print("weights on the X:", kernel[MOTIF == 1].round(2), " off it:", kernel[MOTIF == 0].round(2),
      f" bias: {detector.b.data:.2f}")
reach = max(np.abs(kernel).max(), np.abs(MOTIF).max())
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
for ax, (values, title) in zip(axes, ((MOTIF, "the planted X"), (kernel, "the learned kernel"))):
    shown = ax.imshow(values, cmap="RdBu_r", vmin=-reach, vmax=reach)
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=10,
                color="w" if abs(v) > 0.6 * reach else "k")
    ax.set(title=title, xlabel="column", ylabel="row", xticks=range(3), yticks=range(3))
    ax.grid(False)
fig.colorbar(shown, ax=axes, label="pixel value (left), weight (right)")
assert style_problems(fig) == []
plt.show()
assert kernel[MOTIF == 1].min() > kernel[MOTIF == 0].max() and detector.b.data < 0

# %% [markdown]
# On the same scale the resemblance is partial, and the numbers say how. The kernel's five X
# cells are its five largest weights, so it ranks the cells as the X does (their correlation
# is 0.94, printed above). But it is not a copy: the X cells hold about 1.5 to 2.5 rather than
# 1, and the four other cells are not 0 but about 0.5, so the kernel also adds up the
# window's overall brightness. The negative bias sets the threshold that noise alone stays
# under.
#
# A convolution layer is a `Module` like any other, so its weights are saved and loaded the
# same way (`weights.save` writes the kernel and the bias as JSON).

# %%
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "detector.json"
    weights.save(detector, path)
    reloaded = weights.load(path)
assert isinstance(reloaded, Conv2d) and reloaded.state_dict() == detector.state_dict()
assert logit(reloaded, test_x[example]).data == logit(detector, test_x[example]).data

# %% [markdown]
# **Answer:** through a convolution, the kernel's gradient is the input correlated with the
# upstream gradient (a sum over every place the shared kernel was used), and the input's
# gradient is the upstream gradient fully convolved with the kernel, that is, correlated with
# the kernel turned back to front (by 180° in 2-D). Both are again sliding weighted sums of
# the forward pass's size, so the backward pass costs about two forward passes.
#
# ## Exercises
#
# ### Exercise: the backward pass of a 1-D convolution
#
# Write `conv1d_backward`: given the input x, the kernel k and the gradient dy arriving at the
# output of y[i] = Σ_j x[i + j] · k[j] (no bias), return (dx, dk). Work from the formulas of
# "The backward pass, derived". The checker compares with the package's NumPy twin on inputs
# and kernels of several lengths.

# %%
def conv1d_backward(x, k, dy):
    """The gradients of y[i] = sum over j of x[i + j] * k[j] (x of length n, k of length m,
    y of length n - m + 1), given dy, the gradient arriving at y.
    Returns (dx, dk): dx of x's length, dk of k's length."""
    ...

# %%
exercise("conv1d_backward").check(conv1d_backward);

# %% [markdown]
# ### Exercise: one entry of dx, by hand
#
# The kernel is w = (1, 2, 3), the input has 5 numbers, and the gradient arriving at the three
# outputs is dY = (1, −2, 0). What is ∂L/∂x_2 (counting from 0)?

# %%
conv_dx_entry = ...

# %%
exercise("conv_dx_entry").check(conv_dx_entry);

# %% [markdown]
# ### Exercise: the backward pass of a 2-D convolution
#
# Write `conv2d_backward` for one image: given x of shape (H, W), the kernel k of shape
# (kh, kw) and the gradient dy arriving at y[r, c] = Σ_(i,j) x[r + i, c + j] · k[i, j], return
# (dx, dk). Work from "In 2-D". The checker uses images and kernels that are not square.

# %%
def conv2d_backward(x, k, dy):
    """The gradients of y[r, c] = sum over i, j of x[r + i, c + j] * k[i, j]
    (x of shape (H, W), k of shape (kh, kw), y of shape (H - kh + 1, W - kw + 1)),
    given dy, the gradient arriving at y. Returns (dx, dk), of x's and k's shapes."""
    ...

# %%
exercise("conv2d_backward").check(conv2d_backward);
