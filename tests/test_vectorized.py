"""The NumPy twin: same weights and batch as the scalar engine, same loss and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import numerical_grads

from micrograd_notes import Value
from micrograd_notes.data import make_spiral
from micrograd_notes.losses import hinge, mse, softmax_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.vectorized import Linear, VectorizedMLP

X, Y = make_spiral(12, classes=3, seed=2)


def _scalar_loss(model: MLP, loss: str) -> Value:
    outs = [model(x) for x in X.tolist()]
    if loss == "softmax_cross_entropy":
        return softmax_cross_entropy(outs, Y.tolist())
    if loss == "hinge":
        return hinge(outs, (2 * (Y > 0) - 1).tolist())  # one output: each is a Value
    return mse(outs, Y.astype(float).tolist())


def _targets(loss: str) -> np.ndarray:
    if loss == "softmax_cross_entropy":
        return Y
    if loss == "hinge":
        return (2 * (Y > 0) - 1).astype(float)
    return Y.astype(float)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize(("loss", "nout"), [("softmax_cross_entropy", 3), ("hinge", 1), ("mse", 1)])
def test_twin_matches_scalar_engine_and_finite_differences(activation, loss, nout) -> None:
    model = MLP(2, [8, 6, nout], activation, seed=5)
    scalar = _scalar_loss(model, loss)
    model.zero_grad()
    scalar.backward()

    twin = VectorizedMLP.from_mlp(model)
    value, grads = twin.loss_and_grads(X, _targets(loss), loss=loss)
    assert value == pytest.approx(scalar.data, rel=1e-12, abs=1e-12)

    # Neuron j of layer k holds column j of W_k: compare every weight and bias.
    scalar_grads, twin_grads = [], []
    for layer, (dW, db) in zip(model.layers, grads):
        assert dW.shape == (len(layer.neurons[0].w), len(layer.neurons))
        for j, neuron in enumerate(layer.neurons):
            scalar_grads += [*(w.grad for w in neuron.w), neuron.b.grad]
            twin_grads += [*dW[:, j], db[j]]
    np.testing.assert_allclose(twin_grads, scalar_grads, rtol=0, atol=1e-10)

    params = [p for layer in model.layers for n in layer.neurons for p in [*n.w, n.b]]
    numerical = numerical_grads(params, lambda: _scalar_loss(model, loss))
    np.testing.assert_allclose(scalar_grads, numerical, rtol=1e-5, atol=1e-7)


def test_linear_backward_shapes_and_bias_sum() -> None:
    rng = np.random.default_rng(0)
    layer = Linear(rng.normal(size=(3, 4)), rng.normal(size=4))
    Xb = rng.normal(size=(5, 3))
    dY = rng.normal(size=(5, 4))
    dX, dW, db = layer.backward(Xb, dY)
    assert (dX.shape, dW.shape, db.shape) == ((5, 3), (3, 4), (4,))
    assert np.allclose(db, dY.sum(axis=0))
    # Check dW against the definition: dL/dW_ij for L = sum(dY * (X W + b)).
    eps = 1e-6
    W2 = layer.W.copy()
    W2[1, 2] += eps
    bumped = np.sum(dY * (Xb @ W2 + layer.b))
    assert (bumped - np.sum(dY * layer.forward(Xb))) / eps == pytest.approx(dW[1, 2], rel=1e-5)


def test_unknown_loss_is_refused() -> None:
    twin = VectorizedMLP.from_mlp(MLP(2, [3, 1]))
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        twin.loss_and_grads(X, Y, loss="l1")
