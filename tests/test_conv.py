"""Convolution layers: nn.Conv1d / nn.Conv2d from Values, and their NumPy twins.

Three ways to get every gradient must agree: backward() through the scalar graph, the twin's
matrix formulas, and central differences.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import numerical_grads
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_notes import Value
from micrograd_notes import vectorized as vec
from micrograd_notes.nn import Conv1d, Conv2d
from micrograd_notes.optim import SGD


def _grid(values: np.ndarray) -> list:
    """An array of numbers as nested lists of leaf Values of the same shape."""
    return np.vectorize(Value, otypes=[object])(values).tolist()


def _flat(out: list) -> list[Value]:
    return [v for row in out for v in row] if out and isinstance(out[0], list) else list(out)


def _scalar_pass(conv: Conv1d | Conv2d, X: np.ndarray, dY: np.ndarray):
    """backward() of L = Σ dY ⊙ conv(X): (Y, dX, dW, db) read off the scalar graph."""
    leaves = _grid(X)
    Y = _flat(conv(leaves))
    conv.zero_grad()
    Value.dot(Y, dY.ravel().tolist()).backward()
    dX = np.array([v.grad for v in _flat(leaves)]).reshape(X.shape)
    kernel = [p.grad for name, p in conv.named_parameters() if name != "b"]
    Yarr = np.array([v.data for v in Y]).reshape(dY.shape)
    return Yarr, dX, np.array(kernel).reshape(np.shape(vec_twin(conv).W)), conv.b.grad


def vec_twin(conv: Conv1d | Conv2d) -> vec.Conv1d | vec.Conv2d:
    return (
        vec.Conv1d.from_module(conv) if isinstance(conv, Conv1d) else vec.Conv2d.from_module(conv)
    )


def _out_shape(X: np.ndarray, kernel: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(n - k + 1 for n, k in zip(X.shape, kernel))


@st.composite
def conv_cases(draw: st.DrawFn, dims: int):
    """A conv layer with a random kernel and bias, an input at least as big, and a dY."""
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    shape = tuple(k + draw(st.integers(0, 4)) for k in kernel)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    conv = Conv1d(kernel[0], seed=seed) if dims == 1 else Conv2d(kernel, seed=seed)
    conv.b.data = float(rng.normal())
    X = rng.normal(size=shape)
    return conv, X, rng.normal(size=_out_shape(X, kernel))


@pytest.mark.parametrize("dims", [1, 2])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_scalar_graph_and_numpy_twin_agree_to_1e_10(dims: int, data) -> None:
    conv, X, dY = data.draw(conv_cases(dims))
    Y, dX, dW, db = _scalar_pass(conv, X, dY)
    twin = vec_twin(conv)
    np.testing.assert_allclose(twin.forward(X[None])[0], Y, rtol=0, atol=1e-10)
    tdX, tdW, tdb = twin.backward(X[None], dY[None])
    np.testing.assert_allclose(tdX[0], dX, rtol=0, atol=1e-10)
    np.testing.assert_allclose(tdW, dW, rtol=0, atol=1e-10)
    assert tdb == pytest.approx(db, abs=1e-10)


@pytest.mark.parametrize("dims", [1, 2])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_scalar_gradients_match_central_differences(dims: int, data) -> None:
    conv, X, dY = data.draw(conv_cases(dims))
    leaves = _grid(X)
    inputs = _flat(leaves)

    def loss() -> Value:
        return Value.dot(_flat(conv(leaves)), dY.ravel().tolist())

    conv.zero_grad()
    loss().backward()
    params = [*conv.parameters(), *inputs]  # the kernel, the bias, and every input
    numerical = numerical_grads(params, loss)
    np.testing.assert_allclose([p.grad for p in params], numerical, rtol=1e-6, atol=1e-8)


def _numpy_numerical(f, A: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d A by central differences, nudging one entry of A at a time."""
    grad = np.zeros_like(A)
    for i in np.ndindex(A.shape):
        start = A[i]
        A[i] = start + eps
        up = f()
        A[i] = start - eps
        down = f()
        A[i] = start
        grad[i] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("dims", [1, 2])
@settings(max_examples=25, deadline=None)
@given(data=st.data(), batch=st.integers(1, 3))
def test_twin_backward_matches_central_differences_over_a_batch(dims: int, data, batch) -> None:
    conv, X0, _ = data.draw(conv_cases(dims))
    twin = vec_twin(conv)
    rng = np.random.default_rng(batch)
    X = np.stack([X0 + rng.normal(size=X0.shape) for _ in range(batch)])
    dY = rng.normal(size=twin.forward(X).shape)

    def loss() -> float:
        return float(np.sum(dY * twin.forward(X)))

    dX, dW, db = twin.backward(X, dY)
    np.testing.assert_allclose(dX, _numpy_numerical(loss, X), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dW, _numpy_numerical(loss, twin.W), rtol=1e-6, atol=1e-8)
    b = np.array([twin.b])

    def loss_b() -> float:
        twin.b = float(b[0])
        return loss()

    assert db == pytest.approx(_numpy_numerical(loss_b, b)[0], rel=1e-6, abs=1e-8)


def test_conv1d_is_a_cross_correlation_with_a_bias() -> None:
    conv = Conv1d(3)
    conv.load_state_dict({"w.0": 1.0, "w.1": 0.0, "w.2": -2.0, "b": 0.5})
    x = [1.0, 2.0, 3.0, 4.0, 5.0]
    # y_i = x_i - 2 x_(i+2) + 0.5, unflipped
    assert [y.data for y in conv(x)] == [1 - 6 + 0.5, 2 - 8 + 0.5, 3 - 10 + 0.5]
    assert all(y.op == "dot" for y in conv(x))


def test_conv2d_slides_over_rows_and_columns() -> None:
    conv = Conv2d((1, 2))
    conv.load_state_dict({"w.0.0": 1.0, "w.0.1": -1.0, "b": 0.0})  # a horizontal difference
    out = conv([[1.0, 4.0, 9.0], [0.0, 0.0, 2.0]])
    assert [[y.data for y in row] for row in out] == [[-3.0, -5.0], [0.0, -2.0]]


def test_dx_is_the_full_convolution_of_dy_with_the_kernel() -> None:
    # Correlating dY, padded with k - 1 zeros, with the flipped kernel is NumPy's (true,
    # flipping) convolution of dY with the kernel in "full" mode.
    rng = np.random.default_rng(7)
    twin = vec.Conv1d(rng.normal(size=4), 0.0)
    X, dY = rng.normal(size=(1, 9)), rng.normal(size=(1, 6))
    dX, dW, _ = twin.backward(X, dY)
    np.testing.assert_allclose(dX[0], np.convolve(dY[0], twin.W, mode="full"), atol=1e-12)
    np.testing.assert_allclose(dW, np.correlate(X[0], dY[0], mode="valid"), atol=1e-12)


def test_a_shared_weight_collects_one_gradient_per_window() -> None:
    conv = Conv1d(2)
    out = conv([1.0, 2.0, 3.0, 4.0])
    Value.sum(out).backward()
    # w_0 meets x_0, x_1, x_2 (one per window), w_1 meets x_1, x_2, x_3; b is in all three.
    assert [p.grad for p in conv.parameters()] == [6.0, 9.0, 3.0]


def test_module_api() -> None:
    conv = Conv2d((2, 3), seed=4)
    names = [name for name, _ in conv.named_parameters()]
    assert names == ["w.0.0", "w.0.1", "w.0.2", "w.1.0", "w.1.1", "w.1.2", "b"]
    assert len(conv.parameters()) == 7 and conv.b.data == 0.0
    assert all(abs(w) <= (3 / 6) ** 0.5 for w in conv.state_dict().values())
    assert Conv2d((2, 3), seed=4).state_dict() == conv.state_dict()
    assert Conv2d((2, 3), seed=5).state_dict() != conv.state_dict()
    Value.sum(_flat(conv([[1.0] * 4] * 3))).backward()
    assert any(p.grad for p in conv.parameters())
    conv.zero_grad()
    assert all(p.grad == 0.0 for p in conv.parameters())
    other = Conv2d(2)
    with pytest.raises(KeyError, match="state does not match"):
        other.load_state_dict(conv.state_dict())
    copy = Conv1d(3, seed=9)
    copy.load_state_dict(Conv1d(3, seed=1).state_dict())
    assert copy.state_dict() == Conv1d(3, seed=1).state_dict()
    assert repr(Conv1d(3)) == "Conv1d(3, seed=0)" and Conv2d(3).kernel_size == (3, 3)


def _put_weight(conv: Conv1d | Conv2d, number: float) -> None:
    if isinstance(conv, Conv1d):
        conv.w[1] = number  # in place, as for a neuron's weights
    else:
        conv.w[0][1] = number


@pytest.mark.parametrize("dims", [1, 2])
def test_a_number_put_into_a_kernel_goes_into_the_leaf_an_optimizer_holds(dims: int) -> None:
    # conv.w[1] = 2 used to fail inside the dot gate ('int' object has no attribute 'data').
    conv: Conv1d | Conv2d = Conv1d(3, seed=2) if dims == 1 else Conv2d(2, seed=2)
    x = [0.5, -1.0, 2.0, 1.5] if dims == 1 else [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    optimizer = SGD(conv.parameters(), lr=0.1)
    held = conv.parameters()  # the kernel's leaves, then the bias
    _put_weight(conv, 2)
    conv.b = -0.5
    assert conv.parameters() == held == optimizer.params  # the same leaves, new numbers
    assert [p.data for p in held][1] == 2.0 and held[-1].data == -0.5
    out = Value.sum(_flat(conv(x)))
    assert out.data == Value.sum(_flat(_twin_of(conv)(x))).data
    optimizer.zero_grad()
    out.backward()
    optimizer.step()  # moves the weight the layer computes with
    assert held[1].grad != 0.0 and held[1].data == 2.0 - 0.1 * held[1].grad


def _twin_of(conv: Conv1d | Conv2d) -> Conv1d | Conv2d:
    """A fresh layer holding ``conv``'s numbers, loaded the ordinary way."""
    twin = Conv1d(conv.kernel_size) if isinstance(conv, Conv1d) else Conv2d(conv.kernel_size)
    twin.load_state_dict({name: p.data for name, p in conv.named_parameters()})
    return twin


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (lambda conv: conv.w.__setitem__(0, "1"), r"kernel weight w\[0\] must be a Value or a"),
        (lambda conv: setattr(conv, "b", None), "bias b must be a Value or a finite number"),
        (lambda conv: setattr(conv, "w", [1.0, 2.0]), "this kernel has 3 weights, got 2"),
    ],
)
def test_a_kernel_refuses_what_is_not_a_number_by_name(spoil, words: str) -> None:
    conv = Conv1d(3)
    spoil(conv)
    with pytest.raises((TypeError, ValueError), match=words):
        conv([1.0, 2.0, 3.0])
    with pytest.raises((TypeError, ValueError), match=words):
        conv.parameters()


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: Conv1d(0), ValueError, "kernel_size must be a positive int"),
        (lambda: Conv1d(3)([1.0, 2.0]), ValueError, "2 entries, fewer than the kernel's 3"),
        (lambda: Conv1d(2)([[1.0, 2.0], [3.0, 4.0]]), ValueError, "for a 2-D input use Conv2d"),
        (lambda: Conv2d((2, 0)), ValueError, "kernel width must be a positive int"),
        (lambda: Conv2d((2, 2, 2)), ValueError, r"an int or \(height, width\)"),
        (lambda: Conv2d("ab"), ValueError, r"an int or \(height, width\)"),
        (lambda: Conv2d(2)([1.0, 2.0, 3.0]), ValueError, "expects a 2-D grid"),
        (lambda: Conv2d(2)([]), ValueError, "the input is empty"),
        (lambda: Conv2d(2)([[1.0, 2.0], [3.0]]), ValueError, "row 1 has 1 entries but row 0 has 2"),
        (
            lambda: Conv2d(2)([[1.0, 2.0, 3.0]]),
            ValueError,
            "1 x 3, smaller than the kernel's 2 x 2",
        ),
        (lambda: Conv1d(2)([1.0, "x"]), TypeError, "real number"),
    ],
)
def test_bad_shapes_get_clear_errors(call, error, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_conv1d_on_a_2d_input_says_it_is_2d_and_to_use_conv2d() -> None:
    # Checked before the length: two rows of three must not read as "2 entries, fewer than 3".
    with pytest.raises(ValueError, match=r"the input is 2-D \(item 0 is \[1, 2, 3\]\); .*Conv2d"):
        Conv1d(3)([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match=r"the input is 2-D .*use Conv2d"):
        Conv1d(2)(np.ones((4, 4)))
    with pytest.raises(ValueError, match=r"the input is 3-D \(item 1 is \[\[2\]\]\)"):
        Conv1d(2)([1, [[2]]])


@pytest.mark.parametrize("image", [[[[0.5] * 3] * 3] * 3, np.zeros((3, 3, 3))])
def test_conv2d_on_a_3d_input_says_the_input_must_be_2d(image) -> None:
    # An RGB image, H x W x 3: each pixel is a list of three channels, not a number.
    with pytest.raises(
        ValueError, match=r"the input must be 2-D .* but it is 3-D \(item \[0\]\[0\]"
    ):
        Conv2d(2)(image)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: vec.Conv1d(np.ones(3), 0.0).forward(np.ones(5)), r"\(batch, length\).*X\[None\]"),
        (lambda: vec.Conv2d(np.ones((2, 2)), 0.0).forward(np.ones((1, 5))), r"\(batch, height"),
        (lambda: vec.Conv1d(np.ones(3), 0.0).forward(np.ones((2, 2))), "smaller than the kernel"),
        (
            lambda: vec.Conv1d(np.ones(3), 0.0).backward(np.ones((1, 5)), np.ones((1, 4))),
            r"dY must have the output's shape \(1, 3\)",
        ),
    ],
)
def test_twin_refuses_bad_shapes(call, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        call()
