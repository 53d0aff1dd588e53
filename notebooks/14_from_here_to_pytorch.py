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
# # 14. From here to PyTorch
#
# **Question:** you have trained a network with this engine. How do you carry it over to
# PyTorch, and what changes when you get there?
#
# We train the moons classifier of notebook 10 once more, write it to a `.safetensors` file
# (the tensor format PyTorch and Hugging Face use), open the file by hand to see what is in it,
# read it back with NumPy alone and run the network as three matrix products, and check that
# they give the engine's scores. Then come the three lines that load the file into PyTorch,
# and what carries over and what changes on the way.

# %%
import json
import tempfile
from pathlib import Path

from micrograd_notes.figures import CLASS_COLOURS, label_axes, style_problems, use_house_style

use_house_style()  # plots in the house style; if matplotlib is missing, one line says what to do

import matplotlib.pyplot as plt
import numpy as np
from safetensors.numpy import load_file

from micrograd_notes import Value, topological_order, weights
from micrograd_notes.data import make_moons
from micrograd_notes.demo import train
from micrograd_notes.exercises import exercise
from micrograd_notes.losses import hinge
from micrograd_notes.nn import MLP
from micrograd_notes.torch_io import torch_snippet
from micrograd_notes.vectorized import VectorizedMLP

# %% [markdown]
# ## Train a model here
#
# The recipe of notebook 10: MLP(2, [16, 16, 1]) with relu hidden layers, 100 points of the
# two moons with labels −1 and +1, the hinge loss plus a little L2, and 100 steps of SGD with a
# learning rate falling from 1.0 to 0.1. (`train` is the loop notebook 10 wrote out, kept in
# the package for the demo.)

# %%
X, y01 = make_moons(100, noise=0.1, seed=0)
y = (2 * y01 - 1).tolist()
model = MLP(2, [16, 16, 1], activation="relu", seed=0)
history = train(model, X, y, steps=100, progress=False)
print(f"loss {history.loss[0]:.3f} -> {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.0%}")
print(f"{len(model.parameters())} parameters")
assert history.accuracy[-1] == 1.0

# %% [markdown]
# ## Save it as safetensors
#
# `weights.save` picks the format from the file name: `.json` gives this package's own JSON,
# `.safetensors` the standard format. A safetensors file is three things one after the other:
# 8 bytes giving the length of a header, the header (JSON text: each tensor's name, number
# type, shape and where its bytes are), then the numbers themselves, 8 bytes each in float64.
# There is nothing to execute in it: unlike a pickled `.pt` file, loading one runs no code.

# %%
folder = Path(tempfile.mkdtemp())
path = folder / "moons.safetensors"
weights.save(model, path)

raw = path.read_bytes()
header_length = int.from_bytes(raw[:8], "little")
header = json.loads(raw[8 : 8 + header_length])
print(f"{len(raw):,} bytes: 8 + a {header_length}-byte header + {len(raw) - 8 - header_length:,} bytes of numbers")
assert len(raw) - 8 - header_length == 8 * len(model.parameters())
for name, entry in header.items():
    if name != "__metadata__":
        print(f"  {name:9} {entry['dtype']}  shape {str(tuple(entry['shape'])):9} bytes {entry['data_offsets']}")
print("metadata:", dict(sorted(header["__metadata__"].items())))

# %% [markdown]
# Every byte is accounted for: 3,232 = 8 + 528 + 337 × 8. The metadata (text only) says which
# model this is, so `weights.load(path)` can build it again; PyTorch ignores it.
#
# ## The names and shapes are PyTorch's
#
# The tensors are named as PyTorch names the parameters of the equivalent network,
#
# `torch.nn.Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 1))`,
#
# whose modules are numbered in order: the three `Linear` layers are modules 0, 2 and 4 (1
# and 3 are the relus, which have no parameters), hence `0.weight`, `0.bias`, `2.weight` and so
# on. A weight matrix has one **row per neuron** and one column per input, shape (out, in):
# row j of `2.weight` holds the 16 weights of neuron j of the second layer.

# %%
tensors = load_file(path)
for j in range(16):
    neuron = model.layers[1].neurons[j]
    assert tensors["2.weight"][j].tolist() == [w.data for w in neuron.w]
    assert tensors["2.bias"][j] == neuron.b.data
print("row j of 2.weight is neuron j's weights, for all 16 neurons")

# %%
names = ["0.weight", "2.weight", "4.weight"]
largest = max(np.abs(tensors[n]).max() for n in names)
fig, axes = plt.subplots(1, 3, figsize=(8.0, 3.6), width_ratios=[2, 16, 16])
for ax, name in zip(axes, names):
    image = ax.imshow(tensors[name], cmap="RdBu_r", vmin=-largest, vmax=largest)
    rows, cols = tensors[name].shape
    label_axes(ax, "input (column)", "neuron (row)", f"{name}\n{rows} × {cols}")
    ax.set_xticks(range(0, cols, 5 if cols > 2 else 1))
    ax.set_yticks(range(0, rows, 5))
    ax.grid(False)
fig.colorbar(image, ax=axes, label="weight", shrink=0.8)
assert not style_problems(fig), style_problems(fig)
plt.show()

# %% [markdown]
# Each panel is drawn at its true shape: 16 neurons reading 2 inputs, 16 reading 16, and one
# output neuron reading 16. Colour is the weight, on one scale for all three.
#
# ## Read it back with NumPy alone
#
# Nothing from this package is needed to use the file: `safetensors.numpy.load_file` gives a
# dict of arrays (above), and the network is three matrix products. A batch has one sample per
# row, so with W stored as (out, in) a layer computes
#
# Y = X Wᵀ + b,   (n, in) @ (in, out) → (n, out),
#
# which is exactly what `torch.nn.Linear` computes. (Notebook 08's NumPy twin keeps W as
# (in, out) and writes X W + b: the same matrix, transposed.)

# %%
def numpy_forward(tensors, X):
    """MLP(2, [16, 16, 1]) with relu hidden layers, from the file's tensors alone."""
    h = np.maximum(X @ tensors["0.weight"].T + tensors["0.bias"], 0.0)
    h = np.maximum(h @ tensors["2.weight"].T + tensors["2.bias"], 0.0)
    return h @ tensors["4.weight"].T + tensors["4.bias"]


engine_scores = np.array([model(x).data for x in X.tolist()])
numpy_scores = numpy_forward(tensors, X)[:, 0]
difference = np.abs(engine_scores - numpy_scores).max()
print(f"scores from {engine_scores.min():.2f} to {engine_scores.max():.2f}")
print(f"largest difference, engine against NumPy: {difference:.1e}")
print(f"bit for bit equal: {np.mean(engine_scores == numpy_scores):.0%} of the 100 points")
assert difference < 1e-12

# %% [markdown]
# The same scores: the largest of the 100 differences is about 1e-15, the rounding of the last
# bit of a float64 (machine epsilon is 2.2e-16). About half the scores agree bit for bit; the
# others differ only because a matrix product may add the terms of a weighted sum in another
# order than the engine's `dot` node, and float addition is not associative.
#
# The decision boundary below is computed by `numpy_forward` alone, from the file.

# %%
gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 200), np.linspace(-1.1, 1.6, 200))
grid_scores = numpy_forward(tensors, np.column_stack([gx.ravel(), gy.ravel()]))[:, 0]
fig, ax = plt.subplots(figsize=(7.6, 4))
ax.contourf(gx, gy, grid_scores.reshape(gx.shape) > 0, levels=1, colors=CLASS_COLOURS[:2], alpha=0.15)
ax.contour(gx, gy, grid_scores.reshape(gx.shape), levels=[0.0], colors="k", linewidths=1)
for k in (0, 1):
    ax.scatter(*X[y01 == k].T, color=CLASS_COLOURS[k], edgecolors="k", linewidths=0.4, s=22,
               label=f"class {k} (label {2 * k - 1:+d})")
    ax.fill([], [], color=CLASS_COLOURS[k], alpha=0.15, label=f"predicted class {k}")
ax.plot([], [], color="k", lw=1, label="score = 0")
label_axes(ax, "$x_1$", "$x_2$", "The file's network, run by NumPy")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
assert not style_problems(fig), style_problems(fig)
plt.show()

# %% [markdown]
# ## Into PyTorch: three lines
#
# Where PyTorch is installed (`pip install torch`; this package never needs it), these three
# lines build the same network and load the file. `torch_snippet` writes them for any model;
# the test suite runs them and checks that PyTorch's outputs and gradients are this engine's,
# to 1e-12.

# %%
print(torch_snippet(model, "moons.safetensors"))

# %% [markdown]
# The `.double()` matters: PyTorch makes float32 parameters unless told otherwise, and
# `load_state_dict` would round the file's float64 numbers into them without a word.
#
# Two shortcuts do the same inside one Python process, where PyTorch is installed:
# `model.to_torch()` returns that `torch.nn.Sequential` (float64, same weights), and
# `micrograd_notes.torch_io.from_torch(sequential)` turns a `Sequential` of `Linear` layers and
# `ReLU`, `Tanh`, `Sigmoid` or `Identity` back into an `MLP` (anything else, a `Dropout` or a
# `Conv2d` among them, is an error naming that module).
#
# ## What carries over, and what changes
#
# **The numbers carry over exactly**: float64 in, float64 out, bit for bit. So does the
# **shape of every gradient**. PyTorch's `loss.backward()` fills each parameter's `.grad`
# with a tensor of the parameter's own shape, (out, in) for a weight, as this engine fills each
# weight Value's `.grad`. Arranged the same way, the engine's gradient of the hinge loss is
# notebook 08's dW = Xᵀ dY, which comes out as (in, out), transposed:

# %%
scores = [model(x) for x in X.tolist()]
loss = hinge(scores, y)
model.zero_grad()
loss.backward()
engine_dW = np.array([[w.grad for w in n.w] for n in model.layers[0].neurons])  # (out, in)
twin_loss, twin_grads = VectorizedMLP.from_mlp(model).loss_and_grads(X, np.array(y), loss="hinge")
dW, db = twin_grads[0]
print(f"engine: 0.weight.grad {engine_dW.shape}; notebook 08's dW {dW.shape}")
print(f"largest difference from its transpose: {np.abs(engine_dW - dW.T).max():.1e}")
assert engine_dW.shape == (16, 2) and dW.shape == (2, 16)
assert np.allclose(engine_dW, dW.T, rtol=1e-12, atol=1e-15)

# %% [markdown]
# So does the **contract of `backward()`**: leaves accumulate, so every training step starts
# with `zero_grad()` (`optimizer.zero_grad()` in PyTorch too), and `SGD` and `Adam` here follow
# PyTorch's definitions.
#
# What **changes**:
#
# - **float32.** PyTorch's default number has 24 bits of mantissa, not 53: about 7 significant
#   digits. Run in float32, the same network moves its scores by less than one part in a
#   million, which changes no prediction here (the score closest to 0 is about 0.35):

# %%
tensors32 = {name: t.astype(np.float32) for name, t in tensors.items()}
scores32 = numpy_forward(tensors32, X.astype(np.float32))[:, 0]
relative = np.abs((scores32 - engine_scores) / engine_scores).max()
print(f"float32 scores: largest relative change {relative:.1e}")
print(f"smallest |score| {np.abs(engine_scores).min():.2f}; same predictions: {np.array_equal(scores32 > 0, engine_scores > 0)}")
assert 1e-8 < relative < 1e-5 and np.array_equal(scores32 > 0, engine_scores > 0)

# %% [markdown]
# - **Batches, not scalars.** Here every number is a node: one forward pass over the 100
#   points builds a graph of thousands of nodes, each a Python object. PyTorch, like
#   `numpy_forward`, does the same arithmetic as a handful of operations on whole arrays.

# %%
total = Value.sum(scores)
gates = len(topological_order(total, leaves=False))
print(f"engine: {gates:,} gate nodes for 100 points ({(gates - 1) // 100} per point, plus the sum)")
print("NumPy: 3 matrix products, 3 bias additions and 2 relus, for any number of points")
assert gates == 100 * (16 + 16 + 16 + 16 + 1) + 1

# %% [markdown]
# 65 per point: each of the 33 neurons is one `dot` node, and each of the 32 hidden ones a
# `relu` node after it; `backward()` runs one gate rule per node, 6,501 Python calls. PyTorch
# records a node per *tensor* operation instead: for this network eight (three matrix products
# with their biases, three transposes of the weights, two relus), for 100 points or a million.
#
# - **Autograd is the same idea, on tensors.** Each tensor operation records its inputs and
#   its local derivative, and `backward()` applies down_diff = local_diff · up_diff in reverse
#   topological order: what this course built from scalars, where every local derivative is
#   now a matrix rule such as dX = dY W (notebook 08 derived them).

# %% [markdown]
# ## Exercise
#
# Write `state_dict_shapes(nin, nouts, activation, last)`: the name and shape of every tensor
# of the `torch.nn.Sequential` equivalent to `MLP(nin, nouts, activation, last=last)`, as a
# dict, for example for `MLP(3, [8, 4, 2], activation="tanh", last="sigmoid")`. Reread "The
# names and shapes are PyTorch's" above: which modules have no parameters but still take a
# number, and what does a "linear" activation add to the Sequential? The checker tries your
# function on five networks and names the slip it sees.

# %%
def state_dict_shapes(nin, nouts, activation, last):
    """{tensor name: shape} of the torch.nn.Sequential equivalent to this MLP."""
    ...


# %%
exercise("state_dict_shapes").check(state_dict_shapes);

# %% [markdown]
# ## Summary
#
# - `weights.save(model, "m.safetensors")` writes the standard format: PyTorch's names
#   (`0.weight`, `0.bias`, `2.weight`, ...), weights as (out, in), float64, and metadata that
#   lets `weights.load` rebuild the model.
# - NumPy alone reads it (`safetensors.numpy.load_file`) and runs it as Y = X Wᵀ + b, layer
#   by layer; the scores match the engine's to 1e-15.
# - PyTorch loads it in three lines (`.double()` keeps every bit); `model.to_torch()` and
#   `torch_io.from_torch` convert in memory.
# - What changes on the way: float32 by default, whole batches as arrays, and an autograd
#   whose nodes are tensor operations: the same backward pass, done a matrix at a time.
