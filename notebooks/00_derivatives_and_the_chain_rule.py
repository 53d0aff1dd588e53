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
# # 0. Derivatives and the chain rule
#
# **Question:** if we nudge an input a little, how much does the output move?
# That ratio, in the limit of a tiny nudge, is the derivative. Backpropagation is nothing more
# than an efficient way to get it for every input of a big computation at once. This notebook
# builds the idea from scratch and checks every claim by running it.

# %%
import numpy as np

from micrograd_notes import Value
from micrograd_notes.extras import require
from micrograd_notes.viz import draw

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it

# %% [markdown]
# ## A derivative is a slope you can measure
#
# Take f(x) = 3x² − 4x + 5. Move x by a small h and see how far f moves: the ratio
# (f(x + h) − f(x)) / h is the slope. Calculus says the slope is 6x − 4; let us measure it.


# %%
def f(x):
    return 3 * x**2 - 4 * x + 5


x, h = 3.0, 1e-6
measured = (f(x + h) - f(x)) / h
print(f"measured slope at x = {x}: {measured:.6f};  6x - 4 = {6 * x - 4}")
assert abs(measured - (6 * x - 4)) < 1e-4

# %% [markdown]
# The picture: the tangent line at x = 3 has exactly that slope.

# %%
xs = np.linspace(-1, 5, 200)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(xs, f(xs), label="f(x)")
ax.plot(xs, f(x) + (6 * x - 4) * (xs - x), "--", label="tangent at x = 3")
ax.scatter([x], [f(x)], zorder=3)
ax.set(xlabel="x", ylabel="f(x)", ylim=(0, 60))
ax.legend()
plt.show()

# %% [markdown]
# ## One path: the chain rule multiplies
#
# Now compose two steps: y = 3x + 1, then z = y². A nudge in x moves y three times as much,
# and a nudge in y moves z by 2y times as much, so a nudge in x moves z by 2y · 3.
# The local rates along the path multiply.

# %%
x = 0.5
y = 3 * x + 1
by_chain_rule = 2 * y * 3
measured = (((3 * (x + h) + 1) ** 2) - ((3 * x + 1) ** 2)) / h
print(f"chain rule: {by_chain_rule},  measured: {measured:.6f}")
assert abs(by_chain_rule - measured) < 1e-4

# %% [markdown]
# ## Two paths: the contributions add
#
# When x reaches the output by more than one route, each route contributes its own product
# of local rates, and the contributions add. In z = x·y + x, x reaches z through the product
# (rate y) and directly (rate 1), so dz/dx = y + 1.

# %%
x_val, y_val = 2.0, -3.0
through_product, direct = y_val, 1.0
measured = ((x_val + h) * y_val + (x_val + h) - (x_val * y_val + x_val)) / h
print(f"paths: {through_product} + {direct} = {through_product + direct};  measured: {measured:.6f}")
assert abs((through_product + direct) - measured) < 1e-4

# %% [markdown]
# ## The same thing, done by the engine
#
# A `Value` remembers how it was computed. `backward()` walks that record from the output back
# to the inputs and applies exactly the two rules above: multiply along a path, add across
# paths.

# %%
x = Value(2.0, "x")
y = Value(-3.0, "y")
xy = x * y
xy.label = "x*y"
z = xy + x
z.label = "z"
z.backward()
print(f"dz/dx = {x.grad},  dz/dy = {y.grad}")
assert x.grad == y_val + 1.0  # both paths, added
assert y.grad == x_val  # one path

# %% [markdown]
# Here is the graph the engine built. Each box holds a value's data and its grad; each oval is
# the operation that produced the box to its right. Follow x: it feeds both the `*` and the `+`,
# and its grad, −2, is the sum of what came back along the two edges.

# %%
draw(z)

# %% [markdown]
# **Answer:** a derivative is a measurable sensitivity; along one path local sensitivities
# multiply, across paths they add. Everything else in these notebooks is bookkeeping that
# applies these two rules efficiently.

# %% [markdown]
# ## Exercises
#
# Change one thing, predict the result, then check it: write your answer in place of the
# `...` and run the cell after it.
#
# **1.** What is the slope of f(x) = 3x² − 4x + 5 at x = −1?

# %%
from micrograd_notes.exercises import Exercise

xv = Value(-1.0, "x")
(3 * xv**2 - 4 * xv + 5).backward()
exercise1 = Exercise.number("slope of f at x = -1", xv.grad, hint="the slope is 6x − 4")

# %%
answer1 = ...

# %%
exercise1.check(answer1)

# %% [markdown]
# **2.** Change the chain's last step from z = y² to z = y³ (still y = 3x + 1, x = 0.5).
# What is dz/dx?

# %%
xv = Value(0.5, "x")
((3 * xv + 1) ** 3).backward()
exercise2 = Exercise.number("dz/dx for z = (3x + 1)^3 at x = 0.5", xv.grad, hint="3y² times 3")

# %%
answer2 = ...

# %%
exercise2.check(answer2)

# %% [markdown]
# **3.** Give x a third path: z = x·y + x·x, with x = 2 and y = −3. What is dz/dx?

# %%
xv, yv = Value(2.0, "x"), Value(-3.0, "y")
(xv * yv + xv * xv).backward()
exercise3 = Exercise.number(
    "dz/dx for z = x*y + x*x", xv.grad, hint="x·x uses x twice: each use is a path"
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
assert exercise1.accepts(-10.0) and not exercise1.accepts(10.0)
assert exercise2.accepts(3 * 2.5**2 * 3) and not exercise2.accepts(3 * 2.5**2)
assert exercise3.accepts(-3.0 + 2 * 2.0) and not exercise3.accepts(-3.0 + 2.0)
