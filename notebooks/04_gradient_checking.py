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
# # 4. Checking gradients
#
# **Question:** how do we know a gradient is right?
#
# Notebook 00 measured slopes with the central difference (f(x + h) − f(x − h)) / 2h and
# found it closer to the true slope than the one-sided (f(x + h) − f(x)) / h. Here we go
# deeper: how big the nudge h should be, and why too small is as bad as too large; then the
# package's checkers, `gradcheck` for a function's inputs and `check_graph`, which names the
# very gate whose derivative is wrong, including a gate we write ourselves; and last a check
# that covers a whole network's gradient with two evaluations, by nudging every parameter at
# once along a random direction.

# %%
import math

import numpy as np

from micrograd_notes import Gate, GradcheckError, Value, central_difference, check_graph, gradcheck
from micrograd_notes.figures import style_problems, use_house_style
from micrograd_notes.losses import mse
from micrograd_notes.nn import MLP

use_house_style()  # first: without matplotlib, it says in one line how to install it
import matplotlib.pyplot as plt  # noqa: E402

# %% [markdown]
# ## How big a nudge?
#
# Two errors pull h in opposite directions.
#
# **Truncation.** Taylor's expansion says f(x + h) = f(x) + h f′(x) + h²/2 · f″(x) +
# h³/6 · f‴(x) + … . Divided by h, the one-sided difference is f′(x) + h/2 · f″(x) + …: it is
# off by about h · |f″| / 2. Write the expansion of f(x − h) as well (the odd powers of h
# change sign) and subtract: f(x + h) − f(x − h) = 2h f′(x) + h³/3 · f‴(x) + …, so the central
# difference is f′(x) + h²/6 · f‴(x) + …, off by about h² · |f‴| / 6. Both shrink with h, the
# central one much faster.
#
# **Rounding.** A float keeps 53 binary digits, so a computed value is off by up to about
# ε · |f| with ε = 2⁻⁵² ≈ 2.2e-16 (and x ± h is rounded too, which adds as much again). A
# finite difference subtracts two nearly equal values: their rounding errors stay as large as
# they were while the difference itself shrinks with h. Divided by h, the rounding error of
# the one-sided quotient is about ε · |f| / h, and of the central one ε · |f| / 2h. It
# *grows* as h shrinks.
#
# The sum is smallest where the two meet. For the central difference,
# h²|f‴|/6 + ε|f|/2h is smallest at h* = (3ε|f| / 2|f‴|)^(1/3); for the one-sided one,
# h|f″|/2 + ε|f|/h at h* = √(2ε|f| / |f″|). For f = eˣ at x = 1, where f = f″ = f‴ = e,
# measure and compare:

# %%
EPS = np.finfo(float).eps  # 2.2e-16: the gap between 1 and the next float
x0 = 1.0
f0 = f2 = f3 = math.exp(x0)  # f, f″ and f‴ of eˣ at x0
hs = np.logspace(-13, -1, 61)
one_sided = np.array([abs((math.exp(x0 + h) - math.exp(x0)) / h - f0) for h in hs])
central = np.array([abs(central_difference(math.exp, x0, eps=h) - f0) for h in hs])

best_one_model = math.sqrt(2 * EPS * f0 / f2)
best_central_model = (3 * EPS * f0 / (2 * f3)) ** (1 / 3)
panels = [
    ("one-sided: (f(x + h) − f(x)) / h", one_sided, hs * f2 / 2, EPS * f0 / hs,
     "h·|f″|/2", "ε·|f|/h", best_one_model),
    ("central: (f(x + h) − f(x − h)) / 2h", central, hs**2 * f3 / 6, EPS * f0 / (2 * hs),
     "h²·|f‴|/6", "ε·|f|/2h", best_central_model),
]  # fmt: skip
fig, axes = plt.subplots(1, 2, figsize=(8, 4.2), sharey=True)
for ax, (title, measured, truncation, rounding, t_label, r_label, best) in zip(axes, panels):
    ax.loglog(hs, measured, "o", ms=3, color="black", label="measured |error|")
    ax.loglog(hs, truncation, "-", label=f"truncation {t_label}")
    ax.loglog(hs, rounding, "--", label=f"rounding {r_label}")
    ax.axvline(best, color="0.4", lw=1, ls=":", label=f"best h by the model, {best:.1e}")
    ax.set(xlabel="nudge h", ylabel="|numerical − true derivative|", title=title, ylim=(1e-13, 1e6))
    ax.legend(loc="upper center")
fig.suptitle("the derivative of eˣ at x = 1 by finite differences")
plt.show()
assert style_problems(fig) == []

best_one, best_central = hs[np.argmin(one_sided)], hs[np.argmin(central)]
print(f"one-sided: the model's best h {best_one_model:.1e}; measured best {best_one:.1e}, "
      f"error {one_sided.min():.1e}")
print(f"central:   the model's best h {best_central_model:.1e}; measured best {best_central:.1e}, "
      f"error {central.min():.1e}")
assert 0.3 < best_central / best_central_model < 3 and 0.3 < best_one / best_one_model < 3
assert central.min() < 1e-10 < 1e-9 < one_sided.min()
# Right of the best h, the measured errors sit on the truncation lines: slopes 1 and 2.
right = hs > 1e-4
assert np.allclose(one_sided[right], (hs * f2 / 2)[right], rtol=0.06)
assert np.allclose(central[right], (hs**2 * f3 / 6)[right], rtol=0.01)

# %% [markdown]
# Right of its best h each error falls on its truncation line (slope 1 for the one-sided
# difference, slope 2 for the central one: halve h, and the error halves or quarters). Left of
# it, the rounding line is an envelope: the measured errors scatter below it, because rounding
# errors are as often small as large, but they grow as 1/h, so a smaller nudge is *worse*.
# The model puts the best central nudge at 6.9e-6 and the measurement agrees (6.3e-6, error
# 2.5e-11); the one-sided difference does best near 2e-8, and even there its error is 6.6e-9,
# a few hundred times the central one's.
#
# So the package's checkers use the central difference with eps = 1e-6 by default, near h*
# for functions whose value and third derivative are of similar size. The h* formula also
# says when to change it: h* grows with |f| / |f‴|, so a function much larger than its
# curvature wants a larger nudge.
#
# ## gradcheck: backward() against central differences
#
# `gradcheck` calls the function on fresh copies of the inputs, back-propagates, and compares
# each input's grad a with the central difference n. A derivative passes when
# |n − a| ≤ atol + rtol · |n| (by default atol = 1e-5 and rtol = 1e-3, far looser than the
# 1e-10 a central difference can reach, so only real mistakes fail). It raises on a mismatch,
# or returns a report.


# %%
def f(x, y):
    return (x * y).tanh() + (x / y).exp() - y.log() * x**2


report = gradcheck(f, [Value(0.7, "x"), Value(1.9, "y")])
print(report)
assert report.ok

# %% [markdown]
# ## Relative error: what counts as close
#
# An absolute error says little on its own: 1e-6 is tiny next to a gradient of 1e3 and
# enormous next to one of 1e-9. The *relative* error divides by the size of what is compared,
# |a − n| / max(|a|, |n|) (taken as 0 when both are 0), and reads the same at every scale.
# Scale f by a million or by a millionth and see:


# %%
def relative_error(a, n):
    """|a − n| / max(|a|, |n|), and 0 when both are 0."""
    scale = max(abs(a), abs(n))
    return abs(a - n) / scale if scale > 0 else 0.0


x, y = 0.7, 1.9
for scale in (1e-6, 1.0, 1e6):
    xv = Value(x)
    (f(xv, Value(y)) * scale).backward()
    n = central_difference(lambda t: scale * f(Value(t), Value(y)).data, x)
    print(f"f × {scale:g}: |a − n| = {abs(xv.grad - n):.1e}, relative error {relative_error(xv.grad, n):.1e}")
    assert relative_error(xv.grad, n) < 1e-8

# %% [markdown]
# The absolute errors span twelve orders of magnitude (1.2e-16 to 1.0e-4); the relative errors
# all stay between 1e-10 and 4e-10 (rounding itself is 1e-16 relative, magnified by the 1/h of
# the quotient). As a rule of
# thumb with the central difference at h ≈ 1e-6: 1e-7 or less is a right gradient; 1e-2 or
# more is a bug. In between, look closer (a kink such as relu's at 0 gives that too).
#
# ## A broken gate, caught
#
# Now break something on purpose: a multiplication gate that forgets to swap its inputs
# (it gives a the gradient a · up_diff instead of b · up_diff), used for both products of f.
# A `Gate` has a `forward`, the output's number from the parents' data, and a `backward`,
# which adds local_diff · up_diff into each parent's grad; an instance is called on Values
# like a function.


# %%
class ForgetfulMul(Gate):
    symbol = "*"

    def forward(self, a, b):
        return a.data * b.data

    def backward(self, out):
        a, b = out.parents
        a.grad += a.data * out.grad  # should be b.data
        b.grad += b.data * out.grad  # should be a.data


mul = ForgetfulMul()


def f_broken(x, y):
    return mul(x, y).tanh() + (x / y).exp() - mul(y.log(), x**2)


try:
    gradcheck(f_broken, [Value(0.7, "x"), Value(1.9, "y")])
    caught = None
except GradcheckError as err:
    caught = err
print(caught)
assert caught is not None and len(caught.report.mismatches) == 2

# %% [markdown]
# `gradcheck` can only say that the gradients at the inputs are off, and both are. Where is
# the mistake? `check_graph` re-runs every node's gate on its parents' data and compares that
# node's own local derivatives with finite differences of the gate alone:

# %%
report = check_graph(f_broken(Value(0.7, "x"), Value(1.9, "y")), raise_exception=False)
print(report)
assert report.mismatches and all("(*" in m.where for m in report.mismatches)
assert not any(op in m.where for m in report.mismatches for op in ("(tanh", "(exp", "(log", "(/"))

# %% [markdown]
# It names the two `*` nodes and, in each, the parent slots whose local derivative is wrong,
# and clears the tanh, exp, log and division around them.
#
# ## A gate of your own, checked
#
# To add an operation, subclass `Gate` as above; `check_graph` checks it like any built-in
# gate. Take SiLU, s(x) = x · σ(x) with σ(x) = 1 / (1 + e⁻ˣ), a smooth relu. Its derivative
# needs the product rule: s′(x) = σ(x) + x · σ′(x), and σ′ = σ(1 − σ), so
# s′(x) = σ(x) · (1 + x · (1 − σ(x))). A first attempt forgets the second term of the product
# rule and writes s′ = σ(x):


# %%
def sigmoid(x):
    return 1 / (1 + math.exp(-x))


class SloppySiLU(Gate):
    symbol = "silu"

    def forward(self, x):
        return x.data * sigmoid(x.data)

    def backward(self, out):
        (x,) = out.parents
        x.grad += sigmoid(x.data) * out.grad  # the slip: the x · σ′(x) term is missing


x = Value(0.6, "x")
report = check_graph(SloppySiLU()(x * 2.0) + x, raise_exception=False)
print(report)
(mismatch,) = report.mismatches
assert "(silu" in mismatch.where

# %% [markdown]
# Only the silu node is named; the `*` and `+` around it pass. Add the missing term, and the
# same check passes, as does the input's gradient, 2 s′(1.2) + 1:


# %%
class SiLU(SloppySiLU):
    def backward(self, out):
        (x,) = out.parents
        s = sigmoid(x.data)
        x.grad += s * (1 + x.data * (1 - s)) * out.grad


y = SiLU()(x * 2.0) + x
print(check_graph(y))
y.backward()
assert check_graph(y).ok
s = sigmoid(1.2)
assert math.isclose(x.grad, 2 * s * (1 + 1.2 * (1 - s)) + 1, rel_tol=1e-12)

# %% [markdown]
# ## A gradient check along a random direction
#
# `gradcheck` nudges one input at a time: two evaluations of f per input. A network has
# thousands of parameters, so that means thousands of forward passes. There is a check that
# needs two, whatever the number of inputs.
#
# Pick a direction v (one number per input) and walk along it: g(t) = f(x + t·v). By the
# chain rule, each input moves at rate v_i and f moves at rate ∂f/∂x_i per unit of x_i, and
# the contributions of all the paths add (notebook 00), so
# g′(0) = Σ_i ∂f/∂x_i · v_i = ⟨∇f, v⟩. The left side is one ordinary slope, which one central
# difference measures: (f(x + h·v) − f(x − h·v)) / 2h. The right side is what the gradient we
# want to check claims. If they agree, the gradient is right *along v*.
#
# Why a random v: if entry k of the gradient is off by δ, ⟨∇f, v⟩ is off by δ · v_k. With
# v's entries drawn at random, none is 0 and errors in different entries cancel only by a
# fluke. A network of 113 parameters, a mean squared error on 8 points:

# %%
rng = np.random.default_rng(0)
X = rng.normal(size=(8, 3)).tolist()
targets = rng.normal(size=8).tolist()
model = MLP(3, [8, 8, 1], activation="tanh", seed=1)
names, params = zip(*model.named_parameters())
forward_passes = 0


def loss():
    global forward_passes
    forward_passes += 1
    return mse([model(x) for x in X], targets)


def loss_at(point):
    """The loss with the parameters set to point (a NumPy vector, one entry per parameter)."""
    for p, value in zip(params, point):
        p.data = float(value)
    return loss().data


start = np.array([p.data for p in params])
loss().backward()
grad = np.array([p.grad for p in params])


def along(grad, v, h=1e-6):
    """(what grad claims for the slope along v, the slope measured by a central difference)."""
    measured = (loss_at(start + h * v) - loss_at(start - h * v)) / (2 * h)
    loss_at(start)  # put the parameters back
    return grad @ v, measured


forward_passes = 0
v = rng.normal(size=len(params))
claimed, measured = along(grad, v)
print(f"{len(params)} parameters; along v: backward says {claimed:.10f}, "
      f"the difference says {measured:.10f}")
print(f"relative error {relative_error(claimed, measured):.1e}, from {forward_passes} forward passes")
assert relative_error(claimed, measured) < 1e-7

# %% [markdown]
# Agreement to rounding level, from three forward passes (two nudged, one to put the
# parameters back). The one-input-at-a-time check on the same network:

# %%
forward_passes = 0
per_input = []
for k in range(len(params)):
    nudge = np.zeros(len(params))
    nudge[k] = 1.0
    per_input.append(relative_error(*along(grad, nudge)))
worst = int(np.argmax(per_input))
print(f"one input at a time: worst relative error {per_input[worst]:.1e}, "
      f"from {forward_passes} forward passes")
print(f"  at {names[worst]}, whose gradient is {grad[worst]:.1e} (the median size is "
      f"{np.median(np.abs(grad)):.1e})")
assert max(per_input) < 1e-5 and forward_passes == 3 * len(params)
assert abs(grad[worst]) < 0.01 * np.median(np.abs(grad))

# %% [markdown]
# The same verdict, at 113 times the cost. Its worst relative error, 2.2e-6, is at a weight
# whose gradient is 2.7e-5, two thousand times smaller than the median: the same absolute
# rounding error, divided by a tiny gradient, makes a larger relative one. A direction mixes
# every entry, so its slope is never that small, and its relative error stays at rounding
# level.
#
# Now plant the kind of bug a hand-written backward pass has: one entry of the gradient wrong.
# First the sign of one bias's gradient flipped, then one weight's gradient off by 1%. Each
# is checked along three random directions:

# %%
flipped, off = grad.copy(), grad.copy()
bias = names.index("layers.1.neurons.2.b")
weight = names.index("layers.0.neurons.5.w.1")
flipped[bias] = -flipped[bias]
off[weight] *= 1.01
directions = rng.normal(size=(3, len(params)))
for label, g in (("right", grad), ("one bias's sign flipped", flipped), ("one weight 1% off", off)):
    errors = [relative_error(*along(g, v)) for v in directions]
    print(f"{label:24s}: relative errors {', '.join(f'{e:.1e}' for e in errors)}")
    if g is grad:
        assert max(errors) < 1e-7
    else:
        assert min(errors) > 1e-6  # caught along every direction
print(f"gradients: {names[bias]} {grad[bias]:.3g}, {names[weight]} {grad[weight]:.3g}")

# %% [markdown]
# The right gradient agrees to rounding (1e-9 or less) along every direction; each planted bug
# is thousands of times above that along every one of them: the flipped sign by 4e-2 to 5e-1,
# the 1% slip by 8.5e-6 to 1.8e-3 (its share of the slope depends on how much v weighs that
# weight). A check along a direction
# says *that* a gradient is wrong, not *where*: once it fails, the one-input-at-a-time check,
# or `check_graph` on the graph, finds the entry or the gate. Two limits: an error in an entry
# whose v_k happens to be near 0 hides (draw more than one direction), and an error far
# smaller than the gradient's own rounding cannot be seen by any finite difference.
#
# **Answer:** trust a gradient once it matches a central difference with a sensible nudge
# (about 1e-6: smaller is worse, because of rounding), judged by the relative error. Along a
# few random directions, that takes two forward passes per direction for any number of
# parameters; when it fails, `check_graph` names the gate at fault.
#
# ## Exercises
#
# ### Exercise: a gradient check along a direction
#
# Write `directional_check(f, xs, grad, v, h)`: f takes a list of floats and returns a float;
# `grad` is a claimed gradient of f at the point `xs`, and `v` a direction, all lists of
# floats. Return the relative error between a, the slope along v that `grad` claims, and n,
# the slope along v that a central difference with nudge h measures. Do not change the list
# `xs`. Reread "A gradient check along a random direction" and "Relative error: what counts
# as close". The checker runs it on smooth functions with the true gradient and with wrong
# ones.

# %%
from micrograd_notes.exercises import exercise


def directional_check(f, xs, grad, v, h):
    """How far the claimed gradient `grad` of f at the point xs is from the truth along the
    direction v: the relative error |a - n| / max(|a|, |n|) (0.0 when both are 0) between
    a = <grad, v> = sum of grad[i] * v[i], what the gradient claims for the slope along v, and
    n = (f(xs + h v) - f(xs - h v)) / 2h, the slope along v measured by a central difference.
    f takes a list of floats and returns a float; xs, grad and v are lists of floats."""
    ...


# %%
exercise("directional_check").check(directional_check);

# %% [markdown]
# ### Exercise: halving the nudge
#
# Answer each with "quarter", "halve", "stay" or "double", from the error model of "How big a
# nudge?" (the picture shows it too).
#
# **1.** The one-sided difference of eˣ at h = 1e-3, far right of its best nudge. Halve h:
# what does its error do?

# %%
one_sided_halved = ...

# %%
exercise("one_sided_halved").check(one_sided_halved);

# %% [markdown]
# **2.** The same for the central difference at h = 1e-3.

# %%
central_halved = ...

# %%
exercise("central_halved").check(central_halved);

# %% [markdown]
# **3.** The central difference at h = 1e-10, far left of its best nudge. Halve h: what does
# its error do (on average over many points x)?

# %%
rounding_halved = ...

# %%
exercise("rounding_halved").check(rounding_halved);
