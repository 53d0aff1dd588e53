# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. From scalars to matrices
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
from micrograd_notes.losses import softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.vectorized import Linear, VectorizedMLP

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
