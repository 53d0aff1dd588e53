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
# # 5. Softmax and cross-entropy
#
# **Question:** what is the gradient of a softmax, why does cross-entropy on top of it make
# that gradient collapse to the simple p − y, and how do we compute it without overflowing?
#
# A classifier's last layer gives one score per class, a *logit*; the softmax turns the
# logits into probabilities, and the cross-entropy scores those probabilities against the
# true class. Here we derive the softmax's Jacobian and check it entry by entry against the
# scalar engine; read two properties off it, each for its own reason; derive why cross-entropy
# leaves just p − y at the logits; see when skipping the softmax's derivative is right and when
# it is wrong; and make the whole computation survive logits of ±1000. Every derivation is
# written out in the text, and every one is checked by the engine, which knows nothing of it.

# %%
import math

import numpy as np

from micrograd_notes import Value
from micrograd_notes.figures import style_problems, use_house_style
from micrograd_notes.losses import log_sum_exp, softmax_cross_entropy

use_house_style()  # first: without matplotlib, it says in one line how to install it
import matplotlib.pyplot as plt  # noqa: E402


def softmax_naive(z):
    """p_i = e^z_i / Σ_j e^z_j, written straight from the definition (no shift)."""
    e = [zi.exp() for zi in z]
    total = Value.sum(e)
    return [ei / total for ei in e]


def jacobian(function, z_data):
    """J[i, j] = ∂(output i)/∂z_j by the engine: one backward pass per output, fresh leaves
    each time (backward() adds into leaves)."""
    rows = []
    for i in range(len(z_data)):
        z = [Value(v) for v in z_data]
        function(z)[i].backward()
        rows.append([zj.grad for zj in z])
    return np.array(rows)


# %% [markdown]
# ## The softmax and its Jacobian
#
# The softmax turns K logits z into K probabilities: p_i = e^(z_i) / S with S = Σ_j e^(z_j).
# Each p_i depends on *every* z_j (through S), so its derivative is a K × K matrix, the
# Jacobian J_ij = ∂p_i/∂z_j (row i: one output; column j: one input). The quotient rule,
# (u/S)′ = (u′S − uS′) / S², with ∂S/∂z_j = e^(z_j), gives two cases:
#
# - i = j: ∂p_i/∂z_i = (e^(z_i) S − e^(z_i) e^(z_i)) / S² = p_i − p_i² = p_i (1 − p_i)
# - i ≠ j: ∂p_i/∂z_j = (0 · S − e^(z_i) e^(z_j)) / S² = −p_i p_j
#
# Both cases in one line: J_ij = p_i (δ_ij − p_j), where δ_ij is 1 when i = j and 0 otherwise;
# as matrices, **J = diag(p) − p pᵀ**.
#
# The engine knows nothing of this formula: it only knows the local derivatives of exp, sum
# and division. Back-propagating from p_i gives row i of J as the grads of the z's.

# %%
z_data = [1.0, -0.5, 2.0, 0.3]
K = len(z_data)
J_engine = jacobian(softmax_naive, z_data)
p = np.array([pi.data for pi in softmax_naive([Value(v) for v in z_data])])
J_formula = np.diag(p) - np.outer(p, p)
print("p =", p.round(4))
print("J from the engine:\n", J_engine.round(4))
print("largest difference from diag(p) − p pᵀ:", np.abs(J_engine - J_formula).max())
assert np.abs(J_engine - J_formula).max() < 1e-12

# %% [markdown]
# All 16 entries agree to rounding. The diagonal is positive (raising a logit raises its own
# probability) and everything else is negative (it lowers every other one).
#
# ## Rows and columns: two sums, two reasons
#
# Every row of J sums to 0, and so does every column. They look alike, but they say different
# things and hold for different reasons.
#
# **Columns: the probabilities always sum to 1.** Column j holds ∂p_i/∂z_j for every i, so
# its sum is ∂(Σ_i p_i)/∂z_j. The sum Σ_i p_i is 1 whatever z is, so its derivative is 0:
# whatever one probability gains when z_j moves, the others lose.
#
# **Rows: adding one number to every logit changes nothing.** Row i holds ∂p_i/∂z_j for every
# j. Move every logit at once, z_j → z_j + t: each z_j moves at rate 1, and by the chain rule,
# whose paths add, p_i changes at rate Σ_j ∂p_i/∂z_j · 1, which is row i's sum. But
# e^(z_i + t) / Σ_j e^(z_j + t) = e^t e^(z_i) / (e^t Σ_j e^(z_j)) = p_i: the shift cancels,
# p does not change at all, and its rate of change, the row sum, is 0. (This *shift
# invariance* is also what makes the softmax safe to compute, below.)
#
# Both facts checked, each with its own reason:

# %%
shifted = np.array([pi.data for pi in softmax_naive([Value(v + 3.0) for v in z_data])])
print("Σ p =", p.sum(), "  p(z + 3) − p(z):", (shifted - p).round(15))
print("column sums:", J_engine.sum(axis=0).round(15), "  row sums:", J_engine.sum(axis=1).round(15))
assert abs(p.sum() - 1.0) < 1e-15 and np.abs(shifted - p).max() < 1e-15
assert np.abs(J_engine.sum(axis=0)).max() < 1e-15 and np.abs(J_engine.sum(axis=1)).max() < 1e-15

# %% [markdown]
# Since J = diag(p) − p pᵀ is also *symmetric* (J_ij = J_ji = −p_i p_j), each row is a column,
# and either reason seems to prove both facts. It does not: the two properties come apart as
# soon as one of them is lost. Scale each logit by its own factor before the softmax,
# q = softmax(s ⊙ z) with s = (2, 1, 0.5, 3). The q's still sum to 1, so the columns still sum
# to 0; but adding t to every z now adds t·s_j to logit j, different amounts, so q changes
# and the rows no longer sum to 0. (By the chain rule ∂q_i/∂z_j = q_i (δ_ij − q_j) s_j, so
# row i sums to q_i (s_i − Σ_j q_j s_j): zero only for an s_i equal to the q-weighted mean of
# the s's.)

# %%
s = np.array([2.0, 1.0, 0.5, 3.0])
J_scaled = jacobian(lambda z: softmax_naive([zj * float(sj) for zj, sj in zip(z, s)]), z_data)
print("q = softmax(s ⊙ z): column sums", J_scaled.sum(axis=0).round(15))
print("                    row sums   ", J_scaled.sum(axis=1).round(4))
assert np.abs(J_scaled.sum(axis=0)).max() < 1e-15  # Σ q = 1 still
assert np.abs(J_scaled.sum(axis=1)).min() > 0.03  # not shift-invariant any more
q = np.array([qi.data for qi in softmax_naive([Value(v * sj) for v, sj in zip(z_data, s)])])
assert np.allclose(J_scaled.sum(axis=1), q * (s - q @ s), atol=1e-15)
assert not np.allclose(J_scaled, J_scaled.T)  # nor symmetric

# %% [markdown]
# ## Cross-entropy on top: everything collapses to p − y
#
# With a one-hot target y (1 at the true class c, 0 elsewhere), the cross-entropy is
# L = −Σ_k y_k log p_k = −log p_c: small when the true class is given a high probability.
# Its gradient with respect to p is ∂L/∂p_k = −y_k / p_k. The chain rule carries that to the
# logits, adding over every p_k that z_j reaches:
#
# ∂L/∂z_j = Σ_k ∂L/∂p_k · ∂p_k/∂z_j = Σ_k (−y_k / p_k) · p_k (δ_kj − p_j)
# = −Σ_k y_k δ_kj + p_j Σ_k y_k = −y_j + p_j = **p_j − y_j**,
#
# because the targets sum to 1. The 1/p of the log cancels the p of the softmax's Jacobian.
# (The sum runs over k, the *rows* of J: the gradient at the logits is Jᵀ times the gradient at
# p. For the softmax Jᵀ = J, but the order is what the chain rule says.)

# %%
c = 2
y_onehot = np.eye(K)[c]
z = [Value(v) for v in z_data]
(-softmax_naive(z)[c].log()).backward()
dz_engine = np.array([zj.grad for zj in z])
print("engine dL/dz:", dz_engine.round(6), "  p − y:", (p - y_onehot).round(6))
assert np.allclose(dz_engine, p - y_onehot, rtol=0, atol=1e-12)

# The package's loss (written with log-sum-exp, below) gives the same gradient.
z = [Value(v) for v in z_data]
softmax_cross_entropy([z], [c]).backward()
assert np.allclose([zj.grad for zj in z], p - y_onehot, rtol=0, atol=1e-12)

# %% [markdown]
# The gradient pushes the true class's logit up by 1 − p_c (its entry is p_c − 1 ≤ 0, and
# gradient descent moves against it) and every other logit down by p_k: the more probability
# a wrong class has, the harder it is pushed.
#
# **A batch.** The loss of N samples is the mean of their losses, L = (1/N) Σ_n L_n. Row n of
# logits reaches only L_n, and the gradient of a sum is the sum of the gradients, so the
# gradient at row n is (1/N) times that sample's own p − y. The package's loss is that mean;
# checked on three samples against each sample's loss on its own:

# %%
batch = [[1.0, -0.5, 2.0, 0.3], [0.2, 0.2, -1.0, 3.0], [-2.0, 0.5, 0.0, 1.5]]
labels = [2, 0, 3]
rows = [[Value(v) for v in row] for row in batch]
softmax_cross_entropy(rows, labels).backward()
in_batch = np.array([[v.grad for v in row] for row in rows])
alone = []
for row, label in zip(batch, labels):
    z = [Value(v) for v in row]
    softmax_cross_entropy([z], [label]).backward()
    alone.append([zj.grad for zj in z])
print("gradient of the batch's mean, × N:\n", (len(batch) * in_batch).round(4))
assert np.allclose(len(batch) * in_batch, alone, rtol=0, atol=1e-15)

# %% [markdown]
# ## "Treat the softmax as y = x": right for cross-entropy, wrong for MSE
#
# A tempting shortcut skips the softmax's derivative altogether: "the softmax only stretches
# the differences between the logits, so treat it as the identity, y = x" and write the
# gradient at the logits as p − y directly. For cross-entropy that is exactly the p − y we
# just derived, so the shortcut gives the **right** number. But not because the softmax is
# harmless: its Jacobian is far from the identity. The reason is the cancellation above,
# between the log and the softmax.
#
# Swap the loss and the shortcut breaks. Under the squared error L = ½ Σ_k (p_k − y_k)², the
# gradient at p is p − y, and the shortcut would again say p − y at the logits. The chain rule
# says ∂L/∂z = Jᵀ (p − y) = J (p − y), and nothing cancels:


# %%
def mse_on_softmax_grad(z_values, target):
    z = [Value(v) for v in z_values]
    p = softmax_naive(z)
    (0.5 * Value.sum([(pk - float(yk)) ** 2 for pk, yk in zip(p, target)])).backward()
    return np.array([zj.grad for zj in z]), np.array([pk.data for pk in p])


dz_mse, p_mse = mse_on_softmax_grad(z_data, y_onehot)
J = np.diag(p_mse) - np.outer(p_mse, p_mse)
print("MSE through softmax, engine:", dz_mse.round(4))
print("Jᵀ (p − y):                 ", (J.T @ (p_mse - y_onehot)).round(4))
print("the shortcut's p − y:       ", (p_mse - y_onehot).round(4))
assert np.allclose(dz_mse, J.T @ (p_mse - y_onehot), atol=1e-12)
assert np.abs(dz_mse - (p_mse - y_onehot)).max() > 0.1  # the shortcut is wrong under MSE

# %% [markdown]
# Worse, under MSE the softmax's Jacobian can all but switch learning off. When the network is
# confidently wrong (a large logit on a wrong class), p is nearly one-hot, so every entry of
# J = diag(p) − p pᵀ is nearly 0 (p_i (1 − p_i) and p_i p_j are tiny when each p is near 0
# or 1), and so is the gradient: the model barely learns from its worst mistakes.
# Cross-entropy's p − y is then at its largest.

# %%
confident_wrong = [8.0, 0.0, 0.0]  # the model bets on class 0; the truth is class 2
target = np.eye(3)[2]
dz_mse, _ = mse_on_softmax_grad(confident_wrong, target)
z = [Value(v) for v in confident_wrong]
softmax_cross_entropy([z], [2]).backward()
dz_ce = np.array([zj.grad for zj in z])
print(f"|dL/dz| under MSE {np.linalg.norm(dz_mse):.5f}, under cross-entropy {np.linalg.norm(dz_ce):.3f}")
assert np.linalg.norm(dz_mse) < 0.01 and np.linalg.norm(dz_ce) > 1.0

# %% [markdown]
# So: treating the softmax as the identity gives the right gradient for cross-entropy (by an
# exact cancellation) and the wrong one for MSE, which is one reason softmax outputs are
# trained with cross-entropy.
#
# ## Stability: logits of ±1000
#
# The definition e^(z_i) / Σ e^(z_j) fails for large logits: e^1000 does not fit in a float
# (the largest is about 1.8e308, e^709.8). The engine refuses with an `OverflowError` naming
# the op; NumPy instead returns inf, and inf / inf = nan, with no more than a warning (silenced
# here).

# %%
big = [1000.0, -1000.0, 0.0]
try:
    softmax_naive([Value(v) for v in big])
    overflow = None
except OverflowError as err:
    overflow = err
print("engine:", overflow)
assert overflow is not None and "exp" in str(overflow)

with np.errstate(over="ignore", invalid="ignore"):
    e = np.exp(np.array(big))
    p_numpy = e / e.sum()
print("NumPy: ", p_numpy)
assert np.isnan(p_numpy).any()

# Very negative logits fail the other way: every e^z underflows to 0, and 0 / 0.
try:
    softmax_naive([Value(-1000.0), Value(-1001.0)])
    underflow = None
except ZeroDivisionError as err:
    underflow = err
print("engine, all logits at -1000:", underflow)
assert underflow is not None

# %% [markdown]
# The fix is the shift invariance of the rows above, in the form of an identity: for any
# constant m, log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m) (take e^m out of the sum). With
# m = max_j z_j the largest power is e^0 = 1, so nothing overflows, and the sum is at least 1,
# so nothing divides by 0 or takes log 0. Then log p_c = z_c − log Σ_j e^(z_j), and the loss
# is log-sum-exp(z) − z_c. The shift m is a plain number, not a Value: it cancels in the
# result, so it carries no gradient.

# %%
z = [Value(v) for v in big]
loss = softmax_cross_entropy([z], [1])  # the true class has the lowest logit, -1000
loss.backward()
grads = [zj.grad for zj in z]
print(f"loss {loss.data}, dL/dz {grads}")
assert math.isclose(loss.data, 2000.0, rel_tol=1e-15) and all(math.isfinite(g) for g in grads)
assert np.allclose(grads, [1.0, -1.0, 0.0], atol=1e-12)  # p − y with p = (1, 0, 0)
lse = log_sum_exp([Value(-1000.0), Value(-1001.0)]).data  # where the naive form divided 0 by 0
assert math.isclose(lse, -1000.0 + math.log1p(math.exp(-1.0)), rel_tol=1e-15)
print(f"log-sum-exp(-1000, -1001) = {lse}")

# %% [markdown]
# The loss is 2000 (log-sum-exp is 1000, minus the true logit −1000) and the gradient is
# p − y with p = (1, 0, 0): finite, and exactly what the formula says.
#
# ## Picture: the gradient arriving at the logits
#
# For a batch, ∂L/∂logits is a matrix with one row per sample and one column per class,
# (p − y) / N. In each row the true class gets (p_c − 1)/N ≤ 0 (push its logit up) and every
# other class gets p_k/N ≥ 0 (push down), and, as with the Jacobian's rows, each row sums to 0.
# Twelve samples with random logits, through the engine:

# %%
rng = np.random.default_rng(3)
N, C = 12, 4
logits = rng.normal(scale=1.5, size=(N, C))
y = rng.integers(0, C, size=N)
rows = [[Value(v) for v in row] for row in logits.tolist()]
softmax_cross_entropy(rows, y.tolist()).backward()
dlogits = np.array([[v.grad for v in row] for row in rows])
assert np.allclose(dlogits.sum(axis=1), 0.0, atol=1e-15)
assert all(dlogits[n, y[n]] < 0 for n in range(N))
assert (np.delete(dlogits, y + C * np.arange(N)) > 0).all()  # every other entry is positive

fig, ax = plt.subplots(figsize=(5.2, 5))
bound = np.abs(dlogits).max()
im = ax.imshow(dlogits, cmap="RdBu_r", vmin=-bound, vmax=bound, aspect="auto")
# Each ring twice, a wide white one under a thin black one, so it shows on a dark cell too.
ax.scatter(y, np.arange(N), marker="o", s=160, facecolors="none", edgecolors="white", linewidths=3.5)
ax.scatter(y, np.arange(N), marker="o", s=160, facecolors="none", edgecolors="black",
           linewidths=1.5, label="true class")
ax.set(xticks=range(C), yticks=range(N), xlabel="class k", ylabel="sample n in the batch",
       title="∂L/∂logit = (p − y) / N")
ax.grid(False)
fig.colorbar(im, ax=ax, label="∂L / ∂logit[n, k]")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
plt.show()
assert style_problems(fig) == []
p_true = 1 + N * dlogits[np.arange(N), y]  # the true entry is (p_c − 1) / N
darkest, lightest = int(np.argmin(p_true)), int(np.argmax(p_true))
print(f"p of the true class: sample {darkest} {p_true[darkest]:.3f} (the darkest ring's cell), "
      f"sample {lightest} {p_true[lightest]:.3f} (the lightest)")
assert (darkest, lightest) == (2, 9) and p_true[darkest] < 0.01 and p_true[lightest] > 0.9

# %% [markdown]
# Every ring sits on a blue cell and reads on the darkest of them too: sample 2, whose true
# class got a probability of 0.004, so the largest push. The palest ring, sample 9, is a
# sample the logits already get right with probability 0.93: there is little left to push.
# Red cells are wrong classes that took probability away from the true one.
#
# **Answer:** the softmax's Jacobian is diag(p) − p pᵀ, whose columns sum to 0 because the
# probabilities sum to 1 and whose rows sum to 0 because a shift of every logit changes
# nothing. Under cross-entropy the log's 1/p cancels it, leaving p − y at the logits (divided
# by N for a batch's mean), which is why "treat the softmax as y = x" is right for
# cross-entropy and wrong for MSE. Computed through log-sum-exp, the loss and its gradient stay
# finite at logits of ±1000.
#
# ## Exercises
#
# ### Exercise: the gradient of a batch's softmax cross-entropy
#
# Write `softmax_ce_backward(scores, y)` in NumPy: `scores` is an (N, C) array of logits, one
# row per sample, and `y` the N true classes (integers). Return d loss / d scores, an (N, C)
# array, for the loss the mean over the rows of −log softmax(row)[true class]. It must work
# for scores near ±1000. Reread "Cross-entropy on top: everything collapses to p − y" and
# "Stability: logits of ±1000". The checker compares it with the package's NumPy version on
# batches of several shapes.

# %%
from micrograd_notes.exercises import exercise


def softmax_ce_backward(scores, y):
    """d loss / d scores, for loss = the mean over the N rows of -log softmax(scores[n])[y[n]].
    scores: an (N, C) array of logits; y: N integer labels, the true class of each row.
    Returns an (N, C) array."""
    ...


# %%
exercise("softmax_ce_backward").check(softmax_ce_backward);

# %% [markdown]
# ### Exercise: one entry of the gradient by hand
#
# Logits z = (log 1, log 2, log 5), and the true class is class 2 (the third). What is
# ∂L/∂z_2 under cross-entropy? Work out p first.

# %%
ce_true_class_grad = ...

# %%
exercise("ce_true_class_grad").check(ce_true_class_grad);

# %% [markdown]
# ### Exercise: one entry of the Jacobian
#
# For logits whose softmax is p = (0.5, 0.3, 0.2), what is ∂p_0/∂z_1, the entry in row 0,
# column 1 of the softmax's Jacobian?

# %%
softmax_jacobian_entry = ...

# %%
exercise("softmax_jacobian_entry").check(softmax_jacobian_entry);

# %% [markdown]
# ### Exercise: when is the shortcut right?
#
# Under which loss does "treat the softmax as y = x" give the right gradient at the logits:
# "cross-entropy", "mean squared error", "both" or "neither"?

# %%
softmax_shortcut_loss = ...

# %%
exercise("softmax_shortcut_loss").check(softmax_shortcut_loss);

# %% [markdown]
# ### Exercise: a softmax with a temperature
#
# A softmax with a temperature T > 0 divides every logit by T first: q = softmax(z / T), with
# T = 2. Which sums of its Jacobian ∂q_i/∂z_j are 0 for every z: "rows", "columns", "both" or
# "neither"? Reread "Rows and columns: two sums, two reasons" and ask each of its two
# questions of q.

# %%
temperature_sums = ...

# %%
exercise("temperature_sums").check(temperature_sums);
