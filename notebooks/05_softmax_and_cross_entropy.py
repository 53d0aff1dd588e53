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
# Note 004 leaves its heading "Softmax & Cross entropy" empty, and note 000 skips the softmax's
# derivative with the words "treat it as y = x". Here we derive the softmax's Jacobian, check
# it entry by entry against the scalar engine, see exactly when the shortcut of note 000 is
# right and when it is wrong, make the computation survive logits of ±1000, and finish with the
# two-layer net of note 003 (softmax loss plus L2), whose every gradient we check.

# %%
import math

import numpy as np

from micrograd_notes import Value
from micrograd_notes.exercises import Exercise
from micrograd_notes.extras import require
from micrograd_notes.losses import l2, log_sum_exp, softmax_cross_entropy


def softmax_naive(z):
    """p_i = e^z_i / Σ_j e^z_j, written straight from the definition (no shift)."""
    e = [zi.exp() for zi in z]
    total = Value.sum(e)
    return [ei / total for ei in e]

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it


# %% [markdown]
# ## The softmax and its Jacobian
#
# The softmax turns K scores (logits) z into K probabilities: p_i = e^(z_i) / S with
# S = Σ_j e^(z_j). Each p_i depends on *every* z_j (through S), so its derivative is a K × K
# matrix, the Jacobian J_ij = ∂p_i/∂z_j. The quotient rule gives two cases:
#
# - i = j: ∂p_i/∂z_i = (e^(z_i) S − e^(z_i) e^(z_i)) / S² = p_i − p_i² = p_i (1 − p_i)
# - i ≠ j: ∂p_i/∂z_j = (0 · S − e^(z_i) e^(z_j)) / S² = −p_i p_j
#
# Both cases in one line: J_ij = p_i (δ_ij − p_j), that is **J = diag(p) − p pᵀ**.
#
# The engine knows nothing of this formula: it only knows the local derivatives of exp, sum
# and division. Back-propagating from p_i gives row i of J as the grads of the z's.

# %%
z_data = [1.0, -0.5, 2.0, 0.3]
K = len(z_data)
J_engine = np.zeros((K, K))
for i in range(K):
    z = [Value(v) for v in z_data]  # fresh leaves: backward() accumulates into leaves
    softmax_naive(z)[i].backward()
    J_engine[i] = [zj.grad for zj in z]

p = np.array([pi.data for pi in softmax_naive([Value(v) for v in z_data])])
J_formula = np.diag(p) - np.outer(p, p)
print("p =", p.round(4))
print("J from the engine:\n", J_engine.round(4))
for i in range(K):
    for j in range(K):
        assert abs(J_engine[i, j] - J_formula[i, j]) < 1e-12, (i, j)

# %% [markdown]
# All 16 entries agree to 1e-12. Two things can be read off the formula and are true of the
# matrix: J is symmetric, and each row sums to 0. The second says that nudging any z_j leaves
# Σ p_i = 1 unchanged, so whatever one probability gains the others lose. Adding the same
# constant to every z changes nothing at all: J · (1, ..., 1) = 0.

# %%
assert np.allclose(J_engine, J_engine.T, atol=1e-15)
assert np.allclose(J_engine.sum(axis=1), 0.0, atol=1e-15)

# %% [markdown]
# ## Cross-entropy on top: everything collapses to p − y
#
# With a one-hot target y (1 at the true class c), the cross-entropy is
# L = −Σ_k y_k log p_k = −log p_c. Its gradient with respect to p is −y_k / p_k, and the
# chain rule carries it through the Jacobian:
#
# ∂L/∂z_j = Σ_k (∂L/∂p_k) J_kj = Σ_k (−y_k / p_k) p_k (δ_kj − p_j) = −y_j + p_j Σ_k y_k
# = **p_j − y_j**,
#
# because the targets sum to 1. The 1/p of the log cancels the p of the softmax's Jacobian.

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
# ## Note 000's "Thinking 1": may we treat the softmax as y = x?
#
# Note 000 asks whether the softmax's derivative can be ignored, answers yes ("softmax just
# amplifies the differences"), and from then on writes ∂L/∂y = y − y_label right at the
# logits. That is exactly the p − y we just derived, so for cross-entropy the shortcut gives
# the **right** number. But the reason is not that the softmax is harmless: its Jacobian is far
# from the identity. The reason is the cancellation above, between the log and the softmax.
#
# Swap the loss and the shortcut breaks. Under the squared error L = ½ Σ (p_k − y_k)², the
# shortcut would again say p − y, but the chain rule says ∂L/∂z = J (p − y), and nothing
# cancels.

# %%
def mse_on_softmax_grad(z_values, target):
    z = [Value(v) for v in z_values]
    p = softmax_naive(z)
    (0.5 * Value.sum([(pk - float(yk)) ** 2 for pk, yk in zip(p, target)])).backward()
    return np.array([zj.grad for zj in z]), np.array([pk.data for pk in p])


dz_mse, p_mse = mse_on_softmax_grad(z_data, y_onehot)
J = np.diag(p_mse) - np.outer(p_mse, p_mse)
print("MSE through softmax, engine:", dz_mse.round(4))
print("J (p − y):                  ", (J @ (p_mse - y_onehot)).round(4))
print("the shortcut's p − y:       ", (p_mse - y_onehot).round(4))
assert np.allclose(dz_mse, J @ (p_mse - y_onehot), atol=1e-12)
assert np.abs(dz_mse - (p_mse - y_onehot)).max() > 0.1  # the shortcut is wrong under MSE

# %% [markdown]
# Worse, under MSE the softmax's Jacobian can all but switch learning off. When the network is
# confidently wrong (a large logit on the wrong class), p is nearly one-hot, every entry of
# J = diag(p) − p pᵀ is nearly 0, and so is the gradient: the model barely learns from its
# worst mistakes. Cross-entropy's p − y is then at its largest.

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
# The definition e^(z_i) / Σ e^(z_j) fails for large logits: e^1000 does not fit in a float.
# The engine refuses with an `OverflowError` naming the op; NumPy instead returns inf, and
# inf / inf = nan, with no more than a warning (silenced here).

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
# The fix is an identity: for any constant m,
# log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m). With m = max_j z_j the largest power is e^0 = 1,
# so nothing overflows and the sum is at least 1, so nothing divides by 0 or takes log 0.
# Then log p_c = z_c − log Σ_j e^(z_j), and the loss is log-sum-exp(z) − z_c. The shift m is a
# plain number, not a Value: it cancels in the result and carries no gradient.

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

# %% [markdown]
# ## Note 003's two-layer net: softmax loss plus L2
#
# Note 003 trains X → (W1, b1) → ReLU → (W2, b2) → scores → softmax loss, with the loss
# L = (1/N) Σ_n −log p_(n, y_n) + λ (Σ W1² + Σ W2²). Its recipe for the gradients:
#
# 1. dscores = (p − onehot(y)) / N, the result above, averaged over the batch;
# 2. dW2 = Hᵀ dscores + 2λ W2, db2 = column sums of dscores (H: the ReLU outputs);
# 3. dH = dscores W2ᵀ, then dZ1 = dH ⊙ [Z1 > 0];
# 4. dW1 = Xᵀ dZ1 + 2λ W1, db1 = column sums of dZ1.
#
# The 2λW is the derivative of λ w² for each weight on its own: the L2 term touches each weight
# through one square and nothing else. We build the same net twice, from Values for the engine
# and in NumPy with the recipe, on a seeded batch of 12 points, 4 features, 10 hidden units
# and 3 classes.

# %%
rng = np.random.default_rng(3)
N, D, H, C = 12, 4, 10, 3
reg = 0.05
X = rng.normal(size=(N, D))
y = rng.integers(0, C, size=N)
params = {
    "W1": rng.normal(scale=0.5, size=(D, H)),
    "b1": rng.normal(scale=0.1, size=H),
    "W2": rng.normal(scale=0.5, size=(H, C)),
    "b2": rng.normal(scale=0.1, size=C),
}


def engine_forward(values):
    """The loss built from Values; ``values`` maps each name to an array of Value leaves."""
    W1, b1, W2, b2 = values["W1"], values["b1"], values["W2"], values["b2"]
    logits = []
    for x in X.tolist():
        h = [Value.dot(W1[:, j].tolist(), x, b1[j]).relu() for j in range(H)]
        logits.append([Value.dot(W2[:, k].tolist(), h, b2[k]) for k in range(C)])
    data_loss = softmax_cross_entropy(logits, y.tolist())
    reg_loss = l2([*W1.ravel(), *W2.ravel()], reg)
    return data_loss + reg_loss, data_loss, reg_loss, logits


def as_leaves(arrays):
    return {name: np.vectorize(Value, otypes=[object])(a) for name, a in arrays.items()}


def numpy_loss_and_grads(P):
    """Note 003's recipe, in NumPy."""
    Z1 = X @ P["W1"] + P["b1"]
    Hid = np.maximum(Z1, 0.0)
    scores = Hid @ P["W2"] + P["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(N), y]).mean() + reg * ((P["W1"] ** 2).sum() + (P["W2"] ** 2).sum())
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dH = dscores @ P["W2"].T
    dZ1 = dH * (Z1 > 0)
    grads = {
        "W2": Hid.T @ dscores + 2 * reg * P["W2"],
        "b2": dscores.sum(axis=0),
        "W1": X.T @ dZ1 + 2 * reg * P["W1"],
        "b1": dZ1.sum(axis=0),
    }
    return loss, grads, Z1, dscores


leaves = as_leaves(params)
total, data_loss, reg_loss, logits = engine_forward(leaves)
total.backward()
engine_grads = {name: np.vectorize(lambda v: v.grad)(a) for name, a in leaves.items()}
loss_np, grads_np, Z1, dscores = numpy_loss_and_grads(params)
print(f"loss: engine {total.data:.12f}, NumPy {loss_np:.12f}")
assert abs(total.data - loss_np) < 1e-12
for name in params:
    assert np.allclose(engine_grads[name], grads_np[name], rtol=0, atol=1e-10), name

# %% [markdown]
# ### The regularisation gradient on its own: 2λW
#
# Back-propagating only the L2 term gives each weight exactly 2λw, and nothing to the biases.

# %%
only_reg = as_leaves(params)
engine_forward(only_reg)[2].backward()
for name in ("W1", "W2"):
    assert np.allclose(np.vectorize(lambda v: v.grad)(only_reg[name]), 2 * reg * params[name], atol=1e-15)
for name in ("b1", "b2"):
    assert all(v.grad == 0.0 for v in only_reg[name])
print("dL_reg/dW = 2λW for every weight, 0 for every bias")

# %% [markdown]
# ### A relative-error gradient check over every parameter
#
# The check compares each analytical derivative a with a central difference n, by the relative
# error |a − n| / max(|a|, |n|), which reads the same for large and small gradients (a floor
# of 1e-8 in the denominator keeps two tiny numbers from counting as far apart). ReLU has a
# kink at 0, where a nudge could jump across it and the difference would mean nothing, so we
# first make sure no pre-activation sits within 1e-3 of 0.
#
# First the wrong way: a regularisation gradient of λW (the 2 forgotten) fails the check.

# %%
def relative_errors(analytical, loss_of, P, eps=1e-6):
    """max over every entry of |a − n| / max(|a|, |n|, 1e-8), per parameter name."""
    worst = {}
    for name, A in P.items():
        errors = []
        for idx in np.ndindex(A.shape):
            start = A[idx]
            A[idx] = start + eps
            up = loss_of(P)
            A[idx] = start - eps
            down = loss_of(P)
            A[idx] = start
            n = (up - down) / (2 * eps)
            a = analytical[name][idx]
            errors.append(abs(a - n) / max(abs(a), abs(n), 1e-8))
        worst[name] = max(errors)
    return worst


assert np.abs(Z1).min() > 1e-3  # no ReLU input near its kink


def numpy_loss(P):
    return numpy_loss_and_grads(P)[0]


forgot_the_2 = {**engine_grads}
forgot_the_2["W2"] = engine_grads["W2"] - reg * params["W2"]  # λW instead of 2λW
bad = relative_errors(forgot_the_2, numpy_loss, params)
print("with λW:  ", {k: f"{v:.1e}" for k, v in bad.items()})
assert bad["W2"] > 1e-2

good = relative_errors(engine_grads, numpy_loss, params)
print("the engine:", {k: f"{v:.1e}" for k, v in good.items()})
assert max(good.values()) < 1e-6
n_params = sum(a.size for a in params.values())
print(f"{n_params} parameters checked")
assert n_params == D * H + H + H * C + C == 83

# %% [markdown]
# Every one of the 83 parameters agrees with its finite difference to a relative error far
# below 1e-6, while the forgotten 2 shows up as an error of order 1 in W2.
#
# ## Picture: the gradient arriving at the logits
#
# For a batch, ∂L/∂logits is a matrix with one row per sample and one column per class:
# (p − y) / N. In each row the true class gets p_c − 1 ≤ 0 (push its logit up) and every other
# class gets p_k ≥ 0 (push down), and, as with the Jacobian, each row sums to 0.

# %%
dlogits = np.array([[v.grad for v in row] for row in logits])
assert np.allclose(dlogits, dscores, atol=1e-12)  # the engine's, equal to the recipe's
assert np.allclose(dlogits.sum(axis=1), 0.0, atol=1e-15)
assert all(dlogits[n, y[n]] < 0 for n in range(N))
assert (np.delete(dlogits, y + C * np.arange(N)) > 0).all()  # every other entry is positive

fig, ax = plt.subplots(figsize=(4.6, 5))
bound = np.abs(dlogits).max()
im = ax.imshow(dlogits, cmap="RdBu_r", vmin=-bound, vmax=bound, aspect="auto")
ax.scatter(y, np.arange(N), marker="o", s=30, facecolors="none", edgecolors="k", label="true class")
ax.set(xticks=range(C), yticks=range(N), xlabel="class k", ylabel="sample n in the batch",
       title="∂L/∂logit = (p − y) / N")
fig.colorbar(im, ax=ax, label="∂L / ∂logit[n, k]")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1))
fig.tight_layout()
plt.show()

# %% [markdown]
# **Answer:** the softmax's Jacobian is diag(p) − p pᵀ; under cross-entropy the log's 1/p
# cancels it, leaving p − y at the logits, which is why note 000's shortcut is right for
# cross-entropy and wrong for MSE. Computed through log-sum-exp, the loss and its gradient stay
# finite at logits of ±1000, and with it note 003's two-layer net passes a gradient check on
# every parameter.
#
# ## Exercises
#
# Answer each by replacing the `...` in its answer cell, then run the checker cell below it.

# %%
ex_true_class = Exercise.number(
    "Logits z = (log 1, log 2, log 5) and the true class is 2. What is dL/dz_2 under cross-entropy?",
    5 / 8 - 1,
    hint="p = e^z / Σ e^z; then p − y",
)
ex_jacobian = Exercise.number(
    "For p = (0.5, 0.3, 0.2), what is ∂p_0/∂z_1, the entry (0, 1) of the softmax's Jacobian?",
    -0.5 * 0.3,
    hint="off the diagonal, J_ij = −p_i p_j",
)
ex_shortcut = Exercise.choice(
    "Under which loss does 'treat the softmax as y = x' give the right gradient at the logits?",
    ["cross-entropy", "mean squared error", "both", "neither"],
    "cross-entropy",
    hint="where does the 1/p of the log go?",
)

# %%
answer_true_class = ...

# %%
ex_true_class.check(answer_true_class)

# %%
answer_jacobian = ...

# %%
ex_jacobian.check(answer_jacobian)

# %%
answer_shortcut = ...

# %%
ex_shortcut.check(answer_shortcut)

# %% [markdown]
# ## Answers
#
# Each right answer is computed here by the engine, and a tempting wrong one is refused.

# %%
z = [Value(math.log(v)) for v in (1.0, 2.0, 5.0)]
softmax_cross_entropy([z], [2]).backward()
assert ex_true_class.accepts(z[2].grad) and not ex_true_class.accepts(5 / 8)

z = [Value(math.log(v)) for v in (0.5, 0.3, 0.2)]  # logits whose softmax is (0.5, 0.3, 0.2)
softmax_naive(z)[0].backward()
assert ex_jacobian.accepts(z[1].grad) and not ex_jacobian.accepts(0.5 * (1 - 0.5))

assert ex_shortcut.accepts("cross-entropy") and not ex_shortcut.accepts("both")
print("every exercise has a right answer the checker accepts")
