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
# # 13. Gradients of gradients
#
# **Question:** notebook 07 drew the backward pass as a network of its own. If that network is
# built out of the same gates as the forward pass, can we differentiate it again, and what
# does a second derivative buy us?
#
# `backward()` leaves plain numbers in `.grad`: a number does not remember how it was
# computed, so there is nothing left to differentiate. Here the package runs the same backward
# sweep with Values instead of numbers, so that every product local_diff · up_diff and every
# sum of paths becomes a node. The result, df/dx, is a `Value` with a graph: we draw it,
# differentiate it again, and use second derivatives to measure how a curve bends, to take
# Newton's steps down a valley, and to multiply by the matrix of second derivatives without
# ever building it.

# %%
import inspect
import math
import re

from micrograd_notes.figures import label_axes, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np

from micrograd_notes import Value, central_difference, grad, gradcheck, hessian, topological_order
from micrograd_notes.exercises import exercise
from micrograd_notes.viz import draw, node_name

COLUMN_PT = 680  # a notebook column is about 920 px, 690 pt: a wider drawing is shrunk


def fit(view):
    """Check that a drawing fits a notebook column (so its labels keep their size); show it."""
    width = float(re.search(r'<svg width="([\d.]+)pt"', view.svg()).group(1))
    assert width <= COLUMN_PT, f"{width:.0f} pt wide"
    return view

# %% [markdown]
# ## The backward pass, built out of gates
#
# Take f(x) = x · tanh(x). `backward()` fills `x.grad` with f′(x), a float:

# %%
x = Value(0.8, "x")
t = x.tanh()
out = x * t
out.backward()
by_backward = x.grad
print(f"f'(0.8) = {by_backward:.6f}, a {type(by_backward).__name__}")

# %% [markdown]
# Every gate states its local derivative twice, side by side: `backward` with floats, the rule
# `backward()` runs, and `local_values` with Values. Here is the tanh gate:

# %%
print(inspect.getsource(type(t.gate)))

# %% [markdown]
# The float rule reads `out.data`, the number tanh(a), and adds (1 − out.data²) · up_diff into
# the parent's grad. The Value rule returns `1.0 - out * out`: a mul node and a sub node,
# built from the tanh node itself. Since that node is a function of x, so is the local
# derivative.
#
# `grad(f)` returns a function with f's arguments that runs the sweep of `backward()`, node by
# node in reverse topological order, but with each gate's `local_values`: every product
# local_diff · up_diff is a mul node, and where paths meet, their sum is a node too. (A local
# derivative that is the number 1, as add's, needs no node: the up_diff goes on as it is.)

# %%
def named(value, label):
    """Give a result a name, so the drawing calls it that."""
    value.label = label
    return value


def f(x):
    return x * named(x.tanh(), "t")


x = Value(0.8, "x")
slope = grad(f)(x)
print(slope)
fit(draw(slope, "TB", show_grad=False, legend=False))

# %% [markdown]
# That is the backward pass of f, drawn by the package as a graph of ordinary gates. Read it
# from the top: x (blue) and t = tanh(x) are the forward pass's own nodes; `*#3` is t · t and
# `-#4` is 1 − t · t, tanh's local derivative; `*#5` multiplies it by its up_diff, which is x
# (the mul gate sends each input the other one); and `sum#6` adds the two paths from x to the
# output: the direct one, whose derivative is t, and the one through tanh. So
# f′(x) = t + x · (1 − t²). The forward output x · t itself is not in the picture: the
# derivative never needs it.

# %%
names = [node_name(node, k) for k, node in enumerate(topological_order(slope))]
print(names)
assert names == ["x", "t", "1", "*#3", "-#4", "*#5", "sum#6"]
t_ = math.tanh(0.8)
assert math.isclose(slope.data, t_ + 0.8 * (1 - t_**2), rel_tol=1e-15)
assert slope.data == by_backward  # the number backward() found, to the last bit
print(f"f'(0.8) as a Value: {slope.data:.6f}")

# %% [markdown]
# ## Differentiate it again
#
# `slope` is a Value whose graph starts at x, so `slope.backward()` gives its own derivative:
# f″(0.8). The same is `grad(grad(f))`, a function again. By hand, with t′ = 1 − t²:
#
# > f″(x) = 2(1 − t²)(1 − x·t)
# >
# > f‴(x) = 2(1 − t²)(3x·t² − 3t − x)
#
# Each is checked against the formula and against a central difference of the derivative
# before it (notebook 00), and `gradcheck` (notebook 04) checks each derivative function's own
# derivative.

# %%
slope.backward()
second = grad(grad(f))
third = grad(second)
s2, s3 = second(0.8).data, third(0.8).data
print(f"x.grad after slope.backward() = {x.grad:.6f}; grad(grad(f))(0.8) = {s2:.6f}")
print(f"grad(grad(grad(f)))(0.8) = {s3:.6f}")
assert math.isclose(x.grad, s2, rel_tol=1e-15)
assert math.isclose(s2, 2 * (1 - t_**2) * (1 - 0.8 * t_), rel_tol=1e-14)
assert math.isclose(s3, 2 * (1 - t_**2) * (3 * 0.8 * t_**2 - 3 * t_ - 0.8), rel_tol=1e-14)
assert math.isclose(s2, central_difference(lambda v: grad(f)(v).data, 0.8), rel_tol=1e-8)
assert math.isclose(s3, central_difference(lambda v: second(v).data, 0.8), rel_tol=1e-7)
for derivative in (grad(f), second, third):
    gradcheck(derivative, [0.8])  # raises GradcheckError on a mismatch
print("f'', f''' agree with their formulas, with central differences and with gradcheck")

# %% [markdown]
# Each derivative is built on the nodes of the one before, so the graphs grow. Counting their
# nodes:

# %%
sizes, fn = [], f
for order in range(5):
    sizes.append(len(topological_order(fn(Value(0.8)))))
    fn = grad(fn)
print("nodes in the graph of f, f', f'', f''', f'''':", sizes)
assert sizes == sorted(sizes)

# %% [markdown]
# ## At a kink
#
# relu′ is 0 left of 0 and 1 right of it; at 0 itself the engine takes relu′(0) = 0 (notebook
# 12 asked whether that choice matters). Its local derivative is a constant number either way,
# so relu″ comes out 0, at the kink too. There the true second derivative is not a number at
# all: a central difference of relu′ across 0 is (1 − 0) / 2h, which grows without bound as h
# shrinks. |x| is the same, and max and min split a tie half and half and also have second
# derivative 0.

# %%
relu_slope = grad(lambda v: v.relu())
relu_bend = grad(relu_slope)
print("relu'(-1), relu'(0), relu'(1):", [relu_slope(v).data for v in (-1.0, 0.0, 1.0)])
print("relu''(-1), relu''(0), relu''(1):", [relu_bend(v).data for v in (-1.0, 0.0, 1.0)])
for h in (1e-2, 1e-4, 1e-6):
    jump = central_difference(lambda v: relu_slope(v).data, 0.0, eps=h)
    print(f"h = {h:g}: (relu'(h) - relu'(-h)) / 2h = {jump:,.0f}")
    assert math.isclose(jump, 1 / (2 * h))
tie = grad(lambda a, b: a.max(b), (0, 1))(1.0, 1.0)
print("max(a, b) on a tie: d/da, d/db =", [d.data for d in tie], "; its Hessian there:",
      hessian(lambda a, b: a.max(b))(1.0, 1.0))
assert [relu_bend(v).data for v in (-1.0, 0.0, 1.0)] == [0.0, 0.0, 0.0]

# %% [markdown]
# ## Curvature
#
# How sharply does the curve y = f(x) bend at a point? Its **curvature** κ is 1/r for the
# circle that touches the curve there and bends just as it does (the same slope and the same
# second derivative):
#
# > κ = |f″| / (1 + f′²)^(3/2),  centre at (x − f′·(1 + f′²)/f″,  f + (1 + f′²)/f″)
#
# Where the curve is flat (f′ = 0), κ = |f″|: the second derivative *is* the curvature. On a
# slope the same f″ bends the curve less, because the curve is stretched along its length.
# We compute both at two points of f(x) = x·tanh(x) with `grad`.

# %%
def circle_at(f, x0):
    """(curvature, radius, centre) of the circle that matches f's slope and bend at x0."""
    y0, d1, d2 = f(Value(x0)).data, grad(f)(x0).data, grad(grad(f))(x0).data
    kappa = abs(d2) / (1 + d1 * d1) ** 1.5
    centre = (x0 - d1 * (1 + d1 * d1) / d2, y0 + (1 + d1 * d1) / d2)
    return kappa, 1 / kappa, centre


points = [0.0, 0.4]
circles = [circle_at(f, x0) for x0 in points]
for x0, (kappa, r, c) in zip(points, circles):
    print(f"x = {x0}: f' = {grad(f)(x0).data:.4f}, f'' = {second(x0).data:.4f}, "
          f"curvature {kappa:.4f}, radius {r:.4f}")
assert circles[0][0] == second(0.0).data == 2.0  # flat at 0: the curvature is f''
assert (round(grad(f)(0.4).data, 2), round(second(0.4).data, 2), round(circles[1][0], 2)) == (
    0.72, 1.45, 0.77)

# %% [markdown]
# The circle matches the curve to second order: a point of the curve a distance h away lies
# off the circle by an amount that shrinks like h³ (a tenth of the distance, a thousandth of
# the gap).

# %%
kappa, r, (cx, cy) = circles[1]
gaps = []
for h in (0.1, 0.01):
    xh = points[1] + h
    gaps.append(abs(math.hypot(xh - cx, f(Value(xh)).data - cy) - r))
    print(f"h = {h}: the curve is {gaps[-1]:.2e} off the circle")
print(f"ratio {gaps[0] / gaps[1]:.0f}")
assert 500 < gaps[0] / gaps[1] < 2000

# %%
fig, ax = plt.subplots(figsize=(6.4, 4.0))
xs = np.linspace(-2.2, 2.2, 400)
ax.plot(xs, [f(Value(v)).data for v in xs], color="black", label="y = x·tanh(x)")
angles = np.linspace(0, 2 * np.pi, 300)
for (x0, (kappa, r, (cx, cy))), colour in zip(zip(points, circles), ("#0072B2", "#D55E00")):
    ax.plot(cx + r * np.cos(angles), cy + r * np.sin(angles), color=colour, lw=1.2,
            label=f"at x = {x0}: r = {r:.2f}")
    ax.plot([x0], [f(Value(x0)).data], "o", color=colour, ms=5)
ax.set_aspect("equal")  # circles must look like circles
ax.set(xlim=(-2.2, 2.2), ylim=(-0.6, 2.6))
label_axes(ax, "x", "y", "The circles that bend as the curve does (r = 1/κ)")
ax.legend(loc="lower right")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# At x = 0.4 the second derivative is 1.45 but the curvature only 0.77: the curve rises there
# with slope 0.72, and the same bend spread along a tilted curve turns it less.
#
# ## Newton's method
#
# Near a point x, f is close to the parabola with the same value, slope and bend:
# f(x + d) ≈ f(x) + f′(x)·d + ½ f″(x)·d² (the Taylor expansion notebook 04 used for finite
# differences). That parabola is lowest where its slope f′ + f″·d is 0, at d = −f′/f″.
# **Newton's method** jumps there and repeats. Gradient descent takes d = −lr·f′ instead, with
# a learning rate chosen by hand; Newton's step is the same with lr = 1/f″, set by the curvature
# at every step.
#
# With n variables the bend is a matrix, the **Hessian** H, H_ij = ∂²f/∂x_i∂x_j (a row per
# first derivative, differentiated by every variable), and the parabola becomes
# f(x + d) ≈ f + ∇f·d + ½ dᵀHd. It is lowest where H·d = −∇f, so the step is d = −H⁻¹·∇f,
# which `np.linalg.solve(H, g)` finds without inverting H. `hessian(f)(*xs)` gives H as lists of
# floats.
#
# ## Newton against gradient descent on a valley
#
# Rosenbrock's function f(x, y) = (1 − x)² + 100·(y − x²)² has a long, curved, narrow valley
# along y = x², with its lowest point, f = 0, at (1, 1). At the minimum H has two very
# different curvatures:

# %%
def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


H_min = np.array(hessian(rosenbrock)(1.0, 1.0))
curvatures = np.linalg.eigvalsh(H_min)
print("H at (1, 1):\n", H_min)
print(f"curvatures (eigenvalues of H): {curvatures[0]:.4f} and {curvatures[1]:.1f}, "
      f"a ratio of {curvatures[1] / curvatures[0]:,.0f}")
assert np.allclose(H_min, [[802, -400], [-400, 200]])

# %% [markdown]
# These two numbers are H's **eigenvalues**: there are two directions u, at right angles, in
# which H·u points along u itself, H·u = λu, and along each (u of length 1) the second
# derivative of f is λ.
# Across the valley the walls are steep (curvature about 1002), along its floor it is nearly
# flat (about 0.4). Gradient descent needs lr below 2/1002 ≈ 0.002, or it overshoots across the
# steep direction and diverges (notebook 01 showed a step too large diverging); with such a
# small step it creeps along the flat one. Both start at (−1.2, 1), the usual start for this
# function, and stop within 0.001 of (1, 1). Gradient descent runs on `backward()`; Newton on
# `grad` and `hessian`.

# %%
start, goal, tolerance = np.array([-1.2, 1.0]), np.array([1.0, 1.0]), 1e-3


def gradient(p):
    """∇f at the point p, by backward()."""
    xv, yv = Value(p[0]), Value(p[1])
    rosenbrock(xv, yv).backward()
    return np.array([xv.grad, yv.grad])


def descend(lr, limit=30_000):
    """Gradient descent from the start until within the tolerance of (1, 1): its path."""
    path = [start]
    while np.linalg.norm(path[-1] - goal) >= tolerance and len(path) <= limit:
        path.append(path[-1] - lr * gradient(path[-1]))
    return np.array(path)


def newton(limit=50):
    """Newton's method from the start until within the tolerance of (1, 1): its path."""
    path = [start]
    while np.linalg.norm(path[-1] - goal) >= tolerance and len(path) <= limit:
        p = path[-1]
        g = np.array([d.data for d in grad(rosenbrock, (0, 1))(*p)])
        H = np.array(hessian(rosenbrock)(*p))
        path.append(p - np.linalg.solve(H, g))
    return np.array(path)


gd_paths = {lr: descend(lr) for lr in (0.001, 0.0019)}
newton_path = newton()
for lr, path in gd_paths.items():
    print(f"gradient descent, lr = {lr}: {len(path) - 1:,} steps")
print(f"Newton's method: {len(newton_path) - 1} steps")
for k, p in enumerate(newton_path):
    print(f"  Newton step {k}: ({p[0]:+.6f}, {p[1]:+.6f}), f = {rosenbrock(*p):.3g}, "
          f"distance to (1, 1) = {np.linalg.norm(p - goal):.2g}")

# %%
steps_gd = len(gd_paths[0.001]) - 1
steps_newton = len(newton_path) - 1
assert steps_newton <= 6 and steps_gd > 1000 * steps_newton
assert rosenbrock(*newton_path[2]) > 100 * rosenbrock(*newton_path[1])  # the uphill jump
assert rosenbrock(*newton_path[4]) > rosenbrock(*newton_path[3])  # and a smaller one
assert (steps_gd, len(gd_paths[0.0019]) - 1, steps_newton) == (17_082, 8_961, 5)
f_newton = [rosenbrock(*p) for p in newton_path]
assert [round(f_newton[k], 2) for k in (1, 3, 4)] == [4.73, 0.06, 0.31]
assert round(f_newton[2]) == 1412
distances = [np.linalg.norm(p - goal) for p in newton_path]
assert [f"{d:.2g}" for d in distances[3:]] == ["0.48", "0.056", "9.6e-06"]

# %%
fig, ax = plt.subplots(figsize=(6.4, 5.2))
gx, gy = np.meshgrid(np.linspace(-1.7, 1.7, 300), np.linspace(-3.5, 2.2, 300))
levels = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000]  # f spans 0 to thousands: steps of ~3x
contours = ax.contour(gx, gy, (1 - gx) ** 2 + 100 * (gy - gx**2) ** 2, levels=levels,
                      colors="0.6", linewidths=0.7)
ax.clabel(contours, [10, 100, 1000], fmt="f = %g", fontsize=9, colors="0.3",
          manual=[(0.3, -0.218), (0.3, -0.905), (0.3, -3.07)])  # where x = 0.3 crosses each
path = gd_paths[0.001]
ax.plot(path[:, 0], path[:, 1], color="#0072B2", lw=1.6,
        label=f"gradient descent, lr 0.001: {len(path) - 1:,} steps")
ax.plot(path[::1000, 0], path[::1000, 1], "o", color="#0072B2", ms=3.5)
ax.plot(newton_path[:, 0], newton_path[:, 1], "-o", color="#D55E00", lw=1.4, ms=5,
        label=f"Newton's method: {len(newton_path) - 1} steps")
for k, (px, py) in enumerate(newton_path[:4]):
    ax.annotate(str(k), (px, py), textcoords="offset points", xytext=(6, -10), fontsize=9,
                color="#D55E00")
ax.plot([1], [1], "*", color="black", ms=11, label="the minimum (1, 1)")
ax.plot([start[0]], [start[1]], "s", color="black", ms=6, label="the start (−1.2, 1)")
label_axes(ax, "x", "y", "Rosenbrock's valley (contours f = 0.1, 0.3, 1, 3, ..., 3000)")
ax.legend(loc="upper right")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Gradient descent (dots every 1,000 steps) first slides down the steep wall into the valley,
# then creeps along its floor. Newton's method rescales every direction by its own curvature
# and needs 5 steps. Once close, each step more than squares the distance to (1, 1): 0.48,
# then 0.056, then 9.6e-06 (0.056² is 0.0031). It is not a downhill method, though: its step 2
# jumps out of the valley, where f rises from 4.73 to 1,412, and step 4 raises f again, from
# 0.056 to 0.31, while it moves closer to (1, 1). The parabola it trusts is fitted at a single
# point; practical versions shorten such a step (a line search) or bound it (a trust region).
# And each step costs a Hessian, n² numbers, and a linear solve, about n³ operations: nothing
# for n = 2, out of reach for a network.
#
# ## Hessian–vector products
#
# Many methods that use curvature need H only to multiply a vector by it. H·v is the
# derivative of the gradient in the direction v, which is the gradient of the number ∇f · v:
#
# > H·v = ∇(∇f · v)
#
# Two sweeps: `grad` builds ∇f as Values, their dot product with v is one more Value, and
# `grad` of that is H·v, without a single entry of H. We check it against a central
# difference of the gradient along v, (∇f(x + εv) − ∇f(x − εv)) / 2ε, and against H @ v, on a
# function of three variables.

# %%
def three(x, y, z):
    return x * y * z + x.tanh() * y.exp() + (x - z) ** 2


def hvp(f, point, v):
    """H·v for f at the point: the gradient of ∇f · v."""
    n = len(point)
    all_args = tuple(range(n))

    def slope_along_v(*xs):
        return Value.sum([g * vi for g, vi in zip(grad(f, all_args)(*xs), v)])

    return np.array([d.data for d in grad(slope_along_v, all_args)(*point)])


point, v = [0.7, -0.4, 1.6], [0.3, -1.0, 0.5]
Hv = hvp(three, point, v)
eps = 1e-5
up = np.array([d.data for d in grad(three, (0, 1, 2))(*(np.array(point) + eps * np.array(v)))])
down = np.array([d.data for d in grad(three, (0, 1, 2))(*(np.array(point) - eps * np.array(v)))])
by_differences = (up - down) / (2 * eps)
print("H·v by two sweeps:        ", Hv)
print("by central differences:   ", by_differences)
print("hessian(three) @ v:       ", np.array(hessian(three)(*point)) @ v)
assert np.allclose(Hv, by_differences, rtol=1e-8, atol=1e-10)
assert np.allclose(Hv, np.array(hessian(three)(*point)) @ v, rtol=1e-13)

# %% [markdown]
# Why that matters: a network with a million parameters has a Hessian of 10¹² entries (8 TB
# in float64), while H·v is a few passes over one graph. On a function of n variables,
# f(x) = Σ tanh(x_i·x_(i+1)) + ½ Σ x_i², the graph of H·v stays about four times the size of
# f's, whatever n, while H grows as n²:

# %%
def ring(*xs):
    n = len(xs)
    return Value.sum([(xs[i] * xs[i + 1]).tanh() for i in range(n - 1)]
                     + [0.5 * x * x for x in xs])


rng = np.random.default_rng(0)
ratios = []
for n in (10, 100, 1000):
    at, along = rng.normal(size=n).tolist(), rng.normal(size=n).tolist()
    all_args = tuple(range(n))
    Hv_nodes = grad(lambda *xs: Value.sum([g * vi for g, vi in
                                           zip(grad(ring, all_args)(*xs), along)]), all_args)(*at)
    f_size = len(topological_order(ring(*[Value(c) for c in at])))
    hv_size = len(topological_order(Value.sum(list(Hv_nodes))))
    ratios.append(hv_size / f_size)
    print(f"n = {n:>4}: f has {f_size:>5,} nodes, H·v {hv_size:>6,} ({hv_size / f_size:.2f}x); "
          f"H would have {n * n:>9,} entries")
assert all(4 < ratio < 4.5 for ratio in ratios)  # about four times, whatever n

# %% [markdown]
# Products with H are enough for a great deal. The conjugate gradient method solves Newton's
# H·d = −∇f with nothing but products H·v, which makes Newton steps possible for large models
# ("Hessian-free" optimisation). And repeated products, v ← H·v / |H·v| (power iteration),
# find the steepest curvature, which sets the largest learning rate gradient descent can use,
# 2/λ_max. On the valley's floor at (1, 1):

# %%
v = np.array([1.0, 0.0])
for step in range(5):
    Hv = hvp(rosenbrock, [1.0, 1.0], v)
    lam = float(v @ Hv)
    v = Hv / np.linalg.norm(Hv)
    print(f"power iteration {step + 1}: curvature along v = {lam:.4f}")
print(f"the largest eigenvalue of H: {curvatures[1]:.4f}; 2/λ_max = {2 / curvatures[1]:.5f}")
assert math.isclose(lam, curvatures[1], rel_tol=1e-9)

# %% [markdown]
# **Answer:** yes. When every gate states its local derivative with Values as well as with
# floats, the backward pass can be built as a graph of the same gates, hanging off the forward
# graph; `grad` returns that graph's output, which `draw` draws and `grad` differentiates
# again, as often as we like (each time on a larger graph: 3, 7, 15, 27 and 56 nodes for f
# and its first four derivatives here). Second derivatives give a curve's curvature, Newton's
# steps (5 on Rosenbrock's valley against 17,082 steps of gradient descent at lr 0.001), and,
# as Hessian–vector products, the curvature of a model too large for its Hessian.
#
# ## Exercises
#
# ### Exercise: a Newton step that never climbs
#
# On Rosenbrock's valley the full Newton step twice made f larger. Guard it with the line
# search named there: from the point x, with Newton's step d = −H⁻¹·∇f, try x + d, then
# x + d/2, x + d/4, and so on, and return the first point at which f is lower than at x. Stop
# after 30 halvings and return x itself if none was lower. f takes one Value per coordinate
# and returns a Value; the point is a list of floats, and so is what you return. The checker
# tries points of Rosenbrock's valley, a function of three variables and the side of a hill.

# %%
def damped_newton_step(f, point):
    """Newton's step from point (a list of floats) for f (which takes one Value per coordinate
    and returns a Value), halved until it lowers f: with d = −H⁻¹·∇f at the point, the first
    of x + d, x + d/2, x + d/4, ..., x + d/2**30 at which f is lower than at x; x itself if
    none is. Returns the new point as a list of floats."""
    ...

# %%
exercise("damped_newton_step").check(damped_newton_step);

# %% [markdown]
# ### Exercise: the curvature of a curve
#
# What is the curvature κ of the curve y = ln(1 + x²) at x = 0.5? Build the curve with Value
# operations and use `grad`.

# %%
curvature = ...

# %%
exercise("curvature").check(curvature);

# %% [markdown]
# ### Exercise: the cost of H·v
#
# A model has a million parameters. Computing H·v for it, as in "Hessian–vector products",
# costs about as much as "a few gradients", "a thousand gradients" or "a million gradients"?

# %%
hvp_cost = ...

# %%
exercise("hvp_cost").check(hvp_cost);
