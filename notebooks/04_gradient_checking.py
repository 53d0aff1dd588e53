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
# We compare it with a finite difference: nudge the input both ways and measure the slope.
# That needs a choice of nudge size, and the choice matters. Then we use the package's checkers,
# including one that points at the exact node whose derivative is wrong.

# %%
import math

import numpy as np

from micrograd_notes import GradcheckError, Value, central_difference, check_graph, engine, gradcheck
from micrograd_notes.extras import require

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it

# %% [markdown]
# ## How big a nudge?
#
# The one-sided difference (f(x + h) − f(x)) / h is off by about h · f″/2 (truncation). The
# central difference (f(x + h) − f(x − h)) / 2h cancels that term and is off by about
# h² · f‴/6. Both also suffer round-off: f is only known to about 1e-16 relative, and dividing
# by h magnifies that to about 1e-16/h. Small h fights truncation, large h fights round-off.
# On a log-log plot this shows as a V.

# %%
x0, exact = 1.0, math.exp(1.0)  # d/dx e^x = e^x
hs = np.logspace(-13, -1, 49)
one_sided = [abs((math.exp(x0 + h) - math.exp(x0)) / h - exact) for h in hs]
central = [abs(central_difference(math.exp, x0, eps=h) - exact) for h in hs]

fig, ax = plt.subplots(figsize=(5.5, 3.8))
ax.loglog(hs, one_sided, "o-", ms=3, label="one-sided: error ~ h")
ax.loglog(hs, central, "o-", ms=3, label="central: error ~ h²")
ax.set(xlabel="nudge h", ylabel="|error|", title="error of the numerical derivative of eˣ at 1")
ax.legend()
plt.show()

best_one, best_central = hs[int(np.argmin(one_sided))], hs[int(np.argmin(central))]
print(f"best h: one-sided {best_one:.0e} (error {min(one_sided):.1e}), "
      f"central {best_central:.0e} (error {min(central):.1e})")
assert min(central) < 1e-9 < min(one_sided)
assert 1e-7 <= best_central <= 1e-3 and best_one < best_central

# %% [markdown]
# The central difference is both more accurate and happiest with a larger nudge (about
# 1e-5 to 1e-6 here), which is why the checkers default to eps = 1e-6.
#
# ## gradcheck: backward() against central differences
#
# `gradcheck` calls the function on fresh copies of the inputs, back-propagates, and compares
# each input's grad with the central difference. It raises on a mismatch, or returns a report.

# %%
def f(x, y):
    return (x * y).tanh() + (x / y).exp() - y.log() * x**2


report = gradcheck(f, [Value(0.7, "x"), Value(1.9, "y")])
print(report)
assert report.ok

# %% [markdown]
# ## A broken gate, caught
#
# Now break something on purpose: a multiplication gate that forgets to swap its inputs
# (it gives a the gradient a · up_diff instead of b · up_diff). `gradcheck` notices that the
# inputs' gradients are wrong...

# %%
class ForgetfulMul(engine.Mul):
    def backward(self, out):
        a, b = out.parents
        a.grad += a.data * out.grad  # should be b.data
        b.grad += b.data * out.grad  # should be a.data


healthy = engine.MUL
engine.MUL = ForgetfulMul()  # every * from here on uses the broken gate
try:
    try:
        gradcheck(f, [Value(0.7, "x"), Value(1.9, "y")])
        caught = None
    except GradcheckError as err:
        caught = err
    print(caught)
    assert caught is not None and len(caught.report.mismatches) == 2

    # ...and check_graph says where.
    x, y = Value(0.7, "x"), Value(1.9, "y")
    root = f(x, y)
    report = check_graph(root, raise_exception=False)
finally:
    engine.MUL = healthy

print(report)
assert report.mismatches and all("(*" in m.where for m in report.mismatches)
assert not any(op in m.where for m in report.mismatches for op in ("(tanh", "(exp", "(log", "(/"))

# %% [markdown]
# `gradcheck` can only say that the gradients at the inputs are off. `check_graph` re-runs
# every node's gate on its parents' data and compares that node's own local derivatives with
# finite differences of the gate, so it names the `*` nodes and the parent slots that are wrong,
# and clears the others.

# %% [markdown]
# ## A gate of your own, checked
#
# To add an operation, subclass `Gate`: `forward` returns the output's number from the
# parents' data, and `backward` adds local_diff · up_diff into each parent's grad (with `+=`,
# since a parent may be used twice). An instance of the gate is then called on Values like a
# function, and `check_graph` checks it like any built-in gate.
#
# Take softplus, s(x) = log(1 + eˣ), a smooth relu. Its derivative is σ(x) = 1 / (1 + e⁻ˣ).
# A first attempt slips a sign and writes 1 / (1 + eˣ), which is σ(−x):

# %%
from micrograd_notes import Gate


class SloppySoftplus(Gate):
    symbol = "softplus"

    def forward(self, x):
        return math.log1p(math.exp(x.data))

    def backward(self, out):
        (x,) = out.parents
        x.grad += 1 / (1 + math.exp(x.data)) * out.grad  # the slip: this is σ(−x)


x = Value(0.6, "x")
report = check_graph(SloppySoftplus()(x * 2.0) + x, raise_exception=False)
print(report)
(mismatch,) = report.mismatches
assert "(softplus" in mismatch.where

# %% [markdown]
# Only the softplus node is named; the `*` and `+` around it pass. Fix the sign, and the
# same check passes, as does the input's gradient, 2σ(1.2) + 1:

# %%
class Softplus(SloppySoftplus):
    def backward(self, out):
        (x,) = out.parents
        x.grad += 1 / (1 + math.exp(-x.data)) * out.grad  # σ(x)


y = Softplus()(x * 2.0) + x
print(check_graph(y))
y.backward()
assert check_graph(y).ok
assert math.isclose(x.grad, 2 / (1 + math.exp(-1.2)) + 1, rel_tol=1e-12)

# %% [markdown]
# **Answer:** trust a gradient once it matches a central difference with a sensible nudge; when
# it doesn't, check the graph node by node to find the gate at fault.

# %% [markdown]
# ## Exercises
#
# Change one thing, predict the result, then check it: write your answer in place of the
# `...` and run the cell after it.
#
# **1.** Halve the nudge of the one-sided difference, from h = 1e-3 to 5e-4 (well above the
# round-off range). Does its error "halve", "quarter" or "stay"?

# %%
from micrograd_notes.exercises import Exercise


def one_sided_error(h):
    return abs((math.exp(x0 + h) - math.exp(x0)) / h - exact)


def central_error(h):
    return abs(central_difference(math.exp, x0, eps=h) - exact)


def shrink(error, h=1e-3):
    """How the error changes when h is halved: "halve", "quarter" or "stay"."""
    ratio = error(h) / error(h / 2)
    return "quarter" if 3 < ratio < 5 else "halve" if 1.5 < ratio < 2.5 else "stay"


options = ["halve", "quarter", "stay"]
exercise1 = Exercise.choice(
    "one-sided error when h halves", options, shrink(one_sided_error), hint="error ~ h"
)

# %%
answer1 = ...

# %%
exercise1.check(answer1)

# %% [markdown]
# **2.** The same for the central difference?

# %%
exercise2 = Exercise.choice(
    "central error when h halves", options, shrink(central_error), hint="error ~ h²"
)

# %%
answer2 = ...

# %%
exercise2.check(answer2)

# %% [markdown]
# **3.** With the forgetful multiplication gate, out = a · b for a = 2 and b = 3. What grad
# does a receive?

# %%
engine.MUL = ForgetfulMul()
try:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    (a * b).backward()
finally:
    engine.MUL = healthy
exercise3 = Exercise.number("a.grad with the forgetful *", a.grad, hint="it forgets to swap")

# %%
answer3 = ...

# %%
exercise3.check(answer3)

# %% [markdown]
# ## Answers
#
# The test suite runs these: each exercise accepts its answer and rejects a likely mistake.

# %%
assert exercise1.accepts("halve") and not exercise1.accepts("quarter")
assert exercise2.accepts("quarter") and not exercise2.accepts("halve")
assert exercise3.accepts(2.0) and not exercise3.accepts(3.0)
