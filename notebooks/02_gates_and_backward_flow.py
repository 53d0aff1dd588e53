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
# # 2. Gates and how gradients flow back through them
#
# **Question:** what does each kind of gate do to the gradient passing through it?
#
# Every node in a computation is a small gate. On the way back, a gate receives the gradient of
# the final output with respect to its own output (call it **up_diff**), knows its own
# **local_diff** (the partial derivative of its output with respect to each input, notebook
# 00), and sends each input
#
# > **down_diff = local_diff · up_diff**
#
# A gate never needs to know anything about the rest of the graph. We look at four gates (add,
# max, mul and sigmoid), each with a drawing of its graph and the step-by-step trace of the
# backward pass; then at a value used twice, and at what the mul gate does to a model whose
# inputs are large.
#
# From here on we use the package's `Value`, which works like the one notebook 01 built: each
# result records its parents and the gate that made it, and `backward()` runs every gate's
# rule in reverse topological order.

# %%
import math
import re

from micrograd_notes.figures import label_axes, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np

from micrograd_notes import Gate, Value
from micrograd_notes.viz import draw, draw_steps, show_steps, trace_backward

COLUMN_PT = 680  # a notebook column is about 920 px, 690 pt: a wider drawing is shrunk


def leaves(**values):
    """Labelled input Values, one per keyword."""
    return [Value(v, name) for name, v in values.items()]


def named(value, label):
    """Give a result a name, so the drawing and the trace call it the same."""
    value.label = label
    return value


def fit(view):
    """Check that a drawing fits a notebook column (so its labels keep their size); show it."""
    width = float(re.search(r'<svg width="([\d.]+)pt"', view.svg()).group(1))
    assert width <= COLUMN_PT, f"{width:.0f} pt wide"
    return view

# %% [markdown]
# ## The add gate hands the gradient on unchanged
#
# For out = a + b both local derivatives are 1, so both inputs receive exactly up_diff. Here the
# add gate's result, s, sits under a multiplication by 2, so its up_diff is 2.
#
# How to read a drawing: each box is a value (its name, its data and its grad), each oval the
# gate that made the box it points to. The key in the first drawing names the colours: blue
# for an input, grey for a constant (named by its value), yellow for the output, white for an
# intermediate result; the later drawings use the same colours without repeating the key.
# How to read a trace: one row per edge, in the order backward() runs; `node` is the gate's
# result, `parent` the input it sends to.

# %%
a, b = leaves(a=1.5, b=-0.5)
s = named(a + b, "s")
out = named(s * 2.0, "out")
trace = trace_backward(out)
print(trace)
assert a.grad == b.grad == 2.0
fit(draw(out))

# %% [markdown]
# The constant 2 has no name of its own, so both the drawing and the trace call it by its
# value. `show_steps` draws the same trace as one frame per step: the node whose turn it is in
# orange, each grad as it stood after that step. In Jupyter it is a slider (with ipywidgets
# installed; a strip of frames without). Move it and watch the 2 flow from the multiplication
# into the add gate and on to a and b.

# %%
assert [row[1] for row in trace.rows()] == ["out", "out", "s", "s"]  # the drawing's names
assert "2" in {row[3] for row in trace.rows()}  # the constant, by its value
show_steps(trace)

# %% [markdown]
# The same frames without the slider, here the second step: s has received its up_diff of 2
# and passed it on, unchanged, to both inputs.

# %%
frames = draw_steps(trace)
assert len(frames) == 2 and "step 2/2" in frames[1].source
fit(frames[1])

# %% [markdown]
# ## The max gate routes the gradient to the winner
#
# max(a, b) only depends on the larger input, so that one gets all of up_diff and the other
# gets nothing. (On an exact tie the engine splits it half and half.)

# %%
a, b = leaves(a=4.0, b=-1.0)
m = named(a.max(b), "m")
out = named(m * 3.0, "out")
print(trace_backward(out))
assert (a.grad, b.grad) == (3.0, 0.0)
fit(draw(out, legend=False))

# %% [markdown]
# ## The mul gate swaps its inputs
#
# For out = a · b, ∂out/∂a = b and ∂out/∂b = a: each input receives the *other* input's value
# times up_diff. A large input therefore makes a large gradient for its partner.

# %%
a, b = leaves(a=2.0, b=-5.0)
out = named(a * b, "out")
print(trace_backward(out))
assert (a.grad, b.grad) == (b.data, a.data)
fit(draw(out, legend=False))

# %% [markdown]
# ## The sigmoid gate scales by σ(1 − σ)
#
# For s = σ(x) = 1 / (1 + e⁻ˣ), the local derivative is s(1 − s). It needs only the gate's
# own output: the gate multiplies up_diff by s(1 − s). That factor is largest, 1/4, at x = 0,
# where s = 1/2, and falls towards 0 on both sides, where the sigmoid flattens out:

# %%
grid = np.linspace(-6, 6, 241)
sig = 1 / (1 + np.exp(-grid))
fig, ax = plt.subplots(figsize=(6.0, 3.4))
ax.plot(grid, sig, label="σ(x)")
ax.plot(grid, sig * (1 - sig), "--", lw=2, label="local derivative σ(x)(1 − σ(x))")
ax.axhline(0.25, color="grey", lw=0.8, ls=":")
ax.annotate("1/4 at x = 0", (0, 0.25), xytext=(1.2, 0.4), arrowprops={"arrowstyle": "->"})
label_axes(ax, "x", "value", "The sigmoid and its slope")
ax.legend(loc="upper left")
assert style_problems(fig) == []
plt.show()
assert math.isclose((sig * (1 - sig)).max(), 0.25) and grid[np.argmax(sig * (1 - sig))] == 0

# %% [markdown]
# Every sigmoid a gradient passes through multiplies it by at most 1/4. Here x goes through two
# sigmoids, s1 and s2, and then a multiplication by 3, so the trace starts with an up_diff of
# 3 and shrinks it twice. (This graph is drawn top to bottom, so that it fits the page.)

# %%
(x,) = leaves(x=0.8)
s1 = named(x.sigmoid(), "s1")
s2 = named(s1.sigmoid(), "s2")
out = named(s2 * 3.0, "out")
trace = trace_backward(out)
print(trace)
for node, step in [(s2, trace.steps[1]), (s1, trace.steps[2])]:
    (slot,) = step.slots
    assert trace.name(step.node) == node.label  # the row names the drawn box
    assert math.isclose(slot.local_diff, node.data * (1 - node.data), rel_tol=1e-12)
    assert slot.local_diff <= 0.25 and abs(slot.down_diff) < abs(step.up_diff)
print(f"x.grad = 3 · {s2.data * (1 - s2.data):.4f} · {s1.data * (1 - s1.data):.4f}"
      f" = {x.grad:.4f}")
fit(draw(out, "TB", legend=False))

# %% [markdown]
# Row by row: out sends 3 (its other input) to s2; s2's gate multiplies it by
# s2(1 − s2) = 0.2225 and sends 0.6674 to s1; s1's gate multiplies that by 0.2139 and x
# receives 0.1428, less than a twentieth of the 3 it started as.
#
# ## All four together
#
# Gates compose: in the circuit below, each node only ever applies its own rule, and the
# gradients at the inputs come out right. We check them against finite differences.

# %%
x, y, z, w = leaves(x=3.0, y=-4.0, z=2.0, w=-1.0)
xy = named(x * y, "xy")
m = named(z.max(w), "m")
u = named(xy + m, "u")
v = named(u * 0.1, "v")
out = named(v.sigmoid(), "out")
trace = trace_backward(out)
print(trace)


def f(x, y, z, w):
    return 1 / (1 + math.exp(-((x * y + max(z, w)) * 0.1)))


h = 1e-6
for v_, i in zip([x, y, z, w], range(4)):
    args = [3.0, -4.0, 2.0, -1.0]
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    numerical = (f(*up) - f(*down)) / (2 * h)
    assert abs(numerical - v_.grad) < 1e-8, (v_.label, numerical, v_.grad)
print("every input gradient matches finite differences")
assert {row[1] for row in trace.rows()} == {"out", "v", "u", "m", "xy"}
fit(draw(out, "TB", legend=False))

# %% [markdown]
# Read it from the bottom: the sigmoid scales 1 by out(1 − out) = 0.1966; the mul by 0.1
# swaps, so u gets 0.1 · 0.1966 and the constant gets u's −10 times it; the add hands
# 0.01966 to both xy and m; the max routes all of it to z (2 beats −1) and none to w; the mul
# swaps again: x gets y · 0.01966 and y gets x · 0.01966.
#
# ## A parent used twice: its gradients add
#
# A value that feeds two gates receives a down_diff from each, and its gradient is their sum:
# the two paths of notebook 00. In out = x·y + x, x receives y from the mul gate (times the
# add gate's 1) and 1 from the add gate:

# %%
x, y = leaves(x=2.0, y=-3.0)
xy = named(x * y, "xy")
out = named(xy + x, "out")
trace = trace_backward(out)
print(trace)
to_x = [float(row[5]) for row in trace.rows() if row[3] == "x"]
print(f"down_diffs into x: {to_x}, sum {sum(to_x):g} = x.grad {x.grad:g}")
assert sorted(to_x) == [-3.0, 1.0] and x.grad == sum(to_x)
fit(draw(out, legend=False))

# %% [markdown]
# That is why every gate's `backward` *adds* into its parents' grads (`+=`) instead of setting
# them (`=`): by the time the second use sends its share, the first is already there. In the
# package, each kind of gate is a class: `forward` computes the output's value from the
# parents' data, and `backward(out)` adds local_diff · out.grad into each parent's grad. Here
# is a cube gate written with `=`, the mistake, used in out = x³ + x:

# %%
class CubeWithEquals(Gate):
    """x³, d/dx = 3x², but its backward sets the parent's grad instead of adding to it."""

    symbol = "cube"

    def forward(self, a):
        return a.data**3

    def backward(self, out):
        (a,) = out.parents
        a.grad = 3 * a.data**2 * out.grad  # the mistake: = where += is needed


def cube_plus_x_grad(gate):
    """d(x³ + x)/dx at x = 2 through this cube gate: right is 3·2² + 1 = 13."""
    x = Value(2.0, "x")
    (gate()(x) + x).backward()
    return x.grad


measured = ((2 + h) ** 3 + (2 + h) - (2 - h) ** 3 - (2 - h)) / (2 * h)
print(f"with '=': x.grad = {cube_plus_x_grad(CubeWithEquals):g}; measured {measured:.6f}")
assert cube_plus_x_grad(CubeWithEquals) == 12.0 and abs(measured - 13) < 1e-6

# %% [markdown]
# The add gate's turn comes first (it is nearer the output) and adds its 1 into x.grad; then
# the cube gate *overwrites* it with 12. Its local derivative is right, and still the gradient
# is wrong: the 1 from the other path is lost. With `+=` both shares stay:

# %%
class Cube(CubeWithEquals):
    def backward(self, out):
        (a,) = out.parents
        a.grad += 3 * a.data**2 * out.grad


print(f"with '+=': x.grad = {cube_plus_x_grad(Cube):g}")
assert cube_plus_x_grad(Cube) == 13.0

# %% [markdown]
# ## Why large inputs make large weight gradients
#
# A neuron computes w · x. By the mul gate, its weight's gradient is x · up_diff: the input's
# size scales the weight's gradient. Take 50 samples of two features, the first around 500
# (mean 500, spread 10), the second around 0 (mean 0, spread 1), a linear model with both
# weights at 0.1, and the mean squared output as the loss.

# %%
rng = np.random.default_rng(0)
raw = np.column_stack([rng.normal(500.0, 10.0, 50), rng.normal(0.0, 1.0, 50)])
centred = (raw - raw.mean(axis=0)) / raw.std(axis=0)


def weight_grads(data):
    ws = [Value(0.1), Value(0.1)]
    loss = Value.sum([Value.dot(ws, list(row)) ** 2 for row in data]) * (1 / len(data))
    loss.backward()
    return [abs(w.grad) for w in ws]


g_raw, g_centred = weight_grads(raw), weight_grads(centred)
sizes = np.abs(raw).mean(axis=0)
print(f"typical input size |x|: {sizes[0]:.1f} vs {sizes[1]:.3f} (ratio {sizes[0] / sizes[1]:.0f})")
print(f"raw data:     |dL/dw| = {g_raw[0]:.4g} vs {g_raw[1]:.4g}  (ratio {g_raw[0] / g_raw[1]:,.0f})")

# %% [markdown]
# The inputs differ in size by a factor of about 590, but the weights' gradients by a factor
# of 15,082. Where does the rest come from? Write the gradient as a sum over samples (the
# gradient of a sum, notebook 00): dL/dw_j = Σ_n up_diff_n · x_nj, where
# up_diff_n = 2 (w · x_n) / 50 arrives at sample n's product. Because the first feature is
# about 500 in every sample, w · x_n is about 50 in every sample, so every up_diff_n is about
# 2, all with the same sign. Then:
#
# - for w1 the terms up_diff_n · x_n1 are all positive and add up;
# - for w2 the terms up_diff_n · x_n2 follow the sign of x_n2, which is positive for about
#   half the samples and negative for the rest (the feature has mean 0): they **cancel**.
#
# So the ratio is (size of the terms) × (how much of w2's terms cancel):

# %%
up_diffs = 2 * (raw @ [0.1, 0.1]) / len(raw)
terms = up_diffs[:, None] * raw  # terms[n, j] = up_diff_n · x_nj
size_ratio = np.abs(terms[:, 0]).sum() / np.abs(terms[:, 1]).sum()
cancelled = np.abs(terms[:, 1]).sum() / abs(terms[:, 1].sum())
print(f"up_diff per sample: from {up_diffs.min():.3f} to {up_diffs.max():.3f}")
print(f"size of the terms, w1 over w2: {size_ratio:.0f}")
print(f"w2's terms: sum of sizes {np.abs(terms[:, 1]).sum():.2f}, size of the sum "
      f"{abs(terms[:, 1].sum()):.3f}: cancellation by {cancelled:.1f}")
print(f"{size_ratio:.0f} × {cancelled:.1f} = {size_ratio * cancelled:,.0f}")
assert np.allclose(terms.sum(axis=0), g_raw, rtol=1e-12)  # the engine's gradient, term by term
assert 1.9 < up_diffs.min() and up_diffs.max() < 2.1  # one sign, nearly one size
assert 550 < size_ratio < 650 and abs(size_ratio - sizes[0] / sizes[1]) < 5
assert 20 < cancelled < 30 and math.isclose(size_ratio * cancelled, g_raw[0] / g_raw[1])

# %% [markdown]
# The size ratio, 589, is the inputs' ratio, as the mul gate says; the other factor of 25.6 is
# cancellation. Move the second feature's mean from 0 to 3, and its terms stop cancelling: the
# ratio falls to about 500/3, the ratio of the two features' means.

# %%
shifted = raw + [0.0, 3.0]
g_shifted = weight_grads(shifted)
means = shifted.mean(axis=0)
print(f"second feature around 3: ratio {g_shifted[0] / g_shifted[1]:.0f}; "
      f"ratio of the means {means[0] / means[1]:.0f}")
assert abs(g_shifted[0] / g_shifted[1] - means[0] / means[1]) < 2

# %% [markdown]
# Either way one learning rate cannot suit both weights: a step small enough for w1 barely
# moves w2. Centring each feature (subtracting its mean) and scaling it (dividing by its
# spread) puts both on the same footing. Here the two gradients even come out equal: with both
# weights at 0.1 and both features now of mean 0 and spread 1, the two sums are the same
# (each is 0.2 · (1 + the average of x_n1 · x_n2)).

# %%
print(f"centred data: |dL/dw| = {g_centred[0]:.3g} vs {g_centred[1]:.3g}")
assert math.isclose(g_centred[0], g_centred[1], rel_tol=1e-9)
assert math.isclose(g_centred[0], 0.2 * (1 + np.mean(centred[:, 0] * centred[:, 1])), rel_tol=1e-9)

# %% [markdown]
# **Answer:** add distributes, max routes, mul swaps, sigmoid scales by σ(1 − σ); each gate
# applies down_diff = local_diff · up_diff and nothing more, and *adds* it into its parents, so
# a value used twice collects both shares. Because the mul gate swaps, a weight's gradient is
# as large as its input; across a batch, the terms of a feature with mean 0 also cancel.
#
# ## Exercises
#
# Replace the `...` with your answer and run the cell under it: it says whether the answer is
# right and, if not, which mistake it looks like.
#
# ### Exercise: softplus as a gate
#
# Write softplus, log(1 + eˣ), as a `Gate`, following the cube gate above: `forward` returns
# the output's value from the parent's data, and `backward(out)` adds local_diff · up_diff into
# the parent's grad. Work out its derivative yourself. The checker runs your gate in the
# engine, on its own and in graphs where up_diff is not 1 and where x is used twice.

# %%
from micrograd_notes.exercises import exercise  # noqa: E402


class Softplus(Gate):
    """softplus(x) = log(1 + e^x), a smooth relu."""

    symbol = "softplus"

    def forward(self, a):
        """The output's value, from the parent's data a.data."""
        ...

    def backward(self, out):
        """Add local_diff * up_diff into the parent's grad (the parent is out.parents[0])."""
        ...

# %%
exercise("gate_backward").check(Softplus);

# %% [markdown]
# ### Exercise: the mul gate, scaled
#
# out = a · b · 3 with a = 2 and b = −5. What is a.grad?

# %%
mul_gate_grad = ...

# %%
exercise("mul_gate_grad").check(mul_gate_grad);

# %% [markdown]
# ### Exercise: a new winner
#
# In the max example, raise b from −1 to 6: out = max(a, b) · 3 with a = 4. What is a.grad now?

# %%
max_gate_grad = ...

# %%
exercise("max_gate_grad").check(max_gate_grad);

# %% [markdown]
# ### Exercise: a larger first feature
#
# In the section on large inputs, make the first feature ten times larger (around 5000
# instead of 500) and leave the second alone. Does the ratio of the raw weight gradients
# "grow", "shrink" or "stay"?

# %%
bigger_feature = ...

# %%
exercise("bigger_feature").check(bigger_feature);
