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
# **local_diff** (the derivative of its output with respect to each input), and sends each input
#
# > **down_diff = local_diff · up_diff**
#
# A gate never needs to know anything about the rest of the graph. We look at four gates, each
# with a picture and the step-by-step trace of the backward pass.

# %%
import math

from micrograd_notes import Value
from micrograd_notes.viz import draw, draw_steps, show_steps, trace_backward


def leaves(**values):
    """Labelled input Values, one per keyword."""
    return [Value(v, name) for name, v in values.items()]


# %% [markdown]
# ## The add gate hands the gradient on unchanged
#
# For out = a + b both local derivatives are 1, so both inputs receive exactly up_diff. Here the
# add gate sits under a multiplication by 2, so its up_diff is 2.

# %%
a, b = leaves(a=1.5, b=-0.5)
out = (a + b) * 2.0
out.label = "out"
trace = trace_backward(out)
print(trace)
assert a.grad == b.grad == 2.0
draw(out)

# %% [markdown]
# The trace above names the constant 2 by its value. `show_steps` draws the same trace as
# one frame per step: the node whose turn it is in orange, each grad as it stood after that
# step. In Jupyter it is a slider (with ipywidgets installed; a strip of frames without).
# Move it and watch the 2 flow from the multiplication into the add gate and on to a and b.

# %%
assert "2" in {row[3] for row in trace.rows()}  # the constant, by its value
show_steps(trace)

# %% [markdown]
# The same frames without the slider, here the second step: the add gate has received its
# up_diff of 2 and passed it on, unchanged, to both inputs.

# %%
frames = draw_steps(trace)
assert len(frames) == 2 and "step 2/2" in frames[1].source
frames[1]

# %% [markdown]
# ## The max gate routes the gradient to the winner
#
# max(a, b) only depends on the larger input, so that one gets all of up_diff and the other
# gets nothing. (On an exact tie the engine splits it half and half.)

# %%
a, b = leaves(a=4.0, b=-1.0)
out = a.max(b) * 3.0
out.label = "out"
print(trace_backward(out))
assert (a.grad, b.grad) == (3.0, 0.0)
draw(out)

# %% [markdown]
# ## The mul gate swaps its inputs
#
# For out = a · b, d out/da = b and d out/db = a: each input receives the *other* input's value
# times up_diff. A large input therefore makes a large gradient for its partner.

# %%
a, b = leaves(a=2.0, b=-5.0)
out = a * b
out.label = "out"
print(trace_backward(out))
assert (a.grad, b.grad) == (b.data, a.data)
draw(out)

# %% [markdown]
# ## The sigmoid gate scales by σ(1 − σ)
#
# For s = σ(x) = 1 / (1 + e⁻ˣ), the local derivative is s(1 − s), at most 1/4 (at x = 0).
# A chain of sigmoids therefore shrinks the gradient at every step.

# %%
(x,) = leaves(x=0.8)
out = x.sigmoid()
out.label = "s"
step = trace_backward(out).steps[0]
s = 1 / (1 + math.exp(-0.8))
print(f"local_diff = {step.slots[0].local_diff:.6f},  s(1 - s) = {s * (1 - s):.6f}")
assert math.isclose(step.slots[0].local_diff, s * (1 - s), rel_tol=1e-12)
assert max(Value(t).sigmoid().data * (1 - Value(t).sigmoid().data) for t in range(-5, 6)) <= 0.25

# %% [markdown]
# ## All four together
#
# Gates compose: in the circuit below, each node only ever applies its own rule, and the
# gradients at the inputs come out right. We check them against finite differences.

# %%
x, y, z, w = leaves(x=3.0, y=-4.0, z=2.0, w=-1.0)
out = ((x * y + z.max(w)) * 0.1).sigmoid()
out.label = "out"
print(trace_backward(out))


def f(x, y, z, w):
    return 1 / (1 + math.exp(-((x * y + max(z, w)) * 0.1)))


h = 1e-6
for v, i in zip([x, y, z, w], range(4)):
    args = [3.0, -4.0, 2.0, -1.0]
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    numerical = (f(*up) - f(*down)) / (2 * h)
    assert abs(numerical - v.grad) < 1e-8, (v.label, numerical, v.grad)
print("every input gradient matches finite differences")
draw(out)

# %% [markdown]
# ## Why large inputs make large weight gradients
#
# A neuron computes w · x. Its weight's gradient is (by the mul gate) x · up_diff: the input's
# size scales the weight's gradient. If one input feature is in the hundreds and another near
# one, their weights get gradients a hundred times apart, and one learning rate cannot suit
# both. Centring (and scaling) the data evens them out.

# %%
import numpy as np

rng = np.random.default_rng(0)
raw = np.column_stack([rng.normal(500.0, 10.0, 50), rng.normal(0.0, 1.0, 50)])
centred = (raw - raw.mean(axis=0)) / raw.std(axis=0)


def weight_grads(data):
    ws = [Value(0.1), Value(0.1)]
    loss = Value.sum([Value.dot(ws, list(row)) ** 2 for row in data]) * (1 / len(data))
    loss.backward()
    return [abs(w.grad) for w in ws]


g_raw, g_centred = weight_grads(raw), weight_grads(centred)
print(f"raw data:     |dL/dw| = {g_raw[0]:.3g} vs {g_raw[1]:.3g}  (ratio {g_raw[0] / g_raw[1]:.0f})")
print(f"centred data: |dL/dw| = {g_centred[0]:.3g} vs {g_centred[1]:.3g}")
assert g_raw[0] / g_raw[1] > 100
assert 0.1 < g_centred[0] / g_centred[1] < 10

# %% [markdown]
# **Answer:** add distributes, max routes, mul swaps, sigmoid scales by σ(1 − σ); each gate
# applies down_diff = local_diff · up_diff and nothing more.

# %% [markdown]
# ## Exercises
#
# Change one thing, predict the result, then check it: write your answer in place of the
# `...` and run the cell after it.
#
# **1.** Scale the mul gate's output: out = a · b · 3 with a = 2, b = −5. What is a.grad?

# %%
from micrograd_notes.exercises import Exercise

a, b = leaves(a=2.0, b=-5.0)
(a * b * 3.0).backward()
exercise1 = Exercise.number(
    "a.grad for out = a * b * 3", a.grad, hint="the mul gate swaps: a receives b times up_diff"
)

# %%
answer1 = ...

# %%
exercise1.check(answer1)

# %% [markdown]
# **2.** In the max example, raise b from −1 to 6: out = max(a, b) · 3 with a = 4. What is
# a.grad now?

# %%
a, b = leaves(a=4.0, b=6.0)
(a.max(b) * 3.0).backward()
exercise2 = Exercise.number("a.grad for max(4, 6) * 3", a.grad, hint="which input wins now?")

# %%
answer2 = ...

# %%
exercise2.check(answer2)

# %% [markdown]
# **3.** In the last section, make the first feature ten times larger (mean 5000 instead of
# 500) and leave the second alone. Does the ratio of the raw weight gradients "grow",
# "shrink" or "stay"?

# %%
big = raw * [10.0, 1.0]
g_big = weight_grads(big)
ratio_raw, ratio_big = g_raw[0] / g_raw[1], g_big[0] / g_big[1]
verdict = (
    "grow" if ratio_big > 1.5 * ratio_raw else "shrink" if ratio_big < ratio_raw / 1.5 else "stay"
)
exercise3 = Exercise.choice(
    "the gradient ratio with a 10x larger first feature",
    ["grow", "shrink", "stay"],
    verdict,
    hint="the weight's gradient is its input times up_diff",
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
assert exercise1.accepts(-15.0) and not exercise1.accepts(2.0 * 3.0)
assert exercise2.accepts(0.0) and not exercise2.accepts(3.0)
assert exercise3.accepts("grow") and not exercise3.accepts("stay")
