"""Neurons, layers and MLPs: gradients, fused vs primitive sums, seeding, state."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_close_lists, numerical_grads

from micrograd_notes import Value
from micrograd_notes.losses import mse
from micrograd_notes.nn import MLP, Layer, Neuron
from micrograd_notes.optim import SGD

BATCH = [[0.5, -1.2, 0.3], [-0.7, 0.1, 2.0], [1.5, 0.4, -0.6]]


def _loss(model: MLP) -> Value:
    outs = [model(x) for x in BATCH]
    return Value.sum([o[0] * 0.7 - o[-1] for o in outs]).tanh() + mse(
        [o[0] for o in outs], [1, -1, 0]
    )


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("fused", [True, False])
def test_mlp_gradients_match_central_differences(activation: str, fused: bool) -> None:
    model = MLP(3, [5, 4, 2], activation, fused=fused, seed=3)
    model.zero_grad()
    _loss(model).backward()
    params = model.parameters()
    analytical = [p.grad for p in params]
    assert any(analytical)
    assert_close_lists(analytical, numerical_grads(params, lambda: _loss(model)), 1e-5, 1e-7)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_fused_and_primitive_neurons_agree_bit_for_bit(activation: str) -> None:
    fused, primitive = (MLP(3, [6, 6, 2], activation, fused=f, seed=1) for f in (True, False))
    assert fused.state_dict() == primitive.state_dict()
    loss_f, loss_p = _loss(fused), _loss(primitive)
    assert loss_f.data == loss_p.data
    loss_f.backward()
    loss_p.backward()
    assert [p.grad for p in fused.parameters()] == [p.grad for p in primitive.parameters()]


def test_fused_neuron_is_one_node_primitive_is_many() -> None:
    x = [1.0, 2.0, 3.0]
    fused, primitive = Neuron(3, "linear"), Neuron(3, "linear", fused=False)
    assert fused(x).op == "dot" and len(fused(x).parents) == 7
    assert primitive(x).op == "+"


def test_layer_gives_all_its_neurons_the_same_input_leaves() -> None:
    # Plain numbers are lifted once per layer, not once per neuron: one leaf per input.
    out = Layer(2, 3, "linear")([1.0, 2.0])
    inputs = [node.parents[2:4] for node in out]  # each dot's parents: (w1, w2, x1, x2, b)
    assert all(x[0] is inputs[0][0] and x[1] is inputs[0][1] for x in inputs)
    assert [x.data for x in inputs[0]] == [1.0, 2.0]


def test_layer_returns_a_list_even_for_one_neuron() -> None:
    out = Layer(2, 1)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)
    hidden_of_one = MLP(2, [1, 3])([1.0, 2.0])  # a one-neuron hidden layer still chains
    assert isinstance(hidden_of_one, list) and len(hidden_of_one) == 3


def test_mlp_with_one_output_returns_that_value() -> None:
    model = MLP(2, [3, 1], seed=4)
    out = model([1.0, 2.0])
    assert isinstance(out, Value)
    assert out.data == model.layers[-1]([n.data for n in model.layers[0]([1.0, 2.0])])[0].data
    # micrograd's demo habit: a score per input, not a list per input
    scores = list(map(model, [[1.0, 2.0], [0.5, -1.0]]))
    assert all(isinstance(s, Value) for s in scores) and scores[0].data == out.data
    assert isinstance(MLP(2, [3, 2])([1.0, 2.0]), list)


def test_initialisation_is_seeded_and_scaled() -> None:
    a, b, c = MLP(4, [8, 3], seed=7), MLP(4, [8, 3], seed=7), MLP(4, [8, 3], seed=8)
    assert a.state_dict() == b.state_dict() != c.state_dict()
    relu_bound = math.sqrt(6 / 4)
    first = [w.data for n in a.layers[0].neurons for w in n.w]
    assert max(map(abs, first)) <= relu_bound and max(map(abs, first)) > 0.5 * relu_bound
    last = [w.data for n in a.layers[1].neurons for w in n.w]  # linear: LeCun bound
    assert max(map(abs, last)) <= math.sqrt(3 / 8)
    assert all(n.b.data == 0.0 for layer in a.layers for n in layer.neurons)


def test_last_layer_is_linear_by_default() -> None:
    model = MLP(2, [4, 3])
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "linear"]
    assert MLP(2, [4, 3], "tanh", last="sigmoid").layers[1].neurons[0].activation == "sigmoid"


def test_named_parameters_and_count() -> None:
    model = MLP(2, [16, 16, 1])
    names = [name for name, _ in model.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.2.neurons.0.b"


def test_zero_grad_clears_every_parameter() -> None:
    model = MLP(2, [3, 1])
    model([1.0, -1.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trip() -> None:
    a, b = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    b.load_state_dict(a.state_dict())
    assert a([0.3, 0.4]).data == b([0.3, 0.4]).data


def test_load_state_dict_takes_the_numpy_scalars_value_takes() -> None:
    model = MLP(2, [2, 1])
    names = list(model.state_dict())
    state = {name: np.float32(1.5) if i % 2 else np.int64(-2) for i, name in enumerate(names)}
    model.load_state_dict(state)
    loaded = model.state_dict()
    assert loaded == {name: Value(state[name]).data for name in names}
    assert {type(x) for x in loaded.values()} == {float}


@pytest.mark.parametrize(
    ("state_change", "error", "words"),
    [
        (lambda s: s.pop("layers.0.neurons.0.b"), KeyError, "missing"),
        (lambda s: s.update({"extra": 1.0}), KeyError, "unexpected"),
        (lambda s: s.update({"layers.0.neurons.0.b": math.nan}), ValueError, "finite"),
        (lambda s: s.update({"layers.0.neurons.0.b": "1"}), ValueError, "finite number"),
    ],
)
def test_load_state_dict_rejects_mismatches(state_change, error, words: str) -> None:
    model = MLP(2, [3, 1])
    state = model.state_dict()
    state_change(state)
    with pytest.raises(error, match=words):
        model.load_state_dict(state)


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: MLP(2, [3], "gelu"), ValueError, "unknown activation 'gelu'"),
        (lambda: MLP(0, [3]), ValueError, "nin must be a positive int"),
        (lambda: MLP(2, []), ValueError, "at least one layer"),
        (lambda: MLP(2, [3, 0]), ValueError, "each layer size"),
        (lambda: Neuron(2.5), ValueError, "nin"),  # type: ignore[arg-type]
        (lambda: Neuron(2)([1.0]), ValueError, "neuron expects 2 inputs, got 1"),
        (lambda: Neuron(2)([1.0, "a"]), TypeError, "real number, got str: 'a'"),
        (lambda: Layer(2, 3)([1.0]), ValueError, "layer expects 2 inputs, got 1"),
        (lambda: MLP(2, [3, 1])([1.0, None]), TypeError, "real number, got NoneType"),
    ],
)
def test_bad_arguments_raise_clear_errors(make, error, words: str) -> None:
    with pytest.raises(error, match=words):
        make()


def test_numpy_rows_are_accepted_as_inputs() -> None:
    model = MLP(2, [3, 1])
    row = np.array([0.25, -0.5])
    assert model(row).data == model(row.tolist()).data


# ---- weights and bias set by hand, and micrograd's nonlin= ----------------------------------

X3 = [2.0, -1.5, -2.5]


@pytest.mark.parametrize("fused", [True, False])
def test_weights_and_bias_set_to_plain_numbers_become_parameters(fused: bool) -> None:
    n = Neuron(3, "tanh", fused=fused)
    n.w = [1, 0.5, -1]
    n.b = -3
    out = n(X3)
    assert out.data == math.tanh(1 * 2.0 + 0.5 * -1.5 + -1 * -2.5 - 3)
    assert all(isinstance(p, Value) for p in n.parameters())
    out.backward()
    assert n.w[0].grad == pytest.approx((1 - out.data**2) * 2.0, rel=1e-12)


def test_both_paths_agree_on_weights_put_into_the_list_in_place() -> None:
    fused, primitive = Neuron(3, "tanh"), Neuron(3, "tanh", fused=False)
    for n in (fused, primitive):
        n.w[1] = 2  # past the setter: the list itself changes
        n.b = Value(0.25)
    assert fused(X3).data == primitive(X3).data
    assert isinstance(fused.w[1], Value) and isinstance(primitive.w[1], Value)


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize(
    "put",
    [
        lambda n: n.w.__setitem__(1, 2),  # n.w[1] = 2: in place, past the setter
        lambda n: setattr(n, "w", [n.w[0], 2, n.w[2]]),  # n.w = [...]: through the setter
    ],
    ids=["in place", "setter"],
)
def test_a_number_put_into_a_weight_goes_into_the_leaf_an_optimizer_holds(fused, put) -> None:
    n = Neuron(3, "tanh", fused=fused)
    optimizer = SGD(n.parameters(), lr=0.1)
    held_w, held_b = n.w[1], n.b
    put(n)
    n.b = -0.5
    out = n(X3)
    assert out.data == math.tanh(n.w[0].data * 2.0 + 2 * -1.5 + n.w[2].data * -2.5 - 0.5)
    assert n.w[1] is held_w and n.b is held_b and n.parameters() == optimizer.params
    optimizer.zero_grad()
    out.backward()
    optimizer.step()  # moves the weight the neuron computes with
    assert held_w.data == 2.0 - 0.1 * held_w.grad and held_w.grad != 0.0
    assert held_b.data == -0.5 - 0.1 * held_b.grad


def test_a_number_put_in_place_is_a_parameter_before_the_next_forward() -> None:
    # parameters() listed the plain 1 itself, which an optimizer then refused.
    n = Neuron(3, "tanh")
    held = n.parameters()
    n.w[0] = 1
    assert n.parameters() == held and held[0].data == 1.0
    assert SGD(n.parameters(), lr=0.1).params == held


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize(
    "spoil, words",
    [
        (lambda n: n.w.__setitem__(0, "1"), r"weight w\[0\] must be a Value or a finite number"),
        (lambda n: n.w.__setitem__(2, None), r"weight w\[2\] must be a Value or a finite number"),
        (lambda n: n.w.__setitem__(1, math.inf), r"weight w\[1\] must be a Value or a finite"),
    ],
)
def test_both_paths_refuse_a_bad_weight_with_the_same_error(fused: bool, spoil, words) -> None:
    n = Neuron(3, "tanh", fused=fused)
    spoil(n)
    with pytest.raises(TypeError, match=words):
        n(X3)


def test_setting_weights_checks_them_at_once() -> None:
    n = Neuron(3)
    with pytest.raises(ValueError, match="this neuron has 3 inputs, so 3 weights, got 2"):
        n.w = [1.0, 2.0]
    with pytest.raises(TypeError, match="bias b must be a Value or a finite number, got 'x'"):
        n.b = "x"


def test_nonlin_is_micrograds_spelling_of_the_activation() -> None:
    assert Neuron(2, nonlin=True).activation == "relu"
    assert Neuron(2, nonlin=False).activation == "linear"
    assert Neuron(2).activation == "relu"
    layer = Layer(2, 3, nonlin=False)
    assert all(n.activation == "linear" for n in layer.neurons)
    with pytest.raises(ValueError, match="activation= or nonlin="):
        Neuron(2, "tanh", nonlin=True)
    with pytest.raises(ValueError, match="nonlin must be True"):
        Neuron(2, nonlin="relu")  # type: ignore[arg-type]
