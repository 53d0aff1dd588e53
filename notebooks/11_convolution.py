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
# Note 004 ends with an empty heading "Convolution". We fill it: build a 1-D and then a 2-D
# convolution from scalar gates, derive its two backward formulas (dW is the input correlated
# with dY; dX is dY fully convolved with the kernel), check both against the engine, see why a
# shared weight's gradient is a sum, and train a convolution to find a pattern anywhere in an
# image.

# %%
import tempfile
from pathlib import Path

import numpy as np

from micrograd_notes import Tape, Value, gc_paused, topological_order, vectorized, weights
from micrograd_notes.exercises import Exercise
from micrograd_notes.extras import require
from micrograd_notes.losses import binary_cross_entropy
from micrograd_notes.nn import Conv1d, Conv2d
from micrograd_notes.optim import Adam

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it

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
# sum of products, so the gate rules of note 003 give everything: the add gate passes g_i on
# unchanged, and the multiply gate w_j · x_(i+j) hands each factor g_i times the other factor.
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
# w_j to L. Note 002's rule for a value reaching the output along several paths is that the
# path derivatives add up, and the sum Σ_i g_i x_(i+j) above is exactly that: one term per
# window. The engine does it with its `+=` into `w_j.grad`.

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
# (H − kh + 1) × (W − kw + 1) outputs, y_(r,c) = b + Σ_(i,j) w_(i,j) x_(r+i, c+j). The
# derivation is the same one index at a time, so the formulas are too:
#
# - dW = X ⋆ dY: dW_(i,j) = Σ_(r,c) g_(r,c) x_(r+i, c+j)
# - dX = pad(dY) ⋆ flip(W), with dY padded by kh − 1 rows and kw − 1 columns of zeros on each
#   side and the kernel flipped along **both** axes (turned by 180°).
#
# We use a kernel that is not square (2 × 3), so that a mix-up of rows and columns cannot
# pass unnoticed.

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
G2_padded = np.pad(G2, [(1, 1), (2, 2)])
assert not np.allclose(correlate2d(G2_padded, W2[:, ::-1]), dX2_engine)  # flipped along one axis only
assert np.allclose(correlate2d(G2_padded, W2[::-1, ::-1]), dX2_engine, rtol=0, atol=1e-12)
print("dW = X ⋆ dY and dX = pad(dY) ⋆ flip(W): both match the engine to 1e-12")

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

# %% [markdown]
# ## A pattern detector, trained end to end
#
# The task: 6 × 6 images of noise, half of which contain a 3 × 3 "X" somewhere (at a random
# position). Is there an X in the image? The model is one `Conv2d(3)` followed by the largest
# of its 16 outputs: if the kernel responds to an X, the largest response says whether an X
# is present, wherever it is. That maximum is the logit of a binary cross-entropy loss, so the
# model has 10 parameters (9 weights and a bias) and no idea, at the start, what to look for.
#
# One kernel has no symmetry to break (unlike the neurons of a layer), so we start it at zero
# rather than at a random detector, and let the gradient choose.

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
    outputs = [v for row in detector(image.tolist()) for v in row]
    best = outputs[0]
    for v in outputs[1:]:
        best = best.max(v)
    return best


train_x, train_y, _ = make_images(60, seed=0)
test_x, test_y, test_places = make_images(200, seed=1)

detector = Conv2d(3)
detector.load_state_dict({name: 0.0 for name in detector.state_dict()})
opt = Adam(detector.parameters(), lr=0.05)
curve = []
for step in range(200):
    with gc_paused(), Tape():  # the fast path (notebooks 3 and 6): same numbers, less work
        loss = binary_cross_entropy([logit(detector, im) for im in train_x], train_y.tolist())
        opt.zero_grad()
        loss.backward()
        opt.step()
        curve.append(loss.data)
        del loss


def accuracy(images, labels):
    return np.mean([(logit(detector, im).data > 0) == bool(lab) for im, lab in zip(images, labels)])


train_acc, test_acc = accuracy(train_x, train_y), accuracy(test_x, test_y)
kernel = np.array([[v.data for v in row] for row in detector.w])
likeness = np.corrcoef(kernel.ravel(), MOTIF.ravel())[0, 1]
print(f"loss {curve[0]:.3f} -> {curve[-1]:.3f}; accuracy: training {train_acc:.0%}, 200 new images {test_acc:.0%}")
print(f"correlation of the learned kernel with the X: {likeness:.2f}")
assert curve[-1] < 0.2 * curve[0]
assert test_acc >= 0.95
assert likeness > 0.8

# %% [markdown]
# Where does it fire? On the new images that contain an X, the strongest response should sit
# where the X was put.

# %%
twin = vectorized.Conv2d.from_module(detector)
responses = twin.forward(test_x)  # all 200 images at once: (200, 4, 4)
found = [np.unravel_index(np.argmax(resp), resp.shape) == tuple(place)
         for resp, place, lab in zip(responses, test_places, test_y) if lab]
print(f"the strongest response is on the X in {np.mean(found):.0%} of {len(found)} images with one")
assert np.mean(found) >= 0.9

example = int(np.flatnonzero(test_y)[0])
fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
panels = [
    (test_x[example], f"a new image\n(X planted at row {test_places[example][0]}, column {test_places[example][1]})", "pixel value", ""),
    (responses[example], "the kernel's response\nat each position", "conv output", "output "),
    (MOTIF, "the pattern\nthat was planted", "pixel value", ""),
    (kernel, f"the learned kernel\n(bias {detector.b.data:.2f})", "weight", "kernel "),
]
for ax, (image, title, label, axis) in zip(axes, panels):
    im = ax.imshow(image, cmap="viridis")
    ax.set(title=title, xlabel=axis + "column", ylabel=axis + "row",
           xticks=range(image.shape[1]), yticks=range(image.shape[0]))
    fig.colorbar(im, ax=ax, label=label)
fig.tight_layout()
plt.show()

fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(curve, label="training loss")
ax.set(xlabel="Adam step", ylabel="binary cross-entropy", yscale="log", title="training the detector")
ax.legend()
plt.show()

# %% [markdown]
# The learned kernel is an X: large weights on the corners and the centre, small ones on the
# edges, and a negative bias so that noise alone stays below 0. Its response peaks where the
# X was planted.

# %%
print("weights on the X:", kernel[MOTIF == 1].round(2), " off it:", kernel[MOTIF == 0].round(2))
assert kernel[MOTIF == 1].min() > kernel[MOTIF == 0].max() and detector.b.data < 0

# %% [markdown]
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
# gradient is the upstream gradient fully convolved with the kernel, i.e. correlated with the
# kernel flipped. Both are again sliding weighted sums of the forward pass's size, so the
# backward pass costs about two forward passes.
#
# ## Exercises
#
# Answer each by replacing the `...` in its answer cell, then run the checker cell below it.

# %%
ex_length = Exercise.number(
    "A Conv1d with a kernel of 4 weights ('valid', stride 1) reads an input of 10 numbers. How many outputs?",
    7,
    hint="count the positions where the whole kernel fits",
)
ex_terms = Exercise.number(
    "Input of 8 numbers, kernel of 3. How many terms g_i x_(i+j) add up into dW[0]?",
    6,
    hint="one per window that uses w_0",
)
ex_dx = Exercise.number(
    "Kernel w = (1, 2, 3), input of 5 numbers, and dY = (1, 0, 0). What is dX[2]?",
    3,
    hint="dX_t = Σ_i g_i w_(t−i)",
)

# %%
answer_length = ...

# %%
ex_length.check(answer_length)

# %%
answer_terms = ...

# %%
ex_terms.check(answer_terms)

# %%
answer_dx = ...

# %%
ex_dx.check(answer_dx)

# %% [markdown]
# ## Answers
#
# Each right answer is read off the engine here, and a tempting wrong one is refused.

# %%
assert ex_length.accepts(len(Conv1d(4)([0.0] * 10))) and not ex_length.accepts(10 - 4)

probe = Conv1d(3)
outputs = probe([1.0] * 8)
Value.sum(outputs).backward()  # with every input 1, each term is 1: the grad counts them
assert ex_terms.accepts(probe.w[0].grad) and not ex_terms.accepts(8)

probe = Conv1d(3)
probe.load_state_dict({"w.0": 1.0, "w.1": 2.0, "w.2": 3.0, "b": 0.0})
inputs = [Value(0.0) for _ in range(5)]
probe(inputs)[0].backward()  # dY = (1, 0, 0)
assert ex_dx.accepts(inputs[2].grad) and not ex_dx.accepts(1)
print("every exercise has a right answer the checker accepts")
