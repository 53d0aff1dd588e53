# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. Backpropagation by hand
#
# **Question:** can we write every gradient of a small network ourselves, and get exactly what
# the engine gets?
#
# We take a network with two inputs, two ReLU layers of two units and a softmax output over
# two classes, work out each weight's gradient with the rules from notebook 2, group them into
# matrix products, and compare with the engine to 1e-12. On the way we meet three slips that
# are easy to make (and that the study notes make), and see each one fail the check.

# %%
import numpy as np

from micrograd_notes import Value
from micrograd_notes.losses import mse, softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.vectorized import VectorizedMLP

X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 0.1]])
y = np.array([0, 1, 1, 0])
n = len(y)

model = MLP(2, [2, 2, 2], activation="relu", seed=4)
(W1, b1), (W2, b2), (W3, b3) = [(layer.W, layer.b) for layer in VectorizedMLP.from_mlp(model).layers]

# %% [markdown]
# ## What the engine says
#
# The scalar engine builds the whole graph, one sample at a time, and back-propagates the
# mean cross-entropy.

# %%
loss = softmax_cross_entropy([model(list(row)) for row in X], y.tolist())
loss.backward()
engine_grads = [
    (np.array([[n_.w[i].grad for n_ in layer.neurons] for i in range(len(layer.neurons[0].w))]),
     np.array([n_.b.grad for n_ in layer.neurons]))
    for layer in model.layers
]
print(f"loss = {loss.data:.6f}")

# %% [markdown]
# ## Forward, by hand
#
# One row per sample: h = X W + b, then ReLU, twice, then scores z3 and a softmax.

# %%
h1 = X @ W1 + b1
A1 = np.maximum(h1, 0)
h2 = A1 @ W2 + b2
A2 = np.maximum(h2, 0)
z3 = A2 @ W3 + b3
p = np.exp(z3 - z3.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
hand_loss = -np.log(p[np.arange(n), y]).mean()
assert abs(hand_loss - loss.data) < 1e-12

# %% [markdown]
# ## Backward, by hand
#
# * Softmax with cross-entropy has the famously simple gradient dz3 = (p − onehot(y)) / n.
# * A linear layer h = A W + b sends back dW = Aᵀ dh and dA = dh Wᵀ; its bias collects the
#   column sums of dh. Each gradient has the shape of what it belongs to, which is a good
#   check on the order of the factors.
# * ReLU passes the gradient where its input was positive and blocks it elsewhere
#   (ReLU′(0) = 0).

# %%
dz3 = p.copy()
dz3[np.arange(n), y] -= 1
dz3 /= n
dW3, db3 = A2.T @ dz3, dz3.sum(axis=0)
dz2 = (dz3 @ W3.T) * (h2 > 0)
dW2, db2 = A1.T @ dz2, dz2.sum(axis=0)
dz1 = (dz2 @ W2.T) * (h1 > 0)
dW1, db1 = X.T @ dz1, dz1.sum(axis=0)

for name, hand, (eng_W, eng_b) in zip(["W1", "W2", "W3"], [(dW1, db1), (dW2, db2), (dW3, db3)], engine_grads):
    assert np.allclose(hand[0], eng_W, rtol=0, atol=1e-12), name
    assert np.allclose(hand[1], eng_b, rtol=0, atol=1e-12), name
    print(f"d{name} by hand equals the engine's:\n{hand[0]}")

# %% [markdown]
# ## Slip 1: the first layer's weights see the *input*, not the activation
#
# It is tempting to write every layer as dW = A1ᵀ · dz, but the first layer's input is X. The
# notes' dW1 uses A1ᵀ; the numbers are simply wrong (they do not even depend on the right data).

# %%
wrong_dW1 = A1.T @ dz1
print("with A1ᵀ:\n", wrong_dW1, "\nwith Xᵀ (right):\n", dW1)
assert not np.allclose(wrong_dW1, engine_grads[0][0])

# %% [markdown]
# ## Slip 2: each output unit has its own column
#
# When the per-weight formulas are regrouped into dW3 = A2ᵀ dz3, column j of dW3 must use the
# gradient of output j. Copying output 1's gradient into the second column (the notes repeat
# Δy1 where Δy2 belongs) breaks the second column and only that one.

# %%
wrong_dW3 = np.column_stack([A2.T @ dz3[:, 0], A2.T @ dz3[:, 0]])
assert np.allclose(wrong_dW3[:, 0], dW3[:, 0]) and not np.allclose(wrong_dW3[:, 1], dW3[:, 1])
print("right dW3:\n", dW3, "\nwith output 1's gradient copied:\n", wrong_dW3)

# %% [markdown]
# ## Slip 3: divide the loss by the batch size
#
# With a summed squared error the gradient grows with the number of samples, so the right
# learning rate would change every time the batch size does. Taking the mean makes the gradient
# an average, independent of n. The package's `mse` takes the mean.

# %%
preds, targets = [Value(0.3), Value(-0.2), Value(1.1)], [0.0, 0.5, 1.0]
mean_loss = mse(preds, targets)
mean_loss.backward()
mean_grads = [v.grad for v in preds]
for v in preds:
    v.grad = 0.0
Value.sum([(v - t) ** 2 for v, t in zip(preds, targets)]).backward()
sum_grads = [v.grad for v in preds]
print("mean:", mean_grads, "\nsum: ", sum_grads)
assert np.allclose(sum_grads, np.array(mean_grads) * len(preds))

# %% [markdown]
# ## The layer recursion, for any depth
#
# The notes also state the backward pass as a recursion over layers. With column vectors,
# z_i = W_i a_(i−1) + b_i and a_i = σ(z_i):
#
# * output layer: δ_L = ∂C/∂a_L ⊙ σ′(z_L)
# * every other layer: δ_i = σ′(z_i) ⊙ (W_(i+1)ᵀ δ_(i+1))
# * then ∂C/∂W_i = δ_i a_(i−1)ᵀ and ∂C/∂b_i = δ_i.
#
# We check it on a three-layer sigmoid network with a squared-error loss, for one sample.

# %%
sig_model = MLP(2, [3, 3, 1], activation="sigmoid", last="sigmoid", seed=1)
x, target = np.array([0.4, -0.9]), 1.0
out = sig_model(list(x))
((out - target) ** 2).backward()

Ws = [layer.W.T for layer in VectorizedMLP.from_mlp(sig_model).layers]  # column convention
bs = [layer.b for layer in VectorizedMLP.from_mlp(sig_model).layers]
activations, zs = [x], []
for W, b in zip(Ws, bs):
    zs.append(W @ activations[-1] + b)
    activations.append(1 / (1 + np.exp(-zs[-1])))


def sigmoid_prime(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


delta = 2 * (activations[-1] - target) * sigmoid_prime(zs[-1])
deltas = [delta]
for W, z in zip(reversed(Ws[1:]), reversed(zs[:-1])):
    delta = sigmoid_prime(z) * (W.T @ delta)
    deltas.insert(0, delta)
for i, (layer, d, a_prev) in enumerate(zip(sig_model.layers, deltas, activations[:-1])):
    dW = np.outer(d, a_prev)
    engine_dW = np.array([[w.grad for w in neuron.w] for neuron in layer.neurons])
    assert np.allclose(dW, engine_dW, rtol=0, atol=1e-14), i
    assert np.allclose(d, [neuron.b.grad for neuron in layer.neurons], rtol=0, atol=1e-14), i
print("the layer recursion gives the engine's gradients for all", len(deltas), "layers")

# %% [markdown]
# **Answer:** yes. The per-weight chain rule, grouped into matrix products, gives the engine's
# numbers to 1e-12, provided the first layer uses the input, each output keeps its own column,
# and the loss is an average.
