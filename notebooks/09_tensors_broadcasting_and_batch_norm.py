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
# # 9. Tensors, broadcasting and batch norm
#
# **Question:** a tensor library does more than multiply matrices. It broadcasts a small
# array against a big one, applies functions entry by entry, normalises over a batch, looks
# rows up in a table and pools windows. What is the backward pass of each?
#
# Notebook 08 derived the linear layer's three formulas from one rule: an input's gradient
# is the sum, over everything it feeds, of that thing's gradient times the local derivative.
# Here the same rule, applied to five more operations, gives five more backward passes. Each
# one is then checked **entry by entry** against the scalar engine: the same computation is
# built from `Value`s, and every gradient must agree to 1e-10.

# %%
from micrograd_notes.figures import label_axes, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle

from micrograd_notes import Value
from micrograd_notes.data import make_spiral
from micrograd_notes.exercises import exercise
from micrograd_notes.nn import MLP
from micrograd_notes.vectorized import VectorizedMLP, activation_backward, softmax_cross_entropy

# %% [markdown]
# ## A tensor of Values
#
# NumPy arrays can hold any Python object, `Value`s included, and NumPy's arithmetic on such
# an array calls the objects' own `+`, `*`, `**`, and methods such as `tanh` and `exp`. So
# the very expression a tensor library would run on numbers, run on an array of `Value`s,
# builds the scalar graph of that computation, one node per multiplication and addition. The
# engine then back-propagates through it one scalar at a time, knowing nothing of matrices
# or broadcasting. That is the referee for every formula in this notebook:

# %%
as_values = np.vectorize(Value, otypes=[object])  # an array of numbers -> an array of Values
grads_of = np.vectorize(lambda v: v.grad, otypes=[float])  # an array of Values -> their grads
data_of = np.vectorize(lambda v: v.data, otypes=[float])


def cmp(name, ours, values):
    """Our gradient for a tensor against the engine's, entry by entry (asserts 1e-10)."""
    engine = grads_of(values)
    assert np.shape(ours) == engine.shape, (name, np.shape(ours), engine.shape)
    gap = float(np.abs(ours - engine).max())
    print(f"{name:10} {engine.shape!s:10} largest difference from the engine {gap:.1e}")
    assert gap < 1e-10, name


# Notebook 08's linear layer, as a first check of the referee.
rng = np.random.default_rng(0)
X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
dY = rng.normal(size=(5, 4))  # the gradient arriving from above
Xv, Wv, bv = as_values(X), as_values(W), as_values(b)
Yv = Xv @ Wv + bv  # the same expression as on numbers: 5 · 4 dot products of Values
assert np.allclose(data_of(Yv), X @ W + b, rtol=0, atol=1e-14)
(Yv * dY).sum().backward()  # a loss whose gradient at Y is exactly dY
cmp("dX", dY @ W.T, Xv)
cmp("dW", X.T @ dY, Wv)
cmp("db", dY.sum(axis=0), bv)

# %% [markdown]
# The loss Σ Y ⊙ dY is a device used throughout: its gradient with respect to Y is exactly
# the dY we chose, so the engine's gradients below Y are those of the layer given dY.
#
# ## Broadcasting: a copied value sums its gradients
#
# When NumPy adds arrays of different shapes it *broadcasts*: it lines the shapes up from the
# right, and wherever one array has size 1 (or no axis at all) it reuses that one entry
# along the axis, as if it had been copied. Each copy is one more use of the same number, one
# more path to the loss, and paths add. So:
#
# **A value broadcast along an axis gets the sum of the gradients along that axis.**
#
# In code: sum the incoming gradient over the axes that broadcasting added in front, and over
# the axes where the value had size 1 (keeping those, so the result has the value's shape).
# The reverse also holds: the backward pass of a *sum* over an axis is a broadcast of the
# gradient along it, and the backward of a *mean* is that broadcast divided by the number of
# entries averaged.

# %%
def sum_to(grad, shape):
    """The gradient of a value of ``shape`` that was broadcast to ``grad``'s shape."""
    extra = grad.ndim - len(shape)  # axes broadcasting added in front
    grad = grad.sum(axis=tuple(range(extra)))
    copied = tuple(k for k, size in enumerate(shape) if size == 1 and grad.shape[k] != 1)
    return grad.sum(axis=copied, keepdims=True)


B, T, C = 4, 5, 3  # a batch of 4 sequences of 5 positions with 3 channels
big = rng.normal(size=(B, T, C))
dout = rng.normal(size=(B, T, C))
for shape, meaning in [
    ((C,), "one number per channel, like a bias"),
    ((B, T, 1), "one number per sequence and position"),
    ((B, 1, C), "one number per sequence and channel"),
    ((), "a single number"),
]:
    small = as_values(rng.normal(size=shape))
    total = (as_values(big) + small) * dout  # the same broadcast, on Values
    total.sum().backward()
    print(f"a value of shape {shape}, {meaning}:")
    cmp("d(small)", sum_to(dout, shape), small)

# The backward pass of a mean over axis 0 broadcasts the gradient back, divided by B.
Xv = as_values(big)
means = Xv.mean(axis=0)  # (T, C)
dmeans = rng.normal(size=(T, C))
(means * dmeans).sum().backward()
cmp("d(mean)", np.broadcast_to(dmeans / B, (B, T, C)), Xv)

# %% [markdown]
# Four shapes, each summed over different axes, and each equal to the engine's to rounding:
# the engine knows nothing of broadcasting, only that each copy is one more use of the same
# `Value`. The picture shows the two cases of a matrix: a row vector copied down the rows
# collects its column sums, a column vector copied across the columns collects its row sums.

# %%
dY_small = np.round(rng.normal(size=(4, 5)), 1)
fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.6))
for ax, axis, title in [
    (axes[0], 0, "b of shape (5,), copied down the 4 rows:\ndb = dY summed over axis 0"),
    (axes[1], 1, "s of shape (4, 1), copied across the 5 columns:\nds = dY summed over axis 1"),
]:
    rows, cols = dY_small.shape
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((c, -r - 1), 1, 1, fc="#f5cf80", ec="0.5"))
            ax.text(c + 0.5, -r - 0.5, f"{dY_small[r, c]:+.1f}", ha="center", va="center")
    sums = dY_small.sum(axis=axis)
    for k, value in enumerate(sums):
        x, y = (k, -rows - 1.6) if axis == 0 else (cols + 0.6, -k - 1)
        ax.add_patch(Rectangle((x, y), 1, 1, fc="#e8bcd7", ec="black", lw=1.5))
        ax.text(x + 0.5, y + 0.5, f"{value:+.1f}", ha="center", va="center", fontweight="bold")
        start = (x + 0.5, -rows) if axis == 0 else (cols, y + 0.5)  # from the grid's edge
        end = (x + 0.5, y + 1.02) if axis == 0 else (x - 0.02, y + 0.5)
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=11,
                color="#D55E00",
                lw=1.1,
                alpha=0.8,
                zorder=3,
            )
        )
    ax.set_xlim(-0.3, cols + 1.9)
    ax.set_ylim(-rows - 1.9, 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)
fig.legend(
    handles=[
        Patch(fc="#f5cf80", ec="0.5", label="dY, the gradient arriving at Y (4, 5)"),
        Patch(fc="#e8bcd7", ec="black", label="the broadcast value's gradient"),
        Patch(fc="#D55E00", label="a sum along the axis of the copies"),
    ],
    loc="outside lower center",
    ncol=3,
    frameon=False,
)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# **Common mistake: dropping the kept axis.** `dY.sum(axis=1)` has shape (4,), not the
# (4, 1) of s. It looks harmless, but the update s − lr · ds then broadcasts again, a (4, 1)
# column against a (4,) row, and silently makes a 4 × 4 matrix out of a column of four
# numbers:

# %%
s = rng.normal(size=(4, 1))
ds_dropped, ds_kept = dY_small.sum(axis=1), dY_small.sum(axis=1, keepdims=True)
print(
    "s",
    s.shape,
    "- 0.1·ds:",
    (s - 0.1 * ds_dropped).shape,
    "without keepdims,",
    (s - 0.1 * ds_kept).shape,
    "with it",
)
assert (s - 0.1 * ds_dropped).shape == (4, 4) and (s - 0.1 * ds_kept).shape == s.shape

# %% [markdown]
# `sum_to` above keeps the axes the value had, so the gradient always has the value's shape.
#
# ## An element-wise layer: tanh and sigmoid
#
# A layer A = tanh(Z) applies one function to each entry on its own: A_ij depends on Z_ij and
# on nothing else. In the general rule the sum over everything Z_ij feeds has one term, so
#
# - tanh: dZ = dA ⊙ tanh′(Z) = dA ⊙ (1 − A²);
# - sigmoid: dZ = dA ⊙ σ(Z)(1 − σ(Z)) = dA ⊙ A(1 − A);
#
# entry by entry (⊙), each local derivative written with the layer's output A, which the
# forward pass has already computed (the NumPy twin's `activation_backward` does the same).
# Seen as a Jacobian, with Z and A flattened, ∂A/∂Z is **diagonal**: multiplying by a
# diagonal matrix is multiplying entry by entry. The engine builds this Jacobian, one
# backward pass per entry of A, for a 3 × 4 layer:

# %%
Z = rng.normal(size=(3, 4))
jacobian = np.zeros((Z.size, Z.size))
for flat in range(Z.size):
    Zv = as_values(Z)
    np.tanh(Zv).ravel()[flat].backward()  # one output entry: row `flat` of the Jacobian
    jacobian[flat] = grads_of(Zv).ravel()
off_diagonal = jacobian - np.diag(np.diag(jacobian))
assert np.all(off_diagonal == 0.0) and np.count_nonzero(jacobian) == Z.size  # 12 of 144
assert np.allclose(np.diag(jacobian), 1 - np.tanh(Z).ravel() ** 2, rtol=0, atol=1e-15)

fig, ax = plt.subplots(figsize=(4.8, 4.0))
image = ax.imshow(jacobian, cmap="Greys", vmin=0, vmax=1)
ax.set_xticks(range(0, 12, 2))
ax.set_yticks(range(0, 12, 2))
label_axes(
    ax,
    "entry of Z (flattened)",
    "entry of A = tanh(Z) (flattened)",
    "∂A/∂Z for a 3 × 4 layer: 1 − A² on the diagonal, 0 off it",
)
ax.set_xticks(np.arange(-0.5, 12), minor=True)
ax.set_yticks(np.arange(-0.5, 12), minor=True)
ax.grid(False)
ax.grid(which="minor", color="0.85", lw=0.6)  # one square per entry of the Jacobian
ax.tick_params(which="minor", length=0)
for i in range(Z.size):  # outline the diagonal: a pale square is a small slope, not a 0
    ax.add_patch(Rectangle((i - 0.5, i - 0.5), 1, 1, fill=False, ec="#D55E00", lw=1))
fig.colorbar(image, ax=ax, label=r"$\partial A_i\,/\,\partial Z_j$")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# 132 of the 144 entries are exactly 0. (The diagonal is outlined; a pale square on it is an
# entry of Z far from 0, where tanh is flat.) Now the whole layer, A = tanh(X W + b) and
# A = σ(X W + b), with the gradient passed on to X, W and b as in notebook 08:

# %%
X, W, b = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
dA = rng.normal(size=(6, 4))
for name in ("tanh", "sigmoid"):
    Xv, Wv, bv = as_values(X), as_values(W), as_values(b)
    Zv = Xv @ Wv + bv
    Av = np.vectorize(lambda z: getattr(z, name)(), otypes=[object])(Zv)
    (Av * dA).sum().backward()
    A = data_of(Av)
    dZ = dA * (1 - A**2) if name == "tanh" else dA * A * (1 - A)
    assert np.allclose(dZ, activation_backward(data_of(Zv), A, dA, name), rtol=0, atol=1e-15)
    print(name)
    cmp("dZ", dZ, Zv)
    cmp("dX", dZ @ W.T, Xv)
    cmp("dW", X.T @ dZ, Wv)
    cmp("db", dZ.sum(axis=0), bv)

# %% [markdown]
# **Common mistake: the derivative of the wrong tensor.** tanh′ is 1 − tanh², so it is
# 1 − A², the square of the *output*. Writing 1 − Z², with the layer's input, is a slip
# that is easy to make and gives numbers of the right shape:

# %%
Z = X @ W + b
wrong_dZ = dA * (1 - Z**2)  # with the input Z in place of the output A
Xv, Wv, bv = as_values(X), as_values(W), as_values(b)
((np.tanh(Xv @ Wv + bv)) * dA).sum().backward()
right_dZ = dA * (1 - np.tanh(Z) ** 2)
gap_wrong = np.abs(wrong_dZ @ W.T - grads_of(Xv)).max()
gap_right = np.abs(right_dZ @ W.T - grads_of(Xv)).max()
print(f"dX's largest difference from the engine: {gap_wrong:.2f} with 1 − Z², {gap_right:.1e} with 1 − A²")
assert gap_wrong > 0.1 and gap_right < 1e-10

# %% [markdown]
# ## Why batch norm: activations drift off-centre
#
# Notebook 02 showed what an input far from 0 does to its weight: the weight's gradient is
# the input times the gradient arriving, so an off-centre input drags its weight's gradient
# along with it. Centring and scaling the data fixes the first layer's inputs. But every later
# layer's inputs are activations, and nothing keeps *them* centred: a ReLU's outputs are never
# negative, and their means and spreads depend on every weight below, which change at every
# training step.
#
# Here is a 2-16-16-16-3 ReLU network on a spiral (its inputs centred and scaled), and the 16
# activations of its second hidden layer over the batch of 300 points, at the start and after
# 100 steps of gradient descent:

# %%
def layer_two(net):
    """The second hidden layer's activations, and the gradient at the third's pre-activation."""
    out, cache = net.forward(Xs)  # cache: per layer (input, pre-activation, output)
    dscores = softmax_cross_entropy(out, ys)[1]
    dZ3 = (dscores @ net.layers[3].W.T) * (cache[2][1] > 0)
    return cache[1][2], dZ3


def batch_norm(A, eps=1e-5):
    """Each column centred and scaled over the batch (no γ, β)."""
    return (A - A.mean(axis=0)) / np.sqrt(A.var(axis=0) + eps)


Xs, ys = make_spiral(100, classes=3, seed=0)
Xs = (Xs - Xs.mean(axis=0)) / Xs.std(axis=0)  # the data itself is centred
net = VectorizedMLP.from_mlp(MLP(2, [16, 16, 16, 3], seed=0))
snapshots = [layer_two(net)]
for step in range(100):
    loss, grads = net.loss_and_grads(Xs, ys)
    for layer, (gW, gb) in zip(net.layers, grads):
        layer.W -= 0.5 * gW
        layer.b -= 0.5 * gb
snapshots.append(layer_two(net))
(start, _), (after, _) = snapshots
drift = np.abs(after.mean(axis=0) - start.mean(axis=0))
print(f"loss after 100 steps {loss:.3f}")
print(
    f"the 16 means at the start: {start.mean(axis=0).min():.2f} to {start.mean(axis=0).max():.2f}; "
    f"after 100 steps: {after.mean(axis=0).min():.2f} to {after.mean(axis=0).max():.2f}; "
    f"the largest move {drift.max():.2f}; {(drift > 0.5).sum()} of the 16 moved by more than 0.5"
)
assert (start >= 0).all() and (after >= 0).all() and (drift > 0.5).sum() >= 6

# %% [markdown]
# What does that do to the next layer? Its weight gradient is dW = Aᵀ dZ = Σ_n (row n of A)ᵀ
# (row n of dZ), one outer product per sample. For one sample, column j of that product
# (the weights *into* unit j) is the activations times the single number dZ_nj; with every
# activation ≥ 0, all of those weights get gradients of the sign of dZ_nj. Sample by sample,
# the weights into a unit can only all go up or all go down. Over the batch, split A into
# its column means m and the rest: dW = (A − m)ᵀ dZ + m ⊗ Σ_n dZ_n, and the second part moves
# every row of dW along one shared direction, in proportion to m.
#
# **Batch norm** removes the offset inside the network: for each feature it subtracts the
# batch mean and divides by the batch standard deviation, so every feature reaches the next
# layer with mean 0 and variance 1 (a learned scale γ and shift β, below, then give the
# network back any mean and spread it needs). The same measurements, on the raw activations
# and on the batch-normalised ones:

# %%
def one_signed_columns(A, dZ):
    """The share of columns of the per-sample products (row n of A)ᵀ(row n of dZ) that have a
    single sign, over the samples and the units that get a gradient."""
    shares = []
    for a, dz in zip(A, dZ):
        columns = np.outer(a, dz)[:, dz != 0]
        one_sign = np.all(columns >= 0, axis=0) | np.all(columns <= 0, axis=0)
        shares.extend(one_sign)
    return np.mean(shares)


def mean_part(A, dZ):
    """The size of m ⊗ Σ_n dZ_n against the size of dW = Aᵀ dZ (Frobenius norms)."""
    return np.linalg.norm(np.outer(A.mean(axis=0), dZ.sum(axis=0))) / np.linalg.norm(A.T @ dZ)


for when, (A, dZ3) in zip(("at the start", "after 100 steps"), snapshots):
    raw, normed = one_signed_columns(A, dZ3), one_signed_columns(batch_norm(A), dZ3)
    print(
        f"{when}: one-signed columns {raw:.0%} raw, {normed:.0%} batch-normalised; "
        f"the mean part is {mean_part(A, dZ3):.0%} of dW raw, "
        f"{mean_part(batch_norm(A), dZ3):.0e} batch-normalised"
    )
    assert raw == 1.0 and normed < 0.2 and mean_part(A, dZ3) > 0.5
    assert mean_part(batch_norm(A), dZ3) < 1e-12
assert np.allclose(snapshots[1][0].T @ snapshots[1][1], net.loss_and_grads(Xs, ys)[1][2][0])

# %%
fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.9), sharey=True)
k = np.arange(16)
for ax, transform, title in [
    (axes[0], lambda A: A, "ReLU activations: off-centre, and moving"),
    (axes[1], batch_norm, "The same, batch-normalised"),
]:
    for offset, acts, colour, text in [
        (-0.17, start, "#56B4E9", "at the start"),
        (0.17, after, "#0072B2", "after 100 steps"),
    ]:
        shown = transform(acts)
        ax.errorbar(
            k + offset,
            shown.mean(axis=0),
            yerr=shown.std(axis=0),
            fmt="o",
            ms=4,
            capsize=2,
            color=colour,
            label=text,
        )
    ax.axhline(0, color="0.3", lw=0.8)
    label_axes(ax, "activation k of hidden layer 2", "mean ± std over the batch", title)
    ax.set_xticks(range(0, 16, 3))
axes[0].legend(loc="upper left")
assert style_problems(fig) == []
dead_units = [np.flatnonzero((acts == 0).all(axis=0)).tolist() for acts in (start, after)]
assert dead_units == [[15], [12, 15]]
plt.show()

# %% [markdown]
# On the left, no mean is below 0, and in 100 steps half of them (8 of 16) move by more than
# 0.5, one by 1.2; on the right, every feature is centred with spread 1, whatever the layers
# below do (a unit that is 0 on every sample stays 0: unit 15 from the start, unit 12 after
# the 100 steps). Raw, 100% of the per-sample columns have a single sign, and the mean part
# is 61%, then 55%, of dW; batch-normalised, 9%, then 0%, of the columns have a single sign,
# and the mean part is 0 to rounding.
#
# ## Batch norm backward: three paths to every input
#
# For one feature (one column of X, N samples), batch norm computes
#
# μ = (1/N) Σ_i x_i,  σ² = (1/N) Σ_i (x_i − μ)²,  x̂_i = (x_i − μ) / √(σ² + ε),
# y_i = γ x̂_i + β,
#
# with a small ε (1e-5) that keeps a feature of zero spread from dividing by 0. The backward
# pass for γ and β is notebook 08's: γ multiplies every row of x̂ and β is added to every row,
# so dγ = Σ_i dy_i x̂_i and dβ = Σ_i dy_i, both summed over the batch. The input is harder,
# because each x_i reaches the loss along **three paths**: directly, as the x_i in
# x_i − μ; through μ, which every x̂_j uses; and through σ², which every x̂_j uses too.
# Writing dx̂_i = γ dy_i and s = 1/√(σ² + ε), the general rule, path by path:
#
# - through σ²: dσ² = Σ_j dx̂_j (x_j − μ) · (−½) s³, and ∂σ²/∂x_i = 2(x_i − μ)/N;
# - through μ: dμ = −s Σ_j dx̂_j (μ also feeds σ², but that term has the factor
#   Σ_j (x_j − μ) = 0), and ∂μ/∂x_i = 1/N;
# - directly: dx̂_i · s.
#
# Adding the three, dx_i = s · dx̂_i + dσ² · 2(x_i − μ)/N + dμ/N, which simplifies to
#
# **dx_i = (s/N) · (N dx̂_i − Σ_j dx̂_j − x̂_i Σ_j dx̂_j x̂_j).**

# %%
fig, ax = plt.subplots(figsize=(7.6, 3.9))
nodes = {f"x{i}": (0, 2 - i) for i in range(3)}
nodes |= {"μ": (2.2, 1.75), "σ²": (2.2, 0.25)}
nodes |= {f"x̂{i}": (4.4, 2 - i) for i in range(3)}
names = {f"x{i}": f"$x_{i + 1}$" for i in range(3)} | {
    f"x̂{i}": f"$\\hat{{x}}_{i + 1}$" for i in range(3)
}
names |= {"μ": "μ", "σ²": "σ²"}
paths = {"direct": "#0072B2", "through μ": "#E69F00", "through σ²": "#009E73"}
edges = [(f"x{i}", f"x̂{i}", "direct") for i in range(3)]
edges += [(f"x{i}", "μ", "through μ") for i in range(3)] + [("μ", "σ²", "through μ")]
edges += [("μ", f"x̂{j}", "through μ") for j in range(3)]
edges += [(f"x{i}", "σ²", "through σ²") for i in range(3)]
edges += [("σ²", f"x̂{j}", "through σ²") for j in range(3)]
for tail, head, path in edges:
    ax.add_patch(
        FancyArrowPatch(
            nodes[tail],
            nodes[head],
            arrowstyle="-|>",
            mutation_scale=12,
            color=paths[path],
            lw=1.4,
            shrinkA=14,
            shrinkB=14,
        )
    )
for key, (x, y) in nodes.items():
    ax.text(
        x,
        y,
        names[key],
        ha="center",
        va="center",
        fontsize=12,
        bbox={"boxstyle": "circle,pad=0.35", "fc": "white", "ec": "0.3"},
    )
ax.set_xlim(-0.5, 4.9)
ax.set_ylim(-0.45, 2.45)
ax.axis("off")
ax.set_title("Batch norm on one feature, N = 3: every x̂ depends on every x", fontsize=11)
fig.legend(
    handles=[Patch(fc=c, label=p) for p, c in paths.items()],
    loc="outside right upper",
    title="path from x to x̂",
)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# The picture is why the formula has sums in it: x_1 reaches x̂_2 and x̂_3 as well as x̂_1, so
# its gradient collects something from every sample of the batch. Now the whole layer, for a
# batch of N = 8 samples of D = 5 features, each off-centre and of its own scale, checked
# against the engine. The engine sees only +, −, ×, ÷, ** and the broadcasts:

# %%
N, D, eps = 8, 5, 1e-5
X = rng.normal(size=(N, D)) * rng.uniform(0.5, 3, size=D) + rng.normal(scale=2, size=D)
gamma, beta = rng.normal(size=D), rng.normal(size=D)
dY = rng.normal(size=(N, D))

Xv, gv, bv = as_values(X), as_values(gamma), as_values(beta)
mu_v = Xv.mean(axis=0)
var_v = ((Xv - mu_v) ** 2).mean(axis=0)
xhat_v = (Xv - mu_v) * (var_v + eps) ** -0.5
Yv = gv * xhat_v + bv
(Yv * dY).sum().backward()

mu, var = X.mean(axis=0), X.var(axis=0)
inv_std = 1 / np.sqrt(var + eps)
xhat = (X - mu) * inv_std
assert np.allclose(data_of(Yv), gamma * xhat + beta, rtol=0, atol=1e-12)
dxhat = dY * gamma
cmp("dxhat", dxhat, xhat_v)
dvar = (dxhat * (X - mu)).sum(axis=0) * -0.5 * inv_std**3
cmp("dvar", dvar, var_v)
dmu = -(dxhat * inv_std).sum(axis=0)
cmp("dmu", dmu, mu_v)
dX = inv_std / N * (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
cmp("dX", dX, Xv)
assert np.allclose(dX, dxhat * inv_std + dvar * 2 * (X - mu) / N + dmu / N, rtol=0, atol=1e-12)
cmp("dgamma", (dY * xhat).sum(axis=0), gv)
cmp("dbeta", dY.sum(axis=0), bv)

# %% [markdown]
# Two facts about dX can be read off the forward pass, and are true of the numbers. Adding
# the same number to every sample of a feature moves μ by that number and leaves x̂ as it
# was, so the loss cannot change: **each column of dX sums to 0**. (Notebook 05 met the same
# argument: adding one number to every logit leaves the softmax unchanged.) Multiplying a
# feature's deviations x − μ by a number leaves x̂ unchanged too, but for the ε under the
# square root, so Σ_i dx_i x̂_i is 0 but for ε: working it through the formula above gives
# exactly s · Σ_i dx̂_i x̂_i · ε / (σ² + ε).

# %%
column_sums = dX.sum(axis=0)
with_xhat = (dX * xhat).sum(axis=0)
predicted = inv_std * (dxhat * xhat).sum(axis=0) * eps / (var + eps)
print("Σ_i dX[i, j]:        ", column_sums)
print("Σ_i dX[i, j]·x̂[i, j]:", with_xhat, "\nthe ε term predicted:", predicted)
assert np.abs(column_sums).max() < 1e-12
assert np.allclose(with_xhat, predicted, rtol=1e-6, atol=1e-15)

# %% [markdown]
# ### Common mistake: treating the mean and the variance as constants
#
# μ and σ² are computed from the batch, and so from x. Back-propagating as though they were
# fixed numbers keeps only the direct path, dx_i = s · dx̂_i, which is what a layer that
# normalised with *stored* statistics (batch norm at test time) would have. During training
# that is wrong, and so is leaving out either of the two other paths:

# %%
direct = dxhat * inv_std
through_var = dvar * 2 * (X - mu) / N
through_mean = dmu / N
engine_dX = grads_of(Xv)
for text, candidate in [
    ("the direct path only", direct),
    ("direct + through μ (σ² left out)", direct + through_mean),
    ("direct + through σ² (μ left out)", direct + through_var),
    ("all three paths", direct + through_mean + through_var),
]:
    gap = np.abs(candidate - engine_dX).max()
    print(f"{text:34} largest difference from the engine {gap:.1e}")
assert np.abs(direct - engine_dX).max() > 0.01
assert np.abs(direct + through_mean - engine_dX).max() > 0.01
assert np.abs(direct + through_var - engine_dX).max() > 0.01
assert np.abs(direct + through_mean + through_var - engine_dX).max() < 1e-10

# %% [markdown]
# ## Embedding lookup: a scatter-add
#
# A language model starts by turning each token, a whole number below the vocabulary size V,
# into a vector: row `ix[n]` of a table E of shape (V, d). In NumPy that is `out = E[ix]`,
# one row per token, and a row can be looked up many times. The lookup is a matrix product in
# disguise: with a one-hot matrix O (row n is 1 in column ix[n], 0 elsewhere), E[ix] = O E,
# so notebook 08's dW = Xᵀ dY gives dE = Oᵀ dout. Row v of Oᵀ dout adds up the rows of dout
# of every n that looked up v. Building O would waste an N × V matrix of zeros, so libraries
# add row n of dout into row ix[n] of a table of zeros directly: a **scatter-add**, in NumPy
# `np.add.at(dE, ix, dout)`.

# %%
V, d = 6, 3
ix = np.array([2, 0, 2, 5, 2, 1])  # token 2 three times, tokens 3 and 4 never
E = rng.normal(size=(V, d))
dout = rng.normal(size=(len(ix), d))

Ev = as_values(E)
out_v = Ev[ix]  # the same Value objects, used again wherever an index repeats
(out_v * dout).sum().backward()

dE = np.zeros_like(E)
np.add.at(dE, ix, dout)
cmp("dE", dE, Ev)
onehot = np.eye(V)[ix]  # (N, V)
assert np.allclose(onehot.T @ dout, dE, rtol=0, atol=1e-14)
assert np.all(dE[[3, 4]] == 0.0)  # a row never looked up gets nothing

# %% [markdown]
# ### Common mistake: `dE[ix] += dout`
#
# It reads like a scatter-add but is not one. NumPy evaluates `dE[ix] + dout` first, one row
# per token, and then assigns the rows back into dE; where an index repeats, one assignment
# overwrites the others (NumPy does not promise which; here the last one wins). Row 2,
# looked up three times, keeps one of its three gradients:

# %%
wrong = np.zeros_like(E)
wrong[ix] += dout
print(
    "dE[2] with np.add.at:",
    dE[2].round(4),
    "\ndE[2] with +=:       ",
    wrong[2].round(4),
    "\nthe last of its three rows of dout:",
    dout[4].round(4),
)
assert np.allclose(wrong[2], dout[4]) and not np.allclose(wrong[2], dE[2])
assert np.allclose(wrong[[0, 1, 5]], dE[[0, 1, 5]])  # rows used once are right either way

# %%
fig, ax = plt.subplots(figsize=(6.6, 3.9))
for n, v in enumerate(ix):
    ax.annotate(
        "",
        xy=(3.0, -v),
        xytext=(0.35, -n),
        arrowprops={
            "arrowstyle": "-|>",
            "color": "#D55E00" if v == 2 else "0.45",
            "lw": 1.6 if v == 2 else 1.0,
            "shrinkA": 4,
            "shrinkB": 6,
        },
    )
    ax.text(0, -n, f"dout[{n}]  (ix = {v})", ha="right", va="center")
for v in range(V):
    uses = int((ix == v).sum())
    ax.text(
        3.1,
        -v,
        f"dE[{v}]: {uses} row{'s' if uses != 1 else ''} of dout",
        ha="left",
        va="center",
        color="#D55E00" if v == 2 else "black",
    )
ax.set_xlim(-1.9, 5.6)
ax.set_ylim(-V + 0.4, 0.6)
ax.axis("off")
ax.set_title(
    "The backward pass of E[ix]: each row of dout is added into row ix[n] of dE", fontsize=10
)
fig.legend(
    handles=[
        Patch(fc="#D55E00", label="token 2, looked up 3 times: 3 rows add"),
        Patch(fc="0.45", label="a token looked up once"),
    ],
    loc="outside lower center",
    ncol=2,
    frameon=False,
)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# ## Max-pooling: the max gate, once per window
#
# A 2 × 2 max-pool cuts an image into 2 × 2 windows and keeps the largest number of each.
# That is notebook 02's max gate applied to four inputs: the gradient arriving at a window's
# output goes, whole, to the input that won, and every other input of the window gets 0. On
# a 4 × 6 input, six windows:

# %%
image = rng.normal(size=(4, 6))
dpool = np.round(rng.normal(size=(2, 3)), 2)

windows = image.reshape(2, 2, 3, 2).transpose(0, 2, 1, 3).reshape(2, 3, 4)  # (row, col, 4)
pooled = windows.max(axis=2)
winner = windows.argmax(axis=2)  # which of the 4 entries won, per window
dimage = np.zeros_like(image)
for r in range(2):
    for c in range(3):
        i, j = divmod(int(winner[r, c]), 2)
        dimage[2 * r + i, 2 * c + j] += dpool[r, c]  # the winner takes it all

image_v = as_values(image)
pooled_v = np.empty((2, 3), dtype=object)
for r in range(2):
    for c in range(3):
        a, b_, c_, d_ = image_v[2 * r : 2 * r + 2, 2 * c : 2 * c + 2].ravel()
        pooled_v[r, c] = a.max(b_).max(c_).max(d_)  # three max gates
assert np.allclose(data_of(pooled_v), pooled, rtol=0, atol=0)
(pooled_v * dpool).sum().backward()
cmp("dimage", dimage, image_v)
print(f"{np.count_nonzero(dimage)} of the {image.size} inputs get a gradient")

# %%
fig, ax = plt.subplots(figsize=(6.4, 4.2))
limit = np.abs(image).max()
ax.imshow(image, cmap="RdBu_r", vmin=-1.6 * limit, vmax=1.6 * limit)  # pale: text stays legible
for i in range(4):
    for j in range(6):
        won = dimage[i, j] != 0
        gradient = f"{dimage[i, j]:+.2f}" if won else "0"
        ax.text(
            j,
            i,
            f"{image[i, j]:+.2f}\n→ {gradient}",
            ha="center",
            va="center",
            fontweight="bold" if won else "normal",
        )
        if won:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="black", lw=2.5))
ax.axhline(1.5, color="black", lw=1)  # the window borders
for edge in (1.5, 3.5):
    ax.axvline(edge, color="black", lw=1)
ax.set_xticks(range(6))
ax.set_yticks(range(4))
ax.grid(False)
label_axes(ax, "column", "row", "2 × 2 max-pool: input value → its gradient")
fig.colorbar(ax.images[0], ax=ax, label="input value", shrink=0.8)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Each window's winner (outlined) receives that window's gradient; the other 18 inputs get 0.
# When windows overlap, one input can win several of them, and then, as for a repeated
# embedding row, its gradients add. A 1-D max-pool of width 3 sliding one step at a time:

# %%
signal = np.array([0.1, 0.9, 0.3, 0.2, 0.8, -0.4, 0.5])
dwin = np.array([1.0, 2.0, 3.0, 4.0, 5.0])  # one gradient per window of 3
winners = np.array([k + np.argmax(signal[k : k + 3]) for k in range(len(dwin))])
dsignal = np.zeros_like(signal)
np.add.at(dsignal, winners, dwin)  # an input that wins several windows collects them all

signal_v = as_values(signal)
outs = [signal_v[k].max(signal_v[k + 1]).max(signal_v[k + 2]) for k in range(len(dwin))]
Value.sum([o * g for o, g in zip(outs, dwin)]).backward()
print("winners of the 5 windows:", winners.tolist())
cmp("dsignal", dsignal, signal_v)
assert dsignal[1] == 1.0 + 2.0 and dsignal[4] == 3.0 + 4.0 + 5.0

# %% [markdown]
# Input 1 (0.9) wins the first two windows and collects 1 + 2; input 4 (0.8) wins the last
# three and collects 3 + 4 + 5: the max gate's routing, then notebook 08's sum over paths.
#
# **Answer:** every one of these backward passes is the general rule, with a different set
# of paths. A broadcast copies, so its backward sums along the copied axes; an element-wise
# function has one path per entry, so its backward multiplies entry by entry; batch norm has
# three paths from every input, through itself, the mean and the variance; a lookup and a
# max-pool route each gradient to one place, and add where several arrive at the same one.
# The scalar engine, which knows none of these formulas, agreed with every gradient to
# 1e-10.
#
# ## Exercises
#
# ### Exercise: batch norm backward
#
# Write `batchnorm_backward(X, gamma, beta, dY, eps=1e-5)`, returning `(dX, dgamma, dbeta)`
# for the batch norm of "Batch norm backward: three paths to every input". The checker runs it
# on batches of several shapes, each feature off-centre and of its own scale, and names the
# path, the 1/N or the axis that goes wrong.

# %%
def batchnorm_backward(X, gamma, beta, dY, eps=1e-5):
    """The gradients of batch norm: for X (N, D), each column (feature) j is normalised over
    the batch, xhat = (X - mu) / sqrt(var + eps) with mu and var the column's mean and
    variance (var = mean of (X - mu)**2), then Y = gamma * xhat + beta, gamma and beta (D,).
    Given dY (N, D), returns (dX, dgamma, dbeta)."""
    ...

# %%
exercise("batchnorm_backward").check(batchnorm_backward);

# %% [markdown]
# ### Exercise: the embedding's gradient
#
# Write `embedding_backward(E, ix, dout)`, the gradient of `out = E[ix]` with respect to the
# table E. The checker's index lists repeat some rows and leave others unused.

# %%
def embedding_backward(E, ix, dout):
    """The gradient of out = E[ix] with respect to the table E (V, d), where ix is a list of
    N row numbers (some may repeat) and dout (N, d) the gradient arriving at out.
    Returns dE, of E's shape."""
    ...

# %%
exercise("embedding_backward").check(embedding_backward);

# %% [markdown]
# ### Exercise: which axes?
#
# A value of shape (1, T, 1), one number per position, is added to a tensor of shape
# (B, T, C), with B = 4, T = 7 and C = 3. Over which axes do you sum the arriving gradient to
# get the value's gradient? Answer with one of "0", "1", "2", "0 and 1", "0 and 2",
# "1 and 2" or "all three", as a string.

# %%
broadcast_axes = ...

# %%
exercise("broadcast_axes").check(broadcast_axes);
