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
# **Question:** is this little engine enough to train a real classifier, and what does each
# ingredient of a training recipe do?
#
# Notebook 01 wrote the update p ← p − lr · ∂L/∂p and found out why it needs a learning
# rate; notebook 05 built softmax cross-entropy. Here we train MLP(2, [16, 16, 1]) on two
# interleaved half-moons and an MLP(2, [16, 16, 3]) on a three-armed spiral. Each new
# ingredient is explained, with its formula, before it is used: the hinge loss, L2
# regularisation, momentum, Adam and a learning rate that decays. At the end: fused against
# primitive neurons, and how much code all this took.

# %%
import ast
import time
from pathlib import Path

from micrograd_notes.figures import CLASS_COLOURS, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np

import micrograd_notes
from micrograd_notes import Tape, Value, gc_paused, topological_order
from micrograd_notes.compiled import CompileError
from micrograd_notes.data import make_moons, make_spiral
from micrograd_notes.exercises import exercise
from micrograd_notes.losses import accuracy, hinge, l2, softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD, Adam
from micrograd_notes.vectorized import VectorizedMLP

# %% [markdown]
# ## One training step
#
# A step of gradient descent does four things, in this order:
#
# 1. **clear** every parameter's grad (`zero_grad()`): `backward()` *adds* into a leaf's
#    grad, as it must when a value reaches the loss along several paths (notebook 00), so
#    whatever the last step left there would be added to this step's gradient;
# 2. **forward**: build the loss L from the parameters and the data;
# 3. **backward**: `L.backward()` fills in ∂L/∂p for every parameter p;
# 4. **update**: move every parameter against its gradient, p ← p − lr · ∂L/∂p.
#
# An optimizer from `micrograd_notes.optim` does steps 1 and 4 (`zero_grad()`, `step()`).
# The whole loop lives in one small function, `train`. Every step builds the same graph (the
# same network on the same points), so `train` builds it once, on a tape, and compiles it
# (notebook 03, "The backward pass as a program"): each step then runs the program, which
# reads the parameters' current data, computes the loss and adds its gradient into every
# parameter's grad, exactly as building the graph again and calling `backward()` would, bit
# for bit, and about six times faster. Where the data changes from step to step (the
# mini-batches below), the points are leaves of the graph, listed as its `inputs`, and
# `feed(k)` writes step k's points into them first.

# %%
def train(make_loss, optimizer, steps, lr_at=None, inputs=(), feed=None, compiled=True):
    """Run `steps` steps on the loss make_loss() builds, compiled once (or, compiled=False,
    built again on the engine at every step). lr_at(k), if given, sets the learning rate of
    step k; feed(k), if given, writes step k's data into the leaves `inputs` first. Returns
    the loss of every step, each measured before its update."""
    if compiled:
        with Tape() as tape:
            loss = make_loss()
        step = tape.compile(loss, params=optimizer.params, inputs=inputs)
    losses = []
    for k in range(steps):
        if lr_at is not None:
            optimizer.lr = lr_at(k)
        if feed is not None:
            feed(k)
        optimizer.zero_grad()
        if compiled:
            losses.append(step())  # forward and backward: the loss, and every grad
        else:
            with gc_paused(), Tape():  # the engine's fast path (notebook 03)
                loss = make_loss()
                loss.backward()
                losses.append(loss.data)
                del loss  # the graph goes while the collector is still paused
        optimizer.step()
    return losses

# %% [markdown]
# ## The hinge loss
#
# The moons have two classes; we label them y = −1 and y = +1, and the network gives each
# point one number, its score s. The point is classified right when y · s > 0. The hinge
# (max-margin) loss of a point is
#
# ℓ(s) = max(0, 1 − y · s),
#
# and the loss of the data set is the mean over its N points. **Why this loss:** it is zero
# once a point is on the right side *with a margin*, y · s ≥ 1, so points already classified
# with confidence stop pulling on the weights; only the points that are wrong or too close
# to the boundary do. Its slope in s is −y inside the margin and 0 beyond it, so each point
# inside pulls its score towards its own label with the same strength, 1/N.
#
# Three points, one loss: a +1 point far beyond the margin, a +1 point inside it, a −1 point
# on the wrong side.

# %%
scores = [Value(2.5, "s_far"), Value(0.4, "s_near"), Value(0.7, "s_wrong")]
hinge(scores, [1, 1, -1]).backward()
print("loss terms:", [max(0.0, 1 - y * s.data) for s, y in zip(scores, [1, 1, -1])])
print("dL/ds:     ", [round(s.grad, 4) for s in scores])
assert scores[0].grad == 0.0  # beyond the margin: no pull at all
assert abs(scores[1].grad - (-1 / 3)) < 1e-12  # inside: -y / N, up for a +1 point
assert abs(scores[2].grad - (1 / 3)) < 1e-12  # wrong side of a -1 point: pushed down

# %% [markdown]
# ## L2 regularisation
#
# To the data's loss we add a penalty on the size of the weights:
#
# L = mean hinge loss + α Σ_p p², so that ∂L/∂p gains a term 2α · p.
#
# In an update that term moves every parameter towards 0 by the fraction 2 · lr · α of
# itself, which is why it is also called *weight decay*. **Why:** among the many weight
# settings that separate the training points, it prefers small weights, and small weights
# make a smoother boundary that is less bent around single points; too strong a penalty
# flattens the boundary until it no longer fits the data. We use a light α = 1e-4.
# `l2(params, alpha)` is one node, α · dot(p, p):

# %%
ws = [Value(0.5), Value(-2.0), Value(3.0)]
l2(ws, 1e-4).backward()
print("grads of the L2 term:", [w.grad for w in ws])
assert all(abs(w.grad - 2e-4 * w.data) < 1e-18 for w in ws)

# %% [markdown]
# ## Moons: hinge loss and L2 with plain gradient descent
#
# 100 points, labels −1 and +1, MLP(2, [16, 16, 1]) with ReLU hidden layers, and plain
# gradient descent at a learning rate of 1.0, every step on all 100 points. We keep a copy
# of the weights after 0, 5, 20 and 100 steps to draw the boundary as it forms (the copies
# are the engine's NumPy twin, `VectorizedMLP`, which draws a whole grid at once).

# %%
X, y01 = make_moons(100, noise=0.1, seed=0)
y = (2 * y01 - 1).tolist()
inputs = X.tolist()


def moons_loss(model):
    """Mean hinge loss over the 100 moons points, plus L2 with α = 1e-4."""
    return hinge([model(x) for x in inputs], y) + l2(model.parameters(), 1e-4)


model = MLP(2, [16, 16, 1], seed=0)
opt = SGD(model.parameters(), lr=1.0)
losses, snapshots = [], {0: VectorizedMLP.from_mlp(model)}
for upto in (5, 20, 100):
    losses += train(lambda: moons_loss(model), opt, upto - len(losses))
    snapshots[upto] = VectorizedMLP.from_mlp(model)
final_accuracy = accuracy([model(x) for x in inputs], y)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.4f}, training accuracy {final_accuracy:.0%}")
assert final_accuracy == 1.0 and losses[-1] < 0.02

# %%
def draw_regions(ax, twin, extent, classes):
    """Shade the plane by the class the network picks: sign of the score, or the argmax."""
    gx, gy = np.meshgrid(np.linspace(*extent[:2], 160), np.linspace(*extent[2:], 160))
    out = twin.predict(np.column_stack([gx.ravel(), gy.ravel()]))
    picked = (out[:, 0] > 0) if out.shape[1] == 1 else out.argmax(axis=1)
    levels = np.arange(classes + 1) - 0.5
    ax.contourf(gx, gy, picked.reshape(gx.shape), levels=levels, colors=CLASS_COLOURS[:classes],
                alpha=0.18)


def draw_points(ax, X, labels, names):
    for k, name in enumerate(names):
        mine = labels == k
        ax.scatter(X[mine, 0], X[mine, 1], s=14, color=CLASS_COLOURS[k], edgecolors="k",
                   linewidths=0.3, label=name)


MOON_EXTENT = (-1.6, 2.6, -1.1, 1.6)
MOON_NAMES = ["class 0 (y = −1)", "class 1 (y = +1)"]
fig, axes = plt.subplots(2, 2, figsize=(8.0, 6.2), sharex=True, sharey=True)
for ax, (k, twin) in zip(axes.flat, snapshots.items()):
    draw_regions(ax, twin, MOON_EXTENT, 2)
    draw_points(ax, X, y01, MOON_NAMES)
    ax.set(title=f"after {k} steps", xlabel="x₁", ylabel="x₂")
    ax.tick_params(labelbottom=True, labelleft=True)  # shared axes, but every panel is readable
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
fig.suptitle("the moons: shading is the class the network picks,\ndots are the training points")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# At step 0 the random network already bends its boundary, but it puts most points on one
# side; after 5 steps a nearly straight boundary runs between the moons, with the tip of each
# moon on the wrong side; by step 20 it follows their shape. The last 80 steps mostly push
# the points that were close to the boundary outside the margin.
#
# ## Faster and steadier steps
#
# Plain gradient descent reached 100% here with a learning rate of 1.0, which suits this
# problem; at 0.1, as we are about to see, it is far from done after 100 steps. Three common
# additions make the step less fussy about that choice.
#
# ### Momentum
#
# Keep a running *velocity* v (one number per parameter, starting at 0) and step along it:
#
# v ← β · v + ∂L/∂p,  p ← p − lr · v.
#
# **Why:** where the gradient keeps pointing the same way, the velocity builds up to
# 1/(1 − β) times the gradient (10 times for the usual β = 0.9), so the steps lengthen; where
# the gradient flips sign from step to step (bouncing across a narrow valley), those parts
# cancel in the sum. `SGD(params, lr, momentum=0.9)`.
#
# ### Adam
#
# Adam keeps two running means per parameter, of the gradient g and of its square, and
# divides one by the root of the other:
#
# m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
#
# m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),  p ← p − lr · m̂ / (√v̂ + ε),
#
# with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and t the step count. **Why:** m is a momentum, and the
# division by √v̂, the typical size of that parameter's gradient, gives every parameter a step
# of about lr, however large or small its own gradient is. The divisions by 1 − β₁ᵗ and
# 1 − β₂ᵗ correct m and v for starting at 0, which leaves both too small in the first steps,
# each by just that factor. We check the "about lr" on the first step from a fresh network:
# SGD's steps spread over orders of magnitude, Adam's all have the size lr (for every
# gradient well above ε; one far below ε gets a shorter step).

# %%
first_steps = {}
for name, make in (("SGD", lambda ps: SGD(ps, lr=0.03)), ("Adam", lambda ps: Adam(ps, lr=0.03))):
    fresh = MLP(2, [16, 16, 1], seed=0)
    before = np.array([p.data for p in fresh.parameters()])
    train(lambda: moons_loss(fresh), make(fresh.parameters()), 1)
    moved = np.abs(np.array([p.data for p in fresh.parameters()]) - before)
    grads = np.abs([p.grad for p in fresh.parameters()])  # left by the step's backward()
    first_steps[name] = moved[grads > 1e-5] / 0.03  # gradients far above ε
    print(f"{name:>4}: first step / lr from {first_steps[name].min():.2g} "
          f"to {first_steps[name].max():.2g} ({len(first_steps[name])} parameters)")
assert first_steps["SGD"].max() > 1000 * first_steps["SGD"].min()
assert np.allclose(first_steps["Adam"], 1.0, rtol=2e-3)

# %% [markdown]
# Now all three on the same moons, from the same start, for 100 steps: plain gradient descent
# at the more cautious lr = 0.1, the same with momentum 0.9, and Adam at lr = 0.03, next to
# our run at lr = 1.0. All four minimise the same loss, so they share one axis.

# %%
RECIPES = {
    "SGD, lr 1.0 (the run above)": None,
    "SGD, lr 0.1": lambda ps: SGD(ps, lr=0.1),
    "SGD, lr 0.1, momentum 0.9": lambda ps: SGD(ps, lr=0.1, momentum=0.9),
    "Adam, lr 0.03": lambda ps: Adam(ps, lr=0.03),
}
curves = {"SGD, lr 1.0 (the run above)": losses}
for name, make in RECIPES.items():
    if make is not None:
        fresh = MLP(2, [16, 16, 1], seed=0)
        curves[name] = train(lambda: moons_loss(fresh), make(fresh.parameters()), 100)
for name, curve in curves.items():
    print(f"{name:>28}: loss after 100 steps {curve[-1]:.4f}")

fig, ax = plt.subplots(figsize=(6.5, 3.8))
for name, curve in curves.items():
    ax.plot(curve, label=name)
ax.set(yscale="log", xlabel="step", ylabel="hinge loss + L2 (log scale)",
       title="one loss, four ways to step")
ax.legend()
assert style_problems(fig) == []
plt.show()
final = {name: curve[-1] for name, curve in curves.items()}
assert final["SGD, lr 0.1, momentum 0.9"] < final["SGD, lr 0.1"] / 10
assert final["Adam, lr 0.03"] < final["SGD, lr 0.1"] / 10

# %% [markdown]
# At lr = 0.1 plain gradient descent is still far from done after 100 steps (a loss of about
# 0.2); momentum, at the same learning rate, ends more than ten times lower, close to the run
# at lr = 1.0: it got the longer steps without our having to find that rate. Adam, at its
# usual lr, does as well. The run at lr = 1.0 gets there too, but its loss jumps back up
# several times on the way: that rate is near the edge of what this problem takes.
#
# ### A learning rate that decays
#
# A schedule lowers the learning rate as training goes on, here linearly from lr₀ = 1.0 to
# 0.1 over K steps:
#
# lr_k = lr₀ · (1 − 0.9 · k / K).
#
# **Why:** early on, long steps cover ground; later, near a minimum, a long step overshoots
# it and the loss bounces instead of settling. With every step on all 100 points, as above,
# the decay does not pay: every step sees the same loss, and the run at a constant 1.0 ends
# lower than the same run with the decay.

# %%
decayed = MLP(2, [16, 16, 1], seed=0)
decayed_losses = train(lambda: moons_loss(decayed), SGD(decayed.parameters(), lr=1.0), 100,
                       lr_at=lambda k: 1.0 - 0.9 * k / 100)
print(f"every step on all 100 points: loss after 100 steps {losses[-1]:.4f} at a constant lr, "
      f"{decayed_losses[-1]:.4f} with the decay")
assert losses[-1] < decayed_losses[-1]

# %% [markdown]
# The decay matters when each step sees a different random *mini-batch*, say 10 of the 100
# points. The gradient of their mean loss is the sum of their 10 gradients over 10 (the
# gradient of a sum is the sum of the gradients, notebook 00): an estimate of the full
# gradient that jitters from step to step, and a long step follows the jitter. We run
# mini-batch steps three times (three seeds for the draws) with the rate held at 1.0 and with
# the decay, and measure the loss on all 100 points after each step.

# %%
targets = np.array(y)


def full_hinge(model):
    """The mean hinge loss over all 100 points, from the NumPy twin (no graph)."""
    scores = VectorizedMLP.from_mlp(model).predict(X)[:, 0]
    return float(np.maximum(0.0, 1.0 - targets * scores).mean())


def minibatch_run(seed, lr_at, steps=100, size=10):
    """SGD on random batches of `size` points; the full-data loss after every step."""
    draws = np.random.default_rng(seed)
    net = MLP(2, [16, 16, 1], seed=0)
    opt = SGD(net.parameters(), lr=1.0)
    points = [[Value(0.0), Value(0.0)] for _ in range(size)]  # the batch: leaves that
    labels = [Value(1.0) for _ in range(size)]  # each step writes its points into
    seen = []

    def feed(k):
        seen.append(full_hinge(net))  # the loss on all points, before step k
        for point, label, i in zip(points, labels, draws.choice(len(inputs), size, replace=False)):
            point[0].data, point[1].data = inputs[i]
            label.data = y[i]

    def batch_loss():
        return hinge([net(x) for x in points], labels) + l2(net.parameters(), 1e-4)

    train(batch_loss, opt, steps, lr_at, inputs=[points, labels], feed=feed)
    return np.array([*seen[1:], full_hinge(net)])


SCHEDULES = {
    "lr 1.0 throughout": lambda k: 1.0,
    "lr 1.0 decaying to 0.1": lambda k: 1.0 - 0.9 * k / 100,
}
minibatch = {name: [minibatch_run(seed, lr_at) for seed in range(3)]
             for name, lr_at in SCHEDULES.items()}
jitter = {name: [run[-20:].std() for run in runs] for name, runs in minibatch.items()}
for name, runs in minibatch.items():
    print(f"{name:>22}: final full-data loss {np.round([r[-1] for r in runs], 3)}, "
          f"spread over the last 20 steps {np.round(jitter[name], 3)}")

fig, ax = plt.subplots(figsize=(6.5, 3.8))
for colour, (name, runs) in zip(("C0", "C1"), minibatch.items()):
    for run in runs:
        ax.plot(np.arange(1, 101), run, color=colour, lw=0.8, alpha=0.5)
    ax.plot(np.arange(1, 101), np.mean(runs, axis=0), color=colour, lw=2,
            label=f"{name} (thin: each seed; thick: their mean)")
ax.set(yscale="log", xlabel="step (each on 10 random points)",
       ylabel="hinge loss on all 100 points", title="mini-batch steps, three seeds each")
ax.legend()
assert style_problems(fig) == []
plt.show()
assert max(jitter["lr 1.0 decaying to 0.1"]) < min(jitter["lr 1.0 throughout"])

# %% [markdown]
# Held at 1.0, the loss on all points keeps jumping up and down to the end; with the decay,
# each run settles, and its last 20 steps vary less than any of the constant-rate runs (the
# spreads printed above).
#
# ## A spiral: three classes, softmax cross-entropy, Adam
#
# Three interleaved arms, 50 points each, are not separable by any line. The network gets
# one output per class, and the loss is notebook 05's softmax cross-entropy: the mean over
# the points of −log softmax(scores)[true class]. We train with Adam at lr = 0.03, every step
# on all 150 points.

# %%
Xs, ys = make_spiral(150, classes=3, noise=0.1, seed=0)
spiral_inputs, spiral_labels = Xs.tolist(), ys.tolist()
spiral_model = MLP(2, [16, 16, 3], seed=0)


def spiral_loss(model):
    """Mean softmax cross-entropy over the 150 spiral points."""
    return softmax_cross_entropy([model(x) for x in spiral_inputs], spiral_labels)


with Tape() as tape:
    recorded = spiral_loss(spiral_model)
try:
    tape.compile(recorded, params=spiral_model.parameters())
except CompileError as err:
    print(err)

# %% [markdown]
# This step cannot be compiled, and `compile` says why: the loss of a point subtracts the
# score of *its* class, z_y, so the label decides which node of the point's graph is used:
# the graph of a class-0 point is wired differently from a class-1 point's, and there is no
# one graph to write once and loop over. Written out without a loop, 150 points would be a
# program larger than the compiler makes. (There is a second reason: `log_sum_exp` shifts
# each point's scores by their largest, a number read off `.data` while the graph is built,
# which a compiled step would keep at every call.) So the spiral trains on the engine,
# building its graph again at every step:

# %%
adam = Adam(spiral_model.parameters(), lr=0.03)
spiral_losses = train(lambda: spiral_loss(spiral_model), adam, 80, compiled=False)
spiral_twin = VectorizedMLP.from_mlp(spiral_model)
spiral_accuracy = (spiral_twin.predict(Xs).argmax(axis=1) == ys).mean()
print(f"spiral: loss {spiral_losses[0]:.3f} -> {spiral_losses[-1]:.4f}, "
      f"training accuracy {spiral_accuracy:.0%}")
assert spiral_accuracy > 0.95

# %% [markdown]
# This loss is cross-entropy on three classes, not the moons' hinge loss, and it is minimised
# by Adam: its curve gets an axis of its own, since its height says nothing about the moons'
# curves.

# %%
fig, (spiral_ax, regions_ax) = plt.subplots(1, 2, figsize=(8.0, 4.0))
spiral_ax.plot(spiral_losses, color="k")
spiral_ax.set(yscale="log", xlabel="step", ylabel="cross-entropy (log scale)",
              title="spiral: Adam, lr 0.03")
draw_regions(regions_ax, spiral_twin, (-1.1, 1.1, -1.1, 1.1), 3)
draw_points(regions_ax, Xs, ys, [f"class {k}" for k in range(3)])
regions_ax.set(xlabel="x₁", ylabel="x₂",
               title=f"spiral: decision regions\n({spiral_accuracy:.0%} right)")
fig.legend(*regions_ax.get_legend_handles_labels(), loc="outside lower center", ncols=3)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# ## Fused or primitive neurons: same numbers, different graphs
#
# By default a neuron's weighted sum is one `dot` node with 2n + 1 parents, whose backward
# rule hands each weight its input times up_diff and each input its weight times up_diff. With
# `fused=False` it is built from n multiplications and n additions, the way the drawings of
# notebook 02 show it. The two give bit-for-bit the same loss and gradients, but the primitive
# graph is several times larger, and slower.

# %%
timings, graphs = {}, {}
for fused in (True, False):
    net = MLP(2, [16, 16, 1], fused=fused, seed=0)
    start = time.perf_counter()
    loss = moons_loss(net)
    loss.backward()
    timings[fused] = time.perf_counter() - start
    graphs[fused] = (loss.data, [p.grad for p in net.parameters()], len(topological_order(loss)))
assert graphs[True][0] == graphs[False][0] and graphs[True][1] == graphs[False][1]
for fused, name in ((True, "fused"), (False, "primitive")):
    print(f"{name:>9}: {graphs[fused][2]:6,} nodes, "
          f"{timings[fused] * 1000:.0f} ms for forward + backward")
assert graphs[False][2] > 3 * graphs[True][2]

# %% [markdown]
# ## How much code is that?
#
# We count the lines of the package's own files, here and now, so the count is right whatever
# the package looks like when you run this: the engine (`engine.py`, `gates.py`, `nodes.py`
# and `tape.py`: the `Value`, its gates, `backward()`, the node constructors every gate goes
# through, and the tape), the compiled step this notebook trains with (`compiled.py` and
# `batch.py`, which writes a tape out as a program), then the layers, losses and optimisers
# this notebook used, then the whole package (drawing, gradient checking, file formats, the
# exercises).
# "Code" leaves out blank lines, comments and docstrings.

# %%
PACKAGE = Path(micrograd_notes.__file__).parent


def count_lines(path):
    """(lines, lines of code) of one file: code is what is left without blank lines,
    comments and docstrings."""
    text = path.read_text(encoding="utf-8")
    docstrings = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            is_text = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            if is_text and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    lines = text.splitlines()
    code = [n for n, line in enumerate(lines, 1)
            if line.strip() and not line.lstrip().startswith("#") and n not in docstrings]
    return len(lines), len(code)


def count_files(paths):
    counts = [count_lines(p) for p in paths]
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


PARTS = {
    "the engine": [PACKAGE / f for f in ("engine.py", "gates.py", "nodes.py", "tape.py")],
    "the compiled step": [PACKAGE / f for f in ("compiled.py", "batch.py")],
    "layers, losses, optimisers": [PACKAGE / name for name in ("nn.py", "losses.py", "optim.py")],
    "the whole package": sorted(PACKAGE.rglob("*.py")),
}
sizes = {part: count_files(paths) for part, paths in PARTS.items()}
for part, (lines, code) in sizes.items():
    files = len(PARTS[part])
    print(f"{part:>27}: {lines:5,} lines, {code:5,} of them code ({files} file{'s' * (files > 1)})")
engine_code, package_code = sizes["the engine"][1], sizes["the whole package"][1]
assert 200 < engine_code < 1000  # several hundred lines of code
assert package_code > 4 * engine_code

# %% [markdown]
# **Answer:** yes. An engine of several hundred lines of code (the first row), with the
# compiler that writes its recorded steps out as programs (the second), trains both
# classifiers to 100% of their training points in seconds; the layers, losses and optimisers
# add a few hundred more, and the package around them (drawing, checking, file formats,
# teaching) is more than four times the engine. The fused weighted sum keeps the scalar
# engine quick, and the compiled step, the same arithmetic without the graph, quicker still. Each ingredient of the recipe has its job: the hinge loss stops
# pulling on points beyond the margin, L2 keeps the weights small, momentum and Adam make the
# step less fussy about the learning rate, and a decaying rate lets noisy steps settle.
#
# ## Exercises
#
# ### Exercise: write one training step
#
# Write `sgd_step`: one step of plain gradient descent, as in "One training step" above, but
# by hand, without an optimizer. `params` is a list of the model's parameters (Values), and
# `compute_loss()` builds the loss from them afresh each time it is called. The checker runs
# your step on three small networks whose parameters arrive holding grads from an earlier
# step, exactly as in a training loop, and compares the parameters after your step with the
# right ones.

# %%
def sgd_step(params, compute_loss, lr):
    """One step of plain gradient descent. params: the model's parameters (Values);
    compute_loss(): builds the loss (a Value) from them, afresh at each call; lr: the
    learning rate. Moves every parameter one step against its gradient and returns the
    loss's value (a float) before the step."""
    ...

# %%
exercise("sgd_step").check(sgd_step);

# %% [markdown]
# ### Exercise: the slope of the hinge loss
#
# The moons loss is the mean of max(0, 1 − y · s) over N = 100 points. One of them has label
# y = +1 and score s = 0.3. What is ∂L/∂s for that point's score (leave out the L2 term)?

# %%
hinge_slope = ...

# %%
exercise("hinge_slope").check(hinge_slope);

# %% [markdown]
# ### Exercise: three steps with momentum
#
# SGD with lr = 0.1 and momentum β = 0.9 starts with velocity v = 0, and one parameter sees
# the same gradient, 0.5, at three steps in a row. How far has the parameter moved after the
# three steps (a positive number)?

# %%
momentum_distance = ...

# %%
exercise("momentum_distance").check(momentum_distance);
