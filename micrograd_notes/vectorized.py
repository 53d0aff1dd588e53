"""The same MLP in NumPy matrix form: the bridge from scalars to matrices.

A batch X has one sample per row. A fully connected layer is Y = X W + b with W of shape
(nin, nout). Its backward pass follows from the scalar rule applied to every entry, grouped
into matrix products (check the shapes: each gradient has the shape of what it is for):

    dX = dY Wᵀ          (n, nout) @ (nout, nin) -> (n, nin)
    dW = Xᵀ dY          (nin, n) @ (n, nout)    -> (nin, nout)
    db = Σ_rows dY      (nout,): b is added to every row, so its gradient sums over them

``Linear.backward`` returns all three (dX to pass on, dW and db to learn from).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.nn import MLP

Array = NDArray[np.float64]


@dataclass
class Linear:
    """Y = X W + b for a batch X of shape (n, nin)."""

    W: Array  # (nin, nout)
    b: Array  # (nout,)

    def forward(self, X: Array) -> Array:
        """Y = X W + b."""
        return X @ self.W + self.b

    def backward(self, X: Array, dY: Array) -> tuple[Array, Array, Array]:
        """(dX, dW, db) = (dY Wᵀ, Xᵀ dY, column sums of dY)."""
        return dY @ self.W.T, X.T @ dY, dY.sum(axis=0)


def activation_forward(Z: Array, activation: str) -> Array:
    """The activation applied entry by entry."""
    if activation == "relu":
        return np.maximum(Z, 0.0)
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * Z))  # = 1 / (1 + e^-Z), without overflow
    if activation == "linear":
        return Z
    raise ValueError(f"unknown activation {activation!r}")


def activation_backward(Z: Array, A: Array, dA: Array, activation: str) -> Array:
    """dZ = act'(Z) ⊙ dA, with relu'(0) = 0 as in the scalar engine."""
    if activation == "relu":
        return dA * (Z > 0.0)
    if activation == "tanh":
        return dA * (1.0 - A * A)
    if activation == "sigmoid":
        return dA * A * (1.0 - A)
    if activation == "linear":
        return dA
    raise ValueError(f"unknown activation {activation!r}")


def softmax_cross_entropy(scores: Array, y: NDArray[np.int64]) -> tuple[float, Array]:
    """Mean of -log softmax(scores)[y] over rows, and its gradient (softmax - onehot) / n."""
    shifted = scores - scores.max(axis=1, keepdims=True)  # e^ of at most 0: no overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    return float(loss), dscores / n


def hinge(scores: Array, y: Array) -> tuple[float, Array]:
    """Mean of max(0, 1 - y s) for one score per row and y in {-1, +1}, and its gradient."""
    s = scores[:, 0]
    margins = 1.0 - y * s
    dscores = np.zeros_like(scores)
    dscores[:, 0] = np.where(margins > 0.0, -y, 0.0) / len(y)  # relu'(0) = 0
    return float(np.maximum(margins, 0.0).mean()), dscores


def mse(preds: Array, targets: Array) -> tuple[float, Array]:
    """Mean of (p - t)^2 over rows (one output per row), and its gradient 2 (p - t) / n."""
    diff = preds[:, 0] - targets
    dpreds = np.zeros_like(preds)
    dpreds[:, 0] = 2.0 * diff / len(targets)
    return float((diff**2).mean()), dpreds


LOSSES: dict[str, Callable[[Array, Any], tuple[float, Array]]] = {
    "softmax_cross_entropy": softmax_cross_entropy,
    "hinge": hinge,
    "mse": mse,
}


class VectorizedMLP:
    """An ``nn.MLP``'s weights as matrices, with a batched forward and backward pass."""

    def __init__(self, layers: list[Linear], activations: list[str]) -> None:
        if len(layers) != len(activations):
            raise ValueError("one activation per layer")
        self.layers = layers
        self.activations = activations

    @classmethod
    def from_mlp(cls, model: MLP) -> VectorizedMLP:
        """Copy an MLP's weights: neuron j of a layer becomes column j of W."""
        layers = []
        for layer in model.layers:
            W = np.array([[w.data for w in n.w] for n in layer.neurons]).T
            b = np.array([n.b.data for n in layer.neurons])
            layers.append(Linear(W, b))
        return cls(layers, [layer.neurons[0].activation for layer in model.layers])

    def forward(self, X: Array) -> tuple[Array, list[tuple[Array, Array, Array]]]:
        """The outputs for a batch, and per layer (input, pre-activation, output) for backward."""
        cache = []
        A = np.asarray(X, dtype=np.float64)
        for layer, activation in zip(self.layers, self.activations):
            Z = layer.forward(A)
            out = activation_forward(Z, activation)
            cache.append((A, Z, out))
            A = out
        return A, cache

    def predict(self, X: Array) -> Array:
        """The outputs for a batch (forward without keeping the cache)."""
        return self.forward(X)[0]

    def loss_and_grads(
        self, X: Array, y: Array, loss: str = "softmax_cross_entropy"
    ) -> tuple[float, list[tuple[Array, Array]]]:
        """The loss on the batch and (dW, db) for every layer, by backpropagation."""
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        scores, cache = self.forward(X)
        value, dA = LOSSES[loss](scores, y)
        grads: list[tuple[Array, Array]] = []
        for layer, activation, (A_in, Z, A_out) in reversed(
            list(zip(self.layers, self.activations, cache))
        ):
            dZ = activation_backward(Z, A_out, dA, activation)
            dA, dW, db = layer.backward(A_in, dZ)
            grads.append((dW, db))
        return value, grads[::-1]
