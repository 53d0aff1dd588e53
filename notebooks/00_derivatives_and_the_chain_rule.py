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
#
# The ratio of the two moves, for a small enough nudge, is the *derivative*. Training a neural
# network means nudging many numbers so that a loss gets smaller, and backpropagation, the
# subject of this course, is a fast way to get that ratio for every one of them at once.
#
# This first notebook needs nothing but functions of plain numbers. It measures derivatives,
# names the rules that combine them (multiply along a path, add across paths, and so add over
# the samples of a batch), and checks every rule by measuring. Each claim is an `assert` that
# runs.

# %%
import math

import graphviz
from micrograd_notes.figures import label_axes, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np

from micrograd_notes.viz import GraphView

# %% [markdown]
# ## A derivative is a slope you can measure
#
# Take f(x) = 3x² − 4x + 5 at x = 3. Move x by a small h and see how far f moves: the ratio
#
# > (f(x + h) − f(x)) / h
#
# is the slope of the straight line through the two points, a *difference quotient*. As h
# shrinks, it settles on the slope of the curve itself, the derivative f′(x). Calculus gives
# f′(x) = 6x − 4 (the slope of x² is 2x, of 4x is 4, of a constant 0), so 14 at x = 3. Let us
# measure it with smaller and smaller nudges.

# %%
def f(x):
    return 3 * x**2 - 4 * x + 5


x = 3.0
exact = 6 * x - 4
print("     h   (f(x+h) - f(x)) / h    error")
for h in [1.0, 0.1, 0.01, 0.001]:
    one_sided = (f(x + h) - f(x)) / h
    print(f"{h:6g}   {one_sided:20.6f}   {one_sided - exact:.6f}")
    # For this parabola f(x + h) - f(x) = (6x - 4)·h + 3h², so the error is exactly 3h.
    assert math.isclose(one_sided - exact, 3 * h, rel_tol=1e-6)

# %% [markdown]
# The measured slope closes in on 14, but slowly: the error is 3h, so each tenfold smaller h
# buys one more correct digit. The reason is the curve's bend. A nudge to one side only sees
# the curve on that side, and on this side it is steeper.
#
# Nudge both ways instead, and divide by the 2h between the two points:
#
# > (f(x + h) − f(x − h)) / 2h
#
# This is the **central difference**; the first one is *one-sided*. The bend raises both
# ends of the central line by the same amount, so their difference, the line's slope, is
# unchanged by it.

# %%
print("     h   central difference")
for h in [1.0, 0.1, 0.01, 0.001]:
    central = (f(x + h) - f(x - h)) / (2 * h)
    print(f"{h:6g}   {central:.9f}")
    assert math.isclose(central, exact, rel_tol=1e-12)  # exact for a parabola, even at h = 1

# %% [markdown]
# For a parabola the central difference is exact at any h (the 3h² terms cancel). In the
# picture, the central line through x ± 1 runs parallel to the tangent, while the one-sided
# line through x and x + 1 is tilted by the bend.

# %%
h = 1.0
grid = np.linspace(0.5, 5.0, 200)
fig, ax = plt.subplots(figsize=(6.0, 4.0))
ax.plot(grid, f(grid), color="black", label="f(x) = 3x² − 4x + 5")
# Each line: its slope, and a point it passes through.
for rate, through, style, name in [
    (exact, x, "-", "tangent at x = 3"),
    ((f(x + h) - f(x)) / h, x, "--", "one-sided, through x and x + 1"),
    ((f(x + h) - f(x - h)) / (2 * h), x - h, ":", "central, through x − 1 and x + 1"),
]:
    ax.plot(grid, f(through) + rate * (grid - through), style, lw=2, label=f"{name}: slope {rate:g}")
ax.plot([x - h, x, x + h], [f(x - h), f(x), f(x + h)], "o", color="black")
ax.set_ylim(0, 60)
label_axes(ax, "x", "f(x)", "The central line is parallel to the tangent")
ax.legend(loc="upper left")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Most functions bend in more complicated ways, and then the central difference is not
# exact, but its error still shrinks far faster. Take eˣ at x = 0, whose slope is 1:

# %%
print("     h   one-sided error   central error")
errors = []
for h in [0.1, 0.01, 0.001]:
    one_sided = (math.exp(h) - math.exp(0)) / h
    central = (math.exp(h) - math.exp(-h)) / (2 * h)
    errors.append((one_sided - 1, central - 1))
    print(f"{h:6g}   {one_sided - 1:15.3g}   {central - 1:13.3g}")
for (one_before, central_before), (one_after, central_after) in zip(errors, errors[1:]):
    assert 9 < one_before / one_after < 11  # h ten times smaller: error ten times smaller
    assert 95 < central_before / central_after < 105  # ... a hundred times smaller

# %% [markdown]
# A tenfold smaller h makes the one-sided error ten times smaller (it shrinks like h), and the
# central error a hundred times smaller (like h²). At h = 0.001 the central difference is
# right to about 7 digits where the one-sided one has 4. So from here on, every slope this
# course measures is a central difference. (An h far smaller still runs into the rounding of
# floating-point numbers; a later notebook measures where that starts.)

# %%
def slope(g, x, h=1e-6):
    """dg/dx at x, measured: the central difference of g, a function of one number."""
    return (g(x + h) - g(x - h)) / (2 * h)


assert math.isclose(slope(f, 3.0), 14.0, rel_tol=1e-8)

# %% [markdown]
# ## Partial derivatives: nudge one input, hold the others fixed
#
# A loss depends on many numbers at once. Take a function of two, f(x, y) = x²·y + y, at
# (x, y) = (1, 2). Nudge x alone, keeping y at 2: on that slice f is the parabola 2x² + 2, of
# slope 4x, so 4 at x = 1. Nudge y alone, keeping x at 1: f is the line 2y, of slope 2.
#
# Each of these is a **partial derivative**: the derivative with respect to one input while
# every other input is held fixed, written with a curly ∂: ∂f/∂x = 2xy and ∂f/∂y = x² + 1.
# The list of all of them, (∂f/∂x, ∂f/∂y), is the **gradient** of f. To measure one, nudge
# that input and no other.

# %%
def f2(x, y):
    return x**2 * y + y


x0, y0 = 1.0, 2.0
d_dx = slope(lambda x: f2(x, y0), x0)  # y held at 2
d_dy = slope(lambda y: f2(x0, y), y0)  # x held at 1
print(f"∂f/∂x measured {d_dx:.6f}, 2xy = {2 * x0 * y0}")
print(f"∂f/∂y measured {d_dy:.6f}, x² + 1 = {x0**2 + 1}")
assert math.isclose(d_dx, 2 * x0 * y0, rel_tol=1e-8)
assert math.isclose(d_dy, x0**2 + 1, rel_tol=1e-8)

# %% [markdown]
# Each partial derivative is the slope of one slice through the function:

# %%
fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.4), sharey=True)
xs = np.linspace(-0.5, 2.0, 100)
ys = np.linspace(0.5, 3.5, 100)
for ax, grid, values, at, d, name in [
    (axes[0], xs, f2(xs, y0), x0, d_dx, "x"),
    (axes[1], ys, f2(x0, ys), y0, d_dy, "y"),
]:
    held = f"y = {y0:g}" if name == "x" else f"x = {x0:g}"
    ax.plot(grid, values, color="black", label=f"f with {held} held fixed")
    ax.plot(grid, f2(x0, y0) + d * (grid - at), "--", lw=2, label=f"slope ∂f/∂{name} = {d:.3g}")
    ax.plot([at], [f2(x0, y0)], "o", color="black")
    label_axes(ax, name, "f(x, y)", f"Nudging {name} alone")
    ax.legend(loc="upper left")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# ## One path: the chain rule multiplies
#
# Now compose two steps: y = 3x + 1, then z = y². A nudge in x moves y three times as much
# (dy/dx = 3), and a nudge in y moves z 2y times as much (dz/dy = 2y). So a nudge in x moves z
# by 2y · 3 times as much:
#
# > dz/dx = dz/dy · dy/dx
#
# This is the **chain rule**: along a path of steps, the local rates multiply. A longer chain
# multiplies one more rate per step.

# %%
x = 0.5
y = 3 * x + 1
by_chain_rule = 2 * y * 3
measured = slope(lambda x: (3 * x + 1) ** 2, x)
print(f"chain rule: dz/dy · dy/dx = {2 * y} · 3 = {by_chain_rule};  measured: {measured:.6f}")
assert math.isclose(by_chain_rule, measured, rel_tol=1e-8)

# %% [markdown]
# ## Two paths: the contributions add
#
# When an input reaches the output by more than one route, each route contributes its own
# product of local rates, and the contributions **add**. In z = x·y + x, name the product
# p = x·y, so z = p + x. Then x reaches z twice:
#
# - through p: ∂p/∂x = y, then ∂z/∂p = 1, a contribution of y · 1;
# - directly: ∂z/∂x with p held fixed is 1, a contribution of 1.
#
# So dz/dx = y + 1, which is −2 at (x, y) = (2, −3). The local rates are partial derivatives:
# each holds the node's other input fixed, and the sum over paths puts the effects back
# together.

# %%
x, y = 2.0, -3.0
p = x * y
z = p + x
local = {"dp/dx": y, "dp/dy": x, "dz/dp": 1.0, "dz/dx direct": 1.0}
path_1 = local["dp/dx"] * local["dz/dp"]  # x -> p -> z
path_2 = local["dz/dx direct"]  # x -> z
dz_dx = slope(lambda x: x * y + x, x)
dz_dy = slope(lambda y: x * y + x, y)
print(f"path 1: {path_1:+g}, path 2: {path_2:+g}, sum {path_1 + path_2:+g};  measured {dz_dx:+.6f}")
print(f"dz/dy: one path, {local['dp/dy'] * local['dz/dp']:+g};  measured {dz_dy:+.6f}")
assert math.isclose(path_1 + path_2, dz_dx, rel_tol=1e-8)
assert math.isclose(local["dp/dy"] * local["dz/dp"], dz_dy, rel_tol=1e-8)

# %% [markdown]
# The picture: each edge carries its local rate, each of x's two paths its product, and
# dz/dx is their sum.

# %%
BLUE, ORANGE, GREY = "#0072B2", "#D55E00", "#555555"  # path 1, path 2, y's only path
paths = graphviz.Digraph(
    graph_attr={
        "rankdir": "LR",
        "fontname": "Helvetica",
        "fontsize": "13",
        "nodesep": "0.5",
        "ranksep": "0.9",
        "labelloc": "b",
        "label": f"dz/dx = path 1 + path 2 = ({path_1:g}) + ({path_2:+g}) = {path_1 + path_2:g}",
    },
    node_attr={"fontname": "Helvetica", "fontsize": "13", "shape": "box", "style": "rounded"},
    edge_attr={"fontname": "Helvetica", "fontsize": "12"},
)
paths.node("x", f"x = {x:g}")
paths.node("y", f"y = {y:g}")
paths.node("p", f"p = x·y = {p:g}")
paths.node("z", f"z = p + x = {z:g}")
path_1_edge = {"color": BLUE, "fontcolor": BLUE, "penwidth": "2"}
paths.edge("x", "p", label=f"∂p/∂x = y = {local['dp/dx']:g}", **path_1_edge)
paths.edge("y", "p", label=f"∂p/∂y = x = {local['dp/dy']:g}", color=GREY, fontcolor=GREY)
paths.edge(
    "p",
    "z",
    label=f"∂z/∂p = {local['dz/dp']:g}\npath 1: ({local['dp/dx']:g})·{local['dz/dp']:g} = {path_1:g}",
    **path_1_edge,
)
paths.edge(
    "x",
    "z",
    label=f"∂(p + x)/∂x = {local['dz/dx direct']:g}\npath 2: {path_2:+g}",
    color=ORANGE,
    fontcolor=ORANGE,
    penwidth="2",
)
GraphView(paths)

# %% [markdown]
# The same rule holds however the paths run. If s reaches z through two intermediate values,
# a = s² and b = 3s, with z = a·b, then
#
# > dz/ds = ∂z/∂a · da/ds + ∂z/∂b · db/ds = b · 2s + a · 3
#
# Both terms are needed: z = 3s³, whose slope is 9s².

# %%
s = 1.5
a, b = s**2, 3 * s
by_paths = b * 2 * s + a * 3
measured = slope(lambda s: (s**2) * (3 * s), s)
print(f"through a: {b * 2 * s:g}, through b: {a * 3:g}, sum {by_paths:g};  9s² = {9 * s**2:g};"
      f"  measured {measured:.6f}")
assert math.isclose(by_paths, 9 * s**2) and math.isclose(by_paths, measured, rel_tol=1e-8)

# %% [markdown]
# ## The gradient of a sum is the sum of the gradients
#
# One consequence deserves a line of its own. A model is trained on many samples, and its loss
# is the sum of one loss per sample: L = l₁ + l₂ + … + l_N. Each sample's loss is one more
# path from a weight w to L (through a + whose local rates are all 1), so by the rule of paths
#
# > ∂L/∂w = ∂l₁/∂w + ∂l₂/∂w + … + ∂l_N/∂w
#
# **The gradient of a sum is the sum of the gradients.** That is why a batch's gradient is
# *accumulated*: start at 0 and add each sample's gradient in turn. (A loss that is the mean
# over the batch divides the sum by N, and its gradient too.)
#
# A one-weight model, prediction w·x, with squared error on three samples:

# %%
samples = [(1.0, 2.0), (-2.0, 1.0), (0.5, -1.0)]  # (x, target)
w = 0.7


def sample_loss(w, x, target):
    return (w * x - target) ** 2


def batch_loss(w):
    return sum(sample_loss(w, x, target) for x, target in samples)


accumulated = 0.0
for x, target in samples:
    one = slope(lambda w: sample_loss(w, x, target), w)
    accumulated += one
    print(f"sample x = {x:+g}, target {target:+g}: ∂l/∂w = {one:+.6f}; running sum {accumulated:+.6f}")
whole = slope(batch_loss, w)
print(f"∂L/∂w of the whole batch, measured at once: {whole:+.6f}")
assert math.isclose(accumulated, whole, rel_tol=1e-8)
mean_loss = lambda w: batch_loss(w) / len(samples)  # noqa: E731
assert math.isclose(slope(mean_loss, w), whole / len(samples), rel_tol=1e-8)

# %% [markdown]
# ## Preview: an engine that does the bookkeeping
#
# *(A look ahead: nothing in this section is needed before the next notebook, which builds
# such an engine from scratch.)*
#
# Measuring every partial derivative costs two evaluations of the function per input: for a
# network with a million weights, two million runs. The package's `Value` instead records how
# each number was computed, and its `backward()` walks that record once, from the output back
# to the inputs, applying the rules above: multiply along a path, add across paths. On the
# two-path example it gets the same −2 and 2:

# %%
from micrograd_notes import Value  # noqa: E402

xv, yv = Value(2.0, "x"), Value(-3.0, "y")
zv = xv * yv + xv
zv.backward()
print(f"backward(): dz/dx = {xv.grad:g}, dz/dy = {yv.grad:g}")
assert math.isclose(xv.grad, dz_dx, rel_tol=1e-8) and math.isclose(yv.grad, dz_dy, rel_tol=1e-8)

# %% [markdown]
# **Answer:** a derivative is a sensitivity you can measure, best with a central difference. A
# partial derivative nudges one input and holds the rest. Along one path the local rates
# multiply; across paths the contributions add; so the gradient of a sum, a batch's loss, is
# the sum of the gradients. Everything else in this course is bookkeeping that applies these
# rules efficiently.
#
# ## Exercises
#
# Write your answer in place of the `...` and run the cell after it: it says whether the
# answer is right and, if not, which mistake it looks like. The notebook runs top to bottom
# before you answer anything.
#
# ### Exercise: measure a whole gradient
#
# Write `numerical_gradient(f, xs, h)`: `f` takes a list of numbers and returns one number;
# return the list of its partial derivatives at the point `xs`, each by a central
# difference with the nudge `h`. Reread "A derivative is a slope you can measure" and
# "Partial derivatives" above. Do not change the list `xs` you are given.

# %%
from micrograd_notes.exercises import exercise  # noqa: E402


def numerical_gradient(f, xs, h):
    """[df/dx_1, ..., df/dx_n] at the point xs, each by a central difference:
    (f(..., x_i + h, ...) - f(..., x_i - h, ...)) / 2h, nudging one x_i at a time.
    f takes a list of floats and returns a float."""
    ...

# %%
exercise("numerical_gradient").check(numerical_gradient);

# %% [markdown]
# ### Exercise: a slope by hand
#
# What is the slope of f(x) = 3x² − 4x + 5 at x = −1? Work it out with calculus, then, if you
# like, measure it with `slope`.

# %%
slope_of_f = ...

# %%
exercise("slope_of_f").check(slope_of_f);

# %% [markdown]
# ### Exercise: one more link in the chain
#
# Change the chain's last step from z = y² to z = y³ (still y = 3x + 1, at x = 0.5).
# What is dz/dx?

# %%
chain_of_cube = ...

# %%
exercise("chain_of_cube").check(chain_of_cube);

# %% [markdown]
# ### Exercise: a third path
#
# Give x one more use: z = x·y + x·x, at x = 2 and y = −3. What is dz/dx?

# %%
x_used_twice = ...

# %%
exercise("x_used_twice").check(x_used_twice);
