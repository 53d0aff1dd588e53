"""Notebook 14's exercise: state_dict_shapes, with each slip submitted on purpose."""

from __future__ import annotations

import itertools

from helpers import assert_mistake

from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.pytorch import NETWORKS, state_dict_shapes
from micrograd_notes.nn import MLP
from micrograd_notes.weights import to_tensors

EX = exercise("state_dict_shapes")


def test_the_solution_gives_what_weights_writes_for_every_network() -> None:
    for nin, nouts, activation, last in NETWORKS:
        tensors, _ = to_tensors(MLP(nin, nouts, activation, last=last))
        shapes = state_dict_shapes(nin, nouts, activation, last)
        assert shapes == {name: array.shape for name, array in tensors.items()}
    assert EX.accepts(state_dict_shapes)


def test_shapes_as_lists_are_fine() -> None:
    def as_lists(*args):
        return {name: list(shape) for name, shape in state_dict_shapes(*args).items()}

    assert EX.accepts(as_lists)


def test_weights_written_in_by_out_are_named() -> None:
    def transposed(*args):
        shapes = state_dict_shapes(*args)
        return {n: s[::-1] if n.endswith("weight") else s for n, s in shapes.items()}

    assert_mistake(EX, transposed, "(out, in)", "one row per neuron",
                   "The names and shapes are PyTorch's")  # fmt: skip


def test_activations_not_counted_as_modules_are_named() -> None:
    def numbered_by_layer(nin, nouts, activation, last):
        sizes = [nin, *nouts]
        shapes = {}
        for k, (a, b) in enumerate(itertools.pairwise(sizes)):
            shapes[f"{k}.weight"], shapes[f"{k}.bias"] = (b, a), (b,)
        return shapes

    assert_mistake(EX, numbered_by_layer, "each activation is a module")


def test_a_linear_activation_counted_as_a_module_is_named() -> None:
    def every_layer_two_apart(nin, nouts, activation, last):
        sizes = [nin, *nouts]
        shapes = {}
        for k, (a, b) in enumerate(itertools.pairwise(sizes)):
            shapes[f"{2 * k}.weight"], shapes[f"{2 * k}.bias"] = (b, a), (b,)
        return shapes

    # Right for the first network (tanh, sigmoid); the second ends in a linear layer.
    assert_mistake(EX, every_layer_two_apart, 'a "linear" activation adds no module')


def test_a_bias_as_a_column_is_named() -> None:
    def column_bias(*args):
        shapes = state_dict_shapes(*args)
        return {n: (s[0], 1) if n.endswith("bias") else s for n, s in shapes.items()}

    assert_mistake(EX, column_bias, "a bias is one vector")


def test_a_missing_bias_and_a_wrong_return_are_named() -> None:
    def no_bias(*args):
        return {n: s for n, s in state_dict_shapes(*args).items() if n.endswith("weight")}

    assert_mistake(EX, no_bias, "the names ['0.bias', '2.bias', '4.bias'] are missing")
    assert_mistake(EX, lambda *args: list(state_dict_shapes(*args)), "should return a dict")
