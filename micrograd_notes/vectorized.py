"""The same MLP in NumPy matrix form: the bridge from scalars to matrices.

A batch X has one sample per row. A fully connected layer is Y = X W + b with W of shape
(nin, nout). Its backward pass follows from the scalar rule applied to every entry, grouped
into matrix products (check the shapes: each gradient has the shape of what it is for):

    dX = dY Wᵀ          (n, nout) @ (nout, nin) -> (n, nin)
    dW = Xᵀ dY          (nin, n) @ (n, nout)    -> (nin, nout)
    db = Σ_rows dY      (nout,): b is added to every row, so its gradient sums over them

``Linear.backward`` returns all three (dX to pass on, dW and db to learn from).

The convolution layers (``Conv1d``, ``Conv2d``: one channel, stride 1, "valid") have the same
three gradients, each again an operation of the forward's own kind:

    Y  = X ⋆ W + b          (⋆: valid cross-correlation, the kernel slides unflipped)
    dW = X ⋆ dY             the input correlated with dY, summed over the batch
    dX = pad(dY) ⋆ flip(W)  dY padded by k - 1 zeros, correlated with the flipped kernel:
                            the "full" convolution of dY with W
    db = Σ dY               b is added to every output
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from micrograd_notes import nn
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


# ---- convolution ---------------------------------------------------------------------------


def correlate(X: Array, K: Array) -> Array:
    """Valid cross-correlation over the last K.ndim axes: out[.., i] = Σ_j K[j] X[.., i + j]."""
    # Every window the size of K, stacked: flattened, they are the rows of a matrix (im2col),
    # and the output is that matrix times the flattened kernel, a Linear layer whose weights
    # are shared by every window.
    windows = np.lib.stride_tricks.sliding_window_view(X, K.shape, axis=tuple(range(-K.ndim, 0)))
    return np.tensordot(windows, K, axes=K.ndim)


def _check_conv_input(X: Array, W: Array, who: str) -> Array:
    X = np.asarray(X, dtype=np.float64)
    axes = "(batch, length)" if W.ndim == 1 else "(batch, height, width)"
    if X.ndim != W.ndim + 1:
        raise ValueError(
            f"{who}: X must have shape {axes}, got {X.shape} (one sample? use X[None])"
        )
    if any(n < k for n, k in zip(X.shape[1:], W.shape)):
        raise ValueError(f"{who}: each sample {X.shape[1:]} is smaller than the kernel {W.shape}")
    return X


def _conv_backward(X: Array, W: Array, dY: Array, who: str) -> tuple[Array, Array, float]:
    """(dX, dW, db) = (pad(dY) ⋆ flip(W), X ⋆ dY summed over the batch, Σ dY)."""
    X, dY = _check_conv_input(X, W, who), np.asarray(dY, dtype=np.float64)
    expected = (X.shape[0], *(n - k + 1 for n, k in zip(X.shape[1:], W.shape)))
    if dY.shape != expected:
        raise ValueError(f"{who}: dY must have the output's shape {expected}, got {dY.shape}")
    d = W.ndim
    # dW[j] = Σ_n Σ_i X[n, i + j] dY[n, i]: windows of X the size of dY, weighted by dY.
    windows = np.lib.stride_tricks.sliding_window_view(X, dY.shape[1:], axis=tuple(range(1, d + 1)))
    dW = np.tensordot(windows, dY, axes=([0, *range(d + 1, 2 * d + 1)], list(range(d + 1))))
    # dX[t] = Σ_i dY[i] W[t - i]: each input gets back the kernel weights it was multiplied by.
    padded = np.pad(dY, [(0, 0)] + [(k - 1, k - 1) for k in W.shape])
    dX = correlate(padded, np.flip(W))
    return dX, dW, float(dY.sum())


@dataclass
class _Conv:
    """What the two convolution layers share: Y = X ⋆ W + b and its three gradients, for a
    kernel W of one or two axes (``who`` names the layer in errors)."""

    W: Array  # (k,) or (kh, kw)
    b: float
    who: ClassVar[str]

    def forward(self, X: Array) -> Array:
        """Y = X ⋆ W + b: each sample loses k - 1 entries along each kernel axis."""
        return correlate(_check_conv_input(X, self.W, self.who), self.W) + self.b

    def backward(self, X: Array, dY: Array) -> tuple[Array, Array, float]:
        """(dX, dW, db) = (pad(dY) ⋆ flip(W), X ⋆ dY, Σ dY)."""
        return _conv_backward(X, self.W, dY, self.who)


class Conv1d(_Conv):
    """Y[n, i] = b + Σ_j W[j] X[n, i + j] for a batch X of shape (batch, length)."""

    who = "conv1d"

    @classmethod
    def from_module(cls, conv: nn.Conv1d) -> Conv1d:
        """Copy an ``nn.Conv1d``'s kernel and bias."""
        return cls(np.array([w.data for w in conv.w]), conv.b.data)


class Conv2d(_Conv):
    """Y[n, r, c] = b + Σ_(i,j) W[i, j] X[n, r + i, c + j] for X of shape (batch, height, width)."""

    who = "conv2d"

    @classmethod
    def from_module(cls, conv: nn.Conv2d) -> Conv2d:
        """Copy an ``nn.Conv2d``'s kernel and bias."""
        return cls(np.array([[w.data for w in row] for row in conv.w]), conv.b.data)
