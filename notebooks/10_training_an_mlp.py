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
# # 10. Training a network made of scalars
#
# **Question:** is this little engine enough to actually train a classifier?
#
# We train MLP(2, [16, 16, 1]) on the two moons with the max-margin (hinge) loss and watch its
# decision boundary take shape, then a three-class spiral with softmax cross-entropy. Finally
# we compare the fused neurons used by default with neurons built from primitive gates.

# %%
import time

import numpy as np

from micrograd_notes import Tape, gc_paused, topological_order
from micrograd_notes.data import make_moons, make_spiral
from micrograd_notes.extras import require
from micrograd_notes.losses import accuracy, hinge, l2, softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD, Adam
from micrograd_notes.vectorized import VectorizedMLP

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it

# %% [markdown]
# ## Moons, hinge loss, plain SGD
#
# Labels are −1 and +1; the loss is the mean of max(0, 1 − y · score) plus a little L2 on the
# weights; the learning rate decays linearly from 1.0 to 0.1. We keep a snapshot of the
# weights at a few steps to draw the boundary as it evolves.
#
# Each step runs inside `with gc_paused(), Tape():`, the engine's opt-in fast path. It
# changes no result, only the work: the tape lists the nodes as they are made, so `backward()`
# needs no graph search (notebook 3 shows why that list is already in the right order and
# checks that the grads agree), and Python's cyclic garbage collector, which has nothing to
# free in these cycle-free graphs, is paused while the graph is built. The README's
# performance section has the figures.

# %%
X, y01 = make_moons(100, noise=0.1, seed=0)
y = (2 * y01 - 1).tolist()
inputs = X.tolist()
model = MLP(2, [16, 16, 1], seed=0)
params = model.parameters()
opt = SGD(params, lr=1.0)
steps, snapshots, losses = 100, {}, []
for k in range(steps):
    if k in (0, 5, 20):
        snapshots[k] = VectorizedMLP.from_mlp(model)
    with gc_paused(), Tape():
        scores = [model(x) for x in inputs]
        loss = hinge(scores, y) + l2(params, 1e-4)
        opt.zero_grad()
        loss.backward()
    opt.lr = 1.0 - 0.9 * k / steps
    opt.step()
    losses.append(loss.data)
snapshots[steps] = VectorizedMLP.from_mlp(model)
final_accuracy = accuracy([model(x) for x in inputs], y)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.4f}, training accuracy {final_accuracy:.0%}")
assert final_accuracy == 1.0

# %%
gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 150), np.linspace(-1.1, 1.6, 150))
grid = np.column_stack([gx.ravel(), gy.ravel()])
fig, axes = plt.subplots(1, len(snapshots), figsize=(14, 3.2), sharey=True)
for ax, (k, twin) in zip(axes, snapshots.items()):
    score = twin.predict(grid)[:, 0].reshape(gx.shape)
    ax.contourf(gx, gy, score > 0, levels=1, cmap="coolwarm", alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y01, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
    ax.set_title(f"after {k} steps")
plt.show()

# %% [markdown]
# ## A spiral: three classes, softmax cross-entropy, Adam
#
# Three interleaved arms are not separable by any line. The network gets one output per class;
# the loss is the mean of −log softmax(scores)[true class].

# %%
Xs, ys = make_spiral(150, classes=3, noise=0.1, seed=0)
spiral_model = MLP(2, [16, 16, 3], seed=0)
adam = Adam(spiral_model.parameters(), lr=0.03)
spiral_losses = []
for _ in range(80):
    with gc_paused(), Tape():
        outs = [spiral_model(x) for x in Xs.tolist()]
        loss = softmax_cross_entropy(outs, ys.tolist())
        adam.zero_grad()
        loss.backward()
    adam.step()
    spiral_losses.append(loss.data)
predicted = VectorizedMLP.from_mlp(spiral_model).predict(Xs).argmax(axis=1)
spiral_accuracy = (predicted == ys).mean()
print(f"spiral: loss {spiral_losses[0]:.3f} -> {spiral_losses[-1]:.4f}, accuracy {spiral_accuracy:.0%}")
assert spiral_accuracy > 0.95

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
left.plot(losses, label="moons (hinge + L2)")
left.plot(spiral_losses, label="spiral (cross-entropy)")
left.set(yscale="log", xlabel="step", ylabel="loss", title="loss curves")
left.legend()
sx, sy = np.meshgrid(np.linspace(-1.1, 1.1, 150), np.linspace(-1.1, 1.1, 150))
classes = VectorizedMLP.from_mlp(spiral_model).predict(np.column_stack([sx.ravel(), sy.ravel()]))
right.contourf(sx, sy, classes.argmax(axis=1).reshape(sx.shape), levels=[-0.5, 0.5, 1.5, 2.5], cmap="viridis", alpha=0.3)
right.scatter(Xs[:, 0], Xs[:, 1], c=ys, cmap="viridis", s=12, edgecolors="k", linewidths=0.3)
right.set_title("spiral: decision regions")
plt.show()

# %% [markdown]
# ## Fused or primitive neurons: same numbers, different graphs
#
# By default a neuron's weighted sum is one `dot` node with 2n + 1 parents. With `fused=False`
# it is built from n multiplications and n additions, which is what the notes draw. The two
# give bit-for-bit identical losses and gradients, but the primitive graph is several times
# larger, and slower.

# %%
timings, graphs = {}, {}
for fused in (True, False):
    net = MLP(2, [16, 16, 1], fused=fused, seed=0)
    start = time.perf_counter()
    loss = hinge([net(x) for x in inputs], y) + l2(net.parameters(), 1e-4)
    loss.backward()
    timings[fused] = time.perf_counter() - start
    graphs[fused] = (loss.data, [p.grad for p in net.parameters()], len(topological_order(loss)))
assert graphs[True][0] == graphs[False][0] and graphs[True][1] == graphs[False][1]
print(f"fused:     {graphs[True][2]:6,} nodes, {timings[True] * 1000:.0f} ms for forward + backward")
print(f"primitive: {graphs[False][2]:6,} nodes, {timings[False] * 1000:.0f} ms for forward + backward")
assert graphs[False][2] > 3 * graphs[True][2]

# %% [markdown]
# **Answer:** yes. A few hundred lines of scalar autodiff train both classifiers to 100% on
# their training points in seconds; the fused weighted sum is what keeps it quick.

# %% [markdown]
# ## Exercises
#
# Change one thing, predict the result, then check it: write your answer in place of the
# `...` and run the cell after it.
#
# **1.** One moons point has label +1 and the network scores it 1.5. What is the hinge loss's
# gradient with respect to that score?

# %%
from micrograd_notes import Value
from micrograd_notes.exercises import Exercise

score = Value(1.5, "score")
hinge([score], [1]).backward()
exercise1 = Exercise.number(
    "d hinge / d score at score 1.5, label +1",
    score.grad,
    hint="max(0, 1 − y·s): is the point inside the margin?",
)

# %%
answer1 = ...

# %%
exercise1.check(answer1)

# %% [markdown]
# **2.** Leave out `opt.zero_grad()` and call `backward()` twice on the same loss. Each grad
# ends up how many times the right one?

# %%
small = MLP(2, [4, 1], seed=0)
small_loss = hinge([small(x) for x in inputs[:8]], y[:8])
small_loss.backward()
right_grads = [p.grad for p in small.parameters()]
small_loss.backward()  # no zero_grad in between: grads add up
ratios = {round(p.grad / g, 12) for p, g in zip(small.parameters(), right_grads) if g != 0}
(times,) = ratios
exercise2 = Exercise.number(
    "grad after two backward() calls / right grad", times, hint="leaves accumulate"
)

# %%
answer2 = ...

# %%
exercise2.check(answer2)

# %% [markdown]
# **3.** How many parameters (weights and biases) does MLP(2, [16, 16, 1]) have?

# %%
exercise3 = Exercise.number(
    "parameters of MLP(2, [16, 16, 1])",
    len(model.parameters()),
    hint="each neuron has one weight per input plus a bias",
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
assert exercise1.accepts(0.0) and not exercise1.accepts(-1.0)
assert exercise2.accepts(2) and not exercise2.accepts(1)
assert exercise3.accepts(16 * 3 + 16 * 17 + 17) and not exercise3.accepts(2 * 16 + 16 * 16 + 16)
