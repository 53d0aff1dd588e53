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
# **Question:** the engine works one number at a time; real libraries work on whole matrices.
# Are they computing the same thing?
#
# A fully connected layer on a batch is Y = X W + b, with one sample per row of X. Applying the
# scalar rule to every entry and grouping the sums gives three matrix formulas. The quickest
# way to remember them is **dimension analysis**: a gradient always has the shape of the thing
# it is the gradient of, and there is only one way to multiply the available matrices to get
# that shape.

# %%
import time

import numpy as np

from micrograd_notes import Value
from micrograd_notes.data import make_spiral
from micrograd_notes.extras import require
from micrograd_notes.losses import softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.vectorized import Linear, VectorizedMLP

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it
from matplotlib.patches import Rectangle  # noqa: E402

# %% [markdown]
# ## Shapes decide the formulas
#
# X is (n, nin), W is (nin, nout), Y and dY are (n, nout).
#
# | gradient | must have shape | the only product that fits |
# | --- | --- | --- |
# | dX | (n, nin) | dY · Wᵀ : (n, nout)(nout, nin) |
# | dW | (nin, nout) | Xᵀ · dY : (nin, n)(n, nout) |
# | db | (nout,) | the column sums of dY (b was added to every row) |

# %%
rng = np.random.default_rng(0)
n, nin, nout = 5, 3, 4
layer = Linear(rng.normal(size=(nin, nout)), rng.normal(size=nout))
Xb = rng.normal(size=(n, nin))
dY = rng.normal(size=(n, nout))  # pretend this arrived from the layers above
dX, dW, db = layer.backward(Xb, dY)
print("dX", dX.shape, " dW", dW.shape, " db", db.shape)
assert (dX.shape, dW.shape, db.shape) == (Xb.shape, layer.W.shape, layer.b.shape)

# %% [markdown]
# The same three formulas as pictures, drawn to scale for these sizes: one cell per number,
# coloured by the shape it has. In each product the inner sizes match and are summed away.


# %%
def draw_shapes(ax, terms, title):
    """Matrices as grids of cells, to scale, left to right; strings between them are operators."""
    x = 0.0
    for term in terms:
        if isinstance(term, str):
            width = 0.8 + 0.45 * (len(term) - 1)
            size = 14 if len(term) == 1 else 11
            ax.text(x + width / 2, 0, term, fontsize=size, ha="center", va="center")
            x += width
            continue
        name, (rows, cols), colour = term
        top = rows / 2
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((x + c, top - r - 1), 1, 1, fc=colour, ec="0.35", lw=0.8))
        ax.text(
            x + cols / 2,
            top + 0.35,
            f"{name}  ({rows}, {cols})",
            ha="center",
            va="bottom",
            fontsize=10,
        )
        x += cols + 0.2
    ax.set_xlim(-0.3, x + 0.3)
    ax.set_ylim(-3.6, 3.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


colours = {"X": "#bfe3ff", "W": "#c8f0c0", "dY": "#ffd2c2", "b": "#e6e6e6"}
fig, axes = plt.subplots(3, 1, figsize=(8, 8))
draw_shapes(
    axes[0],
    [
        ("dW", (nin, nout), colours["W"]),
        "=",
        ("Xᵀ", (nin, n), colours["X"]),
        "·",
        ("dY", (n, nout), colours["dY"]),
    ],
    f"dW has W's shape (nin, nout): only Xᵀ · dY fits; the batch size n = {n} is summed away",
)
draw_shapes(
    axes[1],
    [
        ("dX", (n, nin), colours["X"]),
        "=",
        ("dY", (n, nout), colours["dY"]),
        "·",
        ("Wᵀ", (nout, nin), colours["W"]),
    ],
    "dX has X's shape (n, nin): dY · Wᵀ; the outputs nout are summed away",
)
draw_shapes(
    axes[2],
    [("db", (1, nout), colours["b"]), "= column sums of", ("dY", (n, nout), colours["dY"])],
    "db has b's shape (nout,): the column sums of dY",
)
kinds = [
    ("X", "shape of X: (n, nin)"),
    ("W", "shape of W: (nin, nout)"),
    ("dY", "shape of Y and dY: (n, nout)"),
    ("b", "shape of b"),
]
fig.legend(
    handles=[Rectangle((0, 0), 1, 1, fc=colours[k], ec="0.35", label=text) for k, text in kinds],
    loc="lower center",
    ncol=2,
    fontsize=9,
    frameon=False,
)
fig.suptitle(
    f"Shapes decide the formulas: n = {n} samples, nin = {nin} inputs, nout = {nout} outputs"
)
fig.tight_layout(rect=(0, 0.07, 1, 1))
plt.show()

# %% [markdown]
# ## The same layer, one scalar at a time
#
# Build Y = X W + b from `Value`s, make the loss L = Σ Y ⊙ dY (whose gradient with respect to
# Y is exactly dY), and let the scalar engine back-propagate. Every entry agrees with the
# matrix formulas. Note that the layer's backward returns dW and db as well as dX: the notes'
# version returned only dX, which is enough to keep going down but leaves nothing to learn from.

# %%
Xv = [[Value(v) for v in row] for row in Xb]
Wv = [[Value(v) for v in row] for row in layer.W]
bv = [Value(v) for v in layer.b]
L = Value.sum([
    Value.dot([Wv[i][j] for i in range(nin)], Xv[r], bv[j]) * dY[r, j]
    for r in range(n) for j in range(nout)
])
L.backward()
assert np.allclose([[v.grad for v in row] for row in Xv], dX, rtol=0, atol=1e-12)
assert np.allclose([[v.grad for v in row] for row in Wv], dW, rtol=0, atol=1e-12)
assert np.allclose([v.grad for v in bv], db, rtol=0, atol=1e-12)
print("scalar engine and matrix formulas agree on dX, dW and db")

# %% [markdown]
# ## A whole network, both ways
#
# `VectorizedMLP` copies the weights of an `MLP` into matrices (neuron j of a layer becomes
# column j of W) and runs the batch through with the formulas above. On a spiral dataset with a
# softmax cross-entropy loss, both ways give the same loss and the same gradient for every
# weight, to 1e-10.

# %%
X, y = make_spiral(60, classes=3, seed=1)
model = MLP(2, [16, 16, 3], seed=2)

start = time.perf_counter()
scalar_loss = softmax_cross_entropy([model(x) for x in X.tolist()], y.tolist())
scalar_loss.backward()
scalar_seconds = time.perf_counter() - start

twin = VectorizedMLP.from_mlp(model)
start = time.perf_counter()
matrix_loss, grads = twin.loss_and_grads(X, y)
matrix_seconds = time.perf_counter() - start

assert abs(matrix_loss - scalar_loss.data) < 1e-12
worst = 0.0
for layer_, (gW, gb) in zip(model.layers, grads):
    for j, neuron in enumerate(layer_.neurons):
        worst = max(worst, *(abs(w.grad - gW[i, j]) for i, w in enumerate(neuron.w)), abs(neuron.b.grad - gb[j]))
print(f"loss {scalar_loss.data:.6f} both ways; largest gradient difference {worst:.1e}")
assert worst < 1e-10
print(f"time: scalar engine {scalar_seconds * 1000:.0f} ms, matrices {matrix_seconds * 1000:.2f} ms")

# %% [markdown]
# **Answer:** yes. The matrix formulas are the scalar chain rule, summed over the batch and
# written in the only order the shapes allow. The scalar engine shows *why*; the matrix form
# is how it is done fast.

# %% [markdown]
# ## Exercises
#
# Change one thing, predict the result, then check it: write your answer in place of the
# `...` and run the cell after it.
#
# **1.** A layer with nin = 10 inputs and nout = 7 outputs gets a batch of 32 samples. How
# many numbers does dW hold?

# %%
from micrograd_notes.exercises import Exercise

big_layer = Linear(np.zeros((10, 7)), np.zeros(7))
_, dW_big, _ = big_layer.backward(np.ones((32, 10)), np.ones((32, 7)))
exercise1 = Exercise.number("entries of dW", dW_big.size, hint="dW has the shape of W")

# %%
answer1 = ...

# %%
exercise1.check(answer1)

# %% [markdown]
# **2.** Double every input (X → 2X) and keep dY. What happens to dX: does it "double",
# "halve" or "stay"?

# %%
dX2, dW2, _ = layer.backward(2 * Xb, dY)


def verdict(new, old):
    """How an array changed: "double", "halve" or "stay"."""
    if np.allclose(new, 2 * old):
        return "double"
    return "halve" if np.allclose(new, old / 2) else "stay"


exercise2 = Exercise.choice(
    "dX when X doubles", ["double", "halve", "stay"], verdict(dX2, dX), hint="dX = dY · Wᵀ"
)

# %%
answer2 = ...

# %%
exercise2.check(answer2)

# %% [markdown]
# **3.** And dW, with the same change?

# %%
exercise3 = Exercise.choice(
    "dW when X doubles", ["double", "halve", "stay"], verdict(dW2, dW), hint="dW = Xᵀ · dY"
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
assert exercise1.accepts(70) and not exercise1.accepts(32 * 7)
assert exercise2.accepts("stay") and not exercise2.accepts("double")
assert exercise3.accepts("double") and not exercise3.accepts("stay")
