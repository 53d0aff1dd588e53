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
# # 12. The notes' open questions, answered by experiment
#
# **Question:** the study notes end with questions they leave open. How should the weights
# start, and what if they start large? Why normalise the inputs? Why is ReLU'(0) taken as 0,
# and would 1 change anything? Should the squared error be divided by the batch size? And when
# the test accuracy trails the training accuracy, does more data, more hidden units or more
# regularisation help?
#
# Each question gets a small seeded experiment and an `assert` on its outcome, with margins
# wide enough that the answer does not hang on one lucky seed. Everything runs on the scalar
# engine (the decision-boundary pictures use its NumPy twin), in well under a minute.

# %%
import math

import numpy as np

from micrograd_notes import Tape, Value, gc_paused
from micrograd_notes.data import make_moons, train_test_split
from micrograd_notes.exercises import Exercise
from micrograd_notes.extras import require
from micrograd_notes.losses import binary_cross_entropy, l2, mse
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD, Adam
from micrograd_notes.vectorized import VectorizedMLP

plt = require("matplotlib.pyplot")  # the [demo] extra; if missing, one line says how to get it

# %% [markdown]
# ## 1. Initialisation: what the first weights do to every layer
#
# A neuron sums `nin` products w·x. If the weights are independent with variance σ², the sum
# has variance nin · σ² · E[x²]. So each layer multiplies the size of its signal by about
# sqrt(nin) · σ, and a deep network multiplies those factors together: below 1 the signal
# fades layer after layer, above 1 it grows until tanh flattens it against ±1. The backward
# pass multiplies by the same weights (dX = dY · Wᵀ), so the gradients follow.
#
# We take a tanh MLP of 6 hidden layers of 16 units, start it with the package's weights, then
# multiply every weight by 0.01 or by 10, and push a batch of 64 random inputs through it. To
# compare like with like, the backward pass starts from the same place every time: the sum of
# the outputs, so each output receives a gradient of exactly 1.

# %%
WIDTH, DEPTH = 16, 6
inputs = np.random.default_rng(0).normal(size=(64, WIDTH))


def scaled_mlp(scale: float, activation: str = "tanh", width: int = WIDTH) -> MLP:
    """The package's MLP with every weight multiplied by ``scale`` (biases start at 0 anyway)."""
    model = MLP(width, [width] * DEPTH + [1], activation=activation, seed=0)
    for layer in model.layers:
        for neuron in layer.neurons:
            for w in neuron.w:
                w.data *= scale
    return model


def layer_by_layer(model: MLP, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each hidden layer's activations and their gradients, shape (layers, batch, width)."""
    activations: list[list[list[Value]]] = [[] for _ in model.layers[:-1]]
    outputs = []
    for x in X.tolist():
        a: list[Value] = [Value(v) for v in x]
        for i, layer in enumerate(model.layers[:-1]):
            a = layer(a)
            activations[i].append(a)
        outputs.append(model.layers[-1](a)[0])
    Value.sum(outputs).backward()  # every output gets up_diff = 1
    data = np.array([[[v.data for v in row] for row in layer] for layer in activations])
    grad = np.array([[[v.grad for v in row] for row in layer] for layer in activations])
    return data, grad


def weight_grad_std(model: MLP) -> np.ndarray:
    """The spread of dW in each hidden layer, after a backward pass."""
    return np.array(
        [np.std([w.grad for n in layer.neurons for w in n.w]) for layer in model.layers[:-1]]
    )


SCALES = {"× 0.01": 0.01, "package default": 1.0, "× 10": 10.0}
runs, dW_std = {}, {}
for name, scale in SCALES.items():
    model = scaled_mlp(scale)
    runs[name] = layer_by_layer(model, inputs)
    dW_std[name] = weight_grad_std(model)
for name, (A, G) in runs.items():
    print(
        f"{name:>15}: activation std per layer", " ".join(f"{s:8.1e}" for s in A.std(axis=(1, 2)))
    )
    print(f"{'':>15}  gradient   std per layer", " ".join(f"{s:8.1e}" for s in G.std(axis=(1, 2))))
    print(f"{'':>15}  dW         std per layer", " ".join(f"{s:8.1e}" for s in dW_std[name]))

# %%
colors = plt.cm.viridis(np.linspace(0, 0.9, DEPTH))
fig, axes = plt.subplots(2, 3, figsize=(14, 6.5))
for column, (name, (A, G)) in enumerate(runs.items()):
    top, bottom = axes[0, column], axes[1, column]
    reach = min(1.0, 3 * A[0].std())  # zoom in on layer 1's spread when it is small
    for i in range(DEPTH):
        top.hist(
            A[i].ravel(),
            bins=np.linspace(-reach, reach, 41),
            histtype="step",
            color=colors[i],
            label=f"layer {i + 1}",
        )
        magnitudes = np.log10(np.abs(G[i].ravel()) + 1e-300)
        bottom.hist(magnitudes, bins=40, histtype="step", color=colors[i], label=f"layer {i + 1}")
    top.set(
        title=f"weights {name}: activations",
        xlabel=f"activation tanh(z) (axis ±{reach:.2g})",
        ylabel="count",
    )
    bottom.set(
        title=f"weights {name}: gradients",
        xlabel="log10 |d(sum of outputs) / d activation|",
        ylabel="count",
    )
axes[0, 0].legend(fontsize=8)
axes[1, 0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# Read the top row from left to right. At × 0.01 (mind the axis: ±0.03) only layer 1 has a
# visible spread: every later layer is a spike at 0, its spread about 100 times smaller than
# the layer before. With the package's weights each layer keeps a broad spread. At × 10 most
# units sit at −1 or +1: tanh is saturated. The bottom row shows the gradients on a log
# scale: at × 0.01 they move down by two decades per layer as they travel back towards the
# input; at × 10 they move *up* as they travel back, because each layer multiplies them by
# weights ten times too large and tanh' = 1 − a² only partly cancels that.
#
# The weight gradients dW = (layer input)ᵀ · (gradient at the layer's output) combine both: at
# × 0.01 the early layers have sizeable inputs but vanished gradients and the late layers the
# reverse, so every layer's dW is more than ten orders of magnitude below the default's:
# gradient descent would barely move a weight.

# %%
stats = {
    name: (A.std(axis=(1, 2)), G.std(axis=(1, 2)), (np.abs(A) > 0.99).mean(axis=(1, 2)))
    for name, (A, G) in runs.items()
}
act_small, grad_small, _ = stats["× 0.01"]
act_default, grad_default, saturated_default = stats["package default"]
act_big, grad_big, saturated_big = stats["× 10"]

# Vanishing: each layer's activations and each step back of the gradient shrink by > 20x.
assert all(act_small[1:] < act_small[:-1] / 20)
assert all(grad_small[:-1] < grad_small[1:] / 20)
print(
    f"x 0.01: activations shrink {act_small[0] / act_small[-1]:.0e}x from layer 1 to 6, "
    f"gradients {grad_small[-1] / grad_small[0]:.0e}x from layer 6 back to 1"
)
# dW = (layer input)ᵀ · (gradient at the layer's output): early layers have big inputs and
# tiny gradients, late layers the reverse, and the product is tiny everywhere.
assert all(dW_std["× 0.01"] < 1e-6 * dW_std["package default"])

# The package's choice: every layer keeps a spread within a factor 4 of the first one.
assert all(act_default > 0.1) and all(act_default < 1.0)
assert act_default[-1] > act_default[0] / 4 and 0.25 < grad_default[0] / grad_default[-1] < 4
assert saturated_default.max() < 0.05

# Exploding and saturating: most units are pinned at +-1 in every layer, and the gradient
# grows on its way back to the input.
assert all(saturated_big > 0.5)
assert grad_big[0] > 10 * grad_big[-1]
print(
    f"x 10: {saturated_big.min():.0%}+ of units saturated in every layer; "
    f"gradient grows {grad_big[0] / grad_big[-1]:.0f}x from layer 6 back to layer 1"
)

# %% [markdown]
# ### Why the package draws the weights it does
#
# `MLP` draws each weight uniformly on [−a, a], whose variance is a²/3. With
# a = sqrt(3 / nin) (tanh, sigmoid, linear: LeCun's choice) the variance is 1 / nin, so
# nin · σ² = 1: the weighted sum keeps the size of its inputs. ReLU zeroes half of its inputs,
# which halves E[a²]; a = sqrt(6 / nin) (He's choice) doubles the variance to make up for it.
# The check: a ReLU stack with He's weights keeps its size, the same stack with LeCun's
# weights (each weight divided by √2) loses a factor √2 at every layer, and with weights ten
# times the package's, ReLU (which never saturates) grows tenfold at every layer. (Layers of
# 32 units here: with 16, the ratios wander more from one seed to the next.)

# %%
inputs_32 = np.random.default_rng(0).normal(size=(64, 32))


def rms_per_layer(model: MLP) -> np.ndarray:
    """Root mean square of each hidden layer's activations for the 32-wide input batch."""
    A, _ = layer_by_layer(model, inputs_32)
    return np.sqrt((A**2).mean(axis=(1, 2)))


he = rms_per_layer(scaled_mlp(1.0, "relu", width=32))
lecun = rms_per_layer(scaled_mlp(1 / math.sqrt(2), "relu", width=32))
print("ReLU, He    rms per layer", np.round(he, 3), f"layer 6 / layer 1 = {he[-1] / he[0]:.2f}")
print(
    "ReLU, LeCun rms per layer",
    np.round(lecun, 3),
    f"layer 6 / layer 1 = {lecun[-1] / lecun[0]:.2f}",
)
assert 0.7 < he[-1] / he[0] < 1.4
assert lecun[-1] / lecun[0] < 0.35  # (1/√2)^5 ≈ 0.18 expected
blown = rms_per_layer(scaled_mlp(10.0, "relu", width=32))
print("ReLU, He × 10 rms per layer", np.round(blown, 1))
assert blown[-1] > 1e4 * blown[0]  # 10^5 expected: exploding, with nothing to stop it

# %% [markdown]
# **Answer (initialisation):** start the weights with variance 1/nin (2/nin before a ReLU), so
# every layer passes on a signal of the size it received, forwards and backwards. Much
# smaller weights make activations and gradients vanish geometrically with depth, so no layer
# gets a usable gradient; much larger weights saturate tanh (and blow a ReLU stack up), and
# the gradients reaching the first layers grow instead of shrinking.
#
# ## 2. Input normalisation: why centre and scale the inputs?
#
# A linear neuron's weight gradient is dW = Xᵀ · dY (note 003): every entry is an input times
# an error. Inputs near 300 make dW hundreds of times larger than the bias gradient
# db = Σ dY, which carries no input factor. One learning rate must serve both: small enough
# that the huge dW does not overshoot, it leaves the bias crawling.
#
# The data: two features, one around 300 (spread 40), one around −80 (spread 10), and a target
# that depends on how far each is from its usual value. We compare the raw features with the
# same features centred and scaled (minus the mean, divided by the standard deviation).

# %%
rng = np.random.default_rng(1)
X_raw = np.column_stack([rng.normal(300.0, 40.0, 48), rng.normal(-80.0, 10.0, 48)])
target = (0.03 * (X_raw[:, 0] - 300) - 0.1 * (X_raw[:, 1] + 80) + rng.normal(0.0, 0.1, 48)).tolist()
X_scaled = (X_raw - X_raw.mean(axis=0)) / X_raw.std(axis=0)

probe = MLP(2, [1], seed=0)  # one linear neuron
loss = mse([probe(x) for x in X_raw.tolist()], target)
loss.backward()
dw, db = np.array([w.grad for w in probe.layers[0].neurons[0].w]), probe.layers[0].neurons[0].b.grad
print(f"raw inputs: dW = {dw.round(1)}, db = {db:.2f}")
assert abs(dw[0]) > 100 * abs(db)  # dW carries the input's size, db does not


def curvature_ratio(X: np.ndarray) -> float:
    """Largest / smallest curvature of a linear neuron's squared error: cond of [X 1]ᵀ [X 1]."""
    Xb = np.column_stack([X, np.ones(len(X))])
    eig = np.linalg.eigvalsh(Xb.T @ Xb)
    return float(eig[-1] / eig[0])


print(
    f"curvature ratio: raw {curvature_ratio(X_raw):.1e}, "
    f"centred and scaled {curvature_ratio(X_scaled):.1f}"
)
assert curvature_ratio(X_raw) > 1e4 * curvature_ratio(X_scaled)

# %% [markdown]
# That ratio is the whole story for plain gradient descent: the step size is capped by the
# steepest direction (the weight on the big input) and progress is paced by the flattest
# (mostly the bias). Now the learning curves. Each model and each input gets its own best
# learning rate from a sweep over seven decades; a run that blows up (an error from the engine
# or the optimizer, or a loss that stops being finite) counts as diverged.


# %%
def train_sgd(
    model: MLP,
    xs: list,
    ys: list,
    lr: float,
    steps: int,
    loss_fn=mse,
    batch_size: int | None = None,
) -> list[float]:
    """Plain SGD on batches taken in order: the batch loss at each step, then inf if it blew up."""
    opt = SGD(model.parameters(), lr=lr)
    size = batch_size or len(xs)
    history = []
    for k in range(steps):
        start = (k * size) % len(xs)
        try:
            with gc_paused(), Tape():  # the fast path (notebooks 3 and 6): same numbers
                batch = [model(x) for x in xs[start : start + size]]
                loss = loss_fn(batch, ys[start : start + size])
                opt.zero_grad()
                loss.backward()
                opt.step()
        except (ArithmeticError, ValueError):  # overflow in the engine, non-finite grad in SGD
            return [*history, math.inf]
        if not math.isfinite(loss.data):
            return [*history, math.inf]
        history.append(loss.data)
    return history


LRS = [10.0**k for k in range(-6, 1)]
MODELS = {
    "one linear neuron": lambda: MLP(2, [1], seed=0),
    "tanh MLP 2-8-1": lambda: MLP(2, [8, 1], activation="tanh", seed=0),
}
best = {}
for model_name, make in MODELS.items():
    for input_name, X in (("raw", X_raw), ("centred and scaled", X_scaled)):
        curves = {lr: train_sgd(make(), X.tolist(), target, lr, steps=40) for lr in LRS}
        lr = min(LRS, key=lambda lr: curves[lr][-1])
        best[model_name, input_name] = (lr, curves[lr])
        print(
            f"{model_name:>17}, {input_name:>18}: final loss by lr",
            " ".join(f"{curves[lr][-1]:8.2g}" for lr in LRS),
            f"-> best lr {lr:g}",
        )

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, model_name in zip(axes, MODELS):
    for input_name in ("raw", "centred and scaled"):
        lr, curve = best[model_name, input_name]
        ax.plot(curve, label=f"{input_name} inputs (best lr {lr:g})")
    ax.set(
        yscale="log",
        xlabel="step",
        ylabel="mean squared error",
        title=f"{model_name}: each at its best learning rate",
    )
    ax.legend()
fig.tight_layout()
plt.show()

# %%
for model_name in MODELS:
    raw_final = best[model_name, "raw"][1][-1]
    scaled_final = best[model_name, "centred and scaled"][1][-1]
    print(f"{model_name}: final loss raw {raw_final:.3g}, centred and scaled {scaled_final:.3g}")
    assert scaled_final < raw_final / 10
assert (
    best["one linear neuron", "raw"][0] <= 1e-5 < best["one linear neuron", "centred and scaled"][0]
)

# %% [markdown]
# The tanh network fails on raw inputs for a second reason: w·x with x near 300 puts its
# hidden units deep in tanh's flat tails (section 1's saturation), so almost no gradient gets
# through them.

# %%
hidden = np.array(
    [[a.data for a in MODELS["tanh MLP 2-8-1"]().layers[0](x)] for x in X_raw.tolist()]
)
print(f"raw inputs: {(np.abs(hidden) > 0.99).mean():.0%} of the hidden tanh units start saturated")
assert (np.abs(hidden) > 0.99).mean() > 0.8
#
# **Answer (normalisation):** centre and scale every input (with the training set's mean and
# spread, reused for any later data). Raw inputs far from zero and of large scale make dW = Xᵀ · dY
# hundreds of times larger than db, so the largest safe learning rate is tiny and the other
# directions barely move; even at its own best learning rate, training on raw inputs ends
# more than ten times worse here, for a linear neuron and for a small tanh net alike.
#
# ## 3. ReLU'(0): does the convention matter?
#
# relu(z) = max(0, z) has a kink at 0: slope 0 on the left, 1 on the right, and any value in
# between is a valid "subgradient". The engine (like PyTorch) takes 0. To compare, we need a
# ReLU with slope 1 at 0. It can be built from public pieces: pick z itself when z ≥ 0
# (slope 1) and z · 0 otherwise (slope 0). Its forward value is the same as `z.relu()`; only its
# backward differs, and only at exactly 0.
#
# `forward` runs an MLP's own weights with either ReLU, so the two conventions share every
# parameter.


# %%
def relu_slope_0(z: Value) -> Value:
    """max(0, z) with relu'(0) = 0: the engine's own gate."""
    return z.relu()


def relu_slope_1(z: Value) -> Value:
    """max(0, z) with relu'(0) = 1: z itself from 0 up, z · 0 below."""
    return z if z.data >= 0.0 else z * 0.0


exact_zeros = []  # every pre-activation that lands exactly on 0, for counting


def forward(model: MLP, x: list, relu) -> Value:
    """The MLP's output for one input, with ``relu`` on the hidden layers."""
    a = [Value(v) for v in x]
    for i, layer in enumerate(model.layers):
        zs = [Value.dot(n.w, a, n.b) for n in layer.neurons]
        exact_zeros.extend(z for z in zs if z.data == 0.0)
        a = zs if i == len(model.layers) - 1 else [relu(z) for z in zs]
    return a[0]


z0 = Value(0.0)
relu_slope_1(z0).backward()
assert relu_slope_1(Value(0.0)).data == Value(0.0).relu().data == 0.0 and z0.grad == 1.0
z0 = Value(0.0)
relu_slope_0(z0).backward()
assert z0.grad == 0.0

# %% [markdown]
# ### With float inputs and random weights, z is never exactly 0
#
# A pre-activation is a sum of products of floats; landing exactly on 0.0 needs an exact
# cancellation. We train a 2-8-1 ReLU net on a smooth target under both conventions and count.


# %%
def train_relu_net(
    relu,
    X: list,
    Y: list,
    seed: int = 0,
    steps: int = 100,
    lr: float = 0.05,
    zero_first_layer: bool = False,
):
    """SGD on the mean squared error; returns the losses and the model."""
    model = MLP(2, [8, 1], seed=seed)
    if zero_first_layer:
        for w in model.layers[0].parameters():
            w.data = 0.0
    opt = SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        with gc_paused(), Tape():  # the fast path (notebooks 3 and 6): same numbers
            loss = mse([forward(model, x, relu) for x in X], Y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.data)
            del loss
    return losses, model


X_smooth = np.random.default_rng(2).normal(size=(40, 2))
Y_smooth = (np.sin(2 * X_smooth[:, 0]) + X_smooth[:, 1]).tolist()
exact_zeros.clear()
losses_0, _ = train_relu_net(relu_slope_0, X_smooth.tolist(), Y_smooth)
losses_1, _ = train_relu_net(relu_slope_1, X_smooth.tolist(), Y_smooth)
print(f"exact zeros met in 2 x 100 steps x 40 inputs x 8 units: {len(exact_zeros)}")
assert len(exact_zeros) == 0 and losses_0 == losses_1  # bit-for-bit the same run

# %% [markdown]
# ### Where z is exactly 0: 0/1 inputs and biases that start at 0
#
# XOR on the four corners of {0, 1}²: for the input (0, 0), every hidden pre-activation is
# w·0 + b = 0 exactly, because biases start at 0. So at the first step, the convention decides
# whether that input's error reaches the hidden biases. Its share of db_j is
# (2/4) · (prediction − target) · v_j, with v_j the output weight of unit j.

# %%
X_xor, Y_xor = [[0, 0], [0, 1], [1, 0], [1, 1]], [-1.0, 1.0, 1.0, -1.0]
first_grads = {}
for name, relu in (("relu'(0) = 0", relu_slope_0), ("relu'(0) = 1", relu_slope_1)):
    model = MLP(2, [8, 1], seed=0)
    loss = mse([forward(model, x, relu) for x in X_xor], Y_xor)
    loss.backward()
    first_grads[name] = np.array([n.b.grad for n in model.layers[0].neurons])
    print(f"{name}: first-step db of the hidden layer", first_grads[name].round(3))

prediction_00 = forward(model, [0, 0], relu_slope_0).data
v = np.array([w.data for w in model.layers[1].neurons[0].w])
share_of_00 = 2 / 4 * (prediction_00 - Y_xor[0]) * v
assert np.allclose(
    first_grads["relu'(0) = 1"] - first_grads["relu'(0) = 0"], share_of_00, rtol=1e-12, atol=1e-15
)
assert np.abs(share_of_00).min() > 0.01  # a real difference for every unit

# %% [markdown]
# From that first step on, the two runs part ways. Does it change how training ends? Twenty
# seeds, both conventions.


# %%
def solves_xor(relu, seed: int) -> bool:
    """Whether 150 SGD steps from this seed classify all four XOR corners right."""
    _, model = train_relu_net(relu, X_xor, Y_xor, seed=seed, steps=150, lr=0.1)
    return all((forward(model, x, relu).data > 0) == (y > 0) for x, y in zip(X_xor, Y_xor))


solved = {
    name: sum(solves_xor(relu, seed) for seed in range(20))
    for name, relu in (("0", relu_slope_0), ("1", relu_slope_1))
}
print(f"XOR solved in 20 seeds: relu'(0) = 0 -> {solved['0']}, relu'(0) = 1 -> {solved['1']}")
assert solved["0"] >= 15 and solved["1"] >= 15

# %% [markdown]
# ### A case where it decides everything: a first layer that starts at exactly 0
#
# Set the first layer's weights and biases to 0 (a classic mistake). Every hidden
# pre-activation is then 0 for every input, at every step, unless a gradient moves it. With
# relu'(0) = 0 none ever does: the layer is frozen and only the output bias learns. With
# relu'(0) = 1 the gradient gets through, and because the output weights differ from unit to
# unit, the hidden units pull apart and learn.

# %%
frozen_losses, frozen_model = train_relu_net(
    relu_slope_0, X_smooth.tolist(), Y_smooth, zero_first_layer=True
)
moving_losses, moving_model = train_relu_net(
    relu_slope_1, X_smooth.tolist(), Y_smooth, zero_first_layer=True
)
print(
    f"relu'(0) = 0: loss {frozen_losses[0]:.3f} -> {frozen_losses[-1]:.3f}; "
    f"relu'(0) = 1: {moving_losses[0]:.3f} -> {moving_losses[-1]:.3f}"
)
assert all(p.data == 0.0 for p in frozen_model.layers[0].parameters())
start_weights = [w.data for w in MLP(2, [8, 1], seed=0).layers[1].neurons[0].w]
assert [
    w.data for w in frozen_model.layers[1].neurons[0].w
] == start_weights  # only the output bias moved
assert moving_losses[-1] < frozen_losses[-1] / 2

fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot(frozen_losses, label="relu'(0) = 0 (first layer frozen at 0)")
ax.plot(moving_losses, label="relu'(0) = 1")
ax.plot(losses_0, ls="--", label="random start (both conventions, identical)")
ax.set(
    yscale="log",
    xlabel="step",
    ylabel="mean squared error",
    title="2-8-1 ReLU net: does relu'(0) matter?",
)
ax.legend()
plt.show()

# %% [markdown]
# **Answer (ReLU'(0)):** it is a convention; both 0 and 1 are valid subgradients. With float
# data and random weights a pre-activation is never exactly 0, so the two give bit-for-bit the
# same training (0 exact zeros counted). With 0/1 inputs and zero biases it changes the first
# step's bias gradient (by exactly the (0,0) input's share), yet XOR is solved about as often
# either way. Only a degenerate start, a first layer of zeros, makes it decisive: 0 freezes
# that layer for good, 1 lets it learn. Taking 0 means a unit whose output is 0 also passes
# no gradient, whichever side of the kink it sits on; PyTorch makes the same choice.
#
# ## 4. Squared error: sum over the batch, or mean?
#
# Note 000 sums the squared errors of a batch. The sum's gradient is the mean's times the batch
# size B, so with the sum, the same learning rate takes B times longer steps: a rate that
# works for a batch of 4 overshoots for a batch of 64. First the factor, then a sweep.


# %%
def summed_squared_error(preds: list[Value], targets: list[float]) -> Value:
    """Σ (p_i − t_i)²: the notes' batch loss, not divided by the batch size."""
    return Value.sum([(p - t) ** 2 for p, t in zip(preds, targets)])


rng = np.random.default_rng(3)
X_reg = rng.normal(size=(256, 2))
Y_reg = (X_reg @ np.array([1.5, -2.0]) + 0.5 + rng.normal(0.0, 0.1, 256)).tolist()
xs_reg = X_reg.tolist()

grads = {}
for name, loss_fn in (("sum", summed_squared_error), ("mean", mse)):
    model = MLP(2, [1], seed=0)
    loss_fn([model(x) for x in xs_reg[:64]], Y_reg[:64]).backward()
    grads[name] = np.array([p.grad for p in model.parameters()])
assert np.allclose(grads["sum"], 64 * grads["mean"], rtol=1e-12)

# %% [markdown]
# The sweep: one linear neuron, SGD for 30 steps on batches of B points taken in order from
# 256, at four learning rates. A run counts as diverged if it raises or its loss stops being
# finite, or if it ends worse on the full data set than it started.

# %%
BATCHES, SWEEP_LRS = [4, 16, 64, 256], [0.01, 0.03, 0.1, 0.3]


def final_error(loss_fn, batch_size: int, lr: float) -> float:
    """The mean squared error on all 256 points after 30 steps; inf if the run diverged."""
    model = MLP(2, [1], seed=0)
    start = mse([model(x) for x in xs_reg], Y_reg).data
    history = train_sgd(model, xs_reg, Y_reg, lr, steps=30, loss_fn=loss_fn, batch_size=batch_size)
    if not math.isfinite(history[-1]):
        return math.inf
    try:
        end = mse([model(x) for x in xs_reg], Y_reg).data
    except (ArithmeticError, ValueError):
        return math.inf
    return end if end < start else math.inf


sweep = {
    name: np.array([[final_error(fn, B, lr) for lr in SWEEP_LRS] for B in BATCHES])
    for name, fn in (("mean", mse), ("sum", summed_squared_error))
}
for name, table in sweep.items():
    print(f"{name} of squared errors; rows B = {BATCHES}, columns lr = {SWEEP_LRS}")
    for B, row in zip(BATCHES, table):
        print(
            f"  B = {B:3}: "
            + "  ".join("diverged" if not math.isfinite(e) else f"{e:8.4f}" for e in row)
        )

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
ceiling = 10.0  # where a diverged run is drawn
for ax, (name, table) in zip(axes, sweep.items()):
    for B, row in zip(BATCHES, table):
        shown = np.where(np.isfinite(row), row, ceiling)
        (line,) = ax.plot(SWEEP_LRS, shown, "o-", label=f"batch {B}")
        blew_up = ~np.isfinite(row)
        ax.plot(np.array(SWEEP_LRS)[blew_up], shown[blew_up], "x", ms=12, color=line.get_color())
    ax.axhline(ceiling, color="gray", lw=0.8, ls=":")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="learning rate",
        ylabel="final mean squared error (× = diverged)",
        title=f"{name} of the squared errors",
    )
    ax.legend()
fig.tight_layout()
plt.show()

# %%
diverged = {name: (~np.isfinite(table)).sum(axis=1) for name, table in sweep.items()}
print("diverged runs per batch size: mean", diverged["mean"], " sum", diverged["sum"])
assert diverged["mean"].sum() == 0  # the mean converges at every batch size and rate here
assert all(np.diff(diverged["sum"]) > 0)  # with the sum, each larger batch loses another rate
assert diverged["sum"][-1] == len(SWEEP_LRS)  # at B = 256 no rate in the sweep survives

# %% [markdown]
# Here the mean's curvature is about 2 in every direction (the inputs are standard normal), so
# plain gradient descent is stable below a rate of about 1; the sum multiplies the curvature by
# B, so the limit falls to about 1/B: 0.25 for B = 4, 0.06 for B = 16, 0.016 for B = 64,
# 0.004 for B = 256, just what the table shows.
#
# **Answer (MSE):** yes, divide by the batch size. With the mean, a learning rate means the
# same thing at every batch size (no run of the sweep diverged); with the sum it must shrink
# as 1/B, and at B = 256 every rate from 0.01 to 0.3 blew up.
#
# ## 5. The gap between training and test accuracy
#
# Note 003 asks which of three moves narrows the gap: more training data, more hidden units,
# or stronger regularisation. We hold out half of a noisy two-moons set with
# `train_test_split`, train a 2-16-1 ReLU net on 30 of the other points with Adam on binary
# cross-entropy, and change one thing at a time. Four different data draws, so that one lucky
# split cannot carry the answer.


# %%
def fit(
    X: np.ndarray, y: np.ndarray, hidden: int = 16, alpha: float = 0.0, steps: int = 150
) -> MLP:
    """Adam on binary cross-entropy + alpha Σ w² over the weights (not the biases)."""
    model = MLP(2, [hidden, 1], seed=0)
    weights = [w for layer in model.layers for neuron in layer.neurons for w in neuron.w]
    opt = Adam(model.parameters(), lr=0.08)
    xs, ys = X.tolist(), y.tolist()
    for _ in range(steps):
        with gc_paused(), Tape():  # the fast path (notebooks 3 and 6): same numbers
            loss = binary_cross_entropy([model(x) for x in xs], ys)
            if alpha:
                loss = loss + l2(weights, alpha)
            opt.zero_grad()
            loss.backward()
            opt.step()
            del loss
    return model


def accuracy_of(model: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of points on the right side of the boundary (score > 0 means class 1)."""
    scores = VectorizedMLP.from_mlp(model).predict(X)[:, 0]
    return float(((scores > 0) == (y == 1)).mean())


SETTINGS = {
    "30 points": dict(n=30),
    "90 points": dict(n=90),
    "30 points, L2 0.03": dict(n=30, alpha=0.03),
    "30 points, 48 units": dict(n=30, hidden=48),
}
results = {name: [] for name in SETTINGS}  # (train accuracy, test accuracy) per data draw
kept = {}
for draw in range(4):
    X, y = make_moons(600, noise=0.3, seed=draw)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.5, seed=draw)
    for name, setting in SETTINGS.items():
        n = setting.get("n")
        model = fit(X_train[:n], y_train[:n], setting.get("hidden", 16), setting.get("alpha", 0.0))
        results[name].append(
            (accuracy_of(model, X_train[:n], y_train[:n]), accuracy_of(model, X_test, y_test))
        )
        if draw == 0:
            kept[name] = (model, X_train[:n], y_train[:n], X_test, y_test)

summary = {name: np.array(r) for name, r in results.items()}  # (draws, 2)
gap = {name: r[:, 0] - r[:, 1] for name, r in summary.items()}
for name, r in summary.items():
    print(
        f"{name:>20}: train {r[:, 0].mean():.3f}  test {r[:, 1].mean():.3f}  "
        f"gap {gap[name].mean():+.3f}  (per draw {np.round(gap[name], 2)})"
    )

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.3), gridspec_kw={"width_ratios": [1.3, 1, 1]})
names = list(SETTINGS)
positions = np.arange(len(names))
axes[0].bar(
    positions - 0.2, [summary[n][:, 0].mean() for n in names], 0.4, label="training accuracy"
)
axes[0].bar(positions + 0.2, [summary[n][:, 1].mean() for n in names], 0.4, label="test accuracy")
axes[0].set_xticks(positions, [n.replace(", ", ",\n") for n in names])
axes[0].set(
    ylim=(0.6, 1.02),
    ylabel="accuracy (mean of 4 data draws)",
    title="the train/test gap, one change at a time",
)
axes[0].legend(loc="lower right")
gx, gy = np.meshgrid(np.linspace(-2.3, 3.0, 160), np.linspace(-1.6, 2.0, 160))
grid = np.column_stack([gx.ravel(), gy.ravel()])
for ax, name, title in (
    (axes[1], "30 points", "overfit: 30 points, no L2"),
    (axes[2], "30 points, L2 0.03", "regularised: 30 points, L2 0.03"),
):
    model, Xtr, ytr, Xte, yte = kept[name]
    score = VectorizedMLP.from_mlp(model).predict(grid)[:, 0].reshape(gx.shape)
    ax.contourf(gx, gy, score > 0, levels=1, cmap="coolwarm", alpha=0.25)
    ax.contour(gx, gy, score, levels=[0.0], colors="k", linewidths=1)
    ax.scatter(Xte[:, 0], Xte[:, 1], c=yte, cmap="coolwarm", s=6, alpha=0.35, label="test points")
    ax.scatter(
        Xtr[:, 0], Xtr[:, 1], c=ytr, cmap="coolwarm", s=40, edgecolors="k", label="training points"
    )
    tr, te = accuracy_of(model, Xtr, ytr), accuracy_of(model, Xte, yte)
    ax.set(xlabel="x₁", ylabel="x₂", title=f"{title}\ntrain {tr:.0%}, test {te:.0%}")
    ax.legend(loc="lower left", fontsize=8)
fig.tight_layout()
plt.show()

# %%
base = gap["30 points"]
assert base.mean() > 0.07  # the gap is real: 30 points are fitted far better than new ones
assert summary["30 points"][:, 0].mean() > 0.95
# More data narrows the gap in every draw, and raises the test accuracy on average.
assert all(gap["90 points"] < base) and gap["90 points"].mean() < base.mean() - 0.04
assert summary["90 points"][:, 1].mean() > summary["30 points"][:, 1].mean()
# Stronger L2 narrows it in every draw, mainly by giving up training accuracy.
assert (
    all(gap["30 points, L2 0.03"] < base) and gap["30 points, L2 0.03"].mean() < base.mean() - 0.04
)
train_drop = summary["30 points"][:, 0].mean() - summary["30 points, L2 0.03"][:, 0].mean()
test_change = summary["30 points, L2 0.03"][:, 1].mean() - summary["30 points"][:, 1].mean()
assert train_drop > 0.05 and train_drop > 2 * abs(test_change)
# More hidden units fit the 30 points at least as well (perfectly, here) and do not narrow
# the gap.
wide_train = summary["30 points, 48 units"][:, 0].mean()
assert wide_train >= summary["30 points"][:, 0].mean() and wide_train > 0.97
assert gap["30 points, 48 units"].mean() > base.mean() - 0.02

# %% [markdown]
# **Answer (train/test gap):** more data narrows it most reliably (three times the points:
# smaller gap in every draw), and it is the move that clearly raised the test accuracy here
# (0.87 to 0.90). Stronger L2 narrows it too, by smoothing the boundary (compare the two
# pictures), but mostly by fitting the training points worse: training accuracy falls by
# about 0.16 to meet a test accuracy that slips by about 0.04. More hidden units (48 instead
# of 16) do not help: the wider net fits its 30 points perfectly and the gap stays as wide. So of the notes' three
# options, "more data" and "more regularisation" narrow the gap; "more hidden units" does not.
#
# ## Exercises
#
# Replace each `...` with your answer and run the checker below it.

# %%
exercise_dw = Exercise.number(
    "A linear neuron gets an input x = 300 and an upstream gradient dy = 0.02. What is dw for "
    "that input (dW = xᵀ · dy)?",
    6.0,
    hint="multiply the input by the upstream gradient",
)
answer_dw = ...
exercise_dw.check(answer_dw)

# %%
exercise_batch = Exercise.number(
    "A learning rate of 0.1 is stable for the MEAN squared error at every batch size. For the "
    "SUM over a batch of 50 to take the same steps, what learning rate do you need?",
    0.002,
    hint="the sum's gradient is B times the mean's",
)
answer_batch = ...
exercise_batch.check(answer_batch)

# %%
exercise_init = Exercise.choice(
    "A 20-layer tanh MLP starts with every weight 100 times smaller than the package's. After "
    "one backward pass, which hidden layer's activations get the largest gradients?",
    ["the first layer", "the last layer", "all about the same"],
    "the last layer",
    hint="the gradient shrinks by the weight scale at every layer it goes back through",
)
answer_init = ...
exercise_init.check(answer_init)

# %% [markdown]
# ## Answers

# %%
assert exercise_dw.accepts(300 * 0.02) and not exercise_dw.accepts(0.02)
assert exercise_batch.accepts(0.1 / 50) and not exercise_batch.accepts(0.1 * 50)
assert exercise_init.accepts("the last layer") and not exercise_init.accepts("the first layer")
