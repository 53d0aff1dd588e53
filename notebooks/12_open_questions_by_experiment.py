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
# # 12. Open questions, answered by experiment
#
# **Question:** once backpropagation works, five questions come up that the derivations alone
# do not settle.
#
# 1. How should the weights start, and what happens if they start too small or too large?
# 2. Why centre and scale the inputs, and what goes wrong if we do not?
# 3. ReLU has a kink at 0, where its slope is taken to be 0. Would taking 1 change anything?
# 4. Should the squared error of a batch be summed over the batch, or averaged?
# 5. When the test accuracy trails the training accuracy, which helps: more training data,
#    more hidden units, or a stronger L2 penalty?
#
# Each question gets a small seeded experiment and an `assert` on its outcome, with margins
# wide enough that the answer does not hang on one lucky seed. Everything runs on the scalar
# engine (the pictures use its NumPy twin where a whole grid is drawn). The optimisers (SGD,
# Adam) and L2 are the ones notebook 10 explained; binary cross-entropy is notebook 11's.

# %%
import math

import ipywidgets as widgets
from micrograd_notes.figures import CLASS_COLOURS, slider_figure, style_problems, use_house_style

use_house_style()  # the house style; if matplotlib is missing, one line says how to get it

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from micrograd_notes import Tape, Value, gc_paused
from micrograd_notes.data import make_moons, train_test_split
from micrograd_notes.exercises import exercise
from micrograd_notes.losses import binary_cross_entropy, l2, mse
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD, Adam
from micrograd_notes.vectorized import VectorizedMLP

# %% [markdown]
# ## 1. Initialisation: what the first weights do to every layer
#
# A neuron sums `nin` products w·x. If the weights are independent of the inputs, with mean 0
# and variance σ², the sum z has variance nin · σ² · E[x²]. So the weighted sum multiplies the
# size of its signal by about √nin · σ, and a deep network multiplies those factors together:
# below 1 the signal fades layer after layer, above 1 it grows until tanh flattens it against
# ±1. The backward pass multiplies by the same weights (dX = dY · Wᵀ), so the gradients follow.
#
# We take a tanh MLP of 6 hidden layers of 16 units, start it with the package's weights, then
# multiply every weight by 0.01 or by 10, and push a batch of 64 random inputs (each entry
# drawn from a standard normal) through it. To compare like with like, the backward pass
# starts from the same place every time: the sum of the outputs, so each output receives a
# gradient of exactly 1.

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


SCALES = {"× 0.01": 0.01, "× 1 (package)": 1.0, "× 10": 10.0}
runs, dW_std = {}, {}
for name, scale in SCALES.items():
    model = scaled_mlp(scale)
    runs[name] = layer_by_layer(model, inputs)
    dW_std[name] = weight_grad_std(model)
for name, (A, G) in runs.items():
    print(f"{name:>15}: activation std per layer",
          " ".join(f"{s:8.1e}" for s in A.std(axis=(1, 2))))
    print(f"{'':>15}  gradient   std per layer",
          " ".join(f"{s:8.1e}" for s in G.std(axis=(1, 2))))
    print(f"{'':>15}  dW         std per layer", " ".join(f"{s:8.1e}" for s in dW_std[name]))

# %% [markdown]
# The sizes span 14 orders of magnitude, so the pictures show log₁₀ of each activation's and
# each gradient's absolute value, on one x-axis per row: a histogram of the values themselves
# would put the whole × 0.01 network, every layer after the first, into the one bin at 0.

# %%
colors = plt.cm.viridis(np.linspace(0, 0.9, DEPTH))
fig, axes = plt.subplots(3, 2, figsize=(8.0, 9.0), sharex="col")
for row, (name, (A, G)) in enumerate(runs.items()):
    for column, values in enumerate((A, G)):
        ax = axes[row, column]
        for i in range(DEPTH):
            ax.hist(np.log10(np.abs(values[i].ravel())), bins=np.linspace(-16, 4, 81),
                    histtype="step", color=colors[i], label=f"layer {i + 1}")
        what = ("activation a = tanh(z)", "gradient d(sum of outputs)/da")[column]
        ax.set(title=f"weights {name}: {what.split()[0]}s", xlabel=f"log₁₀ |{what}|",
               ylabel="count (of 64 × 16)")
        ax.tick_params(labelbottom=True)  # every panel keeps its x tick labels
axes[0, 0].set_xlim(-15, 1)
axes[0, 1].set_xlim(-15, 4)
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=DEPTH)
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Read the left column from top to bottom. At × 0.01 each layer's activations sit about two
# decades below the layer before: layer 1 around 10⁻², layer 6 around 10⁻¹². With the
# package's weights every layer's values sit mostly between 0.01 and 1. At × 10 they pile up
# at log |a| = 0, that is at ±1: tanh is saturated. The right column shows the gradients: at
# × 0.01 they also drop by about two decades per layer as they travel back towards the
# input; at × 10 they *grow* as they travel back, because each layer multiplies them by
# weights ten times too large and tanh' = 1 − a² only partly cancels that.
#
# The weight gradients dW = (layer input)ᵀ · (gradient at the layer's output) combine both:
# at × 0.01 the early layers have sizeable inputs but vanished gradients and the late layers
# the reverse, so every layer's dW is more than ten orders of magnitude below the default's:
# gradient descent would barely move a weight.

# %%
stats = {
    name: (A.std(axis=(1, 2)), G.std(axis=(1, 2)), (np.abs(A) > 0.99).mean(axis=(1, 2)))
    for name, (A, G) in runs.items()
}
act_small, grad_small, _ = stats["× 0.01"]
act_default, grad_default, saturated_default = stats["× 1 (package)"]
act_big, grad_big, saturated_big = stats["× 10"]

# Vanishing: each layer's activations and each step back of the gradient shrink by > 20x.
assert all(act_small[1:] < act_small[:-1] / 20)
assert all(grad_small[:-1] < grad_small[1:] / 20)
print(
    f"x 0.01: activations shrink {act_small[0] / act_small[-1]:.0e}x from layer 1 to 6, "
    f"gradients {grad_small[-1] / grad_small[0]:.0e}x from layer 6 back to 1"
)
# dW = (layer input)ᵀ · (gradient at the layer's output): tiny everywhere.
assert all(dW_std["× 0.01"] < 1e-6 * dW_std["× 1 (package)"])

# Exploding and saturating: most units are pinned at +-1 in every layer, and the gradient
# grows on its way back to the input.
assert all(saturated_big > 0.5)
assert grad_big[0] > 10 * grad_big[-1]
print(
    f"x 10: {saturated_big.min():.0%}+ of units saturated in every layer; "
    f"gradient grows {grad_big[0] / grad_big[-1]:.0f}x from layer 6 back to layer 1"
)

# %% [markdown]
# ### The package's weights: the weighted sum keeps the size, tanh does not
#
# `MLP` draws each weight uniformly on [−a, a], whose variance is a²/3. With
# a = √(3 / nin) (for tanh, sigmoid and linear units: LeCun's choice) the variance is 1/nin,
# so nin · σ² = 1 and the weighted sum z has the size of the layer's input: E[z²] = E[x²].
#
# That does **not** make every layer pass on a signal of the size it received: the printout
# above shows the activations' spread falling from 0.61 in layer 1 to 0.29 in layer 6. The
# weights are not the cause; tanh is. It squeezes: |tanh z| < |z| for every z ≠ 0, so
# E[tanh(z)²] < E[z²]. If z is roughly normal with variance q (the previous layer's E[a²]),
# the next layer's E[a²] is
#
# q' = E[tanh(√q · ε)²], ε a standard normal,
#
# a map we can iterate on its own, without any network, starting from the inputs' E[x²] = 1.
# The squeeze is strong for large q and gentle for small q (near 0, tanh z ≈ z − z³/3), so the
# signal shrinks ever more slowly, but it does not stop shrinking.

# %%
nodes, node_weights = np.polynomial.hermite_e.hermegauss(80)  # E[f(ε)] for ε ~ N(0, 1)


def next_variance(q: float) -> float:
    """E[tanh(√q ε)²] for a standard normal ε: the next layer's E[a²] when E[z²] = q."""
    return float(node_weights @ np.tanh(math.sqrt(q) * nodes) ** 2 / math.sqrt(2 * math.pi))


q, predicted = 1.0, []
for _ in range(30):
    q = next_variance(q)
    predicted.append(math.sqrt(q))
predicted = np.array(predicted)
print("measured  spread per layer:", np.round(act_default, 2))
print("predicted spread per layer:", np.round(predicted[:DEPTH], 2))
print(f"predicted for layers 10, 20, 30: {np.round(predicted[[9, 19, 29]], 2)}")
print(f"gradient spread, layer 6 back to layer 1: {np.round(grad_default[::-1], 2)}")
assert np.allclose(act_default, predicted[:DEPTH], rtol=0.15)
assert 0.4 < act_default[-1] / act_default[0] < 0.55  # 0.61 -> 0.29: halved in 6 layers
assert all(act_default[1:] < 1.05 * act_default[:-1])  # no layer grows it
assert 0.3 < grad_default[0] / grad_default[-1] < 0.5  # and the gradient, on its way back
assert saturated_default.max() < 0.05

# %% [markdown]
# The iterated map, which knows nothing of these particular weights, predicts the measured
# spreads to within 15% in every layer. With the package's weights the signal halves over six
# tanh layers (0.61 to 0.29), and it would keep shrinking, ever more slowly: about 0.23 after
# 10 layers and 0.13 after 30. That is the gentle decline of a squeezing activation, not the
# collapse by a factor of about 100 per layer that weights 100 times too small give. The
# gradient shrinks on its way back too (from 0.29 at layer 6 to 0.11 at layer 1), because each
# layer multiplies it by tanh'(z) = 1 − a², which is below 1. Six layers are fine; a much
# deeper tanh stack needs more than a good initialisation (a normalisation between layers, or
# an activation that does not squeeze).
#
# ### ReLU: He's weights
#
# ReLU does not squeeze its positive half, but it zeroes the negative half, which halves E[a²].
# a = √(6 / nin) (He's choice) doubles the weights' variance to 2/nin to make up for it, and
# `MLP` uses it for ReLU units. The check: a ReLU stack with He's weights keeps its size; the
# same stack with LeCun's weights (each weight divided by √2) loses a factor √2 at every
# layer; and with weights ten times the package's, ReLU, which never saturates, grows tenfold
# at every layer. (Layers of 32 units here: with 16, the ratios wander more from one seed to
# the next.)

# %%
inputs_32 = np.random.default_rng(0).normal(size=(64, 32))


def rms_per_layer(model: MLP) -> np.ndarray:
    """Root mean square of each hidden layer's activations for the 32-wide input batch."""
    A, _ = layer_by_layer(model, inputs_32)
    return np.sqrt((A**2).mean(axis=(1, 2)))


he = rms_per_layer(scaled_mlp(1.0, "relu", width=32))
lecun = rms_per_layer(scaled_mlp(1 / math.sqrt(2), "relu", width=32))
print("ReLU, He    rms per layer", np.round(he, 3), f"layer 6 / layer 1 = {he[-1] / he[0]:.2f}")
print("ReLU, LeCun rms per layer", np.round(lecun, 3),
      f"layer 6 / layer 1 = {lecun[-1] / lecun[0]:.2f}")
assert 0.7 < he[-1] / he[0] < 1.4 and he.max() < 1.6 * he[0]
assert lecun[-1] / lecun[0] < 0.35  # (1/√2)^5 ≈ 0.18 expected
blown = rms_per_layer(scaled_mlp(10.0, "relu", width=32))
print("ReLU, He × 10 rms per layer", np.round(blown, 1))
assert blown[-1] > 1e4 * blown[0]  # 10^5 expected: exploding, with nothing to stop it

# %% [markdown]
# **Answer (initialisation):** start the weights with variance 1/nin (2/nin before a ReLU), so
# that the weighted sum keeps the size of its input, forwards and backwards. What is left is
# the activation's own effect: ReLU with He's weights keeps the signal's size (layer 6 ends at
# 0.98 times layer 1 here, the layers between wandering up to 1.5 times), while tanh squeezes
# it slowly (halved over six layers). Much smaller weights make activations and gradients vanish geometrically with
# depth, so no layer gets a usable gradient; much larger weights saturate tanh (and blow a
# ReLU stack up), and the gradients reaching the first layers grow instead of shrinking.
#
# ## 2. Input normalisation: why centre and scale the inputs?
#
# A linear neuron's weight gradient is dW = Xᵀ · dY (notebook 08): every entry is an input
# times an error. Inputs near 300 make dW hundreds of times larger than the bias gradient
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


print(f"curvature ratio: raw {curvature_ratio(X_raw):.1e}, "
      f"centred and scaled {curvature_ratio(X_scaled):.1f}")
assert curvature_ratio(X_raw) > 1e4 * curvature_ratio(X_scaled)

# %% [markdown]
# That ratio is the whole story for plain gradient descent: the step size is capped by the
# steepest direction (the weight on the big input) and progress is paced by the flattest
# (mostly the bias). Now the learning curves. Each model and each input gets its own best
# learning rate from a sweep over seven decades; a run that blows up (an error from the engine
# or the optimizer, or a loss that stops being finite) counts as diverged. Every training loop
# of this notebook is one small function like `train_sgd`.

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
    """Plain SGD on batches taken in order: the batch loss at each step, then inf if it blew up.
    The step is compiled once (notebook 03), over leaves each step writes its batch into."""
    opt = SGD(model.parameters(), lr=lr)
    size = batch_size or len(xs)
    assert len(xs) % size == 0  # every batch the same size: one compiled step for them all
    points = [[Value(v) for v in x] for x in xs[:size]]  # the batch's inputs and targets:
    targets = [Value(t) for t in ys[:size]]  # leaves, read by the compiled step at every call
    with Tape() as tape:
        recorded = loss_fn([model(x) for x in points], targets)
    step = tape.compile(recorded, params=opt.params, inputs=[points, targets])
    history = []
    for k in range(steps):
        start = (k * size) % len(xs)
        for point, target, x, t in zip(points, targets, xs[start:], ys[start:]):
            for leaf, v in zip(point, x):
                leaf.data = v
            target.data = t
        try:
            opt.zero_grad()
            loss = step()
            opt.step()
        except (ArithmeticError, ValueError):  # overflow in the engine, non-finite grad in SGD
            return [*history, math.inf]
        if not math.isfinite(loss):
            return [*history, math.inf]
        history.append(loss)
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

# %% [markdown]
# The four best runs, one panel each, **each with its own y-axis**: the linear neuron's run on
# raw inputs starts near 4 · 10⁴ (its first prediction, w·x with x near 300, is in the
# hundreds), every other run between 0.7 and 4, and on one shared axis those three would be
# squeezed into the bottom of the panel. To compare across panels, each has the same dashed
# line: the loss of always predicting the mean of the target (which is the target's
# variance), the level that any model that learned something should go below.

# %%
baseline = float(np.var(target))
fig, axes = plt.subplots(2, 2, figsize=(8.0, 7.0))
for row, model_name in enumerate(MODELS):
    for column, input_name in enumerate(("raw", "centred and scaled")):
        ax = axes[row, column]
        lr, curve = best[model_name, input_name]
        ax.plot(curve, color="k", label=f"best lr {lr:g}")
        ax.axhline(baseline, color="C1", ls="--", label=f"predict the mean ({baseline:.2f})")
        ax.set(yscale="log", xlabel="step", ylabel="mean squared error (log scale)",
               title=f"{model_name}, {input_name} inputs\nends at {curve[-1]:.3g}")
        ax.legend(loc="center right")
assert style_problems(fig) == []
plt.show()

# %%
for model_name in MODELS:
    raw_final = best[model_name, "raw"][1][-1]
    scaled_final = best[model_name, "centred and scaled"][1][-1]
    print(f"{model_name}: final loss raw {raw_final:.3g}, centred and scaled {scaled_final:.3g}")
    assert scaled_final < raw_final / 10 and scaled_final < baseline / 10
assert best["one linear neuron", "raw"][1][-1] > 10 * baseline  # worse than predicting the mean
assert abs(best["tanh MLP 2-8-1", "raw"][1][-1] / baseline - 1) < 0.01  # no better than it
starts = {key: curve[0] for key, (lr, curve) in best.items()}
assert starts["one linear neuron", "raw"] > 1e4
assert all(0.5 < v < 5 for key, v in starts.items() if key != ("one linear neuron", "raw"))
assert (
    best["one linear neuron", "raw"][0] <= 1e-5 < best["one linear neuron", "centred and scaled"][0]
)

# %% [markdown]
# Against the dashed line: the linear neuron on raw inputs, at the best of seven learning
# rates, still ends fifty times above it, far worse than predicting the mean; on centred
# inputs it ends two hundred times below it. The tanh network on raw inputs ends *on* the line:
# all it has learned is the mean of the target. On centred inputs it ends fifty times below.
# The tanh network fails on raw inputs for a second reason: w·x with x near 300 puts its
# hidden units deep in tanh's flat tails (the saturation of section 1), so almost no gradient
# gets through them.

# %%
hidden = np.array(
    [[a.data for a in MODELS["tanh MLP 2-8-1"]().layers[0](x)] for x in X_raw.tolist()]
)
print(f"raw inputs: {(np.abs(hidden) > 0.99).mean():.0%} of the hidden tanh units start saturated")
assert (np.abs(hidden) > 0.99).mean() > 0.8

# %% [markdown]
# **Answer (normalisation):** centre and scale every input, with the training set's mean and
# spread, reused unchanged for any later data. Raw inputs far from zero and of large scale make
# dW = Xᵀ · dY hundreds of times larger than db, so the largest safe learning rate is tiny and
# the other directions barely move; even at its own best learning rate, training on raw
# inputs ends more than ten times worse here, for a linear neuron and for a small tanh net
# alike.

# %% [markdown]
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
        # On the engine, not compiled: relu_slope_1 takes a branch on z.data, which a compiled
        # step would take as it was when recorded, and forward() counts exact zeros as it goes.
        with gc_paused(), Tape():  # the fast path (notebook 03): same numbers
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
    ylabel="mean squared error (log scale)",
    title="2-8-1 ReLU net: does relu'(0) matter?",
)
ax.legend()
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# **Answer (ReLU'(0)):** it is a convention; both 0 and 1 are valid subgradients. With float
# data and random weights a pre-activation is never exactly 0, so the two give bit-for-bit the
# same training (0 exact zeros counted). With 0/1 inputs and zero biases it changes the first
# step's bias gradient (by exactly the (0,0) input's share), yet XOR is solved about as often
# either way. Only a degenerate start, a first layer of zeros, makes it decisive: 0 freezes
# that layer for good, 1 lets it learn. Taking 0 means a unit whose output is 0 also passes
# no gradient, whichever side of the kink it sits on; PyTorch makes the same choice.

# %% [markdown]
# ## 4. Squared error: sum over the batch, or mean?
#
# A batch's squared error can be summed, Σ (p_i − t_i)², or averaged, (1/B) Σ (p_i − t_i)².
# The sum's gradient is the mean's times the batch size B, so with the sum, the same learning
# rate takes B times longer steps: a rate that works for a batch of 4 overshoots for a batch
# of 64. First the factor, then a sweep.

# %%
def summed_squared_error(preds: list[Value], targets: list[float]) -> Value:
    """Σ (p_i − t_i)²: the batch's loss, not divided by the batch size."""
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
        print(f"  B = {B:3}: "
              + "  ".join("diverged" if not math.isfinite(e) else f"{e:8.4f}" for e in row))

# %% [markdown]
# The same two tables as pictures: one cell per run, its colour the final error on a log
# scale shared by both panels, and its number written in it. A diverged run has no final
# error, so its cell is grey and says so; it is not drawn at a made-up value.

# %%
finite = np.concatenate([t[np.isfinite(t)] for t in sweep.values()])
low, high = np.log10(finite.min()), np.log10(finite.max())
fig, axes = plt.subplots(2, 1, figsize=(8.0, 6.6))
for ax, (name, table) in zip(axes, sweep.items()):
    logs = np.ma.masked_invalid(np.log10(table))
    cmap = plt.get_cmap("viridis").with_extremes(bad="0.85")
    shown = ax.imshow(logs, cmap=cmap, vmin=low, vmax=high)
    for (r, c), e in np.ndenumerate(table):
        text = f"{e:.3f}" if math.isfinite(e) else "diverged"
        light = math.isfinite(e) and np.log10(e) < low + 0.6 * (high - low)
        ax.text(c, r, text, ha="center", va="center", fontsize=9, color="w" if light else "k")
    ax.set(xticks=range(len(SWEEP_LRS)), xticklabels=[f"{lr:g}" for lr in SWEEP_LRS],
           yticks=range(len(BATCHES)), yticklabels=BATCHES, xlabel="learning rate",
           ylabel="batch size B", title=f"{name} of the squared errors")
    ax.grid(False)
fig.colorbar(shown, ax=axes, label="log₁₀ final mean squared error (all 256 points)")
assert style_problems(fig) == []
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
# 0.004 for B = 256, just where the grey cells begin in the lower panel (the sum). The upper panel is the
# same at every batch size: the mean's rate means the same thing whatever B is. (At 0.01 and
# 0.03 the mean's runs have simply not finished in 30 steps.)
#
# **Answer (sum or mean):** divide by the batch size. With the mean, a learning rate means the
# same thing at every batch size (no run of the sweep diverged); with the sum it must shrink
# as 1/B, and at B = 256 every rate from 0.01 to 0.3 blew up.

# %% [markdown]
# ## 5. The gap between training and test accuracy
#
# A network fitted to few points can classify them all right and still get new points wrong:
# its test accuracy trails its training accuracy, and the difference is the *gap*. Three
# moves are often suggested to narrow it: more training data, more hidden units, or a
# stronger L2 penalty λ Σ w² (notebook 10). We hold out half of a noisy two-moons set of 600
# points with `train_test_split`, train a 2-16-1 ReLU net on 30 of the other points with Adam
# on binary cross-entropy, and change one thing at a time: λ over a sweep from 0 to 0.1;
# 90 points instead of 30; 48 hidden units instead of 16. Five different data draws (seeds
# 0 to 4), so that one lucky split cannot carry the answer; each point below is the mean over
# the draws, with an error bar of ± one standard error of that mean.

# %%
def fit(X: np.ndarray, y: np.ndarray, hidden: int = 16, alpha: float = 0.0, steps: int = 150):
    """Adam on binary cross-entropy + alpha Σ w² over the weights (not the biases)."""
    model = MLP(2, [hidden, 1], seed=0)
    weights = [w for layer in model.layers for neuron in layer.neurons for w in neuron.w]
    opt = Adam(model.parameters(), lr=0.08)
    xs, ys = X.tolist(), y.tolist()
    with Tape() as tape:  # the step, recorded once and compiled (notebook 03)
        loss = binary_cross_entropy([model(x) for x in xs], ys)
        if alpha:
            loss = loss + l2(weights, alpha)
    step = tape.compile(loss, params=opt.params)
    for _ in range(steps):
        opt.zero_grad()
        step()  # the same numbers as loss.backward() on the graph built again
        opt.step()
    return model


def accuracy_of(model: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of points on the right side of the boundary (score > 0 means class 1)."""
    scores = VectorizedMLP.from_mlp(model).predict(X)[:, 0]
    return float(((scores > 0) == (y == 1)).mean())


LAMBDAS = [0.0, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
DRAWS = 5
SETTINGS = {f"λ = {lam:g}": dict(alpha=lam) for lam in LAMBDAS}
SETTINGS |= {"90 points": dict(n=90), "48 hidden units": dict(hidden=48)}
results = {name: [] for name in SETTINGS}  # (train accuracy, test accuracy) per data draw
kept = {}  # draw 0's models and data, for the pictures
for draw in range(DRAWS):
    X, y = make_moons(600, noise=0.3, seed=draw)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.5, seed=draw)
    for name, setting in SETTINGS.items():
        n = setting.get("n", 30)
        model = fit(X_train[:n], y_train[:n], setting.get("hidden", 16), setting.get("alpha", 0.0))
        results[name].append(
            (accuracy_of(model, X_train[:n], y_train[:n]), accuracy_of(model, X_test, y_test))
        )
        if draw == 0:
            kept[name] = (model, X_train[:n], y_train[:n], X_test, y_test)

summary = {name: np.array(r) for name, r in results.items()}  # (draws, 2)
gap = {name: r[:, 0] - r[:, 1] for name, r in summary.items()}


def mean_and_error(values: np.ndarray) -> tuple[float, float]:
    """The mean over the draws and its standard error, s / √n."""
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


for name, r in summary.items():
    print(f"{name:>15}: train {r[:, 0].mean():.3f}  test {r[:, 1].mean():.3f} "
          f"± {mean_and_error(r[:, 1])[1]:.3f}  gap {gap[name].mean():+.3f} "
          f"± {mean_and_error(gap[name])[1]:.3f}  (gap per draw {np.round(gap[name], 2)})")

# %%
sweep_names = [f"λ = {lam:g}" for lam in LAMBDAS]
move_names = ["λ = 0", "90 points", "48 hidden units"]
fig, axes = plt.subplots(2, 2, figsize=(8.0, 7.5), sharey="col")
for row, (names, ticks, xlabel) in enumerate((
    (sweep_names, [f"{lam:g}" for lam in LAMBDAS], "L2 strength λ (evenly spaced, not to scale)"),
    (move_names, ["30 points,\n16 units", "90 points,\n16 units", "30 points,\n48 units"],
     "one change from the first setting (λ = 0 in each)"),
)):
    positions = np.arange(len(names))
    acc_ax, gap_ax = axes[row]
    line = "-" if row == 0 else "none"  # λ is ordered; the three settings of row 2 are not
    for column, (label, marker) in enumerate((("training accuracy", "o"), ("test accuracy", "s"))):
        stats_ = [mean_and_error(summary[n][:, column]) for n in names]
        acc_ax.errorbar(positions, [m for m, _ in stats_], yerr=[e for _, e in stats_],
                        marker=marker, ls=line, capsize=4, label=label)
    stats_ = [mean_and_error(gap[n]) for n in names]
    gap_ax.errorbar(positions, [m for m, _ in stats_], yerr=[e for _, e in stats_],
                    marker="o", ls=line, capsize=4, color="k", label="train − test")
    gap_ax.axhline(0.0, color="0.5", lw=0.8)
    for ax in (acc_ax, gap_ax):
        ax.set_xticks(positions, ticks)
        ax.set_xlabel(xlabel)
        ax.tick_params(labelleft=True)
    acc_ax.set(ylabel=f"accuracy (mean of {DRAWS} draws)")
    gap_ax.set(ylabel="gap: training − test accuracy")
    acc_ax.legend(loc="lower left")
axes[0, 0].set_title("accuracy against λ")
axes[0, 1].set_title("the gap against λ")
axes[1, 0].set_title("accuracy: more data, more units")
axes[1, 1].set_title("the gap: more data, more units")
assert style_problems(fig) == []
plt.show()

# %% [markdown]
# Bars: ± one standard error over the five draws. The first row is the λ sweep, the second the
# other two moves, each starting from λ = 0 (the left point of every panel in the second row is
# the left point of the first row).

# %%
base, base_acc = gap["λ = 0"], summary["λ = 0"]
assert base.mean() > 0.07  # the gap is real: 30 points are fitted far better than new ones
assert base_acc[:, 0].mean() > 0.95
# More data narrows the gap in every draw, and raises the test accuracy on average.
assert all(gap["90 points"] < base) and gap["90 points"].mean() < base.mean() - 0.04
assert summary["90 points"][:, 1].mean() > base_acc[:, 1].mean() + 0.02
# L2 narrows the gap as λ grows to 0.03, by giving up training accuracy ...
assert gap["λ = 0.03"].mean() < base.mean() - 0.05
assert summary["λ = 0.03"][:, 0].mean() < base_acc[:, 0].mean() - 0.1
# ... and never raises the test accuracy by more than the draws' noise; at λ = 0.1 it
# underfits and the test accuracy falls.
test_means = {lam: summary[f"λ = {lam:g}"][:, 1].mean() for lam in LAMBDAS}
assert max(test_means.values()) < test_means[0.0] + 0.02
assert test_means[0.1] < test_means[0.0] - 0.1
# More hidden units fit the 30 points at least as well and do not narrow the gap.
wide = summary["48 hidden units"]
assert wide[:, 0].mean() >= base_acc[:, 0].mean() and wide[:, 0].mean() > 0.97
assert gap["48 hidden units"].mean() > base.mean() - 0.02

# %% [markdown]
# What the λ sweep says: the gap shrinks steadily as λ grows, from about 0.12 at λ = 0 to about
# 0 at λ = 0.03; but it shrinks because the training accuracy falls (from 0.98 to 0.82), not
# because the test accuracy rises. The test accuracy stays within the error bars of its λ = 0
# value up to λ = 0.003, slips by about 0.02 at 0.01 and 0.03, where the boundary is too
# smooth to follow the moons (the network underfits: it gets nearly one in five of its own
# 30 points wrong), and collapses at λ = 0.1, where the gap opens again because training
# accuracy falls less than test accuracy. So on this problem L2 buys a smaller gap, not better
# predictions. Three times the data does both: it narrows the gap in every draw and it raises
# the test accuracy by about 0.04. More hidden units fit the 30 points perfectly and leave the
# gap as wide as before.
#
# ### The boundary as λ changes
#
# The slider under the picture redraws draw 0's decision boundary for each λ of the sweep, with its
# 30 training points (large, outlined) and the 300 test points (small). Without a running
# kernel the slider does nothing, so the cell after it draws three of its settings together
# and checks the numbers they show.

# %%
def show_boundary(lam: float, ax=None) -> tuple[float, float]:
    """Draw draw 0's boundary for L2 strength lam; return its (train, test) accuracy."""
    model, Xtr, ytr, Xte, yte = kept[f"λ = {lam:g}"]
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.2))
    gx, gy = np.meshgrid(np.linspace(-2.3, 3.0, 160), np.linspace(-1.6, 2.0, 160))
    score = VectorizedMLP.from_mlp(model).predict(np.column_stack([gx.ravel(), gy.ravel()]))
    score = score[:, 0].reshape(gx.shape)
    ax.contourf(gx, gy, score > 0, levels=[-0.5, 0.5, 1.5], colors=CLASS_COLOURS[:2], alpha=0.15)
    ax.contour(gx, gy, score, levels=[0.0], colors="k", linewidths=1)
    for k in (0, 1):
        ax.scatter(*Xte[yte == k].T, color=CLASS_COLOURS[k], s=6, alpha=0.4,
                   label=f"test, class {k}")
        ax.scatter(*Xtr[ytr == k].T, color=CLASS_COLOURS[k], s=40, edgecolors="k",
                   label=f"training, class {k}")
    train_acc, test_acc = accuracy_of(model, Xtr, ytr), accuracy_of(model, Xte, yte)
    ax.set(xlabel="x₁", ylabel="x₂",
           title=f"λ = {lam:g}: training {train_acc:.0%}, test {test_acc:.0%}")
    return train_acc, test_acc


def show_with_legend(lam: float):
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    show_boundary(lam, ax)
    ax.legend(loc="lower left", fontsize=9)
    return fig


slider_figure(show_with_legend, widgets.SelectionSlider(options=LAMBDAS, value=0.0,
                                                        description="λ"))
for lam in (LAMBDAS[0], LAMBDAS[-1]):  # what the slider draws keeps the house style
    slid = show_with_legend(lam)
    assert style_problems(slid) == [], style_problems(slid)
    plt.close(slid)

# %%
SHOWN = (0.0, 3e-3, 0.1)
fig, axes = plt.subplots(2, 2, figsize=(8.0, 6.8), sharex=True, sharey=True)
shown = {lam: show_boundary(lam, ax) for lam, ax in zip(SHOWN, axes.flat)}
for ax in axes.flat[:3]:
    ax.tick_params(labelbottom=True, labelleft=True)
axes[1, 1].axis("off")  # three settings, and their legend in the fourth place
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="center", bbox_to_anchor=(0.75, 0.25))
assert style_problems(fig) == [], style_problems(fig)
plt.show()
for lam, (train_acc, test_acc) in shown.items():
    assert (train_acc, test_acc) == tuple(summary[f"λ = {lam:g}"][0])  # draw 0, as tabled
assert shown[0.0][0] > shown[3e-3][0] > shown[0.1][0]  # training accuracy falls with λ
assert shown[0.1][1] < shown[0.0][1] - 0.1  # and at 0.1 the test accuracy with it

# %% [markdown]
# At λ = 0 the boundary bends around single training points; at λ = 0.003 it is smoother and
# still follows the moons; at λ = 0.1 it is nearly straight and cuts through both classes.
#
# **Answer (train/test gap):** more data narrows the gap most reliably (three times the points:
# a smaller gap in every draw), and it is the one move here that raised the test accuracy.
# Stronger L2 narrows the gap too, but mostly by fitting the training points worse: up to
# about λ = 0.003 it costs little and gains nothing beyond the draws' noise; by λ = 0.03 the
# network underfits and by 0.1 it fails. More hidden units (48 instead of 16) do not help:
# the wider network fits its 30 points perfectly and the gap stays as wide. Of the three moves,
# "more data" and "more regularisation" narrow the gap, only "more data" also helps on new
# points, and "more hidden units" does neither.

# %% [markdown]
# ## Exercises
#
# ### Exercise: which layer gets the largest gradients?
#
# A tanh MLP of 20 hidden layers starts with every weight 100 times smaller than the
# package's. After one backward pass from the sum of its outputs, which hidden layer's
# activations get the largest gradients? Answer with one of "the first layer", "the last
# layer" or "all about the same".

# %%
vanishing_layer = ...

# %%
exercise("vanishing_layer").check(vanishing_layer);

# %% [markdown]
# ### Exercise: standardise a training set and a test set
#
# Write `standardise(X_train, X_test)`: both sets centred and scaled feature by feature, ready
# for training on the first and testing on the second, as section 2's answer says. Rows are
# samples, columns are features. The checker tries data sets with more rows than columns, as
# many, and fewer, and test sets that do not look quite like their training sets.

# %%
def standardise(X_train, X_test):
    """Centre and scale the inputs, feature by feature (a feature is a column), for a
    training set X_train (n, d) and a test set X_test (m, d), ready for training and testing.
    Returns (train, test), new arrays of the same shapes."""
    ...

# %%
exercise("standardise").check(standardise);

# %% [markdown]
# ### Exercise: a learning rate for the summed loss
#
# A learning rate of 0.1 works well for the mean squared error at every batch size. For the
# sum of the squared errors over a batch of 50 to take the same steps, what learning rate do
# you need?

# %%
sum_learning_rate = ...

# %%
exercise("sum_learning_rate").check(sum_learning_rate);
